"""The exercise checks of notebook 06 recognise right answers and typical mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from urbanki_helpers.checks import it_security


def namespace(**extra):
    befunde = pd.DataFrame({"asset_id": ["a", "a", "b", "c"],
                            "exposure": ["internet", "internet", "intern", "internet"],
                            "ransomware": [True, True, True, False]})
    angriff = pd.Series(["", "lateral_movement", "", "lateral_movement", "brute_force"])
    return {"befunde": befunde, "angriff": angriff,
            "punkte_detektor": np.array([5.0, 1.0, 4.0, 3.0, 2.0]),
            "punkte_regeln": np.array([0.0, 2.0, 0.0, 0.0, 1.0]), **extra}


def test_aufgabe_1_right_answer_and_typical_mistakes():
    assert it_security.aufgabe_1(namespace(anzahl_kritisch=2)).passed
    assert "oder" in it_security.aufgabe_1(namespace(anzahl_kritisch=4)).message
    assert "Systeme gezählt" in it_security.aufgabe_1(namespace(anzahl_kritisch=1)).message
    assert "gibt es noch nicht" in it_security.aufgabe_1(namespace()).message
    assert "nur eine der beiden" in it_security.aufgabe_1(namespace(anzahl_kritisch=3)).message


def test_aufgabe_1_without_the_kev_catalogue_says_so():
    empty = namespace()["befunde"].iloc[:0]
    fb = it_security.aufgabe_1(namespace(befunde=empty, anzahl_kritisch=0))
    assert fb.passed and "Ohne KEV-Katalog" in fb.message
    assert not it_security.aufgabe_1(namespace(befunde=empty, anzahl_kritisch=2)).passed


def test_aufgabe_2_right_answer_and_typical_mistakes():
    # Detector ranks: 5.0 (normal), 4.0 (normal), 3.0 (lateral) -> 3 alerts; rules: first alert.
    assert it_security.aufgabe_2(namespace(alarme_lateral=3)).passed
    assert "Regeln" in it_security.aufgabe_2(namespace(alarme_lateral=1)).message
    assert "letzten" in it_security.aufgabe_2(namespace(alarme_lateral=5)).message
