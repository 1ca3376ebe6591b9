"""From a class raster to polygons and to class areas per parcel or building.

Vectorising takes three steps:

1. **Minimum mapping unit** (``min_mapping_unit_m2``): patches of connected pixels of one
   class smaller than this area are removed with :func:`rasterio.features.sieve`, which
   *merges each small patch into its largest neighbouring patch* (GDAL's sieve filter).
   Pixels without a class (0) are never changed and never absorb a patch, so a small patch
   enclosed only by no-data pixels stays.
2. **Polygons**: :func:`rasterio.features.shapes` traces the outline of every patch
   (4-connected by default: pixels touching only at a corner are separate polygons).
3. **Simplification** (``simplify_m``): the staircase outlines are simplified as a *coverage*
   (:func:`shapely.coverage_simplify`, Visvalingam–Whyatt), so neighbouring polygons keep a
   common edge: no gaps, no overlaps, and the total area stays exactly that of the pixels.
   (Simplifying each polygon on its own, e.g. ``simplify(preserve_topology=True)``, keeps
   each polygon valid but opens gaps and overlaps between neighbours.)

``flaeche_m2`` is always the exact pixel area of the patch (pixels × pixel area); the
simplified outline's area differs from it by the simplification error only.

Large rasters are processed window by window (:func:`vectorize_raster`). Polygons cut by
window borders are merged again per class (dissolve), so the result has one polygon per patch
as for a single pass: without a minimum mapping unit the polygons are identical. The sieve
runs on every window plus a margin of twice the minimum mapping unit in pixels, so every patch
it sees near the window's core is complete; the result then equals a sieve of the whole
raster except in rare cases: GDAL's sieve merges chains of neighbouring small patches, and a
chain reaching beyond the margin can end differently. All geometry work happens in pixel
coordinates (whole numbers, exact), which are converted to map coordinates at the end.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from pyproj import CRS
from rasterio.features import shapes, sieve
from rasterio.windows import Window

from urbanki_helpers.data.geo import write_geodata
from urbanki_helpers.errors import CRSError, DataError, ParameterError
from urbanki_helpers.imagery.classes import NODATA, codes, names_de
from urbanki_helpers.imagery.raster import read_labels
from urbanki_helpers.imagery.tiling import Tile, tile_windows

__all__ = ["COLUMNS", "aggregate_to_polygons", "export_geopackage", "vectorize", "vectorize_raster"]

COLUMNS = ["klasse_code", "klasse", "flaeche_m2", "geometry"]


def vectorize(labels_path_or_array, transform: Affine | None = None, crs=None, *,
              classes: list[int] | None = None, min_mapping_unit_m2: float = 0.0,
              simplify_m: float = 0.0, connectivity: int = 4) -> gpd.GeoDataFrame:
    """Polygons of a class raster: columns ``klasse_code``, ``klasse`` (German name),
    ``flaeche_m2`` (exact pixel area in m²) and the geometry, in the raster's CRS.

    ``labels_path_or_array`` is a class GeoTIFF (then ``transform`` and ``crs`` come from the
    file and the work is done window by window, see :func:`vectorize_raster`) or a 2-D array
    of class codes with its ``transform`` and ``crs``. ``classes`` limits the output to these
    class codes (the minimum mapping unit is applied to all classes first).
    """
    if isinstance(labels_path_or_array, (str, os.PathLike)):
        return vectorize_raster(labels_path_or_array, classes=classes,
                                min_mapping_unit_m2=min_mapping_unit_m2, simplify_m=simplify_m,
                                connectivity=connectivity)
    labels = np.asarray(labels_path_or_array)
    if labels.ndim != 2:
        raise DataError(
            f"A class raster must be a 2-D array (rows, cols), got {labels.ndim} dimensions.",
            message_de=f"Ein Klassenraster muss ein 2-D-Array (Zeilen, Spalten) sein; es hat "
            f"{labels.ndim} Dimensionen.")
    if transform is None:
        raise ParameterError(
            "vectorize needs the raster's transform (affine.Affine) for an array.",
            message_de="vectorize braucht für ein Array die Georeferenz des Rasters "
            "(transform, ein affine.Affine).")
    labels = _as_labels(labels)
    pixel_area = _pixel_area(transform, crs, "das Klassenraster")
    mmu_px = _mmu_pixels(min_mapping_unit_m2, pixel_area)
    wanted = _classes(classes)
    _check_connectivity(connectivity)
    _check_simplify(simplify_m)
    height, width = labels.shape
    tile = tile_windows(width, height, tile_px=max(width, height, 16))[0]
    parts = _window_polygons(labels, tile, mmu_px, wanted, connectivity)
    return _finish(parts, [], transform, crs, pixel_area, simplify_m)


def vectorize_raster(path: str | os.PathLike, *, classes: list[int] | None = None,
                     min_mapping_unit_m2: float = 0.0, simplify_m: float = 0.0,
                     tile_px: int = 2048, connectivity: int = 4) -> gpd.GeoDataFrame:
    """:func:`vectorize` for a class GeoTIFF of any size, window by window (``tile_px``
    pixels; at least twice the sieve margin).

    Each window is read with a margin of twice the minimum mapping unit in pixels for the
    sieve (see the module's notes on the rare differences to a whole-raster sieve); polygons
    cut at window borders are dissolved per class, so every patch is one polygon. Memory
    depends on the window size and on the number of polygons, not on the raster size.
    """
    path = Path(path)
    width, height, transform, crs = _labels_grid(path)
    pixel_area = _pixel_area(transform, crs, f"das Klassenraster {path.name}")
    mmu_px = _mmu_pixels(min_mapping_unit_m2, pixel_area)
    wanted = _classes(classes)
    _check_connectivity(connectivity)
    _check_simplify(simplify_m)
    margin = 2 * mmu_px if mmu_px > 1 else 0
    tiles = tile_windows(width, height, tile_px=max(int(tile_px), 2 * margin, 16),
                         overlap_px=margin)
    inner, border = [], []
    cols = {int(t.core.col_off) for t in tiles} - {0}
    rows = {int(t.core.row_off) for t in tiles} - {0}
    for tile in tiles:
        labels, _, _ = read_labels(path, window=tile.read)
        for geom, code in _window_polygons(labels, tile, mmu_px, wanted, connectivity):
            minx, miny, maxx, maxy = geom.bounds
            cut = (int(minx) in cols or int(maxx) in cols or int(miny) in rows
                   or int(maxy) in rows)
            (border if cut else inner).append((geom, code))
    return _finish(inner, border, transform, crs, pixel_area, simplify_m)


def export_geopackage(gdf: gpd.GeoDataFrame, path: str | os.PathLike, layer: str) -> Path:
    """Write ``gdf`` atomically as layer ``layer`` of the GeoPackage ``path`` (``.gpkg``);
    other layers of an existing file are kept. Returns the path."""
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise ParameterError(
            f"{path} must end in .gpkg (GeoPackage).",
            message_de=f"{path} muss auf .gpkg enden (GeoPackage).")
    if not isinstance(layer, str) or not layer.strip():
        raise ParameterError(
            f"layer must be a non-empty name, got {layer!r}.",
            message_de=f"layer muss ein nicht leerer Name sein, nicht {layer!r}.")
    return write_geodata(gdf, path, layer=layer)


def aggregate_to_polygons(class_raster_path: str | os.PathLike, polygons: gpd.GeoDataFrame, *,
                          id_column: str, tile_px: int = 2048) -> pd.DataFrame:
    """Area in m² of every class within every polygon (parcel, building), read from the class
    raster window by window with :class:`~urbanki_helpers.imagery.aggregate.AreaAccumulator`.

    Polygons in another CRS than the raster are reprojected (with a note in ``attrs``); a
    layer that does not overlap the raster raises an error (both in ``aggregate.py``).
    """
    from urbanki_helpers.imagery.aggregate import AreaAccumulator

    path = Path(class_raster_path)
    width, height, transform, crs = _labels_grid(path)
    accumulator = AreaAccumulator(polygons, id_column=id_column, crs=crs, transform=transform,
                                  shape=(height, width))
    for tile in tile_windows(width, height, tile_px=tile_px):
        labels, _, _ = read_labels(path, window=tile.core)
        accumulator.add(labels, tile.core)
    return accumulator.result()


# --- polygons of one window ------------------------------------------------------------------


def _window_polygons(labels: np.ndarray, tile: Tile, mmu_px: int, wanted: set[int],
                     connectivity: int) -> list[tuple[object, int]]:
    """Polygons (in global pixel coordinates) and class codes of the tile's core; ``labels``
    is the tile's read window."""
    valid = labels != NODATA
    if mmu_px > 1 and valid.any():
        labels = sieve(labels, mmu_px, mask=valid, connectivity=connectivity)
    core = np.ascontiguousarray(labels[tile.core_slices])
    mask = np.isin(core, sorted(wanted))
    if not mask.any():
        return []
    offset = Affine.translation(int(tile.core.col_off), int(tile.core.row_off))
    return [(shapely.geometry.shape(geom), int(value))
            for geom, value in shapes(core, mask=mask, connectivity=connectivity,
                                      transform=offset)]


def _finish(inner: list, border: list, transform: Affine, crs, pixel_area: float,
            simplify_m: float) -> gpd.GeoDataFrame:
    """Dissolve border polygons per class, simplify as a coverage, convert to map
    coordinates and build the GeoDataFrame."""
    geoms = [g for g, _ in inner]
    values = [c for _, c in inner]
    if border:
        border_codes = np.array([c for _, c in border])
        border_geoms = np.array([g for g, _ in border], dtype=object)
        for code in np.unique(border_codes):
            merged = shapely.union_all(border_geoms[border_codes == code])
            for part in shapely.get_parts(merged):
                geoms.append(part)
                values.append(int(code))
    array = np.array(geoms, dtype=object)
    pixels = np.rint(shapely.area(array)) if len(array) else np.zeros(0)
    if len(array) and simplify_m > 0:
        tolerance = simplify_m / math.sqrt(pixel_area)  # in pixels
        dense = shapely.transform(shapely.segmentize(array, 1.0), np.round)  # edge-matched
        array = shapely.coverage_simplify(dense, tolerance)
    if len(array):
        a, b, c, d, e, f = transform.a, transform.b, transform.c, transform.d, transform.e, \
            transform.f
        array = shapely.transform(array, lambda xy: np.column_stack(
            [a * xy[:, 0] + b * xy[:, 1] + c, d * xy[:, 0] + e * xy[:, 1] + f]))
    codes_ = np.array(values, dtype=np.uint8)
    gdf = gpd.GeoDataFrame({
        "klasse_code": codes_.astype(int),
        "klasse": names_de(codes_) if len(codes_) else [],
        "flaeche_m2": pixels * pixel_area,
    }, geometry=gpd.GeoSeries(array, crs=crs), crs=crs)
    gdf = gdf.sort_values(["klasse_code", "flaeche_m2"], ascending=[True, False],
                          kind="stable").reset_index(drop=True)
    gdf.attrs["pixel_area_m2"] = pixel_area
    gdf.attrs["notes"] = [
        "flaeche_m2 ist die exakte Pixelfläche jedes Polygons (Pixelanzahl × "
        f"{pixel_area:g} m²)."
        + (f" Umrisse vereinfacht mit Toleranz {simplify_m:g} m." if simplify_m > 0 else "")
    ]
    return gdf


# --- checks ----------------------------------------------------------------------------------


def _labels_grid(path: Path) -> tuple[int, int, Affine, str]:
    """Width, height, transform and CRS of a class raster, validated by
    :func:`~urbanki_helpers.imagery.raster.read_labels` (one band, CRS in metres)."""
    _, _, crs = read_labels(path, window=Window(0, 0, 1, 1))
    with rasterio.open(path) as src:
        return src.width, src.height, src.transform, crs


def _as_labels(labels: np.ndarray) -> np.ndarray:
    if labels.dtype == np.uint8:
        return labels
    if not np.issubdtype(labels.dtype, np.integer):
        raise DataError(
            f"Class codes must be whole numbers, got {labels.dtype}.",
            message_de=f"Klassencodes müssen ganze Zahlen sein, nicht {labels.dtype}.")
    if labels.size and (labels.min() < 0 or labels.max() > 255):
        raise DataError(
            "Class codes must lie between 0 and 255.",
            message_de="Klassencodes müssen zwischen 0 und 255 liegen.")
    return labels.astype(np.uint8)


def _pixel_area(transform: Affine, crs, what_de: str) -> float:
    if crs is None:
        raise CRSError(
            "The class raster has no CRS, so areas cannot be computed. Pass crs='EPSG:25832' "
            "(or the CRS of the image).",
            message_de=f"{what_de.capitalize()} hat kein Koordinatenbezugssystem; Flächen "
            "lassen sich nicht berechnen. Geben Sie crs='EPSG:25832' an (oder das CRS des "
            "Luftbilds).")
    parsed = CRS.from_user_input(crs)
    unit = parsed.axis_info[0].unit_name.lower() if parsed.axis_info else ""
    if not parsed.is_projected or unit not in ("metre", "meter"):
        raise CRSError(
            f"Areas in m² need a projected CRS in metres; the class raster is in {parsed.name}. "
            "Reproject the image to EPSG:25832 first.",
            message_de=f"Flächen in m² brauchen ein projiziertes CRS in Metern; "
            f"{what_de} ist in {parsed.name}. Projizieren Sie das Luftbild zuerst nach "
            "EPSG:25832 um.")
    area = abs(transform.a * transform.e - transform.b * transform.d)
    if not area > 0:
        raise DataError("The raster's transform has zero pixel area.",
                        message_de="Die Georeferenz des Rasters ergibt Pixel ohne Fläche.")
    return float(area)


def _mmu_pixels(mmu_m2: float, pixel_area: float) -> int:
    if (not isinstance(mmu_m2, (int, float, np.integer, np.floating)) or isinstance(mmu_m2, bool)
            or not np.isfinite(mmu_m2) or mmu_m2 < 0):
        raise ParameterError(
            f"min_mapping_unit_m2 must be a number of at least 0 (m²), got {mmu_m2!r}.",
            message_de=f"min_mapping_unit_m2 (kleinste Fläche in m²) muss eine Zahl ab 0 sein, "
            f"nicht {mmu_m2!r}.")
    # patches with at least this many pixels (area >= MMU, with a little float tolerance) stay
    return max(1, math.ceil(mmu_m2 / pixel_area - 1e-9))


def _check_simplify(simplify_m: float) -> None:
    if (not isinstance(simplify_m, (int, float, np.integer, np.floating))
            or isinstance(simplify_m, bool) or not np.isfinite(simplify_m) or simplify_m < 0):
        raise ParameterError(
            f"simplify_m must be a number of at least 0 (metres), got {simplify_m!r}.",
            message_de=f"simplify_m (Toleranz der Vereinfachung in Metern) muss eine Zahl ab 0 "
            f"sein, nicht {simplify_m!r}.")


def _check_connectivity(connectivity: int) -> None:
    if connectivity not in (4, 8):
        raise ParameterError(
            f"connectivity must be 4 or 8, got {connectivity!r}.",
            message_de=f"connectivity muss 4 oder 8 sein, nicht {connectivity!r}.")


def _classes(classes: list[int] | None) -> set[int]:
    if classes is None:
        return set(codes())
    try:
        wanted = {int(c) for c in classes}
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"classes must be a list of class codes, got {classes!r}.",
            message_de=f"classes muss eine Liste von Klassencodes sein, nicht {classes!r}."
        ) from exc
    unknown = sorted(wanted - set(codes()))
    if unknown or not wanted:
        raise ParameterError(
            f"Unknown class codes {unknown}; allowed are {codes()}.",
            message_de=f"Unbekannte Klassencodes {unknown}; erlaubt sind {codes()}.")
    return wanted

