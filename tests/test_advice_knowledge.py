"""Loading and validating a knowledge base and questions: a user's own files, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from urbanki_helpers.advice import load_knowledge_base, load_questions, validate_questions
from urbanki_helpers.errors import DataError

HEADER = "eintrag_id,thema,frage,antwort,rechtsgrundlage,gueltig_ab,stand,beispiel\n"
GOOD = [
    "K1,steckersolar,Wie groß darf ein Balkonkraftwerk sein?,Bis 800 VA.,§ 3 Nr. 43 EEG,"
    "2024-05-16,2026-11-26,false\n",
    "K2,foerderung,Gibt es Zuschüsse?,Ja (Beispiel).,,2026-01-01,2026-11-26,ja\n",
]


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture()
def kb_file(tmp_path):
    return write(tmp_path, "wissen.csv", HEADER + "".join(GOOD))


def test_a_users_own_knowledge_base_is_read_and_normalised(kb_file):
    kb = load_knowledge_base(kb_file)
    assert kb["eintrag_id"].tolist() == ["K1", "K2"]
    assert kb["beispiel"].tolist() == [False, True]
    assert kb["rechtsgrundlage"].tolist() == ["§ 3 Nr. 43 EEG", ""]
    assert kb["gueltig_ab"].dt.year.tolist() == [2024, 2026]


def test_german_excel_export_with_semicolons_and_bom_is_read(tmp_path):
    text = (HEADER + "".join(GOOD)).replace(",", ";")
    path = write(tmp_path, "wissen_excel.csv", text, encoding="utf-8-sig")
    assert len(load_knowledge_base(path)) == 2


def test_empty_file_gives_a_german_message(tmp_path):
    with pytest.raises(DataError) as info:
        load_knowledge_base(write(tmp_path, "leer.csv", ""))
    assert "leer" in info.value.message_de


def test_missing_columns_are_named(tmp_path):
    path = write(tmp_path, "ohne.csv", "eintrag_id,thema,frage\nK1,speicher,Wie groß?\n")
    with pytest.raises(DataError) as info:
        load_knowledge_base(path)
    assert "antwort" in info.value.message_de and "gueltig_ab" in info.value.message_de
    assert "Es fehlen die Spalten" in info.value.message_de


def test_unknown_topic_bad_date_and_duplicate_id_are_reported_with_their_lines(tmp_path):
    rows = GOOD + [
        "K3,windkraft,Darf ich ein Windrad bauen?,Kommt darauf an.,,2024-01-01,2026-11-26,false\n",
        "K4,speicher,Wie groß?,So groß.,,01.01.2024,2026-11-26,false\n",
        "K1,speicher,Doppelt?,Ja.,,2024-01-01,2026-11-26,vielleicht\n",
    ]
    path = write(tmp_path, "fehler.csv", HEADER + "".join(rows))
    with pytest.raises(DataError) as info:
        load_knowledge_base(path)
    message = info.value.message_de
    assert "Zeile 4: unbekanntes Thema 'windkraft'" in message
    assert "Zeile 5: gueltig_ab '01.01.2024' ist kein Datum der Form JJJJ-MM-TT" in message
    assert "Zeile 6: eintrag_id 'K1' kommt schon in Zeile 2 vor" in message
    assert "beispiel 'vielleicht'" in message
    assert "line 4" in str(info.value)


def test_empty_answer_is_rejected(tmp_path):
    path = write(tmp_path, "leer_antwort.csv",
                 HEADER + "K1,speicher,Wie groß?,,,2024-01-01,2026-11-26,false\n")
    with pytest.raises(DataError, match="antwort is empty"):
        load_knowledge_base(path)


def test_questions_must_point_to_existing_entries_of_the_same_topic(kb_file, tmp_path):
    kb = load_knowledge_base(kb_file)
    good = write(tmp_path, "fragen.csv", "frage_id,frage,thema,eintrag_id\n"
                 "F1,Wie viel Watt?,steckersolar,K1\nF2,Wann kommt der Müll?,sonstiges,\n")
    assert load_questions(good, knowledge=kb)["eintrag_id"].tolist() == ["K1", ""]
    bad = write(tmp_path, "fragen_bad.csv", "frage,thema,eintrag_id\n"
                "Wie viel Watt?,steckersolar,K9\nZuschuss?,speicher,K2\n"
                "Müll?,sonstiges,K1\nWas?,heizen,\n")
    with pytest.raises(DataError) as info:
        load_questions(bad, knowledge=kb)
    message = info.value.message_de
    assert "Zeile 2: eintrag_id 'K9' steht nicht in der Wissensbasis" in message
    assert "Zeile 3: eintrag_id K2 gehört zum Thema foerderung, nicht speicher" in message
    assert "Zeile 4: Fragen zum Thema sonstiges haben keine eintrag_id" in message
    assert "Zeile 5: unbekanntes Thema 'heizen'" in message


def test_question_table_without_topic_column_and_empty_table_fail(kb_file):
    kb = load_knowledge_base(kb_file)
    with pytest.raises(DataError, match="thema"):
        validate_questions(pd.DataFrame({"frage": ["x"], "eintrag_id": ["K1"]}), kb)
    with pytest.raises(DataError) as info:
        validate_questions(pd.DataFrame(columns=["frage", "thema", "eintrag_id"]), kb)
    assert "leer" in info.value.message_de
    made_up = validate_questions(pd.DataFrame({"frage": ["x"], "thema": ["steckersolar"],
                                               "eintrag_id": ["K1"]}), kb)
    assert made_up["frage_id"].tolist() == ["F0001"]
