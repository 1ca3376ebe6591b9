"""Knowledge base and citizen questions of the energy-advice assistant: loading and validation.

The knowledge base (``wissensbasis.csv``) has one row per entry: ``eintrag_id``, ``thema`` (one of
:data:`TOPICS`), ``frage``, ``antwort``, ``rechtsgrundlage`` (may be empty), ``gueltig_ab`` and
``stand`` (ISO dates) and ``beispiel`` (true/false: rules that vary by state or municipality).
The questions (``fragen.csv``) have ``frage``, ``thema`` and ``eintrag_id`` (empty for
``sonstiges``: questions no entry answers) and optionally ``frage_id``. Both loaders accept a
user's own file and report problems with their line in the file (header = line 1).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.data.tables import read_table, require_columns, row_lines
from urbanki_helpers.errors import DataError

DATASET_ID = "musterland_energieberatung"
OFF_TOPIC = "sonstiges"
#: Topics of the advisory desk, in the order of the knowledge base.
TOPICS = ("photovoltaik", "steckersolar", "speicher", "waermepumpe", "heizungsgesetz",
          "foerderung", "solarpflicht", "daemmung", "energiesparen", "beratung")
TOPIC_NAMES_DE = {
    "photovoltaik": "Photovoltaik", "steckersolar": "Steckersolargeräte", "speicher": "Speicher",
    "waermepumpe": "Wärmepumpe", "heizungsgesetz": "Gebäudeenergiegesetz",
    "foerderung": "Förderung", "solarpflicht": "Solarpflicht", "daemmung": "Dämmung",
    "energiesparen": "Energiesparen", "beratung": "Beratung", OFF_TOPIC: "Sonstiges",
}
KNOWLEDGE_COLUMNS = ("eintrag_id", "thema", "frage", "antwort", "rechtsgrundlage", "gueltig_ab",
                     "stand", "beispiel")
QUESTION_COLUMNS = ("frage", "thema", "eintrag_id")
_TRUE = {"true", "ja", "1", "wahr", "yes"}
_FALSE = {"false", "nein", "0", "falsch", "no"}
_MAX_LISTED = 8  # problems listed in one error message


def load_knowledge_base(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The knowledge base, validated (default: the dataset ``musterland_energieberatung``).

    Returns a DataFrame with the columns :data:`KNOWLEDGE_COLUMNS`; ``gueltig_ab`` and ``stand``
    as ``datetime64``, ``beispiel`` as bool, ``rechtsgrundlage`` as text (``""`` if none).
    """
    path = Path(path) if path is not None else dataset_file(DATASET_ID, "wissensbasis.csv")
    table = read_table(path)
    return validate_knowledge_base(table, name=path.name)


def load_questions(path: str | os.PathLike | None = None, *,
                   knowledge: pd.DataFrame | None = None) -> pd.DataFrame:
    """The citizen questions, validated against ``knowledge`` (default: the dataset's files)."""
    path = Path(path) if path is not None else dataset_file(DATASET_ID, "fragen.csv")
    if knowledge is None:
        knowledge = load_knowledge_base()
    table = read_table(path)
    return validate_questions(table, knowledge, name=path.name)


def _lines(table: pd.DataFrame) -> list[int]:
    """File line of every row (read_table tables), else position + 2 (header = line 1)."""
    if table.attrs.get("source"):
        return row_lines(table)
    return list(range(2, len(table) + 2))


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if pd.isna(v) else str(v).strip())


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _raise(name: str, problems: list[tuple[int, str, str]], what_de: str, what_en: str) -> None:
    if not problems:
        return
    shown = problems[:_MAX_LISTED]
    more = len(problems) - len(shown)
    de = "; ".join(f"Zeile {line}: {msg}" for line, msg, _ in shown)
    en = "; ".join(f"line {line}: {msg}" for line, _, msg in shown)
    de_more = f" (und {more} weitere)" if more else ""
    en_more = f" (and {more} more)" if more else ""
    raise DataError(f"{name}: {len(problems)} invalid row(s) in the {what_en}: {en}{en_more}.",
                    message_de=f"{name}: {len(problems)} ungültige Zeile(n) in der {what_de}: "
                    f"{de}{de_more}. Bitte korrigieren Sie die Datei.")


