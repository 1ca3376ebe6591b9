"""German municipalities from the BKG's VG5000 boundaries: selection, profiles and batch grids.

The dataset ``vg5000`` (catalogue) holds all 10,997 municipalities (Gemeinden, including 207
unincorporated areas, "gemeindefreie Gebiete") and 401 Kreise as of 1 January 2021. Codes stay
text end to end: the Amtlicher Gemeindeschlüssel (AGS) has 8 digits (``"05513000"``), a Kreis
5 (``"05513"``), a Land 2 (``"05"``); the first two digits of every AGS name the Land, the
first five the Kreis.

A prepared municipalities table (:func:`load_municipalities`, :func:`prepare_municipalities`)
is a GeoDataFrame in EPSG:25832 with the columns ``ags``, ``name``, ``designation``, ``land``,
``land_name``, ``land_short``, ``kreis``, ``kreis_name``, ``kreis_designation`` and
``geometry``, sorted by ``ags``.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from urbanki_helpers.atomic import write_text
from urbanki_helpers.calendar_de import SCHOOL_HOLIDAYS
from urbanki_helpers.data.geo import METRIC_CRS, read_geodata, to_metric
from urbanki_helpers.errors import DataError, ParameterError

__all__ = [
    "ATTRIBUTION",
    "DATASET_ID",
    "LAENDER",
    "MunicipalProfile",
    "UseCaseFit",
    "applicable_use_cases",
    "land_code",
    "load_municipalities",
    "municipal_profile",
    "municipality_grid",
    "neighbours",
    "prepare_municipalities",
    "select",
    "surroundings",
    "write_grid",
]

DATASET_ID = "vg5000"
GEM_FILE = "VG5000_GEM.shp"
KRS_FILE = "VG5000_KRS.shp"
ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"
VINTAGE = "01.01.2021"

#: Land code -> (name, short code as in :mod:`urbanki_helpers.calendar_de`).
LAENDER: dict[str, tuple[str, str]] = {
    "01": ("Schleswig-Holstein", "SH"), "02": ("Hamburg", "HH"),
    "03": ("Niedersachsen", "NI"), "04": ("Bremen", "HB"),
    "05": ("Nordrhein-Westfalen", "NW"), "06": ("Hessen", "HE"),
    "07": ("Rheinland-Pfalz", "RP"), "08": ("Baden-Württemberg", "BW"),
    "09": ("Bayern", "BY"), "10": ("Saarland", "SL"), "11": ("Berlin", "BE"),
    "12": ("Brandenburg", "BB"), "13": ("Mecklenburg-Vorpommern", "MV"),
    "14": ("Sachsen", "SN"), "15": ("Sachsen-Anhalt", "ST"), "16": ("Thüringen", "TH"),
}
_SHORT_TO_CODE = {short: code for code, (_, short) in LAENDER.items()} | {"NRW": "05"}

AREA_NOTE_DE = (
    "Fläche aus den generalisierten Grenzen des VG5000 (Maßstab 1:5 000 000), berechnet in "
    "EPSG:25832: Sie weicht von der amtlichen Katasterfläche ab (Gelsenkirchen 106,2 statt "
    "104,9 km²), in Ostdeutschland kommt die Verzerrung von UTM 32 hinzu (Dresden etwa +0,2 %)."
)
NEIGHBOUR_NOTE_DE = (
    "Nachbarn sind Gemeinden mit einem gemeinsamen Grenzabschnitt in den generalisierten Grenzen; "
    "kurze echte Grenzen können dabei verloren gehen (Gelsenkirchen–Bottrop liegen im VG5000 "
    "rund 860 m auseinander)."
)

COLUMNS = ["ags", "name", "designation", "land", "land_name", "land_short", "kreis",
           "kreis_name", "kreis_designation", "geometry"]
_KOELN = "05315000"
_MAX_LISTED = 12


# --------------------------------------------------------------------------- loading


def load_municipalities(folder: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """All VG5000 municipalities with their Kreis and Land, prepared (see module docstring).

    ``folder`` holds ``VG5000_GEM.shp`` and ``VG5000_KRS.shp`` with their sidecar files;
    default: the dataset ``vg5000`` from the catalogue (mirror, cache or download;
    :class:`~urbanki_helpers.errors.DatasetNotAvailableError` names the ways to provide it).
    The files are read once per process; every call returns a fresh copy.
    """
    if folder is None:
        from urbanki_helpers.data.catalog import dataset_dir

        folder = dataset_dir(DATASET_ID)
    folder = Path(folder).expanduser().resolve()
    gem_path = folder / GEM_FILE
    stamp = gem_path.stat().st_mtime_ns if gem_path.is_file() else 0
    return _load_cached(str(folder), stamp).copy()


@lru_cache(maxsize=2)
def _load_cached(folder: str, stamp: int) -> gpd.GeoDataFrame:
    gem = read_geodata(Path(folder) / GEM_FILE)
    krs = read_geodata(Path(folder) / KRS_FILE)
    return prepare_municipalities(gem, krs)


def prepare_municipalities(gem: gpd.GeoDataFrame,
                           districts: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Turn VG5000-like layers into the prepared municipalities table.

    ``gem`` needs an ``AGS`` (or ``AGS_0``) and a ``GEN`` column (``BEZ`` optional) and a CRS;
    ``districts`` (``VG5000_KRS``) adds Kreis names. AGS read as numbers (``5513000``) get
    their leading zeros back. Geometries are made valid and reprojected to EPSG:25832.
    """
    if not isinstance(gem, gpd.GeoDataFrame):
        raise DataError(
            f"The municipalities must be a GeoDataFrame, got {type(gem).__name__}.",
            message_de="Die Gemeinden müssen ein GeoDataFrame sein, erhalten: "
            f"{type(gem).__name__}.",
        )
    code_col = "AGS_0" if "AGS_0" in gem.columns else "AGS"
    missing = [c for c in (code_col, "GEN") if c not in gem.columns]
    if missing:
        raise DataError(
            f"The municipalities layer lacks the column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, gem.columns))}. Use VG5000_GEM (or VG250_GEM) of the BKG.",
            message_de=f"Der Gemeinde-Layer hat keine Spalte(n) {', '.join(missing)}; "
            f"vorhanden: {', '.join(map(str, gem.columns))}. Verwenden Sie VG5000_GEM (oder "
            "VG250_GEM) des BKG.",
        )
    gem = to_metric(gem)
    ags = _pad_codes(gem[code_col], 8, "AGS")
    duplicated = sorted(set(ags[ags.duplicated()]))
    if duplicated:
        raise DataError(
            f"AGS occur more than once: {', '.join(duplicated[:5])}. Use a layer with one "
            "feature per municipality (VG5000_GEM, GF = 9).",
            message_de=f"Gemeindeschlüssel kommen mehrfach vor: {', '.join(duplicated[:5])}. "
            "Verwenden Sie einen Layer mit einem Objekt je Gemeinde (VG5000_GEM, GF = 9).",
        )
    land = ags.str[:2]
    unknown = sorted(set(land) - set(LAENDER))
    if unknown:
        raise DataError(
            f"AGS with unknown Land codes {', '.join(unknown)} (valid: 01 to 16).",
            message_de=f"Gemeindeschlüssel mit unbekanntem Landesschlüssel {', '.join(unknown)} "
            "(gültig: 01 bis 16).",
        )
    geometry = gem.geometry.copy()
    invalid = ~geometry.is_valid
    if invalid.any():  # three self-intersecting rings in VG5000 2021; areas stay the same
        geometry[invalid] = geometry[invalid].make_valid()
    out = gpd.GeoDataFrame({
        "ags": ags.to_numpy(dtype=object),
        "name": gem["GEN"].astype(str).str.strip().to_numpy(dtype=object),
        "designation": (gem["BEZ"].astype(str).str.strip() if "BEZ" in gem.columns
                        else pd.Series("", index=gem.index)).to_numpy(dtype=object),
        "land": land.to_numpy(dtype=object),
        "land_name": land.map(lambda c: LAENDER[c][0]).to_numpy(dtype=object),
        "land_short": land.map(lambda c: LAENDER[c][1]).to_numpy(dtype=object),
        "kreis": ags.str[:5].to_numpy(dtype=object),
    }, geometry=geometry.to_numpy(), crs=gem.crs)
    names, designations = _district_names(districts)
    out["kreis_name"] = [names.get(k, "") for k in out["kreis"]]
    out["kreis_designation"] = [designations.get(k, "") for k in out["kreis"]]
    out = out[COLUMNS].sort_values("ags", ignore_index=True)
    out.attrs.update({k: v for k, v in gem.attrs.items() if k in ("source_crs", "crs_note")})
    return out


