"""Checks for the exercises of notebook 09 (Digitale Bauakten)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from urbanki_helpers.buildingfiles.extraction import find_dates, normalise_aktenzeichen
from urbanki_helpers.checks import Feedback, hint, ok, require

#: Aufgabe 1: a file number from a 1950s Bauschein as the OCR read it.
AKTENZEICHEN_ROH = "B.1619/50"
#: Aufgabe 2: a letter with three dates in three spellings.
SCHREIBEN = ("Antrag eingegangen am 12.11.1956, Bauschein vom 3. April 1957, "
             "Schlussabnahme am 28.2.1958.")


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Canonical form of :data:`AKTENZEICHEN_ROH`: ``az_kanonisch``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "az_kanonisch")
    if missing is not None:
        return missing
    value = ns["az_kanonisch"]
    expected = normalise_aktenzeichen(AKTENZEICHEN_ROH)
    if value == expected:
        return ok(name, f"Richtig: „{expected}“. So finden Suche und Zuordnung dieselbe Akte, "
                  "egal wie das Aktenzeichen geschrieben oder gelesen wurde.")
    if value == AKTENZEICHEN_ROH:
        return hint(name, "Das ist die Schreibweise aus dem Scan. Gesucht ist die einheitliche "
                    "Form: `normalise_aktenzeichen(...)`.")
    if not isinstance(value, str) or not value:
        return hint(name, "`az_kanonisch` soll ein Text sein, z. B. das Ergebnis von "
                    "`normalise_aktenzeichen(\"B.1619/50\")`.")
    return hint(name, f"Noch nicht: „{value}“. Tipp: `normalise_aktenzeichen(\"B.1619/50\")`.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """The latest date of :data:`SCHREIBEN`: ``letztes_datum`` (a date or ISO text)."""
    name = "Aufgabe 2"
    missing = require(ns, name, "letztes_datum")
    if missing is not None:
        return missing
    value = ns["letztes_datum"]
    dates = [d for _, d in find_dates(SCHREIBEN)]
    expected = max(dates)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return hint(name, "Als Text bitte im Format JJJJ-MM-TT, z. B. \"1958-02-28\" – oder "
                        "gleich als Datum (`datetime.date`).")
    if value == expected:
        return ok(name, f"Richtig: {expected:%d.%m.%Y}. Drei Schreibweisen, ein Datum je Angabe "
                  "– so lässt sich ein Vorgang zeitlich ordnen.")
    if value == dates[0]:
        return hint(name, "Das ist das erste Datum im Text. Gesucht ist das späteste: `max(...)`.")
    if value in dates:
        return hint(name, "Das ist ein Datum aus dem Text, aber nicht das späteste.")
    return hint(name, "Noch nicht. Tipp: `max(datum for _, datum in find_dates(schreiben))`.")
