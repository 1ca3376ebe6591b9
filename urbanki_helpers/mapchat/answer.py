"""Answering questions about city map layers: :func:`ask` and :func:`evaluate`.

``layers`` is a :class:`urbanki_helpers.citylayers.CityLayers` (or any object with the same
attributes: ``areas``, ``facilities``, ``population``, ``source``, ``attribution``; all in
EPSG:25832). Answers are computed with geopandas directly on these layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from urbanki_helpers.accessibility import nearest_distance_m, share_within
from urbanki_helpers.errors import DataError
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.mapchat import slots as S
from urbanki_helpers.mapchat.training import load_questions, predict_intent, train_intent_model

CONFIDENCE_THRESHOLD = 0.3
DEFAULT_RADIUS_M = 500.0
MAX_LISTED = 10

LAYER_NAMES_DE = {
    "defibrillator": "Defibrillatoren", "feuerwache": "Feuerwachen",
    "krankenhaus": "Krankenhäuser", "schule": "Schulen", "kita": "Kitas",
    "pflegeheim": "Pflegeheime", "arzt": "Arztpraxen",
    "toilette_barrierefrei": "barrierefreie Toiletten", "buergerbuero": "Bürgerbüros",
}
LAYER_SINGULAR_DE = {
    "defibrillator": "Defibrillator", "feuerwache": "Feuerwache", "krankenhaus": "Krankenhaus",
    "schule": "Schule", "kita": "Kita", "pflegeheim": "Pflegeheim", "arzt": "Arztpraxis",
    "toilette_barrierefrei": "barrierefreie Toilette", "buergerbuero": "Bürgerbüro",
}
NOT_UNDERSTOOD = "Das habe ich nicht verstanden."
EXAMPLES = [
    "Wie viele Kitas gibt es in {area}?",
    "Wo ist der nächste Defibrillator bei {area}?",
    "Welche Schulen liegen im Umkreis von 1 km um {area}?",
]


@dataclass
class Answer:
    """One answer: German text, the number (if any), the features involved and what was
    understood (intent, slots, classifier confidence)."""

    text: str
    value: float | int | None
    features: gpd.GeoDataFrame
    intent: str
    slots: dict = field(default_factory=dict)
    confidence: float = 0.0
    understood: bool = True


@lru_cache(maxsize=1)
def default_model():
    """The intent classifier trained on the full question set (cached)."""
    return train_intent_model(load_questions())


def _check_layers(layers) -> None:
    for name in ("areas", "facilities"):
        gdf = getattr(layers, name, None)
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise DataError(f"layers.{name} must be a GeoDataFrame.",
                            message_de=f"layers.{name} muss ein GeoDataFrame sein.")
    for col in ("layer", "name", "stadtteil", "stadtbezirk"):
        if col not in layers.facilities.columns:
            raise DataError(f"layers.facilities lacks the column {col!r}.",
                            message_de=f"In layers.facilities fehlt die Spalte {col!r}.")


def _layer_names(layers) -> dict[str, str]:
    try:
        from urbanki_helpers.citylayers import LAYER_NAMES_DE as names
    except ImportError:  # module not there yet
        names = {}
    return {**LAYER_NAMES_DE, **names}


def _fmt_m(metres: float) -> str:
    if metres < 1000:
        return f"{int(round(metres))} m"
    return f"{format_de(metres / 1000, 1)} km"


def _empty(layers) -> gpd.GeoDataFrame:
    return layers.facilities.iloc[0:0].copy()


def _examples(layers) -> list[str]:
    names = layers.areas["name"].astype(str).tolist() if len(layers.areas) else ["Mitte"]
    return [e.format(area=names[0]) for e in EXAMPLES]


def _not_understood(layers, intent, slots, conf, reason: str = "") -> Answer:
    ex = _examples(layers)
    text = NOT_UNDERSTOOD + (f" {reason}" if reason else "") + " Sie können zum Beispiel fragen: " \
        + " ".join(f"„{e}“" for e in ex)
    return Answer(text, None, _empty(layers), intent, {**slots, "suggestions": ex}, conf, False)


def _area_row(layers, area: str) -> pd.Series:
    return layers.areas[layers.areas["name"].astype(str) == area].iloc[0]


def facilities_in_area(layers, layer: str, area: str | None) -> gpd.GeoDataFrame:
    """Facilities of ``layer`` in ``area`` by the ``stadtteil``/``stadtbezirk`` columns."""
    fac = layers.facilities[layers.facilities["layer"] == layer]
    if area is None:
        return fac
    level = str(_area_row(layers, area).get("level", "Stadtteil"))
    col = "stadtbezirk" if level == "Stadtbezirk" else "stadtteil"
    return fac[fac[col].astype(str) == area]


def facilities_in_area_spatial(layers, layer: str, area: str | None) -> gpd.GeoDataFrame:
    """The same as :func:`facilities_in_area`, by a spatial join with the area polygon."""
    fac = layers.facilities[layers.facilities["layer"] == layer]
    if area is None:
        return fac
    poly = layers.areas[layers.areas["name"].astype(str) == area][["geometry"]]
    joined = gpd.sjoin(fac, poly, how="inner", predicate="intersects")
    return fac.loc[joined.index.unique()]


def _place_point(layers, slots: dict) -> tuple[Point | None, str | None]:
    if slots.get("coordinates") is not None:
        x, y = slots["coordinates"]
        return Point(x, y), f"den Koordinaten {format_de(x, 0)}, {format_de(y, 0)}"
    if slots.get("facility") is not None:
        row = layers.facilities[layers.facilities["name"].astype(str) == slots["facility"]].iloc[0]
        return row.geometry, str(row["name"])
    if slots.get("area") is not None:
        geom = _area_row(layers, slots["area"]).geometry
        return geom.representative_point(), str(slots["area"])
    return None, None


def extract_slots(question: str, layers) -> dict:
    """All slots of a question against the gazetteers of ``layers``."""
    area_gaz = S.Gazetteer.build(layers.areas["name"].astype(str))
    fac_names = layers.facilities["name"].astype(str)
    fac_gaz = S.Gazetteer(names=list(fac_names), variants={
        S.fold(n): n for n in fac_names if len(S.fold(n)) >= 6})
    out = {
        "layer": S.extract_layer(question),
        "area": area_gaz.find(question),
        "distance_m": S.extract_distance(question),
        "coordinates": S.extract_coordinates(question),
        "facility": fac_gaz.find(question, cutoff=0.9),
        "per_area": S.wants_per_area(question),
        "attribute": "plaetze" if S.wants_capacity(question) else "oeffnungszeiten",
        "unknown_place": None,
    }
    if out["area"] is None and out["facility"] is None and out["coordinates"] is None:
        word = S.unmatched_place(question)
        if word is not None:
            out["unknown_place"] = word
            out["place_suggestions"] = area_gaz.suggest(word) or fac_gaz.suggest(word)
    return out


def ask(question: str, layers, *, model=None, leichte_sprache: bool = False) -> Answer:
    """Answer a German question about the city's map layers."""
    _check_layers(layers)
    model = default_model() if model is None else model
    intent, conf = predict_intent(model, question)
    slots = extract_slots(question, layers)
    if intent == "unknown" or conf < CONFIDENCE_THRESHOLD:
        return _not_understood(layers, intent, slots, conf)
    if slots["unknown_place"] is not None:
        sugg = slots.get("place_suggestions") or []
        text = f"Den Ort „{slots['unknown_place']}“ kenne ich nicht."
        if sugg:
            text += " Meinten Sie " + " oder ".join(f"„{s}“" for s in sugg) + "?"
        else:
            text += " Bitte nennen Sie einen Stadtteil oder Koordinaten."
        return Answer(text, None, _empty(layers), intent, slots, conf, False)
    if slots["layer"] is None and not (intent == "attribute" and slots["facility"]):
        return _not_understood(layers, intent, slots, conf,
                               "Welche Einrichtungen meinen Sie (z. B. Kitas, Defibrillatoren)?")
    handler = _HANDLERS[intent]
    return handler(layers, slots, conf, leichte_sprache)


