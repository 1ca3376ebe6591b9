"""The energy-advice dataset: knowledge-base integrity, questions, documented numbers and
byte-identical regeneration."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from urbanki_helpers.advice import OFF_TOPIC, TOPICS, load_knowledge_base, load_questions
from urbanki_helpers.data.catalog import load_catalog

FOLDER = Path(__file__).resolve().parent.parent / "datasets" / "musterland_energieberatung"
PRUEFEN = "Änderungen angekündigt – bitte aktuellen Stand prüfen."


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge_base(FOLDER / "wissensbasis.csv")


@pytest.fixture(scope="module")
def questions(knowledge):
    return load_questions(FOLDER / "fragen.csv", knowledge=knowledge)


def _generator():
    spec = importlib.util.spec_from_file_location("energieberatung_generate",
                                                  FOLDER / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_knowledge_base_has_enough_entries_in_every_topic(knowledge):
    assert len(knowledge) >= 80
    assert knowledge["eintrag_id"].is_unique
    assert knowledge["eintrag_id"].str.fullmatch(r"E\d{3}").all()
    counts = knowledge["thema"].value_counts()
    assert set(counts.index) == set(TOPICS)
    assert counts.min() >= 6


def test_entries_have_valid_dates_and_the_documented_check_date(knowledge):
    assert (knowledge["stand"] == pd.Timestamp("2026-11-26")).all()
    assert knowledge["gueltig_ab"].notna().all()
    assert (knowledge["gueltig_ab"] <= knowledge["stand"]).all()
    assert (knowledge["gueltig_ab"] >= pd.Timestamp("1998-01-01")).all()


def test_example_entries_say_that_rules_vary(knowledge):
    examples = knowledge[knowledge["beispiel"]]
    assert len(examples) >= 10
    says_so = examples["antwort"].str.contains(
        r"Beispiel|unterscheid|unterschiedlich|je nach|andere Länder|Landesrecht", case=False)
    assert says_so.all(), examples.loc[~says_so, "eintrag_id"].tolist()
    # municipal programmes of the fictional county are always marked as examples
    musterland = knowledge["antwort"].str.contains("Landkreis Musterland")
    assert knowledge.loc[musterland, "beispiel"].all()


def test_entries_to_be_checked_are_listed_in_the_source_note(knowledge):
    source = (FOLDER / "SOURCE.md").read_text(encoding="utf-8")
    listed = set()
    for cell in re.findall(r"^\| (E\d{3}[^|]*)\|", source, flags=re.MULTILINE):
        for first, last in re.findall(r"(E\d{3})(?:–(E\d{3}))?", cell):
            a, b = int(first[1:]), int((last or first)[1:])
            listed |= {f"E{k:03d}" for k in range(a, b + 1)}
    flagged = set(knowledge.loc[knowledge["antwort"].str.contains(PRUEFEN, regex=False),
                                "eintrag_id"])
    assert flagged and flagged == listed
    # the whole building-energy-act topic is under revision
    assert set(knowledge.loc[knowledge["thema"] == "heizungsgesetz", "eintrag_id"]) <= flagged


def test_known_facts_are_stated(knowledge):
    text = knowledge.set_index("eintrag_id")["antwort"]
    laws = knowledge.set_index("eintrag_id")["rechtsgrundlage"]
    steckersolar = " ".join(text[knowledge.set_index("eintrag_id")["thema"] == "steckersolar"])
    assert "800 Voltampere" in steckersolar and "2000 Watt" in steckersolar
    assert "Marktstammdatenregister" in steckersolar
    assert {"§ 12 Abs. 3 UStG", "§ 3 Nr. 72 EStG", "§ 71 GEG", "BEG EM (KfW 458)"} <= set(laws)
    assert text.str.contains("30.06.2028").any() and text.str.contains("30.06.2026").any()
    assert text.str.contains("70 Prozent").any()


def test_questions_cover_every_entry_and_some_are_off_topic(knowledge, questions):
    assert len(questions) >= 300
    assert questions["frage_id"].is_unique
    assert set(questions["eintrag_id"]) - {""} == set(knowledge["eintrag_id"])
    off = questions[questions["thema"] == OFF_TOPIC]
    assert 20 <= len(off) <= 60
    assert (off["eintrag_id"] == "").all()
    assert questions["frage"].is_unique


def test_questions_contain_realistic_noise_and_fictional_personal_data(questions):
    text = questions["frage"]
    assert text.str.contains(r"\b0123 \d{6}\b").sum() >= 5  # fictional phone numbers
    assert text.str.contains(r"@example\.org").sum() >= 5
    assert text.str.contains("ich bin ").sum() >= 5
    assert text.str.contains("so'n Balkonkraftwerk", regex=False).any()
    assert text.str.contains("Wärmepumpenförderung", regex=False).any()
    assert text.str.contains(r"^(?:Moin|Hallo|Kurze Frage)").sum() >= 10
    # no real-looking contact data: only the unassigned 0123 range and example.org
    phones = text.str.findall(r"\b0\d{3,4}[ /-]?\d{4,}").explode().dropna()
    assert phones.str.startswith("0123").all()


def test_generator_regenerates_identical_bytes(tmp_path):
    paths = _generator().generate(tmp_path)
    assert sorted(p.name for p in paths) == ["fragen.csv", "wissensbasis.csv"]
    for path in paths:
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), path.name


def test_catalogue_entry_lists_the_files_and_columns():
    ds = load_catalog()["musterland_energieberatung"]
    assert ds.kind == "synthetic" and ds.licences == ("CC0-1.0",)
    assert ds.generator == "datasets/musterland_energieberatung/generate.py"
    assert sorted(f.name for f in ds.files) == ["fragen.csv", "wissensbasis.csv"]
    kb_columns = [c.name for c in ds.columns_for("wissensbasis.csv")]
    assert kb_columns == ["eintrag_id", "thema", "frage", "antwort", "rechtsgrundlage",
                          "gueltig_ab", "stand", "beispiel"]
