"""A pixel model is saved as one file and predicts the same after loading; files whose
features or versions do not fit are refused with a German message."""

from __future__ import annotations

import json
import warnings
import zipfile

import numpy as np
import pytest
import sklearn
from sklearn.tree import DecisionTreeClassifier

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery.features import compute_features
from urbanki_helpers.imagery.model_io import PixelModel, load_model, save_model


def _image(rows: int, cols: int, bands: int = 4, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(bands, rows, cols), dtype=np.uint8)


def _model(*, nir: bool = True, radius: int = 1) -> PixelModel:
    stack = compute_features(_image(40, 40, 4 if nir else 3), nir=nir, radius=radius)
    table = stack.table()
    y = np.where(table[:, 0] > 0.5, 1, 6) + (table[:, -1] > np.median(table[:, -1]))
    est = DecisionTreeClassifier(max_depth=5, random_state=0).fit(table, y)
    return PixelModel(est, stack.names, radius, nir, sorted(set(y.tolist())),
                      training={"scene": "test", "pixels_per_class": {"1": 10}})


@pytest.fixture(scope="module")
def model() -> PixelModel:
    return _model()


def _rewrite(path, change):
    """Rewrite the model file with ``change(meta)`` applied to its metadata."""
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("metadata.json"))
        payload = zf.read("model.pkl")
    change(meta)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr("model.pkl", payload)


def test_round_trip_predicts_the_same(tmp_path, model):
    path = save_model(model, tmp_path / "modell.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["modell.zip"]  # no temp files left
    loaded = load_model(path)
    image = _image(30, 25, seed=3)
    labels = loaded.predict(image)
    assert labels.dtype == np.uint8 and labels.shape == (30, 25)
    assert np.array_equal(labels, model.predict(image))
    assert loaded.feature_names == model.feature_names
    assert (loaded.radius, loaded.nir, loaded.classes) == (1, True, model.classes)
    assert loaded.training["scene"] == "test"
    assert loaded.halo == 3 and loaded.notes == []
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("metadata.json"))
    assert meta["versions"]["sklearn"] == sklearn.__version__
    assert meta["feature_names"] == list(model.feature_names)


def test_invalid_pixels_get_no_class(model):
    image = _image(10, 10)
    valid = np.ones((10, 10), dtype=bool)
    valid[:3] = False
    labels = model.predict(image, valid=valid)
    assert (labels[:3] == 0).all() and (labels[3:] > 0).all()


def test_nir_model_on_rgb_image_names_the_missing_features(model):
    with pytest.raises(DataError) as info:
        model.predict(_image(10, 10, bands=3))
    assert "ndvi" in info.value.message_de and "RGB-Modell" in info.value.message_de


def test_rgb_model_works_on_a_4_band_image():
    rgb = _model(nir=False)
    image = _image(12, 12)
    assert np.array_equal(rgb.predict(image), rgb.predict(image[:3]))


@pytest.mark.parametrize("change", [
    lambda m: m.update(radius=2),                     # another radius
    lambda m: m.update(nir=False),                    # NIR switched off by hand
    lambda m: m.update(feature_names=m["feature_names"][::-1]),
    lambda m: m.update(feature_names=m["feature_names"][:-1]),
])
def test_tampered_metadata_is_refused(tmp_path, model, change):
    path = save_model(model, tmp_path / "m.zip")
    _rewrite(path, change)
    with pytest.raises(DataError) as info:
        load_model(path)
    assert "Merkmal" in info.value.message_de


def test_damaged_estimator_is_refused(tmp_path, model):
    path = save_model(model, tmp_path / "m.zip")
    with zipfile.ZipFile(path) as zf:
        meta = zf.read("metadata.json")
        payload = zf.read("model.pkl")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", meta)
        zf.writestr("model.pkl", payload[:-10] + b"0123456789")
    with pytest.raises(DataError) as info:
        load_model(path)
    assert "Prüfsumme" in info.value.message_de


def test_sklearn_patch_difference_gives_a_note_only(tmp_path, model):
    path = save_model(model, tmp_path / "m.zip")
    major, minor = sklearn.__version__.split(".")[:2]
    _rewrite(path, lambda m: m["versions"].update(sklearn=f"{major}.{minor}.99"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_model(path)
    assert "Patch-Version" in loaded.notes[0]


def test_sklearn_minor_difference_warns(tmp_path, model):
    path = save_model(model, tmp_path / "m.zip")
    major, minor = sklearn.__version__.split(".")[:2]
    _rewrite(path, lambda m: m["versions"].update(sklearn=f"{major}.{int(minor) + 1}.0"))
    with pytest.warns(UserWarning, match="scikit-learn"):
        loaded = load_model(path)
    assert "Unterversion" in loaded.notes[0]


def test_sklearn_major_difference_is_refused(tmp_path, model):
    path = save_model(model, tmp_path / "m.zip")
    major = int(sklearn.__version__.split(".")[0])
    _rewrite(path, lambda m: m["versions"].update(sklearn=f"{major + 1}.0.0"))
    with pytest.raises(DataError, match="major"):
        load_model(path)


def test_missing_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(DataError):
        load_model(tmp_path / "fehlt.zip")
    other = tmp_path / "bild.zip"
    other.write_bytes(b"kein zip")
    with pytest.raises(DataError) as info:
        load_model(other)
    assert "save_model" in info.value.message_de


def test_estimator_must_match_the_feature_count():
    model = _model()
    with pytest.raises(DataError):
        PixelModel(model.estimator, ("red", "green", "blue", "brightness", "exg",
                                     "brightness_mean_r1", "brightness_std_r1",
                                     "brightness_std_r2", "exg_mean_r1", "gradient"),
                   1, False, model.classes)


def test_bad_model_arguments():
    model = _model()
    with pytest.raises(ParameterError):
        PixelModel(object(), model.feature_names, 1, True, [1])
    with pytest.raises(ParameterError):
        PixelModel(model.estimator, model.feature_names, 1, True, [9])
    with pytest.raises(ParameterError):
        save_model("kein Modell", "x.zip")
