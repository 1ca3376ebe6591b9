"""Tiles of a large raster: windows that are read and processed one at a time.

Every tile has a *core*, the part of the raster it is responsible for, and a *read* window,
the core grown by ``overlap_px`` pixels on every side and clipped to the raster. The cores
cover the raster exactly once (no gap, no overlap), so writing every tile's core gives the
whole result. Reading the larger window lets neighbourhood features near the core's edge see
the same pixels as in a single pass over the whole raster: with ``overlap_px`` at least the
features' :func:`~urbanki_helpers.imagery.features.halo`, tiled and single-pass results are
identical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio.windows import Window

from urbanki_helpers.errors import ParameterError

__all__ = ["MIN_TILE_PX", "Tile", "seam_mask", "tile_windows"]

MIN_TILE_PX = 16  # smallest tile edge in pixels


@dataclass(frozen=True)
class Tile:
    """One tile of a raster (all values in pixels).

    ``core`` is the window the tile is responsible for; ``read`` the core grown by the overlap
    and clipped to the raster; ``row_offset``/``col_offset`` where the core starts inside the
    read window; ``index`` the position in row-major order, ``tile_row``/``tile_col`` the
    position in the grid of tiles.
    """

    index: int
    tile_row: int
    tile_col: int
    core: Window
    read: Window
    row_offset: int
    col_offset: int

    @property
    def core_slices(self) -> tuple[slice, slice]:
        """Slices (rows, cols) that cut the core out of an array of the read window."""
        return (slice(self.row_offset, self.row_offset + int(self.core.height)),
                slice(self.col_offset, self.col_offset + int(self.core.width)))

    @property
    def core_shape(self) -> tuple[int, int]:
        """(rows, cols) of the core."""
        return int(self.core.height), int(self.core.width)

    @property
    def read_shape(self) -> tuple[int, int]:
        """(rows, cols) of the read window."""
        return int(self.read.height), int(self.read.width)


def tile_windows(width: int, height: int, *, tile_px: int = 1024, overlap_px: int = 0
                 ) -> list[Tile]:
    """Tiles of a raster of ``width`` × ``height`` pixels, in row-major order.

    Cores are ``tile_px`` × ``tile_px`` pixels (smaller in the last row and column); read
    windows add ``overlap_px`` pixels on every side, clipped to the raster.
    """
    _check_int(width, "width", 1, "die Breite des Rasters in Pixeln")
    _check_int(height, "height", 1, "die Höhe des Rasters in Pixeln")
    _check_int(tile_px, "tile_px", MIN_TILE_PX, "die Kachelgröße in Pixeln")
    _check_int(overlap_px, "overlap_px", 0, "die Überlappung in Pixeln")
    if overlap_px >= tile_px:
        raise ParameterError(
            f"overlap_px={overlap_px} must be smaller than tile_px={tile_px}; otherwise every "
            "tile would read more of its neighbours than of itself. Use a smaller overlap or "
            "larger tiles.",
            message_de=f"Die Überlappung overlap_px={overlap_px} muss kleiner sein als die "
            f"Kachelgröße tile_px={tile_px}, sonst läse jede Kachel mehr von den Nachbarn als "
            "von sich selbst. Wählen Sie eine kleinere Überlappung oder größere Kacheln.")
    tiles = []
    for tile_row, row in enumerate(range(0, height, tile_px)):
        rows = min(tile_px, height - row)
        for tile_col, col in enumerate(range(0, width, tile_px)):
            cols = min(tile_px, width - col)
            r0, c0 = max(0, row - overlap_px), max(0, col - overlap_px)
            r1 = min(height, row + rows + overlap_px)
            c1 = min(width, col + cols + overlap_px)
            tiles.append(Tile(
                index=len(tiles), tile_row=tile_row, tile_col=tile_col,
                core=Window(col, row, cols, rows),
                read=Window(c0, r0, c1 - c0, r1 - r0),
                row_offset=row - r0, col_offset=col - c0,
            ))
    return tiles


def seam_mask(width: int, height: int, tiles: list[Tile], *, seam_px: int) -> np.ndarray:
    """Boolean array (height, width): True for pixels within ``seam_px`` pixels of a border
    between two tile cores (the raster's own edge is no seam)."""
    _check_int(seam_px, "seam_px", 0, "die Breite des Nahtbereichs in Pixeln")
    near_col = np.zeros(width, dtype=bool)
    near_row = np.zeros(height, dtype=bool)
    if seam_px > 0:
        for border in {int(t.core.col_off) for t in tiles} - {0}:
            near_col[max(0, border - seam_px):border + seam_px] = True
        for border in {int(t.core.row_off) for t in tiles} - {0}:
            near_row[max(0, border - seam_px):border + seam_px] = True
    return near_row[:, None] | near_col[None, :]


def _check_int(value: object, name: str, minimum: int, what_de: str) -> None:
    if (not isinstance(value, (int, np.integer)) or isinstance(value, bool)
            or value < minimum):
        raise ParameterError(
            f"{name} must be a whole number of at least {minimum}, got {value!r}.",
            message_de=f"{name} ({what_de}) muss eine ganze Zahl von mindestens {minimum} sein, "
            f"nicht {value!r}.")
