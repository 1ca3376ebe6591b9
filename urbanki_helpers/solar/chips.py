"""Image chips for an inspection list: one building in epoch A beside epoch B.

A chip is the small part of an orthophoto around one building (its bounding box plus a margin).
Both epochs are stretched with the *same* grey-value range per band, so that a change of
colour is a change on the ground and not an artefact of the display (give the second epoch
normalised to the first, see :func:`urbanki_helpers.solar.change.apply_normalization`, or
the raw files, whose colour balance differs a little).

Images are arrays (band, row, col) with their affine transform, or file paths: then only the
window around the building is read (:func:`urbanki_helpers.imagery.raster.read_image` with
``window``), which keeps memory small for large orthophotos.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from matplotlib.figure import Figure
from rasterio.windows import Window

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.imagery.raster import read_image
from urbanki_helpers.plotting import add_scalebar

__all__ = ["chip_figure", "chip_rows", "image_chips", "save_chip_png"]

EPOCH_TITLES = ("2023", "2025")


def image_chips(image_a, image_b, transform: Affine | None, geometry, *, margin_m: float = 5.0,
                stretch: tuple[float, float] | None = (1, 99)
                ) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """The part of both images around ``geometry`` (a shapely geometry in the images' CRS, m)
    plus ``margin_m`` metres on every side, clipped to the image.

    ``image_a`` / ``image_b``: arrays (band, row, col) on the grid ``transform``, or paths of
    raster files on the same grid (then ``transform`` may be None and only the window is read).
    Returns ``(rgb_a, rgb_b, extent)``: two (row, col, 3) float arrays in 0–1 for
    ``plt.imshow`` and the extent ``(left, right, bottom, top)`` in metres. Each of red, green
    and blue is stretched linearly from the ``stretch`` percentiles of both chips together to
    0–1; ``stretch=None`` shows value / 255.
    """
    if geometry is None or not hasattr(geometry, "bounds") or geometry.is_empty:
        raise ParameterError(
            "geometry must be a non-empty shapely geometry (e.g. a building footprint).",
            message_de="geometry muss eine nicht leere Geometrie sein (z. B. ein "
            "Gebäudegrundriss).")
    if isinstance(margin_m, bool) or not isinstance(margin_m, (int, float)) \
            or not 0 <= margin_m <= 500:
        raise ParameterError(
            f"margin_m must be between 0 and 500 m, got {margin_m!r}.",
            message_de=f"margin_m muss zwischen 0 und 500 m liegen, nicht {margin_m!r}.")
    bands_a, grid_a = _read(image_a, transform, geometry, margin_m, "image_a")
    bands_b, grid_b = _read(image_b, transform, geometry, margin_m, "image_b")
    if bands_a.shape[1:] != bands_b.shape[1:] or not grid_a.almost_equals(grid_b):
        raise DataError(
            "The two images are not on the same grid around this building.",
            message_de="Die beiden Luftbilder liegen um dieses Gebäude nicht auf demselben "
            "Raster. Verwenden Sie Bilder mit gleicher Ausdehnung und Pixelgröße.")
    rgb_a, rgb_b = _stretch(bands_a[:3], bands_b[:3], stretch)
    rows, cols = bands_a.shape[1:]
    left, top = grid_a.c, grid_a.f
    extent = (left, left + cols * grid_a.a, top + rows * grid_a.e, top)
    return rgb_a, rgb_b, tuple(float(v) for v in extent)


def chip_rows(image_a, image_b, transform: Affine | None, buildings: gpd.GeoDataFrame,
              detected: pd.DataFrame, *, id_column: str = "gebaeude_id", n: int = 6,
              margin_m: float = 5.0, only_flagged: bool = True,
              keep_order: bool = False) -> list[tuple]:
    """Rows for :func:`chip_figure`: the ``n`` buildings of ``detected`` (a table from
    :func:`~urbanki_helpers.solar.change.detect_changes`, indexed by building id) with the
    highest ``score`` (only those with a flagged change if ``only_flagged``), or the first
    ``n`` in the table's own order if ``keep_order`` (e.g. an inspection list), each as
    ``(title, rgb_a, rgb_b, extent, footprint)``; the title names the building, the German
    change type and the score."""
    if id_column not in buildings.columns:
        raise DataError(
            f"The buildings have no column {id_column!r}.",
            message_de=f"Die Gebäude haben keine Spalte {id_column!r}.")
    table = detected
    if only_flagged and "aenderung" in table.columns:
        table = table[table["aenderung"].notna()]
    if not keep_order:
        table = table.sort_values("score", ascending=False)
    table = table.head(int(n))
    geoms = buildings.set_index(id_column).geometry
    rows = []
    for building_id, row in table.iterrows():
        if building_id not in geoms.index:
            raise DataError(
                f"Building {building_id!r} of the detection table is not in the buildings.",
                message_de=f"Gebäude {building_id!r} der Erkennungstabelle fehlt im "
                "Gebäude-Layer.")
        footprint = geoms.loc[building_id]
        rgb_a, rgb_b, extent = image_chips(image_a, image_b, transform, footprint,
                                           margin_m=margin_m)
        kind = row.get("aenderung_de") or "keine Änderung erkannt"
        title = f"{building_id}: {kind} (Score {format_de(float(row['score']), 1)})"
        rows.append((title, rgb_a, rgb_b, extent, footprint))
    return rows


def chip_figure(rows, *, epochs: tuple[str, str] = EPOCH_TITLES, size_in: float = 3.2,
                attribution: str | None = None) -> Figure:
    """A figure with one line per building: epoch A left, epoch B right (column titles
    ``epochs``, default "2023" and "2025").

    ``rows``: list of ``(title, rgb_a, rgb_b)``, optionally followed by the ``extent``
    ``(left, right, bottom, top)`` in metres (then a scale bar is drawn) and a footprint
    geometry (drawn as outline), as from :func:`image_chips` or :func:`chip_rows`.
    """
    rows = list(rows)
    if not rows:
        raise ParameterError(
            "chip_figure needs at least one row (title, chip_a, chip_b).",
            message_de="chip_figure braucht mindestens eine Zeile (Titel, Ausschnitt A, "
            "Ausschnitt B); die Prüfliste ist leer.")
    fig, axes = plt.subplots(len(rows), 2, figsize=(2 * size_in, size_in * len(rows) + 0.4),
                             layout="constrained", squeeze=False)
    for i, row in enumerate(rows):
        if not isinstance(row, (tuple, list)) or not 3 <= len(row) <= 5:
            raise ParameterError(
                f"Row {i} must be (title, chip_a, chip_b[, extent[, footprint]]).",
                message_de=f"Zeile {i} muss (Titel, Ausschnitt A, Ausschnitt B[, Ausdehnung[, "
                "Grundriss]]) sein.")
        title, chip_a, chip_b = row[:3]
        extent = row[3] if len(row) > 3 else None
        footprint = row[4] if len(row) > 4 else None
        for j, chip in enumerate((chip_a, chip_b)):
            ax = axes[i, j]
            ax.imshow(np.asarray(chip), extent=extent, interpolation="nearest")
            if footprint is not None and extent is not None:
                for ring in _rings(footprint):
                    x, y = ring.xy
                    ax.plot(x, y, color="#ffd400", linewidth=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if extent is not None:
                ax.set_xlim(extent[0], extent[1])
                ax.set_ylim(extent[2], extent[3])
                if j == 1:
                    add_scalebar(ax, location="lower right")
            ax.set_title(f"{epochs[j]}", fontsize=9)
        axes[i, 0].set_ylabel(str(title), fontsize=8)
    if attribution:
        fig.text(0.995, 0.002, attribution, ha="right", va="bottom", fontsize=7, color="0.3")
    return fig


def save_chip_png(path: str | os.PathLike, rows_or_figure, *, dpi: int = 120, **kwargs) -> Path:
    """Write the chips as PNG atomically and return the path: a Figure from
    :func:`chip_figure`, or rows (then the figure is made with ``**kwargs`` and closed)."""
    if isinstance(rows_or_figure, Figure):
        fig, close = rows_or_figure, False
    else:
        fig, close = chip_figure(rows_or_figure, **kwargs), True
    target = Path(path)
    try:
        with atomic_path(target, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
    finally:
        if close:
            plt.close(fig)
    return target


# --- helpers --------------------------------------------------------------------------------


def _read(image, transform, geometry, margin_m: float, name: str) -> tuple[np.ndarray, Affine]:
    """Bands (band, row, col) of the window around ``geometry`` and the window's transform."""
    if isinstance(image, (str, os.PathLike)):
        import rasterio

        with rasterio.open(image) as src:
            grid, height, width = src.transform, src.height, src.width
        window = _window(grid, height, width, geometry, margin_m)
        data = read_image(image, window=window)
        return data.bands, data.transform
    bands = np.asarray(image)
    if bands.ndim != 3 or bands.shape[0] < 3:
        raise DataError(
            f"{name} must be an image array (band, row, col) with at least 3 bands or a file "
            f"path, got shape {bands.shape}.",
            message_de=f"{name} muss ein Bild-Array (Kanal, Zeile, Spalte) mit mindestens 3 "
            f"Kanälen oder ein Dateipfad sein; es hat die Form {bands.shape}.")
    if not isinstance(transform, Affine):
        raise ParameterError(
            "transform (an affine.Affine) is needed when the images are arrays.",
            message_de="Für Bild-Arrays wird transform (affine.Affine, z. B. "
            "ImageData.transform) gebraucht.")
    window = _window(transform, bands.shape[1], bands.shape[2], geometry, margin_m)
    r0, c0 = int(window.row_off), int(window.col_off)
    r1, c1 = r0 + int(window.height), c0 + int(window.width)
    return bands[:, r0:r1, c0:c1], transform @ Affine.translation(c0, r0)


def _window(transform: Affine, height: int, width: int, geometry, margin_m: float) -> Window:
    left, bottom, right, top = geometry.bounds
    inverse = ~transform
    cols, rows = zip(*(inverse @ (x, y) for x, y in ((left - margin_m, top + margin_m),
                                                     (right + margin_m, bottom - margin_m))),
                     strict=True)
    c0, c1 = max(0, math.floor(min(cols))), min(width, math.ceil(max(cols)))
    r0, r1 = max(0, math.floor(min(rows))), min(height, math.ceil(max(rows)))
    if c1 <= c0 or r1 <= r0:
        raise DataError(
            f"The geometry (bounds {tuple(round(v, 1) for v in geometry.bounds)}) lies outside "
            "the image.",
            message_de="Die Geometrie (Ausdehnung "
            f"{', '.join(format_de(v, 1) for v in geometry.bounds)}) liegt außerhalb des "
            "Luftbilds. Prüfen Sie das Koordinatenbezugssystem der Gebäude.")
    return Window(c0, r0, c1 - c0, r1 - r0)


def _stretch(a: np.ndarray, b: np.ndarray, stretch) -> tuple[np.ndarray, np.ndarray]:
    a = a.astype(np.float32)
    b = b.astype(np.float32)
    if stretch is None:
        return (np.clip(np.moveaxis(a, 0, -1) / 255, 0, 1),
                np.clip(np.moveaxis(b, 0, -1) / 255, 0, 1))
    try:
        low, high = (float(v) for v in stretch)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"stretch must be two percentiles (low, high), got {stretch!r}.",
            message_de=f"stretch muss zwei Perzentile (unten, oben) sein, nicht {stretch!r}."
        ) from exc
    if not 0 <= low < high <= 100:
        raise ParameterError(
            f"stretch needs 0 <= low < high <= 100, got {stretch!r}.",
            message_de=f"stretch braucht 0 ≤ unten < oben ≤ 100, nicht {stretch!r}.")
    out_a, out_b = np.empty_like(a), np.empty_like(b)
    for k in range(3):
        both = np.concatenate([a[k].ravel(), b[k].ravel()])
        lo, hi = np.percentile(both, [low, high])
        scale = hi - lo if hi > lo else 1.0
        out_a[k] = (a[k] - lo) / scale
        out_b[k] = (b[k] - lo) / scale
    return (np.clip(np.moveaxis(out_a, 0, -1), 0, 1), np.clip(np.moveaxis(out_b, 0, -1), 0, 1))


def _rings(geometry) -> list:
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        if isinstance(polygon, shapely.Polygon):
            rings.append(polygon.exterior)
            rings.extend(polygon.interiors)
    return rings
