"""Classify an aerial image of any size, tile by tile, into a land-cover raster.

The raster is never read as a whole: each tile reads its core plus an overlap (by default the
model's :attr:`~urbanki_helpers.imagery.model_io.PixelModel.halo`, which makes the tiled
result identical to a single pass), computes features and predicts on that window and writes
only the core into the output GeoTIFF. Peak memory therefore depends on the tile size, not on
the raster size. With ``n_jobs > 1`` tiles are classified in worker processes; every worker
opens the image itself and reads only its window, and the parent process writes the results
(rasterio datasets cannot be shared between processes). The number of tiles in flight is
bounded, so finished tiles never pile up in memory.

Worker processes are started with ``forkserver`` (Linux, macOS) or ``spawn`` (Windows): in a
notebook nothing is needed; in a Python *script* the call must sit under
``if __name__ == "__main__":``, as always with multiprocessing. The first parallel call takes
a few seconds longer, while the workers import the libraries.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import DataError, ParameterError, UrbanKIError
from urbanki_helpers.imagery.classes import NODATA
from urbanki_helpers.imagery.model_io import PixelModel
from urbanki_helpers.imagery.raster import read_image
from urbanki_helpers.imagery.tiling import MIN_TILE_PX, Tile, seam_mask, tile_windows

__all__ = [
    "ClassificationResult",
    "PipelineConfig",
    "PipelineResult",
    "classify_array",
    "classify_raster",
    "compare_tiled_with_single",
    "run_pipeline",
]


@dataclass
class PipelineConfig:
    """Settings of the tiled pipeline.

    Parameters
    ----------
    tile_px:
        Edge of a tile's core in pixels (at least 16; 512–2048 is sensible).
    overlap_px:
        Extra pixels read on every side of a tile; ``None`` uses the model's halo, which makes
        the tiled result identical to a single pass. ``0`` is faster but differs near seams.
    n_jobs:
        1 = in this process; n > 1 = n worker processes; -1 = all CPU cores.
    max_tiles_in_flight:
        Tiles submitted but not yet written (memory bound with ``n_jobs > 1``); ``None`` =
        twice the number of workers.
    min_mapping_unit_m2:
        Smallest patch in m² kept when vectorising (smaller patches are merged into their
        largest neighbour).
    simplify_m:
        Tolerance in metres for simplifying polygon outlines (0 = exact pixel outlines).
    """

    tile_px: int = 1024
    overlap_px: int | None = None
    n_jobs: int = 1
    max_tiles_in_flight: int | None = None
    min_mapping_unit_m2: float = 1.0
    simplify_m: float = 0.0

    def __post_init__(self) -> None:
        _check_int(self.tile_px, "tile_px", MIN_TILE_PX,
                   "Kantenlänge einer Kachel in Pixeln, z. B. 1024")
        if self.overlap_px is not None:
            _check_int(self.overlap_px, "overlap_px", 0,
                       "Überlappung in Pixeln; None = Halo des Modells")
            if self.overlap_px >= self.tile_px:
                raise ParameterError(
                    f"overlap_px={self.overlap_px} must be smaller than tile_px={self.tile_px}.",
                    message_de=f"Die Überlappung overlap_px={self.overlap_px} muss kleiner sein "
                    f"als die Kachelgröße tile_px={self.tile_px}.")
        if self.n_jobs != -1:
            _check_int(self.n_jobs, "n_jobs", 1, "Anzahl Prozesse; 1 = ohne Parallelisierung, "
                       "-1 = alle Kerne")
        if self.max_tiles_in_flight is not None:
            _check_int(self.max_tiles_in_flight, "max_tiles_in_flight", 1,
                       "Kacheln gleichzeitig in Arbeit")
        _check_number(self.min_mapping_unit_m2, "min_mapping_unit_m2",
                      "kleinste Fläche in m², die erhalten bleibt")
        _check_number(self.simplify_m, "simplify_m", "Toleranz der Vereinfachung in Metern")

    def overlap_for(self, model: PixelModel) -> int:
        """The overlap in pixels used with ``model``."""
        return model.halo if self.overlap_px is None else int(self.overlap_px)

    def workers(self) -> int:
        """Number of worker processes (1 = none)."""
        return (os.cpu_count() or 1) if self.n_jobs == -1 else int(self.n_jobs)


@dataclass
class ClassificationResult:
    """Result of :func:`classify_raster`: the class raster's path, its ``shape`` (rows,
    cols), the number of tiles, the wall time in seconds, the throughput in megapixels per
    second, the overlap and workers used, and German ``notes``."""

    dst_path: Path
    shape: tuple[int, int]
    n_tiles: int
    seconds: float
    megapixels_per_second: float
    tile_px: int
    overlap_px: int
    n_jobs: int
    notes: list[str] = field(default_factory=list)


@dataclass
class PipelineResult:
    """Result of :func:`run_pipeline`: the classification, the polygons (GeoDataFrame) and
    their GeoPackage, and the class areas per polygon of a reference layer (or None)."""

    classification: ClassificationResult
    polygons: object
    geopackage: Path
    areas: object | None
    notes: list[str] = field(default_factory=list)


def classify_raster(src_path: str | os.PathLike, model: PixelModel,
                    dst_path: str | os.PathLike, config: PipelineConfig | None = None, *,
                    progress: Callable[[int, int], None] | None = None
                    ) -> ClassificationResult:
    """Classify the image ``src_path`` tile by tile into a class raster at ``dst_path``.

    The output is a GeoTIFF (uint8, one band, 0 = no data, same transform and CRS as the
    image, DEFLATE-compressed, tiled), written atomically. Pixels the image marks as no data
    (nodata value, mask or alpha band) get 0. ``progress(done, total)`` is called after every
    tile. Errors of the image (no CRS, degrees, too few bands) come from
    :func:`~urbanki_helpers.imagery.raster.read_image`.
    """
    config = config or PipelineConfig()
    if not isinstance(model, PixelModel):
        raise ParameterError(
            f"model must be a PixelModel (see load_model), got {type(model).__name__}.",
            message_de=f"model muss ein PixelModel sein (siehe load_model), nicht "
            f"{type(model).__name__}.")
    src_path, dst_path = Path(src_path), Path(dst_path)
    if src_path.resolve() == dst_path.resolve():
        raise ParameterError(
            f"The class raster cannot overwrite the image {src_path}; choose another dst_path.",
            message_de=f"Das Klassenraster darf das Luftbild {src_path} nicht überschreiben; "
            "wählen Sie einen anderen dst_path.")
    width, height, n_bands, profile = _image_profile(src_path)
    model.check_bands(n_bands, name=f"Das Bild {src_path.name}")
    overlap = config.overlap_for(model)
    tiles = tile_windows(width, height, tile_px=config.tile_px, overlap_px=overlap)
    workers = min(config.workers(), len(tiles))
    notes = []
    if overlap < model.halo:
        notes.append(f"Überlappung {overlap} px ist kleiner als der Halo des Modells "
                     f"({model.halo} px): An Kachelgrenzen kann das Ergebnis von einem "
                     "Durchlauf über das ganze Bild abweichen.")
    if workers < config.workers():
        notes.append(f"Nur {len(tiles)} Kachel(n): {workers} statt {config.workers()} "
                     "Prozesse genutzt.")
    start = time.perf_counter()
    with atomic_path(dst_path) as tmp:
        with rasterio.open(tmp, "w", **_output_profile(profile, width, height,
                                                       config.tile_px)) as dst:
            for done, (tile, core) in enumerate(
                    _classified_tiles(src_path, model, tiles, workers,
                                      config.max_tiles_in_flight), start=1):
                dst.write(core, 1, window=tile.core)
                if progress is not None:
                    progress(done, len(tiles))
    seconds = time.perf_counter() - start
    return ClassificationResult(
        dst_path=dst_path, shape=(height, width), n_tiles=len(tiles), seconds=seconds,
        megapixels_per_second=width * height / 1e6 / max(seconds, 1e-9),
        tile_px=config.tile_px, overlap_px=overlap, n_jobs=workers, notes=notes)


def classify_array(bands: np.ndarray, model: PixelModel, *, valid: np.ndarray | None = None
                   ) -> np.ndarray:
    """Classify a whole image array (band, row, col) in one pass: (rows, cols) uint8; pixels
    where ``valid`` (e.g. ``ImageData.valid``) is False get 0.

    For comparison with the tiled result; use :func:`classify_raster` for large rasters.
    """
    return model.predict(np.asarray(bands), valid=valid)


def compare_tiled_with_single(tiled: np.ndarray, single: np.ndarray, tiles: list[Tile], *,
                              seam_px: int) -> dict:
    """Compare a tiled classification with a single pass.

    Counts differing pixels within ``seam_px`` pixels of a border between tile cores and away
    from them. Returns a dict: ``pixels``, ``differing``, ``share_differing``,
    ``seam_pixels``, ``differing_near_seams``, ``differing_away_from_seams``,
    ``share_differing_near_seams`` (of the seam pixels) and ``identical``.
    """
    tiled, single = np.asarray(tiled), np.asarray(single)
    if tiled.shape != single.shape or tiled.ndim != 2:
        raise DataError(
            f"Both classifications must be 2-D arrays of the same shape, got {tiled.shape} and "
            f"{single.shape}.",
            message_de=f"Beide Klassifikationen müssen 2-D-Arrays gleicher Form sein, erhalten "
            f"{tiled.shape} und {single.shape}.")
    height, width = tiled.shape
    near = seam_mask(width, height, tiles, seam_px=seam_px)
    differ = tiled != single
    n_near = int(near.sum())
    diff_near = int((differ & near).sum())
    return {
        "pixels": int(differ.size),
        "differing": int(differ.sum()),
        "share_differing": float(differ.mean()) if differ.size else 0.0,
        "seam_pixels": n_near,
        "differing_near_seams": diff_near,
        "differing_away_from_seams": int((differ & ~near).sum()),
        "share_differing_near_seams": diff_near / n_near if n_near else 0.0,
        "identical": not bool(differ.any()),
    }


def run_pipeline(src_path: str | os.PathLike, model: PixelModel,
                 out_dir: str | os.PathLike, config: PipelineConfig | None = None, *,
                 polygons=None, id_column: str | None = None,
                 classes: list[int] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> PipelineResult:
    """Image to results: class raster (``klassen.tif``), polygons (``klassen.gpkg``, layer
    ``klassen``) and, with a reference layer ``polygons`` (parcels, buildings) and its
    ``id_column``, the class areas in m² per polygon."""
    from urbanki_helpers.imagery.vectorize import (
        aggregate_to_polygons,
        export_geopackage,
        vectorize_raster,
    )

    config = config or PipelineConfig()
    out_dir = Path(out_dir)
    result = classify_raster(src_path, model, out_dir / "klassen.tif", config,
                             progress=progress)
    gdf = vectorize_raster(result.dst_path, classes=classes,
                           min_mapping_unit_m2=config.min_mapping_unit_m2,
                           simplify_m=config.simplify_m, tile_px=max(config.tile_px, 1024))
    gpkg = export_geopackage(gdf, out_dir / "klassen.gpkg", layer="klassen")
    areas = None
    notes = list(result.notes)
    if polygons is not None:
        if id_column is None:
            raise ParameterError(
                "With polygons, id_column must name their identifier column.",
                message_de="Mit polygons muss id_column die Spalte mit der Kennung nennen.")
        areas = aggregate_to_polygons(result.dst_path, polygons, id_column=id_column,
                                      tile_px=max(config.tile_px, 1024))
        notes += list(getattr(areas, "attrs", {}).get("notes", []))
    return PipelineResult(classification=result, polygons=gdf, geopackage=gpkg, areas=areas,
                          notes=notes)


# --- reading ---------------------------------------------------------------------------------


def _image_profile(path: Path) -> tuple[int, int, int, dict]:
    """Width, height, number of image bands (without alpha) and the profile of the image;
    validated by :func:`~urbanki_helpers.imagery.raster.read_image` on one pixel, the same
    check every tile gets (file exists, CRS in metres, north-up grid, 3 or 4 bands)."""
    first = read_image(path, window=Window(0, 0, 1, 1))
    with rasterio.open(path) as src:
        width, height, profile = src.width, src.height, dict(src.profile)
    return width, height, int(first.bands.shape[0]), profile


# --- classifying and writing -----------------------------------------------------------------


def _classify_tile(src_path: Path, model: PixelModel, tile: Tile) -> np.ndarray:
    image = read_image(src_path, window=tile.read)
    labels = model.predict(image.bands, valid=image.valid)
    return labels[tile.core_slices]


_WORKER: dict = {}


def _init_worker(model: PixelModel) -> None:
    _WORKER["model"] = model


def _worker_tile(src_path: Path, tile: Tile):
    """(core labels, None) or (None, error parts): the package's errors are passed back as
    parts because pickling an exception would lose its German message."""
    try:
        return _classify_tile(src_path, _WORKER["model"], tile), None
    except UrbanKIError as exc:
        return None, (type(exc), exc.message, exc.message_de)


def _classified_tiles(src_path: Path, model: PixelModel, tiles: list[Tile], workers: int,
                      in_flight: int | None):
    """Yield (tile, core labels) in completion order, with at most ``in_flight`` tiles
    submitted but not yet yielded."""
    if workers <= 1:
        for tile in tiles:
            yield tile, _classify_tile(src_path, model, tile)
        return
    limit = in_flight or 2 * workers
    try:
        yield from _pooled_tiles(src_path, model, tiles, workers, limit)
    except BrokenProcessPool as exc:
        raise UrbanKIError(
            f"A worker process ended abruptly ({exc}): usually too little memory for "
            f"{workers} processes, or (in a script) the call is not under "
            "'if __name__ == \"__main__\":'. Use fewer processes (n_jobs) or smaller tiles "
            "(tile_px).",
            message_de=f"Ein Arbeitsprozess wurde abgebrochen ({exc}): meist zu wenig "
            f"Arbeitsspeicher für {workers} Prozesse, oder (in einem Skript) steht der Aufruf "
            "nicht unter 'if __name__ == \"__main__\":'. Verwenden Sie weniger Prozesse "
            "(n_jobs) oder kleinere Kacheln (tile_px).") from exc


def _pool_context():
    """forkserver where available (POSIX): workers are forked from a clean server process
    that has imported this module once, so they start fast and inherit no open GDAL
    datasets or threads; elsewhere (Windows) spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])  # no effect once the server runs
        return context
    return multiprocessing.get_context("spawn")


