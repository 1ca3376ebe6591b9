"""Reading aerial images and label rasters safely; writing label rasters; display helpers."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.enums import ColorInterp

from urbanki_helpers.errors import CRSError, DataError, ParameterError
from urbanki_helpers.imagery import classes
from urbanki_helpers.imagery.raster import (
    class_colormap,
    image_rgb,
    legend_handles,
    read_image,
    read_labels,
    write_labels,
)

TRANSFORM = Affine(0.2, 0, 400000.0, 0, -0.2, 5700000.0)


def write_tif(path, data, *, crs="EPSG:25832", transform=TRANSFORM, **extra):
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[None]
    profile = {"driver": "GTiff", "width": data.shape[2], "height": data.shape[1],
               "count": data.shape[0], "dtype": data.dtype.name, "transform": transform}
    if crs is not None:
        profile["crs"] = crs
    profile.update(extra)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def image(bands=3, rows=6, cols=8, dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    high = 256 if dtype == np.uint8 else 4096
    return rng.integers(0, high, size=(bands, rows, cols)).astype(dtype)


def test_three_bands_are_read_with_a_note_on_missing_nir(tmp_path):
    data = image(3)
    result = read_image(write_tif(tmp_path / "rgb.tif", data))
    assert result.bands.dtype == np.uint8 and result.bands.shape == (3, 6, 8)
    np.testing.assert_array_equal(result.bands, data)
    assert result.crs == "EPSG:25832"
    assert result.pixel_m == pytest.approx(0.2)
    assert result.transform == TRANSFORM
    assert result.nir is False and result.valid is None
    assert any("nur 3 Kanäle (RGB)" in n and "NDVI" in n for n in result.notes)


def test_four_bands_are_rgbn(tmp_path):
    data = image(4)
    result = read_image(write_tif(tmp_path / "rgbn.tif", data, photometric="MINISBLACK"))
    assert result.nir is True and result.bands.shape[0] == 4
    np.testing.assert_array_equal(result.bands, data)
    assert any("Nahinfrarot" in n for n in result.notes)


def test_nir_band_marked_as_alpha_by_gdal_is_still_nir(tmp_path):
    # GDAL marks the 4th band of a new 4-band uint8 GeoTIFF as alpha unless told otherwise.
    data = image(4)
    path = write_tif(tmp_path / "rgbn_default.tif", data)
    with rasterio.open(path) as src:
        assert src.colorinterp[3] == ColorInterp.alpha
    result = read_image(path)
    assert result.nir is True and result.valid is None
    np.testing.assert_array_equal(result.bands, data)
    assert any("als Alpha-Kanal markiert" in n for n in result.notes)


def test_nodata_value_gives_valid_mask(tmp_path):
    data = image(3)
    data[:, 2, 3] = 0
    result = read_image(write_tif(tmp_path / "nd.tif", data, nodata=0))
    assert result.valid is not None and result.valid.sum() == result.valid.size - 1
    assert not result.valid[2, 3]
    assert any("ohne Daten" in n for n in result.notes)


def test_more_than_four_bands_uses_the_first_four_with_a_note(tmp_path):
    data = image(5)
    result = read_image(write_tif(tmp_path / "five.tif", data))
    np.testing.assert_array_equal(result.bands, data[:4])
    assert any("5 Kanäle" in n and "ersten 4" in n for n in result.notes)


def test_alpha_band_is_a_mask_not_nir(tmp_path):
    data = image(4)
    data[3] = 255
    data[3, 0, :] = 0
    path = write_tif(tmp_path / "rgba.tif", data)
    with rasterio.open(path, "r+") as dst:
        dst.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                           ColorInterp.alpha]
    result = read_image(path)
    assert result.nir is False and result.bands.shape[0] == 3
    assert result.valid.shape == (6, 8)
    assert not result.valid[0].any() and result.valid[1:].all()
    assert any("Alpha-Kanal" in n for n in result.notes)


def test_uint16_is_rescaled_by_its_bit_depth(tmp_path):
    data = np.zeros((3, 4, 4), dtype=np.uint16)
    data[:, 0, 0] = 4095
    data[:, 1, 1] = 2048
    result = read_image(write_tif(tmp_path / "dop12.tif", data))
    assert result.bands.dtype == np.uint8
    assert result.bands[0, 0, 0] == 255
    assert result.bands[0, 1, 1] == round(2048 * 255 / 4095)  # 128
    assert any("12 Bit" in n and "255 / 4095" in n for n in result.notes)
    # An explicit bit depth wins: 16 bit maps 4095 to 16.
    assert read_image(tmp_path / "dop12.tif", bit_depth=16).bands[0, 0, 0] == 16
    # A window is scaled like the whole file (from the file's maximum, not the window's).
    window = read_image(tmp_path / "dop12.tif", window=((1, 3), (1, 3)))
    assert window.bands[0, 0, 0] == 128
    with pytest.raises(ParameterError):
        read_image(tmp_path / "dop12.tif", bit_depth=20)


def test_window_gives_part_and_its_transform(tmp_path):
    data = image(3, rows=10, cols=10)
    path = write_tif(tmp_path / "w.tif", data)
    result = read_image(path, window=((2, 5), (4, 10)))
    np.testing.assert_array_equal(result.bands, data[:, 2:5, 4:10])
    assert result.transform.c == pytest.approx(400000.0 + 4 * 0.2)
    assert result.transform.f == pytest.approx(5700000.0 - 2 * 0.2)
    with pytest.raises(ParameterError):
        read_image(path, window=((0, 11), (0, 5)))


def test_missing_file_and_non_raster(tmp_path):
    with pytest.raises(DataError, match="does not exist") as info:
        read_image(tmp_path / "fehlt.tif")
    assert "existiert nicht" in info.value.message_de
    text = tmp_path / "notizen.tif"
    text.write_text("kein Raster", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_image(text)
    assert "nicht als Rasterdatei" in info.value.message_de


def test_raster_without_crs_says_how_to_assign_one(tmp_path):
    path = write_tif(tmp_path / "ohne_crs.tif", image(3), crs=None)
    with pytest.raises(CRSError) as info:
        read_image(path)
    assert "gdal_edit -a_srs EPSG:25832" in info.value.message_de
    assert "QGIS" in info.value.message_de


def test_geographic_crs_is_refused(tmp_path):
    path = write_tif(tmp_path / "wgs84.tif", image(3), crs="EPSG:4326",
                     transform=Affine(1e-5, 0, 7.6, 0, -1e-5, 51.9))
    with pytest.raises(CRSError) as info:
        read_image(path)
    assert "Grad" in info.value.message_de and "gdalwarp" in info.value.message_de


@pytest.mark.parametrize("bands", [1, 2])
def test_one_or_two_bands_are_refused(tmp_path, bands):
    path = write_tif(tmp_path / f"b{bands}.tif", image(bands))
    with pytest.raises(DataError, match="needs 3 bands") as info:
        read_image(path)
    assert "3 Kanäle" in info.value.message_de


def test_rotated_grid_is_refused(tmp_path):
    path = write_tif(tmp_path / "rot.tif", image(3),
                     transform=Affine(0.2, 0.05, 400000.0, 0.05, -0.2, 5700000.0))
    with pytest.raises(DataError) as info:
        read_image(path)
    assert "gedreht" in info.value.message_de


def test_float_image_is_refused(tmp_path):
    path = write_tif(tmp_path / "float.tif", image(3).astype(np.float32))
    with pytest.raises(DataError) as info:
        read_image(path)
    assert "float32" in info.value.message_de and "gdal_translate" in info.value.message_de


def test_labels_round_trip_with_colour_table(tmp_path):
    labels = np.arange(9, dtype=np.uint8).repeat(4).reshape(6, 6)
    path = write_labels(tmp_path / "out" / "klassen.tif", labels, TRANSFORM, "EPSG:25832")
    back, transform, crs = read_labels(path)
    np.testing.assert_array_equal(back, labels)
    assert transform == TRANSFORM and crs == "EPSG:25832"
    with rasterio.open(path) as src:
        assert src.nodata == 0 and src.dtypes[0] == "uint8"
        assert src.compression.name.lower() == "deflate"
        assert src.colormap(1)[4] == (0x8C, 0x8C, 0x8C, 255)  # versiegelt
        assert src.colormap(1)[0][3] == 0  # no data transparent
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind
    part, part_transform, _ = read_labels(path, window=((1, 3), (2, 4)))
    np.testing.assert_array_equal(part, labels[1:3, 2:4])
    assert part_transform.c == pytest.approx(400000.4)


def test_label_values_must_be_class_codes(tmp_path):
    labels = np.full((3, 3), 9, dtype=np.uint8)
    with pytest.raises(DataError) as info:
        write_labels(tmp_path / "x.tif", labels, TRANSFORM, "EPSG:25832")
    assert "kein Klassencode" in info.value.message_de
    path = write_tif(tmp_path / "bad.tif", labels)
    with pytest.raises(DataError):
        read_labels(path)
    with pytest.raises(DataError, match="one band"):
        read_labels(write_tif(tmp_path / "rgb.tif", image(3)))


def test_label_nodata_value_becomes_zero(tmp_path):
    labels = np.array([[1, 255], [6, 4]], dtype=np.uint8)
    back, _, _ = read_labels(write_tif(tmp_path / "nd.tif", labels, nodata=255))
    np.testing.assert_array_equal(back, [[1, 0], [6, 4]])


def test_image_rgb_stretches_to_unit_range():
    bands = np.zeros((4, 10, 10), dtype=np.uint8)
    bands[0] = np.arange(100).reshape(10, 10)
    bands[1] = 50
    bands[2] = np.arange(100).reshape(10, 10) + 100
    rgb = image_rgb(bands)
    assert rgb.shape == (10, 10, 3)
    assert rgb.min() >= 0 and rgb.max() <= 1
    assert rgb[..., 0].max() == 1 and rgb[..., 0].min() == 0
    raw = image_rgb(bands, stretch=None)
    assert raw[9, 9, 2] == pytest.approx(199 / 255)
    with pytest.raises(ParameterError):
        image_rgb(bands, stretch=(98, 2))


def test_class_colormap_maps_codes_to_class_colours():
    from matplotlib.colors import to_rgba

    cmap, norm = class_colormap()
    for c in classes.CLASSES:
        assert cmap(norm(c.code)) == pytest.approx(to_rgba(c.colour))
    assert cmap(norm(0))[3] == 0  # no data transparent
    labels = [h.get_label() for h in legend_handles([1, 3])]
    assert labels == ["Dach", "Solaranlage"]
    assert len(legend_handles()) == len(classes.CLASSES)
