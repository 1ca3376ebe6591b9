"""Tests of urbanki_helpers.data.geo: explicit CRS, metric areas, atomic writing, real files."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from urbanki_helpers.data.geo import (
    METRIC_CRS,
    align_crs,
    area_m2,
    crs_note,
    ensure_crs,
    read_geodata,
    to_metric,
    write_geodata,
)
from urbanki_helpers.errors import CRSError, DataError, ParameterError, UrbanKIError

DATA_DIR = os.environ.get("URBANKI_DATA_DIR")

# A 100 m x 200 m rectangle in Cologne (EPSG:25832): 20,000 m².
X0, Y0 = 356_000.0, 5_645_000.0


def realdata(test):
    """Mark a test that reads the real-data mirror; skip it when the mirror is not set."""
    skip = pytest.mark.skipif(not DATA_DIR, reason="URBANKI_DATA_DIR is not set")
    return pytest.mark.realdata(skip(test))


def _rectangle(crs=METRIC_CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["Müller-Straße Block"], "ags": ["05315000"]},
        geometry=[box(X0, Y0, X0 + 100, Y0 + 200)],
        crs=crs,
    )


def _assert_bilingual(exc: pytest.ExceptionInfo, *english: str, german: tuple[str, ...] = ()):
    msg, msg_de = str(exc.value), exc.value.message_de
    for part in english:
        assert part in msg, msg
    for part in german:
        assert part in msg_de, msg_de
    assert msg_de != msg


# --- areas and reprojection ----------------------------------------------------------------


def test_area_of_metric_rectangle():
    areas = area_m2(_rectangle())
    assert areas.name == "area_m2"
    assert areas.iloc[0] == pytest.approx(20_000.0)


def test_wgs84_round_trip_keeps_area(tmp_path):
    path = write_geodata(_rectangle().to_crs("EPSG:4326"), tmp_path / "block.geojson")
    gdf = read_geodata(path)
    assert gdf.crs == METRIC_CRS
    assert gdf.attrs["source_crs"] == "EPSG:4326"
    assert area_m2(gdf).iloc[0] == pytest.approx(20_000.0, rel=1e-3)
    assert gdf.attrs["crs_note"] == (
        "Quelle in EPSG:4326 (WGS 84), umprojiziert nach EPSG:25832 (ETRS89 / UTM zone 32N) "
        "für Flächen und Abstände."
    )
    assert gdf.loc[0, "ags"] == "05315000"
    assert gdf.loc[0, "name"] == "Müller-Straße Block"


def test_area_m2_refuses_degrees():
    with pytest.raises(CRSError) as exc:
        area_m2(_rectangle().to_crs("EPSG:4326"))
    _assert_bilingual(exc, "EPSG:4326", "degrees", "to_metric", german=("Grad", "to_metric"))
    with pytest.raises(CRSError):
        area_m2(_rectangle(crs=None))


def test_area_m2_refuses_feet():
    feet = _rectangle().to_crs("EPSG:2263")  # NY state plane, US survey feet
    with pytest.raises(CRSError):
        area_m2(feet)


def test_to_metric_from_gauss_krueger_and_noop():
    gk = _rectangle().to_crs("EPSG:31467")
    metric = to_metric(gk)
    assert metric.crs == METRIC_CRS
    assert metric.attrs["source_crs"] == "EPSG:31467"
    assert metric.attrs["crs_note"] == (
        "Quelle in EPSG:31467 (DHDN / 3-degree Gauss-Kruger zone 3), umprojiziert nach "
        "EPSG:25832 (ETRS89 / UTM zone 32N) für Flächen und Abstände."
    )
    assert crs_note(metric) == metric.attrs["crs_note"]
    assert area_m2(metric).iloc[0] == pytest.approx(20_000.0, rel=1e-3)
    assert "source_crs" not in gk.attrs  # the input is not changed
    again = to_metric(_rectangle())
    assert again.geometry.equals(_rectangle().geometry)
    assert again.attrs["crs_note"] == (
        "Koordinaten in EPSG:25832 (ETRS89 / UTM zone 32N), nicht umprojiziert (Meter)."
    )


def test_to_metric_without_crs():
    with pytest.raises(CRSError):
        to_metric(_rectangle(crs=None))


def test_ensure_crs():
    with pytest.raises(CRSError) as exc:
        ensure_crs(_rectangle(crs=None), name="Baublöcke")
    _assert_bilingual(exc, "Baublöcke", "assume_crs=", german=("Baublöcke", "assume_crs="))
    fixed = ensure_crs(_rectangle(crs=None), assume_crs="EPSG:25832")
    assert fixed.crs == METRIC_CRS
    assert fixed.attrs["source_crs"] == "EPSG:25832"
    assert "angenommen" in crs_note(fixed)
    with pytest.raises(CRSError) as exc:
        ensure_crs(_rectangle(crs=None), assume_crs="EPSG:4326")  # metres are no degrees
    _assert_bilingual(exc, "in degrees", german=("Grad",))
    with pytest.raises(CRSError):
        ensure_crs(_rectangle(crs=None), assume_crs="EPSG:nonsense")
    kept = ensure_crs(_rectangle().to_crs("EPSG:4326"), assume_crs="EPSG:31467")
    assert kept.crs == "EPSG:4326"  # assume_crs only fills a missing CRS
    with pytest.raises(ParameterError):
        ensure_crs(pd.DataFrame({"a": [1]}))


def test_align_crs_with_note():
    reference = _rectangle()
    points = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(6.96, 50.94)], crs="EPSG:4326")
    aligned = align_crs(points, reference, name="Defibrillatoren")
    assert aligned.crs == reference.crs
    assert 350_000 < aligned.geometry.x.iloc[0] < 360_000
    assert aligned.attrs["crs_note"] == (
        "Defibrillatoren: Quelle in EPSG:4326 (WGS 84), umprojiziert nach EPSG:25832 "
        "(ETRS89 / UTM zone 32N) wie die Referenz."
    )
    same = align_crs(reference, reference, name="Blöcke")
    assert same.attrs["crs_note"].startswith("Blöcke: bereits in EPSG:25832")
    with pytest.raises(CRSError):
        align_crs(points, _rectangle(crs=None))
    with pytest.raises(CRSError):
        align_crs(_rectangle(crs=None), reference)


# --- reading errors ------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as exc:
        read_geodata(tmp_path / "fehlt.gpkg")
    _assert_bilingual(exc, "fehlt.gpkg", "does not exist", german=("existiert nicht",))


def test_empty_files(tmp_path):
    zero = tmp_path / "null.geojson"
    zero.write_bytes(b"")
    with pytest.raises(DataError) as exc:
        read_geodata(zero)
    _assert_bilingual(exc, "null.geojson", "empty", german=("leer",))
    no_features = tmp_path / "leer.geojson"
    no_features.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(DataError) as exc:
        read_geodata(no_features)
    _assert_bilingual(exc, "leer.geojson", "no features", german=("keine Objekte",))


def test_unreadable_file(tmp_path):
    bad = tmp_path / "kaputt.gpkg"
    bad.write_text("kein GeoPackage")
    with pytest.raises(DataError) as exc:
        read_geodata(bad)
    _assert_bilingual(exc, "kaputt.gpkg", "could not be read",
                      german=("konnte nicht gelesen werden",))


def test_shapefile_without_prj(tmp_path):
    shp = tmp_path / "bloecke.shp"
    _rectangle().to_file(shp, engine="pyogrio")
    shp.with_suffix(".prj").unlink()
    with pytest.raises(CRSError) as exc:
        read_geodata(shp)
    _assert_bilingual(exc, "bloecke.shp", "no coordinate reference system",
                      "assume_crs='EPSG:25832'", german=("assume_crs='EPSG:25832'",))
    gdf = read_geodata(shp, assume_crs="EPSG:25832")
    assert gdf.crs == METRIC_CRS
    assert area_m2(gdf).iloc[0] == pytest.approx(20_000.0)
    assert "angenommen" in gdf.attrs["crs_note"]


def test_shapefile_encoding_cpg_and_override(tmp_path):
    shp = tmp_path / "strassen.shp"
    _rectangle().to_file(shp, engine="pyogrio", encoding="cp1252")
    assert shp.with_suffix(".cpg").read_text().strip().upper() in {"CP1252", "1252"}
    assert read_geodata(shp).loc[0, "name"] == "Müller-Straße Block"  # .cpg honoured
    shp.with_suffix(".cpg").write_text("UTF-8")  # a wrong .cpg ...
    assert read_geodata(shp, encoding="cp1252").loc[0, "name"] == "Müller-Straße Block"
    with pytest.raises(ParameterError):
        read_geodata(shp, encoding="klingonisch")


def test_geopackage_layers(tmp_path):
    path = tmp_path / "stadt.gpkg"
    write_geodata(_rectangle(), path, layer="bloecke")
    write_geodata(_rectangle().to_crs("EPSG:4326"), path, layer="bloecke_wgs84")
    with pytest.raises(DataError) as exc:
        read_geodata(path)
    _assert_bilingual(exc, "bloecke, bloecke_wgs84", "layer=", german=("mehrere Layer",))
    assert read_geodata(path, layer="bloecke_wgs84").attrs["source_crs"] == "EPSG:4326"
    with pytest.raises(DataError) as exc:
        read_geodata(path, layer="gibtsnicht")
    _assert_bilingual(exc, "gibtsnicht", "bloecke, bloecke_wgs84")


# --- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_write_geodata_round_trip_atomic(tmp_path, suffix):
    target = tmp_path / "sub" / f"bloecke{suffix}"
    assert write_geodata(_rectangle(), target) == target
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp files
    back = read_geodata(target, to_metric=False)
    assert back.crs == METRIC_CRS
    assert back.loc[0, "ags"] == "05315000"
    assert back.geometry.iloc[0].equals(_rectangle().geometry.iloc[0])
    # overwrite with other data; still one file
    bigger = _rectangle()
    bigger["geometry"] = [box(X0, Y0, X0 + 300, Y0 + 200)]
    write_geodata(bigger, target)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert area_m2(read_geodata(target)).iloc[0] == pytest.approx(60_000.0)
    if suffix == ".gpkg":
        import pyogrio

        assert [row[0] for row in pyogrio.list_layers(target)] == ["bloecke"]


def test_write_geodata_failure_keeps_old_file(tmp_path, monkeypatch):
    target = write_geodata(_rectangle(), tmp_path / "alt.gpkg")
    before = target.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", broken)
    with pytest.raises(UrbanKIError) as exc:
        write_geodata(_rectangle(), target)
    assert "disk full" in str(exc.value)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alt.gpkg"]


def test_write_geodata_refuses_bad_input(tmp_path):
    with pytest.raises(CRSError):
        write_geodata(_rectangle(crs=None), tmp_path / "x.gpkg")
    with pytest.raises(ParameterError):
        write_geodata(_rectangle(), tmp_path / "x.shp")
    assert list(tmp_path.iterdir()) == []


# --- real files (URBANKI_DATA_DIR) ---------------------------------------------------------


@realdata
def test_real_koeln_stadtteile_custom_utm():
    gdf = read_geodata(Path(DATA_DIR) / "koeln" / "stadtteile_shp" / "Stadtteil.shp")
    assert len(gdf) == 86
    assert gdf.crs == METRIC_CRS
    minx, miny, maxx, maxy = gdf.total_bounds
    # the file uses a false easting of 2,500,000 m; true UTM 32N eastings are ~344-371 km
    assert 343_000 < minx < maxx < 372_000
    assert 5_632_000 < miny < maxy < 5_662_000
    centre = gdf.union_all().centroid
    assert centre.x == pytest.approx(356_000, abs=3_000)
    assert centre.y == pytest.approx(5_645_000, abs=3_000)
    assert gdf.attrs["source_crs"] == "WGS 84 / UTM zone 32N"  # a name, no EPSG code
    assert "False Easting 2.500.000 m" in gdf.attrs["crs_note"]
    assert "umprojiziert nach EPSG:25832" in gdf.attrs["crs_note"]
    assert "Dellbrück" in set(gdf["STT_NAME"])
    assert area_m2(gdf).sum() / 1e6 == pytest.approx(404.9, abs=0.1)  # Cologne: 405 km²


@realdata
def test_real_koeln_stadtbezirke_wgs84():
    path = Path(DATA_DIR) / "koeln" / "stadtbezirke.geojson"
    raw = read_geodata(path, to_metric=False)
    assert raw.crs == "EPSG:4326"
    with pytest.raises(CRSError):
        area_m2(raw)
    gdf = read_geodata(path)
    assert len(gdf) == 9
    assert gdf.attrs["source_crs"] == "EPSG:4326"
    assert set(gdf["STB_NAME"]) >= {"Innenstadt", "Porz", "Ehrenfeld"}
    assert area_m2(gdf).sum() / 1e6 == pytest.approx(404.9, abs=0.1)


@realdata
def test_real_vg5000_gemeinden():
    gdf = read_geodata(Path(DATA_DIR) / "vg5000" / "VG5000_GEM.shp")
    assert len(gdf) == 10_997
    assert gdf.attrs["source_crs"] == "EPSG:31467"
    assert gdf.attrs["crs_note"] == (
        "Quelle in EPSG:31467 (DHDN / 3-degree Gauss-Kruger zone 3), umprojiziert nach "
        "EPSG:25832 (ETRS89 / UTM zone 32N) für Flächen und Abstände."
    )
    assert gdf.loc[gdf["AGS"] == "05315000", "GEN"].tolist() == ["Köln"]
    gelsenkirchen = gdf[gdf["AGS"] == "05513000"]
    assert gelsenkirchen["GEN"].tolist() == ["Gelsenkirchen"]
    assert pd.api.types.is_string_dtype(gdf["AGS"])
    assert area_m2(gelsenkirchen).iloc[0] / 1e6 == pytest.approx(106.2, abs=0.1)