def _district_names(districts: gpd.GeoDataFrame | None) -> tuple[dict, dict]:
    if districts is None:
        return {}, {}
    missing = [c for c in ("AGS", "GEN") if c not in districts.columns]
    if missing:
        raise DataError(
            f"The Kreise layer lacks the column(s) {', '.join(missing)}. Use VG5000_KRS.",
            message_de=f"Dem Kreis-Layer fehlen die Spalte(n) {', '.join(missing)}. Verwenden "
            "Sie VG5000_KRS.",
        )
    codes = _pad_codes(districts["AGS"], 5, "Kreisschlüssel")
    names = dict(zip(codes, districts["GEN"].astype(str).str.strip(), strict=True))
    bez = districts["BEZ"].astype(str).str.strip() if "BEZ" in districts.columns else \
        pd.Series("", index=districts.index)
    return names, dict(zip(codes, bez, strict=True))


def _pad_codes(values: pd.Series, width: int, what: str) -> pd.Series:
    """Codes as zero-padded text; numbers that lost their leading zeros get them back."""
    text = values.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    bad = ~text.str.fullmatch(rf"\d{{1,{width}}}")
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise DataError(
            f"{what} in row {first + 1} is {values.iloc[first]!r}, not a code of up to {width} "
            "digits.",
            message_de=f"{what} in Zeile {first + 1} ist {values.iloc[first]!r}, kein Schlüssel "
            f"aus bis zu {width} Ziffern.",
        )
    return text.str.zfill(width)