# --- handlers ---------------------------------------------------------------------------------


def _where(slots) -> str:
    return f"in {slots['area']}" if slots.get("area") else "in der ganzen Stadt"


def _count(layers, slots, conf, ls) -> Answer:
    fac = facilities_in_area(layers, slots["layer"], slots["area"])
    name = _layer_names(layers)[slots["layer"]]
    n = len(fac)
    where = _where(slots)
    if ls:
        text = f"{where[0].upper()}{where[1:]} gibt es {n} {name}."
    else:
        text = f"{where[0].upper()}{where[1:]} gibt es {n} {name} (Quelle: {layers.source})."
    return Answer(text, n, fac, "count", slots, conf, True)


def _list(layers, slots, conf, ls) -> Answer:
    fac = facilities_in_area(layers, slots["layer"], slots["area"])
    name = _layer_names(layers)[slots["layer"]]
    names = fac["name"].astype(str).tolist()
    where = _where(slots)
    if not names:
        text = f"{where[0].upper()}{where[1:]} gibt es keine {name}."
    elif ls:
        text = f"{where[0].upper()}{where[1:]} gibt es {len(names)} {name}. Das sind:\n" + \
            "\n".join(f"{n}." for n in names[:MAX_LISTED])
        if len(names) > MAX_LISTED:
            text += f"\nEs gibt noch {len(names) - MAX_LISTED} mehr."
    else:
        shown = ", ".join(names[:MAX_LISTED])
        more = f" und {len(names) - MAX_LISTED} weitere" if len(names) > MAX_LISTED else ""
        text = f"{where[0].upper()}{where[1:]} gibt es {len(names)} {name}: {shown}{more}."
    return Answer(text, len(names), fac, "list", slots, conf, True)


