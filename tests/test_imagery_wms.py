"""Requests to the NRW orthophoto WMS are built correctly; the network is never used."""

from __future__ import annotations

import urllib.error
import urllib.parse

import numpy as np
import pytest
import rasterio
from rasterio.io import MemoryFile

from urbanki_helpers.errors import DataError, DatasetNotAvailableError, ParameterError
from urbanki_helpers.imagery import wms
from urbanki_helpers.imagery.raster import read_image

BBOX = (362000.0, 5715000.0, 362100.0, 5715060.0)  # 100 m × 60 m in Bochum, EPSG:25832


def _params(url: str) -> dict[str, str]:
    base, query = url.split("?", 1)
    assert base == wms.DOP_WMS_URL
    return {k: v[0] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}


def test_getmap_url_for_wms_130_in_utm():
    url = wms.dop_request_url(BBOX, layer="nw_dop_rgb", pixel_m=0.2)
    p = _params(url)
    assert p["SERVICE"] == "WMS" and p["VERSION"] == "1.3.0" and p["REQUEST"] == "GetMap"
    assert p["LAYERS"] == "nw_dop_rgb" and p["STYLES"] == ""
    assert p["CRS"] == "EPSG:25832" and "SRS" not in p
    # EPSG:25832 defines easting first: minx, miny, maxx, maxy
    assert p["BBOX"] == "362000,5715000,362100,5715060"
    assert (p["WIDTH"], p["HEIGHT"]) == ("500", "300")
    assert p["FORMAT"] == "image/png" and p["TRANSPARENT"] == "FALSE"
    assert "BBOX=362000,5715000,362100,5715060" in url  # readable, not percent-encoded


def test_getmap_url_variants():
    p = _params(wms.dop_request_url(BBOX, layer="nw_dop_nir", pixel_m=0.5, version="1.1.1",
                                    fmt="image/tiff"))
    assert p["SRS"] == "EPSG:25832" and "CRS" not in p
    assert p["BBOX"] == "362000,5715000,362100,5715060"
    assert (p["WIDTH"], p["HEIGHT"]) == ("200", "120") and p["FORMAT"] == "image/tiff"
    assert "TRANSPARENT" not in p


def test_axis_order_follows_the_crs_definition():
    bbox = (1.0, 2.0, 3.0, 4.0)
    assert wms._axis_order(bbox, "EPSG:25832", "1.3.0") == bbox
    assert wms._axis_order(bbox, "EPSG:3857", "1.3.0") == bbox
    assert wms._axis_order(bbox, "EPSG:4326", "1.3.0") == (2.0, 1.0, 4.0, 3.0)  # lat first
    assert wms._axis_order(bbox, "EPSG:31467", "1.3.0") == (2.0, 1.0, 4.0, 3.0)  # northing
    assert wms._axis_order(bbox, "EPSG:4326", "1.1.1") == bbox


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"bbox": (7.2, 51.4, 7.3, 51.5)}, "Grad"),
    ({"bbox": (800000, 5715000, 800100, 5715100)}, "außerhalb"),
    ({"bbox": (362100, 5715000, 362000, 5715060)}, "minx"),
    ({"bbox": (362000, 5715000, 362000.1, 5715060)}, "snap_bbox"),
    ({"bbox": (362000, 5715000, 363200, 5715060)}, "höchstens"),   # 6000 px wide
    ({"layer": "nw_dop_farbe"}, "layer"),
    ({"fmt": "image/jpeg"}, "fmt"),
    ({"version": "1.0.0"}, "version"),
    ({"pixel_m": 0}, "pixel_m"),
])
def test_bad_requests_are_refused(kwargs, word):
    args = {"bbox": BBOX, **kwargs}
    bbox = args.pop("bbox")
    with pytest.raises(ParameterError) as info:
        wms.dop_request_url(bbox, **args)
    assert word in info.value.message_de


def test_snap_bbox_grows_to_the_pixel_grid():
    assert wms.snap_bbox((362000.05, 5715000.3, 362099.99, 5715059.9), 0.2) == pytest.approx(
        (362000.0, 5715000.2, 362100.0, 5715060.0))
    width, height, transform = wms.dop_grid(BBOX, 0.2)
    assert (width, height) == (500, 300)
    assert (transform.a, transform.e, transform.c, transform.f) == (0.2, -0.2, 362000.0,
                                                                    5715060.0)