# --------------------------------------------------------------------------- codes and selection


def _land_list_de() -> str:
    return ", ".join(f"{code} {name} ({short})" for code, (name, short) in LAENDER.items())


def land_code(land: str | int) -> str:
    """The 2-digit Land code for ``"05"``, ``5``, ``"NW"`` or ``"NRW"``; else ParameterError."""
    text = str(land).strip().upper()
    if text.isdigit() and len(text) <= 2:
        text = text.zfill(2)
    text = _SHORT_TO_CODE.get(text, text)
    if text not in LAENDER:
        raise ParameterError(
            f"Unknown Land {land!r}. Valid Land codes: {_land_list_de()}.",
            message_de=f"Unbekanntes Land {land!r}. Gültige Landesschlüssel: {_land_list_de()}.",
        )
    return text


def _kreis_code(gem: gpd.GeoDataFrame, kreis: str | int) -> str:
    text = str(kreis).strip()
    if text.isdigit() and len(text) <= 5:
        text = text.zfill(5)
    if text in set(gem["kreis"]):
        return text
    if re.fullmatch(r"\d{5}", text) and text[:2] in LAENDER:
        options = (gem[gem["land"] == text[:2]].drop_duplicates("kreis")
                   [["kreis", "kreis_name"]].itertuples(index=False))
        listed = [f"{k} {n}".strip() for k, n in options]
        where_en = f"Kreis codes in {LAENDER[text[:2]][0]}"
        where_de = f"Kreisschlüssel in {LAENDER[text[:2]][0]}"
    else:
        listed = []
        where_en = where_de = ""
    shown = ", ".join(listed[:_MAX_LISTED]) + (f" … ({len(listed)} in all)" if
                                                 len(listed) > _MAX_LISTED else "")
    shown_de = ", ".join(listed[:_MAX_LISTED]) + (f" … ({len(listed)} insgesamt)" if
                                                    len(listed) > _MAX_LISTED else "")
    hint_en = f" {where_en}: {shown}." if listed else (
        f" A Kreis code has 5 digits; the first two are the Land: {_land_list_de()}.")
    hint_de = f" {where_de}: {shown_de}." if listed else (
        f" Ein Kreisschlüssel hat 5 Ziffern, die ersten beiden sind das Land: {_land_list_de()}.")
    raise ParameterError(
        f"Unknown Kreis {kreis!r} (VG5000, as of {VINTAGE}).{hint_en}",
        message_de=f"Unbekannter Kreis {kreis!r} (VG5000, Stand {VINTAGE}).{hint_de}",
    )


