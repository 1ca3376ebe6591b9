"""Synthetic two-epoch 4-band orthophoto of a residential block of the fictional town
Musterstadt (NRW), with a label raster, parcels, buildings and the true changes.

All data made here is SYNTHETIC. The scene is built in two steps so that large scenes fit into
bounded memory:

1. :func:`layout_scene` draws a vector layout of the whole scene (streets, parcels, buildings
   with roof facets, solar arrays, green roofs, gardens, trees, cars) and the shadows of
   buildings, trees, hedges and cars as polygons for each flight (epoch), and computes the
   true areas per parcel and building.
2. :func:`render` turns any window of the layout into image and label arrays. Every random
   texture and the sensor noise are functions of the global pixel position (hashed lattice
   noise, random blocks seeded from ``(seed, epoch, block row, block column)``), and the
   blur is computed with a margin, so a window is exactly the same as the corresponding part
   of the whole scene. :func:`write_scene` renders strip by strip into tiled GeoTIFFs.

Internally all geometries are in *global pixel coordinates*: x = column, y = row (growing to
the right and downwards); pixel ``(row, col)`` covers ``[col, col + 1) x [row, row + 1)``.
Rectangles are snapped to whole pixels, so parcels tile the raster exactly. The public
GeoDataFrames are in EPSG:25832 (metres).

Units: sizes in pixels (px) or metres (m) as named; areas in m²; heights in m; angles in
degrees; image values are digital numbers (DN, 0–255).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
from affine import Affine
from rasterio.enums import ColorInterp
from rasterio.features import rasterize
from rasterio.windows import Window
from shapely.geometry import Polygon, box

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.data.tables import write_table
from urbanki_helpers.errors import ParameterError
from urbanki_helpers.imagery.classes import CLASSES, NODATA

__all__ = [
    "BAND_NAMES", "CRS", "DEFAULT_ORIGIN", "EPOCHS", "FLIGHTS", "GEMARKUNG", "SEED", "Flight",
    "SceneLayout", "file_names", "layout_scene", "render", "render_labels", "true_changes",
    "write_scene",
]

SEED = 20250630
CRS = "EPSG:25832"
EPOCHS = (2023, 2025)
DEFAULT_ORIGIN = (371_600.0, 5_713_700.0)  # top-left corner (EPSG:25832 easting, northing; m)
GEMARKUNG = "053999"  # fictional Gemarkung number (Land 05 = NRW, Gemarkung 3999)
BAND_NAMES = ("rot", "gruen", "blau", "nir")
OGR_DATE = "2025-06-30T00:00:00Z"  # fixed GeoPackage time stamp: same bytes on every run

MIN_SIZE_PX = 200
MAX_SIZE_PX = 100_000
MAX_WHOLE_SCENE_PX = 25_000_000  # render(window=None) refuses larger scenes (memory)

_SHADOW = 8  # class code of shadow
_N_CLASSES = 9  # codes 0..8
_SEALED = np.array([False] + [c.sealed for c in CLASSES], dtype=bool)
_FACTOR = np.array([0.0] + [c.sealing_factor for c in CLASSES])
_MARGIN = 2  # px rendered around a window so that the blur (radius 1 px) is exact
_BLOCK = 256  # side of the random-number blocks of the noise (px)
_STRIP = 512  # rows per strip of the truth computation


@dataclass(frozen=True)
class Flight:
    """Conditions of one aerial survey: sun position (degrees; azimuth clockwise from north),
    overall colour balance (``gain`` per band, ``offset`` in DN), extra dryness of lawns
    (0–1), the size of one aerial image of the mosaic (``frame_m``, m; brightness seams and
    vignetting) and the sensor noise (DN, standard deviation before the resampling blur)."""

    sun_azimuth_deg: float
    sun_elevation_deg: float
    gain: tuple[float, float, float, float]
    offset: tuple[float, float, float, float]
    dryness: float
    frame_m: float
    noise_dn: float


#: The two flights: early afternoon in late spring, and a hazier, drier late-morning flight in
#: high summer two years later (other sun, other colour balance, drier lawns).
FLIGHTS = (
    Flight(152.0, 52.0, (1.0, 1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0), 0.0, 360.0, 1.2),
    Flight(207.0, 58.0, (1.04, 1.02, 0.94, 0.97), (1.0, 2.0, 7.0, 0.0), 0.1, 430.0, 1.4),
)
_SHOT = 0.008  # signal-dependent part of the sensor noise (DN per DN)
_AMBIENT = np.array([0.36, 0.38, 0.48, 0.3], dtype=np.float32)  # share of skylight per band

# --------------------------------------------------------------------------- materials

_PLAIN, _LAWN, _CROWN, _PV, _TILES, _GRID = range(6)


@dataclass(frozen=True)
class _Material:
    rgbn: tuple[float, float, float, float]  # red, green, blue, near infrared (DN, full sun)
    alt: tuple[float, float, float, float]  # second colour (dry grass, moss, frames, concrete)
    cls: int
    kind: int
    fine: float  # amplitude of the per-pixel texture (relative)
    smooth: float  # amplitude of the patchy texture at ~2 m (relative)


def _mat(rgbn, cls, kind=_PLAIN, fine=0.04, smooth=0.04, alt=None) -> _Material:
    return _Material(tuple(map(float, rgbn)), tuple(map(float, alt or rgbn)), cls, kind,
                     fine, smooth)


_MOSS = (84, 94, 58, 136)
MATERIALS: dict[str, _Material] = {
    # vegetation and open soil (class 6); open soil counts as unsealed (Vegetation)
    "rasen": _mat((66, 103, 52, 204), 6, _LAWN, 0.049, 0.07, alt=(140, 131, 92, 136)),
    "wiese": _mat((76, 102, 58, 184), 6, _LAWN, 0.056, 0.08, alt=(150, 138, 98, 140)),
    "boden": _mat((122, 101, 80, 124), 6, _PLAIN, 0.042, 0.1),
    "beet": _mat((82, 90, 58, 152), 6, _PLAIN, 0.084, 0.1),
    "hecke": _mat((40, 72, 37, 164), 6, _PLAIN, 0.084, 0.12),
    "laubbaum": _mat((50, 86, 44, 194), 6, _CROWN, 0.056, 0.0),
    "nadelbaum": _mat((34, 58, 40, 134), 6, _CROWN, 0.056, 0.0),
    # sealed ground (class 4)
    "asphalt": _mat((87, 88, 91, 91), 4, _PLAIN, 0.028, 0.07),
    "asphalt_neu": _mat((62, 63, 66, 64), 4, _PLAIN, 0.021, 0.03),
    "pflaster_grau": _mat((142, 137, 128, 142), 4, _PLAIN, 0.049, 0.04),
    "pflaster_rot": _mat((148, 98, 84, 122), 4, _PLAIN, 0.049, 0.04),
    "pflaster_anthrazit": _mat((84, 84, 87, 86), 4, _PLAIN, 0.049, 0.04),
    "holz": _mat((132, 100, 74, 124), 4, _PLAIN, 0.042, 0.04),
    "bordstein": _mat((168, 166, 160, 160), 4, _PLAIN, 0.021, 0.02),
    "markierung": _mat((214, 213, 207, 205), 4, _PLAIN, 0.021, 0.02),
    # partly sealed ground (class 5)
    "kiesflaeche": _mat((166, 160, 148, 163), 5, _PLAIN, 0.063, 0.05),
    "schotter": _mat((132, 132, 134, 136), 5, _PLAIN, 0.07, 0.05),
    "rasengitter": _mat((80, 104, 60, 164), 5, _GRID, 0.042, 0.05, alt=(152, 148, 140, 150)),
    "wassergebunden": _mat((176, 160, 130, 170), 5, _PLAIN, 0.035, 0.06),
    # water (class 7)
    "wasser": _mat((36, 52, 50, 18), 7, _PLAIN, 0.014, 0.05),
    # roofs (class 1)
    "ziegel_rot": _mat((160, 78, 58, 118), 1, _TILES, 0.035, 0.04, alt=_MOSS),
    "ziegel_rot_verwittert": _mat((126, 80, 66, 108), 1, _TILES, 0.042, 0.07, alt=_MOSS),
    "ziegel_braun": _mat((104, 72, 58, 94), 1, _TILES, 0.035, 0.05, alt=_MOSS),
    "ziegel_rot_neu": _mat((182, 70, 50, 126), 1, _TILES, 0.021, 0.02, alt=_MOSS),
    "betonstein_anthrazit": _mat((76, 78, 82, 80), 1, _TILES, 0.035, 0.06, alt=_MOSS),
    "betonstein_anthrazit_neu": _mat((56, 58, 63, 58), 1, _TILES, 0.021, 0.02, alt=_MOSS),
    "schiefer": _mat((62, 66, 74, 66), 1, _TILES, 0.035, 0.03, alt=_MOSS),
    "metall_grau": _mat((158, 164, 170, 158), 1, _TILES, 0.014, 0.03),
    "bitumen": _mat((80, 78, 76, 82), 1, _PLAIN, 0.028, 0.06),
    "kies": _mat((150, 146, 136, 150), 1, _PLAIN, 0.056, 0.05),
    # green roof (class 2): sedum, partly dry and reddish
    "gruendach_sedum": _mat((98, 104, 66, 152), 2, _LAWN, 0.056, 0.08, alt=(128, 98, 78, 128)),
    # solar modules (class 3): dark cells, bright aluminium frames
    "pv": _mat((34, 42, 62, 34), 3, _PV, 0.014, 0.0, alt=(172, 176, 182, 160)),
}
_CAR_COLOURS = ((205, 205, 203, 192), (152, 154, 158, 142), (30, 30, 33, 30), (32, 42, 84, 36),
                (150, 32, 30, 62), (102, 102, 104, 96), (60, 68, 60, 58))
_GLASS = (36, 40, 46, 34)
ROOF_MATERIALS = ("ziegel_rot", "ziegel_rot_verwittert", "ziegel_braun", "ziegel_rot_neu",
                  "betonstein_anthrazit", "betonstein_anthrazit_neu", "schiefer", "metall_grau",
                  "bitumen", "kies", "gruendach_sedum")
_NEW_ROOF = ("ziegel_rot_neu", "betonstein_anthrazit_neu")

_Z_BG, _Z_GROUND, _Z_BED, _Z_PAVE, _Z_STREET, _Z_MARK, _Z_CAR, _Z_GLASS = range(8)
_Z_ROOF, _Z_ROOFADD, _Z_CROWN = 8, 9, 10


# --------------------------------------------------------------------------- records


@dataclass
class _Prim:
    """One drawn surface: a polygon in pixel coordinates with a material."""

    geom: Polygon
    z: int
    material: str
    epochs: tuple[bool, bool] = (True, True)
    cls: int | None = None  # overrides the material's class (cars: class of the ground)
    rgbn: tuple[float, ...] | None = None  # overrides the material's colour (cars)
    var: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)  # colour multipliers
    slope: float = 0.0  # roof facet slope (deg)
    aspect: float = 0.0  # roof facet aspect (deg, clockwise from north)
    params: tuple[float, ...] = ()  # kind-specific, see _epoch_arrays
    dryness: tuple[float, float] = (0.0, 0.0)  # lawns: dry share per epoch (0–1)
    glint: tuple[float, float] = (1.0, 1.0)  # solar modules: brightness per epoch


@dataclass
class _Caster:
    """Something that casts a shadow: its footprint (px), points (x, y, height in m) whose
    shadows span the shadow together with the footprint (trees: without the footprint, plus
    the shadow of the trunk), and the epochs it exists in."""

    footprint: Polygon
    points: list[tuple[float, float, float]]
    top_m: float
    epochs: tuple[bool, bool] = (True, True)
    building: int | None = None  # index of the building that casts it
    trunk: tuple[float, float, float, float] | None = None  # trees: x, y, crown base (m), r


@dataclass
class _Building:
    parcel: int
    rect: tuple[int, int, int, int]  # u0, v0, u1, v1 (px)
    art: str  # wohngebaeude | nichtwohngebaeude
    main: bool
    funktion: str
    dachform: str  # sattel | walm | flach | pult
    ridge: str  # "u" (ridge along the columns, east-west) or "v" (north-south)
    slope: float
    eave_m: float
    top_m: float
    material: list[str | None]
    solar: list[bool]
    green: list[bool]
    exists: list[bool]
    var: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    high_side: str = "v0"  # mono-pitch roofs: the high side (v0, v1, u0, u1)
    pv: list[tuple[tuple[float, float, float, float], float, float, tuple[bool, bool]]] = \
        field(default_factory=list)  # (rect, module width px, module height px, epochs)
    change: str | None = None
    new_material: str | None = None

    @property
    def footprint(self) -> Polygon:
        return box(*self.rect)


@dataclass
class _Parcel:
    rect: tuple[int, int, int, int]  # full, unclipped (px)
    front: str  # "top" (street at v0), "bottom" (street at v1), "" for streets
    nutzung: str
    kind: str  # wohnen, reihen, baulücke, gewerbe, park, strasse
    geom: Polygon | None = None  # clipped to the scene
    spec: dict | None = None  # terraced houses: what the units of one row share


@dataclass
class _EpochData:
    """Lookup tables of one epoch: entry k + 1 describes the k-th drawn surface."""

    geoms: list
    tree: shapely.STRtree
    cls: np.ndarray
    colour: np.ndarray  # (4, n + 1) float32
    alt: np.ndarray  # (4, n + 1) float32
    kind: np.ndarray
    fine: np.ndarray
    smooth: np.ndarray
    params: np.ndarray  # (4, n + 1) float64
    crown: np.ndarray
    shadows: list
    shadow_tree: shapely.STRtree
    sun_px: tuple[float, float]  # unit vector towards the sun in pixel coordinates


@dataclass
class SceneLayout:
    """The vector layout of a synthetic scene and everything needed to render it.

    ``parcels`` (Flurstücke) and ``buildings`` (Gebäude) are GeoDataFrames in EPSG:25832 with
    the true areas (m²) per epoch; ``changes`` lists the true changes between the two epochs
    (see :func:`true_changes`). ``origin`` is the top-left corner (easting, northing; m),
    ``pixel_m`` the ground resolution (m), ``epochs`` the two survey years.
    """

    width_px: int
    height_px: int
    pixel_m: float
    origin: tuple[float, float]
    seed: int
    epochs: tuple[int, int]
    parcels: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    changes: pd.DataFrame
    crs: str = CRS
    _epoch_data: tuple[_EpochData, _EpochData] | None = field(default=None, repr=False)
    _parcel_geoms: list = field(default_factory=list, repr=False)
    _building_geoms: list = field(default_factory=list, repr=False)
    _building_exists: np.ndarray | None = field(default=None, repr=False)

    @property
    def transform(self) -> Affine:
        """Affine transform of the raster (EPSG:25832, north up)."""
        x0, y0 = self.origin
        return Affine(self.pixel_m, 0.0, x0, 0.0, -self.pixel_m, y0)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in EPSG:25832 metres."""
        x0, y0 = self.origin
        return (x0, y0 - self.height_px * self.pixel_m, x0 + self.width_px * self.pixel_m, y0)


