"""Optional online source: digital orthophotos of North Rhine-Westphalia from the WMS of
Geobasis NRW ("WMS NW DOP").

Service facts used here (checked against public sources: the "NRW-Atlas" service list of
Bezirksregierung Köln / Geobasis NRW and public projects that use the service; *not* against
a live GetCapabilities response, since the package is developed and tested offline):

- Service address ``https://www.wms.nrw.de/geobasis/wms_nw_dop``, WMS 1.3.0 and 1.1.1.
- Layers ``nw_dop_rgb`` (true colour), ``nw_dop_cir`` (colour infrared: near infrared shown
  in the red channel), ``nw_dop_nir`` (near infrared as grey scale) and ``nw_dop_utm_info``
  (tile metadata such as the flight date, for GetFeatureInfo).
- CRS offered include EPSG:25832 and EPSG:3857; formats PNG, JPEG and TIFF.
- Largest image per request: 5000 × 5000 pixels according to the service description as
  quoted by third parties (not verified here); requests are split into parts of at most
  ``max_px`` pixels (default 2000) anyway.
- Licence: Datenlizenz Deutschland – Zero – Version 2.0 (dl-de/zero-2-0); attribution is
  not required but good practice: "© Geobasis NRW".
- The original files (RGBI, 10 cm, JPEG 2000 tiles of 1 km × 1 km named
  ``dop10rgbi_32_<east km>_<north km>_1_nw_<year>.jp2``) are on the open-data server:
  ``https://www.opengeodata.nrw.de/produkte/geobasis/lusat/akt/dop/dop_jp2_f10/``.

Check the capabilities before relying on these facts:
``https://www.wms.nrw.de/geobasis/wms_nw_dop?SERVICE=WMS&REQUEST=GetCapabilities``.

Axis order: WMS 1.3.0 writes the bounding box in the axis order the CRS defines. EPSG:25832
(ETRS89 / UTM zone 32N) defines easting before northing, so ``BBOX=minx,miny,maxx,maxy``
(unlike EPSG:4326, latitude first). The order is read from the CRS definition (pyproj), not
hard-coded.

A WMS delivers a *rendered picture* of the orthophotos (possibly with contrast adjustment),
not the original measurements; for serious work use the original files.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS
from rasterio.enums import ColorInterp
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.io import MemoryFile
from rasterio.windows import Window

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.data.catalog import is_offline
from urbanki_helpers.errors import DataError, DatasetNotAvailableError, ParameterError
from urbanki_helpers.imagery.tiling import tile_windows

__all__ = [
    "ATTRIBUTION",
    "DOP_CRS",
    "DOP_DOWNLOAD_URL",
    "DOP_WMS_URL",
    "LAYER_CIR",
    "LAYER_NIR",
    "LAYER_RGB",
    "LICENCE",
    "MAX_REQUEST_PX",
    "dop_grid",
    "dop_request_url",
    "dop_requests",
    "fetch_dop",
    "snap_bbox",
]

DOP_WMS_URL = "https://www.wms.nrw.de/geobasis/wms_nw_dop"
DOP_DOWNLOAD_URL = "https://www.opengeodata.nrw.de/produkte/geobasis/lusat/akt/dop/dop_jp2_f10/"
DOP_CRS = "EPSG:25832"
LAYER_RGB = "nw_dop_rgb"
LAYER_CIR = "nw_dop_cir"
LAYER_NIR = "nw_dop_nir"
LAYERS = (LAYER_RGB, LAYER_CIR, LAYER_NIR)
MAX_REQUEST_PX = 5000  # per side and request, from the service description (see module doc)
LICENCE = "Datenlizenz Deutschland – Zero – Version 2.0 (dl-de/zero-2-0)"
ATTRIBUTION = "© Geobasis NRW"
FORMATS = ("image/png", "image/tiff")  # lossless only: JPEG would alter the pixel values
VERSIONS = ("1.3.0", "1.1.1")
#: Generous box around NRW in EPSG:25832 (metres), to catch coordinates in another CRS.
NRW_BOUNDS = (250_000.0, 5_530_000.0, 560_000.0, 5_850_000.0)


def dop_request_url(bbox, *, layer: str = LAYER_RGB, pixel_m: float = 0.2,
                    version: str = "1.3.0", fmt: str = "image/png",
                    base_url: str = DOP_WMS_URL) -> str:
    """GetMap URL for one image of ``bbox`` = (minx, miny, maxx, maxy) in metres (EPSG:25832)
    with pixels of ``pixel_m`` metres.

    The bbox must be a whole number of pixels wide and high (see :func:`snap_bbox`) and at
    most :data:`MAX_REQUEST_PX` pixels per side (split larger areas with
    :func:`dop_requests`).
    """
    _check_choice(layer, LAYERS, "layer", "die Ebene des Dienstes")
    _check_choice(version, VERSIONS, "version", "die WMS-Version")
    _check_choice(fmt, FORMATS, "fmt", "das Bildformat (verlustfrei)")
    bbox = _check_bbox(bbox)
    width, height = _pixels(bbox, pixel_m)
    if max(width, height) > MAX_REQUEST_PX:
        raise ParameterError(
            f"One request may be at most {MAX_REQUEST_PX} × {MAX_REQUEST_PX} pixels; this one "
            f"is {width} × {height}. Use dop_requests or fetch_dop, which split the area.",
            message_de=f"Eine Anfrage darf höchstens {MAX_REQUEST_PX} × {MAX_REQUEST_PX} Pixel "
            f"groß sein; diese hat {width} × {height}. Verwenden Sie dop_requests oder "
            "fetch_dop, die das Gebiet aufteilen.")
    params = {
        "SERVICE": "WMS",
        "VERSION": version,
        "REQUEST": "GetMap",
        "LAYERS": layer,
        "STYLES": "",
        ("CRS" if version == "1.3.0" else "SRS"): DOP_CRS,
        "BBOX": ",".join(_number(v) for v in _axis_order(bbox, DOP_CRS, version)),
        "WIDTH": str(width),
        "HEIGHT": str(height),
        "FORMAT": fmt,
    }
    if fmt == "image/png":
        params["TRANSPARENT"] = "FALSE"
    return f"{base_url}?{urllib.parse.urlencode(params, safe=':,/')}"


def snap_bbox(bbox, pixel_m: float = 0.2) -> tuple[float, float, float, float]:
    """``bbox`` grown outwards to whole multiples of ``pixel_m`` (the DOP pixel grid)."""
    minx, miny, maxx, maxy = _check_bbox(bbox)
    _check_pixel(pixel_m)
    eps = 1e-6
    return (math.floor(minx / pixel_m + eps) * pixel_m, math.floor(miny / pixel_m + eps) * pixel_m,
            math.ceil(maxx / pixel_m - eps) * pixel_m, math.ceil(maxy / pixel_m - eps) * pixel_m)


def dop_grid(bbox, pixel_m: float = 0.2) -> tuple[int, int, Affine]:
    """Width and height in pixels and the affine transform of the image of ``bbox`` (snapped
    to the pixel grid) in EPSG:25832."""
    minx, miny, maxx, maxy = snap_bbox(bbox, pixel_m)
    width, height = _pixels((minx, miny, maxx, maxy), pixel_m)
    return width, height, Affine(pixel_m, 0.0, minx, 0.0, -pixel_m, maxy)


def dop_requests(bbox, *, layer: str = LAYER_RGB, pixel_m: float = 0.2, max_px: int = 2000,
                 version: str = "1.3.0", fmt: str = "image/png",
                 base_url: str = DOP_WMS_URL) -> list[tuple[str, Window]]:
    """The GetMap URLs that together cover ``bbox`` (snapped to the pixel grid), each at most
    ``max_px`` pixels per side, with the window (pixels) of the whole image each one fills,
    in row-major order."""
    if (isinstance(max_px, bool) or not isinstance(max_px, (int, np.integer))
            or not 16 <= max_px <= MAX_REQUEST_PX):
        raise ParameterError(
            f"max_px must be a whole number from 16 to {MAX_REQUEST_PX}, got {max_px!r}.",
            message_de=f"max_px (Pixel je Anfrage und Seite) muss eine ganze Zahl von 16 bis "
            f"{MAX_REQUEST_PX} sein, nicht {max_px!r}.")
    width, height, transform = dop_grid(bbox, pixel_m)
    out = []
    for tile in tile_windows(width, height, tile_px=int(max_px)):
        w = tile.core
        x0 = transform.c + int(w.col_off) * pixel_m
        y1 = transform.f - int(w.row_off) * pixel_m
        part = (x0, y1 - int(w.height) * pixel_m, x0 + int(w.width) * pixel_m, y1)
        out.append((dop_request_url(part, layer=layer, pixel_m=pixel_m, version=version,
                                    fmt=fmt, base_url=base_url), w))
    return out


def fetch_dop(bbox, path: str | os.PathLike, *, pixel_m: float = 0.2, timeout: float = 60,
              layers: tuple[str, ...] = (LAYER_RGB, LAYER_NIR), max_px: int = 2000,
              max_megapixels: float = 100, fmt: str = "image/png",
              base_url: str = DOP_WMS_URL) -> Path:
    """Download the orthophoto of ``bbox`` (EPSG:25832, snapped to the pixel grid) and write it
    atomically as a GeoTIFF: 4 bands red, green, blue, near infrared (``layers`` = RGB layer
    and NIR or CIR layer), or 3 bands with ``layers=("nw_dop_rgb",)``.

    Without an internet connection (or with ``URBANKI_OFFLINE=1``) this raises
    DatasetNotAvailableError saying how to provide a DOP file instead.
    """
    layers = tuple(layers)
    if not 1 <= len(layers) <= 2 or layers[0] != LAYER_RGB or (
            len(layers) == 2 and layers[1] not in (LAYER_NIR, LAYER_CIR)):
        raise ParameterError(
            f"layers must be ('{LAYER_RGB}',) or ('{LAYER_RGB}', '{LAYER_NIR}' or "
            f"'{LAYER_CIR}'), got {layers!r}.",
            message_de=f"layers muss ('{LAYER_RGB}',) oder ('{LAYER_RGB}', '{LAYER_NIR}' bzw. "
            f"'{LAYER_CIR}') sein, nicht {layers!r}.")
    width, height, transform = dop_grid(bbox, pixel_m)
    if width * height / 1e6 > max_megapixels:
        raise ParameterError(
            f"The area is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels), "
            f"more than max_megapixels={max_megapixels}. Choose a smaller area or a coarser "
            f"pixel_m, or download the original tiles from {DOP_DOWNLOAD_URL}.",
            message_de=f"Das Gebiet hat {width} × {height} Pixel ({width * height / 1e6:.0f} "
            f"Megapixel), mehr als max_megapixels={max_megapixels}. Wählen Sie ein kleineres "
            "Gebiet oder eine gröbere Auflösung (pixel_m), oder laden Sie die Originalkacheln "
            f"von {DOP_DOWNLOAD_URL} herunter.")
    if is_offline():
        raise _offline_error("URBANKI_OFFLINE ist gesetzt", "URBANKI_OFFLINE is set")
    requests = {layer: dop_requests(bbox, layer=layer, pixel_m=pixel_m, max_px=max_px,
                                    fmt=fmt, base_url=base_url) for layer in layers}
    count = 4 if len(layers) == 2 else 3
    profile = {
        "driver": "GTiff", "width": width, "height": height, "count": count, "dtype": "uint8",
        "crs": DOP_CRS, "transform": transform, "tiled": True, "blockxsize": 256,
        "blockysize": 256, "compress": "DEFLATE", "BIGTIFF": "IF_SAFER", "photometric": "RGB",
    }
    target = Path(path)
    with atomic_path(target, suffix=".tif") as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            # before any pixel is written, or GDAL keeps its default: band 4 = alpha
            dst.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                               ColorInterp.undefined][:count]
            for i, (url, window) in enumerate(requests[LAYER_RGB]):
                rgb = _decode(_http_get(url, timeout), window, url)
                if rgb.shape[0] < 3:
                    raise DataError(
                        f"The RGB layer returned {rgb.shape[0]} band(s) instead of 3 ({url}).",
                        message_de=f"Die RGB-Ebene lieferte {rgb.shape[0]} statt 3 Kanäle "
                        f"({url}).")
                dst.write(rgb[:3], [1, 2, 3], window=window)
                if count == 4:
                    nir_url = requests[layers[1]][i][0]
                    # nw_dop_nir: grey scale, every band is NIR; nw_dop_cir: NIR is shown red
                    nir = _decode(_http_get(nir_url, timeout), window, nir_url)[0]
                    dst.write(nir, 4, window=window)
            for band, name in enumerate(["Rot", "Grün", "Blau", "Nahinfrarot"][:count], start=1):
                dst.set_band_description(band, name)
            dst.update_tags(
                SOURCE=f"{base_url} (WMS NW DOP, Geobasis NRW), layers {', '.join(layers)}",
                LICENSE=LICENCE, ATTRIBUTION=ATTRIBUTION,
                RETRIEVED=_dt.date.today().isoformat(), PIXEL_M=str(pixel_m))
    return target


# --- network ---------------------------------------------------------------------------------


def _http_get(url: str, timeout: float) -> bytes:
    """The body of ``url`` (an image); errors become the package's error types."""
    request = urllib.request.Request(url, headers={"User-Agent": "urbanki-lernlabor"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get("Content-Type", "")
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise _offline_error(f"der Dienst antwortete mit HTTP {exc.code}",
                             f"the service answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _offline_error(f"keine Verbindung: {reason}", f"no connection: {reason}") from exc
    if not kind.startswith("image/"):
        text = body[:500].decode("utf-8", errors="replace")
        raise DataError(
            f"The WMS answered with {kind or 'no content type'} instead of an image: {text}",
            message_de=f"Der WMS antwortete mit {kind or 'unbekanntem Inhalt'} statt eines "
            f"Bildes: {text}")
    return body


def _decode(data: bytes, window: Window, url: str) -> np.ndarray:
    """Bands (band, row, col) uint8 of an image response; checks its size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with MemoryFile(data) as memfile, memfile.open() as src:
                array = src.read()
    except RasterioIOError as exc:
        raise DataError(
            f"The WMS response could not be read as an image ({exc}): {url}",
            message_de=f"Die Antwort des WMS ließ sich nicht als Bild lesen ({exc}): {url}"
        ) from exc
    expected = (int(window.height), int(window.width))
    if array.shape[1:] != expected or array.dtype != np.uint8:
        raise DataError(
            f"The WMS returned an image of {array.shape[1:]} ({array.dtype}) instead of "
            f"{expected} uint8: {url}",
            message_de=f"Der WMS lieferte ein Bild der Größe {array.shape[1:]} "
            f"({array.dtype}) statt {expected} (uint8): {url}")
    return array


def _offline_error(reason_de: str, reason_en: str) -> DatasetNotAvailableError:
    return DatasetNotAvailableError(
        f"The orthophotos of NRW (WMS NW DOP, Geobasis NRW) need an internet connection "
        f"({reason_en}). Provide a DOP file instead: download the tiles (RGBI, 10 cm, JPEG "
        f"2000, 1 km × 1 km) from {DOP_DOWNLOAD_URL}, cut out your area (QGIS: Raster › "
        "Extraction › Clip, or gdal_translate -projwin) and pass the GeoTIFF as the image.",
        message_de=f"Die Digitalen Orthophotos NRW (WMS NW DOP, Geobasis NRW) brauchen eine "
        f"Internetverbindung ({reason_de}). Stellen Sie stattdessen eine DOP-Datei bereit: "
        f"Laden Sie die Kacheln (RGBI, 10 cm, JPEG 2000, 1 km × 1 km) von {DOP_DOWNLOAD_URL} "
        "herunter, schneiden Sie Ihr Gebiet aus (QGIS: Raster › Extraktion › Zuschneiden, oder "
        "gdal_translate -projwin) und geben Sie das GeoTIFF als Luftbild an.")


# --- checks ----------------------------------------------------------------------------------


def _check_bbox(bbox) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(v) for v in bbox)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"bbox must be four numbers (minx, miny, maxx, maxy) in metres (EPSG:25832), got "
            f"{bbox!r}.",
            message_de=f"bbox muss aus vier Zahlen (minx, miny, maxx, maxy) in Metern "
            f"(EPSG:25832) bestehen, nicht {bbox!r}.") from exc
    values = (minx, miny, maxx, maxy)
    if not all(math.isfinite(v) for v in values) or minx >= maxx or miny >= maxy:
        raise ParameterError(
            f"bbox needs minx < maxx and miny < maxy, got {values}.",
            message_de=f"bbox braucht minx < maxx und miny < maxy, erhalten {values}.")
    if max(abs(v) for v in values) <= 360:
        raise ParameterError(
            f"bbox {values} looks like degrees (longitude/latitude); give it in metres in "
            "EPSG:25832, e.g. (362000, 5715000, 363000, 5716000).",
            message_de=f"bbox {values} sieht nach Grad (Länge/Breite) aus; geben Sie es in "
            "Metern in EPSG:25832 an, z. B. (362000, 5715000, 363000, 5716000).")
    x0, y0, x1, y1 = NRW_BOUNDS
    if maxx < x0 or minx > x1 or maxy < y0 or miny > y1:
        raise ParameterError(
            f"bbox {values} lies outside North Rhine-Westphalia (EPSG:25832 roughly x {x0:.0f}–"
            f"{x1:.0f}, y {y0:.0f}–{y1:.0f}); the service only covers NRW. Check the CRS of "
            "your coordinates.",
            message_de=f"bbox {values} liegt außerhalb von Nordrhein-Westfalen (EPSG:25832 etwa "
            f"x {x0:.0f}–{x1:.0f}, y {y0:.0f}–{y1:.0f}); der Dienst deckt nur NRW ab. Prüfen "
            "Sie das Koordinatenbezugssystem Ihrer Koordinaten.")
    return values


def _check_pixel(pixel_m: float) -> None:
    if (isinstance(pixel_m, bool) or not isinstance(pixel_m, (int, float, np.floating))
            or not math.isfinite(pixel_m) or not 0.05 <= pixel_m <= 100):
        raise ParameterError(
            f"pixel_m must be a pixel size in metres from 0.05 to 100, got {pixel_m!r}.",
            message_de=f"pixel_m muss eine Pixelgröße in Metern von 0,05 bis 100 sein, nicht "
            f"{pixel_m!r}.")


def _pixels(bbox, pixel_m: float) -> tuple[int, int]:
    _check_pixel(pixel_m)
    minx, miny, maxx, maxy = bbox
    sizes = []
    for extent in (maxx - minx, maxy - miny):
        n = extent / pixel_m
        if abs(n - round(n)) > 1e-6 * max(1.0, n):
            raise ParameterError(
                f"The bbox extent {extent} m is not a whole number of {pixel_m} m pixels; round "
                "the bbox with snap_bbox(bbox, pixel_m).",
                message_de=f"Die Ausdehnung {extent} m der bbox ist kein ganzes Vielfaches der "
                f"Pixelgröße {pixel_m} m; runden Sie die bbox mit snap_bbox(bbox, pixel_m).")
        sizes.append(int(round(n)))
    return sizes[0], sizes[1]


def _axis_order(bbox, crs: str, version: str) -> tuple[float, float, float, float]:
    """``bbox`` (x = east, y = north) in the order WMS ``version`` expects for ``crs``."""
    minx, miny, maxx, maxy = bbox
    if version == "1.3.0":
        first = CRS.from_user_input(crs).axis_info[0].direction.lower()
        if first in ("north", "south"):
            return miny, minx, maxy, maxx
    return minx, miny, maxx, maxy


def _number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _check_choice(value, allowed, name: str, what_de: str) -> None:
    if value not in allowed:
        raise ParameterError(
            f"{name} must be one of {', '.join(allowed)}, got {value!r}.",
            message_de=f"{name} ({what_de}) muss einer dieser Werte sein: {', '.join(allowed)}; "
            f"nicht {value!r}.")
