"""Grouping documents into projects, the archive search and the metadata export."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from urbanki_helpers.buildingfiles.documents import load_building_files, load_street_directory
from urbanki_helpers.buildingfiles.evaluation import grouping_scores
from urbanki_helpers.buildingfiles.export import export_metadata
from urbanki_helpers.buildingfiles.extraction import extract_metadata
from urbanki_helpers.buildingfiles.projects import assign_projects, parcel_key
from urbanki_helpers.buildingfiles.search import ArchiveIndex
from urbanki_helpers.errors import DataError, ParameterError

FOLDER = Path(__file__).resolve().parent.parent / "datasets" / "musterstadt_bauakten"


@pytest.fixture(scope="module")
def archive():
    docs = load_building_files(FOLDER / "bauakten.jsonl.gz")
    streets = load_street_directory(FOLDER / "strassen.csv")
    meta = extract_metadata(docs, streets=streets["strasse"],
                            gemarkungen=streets["gemarkung"].unique())
    return docs, meta


@pytest.fixture(scope="module")
def index(archive):
    docs, meta = archive
    return ArchiveIndex(docs, meta.merge(assign_projects(meta), on="doc_id"))


def _meta(rows):
    cols = ["doc_id", "aktenzeichen", "gemarkung", "flur", "flurstueck", "adresse", "datum"]
    return pd.DataFrame(rows, columns=cols)


def test_assignment_falls_back_to_parcel_then_address_and_picks_the_closest_project():
    meta = _meta([
        ("d1", "B 12/58", "Musterstadt", "3", "17", "Lindenstraße 4", "1958-03-01"),
        ("d2", "BA-1996-00001", "Musterstadt", "3", "17", "Lindenstraße 4", "1996-05-01"),
        ("d3", "", "Musterstadt", "3", "17", "", "1959-01-01"),  # same parcel, 1950s project
        ("d4", "", "", "", "", "Lindenstr. 4", "1997-02-01"),  # address only, 1990s project
        ("d5", "", "Oberfeld", "1", "2", "", "1970-01-01"),  # unknown parcel: own group
        ("d6", "", "Oberfeld", "1", "2", "", "1971-01-01"),
        ("d7", "", "", "", "", "", "1980-01-01"),  # no key at all
    ])
    result = assign_projects(meta).set_index("doc_id")
    assert result["projekt"].to_dict() == {
        "d1": "AZ:B 12/58", "d2": "AZ:BA-1996-00001", "d3": "AZ:B 12/58",
        "d4": "AZ:BA-1996-00001", "d5": "FST:oberfeld|1|2", "d6": "FST:oberfeld|1|2",
        "d7": "DOC:d7"}
    assert result["schluessel"].tolist() == ["aktenzeichen", "aktenzeichen", "flurstueck",
                                             "adresse", "flurstueck", "flurstueck", "keiner"]
    with pytest.raises(ParameterError):
        assign_projects(meta, keys=("flur",))


def test_grouping_quality_on_the_archive(archive):
    docs, meta = archive
    only_az = grouping_scores(docs["vorhaben_id"],
                              assign_projects(meta, keys=("aktenzeichen",))["projekt"])
    full = grouping_scores(docs["vorhaben_id"], assign_projects(meta)["projekt"])
    # measured: file numbers only pairwise F1 0.614, share exact 0.075;
    # with parcel and address 0.894 and 0.568 (pairwise precision 0.963, recall 0.835)
    assert only_az["pairwise_f1"] < 0.7
    assert full["pairwise_f1"] >= 0.87
    assert full["pairwise_precision"] >= 0.94
    assert full["pairwise_recall"] >= only_az["pairwise_recall"] + 0.3
    assert full["share_exact"] >= 0.54
    assert full["adjusted_rand"] >= 0.87


def test_grouping_scores_by_hand():
    perfect = grouping_scores(["a", "a", "b"], ["x", "x", "y"])
    assert perfect["pairwise_f1"] == 1.0 and perfect["share_exact"] == 1.0
    merged = grouping_scores(["a", "a", "b"], ["x", "x", "x"])
    assert merged["pairwise_precision"] == pytest.approx(1 / 3) and merged["pairwise_recall"] == 1
    with pytest.raises(DataError):
        grouping_scores(["a"], [])


def test_search_finds_every_document_of_a_parcel(archive, index):
    docs, _ = archive
    written = docs[docs["flurstueck"] != ""]
    groups = written.groupby(["gemarkung", "flur", "flurstueck"])["doc_id"].apply(set)
    (gemarkung, flur, flurstueck), expected = max(groups.items(), key=lambda kv: len(kv[1]))
    found = index.by_parcel(gemarkung, flur, flurstueck)
    assert expected <= set(found["doc_id"])  # the parcel with most documents (17): all found
    recall = [len(set(index.by_parcel(*key)["doc_id"]) & ids) / len(ids)
              for key, ids in groups.items()]
    assert sum(recall) / len(recall) >= 0.92  # measured 0.936 over all 105 parcels
    project_docs = set(docs.loc[docs["vorhaben_id"].isin(
        docs.loc[docs["doc_id"].isin(expected), "vorhaben_id"]), "doc_id"])
    expanded = set(index.by_parcel(gemarkung, flur, flurstueck, expand_projects=True)["doc_id"])
    assert len(expanded & project_docs) > len(expected)  # documents that do not name the parcel


def test_lookup_by_address_and_file_number(archive, index):
    docs, _ = archive
    row = docs[(docs["adresse"] != "") & (docs["aktenzeichen"] != "")].iloc[0]
    street, number = row["adresse"].rsplit(" ", 1)
    variant = street.replace("straße", "str.") + " " + number
    assert row["doc_id"] in set(index.by_address(variant)["doc_id"])
    assert row["doc_id"] in set(index.by_aktenzeichen(row["aktenzeichen"])["doc_id"])
    with pytest.raises(ParameterError) as info:
        index.by_aktenzeichen("XYZ 12")
    assert "Aktenzeichen-Format" in info.value.message_de
    with pytest.raises(ParameterError):
        index.by_address("Lindenstraße")


def test_full_text_search_is_ranked(archive, index):
    docs, _ = archive
    hits = index.search("Widerspruch gegen die Baugenehmigung Nachbar Grenzabstand", top=10)
    assert list(hits["score"]) == sorted(hits["score"], reverse=True)
    assert len(hits) == 10 and (hits["score"] > 0).all()
    types = docs.set_index("doc_id").loc[hits["doc_id"], "typ"]
    assert (types == "Widerspruch").mean() >= 0.8
    assert {"doc_id", "score", "auszug", "aktenzeichen"} <= set(hits.columns)
    with pytest.raises(ParameterError):
        index.search("   ")


def test_export_writes_valid_csv_and_json(archive, tmp_path):
    docs, meta = archive
    sample = meta.head(5).merge(docs[["doc_id", "text"]], on="doc_id")
    paths = export_metadata(sample, tmp_path)
    assert paths[0] == tmp_path / "metadaten.csv" and len(paths) == 6
    table = pd.read_csv(paths[0], sep=";", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(table["doc_id"]) == list(sample["doc_id"]) and "text" not in table
    record = json.loads((tmp_path / "json" / f"{sample['doc_id'][0]}.json").read_text("utf-8"))
    assert record == {k: v for k, v in sample.iloc[0].items() if k != "text"}
    assert not list(tmp_path.rglob(".*"))  # no temporary files left


def test_export_is_atomic(archive, tmp_path, monkeypatch):
    _, meta = archive
    target = tmp_path / "metadaten.csv"
    target.write_text("alt\n", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("Datenträger voll")

    monkeypatch.setattr("urbanki_helpers.atomic.os.replace", broken_replace)
    with pytest.raises(Exception, match="Datenträger voll"):
        export_metadata(meta.head(3), tmp_path)
    assert target.read_text(encoding="utf-8") == "alt\n"  # old file intact
    assert not list(tmp_path.rglob(".*"))


def test_export_rejects_bad_ids(tmp_path):
    with pytest.raises(DataError) as info:
        export_metadata(pd.DataFrame({"doc_id": ["D1", "D1"]}), tmp_path)
    assert "nicht eindeutig" in info.value.message_de
    with pytest.raises(DataError):
        export_metadata(pd.DataFrame({"doc_id": ["../x"]}), tmp_path)


def test_parcel_key():
    assert parcel_key("Müh1", "03", "17 / 2") == "muh1|3|17/2"
    assert parcel_key("Musterstadt", "", "17") == ""
