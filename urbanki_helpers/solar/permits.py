"""Read a municipal permit register (Bauantragsregister) for the solar obligation check.

One row per procedure (Vorgang), columns (:data:`REGISTER_COLUMNS`):

========================= ==================================================================
``vorgang_id``            file number, unique
``gebaeudeart``           ``wohngebaeude`` | ``nichtwohngebaeude``
``massnahme``             ``neubau`` | ``dacherneuerung`` | ``reparatur``
``verfahren``             ``bauantrag`` | ``freistellung`` (§ 63 BauO NRW)
``antragsdatum``          date the Bauantrag was filed (JJJJ-MM-TT or TT.MM.JJJJ)
``baubeginn``             start of construction (same formats)
``nutzflaeche_m2``        usable floor area, m²
``bruttodachflaeche_m2``  gross roof area, m² (SAN-VO § 2 Abs. 3)
``nettodachflaeche_m2``   net roof area, m² (SAN-VO § 2 Abs. 4); may be empty
``wohneinheiten``         number of dwellings (whole number)
``eigentum``              ``privat`` | ``kommunal`` | ``land``
``besonderheit``          empty or one of :data:`~urbanki_helpers.solar.rules.BESONDERHEITEN`
========================= ==================================================================

Further columns (e.g. ``flurstueck_id``, ``gebaeude_id``) are kept as text. The register must
not hold personal data (no names of applicants). German CSV conventions (``;``, decimal comma,
UTF-8 with BOM or cp1252) are detected by :func:`~urbanki_helpers.data.tables.read_table`.

No row is dropped silently: every row is either in ``valid`` (parsed) or in ``invalid`` with
its line in the file and the German reason(s). Invalid are: unknown categories, impossible
dates (2025-02-30) or dates outside 1900–2099 (or after the register's ``stand``), a missing
date the decision needs (Neubau with Bauantrag without ``antragsdatum``; Dacherneuerung or
Genehmigungsfreistellung without ``baubeginn``), a missing ``nutzflaeche_m2`` for Neubau and
Dacherneuerung, negative or non-numeric areas, a net roof area larger than the gross one,
non-integer or negative ``wohneinheiten`` (or 0 for a Wohngebäude), a missing ``vorgang_id``
and a repeated ``vorgang_id`` (all rows with that number are invalid: which one is right is
for a person to decide).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.data.tables import read_table, row_lines, write_table
from urbanki_helpers.errors import DataError
from urbanki_helpers.solar.rules import DECISION_COLUMNS, validate_case

__all__ = ["INVALID_COLUMNS", "REGISTER_COLUMNS", "PermitRegister", "read_permits",
           "write_results"]

REGISTER_COLUMNS = ("vorgang_id", "gebaeudeart", "massnahme", "verfahren", "antragsdatum",
                    "baubeginn", "nutzflaeche_m2", "bruttodachflaeche_m2", "nettodachflaeche_m2",
                    "wohneinheiten", "eigentum", "besonderheit")
#: First columns of ``PermitRegister.invalid``; the row's values as read follow.
INVALID_COLUMNS = ("zeile", "vorgang_id", "fehler")
DEFAULT_REGISTER = "musterstadt_bauantraege"
RESULT_FILE = "solarpflicht_pruefung.csv"
INVALID_FILE = "solarpflicht_ungueltige_zeilen.csv"

_CATEGORY_COLUMNS = ("gebaeudeart", "massnahme", "verfahren", "eigentum", "besonderheit")
_DATE_COLUMNS = ("antragsdatum", "baubeginn")
_AREA_COLUMNS = ("nutzflaeche_m2", "bruttodachflaeche_m2", "nettodachflaeche_m2")


@dataclass
class PermitRegister:
    """Result of :func:`read_permits`.

    ``valid``: usable rows with :data:`REGISTER_COLUMNS` parsed (dates as datetime64, areas in
    m² as float, ``wohneinheiten`` as nullable Int64, categories lowercased) and extra columns
    as text. ``invalid``: rejected rows with ``zeile`` (line in the file, header = 1),
    ``vorgang_id``, ``fehler`` (German; several reasons joined with ``"; "``) and the row's
    values as read. ``notes``: German notes on how the file was read.
    """

    valid: pd.DataFrame
    invalid: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def read_permits(path: str | os.PathLike | None = None, *,
                 stand: dt.date | str | None = None) -> PermitRegister:
    """Read and check a permit register CSV (see the module docstring for the columns); an
    empty ``path`` reads the synthetic Musterstadt register (``musterstadt_bauantraege``).

    ``stand`` is the date of the register extract: later dates are invalid. Missing required
    columns raise :class:`~urbanki_helpers.errors.DataError` naming them; unreadable files
    raise :class:`~urbanki_helpers.errors.TableFormatError`.
    """
    path = Path(path) if path else dataset_file(DEFAULT_REGISTER, "bauantraege.csv")
    first = read_table(path)
    missing = [c for c in REGISTER_COLUMNS if c not in first.columns]
    if missing:
        raise DataError(
            f"{path}: the permit register lacks the column(s) {', '.join(missing)}. Required: "
            f"{', '.join(REGISTER_COLUMNS)}; the file has: {', '.join(map(str, first.columns))}.",
            message_de=f"{path}: Im Bauantragsregister fehlen die Spalten {', '.join(missing)}. "
            f"Nötig sind: {', '.join(REGISTER_COLUMNS)}; die Datei hat: "
            f"{', '.join(map(str, first.columns))}. Benennen Sie die Spalten um oder ergänzen "
            "Sie sie.",
        )
    table = read_table(path, keep_str=list(first.columns))
    source = table.attrs["source"]
    lines = row_lines(table)
    extras = [c for c in table.columns if c not in REGISTER_COLUMNS]

    records = table.to_dict("records")
    parsed, problems = [], []
    for record in records:
        values, found = validate_case(record, decimal=source["decimal"], stand=stand)
        if values["vorgang_id"] is None:
            found.insert(0, "vorgang_id fehlt (eindeutiges Aktenzeichen eintragen)")
        parsed.append(values)
        problems.append(found)
    _flag_duplicates(parsed, problems, lines)

    ok = [not p for p in problems]
    valid = _valid_frame([v for v, good in zip(parsed, ok, strict=True) if good],
                         [r for r, good in zip(records, ok, strict=True) if good], extras)
    bad = [i for i, good in enumerate(ok) if not good]
    invalid = pd.DataFrame({
        "zeile": pd.Series([lines[i] for i in bad], dtype="int64"),
        "vorgang_id": pd.Series([parsed[i]["vorgang_id"] for i in bad], dtype="str"),
        "fehler": pd.Series(["; ".join(problems[i]) for i in bad], dtype="str"),
    })
    for col in table.columns:
        if col != "vorgang_id":
            invalid[col] = table[col].iloc[bad].reset_index(drop=True)

    notes = [
        f"{len(table)} Zeilen gelesen: {len(valid)} gültig, {len(invalid)} ungültig.",
        f"Gelesen als {source['encoding']}, Trennzeichen {source['sep']!r}, Dezimalzeichen "
        f"{source['decimal']!r}.",
    ]
    if extras:
        notes.append(f"Zusätzliche Spalten übernommen (als Text): {', '.join(extras)}.")
    if stand is not None:
        notes.append(f"Daten nach dem Stand {stand} gelten als ungültig.")
    return PermitRegister(valid, invalid, notes)


def _flag_duplicates(parsed: list[dict], problems: list[list[str]], lines: list[int]) -> None:
    where: dict[str, list[int]] = defaultdict(list)
    for i, values in enumerate(parsed):
        if values["vorgang_id"] is not None:
            where[values["vorgang_id"]].append(i)
    for vorgang, rows in where.items():
        if len(rows) > 1:
            shown = ", ".join(str(lines[i]) for i in rows)
            for i in rows:
                problems[i].append(f"vorgang_id {vorgang!r} kommt mehrfach vor (Zeilen {shown}) – "
                                   "klären, welcher Eintrag gilt")


def _valid_frame(parsed: list[dict], records: list[dict], extras: list[str]) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for col in REGISTER_COLUMNS:
        values = [v[col] for v in parsed]
        if col in _DATE_COLUMNS:
            data[col] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)),
                                  dtype="datetime64[ns]")
        elif col in _AREA_COLUMNS:
            data[col] = pd.Series([float("nan") if v is None else v for v in values],
                                  dtype="float64")
        elif col == "wohneinheiten":
            data[col] = pd.Series(values, dtype="Int64")
        else:
            data[col] = pd.Series(values, dtype="str")
    for col in extras:
        data[col] = pd.Series([r[col] for r in records], dtype="str")
    return pd.DataFrame(data)


def write_results(decisions: pd.DataFrame, invalid: pd.DataFrame,
                  out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Write the decisions and the invalid rows as German CSV files (``;``, decimal comma,
    UTF-8 with BOM), each atomically, into ``out_dir`` (created if needed).

    Returns the paths of ``solarpflicht_pruefung.csv`` and
    ``solarpflicht_ungueltige_zeilen.csv``.
    """
    for name, frame, columns in (("decisions", decisions, DECISION_COLUMNS),
                                 ("invalid", invalid, INVALID_COLUMNS)):
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}.",
                            message_de=f"{name} muss ein pandas-DataFrame sein, erhalten: "
                            f"{type(frame).__name__}.")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(
                f"{name} lacks the column(s) {', '.join(missing)}; pass the result of "
                f"{'check_register' if name == 'decisions' else 'read_permits(...).invalid'}.",
                message_de=f"{name} fehlen die Spalten {', '.join(missing)}; übergeben Sie das "
                f"Ergebnis von "
                f"{'check_register' if name == 'decisions' else 'read_permits(...).invalid'}.",
            )
    out = Path(out_dir)
    return (write_table(decisions, out / RESULT_FILE, german=True),
            write_table(invalid, out / INVALID_FILE, german=True))
