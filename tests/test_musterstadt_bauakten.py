"""The synthetic building-file archive: byte-identical regeneration, the documented counts and
a ground truth that matches the text."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from urbanki_helpers.buildingfiles.documents import DOC_TYPES, load_building_files

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "datasets" / "musterstadt_bauakten"
FILES = ("bauakten.jsonl.gz", "strassen.csv")
# documented in datasets/musterstadt_bauakten/SOURCE.md
COUNTS_PER_TYPE = {"Bauantrag": 125, "Schriftverkehr": 114, "Baugenehmigung": 111,
                   "Lageplan": 73, "Baubeschreibung": 69, "Abnahmebescheinigung": 66,
                   "Statik": 63, "Nachtrag": 28, "Widerspruch": 27}
COUNTS_PER_DECADE = {1950: 79, 1960: 104, 1970: 108, 1980: 72, 1990: 94, 2000: 97, 2010: 122}
FORMAT_YEARS = {"F1": (1950, 1964), "F2": (1965, 1979), "F3": (1980, 1994),
                "F4": (1995, 2009), "F5": (2010, 2020)}


@pytest.fixture(scope="module")
def docs() -> pd.DataFrame:
    return load_building_files(FOLDER / "bauakten.jsonl.gz")


def _generator():
    spec = importlib.util.spec_from_file_location("bauakten_generate", FOLDER / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_regeneration_gives_the_same_bytes(tmp_path):
    paths = _generator().generate(tmp_path)
    assert sorted(p.name for p in paths) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_dataset_is_small():
    assert sum((FOLDER / name).stat().st_size for name in FILES) < 2_000_000


def test_documented_counts_per_type_and_decade(docs):
    assert len(docs) == 676
    assert docs["vorhaben_id"].nunique() == 125
    assert docs["typ"].value_counts().to_dict() == COUNTS_PER_TYPE
    assert set(docs["typ"]) == set(DOC_TYPES)
    assert (docs["jahr"] // 10 * 10).value_counts().to_dict() == COUNTS_PER_DECADE
    assert docs["doc_id"].is_unique


def test_every_project_has_one_application_and_one_file_number(docs):
    assert (docs.groupby("vorhaben_id")["typ"].apply(lambda t: (t == "Bauantrag").sum()) == 1).all()
    numbers = docs[docs["aktenzeichen"] != ""].groupby("vorhaben_id")["aktenzeichen"].nunique()
    assert (numbers == 1).all()


def test_file_number_format_follows_the_year_the_project_was_filed(docs):
    start = docs[docs["typ"] == "Bauantrag"].set_index("vorhaben_id")["jahr"]
    with_az = docs[docs["az_format"] != ""]
    assert with_az["az_format"].value_counts().to_dict() == {"F2": 134, "F4": 94, "F3": 86,
                                                            "F5": 82, "F1": 81}
    for fmt, (first, last) in FORMAT_YEARS.items():
        years = start[with_az.loc[with_az["az_format"] == fmt, "vorhaben_id"]]
        assert years.between(first, last).all(), fmt


def test_era_wording(docs):
    permits = docs[docs["typ"] == "Baugenehmigung"]
    early = permits[permits["jahr"] < 1970]["text"]
    late = permits[permits["jahr"] >= 1985]["text"]
    assert early.str.contains("Bauwich").mean() > 0.8
    assert late.str.contains("Bauwich").sum() == 0
    assert late.str.contains(r"Abstandfl").mean() > 0.8


def test_ocr_noise_is_stronger_in_typewriter_texts(docs):
    def digits_in_words_per_1000_chars(texts: pd.Series) -> float:
        return texts.str.count(r"[a-zäöü][1|0][a-zäöü]").sum() / texts.str.len().sum() * 1000
    old = digits_in_words_per_1000_chars(docs[docs["jahr"] < 1980]["text"])  # measured 1.24
    new = digits_in_words_per_1000_chars(docs[docs["jahr"] >= 2000]["text"])  # measured 0.11
    assert old > 1.0 and new < 0.2
    assert docs["text"].str.contains(r"\[unleserlich\]").sum() == 62
    assert docs["text"].str.contains(r"Seite 2|- 2 -|B[l1]att 2").mean() > 0.5


def test_ground_truth_names_are_in_the_text_as_read_by_the_ocr(docs):
    flat = docs["text"].str.replace(r"\s+", " ", regex=True)
    for text, names, names_ocr in zip(flat, docs["personen"], docs["personen_ocr"], strict=True):
        # each distinct reading of a name is listed; a name may be misread differently twice
        assert (names == "") == (names_ocr == "")  # partly legible scans may have no name
        assert len(names.split("; ")) <= len(names_ocr.split("; "))
        for name in filter(None, names_ocr.split("; ")):
            assert name in text
    assert (docs["personen"] == "").sum() == 28
    assert (docs["personen"] != docs["personen_ocr"]).sum() == 199


def test_parcel_and_address_truth_occur_only_when_written(docs):
    assert (docs["aktenzeichen"] == "").sum() == 199
    assert ((docs["gemarkung"] == "") == (docs["flurstueck"] == "")).all()
    written = docs[docs["flurstueck"] != ""]
    flur_in_text = [re.search(rf"\b{f}\b", t) is not None
                    for f, t in zip(written["flur"], written["text"], strict=True)]
    assert sum(flur_in_text) / len(written) > 0.9
    assert docs["datum"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_a_csv_export_is_read_and_a_missing_text_column_is_named(tmp_path):
    from urbanki_helpers.buildingfiles import load_building_files
    from urbanki_helpers.errors import TableFormatError

    own = tmp_path / "akten.csv"
    own.write_text("doc_id;text\n007;Bauschein B 1234/57\n", encoding="utf-8")
    docs = load_building_files(own)
    assert docs["doc_id"].tolist() == ["007"] and docs["text"].iloc[0] == "Bauschein B 1234/57"
    bad = tmp_path / "ohne_text.csv"
    bad.write_text("doc_id;inhalt\n1;x\n", encoding="utf-8")
    with pytest.raises(TableFormatError) as err:
        load_building_files(bad)
    assert "text" in err.value.message_de
