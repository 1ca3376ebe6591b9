"""The inspection list: detected changes joined with the permit register, every finding and
its priority on hand-made tables, the key dates of possible_obligation, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.solar.inspection import (
    FINDINGS,
    INSPECTION_COLUMNS,
    inspection_list,
    possible_obligation,
)
from urbanki_helpers.solar.rules import check_register

FLIGHTS = {"flight_a": "2023-06-15", "flight_b": "2025-06-15"}


def _procedure(vid, building, massnahme, baubeginn, *, eigentum="privat", antrag=None,
               gebaeudeart="wohngebaeude", besonderheit=None):
    return {"vorgang_id": vid, "gebaeudeart": gebaeudeart, "massnahme": massnahme,
            "verfahren": "bauantrag", "antragsdatum": pd.Timestamp(antrag or baubeginn),
            "baubeginn": pd.Timestamp(baubeginn) if baubeginn else pd.NaT,
            "nutzflaeche_m2": 150.0, "bruttodachflaeche_m2": 120.0,
            "nettodachflaeche_m2": 80.0, "wohneinheiten": 2, "eigentum": eigentum,
            "besonderheit": besonderheit, "gebaeude_id": building}


def _case():
    changes = pd.DataFrame({
        "aenderung": ["dacherneuerung", "dacherneuerung", "neue_solaranlage", None, None,
                      "neubau", None, "gruendach"],
        "score": [9.0, 2.0, 4.0, 0.3, 0.1, 1.5, 0.2, 1.2],
    }, index=pd.Index([f"G{i}" for i in range(1, 9)], name="gebaeude_id"))
    register = pd.DataFrame([
        # municipal roof renewal begun between the flights: obligation, no array → priority 1
        _procedure("V1", "G1", "dacherneuerung", "2024-08-19", eigentum="kommunal"),
        # municipal roof renewal begun after the second flight → priority 3
        _procedure("V4", "G4", "dacherneuerung", "2025-09-01", eigentum="kommunal"),
        # private roof renewal begun between the flights, nothing seen → priority 3
        _procedure("V5", "G5", "dacherneuerung", "2024-03-01"),
        # lapse reason: a person decides → priority 2
        _procedure("V7", "G7", "dacherneuerung", "2026-02-01", besonderheit="denkmalschutz"),
        # outside the image (no building) and a building the image does not have
        _procedure("V8", None, "neubau", "2025-03-01", antrag="2025-02-01"),
        _procedure("V9", "G99", "dacherneuerung", "2026-02-01"),
        # the new building G6 was reported (no obligation: residential, filed in 2023)
        _procedure("V6", "G6", "neubau", "2024-02-01", antrag="2023-09-01"),
    ])
    return changes, register, check_register(register)


def test_every_finding_with_its_priority_and_evidence():
    changes, register, decisions = _case()
    solar = pd.Series({"G1": 0.4, "G3": 30.0, "G6": 25.0}, dtype=float)
    table = inspection_list(changes, register, decisions, solar_m2_b=solar, **FLIGHTS)
    assert list(table.columns) == list(INSPECTION_COLUMNS)
    got = list(zip(table["prioritaet"], table["gebaeude_id"], table["befund"], strict=True))
    assert got == [(1, "G1", "pflicht_ohne_anlage"),
                   (2, "G2", "aenderung_ohne_vorgang"),
                   (2, "G7", "pflicht_pruefen"),
                   (3, "G4", "pflicht_nach_befliegung"),
                   (3, "G5", "vorgang_ohne_aenderung")]
    first = table.iloc[0]
    assert first["vorgang_id"] == "V1" and first["pflicht"] == "ja"
    assert first["mindestflaeche_pv_m2"] == 24.0 and first["alternative_mindestleistung_kwp"] == 3
    assert first["solarflaeche_b_m2"] == 0.4 and "19.08.2024" in first["hinweis"]
    assert first["befund_text"] == FINDINGS["pflicht_ohne_anlage"][1]
    # An unreported roof renewal before 2026 can only fall under the rule if municipal.
    assert "Gemeinde gehört" in table.iloc[1]["hinweis"] and table.iloc[1]["aenderung_de"] == \
        "Dacherneuerung"
    assert pd.isna(table.iloc[1]["vorgang_id"])
    assert table.attrs["counts"] == {"pflicht_ohne_anlage": 1, "aenderung_ohne_vorgang": 1,
                                     "pflicht_pruefen": 1, "vorgang_ohne_aenderung": 1,
                                     "pflicht_nach_befliegung": 1}
    assert "G99" in table.attrs["notes"][0]
    # New solar arrays and green roofs need no permit: not listed.
    assert not table["gebaeude_id"].isin(["G3", "G8"]).any()


def test_a_visible_array_meets_the_obligation_and_the_threshold_is_a_parameter():
    changes, register, decisions = _case()
    with_array = pd.Series({"G1": 20.0})
    table = inspection_list(changes, register, decisions, solar_m2_b=with_array, **FLIGHTS)
    assert "pflicht_ohne_anlage" not in set(table["befund"])
    table = inspection_list(changes, register, decisions, solar_m2_b=with_array,
                            min_solar_m2=25.0, **FLIGHTS)
    assert table.iloc[0]["befund"] == "pflicht_ohne_anlage"
    # Without solar areas a detected roof renewal shows no array either.
    table = inspection_list(changes, register, decisions, **FLIGHTS)
    assert table.iloc[0]["befund"] == "pflicht_ohne_anlage"
    assert table.iloc[0]["solarflaeche_b_m2"] == 0.0
    # ... while a detected new array counts as visible: a municipal renewal at G3 is met.
    register.loc[register["vorgang_id"] == "V5", ["gebaeude_id", "eigentum", "baubeginn"]] = \
        ["G3", "kommunal", pd.Timestamp("2024-09-01")]
    table = inspection_list(changes, register, check_register(register), **FLIGHTS)
    assert "G3" not in set(table["gebaeude_id"])
    assert table.attrs["counts"]["pflicht_ohne_anlage"] == 1  # G1 still has none


def test_unreported_changes_that_cannot_be_obliged_get_priority_3():
    changes, register, decisions = _case()
    table = inspection_list(changes, register, decisions, flight_a="2022-05-01",
                            flight_b="2023-06-15")
    row = table[table["gebaeude_id"] == "G2"].iloc[0]
    assert row["prioritaet"] == 3 and "keine Pflicht möglich" in row["hinweis"]


@pytest.mark.parametrize("kind, latest, possible, phrase", [
    ("neubau", "2024-01-01", False, "keine Pflicht möglich"),
    ("neubau", "2024-01-02", True, "nur bei einem Nichtwohngebäude"),
    ("neubau", "2025-01-01", True, "nur bei einem Nichtwohngebäude"),
    ("neubau", "2025-01-02", True, "(Wohngebäude)"),
    ("dacherneuerung", "2024-06-30", False, "keine Pflicht möglich"),
    ("dacherneuerung", "2024-07-01", True, "der Gemeinde gehört"),
    ("dacherneuerung", "2026-01-01", True, "der Gemeinde gehört"),
    ("dacherneuerung", "2026-01-02", True, "Baubeginn nach dem 01.01.2026"),
])
def test_possible_obligation_on_both_sides_of_every_key_date(kind, latest, possible, phrase):
    ok, text = possible_obligation(kind, latest)
    assert ok is possible and phrase in text


def test_bad_input_is_named():
    changes, register, decisions = _case()
    with pytest.raises(ParameterError, match="kind must be"):
        possible_obligation("gruendach", "2025-01-01")
    with pytest.raises(ParameterError, match="flight_b"):
        inspection_list(changes, register, decisions, flight_a="2025-06-15",
                        flight_b="2023-06-15")
    with pytest.raises(ParameterError, match="flight_a"):
        inspection_list(changes, register, decisions, flight_a="Juni", flight_b="2025-06-15")
    with pytest.raises(DataError) as err:
        inspection_list(changes, register.drop(columns=["gebaeude_id"]), decisions, **FLIGHTS)
    assert "gebaeude_id" in err.value.message_de and "verknüpft" in err.value.message_de
    with pytest.raises(DataError, match="score"):
        inspection_list(changes.drop(columns=["score"]), register, decisions, **FLIGHTS)
    with pytest.raises(ParameterError):
        inspection_list(changes, register.to_dict(), decisions, **FLIGHTS)