def select(gem: gpd.GeoDataFrame, land: str | int | None = None,
           kreis: str | int | None = None) -> gpd.GeoDataFrame:
    """The municipalities of one Land and/or Kreis (all when both are None), sorted by AGS.

    ``land`` is a code (``"01"``) or short name (``"SH"``), ``kreis`` a 5-digit code
    (``"01051"``). Unknown codes raise :class:`ParameterError` naming the valid ones.
    """
    _require_prepared(gem)
    mask = pd.Series(True, index=gem.index)
    if land is not None and str(land).strip() != "":
        code = land_code(land)
        mask &= gem["land"] == code
    else:
        code = None
    if kreis is not None and str(kreis).strip() != "":
        kcode = _kreis_code(gem, kreis)
        if code is not None and kcode[:2] != code:
            raise ParameterError(
                f"Kreis {kcode} lies in {LAENDER[kcode[:2]][0]} ({kcode[:2]}), not in "
                f"{LAENDER[code][0]} ({code}). Give only one of them, or matching codes.",
                message_de=f"Der Kreis {kcode} liegt in {LAENDER[kcode[:2]][0]} ({kcode[:2]}), "
                f"nicht in {LAENDER[code][0]} ({code}). Geben Sie nur eines an oder passende "
                "Schlüssel.",
            )
        mask &= gem["kreis"] == kcode
    return gem[mask].sort_values("ags").copy()


def _require_prepared(gem: object) -> None:
    if not isinstance(gem, gpd.GeoDataFrame) or not {"ags", "name", "land", "kreis"} <= set(
            gem.columns):
        raise DataError(
            "Expected the prepared municipalities table (columns ags, name, land, kreis); "
            "load it with load_municipalities() or prepare_municipalities(...).",
            message_de="Erwartet wird die aufbereitete Gemeindetabelle (Spalten ags, name, "
            "land, kreis); laden Sie sie mit load_municipalities() oder "
            "prepare_municipalities(...).",
        )


def _ags_code(gem: gpd.GeoDataFrame, ags: str | int) -> str:
    """The 8-digit AGS of one municipality in ``gem``; helpful errors for names and typos."""
    _require_prepared(gem)
    text = str(ags).strip()
    if text.isdigit() and len(text) <= 8:
        text = text.zfill(8)
        if (gem["ags"] == text).any():
            return text
        same_kreis = gem[gem["kreis"] == text[:5]]
        if len(same_kreis):
            listed = [f"{a} {n}" for a, n in zip(same_kreis["ags"], same_kreis["name"],
                                                  strict=True)]
            more_en = f" … ({len(listed)} in all)" if len(listed) > _MAX_LISTED else ""
            more_de = f" … ({len(listed)} insgesamt)" if len(listed) > _MAX_LISTED else ""
            shown = ", ".join(listed[:_MAX_LISTED])
            hint_en = f" Municipalities in Kreis {text[:5]}: {shown}{more_en}."
            hint_de = f" Gemeinden im Kreis {text[:5]}: {shown}{more_de}."
        else:
            hint_en = (" The first two digits name the Land, the first five the Kreis; "
                       f"Land codes: {_land_list_de()}.")
            hint_de = (" Die ersten beiden Ziffern nennen das Land, die ersten fünf den Kreis; "
                       f"Landesschlüssel: {_land_list_de()}.")
        raise ParameterError(
            f"No municipality with AGS {text} in VG5000 (as of {VINTAGE}).{hint_en}",
            message_de=f"Keine Gemeinde mit dem Gemeindeschlüssel (AGS) {text} im VG5000 "
            f"(Stand {VINTAGE}).{hint_de}",
        )
    found = _by_name(gem, text)
    shown = ", ".join(found[:_MAX_LISTED])
    more_en = f" … ({len(found)} in all)" if len(found) > _MAX_LISTED else ""
    more_de = f" … ({len(found)} insgesamt)" if len(found) > _MAX_LISTED else ""
    hint_en = f" Matching municipalities: {shown}{more_en}." if found else ""
    hint_de = f" Passende Gemeinden: {shown}{more_de}." if found else ""
    raise ParameterError(
        f"{ags!r} is not an AGS: use the 8-digit Amtlicher Gemeindeschlüssel as text, e.g. "
        f"'05513000' for Gelsenkirchen.{hint_en}",
        message_de=f"{ags!r} ist kein Gemeindeschlüssel: Geben Sie den 8-stelligen Amtlichen "
        f"Gemeindeschlüssel als Text an, z. B. '05513000' für Gelsenkirchen.{hint_de}",
    )


