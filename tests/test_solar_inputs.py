"""The two-flight inputs of notebook 04: the Musterstadt defaults and clear errors for a pair
that does not fit together."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine

from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.solar.inputs import load_epoch_pair


def test_the_musterstadt_pair():
    pair = load_epoch_pair()
    assert pair.a.image.shape == pair.b.shape == (1000, 1000) and pair.b.nir
    assert len(pair.a.buildings) == 66 and len(pair.truth) == 12
    assert set(pair.truth["aenderung"]) == {"neubau", "gruendach", "neue_solaranlage",
                                            "dacherneuerung"}
    assert pair.labels_b.shape == (1000, 1000) and pair.a.epoch == 2023


def _tif(path, shape=(50, 60), bands=4, origin=(400000.0, 5700000.0)):
    profile = {"driver": "GTiff", "width": shape[1], "height": shape[0], "count": bands,
               "dtype": "uint8", "crs": "EPSG:25832",
               "transform": Affine(0.2, 0, origin[0], 0, -0.2, origin[1])}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.full((bands, *shape), 90, dtype=np.uint8))
    return path


def test_a_pair_that_does_not_fit_is_named(tmp_path):
    with pytest.raises(ParameterError) as err:
        load_epoch_pair(image_a_path=_tif(tmp_path / "a.tif"))
    assert "beide Luftbilder" in err.value.message_de
    labels = tmp_path / "labels.tif"
    with rasterio.open(labels, "w", driver="GTiff", width=60, height=50, count=1, dtype="uint8",
                       crs="EPSG:25832",
                       transform=Affine(0.2, 0, 400000.0, 0, -0.2, 5700000.0)) as dst:
        dst.write(np.ones((1, 50, 60), dtype=np.uint8))
    layers = dataset_file("musterstadt_luftbild", "musterstadt_luftbild.gpkg")
    with pytest.raises(ParameterError, match="building footprints"):
        load_epoch_pair(_tif(tmp_path / "a.tif"), labels, _tif(tmp_path / "b.tif"))
    shifted = _tif(tmp_path / "b2.tif", origin=(400010.0, 5700000.0))
    with pytest.raises(DataError) as err:
        load_epoch_pair(_tif(tmp_path / "a.tif"), labels, shifted, layers)
    assert "nicht auf dem Raster des ersten" in err.value.message_de
    rgb = _tif(tmp_path / "b3.tif", bands=3)
    with pytest.raises(DataError, match="same bands"):
        load_epoch_pair(_tif(tmp_path / "a.tif"), labels, rgb, layers)
    pair = load_epoch_pair(_tif(tmp_path / "a.tif"), labels, _tif(tmp_path / "b.tif"), layers)
    assert pair.truth is None and pair.labels_b is None
    assert any("changes_path" in n for n in pair.notes)
