"""The exercise checks of notebooks 01 and 02 recognise right answers and typical mistakes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from affine import Affine

from urbanki_helpers.checks import imagery
from urbanki_helpers.imagery.raster import write_labels


class FirstColumn:
    """A stand-in model whose prediction is the first feature."""

    def predict(self, X):
        return np.asarray(X)[:, 0]


def column(values):
    return np.asarray(values).reshape(-1, 1)


def namespace_01(**extra):
    dach = pd.DataFrame({"gruendach_m2": [10.0, 5.0], "gruendach_anteil": [0.2, 0.1]})
    buildings = pd.DataFrame({"gruendach_m2_wahr": [12.0, 6.0]})
    # Test pixels: TP 2, FP 1, FN 2 -> IoU 0.4, F1 4/7, precision 2/3, recall 0.5.
    teilung = SimpleNamespace(y_test=np.array([1, 1, 1, 1, 0, 0]),
                              y_train=np.array([1, 1, 1, 1, 0]),
                              X_train=column([1, 1, 1, 0, 0]))  # training IoU 0.75
    zufall = SimpleNamespace(y_test=np.array([1, 1, 1, 1, 1, 0]),
                             X_test=column([1, 1, 1, 1, 1, 1]))  # random-split IoU 5/6
    return {"dach": dach, "bild": SimpleNamespace(pixel_m=0.5),
            "szene": SimpleNamespace(buildings=buildings), "teilung": teilung,
            "vorhersage": np.array([1, 1, 0, 0, 1, 0]), "modell": FirstColumn(),
            "zufall": zufall, "modell_zufall": FirstColumn(), **extra}


def test_aufgabe_1_green_roof_area_and_typical_mistakes():
    assert "gruendach_gesamt_m2" in imagery.aufgabe_1(namespace_01()).message
    assert imagery.aufgabe_1(namespace_01(gruendach_gesamt_m2=15.0)).passed
    cases = {60.0: "Zahl der Pixel", 0.3: "Anteile addiert", 18.0: "wahre Fläche",
             14.0: "Noch nicht"}
    for value, phrase in cases.items():
        fb = imagery.aufgabe_1(namespace_01(gruendach_gesamt_m2=value))
        assert not fb.passed and phrase in fb.message, (value, fb.message)


def test_aufgabe_2_roof_iou_and_typical_mistakes():
    right = imagery.aufgabe_2(namespace_01(iou_dach=0.4))
    assert right.passed and "0,400" in right.message
    cases = {4 / 7: "F1-Wert", 2 / 3: "Präzision", 0.5: "Trefferquote", 40.0: "Prozent",
             0.75: "Trainingspixeln", 5 / 6: "zufälligen Pixelaufteilung", 0.3: "Noch nicht"}
    for value, phrase in cases.items():
        fb = imagery.aufgabe_2(namespace_01(iou_dach=value))
        assert not fb.passed and phrase in fb.message, (value, fb.message)
    assert "Datenleck" in imagery.aufgabe_2(namespace_01(iou_dach=5 / 6)).message
    # Without the random split in the namespace, its value is just wrong.
    fb = imagery.aufgabe_2(namespace_01(iou_dach=5 / 6, zufall=None))
    assert not fb.passed and "Noch nicht" in fb.message


def test_pipeline_1_tile_count_and_typical_mistakes():
    ns = {"breite": 1300, "hoehe": 1300, "tile_px": 512}
    assert "kacheln_256" in imagery.aufgabe_pipeline_1(ns).message
    right = imagery.aufgabe_pipeline_1({**ns, "kacheln_256": 36})
    assert right.passed and "6 × 6" in right.message
    cases = {25: "abgerundet", 9: "Kachelgröße aus den Parametern (512 px)",
             1300 * 1300 / 256 ** 2: "keine ganze Zahl", 30: "Noch nicht"}
    for value, phrase in cases.items():
        fb = imagery.aufgabe_pipeline_1({**ns, "kacheln_256": value})
        assert not fb.passed and phrase in fb.message, (value, fb.message)


def test_pipeline_2_sealed_area_and_typical_mistakes(tmp_path):
    # 10 × 10 pixels of 2 m: 20 roof, 10 green roof, 10 sealed, 10 partly sealed, 50 vegetation.
    labels = np.array([1] * 20 + [2] * 10 + [4] * 10 + [5] * 10 + [6] * 50).reshape(10, 10)
    write_labels(tmp_path / "klassen.tif", labels.astype(np.uint8), Affine(2, 0, 0, 0, -2, 20),
                 "EPSG:25832")
    ns = {"output_dir": str(tmp_path), "kopf": SimpleNamespace(pixel_m=2.0)}
    right = imagery.aufgabe_pipeline_2({**ns, "versiegelt_gesamt_m2": 200.0})
    assert right.passed and "200 m²" in right.message and "50,0 %" in right.message
    cases = {50.0: "Zahl der Pixel", 40.0: "Nur die Klasse", 160.0: "gewichtete",
             0.0002: "Fläche in km²", 0.02: "Fläche in Hektar", 100.0: "Noch nicht"}
    for value, phrase in cases.items():
        fb = imagery.aufgabe_pipeline_2({**ns, "versiegelt_gesamt_m2": value})
        assert not fb.passed and phrase in fb.message, (value, fb.message)
