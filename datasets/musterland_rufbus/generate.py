"""Generate the synthetic on-demand bus (Rufbus) data of the fictional "Landkreis Musterland" (NI).

All data is SYNTHETIC. Only the calendar facts (Lower Saxony public holidays from
``urbanki_helpers.calendar_de`` and the Lower Saxony school holidays of 2023 and 2024) are real.
Running the script twice gives byte-identical files::

    python datasets/musterland_rufbus/generate.py [--out DIR]

Files written (coordinates in EPSG:25832, metres; times are local wall-clock times in
Europe/Berlin without offset, "2023-01-02T06:00" = the hour from 06:00 to 07:00):

- ``zonen.geojson``           15 zones (villages, small towns) with structural attributes and
                              the date the Rufbus started serving them (empty = not served)
- ``poi.geojson``             schools, doctors, shops and stations behind the zone counts
- ``anfragen_stunde.csv.gz``  booking requests per served zone and service hour, 2023-2024
- ``wetter_stunde.csv``       district-wide hourly temperature and precipitation, 2023-2024
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

from urbanki_helpers.atomic import gzip_bytes, write_bytes
from urbanki_helpers.calendar_de import SCHOOL_HOLIDAYS, public_holidays
from urbanki_helpers.data.synthetic import generator_main, geojson_text, smooth_ring

SEED = 20240703
CENTRE_X = 440_000.0  # centre of the district (Altenbrück), EPSG:25832 easting in m
CENTRE_Y = 5_812_000.0  # centre of the district, EPSG:25832 northing in m (≈ 8.12° E, 52.45° N)
DISTRICT_RADIUS_M = 16_500.0  # mean radius of the district boundary in m
FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
STATE = "NI"  # Niedersachsen

# Zones: id, name, seed point relative to the centre (km), residents, share aged 65+, share
# under 18, cars per 1,000 residents, railway station (0/1), Rufbus service since ("" = none).
ZONES = [
    ("Z01", "Altenbrück", (0.0, 0.0), 9_874, 0.221, 0.168, 552, 1, "2023-01-01"),
    ("Z02", "Brockhorst", (-3.0, 6.0), 3_412, 0.262, 0.158, 641, 0, "2023-01-01"),
    ("Z03", "Eichenlohe", (0.5, 12.0), 2_087, 0.291, 0.149, 668, 0, "2023-01-01"),
    ("Z04", "Fennbrock", (9.0, 8.0), 4_736, 0.208, 0.192, 612, 1, "2023-01-01"),
    ("Z05", "Grevensiek", (12.5, -1.0), 1_496, 0.312, 0.141, 688, 0, "2023-04-01"),
    ("Z06", "Hasewinkel", (3.0, -6.0), 6_318, 0.239, 0.181, 589, 1, "2023-01-01"),
    ("Z07", "Heidebrink", (-0.5, -12.5), 1_318, 0.274, 0.152, 697, 0, ""),
    ("Z08", "Kleinenesch", (-3.5, -5.5), 2_694, 0.283, 0.161, 653, 0, "2023-01-01"),
    ("Z09", "Lindloh", (-12.5, 0.0), 3_925, 0.228, 0.187, 623, 0, "2023-06-01"),
    ("Z10", "Moorwede", (-6.5, 0.5), 1_893, 0.251, 0.171, 671, 0, "2023-01-01"),
    ("Z11", "Ostermoor", (5.5, 1.0), 5_184, 0.268, 0.172, 604, 0, ""),
    ("Z12", "Rehdenfeld", (8.5, -9.0), 2_406, 0.199, 0.203, 679, 0, "2023-07-01"),
    ("Z13", "Sandkamp", (-9.0, -8.5), 2_271, 0.297, 0.143, 662, 0, ""),
    ("Z14", "Wiesenhagen", (3.5, 5.0), 2_938, 0.193, 0.208, 634, 0, "2023-01-01"),
    ("Z15", "Wittenfeld", (-8.5, 8.5), 1_742, 0.243, 0.176, 684, 0, ""),
]

# --- Calendar facts (real) -------------------------------------------------------------------
# School holidays in Lower Saxony: urbanki_helpers.calendar_de.SCHOOL_HOLIDAYS['NI'] (sources
# there and in SOURCE.md).
SCHOOL_HOLIDAYS_NI = SCHOOL_HOLIDAYS["NI"]

# --- Service --------------------------------------------------------------------------------
# Service hours (start of the hour, local time): Mon-Fri 06-22 h, Sat, Sun and public
# holidays 08-22 h.
WORKDAY_HOURS = range(6, 22)
WEEKEND_HOURS = range(8, 22)

# --- Demand process ---------------------------------------------------------------------------
# Zone rate (expected requests per hour on a reference school day, profile mean = 1):
#   BASE_RATE * (residents / 1000)^RESIDENT_ELASTICITY * exp(AGE_EFFECT * (share65 - 0.24))
#   * exp(-CAR_EFFECT * (cars per 1000 - 620) / 100) * STATION_FACTOR^station * exp(u_zone)
BASE_RATE = 0.24
RESIDENT_ELASTICITY = 0.65
AGE_EFFECT = 4.0  # per unit share of residents aged 65+
CAR_EFFECT = 0.8  # per 100 cars per 1,000 residents
STATION_FACTOR = 1.35  # zones with a railway station (feeder trips to the train)
ZONE_NOISE_SD = 0.25  # sd of the unexplained zone effect u_zone (log scale)
# Hour profiles (hour -> factor). Workdays without school trips (also school holidays):
WORKDAY_PROFILE = {
    6: 0.45, 7: 0.80, 8: 1.05, 9: 1.35, 10: 1.50, 11: 1.40, 12: 1.10, 13: 1.00,
    14: 1.05, 15: 1.10, 16: 1.05, 17: 0.95, 18: 0.75, 19: 0.55, 20: 0.40, 21: 0.30,
}
# Extra school trips on school days, scaled by the zone's share under 18 / 0.17.
SCHOOL_PROFILE = {7: 1.50, 8: 0.20, 12: 0.35, 13: 0.90, 14: 0.30, 15: 0.15}
FRIDAY_EVENING = 1.35  # Friday 19-22 h: leisure trips
SATURDAY_PROFILE = {
    8: 0.40, 9: 0.70, 10: 0.90, 11: 0.90, 12: 0.75, 13: 0.60, 14: 0.55, 15: 0.55,
    16: 0.60, 17: 0.65, 18: 0.75, 19: 0.85, 20: 0.80, 21: 0.65,
}
SUNDAY_PROFILE = {  # also public holidays
    8: 0.15, 9: 0.25, 10: 0.40, 11: 0.45, 12: 0.40, 13: 0.40, 14: 0.50, 15: 0.55,
    16: 0.50, 17: 0.45, 18: 0.45, 19: 0.50, 20: 0.45, 21: 0.35,
}
RAMP_DEPTH = 0.70  # demand right after launch is 30 % of the mature level ...
RAMP_DAYS = 60.0  # ... and approaches it with this time constant (≈ 97 % after 6 months)
RAIN_STEP = 0.22  # relative extra demand in an hour with precipitation (≥ 0.1 mm) ...
RAIN_PER_MM = 0.05  # ... plus this per mm, counted up to RAIN_CAP_MM
RAIN_CAP_MM = 4.0
COLD_THRESHOLD_C = 8.0  # below this temperature (°C) demand rises ...
COLD_PER_C = 0.015  # ... by this relative amount per °C
DAY_NOISE_SHAPE = 25.0  # gamma noise per zone and day (cv 0.2): events, visitors, chance
HOUR_NOISE_SHAPE = 40.0  # gamma noise per zone and hour (cv 0.16)

# --- Weather process --------------------------------------------------------------------------
TEMP_MEAN_C = 10.3  # annual mean temperature (°C)
TEMP_SEASON_C = 8.3  # half the difference between July and January means (°C)
TEMP_DAILY_C = (2.0, 5.0)  # half the daily range in winter and in summer (°C)
TEMP_AR = 0.985  # hourly autocorrelation of the weather anomaly
TEMP_ANOMALY_SD_C = 3.0  # sd of the weather anomaly (°C)
RAIN_START = (0.030, 0.020)  # probability that rain starts in a dry hour (winter, summer)
RAIN_STAY = (0.84, 0.74)  # probability that it keeps raining in the next hour (winter, summer)
RAIN_MEDIAN_MM = (0.50, 0.90)  # median rain intensity of an event in mm/h (winter, summer)

# --- POI names ---------------------------------------------------------------------------------
SURNAMES = [
    "Meyer", "Schulte", "Brinkmann", "Többen", "Niemann", "Wessels", "Hackmann", "Rolfes",
    "Lüken", "Kruse", "Bollmann", "Heitmann", "Tiemann", "Große", "Lammers", "Ostendorf",
    "Budde", "Hülsmann", "Kampmann", "Wiebrock", "Sievers", "Moormann", "Fangmeyer", "Dreher",
    "Beckmann", "Stegemann", "Wulf", "Lührmann", "Reckers", "Vornholt",
]
SCHOOL_TYPES = ["Grundschule", "Oberschule", "Gymnasium", "Berufsbildende Schulen",
                "Grundschule am Park"]
DOCTOR_TYPES = ["Hausarztpraxis", "Zahnarztpraxis", "Hausarztpraxis", "Kinderarztpraxis",
                "Augenarztpraxis", "Zahnarztpraxis", "Frauenarztpraxis", "Orthopädie",
                "Hausarztpraxis", "HNO-Praxis", "Hautarztpraxis"]
SHOP_TYPES = ["Dorfladen", "Bäckerei", "Supermarkt", "Apotheke", "Fleischerei", "Hofladen",
              "Getränkemarkt", "Drogerie", "Supermarkt", "Bäckerei", "Apotheke", "Blumenladen",
              "Discounter", "Bäckerei", "Optiker", "Baumarkt"]
PERSONAL_SHOPS = {"Bäckerei", "Fleischerei", "Hofladen", "Blumenladen", "Optiker"}


def _local(xy_km):
    """District-local offsets (km) to EPSG:25832 coordinates (m)."""
    return (CENTRE_X + 1_000.0 * xy_km[0], CENTRE_Y + 1_000.0 * xy_km[1])


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --- Geometry ---------------------------------------------------------------------------------


def make_boundary(rng: np.random.Generator) -> Polygon:
    """District boundary: a smooth irregular ring, vertices on whole metres."""
    return smooth_ring(rng, (CENTRE_X, CENTRE_Y), DISTRICT_RADIUS_M, n_vertices=120,
                       waves=((2, 0.08), (3, 0.05), (7, 0.03)))


def make_zones(boundary: Polygon) -> list[Polygon]:
    """Voronoi cells of the zone seed points, clipped to the district boundary (1 m grid)."""
    seeds = MultiPoint([_local(z[2]) for z in ZONES])
    cells = shapely.voronoi_polygons(seeds, extend_to=boundary.buffer(5_000))
    polys = []
    for _, _, xy, *_ in ZONES:
        point = Point(_local(xy))
        cell = next(c for c in cells.geoms if c.contains(point))
        poly = shapely.intersection(cell, boundary, grid_size=1.0)
        if poly.geom_type != "Polygon" or not poly.contains(point):
            raise RuntimeError(f"zone around {xy} is not a single polygon around its seed")
        polys.append(poly)
    if not shapely.coverage_is_valid(np.array(polys)):
        raise RuntimeError("zone polygons overlap or leave gaps")
    return polys


def poi_counts(residents: int, station: int) -> dict[str, int]:
    """Number of schools, doctors and shops a village of this size has (deterministic)."""
    return {
        "schule": 0 if residents < 1_400 else min(len(SCHOOL_TYPES), 1 + residents // 4_000),
        "arzt": min(len(DOCTOR_TYPES), round(residents / 1_200)),
        "laden": min(len(SHOP_TYPES), max(1, round(residents / 850))),
        "bahnhof": station,
    }


def make_pois(rng: np.random.Generator, polys: list[Polygon]) -> list[tuple[dict, Point]]:
    """Points of interest around each village centre, inside the zone, on whole metres."""
    surnames = iter(SURNAMES * 4)
    features = []
    for (zone_id, name, xy, residents, *_shares, station, _since), poly in zip(
            ZONES, polys, strict=True):
        cx, cy = _local(xy)
        spread = 250.0 + 9.0 * math.sqrt(residents)  # m; larger villages are more spread out
        inner = poly.buffer(-150)
        counts = poi_counts(residents, station)
        for art in ("schule", "arzt", "laden", "bahnhof"):
            for k in range(counts[art]):
                while True:
                    dx, dy = rng.normal(0.0, spread, size=2)
                    if art == "bahnhof":  # the station lies at the edge of the village
                        angle = rng.uniform(0, 2 * math.pi)
                        dx, dy = 1.6 * spread * math.cos(angle), 1.6 * spread * math.sin(angle)
                    p = Point(round(cx + dx), round(cy + dy))
                    if inner.contains(p):
                        break
                if art == "schule":
                    label = f"{SCHOOL_TYPES[k]} {name}"
                elif art == "arzt":
                    label = f"{DOCTOR_TYPES[k]} {next(surnames)}"
                elif art == "laden":
                    kind = SHOP_TYPES[k]
                    label = f"{kind} {next(surnames) if kind in PERSONAL_SHOPS else name}"
                else:
                    label = f"Bahnhof {name}"
                features.append(({"art": art, "name": label, "zone_id": zone_id}, p))
    return features


# --- Calendar ----------------------------------------------------------------------------------


def school_holidays() -> set[dt.date]:
    days = set()
    for first, last in SCHOOL_HOLIDAYS_NI:
        days.update(_days(dt.date.fromisoformat(first), dt.date.fromisoformat(last)))
    return days


def public_holiday_days() -> set[dt.date]:
    return {d for year in (2023, 2024) for d in public_holidays(year, STATE)}


def _spring_forward(day: dt.date) -> bool:
    """Last Sunday of March: local clocks jump from 02:00 to 03:00 (EU summer time rule)."""
    return day.month == 3 and day.weekday() == 6 and day.day >= 25


# --- Weather -----------------------------------------------------------------------------------


def make_weather(rng: np.random.Generator):
    """Hourly temperature (°C) and precipitation (mm) on the local wall-clock hours.

    Returns (labels, temperature, precipitation); the non-existent hour 02:00 on the day of the
    change to summer time is left out, the repeated hour in October appears once.
    """
    labels, doy, hours = [], [], []
    for day in _days(FIRST_DAY, LAST_DAY):
        for h in range(24):
            if h == 2 and _spring_forward(day):
                continue
            labels.append(f"{day.isoformat()}T{h:02d}:00")
            doy.append(day.timetuple().tm_yday + h / 24)
            hours.append(h)
    doy, hours = np.array(doy), np.array(hours, dtype=float)
    n = doy.size
    winter = 0.5 + 0.5 * np.cos(2 * math.pi * (doy - 15) / 365.25)  # 1 mid-January, 0 July
    summer = 1.0 - winter

    # Precipitation: wet/dry Markov chain, event intensity, hourly variation.
    p_start = RAIN_START[0] * winter + RAIN_START[1] * summer
    p_stay = RAIN_STAY[0] * winter + RAIN_STAY[1] * summer
    median = RAIN_MEDIAN_MM[0] * winter + RAIN_MEDIAN_MM[1] * summer
    u = rng.uniform(size=n)
    event_scale = rng.lognormal(0.0, 0.6, size=n)
    hourly = rng.gamma(1.5, 1 / 1.5, size=n)
    rain = np.zeros(n)
    wet, scale = False, 1.0
    for i in range(n):
        if wet:
            wet = u[i] < p_stay[i]
        else:
            wet = u[i] < p_start[i]
            scale = event_scale[i]  # a new event gets its own intensity
        if wet:
            rain[i] = median[i] * scale * hourly[i]
    rain = np.round(rain, 1) + 0.0

    # Temperature: seasonal cycle, daily cycle (weaker when it rains), weather anomaly.
    shocks = rng.normal(0.0, TEMP_ANOMALY_SD_C * math.sqrt(1 - TEMP_AR**2), size=n)
    anomaly = np.zeros(n)
    anomaly[0] = rng.normal(0.0, TEMP_ANOMALY_SD_C)
    for i in range(1, n):
        anomaly[i] = TEMP_AR * anomaly[i - 1] + shocks[i]
    season = TEMP_MEAN_C - TEMP_SEASON_C * np.cos(2 * math.pi * (doy - 19) / 365.25)
    daily = TEMP_DAILY_C[0] * winter + TEMP_DAILY_C[1] * summer
    cycle = np.cos(2 * math.pi * (hours - 15) / 24)
    wet_hours = rain > 0
    temperature = season + daily * cycle * np.where(wet_hours, 0.4, 1.0) + anomaly
    temperature -= np.where(wet_hours, 1.0 + 1.5 * summer, 0.0)  # rain cools, most in summer
    temperature += rng.normal(0.0, 0.3, size=n)
    temperature = np.round(temperature, 1) + 0.0  # no "-0.0"
    return labels, temperature, rain


# --- Demand ------------------------------------------------------------------------------------


def zone_rate(residents: int, share65: float, cars: int, station: int) -> float:
    """Expected requests per hour on a reference school day without the zone noise."""
    return (
        BASE_RATE * (residents / 1_000) ** RESIDENT_ELASTICITY
        * math.exp(AGE_EFFECT * (share65 - 0.24))
        * math.exp(-CAR_EFFECT * (cars - 620) / 100)
        * STATION_FACTOR**station
    )


def service_slots():
    """Every service hour of the period: (day index, day, hour, day type)."""
    school = school_holidays()
    public = public_holiday_days()
    slots = []
    for d_idx, day in enumerate(_days(FIRST_DAY, LAST_DAY)):
        wd = day.weekday()
        if day in public or wd == 6:
            kind, hours = "sonntag", WEEKEND_HOURS
        elif wd == 5:
            kind, hours = "samstag", WEEKEND_HOURS
        elif day in school:
            kind, hours = "ferien", WORKDAY_HOURS
        else:
            kind, hours = "schultag", WORKDAY_HOURS
        for h in hours:
            slots.append((d_idx, day, h, kind))
    return slots


def make_requests(rng: np.random.Generator, weather_labels, temperature, rain):
    """Requests per served zone and service hour.

    Returns the slot labels ("2023-01-01T08:00", ...) and the rows (slot index, zone index,
    requests), sorted by time and zone; every service hour from the zone's launch is a row.
    """
    slots = service_slots()
    weather_index = {label: i for i, label in enumerate(weather_labels)}
    labels = [f"{day.isoformat()}T{h:02d}:00" for _, day, h, _ in slots]
    w = np.array([weather_index[label] for label in labels])
    temp, wet_mm = temperature[w], rain[w]
    weather = (1 + RAIN_STEP * (wet_mm >= 0.1) + RAIN_PER_MM * np.minimum(wet_mm, RAIN_CAP_MM))
    weather *= 1 + COLD_PER_C * np.maximum(0.0, COLD_THRESHOLD_C - temp)

    day_idx = np.array([s[0] for s in slots])
    hour = np.array([s[2] for s in slots])
    friday = np.array([s[1].weekday() == 4 for s in slots])
    general = np.zeros(len(slots))
    school_part = np.zeros(len(slots))
    for i, (_, _, h, k) in enumerate(slots):
        if k in ("schultag", "ferien"):
            general[i] = WORKDAY_PROFILE[h]
            if k == "schultag":
                school_part[i] = SCHOOL_PROFILE.get(h, 0.0)
        elif k == "samstag":
            general[i] = SATURDAY_PROFILE[h]
        else:
            general[i] = SUNDAY_PROFILE[h]
    general *= np.where(friday & (hour >= 19), FRIDAY_EVENING, 1.0)
    n_days = (LAST_DAY - FIRST_DAY).days + 1

    rows = []  # (slot index, zone index, requests)
    for z_idx, zone in enumerate(ZONES):
        residents, share65, share18, cars, station, since = zone[3:]
        # All random numbers are drawn for every zone, served or not, and independently of the
        # expected value, so that serving one more zone changes no other zone's numbers.
        u_zone = rng.normal(0.0, ZONE_NOISE_SD)
        day_noise = rng.gamma(DAY_NOISE_SHAPE, 1 / DAY_NOISE_SHAPE, size=n_days)
        hour_noise = rng.gamma(HOUR_NOISE_SHAPE, 1 / HOUR_NOISE_SHAPE, size=len(slots))
        draws = rng.uniform(size=len(slots))
        if not since:
            continue
        start = (dt.date.fromisoformat(since) - FIRST_DAY).days
        age = (day_idx - start).astype(float)
        ramp = 1 - RAMP_DEPTH * np.exp(-np.maximum(age, 0.0) / RAMP_DAYS)
        profile = general + school_part * (share18 / 0.17)
        lam = (zone_rate(residents, share65, cars, station) * math.exp(u_zone) * profile
               * ramp * weather * day_noise[day_idx] * hour_noise)
        counts = _poisson_from_uniform(lam, draws)
        for i in np.flatnonzero(age >= 0):
            rows.append((i, z_idx, int(counts[i])))
    rows.sort()
    return labels, rows


def _poisson_from_uniform(lam: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson draws by inversion of pre-drawn uniforms (the draws do not depend on lam)."""
    k = np.zeros(lam.size, dtype=np.int64)
    p = np.exp(-lam)
    cdf = p.copy()
    active = u > cdf
    while active.any():
        k[active] += 1
        p[active] *= lam[active] / k[active]
        cdf[active] += p[active]
        active &= u > cdf
    return k


