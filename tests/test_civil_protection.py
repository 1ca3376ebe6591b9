"""Affected population and facilities per warning zone; the warning text."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from urbanki_helpers.civil_protection import affected_by_area, affected_by_level, warning_text
from urbanki_helpers.errors import CRSError


def layers():
    zones = gpd.GeoDataFrame({"level_name": ["Stufe 1", "Stufe 2"], "threshold_g_m3": [0.02, 0.1]},
                             geometry=[box(0, 0, 1000, 1000), box(0, 0, 300, 300)],
                             crs="EPSG:25832")
    population = gpd.GeoDataFrame({"einwohner": [100, 50, 7], "stadtteil": ["A", "B", "B"]},
                                  geometry=[Point(100, 100), Point(500, 500), Point(2000, 0)],
                                  crs="EPSG:25832")
    facilities = gpd.GeoDataFrame(
        {"layer": ["schule", "defibrillator", "pflegeheim"], "name": ["Nord", "X", "Haus am See"]},
        geometry=[Point(200, 200), Point(210, 210), Point(900, 900)], crs="EPSG:25832")
    return zones, population, facilities


def test_nested_zones_count_people_and_sensitive_facilities():
    zones, population, facilities = layers()
    table = affected_by_level(zones, population, facilities)
    assert table["einwohner"].tolist() == [150, 100]
    assert table["einrichtungen"].tolist() == [2, 1]  # the defibrillator is not sensitive
    assert table.loc[1, "einrichtungen_namen"] == "Schule Nord"
    assert table["flaeche_km2"].tolist() == [1.0, 0.09]


def test_by_area_and_crs_checks():
    zones, population, facilities = layers()
    by_area = affected_by_area(zones.geometry[0], population, area_column="stadtteil")
    assert by_area.to_dict("records") == [{"stadtteil": "A", "einwohner_betroffen": 100},
                                          {"stadtteil": "B", "einwohner_betroffen": 50}]
    with pytest.raises(CRSError):
        affected_by_level(zones, population.to_crs("EPSG:4326"), facilities)


def test_warning_text_says_what_to_do():
    text = warning_text("Stufe 2", ["Altstadt", "Am Hafen"], substance="Ammoniak",
                        facilities=["Schule Nord"])
    assert text.splitlines()[0] == "Warnung (Stufe 2): Austritt von Ammoniak."
    assert "Betroffen: Altstadt, Am Hafen." in text and "Besonders zu schützen: Schule Nord." in text
    assert "Schließen Sie Fenster und Türen." in text and "Lüftungs- und Klimaanlagen aus" in text
