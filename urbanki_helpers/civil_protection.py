"""Who is affected by a warning zone, and the warning text for the population.

Zones come from :func:`urbanki_helpers.plume.warning_zones` (EPSG:25832 polygons with
``level_name`` and ``threshold_g_m3``); population points carry ``einwohner``; facilities and
areas follow :class:`urbanki_helpers.citylayers.CityLayers`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from urbanki_helpers.errors import CRSError, DataError

SENSITIVE_DE = {"schule": "Schule", "kita": "Kita", "krankenhaus": "Krankenhaus",
                "pflegeheim": "Pflegeheim"}


def _same_crs(*layers: gpd.GeoDataFrame) -> None:
    crs = {str(layer.crs) for layer in layers}
    if len(crs) != 1 or layers[0].crs is None or layers[0].crs.is_geographic:
        raise CRSError(
            f"Zones, population and facilities need one projected CRS (found {sorted(crs)}); "
            "bring them to EPSG:25832 first.",
            message_de=f"Warnzonen, Bevölkerung und Einrichtungen brauchen dasselbe metrische "
            f"Koordinatensystem (gefunden: {sorted(crs)}); bringen Sie sie nach EPSG:25832.",
        )


def _inside(points: gpd.GeoDataFrame, zone) -> pd.Series:
    if zone is None or zone.is_empty:
        return pd.Series(False, index=points.index)
    return points.within(zone)


def affected_by_level(zones: gpd.GeoDataFrame, population: gpd.GeoDataFrame,
                      facilities: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Residents and sensitive facilities inside each warning zone (one row per level).

    Zones are nested (a higher level lies inside a lower one), so each row counts everybody
    at or above that level: ``einwohner`` (persons), ``einrichtungen`` (number of sensitive
    facilities) and their names.
    """
    if "einwohner" not in population.columns:
        raise DataError("population needs a column 'einwohner' (persons).",
                        message_de="Die Bevölkerungspunkte brauchen die Spalte 'einwohner'.")
    layers = [zones, population] + ([facilities] if facilities is not None else [])
    _same_crs(*layers)
    sensitive = (facilities[facilities["layer"].isin(list(SENSITIVE_DE))]
                 if facilities is not None else None)
    rows = []
    for _, zone in zones.iterrows():
        inside = _inside(population, zone.geometry)
        names: list[str] = []
        if sensitive is not None and len(sensitive):
            hit = sensitive[_inside(sensitive, zone.geometry)]
            names = [f"{SENSITIVE_DE[layer]} {name}" for layer, name in
                     zip(hit["layer"], hit["name"], strict=True)]
        rows.append({"stufe": zone["level_name"], "grenzwert_g_m3": zone["threshold_g_m3"],
                     "flaeche_km2": round(float(zone.geometry.area) / 1e6, 3),
                     "einwohner": int(round(float(population.loc[inside, "einwohner"].sum()))),
                     "einrichtungen": len(names), "einrichtungen_namen": "; ".join(names)})
    return pd.DataFrame(rows)


def affected_by_area(zone, population: gpd.GeoDataFrame, *, area_column: str) -> pd.DataFrame:
    """Residents inside ``zone`` (a polygon) per area (e.g. Stadtteil), largest first."""
    if area_column not in population.columns:
        raise DataError(f"population has no column {area_column!r}.",
                        message_de=f"Den Bevölkerungspunkten fehlt die Spalte {area_column!r}.")
    inside = population[_inside(population, zone)]
    table = inside.groupby(area_column)["einwohner"].sum().round().astype(int)
    return table.sort_values(ascending=False).rename("einwohner_betroffen").reset_index()


def warning_text(level_name: str, areas: list[str], *, substance: str,
                 facilities: list[str] = ()) -> str:
    """A draft warning in plain German, in the style of official warnings (NINA/MoWaS).

    It says what happened, who is affected and what to do; it is a draft for the control
    centre, never sent automatically.
    """
    where = ", ".join(areas) if areas else "die Umgebung der Schadstelle"
    lines = [
        f"Warnung ({level_name}): Austritt von {substance}.",
        f"Betroffen: {where}.",
        "Bleiben Sie in geschlossenen Räumen. Schließen Sie Fenster und Türen.",
        "Schalten Sie Lüftungs- und Klimaanlagen aus.",
        "Meiden Sie das Gebiet. Folgen Sie den Anweisungen der Einsatzkräfte.",
        "Informieren Sie sich über Radio, die Warn-App NINA und www.warnung.bund.de.",
    ]
    if facilities:
        lines.insert(2, "Besonders zu schützen: " + "; ".join(facilities) + ".")
    return "\n".join(lines)
