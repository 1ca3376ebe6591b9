"""Load a municipal IT asset inventory and report malformed rows instead of dropping them.

One row per asset: ``asset_id, vendor, product, version, exposure, criticality`` and optionally
``department`` (owning unit). ``exposure`` is ``internet`` (reachable from the internet) or
``intern``; ``criticality`` is ``hoch``, ``mittel`` or ``niedrig`` (case and surrounding blanks
are ignored). All values are read as text, so versions such as ``7.10`` stay intact.
"""

from __future__ import annotations

import os

import pandas as pd

from urbanki_helpers.data.tables import read_table, require_columns, row_lines

__all__ = ["CRITICALITY_VALUES", "EXPOSURE_VALUES", "INVENTORY_COLUMNS", "load_inventory"]

INVENTORY_COLUMNS = ("asset_id", "vendor", "product", "version", "exposure", "criticality")
OPTIONAL_COLUMNS = ("department",)
EXPOSURE_VALUES = ("internet", "intern")
CRITICALITY_VALUES = ("hoch", "mittel", "niedrig")


def load_inventory(path: str | os.PathLike) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read an inventory CSV; return ``(valid, invalid)``.

    ``valid`` holds the rows that can be used, with :data:`INVENTORY_COLUMNS`, ``department``
    (empty if the file has none) and any further columns of the file (e.g. ``asset_type``);
    ``exposure``/``criticality`` lowercased.
    ``invalid`` holds every rejected row with ``line`` (1-based line in the file, header = 1),
    ``reason`` (German, how to fix it) and the row's values. Rejected: empty ``asset_id``,
    ``vendor`` and ``product`` both empty, unknown ``exposure`` or ``criticality``, and a
    repeated ``asset_id`` (the first occurrence is kept). Missing required columns raise
    :class:`~urbanki_helpers.errors.TableFormatError` naming them.
    """
    first = read_table(path)
    require_columns(first, INVENTORY_COLUMNS, name=str(path))
    table = read_table(path, keep_str=list(first.columns))
    lines = row_lines(table)
    for col in OPTIONAL_COLUMNS:
        if col not in table.columns:
            table[col] = pd.Series(pd.NA, index=table.index, dtype="str")
    columns = list(INVENTORY_COLUMNS) + list(OPTIONAL_COLUMNS)
    columns += [c for c in table.columns if c not in columns]  # extra columns kept at the end
    table = table[columns].copy()
    for col in ("exposure", "criticality"):
        table[col] = table[col].str.strip().str.lower()

    reasons: list[list[str]] = [[] for _ in range(len(table))]
    first_line: dict[str, int] = {}
    for i, row in enumerate(table.itertuples(index=False)):
        if pd.isna(row.asset_id):
            reasons[i].append("asset_id fehlt: Tragen Sie eine eindeutige Inventarnummer ein.")
        elif row.asset_id in first_line:
            reasons[i].append(f"asset_id {row.asset_id!r} doppelt (zuerst in Zeile "
                              f"{first_line[row.asset_id]}): Vergeben Sie eindeutige Nummern "
                              "oder löschen Sie die doppelte Zeile.")
        else:
            first_line[row.asset_id] = lines[i]
        if pd.isna(row.vendor) and pd.isna(row.product):
            reasons[i].append("Hersteller und Produkt fehlen: Tragen Sie mindestens eines ein.")
        if row.exposure not in EXPOSURE_VALUES:
            reasons[i].append(f"exposure {_shown(row.exposure)} unbekannt: erlaubt sind "
                              f"{', '.join(EXPOSURE_VALUES)}.")
        if row.criticality not in CRITICALITY_VALUES:
            reasons[i].append(f"criticality {_shown(row.criticality)} unbekannt: erlaubt sind "
                              f"{', '.join(CRITICALITY_VALUES)}.")
    bad = [bool(r) for r in reasons]
    invalid = table[bad].copy()
    invalid.insert(0, "reason", [" ".join(r) for r in reasons if r])
    invalid.insert(0, "line", [line for line, b in zip(lines, bad, strict=True) if b])
    valid = table[[not b for b in bad]].reset_index(drop=True)
    return valid, invalid.reset_index(drop=True)


def _shown(value: object) -> str:
    return "(leer)" if pd.isna(value) else repr(value)
