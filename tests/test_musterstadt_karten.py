"""The synthetic Musterstadt facilities: reproducible, complete, inside the right Stadtteil."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "musterstadt_karten"
BASIS = ROOT / "datasets" / "musterstadt_basis"
COUNTS = {"defibrillator": 40, "feuerwache": 3, "krankenhaus": 2, "schule": 20, "kita": 25,
          "pflegeheim": 8, "arzt": 40, "toilette_barrierefrei": 10, "buergerbuero": 1}


@pytest.fixture(scope="module")
def facilities() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "einrichtungen.geojson")


@pytest.fixture(scope="module")
def stadtteile() -> gpd.GeoDataFrame:
    return gpd.read_file(BASIS / "stadtteile.geojson")


def test_generator_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(DATA / "generate.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for path in [DATA / "einrichtungen.geojson"]:
        new = tmp_path / path.name
        assert hashlib.sha256(new.read_bytes()).digest() == \
            hashlib.sha256(path.read_bytes()).digest(), path.name


def test_counts_per_kind_and_columns(facilities):
    assert facilities["art"].value_counts().to_dict() == COUNTS
    assert list(facilities.columns) == ["einrichtung_id", "art", "name", "stadtteil_id",
                                        "oeffnungszeiten", "plaetze", "geometry"]
    assert facilities["einrichtung_id"].is_unique
    assert facilities.crs.to_epsg() == 25832
    assert (facilities.geom_type == "Point").all()


def test_opening_hours_and_capacity_only_where_they_make_sense(facilities):
    with_hours = set(facilities.loc[facilities["oeffnungszeiten"].notna(), "art"])
    assert with_hours == {"buergerbuero", "toilette_barrierefrei", "arzt"}
    office = facilities[facilities["art"] == "buergerbuero"].iloc[0]
    assert office["oeffnungszeiten"] == "Mo 8–18, Di–Mi 8–13, Do 8–18, Fr 8–12"
    with_places = set(facilities.loc[facilities["plaetze"].notna(), "art"])
    assert with_places == {"schule", "kita", "pflegeheim", "krankenhaus"}
    assert (facilities["plaetze"].dropna() > 0).all()
    assert facilities["name"].str.len().min() > 5


def test_all_inside_the_town_and_in_the_stadtteil_they_name(facilities, stadtteile):
    town = stadtteile.geometry.union_all()
    assert facilities.within(town).all()
    joined = gpd.sjoin(facilities, stadtteile[["stadtteil_id", "geometry"]],
                       how="left", predicate="within", lsuffix="f", rsuffix="t")
    assert len(joined) == len(facilities)
    assert (joined["stadtteil_id_f"] == joined["stadtteil_id_t"]).all()


def test_denser_where_people_live(facilities, stadtteile):
    per_teil = facilities.groupby("stadtteil_id").size()
    residents = stadtteile.set_index("stadtteil_id")["einwohner"]
    assert per_teil.reindex(residents.index, fill_value=0).corr(residents) > 0.7