def _by_name(gem: gpd.GeoDataFrame, text: str) -> list[str]:
    """'AGS name (Kreis)' of the municipalities called ``text``: exact (ignoring case), else
    names that start with it, else the closest names."""
    folded = gem["name"].str.casefold()
    hits = gem[folded == text.casefold()]
    if hits.empty and text:
        hits = gem[folded.str.startswith(text.casefold())]
    if hits.empty:
        close = difflib.get_close_matches(text, sorted(set(gem["name"])), n=3, cutoff=0.75)
        rank = {name: i for i, name in enumerate(close)}
        hits = gem[gem["name"].isin(rank)]
        hits = hits.iloc[hits["name"].map(rank).argsort(kind="stable")]
    return [f"{a} {n} ({k})" if k else f"{a} {n}"
            for a, n, k in zip(hits["ags"], hits["name"], hits["kreis_name"], strict=True)]


# --------------------------------------------------------------------------- neighbours


def neighbours(gem: gpd.GeoDataFrame, ags: str | int) -> pd.DataFrame:
    """Municipalities that share a stretch of boundary with ``ags`` (a point contact is not
    enough), with ``shared_border_km``; sorted by name. ``gem`` must be in a metric CRS."""
    code = _ags_code(gem, ags)
    _require_metric(gem)
    own = gem.loc[gem["ags"] == code].geometry.iloc[0]
    candidates = gem.iloc[gem.sindex.query(own, predicate="intersects")]
    candidates = candidates[candidates["ags"] != code]
    border = own.boundary
    shared_m = shapely.length(shapely.intersection(border, candidates.geometry.boundary.values))
    result = pd.DataFrame({"ags": candidates["ags"].to_numpy(dtype=object),
                           "name": candidates["name"].to_numpy(dtype=object),
                           "shared_border_km": shared_m / 1000.0})
    result = result[result["shared_border_km"] > 0]
    return result.sort_values(["name", "ags"], ignore_index=True)


def _require_metric(gem: gpd.GeoDataFrame) -> None:
    crs = gem.crs
    if crs is None or not crs.is_projected:
        raise DataError(
            f"The municipalities need a metric CRS such as {METRIC_CRS} for areas and shared "
            f"borders; they have {crs}. Prepare them with prepare_municipalities(...).",
            message_de=f"Die Gemeinden brauchen für Flächen und gemeinsame Grenzen ein metrisches "
            f"Koordinatenbezugssystem wie {METRIC_CRS}; sie haben {crs}. Bereiten Sie sie mit "
            "prepare_municipalities(...) auf.",
        )


