"""Checks for the exercises of notebook 06 (IT-Sicherheit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.itsec.logins import alerts_needed


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Findings on internet-facing assets with known ransomware use: ``anzahl_kritisch``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "anzahl_kritisch")
    if missing is not None:
        return missing
    befunde = ns["befunde"]
    internet = befunde["exposure"] == "internet"
    ransomware = befunde["ransomware"].astype(bool)
    expected = int((internet & ransomware).sum())
    try:
        value = int(ns["anzahl_kritisch"])
    except (TypeError, ValueError):
        return hint(name, "`anzahl_kritisch` soll eine ganze Zahl sein.")
    if befunde.empty and value == 0:
        return ok(name, "Richtig für diesen Lauf: Ohne KEV-Katalog gibt es keine Befunde "
                  "(Abschnitt 2). Stellen Sie den Katalog bereit (`urbanki data fetch cisa_kev`) "
                  "und lösen Sie die Aufgabe noch einmal – erst dann zeigt sie etwas.")
    if value == expected:
        return ok(name, f"Richtig: {expected} Befunde verbinden Erreichbarkeit aus dem Internet "
                  "mit bekannter Ransomware-Nutzung – diese gehören ganz nach oben.")
    if value == int((internet | ransomware).sum()):
        return hint(name, "Sie haben Befunde gezählt, die *eines* der Merkmale haben (oder). "
                    "Gesucht sind Befunde mit *beiden* Merkmalen: `&` statt `|`.")
    if value == int(befunde.loc[internet & ransomware, "asset_id"].nunique()):
        return hint(name, "Sie haben Systeme gezählt. Gesucht sind Befunde, also Paare aus System "
                    "und Schwachstelle – ein System kann mehrere haben.")
    if value in (int(internet.sum()), int(ransomware.sum())):
        return hint(name, "Sie haben nur eine der beiden Bedingungen berücksichtigt.")
    return hint(name, "Noch nicht. Tipp: `((befunde['exposure'] == 'internet') & "
                "befunde['ransomware']).sum()`.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """Alerts of the Isolation Forest until the first lateral-movement window: ``alarme_lateral``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "alarme_lateral")
    if missing is not None:
        return missing
    detector = alerts_needed(ns["punkte_detektor"], ns["angriff"])
    expected = int(detector.loc["lateral_movement", "alerts_first"])
    try:
        value = int(ns["alarme_lateral"])
    except (TypeError, ValueError):
        return hint(name, "`alarme_lateral` soll eine ganze Zahl sein.")
    rules = alerts_needed(ns["punkte_regeln"], ns["angriff"])
    if value == expected:
        better = int(rules.loc["lateral_movement", "alerts_first"])
        return ok(name, f"Richtig: {expected} Alarme des Isolation Forest – die Regeln brauchen "
                  f"{better}. Für bekannte Muster sind Regeln oft sparsamer.")
    if value == int(rules.loc["lateral_movement", "alerts_first"]):
        return hint(name, "Das ist die Zahl für die Regeln (`punkte_regeln`). Gefragt ist der "
                    "Isolation Forest: `punkte_detektor`.")
    if value == int(detector.loc["lateral_movement", "alerts_all"]):
        return hint(name, "Das ist die Zahl bis zur *letzten* Meldung dieser Art (`alerts_all`). "
                    "Gefragt ist die erste: `alerts_first`.")
    return hint(name, "Noch nicht. Tipp: `logins.alerts_needed(punkte_detektor, angriff)`"
                ".loc['lateral_movement', 'alerts_first']`.")
