"""Tests of the hourly count loaders (urbanki_helpers.mobility.counts).

Musterland runs on a tiny fake dataset in a toy project; the Baden-Württemberg bicycle counters
need the real-data mirror (``realdata``); CSV files are written here.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml
from shapely.geometry import Polygon

from urbanki_helpers.data.catalog import load_catalog
from urbanki_helpers.errors import DataError, ParameterError, TableFormatError
from urbanki_helpers.mobility import counts as counts_module
from urbanki_helpers.mobility.counts import (
    CountData,
    complete_hours,
    fahrradzaehler_bw_sites,
    load_count_csv,
    load_fahrradzaehler_bw,
    load_musterland,
)

TUEBINGEN = "100003358"  # Fuß- & Radtunnel Südportal - Derendinger Allee, Stadt Tübingen
DEFAULT_SITES = ["100004595", "100046462", "100048812", "100014585", "100048811"]


def hour(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --------------------------------------------------------------------------- Musterland


def _square(x: float, y: float) -> Polygon:
    return Polygon([(x, y), (x + 0.02, y), (x + 0.02, y + 0.02), (x, y + 0.02)])


@pytest.fixture
def musterland_project(tmp_path, monkeypatch):
    """A toy project (URBANKI_HOME) with a three-zone fake musterland_rufbus dataset."""
    home = tmp_path / "projekt"
    folder = home / "datasets" / "musterland_rufbus"
    folder.mkdir(parents=True)
    (folder / "generate.py").write_text("# fake\n", encoding="utf-8")
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z02", "Z03"], "name": ["Bramsche", "Engter", "Achmer"],
         "einwohner": [1200, 800, 450], "betrieb_seit": ["2023-01-02", "2023-01-02", ""]},
        geometry=[_square(7.97, 52.40), _square(8.00, 52.40), _square(8.03, 52.40)],
        crs="EPSG:4326")
    zones.to_file(folder / "zonen.geojson", driver="GeoJSON")
    requests = ("zeit,zone_id,anfragen\n"
                "2023-01-02T06:00,Z01,3\n"
                "2023-01-02T07:00,Z01,5\n"
                "2023-01-02T08:00,Z01,\n"   # missing value
                "2023-01-02T06:00,Z02,1\n"
                "2023-01-02T08:00,Z02,2\n")  # 07:00 has no row: a gap
    (folder / "anfragen_stunde.csv.gz").write_bytes(gzip.compress(requests.encode(), mtime=0))
    (folder / "wetter_stunde.csv").write_text(
        "zeit,temperatur_c,niederschlag_mm\n"
        "2023-01-02T06:00,-1.5,0.0\n2023-01-02T07:00,-1.0,0.4\n", encoding="utf-8")
    files = []
    for name in ("zonen.geojson", "anfragen_stunde.csv.gz", "wetter_stunde.csv"):
        data = (folder / name).read_bytes()
        files.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(),
                      "size": len(data)})
    entry = {"id": "musterland_rufbus", "title": "Musterland", "kind": "synthetic",
             "licence": "CC0-1.0", "attribution": "URBAN.KI Lernlabor (synthetisch)",
             "source": "datasets/musterland_rufbus/generate.py", "description": "Test.",
             "generator": "datasets/musterland_rufbus/generate.py", "files": files}
    catalog_path = home / "datasets" / "catalog.yaml"
    catalog_path.write_text(yaml.safe_dump({"datasets": [entry]}, allow_unicode=True),
                            encoding="utf-8")
    monkeypatch.setenv("URBANKI_HOME", str(home))
    return load_catalog(catalog_path)


def test_musterland_joins_weather_and_keeps_every_zone(musterland_project):
    data = load_musterland(catalog=musterland_project)
    assert isinstance(data, CountData)
    assert data.source == "musterland"
    assert data.attribution == "URBAN.KI Lernlabor (synthetisch)"
    assert data.weather_columns == ("temperatur_c", "niederschlag_mm")
    c = data.counts
    assert list(c.columns) == ["zeit", "gruppe", "anzahl", "temperatur_c", "niederschlag_mm"]
    assert str(c["zeit"].dtype) == "datetime64[ns]" and c["zeit"].dt.tz is None
    assert c["anzahl"].dtype == np.float64
    assert pd.api.types.is_string_dtype(c["gruppe"])
    assert len(c) == 5
    row = c[(c["gruppe"] == "Z01") & (c["zeit"] == hour("2023-01-02 07:00"))].iloc[0]
    assert (row["anzahl"], row["temperatur_c"], row["niederschlag_mm"]) == (5.0, -1.0, 0.4)
    assert np.isnan(c.loc[(c["gruppe"] == "Z01") & (c["zeit"] == hour("2023-01-02 08:00")),
                          "anzahl"]).all()  # missing stays NaN, never 0
    # groups: every zone, also the unserved one, as GeoDataFrame in EPSG:25832
    g = data.groups
    assert isinstance(g, gpd.GeoDataFrame) and g.crs.to_epsg() == 25832
    assert list(g["gruppe"]) == ["Z01", "Z02", "Z03"]
    assert list(g["name"]) == ["Bramsche", "Engter", "Achmer"]
    assert g["betrieb_seit"].isna().tolist() == [False, False, True]
    r = data.report
    assert r["rows_read"] == 5
    assert r["zones_without_counts"] == ["Z03"]
    assert r["missing"] == {"anzahl": 1, "temperatur_c": 2, "niederschlag_mm": 2}
    assert r["weather"]["count_rows_without_weather"] == 2  # 08:00 has no weather row
    assert r["gaps"]["hours_without_row"] == 1
    assert any("Z03" not in n and "3 Zonen" in n for n in r["notes_de"])


def test_musterland_from_files_rejects_counts_of_unknown_zones(musterland_project, tmp_path):
    folder = tmp_path / "projekt" / "datasets" / "musterland_rufbus"
    bad = tmp_path / "anfragen.csv"
    bad.write_text("zeit,zone_id,anfragen\n2023-01-02T06:00,Z99,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="Z99"):
        counts_module._load_musterland_files(folder / "zonen.geojson", bad,
                                             folder / "wetter_stunde.csv", attribution="x")


# --------------------------------------------------------------------------- DST logic


def test_autumn_duplicate_hour_is_merged_and_counted():
    times = pd.Series(["2024-10-27T01:00:00+02:00", "2024-10-27T02:00:00+02:00",
                       "2024-10-27T02:00:00+01:00", "2024-10-27T03:00:00+01:00"])
    frame = pd.DataFrame({"gruppe": "A", "zeit": counts_module._parse_offset_times(times, "t"),
                          "anzahl": [10.0, 7.0, 5.0, 3.0], "temperatur_c": [8.0, 7.0, 6.0, 6.0],
                          "niederschlag_mm": [0.0, 0.2, 0.4, 0.0]})
    report: dict = {}
    merged = counts_module._merge_duplicates(frame, ("temperatur_c", "niederschlag_mm"), report)
    merged = merged.set_index("zeit").sort_index()
    assert list(merged.index) == [hour("2024-10-27 01:00"), hour("2024-10-27 02:00"),
                                  hour("2024-10-27 03:00")]
    assert merged.loc[hour("2024-10-27 02:00"), "anzahl"] == 12.0  # 7 + 5
    assert merged.loc[hour("2024-10-27 02:00"), "temperatur_c"] == 6.5
    assert report["duplicate_hours"]["count"] == 1
    assert report["duplicate_hours"]["rows_merged"] == 1


def test_merged_hour_with_a_missing_part_stays_missing():
    frame = pd.DataFrame({"gruppe": "A", "zeit": [hour("2024-10-27 02:00")] * 2,
                          "anzahl": [7.0, np.nan]})
    report: dict = {}
    merged = counts_module._merge_duplicates(frame, (), report)
    assert np.isnan(merged["anzahl"].iloc[0])
    assert report["duplicate_hours"]["with_missing_part"] == 1


def test_spring_hour_does_not_exist_in_the_hour_grid():
    hours = counts_module._month_hours(2024, [3, 10])
    assert hour("2024-03-31 02:00") not in hours
    assert list(hours).count(hour("2024-10-27 02:00")) == 1
    assert len(hours) == 31 * 24 - 1 + 31 * 24


# --------------------------------------------------------------------------- BW bicycles


@pytest.mark.realdata
def test_bw_site_values_and_dst_hours(realdata):
    data = load_fahrradzaehler_bw([TUEBINGEN], months=[1, 3, 7, 10])
    c = data.counts.set_index("zeit")
    assert data.source == "fahrradzaehler_bw"
    assert data.attribution == "MobiData BW / NVBW, Eco-Counter; dl-de/by-2-0"
    # rows taken from the files: iso_timestamp 2024-01-01T00:00:00+01:00 -> 138 bicycles, 4 °C
    assert c.loc[hour("2024-01-01 00:00"), ["anzahl", "temperatur_c"]].tolist() == [138.0, 4.0]
    assert c.loc[hour("2024-01-03 21:00"), "niederschlag_mm"] == 2.6
    # summer time: 2024-07-15T08:00:00+02:00 is 08:00 local wall-clock time
    assert c.loc[hour("2024-07-15 08:00"), ["anzahl", "temperatur_c"]].tolist() == [554.0, 18.0]
    # spring: 02:00 does not exist; autumn: one 02:00 row (the file already sums both hours)
    assert hour("2024-03-31 02:00") not in c.index
    assert len(c.loc["2024-03-31"]) == 23
    assert c.index.tolist().count(hour("2024-10-27 02:00")) == 1
    assert c.loc[hour("2024-10-27 02:00"), "anzahl"] == 22.0
    assert len(c.loc["2024-10-27"]) == 24
    assert data.report["duplicate_hours"]["count"] == 0
    assert data.report["dst"]["rows_at_nonexistent_spring_hour"] == 0
    assert data.report["dst"]["rows_at_autumn_hour"] == 1
    # every local hour of the four months is a row; the month files lack their last hour
    assert len(c) == 31 * 24 + (31 * 24 - 1) + 31 * 24 + 31 * 24
    assert data.report["hours_filled"] == 4
    assert np.isnan(c.loc[hour("2024-01-31 23:00"), "anzahl"])
    g = data.groups
    assert isinstance(g, gpd.GeoDataFrame) and g.crs.to_epsg() == 25832
    assert g.iloc[0]["name"] == "Fuß- & Radtunnel Südportal - Derendinger Allee"
    assert g.iloc[0]["betreiber"] == "Stadt Tübingen"
    assert 500_000 < g.geometry.x.iloc[0] < 505_000  # 9.048° E, 48.518° N in UTM 32N


@pytest.mark.realdata
def test_bw_default_sites_are_complete_busy_and_deterministic(realdata):
    data = load_fahrradzaehler_bw()
    sel = data.report["site_selection"]
    assert [s["gruppe"] for s in sel["chosen"]] == DEFAULT_SITES
    assert [s["name"] for s in sel["chosen"]][:2] == ["Wiwilibrücke", "Herosepark"]
    assert all(s["completeness"] >= 0.95 for s in sel["chosen"])
    means = [s["mean_per_hour"] for s in sel["chosen"]]
    assert means == sorted(means, reverse=True)
    assert sel["eligible_sites"] == 96 and sel["sites_total"] == 134
    assert list(data.groups["gruppe"]) == DEFAULT_SITES
    # complete hourly grid: 2024 has 8784 hours, minus the nonexistent spring hour
    assert data.report["hours_expected_per_site"] == 8783
    assert data.counts.groupby("gruppe").size().tolist() == [8783] * 5
    assert data.report["rows_read"] == 979_257
    assert data.report["hours_filled"] == 60  # 12 month-end hours per site
    # no other sites qualify with a higher mean: the listing agrees
    sites = fahrradzaehler_bw_sites()
    complete = sites[sites["vollstaendigkeit"] >= 0.95]
    assert complete["gruppe"].head(5).tolist() == DEFAULT_SITES
    # rain is per hour, not a running total: it falls back often, and sums to a yearly amount
    rain = data.counts.set_index("gruppe")["niederschlag_mm"]
    for site in DEFAULT_SITES:
        values = rain.loc[site].dropna().to_numpy()
        assert (np.diff(values) < 0).mean() > 0.05
        assert 400 < values.sum() < 2000  # mm per year


@pytest.mark.realdata
def test_bw_unknown_site_lists_valid_ones(realdata):
    with pytest.raises(DataError) as info:
        load_fahrradzaehler_bw(["10000335", "gibtsnicht"], months=[1])
    assert "10000335," in str(info.value) and "gibtsnicht" in str(info.value)
    assert "Wiwilibrücke" in info.value.message_de
    assert "Meinten Sie: 10000335 → 10000335" in info.value.message_de  # a close match
    assert "Monate [1]" in info.value.message_de
    assert "fahrradzaehler_bw_sites(months=...)" in info.value.message_de


@pytest.mark.realdata
def test_bw_low_completeness_site_is_kept_but_reported(realdata):
    sites = fahrradzaehler_bw_sites(months=[1])
    worst = sites.sort_values("vollstaendigkeit").iloc[0]
    data = load_fahrradzaehler_bw([worst["gruppe"]], months=[1])
    assert data.report["site_selection"]["below_min_completeness"] == [worst["gruppe"]]
    assert len(data.counts) == 31 * 24
    assert data.counts["anzahl"].isna().sum() == data.report["missing"]["anzahl"]


@pytest.mark.parametrize("kwargs, word", [
    ({"months": [0]}, "months"), ({"months": []}, "months"), ({"months": ["Mai"]}, "months"),
    ({"min_completeness": 1.5}, "min_completeness"), ({"n_default_sites": 0}, "n_default_sites"),
    ({"sites": []}, "sites"),
])
def test_bw_parameters_are_checked(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        load_fahrradzaehler_bw(**kwargs)


# --------------------------------------------------------------------------- any CSV


def _write_cp1252(path, text: str):
    path.write_bytes(text.encode("cp1252"))
    return path


@pytest.fixture
def german_csv(tmp_path):
    """A German counter export: ';', decimal comma, cp1252, day-first times."""
    lines = ["Zeitpunkt;Zählstelle;Anzahl;Temperatur (°C)",
             "01.03.2024 06:00;Nord;12;3,5",
             "01.03.2024 07:00;Nord;;4,0",          # line 3: missing count
             "01.03.2024 07:00;Süd;5;4,0",          # line 4
             "01.03.2024 07:30;Süd;7;5,0",          # line 5: floored, same hour as line 4
             "kaputt;Nord;3;1,0",                   # line 6: unparsable time
             "01.03.2024 08:00;Nord;x;4,5",         # line 7: count is no number
             "01.03.2024 08:00;Süd;1.234;4,5"]      # line 8: thousands separator
    lines += [f"02.03.2024 {h:02d}:00;{g};{h};2,0" for g in ("Nord", "Süd") for h in range(20)]
    return _write_cp1252(tmp_path / "zaehlung.csv", "\n".join(lines) + "\n")


def test_csv_with_german_format_and_every_kind_of_problem(german_csv):
    data = load_count_csv(german_csv, time_column="Zeitpunkt", count_column="Anzahl",
                          time_format="%d.%m.%Y %H:%M", group_column="Zählstelle",
                          weather_columns=["Temperatur (°C)"], sep=";", decimal=",")
    assert data.source == "csv" and data.attribution == "Eigene Daten: zaehlung.csv"
    assert data.weather_columns == ("Temperatur (°C)",)
    c = data.counts
    assert list(c.columns) == ["zeit", "gruppe", "anzahl", "Temperatur (°C)"]
    assert str(c["zeit"].dtype) == "datetime64[ns]"
    assert len(c) == 45  # 47 data lines - 1 bad time - 1 merged duplicate
    by = c.set_index(["gruppe", "zeit"])
    assert by.loc[("Süd", hour("2024-03-01 07:00")), "anzahl"] == 12.0  # 5 + 7
    assert by.loc[("Süd", hour("2024-03-01 07:00")), "Temperatur (°C)"] == 4.5  # mean of 4,0/5,0
    assert by.loc[("Süd", hour("2024-03-01 08:00")), "anzahl"] == 1234.0
    assert by.loc[("Nord", hour("2024-03-01 06:00")), "Temperatur (°C)"] == 3.5
    assert np.isnan(by.loc[("Nord", hour("2024-03-01 07:00")), "anzahl"])
    assert np.isnan(by.loc[("Nord", hour("2024-03-01 08:00")), "anzahl"])
    assert list(data.groups["gruppe"]) == ["Nord", "Süd"]
    r = data.report
    assert r["rows_read"] == 47
    assert r["format"] == {"encoding": "cp1252", "sep": ";", "decimal": ","}
    assert r["unusable_times"]["count"] == 1
    assert r["unusable_times"]["examples"] == [{"line": 6, "value": "kaputt"}]
    assert r["count_values"]["missing"] == 1 and r["count_values"]["missing_lines"] == [3]
    assert r["count_values"]["unparsable"] == 1
    assert r["count_values"]["unparsable_examples"] == [{"line": 7, "value": "x"}]
    assert r["times_floored_to_hour"] == 1
    assert r["duplicate_hours"]["count"] == 1 and r["duplicate_hours"]["rows_merged"] == 1
    assert r["missing"] == {"anzahl": 2, "Temperatur (°C)": 0}
    assert r["gaps"]["hours_without_row"] == 2 * 15  # 09:00 on 1 March to 23:00
    assert any("Zeile 6" in n for n in r["notes_de"])
    json.dumps(r)  # the report is plain data


def test_csv_without_group_column_is_one_group_and_iso_times(tmp_path):
    path = tmp_path / "iso.csv"
    path.write_text("zeit,wert\n2024-10-27T01:00:00+02:00,4\n2024-10-27T02:00:00+02:00,3\n"
                    "2024-10-27T02:00:00+01:00,2\n2024-10-27T03:00:00+01:00,1\n",
                    encoding="utf-8")
    data = load_count_csv(path, time_column="zeit", count_column="wert")
    assert data.counts["gruppe"].unique().tolist() == ["alle"]
    assert data.counts["anzahl"].tolist() == [4.0, 5.0, 1.0]  # autumn 02:00 merged
    assert data.report["times_converted_from_utc_offset"] is True
    assert data.report["duplicate_hours"]["count"] == 1
    assert data.report["dst"]["rows_at_autumn_hour"] == 1


def test_csv_with_many_bad_times_names_the_expected_format(tmp_path):
    rows = [f"2024-03-{d:02d} 08:00;{d}" for d in range(1, 21)]  # ISO, not the format given
    path = _write_cp1252(tmp_path / "falsch.csv", "Datum;Anzahl\n" + "\n".join(rows) + "\n")
    with pytest.raises(TableFormatError) as info:
        load_count_csv(path, time_column="Datum", count_column="Anzahl",
                       time_format="%d.%m.%Y %H:%M")
    assert "'%d.%m.%Y %H:%M'" in info.value.message_de
    assert "20 von 20 Zeilen" in info.value.message_de
    assert "Zeile 2: '2024-03-01 08:00'" in info.value.message_de


def test_csv_five_percent_bad_times_are_tolerated(tmp_path):
    rows = [f"2024-03-01 {h:02d}:00;{h}" for h in range(19)] + ["31.02.2024 08:00;1"]
    path = _write_cp1252(tmp_path / "ok.csv", "Datum;Anzahl\n" + "\n".join(rows) + "\n")
    data = load_count_csv(path, time_column="Datum", count_column="Anzahl")
    assert data.report["unusable_times"]["count"] == 1  # 1 of 20 = 5 %
    assert len(data.counts) == 19


def test_csv_missing_column_lists_the_available_ones(german_csv):
    with pytest.raises(TableFormatError) as info:
        load_count_csv(german_csv, time_column="Zeit", count_column="Anzahl")
    assert "Zeit" in info.value.message_de
    assert "Zeitpunkt, Zählstelle, Anzahl, Temperatur (°C)" in info.value.message_de


def test_csv_weather_column_must_be_numeric(tmp_path):
    path = _write_cp1252(tmp_path / "wetter.csv",
                         "Zeit;Anzahl;Regen\n2024-03-01 08:00;1;0,5\n2024-03-01 09:00;2;viel\n")
    with pytest.raises(TableFormatError) as info:
        load_count_csv(path, time_column="Zeit", count_column="Anzahl", weather_columns=["Regen"])
    assert "Zeile 3" in info.value.message_de and "'Regen'" in info.value.message_de
    assert "'viel'" in info.value.message_de


def test_complete_hours_adds_missing_hours_as_nan(german_csv):
    data = load_count_csv(german_csv, time_column="Zeitpunkt", count_column="Anzahl",
                          time_format="%d.%m.%Y %H:%M", group_column="Zählstelle", sep=";")
    full = complete_hours(data)
    assert len(full.counts) == 38 + 37  # from each group's first hour to 2 March 19:00
    assert full.report["gaps"]["rows_added"] == 30
    assert full.counts["anzahl"].isna().sum() == 2 + 30
    assert len(data.counts) == 45  # the input is unchanged


def test_musterland_generated_dataset():
    """The generated dataset of the project (skipped until it is catalogued)."""
    if "musterland_rufbus" not in load_catalog():
        pytest.skip("musterland_rufbus is not in the catalogue yet")
    data = load_musterland()
    zones = data.groups
    unserved = sorted(zones.loc[zones["betrieb_seit"].isna(), "gruppe"])
    assert data.report["zones_without_counts"] == unserved
    assert set(data.counts["gruppe"]) == set(zones["gruppe"]) - set(unserved)
    assert data.report["weather"]["count_rows_without_weather"] == 0
    assert data.report["duplicate_hours"]["count"] == 0
    assert data.report["dst"]["rows_at_nonexistent_spring_hour"] == 0
    assert str(data.counts["zeit"].dtype) == "datetime64[ns]"
    assert zones.crs.to_epsg() == 25832
    first = data.counts.groupby("gruppe")["zeit"].min()
    since = zones.set_index("gruppe")["betrieb_seit"].dropna()
    assert (first.reindex(since.index) >= since).all()  # no requests before service started


def test_load_source_dispatches_and_explains_bad_choices(tmp_path):
    from urbanki_helpers.mobility.counts import SOURCES, load_source

    assert SOURCES == {"musterland": "NI", "fahrradzaehler_bw": "BW", "csv": "NW"}
    path = tmp_path / "z.csv"
    path.write_text("zeit;anzahl\n01.03.2024 07:00;3\n01.03.2024 08:00;5\n", encoding="utf-8")
    data = load_source("csv", csv_path=str(path), time_format="%d.%m.%Y %H:%M")
    assert data.counts["anzahl"].tolist() == [3.0, 5.0] and data.source == "csv"
    with pytest.raises(ParameterError) as info:
        load_source("csv")
    assert "csv_path" in info.value.message_de
    with pytest.raises(ParameterError, match="musterland, fahrradzaehler_bw, csv"):
        load_source("gtfs")


def test_profile_and_forecast_plots_have_german_labels():
    import matplotlib

    matplotlib.use("Agg")
    from urbanki_helpers.mobility.plots import (
        hourly_profile,
        plot_forecast_week,
        plot_hourly_profile,
    )

    zeit = pd.date_range("2024-03-04", periods=24 * 7, freq="h")  # Monday to Sunday
    counts = pd.DataFrame({"zeit": zeit, "gruppe": "a", "anzahl": (zeit.hour == 7) * 4.0})
    table = hourly_profile(counts)
    assert list(table.columns)[:2] == ["Montag", "Dienstag"] and table.loc[7, "Montag"] == 4.0
    ax = plot_hourly_profile(counts, unit="Anfragen")
    assert ax.get_xlabel() == "Stunde des Tages (Ortszeit)"
    assert ax.get_ylabel() == "Mittel Anfragen pro Stunde"
    preds = pd.DataFrame({"fold": 0, "model": ["baseline", "hgb"] * 3, "gruppe": "a",
                          "zeit": zeit[:6], "y_true": 1.0, "y_pred": 1.5, "lo": 0.0, "hi": 3.0})
    ax = plot_forecast_week(preds, "a", unit="Anfragen")
    assert ax.get_ylabel() == "Anfragen pro Stunde"
    with pytest.raises(DataError):
        plot_forecast_week(preds, "b", unit="Anfragen")
