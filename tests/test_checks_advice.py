"""The exercise checks of notebook 05: the right answer passes, typical mistakes get their own
hint."""

from __future__ import annotations

import pandas as pd

from urbanki_helpers.checks import advice

KURVE = pd.DataFrame({"schwelle": [0.0, 0.2, 0.4, 0.6],
                      "abdeckung": [0.9, 0.7, 0.4, 0.1],
                      "genauigkeit": [0.5, 0.7, 0.82, 0.9]})
BERICHT = pd.DataFrame({"ja": [12, 3, 15], "nein": [20, 8, 28], "Summe": [32, 11, 43]},
                       index=["A", "B", "Summe"])


def test_aufgabe_1_smallest_threshold_with_80_percent():
    ns = {"kurve": KURVE}
    assert "schwelle_80" in advice.aufgabe_1(ns).message
    assert advice.aufgabe_1({**ns, "schwelle_80": 0.4}).passed
    assert "kleinste" in advice.aufgabe_1({**ns, "schwelle_80": 0.6}).message
    assert "Spalte `schwelle`" in advice.aufgabe_1({**ns, "schwelle_80": 0.82}).message
    assert not advice.aufgabe_1({**ns, "schwelle_80": "hoch"}).passed
    # `>= 80` instead of `>= 0.8` leaves nothing: min() of an empty column is nan.
    nan = advice.aufgabe_1({**ns, "schwelle_80": float("nan")})
    assert not nan.passed and "mit 80 verglichen" in nan.message


def test_aufgabe_2_counts_primary_and_secondary_cells():
    ns = {"bericht": BERICHT}
    # threshold 10: 3 and 8 are small (primary); 12 and 20 follow (secondary)
    assert advice.aufgabe_2({**ns, "unterdrueckt_10": 4}).passed
    assert "sekundär" in advice.aufgabe_2({**ns, "unterdrueckt_10": 2}).message
    assert not advice.aufgabe_2({**ns, "unterdrueckt_10": "viele"}).passed


def test_aufgabe_1_when_no_threshold_is_good_enough():
    weak = KURVE.assign(genauigkeit=[0.5, 0.6, 0.7, 0.75])
    assert advice.aufgabe_1({"kurve": weak, "schwelle_80": float("nan")}).passed
    assert not advice.aufgabe_1({"kurve": weak, "schwelle_80": 0.6}).passed
