"""MapChat (use case 08): question set, intent classifier, slots and answers on a fake city."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from urbanki_helpers.accessibility import nearest_distance_m, share_within
from urbanki_helpers.mapchat import (
    INTENTS,
    ask,
    evaluate,
    extract_slots,
    facilities_in_area,
    facilities_in_area_spatial,
    load_questions,
    split_by_template,
    train_intent_model,
)
from urbanki_helpers.mapchat import slots as S

try:
    from urbanki_helpers.citylayers import CityLayers
except ImportError:  # pragma: no cover - the module is written in parallel
    from dataclasses import dataclass, field

    @dataclass
    class CityLayers:
        source: str
        attribution: str
        areas: gpd.GeoDataFrame
        facilities: gpd.GeoDataFrame
        population: gpd.GeoDataFrame
        notes: list = field(default_factory=list)


X0, Y0 = 356000.0, 5688000.0
TEILE = ["Mülheim", "Ehrenfeld", "Nippes", "Altstadt", "Lindenau", "Gohlis"]


def make_city() -> CityLayers:
    """Six 1 km x 1 km Stadtteile in two Stadtbezirke, 60 random facilities, a 100 m grid of
    population points."""
    rng = np.random.default_rng(7)
    rows = []
    for i, name in enumerate(TEILE):
        cx, cy = i % 3, i // 3
        rows.append({"area_id": f"t{i}", "name": name, "level": "Stadtteil",
                     "parent": "Nord" if cy == 0 else "Süd", "einwohner": 1000 + 100 * i,
                     "geometry": box(X0 + cx * 1000, Y0 + cy * 1000, X0 + cx * 1000 + 1000,
                                     Y0 + cy * 1000 + 1000)})
    for j, name in enumerate(["Nord", "Süd"]):
        rows.append({"area_id": f"b{j}", "name": name, "level": "Stadtbezirk", "parent": "",
                     "einwohner": 5000, "geometry": box(X0, Y0 + j * 1000, X0 + 3000,
                                                        Y0 + j * 1000 + 1000)})
    areas = gpd.GeoDataFrame(rows, crs="EPSG:25832")
    layers = ["kita", "defibrillator", "schule", "feuerwache", "toilette_barrierefrei"]
    fac_rows = []
    for k in range(60):
        layer = layers[k % len(layers)]
        x, y = X0 + rng.uniform(10, 2990), Y0 + rng.uniform(10, 1990)
        fac_rows.append({"facility_id": f"f{k}", "layer": layer,
                         "name": f"{layer.title()} Nr. {k}",
                         "oeffnungszeiten": "Mo-Fr 7-17 Uhr" if k % 2 else "",
                         "plaetze": float(40 + k) if layer == "kita" else np.nan,
                         "geometry": Point(x, y)})
    fac = gpd.GeoDataFrame(fac_rows, crs="EPSG:25832")
    fac.loc[0, "name"] = "Kita Sonnenschein"
    teile = areas[areas["level"] == "Stadtteil"][["name", "parent", "geometry"]].rename(
        columns={"name": "teil", "parent": "bezirk"})
    j = gpd.sjoin(fac, teile, predicate="within")
    fac["stadtteil"] = j["teil"].reindex(fac.index)
    fac["stadtbezirk"] = j["bezirk"].reindex(fac.index)
    gx, gy = np.meshgrid(np.arange(50, 3000, 100), np.arange(50, 2000, 100))
    pop = gpd.GeoDataFrame({"einwohner": rng.integers(0, 30, gx.size)},
                           geometry=gpd.points_from_xy(X0 + gx.ravel(), Y0 + gy.ravel()),
                           crs="EPSG:25832")
    return CityLayers(source="fake", attribution="Test", areas=areas, facilities=fac,
                      population=pop)


@pytest.fixture(scope="module")
def city() -> CityLayers:
    return make_city()


@pytest.fixture(scope="module")
def questions() -> pd.DataFrame:
    return load_questions()


@pytest.fixture(scope="module")
def split(questions):
    return split_by_template(questions)


@pytest.fixture(scope="module")
def model(split):
    return train_intent_model(split[0])


def test_question_set_is_big_and_covers_every_intent(questions):
    assert len(questions) >= 300
    counts = questions["intent"].value_counts()
    assert set(counts.index) == set(INTENTS)
    assert (counts >= 30).all(), counts.to_dict()
    assert questions["question"].is_unique
    assert not questions["question"].str.contains(r"\{").any()  # every placeholder filled


def test_split_keeps_templates_apart(split):
    train, test = split
    assert not set(train["template_id"]) & set(test["template_id"])
    assert set(test["intent"]) == set(INTENTS)


def test_intent_accuracy_on_unseen_templates(model, split):
    test = split[1]
    acc = float(np.mean(model.predict(test["question"].tolist()) == test["intent"].to_numpy()))
    print(f"intent accuracy on held-out templates: {acc:.3f} (n={len(test)})")
    assert acc >= 0.85


@pytest.mark.parametrize(("text", "layer"), [
    ("Wo ist der nächste Defribilator?", "defibrillator"),
    ("gibts AEDs hier", "defibrillator"), ("Wie viele Kindergärten", "kita"),
    ("Welche Kliniken", "krankenhaus"), ("nächstes WC", "toilette_barrierefrei"),
    ("Altenheime in Gohlis", "pflegeheim"), ("Bürgeramt", "buergerbuero"),
    ("Ärztin in der Nähe", "arzt"), ("Feuerwehr", "feuerwache"), ("Wie wird das Wetter", None),
])
def test_layer_slot(text, layer):
    assert S.extract_layer(text) == layer


@pytest.mark.parametrize(("text", "metres"), [
    ("im Umkreis von 500m", 500), ("in 1,5 km", 1500), ("1 km", 1000), ("300 Metern", 300),
    ("einem Kilometer", 1000), ("zwei Kilometern", 2000), ("einem halben Kilometer", 500),
    ("1.2 km", 1200), ("Wie viele Kitas gibt es?", None),
])
def test_distance_slot(text, metres):
    assert S.extract_distance(text) == metres


def test_area_and_coordinate_slots(city):
    assert extract_slots("Wie viele Kitas in Koeln-Muelheim?", city)["area"] == "Mülheim"
    assert extract_slots("Kitas in Ehrenfelt", city)["area"] == "Ehrenfeld"
    assert extract_slots("Defis in der Nähe von Gohlis", city)["area"] == "Gohlis"
    assert extract_slots("Wie viele Kitas gibt es?", city)["area"] is None
    x, y = extract_slots("nächster Defi bei 356200, 5688500", city)["coordinates"]
    assert (x, y) == (356200.0, 5688500.0)
    x, y = S.extract_coordinates("51.3397, 12.3731")  # Leipzig, lat/lon -> UTM 32N
    assert 700_000 < x < 760_000 and 5_680_000 < y < 5_710_000
    s = extract_slots("Wie viele Kitas in 500 m um 356200, 5688500?", city)
    assert s["distance_m"] == 500 and s["coordinates"] == (356200.0, 5688500.0)


def test_count_equals_spatial_join(city):
    for area in TEILE + ["Nord", "Süd"]:
        a = ask(f"Wie viele Kitas gibt es in {area}?", city)
        assert a.understood and a.intent == "count", a.text
        assert a.value == len(facilities_in_area_spatial(city, "kita", area))
        assert a.value == len(facilities_in_area(city, "kita", area))
        assert str(a.value) in a.text
    a = ask("Wie viele Defis gibt es in der ganzen Stadt?", city)
    assert a.value == int((city.facilities["layer"] == "defibrillator").sum())


def test_list_names_the_facilities(city):
    a = ask("Welche Schulen gibt es in Altstadt?", city)
    expected = facilities_in_area_spatial(city, "schule", "Altstadt")
    assert a.intent == "list" and a.value == len(expected)
    assert set(a.features["name"]) == set(expected["name"])
    for name in expected["name"]:
        assert name in a.text


def test_nearest_equals_nearest_distance(city):
    a = ask("Wo ist der nächste Defibrillator bei 356200, 5688500?", city)
    assert a.intent == "nearest" and a.understood, a.text
    fac = city.facilities[city.facilities["layer"] == "defibrillator"]
    pts = gpd.GeoDataFrame(geometry=[Point(356200, 5688500)], crs="EPSG:25832")
    assert a.value == pytest.approx(float(nearest_distance_m(pts, fac).iloc[0]))
    assert a.features["name"].iloc[0] in a.text
    b = ask("Wo ist die nächste Kita bei Nippes?", city)
    pt = city.areas.set_index("name").loc["Nippes"].geometry.representative_point()
    pts = gpd.GeoDataFrame(geometry=[pt], crs="EPSG:25832")
    kitas = city.facilities[city.facilities["layer"] == "kita"]
    assert b.value == pytest.approx(float(nearest_distance_m(pts, kitas).iloc[0]))


def test_within_equals_buffer_query(city):
    a = ask("Welche Kitas gibt es im Umkreis von 1,5 km um 356200, 5688500?", city)
    assert a.intent == "within" and a.slots["distance_m"] == 1500
    kitas = city.facilities[city.facilities["layer"] == "kita"]
    expected = kitas[kitas.within(Point(356200, 5688500).buffer(1500, quad_segs=64))]
    assert a.value == len(expected)
    assert set(a.features["facility_id"]) == set(expected["facility_id"])
    b = ask("Gibts Defis im Umkreis von 500m um Ehrenfeld", city)
    assert b.intent == "within" and b.slots["distance_m"] == 500


def test_share_uses_share_within(city):
    a = ask("Wie viel Prozent der Einwohner wohnen innerhalb von 500 m von Kitas?", city)
    assert a.intent == "share", a.text
    kitas = city.facilities[city.facilities["layer"] == "kita"]
    assert a.value == pytest.approx(share_within(city.population, kitas, 500))
    b = ask("Anteil der Einwohner je Stadtteil mit Kitas innerhalb 300 m", city)
    assert b.intent == "share" and "share" in b.features.columns
    assert len(b.features) == len(TEILE)


def test_attribute_opening_hours_and_places(city):
    a = ask("Wie viele Plätze haben die Kitas in Mülheim?", city)
    assert a.intent == "attribute", a.text
    kitas = facilities_in_area(city, "kita", "Mülheim")
    assert a.value == int(kitas["plaetze"].sum())
    b = ask("Öffnungszeiten der Kitas in Mülheim", city)
    assert b.intent == "attribute" and ("Mo-Fr" in b.text or "keine Angabe" in b.text)


def test_unknown_place_names_close_matches(city):
    a = ask("Wie viele Kitas gibt es in Nipes?", city)  # typo close enough: answered
    assert a.understood and a.slots["area"] == "Nippes"
    b = ask("Wie viele Kitas gibt es in Lindenhof?", city)
    assert not b.understood
    assert "Lindenhof" in b.text and "Lindenau" in b.text


def test_off_topic_is_not_understood(city):
    a = ask("Wie wird das Wetter morgen?", city)
    assert not a.understood
    assert a.text.startswith("Das habe ich nicht verstanden.")
    assert 2 <= len(a.slots["suggestions"]) <= 3
    assert a.value is None and len(a.features) == 0


def test_leichte_sprache_has_short_sentences(city):
    questions = ["Wie viele Kitas gibt es in Mülheim?",
                 "Wo ist der nächste Defibrillator bei 356200, 5688500?",
                 "Wie viel Prozent der Einwohner wohnen innerhalb von 500 m von Kitas?",
                 "Welche Kitas gibt es im Umkreis von 1 km um Gohlis?"]
    for q in questions:
        a = ask(q, city, leichte_sprache=True)
        assert a.understood
        sentences = [s for s in re.split(r"[.!?\n]+", a.text) if s.strip()]
        assert all(len(s.split()) <= 12 for s in sentences), a.text
        assert "wird" not in a.text and "werden" not in a.text  # no passive
        assert re.search(r"\d", a.text)  # numbers as digits


def test_evaluate_reports_accuracies(model, split, city):
    res = evaluate(model, split[1], city)
    print(res)
    assert res["intent_accuracy"] >= 0.85
    assert res["slot_accuracy_layer"] >= 0.95
    assert res["slot_accuracy_distance"] >= 0.95
    assert res["slot_accuracy_area"] >= 0.9
    assert res["n_answers"] >= 10 and res["answer_accuracy"] == 1.0


def test_keyword_baseline_and_the_model_beat_it_on_held_out_templates():
    from urbanki_helpers.mapchat import load_questions, split_by_template, train_intent_model
    from urbanki_helpers.mapchat.baseline import KeywordIntentBaseline

    base = KeywordIntentBaseline().fit()
    assert base.predict(["Wie viele Schulen gibt es in Altstadt?", "Wetter morgen?",
                         "Wo ist die nächste Feuerwache?", "Kitas im Umkreis von 500 m"]).tolist() \
        == ["count", "unknown", "nearest", "within"]
    train, test = split_by_template(load_questions())
    model = train_intent_model(train, random_state=0)
    truth = test["intent"].to_numpy()
    acc_model = float((model.predict(test["question"].tolist()) == truth).mean())
    acc_base = float((base.predict(test["question"]) == truth).mean())
    assert acc_model > acc_base + 0.05, (acc_model, acc_base)
