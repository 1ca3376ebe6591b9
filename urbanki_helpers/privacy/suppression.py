"""Small-cell suppression: hide small counts in a published table of counts.

A count of 1 to ``threshold - 1`` in a published table can point to a person ("2 Anträge auf
Wohngeld in Musterdorf, Altersgruppe 80+"). :func:`suppress_small_cells` hides such cells
(*primary* suppression) and then as many further cells as needed so that no hidden cell can be
recomputed from the row and column totals (*secondary* suppression).

Decisions:

- Zero counts are not suppressed: they reveal that no one belongs to a group, which is
  usually not personal data. Check this for your table (a 0 in "Anträge abgelehnt" next to a
  small total can still tell something).
- Margin totals (a row or column named "Summe", "Gesamt", "Insgesamt", "Total" or "All", or the
  labels you pass) are checked like every other cell, and they must add up.
- Row and column totals are assumed to be known even when the table has no margins, because
  they are usually published elsewhere; so every row and column gets secondary suppression.
- Secondary suppression takes the smallest non-zero cell of a row or column that has exactly one
  hidden cell (inner cells before margins, then the first in reading order), and repeats until
  no row or column has exactly one. This standard heuristic is not a full audit: an attacker
  with linear programming can still narrow hidden values down to ranges. For sensitive
  statistics ask the statistical office (e.g. tau-Argus).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError, ParameterError

__all__ = ["PRIMARY", "SECONDARY", "suppress_small_cells", "suppression_status"]

PRIMARY = "primär"
SECONDARY = "sekundär"
_TOTAL_LABELS = {"summe", "gesamt", "insgesamt", "total", "all", "alle", "zusammen"}


def suppress_small_cells(table: pd.DataFrame, *, threshold: int = 5, total_row="auto",
                         total_column="auto") -> pd.DataFrame:
    """Hide counts with ``0 < count < threshold`` and the cells that would reveal them.

    Parameters
    ----------
    table:
        Cross table of counts (persons, cases): rows × columns of non-negative whole numbers,
        e.g. from ``pd.crosstab(..., margins=True)``.
    threshold:
        Smallest count that may be published (default 5, a common rule of statistical
        offices); must be at least 1 (1 suppresses nothing).
    total_row, total_column:
        Label of the row/column with the margin totals; ``"auto"`` finds one named "Summe",
        "Gesamt", "Insgesamt", "Total" or "All" (case-insensitive); ``None``: the table has none.

    Returns
    -------
    DataFrame with the same labels, dtype ``Int64`` and ``pd.NA`` in hidden cells.
    ``result.attrs["suppressed"]`` maps ``(row, column)`` to ``"primär"`` or ``"sekundär"``;
    :func:`suppression_status` turns it into a table.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) \
            or threshold < 1:
        raise ParameterError(
            f"threshold must be a whole number of at least 1, got {threshold!r}",
            message_de=f"threshold={threshold!r} ist nicht erlaubt: Die Mindestfallzahl muss "
                       "eine ganze Zahl ab 1 sein (üblich: 3 oder 5).")
    values = _counts(table)
    row_total = _total_label(table.index, total_row, "total_row", "Zeile")
    col_total = _total_label(table.columns, total_column, "total_column", "Spalte")
    rows = -1 if row_total is None else table.index.get_loc(row_total)
    cols = -1 if col_total is None else table.columns.get_loc(col_total)
    _check_totals(table, values, rows, cols)

    status = np.where((values > 0) & (values < threshold), PRIMARY, "").astype(object)
    is_margin = np.zeros(values.shape, dtype=bool)
    if rows >= 0:
        is_margin[rows, :] = True
    if cols >= 0:
        is_margin[:, cols] = True
    lines = [[(i, j) for j in range(values.shape[1])] for i in range(values.shape[0])]
    lines += [[(i, j) for i in range(values.shape[0])] for j in range(values.shape[1])]
    lines = [line for line in lines if len(line) > 1]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if status[cell]]
            if len(hidden) != 1:
                continue
            open_cells = [cell for cell in line if not status[cell]]
            best = min(open_cells, key=lambda c: (values[c] == 0, values[c], is_margin[c], c))
            status[best] = SECONDARY
            changed = True

    result = pd.DataFrame(values, index=table.index, columns=table.columns).astype("Int64")
    result = result.mask(status != "")
    result.attrs["suppressed"] = {
        (table.index[i], table.columns[j]): status[i, j] for i, j in zip(*np.nonzero(status != ""),
                                                                        strict=True)}
    result.attrs["threshold"] = int(threshold)
    return result


