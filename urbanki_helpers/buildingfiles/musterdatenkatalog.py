"""Real labelled text: the Musterdatenkatalog of the Bertelsmann Stiftung (CC0).

3,506 titles and descriptions of municipal open-data sets, labelled by hand with a topic
(``THEMA``). The same text classifier as for the building files is evaluated twice: on a
random split and on a split grouped by municipality (``ORG``), which shows how much a model
learns the house style of the municipalities it has seen. The Informationstabelle of the
taxonomy has rows wrapped as a whole in quotes; :func:`read_information_table` repairs them.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from urbanki_helpers.buildingfiles.baseline import LabelNameBaseline
from urbanki_helpers.buildingfiles.classifier import macro_f1, make_text_classifier
from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.data.tables import read_table, require_columns, row_lines
from urbanki_helpers.errors import DataError, TableFormatError

__all__ = ["DATASET_ID", "InformationTable", "LabelledTitles", "compare_splits",
           "flatten_results", "load_labelled_titles", "read_information_table",
           "unwrap_quoted_lines"]

DATASET_ID = "musterdatenkatalog"
TRAINING_FILE = "bst_baseline_training_3506_v1.csv"
INFORMATION_FILE = "Musterdatenkatalog_Informationstabelle.csv"
TEXT_COLUMNS = ("dct:title", "dct:description")
LABEL, GROUP = "THEMA", "ORG"
DESCRIPTION_CHARS = 300  # characters of the description used (keeps training fast)


@dataclass
class LabelledTitles:
    """The labelled titles: ``table`` with ``text``, ``label`` (THEMA) and ``group`` (ORG),
    the rows left out (``excluded``) and a German note on what was left out and why."""

    table: pd.DataFrame
    excluded: pd.DataFrame
    note: str


def load_labelled_titles(path: str | os.PathLike | None = None) -> LabelledTitles:
    """Read the training table (default: the catalogued file, from the mirror, the cache or a
    download; :class:`DatasetNotAvailableError` when none works). Rows without a label are
    excluded and reported in ``note``. ``text`` is the title plus the beginning of the
    description."""
    path = Path(path) if path is not None else dataset_file(DATASET_ID, TRAINING_FILE)
    raw = read_table(path)
    require_columns(raw, (*TEXT_COLUMNS, LABEL, GROUP), name=str(path))
    title = raw["dct:title"].fillna("").astype(str).str.strip()
    description = raw["dct:description"].fillna("").astype(str).str.strip()
    label = raw[LABEL].fillna("").astype(str).str.strip()
    table = pd.DataFrame({
        "text": (title + ". " + description.str.slice(0, DESCRIPTION_CHARS)).str.strip(" ."),
        "label": label, "group": raw[GROUP].fillna("").astype(str).str.strip(),
        "titel": title,
    })
    missing = table["label"] == ""
    lines = row_lines(raw) if missing.any() else []  # descriptions may span several lines
    excluded = table.loc[missing, ["titel", "group"]].assign(
        zeile=[lines[i] for i in table.index[missing]])
    table = table.loc[~missing].reset_index(drop=True)
    if table.empty:
        raise DataError(f"{path}: no row has a label in column {LABEL}.",
                        message_de=f"{path}: Keine Zeile hat eine Einordnung in der Spalte "
                        f"{LABEL}.")
    note = (f"{len(excluded)} von {len(missing)} Zeilen ohne Einordnung ({LABEL} leer) wurden "
            "ausgeschlossen" + (": " + ", ".join(f"Zeile {z} ({t!r})" for z, t in
                                                 zip(excluded["zeile"], excluded["titel"],
                                                     strict=True)) if len(excluded) else "")
            + ".")
    return LabelledTitles(table=table, excluded=excluded.reset_index(drop=True), note=note)


# --- Informationstabelle -------------------------------------------------------------------


UNWRAPPED = "Anführungszeichen um die ganze Zeile entfernt"
QUOTE_CLOSED = "nicht geschlossenes Anführungszeichen geschlossen"


def _fields(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def _csv_line(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()


def unwrap_quoted_lines(text: str) -> tuple[str, dict[int, str]]:
    """Repair lines that were wrapped as a whole in quotes (``"a,b,""c, d"",e"`` →
    ``a,b,"c, d",e``).

    A line is unwrapped only if it reads as a single field while the header has several and
    unwrapping gives the header's number of fields. If a field inside then opens a quote that
    is never closed, the field is closed so that the remaining fields (taken from the right,
    without commas) fill the row. Returns the repaired text and ``{line number: repair}``
    (1-based, header = line 1); lines that cannot be repaired stay as they are.
    """
    lines = text.splitlines()
    if not lines:
        return text, {}
    width = len(_fields(lines[0]))
    repairs: dict[int, str] = {}
    out = [lines[0]]
    for number, line in enumerate(lines[1:], 2):
        stripped = line.strip()
        if width > 1 and len(stripped) > 1 and stripped[0] == stripped[-1] == '"' \
                and len(_fields(stripped)) == 1:
            inner = stripped[1:-1].replace('""', '"')
            fields = _fields(inner)
            if len(fields) == width:
                out.append(inner)
                repairs[number] = UNWRAPPED
                continue
            if 0 < len(fields) < width and inner.count('"') % 2 == 1:
                missing = width - len(fields) + 1
                parts = fields[-1].rsplit(",", missing - 1)
                if len(parts) == missing:
                    out.append(_csv_line(fields[:-1] + parts))
                    repairs[number] = f"{UNWRAPPED}; {QUOTE_CLOSED}"
                    continue
        out.append(line)
    return "\n".join(out) + "\n", repairs


@dataclass
class InformationTable:
    """The taxonomy table after repair, the repairs ``{line number: what was done}`` and the
    lines that still do not have the header's number of fields (left out of ``table``)."""

    table: pd.DataFrame
    repairs: dict[int, str] = field(default_factory=dict)
    unrepaired_lines: list[int] = field(default_factory=list)

    @property
    def repaired_lines(self) -> list[int]:
        return sorted(self.repairs)


