"""Checks for the exercises of notebook 04 (Solarpflicht)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.solar.rules import Decision, check_case

#: Aufgabe 1: the municipal kindergarten whose roof is renewed from 1 July 2024.
KINDERGARTEN = {"vorgang_id": "UEB-1", "gebaeudeart": "nichtwohngebaeude",
                "massnahme": "dacherneuerung", "verfahren": "bauantrag", "antragsdatum": "",
                "baubeginn": "2024-07-01", "nutzflaeche_m2": 600, "bruttodachflaeche_m2": 320,
                "nettodachflaeche_m2": 240, "wohneinheiten": 0, "eigentum": "kommunal",
                "besonderheit": ""}


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """The decision for the municipal kindergarten: ``entscheidung`` (a Decision)."""
    name = "Aufgabe 1"
    missing = require(ns, name, "entscheidung")
    if missing is not None:
        return missing
    got = ns["entscheidung"]
    if not isinstance(got, Decision):
        return hint(name, "`entscheidung` soll das Ergebnis von `check_case(fall)` sein, nicht "
                    f"ein Wert vom Typ {type(got).__name__}.")
    expected = check_case(KINDERGARTEN)
    if (got.pflicht, got.grund, got.mindestflaeche_pv_m2, got.alternative_mindestleistung_kwp) \
            == (expected.pflicht, expected.grund, expected.mindestflaeche_pv_m2,
                expected.alternative_mindestleistung_kwp):
        return ok(name, f"Richtig: Pflicht ab dem Stichtag selbst („ab dem 1. Juli 2024“), "
                  f"mindestens {format_de(expected.mindestflaeche_pv_m2, 0)} m² Module "
                  f"(30 % der Nettodachfläche) oder {format_de(expected.alternative_mindestleistung_kwp, 0)} kWp.")
    if got.grund == "dacherneuerung_vor_stichtag":
        return hint(name, "Ihr Fall prüft ein privates Gebäude (Stichtag 2026). Das Gebäude "
                    "gehört der Stadt: `eigentum` = \"kommunal\".")
    if got.grund == "dacherneuerung_kommunal_vor_stichtag":
        return hint(name, "Das Datum liegt vor dem Stichtag. Die Arbeiten beginnen am "
                    "1. Juli 2024: `baubeginn` = \"2024-07-01\".")
    if got.grund.startswith(("neubau", "freistellung")):
        return hint(name, "Ihr Fall ist ein Neubau. Das Dach wird erneuert: `massnahme` = "
                    "\"dacherneuerung\".")
    flaeche = got.mindestflaeche_pv_m2
    if flaeche is not None and math.isclose(flaeche, 0.3 * KINDERGARTEN["bruttodachflaeche_m2"]):
        return hint(name, "Die Mindestfläche ist 30 % der Bruttodachfläche – bei einer "
                    "Dacherneuerung zählt aber die Nettodachfläche (240 m²).")
    if got.alternative_mindestleistung_kwp in (3.0, 4.0):
        return hint(name, "Die Mindestleistung passt zu einem Wohngebäude. Ein Kindergarten "
                    "ist ein Nichtwohngebäude: `gebaeudeart` = \"nichtwohngebaeude\".")
    return hint(name, "Noch nicht. Vergleichen Sie Ihren Fall Feld für Feld mit der "
                "Aufgabenbeschreibung (Eigentum, Datum, Flächen).")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """Buildings with a detected new solar array, new buildings included: ``mastr_abgleich``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "mastr_abgleich")
    if missing is not None:
        return missing
    try:
        got = sorted(str(v) for v in ns["mastr_abgleich"])
    except TypeError:
        return hint(name, "`mastr_abgleich` soll eine Liste von Gebäude-IDs sein, z. B. "
                    "`[\"G010\", \"G027\"]`.")
    erkannt = ns["erkannt"]
    expected = sorted(map(str, erkannt.index[erkannt["neue_solaranlage"]]))
    if got == expected:
        return ok(name, f"Richtig: {len(expected)} Gebäude mit neuer Solaranlage. Nur wenige "
                  "davon sind Neubauten – gerade kleine Dachanlagen fehlen oft im Register, "
                  "weil sie verfahrensfrei sind.")
    only_first = sorted(map(str, erkannt.index[erkannt["aenderung"] == "neue_solaranlage"]))
    if got == only_first and only_first != expected:
        return hint(name, "Es fehlen die Neubauten mit Anlage: Die Spalte `aenderung` nennt "
                    "nur die erste Änderungsart. Nutzen Sie die Spalte `neue_solaranlage` "
                    "(True/False).")
    if got and all(v.isdigit() for v in got) and not all(v.isdigit() for v in expected):
        return hint(name, "Das sind Zeilennummern, keine Gebäude-IDs. Nehmen Sie die Einträge "
                    f"des Index `erkannt.index[...]`, z. B. „{expected[0]}“.")
    if set(got) > set(expected):
        return hint(name, "Ihre Liste enthält Gebäude ohne erkannte neue Solaranlage, z. B. "
                    f"{sorted(set(got) - set(expected))[0]}. Filtern Sie mit "
                    "`erkannt[\"neue_solaranlage\"]`.")
    if got and set(got) < set(expected):
        return hint(name, f"Es fehlen Gebäude, z. B. {sorted(set(expected) - set(got))[0]}. "
                    "Nehmen Sie alle Gebäude, bei denen `neue_solaranlage` True ist.")
    return hint(name, "Noch nicht. Tipp: `list(erkannt.index[erkannt[\"neue_solaranlage\"]])`.")