def suppression_status(result: pd.DataFrame) -> pd.DataFrame:
    """Table of ``"primär"``, ``"sekundär"`` or ``""`` for a result of
    :func:`suppress_small_cells` (for the methods note of a publication)."""
    if not isinstance(result, pd.DataFrame) or "suppressed" not in result.attrs:
        raise DataError(
            "expected a table returned by suppress_small_cells",
            message_de="Erwartet wird eine Tabelle, die suppress_small_cells zurückgegeben hat "
                       "(attrs['suppressed'] fehlt).")
    status = pd.DataFrame("", index=result.index, columns=result.columns, dtype=object)
    for (row, col), reason in result.attrs["suppressed"].items():
        status.loc[row, col] = reason
    return status


def _counts(table) -> np.ndarray:
    if not isinstance(table, pd.DataFrame):
        raise DataError(
            f"table must be a pandas DataFrame, got {type(table).__name__}",
            message_de=f"Erwartet wird eine Tabelle (pandas DataFrame), erhalten: "
                       f"{type(table).__name__}.")
    if table.empty:
        raise DataError("the table is empty", message_de="Die Tabelle ist leer.")
    if not (table.index.is_unique and table.columns.is_unique):
        raise DataError("row and column labels must be unique",
                        message_de="Zeilen- und Spaltenbeschriftungen müssen eindeutig sein.")
    for col in table.columns:
        dtype = table[col].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise DataError(
                f"column {col!r} is not numeric ({dtype})",
                message_de=f"Die Spalte {col!r} enthält keine Zahlen ({dtype}). Erwartet wird "
                           "eine Kreuztabelle mit Fallzahlen; Gruppenspalten gehören in den "
                           "Index (z. B. table.set_index('Stadtteil')).")
    values = table.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(values)
    problems = ((missing, "fehlt"), (~missing & (values < 0), "ist negativ"),
                (~missing & (np.isinf(values) | (values != np.floor(values))),
                 "ist keine ganze Zahl"))
    for bad, what_de in problems:
        if bad.any():
            i, j = (int(k[0]) for k in np.nonzero(bad))
            row, col = table.index[i], table.columns[j]
            raise DataError(
                f"count in row {row!r}, column {col!r} is invalid: {table.iat[i, j]!r}",
                message_de=f"Die Fallzahl in Zeile {row!r}, Spalte {col!r} {what_de} "
                           f"({table.iat[i, j]!r}); erlaubt sind ganze Zahlen ab 0.")
    return values.astype("int64")


def _total_label(labels: pd.Index, given, name: str, what_de: str):
    if given is None:
        return None
    if isinstance(given, str) and given == "auto":
        found = [label for label in labels
                 if isinstance(label, str) and label.strip().casefold() in _TOTAL_LABELS]
        if len(found) > 1:
            raise ParameterError(
                f"several total labels found: {found}; pass {name}=...",
                message_de=f"Mehrere Summen-{what_de}n gefunden ({found}); geben Sie die "
                           f"richtige mit {name}=... an.")
        return found[0] if found else None
    if given not in labels:
        raise ParameterError(
            f"{name}={given!r} is not a label of the table",
            message_de=f"{name}={given!r}: Diese {what_de} gibt es in der Tabelle nicht. "
                       f"Vorhanden: {list(labels)}.")
    return given


def _check_totals(table, values, row: int, col: int) -> None:
    """Margins must be the sums of the other cells."""
    checks = []
    if col >= 0:
        inner = np.delete(values, col, axis=1).sum(axis=1)
        checks += [(table.index[i], table.columns[col], values[i, col], inner[i])
                   for i in range(values.shape[0])]
    if row >= 0:
        inner = np.delete(values, row, axis=0).sum(axis=0)
        checks += [(table.index[row], table.columns[j], values[row, j], inner[j])
                   for j in range(values.shape[1])]
    for row_label, col_label, total, expected in checks:
        if total != expected:
            raise DataError(
                f"total in row {row_label!r}, column {col_label!r} is {total}, but the cells "
                f"add up to {expected}",
                message_de=f"Die Summe in Zeile {row_label!r}, Spalte {col_label!r} ist {total}, "
                           f"die Einzelwerte ergeben aber {expected}. Prüfen Sie die Randsummen "
                           "oder geben Sie total_row=None / total_column=None an.")
