"""Reading and writing the rasters of the aerial-image use cases, safely.

An aerial image (digital orthophoto, DOP) is read as an array (band, row, col) of uint8 in
the band order red, green, blue[, near infrared], with its georeference. Everything that would
make areas wrong later is refused here with a German message that says how to fix it: no
coordinate reference system (CRS), a CRS in degrees, a rotated grid, too few bands.

Label rasters hold one class code per pixel (see :mod:`urbanki_helpers.imagery.classes`;
0 = no data). :func:`write_labels` writes them as compressed GeoTIFF with the class colours,
so that QGIS shows them right away.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS
from rasterio.crs import CRS as RioCRS
from rasterio.enums import ColorInterp, MaskFlags
from rasterio.errors import RasterioIOError
from rasterio.windows import Window

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import CRSError, DataError, ParameterError
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.imagery import classes

__all__ = [
    "ImageData",
    "check_shape",
    "class_colormap",
    "image_rgb",
    "legend_handles",
    "read_image",
    "read_labels",
    "write_labels",
]

_BIT_DEPTHS = (8, 10, 12, 14, 16)  # a uint16 image is read as the smallest of these that fits


@dataclass(frozen=True)
class ImageData:
    """An aerial image read by :func:`read_image`.

    ``bands``: array (band, row, col) of uint8 in the order red, green, blue[, near infrared];
    ``transform``: affine transform of the grid read (of the window, if one was given);
    ``crs``: the CRS as text, e.g. ``"EPSG:25832"``; ``pixel_m``: pixel edge length in metres;
    ``nir``: True if a near-infrared band is present (4 bands); ``notes``: German sentences on
    what was done while reading (for the notebook); ``valid``: bool array (row, col), False
    where the file marks pixels as no data (nodata value, mask or alpha band), or None if the
    file marks none.
    """

    bands: np.ndarray
    transform: Affine
    crs: str
    pixel_m: float
    nir: bool
    notes: list[str] = field(default_factory=list)
    valid: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) of the image."""
        return (int(self.bands.shape[1]), int(self.bands.shape[2]))


# --- reading --------------------------------------------------------------------------------


