"""The Marktstammdatenregister (MaStR) extract of a city: what it tells about the solar build-out.

The MaStR of the Bundesnetzagentur lists every grid-connected generating unit with status,
commissioning date, postcode, number of modules and power. :func:`load_mastr` reads the extract
of Münster (dataset ``mastr_muenster``, columns as in the MaStR web service) and cleans it;
the other functions turn it into the tables a municipality needs for the NRW solar obligation:
build-out per year and size class, postcodes, the effect of the 2022-2024 rule changes on small
units, and what the register can and cannot tell.

Units: ``bruttoleistung_kwp`` is the gross power in kW; for photovoltaics it is the installed
module power in kWp (peak), for wind the rated power in kW. ``nettonennleistung_kw`` is the net
rated power in kW, for photovoltaics mostly the inverter power. Dates are calendar days.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from urbanki_helpers.data.tables import read_table, require_columns
from urbanki_helpers.errors import DataError, ParameterError, TableFormatError
from urbanki_helpers.evaluation import format_de

__all__ = [
    "RULE_CHANGES",
    "SIZE_CLASSES",
    "STECKERSOLAR",
    "MastrData",
    "SmallUnitsEffect",
    "buildout_by_year",
    "by_postcode",
    "load_mastr",
    "plot_buildout",
    "registration_lag",
    "size_class",
    "size_class_table",
    "small_units_effect",
    "what_mastr_tells",
]

DATASET_ID = "mastr_muenster"
FILE_NAME = "alle-anlagen-muenster.csv"

# --- size classes -------------------------------------------------------------------------

STECKERSOLAR = "Steckersolar-Größe"
#: Size classes of photovoltaic units, smallest first (an ordered categorical).
SIZE_CLASSES = (
    STECKERSOLAR,
    "bis 10 kWp",
    "10–30 kWp",
    "30–100 kWp",
    "100–1.000 kWp",
    "über 1.000 kWp",
)
#: Upper bounds (kWp, inclusive) of the classes after the plug-in class.
_UPPER_KWP = (10.0, 30.0, 100.0, 1000.0)
#: Plug-in solar devices since Solarpaket I (2024): at most 2 kWp modules and 800 VA inverter.
STECKERSOLAR_MAX_KWP = 2.0
STECKERSOLAR_MAX_INVERTER_KW = 0.8
#: Without the inverter power only the module power is known: then at most 0.8 kWp.
STECKERSOLAR_FALLBACK_KWP = 0.8
#: The old limit of the simplified registration (VDE-AR-N 4105:2018): 600 VA inverter power.
OLD_INVERTER_LIMIT_KW = 0.6
_EPS = 1e-9

_SIZE_CLASS_ROWS = (
    (STECKERSOLAR,
     "Modulleistung (Bruttoleistung) ≤ 2 kWp und Wechselrichterleistung (Nettonennleistung) "
     "≤ 0,8 kW; ohne Nettonennleistung: Bruttoleistung ≤ 0,8 kWp",
     "Balkonkraftwerke: seit dem Solarpaket I (Mai 2024) bis 2.000 W Modul- und 800 VA "
     "Wechselrichterleistung, nur im MaStR zu registrieren. Das MaStR zeigt nur die "
     "Leistung, nicht den Stecker: kleine fest angeschlossene Anlagen fallen mit hinein."),
    ("bis 10 kWp",
     "Bruttoleistung bis einschließlich 10 kWp (und nicht Steckersolar-Größe)",
     "Typisches Einfamilienhausdach; höchster EEG-Vergütungssatz gilt für den Anteil bis 10 kW."),
    ("10–30 kWp",
     "Bruttoleistung über 10 bis einschließlich 30 kWp",
     "Größere Wohngebäude, Landwirtschaft; bis 30 kWp laut MaStR gilt der Nullsteuersatz "
     "(§ 12 Abs. 3 UStG) ohne weiteren Nachweis."),
    ("30–100 kWp",
     "Bruttoleistung über 30 bis einschließlich 100 kWp",
     "Mehrfamilienhäuser, Gewerbe, öffentliche Gebäude; bis 100 kW feste Einspeisevergütung "
     "ohne Pflicht zur Direktvermarktung."),
    ("100–1.000 kWp",
     "Bruttoleistung über 100 bis einschließlich 1.000 kWp",
     "Große Dächer (Hallen, Schulen); Direktvermarktung verpflichtend."),
    ("über 1.000 kWp",
     "Bruttoleistung über 1.000 kWp",
     "Freiflächen und sehr große Dächer; EEG-Förderung nur über Ausschreibungen (ab 2023 "
     "über 1 MW)."),
)


def size_class_table() -> pd.DataFrame:
    """The size classes with the rule read from the MaStR and their policy meaning (German)."""
    return pd.DataFrame(list(_SIZE_CLASS_ROWS),
                        columns=["Größenklasse", "Regel (aus dem MaStR)", "Bedeutung"])


def _float_values(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))),
                                       errors="raise"), dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{name} must contain numbers (kWp / kW), got {values!r:.80} ({exc}).",
            message_de=f"{name} muss Zahlen enthalten (kWp bzw. kW), erhalten: {values!r:.80}.",
        ) from exc
    if (arr < 0).any():
        bad = arr[arr < 0][0]
        raise DataError(
            f"{name} contains a negative power ({bad}); power values are >= 0.",
            message_de=f"{name} enthält eine negative Leistung ({format_de(bad, 3)}); "
            "Leistungen sind nie negativ. Prüfen Sie die Daten.",
        )
    return arr


def size_class(kwp, net_kw=None):
    """Size class of photovoltaic units from the gross (module) power ``kwp`` in kWp.

    The plug-in class (:data:`STECKERSOLAR`) follows the limits of Solarpaket I (2024): module
    power ≤ 2 kWp and inverter power ``net_kw`` ≤ 0.8 kW (MaStR column ``Nettonennleistung``).
    Where ``net_kw`` is not given or missing, only units ≤ 0.8 kWp count as plug-in size. The
    MaStR shows power, not how a unit is connected, so this is "plug-in size", not proof of a
    plug. The other classes are closed at the top: ``bis 10 kWp`` includes exactly 10 kWp.

    Returns the class label (``None`` for a missing value) for a scalar, an ordered categorical
    Series (same index) for a Series, else a :class:`pandas.Categorical`.
    """
    scalar = np.ndim(kwp) == 0
    k = _float_values(kwp, "kwp")
    if net_kw is None:
        n = np.full(k.shape, np.nan)
    else:
        n = _float_values(net_kw, "net_kw")
        if n.shape != k.shape:
            raise ParameterError(
                f"kwp and net_kw must have the same length ({k.size} vs {n.size}).",
                message_de=f"kwp und net_kw müssen gleich lang sein ({k.size} bzw. {n.size} "
                "Werte).",
            )
    valid = ~np.isnan(k)
    codes = np.full(k.shape, -1, dtype=int)
    codes[valid] = 1 + np.searchsorted(np.asarray(_UPPER_KWP) + _EPS, k[valid], side="left")
    with np.errstate(invalid="ignore"):
        plug = valid & np.where(
            np.isnan(n),
            k <= STECKERSOLAR_FALLBACK_KWP + _EPS,
            (k <= STECKERSOLAR_MAX_KWP + _EPS) & (n <= STECKERSOLAR_MAX_INVERTER_KW + _EPS),
        )
    codes[plug] = 0
    if scalar:
        return None if codes[0] < 0 else SIZE_CLASSES[codes[0]]
    cat = pd.Categorical.from_codes(codes, categories=list(SIZE_CLASSES), ordered=True)
    if isinstance(kwp, pd.Series):
        return pd.Series(cat, index=kwp.index, name="groessenklasse")
    return cat


# --- rule changes -------------------------------------------------------------------------

#: Rule changes that matter for small PV units, with date, German description and source.
RULE_CHANGES = pd.DataFrame(
    [
        (pd.Timestamp("2019-01-31"), "Marktstammdatenregister online",
         "Neue Anlagen (ab Februar 2019) sind binnen eines Monats nach Inbetriebnahme zu "
         "registrieren; ältere Anlagen mussten bis 31.01.2021 nachgetragen werden.",
         "alle Anlagen",
         "Marktstammdatenregisterverordnung (MaStRV); Verbraucherzentrale: "
         "verbraucherzentrale.de/wissen/energie/erneuerbare-energien/"
         "marktstammdatenregister-das-muessen-sie-bei-solaranlage-und-co-wissen-33124"),
        (pd.Timestamp("2022-07-30"), "EEG 2023: höhere Einspeisevergütung",
         "Für Anlagen mit Inbetriebnahme ab 30.07.2022 höhere Vergütungssätze, z. B. 8,2 ct/kWh "
         "bei Überschusseinspeisung und 13,0 ct/kWh bei Volleinspeisung (bis 10 kWp).",
         "Dachanlagen, v. a. bis 100 kWp",
         "Gesetz vom 20.07.2022 (BGBl. I S. 1237), § 48 und § 100 Abs. 14 EEG 2023; "
         "carmen-ev.de/eeg-2023-neue-verguetungssaetze-fuer-photovoltaik-gelten-ab-30-juli-2022"),
        (pd.Timestamp("2023-01-01"), "Nullsteuersatz für Photovoltaik",
         "0 % Umsatzsteuer auf Lieferung und Installation von Modulen, Wechselrichtern und "
         "Speichern; die Voraussetzungen gelten als erfüllt, wenn die Bruttoleistung laut MaStR "
         "höchstens 30 kWp beträgt.",
         "Anlagen bis 30 kWp (und größere auf Wohn- und Gemeinwohlgebäuden)",
         "§ 12 Abs. 3 UStG, eingefügt durch das Jahressteuergesetz 2022; BMF-Schreiben vom "
         "27.02.2023 (BStBl 2023 I S. 351)"),
        (pd.Timestamp("2023-01-01"), "EEG 2023: 70-%-Regel entfällt",
         "Neue Anlagen bis 25 kW müssen die Einspeiseleistung nicht mehr auf 70 % begrenzen.",
         "Anlagen bis 25 kW",
         "EEG 2023, § 9; pv-magazine.de (Bericht zur Verkündung des EEG 2023)"),
        (pd.Timestamp("2024-01-01"), "NRW-Solarpflicht: neue Nichtwohngebäude",
         "Solaranlagen auf geeigneten Dachflächen neuer Nichtwohngebäude (Bauantrag nach dem "
         "01.01.2024).",
         "Neubau Nichtwohngebäude in NRW",
         "§ 42a Abs. 1 Nr. 1 BauO NRW 2018"),
        (pd.Timestamp("2024-04-01"), "MaStR: vereinfachte Registrierung für Steckersolar",
         "Eigene, verkürzte Registrierung für steckerfertige Solaranlagen im MaStR.",
         "Steckersolargeräte",
         "Verbraucherzentrale (Seite zum Marktstammdatenregister, 'Seit April 2024'); "
         "pvplug.de"),
        (pd.Timestamp("2024-05-16"), "Solarpaket I: Steckersolargeräte",
         "Steckersolargeräte bis 2.000 W Modulleistung und 800 VA Wechselrichterleistung "
         "(bisher 600 VA nach VDE-AR-N 4105); Anmeldung beim Netzbetreiber entfällt, nur noch "
         "MaStR; vorübergehend auch an alten Zählern erlaubt.",
         "Steckersolargeräte",
         "Gesetz zur Steigerung des Ausbaus photovoltaischer Energieerzeugung (BT-Drs. 20/8657), "
         "beschlossen 26.04.2024, verkündet im Bundesgesetzblatt am 15.05.2024, in Kraft am "
         "16.05.2024 (Tag nach der Verkündung; Übergangsvorschriften beachten)"),
        (pd.Timestamp("2024-07-01"), "NRW-Solarpflicht: Dachsanierung kommunaler Gebäude",
         "Pflicht bei vollständiger Erneuerung der Dachhaut von Gebäuden im Eigentum der "
         "Kommunen.",
         "kommunale Gebäude in NRW",
         "§ 42a Abs. 3 Satz 2 BauO NRW 2018"),
        (pd.Timestamp("2025-01-01"), "NRW-Solarpflicht: neue Wohngebäude",
         "Solaranlagen auf geeigneten Dachflächen neuer Wohngebäude (Bauantrag nach dem "
         "01.01.2025).",
         "Neubau Wohngebäude in NRW",
         "§ 42a Abs. 1 Nr. 2 BauO NRW 2018"),
        (pd.Timestamp("2026-01-01"), "NRW-Solarpflicht: Dachsanierung",
         "Pflicht bei vollständiger Erneuerung der Dachhaut, begonnen nach dem 01.01.2026.",
         "Bestandsgebäude in NRW",
         "§ 42a Abs. 3 Satz 1 BauO NRW 2018"),
    ],
    columns=["Datum", "Regel", "Was sich änderte", "Betrifft", "Quelle"],
)


# --- loading ------------------------------------------------------------------------------

_REQUIRED = ("MaStRNummer", "EnergietraegerName", "BetriebsStatusName", "InbetriebnahmeDatum",
             "EinheitMeldeDatum", "Plz", "Bruttoleistung")
_OPTIONAL = ("Ort", "AnzahlSolarModule", "Nettonennleistung", "PersonenArtId",
             "AnlagenbetreiberName", "IsAnonymisiert", "DatumLetzteAktualisierung")
_CARRIERS = {"Solare Strahlungsenergie": "solar", "Wind": "wind"}
#: PersonenArtId of organisations (legal persons); 518 = natural person (inferred from the data).
_ORGANISATION = "517"
PLANNED = "In Planung"
IN_OPERATION = "In Betrieb"
#: Photovoltaic commissioning dates before this day are treated as input errors.
EARLIEST_PV = pd.Timestamp("1990-01-01")
_NET_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")


@dataclass(frozen=True)
class MastrData:
    """A cleaned MaStR extract.

    ``units`` has one row per unit (columns see :func:`load_mastr`), ``notes`` German sentences
    on what was cleaned, ``attribution`` the required source note, ``stand`` the extract date
    (latest update in the file), ``source`` the file read, ``net_dates`` the commissioning dates
    found in .NET format (``mastr_nr``, ``roh``, ``umgerechnet``, ``meldedatum``).
    """

    units: pd.DataFrame
    notes: list[str]
    attribution: str
    stand: pd.Timestamp
    source: str = ""
    net_dates: pd.DataFrame = field(default_factory=pd.DataFrame)


def _catalog_attribution() -> str:
    from urbanki_helpers.data.catalog import load_catalog

    return load_catalog()[DATASET_ID].attribution


def _text(raw: pd.DataFrame, col: str) -> pd.Series:
    if col not in raw.columns:
        return pd.Series(pd.NA, index=raw.index, dtype="string")
    s = raw[col]
    if pd.api.types.is_float_dtype(s):  # integral floats from a column with gaps
        s = s.map(lambda v: pd.NA if pd.isna(v) else format(v, "g"))
    return s.astype("string").str.strip().replace("", pd.NA)


def _numbers(raw: pd.DataFrame, col: str, ids: pd.Series, path: str) -> pd.Series:
    if col not in raw.columns:
        return pd.Series(np.nan, index=raw.index, dtype=float)
    s = raw[col]
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    parsed = pd.to_numeric(s, errors="coerce")
    bad = parsed.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{path}: column {col!r}, data row {i + 1} (unit {ids.iloc[i]}): {s.iloc[i]!r} is "
            "no number. MaStR extracts use '.' as decimal mark.",
            message_de=f"{path}: Spalte {col!r}, Datenzeile {i + 1} (Einheit {ids.iloc[i]}): "
            f"{s.iloc[i]!r} ist keine Zahl. Korrigieren Sie den Wert; MaStR-Auszüge haben den "
            "Punkt als Dezimalzeichen.",
        )
    return parsed.astype(float)


def _dates(raw: pd.DataFrame, col: str, ids: pd.Series, path: str
           ) -> tuple[pd.Series, pd.Series]:
    """Parse ISO dates and .NET dates (``/Date(ms)/``); returns dates and the .NET mask."""
    text = _text(raw, col)
    net = text.str.fullmatch(_NET_DATE.pattern).fillna(False).astype(bool)
    out = pd.to_datetime(text.where(~net), format="ISO8601", errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    out = out.astype("datetime64[ns]")
    if net.any():
        ms = text[net].str.extract(_NET_DATE.pattern, expand=False).astype("int64")
        out[net] = pd.to_datetime(ms, unit="ms").astype("datetime64[ns]")
    out = out.dt.normalize()
    bad = out.isna() & text.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TableFormatError(
            f"{path}: column {col!r}, data row {i + 1} (unit {ids.iloc[i]}): {text.iloc[i]!r} "
            "is neither an ISO date (2024-05-31) nor a .NET date (/Date(1717113600000)/).",
            message_de=f"{path}: Spalte {col!r}, Datenzeile {i + 1} (Einheit {ids.iloc[i]}): "
            f"{text.iloc[i]!r} ist weder ein Datum wie 2024-05-31 noch ein .NET-Datum wie "
            "/Date(1717113600000)/. Korrigieren Sie den Wert.",
        )
    return out, net


def _de_date(ts) -> str:
    return "–" if pd.isna(ts) else f"{pd.Timestamp(ts):%d.%m.%Y}"


def _de_int(n) -> str:
    return format_de(n, 0)


def load_mastr(path: str | os.PathLike | None = None) -> MastrData:
    """Read and clean a MaStR extract (default: Münster, ``mastr_muenster`` in the catalogue).

    Columns of ``units``: ``mastr_nr``, ``energietraeger`` (``solar``/``wind``; other carriers
    keep their MaStR name), ``status`` (MaStR text, e.g. ``In Betrieb``), ``inbetriebnahme``,
    ``meldedatum``, ``letzte_aktualisierung`` (dates), ``jahr`` (commissioning year, Int64),
    ``plz`` (5-digit text), ``ort``, ``bruttoleistung_kwp`` (float, kWp for PV, kW for wind),
    ``nettonennleistung_kw`` (float, kW), ``module`` (Int64, NA if not given),
    ``organisation`` (bool: operator is a legal person, ``PersonenArtId`` 517),
    ``betreiber_name`` (only given for some organisations), ``anonymisiert`` (bool or NA),
    ``groessenklasse`` (:func:`size_class`, PV only) and ``datum_hinweis`` (German note where a
    date was converted or dropped).

    .NET dates such as ``/Date(-1429660800000)/`` (ms since 1970-01-01 UTC) are converted;
    photovoltaic commissioning dates before 1990 are input errors and set to missing (kept in
    ``datum_hinweis`` and ``net_dates``). Units without commissioning date are planned units.
    """
    if path is None:
        from urbanki_helpers.data.catalog import dataset_file

        path = dataset_file(DATASET_ID, FILE_NAME)
    path = Path(path)
    name = str(path)
    raw = read_table(path)
    require_columns(raw, _REQUIRED, name=name)
    ids = _text(raw, "MaStRNummer")
    if ids.isna().any():
        i = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise DataError(
            f"{name}: data row {i + 1} has no MaStRNummer.",
            message_de=f"{name}: Datenzeile {i + 1} hat keine MaStR-Nummer (Spalte MaStRNummer).",
        )
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise DataError(
            f"{name}: unit {dup} occurs twice; an extract lists every unit once.",
            message_de=f"{name}: Die Einheit {dup} steht zweimal in der Datei. Ein Auszug nennt "
            "jede Einheit nur einmal; entfernen Sie die doppelte Zeile.",
        )

    carrier_raw = _text(raw, "EnergietraegerName")
    carrier = carrier_raw.map(lambda v: _CARRIERS.get(v, v) if pd.notna(v) else pd.NA)
    commissioning_text = _text(raw, "InbetriebnahmeDatum")
    commissioning, net = _dates(raw, "InbetriebnahmeDatum", ids, name)
    reported, net_reported = _dates(raw, "EinheitMeldeDatum", ids, name)
    updated, net_updated = _dates(raw, "DatumLetzteAktualisierung", ids, name)
    plz = _text(raw, "Plz")
    bad_plz = plz.notna() & ~plz.str.fullmatch(r"\d{5}").fillna(False).astype(bool)
    if bad_plz.any():
        i = int(np.flatnonzero(bad_plz.to_numpy())[0])
        raise DataError(
            f"{name}: data row {i + 1} (unit {ids.iloc[i]}): postcode {plz.iloc[i]!r} is not "
            "five digits (read it as text so leading zeros stay).",
            message_de=f"{name}: Datenzeile {i + 1} (Einheit {ids.iloc[i]}): Die Postleitzahl "
            f"{plz.iloc[i]!r} hat nicht fünf Ziffern. Lesen Sie PLZ als Text, damit führende "
            "Nullen (z. B. 01067) erhalten bleiben.",
        )
    kwp = _numbers(raw, "Bruttoleistung", ids, name)
    net_kw = _numbers(raw, "Nettonennleistung", ids, name)
    modules = _numbers(raw, "AnzahlSolarModule", ids, name)
    if ((modules % 1) > 0).any():
        raise DataError(
            f"{name}: AnzahlSolarModule contains fractions.",
            message_de=f"{name}: Die Spalte AnzahlSolarModule enthält Nachkommastellen; die "
            "Modulanzahl ist eine ganze Zahl.",
        )
    anonym = _text(raw, "IsAnonymisiert").str.lower().map({"true": True, "false": False})
    solar = (carrier == "solar").fillna(False).astype(bool)

    implausible = solar & commissioning.notna() & (commissioning < EARLIEST_PV)
    hint = pd.Series(pd.NA, index=raw.index, dtype="string")
    for i in np.flatnonzero((net | implausible).to_numpy()):
        parts = []
        if net.iloc[i]:
            parts.append(f".NET-Datum {commissioning_text.iloc[i]} umgerechnet "
                         f"in {_de_date(commissioning.iloc[i])}")
        if implausible.iloc[i]:
            parts.append("Inbetriebnahme vor 1990 unplausibel, als fehlend gesetzt")
        hint.iloc[i] = "; ".join(parts)
    net_table = pd.DataFrame({
        "mastr_nr": ids[net].to_numpy(),
        "roh": commissioning_text[net].to_numpy(),
        "umgerechnet": commissioning[net].to_numpy(),
        "meldedatum": reported[net].to_numpy(),
    })
    commissioning = commissioning.mask(implausible)

    units = pd.DataFrame({
        "mastr_nr": ids,
        "energietraeger": carrier.astype("string"),
        "status": _text(raw, "BetriebsStatusName"),
        "inbetriebnahme": commissioning,
        "meldedatum": reported,
        "letzte_aktualisierung": updated,
        "jahr": commissioning.dt.year.astype("Int64"),
        "plz": plz,
        "ort": _text(raw, "Ort"),
        "bruttoleistung_kwp": kwp,
        "nettonennleistung_kw": net_kw,
        "module": modules.round().astype("Int64"),
        "organisation": (_text(raw, "PersonenArtId") == _ORGANISATION).fillna(False).astype(bool),
        "betreiber_name": _text(raw, "AnlagenbetreiberName"),
        "anonymisiert": anonym.astype("boolean"),
        "groessenklasse": pd.Categorical([None] * len(raw), categories=list(SIZE_CLASSES),
                                         ordered=True),
        "datum_hinweis": hint,
    })
    if solar.any():
        units.loc[solar, "groessenklasse"] = size_class(kwp[solar], net_kw[solar])
    stand = pd.concat([updated, reported]).max()
    units.attrs["stand"] = stand

    notes = _load_notes(units, net_table, implausible, net_reported | net_updated, stand)
    return MastrData(units=units, notes=notes, attribution=_catalog_attribution(), stand=stand,
                     source=name, net_dates=net_table)


def _load_notes(units: pd.DataFrame, net_table: pd.DataFrame, implausible: pd.Series,
                other_net: pd.Series, stand: pd.Timestamp) -> list[str]:
    n = len(units)
    carriers = units["energietraeger"].value_counts()
    notes = [
        f"{_de_int(n)} Einheiten gelesen: {_de_int(carriers.get('solar', 0))} Photovoltaik, "
        f"{_de_int(carriers.get('wind', 0))} Wind"
        + "".join(f", {_de_int(v)} {k}" for k, v in carriers.items() if k not in _CARRIERS.values())
        + f" (Stand des Auszugs: {_de_date(stand)}, jüngste Aktualisierung in der Datei)."
    ]
    if len(net_table):
        shown = ", ".join(f"{r.roh} = {_de_date(r.umgerechnet)}" for r in net_table.itertuples())
        notes.append(
            f"{_de_int(len(net_table))} Inbetriebnahmedaten standen im .NET-Format "
            f"(Millisekunden seit 01.01.1970) und wurden umgerechnet: {shown}."
        )
    if other_net.any():
        notes.append(f"{_de_int(other_net.sum())} Melde- oder Aktualisierungsdaten im .NET-Format "
                     "wurden umgerechnet.")
    if implausible.any():
        notes.append(
            f"{_de_int(implausible.sum())} Photovoltaik-Einheiten hätten eine Inbetriebnahme vor "
            "1990 – für Solaranlagen unplausibel (vermutlich Tippfehler bei der Registrierung, "
            "die Meldung erfolgte erst 2022–2024). Ihr Inbetriebnahmedatum wurde als fehlend "
            "gesetzt; beim Zubau je Jahr zählen sie nicht mit."
        )
    no_date = units["inbetriebnahme"].isna() & ~units["datum_hinweis"].notna()
    planned = units["status"] == PLANNED
    if no_date.any():
        notes.append(
            f"{_de_int(no_date.sum())} Einheiten haben kein Inbetriebnahmedatum, davon "
            f"{_de_int((no_date & planned).sum())} mit Status 'In Planung': geplante Anlagen, "
            "die noch nicht in Betrieb sind."
        )
    planned_dated = planned & units["inbetriebnahme"].notna()
    if planned_dated.any():
        notes.append(
            f"{_de_int(planned_dated.sum())} Einheiten 'In Planung' tragen schon ein "
            "Inbetriebnahmedatum; beim Zubau zählen sie nicht mit, solange sie geplant sind."
        )
    solar = units["energietraeger"] == "solar"
    no_modules = solar & units["module"].isna()
    if no_modules.any():
        notes.append(f"{_de_int(no_modules.sum())} Photovoltaik-Einheiten ohne Modulanzahl.")
    places = units["ort"].value_counts()
    if len(places) > 1:
        others = ", ".join(f"{k} ({_de_int(v)})" for k, v in places.iloc[1:].items())
        notes.append(
            f"Der Auszug enthält neben {places.index[0]} ({_de_int(places.iloc[0])}) auch "
            f"Einheiten mit Ort {others}: PLZ und Ort der Anschrift gehören zu Nachbarorten, "
            "der Auszug ordnet die Einheiten trotzdem der Stadt zu."
        )
    statuses = set(units["status"].dropna())
    if not any("endgültig" in s.lower() for s in statuses):
        notes.append(
            "Endgültig stillgelegte Anlagen fehlen im Auszug (Status nur "
            + ", ".join(sorted(statuses))
            + "): der Zubau je Jahr zählt nur die heute noch registrierten Anlagen."
        )
    if not pd.isna(stand) and (stand.month, stand.day) != (12, 31):
        notes.append(
            f"Das Jahr {stand.year} ist unvollständig (Stand {_de_date(stand)}); wegen der "
            "Meldefrist von einem Monat fehlen außerdem Anlagen der letzten Wochen. Vergleichen "
            "Sie es nicht als ganzes Jahr."
        )
    return notes


# --- tables -------------------------------------------------------------------------------

_UNIT_COLUMNS = ("energietraeger", "status", "inbetriebnahme", "bruttoleistung_kwp",
                 "groessenklasse")


def _check_units(units: pd.DataFrame, columns=_UNIT_COLUMNS) -> None:
    if not isinstance(units, pd.DataFrame):
        raise ParameterError(
            f"units must be the DataFrame MastrData.units, got {type(units).__name__}.",
            message_de="units muss die Tabelle MastrData.units aus load_mastr sein, erhalten: "
            f"{type(units).__name__}.",
        )
    require_columns(units, columns, name="units (aus load_mastr)")


def _stand(units: pd.DataFrame, stand) -> pd.Timestamp:
    if stand is not None:
        try:
            return pd.Timestamp(stand).normalize()
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"stand must be a date, got {stand!r}.",
                message_de=f"stand muss ein Datum sein (z. B. '2025-06-03'), erhalten: {stand!r}.",
            ) from exc
    value = units.attrs.get("stand")
    if value is None or pd.isna(value):
        cols = [c for c in ("letzte_aktualisierung", "meldedatum") if c in units.columns]
        value = pd.concat([units[c] for c in cols]).max() if cols else pd.NaT
    if pd.isna(value):
        value = units["inbetriebnahme"].max()
    if pd.isna(value):
        raise DataError(
            "The extract date cannot be determined (no dates in units).",
            message_de="Der Stand des Auszugs lässt sich nicht bestimmen (keine Daten in units); "
            "geben Sie stand='JJJJ-MM-TT' an.",
        )
    return pd.Timestamp(value).normalize()


def _is_partial(year: int, stand: pd.Timestamp) -> bool:
    return year > stand.year or (year == stand.year and (stand.month, stand.day) != (12, 31))


def _built_pv(units: pd.DataFrame, *, dated: bool = True) -> pd.DataFrame:
    """PV units that exist (status not planned); ``dated``: only those with commissioning date."""
    keep = (units["energietraeger"] == "solar").fillna(False) \
        & (units["status"] != PLANNED).fillna(True)
    if dated:
        keep &= units["inbetriebnahme"].notna()
    pv = units[keep]
    if pv.empty:
        raise DataError(
            "units holds no built photovoltaic unit"
            + (" with a commissioning date." if dated else "."),
            message_de="units enthält keine gebaute Photovoltaik-Einheit"
            + (" mit Inbetriebnahmedatum" if dated else "")
            + " (energietraeger 'solar', Status nicht 'In Planung').",
        )
    return pv


def buildout_by_year(units: pd.DataFrame, *, start: int = 2000, stand=None) -> pd.DataFrame:
    """Photovoltaic build-out per commissioning year and size class.

    Counts built PV units (status not ``In Planung``, commissioning date known) from ``start``
    to the year of the extract date ``stand`` (default: ``units.attrs['stand']``). Columns:
    ``Jahr``, ``Größenklasse``, ``Anlagen`` (number), ``Zubau (kWp)`` (added module power),
    ``Bestand (kWp)`` (cumulative power of the class at the end of the year, including units
    commissioned before ``start``), ``Teiljahr`` (True for the incomplete latest year). One row
    per year and class, zeros included. ``attrs``: ``stand``, ``vor_start`` (units and kWp
    before ``start``).
    """
    _check_units(units)
    stand = _stand(units, stand)
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)) \
            or not 1980 <= start <= stand.year:
        raise ParameterError(
            f"start must be a year between 1980 and {stand.year}, got {start!r}.",
            message_de=f"start muss ein Jahr zwischen 1980 und {stand.year} sein (Stand des "
            f"Auszugs), erhalten: {start!r}.",
        )
    pv = _built_pv(units)
    pv = pd.DataFrame({
        "Jahr": pv["inbetriebnahme"].dt.year,
        "Größenklasse": pv["groessenklasse"].astype(str),
        "kwp": pv["bruttoleistung_kwp"],
    })
    pv = pv[pv["Jahr"] <= stand.year]
    before = pv["Jahr"] < start
    grid = pd.MultiIndex.from_product([range(start, stand.year + 1), SIZE_CLASSES],
                                      names=["Jahr", "Größenklasse"])
    grouped = pv[~before].groupby(["Jahr", "Größenklasse"])["kwp"]
    table = pd.DataFrame({"Anlagen": grouped.size(), "Zubau (kWp)": grouped.sum()})
    table = table.reindex(grid, fill_value=0).reset_index()
    base = pv[before].groupby("Größenklasse")["kwp"].sum()
    table["Anlagen"] = table["Anlagen"].astype(int)
    table["Zubau (kWp)"] = table["Zubau (kWp)"].astype(float)
    table["Bestand (kWp)"] = (table.groupby("Größenklasse")["Zubau (kWp)"].cumsum()
                              + table["Größenklasse"].map(base).fillna(0.0))
    table["Größenklasse"] = pd.Categorical(table["Größenklasse"], categories=list(SIZE_CLASSES),
                                           ordered=True)
    table["Teiljahr"] = [_is_partial(int(y), stand) for y in table["Jahr"]]
    table["Jahr"] = table["Jahr"].astype(int)
    table.attrs["stand"] = stand
    table.attrs["vor_start"] = {"anlagen": int(before.sum()),
                                "kwp": float(pv.loc[before, "kwp"].sum())}
    return table


def by_postcode(units: pd.DataFrame) -> pd.DataFrame:
    """Built photovoltaic units per postcode.

    Columns: ``PLZ`` (text), ``Ort`` (most frequent), ``Anlagen``, ``Leistung (kWp)``,
    ``Mittlere Größe (kWp)``, ``Steckersolar (Anzahl)``, ``Anteil Steckersolar (%)`` and
    ``Anteil bis 10 kWp (%)`` (plug-in size and up to 10 kWp together, in % of the units).
    All existing PV units count (status not ``In Planung``), with or without commissioning date.
    """
    _check_units(units, (*_UNIT_COLUMNS, "plz"))
    pv = _built_pv(units, dated=False)
    ort = pv["ort"] if "ort" in pv.columns else pd.Series(pd.NA, index=pv.index)
    plug = pv["groessenklasse"] == STECKERSOLAR
    small = plug | (pv["groessenklasse"] == "bis 10 kWp")
    g = pd.DataFrame({"PLZ": pv["plz"], "Ort": ort, "kwp": pv["bruttoleistung_kwp"],
                      "plug": plug, "small": small}).groupby("PLZ", dropna=False)
    table = pd.DataFrame({
        "Ort": g["Ort"].agg(lambda s: s.mode().iloc[0] if s.notna().any() else pd.NA),
        "Anlagen": g.size(),
        "Leistung (kWp)": g["kwp"].sum(),
        "Steckersolar (Anzahl)": g["plug"].sum().astype(int),
        "Anteil Steckersolar (%)": 100 * g["plug"].mean(),
        "Anteil bis 10 kWp (%)": 100 * g["small"].mean(),
    })
    table.insert(3, "Mittlere Größe (kWp)", table["Leistung (kWp)"] / table["Anlagen"])
    table = table.reset_index().sort_values("PLZ", kind="stable", ignore_index=True)
    table["PLZ"] = table["PLZ"].astype("string")
    return table


@dataclass(frozen=True)
class SmallUnitsEffect:
    """Small units around the rule changes of 2022-2024.

    ``per_year`` and ``per_quarter``: counts of built PV units by commissioning period;
    ``figures``: key numbers (English keys, for ``record``); ``rules``: :data:`RULE_CHANGES`;
    ``sentences``: German findings with their limits.
    """

    per_year: pd.DataFrame
    per_quarter: pd.DataFrame
    figures: dict
    rules: pd.DataFrame
    sentences: list[str]


def _counts(pv: pd.DataFrame, key: pd.Series, label: str) -> pd.DataFrame:
    plug = pv["groessenklasse"] == STECKERSOLAR
    plug800 = plug & (pv["nettonennleistung_kw"] > OLD_INVERTER_LIMIT_KW + _EPS)
    upto30 = pv["groessenklasse"].isin(["bis 10 kWp", "10–30 kWp"])
    frame = pd.DataFrame({label: key, "plug": plug, "plug800": plug800, "upto30": upto30,
                          "all": True})
    g = frame.groupby(label)
    out = pd.DataFrame({
        "Steckersolar (Anzahl)": g["plug"].sum(),
        "davon Wechselrichter über 600 W": g["plug800"].sum(),
        "bis 30 kWp ohne Steckersolar (Anzahl)": g["upto30"].sum(),
        "alle PV (Anzahl)": g["all"].sum(),
    }).astype(int)
    out["Anteil Steckersolar (%)"] = 100 * out["Steckersolar (Anzahl)"] / out["alle PV (Anzahl)"]
    return out


def small_units_effect(units: pd.DataFrame, *, first_year: int = 2019,
                       stand=None) -> SmallUnitsEffect:
    """Plug-in size and other small units per year and quarter around the rule changes.

    ``first_year``: first commissioning year shown. Built PV units only (see
    :func:`buildout_by_year`). "bis 30 kWp ohne Steckersolar" are the classes ``bis 10 kWp``
    and ``10–30 kWp``. Ratios against an incomplete year (``Teiljahr``) are
    NaN: a partial year is never compared as a full one. Timing alone does not prove that a rule
    caused a change (energy prices in 2022 rose at the same time).
    """
    _check_units(units, (*_UNIT_COLUMNS, "nettonennleistung_kw"))
    stand = _stand(units, stand)
    if isinstance(first_year, bool) or not isinstance(first_year, (int, np.integer)) \
            or not 1990 <= first_year <= stand.year:
        raise ParameterError(
            f"first_year must be a year between 1990 and {stand.year}, got {first_year!r}.",
            message_de=f"first_year muss ein Jahr zwischen 1990 und {stand.year} sein, "
            f"erhalten: {first_year!r}.",
        )
    pv = _built_pv(units)
    pv = pv[(pv["inbetriebnahme"].dt.year >= first_year)
            & (pv["inbetriebnahme"] <= stand)]
    years = pv["inbetriebnahme"].dt.year.rename("Jahr")
    per_year = _counts(pv, years, "Jahr").reindex(range(first_year, stand.year + 1),
                                                   fill_value=0)
    per_year["Anteil Steckersolar (%)"] = (100 * per_year["Steckersolar (Anzahl)"]
                                           / per_year["alle PV (Anzahl)"].replace(0, np.nan))
    per_year["Teiljahr"] = [_is_partial(y, stand) for y in per_year.index]
    per_year = per_year.reset_index()

    quarters = pv["inbetriebnahme"].dt.to_period("Q")
    per_quarter = _counts(pv, quarters.rename("q"), "q")
    full = pd.period_range(pd.Period(f"{first_year}Q1"), stand.to_period("Q"), freq="Q")
    per_quarter = per_quarter.reindex(full, fill_value=0)
    per_quarter["Anteil Steckersolar (%)"] = (100 * per_quarter["Steckersolar (Anzahl)"]
                                              / per_quarter["alle PV (Anzahl)"].replace(0, np.nan))
    per_quarter.insert(0, "Quartal", [f"{p.year} Q{p.quarter}" for p in per_quarter.index])
    per_quarter.insert(1, "Quartalsbeginn", [p.start_time for p in per_quarter.index])
    per_quarter["Teilquartal"] = [p.end_time.normalize() > stand for p in per_quarter.index]
    per_quarter = per_quarter.reset_index(drop=True)

    figures = _effect_figures(per_year, per_quarter)
    sentences = _effect_sentences(figures, per_year, stand)
    return SmallUnitsEffect(per_year=per_year, per_quarter=per_quarter, figures=figures,
                            rules=RULE_CHANGES.copy(), sentences=sentences)


def _value(per_year: pd.DataFrame, year: int, col: str) -> float:
    row = per_year[per_year["Jahr"] == year]
    if row.empty or bool(row["Teiljahr"].iloc[0]):
        return float("nan")
    return float(row[col].iloc[0])


def _ratio(a: float, b: float) -> float:
    return a / b if b and not np.isnan(a) and not np.isnan(b) else float("nan")


def _effect_figures(per_year: pd.DataFrame, per_quarter: pd.DataFrame) -> dict:
    plug = "Steckersolar (Anzahl)"
    upto30 = "bis 30 kWp ohne Steckersolar (Anzahl)"
    f = {f"plug_in_{y}": _value(per_year, y, plug) for y in (2022, 2023, 2024)}
    f.update({f"upto_30_{y}": _value(per_year, y, upto30) for y in (2022, 2023, 2024)})
    f["plug_in_ratio_2024_2022"] = _ratio(f["plug_in_2024"], f["plug_in_2022"])
    f["upto_30_ratio_2023_2022"] = _ratio(f["upto_30_2023"], f["upto_30_2022"])
    for y in (2023, 2024):
        f[f"plug_in_over_600w_share_{y}"] = _ratio(
            _value(per_year, y, "davon Wechselrichter über 600 W"), f[f"plug_in_{y}"])
    q = per_quarter.set_index("Quartal")
    if {"2023 Q2", "2024 Q1", "2024 Q2"} <= set(q.index):
        f["plug_in_2023q2"] = int(q.loc["2023 Q2", plug])
        f["plug_in_2024q1"] = int(q.loc["2024 Q1", plug])
        f["plug_in_2024q2"] = int(q.loc["2024 Q2", plug])
    if "2022 Q4" in q.index and "2023 Q1" in q.index:
        f["upto_30_2022q4"] = int(q.loc["2022 Q4", upto30])
        f["upto_30_2023q1"] = int(q.loc["2023 Q1", upto30])
    # Counts as int where known; ratios and shares stay float (NaN when not comparable).
    return {k: int(v) if not ("ratio" in k or "share" in k) and not np.isnan(v) else float(v)
            for k, v in f.items()}


def _effect_sentences(f: dict, per_year: pd.DataFrame, stand: pd.Timestamp) -> list[str]:
    out = []

    def known(*keys):
        return all(k in f and not (isinstance(f[k], float) and np.isnan(f[k])) for k in keys)

    if known("plug_in_2022", "plug_in_2024", "plug_in_ratio_2024_2022"):
        out.append(
            f"Steckersolar-Größe: {_de_int(f['plug_in_2022'])} Einheiten mit Inbetriebnahme "
            f"2022, {_de_int(f['plug_in_2024'])} im Jahr 2024 – das "
            f"{format_de(f['plug_in_ratio_2024_2022'], 1)}-Fache."
        )
    if known("plug_in_2023q2", "plug_in_2024q1", "plug_in_2024q2"):
        out.append(
            f"Im Quartal des Solarpakets I (2024 Q2) kamen {_de_int(f['plug_in_2024q2'])} "
            f"Einheiten in Steckersolar-Größe hinzu, im Quartal davor "
            f"{_de_int(f['plug_in_2024q1'])} und ein Jahr zuvor (2023 Q2) "
            f"{_de_int(f['plug_in_2023q2'])} – das zweite Quartal ist auch saisonal stark."
        )
    if known("plug_in_over_600w_share_2023", "plug_in_over_600w_share_2024"):
        out.append(
            "Anteil mit Wechselrichter über 600 W (die vereinfachte Anmeldung galt bis 2024 nur "
            "bis 600 W, seit dem Solarpaket I bis 800 W): "
            f"{format_de(100 * f['plug_in_over_600w_share_2023'], 0)} % im Jahr 2023, "
            f"{format_de(100 * f['plug_in_over_600w_share_2024'], 0)} % im Jahr 2024."
        )
    if known("upto_30_2022", "upto_30_2023", "upto_30_ratio_2023_2022"):
        text = (f"Anlagen über Steckersolar-Größe bis 30 kWp (Nullsteuersatz ab 01.01.2023): "
                f"{_de_int(f['upto_30_2022'])} im Jahr 2022, "
                f"{_de_int(f['upto_30_2023'])} im Jahr 2023 "
                f"({format_de(f['upto_30_ratio_2023_2022'], 1)}-fach)")
        if known("upto_30_2022q4", "upto_30_2023q1"):
            text += (f"; von 2022 Q4 ({_de_int(f['upto_30_2022q4'])}) auf 2023 Q1 "
                     f"({_de_int(f['upto_30_2023q1'])})")
        out.append(text + ".")
    partial = per_year.loc[per_year["Teiljahr"], "Jahr"].tolist()
    if partial:
        out.append(
            f"{', '.join(map(str, partial))}: Teiljahr bis {_de_date(stand)} und durch die "
            "Meldefrist untererfasst – nicht als ganzes Jahr vergleichen."
        )
    out.append(
        "Zeitliche Nähe ist kein Beweis: 2022/2023 stiegen zugleich die Strompreise, und "
        "Anlagen werden oft Monate vor der Inbetriebnahme bestellt."
    )
    return out


# --- what the register tells --------------------------------------------------------------


def what_mastr_tells(units: pd.DataFrame, *, stand=None) -> list[str]:
    """German bullet sentences, computed from ``units``: what a municipality can and cannot read.

    Covers units and power, status, commissioning dates, postcodes, missing locations and
    buildings, operator names and the registration lag (units commissioned from 1 February
    2019, when the one-month deadline of the MaStR began).
    """
    cols = (*_UNIT_COLUMNS, "plz", "meldedatum", "organisation", "betreiber_name", "anonymisiert")
    _check_units(units, cols)
    stand = _stand(units, stand)
    n = len(units)
    if n == 0:
        raise DataError("units is empty.", message_de="units ist leer: keine Einheiten.")
    solar = (units["energietraeger"] == "solar").fillna(False)
    wind = (units["energietraeger"] == "wind").fillna(False)
    planned = (units["status"] == PLANNED).fillna(False)
    pv_kwp = units.loc[solar & ~planned, "bruttoleistung_kwp"].sum()
    wind_kw = units.loc[wind & ~planned, "bruttoleistung_kwp"].sum()
    out = [
        f"Kann man ablesen – Anlagen und Leistung: {_de_int(solar.sum())} Photovoltaik-Einheiten "
        f"und {_de_int(wind.sum())} Windenergieanlagen (Stand {_de_date(stand)}); ohne geplante "
        f"Einheiten {format_de(pv_kwp / 1000, 1)} MWp Photovoltaik und "
        f"{format_de(wind_kw / 1000, 1)} MW Wind.",
    ]
    status = units["status"].value_counts()
    out.append("Kann man ablesen – Betriebsstatus: " + ", ".join(
        f"{_de_int(v)} {k}" for k, v in status.items()) + ".")
    dated = units["inbetriebnahme"].notna()
    out.append(
        f"Kann man ablesen – Inbetriebnahme: {format_de(100 * dated.mean(), 1)} % der Einheiten "
        f"haben ein Datum; es fehlt bei {_de_int((~dated).sum())} Einheiten, davon "
        f"{_de_int((~dated & planned).sum())} geplant. Damit lässt sich der Zubau je Jahr und "
        "Größenklasse zeigen."
    )
    n_plz = units["plz"].nunique()
    out.append(
        f"Kann man ablesen – Postleitzahl: {format_de(100 * units['plz'].notna().mean(), 1)} % "
        f"der Einheiten, {_de_int(n_plz)} PLZ-Gebiete; die PLZ ist die feinste räumliche Angabe "
        "für private Anlagen."
    )
    anonym = units["anonymisiert"]
    anonym_share = 100 * anonym.fillna(False).astype(bool).mean()
    out.append(
        "Nicht ablesbar – Standort: Der Auszug enthält keine Koordinaten und keine Straße; "
        f"{format_de(anonym_share, 1)} % der Einträge sind anonymisiert, weil das MaStR Standorte "
        "kleiner Anlagen von Privatpersonen nicht veröffentlicht."
    )
    out.append(
        "Nicht ablesbar – Gebäude und Dach: Ob eine Anlage auf einem Dach, am Balkon oder auf "
        "einer Freifläche steht, welches Gebäude es ist und wie viel Dachfläche frei bleibt, "
        "steht nicht im Register; dafür braucht es Luftbilder, Bauakten oder das Solarkataster."
    )
    named = units["betreiber_name"].notna()
    org = units["organisation"].astype(bool)
    operators = units.loc[named, "betreiber_name"].value_counts()
    top = ", ".join(operators.index[:2])
    out.append(
        f"Nur teilweise ablesbar – Betreiber: Namen stehen bei {_de_int(named.sum())} Einheiten "
        f"({format_de(100 * named.mean(), 1)} %) von {_de_int(len(operators))} Betreibern"
        + (f" (z. B. {top})" if top else "")
        + f"; {_de_int(org.sum())} Einheiten gehören Organisationen, davon "
        f"{_de_int((org & ~named).sum())} ohne Namen; Privatpersonen werden nie genannt."
    )
    lag_sentence = _lag_sentence(units)
    if lag_sentence:
        out.append(lag_sentence)
    if _is_partial(stand.year, stand):
        out.append(
            f"Vorsicht beim letzten Jahr: {stand.year} ist ein Teiljahr bis {_de_date(stand)}, "
            "und Anlagen der letzten Wochen sind wegen des Meldeverzugs noch nicht alle "
            "registriert."
        )
    return out


MASTR_DEADLINE_START = pd.Timestamp("2019-02-01")


def registration_lag(units: pd.DataFrame) -> pd.Series:
    """Days from commissioning to registration (``meldedatum - inbetriebnahme``).

    Only units commissioned from 1 February 2019 (one-month deadline of the MaStR); negative
    values mean registered before commissioning.
    """
    _check_units(units, ("inbetriebnahme", "meldedatum"))
    m = units["inbetriebnahme"].notna() & units["meldedatum"].notna() \
        & (units["inbetriebnahme"] >= MASTR_DEADLINE_START)
    return (units.loc[m, "meldedatum"] - units.loc[m, "inbetriebnahme"]).dt.days.rename(
        "meldeverzug_tage")


def _lag_sentence(units: pd.DataFrame) -> str | None:
    lag = registration_lag(units)
    if lag.empty:
        return None
    sub = units.loc[lag.index]
    late = sub["meldedatum"] > sub["inbetriebnahme"] + pd.DateOffset(months=1)
    early = lag < 0
    return (
        f"Meldeverzug (Einheiten mit Inbetriebnahme ab 01.02.2019, seitdem gilt die Frist von "
        f"einem Monat; {_de_int(len(lag))} Einheiten): Median {format_de(lag.median(), 0)} Tage; "
        f"{format_de(100 * late.mean(), 1)} % wurden mehr als einen Monat nach der "
        f"Inbetriebnahme registriert, {format_de(100 * early.mean(), 1)} % schon davor."
    )


# --- plot ---------------------------------------------------------------------------------


def plot_buildout(table: pd.DataFrame, *, measure: str = "leistung",
                  attribution: str | None = None, title: str | None = None) -> Figure:
    """Stacked bars per year by size class and the cumulative power as a line.

    ``table`` comes from :func:`buildout_by_year`. ``measure``: ``"leistung"`` (bars: added
    MWp per year) or ``"anlagen"`` (bars: number of new units). The line (right axis) is the
    cumulative module power in MWp. The incomplete latest year is hatched. ``attribution``
    defaults to the catalogue entry of the MaStR extract with the extract date.
    """
    import matplotlib.pyplot as plt

    from urbanki_helpers.plotting import GermanNumberFormatter

    if measure not in ("leistung", "anlagen"):
        raise ParameterError(
            f"measure must be 'leistung' or 'anlagen', got {measure!r}.",
            message_de=f"measure muss 'leistung' oder 'anlagen' sein, erhalten: {measure!r}.",
        )
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"table must be the DataFrame from buildout_by_year, got {type(table).__name__}.",
            message_de="table muss die Tabelle aus buildout_by_year sein, erhalten: "
            f"{type(table).__name__}.",
        )
    require_columns(table, ("Jahr", "Größenklasse", "Anlagen", "Zubau (kWp)", "Bestand (kWp)",
                            "Teiljahr"), name="table (aus buildout_by_year)")
    if table.empty:
        raise DataError("The build-out table is empty.",
                        message_de="Die Zubau-Tabelle ist leer; nichts zu zeichnen.")
    column = "Zubau (kWp)" if measure == "leistung" else "Anlagen"
    wide = table.pivot_table(index="Jahr", columns="Größenklasse", values=column,
                             aggfunc="sum", observed=False).reindex(columns=list(SIZE_CLASSES))
    wide = wide.fillna(0)
    if measure == "leistung":
        wide = wide / 1000
    total = table.groupby("Jahr")["Bestand (kWp)"].sum() / 1000
    partial = table.groupby("Jahr")["Teiljahr"].any()
    years = wide.index.to_numpy()

    fig, ax = plt.subplots(figsize=(10, 5), layout="constrained")
    colors = plt.get_cmap("viridis")(np.linspace(0.95, 0.05, len(SIZE_CLASSES)))
    bottom = np.zeros(len(years))
    for klass, color in zip(SIZE_CLASSES, colors, strict=True):
        values = wide[klass].to_numpy()
        bars = ax.bar(years, values, bottom=bottom, color=color, width=0.8, label=klass,
                      edgecolor="white", linewidth=0.3)
        for bar, is_partial in zip(bars, partial.reindex(years).to_numpy(), strict=True):
            if is_partial:
                bar.set_hatch("///")
                bar.set_alpha(0.6)
        bottom = bottom + values
    ax.set_ylim(0, max(float(bottom.max()), 1e-9) * 1.1)
    ax.set_xlabel("Jahr der Inbetriebnahme")
    ax.set_ylabel("Zubau (MWp pro Jahr)" if measure == "leistung"
                  else "Neue Anlagen pro Jahr (Anzahl)")
    ax.yaxis.set_major_formatter(GermanNumberFormatter())
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_xticks(years)
    ax.set_xticklabels([f"{y}*" if partial.get(y, False) else str(y) for y in years],
                       rotation=90 if len(years) > 12 else 0, fontsize=8)

    ax2 = ax.twinx()
    ax2.plot(total.index, total.to_numpy(), color="black", marker="o", markersize=3,
             linewidth=1.5, label="Bestand (MWp, kumuliert)")
    ax2.set_ylabel("Bestand (MWp, kumuliert)")
    ax2.yaxis.set_major_formatter(GermanNumberFormatter())
    ax2.set_ylim(bottom=0)

    handles, labels = ax.get_legend_handles_labels()
    handles2, labels2 = ax2.get_legend_handles_labels()
    handles, labels = handles[::-1] + handles2, labels[::-1] + labels2
    stand = table.attrs.get("stand")
    if partial.any():
        handles.append(Patch(facecolor="white", edgecolor="0.3", hatch="///"))
        labels.append("* Teiljahr" + (f" bis {_de_date(stand)}" if stand is not None else ""))
    ax.legend(handles, labels, loc="upper left", fontsize=8, title="Größenklasse",
              title_fontsize=8, framealpha=0.9)
    ax.set_title(title or ("Photovoltaik-Zubau nach Größenklasse" if measure == "leistung"
                           else "Neue Photovoltaik-Anlagen nach Größenklasse"))
    if attribution is None:
        attribution = _catalog_attribution()
        if stand is not None:
            attribution += f"; Stand {_de_date(stand)}"
    if not isinstance(attribution, str) or not attribution.strip():
        raise DataError(
            "The attribution text is empty; name the data source and licence.",
            message_de="Die Quellenangabe ist leer. Nennen Sie Datenquelle und Lizenz.",
        )
    # Below the x-axis label (bars reach the bottom edge), right-aligned with the axes.
    ax.annotate(attribution, xy=(1, 0), xycoords=("axes fraction", ax.xaxis.label),
                xytext=(0, -3), textcoords="offset points", ha="right", va="top", fontsize=7,
                color="0.25", gid="attribution")
    return fig