def surroundings(gem: gpd.GeoDataFrame, ags: str | int, *,
                 margin_m: float = 3000.0) -> gpd.GeoDataFrame:
    """The municipality, its neighbours and the others within ``margin_m`` (m) of them, for a
    map; column ``role`` is ``"Gemeinde"``, ``"Nachbargemeinde"`` or ``"Umgebung"``. All are
    clipped to the bounding box of the first two, widened by ``margin_m``."""
    code = _ags_code(gem, ags)
    near = set(neighbours(gem, code)["ags"])
    core = gem[gem["ags"].isin(near | {code})]
    minx, miny, maxx, maxy = core.total_bounds
    box = shapely.box(minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    out = gem.iloc[gem.sindex.query(box, predicate="intersects")].clip(box)
    out["role"] = "Umgebung"
    out.loc[out["ags"].isin(near), "role"] = "Nachbargemeinde"
    out.loc[out["ags"] == code, "role"] = "Gemeinde"
    return out.sort_values("ags")


# --------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class UseCaseFit:
    """Whether a notebook of the curriculum fits a municipality, and why (German texts).

    ``status``: ``"passt"`` (applies with what the curriculum provides for this place plus the
    municipality's everyday data), ``"eingeschränkt"`` (applies, but data the curriculum has only
    for other places must be supplied) or ``"passt nicht"`` (its legal basis does not hold here).
    """

    use_case: str
    title: str
    status: str
    reason: str


FITS, LIMITED, NOT_APPLICABLE = "passt", "eingeschränkt", "passt nicht"


def applicable_use_cases(ags: str) -> list[UseCaseFit]:
    """The rule table: which of the notebooks 00–09 fit the municipality ``ags`` (8 digits)."""
    if not (isinstance(ags, str) and re.fullmatch(r"\d{8}", ags) and ags[:2] in LAENDER):
        raise ParameterError(
            f"{ags!r} is not an 8-digit AGS as text with a valid Land code.",
            message_de=f"{ags!r} ist kein 8-stelliger Gemeindeschlüssel (Text) mit gültigem "
            "Landesschlüssel.",
        )
    land_name, short = LAENDER[ags[:2]]
    nrw = ags[:2] == "05"
    city_layers = ags == _KOELN
    fits = [
        UseCaseFit("00", "Einführung", FITS,
                   f"Die gesetzlichen Feiertage von {land_name} sind hinterlegt "
                   f"(Parameter bundesland={short})."),
        UseCaseFit("01", "Versiegelung aus Luftbildern", FITS,
                   "Überall anwendbar: Orthofoto der Gemeinde (4 Kanäle, vom Vermessungsamt des "
                   "Landes) und einige markierte Beispielflächen als Parameter."),
        UseCaseFit("02", "Universelle Luftbild-Pipeline", FITS if nrw else LIMITED,
                   "Der Abruf der Luftbilder über den WMS von Geobasis NRW ist hinterlegt."
                   if nrw else
                   f"Der WMS-Abruf ist nur für NRW hinterlegt; Luftbilder von {land_name} als "
                   "eigene GeoTIFF-Dateien bereitstellen."),
        UseCaseFit("03", "Nachfrageprognose On-Demand-Verkehr",
                   FITS if short in SCHOOL_HOLIDAYS else LIMITED,
                   f"Feiertage und Schulferien von {land_name} sind hinterlegt; dazu die eigenen "
                   "Fahrtwünsche oder Zählwerte als CSV."
                   if short in SCHOOL_HOLIDAYS else
                   f"Feiertage von {land_name} sind hinterlegt, Schulferien nicht (nur "
                   f"{', '.join(SCHOOL_HOLIDAYS)}); ohne sie fehlt ein wichtiges Merkmal."),
        UseCaseFit("04", "Solarpflicht-Prüfung", FITS if nrw else NOT_APPLICABLE,
                   "§ 42a BauO NRW und SAN-VO NRW gelten hier."
                   if nrw else
                   "§ 42a BauO NRW gilt nur in NRW; die Solarpflicht von "
                   f"{land_name} (falls es eine gibt) ist nicht als Regeln hinterlegt."),
        UseCaseFit("05", "KI-gestützte Energieberatung", FITS,
                   "Die Wissensbasis folgt Bundesrecht (GEG) und Bundesförderung; "
                   f"Förderprogramme von {land_name} und der Gemeinde fehlen darin."),
        UseCaseFit("06", "IT-Sicherheit", FITS,
                   "Schwachstellenkatalog und Inventarabgleich hängen nicht vom Ort ab."),
        UseCaseFit("07", "Schadstoffwarnung im Bevölkerungsschutz",
                   FITS if city_layers else LIMITED,
                   "Echte Stadtebenen (Einwohner, Einrichtungen) und Wetterdaten von Köln "
                   "sind hinterlegt." if city_layers else
                   "Braucht Einwohnerraster und Einrichtungen der Gemeinde; echte Stadtebenen "
                   "sind nur für Köln hinterlegt."),
        UseCaseFit("08", "Karten-Chatbot", FITS if city_layers else LIMITED,
                   "Echte Stadtebenen von Köln sind hinterlegt." if city_layers else
                   "Braucht Kartenebenen der Gemeinde (Stadtteile, Einrichtungen); echte "
                   "Ebenen sind nur für Köln hinterlegt."),
        UseCaseFit("09", "Digitale Bauakten", FITS,
                   "Texterkennung, Maskierung und Ordnung von Bauakten sind überall gleich; "
                   f"Aktenzeichen und Bauordnung von {land_name} prüfen."),
    ]
    return fits


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class MunicipalProfile:
    """A municipality at a glance. Areas in km², shared borders in km."""

    ags: str
    name: str
    designation: str
    land: str
    land_name: str
    land_short: str
    kreis: str
    kreis_name: str
    kreis_designation: str
    area_km2: float
    neighbours: tuple[tuple[str, str, float], ...]  # (ags, name, shared_border_km)
    use_cases: tuple[UseCaseFit, ...]
    area_note: str = AREA_NOTE_DE
    neighbour_note: str = NEIGHBOUR_NOTE_DE
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def neighbour_names(self) -> list[str]:
        return [name for _, name, _ in self.neighbours]

    @property
    def kreisfrei(self) -> bool:
        """True for a municipality that is its own Kreis (kreisfreie Stadt, Stadtstaat)."""
        return self.kreis_designation in ("Kreisfreie Stadt", "Stadtkreis")

    def use_case_ids(self, status: str) -> list[str]:
        return [u.use_case for u in self.use_cases if u.status == status]

    def to_dict(self) -> dict:
        """JSON-ready dict with German keys, as written to ``profil.json``."""
        return {
            "ags": self.ags, "name": self.name, "bezeichnung": self.designation,
            "land": {"schluessel": self.land, "name": self.land_name,
                     "kuerzel": self.land_short},
            "kreis": {"schluessel": self.kreis, "name": self.kreis_name,
                      "bezeichnung": self.kreis_designation, "kreisfrei": self.kreisfrei},
            "flaeche_km2": self.area_km2, "flaeche_hinweis": self.area_note,
            "nachbarn": [{"ags": a, "name": n, "gemeinsame_grenze_km": km}
                         for a, n, km in self.neighbours],
            "nachbarn_hinweis": self.neighbour_note,
            "anwendungsfaelle": [{"nummer": u.use_case, "titel": u.title,
                                  "bewertung": u.status, "begruendung": u.reason}
                                 for u in self.use_cases],
            "hinweise": list(self.notes),
            "quelle": {"datensatz": DATASET_ID, "stand": VINTAGE,
                       "lizenz": "dl-de/by-2-0", "quellenvermerk": ATTRIBUTION},
        }

    def use_case_table(self) -> pd.DataFrame:
        """The rule table as a DataFrame with German column names, for display."""
        return pd.DataFrame([{"Nr.": u.use_case, "Anwendungsfall": u.title,
                              "Bewertung": u.status, "Begründung": u.reason}
                             for u in self.use_cases])


def municipal_profile(gem: gpd.GeoDataFrame, ags: str | int) -> MunicipalProfile:
    """Profile of the municipality ``ags``: names, Kreis, Land, area (km², EPSG:25832,
    rounded to 0.01), neighbours and the curriculum use cases that fit it."""
    code = _ags_code(gem, ags)
    _require_metric(gem)
    row = gem.loc[gem["ags"] == code].iloc[0]
    near = neighbours(gem, code)
    notes = []
    if row.get("designation", "") == "Gemeindefreies Gebiet":
        notes.append("Gemeindefreies Gebiet (z. B. Forst oder See): keine eigene Verwaltung, "
                     "die meisten Anwendungsfälle betreffen die zuständige Nachbargemeinde.")
    if row.geometry.geom_type == "MultiPolygon":
        notes.append(f"Die Gemeinde besteht aus {len(row.geometry.geoms)} getrennten Flächen.")
    return MunicipalProfile(
        ags=code, name=str(row["name"]), designation=str(row.get("designation", "")),
        land=str(row["land"]), land_name=LAENDER[row["land"]][0],
        land_short=LAENDER[row["land"]][1], kreis=str(row["kreis"]),
        kreis_name=str(row.get("kreis_name", "")),
        kreis_designation=str(row.get("kreis_designation", "")),
        area_km2=round(float(row.geometry.area) / 1e6, 2),
        neighbours=tuple((a, n, round(float(km), 2)) for a, n, km in
                         near.itertuples(index=False)),
        use_cases=tuple(applicable_use_cases(code)),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- batch grid

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                           "Ü": "ue"})
RUN_NAME_MAX = 24  # urbanki batch shortens longer run names


