"""Gaussian plume model for pollutant releases: concentration field, warning zones, ensembles.

Model
-----
Continuous point source of strength ``Q`` (g/s) at effective height ``H`` (m), mean wind
speed ``u`` (m/s) along the x axis, ground reflection (no deposition, no inversion lid)::

    C(x, y, z) = Q / (2 pi u sy sz) * exp(-y^2 / (2 sy^2))
                 * [exp(-(z - H)^2 / (2 sz^2)) + exp(-(z + H)^2 / (2 sz^2))]

in g/m^3, with ``C = 0`` for ``x <= 0`` (upwind). ``sy = sigma_y(x)``, ``sz = sigma_z(x)``
depend on the Pasquill-Gifford stability class A (very unstable) ... F (moderately stable).

Dispersion coefficients: Briggs (1973)
--------------------------------------
Briggs, G. A. (1973): *Diffusion estimation for small emissions*, ATDL Contribution No. 79,
NOAA; tabulated in Hanna, Briggs & Hosker (1982): *Handbook on Atmospheric Diffusion*,
DOE/TIC-11223, Table 4.5, and in Seinfeld & Pandis: *Atmospheric Chemistry and Physics*
(Table "Briggs formulas", chapter on atmospheric diffusion). Every entry has the form
``sigma = a * x * (1 + b * x) ** p`` with ``x`` in metres (valid roughly 100 m < x < 10 km):

=========  ==================================  ==================================
rural      sigma_y                             sigma_z
=========  ==================================  ==================================
A          0.22 x (1 + 0.0001 x)^-1/2          0.20 x
B          0.16 x (1 + 0.0001 x)^-1/2          0.12 x
C          0.11 x (1 + 0.0001 x)^-1/2          0.08 x (1 + 0.0002 x)^-1/2
D          0.08 x (1 + 0.0001 x)^-1/2          0.06 x (1 + 0.0015 x)^-1/2
E          0.06 x (1 + 0.0001 x)^-1/2          0.03 x (1 + 0.0003 x)^-1
F          0.04 x (1 + 0.0001 x)^-1/2          0.016 x (1 + 0.0003 x)^-1
=========  ==================================  ==================================

=========  ==================================  ==================================
urban      sigma_y                             sigma_z
=========  ==================================  ==================================
A, B       0.32 x (1 + 0.0004 x)^-1/2          0.24 x (1 + 0.001 x)^+1/2
C          0.22 x (1 + 0.0004 x)^-1/2          0.20 x
D          0.16 x (1 + 0.0004 x)^-1/2          0.14 x (1 + 0.0003 x)^-1/2
E, F       0.11 x (1 + 0.0004 x)^-1/2          0.08 x (1 + 0.0015 x)^-1/2
=========  ==================================  ==================================

Limits (say them in the notebook): steady wind, flat terrain, no buildings in the near field,
no chemistry or deposition; hourly-mean concentrations. For real emergencies the
authorities use validated tools (e.g. the German fire-brigade tools or LASAT/AUSTAL); this
module is for learning and for first, rough estimates.

Coordinates of grids are metres in EPSG:25832 (ETRS89 / UTM 32N). Wind direction is
meteorological: the direction the wind comes FROM, clockwise from north (270 = west wind,
the plume drifts east).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import minimize_scalar

from urbanki_helpers.errors import DataError, ParameterError

__all__ = [
    "BRIGGS",
    "EXAMPLE_LEVELS",
    "STABILITY_CLASSES",
    "concentration_grid",
    "effective_height",
    "ensemble_exceedance",
    "gaussian_plume",
    "max_ground_concentration",
    "sigma_y",
    "sigma_z",
    "warning_zones",
]

STABILITY_CLASSES = ("A", "B", "C", "D", "E", "F")
TERRAINS = ("rural", "urban")

#: Briggs (1973) coefficients ``(a, b, p)`` of ``sigma = a x (1 + b x)^p``; see module docstring.
BRIGGS: dict[str, dict[str, dict[str, tuple[float, float, float]]]] = {
    "rural": {
        "A": {"y": (0.22, 0.0001, -0.5), "z": (0.20, 0.0, 1.0)},
        "B": {"y": (0.16, 0.0001, -0.5), "z": (0.12, 0.0, 1.0)},
        "C": {"y": (0.11, 0.0001, -0.5), "z": (0.08, 0.0002, -0.5)},
        "D": {"y": (0.08, 0.0001, -0.5), "z": (0.06, 0.0015, -0.5)},
        "E": {"y": (0.06, 0.0001, -0.5), "z": (0.03, 0.0003, -1.0)},
        "F": {"y": (0.04, 0.0001, -0.5), "z": (0.016, 0.0003, -1.0)},
    },
    "urban": {
        "A": {"y": (0.32, 0.0004, -0.5), "z": (0.24, 0.001, 0.5)},
        "B": {"y": (0.32, 0.0004, -0.5), "z": (0.24, 0.001, 0.5)},
        "C": {"y": (0.22, 0.0004, -0.5), "z": (0.20, 0.0, 1.0)},
        "D": {"y": (0.16, 0.0004, -0.5), "z": (0.14, 0.0003, -0.5)},
        "E": {"y": (0.11, 0.0004, -0.5), "z": (0.08, 0.0015, -0.5)},
        "F": {"y": (0.11, 0.0004, -0.5), "z": (0.08, 0.0015, -0.5)},
    },
}

# Example warning levels: ammonia (NH3), Acute Exposure Guideline Levels for 60 min exposure,
# US EPA, "Ammonia Results - AEGL Program" (final AEGL values, NRC 2008, Acute Exposure
# Guideline Levels for Selected Airborne Chemicals, Vol. 6):
#   AEGL-1 (discomfort, reversible)       30 ppm  =  21 mg/m3
#   AEGL-2 (irreversible/serious effects) 160 ppm = 110 mg/m3
#   AEGL-3 (life-threatening)            1100 ppm = 770 mg/m3
# (1 ppm NH3 = 0.70 mg/m3 at 25 degC). Values here are in g/m3 (mg/m3 / 1000). Ammonia is used
# e.g. in cold stores and by the chemical industry. Check current values before real use.
#: Three example warning levels (g/m^3): ammonia AEGL-1/2/3, 60 min (US EPA / NRC 2008).
EXAMPLE_LEVELS: dict[str, float] = {
    "AEGL-1 (Ammoniak, 60 min)": 0.021,
    "AEGL-2 (Ammoniak, 60 min)": 0.110,
    "AEGL-3 (Ammoniak, 60 min)": 0.770,
}


# --- checks ----------------------------------------------------------------------------------


def _stability(stability) -> str:
    s = str(stability).strip().upper() if isinstance(stability, str) else None
    if s not in STABILITY_CLASSES:
        raise ParameterError(
            f"Unknown stability class {stability!r}; use one of A, B, C, D, E, F "
            "(Pasquill-Gifford: A very unstable ... D neutral ... F moderately stable).",
            message_de=f"Unbekannte Stabilitätsklasse {stability!r}. Erlaubt sind A, B, C, D, "
            "E, F (Pasquill-Gifford: A sehr labil ... D neutral ... F mäßig stabil).",
        )
    return s


def _terrain(terrain) -> str:
    if terrain not in TERRAINS:
        raise ParameterError(
            f"Unknown terrain {terrain!r}; use 'rural' (open country) or 'urban' (city).",
            message_de=f"Unbekannter Gelände-Typ {terrain!r}. Erlaubt sind 'rural' (offenes "
            "Land) oder 'urban' (Stadt).",
        )
    return terrain


def _number(value, name: str, name_de: str, *, positive: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name} must be a number, got {value!r}.",
            message_de=f"{name_de} muss eine Zahl sein, nicht {value!r}.",
        ) from None
    if not np.isfinite(v) or (v <= 0 if positive else v < 0):
        rule, rule_de = ("> 0", "größer als 0") if positive else (">= 0", "mindestens 0")
        raise ParameterError(
            f"{name} must be {rule}, got {value!r}.",
            message_de=f"{name_de} muss {rule_de} sein, nicht {value!r}. Bitte korrigieren Sie "
            "den Wert.",
        )
    return v


def _check_source(q_g_s, u_m_s, h_m) -> tuple[float, float, float]:
    q = _number(q_g_s, "Emission rate q_g_s (g/s)", "Die Quellstärke q_g_s (g/s)")
    u = _number(u_m_s, "Wind speed u_m_s (m/s)", "Die Windgeschwindigkeit u_m_s (m/s)",
                positive=True)
    h = _number(h_m, "Release height h_m (m)", "Die Freisetzungshöhe h_m (m)")
    return q, u, h


# --- dispersion ------------------------------------------------------------------------------


def _sigma(x_m, stability, terrain, axis: str) -> np.ndarray:
    a, b, p = BRIGGS[_terrain(terrain)][_stability(stability)][axis]
    x = np.asarray(x_m, dtype=float)
    xp = np.where(x > 0, x, np.nan)
    return a * xp * (1.0 + b * xp) ** p


def sigma_y(x_m, stability, terrain: str = "rural") -> np.ndarray:
    """Horizontal dispersion ``sigma_y`` (m) at downwind distance ``x_m`` (m), Briggs (1973).

    NaN for ``x <= 0``. Formulas are stated for about 100 m to 10 km.
    """
    return _sigma(x_m, stability, terrain, "y")


def sigma_z(x_m, stability, terrain: str = "rural") -> np.ndarray:
    """Vertical dispersion ``sigma_z`` (m) at downwind distance ``x_m`` (m), Briggs (1973)."""
    return _sigma(x_m, stability, terrain, "z")


def effective_height(stack_height_m, plume_rise_m=0.0) -> float:
    """Effective release height ``H = stack height + plume rise`` (m).

    The plume rise of hot gases (fire, chimney) is NOT modelled here; estimate it separately
    (e.g. Briggs plume-rise formulas) or use ``0`` for cold releases. Every function of this
    module takes ``h_m`` as this effective height.
    """
    h = _number(stack_height_m, "Stack height stack_height_m (m)",
                "Die Quellhöhe stack_height_m (m)")
    dh = _number(plume_rise_m, "Plume rise plume_rise_m (m)", "Die Überhöhung plume_rise_m (m)")
    return h + dh


def gaussian_plume(q_g_s, u_m_s, h_m, stability, x_m, y_m, z_m=0.0,
                   terrain: str = "rural") -> np.ndarray:
    """Concentration (g/m^3) of a continuous point source with ground reflection.

    ``x_m`` downwind distance, ``y_m`` crosswind offset, ``z_m`` height above ground (all m);
    arrays broadcast against each other. ``x <= 0`` (at or upwind of the source) gives 0.
    ``h_m`` is the effective release height (see :func:`effective_height`).
    """
    q, u, h = _check_source(q_g_s, u_m_s, h_m)
    stability = _stability(stability)
    terrain = _terrain(terrain)
    x, y, z = np.broadcast_arrays(np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float),
                                  np.asarray(z_m, dtype=float))
    if np.any(z < 0):
        raise ParameterError(
            "Height z_m must be >= 0 (above ground).",
            message_de="Die Aufpunkthöhe z_m muss mindestens 0 m (Erdboden) sein.",
        )
    sy = sigma_y(x, stability, terrain)
    sz = sigma_z(x, stability, terrain)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (q / (2.0 * np.pi * u * sy * sz) * np.exp(-(y**2) / (2.0 * sy**2))
             * (np.exp(-((z - h) ** 2) / (2.0 * sz**2)) + np.exp(-((z + h) ** 2) / (2.0 * sz**2))))
    return np.where(x > 0, np.nan_to_num(c, nan=0.0), 0.0)


def max_ground_concentration(q_g_s, u_m_s, h_m, stability, terrain: str = "rural",
                             x_max_m: float = 20000, x_min_m: float = 1.0) -> tuple[float, float]:
    """Highest ground-level centreline concentration ``(C in g/m^3, distance in m)``.

    Searched between ``x_min_m`` and ``x_max_m``. For an elevated source (``h_m > 0``) the
    maximum lies at a finite distance; for a ground source (``h_m = 0``) the concentration only
    falls with distance, so the answer is the value at ``x_min_m``.
    """
    q, u, h = _check_source(q_g_s, u_m_s, h_m)
    x_min = _number(x_min_m, "x_min_m", "x_min_m", positive=True)
    x_max = _number(x_max_m, "x_max_m", "x_max_m", positive=True)
    if x_max <= x_min:
        raise ParameterError(
            f"x_max_m ({x_max}) must be larger than x_min_m ({x_min}).",
            message_de=f"x_max_m ({x_max}) muss größer als x_min_m ({x_min}) sein.",
        )

    def conc(x):
        return gaussian_plume(q, u, h, stability, x, 0.0, 0.0, terrain)

    xs = np.geomspace(x_min, x_max, 2000)
    cs = conc(xs)
    i = int(np.argmax(cs))
    lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, xs.size - 1)]
    if lo < hi:
        res = minimize_scalar(lambda v: -float(conc(v)), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-3 * lo})
        if -res.fun >= cs[i]:
            return float(-res.fun), float(res.x)
    return float(cs[i]), float(xs[i])


# --- grids and zones -------------------------------------------------------------------------


def _grid_axes(source_xy, extent_m, cell_m) -> tuple[np.ndarray, np.ndarray, float, float]:
    try:
        x0, y0 = (float(v) for v in source_xy)
    except (TypeError, ValueError):
        raise ParameterError(
            f"source_xy must be a pair (x, y) of EPSG:25832 metres, got {source_xy!r}.",
            message_de=f"source_xy muss ein Koordinatenpaar (x, y) in Metern (EPSG:25832) sein, "
            f"nicht {source_xy!r}.",
        ) from None
    extent = _number(extent_m, "extent_m", "extent_m (halbe Kantenlänge, m)", positive=True)
    cell = _number(cell_m, "cell_m", "cell_m (Zellgröße, m)", positive=True)
    n = int(round(extent / cell))
    if n < 1 or (2 * n + 1) ** 2 > 4_000_000:
        raise ParameterError(
            f"extent_m / cell_m = {extent / cell:.0f} gives {(2 * n + 1) ** 2} cells; use "
            "1 to about 1000 cells per half side (larger cell_m or smaller extent_m).",
            message_de=f"extent_m / cell_m = {extent / cell:.0f} ergibt {(2 * n + 1) ** 2} "
            "Zellen. Wählen Sie eine größere Zellgröße cell_m oder eine kleinere Ausdehnung "
            "extent_m (höchstens etwa 1000 Zellen je halbe Kantenlänge).",
        )
    k = np.arange(-n, n + 1, dtype=float) * cell
    return x0 + k, y0 + k, x0, y0


def _downwind_crosswind(xs, ys, x0, y0, wind_from_deg):
    theta = np.deg2rad(float(wind_from_deg))
    de, dn = -np.sin(theta), -np.cos(theta)  # unit vector the wind blows TO
    gx, gy = np.meshgrid(xs - x0, ys - y0)
    return gx * de + gy * dn, -gx * dn + gy * de


def concentration_grid(source_xy, q_g_s, u_m_s, wind_from_deg, h_m, stability, *,
                       extent_m: float = 5000, cell_m: float = 50,
                       terrain: str = "rural") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ground-level concentration (g/m^3) on a square grid around the source.

    Returns ``(xs, ys, conc)``: cell-centre coordinates (1-D, EPSG:25832 metres, the source is
    a cell centre) and ``conc`` of shape ``(len(ys), len(xs))`` (row = y). ``wind_from_deg`` is
    meteorological: 270 = wind from the west, plume to the east.
    """
    _number(wind_from_deg, "wind_from_deg", "Die Windrichtung wind_from_deg (Grad)")
    xs, ys, x0, y0 = _grid_axes(source_xy, extent_m, cell_m)
    along, across = _downwind_crosswind(xs, ys, x0, y0, wind_from_deg)
    return xs, ys, gaussian_plume(q_g_s, u_m_s, h_m, stability, along, across, 0.0, terrain)