def read_image(path: str | os.PathLike, *, window=None, bit_depth: int | None = None
               ) -> ImageData:
    """Read an aerial image (GeoTIFF or any raster GDAL reads) for classification.

    Parameters
    ----------
    path:
        Raster file with 3 bands (red, green, blue) or 4 (plus near infrared), in a projected
        CRS in metres such as EPSG:25832. More than 4 bands: the first 4 are used. A 4th band
        marked as alpha (transparency) that holds only the values 0 and 255 is used as
        validity mask, not as near infrared; one with other values is near infrared that was
        mislabelled (GDAL marks the 4th band of a new 4-band GeoTIFF as alpha by default).
    window:
        Part of the raster to read: a ``rasterio.windows.Window`` or
        ``((row_start, row_stop), (col_start, col_stop))`` in pixels; None reads everything.
    bit_depth:
        Only for uint16 images: the number of bits used (e.g. 12 for 12-bit DOP). Default: the
        file's ``NBITS`` tag, else the smallest of 8, 10, 12, 14, 16 bits that holds the
        largest value of the whole file (so that every window is scaled alike).

    uint16 images are rescaled linearly to uint8: ``round(value * 255 / (2**bit_depth - 1))``,
    values above the maximum are clipped; a note says so.
    """
    path = _check_path(path, "Luftbild")
    notes: list[str] = []
    with _open(path) as src:
        crs_text, pixel_m = _check_grid(src, path, notes)
        count = src.count
        if count < 3:
            raise DataError(
                f"The image {path.name} has {count} band(s); classification needs 3 bands (red, "
                "green, blue) or 4 (plus near infrared). A single band is usually a grey-scale "
                "image or a label raster: read label rasters with read_labels.",
                message_de=f"Das Bild {path.name} hat {count} Kanal/Kanäle; die Klassifikation "
                "braucht 3 Kanäle (Rot, Grün, Blau) oder 4 (dazu Nahinfrarot). Ein einzelner "
                "Kanal ist meist ein Graustufenbild oder ein Klassenraster: Klassenraster lesen "
                "Sie mit read_labels.",
            )
        dtype = np.dtype(src.dtypes[0])
        if dtype not in (np.uint8, np.uint16):
            raise DataError(
                f"The image {path.name} has pixel values of type {dtype}; supported are 8-bit "
                "(uint8) and 16-bit (uint16) integers. Convert it, e.g. with gdal_translate "
                "-ot Byte -scale <min> <max> 0 255 in.tif out.tif (QGIS: Raster › Konvertieren).",
                message_de=f"Das Bild {path.name} hat Pixelwerte vom Typ {dtype}; unterstützt "
                "werden ganze Zahlen mit 8 Bit (uint8) und 16 Bit (uint16). Wandeln Sie es um, "
                "z. B. mit gdal_translate -ot Byte -scale <min> <max> 0 255 ein.tif aus.tif "
                "(QGIS: Raster › Konvertieren › Übersetzen).",
            )
        interp = list(src.colorinterp)
        alpha = None
        if count >= 4 and interp[3] == ColorInterp.alpha and _is_alpha(path, 4):
            use = [1, 2, 3]
            alpha = 4
            notes.append("Der 4. Kanal ist ein Alpha-Kanal (Transparenz), kein Nahinfrarot: "
                         "Er dient nur als Maske gültiger Pixel; Merkmale mit Nahinfrarot "
                         "(NDVI) sind abgeschaltet.")
        elif count >= 4 and interp[3] == ColorInterp.alpha:
            use = [1, 2, 3, 4]
            notes.append("Der 4. Kanal ist in der Datei als Alpha-Kanal markiert, enthält aber "
                         "Messwerte; er wird als Nahinfrarot gelesen.")
        elif count > 4:
            use = [1, 2, 3, 4]
            notes.append(f"Das Bild hat {count} Kanäle; verwendet werden die ersten 4 als Rot, "
                         "Grün, Blau und Nahinfrarot. Prüfen Sie die Kanalreihenfolge in der "
                         "Beschreibung des Datensatzes.")
        else:
            use = list(range(1, count + 1))
        win = _window(window, src.height, src.width, path)
        bands = src.read(use, window=win)
        transform = _window_transform(src.transform, win)
        valid = _valid_mask(src, win, alpha, use)
        if dtype == np.uint16:
            bits = _bit_depth(src, path, bit_depth, use)
            maximum = 2 ** bits - 1
            scaled = np.rint(bands.astype(np.float64) * (255.0 / maximum))
            bands = np.clip(scaled, 0, 255).astype(np.uint8)
            notes.append(f"Das Bild hat 16-Bit-Werte (uint16, genutzt: {bits} Bit, Höchstwert "
                         f"{maximum}); sie wurden linear auf 0–255 (uint8) umgerechnet: Wert × "
                         f"255 / {maximum}.")
        else:
            bands = np.ascontiguousarray(bands, dtype=np.uint8)
    nir = bands.shape[0] == 4
    if nir:
        notes.append("4 Kanäle, gelesen als Rot, Grün, Blau, Nahinfrarot (Reihenfolge der "
                     "Digitalen Orthophotos der Länder).")
    elif alpha is None:
        notes.append("Das Bild hat nur 3 Kanäle (RGB): Merkmale mit Nahinfrarot (NDVI) sind "
                     "abgeschaltet.")
    if valid is not None and not valid.all():
        share = 1 - float(valid.mean())
        notes.append(f"{format_de(100 * share, 1)} % der Pixel sind in der Datei als ohne Daten "
                     "markiert (NoData-Wert, Maske oder Alpha-Kanal).")
    return ImageData(bands=bands, transform=transform, crs=crs_text, pixel_m=pixel_m, nir=nir,
                     notes=notes, valid=valid)


def read_labels(path: str | os.PathLike, *, window=None) -> tuple[np.ndarray, Affine, str]:
    """Read a label raster: one band of class codes (0 = no data, 1–8 see ``classes``).

    Returns ``(labels, transform, crs)``: a uint8 array (row, col), the affine transform of
    the grid read and the CRS as text (``"EPSG:25832"``). A declared nodata value other than
    0 is mapped to 0. ``window`` as in :func:`read_image`.
    """
    path = _check_path(path, "Klassenraster")
    with _open(path) as src:
        crs_text, _ = _check_grid(src, path, [])
        if src.count != 1:
            raise DataError(
                f"A label raster has one band of class codes; {path.name} has {src.count}. "
                "Is it an aerial image? Read images with read_image.",
                message_de=f"Ein Klassenraster hat einen Kanal mit Klassencodes; {path.name} hat "
                f"{src.count}. Ist es ein Luftbild? Luftbilder lesen Sie mit read_image.",
            )
        dtype = np.dtype(src.dtypes[0])
        if dtype.kind not in "iu":
            raise DataError(
                f"A label raster holds whole-number class codes; {path.name} has values of type "
                f"{dtype}.",
                message_de=f"Ein Klassenraster enthält ganzzahlige Klassencodes; {path.name} hat "
                f"Werte vom Typ {dtype}. Speichern Sie es als Byte (uint8).",
            )
        win = _window(window, src.height, src.width, path)
        data = src.read(1, window=win)
        transform = _window_transform(src.transform, win)
        nodata = src.nodata
    if nodata is not None and nodata != 0:
        data = np.where(data == nodata, 0, data)
    _check_codes(data, path.name)
    return data.astype(np.uint8), transform, crs_text


