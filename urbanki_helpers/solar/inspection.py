"""The inspection list (Prüfliste): detected roof changes joined with the permit register.

Two flights show what changed on the roofs; the permit register says what was reported and
whether the solar obligation applies. Joining both by building (``gebaeude_id``) finds

========================== == ==============================================================
``befund``                 P  meaning
========================== == ==============================================================
``pflicht_ohne_anlage``    1  the register says the obligation applies and the works began
                              before the second flight, but no solar array is visible in it
``aenderung_ohne_vorgang`` 2  a new building or a roof renewal is visible, but the register
                              has no procedure for the building; 3 if the key dates rule an
                              obligation out (:func:`possible_obligation`)
``pflicht_pruefen``        2  the rules need a human decision (lapse reason, § 42a Abs. 5)
``vorgang_ohne_aenderung`` 3  a new building or roof renewal was begun between the flights,
                              but the images show no change (not built yet, or missed)
``pflicht_nach_befliegung`` 3 the obligation applies, but the works begin after the second
                              flight: look again at the next flight
========================== == ==============================================================

New solar arrays and green roofs without a procedure are not listed: they need no permit in
NRW (§ 62 BauO NRW), and they do not trigger the obligation.

A listed building is a lead for a caseworker, **not a legal finding**: the images can be wrong
(shadows, a model's mistakes), the register can be incomplete, and the obligation may be met
in a way no image shows (solar thermal, a system on another roof, an exemption granted).
Dates are calendar days; areas in m².
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from urbanki_helpers.data.tables import require_frame
from urbanki_helpers.errors import ParameterError
from urbanki_helpers.solar.change import CHANGE_NAMES_DE
from urbanki_helpers.solar.rules import (
    STICHTAG_DACH,
    STICHTAG_DACH_KOMMUNAL,
    STICHTAG_NEUBAU_NWG,
    STICHTAG_NEUBAU_WG,
)

__all__ = ["FINDINGS", "INSPECTION_COLUMNS", "NOT_A_FINDING_DE", "inspection_list",
           "possible_obligation"]

#: Finding code → (priority, German text); 1 is the most urgent.
FINDINGS = {
    "pflicht_ohne_anlage": (1, "Solarpflicht laut Register, Arbeiten vor der zweiten Befliegung "
                               "begonnen, im Bild keine Solaranlage"),
    "aenderung_ohne_vorgang": (2, "Neubau oder Dacherneuerung im Bild, kein Vorgang im Register"),
    "pflicht_pruefen": (2, "Vorgang mit Prüfbedarf: ein Entfallgrund ist im Einzelfall zu "
                           "entscheiden"),
    "vorgang_ohne_aenderung": (3, "Vorgang zwischen den Befliegungen begonnen, im Bild keine "
                                  "Änderung"),
    "pflicht_nach_befliegung": (3, "Solarpflicht laut Register, Arbeiten erst nach der zweiten "
                                   "Befliegung: bei der nächsten Befliegung prüfen"),
}

NOT_A_FINDING_DE = (
    "Ein Eintrag in der Prüfliste ist ein Hinweis für die Sachbearbeitung, kein rechtlicher "
    "Befund: Bilder und Modell können sich irren, das Register kann unvollständig sein, und "
    "die Pflicht kann auf eine Weise erfüllt sein, die kein Luftbild zeigt (Solarthermie, "
    "Anlage auf einem anderen Dach, erteilte Befreiung). Vor jedem Schritt gegenüber "
    "Eigentümerinnen und Eigentümern: Akte und Ortsbesichtigung.")

#: Columns of :func:`inspection_list`, in order.
INSPECTION_COLUMNS = ("prioritaet", "gebaeude_id", "befund", "befund_text", "aenderung_de",
                      "score", "vorgang_id", "massnahme", "baubeginn", "pflicht", "grund",
                      "mindestflaeche_pv_m2", "alternative_mindestleistung_kwp",
                      "solarflaeche_b_m2", "hinweis")

_VISIBLE_KINDS = ("neubau", "dacherneuerung")  # changes that can trigger the obligation
_REGISTER_NEEDS = ("vorgang_id", "massnahme", "antragsdatum", "baubeginn")
_DECISION_NEEDS = ("vorgang_id", "pflicht", "grund", "mindestflaeche_pv_m2",
                   "alternative_mindestleistung_kwp")


def _de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _as_date(value, name: str) -> dt.date:
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError) as err:
        raise ParameterError(
            f"{name} must be a date (YYYY-MM-DD), got {value!r}.",
            message_de=f"{name} muss ein Datum sein (JJJJ-MM-TT), nicht {value!r}.") from err


def possible_obligation(kind: str, latest: dt.date | str) -> tuple[bool, str]:
    """Can a change of type ``kind`` (``neubau`` or ``dacherneuerung``) that was built or
    begun on or before ``latest`` (the second flight) fall under the obligation at all?

    The application of a new building is filed before it is built, so a building visible on
    ``latest`` was applied for before it. Returns ``(possible, German explanation)``.
    """
    latest = _as_date(latest, "latest")
    if kind == "neubau":
        if latest <= STICHTAG_NEUBAU_NWG:
            return False, (f"Bauantrag spätestens am {_de(latest)}: keine Pflicht möglich "
                           f"(Stichtage nach dem {_de(STICHTAG_NEUBAU_NWG)} bzw. "
                           f"{_de(STICHTAG_NEUBAU_WG)}, § 42a Abs. 1 BauO NRW).")
        if latest <= STICHTAG_NEUBAU_WG:
            return True, (f"Pflicht nur bei einem Nichtwohngebäude mit Bauantrag nach dem "
                          f"{_de(STICHTAG_NEUBAU_NWG)} (§ 42a Abs. 1 Nr. 1 BauO NRW); "
                          "Gebäudeart und Antragsdatum klären.")
        return True, (f"Pflicht bei Bauantrag nach dem {_de(STICHTAG_NEUBAU_NWG)} "
                      f"(Nichtwohngebäude) bzw. nach dem {_de(STICHTAG_NEUBAU_WG)} "
                      "(Wohngebäude), § 42a Abs. 1 BauO NRW; Gebäudeart und Antragsdatum "
                      "klären.")
    if kind == "dacherneuerung":
        if latest < STICHTAG_DACH_KOMMUNAL:
            return False, (f"Baubeginn spätestens am {_de(latest)}: keine Pflicht möglich "
                           f"(kommunale Gebäude ab dem {_de(STICHTAG_DACH_KOMMUNAL)}, "
                           f"andere nach dem {_de(STICHTAG_DACH)}, § 42a Abs. 3 BauO NRW).")
        if latest <= STICHTAG_DACH:
            return True, (f"Pflicht nur, wenn das Gebäude der Gemeinde gehört und die Arbeiten "
                          f"ab dem {_de(STICHTAG_DACH_KOMMUNAL)} begannen (§ 42a Abs. 3 Satz 2 "
                          "BauO NRW), und nur bei vollständiger Erneuerung der Dachhaut, nicht "
                          "bei einer Reparatur (§ 2 Abs. 5 SAN-VO NRW); Eigentum und Baubeginn "
                          "klären.")
        return True, (f"Pflicht bei Baubeginn nach dem {_de(STICHTAG_DACH)} (kommunale Gebäude "
                      f"ab dem {_de(STICHTAG_DACH_KOMMUNAL)}), § 42a Abs. 3 BauO NRW, und nur "
                      "bei vollständiger Erneuerung der Dachhaut (§ 2 Abs. 5 SAN-VO NRW); "
                      "Baubeginn und Umfang klären.")
    raise ParameterError(
        f"kind must be one of {', '.join(_VISIBLE_KINDS)}, got {kind!r}.",
        message_de=f"kind muss {' oder '.join(_VISIBLE_KINDS)} sein, nicht {kind!r}.")


def inspection_list(changes: pd.DataFrame, register: pd.DataFrame, decisions: pd.DataFrame, *,
                    flight_a, flight_b, solar_m2_b: pd.Series | None = None,
                    min_solar_m2: float = 6.0, id_column: str = "gebaeude_id") -> pd.DataFrame:
    """The prioritised inspection list (see the module docstring for the findings).

    ``changes``: one row per building of the image, indexed by building id, with the column
    ``aenderung`` (change type or None) and ``score`` (e.g. from
    :func:`~urbanki_helpers.solar.change.detect_changes`). ``register``: the valid procedures
    (``read_permits(...).valid``) with an ``id_column`` column linking a procedure to a
    building (empty for procedures outside the image; they are left out). ``decisions``: the
    result of :func:`~urbanki_helpers.solar.rules.check_register` for ``register``.
    ``flight_a`` / ``flight_b``: dates of the two flights. ``solar_m2_b``: solar area per
    building visible in the second flight (m²); a building with less than ``min_solar_m2``
    counts as having no array. Without it, a detected new solar array or new building counts
    as visible solar.

    Returns :data:`INSPECTION_COLUMNS`, sorted by priority, then score (highest first), then
    building id. ``attrs["counts"]`` holds the number of entries per finding.
    """
    require_frame(changes, "changes", ("aenderung", "score"), hint_en="Use detect_changes.",
                  hint_de="Nutzen Sie das Ergebnis von detect_changes.")
    require_frame(register, "register", (*_REGISTER_NEEDS, id_column),
                  hint_en=f"The column {id_column} links a procedure to a building.",
                  hint_de=f"Die Spalte {id_column} verknüpft einen Vorgang mit einem Gebäude im "
                  "Luftbild; ohne sie ist kein Abgleich möglich.")
    require_frame(decisions, "decisions", _DECISION_NEEDS, hint_en="Use check_register.",
                  hint_de="Nutzen Sie das Ergebnis von check_register.")
    day_a, day_b = _as_date(flight_a, "flight_a"), _as_date(flight_b, "flight_b")
    if day_b <= day_a:
        raise ParameterError(
            f"flight_b ({day_b}) must be later than flight_a ({day_a}).",
            message_de=f"Die zweite Befliegung ({_de(day_b)}) muss nach der ersten "
            f"({_de(day_a)}) liegen.")

    detected = changes["aenderung"].astype(object).where(changes["aenderung"].notna(), None)
    score = changes["score"].astype(float)
    if solar_m2_b is None:
        solar = pd.Series(np.where(detected.isin(["neue_solaranlage", "neubau"]), np.inf, 0.0),
                          index=changes.index)
    else:
        solar = pd.Series(solar_m2_b, dtype=float).reindex(changes.index)
    procedures = register.merge(decisions[list(_DECISION_NEEDS)], on="vorgang_id", how="left",
                                validate="one_to_one")
    ids = procedures[id_column].astype(object)
    procedures = procedures[ids.notna() & (ids.astype(str).str.strip() != "")].copy()
    procedures[id_column] = procedures[id_column].astype(str).str.strip()
    unknown = sorted(set(procedures[id_column]) - set(map(str, changes.index)))

    rows = []

    def add(code: str, building: str, proc=None, hinweis: str = "", priority=None) -> None:
        default_priority, text = FINDINGS[code]
        kind = detected.get(building)
        rows.append({
            "prioritaet": priority or default_priority, "gebaeude_id": building, "befund": code,
            "befund_text": text, "aenderung_de": CHANGE_NAMES_DE.get(kind, "") if kind else "",
            "score": float(score.get(building, np.nan)),
            "vorgang_id": None if proc is None else proc["vorgang_id"],
            "massnahme": None if proc is None else proc["massnahme"],
            "baubeginn": None if proc is None else proc["baubeginn"],
            "pflicht": None if proc is None else proc["pflicht"],
            "grund": None if proc is None else proc["grund"],
            "mindestflaeche_pv_m2": np.nan if proc is None else proc["mindestflaeche_pv_m2"],
            "alternative_mindestleistung_kwp":
                np.nan if proc is None else proc["alternative_mindestleistung_kwp"],
            "solarflaeche_b_m2": float(solar.get(building, np.nan)),
            "hinweis": hinweis})

    before_b = {}
    for proc in procedures.to_dict("records"):
        building = proc[id_column]
        start = _day_or_none(proc["baubeginn"])
        filed = _day_or_none(proc["antragsdatum"])
        decisive = start or filed
        if decisive is not None and decisive <= day_b:
            before_b.setdefault(building, []).append(proc)
        if building in unknown:
            continue
        if proc["pflicht"] == "pruefen":
            add("pflicht_pruefen", building, proc)
        elif proc["pflicht"] == "ja":
            if start is not None and start <= day_b:
                area = solar.get(building, np.nan)
                if not (area >= min_solar_m2):
                    add("pflicht_ohne_anlage", building, proc,
                        f"Baubeginn {_de(start)}, Befliegung {_de(day_b)}: im Bild "
                        f"{_area_text(area)} Solarfläche. Sind die Arbeiten abgeschlossen?")
            else:
                when = f"Baubeginn {_de(start)}" if start else "Baubeginn noch nicht gemeldet"
                add("pflicht_nach_befliegung", building, proc,
                    f"{when}, Befliegung {_de(day_b)}.")
        if proc["massnahme"] in _VISIBLE_KINDS and start is not None and day_a < start <= day_b \
                and detected.get(building) is None:
            add("vorgang_ohne_aenderung", building, proc,
                f"{proc['massnahme']} mit Baubeginn {_de(start)} zwischen den Befliegungen, im "
                "Bild keine Änderung: noch nicht gebaut, oder die Erkennung hat sie übersehen.")

    for building, kind in detected.items():
        if kind in _VISIBLE_KINDS and str(building) not in before_b:
            possible, text = possible_obligation(kind, day_b)
            add("aenderung_ohne_vorgang", str(building), None, text,
                priority=None if possible else 3)

    table = pd.DataFrame(rows, columns=list(INSPECTION_COLUMNS))
    table = table.sort_values(["prioritaet", "score", "gebaeude_id"],
                              ascending=[True, False, True], kind="stable", ignore_index=True)
    table["prioritaet"] = table["prioritaet"].astype("int64")
    table.attrs["counts"] = {code: int((table["befund"] == code).sum()) for code in FINDINGS}
    table.attrs["notes"] = ([f"{len(unknown)} Vorgang/Vorgänge nennen Gebäude, die es im Bild "
                             f"nicht gibt: {', '.join(unknown[:10])}."] if unknown else [])
    return table


def _day_or_none(value) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _area_text(area: float) -> str:
    if area is None or not np.isfinite(area):
        return "keine bewertbare"
    return f"{area:.1f} m²".replace(".", ",")
