"""The synthetic building-file archive of Musterstadt and the clean-up of OCR text.

``musterstadt_bauakten`` (``datasets/musterstadt_bauakten``) holds one row per scanned document:
the OCR text and the ground truth (type, project, file number, parcel, address, main date and
the names in the text). :func:`clean_ocr_text` undoes the layout damage of OCR (hyphenation at
line ends, spaced-out typewriter headings, stray page headers) before anything else is done.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.data.tables import read_table, require_columns
from urbanki_helpers.errors import DataError

__all__ = ["DATASET_ID", "DOC_TYPES", "TRUTH_COLUMNS", "clean_ocr_text", "fold",
           "load_building_files", "load_street_directory"]

DATASET_ID = "musterstadt_bauakten"
DOCUMENTS_FILE = "bauakten.jsonl.gz"
STREETS_FILE = "strassen.csv"
DOC_TYPES = ("Bauantrag", "Baugenehmigung", "Baubeschreibung", "Statik", "Lageplan",
             "Abnahmebescheinigung", "Schriftverkehr", "Widerspruch", "Nachtrag")
TRUTH_COLUMNS = ("doc_id", "typ", "jahr", "vorhaben_id", "aktenzeichen", "gemarkung", "flur",
                 "flurstueck", "adresse", "datum", "personen", "text")

#: Lines that are page furniture of the scanned file, not content (whole line, after strip).
PAGE_LINE_PATTERNS = (
    r"Stadt Musterstadt\s*[–-]\s*(?:Bauordnungsamt|Bauakte)\s*[–-]\s*(?:Seite|B[l1I|]att)\s*\d+",
    r"-\s*\d+\s*-",
    r"Seite\s*\d+\s*von\s*\d+",
    r"Archiv-Scan.*",
)
_PAGE_LINE = re.compile("|".join(f"(?:{p})" for p in PAGE_LINE_PATTERNS))
_HYPHEN_BREAK = re.compile(r"([a-zäöüß])-\n([a-zäöüß])")
_SPACED = re.compile(r"(?<!\S)\S(?: \S){2,}(?!\S)")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})


def fold(text: str) -> str:
    """Lower case with umlauts folded (ä→a, ß→ss), as OCR often loses the dots."""
    return text.translate(_FOLD).lower().replace("ß", "ss")


def _unspace(line: str) -> str:
    closed = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)
    return re.sub(r" {2,}", " ", closed) if closed != line else line


def clean_ocr_text(text: str) -> str:
    """OCR text with page headers/footers removed, hyphenated line ends joined and spaced-out
    headings ("B a u s c h e i n") closed up; blank lines are dropped."""
    lines = [_unspace(line) for line in str(text).splitlines()
             if line.strip() and not _PAGE_LINE.fullmatch(line.strip())]
    return _HYPHEN_BREAK.sub(r"\1\2", "\n".join(lines))


def load_building_files(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The archive: one row per document with ``text`` and the ground-truth columns
    (:data:`TRUTH_COLUMNS`; empty text where a field does not occur in the document).

    ``path`` defaults to ``bauakten.jsonl.gz`` of the catalogued dataset; a user's archive
    is JSON lines (``.jsonl``, ``.jsonl.gz``) or a German CSV (``.csv``) with at least
    ``doc_id`` and ``text``.
    """
    path = Path(path) if path is not None else dataset_file(DATASET_ID, DOCUMENTS_FILE)
    if path.suffix.lower() in (".csv", ".txt"):  # an export of a document system
        docs = read_table(path, keep_str=["doc_id", "text"])
        require_columns(docs, ("doc_id", "text"), name=str(path))
        return docs.fillna({"text": ""}).astype({"doc_id": str, "text": str})
    try:
        docs = pd.read_json(path, lines=True, dtype=False)
    except ValueError as exc:
        raise DataError(f"{path} is not a JSON-lines file of documents: {exc}",
                        message_de=f"{path} ist keine JSON-Lines-Datei mit Dokumenten: {exc}"
                        ) from exc
    if docs.empty:
        raise DataError(f"{path} holds no documents.",
                        message_de=f"{path} enthält keine Dokumente.")
    require_columns(docs, ("doc_id", "text"), name=str(path))
    for col in docs.columns:
        if col != "jahr":
            docs[col] = docs[col].fillna("").astype(str)
    return docs


def load_street_directory(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The street directory (columns ``strasse``, ``gemarkung``) used to correct OCR errors in
    street and Gemarkung names."""
    path = Path(path) if path is not None else dataset_file(DATASET_ID, STREETS_FILE)
    table = read_table(path, sep=";")
    require_columns(table, ("strasse", "gemarkung"), name=str(path))
    return table