def read_information_table(path: str | os.PathLike | None = None) -> InformationTable:
    """Read the Informationstabelle (default: the catalogued file), unwrapping rows that are
    quoted as a whole line (see :func:`unwrap_quoted_lines`)."""
    path = Path(path) if path is not None else dataset_file(DATASET_ID, INFORMATION_FILE)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    fixed, repairs = unwrap_quoted_lines(text)
    rows = list(csv.reader(io.StringIO(fixed)))
    if len(rows) < 2:
        raise TableFormatError(f"{path}: the file has no data lines.",
                               message_de=f"{path}: Die Datei hat keine Datenzeilen.")
    header, width = rows[0], len(rows[0])
    # csv.reader yields one row per record; records here never span lines
    bad = [number for number, row in enumerate(rows[1:], 2) if row and len(row) != width]
    table = pd.DataFrame([row for row in rows[1:] if len(row) == width], columns=header)
    require_columns(table, ("MUSTERDATENSATZ", "THEMA", "BEZEICHNUNG"), name=str(path))
    return InformationTable(table=table, repairs=repairs, unrepaired_lines=bad)


# --- Random versus grouped split -----------------------------------------------------------


def _scores(y_true, y_pred) -> dict[str, float]:
    return {"accuracy": float(accuracy_score(y_true, y_pred)),
            "f1_macro": macro_f1(y_true, y_pred)}


def compare_splits(titles: LabelledTitles | pd.DataFrame, *, test_size: float = 0.25,
                   random_state: int = 0) -> dict[str, dict]:
    """Model (TF-IDF + logistic regression) and baseline (label-name keywords, else the most
    frequent label) on a random split and on a split grouped by municipality.

    Returns ``{"random": {...}, "grouped": {...}}``, each with ``"model"`` and ``"baseline"``
    (``{"accuracy", "f1_macro"}``; macro F1 over the labels present in the test set) and
    ``n_train``, ``n_test``, ``n_test_groups``.
    """
    table = titles.table if isinstance(titles, LabelledTitles) else titles
    require_columns(table, ("text", "label", "group"), name="Titel")
    if not 0 < test_size < 1:
        raise DataError(f"test_size must lie between 0 and 1, got {test_size!r}.",
                        message_de=f"test_size muss zwischen 0 und 1 liegen, nicht "
                        f"{test_size!r}.")
    if table["group"].nunique() < 2:
        raise DataError("A grouped split needs at least two municipalities (column group).",
                        message_de="Eine nach Kommunen gruppierte Aufteilung braucht "
                        "mindestens zwei Kommunen (Spalte group).")
    idx = range(len(table))
    random_split = train_test_split(list(idx), test_size=test_size, random_state=random_state)
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    grouped_split = next(gss.split(table, groups=table["group"]))
    results = {}
    for name, (train_idx, test_idx) in (("random", random_split), ("grouped", grouped_split)):
        train, test = table.iloc[list(train_idx)], table.iloc[list(test_idx)]
        model = make_text_classifier(random_state=random_state)
        model.fit(train["text"].tolist(), train["label"].tolist())
        baseline = LabelNameBaseline().fit(train["text"], train["label"])
        results[name] = {
            "model": _scores(test["label"], model.predict(test["text"].tolist())),
            "baseline": _scores(test["label"], baseline.predict(test["text"])),
            "n_train": len(train), "n_test": len(test),
            "n_test_groups": int(test["group"].nunique()),
        }
    return results


def flatten_results(results: dict[str, dict]) -> dict[str, float]:
    """``{"split.random.model.accuracy": …, …}`` for ``record``: the scores of
    :func:`compare_splits` with dotted keys."""
    return {f"split.{split}.{who}.{metric}": value
            for split, part in results.items() for who in ("model", "baseline")
            for metric, value in part[who].items()}
