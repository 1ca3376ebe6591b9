"""Checks for the exercises of notebook 07 (Schadstoffwarnung)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.plume import max_ground_concentration


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Residents inside the outermost warning zone: ``betroffene_aussen``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "betroffene_aussen")
    if missing is not None:
        return missing
    population, zones = ns["stadt"].population, ns["zonen"]
    inside = population.within(zones.geometry.iloc[0])
    expected = int(round(float(population.loc[inside, "einwohner"].sum())))
    try:
        value = int(ns["betroffene_aussen"])
    except (TypeError, ValueError):
        return hint(name, "`betroffene_aussen` soll eine ganze Zahl (Personen) sein.")
    if value == expected:
        return ok(name, f"Richtig: {format_de(expected, 0)} Menschen leben in der äußersten "
                  "Zone – sie schließt die höheren Stufen ein.")
    per_zone = [int(round(float(population.loc[population.within(g), "einwohner"].sum())))
                for g in zones.geometry]
    if value == sum(per_zone):
        return hint(name, "Sie haben die Zonen addiert. Die Zonen liegen ineinander – so zählen "
                    "Sie Menschen doppelt. Nehmen Sie nur die äußerste Zone.")
    if value == int(inside.sum()):
        return hint(name, "Sie haben Rasterpunkte gezählt, nicht Menschen: summieren Sie die "
                    "Spalte `einwohner`.")
    if value in per_zone[1:]:
        return hint(name, "Das ist eine innere Zone. Gesucht ist die äußerste: "
                    "`zonen.geometry.iloc[0]`.")
    return hint(name, "Noch nicht. Tipp: `stadt.population.loc[stadt.population.within(zone), "
                "'einwohner'].sum()`.")


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """Ratio of the maximum ground concentration at doubled to single wind: ``verhaeltnis_wind``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "verhaeltnis_wind")
    if missing is not None:
        return missing
    try:
        value = float(ns["verhaeltnis_wind"])
    except (TypeError, ValueError):
        return hint(name, "`verhaeltnis_wind` soll eine Zahl sein (neu geteilt durch alt).")
    args = (ns["emission_g_s"], ns["wind_speed_m_s"], ns["release_height_m"], ns["stability"])
    single, _ = max_ground_concentration(*args, terrain=ns["terrain"])
    double, _ = max_ground_concentration(args[0], 2 * args[1], args[2], args[3],
                                         terrain=ns["terrain"])
    expected = double / single
    if math.isclose(value, expected, rel_tol=1e-6):
        return ok(name, f"Richtig: {format_de(expected, 2)}. Die Konzentration ist umgekehrt "
                  "proportional zur Windgeschwindigkeit: doppelter Wind verdünnt auf die Hälfte, "
                  "die Warnzonen werden kürzer und schmaler.")
    if math.isclose(value, 1 / expected, rel_tol=1e-6):
        return hint(name, "Sie haben alt durch neu geteilt. Gesucht ist neu / alt.")
    if math.isclose(value, 100 * expected, rel_tol=1e-6):
        return hint(name, "Das ist ein Prozentwert. Gesucht ist das Verhältnis als Zahl, z. B. "
                    "0,5 für „halb so viel“.")
    if any(math.isclose(value, factor * (expected - 1), rel_tol=1e-6) for factor in (1, 100)):
        return hint(name, "Das ist die relative Änderung ((neu − alt) / alt). Gesucht ist das "
                    "Verhältnis neu / alt.")
    if math.isclose(value, double - single, rel_tol=1e-6):
        return hint(name, "Das ist der Unterschied neu − alt in g/m³, kein Verhältnis. Teilen "
                    "Sie die neue Konzentration durch die alte.")
    return hint(name, "Noch nicht. Rechnen Sie `max_ground_concentration` mit "
                "`2 * wind_speed_m_s` und teilen Sie durch `c_max`.")
