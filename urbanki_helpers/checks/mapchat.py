"""Checks for the exercises of notebook 08 (Karten-Chatbot)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.mapchat import ask, facilities_in_area_spatial


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Defibrillators in the Stadtbezirk ``bezirk``, counted directly: ``anzahl_direkt``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "anzahl_direkt")
    if missing is not None:
        return missing
    layers, bezirk = ns["stadt"], ns["bezirk"]
    expected = len(facilities_in_area_spatial(layers, "defibrillator", bezirk))
    try:
        value = int(ns["anzahl_direkt"])
    except (TypeError, ValueError):
        return hint(name, "`anzahl_direkt` soll eine ganze Zahl sein.")
    if value == expected:
        bot = ask(f"Wie viele Defibrillatoren gibt es im Stadtbezirk {bezirk}?", layers,
                  model=ns.get("modell"))
        same = "stimmt mit dem Chatbot überein" if bot.value == expected else \
            f"der Chatbot sagt {bot.value} – woran liegt der Unterschied?"
        return ok(name, f"Richtig: {expected} Defibrillatoren in {bezirk}; das {same}.")
    if value == 0 and expected > 0:
        return hint(name, "Null gefunden, obwohl es im Bezirk Defibrillatoren gibt. Liegen beide "
                    "Ebenen im selben Koordinatenbezugssystem (`.crs`)? Eine räumliche "
                    "Verknüpfung zwischen verschiedenen Systemen (z. B. Grad und Meter) findet "
                    "nichts – vorher `to_crs(...)`. Und stimmt der Name des Bezirks genau?")
    if value == len(layers.facilities):
        return hint(name, "Sie haben alle Einrichtungen gezählt. Filtern Sie zuerst die Ebene "
                    "`layer == 'defibrillator'`.")
    aeds = layers.facilities[layers.facilities["layer"] == "defibrillator"]
    if value == len(aeds):
        return hint(name, "Das sind alle Defibrillatoren der Stadt. Zählen Sie nur die im "
                    f"Stadtbezirk {bezirk} (räumliche Verknüpfung oder Spalte `stadtbezirk`).")
    if "stadtteil" in aeds.columns and value in set(aeds.groupby("stadtteil").size()):
        return hint(name, "Das ist die Zahl eines Stadtteils. Ein Stadtbezirk umfasst mehrere "
                    "Stadtteile: Filtern Sie mit der Spalte `stadtbezirk`.")
    return hint(name, "Noch nicht. Tipp: Einrichtungen mit `layer == 'defibrillator'` und "
                f"`stadtbezirk == '{bezirk}'` zählen.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """A question the bot misunderstands and a rephrasing it understands."""
    name = "Aufgabe 2"
    missing = require(ns, name, "frage_unverstanden", "frage_verstanden")
    if missing is not None:
        return missing
    layers, model = ns["stadt"], ns.get("modell")
    first = ask(str(ns["frage_unverstanden"]), layers, model=model)
    second = ask(str(ns["frage_verstanden"]), layers, model=model)
    if first.understood:
        return hint(name, f"Die erste Frage hat der Chatbot verstanden (Absicht „{first.intent}“). "
                    "Suchen Sie eine, bei der er „Das habe ich nicht verstanden“ antwortet – etwa "
                    "ohne Ort oder Ebene, oder zu einem anderen Thema.")
    if not second.understood:
        return hint(name, "Auch die Umformulierung versteht er nicht. Nennen Sie Ebene und Ort "
                    "ausdrücklich, z. B. „Wie viele Schulen gibt es in …?“")
    return ok(name, f"Richtig: Die Umformulierung wird als „{second.intent}“ verstanden. "
              "Genau solche Fragen gehören in den Trainingsdatensatz.")
