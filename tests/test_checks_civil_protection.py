"""The exercise checks of notebook 07 recognise right answers and typical mistakes."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
from shapely.geometry import Point, box

from urbanki_helpers.checks import civil_protection
from urbanki_helpers.plume import max_ground_concentration


def namespace(**extra):
    zones = gpd.GeoDataFrame({"level_name": ["1", "2"]},
                             geometry=[box(0, 0, 1000, 1000), box(0, 0, 300, 300)],
                             crs="EPSG:25832")
    population = gpd.GeoDataFrame({"einwohner": [100, 50, 7]},
                                  geometry=[Point(100, 100), Point(500, 500), Point(2000, 0)],
                                  crs="EPSG:25832")
    return {"stadt": SimpleNamespace(population=population), "zonen": zones,
            "emission_g_s": 1000.0, "wind_speed_m_s": 3.0, "release_height_m": 2.0,
            "stability": "D", "terrain": "rural", **extra}


def test_aufgabe_1_right_answer_and_typical_mistakes():
    assert civil_protection.aufgabe_1(namespace(betroffene_aussen=150)).passed
    assert "doppelt" in civil_protection.aufgabe_1(namespace(betroffene_aussen=250)).message
    assert "Rasterpunkte" in civil_protection.aufgabe_1(namespace(betroffene_aussen=2)).message
    assert "innere Zone" in civil_protection.aufgabe_1(namespace(betroffene_aussen=100)).message


def test_aufgabe_2_right_answer_and_inverted_ratio():
    assert civil_protection.aufgabe_2(namespace(verhaeltnis_wind=0.5)).passed
    assert "alt durch neu" in civil_protection.aufgabe_2(namespace(verhaeltnis_wind=2.0)).message


def test_aufgabe_2_percent_relative_change_and_difference():
    single, _ = max_ground_concentration(1000.0, 3.0, 2.0, "D", terrain="rural")
    double, _ = max_ground_concentration(1000.0, 6.0, 2.0, "D", terrain="rural")
    cases = {50.0: "Prozentwert", -0.5: "relative Änderung", -50.0: "relative Änderung",
             double - single: "Unterschied neu − alt in g/m³", 0.7: "Noch nicht"}
    for value, phrase in cases.items():
        fb = civil_protection.aufgabe_2(namespace(verhaeltnis_wind=value))
        assert not fb.passed and phrase in fb.message, (value, fb.message)