# --------------------------------------------------------------------------- validation


def _check_int(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(
            f"{name} must be a whole number between {low} and {high}, got {value!r}.",
            message_de=f"{name} muss eine ganze Zahl zwischen {low} und {high} sein, "
            f"angegeben: {value!r}.",
        )
    if not low <= int(value) <= high:
        raise ParameterError(
            f"{name} must be between {low} and {high}, got {value}.",
            message_de=f"{name} muss zwischen {low} und {high} liegen, angegeben: {value}.",
        )
    return int(value)


def _check_pixel(pixel_m) -> float:
    ok = (isinstance(pixel_m, (int, float, np.floating, np.integer))
          and not isinstance(pixel_m, bool) and math.isfinite(pixel_m))
    if not ok or not 0.05 <= float(pixel_m) <= 1.0:
        raise ParameterError(
            f"pixel_m (ground resolution) must be a positive number of metres between 0.05 and "
            f"1.0, got {pixel_m!r}.",
            message_de=f"pixel_m (Bodenauflösung) muss eine positive Zahl in Metern zwischen "
            f"0,05 und 1,0 sein, angegeben: {pixel_m!r}.",
        )
    return float(pixel_m)


def _check_origin(origin) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in origin)
        ok = math.isfinite(x) and math.isfinite(y) and not isinstance(origin, str)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(
            f"origin must be the top-left corner as (easting, northing) in EPSG:25832 metres, "
            f"got {origin!r}.",
            message_de=f"origin muss die linke obere Ecke als (Rechtswert, Hochwert) in "
            f"EPSG:25832 (Meter) sein, angegeben: {origin!r}.",
        )
    return (x, y)


def _check_epochs(epochs) -> tuple[int, int]:
    try:
        a, b = epochs
        ok = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                 and 1900 <= v <= 2100 for v in (a, b)) and a < b
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(
            f"epochs must be two survey years in increasing order, such as (2023, 2025), got "
            f"{epochs!r}.",
            message_de=f"epochs müssen zwei Befliegungsjahre in aufsteigender Reihenfolge sein, "
            f"z. B. (2023, 2025), angegeben: {epochs!r}.",
        )
    return (int(a), int(b))


def _epoch_index(layout: SceneLayout, epoch) -> int:
    if not isinstance(epoch, bool) and epoch in layout.epochs:
        return layout.epochs.index(epoch)
    raise ParameterError(
        f"epoch must be one of the scene's survey years {layout.epochs}, got {epoch!r}.",
        message_de=f"epoch muss eines der Befliegungsjahre der Szene sein "
        f"({layout.epochs[0]} oder {layout.epochs[1]}), angegeben: {epoch!r}.",
    )


def _check_window(layout: SceneLayout, window) -> tuple[int, int, int, int]:
    """(row_off, col_off, height, width) of a window inside the scene."""
    if window is None:
        if layout.width_px * layout.height_px > MAX_WHOLE_SCENE_PX:
            raise ParameterError(
                f"The scene has {layout.width_px} x {layout.height_px} pixels, too many to "
                "render at once; pass a window (rasterio.windows.Window) or use write_scene.",
                message_de=f"Die Szene hat {layout.width_px} x {layout.height_px} Pixel, zu "
                "viele für einen Durchgang; übergeben Sie ein Fenster (rasterio.windows."
                "Window) oder verwenden Sie write_scene.",
            )
        return 0, 0, layout.height_px, layout.width_px
    if not isinstance(window, Window):
        raise ParameterError(
            f"window must be a rasterio.windows.Window or None, got {type(window).__name__}.",
            message_de="window muss ein rasterio.windows.Window oder None sein, angegeben: "
            f"{type(window).__name__}.",
        )
    vals = (window.row_off, window.col_off, window.height, window.width)
    if any(float(v) != int(v) for v in vals):
        raise ParameterError(
            f"window must have whole-pixel offsets and sizes, got {window}.",
            message_de=f"window braucht ganzzahlige Versätze und Größen, angegeben: {window}.",
        )
    r0, c0, h, w = (int(v) for v in vals)
    if h < 1 or w < 1 or r0 < 0 or c0 < 0 or r0 + h > layout.height_px \
            or c0 + w > layout.width_px:
        raise ParameterError(
            f"window {window} is empty or not inside the scene of {layout.height_px} rows and "
            f"{layout.width_px} columns.",
            message_de=f"Das Fenster {window} ist leer oder liegt nicht in der Szene mit "
            f"{layout.height_px} Zeilen und {layout.width_px} Spalten.",
        )
    return r0, c0, h, w


# --------------------------------------------------------------------------- noise


