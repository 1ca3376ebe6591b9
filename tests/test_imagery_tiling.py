"""Tiles cover a raster exactly once; read windows add the overlap, clipped to the raster."""

from __future__ import annotations

import numpy as np
import pytest

from urbanki_helpers.errors import ParameterError
from urbanki_helpers.imagery.tiling import seam_mask, tile_windows


@pytest.mark.parametrize(("width", "height", "tile_px", "overlap"), [
    (100, 100, 50, 0),       # exact multiple
    (101, 99, 50, 5),        # non-multiples, one short row/column
    (17, 1000, 16, 3),       # one pixel left over
    (10, 7, 1024, 0),        # raster smaller than one tile
    (1000, 1, 64, 10),       # one row
    (333, 257, 100, 99),     # overlap just below the tile size
])
def test_cores_cover_the_raster_exactly_once(width, height, tile_px, overlap):
    tiles = tile_windows(width, height, tile_px=tile_px, overlap_px=overlap)
    count = np.zeros((height, width), dtype=int)
    for tile in tiles:
        core, read = tile.core, tile.read
        count[int(core.row_off):int(core.row_off + core.height),
              int(core.col_off):int(core.col_off + core.width)] += 1
        # read window: the core grown by the overlap, clipped to the raster
        assert read.row_off == max(0, core.row_off - overlap)
        assert read.col_off == max(0, core.col_off - overlap)
        assert read.row_off + read.height == min(height, core.row_off + core.height + overlap)
        assert read.col_off + read.width == min(width, core.col_off + core.width + overlap)
        # the core lies at its offsets within the read window
        assert tile.row_offset == core.row_off - read.row_off
        assert tile.col_offset == core.col_off - read.col_off
        rows, cols = tile.core_slices
        assert rows.stop - rows.start == core.height and cols.stop - cols.start == core.width
        assert tile.core_shape == (core.height, core.width)
        assert tile.read_shape == (read.height, read.width)
        assert core.width <= tile_px and core.height <= tile_px
    assert (count == 1).all()
    assert [t.index for t in tiles] == list(range(len(tiles)))


def test_tiles_are_in_row_major_order():
    tiles = tile_windows(250, 130, tile_px=100)
    assert [(t.tile_row, t.tile_col) for t in tiles] == [(r, c) for r in range(2)
                                                         for c in range(3)]
    offsets = [(t.core.row_off, t.core.col_off) for t in tiles]
    assert offsets == sorted(offsets)


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"tile_px": 15}, "tile_px"),
    ({"tile_px": 64.0}, "tile_px"),
    ({"overlap_px": -1}, "overlap_px"),
    ({"tile_px": 32, "overlap_px": 32}, "kleiner"),
    ({"tile_px": True}, "tile_px"),
])
def test_bad_parameters_are_refused(kwargs, word):
    with pytest.raises(ParameterError) as info:
        tile_windows(100, 100, **kwargs)
    assert word in info.value.message_de


def test_empty_raster_is_refused():
    with pytest.raises(ParameterError):
        tile_windows(0, 10)


def test_seam_mask_marks_pixels_near_inner_borders_only():
    tiles = tile_windows(40, 24, tile_px=20)
    mask = seam_mask(40, 24, tiles, seam_px=2)
    # inner borders: between columns 19 and 20, between rows 19 and 20
    assert mask[:, 18:22].all() and mask[18:22, :].all()
    assert not mask[:18, :18].any() and not mask[:18, 22:].any()
    assert mask.sum() == 4 * 24 + 4 * 40 - 16
    assert not seam_mask(40, 24, tiles, seam_px=0).any()
    assert seam_mask(40, 24, tile_windows(40, 24, tile_px=64), seam_px=3).sum() == 0
