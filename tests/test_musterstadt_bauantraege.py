"""The synthetic Musterstadt permit register: the documented numbers, every rule reached, and the
procedures for the aerial-image scene. (Byte-identical regeneration: tests/test_catalog.py.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from urbanki_helpers.solar.permits import read_permits
from urbanki_helpers.solar.rules import REASONS, check_register

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "musterstadt_bauantraege" / "bauantraege.csv"
LUFTBILD = ROOT / "datasets" / "musterstadt_luftbild"
# documented in datasets/musterstadt_bauantraege/SOURCE.md
INVALID_KINDS = {"unbekannter Wert": 9, "kein gültiges Datum|außerhalb des plausiblen": 9,
                 "antragsdatum fehlt|baubeginn fehlt": 9, "_m2: .* ist (?:keine Zahl|negativ)": 9,
                 "ist größer als": 8, "wohneinheiten": 8, "kommt mehrfach vor": 8}


@pytest.fixture(scope="module")
def register():
    return read_permits(DATA, stand="2026-06-30")


@pytest.fixture(scope="module")
def checked(register):
    return register.valid.merge(check_register(register.valid), on="vorgang_id")


def test_documented_numbers_of_rows_and_invalid_kinds(register):
    assert (len(register.valid), len(register.invalid)) == (255, 60)
    for pattern, n in INVALID_KINDS.items():
        assert register.invalid["fehler"].str.contains(pattern).sum() == n, pattern
    assert not register.invalid["fehler"].str.contains("; ").any()  # one problem per row


def test_documented_outcomes_and_every_rule_reached(checked):
    assert checked["pflicht"].value_counts().to_dict() == {"nein": 182, "ja": 66, "pruefen": 7}
    assert set(checked["grund"]) == set(REASONS)
    kwp = checked["alternative_mindestleistung_kwp"].value_counts().to_dict()
    assert set(kwp) == {3.0, 4.0, 8.0}
    assert checked["hinweise"].str.contains("mehr als 10 Wohneinheiten").any()
    assert checked["hinweise"].str.contains("Nettodachfläche fehlt").any()


@pytest.mark.parametrize(("column", "day"), [
    ("antragsdatum", "2024-01-01"), ("antragsdatum", "2025-01-01"),  # Bauantrag NWG, WG
    ("baubeginn", "2024-01-01"), ("baubeginn", "2025-01-01"),  # Freistellung NWG, WG
    ("baubeginn", "2026-01-01"), ("baubeginn", "2024-06-30"),  # roof: private, municipal
])
def test_both_sides_of_every_key_date_are_present(register, column, day):
    dates = set(register.valid[column].dropna())
    key = pd.Timestamp(day)
    assert {key, key + pd.Timedelta(days=1)} <= dates


def test_scene_procedures_match_the_aerial_image_buildings(checked):
    with sqlite3.connect(LUFTBILD / "musterstadt_luftbild.gpkg") as con:
        buildings = pd.read_sql("SELECT gebaeude_id, flurstueck_id, gebaeudeart, aenderung "
                                "FROM gebaeude", con).set_index("gebaeude_id")
    scene = checked[checked["gebaeude_id"].notna()].set_index("gebaeude_id")
    assert sorted(scene.index) == ["G027", "G030", "G033", "G041", "G043", "G065"]
    assert (scene["flurstueck_id"] == buildings.loc[scene.index, "flurstueck_id"]).all()
    assert (scene["gebaeudeart"] == buildings.loc[scene.index, "gebaeudeart"]).all()
    changes = pd.read_csv(LUFTBILD / "aenderungen.csv").set_index("gebaeude_id")["aenderung"]
    reported = changes.reindex(scene.index).dropna()
    assert reported.value_counts().to_dict() == {"neubau": 2, "dacherneuerung": 1,
                                                 "gruendach": 1}
    # what was reported and changed happened between the flights (June 2023, June 2025)
    for col in ("antragsdatum", "baubeginn"):
        days = scene.loc[reported.index, col]
        assert days.between("2023-07-01", "2025-05-31").all(), col
    # permitted, but begun after the 2025 flight: no change visible
    assert (scene.loc[["G033", "G065"], "baubeginn"] > "2025-06-30").all()
    # the reported municipal roof renewal is an obligation without panels in 2025
    assert scene.loc["G030", ["pflicht", "grund", "eigentum"]].tolist() == [
        "ja", "dacherneuerung_kommunal_ab_stichtag", "kommunal"]