_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _hash01(key: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Uniform numbers in [0, 1) from integer coordinates (splitmix64 mixing; float64)."""
    x = (np.asarray(i).astype(np.uint64) * _K1) ^ (np.asarray(j).astype(np.uint64) * _K2)
    x = x ^ np.uint64(key & 0xFFFFFFFFFFFFFFFF)
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(40)).astype(np.float64) * (2.0 ** -24)


def _key(seed: int, *parts: int) -> int:
    k = seed & 0xFFFFFFFF
    for p in parts:
        k = (k * 1_000_003 + p + 0x9E37) & 0xFFFFFFFFFFFFFFFF
    return k


def _value_noise(key: int, r0: int, r1: int, c0: int, c1: int, cell: float) -> np.ndarray:
    """Smooth noise in [0, 1] with features of ``cell`` px, as a function of the global pixel
    centre only (float32, shape (r1 - r0, c1 - c0))."""
    gr = (np.arange(r0, r1, dtype=np.float64) + 0.5) / cell
    gc = (np.arange(c0, c1, dtype=np.float64) + 0.5) / cell
    ir = np.floor(gr).astype(np.int64)
    ic = np.floor(gc).astype(np.int64)
    fr = gr - ir
    fc = gc - ic
    fr = (fr * fr * (3.0 - 2.0 * fr)).astype(np.float32)
    fc = (fc * fc * (3.0 - 2.0 * fc)).astype(np.float32)
    i0, j0 = int(ir[0]), int(ic[0])
    ii, jj = np.meshgrid(np.arange(i0, int(ir[-1]) + 2), np.arange(j0, int(ic[-1]) + 2),
                         indexing="ij")
    lat = _hash01(key, ii, jj).astype(np.float32)
    a = lat[ir - i0]
    rows = a + (lat[ir - i0 + 1] - a) * fr[:, None]
    left = rows[:, ic - j0]
    return left + (rows[:, ic - j0 + 1] - left) * fc[None, :]


def _white(keys: tuple[int, ...], r0: int, r1: int, c0: int, c1: int, n: int) -> np.ndarray:
    """Noise with mean 0 and standard deviation 1 (sum of two uniforms, float32), shape
    (n, r1 - r0, c1 - c0); made in fixed blocks seeded from ``keys`` and the block position,
    so it does not depend on the window."""
    out = np.empty((n, r1 - r0, c1 - c0), dtype=np.float32)
    b = _BLOCK
    for br in range(r0 // b, (r1 - 1) // b + 1):
        for bc in range(c0 // b, (c1 - 1) // b + 1):
            rng = np.random.default_rng([*keys, br, bc])
            u = rng.random((2, n, b, b), dtype=np.float32)
            block = (u[0] + u[1] - np.float32(1.0)) * np.float32(2.4494898)
            ra, rb = max(r0, br * b), min(r1, (br + 1) * b)
            ca, cb = max(c0, bc * b), min(c1, (bc + 1) * b)
            out[:, ra - r0:rb - r0, ca - c0:cb - c0] = \
                block[:, ra - br * b:rb - br * b, ca - bc * b:cb - bc * b]
    return out


# --------------------------------------------------------------------------- geometry helpers


def _sun_vectors(flight: Flight, pixel_m: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """(unit vector towards the sun, shadow offset per metre of height), both in pixel
    coordinates (x = column, y = row); rounded so tiny libm differences do not matter."""
    az = math.radians(flight.sun_azimuth_deg)
    toward = (round(math.sin(az), 9), round(-math.cos(az), 9))
    length = 1.0 / math.tan(math.radians(flight.sun_elevation_deg)) / pixel_m
    return toward, (round(-toward[0] * length, 9), round(-toward[1] * length, 9))


def _facet_factor(slope: float, aspect: float, flight: Flight) -> float:
    """Brightness of a roof facet relative to flat ground under the same sky (direct sun
    depends on the angle between sun and facet normal; skylight is the same)."""
    if slope <= 0:
        return 1.0
    zen = math.radians(90.0 - flight.sun_elevation_deg)
    s = math.radians(slope)
    cos_i = (math.cos(s) * math.cos(zen) + math.sin(s) * math.sin(zen)
             * math.cos(math.radians(flight.sun_azimuth_deg - aspect)))
    ratio = max(cos_i, 0.0) / math.cos(zen)
    return round(0.3 + 0.7 * ratio ** 0.75, 6)


def _blob(cx: float, cy: float, radius: float, rng: np.random.Generator, *, n: int = 28,
          wobble: float = 0.12) -> Polygon:
    """An irregular round polygon (tree crown, pond); coordinates rounded to 1e-4 px."""
    waves = [(int(k), float(rng.uniform(0, wobble)), float(rng.uniform(0, 2 * math.pi)))
             for k in (2, 3, 5)]
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        rr = radius * (1 + sum(a * math.sin(k * t + ph) for k, a, ph in waves))
        pts.append((round(cx + rr * math.cos(t), 4), round(cy + rr * math.sin(t), 4)))
    return Polygon(pts)


# --------------------------------------------------------------------------- layout


class _Builder:
    """Collects surfaces, buildings, shadow casters and parcels while the layout is drawn."""

    def __init__(self, width_px: int, height_px: int, pixel_m: float,
                 rng: np.random.Generator):
        self.W = width_px
        self.H = height_px
        self.p = pixel_m
        self.rng = rng
        self.prims: list[_Prim] = []
        self.casters: list[_Caster] = []
        self.buildings: list[_Building] = []
        self.parcels: list[_Parcel] = []
        self.scene = box(0, 0, width_px, height_px)

    # sizes
    def px(self, metres: float) -> int:
        return int(round(metres / self.p))

    def u(self, low: float, high: float) -> float:
        """A uniform random number in [low, high) (low if the range is empty)."""
        return float(self.rng.uniform(low, max(high, low)))

    def inside(self, rect, margin_m: float = 0.4) -> bool:
        m = self.px(margin_m)
        return rect[0] >= m and rect[1] >= m and rect[2] <= self.W - m and rect[3] <= self.H - m

    # drawing
    def add(self, geom, z: int, material: str, **kw) -> _Prim | None:
        if geom.is_empty or geom.area <= 0:
            return None
        prim = _Prim(geom, z, material, **kw)
        if "var" not in kw:
            g = self.rng.normal(1.0, 0.05)
            prim.var = tuple(round(g * float(self.rng.normal(1.0, 0.02)), 4) for _ in range(4))
        self.prims.append(prim)
        return prim

    def rect(self, r, z, material, **kw):
        return self.add(box(*r), z, material, **kw)

    def lawn(self, geom, z, material="rasen", dry=(0.1, 0.35), **kw):
        d = self.u(*dry)
        return self.add(geom, z, material, dryness=(round(d, 4), round(d, 4)), **kw)

    def tree(self, cx: float, cy: float, r_m: float, h_m: float, *, conifer: bool = False,
             epochs=(True, True)) -> None:
        r = r_m / self.p
        crown = _blob(cx, cy, r, self.rng, wobble=0.05 if conifer else 0.12)
        self.add(crown, _Z_CROWN, "nadelbaum" if conifer else "laubbaum",
                 params=(cx, cy, r, 1.0 if conifer else 0.0), epochs=epochs)
        if conifer:
            low = 1.5
            pts = [(x, y, low) for x, y in crown.exterior.coords[:-1]] + [(cx, cy, h_m)]
        else:
            low, high = max(h_m - 1.7 * r_m, 1.5), h_m - 0.3 * r_m
            pts = [(x, y, z) for x, y in crown.exterior.coords[:-1] for z in (low, high)]
        self.casters.append(_Caster(crown, pts, h_m, epochs,
                                    trunk=(cx, cy, low, 0.15 / self.p)))

    def box_caster(self, r, height_m: float, epochs=(True, True)) -> None:
        fp = box(*r)
        pts = [(x, y, height_m) for x, y in fp.exterior.coords[:-1]]
        self.casters.append(_Caster(fp, pts, height_m, epochs))

    def car(self, cx: float, cy: float, along_u: bool, cls: int, epochs) -> None:
        w, length = 1.8 / self.p / 2, 4.5 / self.p / 2
        hx, hy = (length, w) if along_u else (w, length)
        colour = _CAR_COLOURS[int(self.rng.integers(len(_CAR_COLOURS)))]
        body = (cx - hx, cy - hy, cx + hx, cy + hy)
        self.rect(body, _Z_CAR, "asphalt", cls=cls, rgbn=colour, epochs=epochs)
        gx, gy = (hx * 0.55, hy * 0.8) if along_u else (hx * 0.8, hy * 0.55)
        self.rect((cx - gx, cy - gy, cx + gx, cy + gy), _Z_GLASS, "asphalt", cls=cls,
                  rgbn=_GLASS, epochs=epochs)
        rx, ry = (hx * 0.3, hy * 0.7) if along_u else (hx * 0.7, hy * 0.3)
        self.rect((cx - rx, cy - ry, cx + rx, cy + ry), _Z_GLASS, "asphalt", cls=cls,
                  rgbn=colour, epochs=epochs)
        self.box_caster(body, 1.5, epochs)


def _parcel_frame(parcel: _Parcel):
    """Map local parcel coordinates (a along the street, b away from it; px) to a global
    rectangle (u0, v0, u1, v1)."""
    u0, v0, u1, v1 = parcel.rect

    def frame(a0, b0, a1, b1):
        if parcel.front == "top":
            return (u0 + a0, v0 + b0, u0 + a1, v0 + b1)
        return (u0 + a0, v1 - b1, u0 + a1, v1 - b0)
    return frame


def _pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    keys = list(options)
    w = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _house(b: _Builder, parcel: int, rect, *, mfh: bool, exists=(True, True),
           material: str | None = None) -> _Building:
    rng = b.rng
    if mfh:
        form = _pick(rng, {"walm": 0.4, "sattel": 0.3, "flach": 0.3})
    else:
        form = _pick(rng, {"sattel": 0.62, "walm": 0.2, "flach": 0.1, "pult": 0.08})
    ridge = "u" if rng.random() < 0.7 else "v"
    span_px = (rect[3] - rect[1]) if ridge == "u" else (rect[2] - rect[0])
    span_m = span_px * b.p
    eave = b.u(8.5, 11.5) if mfh else b.u(5.3, 6.6)
    if form == "flach":
        slope, top = 0.0, eave + 0.4
        mat = material or _pick(rng, {"kies": 0.4, "bitumen": 0.4, "gruendach_sedum": 0.2})
    else:
        slope = {"sattel": b.u(30, 45), "walm": b.u(25, 35), "pult": b.u(8, 15)}[form]
        rise = (span_m if form == "pult" else span_m / 2) * math.tan(math.radians(slope))
        top = eave + rise
        if form == "pult":
            mat = material or _pick(rng, {"metall_grau": 0.5, "betonstein_anthrazit": 0.5})
        else:
            mat = material or _pick(rng, {
                "ziegel_rot": 0.3, "ziegel_rot_verwittert": 0.2, "ziegel_braun": 0.15,
                "betonstein_anthrazit": 0.25, "schiefer": 0.1})
    high = ["v0", "v1"][int(rng.integers(2))] if ridge == "u" else \
        ["u0", "u1"][int(rng.integers(2))]
    green = mat == "gruendach_sedum"
    bld = _Building(parcel, tuple(int(v) for v in rect), "wohngebaeude", True,
                    "mehrfamilienhaus" if mfh else "wohnhaus", form, ridge, round(slope, 1),
                    round(eave, 2), round(top, 1), [mat if exists[0] else None, mat],
                    [False, False], [green and exists[0], green], list(exists),
                    var=_roof_var(rng), high_side=high)
    return bld


def _roof_var(rng) -> tuple[float, float, float, float]:
    g = rng.normal(1.0, 0.06)
    return tuple(round(g * float(rng.normal(1.0, 0.025)), 4) for _ in range(4))


def _small_building(b: _Builder, parcel: int, rect, funktion: str, *, exists=(True, True),
                    height: float = 2.8) -> _Building:
    rng = b.rng
    if funktion == "garage":
        mat = _pick(rng, {"bitumen": 0.5, "kies": 0.25, "gruendach_sedum": 0.2,
                          "metall_grau": 0.08})
        form = "flach"
    else:
        form = "flach" if rng.random() < 0.6 else "sattel"
        mat = _pick(rng, {"bitumen": 0.6, "metall_grau": 0.2, "gruendach_sedum": 0.05,
                          "ziegel_rot": 0.15}) if form == "flach" else \
            _pick(rng, {"bitumen": 0.5, "ziegel_rot": 0.3, "ziegel_braun": 0.2})
        if form == "flach" and mat == "ziegel_rot":
            mat = "bitumen"
    slope = 25.0 if form == "sattel" else 0.0
    span = min(rect[2] - rect[0], rect[3] - rect[1]) * b.p
    top = height + (span / 2 * math.tan(math.radians(slope)) if slope else 0.2)
    green = mat == "gruendach_sedum"
    ridge = "u" if (rect[2] - rect[0]) >= (rect[3] - rect[1]) else "v"
    return _Building(parcel, tuple(int(v) for v in rect), "nichtwohngebaeude", False, funktion,
                     form, ridge, slope, round(height, 2), round(top, 1),
                     [mat if exists[0] else None, mat], [False, False],
                     [green and exists[0], green], list(exists), var=_roof_var(rng))


def _residential(b: _Builder, k: int, empty: bool) -> None:
    """Fill a residential parcel: house, garage or parking pad, paths, terrace, garden."""
    parcel = b.parcels[k]
    rng = b.rng
    frame = _parcel_frame(parcel)
    u0, v0, u1, v1 = parcel.rect
    wp, dp = u1 - u0, v1 - v0
    w_m = wp * b.p
    px = b.px
    base = b.lawn(box(*parcel.rect), _Z_GROUND, "wiese" if empty else "rasen",
                  dry=(0.3, 0.7) if empty else (0.0, 0.4))
    if base is None:
        return
    f = px(b.u(3.0, 6.0))
    mfh = (not empty) and w_m >= 20 and rng.random() < 0.4
    if mfh:
        w = px(b.u(15, min(22, w_m - 5)))
        d = px(b.u(12, 15))
    elif w_m >= 14:
        w = px(b.u(9.5, min(13.5, w_m - 5)))
        d = px(b.u(9.5, 13))
    else:
        w = px(max(6.0, w_m - 4))
        d = px(b.u(8.5, 11))
    d = min(d, dp - f - px(7))
    if d < px(6) or w < px(6):
        return
    gap = wp - w
    gl = px(b.u(3, gap * b.p - 3)) if gap >= 2 * px(3) else gap // 2
    house_r = frame(gl, f, gl + w, f + d)
    gr_ = wp - gl - w  # gap on the right
    exists = (False, True) if empty else (True, True)
    house = _house(b, k, house_r, mfh=mfh, exists=exists,
                   material=_pick(rng, {"ziegel_rot_neu": 0.4, "betonstein_anthrazit_neu": 0.6})
                   if empty else None)
    if empty:
        if house.dachform == "flach":
            house.material = [None, "kies"]
            house.green = [False, False]
        parcel.nutzung = "wohnen"
    houses = [house]
    pave = _pick(rng, {"pflaster_grau": 0.55, "pflaster_anthrazit": 0.25, "pflaster_rot": 0.2})
    if empty:
        # the building plot: meadow with bare soil; the new house and its surroundings exist
        # only in the second epoch (construction: bare soil around the house)
        _soil(b, frame, wp, dp)
        ring = px(2.5)
        b.rect(frame(max(gl - ring, 0), max(f - ring, 0), min(gl + w + ring, wp),
                     min(f + d + ring, dp)), _Z_BED, "boden", epochs=(False, True))
        pa = gl + px(b.u(1, w * b.p - 2.2))
        b.rect(frame(pa, 0, pa + px(1.2), f), _Z_PAVE, "pflaster_grau", epochs=(False, True))
        side = (0, px(3)) if gl >= px(3.5) else (wp - px(3), wp)
        if gl >= px(3.5) or gr_ >= px(3.5):
            b.rect(frame(side[0], 0, side[1], px(6)), _Z_PAVE, "pflaster_grau",
                   epochs=(False, True))
        for _ in range(int(rng.integers(0, 3))):
            r_m = b.u(0.8, 1.8)
            ca = b.u(r_m / b.p, wp - r_m / b.p)
            cb = b.u(dp - px(4), dp - r_m / b.p)
            cx, cy, _, _ = frame(ca, cb, ca, cb)
            b.tree(cx, cy, r_m, r_m * 1.8 + 0.5)
        _finish(b, houses)
        return
    # front yard
    front = _pick(rng, {"rasen": 0.62, "schotter": 0.16, "beet": 0.22})
    if front == "schotter":
        b.rect(frame(0, 0, wp, f), _Z_BED, "schotter")
    elif front == "beet":
        b.rect(frame(0, 0, wp, px(b.u(1.0, 2.0))), _Z_BED, "beet")
    # garage with driveway, or a parking pad
    side_left = gl >= gr_
    gap_side = max(gl, gr_)
    cars = []
    if gap_side >= px(3.6) and rng.random() < 0.75:
        gw = px(6.0) if gap_side >= px(6.8) and rng.random() < 0.2 else px(3.0)
        gd = px(6.0)
        ga = 0 if side_left else wp - gw
        gb = max(px(1.5), f + px(b.u(-1.0, 2.0)))
        if gb + gd <= dp - px(3):
            gar = _small_building(b, k, frame(ga, gb, ga + gw, gb + gd), "garage")
            houses.append(gar)
            drive = _pick(rng, {"pflaster_grau": 0.35, "pflaster_anthrazit": 0.2,
                                "pflaster_rot": 0.1, "rasengitter": 0.15, "kiesflaeche": 0.1,
                                "asphalt": 0.1})
            b.rect(frame(ga, 0, ga + gw, gb), _Z_PAVE, drive)
            if gb >= px(5.2):
                cars.append((ga + gw / 2, gb / 2, MATERIALS[drive].cls))
    else:
        pw, pd_ = px(2.8), px(5.5)
        if gap_side >= px(3.2):
            pa = px(0.2) if side_left else wp - pw - px(0.2)
        elif f >= px(5.6):
            pa = gl
        else:
            pa = None
        if pa is not None:
            pad = _pick(rng, {"pflaster_grau": 0.5, "rasengitter": 0.25, "kiesflaeche": 0.25})
            b.rect(frame(pa, 0, pa + pw, pd_), _Z_PAVE, pad)
            cars.append((pa + pw / 2, pd_ / 2, MATERIALS[pad].cls))
    pa = gl + px(b.u(1.0, w * b.p - 2.2))
    b.rect(frame(pa, 0, pa + px(1.2), f), _Z_PAVE, pave)
    for ca, cb, cls in cars:
        for e in (0, 1):
            if rng.random() < 0.5:
                cx, cy, _, _ = frame(ca, cb, ca, cb)
                b.car(cx, cy, False, cls, (e == 0, e == 1))
    # terrace and back garden
    tw = px(b.u(3.5, min(7.0, w * b.p)))
    ta = gl + px(b.u(0, (w - tw) * b.p))
    td = px(b.u(2.5, 4.0))
    b.rect(frame(ta, f + d, ta + tw, f + d + td), _Z_PAVE,
           _pick(rng, {"pflaster_grau": 0.4, "pflaster_anthrazit": 0.2, "holz": 0.3,
                       "pflaster_rot": 0.1}))
    back0 = f + d + td
    if rng.random() < 0.5:
        bw = px(b.u(1.0, 2.0))
        a0 = 0 if rng.random() < 0.5 else wp - bw
        b.rect(frame(a0, back0 + px(1), a0 + bw, dp - px(1)), _Z_BED, "beet")
    if rng.random() < 0.18:
        gw_ = px(b.u(2.5, 4.5))
        ga_ = px(b.u(0.5, max(w_m - 5.0, 0.6)))
        b.rect(frame(ga_, back0 + px(1.5), ga_ + gw_, back0 + px(1.5) + gw_), _Z_BED,
               "kiesflaeche")
    if rng.random() < 0.5:
        hr = frame(0, dp - px(1.0), wp, dp)
        b.rect(hr, _Z_BED, "hecke")
        b.box_caster(hr, b.u(1.4, 2.2))
    shed = None
    if dp - back0 >= px(8) and rng.random() < 0.2:
        sw, sd = px(b.u(2.0, 3.2)), px(b.u(2.0, 3.2))
        sa = px(b.u(0.6, 1.5)) if rng.random() < 0.5 else wp - sw - px(b.u(0.6, 1.5))
        sb = dp - sd - px(b.u(1.3, 2.2))
        shed = _small_building(b, k, frame(sa, sb, sa + sw, sb + sd), "gartenhaus",
                               height=b.u(2.1, 2.5))
        houses.append(shed)
    # trees in the back garden, away from the buildings
    n_trees = int(rng.choice([0, 1, 1, 2, 2, 3]))
    placed: list[tuple[float, float, float]] = []
    for _ in range(n_trees):
        r_m = b.u(1.5, 4.5)
        r = r_m / b.p
        for _try in range(12):
            lo, hi = r, wp - r
            if hi <= lo or dp - px(1) <= back0 + px(2):
                break
            ca = b.u(lo, hi)
            cb = b.u(back0 + px(2), dp - px(1))
            cx, cy, _, _ = frame(ca, cb, ca, cb)
            c = shapely.Point(cx, cy)
            if any(c.distance(h.footprint) < 0.6 * r + px(1) for h in houses):
                continue
            if any(math.hypot(cx - x, cy - y) < 0.8 * (r + rr) for x, y, rr in placed):
                continue
            conifer = rng.random() < 0.18
            if conifer:
                r_m = min(r_m, 2.5)
            b.tree(cx, cy, r_m, r_m * b.u(2.0, 2.8) + b.u(1.0, 3.0), conifer=conifer)
            placed.append((cx, cy, r_m / b.p))
            break
    _finish(b, houses)


def _finish(b: _Builder, houses: list[_Building]) -> None:
    """Keep the buildings that lie fully inside the scene."""
    for h in houses:
        if b.inside(h.rect):
            b.buildings.append(h)


def _commercial(b: _Builder, k: int) -> None:
    parcel = b.parcels[k]
    rng = b.rng
    frame = _parcel_frame(parcel)
    u0, v0, u1, v1 = parcel.rect
    wp, dp = u1 - u0, v1 - v0
    px = b.px
    b.rect(parcel.rect, _Z_GROUND, "asphalt")
    strip = px(2.0)
    gate0 = px(b.u(4, max(wp * b.p - 12, 4.5)))
    gate1 = gate0 + px(7)
    for a0, a1 in ((0, gate0), (gate1, wp)):
        if a1 > a0:
            b.lawn(box(*frame(a0, 0, a1, strip)), _Z_BED, dry=(0.2, 0.6))
    x = px(3)
    while x < wp - px(3):
        if not gate0 - px(3) < x < gate1 + px(3) and rng.random() < 0.8:
            cx, cy, _, _ = frame(x, strip / 2, x, strip / 2)
            b.tree(cx, cy, b.u(2.2, 3.4), b.u(7, 10))
        x += px(b.u(9, 14))
    grid = rng.random() < 0.65
    side = px(5.5) if grid else px(1.5)
    hw = min(wp - side - px(2.5), px(b.u(22, 36)))
    hd = min(px(b.u(14, 19)), dp - strip - px(11 + 2))
    ha = side + px(b.u(0, max((wp - side - hw) * b.p - 2.5, 0.1)))
    hb = dp - px(2.0) - hd
    rect = frame(ha, hb, ha + hw, hb + hd)
    mat = _pick(rng, {"metall_grau": 0.4, "bitumen": 0.3, "kies": 0.3})
    eave = b.u(6.5, 9.0)
    hall = _Building(k, tuple(int(v) for v in rect), "nichtwohngebaeude", True, "gewerbehalle",
                     "flach", "u", 0.0, round(eave, 2), round(eave + 0.5, 1), [mat, mat],
                     [False, False], [False, False], [True, True], var=_roof_var(rng))
    if grid:
        b.rect(frame(0, strip + px(0.5), px(5.0), dp - px(1.5)), _Z_PAVE, "rasengitter")
        y = strip + px(1.0)
        while y + px(2.5) < dp - px(2):
            for e in (0, 1):
                if rng.random() < 0.4:
                    cx, cy, _, _ = frame(px(2.5), y + px(1.25), px(2.5), y + px(1.25))
                    b.car(cx, cy, True, 5, (e == 0, e == 1))
            y += px(2.5)
    # parking stalls with white lines in front of the hall
    a = side + px(0.5)
    line = max(1, px(0.15))
    stall = px(2.5)
    while a + stall <= wp - px(1):
        if not gate0 - px(0.5) < a + stall / 2 < gate1 + px(0.5):
            b.rect(frame(a, strip + px(0.3), a + line, strip + px(5.3)), _Z_MARK, "markierung")
            for e in (0, 1):
                if rng.random() < 0.45:
                    cx, cy, _, _ = frame(a + stall / 2, strip + px(2.8), a + stall / 2,
                                         strip + px(2.8))
                    b.car(cx, cy, False, 4, (e == 0, e == 1))
        a += stall
    if rng.random() < 0.5:
        for a0 in (0, wp - px(1.2)):
            hr = frame(a0, strip, a0 + px(1.2), dp)
            b.rect(hr, _Z_BED, "hecke")
            b.box_caster(hr, b.u(1.6, 2.4))
    _finish(b, [hall])


def _park(b: _Builder, k: int) -> None:
    parcel = b.parcels[k]
    rng = b.rng
    frame = _parcel_frame(parcel)
    u0, v0, u1, v1 = parcel.rect
    wp, dp = u1 - u0, v1 - v0
    px = b.px
    b.lawn(box(*parcel.rect), _Z_GROUND, dry=(0.15, 0.55))
    pw = px(2.5)
    mid = dp // 2 + px(b.u(-3, 3))
    b.rect(frame(0, mid, wp, mid + pw), _Z_PAVE, "wassergebunden")
    pa = int(wp * b.u(0.25, 0.75))
    b.rect(frame(pa, 0, pa + pw, mid), _Z_PAVE, "wassergebunden")
    # pond in the larger free quarter behind the cross path
    radius = min(px(b.u(5.5, 8.0)), (dp - mid - pw) * 0.4, wp * 0.2)
    pond = None
    if radius >= px(2.5):
        left = pa > wp / 2
        ca = b.u(radius * 1.3, pa - radius * 1.3) if left and pa > radius * 2.6 else \
            b.u(min(pa + pw + radius * 1.3, wp - radius * 1.3), wp - radius * 1.3)
        cb = (mid + pw + dp) / 2
        cx, cy, _, _ = frame(ca, cb, ca, cb)
        reeds = _blob(cx, cy, radius + px(0.8), rng, wobble=0.1)
        b.add(reeds, _Z_BED, "beet")
        pond = _blob(cx, cy, radius, rng, wobble=0.1)
        b.add(pond, _Z_PAVE, "wasser")
    n = int(wp * dp * b.p * b.p / 110)
    placed: list[tuple[float, float, float]] = []
    for _ in range(n):
        r_m = b.u(2.5, 5.5)
        r = r_m / b.p
        ca, cb = b.u(r * 0.6, wp - r * 0.6), b.u(r * 0.6, dp - r * 0.6)
        cx, cy, _, _ = frame(ca, cb, ca, cb)
        if pond is not None and shapely.Point(cx, cy).distance(pond) < r * 0.8:
            continue
        if any(math.hypot(cx - x, cy - y) < 0.85 * (r + rr) for x, y, rr in placed):
            continue
        conifer = rng.random() < 0.15
        if conifer:
            r_m = min(r_m, 3.0)
        b.tree(cx, cy, r_m, r_m * b.u(2.0, 2.7) + b.u(1.0, 4.0), conifer=conifer)
        placed.append((cx, cy, r_m / b.p))


def _streets(b: _Builder) -> tuple[list, list]:
    """Street grid: horizontal streets across the scene, vertical streets per block row.

    Returns the block segments ``(u0, u1, v0, v1)`` between streets (px) and the street
    parcels."""
    rng, px, W, H = b.rng, b.px, b.W, b.H
    bands = []  # (v0, v1, sidewalk px, carriageway px)
    v = -px(b.u(20, 70))
    while not bands or bands[-1][0] < H:
        sw = px(b.u(2.0, 3.0))
        cw = px(b.u(5.5, 7.5))
        bands.append((v, v + 2 * sw + cw, sw, cw))
        v += 2 * sw + cw + 2 * px(b.u(27, 33))
    segments = []
    verticals = []  # (u0, u1, v0, v1, sidewalk, carriageway)
    for (_a0, a1, _sa, _ca), (b0, _b1, _sb, _cb) in zip(bands, bands[1:], strict=False):
        u = -px(b.u(30, 160))
        cuts = []
        while u < W + px(10):
            sw = px(b.u(1.8, 2.6))
            cw = px(b.u(5.0, 6.5))
            cuts.append((u, u + 2 * sw + cw, sw, cw))
            u += 2 * sw + cw + px(b.u(105, 170))
        prev = -px(400)
        for c0, c1, sw, cw in cuts:
            if c0 > prev:
                segments.append((prev, c0, a1, b0))
            verticals.append((c0, c1, a1, b0, sw, cw))
            prev = c1
        segments.append((prev, W + px(400), a1, b0))
    street_parcels = []
    lo, hi = -px(5), W + px(5)
    for v0, v1, sw, _cw in bands:
        if v1 <= 0 or v0 >= H:
            continue
        street_parcels.append((0, max(v0, 0), W, min(v1, H)))
        walk = "pflaster_grau" if rng.random() < 0.75 else "pflaster_rot"
        b.rect((lo, v0, hi, v0 + sw), _Z_STREET, walk)
        b.rect((lo, v1 - sw, hi, v1), _Z_STREET, walk)
        b.rect((lo, v0 + sw, hi, v1 - sw), _Z_STREET,
               "asphalt_neu" if rng.random() < 0.15 else "asphalt")
    for c0, c1, a1, b0, sw, _cw in verticals:
        if c1 <= 0 or c0 >= W or b0 <= 0 or a1 >= H:
            continue
        street_parcels.append((max(c0, 0), max(a1, 0), min(c1, W), min(b0, H)))
        b.rect((c0, a1, c0 + sw, b0), _Z_STREET, "pflaster_grau")
        b.rect((c1 - sw, a1, c1, b0), _Z_STREET, "pflaster_grau")
        band_above = next(x for x in bands if x[1] == a1)
        band_below = next(x for x in bands if x[0] == b0)
        b.rect((c0 + sw, a1 - band_above[2], c1 - sw, b0 + band_below[2]), _Z_STREET,
               "asphalt")
    # curbs, centre lines, street trees and parked cars
    curb = max(1, px(0.15))
    for v0, v1, sw, cw in bands:
        if v1 <= -px(10) or v0 >= H + px(10):
            continue
        # mouths of the vertical streets that end at this street from above / below
        mouths_top = [(c0 + s, c1 - s) for c0, c1, _a, b_, s, _c in verticals if b_ == v0]
        mouths_bottom = [(c0 + s, c1 - s) for c0, c1, a, _b, s, _c in verticals if a == v1]
        for y, mouths in ((v0 + sw, mouths_top), (v1 - sw - curb, mouths_bottom)):
            x = lo
            for m0, m1 in sorted(mouths) + [(hi, hi)]:
                if m0 > x:
                    b.rect((x, y, min(m0, hi), y + curb), _Z_MARK, "bordstein")
                x = max(x, m1)
        if cw >= px(6.2) and rng.random() < 0.6:
            y = (v0 + v1) // 2
            x = lo + px(b.u(0, 9))
            while x < hi:
                b.rect((x, y, x + px(3), y + max(1, px(0.15))), _Z_MARK, "markierung")
                x += px(9)
        all_mouths = mouths_top + mouths_bottom
        for y in (v0 + sw + px(1.1), v1 - sw - px(1.1)):
            x = lo + px(b.u(0, 6))
            while x < hi:
                if not any(m0 - px(3) < x < m1 + px(3) for m0, m1 in all_mouths):
                    for e in (0, 1):
                        if rng.random() < 0.2:
                            b.car(x + px(b.u(-0.4, 0.4)), y, True, 4, (e == 0, e == 1))
                x += px(6.0)
        if rng.random() < 0.55:
            sides = [("top", v0 + sw - px(0.6)), ("bottom", v1 - sw + px(0.6))]
            if rng.random() < 0.5:
                sides = [sides[int(rng.integers(2))]]
            for _side, y in sides:
                x = lo + px(b.u(2, 10))
                step = b.u(12, 16)
                while x < hi:
                    if not any(m0 - px(4) < x < m1 + px(4) for m0, m1 in all_mouths):
                        b.tree(x, y, b.u(2.5, 4.0), b.u(7.0, 11.0))
                    x += px(step)
    for c0, c1, a1, b0, sw, _cw in verticals:
        if c1 <= 0 or c0 >= W or b0 <= 0 or a1 >= H:
            continue
        b.rect((c0 + sw, a1, c0 + sw + curb, b0), _Z_MARK, "bordstein")
        b.rect((c1 - sw - curb, a1, c1 - sw, b0), _Z_MARK, "bordstein")
        for x in (c0 + sw + px(1.1), c1 - sw - px(1.1)):
            y = a1 + px(b.u(6, 10))
            while y < b0 - px(5):
                for e in (0, 1):
                    if rng.random() < 0.15:
                        b.car(x, y, False, 4, (e == 0, e == 1))
                y += px(6.0)
    return segments, street_parcels


def _cut(b: _Builder, a: int, c: int, low_m: float, high_m: float) -> list[tuple[int, int]]:
    """Cut [a, c) into pieces of low_m..high_m metres (the last one absorbs the rest)."""
    cuts = []
    x = a
    while c - x > 0:
        w = b.px(b.u(low_m, high_m))
        if c - x - w < b.px(low_m * 0.7):
            w = c - x
        cuts.append((x, x + w))
        x += w
    return cuts


def _parcels(b: _Builder, segments: list) -> None:
    """Cut the blocks into parcels; choose parks, commercial plots and building gaps."""
    rng, px, W, H = b.rng, b.px, b.W, b.H
    rows = []
    for u0, u1, v0, v1 in segments:
        if u1 <= 0 or u0 >= W or v1 <= 0 or v0 >= H:
            continue
        mid = (v0 + v1) // 2
        rows.append([u0, u1, v0, mid, "top", None])
        rows.append([u0, u1, mid, v1, "bottom", None])
    # special runs (park, commercial) inside rows
    big = W * b.p >= 150 and H * b.p >= 150

    def inside_width(row):
        return min(row[1], W) - max(row[0], 0)

    def full_depth(row):
        return row[2] >= 0 and row[3] <= H

    def terrace_width():
        unit = px(b.u(6.0, 7.5))
        return unit * int(rng.integers(4, 7)), unit

    for row in rows:
        x = rng.random()
        if x < 0.07:
            row[5] = ("park", px(b.u(40, 70)))
        elif x < 0.16:
            row[5] = ("gewerbe", px(b.u(36, 56)))
        elif x < 0.26:
            row[5] = ("reihen", *terrace_width())
    if big:
        for kind, *width in (("park", px(b.u(42, 60))), ("gewerbe", px(b.u(38, 50))),
                             ("reihen", *terrace_width())):
            ok = [r for r in rows if r[5] and r[5][0] == kind and full_depth(r)
                  and inside_width(r) >= r[5][1] + px(2)]
            if ok:
                continue
            cand = [r for r in rows if r[5] is None and full_depth(r)
                    and inside_width(r) >= width[0] + px(2)]
            if cand:
                cand[int(rng.integers(len(cand)))][5] = (kind, *width)
    for u0, u1, v0, v1, front, special in rows:
        pieces: list[tuple[int, int, str]] = []
        spec = None
        if special:
            kind, width = special[:2]
            lo, hi = max(u0, 0) + px(1), min(u1, W) - px(1) - width
            if hi > lo:
                s0 = int(rng.integers(lo, hi + 1))
            else:
                s0 = max(u0, min(u1 - width, int((u0 + u1 - width) / 2)))
            s1 = min(s0 + width, u1)
            if s0 - u0 < px(12):  # no sliver parcels beside the special plot
                s0 = u0
            if u1 - s1 < px(12):
                s1 = u1
            pieces += [(x0, x1, "wohnen") for x0, x1 in _cut(b, u0, s0, 14, 22)]
            if kind == "reihen":
                unit = special[2]
                n = max(1, (s1 - s0) // unit)
                edges = [s0 + i * unit for i in range(n)] + [s1]
                pieces += [(x0, x1, kind) for x0, x1 in zip(edges, edges[1:], strict=False)]
                spec = _terrace_spec(b)
            else:
                pieces.append((s0, s1, kind))
            pieces += [(x0, x1, "wohnen") for x0, x1 in _cut(b, s1, u1, 14, 22)]
        else:
            pieces = [(x0, x1, "wohnen") for x0, x1 in _cut(b, u0, u1, 14, 22)]
        for x0, x1, kind in pieces:
            if x1 <= 0 or x0 >= W:
                continue
            nutzung = {"wohnen": "wohnen", "reihen": "wohnen", "park": "gruenflaeche",
                       "gewerbe": "gewerbe"}[kind]
            b.parcels.append(_Parcel((x0, v0, x1, v1), front, nutzung, kind,
                                     spec=spec if kind == "reihen" else None))


def _terrace_spec(b: _Builder) -> dict:
    """What the houses of one terrace (Reihenhauszeile) share."""
    return {"f": b.px(b.u(5.0, 6.5)), "d": b.px(b.u(9.0, 11.0)), "eave": b.u(5.8, 6.6),
            "slope": round(b.u(35, 45), 1),
            "material": _pick(b.rng, {"ziegel_rot": 0.3, "ziegel_braun": 0.2,
                                      "betonstein_anthrazit": 0.35,
                                      "ziegel_rot_verwittert": 0.15})}


def _terraced(b: _Builder, k: int) -> None:
    """One house of a terrace on its own narrow parcel: front yard with parking pad, terrace
    and a narrow garden behind."""
    parcel = b.parcels[k]
    spec = parcel.spec
    rng = b.rng
    frame = _parcel_frame(parcel)
    u0, v0, u1, v1 = parcel.rect
    wp, dp = u1 - u0, v1 - v0
    px = b.px
    if b.lawn(box(*parcel.rect), _Z_GROUND, dry=(0.0, 0.4)) is None:
        return
    f, d = spec["f"], spec["d"]
    mat = spec["material"]
    if rng.random() < 0.15:
        mat = _pick(rng, {"ziegel_rot": 1, "betonstein_anthrazit": 1, "ziegel_braun": 1})
    span_m = d * b.p
    top = spec["eave"] + span_m / 2 * math.tan(math.radians(spec["slope"]))
    house = _Building(k, tuple(int(v) for v in frame(0, f, wp, f + d)), "wohngebaeude", True,
                      "reihenhaus", "sattel", "u", spec["slope"], round(spec["eave"], 2),
                      round(top, 1), [mat, mat], [False, False], [False, False],
                      [True, True], var=_roof_var(rng))
    pave = _pick(rng, {"pflaster_grau": 0.6, "pflaster_anthrazit": 0.25, "pflaster_rot": 0.15})
    if rng.random() < 0.4:
        b.rect(frame(0, 0, wp, f), _Z_BED, "schotter" if rng.random() < 0.5 else "beet")
    pw = px(2.8)
    left = rng.random() < 0.5
    pa = 0 if left else wp - pw
    pad = _pick(rng, {"pflaster_grau": 0.6, "rasengitter": 0.25, "kiesflaeche": 0.15})
    b.rect(frame(pa, 0, pa + pw, px(5.0)), _Z_PAVE, pad)
    for e in (0, 1):
        if rng.random() < 0.5:
            cx, cy, _, _ = frame(pa + pw / 2, px(2.5), pa + pw / 2, px(2.5))
            b.car(cx, cy, False, MATERIALS[pad].cls, (e == 0, e == 1))
    qa = pw + px(0.4) if left else wp - pw - px(1.6)
    b.rect(frame(qa, 0, qa + px(1.2), f), _Z_PAVE, pave)
    td = px(b.u(2.5, 3.5))
    b.rect(frame(px(0.3), f + d, wp - px(0.3), f + d + td), _Z_PAVE,
           _pick(rng, {"pflaster_grau": 0.5, "holz": 0.3, "pflaster_anthrazit": 0.2}))
    houses = [house]
    if rng.random() < 0.5:
        hr = frame(0, dp - px(0.9), wp, dp)
        b.rect(hr, _Z_BED, "hecke")
        b.box_caster(hr, b.u(1.4, 2.0))
    if dp - (f + d + td) >= px(8) and rng.random() < 0.3:
        sw, sd = px(b.u(2.0, 2.6)), px(b.u(2.0, 2.6))
        sa = px(0.4) if rng.random() < 0.5 else wp - sw - px(0.4)
        sb = dp - sd - px(1.2)
        houses.append(_small_building(b, k, frame(sa, sb, sa + sw, sb + sd), "gartenhaus",
                                      height=b.u(2.1, 2.4)))
    if rng.random() < 0.25:
        r_m = b.u(1.2, 2.2)
        ca, cb = wp / 2, dp - px(3.5)
        cx, cy, _, _ = frame(ca, cb, ca, cb)
        b.tree(cx, cy, r_m, r_m * 2.2 + 1.5)
    _finish(b, houses)


def _solar_arrays(b: _Building, pixel_m: float, rng: np.random.Generator, epochs, *,
                  min_m2: float = 10.0) -> bool:
    """Place solar arrays on the roof of ``b`` for ``epochs``; False if less than ``min_m2``
    (plan area, m²) fits."""
    u0, v0, u1, v1 = b.rect
    mw = 1.0 / pixel_m  # module width along the eaves (px)
    margin = 0.5 / pixel_m
    arrays = []
    if b.dachform == "flach":
        if (u1 - u0) * pixel_m < 5 or (v1 - v0) * pixel_m < 4.5:
            return False
        depth = 1.7 * math.cos(math.radians(15)) / pixel_m  # landscape rows tilted 15°
        pitch = 2.9 / pixel_m
        a0, a1 = u0 + 2 * margin, u1 - 2 * margin
        n = int((a1 - a0) // mw)
        y = v0 + 2 * margin
        while y + depth <= v1 - 2 * margin:
            off = a0 + ((a1 - a0) - n * mw) / 2
            arrays.append((round(off), round(y), round(off + n * mw), round(y + depth), mw,
                           depth))
            y += pitch
    else:
        mh = 1.7 * math.cos(math.radians(b.slope)) / pixel_m  # module along the slope
        facets = []
        if b.dachform in ("sattel", "walm"):
            if b.ridge == "u":
                facets = [("v1", 180.0)]
            else:
                facets = [("u1", 90.0), ("u0", 270.0)]
                facets = facets if rng.random() < 0.4 else [facets[int(rng.integers(2))]]
        elif b.dachform == "pult":
            low = {"v0": "v1", "v1": "v0", "u0": "u1", "u1": "u0"}[b.high_side]
            aspect = {"v1": 180.0, "v0": 0.0, "u1": 90.0, "u0": 270.0}[low]
            if aspect == 0.0:
                return False
            facets = [(low, aspect)]
        for side, _aspect in facets:
            along_u = side in ("v0", "v1")
            length = (u1 - u0) if along_u else (v1 - v0)
            depth = ((v1 - v0) if along_u else (u1 - u0)) / (1 if b.dachform == "pult" else 2)
            t0, t1 = margin, depth - margin
            n_rows = int((t1 - t0) // mh)
            if n_rows < 1:
                continue
            n_rows = max(1, n_rows - int(rng.integers(0, 2)))
            t_top = t0 + n_rows * mh
            hip = t_top if b.dachform == "walm" else 0.0
            free = length - 2 * margin - 2 * hip
            n_cols = int(free // mw)
            if n_cols < 3:
                continue
            n_cols = max(3, int(round(n_cols * rng.uniform(0.6, 1.0))))
            a0 = (length - n_cols * mw) / 2
            if along_u:
                vv = (v1 - t_top, v1 - t0) if side == "v1" else (v0 + t0, v0 + t_top)
                rect = (u0 + a0, vv[0], u0 + a0 + n_cols * mw, vv[1])
                arrays.append((*[round(c) for c in rect], mw, mh))
            else:
                uu = (u1 - t_top, u1 - t0) if side == "u1" else (u0 + t0, u0 + t_top)
                rect = (uu[0], v0 + a0, uu[1], v0 + a0 + n_cols * mw)
                arrays.append((*[round(c) for c in rect], mh, mw))
    area = sum((a[2] - a[0]) * (a[3] - a[1]) for a in arrays) * pixel_m * pixel_m
    if not arrays or area < min_m2:
        return False
    for a in arrays:
        b.pv.append(((a[0], a[1], a[2], a[3]), a[4], a[5], epochs))
    return True


def _roof_prims(bld: _Building, b: _Builder) -> None:
    """Roof facets, green roofs and solar arrays of one building for both epochs."""
    u0, v0, u1, v1 = bld.rect
    for e in (0, 1):
        if not bld.exists[e]:
            continue
        ep = (e == 0, e == 1)
        same = bld.exists[0] and bld.material[0] == bld.material[1] and \
            bld.green[0] == bld.green[1]
        if e == 1 and same:
            continue  # drawn once for both epochs
        epochs = (True, True) if (e == 0 and same) else ep
        mat = bld.material[e]
        var = bld.var
        if e == 1 and bld.change == "dacherneuerung":
            var = _roof_var(b.rng)
        if bld.dachform == "flach":
            if bld.green[e]:
                b.rect(bld.rect, _Z_ROOF, "kies", epochs=epochs, var=var)
                inset = max(1, round(0.4 / b.p))
                d = b.u(0.05, 0.5)
                b.add(box(u0 + inset, v0 + inset, u1 - inset, v1 - inset), _Z_ROOFADD,
                      "gruendach_sedum", epochs=epochs, var=var, dryness=(d, d))
            else:
                b.rect(bld.rect, _Z_ROOF, mat, epochs=epochs, var=var,
                       params=(1.0, 0.5 / b.p, 0.0, 0.0))
            continue
        moss = 0.0
        if mat in ("ziegel_rot_verwittert", "betonstein_anthrazit"):
            moss = b.u(0.1, 0.3)
        elif mat in ("ziegel_rot", "ziegel_braun", "schiefer"):
            moss = b.u(0.0, 0.12)
        period = (0.5 if mat == "metall_grau" else 0.36) / b.p
        for geom, aspect in _facets(bld):
            axis = 0.0 if aspect in (0.0, 180.0) else 1.0
            b.add(geom, _Z_ROOF, mat, epochs=epochs, var=var, slope=bld.slope,
                  aspect=aspect, params=(axis, period, moss, 0.0))
    for rect, mw, mh, epochs in bld.pv:
        g0 = round(b.u(0.85, 1.3), 3)
        g1 = round(b.u(0.85, 1.3), 3)
        b.add(box(*rect), _Z_ROOFADD, "pv", epochs=epochs, slope=bld.slope,
              aspect=_pv_aspect(bld, rect), params=(rect[0], rect[1], mw, mh),
              glint=(g0, g1))


def _pv_aspect(bld: _Building, rect) -> float:
    if bld.dachform == "flach":
        return 180.0
    u0, v0, u1, v1 = bld.rect
    cu, cv = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    if bld.dachform == "pult":
        return {"v0": 180.0, "v1": 0.0, "u0": 90.0, "u1": 270.0}[bld.high_side]
    if bld.ridge == "u":
        return 180.0 if cv > (v0 + v1) / 2 else 0.0
    return 90.0 if cu > (u0 + u1) / 2 else 270.0


def _facets(bld: _Building) -> list[tuple[Polygon, float]]:
    """Roof facets (plan polygons, px) and their aspects (deg)."""
    u0, v0, u1, v1 = bld.rect
    if bld.dachform == "pult":
        aspect = {"v0": 180.0, "v1": 0.0, "u0": 90.0, "u1": 270.0}[bld.high_side]
        return [(box(u0, v0, u1, v1), aspect)]
    if bld.ridge == "u":
        vm = (v0 + v1) / 2
        if bld.dachform == "sattel":
            return [(box(u0, v0, u1, vm), 0.0), (box(u0, vm, u1, v1), 180.0)]
        h = min((v1 - v0) / 2, (u1 - u0) / 2)
        return [(Polygon([(u0, v0), (u1, v0), (u1 - h, vm), (u0 + h, vm)]), 0.0),
                (Polygon([(u0, v1), (u1, v1), (u1 - h, vm), (u0 + h, vm)]), 180.0),
                (Polygon([(u0, v0), (u0 + h, vm), (u0, v1)]), 270.0),
                (Polygon([(u1, v0), (u1 - h, vm), (u1, v1)]), 90.0)]
    um = (u0 + u1) / 2
    if bld.dachform == "sattel":
        return [(box(u0, v0, um, v1), 270.0), (box(um, v0, u1, v1), 90.0)]
    h = min((u1 - u0) / 2, (v1 - v0) / 2)
    return [(Polygon([(u0, v0), (u0, v1), (um, v1 - h), (um, v0 + h)]), 270.0),
            (Polygon([(u1, v0), (u1, v1), (um, v1 - h), (um, v0 + h)]), 90.0),
            (Polygon([(u0, v0), (um, v0 + h), (u1, v0)]), 0.0),
            (Polygon([(u0, v1), (um, v1 - h), (u1, v1)]), 180.0)]


def _building_caster(bld: _Building, k: int) -> _Caster:
    u0, v0, u1, v1 = bld.rect
    he, ht = bld.eave_m, bld.top_m
    pts = [(x, y, he) for x, y in ((u0, v0), (u1, v0), (u1, v1), (u0, v1))]
    if bld.dachform in ("sattel", "walm"):
        if bld.ridge == "u":
            vm = (v0 + v1) / 2
            h = (v1 - v0) / 2 if bld.dachform == "walm" else 0
            pts += [(u0 + h, vm, ht), (u1 - h, vm, ht)]
        else:
            um = (u0 + u1) / 2
            h = (u1 - u0) / 2 if bld.dachform == "walm" else 0
            pts += [(um, v0 + h, ht), (um, v1 - h, ht)]
    elif bld.dachform == "pult":
        side = bld.high_side
        corners = {"v0": [(u0, v0), (u1, v0)], "v1": [(u0, v1), (u1, v1)],
                   "u0": [(u0, v0), (u0, v1)], "u1": [(u1, v0), (u1, v1)]}[side]
        pts += [(x, y, ht) for x, y in corners]
    else:
        pts = [(x, y, ht) for x, y, _ in pts]
    return _Caster(bld.footprint, pts, ht, tuple(bld.exists), building=k)


def _choose_changes(b: _Builder, rng: np.random.Generator) -> None:
    """Mark the buildings that change between the epochs and set their second-epoch state."""
    blds = b.buildings
    mains = [x for x in blds if x.main and x.exists[0]]
    n_scale = max(1.0, b.W * b.H * b.p ** 2 / 40_000.0)
    # solar arrays that already exist in the first epoch
    for x in mains:
        p = 0.35 if x.funktion == "gewerbehalle" else 0.15
        if not x.green[0] and rng.random() < p:
            if _solar_arrays(x, b.p, rng, (True, True)):
                x.solar = [True, True]
    # new solar arrays
    cand = [x for x in mains if not x.solar[0] and not x.green[0]]
    n = int(round(rng.uniform(0.10, 0.15) * len(cand)))
    n = max(n, 1) if cand else 0
    order = [cand[i] for i in rng.permutation(len(cand))]
    done = 0
    for x in order:
        if done >= n:
            break
        if _solar_arrays(x, b.p, rng, (False, True)):
            x.solar = [False, True]
            x.change = "neue_solaranlage"
            done += 1
    # renewed roofs
    cand = [x for x in mains if x.change is None and not x.solar[0]
            and x.dachform != "flach" and x.material[0] not in _NEW_ROOF]
    n = min(len(cand), max(1, int(round(0.08 * len(mains))))) if cand else 0
    if n:
        w = np.array([3.0 if x.material[0] == "ziegel_rot_verwittert" else 1.0 for x in cand])
        for i in rng.choice(len(cand), size=n, replace=False, p=w / w.sum()):
            x = cand[int(i)]
            old = x.material[0]
            if old in ("ziegel_rot_verwittert", "ziegel_rot", "ziegel_braun"):
                new = "ziegel_rot_neu" if rng.random() < 0.55 else "betonstein_anthrazit_neu"
            else:
                new = "ziegel_rot_neu" if rng.random() < 0.5 else "betonstein_anthrazit_neu"
            x.material[1] = new
            x.change = "dacherneuerung"
    # flat roofs that become green roofs
    cand = [x for x in blds if x.exists[0] and x.dachform == "flach" and not x.green[0]
            and not x.solar[1] and x.change is None
            and (x.rect[2] - x.rect[0]) * b.p >= 3 and (x.rect[3] - x.rect[1]) * b.p >= 3]
    n = min(len(cand), int(round(rng.uniform(2, 4.49) * n_scale)))
    for i in rng.permutation(len(cand))[:n]:
        x = cand[int(i)]
        x.material[1] = "gruendach_sedum"
        x.green[1] = True
        x.change = "gruendach"
    # at least one sizeable green roof in the first epoch (every class occurs in both epochs)
    if not any(x.green[0] and x.footprint.area * b.p ** 2 >= 30 for x in blds):
        cand = [x for x in blds if x.exists[0] and x.dachform == "flach" and x.change is None
                and not x.solar[1] and not x.green[0] and x.funktion != "gewerbehalle"]
        if cand:
            x = max(cand, key=lambda y: y.footprint.area)
            x.material = ["gruendach_sedum", "gruendach_sedum"]
            x.green = [True, True]
    # new buildings on building gaps
    for x in blds:
        if not x.exists[0]:
            x.change = "neubau"
            if rng.random() < 0.5 and _solar_arrays(x, b.p, rng, (False, True)):
                x.solar = [False, True]


def _shadow_polygons(b: _Builder, e: int, flight: Flight, bld_tree, bld_geoms,
                     bld_tops) -> list:
    """Shadow polygons (px) of epoch ``e``: convex hull of each caster's footprint and the
    shadows of its points; not on the caster itself nor on roofs at least 0.6 times as high
    as the caster (a shadow stops at their walls)."""
    _, (dx, dy) = _sun_vectors(flight, b.p)
    out = []
    for c in b.casters:
        if not c.epochs[e]:
            continue
        p = np.asarray(c.points, dtype=np.float64)
        pts = p[:, :2] + p[:, 2:3] * np.array([dx, dy])
        if c.trunk is None:
            ground = shapely.get_coordinates(c.footprint)
            shadow = shapely.convex_hull(shapely.multipoints(np.vstack([ground, pts])))
        else:
            x, y, z, r = c.trunk
            trunk = shapely.LineString([(x, y), (x + dx * z, y + dy * z)]).buffer(r)
            shadow = shapely.convex_hull(shapely.multipoints(pts)).union(trunk)
        blockers = []
        for i in bld_tree.query(shadow):
            i = int(i)
            if i == c.building or bld_tops[i] >= 0.6 * c.top_m:
                if b.buildings[i].exists[e]:
                    blockers.append(bld_geoms[i])
        geom = shadow.difference(c.footprint)
        if blockers:
            geom = geom.difference(shapely.union_all(blockers))
        if not geom.is_empty and geom.area > 0:
            out.append(geom)
    return out


def _epoch_arrays(b: _Builder, e: int, flight: Flight) -> _EpochData:
    toward, _ = _sun_vectors(flight, b.p)
    order = sorted((p.z, i) for i, p in enumerate(b.prims) if p.epochs[e])
    prims = [b.prims[i] for _, i in order]
    n = len(prims) + 1
    cls = np.zeros(n, dtype=np.uint8)
    colour = np.zeros((4, n), dtype=np.float32)
    alt = np.zeros((4, n), dtype=np.float32)
    kind = np.zeros(n, dtype=np.uint8)
    fine = np.zeros(n, dtype=np.float32)
    smooth = np.zeros(n, dtype=np.float32)
    params = np.zeros((4, n), dtype=np.float64)
    crown = np.zeros(n, dtype=bool)
    for k, p in enumerate(prims, start=1):
        m = MATERIALS[p.material]
        cls[k] = m.cls if p.cls is None else p.cls
        factor = _facet_factor(p.slope, p.aspect, flight)
        base = np.array(p.rgbn if p.rgbn is not None else m.rgbn) * np.array(p.var)
        if m.kind == _PV:
            factor = (0.55 + 0.45 * factor) * p.glint[e]
        colour[:, k] = base * factor
        alt[:, k] = np.array(m.alt) * (factor if m.kind in (_TILES, _PV) else 1.0)
        kind[k] = m.kind if p.rgbn is None else _PLAIN
        fine[k], smooth[k] = (m.fine, m.smooth) if p.rgbn is None else (0.02, 0.0)
        if m.kind == _LAWN:
            params[0, k] = min(max(p.dryness[e] + (flight.dryness if e else 0.0), 0.0), 0.95)
        elif p.params:
            params[:len(p.params), k] = p.params
        crown[k] = m.kind == _CROWN
    geoms = [p.geom for p in prims]
    return _EpochData(geoms, shapely.STRtree(geoms), cls, colour, alt, kind, fine, smooth,
                      params, crown, [], shapely.STRtree([]), toward)


def layout_scene(width_px: int = 1000, height_px: int = 1000, *, seed: int = SEED,
                 pixel_m: float = 0.2, origin: Sequence[float] = DEFAULT_ORIGIN,
                 epochs: Sequence[int] = EPOCHS) -> SceneLayout:
    """Draw the vector layout of a synthetic scene of ``width_px`` x ``height_px`` pixels of
    ``pixel_m`` metres with its top-left corner at ``origin`` (EPSG:25832, m).

    The layout is random but fixed by ``seed``. The true areas per parcel and building are
    computed here (from the rasterised labels without shadows), strip by strip."""
    width_px = _check_int("width_px", width_px, MIN_SIZE_PX, MAX_SIZE_PX)
    height_px = _check_int("height_px", height_px, MIN_SIZE_PX, MAX_SIZE_PX)
    seed = _check_int("seed", seed, 0, 2 ** 63 - 1)
    pixel_m = _check_pixel(pixel_m)
    origin = _check_origin(origin)
    epochs = _check_epochs(epochs)
    rng = np.random.default_rng(seed)
    b = _Builder(width_px, height_px, pixel_m, rng)
    b.add(box(-1, -1, width_px + 1, height_px + 1), _Z_BG, "rasen", dryness=(0.2, 0.2))
    segments, street_parcels = _streets(b)
    for r in street_parcels:
        b.parcels.append(_Parcel(r, "", "strasse", "strasse"))
    first_block = len(b.parcels)
    _parcels(b, segments)
    residential = [k for k in range(first_block, len(b.parcels))
                   if b.parcels[k].kind == "wohnen"]
    fully = [k for k in residential if b.inside(b.parcels[k].rect, 0.0)]
    n_gap = int(round(0.07 * len(residential)))
    n_gap = max(n_gap, min(2, len(fully))) if len(residential) >= 10 else n_gap
    gaps = set(int(i) for i in rng.permutation(fully)[:n_gap]) if fully else set()
    area_scale = max(1.0, width_px * height_px * pixel_m ** 2 / 40_000.0)
    n_new = int(round(rng.uniform(1, 2.49) * area_scale))
    neubau = set(int(i) for i in rng.permutation(sorted(gaps))[:n_new])
    for k in range(first_block, len(b.parcels)):
        kind = b.parcels[k].kind
        if kind == "wohnen":
            if k in gaps and k not in neubau:
                b.parcels[k].kind = "baulücke"
                _building_gap(b, k)
            else:
                _residential(b, k, empty=k in neubau)
        elif kind == "reihen":
            _terraced(b, k)
        elif kind == "gewerbe":
            _commercial(b, k)
        else:
            _park(b, k)
    _choose_changes(b, rng)
    for bld in b.buildings:
        _roof_prims(bld, b)
    casters_b = [_building_caster(x, i) for i, x in enumerate(b.buildings)]
    b.casters.extend(casters_b)
    bld_geoms = [x.footprint for x in b.buildings]
    bld_tree = shapely.STRtree(bld_geoms)
    bld_tops = [x.top_m for x in b.buildings]
    data = []
    for e in (0, 1):
        ep = _epoch_arrays(b, e, FLIGHTS[e])
        ep.shadows = _shadow_polygons(b, e, FLIGHTS[e], bld_tree, bld_geoms, bld_tops)
        ep.shadow_tree = shapely.STRtree(ep.shadows)
        data.append(ep)
    for parcel in b.parcels:
        parcel.geom = box(*parcel.rect).intersection(b.scene)
    keep = [k for k, p in enumerate(b.parcels) if p.geom.area > 0]
    return _assemble(b, keep, width_px, height_px, pixel_m, origin, seed, epochs, tuple(data))


def _soil(b: _Builder, frame, wp: int, dp: int) -> None:
    """A patch of bare soil (dug-up ground, old foundation) on an empty plot."""
    r = b.u(0.12, 0.25) * min(wp, dp)
    ca, cb = b.u(r, wp - r), b.u(r, dp - r)
    cx, cy, _, _ = frame(ca, cb, ca, cb)
    b.add(_blob(cx, cy, r, b.rng, wobble=0.2), _Z_BED, "boden")


def _building_gap(b: _Builder, k: int) -> None:
    """An empty building plot (Baulücke): meadow, bare soil, a few shrubs."""
    parcel = b.parcels[k]
    frame = _parcel_frame(parcel)
    u0, v0, u1, v1 = parcel.rect
    wp, dp = u1 - u0, v1 - v0
    b.lawn(box(*parcel.rect), _Z_GROUND, "wiese", dry=(0.3, 0.7))
    _soil(b, frame, wp, dp)
    for _ in range(int(b.rng.integers(0, 3))):
        r_m = b.u(0.8, 2.0)
        ca = b.u(r_m / b.p, wp - r_m / b.p)
        cb = b.u(r_m / b.p, dp - r_m / b.p)
        cx, cy, _, _ = frame(ca, cb, ca, cb)
        b.tree(cx, cy, r_m, r_m * 1.8 + 0.5)


def _assemble(b: _Builder, keep: list[int], width_px, height_px, pixel_m, origin, seed,
              epochs, data) -> SceneLayout:
    """Number parcels and buildings, compute the true areas, build the GeoDataFrames."""
    x0, y0 = origin
    y_a, y_b = epochs
    parcels = [b.parcels[k] for k in keep]
    new_index = {k: i for i, k in enumerate(keep)}
    # Flur: 250 m tiles; Zähler numbered row by row inside each Flur
    tile = max(1, b.px(250.0))
    ntx = -(-width_px // tile)
    info = []
    for i, p in enumerate(parcels):
        pt = p.geom.representative_point()
        flur = 1 + int(pt.x // tile) + ntx * int(pt.y // tile)
        info.append((flur, p.geom.bounds[1], p.geom.bounds[0], i))
    numbers = {}
    counter: dict[int, int] = {}
    for flur, _y, _x, i in sorted(info):
        counter[flur] = counter.get(flur, 0) + 1
        numbers[i] = (flur, counter[flur])
    ids = [f"{GEMARKUNG}-{numbers[i][0]:03d}-{numbers[i][1]:05d}" for i in range(len(parcels))]
    # buildings: main buildings first within each parcel, parcels in id order
    blds = [x for x in b.buildings if x.parcel in new_index]
    blds.sort(key=lambda x: (ids[new_index[x.parcel]], not x.main, x.rect[1], x.rect[0]))
    layout = SceneLayout(width_px, height_px, pixel_m, origin, seed, epochs,
                         gpd.GeoDataFrame(), gpd.GeoDataFrame(), pd.DataFrame(),
                         _epoch_data=data)
    layout._parcel_geoms = [p.geom for p in parcels]
    layout._building_geoms = [x.footprint for x in blds]
    layout._building_exists = np.array([x.exists for x in blds], dtype=bool).reshape(-1, 2)
    pcounts, bcounts = _true_counts(layout)
    a_px = pixel_m * pixel_m

    def world(geom):
        return shapely.transform(geom, lambda c: np.round(
            np.column_stack([x0 + c[:, 0] * pixel_m, y0 - c[:, 1] * pixel_m]), 3))

    prow = {"flurstueck_id": ids, "gemarkung": [GEMARKUNG] * len(parcels),
            "flur": [numbers[i][0] for i in range(len(parcels))],
            "flurstueck": [str(numbers[i][1]) for i in range(len(parcels))],
            "nutzung": [p.nutzung for p in parcels],
            "flaeche_m2": [round(p.geom.area * a_px, 2) for p in parcels]}
    sealed = {}
    for e, year in enumerate(epochs):
        s = pcounts[e][:, _SEALED].sum(axis=1)
        sealed[year] = s
        prow[f"versiegelt_m2_wahr_{year}"] = np.round(s * a_px, 2)
        prow[f"versiegelungsgrad_wahr_{year}"] = np.round(s / pcounts[e].sum(axis=1), 4)
    prow["versiegelt_m2_wahr"] = prow[f"versiegelt_m2_wahr_{y_b}"]
    prow["versiegelungsgrad_wahr"] = prow[f"versiegelungsgrad_wahr_{y_b}"]
    weighted = (pcounts[1] * _FACTOR[None, :]).sum(axis=1)
    prow["versiegelt_gewichtet_m2_wahr"] = np.round(weighted * a_px, 2)
    cols = ["flurstueck_id", "gemarkung", "flur", "flurstueck", "nutzung", "flaeche_m2",
            "versiegelt_m2_wahr", "versiegelungsgrad_wahr", "versiegelt_gewichtet_m2_wahr",
            f"versiegelt_m2_wahr_{y_a}", f"versiegelungsgrad_wahr_{y_a}",
            f"versiegelt_m2_wahr_{y_b}", f"versiegelungsgrad_wahr_{y_b}"]
    layout.parcels = gpd.GeoDataFrame({c: prow[c] for c in cols},
                                      geometry=[world(p.geom) for p in parcels], crs=CRS)
    brow: dict[str, list] = {c: [] for c in (
        "gebaeude_id", "flurstueck_id", "gebaeudeart", "hauptgebaeude", "funktion", "dachform",
        f"dach_{y_a}", f"dach_{y_b}", f"solar_{y_a}", f"solar_{y_b}", f"gruendach_{y_a}",
        f"gruendach_{y_b}", f"solar_m2_wahr_{y_a}", f"solar_m2_wahr_{y_b}",
        f"gruendach_m2_wahr_{y_a}", f"gruendach_m2_wahr_{y_b}", "grundflaeche_m2", "hoehe_m",
        f"besteht_{y_a}", "aenderung")}
    for i, x in enumerate(blds):
        brow["gebaeude_id"].append(f"G{i + 1:03d}")
        brow["flurstueck_id"].append(ids[new_index[x.parcel]])
        brow["gebaeudeart"].append(x.art)
        brow["hauptgebaeude"].append(bool(x.main))
        brow["funktion"].append(x.funktion)
        brow["dachform"].append(x.dachform)
        for e, year in enumerate(epochs):
            brow[f"dach_{year}"].append(x.material[e])
            brow[f"solar_{year}"].append(bool(x.solar[e]))
            brow[f"gruendach_{year}"].append(bool(x.green[e]))
            brow[f"solar_m2_wahr_{year}"].append(round(float(bcounts[e][i, 3]) * a_px, 2))
            brow[f"gruendach_m2_wahr_{year}"].append(round(float(bcounts[e][i, 2]) * a_px, 2))
        brow["grundflaeche_m2"].append(round(x.footprint.area * a_px, 2))
        brow["hoehe_m"].append(x.top_m)
        brow[f"besteht_{y_a}"].append(bool(x.exists[0]))
        brow["aenderung"].append(x.change)
    layout.buildings = gpd.GeoDataFrame(brow, geometry=[world(x.footprint) for x in blds],
                                        crs=CRS)
    layout.changes = _changes_table(layout.buildings, blds, epochs)
    return layout


def _changes_table(gdf: gpd.GeoDataFrame, blds: list[_Building], epochs) -> pd.DataFrame:
    y_a, y_b = epochs
    rows = []
    for (_, r), x in zip(gdf.iterrows(), blds, strict=True):
        if x.change is None:
            continue
        if x.change == "neue_solaranlage":
            area = r[f"solar_m2_wahr_{y_b}"]
            text = f"Neue Solaranlage auf dem Dach ({_DE_FORM[x.dachform]})"
        elif x.change == "dacherneuerung":
            area = r["grundflaeche_m2"]
            text = (f"Dach neu eingedeckt: {_DE_MAT[x.material[0]]} → "
                    f"{_DE_MAT[x.material[1]]}")
        elif x.change == "gruendach":
            area = r[f"gruendach_m2_wahr_{y_b}"]
            text = f"Flachdach ({_DE_MAT[x.material[0]]}) zum Gründach umgebaut"
        else:
            area = r["grundflaeche_m2"]
            text = f"Neubau ({_DE_FUNKTION[x.funktion]}, {_DE_FORM[x.dachform]}) auf " \
                f"bisher unbebautem Grundstück"
            if x.solar[1]:
                text += ", mit Solaranlage"
        rows.append({"gebaeude_id": r["gebaeude_id"], "flurstueck_id": r["flurstueck_id"],
                     "aenderung": x.change, "flaeche_m2": round(float(area), 2),
                     "beschreibung": text})
    cols = ["gebaeude_id", "flurstueck_id", "aenderung", "flaeche_m2", "beschreibung"]
    return pd.DataFrame(rows, columns=cols)


_DE_FORM = {"sattel": "Satteldach", "walm": "Walmdach", "flach": "Flachdach", "pult": "Pultdach"}
_DE_FUNKTION = {"wohnhaus": "Wohnhaus", "mehrfamilienhaus": "Mehrfamilienhaus",
                "garage": "Garage", "gartenhaus": "Gartenhaus", "gewerbehalle": "Gewerbehalle"}
_DE_MAT = {"ziegel_rot": "rote Tonziegel", "ziegel_rot_verwittert": "verwitterte rote Ziegel",
           "ziegel_braun": "braune Ziegel", "ziegel_rot_neu": "neue rote Ziegel",
           "betonstein_anthrazit": "anthrazitfarbene Betondachsteine",
           "betonstein_anthrazit_neu": "neue anthrazitfarbene Betondachsteine",
           "schiefer": "Schiefer", "metall_grau": "graues Metalldach", "bitumen": "Bitumen",
           "kies": "Kies", "gruendach_sedum": "Sedum-Gründach"}


def true_changes(layout: SceneLayout) -> pd.DataFrame:
    """The true changes between the two epochs, one row per changed building:
    ``gebaeude_id``, ``flurstueck_id``, ``aenderung`` (neue_solaranlage, dacherneuerung,
    gruendach, neubau), ``flaeche_m2`` (affected roof area, m²: new solar modules, new green
    roof, renewed roof or footprint of the new building) and a German ``beschreibung``."""
    return layout.changes.copy()


# --------------------------------------------------------------------------- rendering


def _burn(geoms: list, tree: shapely.STRtree, r0: int, r1: int, c0: int, c1: int,
          values: np.ndarray | None = None, dtype: str = "int32") -> np.ndarray:
    """Rasterise the geometries that touch the window (in list order, later ones on top);
    value = list index + 1 unless ``values`` is given."""
    shape = (r1 - r0, c1 - c0)
    if not geoms:
        return np.zeros(shape, dtype=dtype)
    idx = np.sort(tree.query(box(c0, r0, c1, r1)))
    if values is not None:
        idx = idx[values[idx] > 0]
    if len(idx) == 0:
        return np.zeros(shape, dtype=dtype)
    vals = (idx + 1) if values is None else values[idx]
    return rasterize(((geoms[i], int(v)) for i, v in zip(idx, vals, strict=True)),
                     out_shape=shape, transform=Affine(1.0, 0.0, c0, 0.0, 1.0, r0), fill=0,
                     dtype=dtype)


def _objects(layout: SceneLayout, e: int, r0, r1, c0, c1) -> np.ndarray:
    ep = layout._epoch_data[e]
    return _burn(ep.geoms, ep.tree, r0, r1, c0, c1)


def _shadow_mask(layout: SceneLayout, e: int, obj: np.ndarray, r0, r1, c0, c1) -> np.ndarray:
    ep = layout._epoch_data[e]
    mask = _burn(ep.shadows, ep.shadow_tree, r0, r1, c0, c1, dtype="uint8") > 0
    return mask & ~ep.crown[obj]


def render_labels(layout: SceneLayout, epoch: int, window: Window | None = None, *,
                  shadows: bool = True) -> np.ndarray:
    """Class codes (uint8, rows x cols) of ``window`` (None = whole scene). With
    ``shadows=False`` the surfaces are shown without shadows: the truth the sealed areas are
    computed from."""
    e = _epoch_index(layout, epoch)
    r0, c0, h, w = _check_window(layout, window)
    obj = _objects(layout, e, r0, r0 + h, c0, c0 + w)
    labels = layout._epoch_data[e].cls[obj]
    if shadows:
        labels[_shadow_mask(layout, e, obj, r0, r0 + h, c0, c0 + w)] = _SHADOW
    return labels


def render(layout: SceneLayout, epoch: int, window: Window | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Image (4 x rows x cols, uint8: red, green, blue, near infrared) and labels (rows x
    cols, uint8 class codes, 8 = shadow) of ``window`` (a rasterio Window; None = whole
    scene, only for small scenes). A window is exactly the same as that part of the whole
    scene."""
    e = _epoch_index(layout, epoch)
    r0, c0, h, w = _check_window(layout, window)
    r1, c1 = r0 + h, c0 + w
    er0, er1 = max(0, r0 - _MARGIN), min(layout.height_px, r1 + _MARGIN)
    ec0, ec1 = max(0, c0 - _MARGIN), min(layout.width_px, c1 + _MARGIN)
    ep = layout._epoch_data[e]
    obj = _objects(layout, e, er0, er1, ec0, ec1)
    shadow = _shadow_mask(layout, e, obj, er0, er1, ec0, ec1)
    img = _surface(layout, e, obj, er0, er1, ec0, ec1)
    img[:, shadow] *= _AMBIENT[:, None]
    _sensor_noise(layout, e, img, er0, er1, ec0, ec1)
    img = _camera(layout, e, _blur(img), er0, er1, ec0, ec1)
    sr, sc = slice(r0 - er0, r1 - er0), slice(c0 - ec0, c1 - ec0)
    labels = ep.cls[obj[sr, sc]]
    labels[shadow[sr, sc]] = _SHADOW
    return np.ascontiguousarray(img[:, sr, sc]), labels


def _surface(layout: SceneLayout, e: int, obj: np.ndarray, r0, r1, c0, c1) -> np.ndarray:
    """Colour of every pixel under full sun (4 x rows x cols, float32), with textures."""
    ep = layout._epoch_data[e]
    seed, p = layout.seed, layout.pixel_m
    img = np.take(ep.colour, obj, axis=1)
    kind = ep.kind[obj]
    white = _white((seed, 1), r0, r1, c0, c1, 1)[0]
    mid = _value_noise(_key(seed, 2), r0, r1, c0, c1, 2.0 / p)
    mod = np.float32(1.0) + ep.fine[obj] * white \
        + ep.smooth[obj] * (mid - np.float32(0.5)) * np.float32(2.0)
    rows = np.arange(r0, r1, dtype=np.float64) + 0.5
    cols = np.arange(c0, c1, dtype=np.float64) + 0.5

    def where(k):
        m = kind == k
        if not m.any():
            return None
        ri, ci = np.nonzero(m)
        return m, ri, ci, obj[m]

    lawn = where(_LAWN)
    if lawn is not None:
        m, ri, ci, o = lawn
        big = _value_noise(_key(seed, 3), r0, r1, c0, c1, 7.0 / p)[m]
        t = np.clip((big * np.float32(0.75) + mid[m] * np.float32(0.25)
                     - np.float32(1.0) + ep.params[0, o].astype(np.float32)) * np.float32(5.0),
                    0.0, 1.0)
        img[:, m] = img[:, m] * (np.float32(1.0) - t) + ep.alt[:, o] * t
    tiles = where(_TILES)
    if tiles is not None:
        m, ri, ci, o = tiles
        axis = ep.params[0, o]
        coord = np.where(axis == 0.0, rows[ri], cols[ci]) / np.maximum(ep.params[1, o], 1.0)
        stripe = np.abs(coord - np.floor(coord) - 0.5).astype(np.float32) * np.float32(2.0)
        mod[m] *= np.float32(0.97) + np.float32(0.06) * stripe
        moss = ep.params[2, o].astype(np.float32)
        wgt = np.clip((mid[m] - np.float32(1.0) + moss) * np.float32(6.0), 0.0, 0.7)
        img[:, m] = img[:, m] * (np.float32(1.0) - wgt) + ep.alt[:, o] * wgt
    grid = where(_GRID)
    if grid is not None:
        m, ri, ci, o = grid
        period = 0.6 / p
        tx = np.abs(cols[ci] / period - np.floor(cols[ci] / period) - 0.5) * 2.0
        ty = np.abs(rows[ri] / period - np.floor(rows[ri] / period) - 0.5) * 2.0
        wgt = np.clip((np.maximum(tx, ty) - 0.55) * 4.0, 0.0, 1.0).astype(np.float32)
        img[:, m] = img[:, m] * (np.float32(1.0) - wgt) + ep.alt[:, o] * wgt
    crown = where(_CROWN)
    if crown is not None:
        m, ri, ci, o = crown
        fine = _value_noise(_key(seed, 4), r0, r1, c0, c1, 0.6 / p)[m]
        radius = np.maximum(ep.params[2, o], 1.0)
        dx = (cols[ci] - ep.params[0, o]) / radius
        dy = (rows[ri] - ep.params[1, o]) / radius
        sx, sy = ep.sun_px
        shade = (1.0 + 0.3 * (dx * sx + dy * sy) - 0.22 * (dx * dx + dy * dy)).astype(np.float32)
        gaps = np.float32(0.62) + np.float32(0.38) * np.clip((fine - np.float32(0.18))
                                                             * np.float32(4.0), 0.0, 1.0)
        mod[m] *= shade * (np.float32(0.82) + np.float32(0.36) * fine) * gaps
    pv = where(_PV)
    if pv is not None:
        m, ri, ci, o = pv
        frame_px = 0.1 / p
        wa = _frame_cover(cols[ci], ep.params[0, o], ep.params[2, o], frame_px)
        wb = _frame_cover(rows[ri], ep.params[1, o], ep.params[3, o], frame_px)
        wgt = (1.0 - (1.0 - wa) * (1.0 - wb)).astype(np.float32) * np.float32(0.85)
        mi = np.floor((cols[ci] - ep.params[0, o]) / ep.params[2, o]).astype(np.int64)
        mj = np.floor((rows[ri] - ep.params[1, o]) / ep.params[3, o]).astype(np.int64)
        h = _hash01(_key(seed, 5), mi + ep.params[0, o].astype(np.int64) * 131,
                    mj + ep.params[1, o].astype(np.int64) * 137).astype(np.float32)
        cell = img[:, m] * (np.float32(0.94) + np.float32(0.12) * h)
        img[:, m] = cell * (np.float32(1.0) - wgt) + ep.alt[:, o] * wgt
    img *= mod[None, :, :]
    return img


def _blur(img: np.ndarray) -> np.ndarray:
    """Point-spread function of the camera: binomial kernel [1, 2, 1] / 4 along rows and
    columns (standard deviation 0.71 px), edges repeated. The weights are powers of two, so
    the result is bit for bit the same on every platform."""
    p = np.pad(img, ((0, 0), (1, 1), (1, 1)), mode="edge")
    q, h = np.float32(0.25), np.float32(0.5)
    v = (p[:, :-2, :] + p[:, 2:, :]) * q + p[:, 1:-1, :] * h
    return (v[:, :, :-2] + v[:, :, 2:]) * q + v[:, :, 1:-1] * h


def _frame_cover(x: np.ndarray, origin: np.ndarray, size: np.ndarray, width: float
                 ) -> np.ndarray:
    """Share of the pixel centred at ``x`` covered by module frame lines of ``width`` px
    at ``origin + k * size``."""
    k = np.round((x - origin) / size)
    line = origin + k * size
    lo = np.maximum(x - 0.5, line - width / 2)
    hi = np.minimum(x + 0.5, line + width / 2)
    return np.clip(hi - lo, 0.0, 1.0)


def _sensor_noise(layout: SceneLayout, e: int, img: np.ndarray, r0, r1, c0, c1) -> None:
    """Add the sensor noise (in place, before the blur: resampling during orthorectification
    smooths it, as in real orthophotos); brighter pixels are noisier."""
    flight = FLIGHTS[e]
    noise = _white((layout.seed, 8, e), r0, r1, c0, c1, 4)
    for k in range(4):
        sigma = np.float32(flight.noise_dn * (1.2 if k == 3 else 1.0)) \
            + np.float32(_SHOT) * img[k]
        img[k] += noise[k] * sigma


def _camera(layout: SceneLayout, e: int, img: np.ndarray, r0, r1, c0, c1) -> np.ndarray:
    """Brightness seams and vignetting of the image mosaic and colour balance; returns
    uint8."""
    flight = FLIGHTS[e]
    seed = layout.seed
    frame = flight.frame_m / layout.pixel_m
    off_r = (_hash01(_key(seed, 6, e), np.array([0]), np.array([1]))[0]) * frame
    off_c = (_hash01(_key(seed, 6, e), np.array([1]), np.array([0]))[0]) * frame
    rows = (np.arange(r0, r1, dtype=np.float64) + 0.5 + off_r) / frame
    cols = (np.arange(c0, c1, dtype=np.float64) + 0.5 + off_c) / frame
    fr, fc = np.floor(rows).astype(np.int64), np.floor(cols).astype(np.int64)
    dr, dc = (rows - fr) * 2.0 - 1.0, (cols - fc) * 2.0 - 1.0
    vr = (-0.05 * dr * dr).astype(np.float32)
    vc = (-0.05 * dc * dc + 0.025 * dc).astype(np.float32)
    ii, jj = np.meshgrid(np.arange(fr[0], fr[-1] + 1), np.arange(fc[0], fc[-1] + 1),
                         indexing="ij")
    step = (1.0 + 0.04 * (_hash01(_key(seed, 7, e), ii, jj) - 0.5)).astype(np.float32)
    light = (np.float32(1.0) + vr[:, None] + vc[None, :]) * step[fr - fr[0]][:, fc - fc[0]]
    out = np.empty(img.shape, dtype=np.uint8)
    for k in range(4):
        band = img[k] * light * np.float32(flight.gain[k]) + np.float32(flight.offset[k])
        out[k] = np.clip(np.rint(band), 0, 255).astype(np.uint8)
    return out


# --------------------------------------------------------------------------- truth


def _true_counts(layout: SceneLayout) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Pixels per (parcel, class) and (building, class) of the labels without shadows, per
    epoch, computed strip by strip."""
    n_p = len(layout._parcel_geoms)
    n_b = len(layout._building_geoms)
    ptree = shapely.STRtree(layout._parcel_geoms)
    btree = shapely.STRtree(layout._building_geoms)
    pcounts = [np.zeros((n_p, _N_CLASSES), np.int64) for _ in range(2)]
    bcounts = [np.zeros((n_b, _N_CLASSES), np.int64) for _ in range(2)]
    W, H = layout.width_px, layout.height_px
    for r0 in range(0, H, _STRIP):
        r1 = min(H, r0 + _STRIP)
        pid = _burn(layout._parcel_geoms, ptree, r0, r1, 0, W)
        if (pid == 0).any():
            raise RuntimeError("parcels do not cover the scene")  # pragma: no cover
        for e in (0, 1):
            obj = _objects(layout, e, r0, r1, 0, W)
            cls = layout._epoch_data[e].cls[obj].astype(np.int64)
            pcounts[e] += np.bincount(((pid - 1) * _N_CLASSES + cls).ravel(),
                                      minlength=n_p * _N_CLASSES).reshape(n_p, _N_CLASSES)
            values = np.where(layout._building_exists[:, e], np.arange(1, n_b + 1), 0)
            bid = _burn(layout._building_geoms, btree, r0, r1, 0, W, values=values)
            inb = bid > 0
            if n_b and inb.any():
                bcounts[e] += np.bincount(((bid[inb] - 1) * _N_CLASSES + cls[inb]),
                                          minlength=n_b * _N_CLASSES).reshape(n_b, _N_CLASSES)
    return pcounts, bcounts


# --------------------------------------------------------------------------- writing


def file_names(epochs: Sequence[int] = EPOCHS) -> list[str]:
    """Names of the files :func:`write_scene` writes, in the order it returns them."""
    a, b = _check_epochs(epochs)
    return [f"dop_{a}.tif", f"dop_{b}.tif", f"klassen_{a}.tif", f"klassen_{b}.tif",
            "musterstadt_luftbild.gpkg", "aenderungen.csv"]


def _profile(layout: SceneLayout, count: int, zlevel: int = 6) -> dict:
    return {"driver": "GTiff", "width": layout.width_px, "height": layout.height_px,
            "count": count, "dtype": "uint8", "crs": CRS, "transform": layout.transform,
            "tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate",
            "zlevel": zlevel, "predictor": 2, "interleave": "pixel"}


def write_scene(out_dir, *, width_px: int = 1000, height_px: int = 1000, seed: int = SEED,
                epochs: Sequence[int] = EPOCHS, strip_rows: int = 512, pixel_m: float = 0.2,
                origin: Sequence[float] = DEFAULT_ORIGIN, zlevel: int = 6) -> list[Path]:
    """Lay out and render a scene and write all files into ``out_dir``; returns their paths.

    Files: ``dop_<year>.tif`` (4 bands uint8: rot, gruen, blau, nir), ``klassen_<year>.tif``
    (class codes, nodata 0), ``musterstadt_luftbild.gpkg`` (layers ``flurstuecke`` and
    ``gebaeude``) and ``aenderungen.csv``. The rasters are rendered in strips of
    ``strip_rows`` rows, so memory stays bounded for large scenes. ``zlevel`` is the DEFLATE
    level of the GeoTIFFs (1–9; 9 is about 4 % smaller and three times slower to write than
    6). Same arguments, same bytes."""
    strip_rows = _check_int("strip_rows", strip_rows, 16, 8192)
    zlevel = _check_int("zlevel", zlevel, 1, 9)
    layout = layout_scene(width_px, height_px, seed=seed, pixel_m=pixel_m, origin=origin,
                          epochs=epochs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = file_names(layout.epochs)
    paths = [out / n for n in names]
    for e, year in enumerate(layout.epochs):
        _write_rasters(layout, year, out / names[e], out / names[2 + e], strip_rows, zlevel)
    _write_gpkg(layout, paths[4])
    table = layout.changes.copy()
    write_table(table, paths[5])
    return paths


def _write_rasters(layout: SceneLayout, year: int, dop: Path, labels: Path,
                   strip_rows: int, zlevel: int) -> None:
    tags = {"BEFLIEGUNG": str(year), "QUELLE": "SYNTHETISCH: URBAN.KI Lernlabor, fiktive "
            "Musterstadt, CC0-1.0", "SEED": str(layout.seed)}
    colours = {c.code: tuple(int(c.colour[i:i + 2], 16) for i in (1, 3, 5)) + (255,)
               for c in CLASSES}
    colours[NODATA] = (0, 0, 0, 0)
    with atomic_path(dop) as t_img, atomic_path(labels) as t_lab:
        with rasterio.open(t_img, "w", **_profile(layout, 4, zlevel),
                           photometric="RGB") as d_img, \
                rasterio.open(t_lab, "w", **_profile(layout, 1, zlevel),
                              nodata=NODATA) as d_lab:
            d_img.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                                 ColorInterp.undefined]
            for k, name in enumerate(BAND_NAMES, start=1):
                d_img.set_band_description(k, name)
            d_img.update_tags(**tags)
            d_lab.set_band_description(1, "klasse")
            d_lab.update_tags(**tags, KLASSEN=", ".join(f"{c.code}={c.name_de}"
                                                         for c in CLASSES))
            d_lab.write_colormap(1, colours)
            for r0 in range(0, layout.height_px, strip_rows):
                h = min(strip_rows, layout.height_px - r0)
                win = Window(0, r0, layout.width_px, h)
                img, lab = render(layout, year, win)
                d_img.write(img, window=win)
                d_lab.write(lab, 1, window=win)


def _write_gpkg(layout: SceneLayout, path: Path) -> None:
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": OGR_DATE})
    try:
        with atomic_path(path) as tmp:
            layout.parcels.to_file(tmp, layer="flurstuecke", driver="GPKG", engine="pyogrio")
            layout.buildings.to_file(tmp, layer="gebaeude", driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