def _need_place(layers, slots, conf, intent) -> Answer:
    return _not_understood(layers, intent, slots, conf,
                           "Von welchem Ort aus? Nennen Sie einen Stadtteil, eine Einrichtung "
                           "oder Koordinaten.")


def _nearest(layers, slots, conf, ls) -> Answer:
    pt, label = _place_point(layers, slots)
    if pt is None:
        return _need_place(layers, slots, conf, "nearest")
    fac = layers.facilities[layers.facilities["layer"] == slots["layer"]]
    sg = LAYER_SINGULAR_DE.get(slots["layer"], slots["layer"])
    if len(fac) == 0:
        return Answer(f"Es gibt keine Einträge der Ebene {sg}.", None, fac, "nearest", slots,
                      conf, True)
    pts = gpd.GeoDataFrame(geometry=[pt], crs=layers.facilities.crs)
    dist = float(nearest_distance_m(pts, fac).iloc[0])
    row = fac.loc[[fac.distance(pt).idxmin()]]
    fname = str(row["name"].iloc[0])
    if ls:
        text = f"Die nächste {sg} heißt {fname}. Sie ist {_fmt_m(dist)} entfernt. " \
            "Das ist die Luftlinie."
    else:
        text = (f"Die nächste Einrichtung der Art „{sg}“ zu {label} ist {fname} "
                f"({row['stadtteil'].iloc[0]}), etwa {_fmt_m(dist)} Luftlinie entfernt.")
    return Answer(text, dist, row, "nearest", slots, conf, True)


def _within(layers, slots, conf, ls) -> Answer:
    pt, label = _place_point(layers, slots)
    if pt is None:
        return _need_place(layers, slots, conf, "within")
    d = slots["distance_m"] or DEFAULT_RADIUS_M
    fac = layers.facilities[layers.facilities["layer"] == slots["layer"]]
    hit = fac[fac.intersects(pt.buffer(d, quad_segs=64))]
    hit = hit.assign(distance_m=hit.distance(pt)).sort_values("distance_m")
    name = _layer_names(layers)[slots["layer"]]
    names = hit["name"].astype(str).tolist()
    default = "" if slots["distance_m"] else f" (kein Umkreis genannt, ich nehme {_fmt_m(d)})"
    if ls:
        text = f"Im Umkreis von {_fmt_m(d)} gibt es {len(hit)} {name}."
        if names:
            text += " Das sind:\n" + "\n".join(f"{n}." for n in names[:MAX_LISTED])
    else:
        text = f"Im Umkreis von {_fmt_m(d)} um {label}{default} gibt es {len(hit)} {name}"
        text += (": " + ", ".join(names[:MAX_LISTED]) + ".") if names else "."
    return Answer(text, len(hit), hit, "within", slots, conf, True)


def _share(layers, slots, conf, ls) -> Answer:
    pop = getattr(layers, "population", None)
    if not isinstance(pop, gpd.GeoDataFrame) or len(pop) == 0:
        return Answer("Für diese Stadt liegen keine Einwohnerdaten vor.", None, _empty(layers),
                      "share", slots, conf, True)
    d = slots["distance_m"] or DEFAULT_RADIUS_M
    fac = layers.facilities[layers.facilities["layer"] == slots["layer"]]
    name = _layer_names(layers)[slots["layer"]]
    if len(fac) == 0:
        return Answer(f"Es gibt keine {name} in den Daten.", 0.0, fac, "share", slots, conf, True)
    if slots["area"] is not None:
        poly = layers.areas[layers.areas["name"].astype(str) == slots["area"]][["geometry"]]
        pop = pop.loc[gpd.sjoin(pop, poly, predicate="within").index.unique()]
        if len(pop) == 0:
            return Answer(f"In {slots['area']} liegen keine Einwohnerdaten vor.", None,
                          _empty(layers), "share", slots, conf, True)
    share = float(share_within(pop, fac, d))
    where = f"in {slots['area']}" if slots["area"] else "in der Stadt"
    pct = format_de(100 * share, 0 if ls else 1)
    features = fac
    extra = ""
    level = slots.get("per_area")
    if level and slots["area"] is None:
        areas = layers.areas[layers.areas["level"] == level][["name", "geometry"]]
        p = gpd.sjoin(pop, areas, predicate="within")
        table = share_within(p, fac, d, by="name")
        features = areas.merge(table[["name", "share"]], on="name", how="left")
        low = features.dropna(subset=["share"]).nsmallest(3, "share")
        parts = [f"{r.name} {format_de(100 * r.share, 0)} %" for r in low.itertuples()]
        if parts:
            extra = (" Am niedrigsten ist der Anteil in: " + ", ".join(parts) + ".") if not ls \
                else " Am wenigsten sind es in " + low["name"].iloc[0] + "."
    if ls:
        text = f"{pct} von 100 Menschen {where} wohnen nah an {name}. Nah heißt: " \
            f"höchstens {_fmt_m(d)}.{extra}"
    else:
        text = f"{pct} % der Einwohnerinnen und Einwohner {where} wohnen höchstens " \
            f"{_fmt_m(d)} Luftlinie von {name} entfernt.{extra}"
    return Answer(text, share, features, "share", slots, conf, True)


