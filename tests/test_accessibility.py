"""Distances to the nearest facility and population shares within a radius."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from urbanki_helpers.accessibility import (
    coverage_curve,
    grid_to_points,
    nearest_distance_m,
    share_within,
)
from urbanki_helpers.errors import CRSError, DataError

X0, Y0 = 370_000.0, 5_712_000.0  # a bus stop in EPSG:25832 (m)


@pytest.fixture
def stops() -> gpd.GeoDataFrame:
    # One stop in the town, one 10 km away (never the nearest for the points below).
    return gpd.GeoDataFrame(
        {"name": ["Markt", "Fern"]},
        geometry=[Point(X0, Y0), Point(X0 + 10_000, Y0)],
        crs="EPSG:25832",
    )


@pytest.fixture
def residents() -> gpd.GeoDataFrame:
    # Points at known distances from the stop: 100 m east, 250 m north, 400 m west,
    # 1000 m south and 300 m along a 3-4-5 diagonal (180 m east, 240 m north).
    df = pd.DataFrame({
        "x": [X0 + 100, X0, X0 - 400, X0, X0 + 180],
        "y": [Y0, Y0 + 250, Y0, Y0 - 1_000, Y0 + 240],
        "einwohner": [10, 20, 30, 40, 100],
        "stadtteil_id": ["01", "01", "02", "02", "03"],
    }, index=[11, 12, 13, 14, 15])
    return grid_to_points(df)


def test_nearest_distance_exact(residents, stops):
    d = nearest_distance_m(residents, stops)
    assert d.name == "distance_m"
    assert d.index.tolist() == [11, 12, 13, 14, 15]
    np.testing.assert_allclose(d.to_numpy(), [100, 250, 400, 1_000, 300])


def test_nearest_distance_to_lines_and_polygons(residents):
    area = gpd.GeoDataFrame(
        geometry=[box(X0 - 50, Y0 - 50, X0 + 50, Y0 + 300)], crs="EPSG:25832"
    )
    d = nearest_distance_m(residents, area)
    np.testing.assert_allclose(d.to_numpy(), [50, 0, 350, 950, 130])  # inside the box: 0
    road = gpd.GeoDataFrame(
        geometry=[LineString([(X0 - 5_000, Y0 + 240), (X0 + 5_000, Y0 + 240)])],
        crs="EPSG:25832",
    )
    np.testing.assert_allclose(nearest_distance_m(residents, road), [240, 10, 240, 1_240, 0])


def test_share_within_exact(residents, stops):
    total = 200
    assert share_within(residents, stops, 99) == 0.0
    assert share_within(residents, stops, 100) == pytest.approx(10 / total)  # boundary counts
    assert share_within(residents, stops, 300) == pytest.approx(130 / total)
    assert share_within(residents, stops, 400) == pytest.approx(160 / total)
    assert share_within(residents, stops, 5_000) == pytest.approx(1.0)
    assert share_within(residents, stops, 300, weight=None) == pytest.approx(3 / 5)


def test_share_within_by_group(residents, stops):
    out = share_within(residents, stops, 300, by="stadtteil_id")
    assert list(out.columns) == ["stadtteil_id", "total", "within", "share"]
    assert out["stadtteil_id"].tolist() == ["01", "02", "03"]
    np.testing.assert_allclose(out["total"], [30, 70, 100])
    np.testing.assert_allclose(out["within"], [30, 0, 100])
    np.testing.assert_allclose(out["share"], [1.0, 0.0, 1.0])
    out = share_within(residents, stops, 500, by="stadtteil_id")
    np.testing.assert_allclose(out["share"], [1.0, 30 / 70, 1.0])


def test_share_within_group_without_residents_is_nan(residents, stops):
    residents = residents.copy()
    residents.loc[[13, 14], "einwohner"] = 0
    out = share_within(residents, stops, 300, by="stadtteil_id")
    assert np.isnan(out.loc[out["stadtteil_id"] == "02", "share"].iloc[0])


def test_coverage_curve_is_monotonic_and_exact(residents, stops):
    curve = coverage_curve(residents, stops, [100, 300, 400, 1_000])
    assert list(curve.columns) == ["radius_m", "share"]
    np.testing.assert_allclose(curve["share"], [0.05, 0.65, 0.8, 1.0])
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "x": rng.uniform(X0 - 3_000, X0 + 3_000, 2_000),
        "y": rng.uniform(Y0 - 3_000, Y0 + 3_000, 2_000),
        "einwohner": rng.integers(1, 50, 2_000),
    })
    radii = np.arange(100, 3_001, 100)
    shares = coverage_curve(grid_to_points(df), stops, radii)["share"].to_numpy()
    assert (np.diff(shares) >= 0).all()
    assert shares[0] < 0.01 and shares[-1] > 0.7


def test_geographic_crs_is_refused(residents, stops):
    with pytest.raises(CRSError, match="EPSG:25832") as info:
        share_within(residents.to_crs(4326), stops.to_crs(4326), 300)
    assert "to_crs('EPSG:25832')" in info.value.message_de
    with pytest.raises(CRSError):
        nearest_distance_m(residents, stops.to_crs(4326))


def test_different_or_missing_crs_is_refused(residents, stops):
    with pytest.raises(CRSError, match="different") as info:
        nearest_distance_m(residents, stops.to_crs(25833))
    assert "verschiedenen" in info.value.message_de
    with pytest.raises(CRSError, match="no coordinate reference system"):
        nearest_distance_m(residents.set_crs(None, allow_override=True), stops)
    with pytest.raises(CRSError, match="metre"):
        nearest_distance_m(residents.to_crs(2263), stops.to_crs(2263))  # US survey feet


@pytest.mark.parametrize("radius", [0, -300, float("nan"), "weit"])
def test_bad_radius_is_refused(residents, stops, radius):
    with pytest.raises(DataError) as info:
        share_within(residents, stops, radius)
    assert "Radius" in info.value.message_de
    with pytest.raises(DataError):
        coverage_curve(residents, stops, [300, radius])


def test_empty_facilities_and_bad_columns_are_refused(residents, stops):
    with pytest.raises(DataError, match="empty") as info:
        share_within(residents, stops.iloc[0:0], 300)
    assert "leer" in info.value.message_de
    with pytest.raises(DataError, match="einwohner_gesamt"):
        share_within(residents, stops, 300, weight="einwohner_gesamt")
    with pytest.raises(DataError, match="bezirk"):
        share_within(residents, stops, 300, by="bezirk")
    negative = residents.copy()
    negative.loc[11, "einwohner"] = -5
    with pytest.raises(DataError, match="negative"):
        share_within(negative, stops, 300)
    with pytest.raises(DataError):
        coverage_curve(residents, stops, [])
    with pytest.raises(DataError, match="Point"):
        nearest_distance_m(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=25832), stops)
    with pytest.raises(DataError, match="GeoDataFrame"):
        nearest_distance_m(pd.DataFrame({"x": [1]}), stops)


def test_empty_population_gives_empty_distances(residents, stops):
    d = nearest_distance_m(residents.iloc[0:0], stops)
    assert len(d) == 0
    with pytest.raises(DataError, match="empty"):
        share_within(residents.iloc[0:0], stops, 300)


def test_grid_to_points():
    df = pd.DataFrame({"rw": [370_050, 370_150], "hw": [5_712_050, 5_712_050], "n": [3, 4]})
    gdf = grid_to_points(df, x="rw", y="hw")
    assert gdf.crs.to_epsg() == 25832
    assert list(gdf.columns) == ["rw", "hw", "n", "geometry"]
    assert gdf.geometry.x.tolist() == [370_050, 370_150]
    assert gdf.geometry.y.tolist() == [5_712_050, 5_712_050]
    lonlat = grid_to_points(pd.DataFrame({"lon": [7.1], "lat": [51.5]}), x="lon", y="lat",
                            crs="EPSG:4326")
    assert lonlat.crs.is_geographic
    with pytest.raises(DataError, match="x"):
        grid_to_points(df)
    bad = pd.DataFrame({"x": ["370050,5", "370150"], "y": [1, 2]})
    with pytest.raises(DataError) as info:
        grid_to_points(bad)
    assert "Dezimaltrennzeichen" in info.value.message_de