def _check_grid(xs, ys, conc) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    conc = np.asarray(conc, dtype=float)
    ok = xs.ndim == 1 and ys.ndim == 1 and xs.size >= 2 and ys.size >= 2
    ok = ok and conc.shape == (ys.size, xs.size)
    dx = np.diff(xs) if ok else np.array([0.0])
    dy = np.diff(ys) if ok else np.array([0.0])
    if not ok or dx.min() <= 0 or dy.min() <= 0 or not (
            np.allclose(dx, dx[0]) and np.allclose(dy, dy[0])):
        raise DataError(
            "xs, ys must be increasing, evenly spaced 1-D cell centres and conc must have shape "
            "(len(ys), len(xs)), as returned by concentration_grid.",
            message_de="xs und ys müssen gleichmäßig steigende Zellmittelpunkte (1-D) sein und "
            "conc die Form (len(ys), len(xs)) haben – so, wie concentration_grid sie liefert.",
        )
    return xs, ys, conc, float(dx[0]), float(dy[0])


def _cells_polygon(xs, ys, mask, dx, dy):
    boxes = []
    for r in np.flatnonzero(mask.any(axis=1)):
        row = np.concatenate(([0], mask[r].astype(np.int8), [0]))
        edges = np.flatnonzero(np.diff(row))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            boxes.append(shapely.box(xs[start] - dx / 2, ys[r] - dy / 2,
                                     xs[stop - 1] + dx / 2, ys[r] + dy / 2))
    if not boxes:
        return shapely.Polygon()
    return shapely.union_all(boxes, grid_size=min(dx, dy) * 1e-6)


