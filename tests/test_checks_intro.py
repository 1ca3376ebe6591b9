"""The exercise checks of notebook 00 recognise right answers and typical mistakes."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from urbanki_helpers.checks import intro

# One stop at the origin; residents at 100, 500, 700 and 1,000 m (10, 20, 30, 40 people).
# Within 800 m: 60 of 100 people (0.6), 3 of 4 cells (0.75); within 400 m (the parameter):
# 0.1; within 0.8 m (kilometres typed as metres): 0.
WEEK_1 = [10, 12, 14, 16, 18, 20, 22]
WEEK_3 = [12, 10, 18, 12, 18, 26, 16]  # differences to week 1: 2, -2, 4, -4, 0, 6, -6


def namespace(**extra):
    crs = "EPSG:25832"
    population = gpd.GeoDataFrame({"einwohner": [10, 20, 30, 40]},
                                  geometry=[Point(x, 0) for x in (100, 500, 700, 1000)], crs=crs)
    stops = gpd.GeoDataFrame({"name": ["Markt"]}, geometry=[Point(0, 0)], crs=crs)
    besuche = pd.DataFrame({"besuche": WEEK_1 + WEEK_1 + WEEK_3})
    test = np.arange(21) >= 14
    return {"bevoelkerung": population, "haltestellen": stops, "radius_m": 400,
            "besuche": besuche, "test": test, **extra}


def test_aufgabe_1_right_share_and_typical_mistakes():
    assert "anteil_800" in intro.aufgabe_1(namespace()).message
    right = intro.aufgabe_1(namespace(anteil_800=0.6))
    assert right.passed and "60,0 %" in right.message
    cases = {60.0: "Prozentwert", 0.1: "Radius aus den Parametern (400 m)",
             0.0: "in Metern angegeben, nicht in Kilometern", 0.75: "Rasterzellen gezählt",
             0.5: "stimmt noch nicht", "viel": "soll eine Zahl sein"}
    for value, phrase in cases.items():
        fb = intro.aufgabe_1(namespace(anteil_800=value))
        assert not fb.passed and phrase in fb.message, (value, fb.message)


def test_aufgabe_2_seasonal_naive_mae_and_typical_mistakes():
    assert "mae_vorwoche" in intro.aufgabe_2(namespace()).message
    right = intro.aufgabe_2(namespace(mae_vorwoche=24 / 7,
                                      vergleich=SimpleNamespace(model=2.0)))
    assert right.passed and "3,4 Besuche" in right.message and "besser" in right.message
    cases = {0.0: "`.abs()`",           # signed errors cancel out
             50 / 7: "Vortag",          # shift(1)
             12 / 7: "ganze Zeitreihe",  # training weeks included
             3.0: "stimmt noch nicht"}
    for value, phrase in cases.items():
        fb = intro.aufgabe_2(namespace(mae_vorwoche=value))
        assert not fb.passed and phrase in fb.message, (value, fb.message)