def check_shape(shape) -> tuple[int, int]:
    """``(rows, cols)`` of a raster as whole numbers of at least 1, or a ParameterError."""
    try:
        rows, cols = (int(v) for v in shape)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"shape must be (rows, cols), got {shape!r}.",
            message_de=f"shape muss (Zeilen, Spalten) sein, nicht {shape!r}.",
        ) from exc
    if rows < 1 or cols < 1:
        raise ParameterError(
            f"shape must have at least one row and column, got {shape!r}.",
            message_de=f"shape braucht mindestens eine Zeile und Spalte, nicht {shape!r}.",
        )
    return rows, cols


def _check_codes(labels: np.ndarray, name: str) -> None:
    allowed = np.array([classes.NODATA, *classes.codes()])
    present = np.unique(labels)
    unknown = np.setdiff1d(present, allowed)
    if unknown.size:
        listed = ", ".join(str(v) for v in unknown[:10])
        raise DataError(
            f"{name} contains values that are no class code: {listed}. Allowed are 0 (no data) "
            f"and {', '.join(map(str, classes.codes()))}. Recode the classes first (QGIS: "
            "Raster › Rasterrechner or 'Reclassify by table').",
            message_de=f"{name} enthält Werte, die kein Klassencode sind: {listed}. Erlaubt sind "
            f"0 (keine Daten) und {', '.join(map(str, classes.codes()))}. Kodieren Sie die "
            "Klassen zuerst um (QGIS: Raster › Rasterrechner oder „Nach Tabelle "
            "reklassifizieren“).",
        )


# --- writing --------------------------------------------------------------------------------


def write_labels(path: str | os.PathLike, labels: np.ndarray, transform: Affine, crs, *,
                 colormap: bool = True) -> Path:
    """Write a label raster atomically as GeoTIFF: uint8, nodata 0, DEFLATE-compressed, with
    the class colours as colour table (``colormap=True``). ``crs`` as text (``"EPSG:25832"``)
    or CRS object. Returns the path."""
    labels = np.asarray(labels)
    if labels.ndim != 2:
        raise DataError(
            f"A label raster is a 2-D array (row, col); got {labels.ndim} dimensions.",
            message_de=f"Ein Klassenraster ist ein 2-D-Array (Zeile, Spalte); dieses hat "
            f"{labels.ndim} Dimensionen.",
        )
    if labels.dtype.kind not in "iub":
        raise DataError(
            f"Class codes must be whole numbers; got an array of type {labels.dtype}.",
            message_de=f"Klassencodes müssen ganze Zahlen sein; das Array hat den Typ "
            f"{labels.dtype}.",
        )
    _check_codes(labels, "Das Klassen-Array")
    if not isinstance(transform, Affine):
        raise ParameterError(
            f"transform must be an affine.Affine (e.g. ImageData.transform), got "
            f"{type(transform).__name__}.",
            message_de=f"transform muss eine affine.Affine-Transformation sein (z. B. "
            f"ImageData.transform), nicht {type(transform).__name__}.",
        )
    try:
        rio_crs = RioCRS.from_user_input(crs)
    except Exception as exc:  # rasterio raises its own CRSError and others
        raise CRSError(
            f"crs={crs!r} is not a valid CRS. Use the CRS of the image, e.g. 'EPSG:25832'.",
            message_de=f"crs={crs!r} ist kein gültiges Koordinatenbezugssystem. Verwenden Sie "
            "das des Luftbilds, z. B. 'EPSG:25832'.",
        ) from exc
    rows, cols = labels.shape
    profile = {
        "driver": "GTiff", "width": cols, "height": rows, "count": 1, "dtype": "uint8",
        "crs": rio_crs, "transform": transform, "nodata": classes.NODATA,
        "compress": "deflate",
    }
    if rows >= 256 and cols >= 256:
        profile.update(tiled=True, blockxsize=256, blockysize=256)
    target = Path(path)
    with atomic_path(target, suffix=".tif") as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(labels.astype(np.uint8), 1)
            dst.set_band_description(1, "Klasse (URBAN.KI Lernlabor)")
            if colormap:
                dst.write_colormap(1, _colour_table())
    return target