def warning_zones(xs, ys, conc, levels: Mapping[str, float],
                  crs: str = "EPSG:25832") -> gpd.GeoDataFrame:
    """One (multi)polygon per warning level covering the cells with ``conc >= threshold``.

    Cells are squares around the cell centres ``xs``/``ys``; a zone is the union of its cells,
    so zones of higher thresholds always lie inside those of lower ones. Columns
    ``level_name``, ``threshold_g_m3``, ``area_m2`` (= number of cells x cell area), geometry;
    rows sorted by rising threshold. A level no cell reaches gets an empty polygon, area 0.
    """
    xs, ys, conc, dx, dy = _check_grid(xs, ys, conc)
    if not isinstance(levels, Mapping) or not levels:
        raise ParameterError(
            "levels must be a non-empty dict {name: threshold in g/m^3}, e.g. EXAMPLE_LEVELS.",
            message_de="levels muss ein nicht leeres Wörterbuch {Name: Schwellenwert in g/m³} "
            "sein, z. B. EXAMPLE_LEVELS.",
        )
    rows = []
    for name, thr in sorted(levels.items(), key=lambda kv: float(kv[1])):
        t = _number(thr, f"Threshold of level {name!r}", f"Der Schwellenwert der Stufe {name!r}",
                    positive=True)
        mask = conc >= t
        rows.append({"level_name": str(name), "threshold_g_m3": t,
                     "area_m2": float(mask.sum()) * dx * dy,
                     "geometry": _cells_polygon(xs, ys, mask, dx, dy)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)


# --- ensembles -------------------------------------------------------------------------------


def ensemble_exceedance(source_xy, q_g_s, winds: pd.DataFrame, h_m, threshold, *,
                        extent_m: float = 5000, cell_m: float = 50,
                        terrain: str = "rural") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share of wind scenarios in which each cell reaches ``threshold`` (g/m^3).

    ``winds`` has one row per scenario with columns ``u_m_s``, ``wind_from_deg``,
    ``stability`` and optionally ``weight`` (default: all equal). Returns ``(xs, ys, prob)``
    on the grid of :func:`concentration_grid`; ``prob`` is in [0, 1].
    """
    needed = ["u_m_s", "wind_from_deg", "stability"]
    if not isinstance(winds, pd.DataFrame) or winds.empty or not set(needed) <= set(winds.columns):
        raise DataError(
            "winds must be a non-empty DataFrame with columns u_m_s, wind_from_deg, stability "
            "(optional: weight).",
            message_de="winds muss eine nicht leere Tabelle mit den Spalten u_m_s, "
            "wind_from_deg und stability sein (optional: weight), eine Zeile je Szenario.",
        )
    t = _number(threshold, "threshold (g/m^3)", "Der Schwellenwert threshold (g/m³)",
                positive=True)
    if "weight" in winds.columns:
        w = winds["weight"].to_numpy(dtype=float)
        if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise DataError(
                "weight must be finite, >= 0 and not all 0.",
                message_de="Die Spalte weight muss endliche Zahlen >= 0 enthalten, nicht alle 0.",
            )
    else:
        w = np.ones(len(winds))
    w = w / w.sum()
    prob = None
    xs = ys = None
    for wi, row in zip(w, winds[needed].itertuples(index=False), strict=True):
        xs, ys, c = concentration_grid(source_xy, q_g_s, row.u_m_s, row.wind_from_deg, h_m,
                                       row.stability, extent_m=extent_m, cell_m=cell_m,
                                       terrain=terrain)
        hit = (c >= t) * wi
        prob = hit if prob is None else prob + hit
    return xs, ys, np.clip(prob, 0.0, 1.0)
