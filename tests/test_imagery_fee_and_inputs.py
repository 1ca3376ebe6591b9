"""Class sets, honest whole-image maps, block-bootstrap intervals, the fee comparison and the
inputs of notebook 01."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery import classes, fee, metrics
from urbanki_helpers.imagery.features import compute_features
from urbanki_helpers.imagery.inputs import load_scene_inputs
from urbanki_helpers.imagery.training import out_of_fold_predict, spatial_blocks


def test_class_sets_recode_without_touching_the_input():
    labels = np.array([[1, 3, 8], [4, 0, 3]], dtype=np.uint8)
    fee_set = classes.apply_class_set(labels, "gebuehr")
    assert fee_set.tolist() == [[1, 1, 8], [4, 0, 1]]
    assert classes.apply_class_set(labels, "ohne_schatten").tolist() == [[1, 3, 0], [4, 0, 3]]
    assert labels.tolist() == [[1, 3, 8], [4, 0, 3]]
    assert 3 not in classes.class_set_codes("gebuehr") and 8 in classes.class_set_codes("gebuehr")
    with pytest.raises(ParameterError, match="alle, gebuehr, ohne_schatten"):
        classes.apply_class_set(labels, "grob")


def test_block_bootstrap_brackets_the_score_and_is_wider_when_errors_cluster():
    # Errors cluster in space: each block of 200 pixels has its own accuracy (50–100 %).
    rng = np.random.default_rng(1)
    blocks = np.arange(20_000) // 200
    accuracy = rng.uniform(0.5, 1.0, blocks.max() + 1)[blocks]
    y = rng.integers(1, 5, 20_000)
    p = np.where(rng.random(20_000) < accuracy, y, (y % 4) + 1)
    f1 = metrics.summary(y, p)["f1_macro"]
    by_block = metrics.block_bootstrap(y, p, blocks)["f1_macro"]
    by_pixel = metrics.block_bootstrap(y, p, np.arange(20_000))["f1_macro"]
    assert by_block[0] < f1 < by_block[1]
    # treating pixels as independent understates the uncertainty
    assert (by_block[1] - by_block[0]) > 2 * (by_pixel[1] - by_pixel[0])
    # a perfect map has no spread
    assert metrics.block_bootstrap(y, y, blocks)["accuracy"] == (1.0, 1.0)
    with pytest.raises(DataError):
        metrics.block_bootstrap(y, p, np.arange(10))


def test_out_of_fold_map_never_uses_a_model_that_saw_the_pixel():
    # Left half class 1 (bright), right half class 6 (green with NIR); noise elsewhere.
    rng = np.random.default_rng(0)
    bands = np.zeros((4, 60, 60), dtype=np.uint8)
    bands[:, :, :30] = np.array([200, 200, 200, 90])[:, None, None]
    bands[:, :, 30:] = np.array([40, 120, 40, 220])[:, None, None]
    bands = np.clip(bands + rng.integers(-10, 10, bands.shape), 0, 255).astype(np.uint8)
    labels = np.where(np.arange(60)[None, :] < 30, 1, 6).repeat(60, axis=0).astype(np.uint8)
    stack = compute_features(bands)
    out = out_of_fold_predict(stack, labels, classifier="random_forest", block_px=15, folds=3,
                              n_per_class=100)
    assert out.shape == labels.shape and set(np.unique(out)) <= {1, 6}
    assert (out == labels).mean() > 0.95
    with pytest.raises(ParameterError):
        out_of_fold_predict(stack, labels, classifier="random_forest", folds=1)
    assert spatial_blocks((60, 60), 15).max() == 15


def test_sealed_estimate_shares_shadow_like_the_visible_rest():
    sealing = pd.DataFrame({"versiegelt_m2": [30.0, 0.0, 10.0], "shadow_m2": [20.0, 5.0, 0.0],
                            "total_m2": [100.0, 5.0, 50.0]}, index=["a", "b", "c"])
    est = fee.sealed_estimate(sealing)
    assert est.tolist() == pytest.approx([30 + 20 * 30 / 80, 0.0, 10.0])
    with pytest.raises(DataError, match="shadow_m2"):
        fee.sealed_estimate(sealing.drop(columns="shadow_m2"))


def test_fee_comparison_in_square_metres_and_euros():
    est = pd.Series([110.0, 45.0, 0.0], index=["a", "b", "x"])
    truth = pd.Series([100.0, 50.0, 0.0], index=["a", "b", "c"])
    table = fee.compare_with_truth(est, truth, fee_eur_per_m2=1.5)
    assert list(table.index) == ["a", "b"]
    assert table["fehler_m2"].tolist() == [10.0, -5.0]
    assert table["fehler_eur_jahr"].tolist() == [15.0, -7.5]
    assert table["fehler_relativ"].tolist() == pytest.approx([0.1, -0.1])
    summary = fee.error_summary(table, tolerance_m2=6)
    assert summary["total_error_m2"] == 5.0 and summary["share_above_tolerance"] == 0.5
    assert summary["abs_error_median_m2"] == 7.5
    with pytest.raises(ParameterError):
        fee.compare_with_truth(est, truth, fee_eur_per_m2=-1)
    with pytest.raises(DataError):
        fee.compare_with_truth(est.rename(lambda i: i + "_"), truth)


def test_musterstadt_inputs_line_up():
    scene = load_scene_inputs()
    assert scene.synthetic and scene.image.nir and scene.image.shape == (1000, 1000)
    assert scene.labels.shape == scene.image.shape
    assert len(scene.parcels) == 92 and len(scene.buildings) == 66
    assert scene.truth_column == "versiegelt_m2_wahr_2023"
    assert load_scene_inputs(epoch=2025).truth_column == "versiegelt_m2_wahr_2025"
    assert "synthetisch" in scene.attribution


T0 = Affine(0.2, 0, 370000, 0, -0.2, 5712000)


def _write(path, data, transform, crs="EPSG:25832"):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[-1], height=data.shape[-2],
                       count=data.shape[0], dtype="uint8", crs=crs, transform=transform) as dst:
        dst.write(data)
    return path


def test_own_image_needs_labels_on_the_same_grid(tmp_path):
    image = _write(tmp_path / "bild.tif", np.full((3, 20, 20), 100, np.uint8),
                   T0)
    with pytest.raises(ParameterError, match="labels_path") as info:
        load_scene_inputs(image)
    assert "Notebook 02" in info.value.message_de
    shifted = _write(tmp_path / "klassen.tif", np.ones((1, 20, 20), np.uint8),
                     T0 * Affine.translation(50, 0))
    with pytest.raises(DataError, match="grid") as info:
        load_scene_inputs(image, shifted)
    assert "QGIS" in info.value.message_de
    good = _write(tmp_path / "klassen_ok.tif", np.ones((1, 20, 20), np.uint8),
                  T0)
    scene = load_scene_inputs(image, good)
    assert not scene.image.nir and scene.parcels is None and scene.truth_column is None
    assert any("3 Kanäle" in n for n in scene.notes)
    with pytest.raises(ParameterError):
        load_scene_inputs("", good)


def test_read_layer_takes_the_musterstadt_layer_by_name():
    from urbanki_helpers.data.catalog import dataset_file
    from urbanki_helpers.imagery.inputs import read_layer

    layers = dataset_file("musterstadt_luftbild", "musterstadt_luftbild.gpkg")
    assert len(read_layer(layers, "flurstuecke")) == 92
    assert len(read_layer(layers, "gebaeude")) == 66