def _colour_table() -> dict[int, tuple[int, int, int, int]]:
    table = {classes.NODATA: (0, 0, 0, 0)}
    for c in classes.CLASSES:
        rgb = c.colour.lstrip("#")
        table[c.code] = (int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16), 255)
    return table


# --- display --------------------------------------------------------------------------------


def image_rgb(bands: np.ndarray, *, stretch: tuple[float, float] | None = (2, 98)) -> np.ndarray:
    """An image (band, row, col) as (row, col, 3) floats in 0..1 for ``plt.imshow``.

    Each of red, green, blue is stretched linearly from its ``stretch`` percentiles (default
    2 % and 98 %) to 0..1 and clipped, as GIS programs do; ``stretch=None`` shows the values
    as they are (value / 255).
    """
    bands = np.asarray(bands)
    if bands.ndim != 3 or bands.shape[0] < 3:
        raise DataError(
            f"Expected an image array (band, row, col) with at least 3 bands, got shape "
            f"{bands.shape}.",
            message_de=f"Erwartet wird ein Bild-Array (Kanal, Zeile, Spalte) mit mindestens 3 "
            f"Kanälen; dieses hat die Form {bands.shape}.",
        )
    rgb = np.moveaxis(bands[:3], 0, -1).astype(np.float32)
    if stretch is None:
        scale = 255.0 if bands.dtype == np.uint8 or rgb.max(initial=0) > 1 else 1.0
        return np.clip(rgb / scale, 0, 1)
    try:
        low, high = (float(v) for v in stretch)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"stretch must be two percentiles (low, high) such as (2, 98), got {stretch!r}.",
            message_de=f"stretch muss zwei Perzentile (unten, oben) sein, z. B. (2, 98), nicht "
            f"{stretch!r}.",
        ) from exc
    if not 0 <= low < high <= 100:
        raise ParameterError(
            f"stretch needs 0 <= low < high <= 100, got {stretch!r}.",
            message_de=f"stretch braucht 0 ≤ unten < oben ≤ 100, nicht {stretch!r}.",
        )
    out = np.empty_like(rgb)
    for i in range(3):
        lo, hi = np.percentile(rgb[..., i], [low, high])
        if hi <= lo:
            out[..., i] = 0.5 if lo > 0 else 0.0
        else:
            out[..., i] = (rgb[..., i] - lo) / (hi - lo)
    return np.clip(out, 0, 1)


