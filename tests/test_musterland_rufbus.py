"""The synthetic Rufbus data of Landkreis Musterland: reproducible, consistent, realistic, learnable."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from sklearn.linear_model import LinearRegression, PoissonRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from urbanki_helpers.calendar_de import public_holidays

DATA = Path(__file__).resolve().parent.parent / "datasets" / "musterland_rufbus"
FILES = ["anfragen_stunde.csv.gz", "poi.geojson", "wetter_stunde.csv", "zonen.geojson"]
ZONE_COLUMNS = [
    "zone_id", "name", "einwohner", "anteil_65plus", "anteil_unter18", "pkw_je_1000", "schulen",
    "aerzte", "laeden", "bahnhof", "betrieb_seit", "geometry",
]
# Public holidays in Lower Saxony 2023 and 2024 (Niedersächsisches Feiertagsgesetz, § 2; the
# Reformationstag since 2018), typed in independently of urbanki_helpers.calendar_de.
PUBLIC_HOLIDAYS_NI = [
    "2023-01-01", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-18", "2023-05-29",
    "2023-10-03", "2023-10-31", "2023-12-25", "2023-12-26",
    "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-01", "2024-05-09", "2024-05-20",
    "2024-10-03", "2024-10-31", "2024-12-25", "2024-12-26",
]
# School holidays in Lower Saxony (first and last day) as published by the Niedersächsisches
# Kultusministerium, typed in again here so that an edit of the generator's list is noticed.
SCHOOL_HOLIDAYS_NI = [
    ("2022-12-23", "2023-01-06"), ("2023-01-30", "2023-01-31"), ("2023-03-27", "2023-04-11"),
    ("2023-05-19", "2023-05-19"), ("2023-05-30", "2023-05-30"), ("2023-07-06", "2023-08-16"),
    ("2023-10-02", "2023-10-02"), ("2023-10-16", "2023-10-30"), ("2023-12-27", "2024-01-05"),
    ("2024-02-01", "2024-02-02"), ("2024-03-18", "2024-03-28"), ("2024-05-10", "2024-05-10"),
    ("2024-05-21", "2024-05-21"), ("2024-06-24", "2024-08-03"), ("2024-10-04", "2024-10-19"),
    ("2024-12-23", "2025-01-04"),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _school_holiday_dates() -> set[dt.date]:
    days = set()
    for first, last in SCHOOL_HOLIDAYS_NI:
        days.update(pd.date_range(first, last, freq="D").date)
    return days


@pytest.fixture(scope="module")
def zonen() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "zonen.geojson")


@pytest.fixture(scope="module")
def poi() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "poi.geojson")


@pytest.fixture(scope="module")
def wetter() -> pd.DataFrame:
    return pd.read_csv(DATA / "wetter_stunde.csv")


@pytest.fixture(scope="module")
def anfragen(wetter) -> pd.DataFrame:
    """Requests with calendar and weather features added (as a notebook would)."""
    df = pd.read_csv(DATA / "anfragen_stunde.csv.gz", dtype={"zone_id": str})
    t = pd.to_datetime(df["zeit"], format="%Y-%m-%dT%H:%M")
    df["datum"] = t.dt.date
    df["stunde"] = t.dt.hour
    df["wochentag"] = t.dt.day_of_week
    df["jahr"] = t.dt.year
    df["feiertag"] = df["datum"].isin({d for y in (2023, 2024) for d in public_holidays(y, "NI")})
    df["ferien"] = df["datum"].isin(_school_holiday_dates())
    df["tagtyp"] = np.select(
        [df["feiertag"] | (df["wochentag"] == 6), df["wochentag"] == 5, df["ferien"]],
        ["sonntag", "samstag", "ferien"], default="schultag",
    )
    return df.merge(wetter, on="zeit", how="left", validate="many_to_one")


# --- reproducibility and size -----------------------------------------------------------------


def test_regenerating_gives_identical_bytes(tmp_path):
    subprocess.run(
        [sys.executable, str(DATA / "generate.py"), "--out", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=120,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == FILES
    for name in FILES:
        assert _sha256(tmp_path / name) == _sha256(DATA / name), name


def test_gzip_header_has_no_time_stamp_or_file_name():
    raw = (DATA / "anfragen_stunde.csv.gz").read_bytes()
    assert raw[:3] == b"\x1f\x8b\x08"
    assert raw[3] == 0  # no FNAME/FCOMMENT/FEXTRA flags
    assert raw[4:8] == b"\x00\x00\x00\x00"  # mtime 0


def test_committed_data_is_small_and_documented():
    total = sum((DATA / name).stat().st_size for name in FILES)
    assert total < 2_000_000  # observed: about 0.78 MB
    text = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    for word in ("SYNTHETISCH", "SYNTHETIC", "CC0-1.0", "20240703", "generate.py",
                 "Kultusministerium", "AIMOS"):
        assert word in text, word


def test_generator_uses_the_real_school_holidays():
    spec = importlib.util.spec_from_file_location("musterland_generate", DATA / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert list(module.SCHOOL_HOLIDAYS_NI) == SCHOOL_HOLIDAYS_NI  # typed independently above
    assert module.STATE == "NI"
    helper = {d for y in (2023, 2024) for d in public_holidays(y, "NI")}
    assert helper == {dt.date.fromisoformat(d) for d in PUBLIC_HOLIDAYS_NI}
    # Sommerferien start on Thursday 6 July 2023 and (exceptionally) on Monday 24 June 2024.
    assert dt.date(2023, 7, 6).weekday() == 3 and dt.date(2024, 6, 24).weekday() == 0


# --- zones and points of interest -------------------------------------------------------------


def test_zones_columns_values_and_location(zonen):
    assert zonen.crs.to_epsg() == 25832
    assert list(zonen.columns) == ZONE_COLUMNS
    assert zonen["zone_id"].tolist() == [f"Z{i:02d}" for i in range(1, 16)]
    assert zonen["name"].is_unique
    assert zonen["einwohner"].between(1_000, 12_000).all()
    assert 40_000 <= zonen["einwohner"].sum() <= 70_000
    for col in ("anteil_65plus", "anteil_unter18"):
        assert zonen[col].between(0.1, 0.4).all(), col
    assert zonen["pkw_je_1000"].between(500, 750).all()
    assert set(zonen["bahnhof"]) == {0, 1}
    served = zonen["betrieb_seit"] != ""
    assert (~served).sum() == 4  # expansion candidates
    since = pd.to_datetime(zonen.loc[served, "betrieb_seit"], format="%Y-%m-%d")
    assert since.min() == pd.Timestamp("2023-01-01") and since.max() <= pd.Timestamp("2023-07-01")
    assert (since == pd.Timestamp("2023-01-01")).sum() >= 6  # most zones from the start
    # Unserved zones lie within the attribute range of the served ones (no wild extrapolation).
    for col in ("anteil_65plus", "pkw_je_1000"):
        lo, hi = zonen.loc[served, col].min(), zonen.loc[served, col].max()
        assert zonen.loc[~served, col].between(lo, hi + 10).all(), col
    # Placed in Lower Saxony, north of Osnabrück (about 8.1° E, 52.45° N); 600-1,000 km².
    centre = gpd.GeoSeries(zonen.union_all().centroid, crs=25832).to_crs(4326).iloc[0]
    assert 7.8 < centre.x < 8.4 and 52.35 < centre.y < 52.6
    assert 600e6 < zonen.area.sum() < 1_000e6


def test_zones_have_no_gaps_or_overlaps(zonen):
    geoms = zonen.geometry.to_numpy()
    assert (zonen.geom_type == "Polygon").all()
    assert shapely.coverage_is_valid(geoms)
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert zonen.area.sum() == pytest.approx(union.area, abs=1.0)  # m²
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert shapely.intersection(geoms[i], geoms[j]).area < 1e-6


def test_poi_lie_in_their_zone_and_match_the_counts(poi, zonen):
    assert poi.crs.to_epsg() == 25832
    assert list(poi.columns) == ["art", "name", "zone_id", "geometry"]
    assert set(poi["art"]) == {"schule", "arzt", "laden", "bahnhof"}
    assert (poi.geom_type == "Point").all()
    joined = gpd.sjoin(poi, zonen[["zone_id", "geometry"]], predicate="within",
                       lsuffix="poi", rsuffix="zone")
    assert len(joined) == len(poi)
    assert (joined["zone_id_poi"] == joined["zone_id_zone"]).all()
    counts = poi.groupby(["zone_id", "art"]).size().unstack(fill_value=0)
    counts = counts.reindex(zonen["zone_id"], fill_value=0)
    z = zonen.set_index("zone_id")
    for art, col in (("schule", "schulen"), ("arzt", "aerzte"), ("laden", "laeden"),
                     ("bahnhof", "bahnhof")):
        assert (counts[art] == z[col]).all(), art
    assert (poi.loc[poi["art"] == "bahnhof", "name"].str.startswith("Bahnhof ")).all()


# --- requests: structure ----------------------------------------------------------------------


def test_requests_columns_order_and_types():
    raw = gzip.decompress((DATA / "anfragen_stunde.csv.gz").read_bytes()).decode("utf-8")
    lines = raw.splitlines()
    assert lines[0] == "zeit,zone_id,anfragen"
    assert lines[1].startswith("2023-01-01T08:00,Z01,")  # Neujahr: service from 08 h
    assert lines[-1].startswith("2024-12-31T21:00,")
    df = pd.read_csv(DATA / "anfragen_stunde.csv.gz", dtype={"zone_id": str})
    assert df["zeit"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00").all()
    assert pd.api.types.is_integer_dtype(df["anfragen"]) and (df["anfragen"] >= 0).all()
    assert not df.duplicated(["zeit", "zone_id"]).any()
    assert df[["zeit", "zone_id"]].apply(tuple, axis=1).is_monotonic_increasing


def test_rows_exactly_cover_the_service_hours_since_launch(anfragen, zonen):
    unserved = set(zonen.loc[zonen["betrieb_seit"] == "", "zone_id"])
    assert unserved.isdisjoint(set(anfragen["zone_id"]))
    workday = (anfragen["wochentag"] < 5) & ~anfragen["feiertag"]
    assert anfragen.loc[workday, "stunde"].between(6, 21).all()
    assert anfragen.loc[~workday, "stunde"].between(8, 21).all()
    # Every service hour from the launch date on is there, once.
    days = pd.date_range("2023-01-01", "2024-12-31", freq="D")
    public = set(pd.to_datetime(PUBLIC_HOLIDAYS_NI))
    hours_per_day = pd.Series(
        [14 if (d.day_of_week >= 5 or d in public) else 16 for d in days], index=days.date)
    for _, zone in zonen[zonen["betrieb_seit"] != ""].iterrows():
        rows = anfragen[anfragen["zone_id"] == zone["zone_id"]]
        launch = dt.date.fromisoformat(zone["betrieb_seit"])
        assert rows["datum"].min() == launch
        per_day = rows.groupby("datum").size()
        expected = hours_per_day[hours_per_day.index >= launch]
        assert per_day.index.tolist() == expected.index.tolist()
        assert (per_day.to_numpy() == expected.to_numpy()).all(), zone["zone_id"]


# --- requests: patterns -----------------------------------------------------------------------


def test_many_zero_hours_and_plausible_levels(anfragen):
    zero_share = (anfragen["anfragen"] == 0).mean()
    assert 0.5 < zero_share < 0.7  # observed: 0.614
    level = anfragen[anfragen["jahr"] == 2024].groupby("zone_id")["anfragen"].mean()
    # Observed: 0.21 (Rehdenfeld) to 2.84 (Altenbrück) requests per service hour.
    assert 0.1 < level.min() < 0.3 and 2.0 < level.max() < 3.0
    assert anfragen["anfragen"].max() < 40


def test_school_holidays_lower_the_7_oclock_peak(anfragen):
    at7 = anfragen[(anfragen["stunde"] == 7) & anfragen["tagtyp"].isin(["schultag", "ferien"])]
    means = at7.groupby("tagtyp")["anfragen"].mean()
    # Observed: 1.82 on school days vs 0.61 in school holidays.
    assert means["ferien"] < 0.6 * means["schultag"]
    by_zone = at7.groupby(["zone_id", "tagtyp"])["anfragen"].mean().unstack()
    assert (by_zone["ferien"] < by_zone["schultag"]).all()
    # School days also have a second peak at 13 h, above 12 h and 15 h.
    school = anfragen[anfragen["tagtyp"] == "schultag"].groupby("stunde")["anfragen"].mean()
    assert school[13] > max(school[12], school[15])
    assert school[7] == school.max()


def test_weekend_and_evening_pattern(anfragen):
    daily = anfragen.groupby(["zone_id", "datum", "tagtyp"])["anfragen"].sum().reset_index()
    mean = daily.groupby("tagtyp")["anfragen"].mean()
    assert mean["schultag"] > mean["samstag"] > mean["sonntag"]
    # On Saturdays the evening (19-21 h) is busier than the early morning (8 h).
    sat = anfragen[anfragen["tagtyp"] == "samstag"].groupby("stunde")["anfragen"].mean()
    assert sat[[19, 20]].mean() > 1.5 * sat[8]


def test_rain_raises_demand_within_the_same_hour_and_day_type(anfragen):
    df = anfragen.assign(nass=anfragen["niederschlag_mm"] >= 0.1)
    assert df["niederschlag_mm"].notna().all()
    cells = df.groupby(["zone_id", "tagtyp", "stunde", "nass"])["anfragen"].agg(["sum", "count"])
    cells = cells.unstack("nass").dropna()
    dry_mean = cells[("sum", False)] / cells[("count", False)]
    expected = (dry_mean * cells[("count", True)]).sum()  # rain hours at the dry-hour rate
    ratio = cells[("sum", True)].sum() / expected
    assert ratio > 1.15  # observed: 1.27 (27 % more requests in rain hours)


def test_ramp_up_after_launch(anfragen, zonen):
    ratios = {}
    for _, zone in zonen[zonen["betrieb_seit"] != ""].iterrows():
        rows = anfragen[anfragen["zone_id"] == zone["zone_id"]]
        age = (pd.to_datetime(rows["datum"]) - pd.Timestamp(zone["betrieb_seit"])).dt.days
        first = rows.loc[age < 30, "anfragen"].mean()
        seventh = rows.loc[(age >= 182) & (age < 212), "anfragen"].mean()
        ratios[zone["zone_id"]] = first / seventh
    # Observed: 0.36 to 0.62 (first month vs month 7 after launch).
    assert max(ratios.values()) < 0.75, ratios
    assert np.median(list(ratios.values())) < 0.65


# --- weather ---------------------------------------------------------------------------------


def test_weather_file_format_and_clock_changes(wetter):
    lines = (DATA / "wetter_stunde.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "zeit,temperatur_c,niederschlag_mm"
    assert lines[1].startswith("2023-01-01T00:00,") and lines[-1].startswith("2024-12-31T23:00,")
    assert all(line.count(".") == 2 for line in lines[1:])  # one decimal each, '.' separator
    assert "-0.0" not in "\n".join(lines)
    # 731 days x 24 wall-clock hours, minus the missing 02:00 on the two spring-forward days.
    assert len(wetter) == 731 * 24 - 2 and wetter["zeit"].is_unique
    assert "2023-03-26T02:00" not in set(wetter["zeit"]) and "2024-03-31T02:00" not in set(
        wetter["zeit"])
    assert "2023-10-29T02:00" in set(wetter["zeit"])


def test_weather_is_plausible_for_lower_saxony(wetter):
    t = pd.to_datetime(wetter["zeit"])
    monthly = wetter.groupby(t.dt.month)["temperatur_c"].mean()
    # Observed: January 1.2 °C, July 18.0 °C, annual mean 9.9 °C.
    assert monthly[7] - monthly[1] > 12
    assert 8 < wetter["temperatur_c"].mean() < 12
    assert -20 < wetter["temperatur_c"].min() and wetter["temperatur_c"].max() < 38
    summer = wetter[t.dt.month.isin([6, 7, 8])].groupby(t.dt.hour)["temperatur_c"].mean()
    assert summer[15] - summer[4] > 6  # daily cycle, observed 9.5 °C
    yearly = wetter.groupby(t.dt.year)["niederschlag_mm"].sum()
    assert yearly.between(550, 1_100).all()  # observed: 701 and 847 mm
    wet = wetter["niederschlag_mm"] >= 0.1
    assert 0.05 < wet.mean() < 0.2  # observed 0.10
    assert (wetter["niederschlag_mm"] >= 0).all() and wetter["niederschlag_mm"].max() < 40
    # Rain comes in events: a wet hour is followed by another one far more often than not.
    assert (wet & wet.shift(1, fill_value=False)).sum() > 0.6 * wet.sum()


# --- learnable: zone attributes -> demand level ------------------------------------------------


def test_attributes_predict_the_level_of_a_left_out_zone(anfragen, zonen):
    served = zonen[zonen["betrieb_seit"] != ""].set_index("zone_id")
    level = anfragen[anfragen["jahr"] == 2024].groupby("zone_id")["anfragen"].mean()
    y = level.reindex(served.index).to_numpy()  # requests per service hour in 2024
    X = np.column_stack([np.log(served["einwohner"]), served["anteil_65plus"],
                         served["pkw_je_1000"], served["bahnhof"]])
    n = len(y)
    pred_log, pred_poisson, pred_mean = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        train = np.arange(n) != i
        ols = LinearRegression().fit(X[train], np.log(y[train]))
        pred_log[i] = np.exp(ols.predict(X[i:i + 1])[0])
        glm = make_pipeline(StandardScaler(), PoissonRegressor(alpha=1e-4, max_iter=1_000))
        pred_poisson[i] = glm.fit(X[train], y[train]).predict(X[i:i + 1])[0]
        pred_mean[i] = y[train].mean()
    mae = {name: np.abs(p - y).mean() for name, p in
           (("log", pred_log), ("poisson", pred_poisson), ("mean", pred_mean))}
    # Observed (leave one zone out, 11 zones): log-linear 0.071, Poisson GLM 0.078,
    # mean of the other zones 0.578 requests per service hour.
    assert mae["log"] < 0.3 * mae["mean"]
    assert mae["poisson"] < 0.3 * mae["mean"]
    # The zone effect the attributes do not explain is visible, not negligible.
    assert np.abs(np.log(pred_log / y)).mean() > 0.05
