"""Export of the extracted metadata: one CSV table for the archive and one JSON file per
document, every file written atomically."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

from urbanki_helpers.atomic import write_text
from urbanki_helpers.data.tables import require_columns, write_table
from urbanki_helpers.errors import DataError

__all__ = ["export_metadata"]

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _plain(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def export_metadata(metadata: pd.DataFrame, folder: str | os.PathLike, *,
                    table_name: str = "metadaten.csv", json_folder: str = "json") -> list[Path]:
    """Write ``metadata`` (one row per document, column ``doc_id``) as ``folder/table_name``
    (German CSV: ``;``, UTF-8 with BOM) and as ``folder/json_folder/<doc_id>.json``; return
    the paths written, the table first. Columns named ``text`` are left out."""
    require_columns(metadata, ("doc_id",), name="Metadaten")
    ids = metadata["doc_id"].astype(str)
    bad = [i for i in ids if not _SAFE_ID.fullmatch(i)]
    if bad:
        raise DataError(f"doc_id values not usable as file names: {bad[:5]}",
                        message_de="Diese doc_id-Werte taugen nicht als Dateinamen (nur "
                        f"Buchstaben, Ziffern, '_', '-', '.'): {bad[:5]}")
    duplicated = sorted(set(ids[ids.duplicated()]))
    if duplicated:
        raise DataError(f"doc_id is not unique: {duplicated[:5]}",
                        message_de=f"doc_id ist nicht eindeutig: {duplicated[:5]}")
    table = metadata.drop(columns=[c for c in metadata.columns if c == "text"])
    folder = Path(folder)
    paths = [write_table(table, folder / table_name, german=True)]
    for record in table.to_dict(orient="records"):
        record = {k: _plain(v) for k, v in record.items()}
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        paths.append(write_text(folder / json_folder / f"{record['doc_id']}.json", text))
    return paths