def _run_name(ags: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.translate(_TRANSLIT).lower()).strip("-")
    return f"{ags}-{slug}"[:RUN_NAME_MAX].rstrip("-")


def municipality_grid(gem: gpd.GeoDataFrame, land: str | int | None = None,
                      kreis: str | int | None = None) -> pd.DataFrame:
    """A parameter grid for ``urbanki batch``: one row per municipality of the selection,
    columns ``run_name`` (``01051001-albersdorf``) and ``ags`` (text), sorted by AGS.

    ``attrs["selection_de"]`` describes the selection in German (e.g. "Kreis Dithmarschen
    (01051)").
    """
    chosen = select(gem, land=land, kreis=kreis)
    grid = pd.DataFrame({
        "run_name": [_run_name(a, n) for a, n in zip(chosen["ags"], chosen["name"],
                                                      strict=True)],
        "ags": chosen["ags"].to_numpy(dtype=object),
    })
    if kreis is not None and str(kreis).strip() != "":
        first = chosen.iloc[0]
        label = f"{first['kreis_designation'] or 'Kreis'} {first['kreis_name']}".strip()
        grid.attrs["selection_de"] = f"{label} ({first['kreis']})"
    elif land is not None and str(land).strip() != "":
        code = land_code(land)
        grid.attrs["selection_de"] = f"{LAENDER[code][0]} ({code})"
    else:
        grid.attrs["selection_de"] = "Deutschland"
    return grid


