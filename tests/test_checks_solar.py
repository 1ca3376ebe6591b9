"""The exercise checks of notebook 04: the right answer passes, typical mistakes get their own
hint, a missing variable is named."""

from __future__ import annotations

import pandas as pd

from urbanki_helpers.checks import solar
from urbanki_helpers.solar.rules import check_case


def _kita(**changes):
    return check_case({**solar.KINDERGARTEN, **changes})


def test_aufgabe_1_right_answer_and_typical_mistakes():
    assert solar.aufgabe_1({}).message.startswith("Die Variable `entscheidung` gibt es noch nicht")
    right = solar.aufgabe_1({"entscheidung": _kita()})
    assert right.passed and "72 m²" in right.message and "8 kWp" in right.message
    cases = {
        "privat": (dict(eigentum="privat"), "gehört der Stadt"),
        "date": (dict(baubeginn="2024-06-30"), "vor dem Stichtag"),
        "neubau": (dict(massnahme="neubau", antragsdatum="2024-07-01"), "Neubau"),
        "brutto": (dict(nettodachflaeche_m2=320), "Nettodachfläche"),
        "wohn": (dict(gebaeudeart="wohngebaeude", wohneinheiten=4), "Nichtwohngebäude"),
    }
    for name, (change, phrase) in cases.items():
        fb = solar.aufgabe_1({"entscheidung": _kita(**change)})
        assert not fb.passed and phrase in fb.message, (name, fb.message)
    fb = solar.aufgabe_1({"entscheidung": "ja"})
    assert not fb.passed and "check_case(fall)" in fb.message


def test_aufgabe_2_right_answer_and_typical_mistakes():
    erkannt = pd.DataFrame({
        "aenderung": ["neubau", "neue_solaranlage", "dacherneuerung", None],
        "neue_solaranlage": [True, True, False, False],
    }, index=pd.Index(["G1", "G2", "G3", "G4"], name="gebaeude_id"))
    ns = {"erkannt": erkannt}
    assert not solar.aufgabe_2(ns).passed
    assert solar.aufgabe_2({**ns, "mastr_abgleich": ["G2", "G1"]}).passed
    assert solar.aufgabe_2({**ns, "mastr_abgleich": erkannt.index[:2]}).passed
    only_first = solar.aufgabe_2({**ns, "mastr_abgleich": ["G2"]})
    assert not only_first.passed and "Neubauten mit Anlage" in only_first.message
    too_many = solar.aufgabe_2({**ns, "mastr_abgleich": ["G1", "G2", "G3"]})
    assert not too_many.passed and "G3" in too_many.message
    assert "Liste" in solar.aufgabe_2({**ns, "mastr_abgleich": 5}).message
    rows = solar.aufgabe_2({**ns, "mastr_abgleich": [0, 1]})  # positions, not IDs
    assert not rows.passed and "Zeilennummern" in rows.message and "„G1“" in rows.message
    too_few = solar.aufgabe_2({**ns, "mastr_abgleich": ["G1"]})
    assert not too_few.passed and "Es fehlen Gebäude, z. B. G2" in too_few.message