def class_colormap():
    """Colour map and norm for label rasters: ``cmap, norm = class_colormap()``, then
    ``plt.imshow(labels, cmap=cmap, norm=norm, interpolation="nearest")``. Code 0 (no data)
    is transparent. Legend entries with the German class names: :func:`legend_handles`."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    codes = classes.codes()
    cmap = ListedColormap([c.colour for c in classes.CLASSES], name="urbanki_klassen")
    cmap = cmap.with_extremes(under=(0, 0, 0, 0), bad=(0, 0, 0, 0))
    bounds = [codes[0] - 0.5, *(c + 0.5 for c in codes)]
    norm = BoundaryNorm(bounds, cmap.N)
    return cmap, norm


def legend_handles(codes=None) -> list:
    """Legend patches with the German class names (all classes when ``codes`` is None), for
    ``ax.legend(handles=legend_handles(), ...)``."""
    from matplotlib.patches import Patch

    wanted = classes.codes() if codes is None else [int(c) for c in codes if int(c) != 0]
    colours = {c.code: c.colour for c in classes.CLASSES}
    return [Patch(facecolor=colours[c], edgecolor="none", label=name)
            for c, name in zip(wanted, classes.names_de(wanted), strict=True)]


# --- helpers --------------------------------------------------------------------------------


def _check_path(path, what: str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"The raster file {path} does not exist. Check the path (relative paths start in "
            "the notebook's folder) and the file name.",
            message_de=f"Die Rasterdatei ({what}) {path} existiert nicht. Prüfen Sie den Pfad "
            "(relative Pfade beginnen im Ordner des Notebooks) und den Dateinamen.",
        )
    return path


def _open(path: Path):
    try:
        return rasterio.open(path)
    except RasterioIOError as exc:
        raise DataError(
            f"{path.name} could not be read as a raster ({exc}). Expected a GeoTIFF or another "
            "raster format that GDAL reads; check that the download is complete.",
            message_de=f"{path.name} ließ sich nicht als Rasterdatei lesen ({exc}). Erwartet "
            "wird ein GeoTIFF oder ein anderes Rasterformat, das GDAL liest; prüfen Sie, ob der "
            "Download vollständig ist.",
        ) from exc


def _check_grid(src, path: Path, notes: list[str]) -> tuple[str, float]:
    """CRS present, projected in metres, grid north-up and not rotated; returns
    (crs text, pixel edge in m)."""
    name = path.name
    if src.crs is None:
        raise CRSError(
            f"{name} has no coordinate reference system (CRS), so pixel sizes and areas are "
            "unknown. If you know it (German orthophotos: usually EPSG:25832), assign it: "
            f"gdal_edit -a_srs EPSG:25832 {name}, or in QGIS: Layer properties › Source › "
            "CRS, then Export › Save as.",
            message_de=f"{name} hat kein Koordinatenbezugssystem (CRS); Pixelgrößen und Flächen "
            "sind damit unbekannt. Wenn Sie es kennen (Orthophotos in Deutschland: meist "
            f"EPSG:25832), weisen Sie es zu: gdal_edit -a_srs EPSG:25832 {name}, oder in QGIS: "
            "Layer-Eigenschaften › Quelle › KBS zuweisen, dann Exportieren › Speichern als.",
        )
    crs = CRS.from_user_input(src.crs.to_wkt())
    crs_text = src.crs.to_string()
    if crs.is_geographic or not crs.is_projected:
        raise CRSError(
            f"{name} is in the geographic CRS {crs_text} (degrees), so pixel sizes are not in "
            "metres and areas would be wrong. Reproject it to EPSG:25832: gdalwarp -t_srs "
            f"EPSG:25832 -r bilinear {name} out.tif (QGIS: Raster › Projektionen › "
            "Transformieren).",
            message_de=f"{name} liegt im geografischen Koordinatenbezugssystem {crs_text} "
            "(Grad); Pixelgrößen sind damit nicht in Metern und Flächen wären falsch. "
            "Projizieren Sie es nach EPSG:25832 um: gdalwarp -t_srs EPSG:25832 -r bilinear "
            f"{name} aus.tif (QGIS: Raster › Projektionen › Transformieren (Reprojizieren)).",
        )
    units = {axis.unit_name.lower() for axis in crs.to_2d().axis_info}
    if not units <= {"metre", "meter", "m"}:
        raise CRSError(
            f"{name} is in {crs_text}, which does not measure in metres ({', '.join(units)}). "
            "Reproject it to EPSG:25832 with gdalwarp -t_srs EPSG:25832.",
            message_de=f"{name} liegt in {crs_text}, das nicht in Metern misst "
            f"({', '.join(units)}). Projizieren Sie es mit gdalwarp -t_srs EPSG:25832 nach "
            "EPSG:25832 um.",
        )
    t = src.transform
    if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
        raise DataError(
            f"{name} has a rotated or not north-up pixel grid ({tuple(t)[:6]}). Resample it to "
            f"a north-up grid: gdalwarp -t_srs {crs_text} {name} out.tif.",
            message_de=f"{name} hat ein gedrehtes oder nicht nach Norden ausgerichtetes "
            f"Pixelraster ({tuple(t)[:6]}). Rechnen Sie es auf ein nordorientiertes Raster um: "
            f"gdalwarp -t_srs {crs_text} {name} aus.tif.",
        )
    width, height = t.a, -t.e
    if not math.isclose(width, height, rel_tol=0.01):
        notes.append(f"Die Pixel sind nicht quadratisch ({format_de(width, 3)} m × "
                     f"{format_de(height, 3)} m); als Pixelgröße wird {format_de(width, 3)} m "
                     "angegeben, Flächen rechnen mit beiden Kantenlängen.")
    return crs_text, float(width)


def _window(window, height: int, width: int, path: Path) -> Window | None:
    if window is None:
        return None
    if not isinstance(window, Window):
        try:
            (r0, r1), (c0, c1) = window
            window = Window.from_slices((int(r0), int(r1)), (int(c0), int(c1)))
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"window must be a rasterio Window or ((row_start, row_stop), (col_start, "
                f"col_stop)), got {window!r}.",
                message_de=f"window muss ein rasterio-Window oder ((zeile_start, zeile_ende), "
                f"(spalte_start, spalte_ende)) sein, nicht {window!r}.",
            ) from exc
    r0, c0 = int(window.row_off), int(window.col_off)
    r1, c1 = r0 + int(window.height), c0 + int(window.width)
    if r0 < 0 or c0 < 0 or r1 > height or c1 > width or r1 <= r0 or c1 <= c0:
        raise ParameterError(
            f"The window rows {r0}–{r1}, columns {c0}–{c1} is empty or does not lie inside "
            f"{path.name} ({height} rows × {width} columns).",
            message_de=f"Das Fenster Zeilen {r0}–{r1}, Spalten {c0}–{c1} ist leer oder liegt "
            f"nicht innerhalb von {path.name} ({height} Zeilen × {width} Spalten).",
        )
    return Window(c0, r0, c1 - c0, r1 - r0)


def _window_transform(transform: Affine, win: Window | None) -> Affine:
    if win is None:
        return transform
    return transform @ Affine.translation(int(win.col_off), int(win.row_off))


def _is_alpha(path: Path, band: int) -> bool:
    """A band marked as alpha is a real alpha band if it holds only 0 and 255 (or 65535),
    checked on a decimated read of the whole file (cached per file version), so every window
    of a tiled run decides alike."""
    stat = path.stat()
    return _only_0_and_255(str(path.resolve()), stat.st_mtime_ns, stat.st_size, band)


@lru_cache(maxsize=16)
def _only_0_and_255(path: str, mtime_ns: int, size: int, band: int) -> bool:
    del mtime_ns, size  # part of the cache key only
    with rasterio.open(path) as src:
        sample = src.read(band, out_shape=(min(src.height, 512), min(src.width, 512)))
    return bool(np.isin(sample, (0, 255, 65535)).all())


def _valid_mask(src, win: Window | None, alpha: int | None, use: list[int]
                ) -> np.ndarray | None:
    """False where the file marks pixels as no data; None if it marks none."""
    if alpha is not None:
        return src.read(alpha, window=win) > 0
    if src.nodata is not None:
        data = src.read(use, window=win)
        return (data != src.nodata).any(axis=0)
    flags = src.mask_flag_enums[0]
    if MaskFlags.per_dataset in flags and MaskFlags.alpha not in flags:
        return src.read_masks(1, window=win) > 0
    return None


def _bit_depth(src, path: Path, bit_depth: int | None, use: list[int]) -> int:
    if bit_depth is not None:
        if isinstance(bit_depth, bool) or not isinstance(bit_depth, (int, np.integer)) \
                or not 8 <= bit_depth <= 16:
            raise ParameterError(
                f"bit_depth must be a whole number of bits from 8 to 16 (e.g. 12 for 12-bit "
                f"orthophotos), got {bit_depth!r}.",
                message_de=f"bit_depth muss eine ganze Bitzahl von 8 bis 16 sein (z. B. 12 für "
                f"12-Bit-Orthophotos), nicht {bit_depth!r}.",
            )
        return int(bit_depth)
    nbits = src.tags(1, ns="IMAGE_STRUCTURE").get("NBITS")
    if nbits and nbits.isdigit() and 8 <= int(nbits) <= 16:
        return int(nbits)
    stat = path.stat()
    maximum = _file_maximum(str(path.resolve()), stat.st_mtime_ns, stat.st_size, tuple(use))
    return next(b for b in _BIT_DEPTHS if maximum <= 2 ** b - 1)


@lru_cache(maxsize=16)
def _file_maximum(path: str, mtime_ns: int, size: int, use: tuple[int, ...]) -> int:
    """Largest value of the bands ``use`` of a uint16 file, read block by block (cached per
    file version, so that a tiled pipeline scans the file only once)."""
    del mtime_ns, size  # part of the cache key only
    maximum = 0
    with rasterio.open(path) as src:
        for _, win in src.block_windows(1):
            maximum = max(maximum, int(src.read(list(use), window=win).max()))
    return maximum
