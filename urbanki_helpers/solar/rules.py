"""Rules of the NRW solar obligation (Solarpflicht) for one building procedure.

Legal basis (texts as published, checked for this module):

- **§ 42a BauO NRW 2018** (in force since 1 January 2024):

  - Abs. 1 Satz 1: new buildings whose Bauantrag is filed "nach dem 1. Januar 2024" (Nr. 1,
    non-residential) or "nach dem 1. Januar 2025" (Nr. 2, residential) must install and operate
    PV on the suitable roof areas. Satz 2: for procedures under § 63 (Genehmigungsfreistellung)
    the start of construction (Baubeginn) after these dates counts. Satz 3: local building
    regulations or a Bebauungsplan take precedence (not modelled here).
  - Abs. 2: Landesliegenschaften "möglichst bis zum 31. Dezember 2025" – an aim of the Land,
    not a case-by-case obligation; reported as a note only.
  - Abs. 3: complete renewal of the roof skin (Dachhaut) begun "nach dem 1. Januar 2026"
    (Satz 1); for buildings owned by municipalities "ab dem 1. Juli 2024" (Satz 2).
  - Abs. 4: not applicable to buildings with a Nutzfläche of up to 50 m² (Nr. 1), Behelfsbauten
    and untergeordnete Gebäude (Nr. 2) and Fliegende Bauten (Nr. 3).
  - Abs. 5: the obligation lapses where it conflicts with other public-law duties, is
    technically impossible in the individual case or economically not justifiable.

- **SAN-VO NRW** (Solaranlagen-Verordnung of 6 June 2024, in force since 19 June 2024):

  - § 2 Abs. 4: Nettodachfläche = Bruttodachfläche minus the parts unusable because of shading,
    roof structures, roof windows, other roof uses or northern orientation (ENE to WNW).
  - § 2 Abs. 5: complete renewal = the sealing or the covering is completely renewed; works
    only to repair damage that occurred at short notice are excluded (Satz 2).
  - § 2 Abs. 6 Nr. 1: unsuitable roofs: structurally unsuitable, covered with thatch, straw or
    wood, or with translucent material.
  - § 4 Abs. 1: new buildings: PV on at least 30 % of the Bruttodachfläche (no kWp alternative).
  - § 4 Abs. 2: roof renewals: at least 30 % of the Nettodachfläche, or alternatively an
    installed capacity of at least 3 kWp (residential, at most 2 dwellings), 4 kWp (3 to 5
    dwellings) or 8 kWp (6 to 10 dwellings, and non-residential buildings). The text names no
    value for residential buildings with more than 10 dwellings: only the 30 % rule applies.
  - § 4 Abs. 3: the obligation is capped at the capacity that gets the statutory EEG payment
    without a tender (not modelled).

Boundary dates: the law says "nach dem 1. Januar 2024 … gestellt" and "nach dem 1. Januar
2026 begonnen". This module reads them literally: the key date itself does **not** trigger
the obligation (an application filed on 1 January 2024 – a public holiday – is not covered;
one filed on 2 January 2024 is). The municipal roof rule says "ab dem 1. Juli 2024": that
day is included. A case exactly on a key date gets a note, so a caseworker who follows a
different reading sees it.

Order of the checks (the first that applies decides):

1. validity of the input (:func:`validate_case`; invalid input raises
   :class:`~urbanki_helpers.errors.DataError`);
2. not applicable (§ 42a Abs. 4): Fliegender Bau, Behelfsbau, untergeordnetes Gebäude,
   Nutzfläche ≤ 50 m² → ``nein``;
3. measure: repair of sudden damage (SAN-VO § 2 Abs. 5 Satz 2) → ``nein``;
4. date: key date of the measure not reached → ``nein``;
5. lapse reasons (§ 42a Abs. 5, SAN-VO § 2 Abs. 6): Denkmalschutz, technically impossible,
   economically unreasonable, unsuitable roof → ``pruefen`` (a person decides; the minimum
   size that applies if the reason does not hold is still given);
6. minimum size (SAN-VO § 4) → ``ja`` with ``mindestflaeche_pv_m2`` (m²) and, for roof
   renewals, ``alternative_mindestleistung_kwp`` (kWp).

This is a teaching aid: it does not replace the decision of the building authority.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError

__all__ = [
    "BESONDERHEITEN",
    "DATUM_MAX",
    "DATUM_MIN",
    "DECISION_COLUMNS",
    "EIGENTUM",
    "GEBAEUDEARTEN",
    "KWP_NICHTWOHNGEBAEUDE",
    "KWP_WOHNGEBAEUDE",
    "LANDESLIEGENSCHAFTEN_ZIEL",
    "MASSNAHMEN",
    "MINDESTANTEIL_DACH",
    "NUTZFLAECHE_GRENZE_M2",
    "REASONS",
    "SAN_VO_IN_KRAFT",
    "STICHTAG_DACH",
    "STICHTAG_DACH_KOMMUNAL",
    "STICHTAG_NEUBAU_NWG",
    "STICHTAG_NEUBAU_WG",
    "VERFAHREN",
    "Decision",
    "Reason",
    "check_case",
    "check_register",
    "reasons_table",
    "validate_case",
]

#: Bauantrag for a non-residential building filed strictly after this day (§ 42a Abs. 1 Nr. 1).
STICHTAG_NEUBAU_NWG = dt.date(2024, 1, 1)
#: Bauantrag for a residential building filed strictly after this day (§ 42a Abs. 1 Nr. 2).
STICHTAG_NEUBAU_WG = dt.date(2025, 1, 1)
#: Roof renewal begun strictly after this day (§ 42a Abs. 3 Satz 1).
STICHTAG_DACH = dt.date(2026, 1, 1)
#: Roof renewal of a municipal building begun on or after this day (§ 42a Abs. 3 Satz 2).
STICHTAG_DACH_KOMMUNAL = dt.date(2024, 7, 1)
#: Aim for the Land's own buildings ("möglichst bis", § 42a Abs. 2): a note, no decision.
LANDESLIEGENSCHAFTEN_ZIEL = dt.date(2025, 12, 31)
#: SAN-VO NRW in force (minimum sizes of § 4).
SAN_VO_IN_KRAFT = dt.date(2024, 6, 19)
#: Share of the gross (new building) or net (renewal) roof area to cover (SAN-VO § 4).
MINDESTANTEIL_DACH = 0.30
#: Buildings with a Nutzfläche up to and including this value are exempt (§ 42a Abs. 4 Nr. 1), m².
NUTZFLAECHE_GRENZE_M2 = 50.0
#: Alternative minimum capacity for roof renewals of residential buildings (SAN-VO § 4 Abs. 2):
#: (largest number of dwellings of the band, kWp). Above 10 dwellings the text names none.
KWP_WOHNGEBAEUDE = ((2, 3.0), (5, 4.0), (10, 8.0))
#: Alternative minimum capacity for roof renewals of non-residential buildings, kWp.
KWP_NICHTWOHNGEBAEUDE = 8.0
#: Plausible range of dates in a permit register; dates outside are input errors.
DATUM_MIN = dt.date(1900, 1, 1)
DATUM_MAX = dt.date(2099, 12, 31)

GEBAEUDEARTEN = ("wohngebaeude", "nichtwohngebaeude")
MASSNAHMEN = ("neubau", "dacherneuerung", "reparatur")
VERFAHREN = ("bauantrag", "freistellung")
EIGENTUM = ("privat", "kommunal", "land")
#: § 42a Abs. 4: the rules do not apply.
NICHT_ANWENDBAR = ("fliegender_bau", "behelfsbau", "untergeordnet")
#: § 42a Abs. 5 and SAN-VO § 2 Abs. 6: a person has to decide.
ENTFALLGRUENDE = ("denkmalschutz", "technisch_unmoeglich", "wirtschaftlich_unzumutbar",
                  "dach_ungeeignet")
BESONDERHEITEN = (*NICHT_ANWENDBAR, *ENTFALLGRUENDE)

#: Columns of :func:`check_register`'s result, in order.
DECISION_COLUMNS = ("vorgang_id", "pflicht", "grund", "rechtsgrundlage", "mindestflaeche_pv_m2",
                    "alternative_mindestleistung_kwp", "grund_text", "hinweise")


@dataclass(frozen=True)
class Reason:
    """One reason code: outcome, German explanation and legal reference."""

    pflicht: str
    text: str
    rechtsgrundlage: str


REASONS: dict[str, Reason] = {
    "fliegender_bau": Reason(
        "nein", "Fliegender Bau: Die Solarpflicht gilt nicht für Fliegende Bauten.",
        "§ 42a Abs. 4 Nr. 3 BauO NRW"),
    "behelfsbau": Reason(
        "nein", "Behelfsbau: Die Solarpflicht gilt nicht für Behelfsbauten.",
        "§ 42a Abs. 4 Nr. 2 BauO NRW"),
    "untergeordnet": Reason(
        "nein", "Untergeordnetes Gebäude (z. B. Garage, Gartenhaus): Die Solarpflicht gilt "
        "nicht.", "§ 42a Abs. 4 Nr. 2 BauO NRW"),
    "nutzflaeche_bis_50": Reason(
        "nein", "Nutzfläche bis 50 m²: Die Solarpflicht gilt nicht.",
        "§ 42a Abs. 4 Nr. 1 BauO NRW"),
    "reparatur": Reason(
        "nein", "Reparatur eines kurzfristig eingetretenen Schadens: keine vollständige "
        "Erneuerung der Dachhaut, daher keine Solarpflicht.", "§ 2 Abs. 5 Satz 2 SAN-VO NRW"),
    "neubau_nwg_vor_stichtag": Reason(
        "nein", "Neubau eines Nichtwohngebäudes, Bauantrag nicht nach dem 1. Januar 2024 "
        "gestellt: keine Solarpflicht.", "§ 42a Abs. 1 Satz 1 Nr. 1 BauO NRW"),
    "neubau_nwg_nach_stichtag": Reason(
        "ja", "Neubau eines Nichtwohngebäudes, Bauantrag nach dem 1. Januar 2024 gestellt: "
        "Solaranlage auf den geeigneten Dachflächen installieren und betreiben.",
        "§ 42a Abs. 1 Satz 1 Nr. 1 BauO NRW"),
    "neubau_wg_vor_stichtag": Reason(
        "nein", "Neubau eines Wohngebäudes, Bauantrag nicht nach dem 1. Januar 2025 gestellt: "
        "keine Solarpflicht.", "§ 42a Abs. 1 Satz 1 Nr. 2 BauO NRW"),
    "neubau_wg_nach_stichtag": Reason(
        "ja", "Neubau eines Wohngebäudes, Bauantrag nach dem 1. Januar 2025 gestellt: "
        "Solaranlage auf den geeigneten Dachflächen installieren und betreiben.",
        "§ 42a Abs. 1 Satz 1 Nr. 2 BauO NRW"),
    "freistellung_nwg_vor_stichtag": Reason(
        "nein", "Neubau eines Nichtwohngebäudes in der Genehmigungsfreistellung (§ 63 BauO NRW), "
        "Baubeginn nicht nach dem 1. Januar 2024: keine Solarpflicht.",
        "§ 42a Abs. 1 Satz 2 i. V. m. Satz 1 Nr. 1 BauO NRW"),
    "freistellung_nwg_nach_stichtag": Reason(
        "ja", "Neubau eines Nichtwohngebäudes in der Genehmigungsfreistellung (§ 63 BauO NRW), "
        "Baubeginn nach dem 1. Januar 2024: Solaranlage installieren und betreiben.",
        "§ 42a Abs. 1 Satz 2 i. V. m. Satz 1 Nr. 1 BauO NRW"),
    "freistellung_wg_vor_stichtag": Reason(
        "nein", "Neubau eines Wohngebäudes in der Genehmigungsfreistellung (§ 63 BauO NRW), "
        "Baubeginn nicht nach dem 1. Januar 2025: keine Solarpflicht.",
        "§ 42a Abs. 1 Satz 2 i. V. m. Satz 1 Nr. 2 BauO NRW"),
    "freistellung_wg_nach_stichtag": Reason(
        "ja", "Neubau eines Wohngebäudes in der Genehmigungsfreistellung (§ 63 BauO NRW), "
        "Baubeginn nach dem 1. Januar 2025: Solaranlage installieren und betreiben.",
        "§ 42a Abs. 1 Satz 2 i. V. m. Satz 1 Nr. 2 BauO NRW"),
    "dacherneuerung_vor_stichtag": Reason(
        "nein", "Vollständige Erneuerung der Dachhaut, nicht nach dem 1. Januar 2026 begonnen: "
        "keine Solarpflicht.", "§ 42a Abs. 3 Satz 1 BauO NRW"),
    "dacherneuerung_nach_stichtag": Reason(
        "ja", "Vollständige Erneuerung der Dachhaut, nach dem 1. Januar 2026 begonnen: "
        "Solaranlage installieren und betreiben.", "§ 42a Abs. 3 Satz 1 BauO NRW"),
    "dacherneuerung_kommunal_vor_stichtag": Reason(
        "nein", "Vollständige Erneuerung der Dachhaut eines kommunalen Gebäudes, vor dem "
        "1. Juli 2024 begonnen: keine Solarpflicht.", "§ 42a Abs. 3 Satz 2 BauO NRW"),
    "dacherneuerung_kommunal_ab_stichtag": Reason(
        "ja", "Vollständige Erneuerung der Dachhaut eines kommunalen Gebäudes, ab dem 1. Juli "
        "2024 begonnen: Solaranlage installieren und betreiben.",
        "§ 42a Abs. 3 Satz 2 BauO NRW"),
    "denkmalschutz": Reason(
        "pruefen", "Denkmalschutz: Die Pflicht entfällt, soweit sie anderen öffentlich-"
        "rechtlichen Pflichten widerspricht. Nach OVG NRW (Urteil vom 27.11.2024, 10 A 2281/23) "
        "hat der Ausbau erneuerbarer Energien in der denkmalrechtlichen Abwägung in der Regel "
        "Vorrang – Einzelfall prüfen.", "§ 42a Abs. 5 BauO NRW"),
    "technisch_unmoeglich": Reason(
        "pruefen", "Erfüllung laut Angabe technisch unmöglich: Die Pflicht entfällt nur, soweit "
        "das im Einzelfall zutrifft – Nachweis prüfen.", "§ 42a Abs. 5 BauO NRW"),
    "wirtschaftlich_unzumutbar": Reason(
        "pruefen", "Erfüllung laut Angabe wirtschaftlich nicht vertretbar: Die Pflicht entfällt "
        "nur, soweit das zutrifft – Nachweis prüfen.", "§ 42a Abs. 5 BauO NRW"),
    "dach_ungeeignet": Reason(
        "pruefen", "Dach laut Angabe für Photovoltaik ungeeignet (konstruktiv ungeeignet, mit "
        "Reet, Stroh oder Holz oder mit lichtdurchlässigem Material gedeckt): Die Pflicht gilt "
        "nur für geeignete Dachflächen – prüfen.",
        "§ 42a Abs. 1 Satz 1 BauO NRW; § 2 Abs. 6 Nr. 1 SAN-VO NRW"),
}


@dataclass
class Decision:
    """Outcome of :func:`check_case`.

    ``pflicht`` is ``"ja"``, ``"nein"`` or ``"pruefen"`` (a person decides); ``grund`` a key of
    :data:`REASONS`; ``mindestflaeche_pv_m2`` the minimum PV module area in m² (30 % of the
    gross roof area for new buildings, of the net roof area for renewals; also given for
    ``pruefen``, as the size that applies if the reason does not hold; ``None`` where not
    applicable or not computable); ``alternative_mindestleistung_kwp`` the alternative minimum
    capacity in kWp (roof renewals only).
    """

    pflicht: str
    grund: str
    grund_text: str
    rechtsgrundlage: str
    mindestflaeche_pv_m2: float | None = None
    alternative_mindestleistung_kwp: float | None = None
    hinweise: list[str] = field(default_factory=list)


def reasons_table() -> pd.DataFrame:
    """:data:`REASONS` as a table: ``grund``, ``pflicht``, ``grund_text``, ``rechtsgrundlage``."""
    return pd.DataFrame(
        [(code, r.pflicht, r.text, r.rechtsgrundlage) for code, r in REASONS.items()],
        columns=["grund", "pflicht", "grund_text", "rechtsgrundlage"],
    )


# --------------------------------------------------------------------------- input

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_NUMBER = {
    ",": re.compile(r"[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?"),
    ".": re.compile(r"[+-]?\d+(?:\.\d+)?"),
}
_CATEGORIES = (("gebaeudeart", GEBAEUDEARTEN, True), ("massnahme", MASSNAHMEN, True),
               ("verfahren", VERFAHREN, True), ("eigentum", EIGENTUM, True),
               ("besonderheit", BESONDERHEITEN, False))
_AREAS = ("nutzflaeche_m2", "bruttodachflaeche_m2", "nettodachflaeche_m2")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _shown(value: object) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def _fmt(value: float) -> str:
    """German number: 1234.5 → '1234,5'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _de(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def _parse_date(value: object) -> dt.date | None:
    """A date from ISO text (JJJJ-MM-TT), German text (TT.MM.JJJJ) or a date object; None if
    it is no date (including impossible ones such as 2025-02-30)."""
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _ISO_DATE.fullmatch(text):
        y, m, d = (int(g) for g in match.groups())
    elif match := _GERMAN_DATE.fullmatch(text):
        d, m, y = (int(g) for g in match.groups())
    else:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _parse_number(value: object, decimal: str | None) -> float | None:
    """A finite float from a number or text (decimal comma or point); None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if decimal is None:  # guess per value: a comma is a decimal comma
        decimal = "," if "," in text else "."
    if not _NUMBER[decimal].fullmatch(text):
        return None
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    return float(text)


def validate_case(case: Mapping, *, decimal: str | None = None,
                  stand: dt.date | str | None = None) -> tuple[dict, list[str]]:
    """Parse one procedure; return ``(values, problems)``.

    ``values`` has the keys of the register (categories lowercased, dates as
    :class:`datetime.date`, areas in m² as float, ``wohneinheiten`` as int; missing values as
    ``None``; ``vorgang_id`` as text). ``problems`` lists what makes the case unusable, in
    German (empty if it is valid). Values may be text as in a CSV file (``decimal`` is the
    decimal mark, ``None`` accepts both) or already parsed. Dates before :data:`DATUM_MIN`,
    after :data:`DATUM_MAX` or after ``stand`` (the date of the register extract) are errors.
    """
    problems: list[str] = []
    out: dict = {}
    raw_id = case.get("vorgang_id")
    out["vorgang_id"] = None if _missing(raw_id) else str(raw_id).strip()

    for col, allowed, required in _CATEGORIES:
        raw = case.get(col)
        if _missing(raw):
            out[col] = None
            if required:
                problems.append(f"{col} fehlt (erlaubt: {', '.join(allowed)})")
            continue
        value = str(raw).strip().lower()
        if value not in allowed:
            problems.append(f"{col}: unbekannter Wert {_shown(raw)} (erlaubt: "
                            f"{', '.join(allowed)}{'' if required else ' oder leer'})")
            value = None
        out[col] = value

    latest = DATUM_MAX
    if stand is not None:
        parsed_stand = _parse_date(stand)
        if parsed_stand is None:
            raise DataError(f"stand {stand!r} is not a date (YYYY-MM-DD).",
                            message_de=f"stand {stand!r} ist kein Datum (JJJJ-MM-TT).")
        latest = min(latest, parsed_stand)
    for col in ("antragsdatum", "baubeginn"):
        raw = case.get(col)
        out[col] = None
        if _missing(raw):
            continue
        day = _parse_date(raw)
        if day is None:
            problems.append(f"{col}: {_shown(raw)} ist kein gültiges Datum (erwartet "
                            "JJJJ-MM-TT, z. B. 2025-02-28)")
        elif day < DATUM_MIN or day > DATUM_MAX:
            problems.append(f"{col}: {_shown(raw)} liegt außerhalb des plausiblen Bereichs "
                            f"{_de(DATUM_MIN)} bis {_de(DATUM_MAX)}")
        elif day > latest:
            problems.append(f"{col}: {_shown(raw)} liegt nach dem Stand des Registers "
                            f"({_de(latest)})")
        else:
            out[col] = day

    for col in _AREAS:
        raw = case.get(col)
        out[col] = None
        if _missing(raw):
            continue
        number = _parse_number(raw, decimal)
        if number is None:
            problems.append(f"{col}: {_shown(raw)} ist keine Zahl (Fläche in m², z. B. 120,5)")
        elif number < 0:
            problems.append(f"{col}: {_shown(raw)} ist negativ (Fläche in m²)")
        else:
            out[col] = number
    brutto, netto = out["bruttodachflaeche_m2"], out["nettodachflaeche_m2"]
    if brutto is not None and netto is not None and netto > brutto:
        problems.append(f"nettodachflaeche_m2 ({_fmt(netto)} m²) ist größer als "
                        f"bruttodachflaeche_m2 ({_fmt(brutto)} m²)")

    raw = case.get("wohneinheiten")
    out["wohneinheiten"] = None
    if not _missing(raw):
        number = _parse_number(raw, decimal)
        if number is None or number != int(number):
            problems.append(f"wohneinheiten: {_shown(raw)} ist keine ganze Zahl")
        elif number < 0:
            problems.append(f"wohneinheiten: {_shown(raw)} ist negativ")
        elif number == 0 and out["gebaeudeart"] == "wohngebaeude":
            problems.append("wohneinheiten: 0 bei einem Wohngebäude (mindestens 1)")
        else:
            out["wohneinheiten"] = int(number)

    problems += _missing_required(case, out)
    return out, problems


def _missing_required(case: Mapping, out: dict) -> list[str]:
    """Values the decision needs but which are empty (not: unparseable, reported already)."""
    problems = []
    massnahme, verfahren = out["massnahme"], out["verfahren"]
    if (massnahme == "neubau" and verfahren == "bauantrag"
            and _missing(case.get("antragsdatum"))):
        problems.append("antragsdatum fehlt (bei einem Neubau mit Bauantrag maßgeblich, "
                        "§ 42a Abs. 1 Satz 1 BauO NRW)")
    if _missing(case.get("baubeginn")):
        if massnahme == "dacherneuerung":
            problems.append("baubeginn fehlt (bei einer Dacherneuerung maßgeblich, "
                            "§ 42a Abs. 3 BauO NRW)")
        elif verfahren == "freistellung":
            problems.append("baubeginn fehlt (bei der Genehmigungsfreistellung maßgeblich, "
                            "§ 42a Abs. 1 Satz 2 BauO NRW)")
    if (massnahme in ("neubau", "dacherneuerung") and out["besonderheit"] not in NICHT_ANWENDBAR
            and _missing(case.get("nutzflaeche_m2"))):
        problems.append("nutzflaeche_m2 fehlt (nötig für die 50-m²-Grenze, "
                        "§ 42a Abs. 4 Nr. 1 BauO NRW)")
    return problems


# --------------------------------------------------------------------------- decision


def check_case(case: Mapping) -> Decision:
    """Decide whether the solar obligation applies to one procedure.

    ``case`` holds the columns of the permit register (see
    :mod:`urbanki_helpers.solar.permits`), as text or parsed values. The checks run in the
    order given in the module docstring. Raises :class:`~urbanki_helpers.errors.DataError`
    (German message listing every problem) if the case is invalid.
    """
    values, problems = validate_case(case)
    if problems:
        name = f"Vorgang {values['vorgang_id']}" if values["vorgang_id"] else "Vorgang"
        raise DataError(
            f"{name} cannot be checked: {'; '.join(problems)}.",
            message_de=f"{name} kann nicht geprüft werden: {'; '.join(problems)}.",
        )
    return _decide(values)


def _decision(code: str, hinweise: list[str], *, rechtsgrundlage: str | None = None,
              flaeche: float | None = None, kwp: float | None = None) -> Decision:
    reason = REASONS[code]
    return Decision(reason.pflicht, code, reason.text, rechtsgrundlage or reason.rechtsgrundlage,
                    flaeche, kwp, hinweise)


def _decide(c: dict) -> Decision:
    hinweise: list[str] = []
    if c["eigentum"] == "land":
        hinweise.append(
            "Landesliegenschaft: Nach § 42a Abs. 2 BauO NRW sollen auf geeigneten Dachflächen "
            f"möglichst bis zum {_de(LANDESLIEGENSCHAFTEN_ZIEL)} Solaranlagen installiert "
            "werden (Zielvorgabe, keine Einzelfallpflicht); die Entscheidung hier bleibt davon "
            "unberührt.")

    # 2. not applicable (§ 42a Abs. 4)
    if c["besonderheit"] in NICHT_ANWENDBAR:
        return _decision(c["besonderheit"], hinweise)
    nutzflaeche = c["nutzflaeche_m2"]
    if nutzflaeche is not None and nutzflaeche <= NUTZFLAECHE_GRENZE_M2:
        hinweise.append(f"Nutzfläche {_fmt(nutzflaeche)} m² (Grenze: bis "
                        f"{_fmt(NUTZFLAECHE_GRENZE_M2)} m² keine Pflicht).")
        return _decision("nutzflaeche_bis_50", hinweise)

    # 3. measure
    if c["massnahme"] == "reparatur":
        return _decision("reparatur", hinweise)

    # 4. date
    code, applies = _date_rule(c, hinweise)
    if not applies:
        return _decision(code, hinweise)

    # 6. (computed before 5, which reuses it) minimum size
    flaeche, kwp, basis = _minimum(c, hinweise)
    rechtsgrundlage = f"{REASONS[code].rechtsgrundlage}; {basis}"

    # 5. lapse reasons (§ 42a Abs. 5; SAN-VO § 2 Abs. 6)
    if c["besonderheit"] in ENTFALLGRUENDE:
        hinweise.insert(0, f"Ohne diesen Grund bestünde die Pflicht: {REASONS[code].text} "
                           f"({rechtsgrundlage})")
        return _decision(c["besonderheit"], hinweise, flaeche=flaeche, kwp=kwp)
    return _decision(code, hinweise, rechtsgrundlage=rechtsgrundlage, flaeche=flaeche, kwp=kwp)


def _date_rule(c: dict, hinweise: list[str]) -> tuple[str, bool]:
    """Reason code of the date check and whether the obligation applies by date."""
    if c["massnahme"] == "neubau":
        nwg = c["gebaeudeart"] == "nichtwohngebaeude"
        key = STICHTAG_NEUBAU_NWG if nwg else STICHTAG_NEUBAU_WG
        kind = "nwg" if nwg else "wg"
        if c["verfahren"] == "freistellung":
            day, what, prefix = c["baubeginn"], "Baubeginn", "freistellung"
        else:
            day, what, prefix = c["antragsdatum"], "Bauantrag", "neubau"
            if c["baubeginn"] is not None and c["baubeginn"] < day:
                hinweise.append("Baubeginn liegt vor dem Antragsdatum – Daten prüfen.")
        applies = day > key  # "nach dem 1. Januar …": the key date itself is not included
        hinweise.append(f"Maßgeblich: {what} am {_de(day)} (Pflicht, wenn nach dem {_de(key)}).")
        if day == key:
            hinweise.append(f"Das Datum fällt genau auf den Stichtag {_de(key)}; nach dem Wortlaut "
                            "(„nach dem“) besteht keine Pflicht.")
        if applies and nwg and c["verfahren"] == "bauantrag" and day < SAN_VO_IN_KRAFT:
            hinweise.append(f"Bauantrag vor Inkrafttreten der SAN-VO NRW ({_de(SAN_VO_IN_KRAFT)}):"
                            " ob die Mindestgröße nach § 4 SAN-VO NRW gilt, im Einzelfall klären.")
        return f"{prefix}_{kind}_{'nach' if applies else 'vor'}_stichtag", applies

    day = c["baubeginn"]  # dacherneuerung
    if c["eigentum"] == "kommunal":
        applies = day >= STICHTAG_DACH_KOMMUNAL  # "ab dem 1. Juli 2024": included
        hinweise.append(f"Maßgeblich: Baubeginn am {_de(day)} (kommunales Gebäude: Pflicht ab "
                        f"dem {_de(STICHTAG_DACH_KOMMUNAL)}).")
        if day == STICHTAG_DACH_KOMMUNAL:
            hinweise.append(f"Das Datum fällt genau auf den Stichtag {_de(STICHTAG_DACH_KOMMUNAL)};"
                            " nach dem Wortlaut („ab dem“) besteht die Pflicht.")
        return f"dacherneuerung_kommunal_{'ab' if applies else 'vor'}_stichtag", applies
    applies = day > STICHTAG_DACH
    hinweise.append(f"Maßgeblich: Baubeginn am {_de(day)} (Pflicht, wenn nach dem "
                    f"{_de(STICHTAG_DACH)}).")
    if day == STICHTAG_DACH:
        hinweise.append(f"Das Datum fällt genau auf den Stichtag {_de(STICHTAG_DACH)}; nach dem "
                        "Wortlaut („nach dem“) besteht keine Pflicht.")
    return f"dacherneuerung_{'nach' if applies else 'vor'}_stichtag", applies


def _minimum(c: dict, hinweise: list[str]) -> tuple[float | None, float | None, str]:
    """Minimum PV area (m²), alternative capacity (kWp) and the SAN-VO reference."""
    if c["massnahme"] == "neubau":
        brutto = c["bruttodachflaeche_m2"]
        if brutto is None:
            hinweise.append("Bruttodachfläche fehlt – nachfordern (Mindestfläche = 30 % der "
                            "Bruttodachfläche, § 4 Abs. 1 SAN-VO NRW).")
            return None, None, "§ 4 Abs. 1 SAN-VO NRW"
        return round(MINDESTANTEIL_DACH * brutto, 2), None, "§ 4 Abs. 1 SAN-VO NRW"

    netto = c["nettodachflaeche_m2"]
    flaeche = None
    if netto is None:
        hinweise.append("Nettodachfläche fehlt – nachfordern (Mindestfläche = 30 % der "
                        "Nettodachfläche, § 4 Abs. 2 SAN-VO NRW).")
    else:
        flaeche = round(MINDESTANTEIL_DACH * netto, 2)
    if c["gebaeudeart"] == "nichtwohngebaeude":
        return flaeche, KWP_NICHTWOHNGEBAEUDE, "§ 4 Abs. 2 Satz 1 und Satz 2 Nr. 3 SAN-VO NRW"
    units = c["wohneinheiten"]
    if units is None:
        hinweise.append("Wohneinheiten fehlen – die alternative Mindestleistung nach § 4 Abs. 2 "
                        "SAN-VO NRW ist nicht bestimmbar; nachfordern.")
        return flaeche, None, "§ 4 Abs. 2 SAN-VO NRW"
    for nr, (most, kwp) in enumerate(KWP_WOHNGEBAEUDE, start=1):
        if units <= most:
            return flaeche, kwp, f"§ 4 Abs. 2 Satz 1 und Satz 2 Nr. {nr} SAN-VO NRW"
    hinweise.append(f"{units} Wohneinheiten: Für Wohngebäude mit mehr als 10 Wohneinheiten "
                    "nennt § 4 Abs. 2 SAN-VO NRW keine Mindestleistung; es gilt nur die "
                    "Mindestfläche (30 % der Nettodachfläche).")
    return flaeche, None, "§ 4 Abs. 2 Satz 1 SAN-VO NRW"


def check_register(df: pd.DataFrame) -> pd.DataFrame:
    """Check every procedure of a permit register (e.g. ``read_permits(...).valid``).

    Returns one row per input row with :data:`DECISION_COLUMNS`: ``vorgang_id``, ``pflicht``,
    ``grund``, ``rechtsgrundlage``, ``mindestflaeche_pv_m2`` (m², NaN if none),
    ``alternative_mindestleistung_kwp`` (kWp, NaN if none), ``grund_text`` and ``hinweise``
    (notes joined with ``" | "``). Raises :class:`~urbanki_helpers.errors.DataError` if
    columns are missing or a row is invalid (read the file with
    :func:`~urbanki_helpers.solar.permits.read_permits`, which separates invalid rows).
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"check_register needs a pandas DataFrame, got {type(df).__name__}.",
                        message_de="check_register braucht einen pandas-DataFrame, erhalten: "
                        f"{type(df).__name__}.")
    needed = ["vorgang_id", "gebaeudeart", "massnahme", "verfahren", "antragsdatum",
              "baubeginn", *_AREAS, "wohneinheiten", "eigentum", "besonderheit"]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(
            f"The register lacks the column(s) {', '.join(missing)}.",
            message_de=f"Im Bauantragsregister fehlen die Spalten {', '.join(missing)}. "
            "Lesen Sie die Datei mit read_permits ein.",
        )
    rows, errors = [], []
    for record in df[needed].to_dict("records"):
        values, problems = validate_case(record)
        if problems:
            errors.append(f"{values['vorgang_id']}: {'; '.join(problems)}")
            continue
        d = _decide(values)
        rows.append((values["vorgang_id"], d.pflicht, d.grund, d.rechtsgrundlage,
                     d.mindestflaeche_pv_m2, d.alternative_mindestleistung_kwp, d.grund_text,
                     " | ".join(d.hinweise)))
    if errors:
        shown = " / ".join(errors[:5]) + (f" / … ({len(errors)} in total)" if len(errors) > 5
                                          else "")
        raise DataError(
            f"{len(errors)} row(s) of the register are invalid: {shown}. Read the file with "
            "read_permits, which lists invalid rows separately.",
            message_de=f"{len(errors)} Zeile(n) des Registers sind ungültig: {shown}. Lesen "
            "Sie die Datei mit read_permits ein; es führt ungültige Zeilen getrennt auf.",
        )
    out = pd.DataFrame(rows, columns=list(DECISION_COLUMNS))
    for col in ("mindestflaeche_pv_m2", "alternative_mindestleistung_kwp"):
        out[col] = out[col].astype("float64")
    return out
