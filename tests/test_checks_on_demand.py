"""The exercise checks of notebook 03 recognise right answers and typical mistakes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from urbanki_helpers.checks import on_demand


def namespace(**extra):
    counts = pd.DataFrame({"anzahl": [0.0, 0.0, 3.0, np.nan, 1.0]})
    zeit = pd.to_datetime(["2024-01-01 07:00", "2024-01-01 08:00"] * 2)
    vorhersagen = pd.DataFrame({
        "model": ["hgb", "hgb", "baseline", "baseline"], "zeit": zeit,
        "y_true": [1.0, 1.0, 1.0, 1.0], "y_pred": [1.5, 4.0, 3.0, 1.0]})
    return {"daten": SimpleNamespace(counts=counts), "vorhersagen": vorhersagen, **extra}


def test_aufgabe_1_right_answer_and_typical_mistakes():
    assert on_demand.aufgabe_1(namespace(anteil_null=0.5)).passed
    assert "Prozentwert" in on_demand.aufgabe_1(namespace(anteil_null=50.0)).message
    nan_as_zero = on_demand.aufgabe_1(namespace(anteil_null=0.6))
    assert not nan_as_zero.passed and "fehlende Werte als Null" in nan_as_zero.message
    assert "gibt es noch nicht" in on_demand.aufgabe_1(namespace()).message


def test_aufgabe_2_right_hour_and_typical_mistakes():
    assert on_demand.aufgabe_2(namespace(schlechteste_stunde=8)).passed
    baseline = on_demand.aufgabe_2(namespace(schlechteste_stunde=7))
    assert not baseline.passed and "Referenz" in baseline.message
    value = on_demand.aufgabe_2(namespace(schlechteste_stunde=3.0 / 1.0 + 0.5))
    assert not value.passed and "idxmax" in value.message