# --- Writers: fixed formatting, sorted, no time stamps -----------------------------------------










def generate(out: Path) -> list[Path]:
    """Write all files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    seq = np.random.SeedSequence(SEED)
    rng_geo, rng_poi, rng_weather, rng_demand = (np.random.default_rng(s) for s in seq.spawn(4))

    boundary = make_boundary(rng_geo)
    polys = make_zones(boundary)
    pois = make_pois(rng_poi, polys)

    features = []
    for (zone_id, name, _xy, residents, share65, share18, cars, station, since), poly in zip(
            ZONES, polys, strict=True):
        counts = poi_counts(residents, station)
        props = {
            "zone_id": zone_id,
            "name": name,
            "einwohner": residents,
            "anteil_65plus": share65,
            "anteil_unter18": share18,
            "pkw_je_1000": cars,
            "schulen": counts["schule"],
            "aerzte": counts["arzt"],
            "laeden": counts["laden"],
            "bahnhof": station,
            "betrieb_seit": since,
        }
        features.append((props, poly))
    paths = [out / "zonen.geojson"]
    write_bytes(paths[-1], geojson_text("zonen", features).encode("utf-8"))

    paths.append(out / "poi.geojson")
    write_bytes(paths[-1], geojson_text("poi", pois).encode("utf-8"))

    weather_labels, temperature, rain = make_weather(rng_weather)
    labels, rows = make_requests(rng_demand, weather_labels, temperature, rain)
    lines = ["zeit,zone_id,anfragen"]
    lines += [f"{labels[i]},{ZONES[z][0]},{n}" for i, z, n in rows]
    paths.append(out / "anfragen_stunde.csv.gz")
    write_bytes(paths[-1], gzip_bytes(("\n".join(lines) + "\n").encode("utf-8")))

    lines = ["zeit,temperatur_c,niederschlag_mm"]
    lines += [
        f"{label},{t:.1f},{r:.1f}"
        for label, t, r in zip(weather_labels, temperature, rain, strict=True)
    ]
    paths.append(out / "wetter_stunde.csv")
    write_bytes(paths[-1], ("\n".join(lines) + "\n").encode("utf-8"))
    return paths


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
