"""City layers of Musterstadt (synthetic) and Köln (real): areas, facilities, population."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from urbanki_helpers.citylayers import LAYER_NAMES_DE, SENSITIVE, load_city_layers
from urbanki_helpers.errors import DataError


@pytest.fixture(scope="module")
def muster():
    return load_city_layers("musterstadt")


@pytest.fixture(scope="module")
def koeln(realdata):
    return load_city_layers("koeln")


def _check_crs(layers):
    for frame in (layers.areas, layers.facilities, layers.population):
        assert frame.crs.to_epsg() == 25832


def test_unknown_source_lists_both():
    with pytest.raises(DataError) as info:
        load_city_layers("Bonn")
    assert "musterstadt" in str(info.value) and "koeln" in info.value.message_de


def test_constants():
    assert set(SENSITIVE) <= set(LAYER_NAMES_DE)


def test_musterstadt_layers(muster):
    _check_crs(muster)
    areas = muster.areas
    assert areas["level"].value_counts().to_dict() == {"Stadtteil": 9, "Stadtbezirk": 3}
    assert muster.population["einwohner"].sum() == 59_981
    for level in ("Stadtteil", "Stadtbezirk"):
        assert areas.loc[areas["level"] == level, "einwohner"].sum() == 59_981
    teile = areas[areas["level"] == "Stadtteil"]
    assert set(teile["parent"]) == set(areas.loc[areas["level"] == "Stadtbezirk", "name"])
    fac = muster.facilities
    assert len(fac) == 149 and set(fac["layer"]) == set(LAYER_NAMES_DE)
    assert (fac["stadtteil"] != "").all() and (fac["stadtbezirk"] != "").all()
    parent = dict(zip(teile["name"], teile["parent"], strict=True))
    assert (fac["stadtteil"].map(parent) == fac["stadtbezirk"]).all()
    assert "synthetisch" in muster.attribution


def test_koeln_areas_and_population(koeln, realdata):
    _check_crs(koeln)
    areas = koeln.areas
    assert areas["level"].value_counts().to_dict() == {"Stadtteil": 86, "Stadtbezirk": 9}
    assert areas["einwohner"].notna().all()
    assert areas.attrs["unmatched"] == [] and areas.attrs["name_differences"] == []
    table = pd.read_csv(realdata / "koeln" / "bevoelkerung.csv", dtype={"raum_id": str})
    table = table[(table["tabelle"] == "Einwohner in Köln") & (table["zeile"] == "Einwohner")]
    latest = table[table["jahr"] == table["jahr"].max()]
    city = latest.loc[latest["raum_id"] == "000", "zahl"].item()
    assert areas.attrs["year"] == 2012 and city == 1_044_555
    for level in ("Stadtteil", "Stadtbezirk"):
        assert areas.loc[areas["level"] == level, "einwohner"].sum() == city
    assert koeln.population["einwohner"].sum() == pytest.approx(city)
    assert set(koeln.population["stadtteil"]) == set(areas.loc[areas["level"] == "Stadtteil",
                                                               "name"])
    ehrenfeld = areas[(areas["level"] == "Stadtteil") & (areas["parent"] == "Ehrenfeld")]
    assert sorted(ehrenfeld["area_id"]) == [f"40{i}" for i in range(1, 7)]


def test_koeln_facilities(koeln, realdata):
    fac = koeln.facilities
    assert "last_edited_by" not in fac.columns
    assert set(fac["layer"]) == {"defibrillator", "feuerwache", "krankenhaus"}
    assert (fac["layer"] == "defibrillator").sum() == 121
    assert (fac["stadtbezirk"] != "").all() and (fac["stadtteil"] != "").all()
    assert "OpenStreetMap" in koeln.attribution and "Stadt Köln" in koeln.attribution


def test_koeln_ehrenfeld_defibrillators_match_an_independent_join(koeln, realdata):
    folder = realdata / "koeln"
    aed = gpd.read_file(folder / "aed.geojson").to_crs(25832)
    bezirke = gpd.read_file(folder / "stadtbezirke.geojson").to_crs(25832)
    joined = gpd.sjoin(aed, bezirke[["STB_NAME", "geometry"]], predicate="within")
    expected = int((joined["STB_NAME"] == "Ehrenfeld").sum())
    fac = koeln.facilities
    got = int(((fac["layer"] == "defibrillator") & (fac["stadtbezirk"] == "Ehrenfeld")).sum())
    assert got == expected == 11