def test_large_areas_are_split_into_requests_that_tile_the_image():
    bbox = (362000.0, 5715000.0, 362900.0, 5715500.0)  # 4500 × 2500 px at 0.2 m
    requests = wms.dop_requests(bbox, layer="nw_dop_cir", pixel_m=0.2, max_px=2000)
    assert len(requests) == 3 * 2
    covered = np.zeros((2500, 4500), dtype=int)
    for url, window in requests:
        p = _params(url)
        w, h = int(window.width), int(window.height)
        assert (int(p["WIDTH"]), int(p["HEIGHT"])) == (w, h) and max(w, h) <= 2000
        covered[int(window.row_off):int(window.row_off) + h,
                int(window.col_off):int(window.col_off) + w] += 1
        minx, miny, maxx, maxy = (float(v) for v in p["BBOX"].split(","))
        assert minx == pytest.approx(362000 + int(window.col_off) * 0.2)
        assert maxy == pytest.approx(5715500 - int(window.row_off) * 0.2)
        assert (maxx - minx, maxy - miny) == pytest.approx((w * 0.2, h * 0.2))
        assert p["LAYERS"] == "nw_dop_cir"
    assert (covered == 1).all()
    with pytest.raises(ParameterError):
        wms.dop_requests(bbox, max_px=6000)


def test_offline_fetch_explains_how_to_provide_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("URBANKI_OFFLINE", "1")
    with pytest.raises(DatasetNotAvailableError) as info:
        wms.fetch_dop(BBOX, tmp_path / "dop.tif")
    text = info.value.message_de
    assert "Internetverbindung" in text and wms.DOP_DOWNLOAD_URL in text
    assert not (tmp_path / "dop.tif").exists()


def test_connection_error_becomes_dataset_not_available(tmp_path, monkeypatch):
    monkeypatch.delenv("URBANKI_OFFLINE", raising=False)

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(wms.urllib.request, "urlopen", refuse)
    with pytest.raises(DatasetNotAvailableError) as info:
        wms.fetch_dop(BBOX, tmp_path / "dop.tif", timeout=1)
    assert "Verbindung" in info.value.message_de
    assert list(tmp_path.iterdir()) == []


def _png(array: np.ndarray) -> bytes:
    bands, height, width = array.shape
    with MemoryFile() as memfile:
        with memfile.open(driver="PNG", width=width, height=height, count=bands,
                          dtype="uint8") as dst:
            dst.write(array)
        return memfile.read()


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_fetch_assembles_a_4_band_geotiff(tmp_path, monkeypatch):
    monkeypatch.delenv("URBANKI_OFFLINE", raising=False)
    seen = []

    def fake_get(url, timeout):
        p = _params(url)
        seen.append(p["LAYERS"])
        width, height = int(p["WIDTH"]), int(p["HEIGHT"])
        minx, _, _, maxy = (float(v) for v in p["BBOX"].split(","))
        col0 = round((minx - BBOX[0]) / 0.5)
        row0 = round((BBOX[3] - maxy) / 0.5)
        cols = (np.arange(width) + col0) % 256
        rows = (np.arange(height) + row0) % 256
        if p["LAYERS"] == "nw_dop_rgb":
            image = np.stack([np.broadcast_to(cols, (height, width)),
                              np.broadcast_to(rows[:, None], (height, width)),
                              np.full((height, width), 7)])
        else:  # grey-scale NIR, delivered as 3 equal bands
            image = np.repeat(np.full((1, height, width), 99), 3, axis=0)
        return _png(image.astype(np.uint8))

    monkeypatch.setattr(wms, "_http_get", fake_get)
    path = wms.fetch_dop(BBOX, tmp_path / "dop.tif", pixel_m=0.5, max_px=64)
    assert seen.count("nw_dop_rgb") == seen.count("nw_dop_nir") == 4 * 2  # 200 × 120 px
    with rasterio.open(path) as src:
        assert src.count == 4 and src.crs == "EPSG:25832"
        assert (src.width, src.height) == (200, 120)
        assert src.transform.c == BBOX[0] and src.transform.f == BBOX[3]
        assert src.tags()["LICENSE"].startswith("Datenlizenz Deutschland")
        data = src.read()
    assert np.array_equal(data[0], np.broadcast_to(np.arange(200) % 256, (120, 200)))
    assert np.array_equal(data[1], np.broadcast_to(np.arange(120)[:, None], (120, 200)))
    assert (data[2] == 7).all() and (data[3] == 99).all()
    image = read_image(path)  # band 4 counts as near infrared, not as alpha
    assert image.nir and image.pixel_m == 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dop.tif"]


def test_non_image_answer_is_reported(monkeypatch):
    class Response:
        headers = {"Content-Type": "text/xml"}

        def read(self):
            return b"<ServiceExceptionReport>LayerNotDefined</ServiceExceptionReport>"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(wms.urllib.request, "urlopen", lambda *a, **k: Response())
    with pytest.raises(DataError) as info:
        wms._http_get(wms.dop_request_url(BBOX), timeout=1)
    assert "LayerNotDefined" in info.value.message_de


def test_fetch_refuses_too_large_areas_and_bad_layers(tmp_path):
    with pytest.raises(ParameterError):
        wms.fetch_dop((362000, 5715000, 365000, 5718000), tmp_path / "x.tif")  # 225 MPx
    with pytest.raises(ParameterError):
        wms.fetch_dop(BBOX, tmp_path / "x.tif", layers=("nw_dop_nir", "nw_dop_rgb"))
