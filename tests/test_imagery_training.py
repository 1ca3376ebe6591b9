"""Spatial block split, stratified sampling, classifiers and the threshold baseline."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery.features import compute_features
from urbanki_helpers.imagery.training import (
    ThresholdBaseline,
    block_split,
    make_classifier,
    sample_pixels,
    spatial_blocks,
    train_mask,
    train_test_pixels,
)


def test_spatial_blocks_numbers_squares_row_by_row():
    blocks = spatial_blocks((5, 7), 3)
    assert blocks.shape == (5, 7)
    assert blocks[0, 0] == 0 and blocks[0, 3] == 1 and blocks[0, 6] == 2
    assert blocks[3, 0] == 3 and blocks[4, 6] == 5
    assert np.bincount(blocks.ravel()).tolist() == [9, 9, 3, 6, 6, 2]


def test_block_split_keeps_whole_blocks_apart():
    shape = (230, 310)
    test = block_split(shape, block_px=40, test_share=0.3, random_state=1)
    blocks = spatial_blocks(shape, 40)
    for block in np.unique(blocks):
        part = test[blocks == block]
        assert part.all() or not part.any(), f"block {block} is split"
    assert 0.25 <= test.mean() <= 0.4
    assert test.any() and not test.all()
    np.testing.assert_array_equal(test, block_split(shape, block_px=40, test_share=0.3,
                                                    random_state=1))
    assert not np.array_equal(test, block_split(shape, block_px=40, test_share=0.3,
                                                random_state=2))


def test_block_split_always_has_both_parts_and_checks_parameters():
    tiny = block_split((10, 20), block_px=10, test_share=0.01)
    assert tiny.sum() == 100  # one of two blocks
    assert block_split((10, 20), block_px=10, test_share=0.99).sum() == 100
    with pytest.raises(ParameterError) as info:
        block_split((50, 50), block_px=100)
    assert "nur einen Block" in info.value.message_de
    for bad in (0, 1, 1.5, -0.1, True):
        with pytest.raises(ParameterError):
            block_split((100, 100), block_px=10, test_share=bad)
    with pytest.raises(ParameterError):
        block_split((100, 100), block_px=0)


def test_train_mask_keeps_a_gap_around_test_blocks():
    test = block_split((120, 120), block_px=30, test_share=0.3, random_state=0)
    gap = 5
    allowed = train_mask(test, gap_px=gap)
    assert not (allowed & test).any()
    # chessboard distance of every training pixel to the nearest test pixel is above the gap
    distance = ndimage.distance_transform_cdt(~test, metric="chessboard")
    assert distance[allowed].min() == gap + 1
    assert ((distance > gap) == allowed).all()
    np.testing.assert_array_equal(train_mask(test), ~test)
    with pytest.raises(ParameterError) as info:
        train_mask(test, gap_px=200)
    assert "keine Trainingspixel" in info.value.message_de


def test_sample_is_stratified_reproducible_and_reports_missing_classes():
    labels = np.zeros((50, 50), dtype=np.uint8)
    labels[:20] = 6  # 1000 vegetation pixels
    labels[20:30] = 4  # 500 sealed
    labels[30:31, :7] = 3  # 7 solar
    labels[40:] = 1  # 500 roof, masked out below
    mask = np.ones_like(labels, dtype=bool)
    mask[40:] = False
    sample = sample_pixels(labels, mask, n_per_class=100, random_state=5)
    picked = labels.ravel()[sample.indices]
    assert np.bincount(picked, minlength=9).tolist() == [0, 0, 0, 7, 100, 0, 100, 0, 0]
    assert mask.ravel()[sample.indices].all()
    assert sample.missing == [1, 2, 5, 7, 8]
    assert (np.diff(sample.indices) > 0).all()
    again = sample_pixels(labels, mask, n_per_class=100, random_state=5)
    np.testing.assert_array_equal(sample.indices, again.indices)
    other = sample_pixels(labels, mask, n_per_class=100, random_state=6)
    assert not np.array_equal(sample.indices, other.indices)
    with pytest.raises(ParameterError):
        sample_pixels(labels, mask, n_per_class=0)
    with pytest.raises(DataError):
        sample_pixels(labels, mask[:10], n_per_class=5)


def test_make_classifier_names():
    forest = make_classifier("random_forest", random_state=3)
    assert isinstance(forest, RandomForestClassifier)
    assert forest.n_jobs == 1 and forest.random_state == 3 and 60 <= forest.n_estimators <= 100
    assert isinstance(make_classifier("hist_gradient_boosting"), HistGradientBoostingClassifier)
    with pytest.raises(ParameterError) as info:
        make_classifier("svm")
    assert "'random_forest'" in info.value.message_de
    assert "'hist_gradient_boosting'" in info.value.message_de


# Typical digital numbers (red, green, blue, near infrared) of four surfaces.
SPECTRA = {6: (40, 95, 45, 200), 4: (95, 95, 100, 105), 7: (20, 40, 55, 8), 8: (14, 14, 18, 22)}


def synthetic_scene(seed=0, rows=40, cols=40):
    """Four quadrants of noisy spectra: vegetation, asphalt, water, shadow."""
    rng = np.random.default_rng(seed)
    labels = np.empty((rows, cols), dtype=np.uint8)
    half_r, half_c = rows // 2, cols // 2
    labels[:half_r, :half_c], labels[:half_r, half_c:] = 6, 4
    labels[half_r:, :half_c], labels[half_r:, half_c:] = 7, 8
    bands = np.empty((4, rows, cols), dtype=np.uint8)
    for code, spectrum in SPECTRA.items():
        where = labels == code
        for b, value in enumerate(spectrum):
            noise = rng.normal(0, 6, size=where.sum())
            bands[b][where] = np.clip(value + noise, 0, 255).astype(np.uint8)
    return bands, labels


@pytest.mark.parametrize("nir", [True, False])
def test_threshold_baseline_separates_simple_spectra(nir):
    bands, labels = synthetic_scene(0)
    features = compute_features(bands if nir else bands[:3])
    baseline = ThresholdBaseline(feature_names=features.names)
    baseline.fit(features.table(), labels.ravel())
    assert baseline.vegetation_index_ == ("ndvi" if nir else "exg")
    assert set(baseline.thresholds_) == {baseline.vegetation_index_, "brightness"}
    new_bands, new_labels = synthetic_scene(1)
    new = compute_features(new_bands if nir else new_bands[:3])
    predicted = baseline.predict(new.table())
    accuracy = (predicted == new_labels.ravel()).mean()
    assert accuracy > 0.95
    vegetation = new_labels.ravel() == 6
    assert (predicted[vegetation] == 6).mean() > 0.95
    assert (predicted[new_labels.ravel() == 4] == 4).mean() > 0.95
    assert baseline.score(new.table(), new_labels.ravel()) == pytest.approx(accuracy)
    assert set(np.unique(predicted)) <= set(baseline.classes_)


def test_threshold_baseline_is_a_sklearn_estimator_and_checks_its_input():
    bands, labels = synthetic_scene(0, rows=20, cols=20)
    features = compute_features(bands[:3])
    cloned = clone(ThresholdBaseline(feature_names=features.names))
    assert cloned.get_params() == {"feature_names": features.names}
    # Only two classes in the training data: only those are predicted.
    keep = np.isin(labels.ravel(), [6, 4])
    fitted = cloned.fit(features.table()[keep], labels.ravel()[keep])
    assert set(np.unique(fitted.predict(features.table()))) <= {4, 6}
    with pytest.raises(ParameterError) as info:
        ThresholdBaseline(feature_names=("red", "green", "blue")).fit(
            features.table()[:, :3], labels.ravel())
    assert "brightness" in info.value.message_de
    with pytest.raises(ParameterError):
        ThresholdBaseline().fit(features.table(), labels.ravel())
    with pytest.raises(DataError):
        ThresholdBaseline(feature_names=features.names).fit(features.table()[:, :4],
                                                            labels.ravel())
    with pytest.raises(DataError):
        ThresholdBaseline(feature_names=features.names).fit(features.table(),
                                                            np.zeros(labels.size))


def test_train_test_pixels_one_call():
    bands, labels = synthetic_scene(0, rows=120, cols=120)
    labels[:3, :] = 0  # unlabelled strip
    features = compute_features(bands)
    split = train_test_pixels(features, labels, block_px=30, test_share=0.3, n_per_class=50,
                              random_state=0, gap_px=2)
    assert split.X_train.shape == (200, len(features.names))
    assert np.bincount(split.y_train).tolist() == [0, 0, 0, 0, 50, 0, 50, 50, 50]
    assert split.test_mask.ravel()[split.test_index].all()
    assert split.train_mask.ravel()[split.train_index].all()
    assert not split.test_mask.ravel()[split.train_index].any()
    expected_test = split.test_mask & (labels != 0)
    assert split.y_test.size == expected_test.sum()  # all labelled test pixels
    assert (split.y_test != 0).all() and split.missing == [1, 2, 3, 5]
    np.testing.assert_array_equal(split.X_test, features.table()[split.test_index])
    sampled = train_test_pixels(features, labels, block_px=30, n_per_class=50, n_test=500)
    assert sampled.y_test.size == 500
    model = make_classifier("random_forest").fit(split.X_train, split.y_train)
    assert (model.predict(split.X_test) == split.y_test).mean() > 0.95
    with pytest.raises(DataError):
        train_test_pixels(features, labels[:10], block_px=30)


def test_fit_pixel_model_wraps_the_estimator_with_its_metadata():
    from urbanki_helpers.imagery.features import feature_names
    from urbanki_helpers.imagery.training import fit_pixel_model

    rng = np.random.default_rng(3)
    bands = np.zeros((4, 40, 40), dtype=np.uint8)
    bands[:, :, :20] = np.array([200, 200, 200, 90])[:, None, None]
    bands[:, :, 20:] = np.array([40, 120, 40, 220])[:, None, None]
    bands = np.clip(bands + rng.integers(-8, 8, bands.shape), 0, 255).astype(np.uint8)
    labels = np.where(np.arange(40)[None, :] < 20, 4, 6).repeat(40, axis=0).astype(np.uint8)
    model = fit_pixel_model(bands, labels, n_per_class=50, description="Testbild")
    assert model.classes == [4, 6] and model.nir is True and model.radius == 2
    assert model.feature_names == feature_names(nir=True, radius=2)
    assert model.training["pixels_per_class"] == {4: 50, 6: 50}
    assert model.training["description"] == "Testbild"
    assert (model.predict(bands) == labels).mean() > 0.95
    rgb = fit_pixel_model(bands[:3], labels, n_per_class=20, radius=1)
    assert rgb.nir is False and rgb.n_bands == 3 and rgb.halo == 3


def test_transfer_scores_compare_model_and_baseline_on_the_new_scene():
    from urbanki_helpers.imagery.training import fit_pixel_model
    from urbanki_helpers.imagery.transfer import transfer_scores

    def scene(seed):
        rng = np.random.default_rng(seed)
        bands = np.zeros((4, 40, 40), dtype=np.uint8)
        bands[:, :, :20] = np.array([200, 200, 200, 90])[:, None, None]
        bands[:, :, 20:] = np.array([40, 120, 40, 220])[:, None, None]
        bands = np.clip(bands + rng.integers(-8, 8, bands.shape), 0, 255).astype(np.uint8)
        labels = np.where(np.arange(40)[None, :] < 20, 4, 6).repeat(40, axis=0)
        return bands, labels.astype(np.uint8)

    (train_bands, train_labels), (new_bands, new_labels) = scene(1), scene(2)
    model = fit_pixel_model(train_bands, train_labels, n_per_class=50)
    scores = transfer_scores(model, train_bands, train_labels, new_bands, new_labels,
                             model.predict(new_bands), n_per_class=50)
    assert scores["model"]["accuracy"] > 0.95 and scores["model"]["pixels"] == 1600
    assert scores["baseline"]["accuracy"] > 0.9  # two well-separated classes: easy for both
    wrong = np.where(new_labels == 4, 6, 4).astype(np.uint8)
    worse = transfer_scores(model, train_bands, train_labels, new_bands, new_labels, wrong,
                            n_per_class=50)
    assert worse["model"]["accuracy"] == 0.0
