"""Who lives within reach of what: straight-line distances and coverage shares.

Distances are straight lines ("as the crow flies") in metres, in a projected CRS with metre
units such as EPSG:25832 (ETRS89 / UTM zone 32N). Walking distances along streets are longer;
a common rule of thumb is a detour factor of about 1.2 to 1.4.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import cKDTree

from urbanki_helpers.errors import CRSError, DataError

__all__ = ["coverage_curve", "grid_to_points", "nearest_distance_m", "share_within"]

_METRE_NAMES = {"metre", "meter", "m"}


def _check_layer(gdf, name: str) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise DataError(
            f"{name} must be a GeoDataFrame.",
            message_de=f"{name} muss ein GeoDataFrame sein (Tabelle mit Geometrie), z. B. aus "
            "geopandas.read_file oder grid_to_points.",
        )
    if gdf.crs is None:
        raise CRSError(
            f"{name} has no coordinate reference system. Set it, e.g. "
            f"{name}.set_crs('EPSG:25832') if the coordinates are UTM 32N metres.",
            message_de=f"{name} hat kein Koordinatenbezugssystem (CRS). Setzen Sie es, z. B. "
            f"mit {name}.set_crs('EPSG:25832'), wenn die Koordinaten UTM-32N-Meter sind.",
        )
    crs = CRS.from_user_input(gdf.crs)
    if crs.is_geographic:
        raise CRSError(
            f"{name} is in a geographic CRS ({crs.to_string()}, degrees); distances need metres. "
            f"Reproject it first: {name}.to_crs('EPSG:25832').",
            message_de=f"{name} liegt in geografischen Koordinaten ({crs.to_string()}, Grad); "
            f"für Entfernungen in Metern projizieren Sie zuerst um: "
            f"{name}.to_crs('EPSG:25832').",
        )
    units = {ax.unit_name for ax in crs.axis_info}
    if not crs.is_projected or not units <= _METRE_NAMES:
        raise CRSError(
            f"{name} must be in a projected CRS with metre units (e.g. EPSG:25832), got "
            f"{crs.to_string()}.",
            message_de=f"{name} muss in einem projizierten Koordinatensystem mit Metern "
            f"vorliegen (z. B. EPSG:25832), nicht in {crs.to_string()}. Projizieren Sie um: "
            f"{name}.to_crs('EPSG:25832').",
        )
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    if missing.any():
        raise DataError(
            f"{name} has {int(missing.sum())} rows without geometry; drop them first.",
            message_de=f"{name} hat {int(missing.sum())} Zeilen ohne Geometrie; entfernen Sie "
            "diese vorher, z. B. mit df[~df.geometry.is_empty & df.geometry.notna()].",
        )


def _check_pair(points, facilities) -> None:
    _check_layer(points, "points")
    _check_layer(facilities, "facilities")
    if len(facilities) == 0:
        raise DataError(
            "facilities is empty; there is nothing to measure the distance to.",
            message_de="Die Einrichtungen (facilities) sind leer: Es gibt nichts, zu dem die "
            "Entfernung gemessen werden kann. Prüfen Sie Datei und Filter.",
        )
    if not CRS.from_user_input(points.crs).equals(CRS.from_user_input(facilities.crs)):
        raise CRSError(
            f"points ({points.crs.to_string()}) and facilities ({facilities.crs.to_string()}) "
            "are in different CRS. Reproject both, e.g. with .to_crs('EPSG:25832').",
            message_de=f"Die Ebenen liegen in verschiedenen Koordinatensystemen (points: "
            f"{points.crs.to_string()}, facilities: {facilities.crs.to_string()}). Bringen Sie "
            "beide in dasselbe System, z. B. mit .to_crs('EPSG:25832').",
        )


def nearest_distance_m(points: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame) -> pd.Series:
    """Straight-line distance in m from every point to the nearest facility.

    ``points`` must hold point geometries; ``facilities`` may hold points, lines or polygons
    (distance 0 inside a polygon). Returns a float Series named ``distance_m`` with the index
    of ``points``.
    """
    _check_pair(points, facilities)
    if len(points) == 0:
        return pd.Series([], index=points.index, dtype=float, name="distance_m")
    if not (points.geom_type == "Point").all():
        raise DataError(
            "points must contain Point geometries only (use centroids of areas, e.g. "
            "gdf.representative_point()).",
            message_de="points darf nur Punkte enthalten. Für Flächen verwenden Sie z. B. "
            "gdf.representative_point() oder die Mittelpunkte eines Rasters (grid_to_points).",
        )
    xy = shapely.get_coordinates(points.geometry.values)
    if (facilities.geom_type == "Point").all():
        tree = cKDTree(shapely.get_coordinates(facilities.geometry.values))
        dist, _ = tree.query(xy, k=1)
    else:
        geoms = facilities.geometry.values
        tree = shapely.STRtree(np.asarray(geoms))
        pts = shapely.points(xy)
        (i_pt, i_fac), dist_pairs = tree.query_nearest(pts, return_distance=True, all_matches=False)
        dist = np.empty(len(pts))
        dist[i_pt] = dist_pairs
    return pd.Series(np.asarray(dist, dtype=float), index=points.index, name="distance_m")


def _check_radius(radius_m) -> float:
    try:
        r = float(radius_m)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"radius_m must be a number of metres, got {radius_m!r}.",
            message_de=f"Der Radius (radius_m) muss eine Zahl in Metern sein, angegeben war "
            f"{radius_m!r}.",
        ) from exc
    if not np.isfinite(r) or r <= 0:
        raise DataError(
            f"radius_m must be a positive number of metres, got {radius_m!r}.",
            message_de=f"Der Radius (radius_m) muss größer als 0 m sein, angegeben war "
            f"{radius_m!r}, z. B. 300 für 300 m.",
        )
    return r


def _weights(population: gpd.GeoDataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(population))
    if weight not in population.columns:
        raise DataError(
            f"Weight column {weight!r} not found; available: "
            f"{', '.join(map(str, population.columns))}. Use weight=None to count points.",
            message_de=f"Die Gewichtsspalte {weight!r} fehlt. Vorhandene Spalten: "
            f"{', '.join(map(str, population.columns))}. Mit weight=None werden die Punkte "
            "gezählt.",
        )
    values = pd.to_numeric(population[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise DataError(
            f"Weight column {weight!r} has {int(bad.sum())} missing, non-numeric or negative "
            "values.",
            message_de=f"Die Gewichtsspalte {weight!r} hat {int(bad.sum())} fehlende, nicht "
            "numerische oder negative Werte. Bereinigen Sie diese vorher.",
        )
    return values


def _shares(distance: np.ndarray, w: np.ndarray, radius: float) -> float:
    total = w.sum()
    if total <= 0:
        raise DataError(
            "The total weight of the population is 0; a share cannot be computed.",
            message_de="Die Summe der Gewichte (z. B. Einwohner) ist 0; ein Anteil lässt "
            "sich nicht berechnen. Prüfen Sie Datei und Filter.",
        )
    return float(w[distance <= radius].sum() / total)


def share_within(
    population: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    radius_m: float,
    *,
    weight: str | None = "einwohner",
    by: str | None = None,
) -> pd.DataFrame | float:
    """Share (0..1) of ``weight`` (e.g. residents) within ``radius_m`` metres of a facility.

    A point counts as within reach if its distance is at most ``radius_m``. ``weight=None``
    counts points. Without ``by`` a float is returned; with ``by`` (a column of
    ``population``) a DataFrame with one row per group and the columns ``<by>``, ``total``,
    ``within`` (summed weight) and ``share`` (NaN for a group with total 0).
    """
    radius = _check_radius(radius_m)
    w = _weights(population, weight)
    if by is not None and by not in population.columns:
        raise DataError(
            f"Group column {by!r} not found; available: "
            f"{', '.join(map(str, population.columns))}.",
            message_de=f"Die Gruppenspalte {by!r} fehlt. Vorhandene Spalten: "
            f"{', '.join(map(str, population.columns))}.",
        )
    distance = nearest_distance_m(population, facilities).to_numpy()
    if by is None:
        if len(population) == 0:
            raise DataError(
                "population is empty.",
                message_de="Die Bevölkerungsebene (population) ist leer.",
            )
        return _shares(distance, w, radius)
    frame = pd.DataFrame({
        by: population[by].to_numpy(),
        "total": w,
        "within": np.where(distance <= radius, w, 0.0),
    })
    out = frame.groupby(by, sort=True, dropna=False)[["total", "within"]].sum().reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out["total"] > 0, out["within"] / out["total"], np.nan)
    return out


def coverage_curve(
    population: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    radii_m: Iterable[float],
    *,
    weight: str | None = "einwohner",
) -> pd.DataFrame:
    """Share (0..1) of ``weight`` within each radius (m); columns ``radius_m``, ``share``.

    Rows keep the order of ``radii_m``; distances are computed once.
    """
    radii = [_check_radius(r) for r in radii_m]
    if not radii:
        raise DataError(
            "radii_m is empty; give at least one radius in metres.",
            message_de="Die Liste der Radien (radii_m) ist leer; geben Sie mindestens einen "
            "Radius in Metern an, z. B. [300, 500, 800].",
        )
    w = _weights(population, weight)
    if len(population) == 0:
        raise DataError(
            "population is empty.",
            message_de="Die Bevölkerungsebene (population) ist leer.",
        )
    distance = nearest_distance_m(population, facilities).to_numpy()
    shares = [_shares(distance, w, r) for r in radii]
    return pd.DataFrame({"radius_m": radii, "share": shares})


def grid_to_points(
    df: pd.DataFrame, *, x: str = "x", y: str = "y", crs="EPSG:25832"
) -> gpd.GeoDataFrame:
    """Points from coordinate columns (e.g. 100 m grid cell centres in EPSG:25832 metres).

    All columns and the index of ``df`` are kept.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            "df must be a pandas DataFrame.",
            message_de="df muss eine Tabelle (pandas DataFrame) sein.",
        )
    missing = [c for c in (x, y) if c not in df.columns]
    if missing:
        raise DataError(
            f"Coordinate columns missing: {', '.join(missing)}; available: "
            f"{', '.join(map(str, df.columns))}.",
            message_de=f"Die Koordinatenspalten {', '.join(missing)} fehlen. Vorhandene "
            f"Spalten: {', '.join(map(str, df.columns))}. Geben Sie die Namen mit x=... und "
            "y=... an.",
        )
    if crs is None:
        raise CRSError(
            "crs must be given (e.g. 'EPSG:25832').",
            message_de="Geben Sie das Koordinatensystem an (crs), z. B. 'EPSG:25832'.",
        )
    coords = {}
    for col in (x, y):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna()
        if bad.any():
            first = df.index[bad.to_numpy()][0]
            raise DataError(
                f"Column {col!r} has {int(bad.sum())} missing or non-numeric values (first in "
                f"row {first}).",
                message_de=f"Die Spalte {col!r} hat {int(bad.sum())} fehlende oder nicht "
                f"numerische Werte (erste in Zeile {first}). Prüfen Sie z. B. das "
                "Dezimaltrennzeichen beim Einlesen.",
            )
        coords[col] = values.to_numpy(dtype=float)
    geometry = gpd.points_from_xy(coords[x], coords[y])
    return gpd.GeoDataFrame(df.copy(), geometry=geometry, crs=crs)
