"""Checks for the exercises of notebook 09 (Digitale Bauakten)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from urbanki_helpers.buildingfiles.extraction import find_dates, normalise_aktenzeichen
from urbanki_helpers.checks import Feedback, hint, ok, require

#: Aufgabe 1: a file number from a 1950s Bauschein as the OCR read it.
AKTENZEICHEN_ROH = "B.1619/50"
#: Aufgabe 2: a letter with three dates in three spellings; the latest is not the last one in
#: the text, and one year has two digits, as on many 1950s forms.
SCHREIBEN = ("Bezug: Bauschein vom 3. April 1957, Schlussabnahme am 28.2.58; Ihr Antrag war am "
             "12.11.1956 eingegangen.")


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
    if not isinstance(value, str):
        return hint(name, "`az_kanonisch` soll ein Text sein, z. B. das Ergebnis von "
                    "`normalise_aktenzeichen(\"B.1619/50\")`.")
    if not value:
        return hint(name, "Der Text ist leer: `normalise_aktenzeichen` hat kein bekanntes Format "
                    "erkannt. Haben Sie das Aktenzeichen genau so übergeben, wie die OCR es "
                    "gelesen hat (\"B.1619/50\")?")
    if value.strip() == expected:
        return hint(name, "Fast: Am Anfang oder Ende stehen Leerzeichen. Die einheitliche Form "
                    "muss Zeichen für Zeichen gleich sein, sonst findet die Suche die Akte nicht.")
    if value.replace(" ", "") == expected.replace(" ", ""):
        return hint(name, f"Fast: Die einheitliche Form hat genau ein Leerzeichen nach dem „B“ "
                    f"(„{expected}“). Nur wenn sie Zeichen für Zeichen gleich ist, findet die "
                    "Suche die Akte.")
    number, _, year = expected.rpartition("/")
    if value == f"{number}/19{year}":
        return hint(name, "Die Jahreszahl bleibt in diesem Format zweistellig, wie auf den "
                    "Bauscheinen der 1950er Jahre: „/50“, nicht „/1950“.")
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
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dt.date):
        return hint(name, "Das ist ein Paar (Position, Datum). `max` über die Paare vergleicht "
                    "zuerst die Position im Text, nicht das Datum. Nehmen Sie nur die Daten: "
                    "`max(datum for _, datum in find_dates(schreiben))`.")
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
                  "– und die zeitliche Reihenfolge ist nicht die Reihenfolge im Text.")
    if value == dates[0]:
        return hint(name, "Das ist das erste Datum im Text. Die Reihenfolge im Text ist nicht die "
                    "zeitliche – gesucht ist das späteste: `max(...)`.")
    if value == min(dates) or value == dates[-1]:
        return hint(name, "Das ist das früheste Datum – und zugleich das letzte im Text. Gesucht "
                    "ist das späteste: `max(...)`, nicht `min(...)` oder `[-1]`.")
    if isinstance(value, dt.date) and (value.year - 100, value.month, value.day) == \
            (expected.year, expected.month, expected.day):
        return hint(name, "Die zweistellige Jahreszahl „58“ gehört hier zu 1958, nicht zu 2058: "
                    "Bauakten aus den 1950er Jahren. `find_dates` ordnet sie richtig zu.")
    return hint(name, "Noch nicht. Tipp: `max(datum for _, datum in find_dates(schreiben))`.")
