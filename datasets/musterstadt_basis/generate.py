"""Generate the synthetic base data of the fictional town "Musterstadt" (NRW).

All data is SYNTHETIC. Only the calendar facts (NRW public holidays and NRW school holidays of
2023 and 2024) are real. Running the script twice gives byte-identical files::

    python datasets/musterstadt_basis/generate.py [--out DIR]

Files written (coordinates in EPSG:25832, metres):

- ``stadtteile.geojson``       districts (polygons) with residents and share aged 65+
- ``bevoelkerung_100m.csv``    residents per 100 m grid cell (cell centre x, y)
- ``haltestellen.geojson``     bus stops (points) with their lines
- ``buergerbuero_besuche.csv`` daily visits to the citizens' office, German open-data format
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from urbanki_helpers.atomic import write_bytes
from urbanki_helpers.calendar_de import SCHOOL_HOLIDAYS
from urbanki_helpers.data.synthetic import generator_main, geojson_text, smooth_ring

SEED = 20240611
CENTRE_X = 370_000.0  # town centre (Markt), EPSG:25832 easting in m
CENTRE_Y = 5_712_000.0  # town centre (Markt), EPSG:25832 northing in m
TOWN_RADIUS_M = 3_400.0  # mean radius of the town boundary in m
TARGET_RESIDENTS = 60_000  # expected number of residents
CELL_M = 100.0  # grid cell size in m
MAX_RESIDENTS_PER_CELL = 220.0  # cap of the expected residents per 100 m cell (per ha)
STOP_SPACING_M = 420.0  # distance between bus stops along a line in m
STOP_MERGE_M = 200.0  # stops of different lines closer than this are one stop, in m

# Districts: id, name, seed point relative to the centre (m), residents per ha at the
# district's own centre, radius of that local centre (m), share of residents aged 65+.
DISTRICTS = [
    ("01", "Altstadt", (0, 0), 0.0, 1.0, 0.27),
    ("02", "Nordviertel", (150, 2_150), 50.0, 700.0, 0.19),
    ("03", "Lindenhof", (1_750, 1_500), 55.0, 650.0, 0.24),
    ("04", "Am Hafen", (2_250, -250), 45.0, 450.0, 0.16),
    ("05", "Südstadt", (850, -2_050), 55.0, 750.0, 0.17),
    ("06", "Kirchdorf", (-1_500, -1_750), 45.0, 500.0, 0.31),
    ("07", "Westfeld", (-2_250, -150), 50.0, 600.0, 0.22),
    ("08", "Heidkamp", (-1_650, 1_750), 40.0, 450.0, 0.29),
    ("09", "Bahnhofsviertel", (1_150, 300), 55.0, 450.0, 0.21),
]

# Bus lines as way points relative to the centre (m); every line starts at the Busbahnhof.
LINES = {
    "301": [(0, 0), (80, 1_000), (250, 2_100), (100, 3_300)],
    "305": [(0, 0), (1_200, 250), (2_200, -150), (3_200, -300)],
    "306": [(0, 0), (-1_100, -100), (-2_300, -150), (-3_300, -250)],
    "310": [(0, 0), (500, -900), (850, -2_000), (700, -3_200)],
    "320": [(0, 0), (900, 700), (1_700, 1_450), (2_400, 2_100)],
    "330": [(0, 0), (-700, -800), (-1_450, -1_700)],
    # Tangential line from Südstadt via Kirchdorf and Westfeld to Nordviertel; it passes
    # Heidkamp only at its southern edge.
    "315": [(700, -1_350), (-300, -1_500), (-1_500, -700), (-1_600, 300), (-1_250, 950),
            (-150, 1_500)],
}
TERMINUS_NAMES = {
    "301": "Nordviertel, Wendeplatz",
    "305": "Hafen",
    "306": "Westfeld, Schleife",
    "310": "Südstadt, Endstelle",
    "320": "Lindenhof",
    "330": "Kirchdorf, Dorfplatz",
}
HUB_NAME = "Busbahnhof"  # stop at the town centre, where all radial lines start
STOP_NAMES = [
    "Rathaus", "Kirchstraße", "Schulstraße", "Lindenallee", "Rosenweg", "Gartenstraße",
    "Bergstraße", "Mühlenweg", "Am Stadtpark", "Krankenhaus", "Friedhof", "Sportplatz",
    "Hallenbad", "Feuerwache", "Gesamtschule", "Berliner Platz", "Kolpingstraße", "Ringstraße",
    "Birkenweg", "Eichendorffstraße", "Goethestraße", "Schillerstraße", "Am Wasserturm",
    "Marktstraße", "Brunnenplatz", "Industriestraße", "Hafenstraße", "Kanalbrücke",
    "Auf dem Kamp", "Heideweg", "Ahornweg", "Buchenring", "Am Bach", "Wiesenstraße",
    "Mozartstraße", "Lessingplatz", "Amtsgericht", "Bahnhof", "Stadtwerke", "Finanzamt",
    "Jahnstraße", "Tulpenweg", "Drosselweg", "Lerchenfeld", "Im Winkel", "Grüner Weg",
    "Dorfstraße", "Kapellenweg", "Zum Sportpark", "Am Hang", "Kastanienallee", "Ulmenweg",
    "Fliederstraße", "Kiefernweg", "Weidenstraße", "Rotdornweg",
]

# --- Calendar facts (real) -------------------------------------------------------------------
# Public holidays in North Rhine-Westphalia 2023 and 2024 (Feiertagsgesetz NW, § 2; also listed
# by the state government at https://www.land.nrw/feiertage).
PUBLIC_HOLIDAYS_NRW = {
    "2023-01-01": "Neujahr",
    "2023-04-07": "Karfreitag",
    "2023-04-10": "Ostermontag",
    "2023-05-01": "Tag der Arbeit",
    "2023-05-18": "Christi Himmelfahrt",
    "2023-05-29": "Pfingstmontag",
    "2023-06-08": "Fronleichnam",
    "2023-10-03": "Tag der Deutschen Einheit",
    "2023-11-01": "Allerheiligen",
    "2023-12-25": "1. Weihnachtstag",
    "2023-12-26": "2. Weihnachtstag",
    "2024-01-01": "Neujahr",
    "2024-03-29": "Karfreitag",
    "2024-04-01": "Ostermontag",
    "2024-05-01": "Tag der Arbeit",
    "2024-05-09": "Christi Himmelfahrt",
    "2024-05-20": "Pfingstmontag",
    "2024-05-30": "Fronleichnam",
    "2024-10-03": "Tag der Deutschen Einheit",
    "2024-11-01": "Allerheiligen",
    "2024-12-25": "1. Weihnachtstag",
    "2024-12-26": "2. Weihnachtstag",
}
# School holidays in NRW: urbanki_helpers.calendar_de.SCHOOL_HOLIDAYS['NW'] (sources there).
SCHOOL_HOLIDAYS_NRW = SCHOOL_HOLIDAYS["NW"]
SUMMER_HOLIDAY_STARTS = ["2023-06-22", "2024-07-08"]
FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
WEEKDAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]

# Visits process: weekday factor (Monday and Thursday have long opening hours; Saturday is
# only the first Saturday of a month), month factor, and other effects.
VISITS_BASE = 140.0  # expected visits on a Tuesday in term time at the start of 2023
WEEKDAY_FACTOR = [1.30, 1.00, 0.78, 1.38, 0.68, 0.55, 0.0]
# Month factor: busy in January (new year), September and November (moves at the start of
# training and of the winter semester), quiet in December.
MONTH_FACTOR = [1.12, 1.02, 1.00, 0.98, 1.04, 1.02, 0.94, 0.92, 1.06, 1.00, 1.06, 0.78]
TREND_PER_YEAR = 0.04  # relative growth of demand per year
HOLIDAY_FACTOR = 0.76  # school holidays: families travel, fewer visits
PASSPORT_WEEKS = 6  # weeks before the summer holidays with more passport applications
PASSPORT_PEAK = 0.45  # extra demand (relative) right before the summer holidays
HOT_THRESHOLD_C = 24.0  # above this daily mean temperature (°C) fewer people come ...
HOT_EFFECT = 0.035  # ... by this relative amount per °C
COLD_THRESHOLD_C = 0.0  # below this daily mean temperature (°C, frost, slippery roads) ...
COLD_EFFECT = 0.025  # ... by this relative amount per °C
N_TEMPERATURE_MISSING = 7  # days with a missing temperature ("na")


def _local(xy):
    """Town-local offsets (m) to EPSG:25832 coordinates (m)."""
    return (CENTRE_X + xy[0], CENTRE_Y + xy[1])


def make_boundary(rng: np.random.Generator) -> Polygon:
    """Town boundary: a smooth irregular ring, vertices on whole metres."""
    return smooth_ring(rng, (CENTRE_X, CENTRE_Y), TOWN_RADIUS_M, n_vertices=96,
                       waves=((2, 0.10), (3, 0.07), (5, 0.04)))


def make_districts(boundary: Polygon) -> list[Polygon]:
    """Voronoi cells of the district seed points, clipped to the town boundary (1 m grid)."""
    seeds = MultiPoint([_local(d[2]) for d in DISTRICTS])
    cells = shapely.voronoi_polygons(seeds, extend_to=boundary.buffer(2_000))
    polys = []
    for _, _, xy, *_ in DISTRICTS:
        point = Point(_local(xy))
        cell = next(c for c in cells.geoms if c.contains(point))
        polys.append(shapely.intersection(cell, boundary, grid_size=1.0))
    if not shapely.coverage_is_valid(np.array(polys)):
        raise RuntimeError("district polygons overlap or leave gaps")
    return polys


def make_population(rng: np.random.Generator, districts: list[Polygon], boundary: Polygon):
    """Residents per 100 m cell: dense centre, local district centres, empty park/canal/port."""
    x0 = math.floor(boundary.bounds[0] / CELL_M) * CELL_M
    y0 = math.floor(boundary.bounds[1] / CELL_M) * CELL_M
    xs = np.arange(x0 + CELL_M / 2, boundary.bounds[2], CELL_M)
    ys = np.arange(y0 + CELL_M / 2, boundary.bounds[3], CELL_M)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(boundary, gx, gy)
    gx, gy = gx[inside], gy[inside]
    u, v = gx - CENTRE_X, gy - CENTRE_Y
    r = np.hypot(u, v)

    # Expected residents per cell (per ha): old town core plus local centres of the districts.
    density = 120.0 * np.exp(-((r / 850.0) ** 2)) + 6.0
    for _, _, (cx, cy), peak, radius, _ in DISTRICTS:
        density += peak * np.exp(-(((u - cx) ** 2 + (v - cy) ** 2) / radius**2))

    # Built-up area: smooth random field; fields, forest and farmland at the edges stay empty.
    field = np.zeros_like(u)
    for _ in range(70):
        bx, by = rng.uniform(-4_000, 4_000, size=2)
        amp = rng.normal(0.0, 0.35)
        width = rng.uniform(300, 900)
        field += amp * np.exp(-(((u - bx) ** 2 + (v - by) ** 2) / width**2))
    edge = np.clip((r / TOWN_RADIUS_M - 0.65) / 0.35, 0.0, 1.0)  # 0 inside, 1 at the boundary
    score = density / 40.0 + field + rng.normal(0, 0.15, size=u.size) - 0.9 * edge
    built = score > 0.55
    density = density * (1.0 - 0.6 * edge)  # fewer residents per cell towards the edge

    # Not residential: canal (runs west to east), port and industry, town park, cemetery.
    canal = LineString([(-4_000, -700), (-1_000, -450), (1_500, -350), (4_000, -500)])
    canal_dist = shapely.distance(canal, shapely.points(u, v))
    built &= canal_dist > 90
    built &= np.hypot(u - 3_000, v + 300) > 550  # port basin and industrial estate
    built &= np.hypot(u - 450, v - 650) > 230  # town park
    built &= np.hypot(u + 900, v - 900) > 160  # cemetery
    built &= np.hypot(u + 1_900, v - 2_300) > 700  # town forest in the north-west

    expected = np.where(built, density, 0.0)
    expected *= rng.lognormal(0.0, 0.3, size=u.size)
    expected *= TARGET_RESIDENTS / expected.sum()
    expected = np.minimum(expected, MAX_RESIDENTS_PER_CELL)
    residents = rng.poisson(expected)

    # District of every cell: the polygon that contains the cell centre. The few cells whose
    # centre lies exactly on a district border (9 of ~3,700) stay empty, like a border road.
    ids = np.full(u.size, "", dtype=object)
    for (district_id, *_), poly in zip(DISTRICTS, districts, strict=True):
        ids[shapely.contains_xy(poly, gx, gy)] = district_id
    keep = (residents > 0) & (ids != "")
    order = np.lexsort((gx[keep], gy[keep]))  # south to north, then west to east
    return gx[keep][order], gy[keep][order], residents[keep][order], ids[keep][order]


def make_stops(boundary: Polygon):
    """Bus stops every ~420 m along each line; stops of several lines are merged."""
    inner = boundary.buffer(-150)
    hub = _local((0, 0))
    stops = [{"x": round(hub[0]), "y": round(hub[1]), "lines": set(), "name": HUB_NAME}]
    names = iter(STOP_NAMES)
    for line_no, way in LINES.items():
        line = LineString([_local(p) for p in way])
        positions = np.arange(0.0, line.length + 1.0, STOP_SPACING_M)
        candidates = [line.interpolate(d) for d in positions]
        candidates = [p for p in candidates if inner.contains(p)]
        for k, p in enumerate(candidates):
            x, y = round(p.x), round(p.y)
            near = [s for s in stops if math.hypot(s["x"] - x, s["y"] - y) < STOP_MERGE_M]
            if near:
                near[0]["lines"].add(line_no)
                continue
            if k == len(candidates) - 1 and line_no in TERMINUS_NAMES:
                name = TERMINUS_NAMES[line_no]
            else:
                name = next(names)
            stops.append({"x": x, "y": y, "lines": {line_no}, "name": name})
    return stops


def _school_holidays() -> set[dt.date]:
    days = set()
    for first, last in SCHOOL_HOLIDAYS_NRW:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def make_visits(rng: np.random.Generator) -> list[list]:
    """Daily visits with weekday profile, holidays, trend, passport peak and temperature."""
    n_days = (LAST_DAY - FIRST_DAY).days + 1
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(n_days)]
    holidays = _school_holidays()
    public = {dt.date.fromisoformat(d) for d in PUBLIC_HOLIDAYS_NRW}
    summer = [dt.date.fromisoformat(d) for d in SUMMER_HOLIDAY_STARTS]

    # Daily mean temperature (°C): seasonal cycle plus autocorrelated weather.
    doy = np.array([d.timetuple().tm_yday for d in days], dtype=float)
    weather = np.zeros(n_days)
    shocks = rng.normal(0.0, 1.9, size=n_days)
    for i in range(1, n_days):
        weather[i] = 0.78 * weather[i - 1] + shocks[i]
    temperature = 10.6 - 8.4 * np.cos(2 * math.pi * (doy - 18) / 365.25) + weather
    temperature = np.round(temperature, 1) + 0.0  # no "-0,0"

    rows = []
    for i, day in enumerate(days):
        wd = day.weekday()
        is_open = wd < 5 or (wd == 5 and day.day <= 7)
        is_open = is_open and day not in public
        expected = 0.0
        if is_open:
            expected = VISITS_BASE * WEEKDAY_FACTOR[wd] * MONTH_FACTOR[day.month - 1]
            expected *= 1 + TREND_PER_YEAR * (day - FIRST_DAY).days / 365.25
            if day in holidays:
                expected *= HOLIDAY_FACTOR
            for start in summer:
                weeks_before = (start - day).days / 7
                if 0 < weeks_before <= PASSPORT_WEEKS:
                    expected *= 1 + PASSPORT_PEAK * (1 - weeks_before / PASSPORT_WEEKS)
            t = temperature[i]
            expected *= math.exp(
                -HOT_EFFECT * max(0.0, t - HOT_THRESHOLD_C)
                - COLD_EFFECT * max(0.0, COLD_THRESHOLD_C - t)
            )
        visits = int(rng.poisson(expected)) if expected > 0 else 0
        rows.append([day, WEEKDAYS_DE[wd], visits, float(temperature[i]), int(day in holidays)])

    for i in sorted(rng.choice(n_days, size=N_TEMPERATURE_MISSING, replace=False)):
        rows[i][3] = None
    return rows


# --- Writers: fixed formatting, sorted, no time stamps -----------------------------------------








def generate(out: Path) -> list[Path]:
    """Write all files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    seq = np.random.SeedSequence(SEED)
    rng_town, rng_pop, rng_visits = (np.random.default_rng(s) for s in seq.spawn(3))

    boundary = make_boundary(rng_town)
    districts = make_districts(boundary)
    gx, gy, residents, ids = make_population(rng_pop, districts, boundary)

    features = []
    for (district_id, name, *_rest, share65), poly in zip(DISTRICTS, districts, strict=True):
        props = {
            "stadtteil_id": district_id,
            "name": name,
            "einwohner": int(residents[ids == district_id].sum()),
            "anteil_65plus": share65,
        }
        features.append((props, poly))
    paths = [out / "stadtteile.geojson"]
    write_bytes(paths[-1], geojson_text("stadtteile", features).encode("utf-8"))

    lines = ["x,y,einwohner,stadtteil_id"]
    lines += [
        f"{int(x)},{int(y)},{int(n)},{i}"
        for x, y, n, i in zip(gx, gy, residents, ids, strict=True)
    ]
    paths.append(out / "bevoelkerung_100m.csv")
    write_bytes(paths[-1], ("\n".join(lines) + "\n").encode("utf-8"))

    stops = make_stops(boundary)
    features = [
        (
            {
                "haltestelle_id": f"H{k + 1:03d}",
                "name": s["name"],
                "linien": ", ".join(sorted(s["lines"])),
            },
            Point(s["x"], s["y"]),
        )
        for k, s in enumerate(stops)
    ]
    paths.append(out / "haltestellen.geojson")
    write_bytes(paths[-1], geojson_text("haltestellen", features).encode("utf-8"))

    rows = make_visits(rng_visits)
    lines = ["datum;wochentag;besuche;temperatur_c;ferien"]
    for day, weekday, visits, temp, school in rows:
        temp_text = "na" if temp is None else f"{temp:.1f}".replace(".", ",")
        lines.append(f"{day:%d.%m.%Y};{weekday};{visits};{temp_text};{school}")
    paths.append(out / "buergerbuero_besuche.csv")
    # German open-data style: UTF-8 with byte order mark, ';' separator, decimal comma.
    write_bytes(paths[-1], ("\n".join(lines) + "\n").encode("utf-8-sig"))
    return paths


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
