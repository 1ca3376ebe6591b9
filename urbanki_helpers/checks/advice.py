"""Checks for the exercises of notebook 05 (Energieberatung)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.privacy import suppress_small_cells


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """The smallest threshold of ``kurve`` whose answers are right in at least 80 % of the
    cases: ``schwelle_80``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "schwelle_80")
    if missing is not None:
        return missing
    try:
        value = float(ns["schwelle_80"])
    except (TypeError, ValueError):
        return hint(name, "`schwelle_80` soll eine Zahl zwischen 0 und 1 sein.")
    kurve = ns["kurve"]
    good = kurve[kurve["genauigkeit"] >= 0.8]
    if good.empty:  # with this split no threshold is good enough: the answer is "none" (NaN)
        if math.isnan(value):
            return ok(name, "Richtig: Keine Schwelle erreicht 80 % – mit diesen Daten darf der "
                      "Assistent nicht allein antworten.")
        return hint(name, "Prüfen Sie die Spalte `genauigkeit`: Erreicht überhaupt eine Schwelle "
                    "80 %? Wenn nicht, ist das Ergebnis von `.min()` leer (nan).")
    expected = float(good["schwelle"].min())
    if math.isnan(value):
        return hint(name, "Ihr Ergebnis ist leer (nan), obwohl Schwellen 80 % erreichen. Haben "
                    "Sie mit 80 verglichen? Die Spalte `genauigkeit` ist ein Anteil zwischen 0 "
                    "und 1: `>= 0.8`.")
    if math.isclose(value, expected, abs_tol=1e-9):
        row = good.loc[good["schwelle"].idxmin()]
        return ok(name, f"Richtig: ab Schwelle {format_de(expected, 2)} sind "
                  f"{format_de(100 * row['genauigkeit'], 0)} % der automatischen Antworten "
                  f"richtig – beantwortet werden dann aber nur "
                  f"{format_de(100 * row['abdeckung'], 0)} % der Fragen.")
    if math.isclose(value, float(good["schwelle"].max()), abs_tol=1e-9):
        return hint(name, "Das ist die größte Schwelle mit mindestens 80 %. Gesucht ist die "
                    "kleinste – sie lässt die meisten Fragen automatisch beantworten.")
    if value in set(kurve["abdeckung"]) or value in set(kurve["genauigkeit"]):
        return hint(name, "Das ist ein Wert der Spalte `abdeckung` oder `genauigkeit`. Gesucht "
                    "ist der Wert der Spalte `schwelle`.")
    return hint(name, "Noch nicht. Tipp: `kurve[kurve[\"genauigkeit\"] >= 0.8][\"schwelle\"]"
                ".min()`.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """Number of cells suppressed in ``bericht`` with threshold 10: ``unterdrueckt_10``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "unterdrueckt_10")
    if missing is not None:
        return missing
    try:
        value = int(ns["unterdrueckt_10"])
    except (TypeError, ValueError):
        return hint(name, "`unterdrueckt_10` soll eine ganze Zahl sein (Anzahl Zellen).")
    bericht = ns["bericht"]
    result = suppress_small_cells(bericht, threshold=10)
    expected = len(result.attrs["suppressed"])
    primary = sum(v == "primär" for v in result.attrs["suppressed"].values())
    if value == expected:
        return ok(name, f"Richtig: {expected} Zellen bleiben leer, davon {primary} zu klein und "
                  f"{expected - primary}, weil man sie sonst aus den Summen zurückrechnen könnte.")
    if value == primary and primary != expected:
        return hint(name, "Das sind nur die zu kleinen Zellen. Es fehlen die zusätzlich "
                    "unterdrückten (sekundär), die sonst aus den Summen folgen würden.")
    five = len(suppress_small_cells(bericht, threshold=5).attrs["suppressed"])
    if value == five and five != expected:
        return hint(name, "Das ist die Zahl bei Schwelle 5. Rechnen Sie mit threshold=10.")
    table = pd.DataFrame(bericht)
    if value == int((table < 10).to_numpy().sum()):
        return hint(name, "Sie haben die Zellen unter 10 gezählt, auch die Nullen – Nullen "
                    "werden nicht unterdrückt, und die sekundären fehlen.")
    return hint(name, "Noch nicht. Tipp: `len(suppress_small_cells(bericht, threshold=10)"
                ".attrs[\"suppressed\"])`.")
