"""City layers for maps and questions: areas, facilities and population of one town.

Use cases 07 (who is affected by a pollutant plume) and 08 (map chatbot: "Wie viele
Defibrillatoren gibt es im Stadtbezirk Ehrenfeld?") need the same three layers, all in
EPSG:25832 (metres):

``areas``       Stadtteile and Stadtbezirke: ``area_id``, ``name``, ``level`` ("Stadtteil" or
                "Stadtbezirk"), ``parent`` (Stadtbezirk of a Stadtteil, else ""), ``einwohner``
``facilities``  points: ``facility_id``, ``layer`` (key of :data:`LAYER_NAMES_DE`), ``name``,
                ``stadtteil``, ``stadtbezirk`` (by spatial join), ``oeffnungszeiten``, ``plaetze``
``population``  points with ``einwohner`` and ``stadtteil``

Sources: ``"musterstadt"`` (synthetic datasets ``musterstadt_basis`` and ``musterstadt_karten``;
population = the 100 m grid; 3 fictional Stadtbezirke group the 9 Stadtteile) and ``"koeln"``
(real dataset ``koeln``: 9 Stadtbezirke, 86 Stadtteile with residents of the latest year in
``bevoelkerung.csv``, defibrillators (AED), OSM fire stations and hospitals).

Köln population grid (areal interpolation): the city publishes residents only per Stadtteil.
:func:`load_city_layers` lays a 200 m grid over each Stadtteil and spreads its residents evenly
over the cell centres inside it (if no centre falls inside, one point in the Stadtteil gets
all). This assumes people live evenly within a Stadtteil, which parks, the Rhine, industry and
rail yards contradict: counts for small zones (a plume of a few hundred metres) are estimates,
not facts. Facilities outside the city (the OSM extracts cover a rectangle) are dropped; their
number is in ``facilities.attrs["dropped_outside"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from urbanki_helpers.data.catalog import dataset_dir, dataset_file, load_catalog
from urbanki_helpers.data.geo import METRIC_CRS, read_geodata
from urbanki_helpers.data.tables import read_table
from urbanki_helpers.errors import DataError

__all__ = [
    "LAYER_NAMES_DE",
    "SENSITIVE",
    "SOURCES",
    "CityLayers",
    "load_city_layers",
]

LAYER_NAMES_DE = {
    "defibrillator": "Defibrillatoren",
    "feuerwache": "Feuerwachen",
    "krankenhaus": "Krankenhäuser",
    "schule": "Schulen",
    "kita": "Kitas",
    "pflegeheim": "Pflegeheime",
    "arzt": "Arztpraxen",
    "toilette_barrierefrei": "barrierefreie Toiletten",
    "buergerbuero": "Bürgerbüro",
}
SENSITIVE = ("schule", "kita", "krankenhaus", "pflegeheim")
SOURCES = ("musterstadt", "koeln")

KOELN_GRID_M = 200.0  # cell size of the Köln population grid (areal interpolation), m
# Fictional Stadtbezirke of Musterstadt: id, name, Stadtteil ids.
MUSTERSTADT_BEZIRKE = [
    ("1", "Mitte", ("01", "04", "09")),
    ("2", "Nord", ("02", "03", "08")),
    ("3", "Süd-West", ("05", "06", "07")),
]
_AREA_COLUMNS = ["area_id", "name", "level", "parent", "einwohner", "geometry"]
_FACILITY_COLUMNS = ["facility_id", "layer", "name", "stadtteil", "stadtbezirk",
                     "oeffnungszeiten", "plaetze", "geometry"]


@dataclass
class CityLayers:
    """Areas, facilities and population points of one town, all in EPSG:25832.

    ``notes`` holds German sentences on how the layers were built (population year, name
    matching, interpolation) for display beside a result.
    """

    source: str
    attribution: str
    areas: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    population: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def load_city_layers(source: str) -> CityLayers:
    """Load the city layers of ``source``: ``"musterstadt"`` (synthetic) or ``"koeln"`` (real)."""
    key = str(source).strip().lower().replace("ö", "oe")
    if key == "musterstadt":
        return _musterstadt()
    if key == "koeln":
        return _koeln()
    raise DataError(
        f"Unknown city {source!r}. Choose one of: {', '.join(SOURCES)}.",
        message_de=f"Unbekannte Stadt {source!r}. Wählen Sie eine von: {', '.join(SOURCES)}.",
    )


# --------------------------------------------------------------------------- Musterstadt


def _musterstadt() -> CityLayers:
    catalog = load_catalog()
    teile = read_geodata(dataset_file("musterstadt_basis", "stadtteile.geojson"))
    teile["stadtteil_id"] = teile["stadtteil_id"].astype(str)
    bezirk_of = {t: name for _i, name, ids in MUSTERSTADT_BEZIRKE for t in ids}
    teil_rows = gpd.GeoDataFrame({
        "area_id": teile["stadtteil_id"],
        "name": teile["name"],
        "level": "Stadtteil",
        "parent": teile["stadtteil_id"].map(bezirk_of),
        "einwohner": teile["einwohner"].astype("int64"),
    }, geometry=teile.geometry, crs=teile.crs)
    bezirk_rows = []
    for bezirk_id, name, ids in MUSTERSTADT_BEZIRKE:
        part = teil_rows[teil_rows["area_id"].isin(ids)]
        bezirk_rows.append({"area_id": bezirk_id, "name": name, "level": "Stadtbezirk",
                            "parent": "", "einwohner": int(part["einwohner"].sum()),
                            "geometry": part.geometry.union_all()})
    bezirke = gpd.GeoDataFrame(bezirk_rows, geometry="geometry", crs=teile.crs)
    areas = _areas(pd.concat([bezirke, teil_rows], ignore_index=True))

    grid = read_table(dataset_file("musterstadt_basis", "bevoelkerung_100m.csv"),
                      keep_str=["stadtteil_id"])
    names = dict(zip(teile["stadtteil_id"], teile["name"], strict=True))
    population = gpd.GeoDataFrame(
        {"einwohner": grid["einwohner"].astype("int64"),
         "stadtteil": grid["stadtteil_id"].map(names)},
        geometry=gpd.points_from_xy(grid["x"], grid["y"]), crs=METRIC_CRS)

    raw = read_geodata(dataset_file("musterstadt_karten", "einrichtungen.geojson"))
    facilities = gpd.GeoDataFrame({
        "facility_id": raw["einrichtung_id"].astype(str),
        "layer": raw["art"].astype(str),
        "name": raw["name"].astype(str),
        "oeffnungszeiten": raw["oeffnungszeiten"].fillna("").astype(str),
        "plaetze": pd.to_numeric(raw["plaetze"], errors="coerce"),
    }, geometry=raw.geometry, crs=raw.crs)
    facilities = _assign_areas(facilities, areas)
    attribution = "; ".join(dict.fromkeys(
        catalog[d].attribution for d in ("musterstadt_basis", "musterstadt_karten")))
    notes = ["Musterstadt ist erfunden (synthetische Daten). Die 3 Stadtbezirke Mitte, Nord "
             "und Süd-West fassen je 3 Stadtteile zusammen.",
             "Einwohner aus dem 100-m-Raster von musterstadt_basis."]
    return CityLayers("musterstadt", attribution, areas, facilities, population, notes)


# --------------------------------------------------------------------------- Köln


def _koeln() -> CityLayers:
    catalog = load_catalog()
    folder = dataset_dir("koeln")
    notes: list[str] = []

    bezirke = read_geodata(folder / "stadtbezirke.geojson")
    teile = read_geodata(folder / "stadtteile_shp" / "Stadtteil.shp", encoding="cp1252")
    table = read_table(folder / "bevoelkerung.csv", keep_str=["raum_id", "tab_id"])
    total = table[(table["tab_id"] == "005") & (table["zeile"] == "Einwohner")]
    year = int(total["jahr"].max())
    total = total[total["jahr"] == year]
    people = dict(zip(total["raum_id"], total["zahl"], strict=True))
    raum_names = dict(zip(total["raum_id"], total["raum"], strict=True))

    bezirk_ids = bezirke["STB_NR"].astype(str).str.strip().str.zfill(3)
    teil_ids = teile["STT_NR"].astype(str).str.strip().str.zfill(3)
    mismatches = [f"{i}: {a!r} / {raum_names.get(i)!r}"
                  for i, a in [*zip(bezirk_ids, bezirke["STB_NAME"], strict=True),
                               *zip(teil_ids, teile["STT_NAME"], strict=True)]
                  if _norm(raum_names.get(i, "")) != _norm(a)]
    unmatched = sorted(i for i in {*bezirk_ids, *teil_ids} if i not in people)
    bezirk_name = dict(zip(bezirk_ids.str[-1], bezirke["STB_NAME"], strict=True))

    bezirk_rows = gpd.GeoDataFrame({
        "area_id": bezirke["STB_NR"].astype(str).str.strip(),
        "name": bezirke["STB_NAME"].astype(str),
        "level": "Stadtbezirk",
        "parent": "",
        "einwohner": bezirk_ids.map(people),
    }, geometry=bezirke.geometry, crs=bezirke.crs)
    teil_rows = gpd.GeoDataFrame({
        "area_id": teil_ids,
        "name": teile["STT_NAME"].astype(str),
        "level": "Stadtteil",
        "parent": teil_ids.str[0].map(bezirk_name),
        "einwohner": teil_ids.map(people),
    }, geometry=teile.geometry, crs=teile.crs)
    areas = _areas(pd.concat([bezirk_rows, teil_rows], ignore_index=True))
    areas.attrs["year"] = year
    areas.attrs["unmatched"] = unmatched
    areas.attrs["name_differences"] = mismatches
    notes.append(f"Einwohner: Stadt Köln, Jahr {year} (neuestes Jahr in "
                 "bevoelkerung.csv), je Stadtteil und Stadtbezirk über die Raumnummer verknüpft.")
    if unmatched:
        notes.append(f"Ohne Einwohnerzahl: {', '.join(unmatched)}.")
    if mismatches:
        notes.append("Schreibweise abweichend zwischen Geometrie und Tabelle: "
                     + "; ".join(mismatches) + ".")

    population = _even_grid(teil_rows)
    notes.append(f"Einwohner je {KOELN_GRID_M:.0f}-m-Rasterpunkt: die Zahl des Stadtteils "
                 "gleichmäßig auf seine Rasterpunkte verteilt (Flächeninterpolation). Echte "
                 "Wohndichte ist ungleich (Parks, Rhein, Gewerbe): Zahlen für kleine Zonen sind "
                 "Schätzungen.")

    aed = read_geodata(folder / "aed.geojson")
    aed = aed.drop(columns=[c for c in aed.columns if c == "last_edited_by"])
    parts = [gpd.GeoDataFrame({
        "facility_id": [f"aed-{i + 1:03d}" for i in range(len(aed))],
        "layer": "defibrillator",
        "name": aed["name"].fillna("Defibrillator").astype(str),
        "oeffnungszeiten": aed["opening_hours"].fillna("").astype(str),
        "plaetze": np.nan,
    }, geometry=aed.geometry, crs=aed.crs)]
    for file, layer, fallback in (("osm_fire_station.geojson", "feuerwache", "Feuerwache"),
                                  ("osm_hospital.geojson", "krankenhaus", "Krankenhaus")):
        osm = read_geodata(folder / file)
        names = osm["tags/name"].fillna("").astype(str).str.strip()
        parts.append(gpd.GeoDataFrame({
            "facility_id": [f"osm-{i}" for i in osm["id"]],
            "layer": layer,
            "name": names.where(names != "", f"{fallback} (ohne Namen in OSM)"),
            "oeffnungszeiten": "",
            "plaetze": np.nan,
        }, geometry=osm.geometry, crs=osm.crs))
    facilities = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=METRIC_CRS)
    facilities = _assign_areas(facilities, areas)
    outside = facilities["stadtbezirk"] == ""
    dropped = facilities[outside].groupby("layer").size().to_dict()
    facilities = facilities[~outside].reset_index(drop=True)
    facilities.attrs["dropped_outside"] = {k: int(v) for k, v in dropped.items()}
    if dropped:
        notes.append("Außerhalb Kölns, nicht berücksichtigt: " + ", ".join(
            f"{v} {LAYER_NAMES_DE[k]}" for k, v in sorted(dropped.items())) + ".")
    notes.append("Defibrillatoren ohne Bearbeiter-Kürzel (last_edited_by entfernt).")
    return CityLayers("koeln", catalog["koeln"].attribution, areas, facilities, population,
                      notes)


# --------------------------------------------------------------------------- helpers


def _norm(name: str) -> str:
    """Name for comparisons: lower case, umlauts spelled out, no punctuation or spaces."""
    text = str(name).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]", "", text)


def _areas(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    areas = gpd.GeoDataFrame(frame, geometry="geometry", crs=METRIC_CRS)[_AREA_COLUMNS]
    areas["area_id"] = areas["area_id"].astype(str)
    areas["parent"] = areas["parent"].fillna("").astype(str)
    if areas["einwohner"].notna().all():
        areas["einwohner"] = areas["einwohner"].astype("int64")
    return areas.reset_index(drop=True)


def _assign_areas(facilities: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the names of the Stadtteil and Stadtbezirk each point lies in ("" if none)."""
    facilities = facilities.reset_index(drop=True)
    for level, column in (("Stadtteil", "stadtteil"), ("Stadtbezirk", "stadtbezirk")):
        polys = areas.loc[areas["level"] == level, ["name", "geometry"]]
        joined = gpd.sjoin(facilities[["geometry"]], polys, how="left", predicate="within")
        first = joined[~joined.index.duplicated(keep="first")]["name"]
        facilities[column] = first.reindex(facilities.index).fillna("").astype(str)
    return facilities[_FACILITY_COLUMNS]


def _even_grid(teile: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Residents of each Stadtteil spread evenly over the 200 m cell centres inside it."""
    rows = []
    for geom, name, residents in zip(teile.geometry, teile["name"], teile["einwohner"],
                                     strict=True):
        minx, miny, maxx, maxy = geom.bounds
        start_x = np.floor(minx / KOELN_GRID_M) * KOELN_GRID_M + KOELN_GRID_M / 2
        start_y = np.floor(miny / KOELN_GRID_M) * KOELN_GRID_M + KOELN_GRID_M / 2
        xs, ys = np.meshgrid(np.arange(start_x, maxx, KOELN_GRID_M),
                             np.arange(start_y, maxy, KOELN_GRID_M))
        points = gpd.points_from_xy(xs.ravel(), ys.ravel())
        inside = [p for p in points if geom.contains(p)] or [
            Point(geom.representative_point().coords[0])]
        share = float(residents) / len(inside) if pd.notna(residents) else np.nan
        rows += [(p, share, name) for p in inside]
    return gpd.GeoDataFrame({"einwohner": [r[1] for r in rows],
                             "stadtteil": [r[2] for r in rows]},
                            geometry=[r[0] for r in rows], crs=METRIC_CRS)