def _pooled_tiles(src_path: Path, model: PixelModel, tiles: list[Tile], workers: int,
                  limit: int):
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                             initializer=_init_worker, initargs=(model,)) as pool:
        pending = {}
        queue = iter(tiles)
        for tile in queue:
            pending[pool.submit(_worker_tile, src_path, tile)] = tile
            if len(pending) >= limit:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                tile = pending.pop(future)
                core, error = future.result()
                if error is not None:
                    cls, message, message_de = error
                    raise cls(message, message_de=message_de)
                yield tile, core
            for tile in queue:
                pending[pool.submit(_worker_tile, src_path, tile)] = tile
                if len(pending) >= limit:
                    break


def _output_profile(profile: dict, width: int, height: int, tile_px: int) -> dict:
    block = next((b for b in (512, 256, 128, 64, 32, 16) if tile_px % b == 0), 256)
    return {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "uint8",
        "nodata": NODATA,
        "crs": profile["crs"],
        "transform": profile["transform"],
        "tiled": True,
        "blockxsize": block,
        "blockysize": block,
        "compress": "DEFLATE",
        "BIGTIFF": "IF_SAFER",
    }


# --- validation ------------------------------------------------------------------------------


def _check_int(value: object, name: str, minimum: int, what_de: str) -> None:
    if (not isinstance(value, (int, np.integer)) or isinstance(value, bool)
            or value < minimum):
        raise ParameterError(
            f"{name} must be a whole number of at least {minimum}, got {value!r}.",
            message_de=f"{name} ({what_de}) muss eine ganze Zahl von mindestens {minimum} "
            f"sein, nicht {value!r}.")


def _check_number(value: object, name: str, what_de: str) -> None:
    if (not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool)
            or not np.isfinite(value) or value < 0):
        raise ParameterError(
            f"{name} must be a number of at least 0, got {value!r}.",
            message_de=f"{name} ({what_de}) muss eine Zahl ab 0 sein, nicht {value!r}.")