def write_grid(grid: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the grid as UTF-8 CSV ``run_name,ags`` atomically; AGS stay text with their zeros.

    (Spreadsheet programs turn ``01051001`` into the number 1051001 when they open such a file;
    ``urbanki batch`` reads the cells as text.)
    """
    if Path(path).suffix.lower() != ".csv":
        raise ParameterError(
            f"The grid file {path} must end in .csv (urbanki batch reads .csv and .yaml).",
            message_de=f"Die Rasterdatei {path} muss auf .csv enden (urbanki batch liest .csv "
            "und .yaml).",
        )
    missing = [c for c in ("run_name", "ags") if c not in getattr(grid, "columns", [])]
    if missing:
        raise DataError(
            f"The grid lacks the column(s) {', '.join(missing)}; build it with "
            "municipality_grid(...).",
            message_de=f"Dem Raster fehlen die Spalte(n) {', '.join(missing)}; erzeugen Sie es "
            "mit municipality_grid(...).",
        )
    bad = [str(a) for a in grid["ags"] if not (isinstance(a, str) and re.fullmatch(r"\d{8}", a))]
    if bad:
        raise DataError(
            f"AGS must be 8-digit texts; found {', '.join(bad[:5])}.",
            message_de=f"Gemeindeschlüssel müssen 8-stellige Texte sein; gefunden: "
            f"{', '.join(bad[:5])}.",
        )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["run_name", "ags"])
    writer.writerows(grid[["run_name", "ags"]].itertuples(index=False, name=None))
    return write_text(path, buf.getvalue())