def _attribute(layers, slots, conf, ls) -> Answer:
    if slots.get("facility"):
        fac = layers.facilities[layers.facilities["name"].astype(str) == slots["facility"]]
    else:
        fac = facilities_in_area(layers, slots["layer"], slots["area"])
    col = slots["attribute"]
    capacity = col == "plaetze"
    if col not in fac.columns:
        return Answer("Dazu gibt es in den Daten keine Angaben.", None, fac, "attribute", slots,
                      conf, True)
    lines, total = [], 0.0
    for r in fac.head(MAX_LISTED).itertuples():
        v = getattr(r, col)
        if col == "plaetze":
            ok = v is not None and not (isinstance(v, float) and math.isnan(v))
            if ok:
                total += float(v)
            lines.append(f"{r.name}: {int(v)} Plätze." if ok else f"{r.name}: keine Angabe.")
        else:
            lines.append(f"{r.name}: {v}." if isinstance(v, str) and v.strip()
                         else f"{r.name}: keine Angabe.")
    if not lines:
        return Answer("Dazu habe ich keine passenden Einrichtungen gefunden.", None, fac,
                      "attribute", slots, conf, True)
    head = "Plätze" if capacity else "Öffnungszeiten"
    text = f"{head}:\n" + "\n".join(lines)
    if capacity and len(fac) > 1:
        text += f"\nZusammen sind es {int(total)} Plätze."
    value = int(total) if capacity else None
    return Answer(text, value, fac, "attribute", slots, conf, True)


_HANDLERS = {"count": _count, "list": _list, "nearest": _nearest, "within": _within,
             "share": _share, "attribute": _attribute}


# --- evaluation -------------------------------------------------------------------------------


def _same(a, b) -> bool:
    na = a is None or (isinstance(a, float) and math.isnan(a))
    nb = b is None or (isinstance(b, float) and math.isnan(b))
    return (na and nb) or (not na and not nb and a == b)


def evaluate(model, test_questions: pd.DataFrame, layers) -> dict:
    """Intent, slot and answer accuracy on ``test_questions`` (from :func:`load_questions`).

    Area slots are scored only where the expected area exists in ``layers``; answers only for
    count/list/within questions whose slots were extracted correctly are compared with a direct
    geopandas computation (spatial join, buffer query)."""
    _check_layers(layers)
    known = set(layers.areas["name"].astype(str))
    pred = model.predict(test_questions["question"].tolist())
    res = {"n": len(test_questions),
           "intent_accuracy": float(np.mean(pred == test_questions["intent"].to_numpy()))}
    ok = {"layer": [], "area": [], "distance": []}
    answers = []
    for row, p in zip(test_questions.itertuples(index=False), pred, strict=True):
        s = extract_slots(row.question, layers)
        if row.intent != "unknown":
            ok["layer"].append(_same(s["layer"], row.layer))
            dist = s["distance_m"]
            ok["distance"].append(_same(dist, row.distance_m))
            if row.area is None or row.area in known:
                ok["area"].append(_same(s["area"], row.area))
        if row.intent in ("count", "list", "within") and p == row.intent and row.layer:
            if row.area is not None and row.area not in known:
                continue
            if row.intent == "within" and row.area is None:
                continue
            ans = ask(row.question, layers, model=model)
            if row.intent == "within":
                pt = _area_row(layers, row.area).geometry.representative_point()
                fac = layers.facilities[layers.facilities["layer"] == row.layer]
                expected = int((fac.distance(pt) <= row.distance_m).sum())
            else:
                expected = len(facilities_in_area_spatial(layers, row.layer, row.area))
            answers.append(ans.value == expected)
    for k, v in ok.items():
        res[f"slot_accuracy_{k}"] = float(np.mean(v)) if v else float("nan")
        res[f"n_slot_{k}"] = len(v)
    res["answer_accuracy"] = float(np.mean(answers)) if answers else float("nan")
    res["n_answers"] = len(answers)
    return res
