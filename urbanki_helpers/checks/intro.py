"""Checks for the exercises of notebook 00 (Einführung)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from urbanki_helpers.accessibility import share_within
from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.evaluation import format_de


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Share of residents within 800 m of a stop, stored in ``anteil_800`` (0..1)."""
    name = "Aufgabe 1"
    missing = require(ns, name, "anteil_800")
    if missing is not None:
        return missing
    value = _number(ns["anteil_800"])
    if value is None:
        return hint(name, "`anteil_800` soll eine Zahl sein, z. B. das Ergebnis von "
                    "`share_within(...)`.")
    population, stops = ns["bevoelkerung"], ns["haltestellen"]
    expected = share_within(population, stops, 800)
    if math.isclose(value, expected, abs_tol=1e-6):
        return ok(name, f"Richtig: {format_de(expected * 100)} % wohnen höchstens 800 m von einer "
                  "Haltestelle entfernt – mehr als beim Radius aus den Parametern.")
    if math.isclose(value, expected * 100, abs_tol=1e-4):
        return hint(name, "Das ist ein Prozentwert. Gesucht ist der Anteil zwischen 0 und 1 – "
                    "teilen Sie durch 100.")
    radius = ns.get("radius_m")
    if radius is not None and math.isclose(value, share_within(population, stops, radius),
                                           abs_tol=1e-6):
        return hint(name, f"Sie haben den Radius aus den Parametern ({radius} m) verwendet. "
                    "Gesucht ist der Anteil für 800 m.")
    if math.isclose(value, share_within(population, stops, 0.8), abs_tol=1e-6):
        return hint(name, "Der Radius wird in Metern angegeben, nicht in Kilometern: 800 statt "
                    "0.8 – sonst zählen nur Menschen, die fast auf der Haltestelle wohnen.")
    if math.isclose(value, share_within(population, stops, 800, weight=None), abs_tol=1e-6):
        return hint(name, "Sie haben Rasterzellen gezählt, nicht Menschen. Gewichten Sie mit der "
                    "Spalte `einwohner` (das ist die Voreinstellung von `share_within`).")
    return hint(name, f"Ihr Wert {format_de(value, 3)} stimmt noch nicht. Tipp: "
                "`share_within(bevoelkerung, haltestellen, 800)`.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """MAE of the seasonal-naive forecast (same weekday last week) in the test period,
    stored in ``mae_vorwoche``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "mae_vorwoche")
    if missing is not None:
        return missing
    value = _number(ns["mae_vorwoche"])
    if value is None:
        return hint(name, "`mae_vorwoche` soll eine Zahl sein (der mittlere absolute Fehler).")
    y = ns["besuche"]["besuche"].astype(float)
    test = np.asarray(ns["test"], dtype=bool)

    def mae(lag: int, mask) -> float:
        return float((y - y.shift(lag))[mask].abs().mean())

    expected = mae(7, test)
    if math.isclose(value, expected, rel_tol=1e-6):
        model = ns.get("vergleich")
        versus = ""
        if model is not None:
            better = "besser" if model.model < expected else "schlechter"
            versus = (f" Das Modell ({format_de(model.model)}) ist {better} als diese "
                      "einfache Referenz.")
        return ok(name, f"Richtig: Der Vorwochenwert liegt im Mittel {format_de(expected)} "
                  f"Besuche daneben.{versus}")
    if value < 0 or math.isclose(value, float((y - y.shift(7))[test].mean()), rel_tol=1e-6):
        return hint(name, "Fehler heben sich auf, wenn Sie nicht die Beträge nehmen: "
                    "Verwenden Sie `.abs()` vor `.mean()`.")
    if math.isclose(value, mae(1, test), rel_tol=1e-6):
        return hint(name, "Sie haben den Vortag verwendet. Derselbe Wochentag der Vorwoche "
                    "liegt 7 Tage zurück: `shift(7)`.")
    if math.isclose(value, mae(7, np.ones(len(y), dtype=bool)), rel_tol=1e-6):
        return hint(name, "Sie haben den Fehler über die ganze Zeitreihe berechnet. Bewerten "
                    "Sie nur den Testzeitraum (Maske `test`), sonst ist der Vergleich mit dem "
                    "Modell nicht fair.")
    return hint(name, f"Ihr Wert {format_de(value, 2)} stimmt noch nicht. Tipp: "
                "`(y - y.shift(7))[test].abs().mean()` mit `y = besuche['besuche']`.")
