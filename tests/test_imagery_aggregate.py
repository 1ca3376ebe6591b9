"""Class areas per parcel / building: exact pixel areas, CRS handling, tiles, fee table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from affine import Affine
from rasterio.windows import Window
from shapely.geometry import Point, box

from urbanki_helpers.errors import CRSError, DataError, ParameterError
from urbanki_helpers.imagery import aggregate
from urbanki_helpers.imagery.aggregate import (
    AreaAccumulator,
    class_areas,
    roof_use_per_building,
    sealing_per_parcel,
)

X0, Y0, PX = 400000.0, 5700000.0, 0.5  # pixel 0.5 m: 0.25 m² per pixel
TRANSFORM = Affine(PX, 0, X0, 0, -PX, Y0)
CRS = "EPSG:25832"


def labels_8x8() -> np.ndarray:
    """Left half (cols 0–3): roof in rows 0–3, vegetation below; right half: sealed in rows
    0–3, green roof, solar and shadow below; one pixel without class."""
    labels = np.zeros((8, 8), dtype=np.uint8)
    labels[:4, :4] = 1
    labels[4:, :4] = 6
    labels[:4, 4:] = 4
    labels[4:6, 4:] = 2
    labels[6:, 4:6] = 3
    labels[6:, 6:] = 8
    labels[0, 0] = 0
    return labels


def cell_box(r0, r1, c0, c1):
    """Box covering pixel rows r0..r1-1 and cols c0..c1-1."""
    return box(X0 + c0 * PX, Y0 - r1 * PX, X0 + c1 * PX, Y0 - r0 * PX)


def two_parcels(crs=CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"flst": ["A", "B"]},
                            geometry=[cell_box(0, 8, 0, 4), cell_box(0, 8, 4, 8)], crs=crs)


def test_exact_square_metres_per_class():
    table = class_areas(labels_8x8(), TRANSFORM, two_parcels(), id_column="flst", crs=CRS)
    assert list(table.index) == ["A", "B"] and table.index.name == "flst"
    a, b = table.loc["A"], table.loc["B"]
    assert a["roof_m2"] == 15 * 0.25
    assert a["vegetation_m2"] == 16 * 0.25
    assert a["nodata_m2"] == 0.25
    assert a["total_m2"] == 31 * 0.25
    assert b["sealed_m2"] == 16 * 0.25
    assert b["green_roof_m2"] == 8 * 0.25
    assert b["solar_m2"] == 4 * 0.25
    assert b["shadow_m2"] == 4 * 0.25
    assert b["total_m2"] == 32 * 0.25
    assert table["polygon_m2"].tolist() == [8.0, 8.0]
    assert table["coverage_share"].tolist() == [1.0, 1.0]
    assert table["outside_raster_m2"].tolist() == [0.0, 0.0]
    assert set(aggregate.area_columns()) <= set(table.columns)
    assert table.attrs["complete"] and table.attrs["pixel_area_m2"] == 0.25


def test_polygons_in_degrees_are_reprojected_with_a_note():
    direct = class_areas(labels_8x8(), TRANSFORM, two_parcels(), id_column="flst", crs=CRS)
    wgs84 = two_parcels().to_crs("EPSG:4326")
    table = class_areas(labels_8x8(), TRANSFORM, wgs84, id_column="flst", crs=CRS)
    cols = [*aggregate.area_columns(), "nodata_m2", "total_m2"]
    assert table[cols].equals(direct[cols])
    assert table["polygon_m2"].to_numpy() == pytest.approx(direct["polygon_m2"].to_numpy())
    assert any("EPSG:4326" in n and "umprojiziert" in n for n in table.attrs["notes"])
    assert not direct.attrs["notes"]


def test_no_overlap_with_the_raster_is_an_error():
    far = gpd.GeoDataFrame({"flst": ["X"]}, geometry=[box(500000, 5600000, 500010, 5600010)],
                           crs=CRS)
    with pytest.raises(DataError, match="No polygon overlaps") as info:
        class_areas(labels_8x8(), TRANSFORM, far, id_column="flst", crs=CRS)
    assert "Kein Polygon überlappt" in info.value.message_de


def test_polygon_partly_outside_reports_its_coverage():
    parcels = gpd.GeoDataFrame({"flst": ["R"]}, geometry=[cell_box(0, 4, 4, 12)], crs=CRS)
    table = class_areas(labels_8x8(), TRANSFORM, parcels, id_column="flst", crs=CRS)
    row = table.loc["R"]
    assert row["sealed_m2"] == 16 * 0.25
    assert row["polygon_m2"] == 8.0
    assert row["coverage_share"] == 0.5 and row["outside_raster_m2"] == 4.0
    assert any("teilweise" in n for n in table.attrs["notes"])


def test_overlapping_polygons_each_get_their_pixels():
    parcels = two_parcels()
    building = gpd.GeoDataFrame({"flst": ["G"]}, geometry=[cell_box(0, 4, 2, 6)], crs=CRS)
    both = gpd.GeoDataFrame(gpd.pd.concat([parcels, building], ignore_index=True), crs=CRS)
    table = class_areas(labels_8x8(), TRANSFORM, both, id_column="flst", crs=CRS)
    alone = class_areas(labels_8x8(), TRANSFORM, parcels, id_column="flst", crs=CRS)
    cols = [*aggregate.area_columns(), "nodata_m2"]
    assert table.loc[["A", "B"], cols].equals(alone[cols])
    assert table.loc["G", "roof_m2"] == 8 * 0.25 and table.loc["G", "sealed_m2"] == 8 * 0.25
    assert any("überlappen" in n for n in table.attrs["notes"])


def test_accumulator_over_windows_equals_one_shot():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 9, size=(40, 60)).astype(np.uint8)
    shapes = [Point(X0 + 7, Y0 - 6).buffer(5.5), Point(X0 + 20, Y0 - 12).buffer(4.2),
              box(X0 + 1.3, Y0 - 19.1, X0 + 29.7, Y0 - 13.4),
              Point(X0 + 21, Y0 - 10).buffer(2.0),  # overlaps the second circle
              box(X0 + 25, Y0 - 25, X0 + 40, Y0 - 5)]  # reaches beyond the raster
    polygons = gpd.GeoDataFrame({"id": [10, 11, 12, 13, 14]}, geometry=shapes, crs=CRS)
    whole = class_areas(labels, TRANSFORM, polygons, id_column="id", crs=CRS)
    acc = AreaAccumulator(polygons, id_column="id", crs=CRS, transform=TRANSFORM,
                          shape=labels.shape)
    cuts = [((0, 17), (0, 25)), ((0, 17), (25, 60)), ((17, 40), (0, 25)), ((17, 40), (25, 60))]
    for i, ((r0, r1), (c0, c1)) in enumerate(cuts):
        window = Window(c0, r0, c1 - c0, r1 - r0) if i % 2 else ((r0, r1), (c0, c1))
        acc.add(labels[r0:r1, c0:c1], window)
        if i == 0:
            partial = acc.result()
            assert not partial.attrs["complete"]
            assert any("unvollständig" in n for n in partial.attrs["notes"])
    tiled = acc.result()
    assert tiled.equals(whole)
    assert tiled.attrs["complete"]
    assert whole["total_m2"].sum() > 0
    with pytest.raises(DataError, match="overlaps a window"):
        acc.add(labels[10:20, 10:20], ((10, 20), (10, 20)))
    with pytest.raises(DataError, match="does not fit"):
        AreaAccumulator(polygons, id_column="id", crs=CRS, transform=TRANSFORM,
                        shape=labels.shape).add(labels[:5, :5], ((0, 5), (0, 6)))


def test_sealing_per_parcel_numbers():
    table = sealing_per_parcel(
        class_areas(labels_8x8(), TRANSFORM, two_parcels(), id_column="flst", crs=CRS))
    a, b = table.loc["A"], table.loc["B"]
    assert a["versiegelt_m2"] == 15 * 0.25
    assert a["gebuehrenflaeche_m2"] == 15 * 0.25
    assert a["versiegelungsgrad"] == pytest.approx(15 / 31)
    # B: sealed 16 + green roof 8 + solar 4 pixels; green roof counts half for the fee.
    assert b["versiegelt_m2"] == 28 * 0.25
    assert b["gebuehrenflaeche_m2"] == (16 + 4 + 0.5 * 8) * 0.25
    assert b["versiegelungsgrad"] == pytest.approx(28 / 32)
    assert b["schatten_anteil"] == pytest.approx(4 / 32)
    assert b["versiegelt_max_m2"] == 32 * 0.25 and a["versiegelt_max_m2"] == 15 * 0.25
    custom = sealing_per_parcel(table, factors={"green_roof": 0.0})
    assert custom.loc["B", "gebuehrenflaeche_m2"] == 20 * 0.25
    with pytest.raises(ParameterError):
        sealing_per_parcel(table, factors={"gruendach": 0.3})
    with pytest.raises(ParameterError):
        sealing_per_parcel(table, factors={"green_roof": 1.5})
    with pytest.raises(DataError):
        sealing_per_parcel(table.drop(columns=["roof_m2"]))


def test_roof_use_per_building_numbers():
    buildings = gpd.GeoDataFrame({"geb": ["H1"]}, geometry=[cell_box(4, 8, 4, 8)], crs=CRS)
    table = roof_use_per_building(
        class_areas(labels_8x8(), TRANSFORM, buildings, id_column="geb", crs=CRS))
    row = table.loc["H1"]
    assert row["dach_m2"] == 12 * 0.25
    assert row["gruendach_m2"] == 8 * 0.25 and row["solar_m2"] == 4 * 0.25
    assert row["gruendach_anteil"] == pytest.approx(8 / 12)
    assert row["solar_anteil"] == pytest.approx(4 / 12)
    assert row["dach_anteil"] == pytest.approx(12 / 16)


def test_bad_polygon_inputs():
    labels = labels_8x8()
    no_crs = two_parcels(crs=None)
    with pytest.raises(CRSError):
        class_areas(labels, TRANSFORM, no_crs, id_column="flst", crs=CRS)
    with pytest.raises(DataError, match="no column"):
        class_areas(labels, TRANSFORM, two_parcels(), id_column="fehlt", crs=CRS)
    dup = two_parcels()
    dup["flst"] = ["A", "A"]
    with pytest.raises(DataError) as info:
        class_areas(labels, TRANSFORM, dup, id_column="flst", crs=CRS)
    assert "doppelt: A" in info.value.message_de
    points = gpd.GeoDataFrame({"flst": ["P"]}, geometry=[Point(X0 + 1, Y0 - 1)], crs=CRS)
    with pytest.raises(DataError, match="need polygons"):
        class_areas(labels, TRANSFORM, points, id_column="flst", crs=CRS)
    with pytest.raises(CRSError):
        class_areas(labels, TRANSFORM, two_parcels(), id_column="flst", crs="EPSG:4326")
    with pytest.raises(DataError):
        class_areas(labels.astype(float), TRANSFORM, two_parcels(), id_column="flst", crs=CRS)
    with pytest.raises(DataError):
        class_areas(labels + 9, TRANSFORM, two_parcels(), id_column="flst", crs=CRS)
    with pytest.raises(ParameterError):
        class_areas(labels, TRANSFORM, two_parcels().drop(columns="geometry"),
                    id_column="flst", crs=CRS)


def test_square_grid_is_aligned_to_the_cell_size_and_covers_the_bounds():
    from urbanki_helpers.imagery.aggregate import square_grid

    grid = square_grid((371_650.0, 5_713_420.0, 371_860.0, 5_713_600.0), 100, "EPSG:25832")
    assert len(grid) == 3 * 2 and grid.crs.to_epsg() == 25832
    assert grid.total_bounds.tolist() == [371_600, 5_713_400, 371_900, 5_713_600]
    assert grid["zelle_id"].iloc[0] == "371600_5713400" and grid["zelle_id"].is_unique
    assert grid.area.tolist() == [10_000.0] * 6
    with pytest.raises(ParameterError):
        square_grid((0, 0, 1, 1), 0, "EPSG:25832")
