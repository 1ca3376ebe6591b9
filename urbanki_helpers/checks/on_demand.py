"""Checks for the exercises of notebook 03 (Nachfrageprognose On-Demand-Verkehr)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.mobility.forecast import error_by


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Share of hours with a count of zero, among hours with a known count: ``anteil_null``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "anteil_null")
    if missing is not None:
        return missing
    try:
        value = float(ns["anteil_null"])
    except (TypeError, ValueError):
        return hint(name, "`anteil_null` soll eine Zahl zwischen 0 und 1 sein.")
    anzahl = ns["daten"].counts["anzahl"]
    expected = float((anzahl.dropna() == 0).mean())
    if math.isclose(value, expected, abs_tol=1e-9):
        return ok(name, f"Richtig: In {format_de(expected * 100)} % der Stunden mit bekanntem "
                  "Wert gab es keine einzige Anfrage. Solche Nullen machen Stundenprognosen "
                  "schwer – deshalb Poisson-Modelle.")
    if math.isclose(value, expected * 100, abs_tol=1e-6):
        return hint(name, "Das ist ein Prozentwert. Gesucht ist der Anteil zwischen 0 und 1.")
    if math.isclose(value, float((anzahl.fillna(0) == 0).mean()), abs_tol=1e-9):
        return hint(name, "Sie haben fehlende Werte als Null gezählt. Ein fehlender Wert heißt "
                    "'unbekannt' (z. B. Zählerausfall), nicht 'keine Anfrage': `dropna()` zuerst.")
    return hint(name, f"Ihr Wert {format_de(value, 3)} stimmt noch nicht. Tipp: "
                "`(daten.counts['anzahl'].dropna() == 0).mean()`.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """Hour of day with the largest MAE of the gradient-boosting model: ``schlechteste_stunde``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "schlechteste_stunde")
    if missing is not None:
        return missing
    table = error_by(ns["vorhersagen"], "stunde")
    expected = int(table["hgb"].idxmax())
    value = ns["schlechteste_stunde"]
    if isinstance(value, float) and not value.is_integer():
        return hint(name, "Gesucht ist die Stunde (eine ganze Zahl von 0 bis 23), nicht der "
                    "Fehlerwert selbst: `idxmax()` statt `max()`.")
    try:
        value = int(value)
    except (TypeError, ValueError):
        return hint(name, "`schlechteste_stunde` soll eine ganze Zahl von 0 bis 23 sein.")
    if value == expected:
        return ok(name, f"Richtig: Um {expected} Uhr liegt das Modell im Mittel "
                  f"{format_de(table.loc[expected, 'hgb'], 2)} daneben. Oft sind das die "
                  "Stunden mit dem meisten Betrieb – absolute Fehler wachsen mit der Menge.")
    if value == int(table["baseline"].idxmax()):
        return hint(name, "Das ist die schlechteste Stunde der Referenz. Gefragt ist das "
                    "Gradient-Boosting-Modell: die Spalte `hgb`.")
    return hint(name, "Noch nicht. Tipp: `error_by(vorhersagen, 'stunde')['hgb'].idxmax()`.")