def validate_knowledge_base(table: pd.DataFrame, *, name: str = "Wissensbasis") -> pd.DataFrame:
    """Check a knowledge-base table and return it normalised (see :func:`load_knowledge_base`).

    Every entry needs a unique ``eintrag_id``, a known ``thema``, a question, an answer and valid
    ISO dates ``gueltig_ab`` and ``stand``; ``beispiel`` is true/false (ja/nein, 1/0).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise DataError(f"{name}: the knowledge base is empty.",
                        message_de=f"{name}: Die Wissensbasis ist leer. Sie braucht eine "
                        f"Kopfzeile mit den Spalten {', '.join(KNOWLEDGE_COLUMNS)} und "
                        "mindestens einen Eintrag.")
    require_columns(table, KNOWLEDGE_COLUMNS, name=name)
    lines = _lines(table)
    kb = pd.DataFrame({col: _text(table[col]) for col in KNOWLEDGE_COLUMNS})
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    dates: dict[str, list] = {"gueltig_ab": [], "stand": []}
    flags = []
    for line, row in zip(lines, kb.itertuples(index=False), strict=True):
        eid = row.eintrag_id
        if not eid:
            problems.append((line, "eintrag_id fehlt", "eintrag_id is missing"))
        elif eid in seen:
            problems.append((line, f"eintrag_id {eid!r} kommt schon in Zeile {seen[eid]} vor",
                             f"eintrag_id {eid!r} already used in line {seen[eid]}"))
        else:
            seen[eid] = line
        if row.thema not in TOPICS:
            problems.append((line, f"unbekanntes Thema {row.thema!r} (erlaubt: "
                             f"{', '.join(TOPICS)})", f"unknown topic {row.thema!r}"))
        for col in ("frage", "antwort"):
            if not getattr(row, col):
                problems.append((line, f"{col} ist leer", f"{col} is empty"))
        for col in ("gueltig_ab", "stand"):
            value = getattr(row, col)
            day = _date(value)
            dates[col].append(day)
            if day is None:
                problems.append((line, f"{col} {value!r} ist kein Datum der Form JJJJ-MM-TT",
                                 f"{col} {value!r} is not an ISO date"))
        flag = row.beispiel.lower()
        flags.append(flag in _TRUE)
        if flag not in _TRUE | _FALSE:
            problems.append((line, f"beispiel {row.beispiel!r} ist weder true noch false",
                             f"beispiel {row.beispiel!r} is neither true nor false"))
    _raise(name, problems, "Wissensbasis", "knowledge base")
    for col, values in dates.items():
        kb[col] = pd.to_datetime(pd.Series(values, index=kb.index))
    kb["beispiel"] = flags
    return kb.reset_index(drop=True)


def validate_questions(table: pd.DataFrame, knowledge: pd.DataFrame, *,
                       name: str = "Fragen") -> pd.DataFrame:
    """Check a question table against the knowledge base and return it normalised.

    Every question needs text and a topic; its ``eintrag_id`` must exist in ``knowledge`` and
    belong to the same topic, or be empty with topic ``sonstiges``. A ``frage_id`` column is kept
    (made up as ``F0001`` ... if missing).
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise DataError(f"{name}: the question table is empty.",
                        message_de=f"{name}: Die Fragentabelle ist leer. Sie braucht die "
                        f"Spalten {', '.join(QUESTION_COLUMNS)} und mindestens eine Frage.")
    require_columns(table, QUESTION_COLUMNS, name=name)
    lines = _lines(table)
    topic_of = dict(zip(knowledge["eintrag_id"], knowledge["thema"], strict=True))
    questions = pd.DataFrame({col: _text(table[col]) for col in QUESTION_COLUMNS})
    if "frage_id" in table.columns:
        questions.insert(0, "frage_id", _text(table["frage_id"]))
    else:
        questions.insert(0, "frage_id", [f"F{i:04d}" for i in range(1, len(table) + 1)])
    problems: list[tuple[int, str, str]] = []
    allowed = (*TOPICS, OFF_TOPIC)
    for line, row in zip(lines, questions.itertuples(index=False), strict=True):
        if not row.frage:
            problems.append((line, "frage ist leer", "frage is empty"))
        if row.thema not in allowed:
            problems.append((line, f"unbekanntes Thema {row.thema!r} (erlaubt: "
                             f"{', '.join(allowed)})", f"unknown topic {row.thema!r}"))
        elif row.thema == OFF_TOPIC:
            if row.eintrag_id:
                problems.append((line, "Fragen zum Thema sonstiges haben keine eintrag_id",
                                 "off-topic questions must have an empty eintrag_id"))
        elif row.eintrag_id not in topic_of:
            problems.append((line, f"eintrag_id {row.eintrag_id!r} steht nicht in der "
                             "Wissensbasis", f"eintrag_id {row.eintrag_id!r} not in the "
                             "knowledge base"))
        elif topic_of[row.eintrag_id] != row.thema:
            problems.append((line, f"eintrag_id {row.eintrag_id} gehört zum Thema "
                             f"{topic_of[row.eintrag_id]}, nicht {row.thema}",
                             f"eintrag_id {row.eintrag_id} belongs to topic "
                             f"{topic_of[row.eintrag_id]}, not {row.thema}"))
    _raise(name, problems, "Fragentabelle", "question table")
    return questions.reset_index(drop=True)
