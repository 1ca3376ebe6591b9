"""The tiled pipeline: classification tile by tile equals a single pass, workers give the same
result, polygons keep the pixel areas, and class areas per polygon equal a one-shot count."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.enums import ColorInterp
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import box
from sklearn.tree import DecisionTreeClassifier

from urbanki_helpers.errors import CRSError, DataError, ParameterError, UrbanKIError
from urbanki_helpers.imagery import pipeline as pipeline_module
from urbanki_helpers.imagery.aggregate import class_areas
from urbanki_helpers.imagery.features import compute_features
from urbanki_helpers.imagery.model_io import PixelModel
from urbanki_helpers.imagery.pipeline import (
    PipelineConfig,
    classify_array,
    classify_raster,
    compare_tiled_with_single,
    run_pipeline,
)
from urbanki_helpers.imagery.raster import read_image
from urbanki_helpers.imagery.tiling import tile_windows
from urbanki_helpers.imagery.vectorize import (
    aggregate_to_polygons,
    export_geopackage,
    vectorize,
    vectorize_raster,
)

PIXEL_M = 0.2
ORIGIN = (362000.0, 5716000.0)
TRANSFORM = from_origin(*ORIGIN, PIXEL_M, PIXEL_M)


def _bands(rows: int, cols: int, seed: int, n_bands: int = 4) -> np.ndarray:
    """Smooth random structure plus noise, uint8 (band, row, col)."""
    rng = np.random.default_rng(seed)
    smooth = ndimage.gaussian_filter(rng.random((n_bands, rows, cols)), (0, 3, 3))
    smooth = (smooth - smooth.min()) / (smooth.max() - smooth.min()) * 255
    return np.clip(smooth + rng.normal(0, 12, smooth.shape), 0, 255).astype(np.uint8)


def _write_image(path, bands, *, crs="EPSG:25832", nodata=None):
    count = bands.shape[0]
    profile = {"driver": "GTiff", "width": bands.shape[2], "height": bands.shape[1],
               "count": count, "dtype": "uint8", "transform": TRANSFORM}
    if crs is not None:
        profile["crs"] = crs
    if nodata is not None:
        profile["nodata"] = nodata
    if count in (3, 4):
        profile["photometric"] = "RGB"
    with rasterio.open(path, "w", **profile) as dst:
        if count == 4:  # band 4 is near infrared, not GDAL's default alpha
            dst.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                               ColorInterp.undefined]
        dst.write(bands)
    return path


def _fit_model(*, nir: bool = True, radius: int = 2) -> PixelModel:
    """A small tree that depends on neighbourhood texture, so that tile seams matter."""
    stack = compute_features(_bands(90, 90, seed=1, n_bands=4 if nir else 3), nir=nir,
                             radius=radius)
    texture = stack.values[..., stack.names.index(f"brightness_std_r{2 * radius}")].ravel()
    y = 1 + np.digitize(texture, np.quantile(texture, [0.2, 0.4, 0.6, 0.8]))
    est = DecisionTreeClassifier(max_depth=8, random_state=0).fit(stack.table(), y)
    return PixelModel(est, stack.names, radius, nir, sorted(set(y.tolist())),
                      training={"scene": "test"})


@pytest.fixture(scope="module")
def model() -> PixelModel:
    return _fit_model()


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    path = tmp_path_factory.mktemp("img") / "dop.tif"
    return _write_image(path, _bands(110, 130, seed=2))


@pytest.fixture(scope="module")
def single(image, model):
    return classify_array(read_image(image).bands, model)


def _read(path):
    with rasterio.open(path) as src:
        return src.read(1), src.profile


# --- classification -------------------------------------------------------------------------


def test_tiled_with_halo_overlap_equals_single_pass(tmp_path, image, model, single):
    result = classify_raster(image, model, tmp_path / "klassen.tif",
                             PipelineConfig(tile_px=32))
    labels, profile = _read(result.dst_path)
    assert np.array_equal(labels, single)
    assert result.overlap_px == model.halo and result.n_tiles == 4 * 5
    assert result.shape == (110, 130) and result.megapixels_per_second > 0
    assert profile["dtype"] == "uint8" and profile["nodata"] == 0 and profile["count"] == 1
    assert profile["transform"] == TRANSFORM and profile["crs"] == "EPSG:25832"
    assert profile["compress"] == "deflate" and profile["tiled"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["klassen.tif"]  # written atomically
    tiles = tile_windows(130, 110, tile_px=32, overlap_px=result.overlap_px)
    report = compare_tiled_with_single(labels, single, tiles, seam_px=model.halo)
    assert report["identical"] and report["differing"] == 0


def test_without_overlap_results_differ_only_near_seams(tmp_path, image, model, single):
    result = classify_raster(image, model, tmp_path / "k.tif",
                             PipelineConfig(tile_px=32, overlap_px=0))
    labels, _ = _read(result.dst_path)
    tiles = tile_windows(130, 110, tile_px=32)
    report = compare_tiled_with_single(labels, single, tiles, seam_px=model.halo)
    assert report["differing"] > 0  # texture features see other pixels at the seams
    assert report["differing_away_from_seams"] == 0
    assert report["differing_near_seams"] == report["differing"]
    assert 0 < report["share_differing_near_seams"] < 0.5
    assert "Halo" in result.notes[0]


def test_two_workers_give_the_same_result(tmp_path, image, model):
    one = classify_raster(image, model, tmp_path / "a.tif", PipelineConfig(tile_px=32))
    done = []
    two = classify_raster(image, model, tmp_path / "b.tif",
                          PipelineConfig(tile_px=32, n_jobs=2, max_tiles_in_flight=3),
                          progress=lambda i, n: done.append((i, n)))
    assert np.array_equal(_read(one.dst_path)[0], _read(two.dst_path)[0])
    assert two.n_jobs == 2 and done[-1] == (20, 20) and len(done) == 20


def test_worker_errors_keep_their_german_message(tmp_path, model, monkeypatch):
    rgb = _write_image(tmp_path / "rgb.tif", _bands(40, 40, seed=4, n_bands=3))
    monkeypatch.setitem(pipeline_module._WORKER, "model", model)
    tile = tile_windows(40, 40, tile_px=16, overlap_px=model.halo)[0]
    core, error = pipeline_module._worker_tile(rgb, tile)
    assert core is None and error[0] is DataError and "Nahinfrarot" in error[2]


def test_tiles_read_only_their_window(tmp_path, image, model, monkeypatch):
    shapes = []
    original = pipeline_module.read_image

    def spy(path, *, window=None):
        data = original(path, window=window)
        shapes.append(data.bands.shape[1:])
        return data

    monkeypatch.setattr(pipeline_module, "read_image", spy)
    classify_raster(image, model, tmp_path / "k.tif", PipelineConfig(tile_px=32))
    limit = 32 + 2 * model.halo
    assert max(max(s) for s in shapes) <= limit  # never the whole 110 × 130 raster


def test_nodata_pixels_stay_without_class(tmp_path, model):
    bands = _bands(48, 48, seed=5)
    bands[:, :10, :] = 0
    path = _write_image(tmp_path / "nd.tif", bands, nodata=0)
    result = classify_raster(path, model, tmp_path / "k.tif", PipelineConfig(tile_px=16))
    labels, _ = _read(result.dst_path)
    assert (labels[:10] == 0).all() and (labels[10:] > 0).all()


def test_nir_model_on_rgb_raster_is_refused(tmp_path, model):
    rgb = _write_image(tmp_path / "rgb.tif", _bands(40, 40, seed=4, n_bands=3))
    with pytest.raises(DataError) as info:
        classify_raster(rgb, model, tmp_path / "k.tif")
    assert "ndvi" in info.value.message_de
    assert not (tmp_path / "k.tif").exists()


def test_raster_without_crs_or_with_one_band_is_refused(tmp_path, model):
    no_crs = _write_image(tmp_path / "nocrs.tif", _bands(20, 20, seed=6), crs=None)
    with pytest.raises(CRSError):
        classify_raster(no_crs, model, tmp_path / "k.tif")
    grey = _write_image(tmp_path / "grey.tif", _bands(20, 20, seed=6, n_bands=1))
    with pytest.raises(DataError):
        classify_raster(grey, model, tmp_path / "k.tif")
    with pytest.raises(DataError):
        classify_raster(tmp_path / "fehlt.tif", model, tmp_path / "k.tif")


@pytest.mark.parametrize("kwargs", [
    {"tile_px": 8}, {"overlap_px": -1}, {"tile_px": 32, "overlap_px": 40}, {"n_jobs": 0},
    {"n_jobs": 1.5}, {"max_tiles_in_flight": 0}, {"min_mapping_unit_m2": -1},
    {"simplify_m": float("nan")},
])
def test_bad_configurations_are_refused(kwargs):
    with pytest.raises(ParameterError):
        PipelineConfig(**kwargs)


def test_config_defaults(model):
    config = PipelineConfig()
    assert config.overlap_for(model) == model.halo and config.workers() == 1
    assert PipelineConfig(n_jobs=-1).workers() >= 1


def test_image_cannot_be_overwritten(image, model):
    with pytest.raises(ParameterError):
        classify_raster(image, model, image)


# --- vectorising ----------------------------------------------------------------------------


def _label_array() -> np.ndarray:
    labels = np.full((60, 80), 6, dtype=np.uint8)        # vegetation
    labels[5:25, 5:35] = 1                                # a roof, 600 px
    labels[30:50, 40:75] = 4                              # sealed, 700 px
    labels[40:44, 10:14] = 7                              # water, 16 px
    labels[10, 50] = 3                                    # a single solar pixel
    labels[52:54, 60:62] = 2                              # green roof, 4 px
    labels[:, 78:] = 0                                    # no data at the right edge
    return labels


def test_polygon_areas_equal_pixel_counts_exactly():
    labels = _label_array()
    gdf = vectorize(labels, TRANSFORM, "EPSG:25832")
    assert list(gdf.columns) == ["klasse_code", "klasse", "flaeche_m2", "geometry"]
    assert gdf.crs == "EPSG:25832"
    pixel_area = PIXEL_M ** 2
    for code in range(1, 9):
        expected = (labels == code).sum() * pixel_area
        assert gdf.loc[gdf.klasse_code == code, "flaeche_m2"].sum() == pytest.approx(expected)
        assert gdf.loc[gdf.klasse_code == code].area.sum() == pytest.approx(expected)
    assert set(gdf.loc[gdf.klasse_code == 1, "klasse"]) == {"Dach"}


def test_patches_below_the_minimum_mapping_unit_disappear():
    labels = _label_array()
    # MMU 0.64 m² = 16 pixels: the 16-px water stays, 1-px solar and 4-px green roof go
    gdf = vectorize(labels, TRANSFORM, "EPSG:25832", min_mapping_unit_m2=0.64)
    assert set(gdf.klasse_code) == {1, 4, 6, 7}
    assert gdf.flaeche_m2.sum() == pytest.approx((labels != 0).sum() * PIXEL_M ** 2)
    vegetation = (labels == 6).sum() + 1 + 4
    assert gdf.loc[gdf.klasse_code == 6, "flaeche_m2"].sum() == pytest.approx(
        vegetation * PIXEL_M ** 2)


def test_simplified_outlines_keep_the_total_area():
    labels = np.where(_bands(80, 80, seed=7, n_bands=1)[0] > 128, 1, 6).astype(np.uint8)
    gdf = vectorize(labels, TRANSFORM, "EPSG:25832", simplify_m=0.5)
    total = labels.size * PIXEL_M ** 2
    assert gdf.area.sum() == pytest.approx(total)          # a coverage: no gaps, no overlaps
    for code in (1, 6):
        exact = (labels == code).sum() * PIXEL_M ** 2
        assert gdf.loc[gdf.klasse_code == code].area.sum() == pytest.approx(exact, rel=0.05)
        assert gdf.loc[gdf.klasse_code == code, "flaeche_m2"].sum() == pytest.approx(exact)
    assert gdf.is_valid.all()


@pytest.mark.parametrize("mmu", [0.0, 0.5])
def test_window_by_window_equals_one_pass(tmp_path, mmu):
    rng = np.random.default_rng(8)
    labels = np.kron(rng.integers(1, 9, (12, 14)), np.ones((6, 6), dtype=int)).astype(np.uint8)
    noise = rng.random(labels.shape) < 0.05
    labels[noise] = rng.integers(1, 9, int(noise.sum()))
    path = tmp_path / "klassen.tif"
    with rasterio.open(path, "w", driver="GTiff", width=labels.shape[1],
                       height=labels.shape[0], count=1, dtype="uint8", nodata=0,
                       crs="EPSG:25832", transform=TRANSFORM) as dst:
        dst.write(labels, 1)
    whole = vectorize(labels, TRANSFORM, "EPSG:25832", min_mapping_unit_m2=mmu)
    tiled = vectorize_raster(path, min_mapping_unit_m2=mmu, tile_px=16)
    assert len(tiled) == len(whole)  # polygons cut at window borders are merged again
    assert np.allclose(np.sort(tiled.flaeche_m2), np.sort(whole.flaeche_m2))
    assert np.allclose(np.sort(tiled.area), np.sort(whole.area))
    assert tiled.flaeche_m2.sum() == pytest.approx(labels.size * PIXEL_M ** 2)
    only_roofs = vectorize(path, classes=[1])
    assert set(only_roofs.klasse_code) == {1}


def test_vectorize_refuses_bad_input():
    labels = _label_array()
    with pytest.raises(CRSError):
        vectorize(labels, TRANSFORM, None)
    with pytest.raises(CRSError):
        vectorize(labels, from_origin(7.0, 51.0, 1e-5, 1e-5), "EPSG:4326")
    with pytest.raises(ParameterError):
        vectorize(labels, None, "EPSG:25832")
    with pytest.raises(ParameterError):
        vectorize(labels, TRANSFORM, "EPSG:25832", classes=[9])
    with pytest.raises(ParameterError):
        vectorize(labels, TRANSFORM, "EPSG:25832", min_mapping_unit_m2=-1)
    with pytest.raises(DataError):
        vectorize(labels[None], TRANSFORM, "EPSG:25832")


def test_export_geopackage_round_trip(tmp_path):
    gdf = vectorize(_label_array(), TRANSFORM, "EPSG:25832")
    path = export_geopackage(gdf, tmp_path / "ergebnis.gpkg", layer="klassen")
    back = gpd.read_file(path, layer="klassen")
    assert len(back) == len(gdf) and back.crs == gdf.crs
    assert back.flaeche_m2.sum() == pytest.approx(gdf.flaeche_m2.sum())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ergebnis.gpkg"]
    with pytest.raises(ParameterError):
        export_geopackage(gdf, tmp_path / "ergebnis.shp", layer="klassen")


# --- areas per polygon ----------------------------------------------------------------------


def _parcels(crs="EPSG:25832") -> gpd.GeoDataFrame:
    x0, y1 = ORIGIN
    boxes = [box(x0 + 1, y1 - 9, x0 + 7.2, y1 - 1),          # over the roof
             box(x0 + 7.2, y1 - 11, x0 + 15.4, y1 - 5),      # sealed and vegetation
             box(x0 + 14, y1 - 12, x0 + 30, y1 - 2)]         # reaches beyond the raster
    gdf = gpd.GeoDataFrame({"flst": ["A", "B", "C"]}, geometry=boxes, crs="EPSG:25832")
    return gdf.to_crs(crs)


def _label_file(tmp_path):
    path = tmp_path / "klassen.tif"
    with rasterio.open(path, "w", driver="GTiff", width=80, height=60, count=1,
                       dtype="uint8", nodata=0, crs="EPSG:25832", transform=TRANSFORM) as dst:
        dst.write(_label_array(), 1)
    return path


def test_areas_via_tiles_equal_one_shot(tmp_path):
    path = _label_file(tmp_path)
    tiled = aggregate_to_polygons(path, _parcels(), id_column="flst", tile_px=16)
    once = class_areas(_label_array(), TRANSFORM, _parcels(), id_column="flst",
                       crs="EPSG:25832")
    assert tiled.attrs["complete"]
    assert np.allclose(tiled.to_numpy(dtype=float), once.to_numpy(dtype=float))
    assert tiled.loc["A", "roof_m2"] > 0


def test_polygons_in_wgs84_are_reprojected_with_a_note(tmp_path):
    path = _label_file(tmp_path)
    result = aggregate_to_polygons(path, _parcels("EPSG:4326"), id_column="flst", tile_px=32)
    assert any("umprojiziert" in note for note in result.attrs["notes"])
    reference = aggregate_to_polygons(path, _parcels(), id_column="flst", tile_px=32)
    assert np.allclose(result["total_m2"], reference["total_m2"], atol=2 * PIXEL_M ** 2)


def test_polygons_outside_the_raster_are_refused(tmp_path):
    path = _label_file(tmp_path)
    far = _parcels().translate(xoff=5000)
    with pytest.raises(DataError):
        aggregate_to_polygons(path, gpd.GeoDataFrame({"flst": ["A", "B", "C"]}, geometry=far),
                              id_column="flst")


def test_aggregation_refuses_an_image_instead_of_labels(image):
    with pytest.raises(DataError):
        aggregate_to_polygons(image, _parcels(), id_column="flst")


def test_run_pipeline_end_to_end(tmp_path, image, model):
    result = run_pipeline(image, model, tmp_path / "out",
                          PipelineConfig(tile_px=64, min_mapping_unit_m2=0.2),
                          polygons=_parcels(), id_column="flst")
    assert result.classification.dst_path.is_file() and result.geopackage.is_file()
    assert result.polygons.flaeche_m2.sum() == pytest.approx(110 * 130 * PIXEL_M ** 2)
    assert list(result.areas.index) == ["A", "B", "C"]


def test_errors_are_the_package_errors():
    assert issubclass(CRSError, UrbanKIError)
