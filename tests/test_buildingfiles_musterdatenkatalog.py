"""The Musterdatenkatalog (real labelled titles): loading, the repair of quote-wrapped rows and
the random versus the grouped split."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from urbanki_helpers.buildingfiles.musterdatenkatalog import (
    QUOTE_CLOSED,
    UNWRAPPED,
    compare_splits,
    flatten_results,
    load_labelled_titles,
    read_information_table,
    unwrap_quoted_lines,
)
from urbanki_helpers.errors import DataError, DatasetNotAvailableError, TableFormatError

# Lines of Musterdatenkatalog_Informationstabelle.csv wrapped as a whole in quotes (counted in
# the file: 45 lines read as one field; line 20 also has a quote that is never closed).
WRAPPED_LINES = [4, 5, 9, 10, 11, 16, 17, 19, 20, 34, 35, 36, 42, 45, 46, 55, 62, 66, 67, 70, 72,
                 73, 75, 77, 78, 82, 112, 114, 116, 128, 141, 146, 151, 153, 168, 169, 170, 199,
                 208, 214, 224, 228, 235, 238, 243]


def test_unwrap_by_hand():
    text = ('a,b,c\n'
            '1,2,3\n'
            '"4,""x, y"",6"\n'  # wrapped, with a quoted comma inside
            '"nur ein Feld"\n'  # one field but not a wrapped row: left alone
            '"7,""offen,8,9"\n')  # wrapped, and the inner quote is never closed
    fixed, repairs = unwrap_quoted_lines(text)
    assert repairs == {3: UNWRAPPED, 5: f"{UNWRAPPED}; {QUOTE_CLOSED}"}
    rows = pd.read_csv(io.StringIO(fixed), dtype=str, keep_default_na=False)
    assert rows.values.tolist() == [["1", "2", "3"], ["4", "x, y", "6"],
                                    ["nur ein Feld", "", ""], ["7", "offen,8", "9"]]
    assert fixed.splitlines()[2] == '4,"x, y",6'
    assert fixed.splitlines()[3] == '"nur ein Feld"'


@pytest.mark.realdata
def test_information_table_through_the_mirror(realdata, monkeypatch):
    monkeypatch.setenv("URBANKI_DATA_DIR", str(realdata))
    info = read_information_table()
    assert info.repaired_lines == WRAPPED_LINES
    assert info.unrepaired_lines == []
    assert info.table.shape == (242, 12)
    migration = info.table[info.table["BEZEICHNUNG"] == "Migrationshintergrund"].iloc[0]
    assert migration["Label"] == "migration background"
    assert migration["Beschreibung"].endswith("Faktor 'Migrationshintergrund'")
    container = info.table[info.table["MUSTERDATENSATZ"] == "Abfallentsorgung - Container"]
    assert container["Topic"].tolist() == ["waste disposal"]


@pytest.fixture(scope="module")
def titles(realdata):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("URBANKI_DATA_DIR", str(realdata))
        return load_labelled_titles()


@pytest.mark.realdata
def test_rows_without_label_are_excluded_with_a_note(titles):
    assert len(titles.table) == 3492 and len(titles.excluded) == 14
    assert titles.note.startswith("14 von 3506 Zeilen ohne Einordnung")
    assert "Zeile 43 ('Bonn Harvester')" in titles.note
    assert titles.table["label"].nunique() == 65
    assert titles.table["group"].nunique() == 41


@pytest.mark.realdata
def test_grouped_split_scores_lower_than_random_split(titles):
    results = compare_splits(titles, random_state=0)
    # measured (random_state 0): random split model accuracy 0.877, macro F1 0.701, baseline
    # 0.231 / 0.235; grouped by municipality (11 municipalities, 1230 test rows) model 0.513 /
    # 0.372, baseline 0.226 / 0.261
    flat = flatten_results(results)
    assert flat["split.random.model.accuracy"] >= 0.85
    assert flat["split.random.model.f1_macro"] >= 0.65
    assert flat["split.grouped.model.accuracy"] <= flat["split.random.model.accuracy"] - 0.2
    assert flat["split.grouped.model.f1_macro"] <= flat["split.random.model.f1_macro"] - 0.2
    for split in ("random", "grouped"):
        assert flat[f"split.{split}.model.accuracy"] >= flat[f"split.{split}.baseline.accuracy"] \
            + 0.2
        assert flat[f"split.{split}.model.f1_macro"] > flat[f"split.{split}.baseline.f1_macro"]
    assert 0.2 <= flat["split.random.baseline.accuracy"] <= 0.3
    assert results["grouped"]["n_test_groups"] == 11
    assert len(flat) == 8


def test_missing_columns_give_a_german_error(tmp_path):
    path = tmp_path / "titel.csv"
    path.write_text("dct:title,THEMA\nAbfallkalender 2020,Abfallwirtschaft\n", encoding="utf-8")
    with pytest.raises(TableFormatError) as info:
        load_labelled_titles(path)
    assert "Es fehlen die Spalten dct:description, ORG" in info.value.message_de
    table = pd.DataFrame({"text": ["a"], "label": ["x"]})
    with pytest.raises(DataError) as info:
        compare_splits(table)
    assert "Es fehlen die Spalten group" in info.value.message_de


def test_one_municipality_cannot_be_split_by_municipality():
    table = pd.DataFrame({"text": ["a", "b"], "label": ["x", "y"], "group": ["Bonn", "Bonn"]})
    with pytest.raises(DataError) as info:
        compare_splits(table)
    assert "mindestens zwei Kommunen" in info.value.message_de


def test_missing_dataset_is_reported_by_the_catalogue(tmp_path, monkeypatch):
    (tmp_path / "leer").mkdir()
    monkeypatch.setenv("URBANKI_DATA_DIR", str(tmp_path / "leer"))
    monkeypatch.setenv("URBANKI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("URBANKI_OFFLINE", "1")
    with pytest.raises(DatasetNotAvailableError) as info:
        load_labelled_titles()
    assert "musterdatenkatalog" in info.value.message_de
