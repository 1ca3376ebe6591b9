"""Checks for the exercises of notebooks 01 (Versiegelung) and 02 (Luftbild-Pipeline)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from urbanki_helpers.checks import Feedback, hint, ok, require
from urbanki_helpers.evaluation import format_de


def _number(ns: Mapping[str, Any], name: str) -> float | None:
    try:
        value = float(ns[name])
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def aufgabe_1(ns: Mapping[str, Any]) -> Feedback:
    """Green-roof area of all buildings according to the model: ``gruendach_gesamt_m2``."""
    name = "Aufgabe 1"
    missing = require(ns, name, "gruendach_gesamt_m2")
    if missing is not None:
        return missing
    value = _number(ns, "gruendach_gesamt_m2")
    if value is None:
        return hint(name, "`gruendach_gesamt_m2` soll eine Zahl in m² sein.")
    dach = ns["dach"]
    expected = float(dach["gruendach_m2"].sum())
    pixel_area = float(ns["bild"].pixel_m) ** 2
    if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-6):
        return ok(name, f"Richtig: {format_de(expected, 1)} m² Gründach laut Modell.")
    if expected and math.isclose(value * pixel_area, expected, rel_tol=1e-6):
        return hint(name, "Das ist die Zahl der Pixel. Ein Pixel ist "
                    f"{format_de(pixel_area, 2)} m² groß – rechnen Sie in m² um.")
    if "gruendach_anteil" in dach.columns and math.isclose(
            value, float(dach["gruendach_anteil"].sum()), rel_tol=1e-6):
        return hint(name, "Sie haben Anteile addiert. Gesucht ist die Fläche in m² "
                    "(Spalte `gruendach_m2`).")
    buildings = ns["szene"].buildings
    truth = [c for c in buildings.columns if c.startswith("gruendach_m2_wahr")]
    if any(math.isclose(value, float(buildings[c].sum()), rel_tol=1e-6) for c in truth):
        return hint(name, "Das ist die wahre Fläche aus den Gebäudedaten. Gefragt ist, was das "
                    "Modell gefunden hat: die Tabelle `dach`.")
    return hint(name, "Noch nicht. Tipp: `dach[\"gruendach_m2\"].sum()`.")


def _roof_iou(truth: Any, pred: Any) -> float | None:
    """IoU of the class Dach (code 1); ``None`` if neither truth nor prediction has a roof."""
    truth, pred = np.asarray(truth) == 1, np.asarray(pred) == 1
    union = int((truth | pred).sum())
    return int((truth & pred).sum()) / union if union else None


def _iou_elsewhere(ns: Mapping[str, Any], value: float) -> str | None:
    """A hint if ``value`` is the roof IoU on the training pixels or on a random pixel split."""
    candidates = (
        ("teilung", "modell", "X_train", "y_train",
         "Das ist die IoU auf den Trainingspixeln – die kennt das Modell schon, der Wert ist zu "
         "gut. Bewerten Sie nur die Testpixel: `teilung.y_test` und `vorhersage`."),
        ("zufall", "modell_zufall", "X_test", "y_test",
         "Das ist die IoU der zufälligen Pixelaufteilung (`zufall`). Dort liegen Testpixel direkt "
         "neben Trainingspixeln (Datenleck), der Wert ist geschönt. Nehmen Sie die räumlich "
         "geblockten Testpixel: `teilung.y_test` und `vorhersage`."),
    )
    for split_name, model_name, x_name, y_name, message in candidates:
        split, model = ns.get(split_name), ns.get(model_name)
        if split is None or model is None:
            continue
        iou = _roof_iou(getattr(split, y_name), model.predict(getattr(split, x_name)))
        if iou is not None and math.isclose(value, iou, rel_tol=1e-6, abs_tol=1e-9):
            return message
    return None


def aufgabe_2(ns: Mapping[str, Any]) -> Feedback:
    """IoU of the class Dach (code 1) on the test pixels: ``iou_dach``."""
    name = "Aufgabe 2"
    missing = require(ns, name, "iou_dach")
    if missing is not None:
        return missing
    value = _number(ns, "iou_dach")
    if value is None:
        return hint(name, "`iou_dach` soll eine Zahl zwischen 0 und 1 sein.")
    truth = np.asarray(ns["teilung"].y_test) == 1
    pred = np.asarray(ns["vorhersage"]) == 1
    tp, fp, fn = int((truth & pred).sum()), int((~truth & pred).sum()), int((truth & ~pred).sum())
    if tp + fp + fn == 0:
        return hint(name, "In den Testpixeln gibt es kein Dach – wählen Sie einen anderen "
                    "random_state.")
    expected = tp / (tp + fp + fn)
    if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
        return ok(name, f"Richtig: IoU = {format_de(expected, 3)}. Sie ist immer kleiner oder "
                  "gleich dem F1-Wert derselben Klasse.")
    f1 = 2 * tp / (2 * tp + fp + fn)
    if math.isclose(value, f1, rel_tol=1e-6):
        return hint(name, "Das ist der F1-Wert (2·TP / (2·TP + FP + FN)). Die IoU teilt die "
                    "Schnittmenge durch die Vereinigung: TP / (TP + FP + FN).")
    if tp + fp and math.isclose(value, tp / (tp + fp), rel_tol=1e-6):
        return hint(name, "Das ist die Präzision. Im Nenner fehlen die übersehenen "
                    "Dach-Pixel (wahr, aber nicht vorhergesagt).")
    if tp + fn and math.isclose(value, tp / (tp + fn), rel_tol=1e-6):
        return hint(name, "Das ist die Trefferquote. Im Nenner fehlen die fälschlich als "
                    "Dach vorhergesagten Pixel.")
    if math.isclose(value, 100 * expected, rel_tol=1e-6):
        return hint(name, "Bitte als Anteil zwischen 0 und 1, nicht in Prozent.")
    elsewhere = _iou_elsewhere(ns, value)
    if elsewhere is not None:
        return hint(name, elsewhere)
    return hint(name, "Noch nicht. Tipp: `(wahr & vorhergesagt).sum() / (wahr | "
                "vorhergesagt).sum()` mit `wahr = teilung.y_test == 1`.")


def aufgabe_pipeline_1(ns: Mapping[str, Any]) -> Feedback:
    """Number of tiles at 256 px: ``kacheln_256``."""
    from urbanki_helpers.imagery.tiling import MIN_TILE_PX, tile_windows

    name = "Aufgabe 1"
    missing = require(ns, name, "kacheln_256")
    if missing is not None:
        return missing
    value = _number(ns, "kacheln_256")
    if value is None:
        return hint(name, "`kacheln_256` soll eine ganze Zahl sein.")
    width, height = int(ns["breite"]), int(ns["hoehe"])
    expected = len(tile_windows(width, height, tile_px=256))
    if value == expected:
        return ok(name, f"Richtig: {expected} Kacheln ({math.ceil(width / 256)} × "
                  f"{math.ceil(height / 256)}).")
    if value == (width // 256) * (height // 256):
        return hint(name, "Sie haben abgerundet. Die angefangenen Kacheln am rechten und unteren "
                    "Rand zählen mit: aufrunden.")
    tile_px = ns.get("tile_px")
    if isinstance(tile_px, int) and tile_px >= MIN_TILE_PX and tile_px != 256 and \
            value == len(tile_windows(width, height, tile_px=tile_px)):
        return hint(name, f"Das ist die Zahl für die Kachelgröße aus den Parametern ({tile_px} "
                    "px). Gefragt ist eine Kachelgröße von 256 px: `tile_px=256`.")
    if math.isclose(value, width * height / 256 ** 2, rel_tol=1e-9):
        return hint(name, "Das ist keine ganze Zahl von Kacheln: Zählen Sie Kacheln je Zeile und "
                    "je Spalte (aufgerundet) und multiplizieren Sie.")
    return hint(name, "Noch nicht. Tipp: `len(tile_windows(breite, hoehe, tile_px=256))`.")


def aufgabe_pipeline_2(ns: Mapping[str, Any]) -> Feedback:
    """Sealed area of the whole image according to the model: ``versiegelt_gesamt_m2``."""
    from urbanki_helpers.imagery import classes as landcover
    from urbanki_helpers.imagery.raster import read_labels

    name = "Aufgabe 2"
    missing = require(ns, name, "versiegelt_gesamt_m2")
    if missing is not None:
        return missing
    value = _number(ns, "versiegelt_gesamt_m2")
    if value is None:
        return hint(name, "`versiegelt_gesamt_m2` soll eine Zahl in m² sein.")
    labels = read_labels(f"{ns['output_dir']}/klassen.tif")[0]
    pixel_area = float(ns["kopf"].pixel_m) ** 2
    counts = np.bincount(labels.ravel(), minlength=9)
    sealed = [c.code for c in landcover.CLASSES if c.sealed]
    expected = float(counts[sealed].sum() * pixel_area)
    if math.isclose(value, expected, rel_tol=1e-6):
        return ok(name, f"Richtig: {format_de(expected, 0)} m² versiegelt – "
                  f"{format_de(100 * expected / (labels.size * pixel_area), 1)} % des Bildes.")
    if math.isclose(value, expected / pixel_area, rel_tol=1e-6):
        return hint(name, "Das ist die Zahl der Pixel – mal Pixelfläche, dann sind es m².")
    for factor, unit in ((1e6, "km²"), (1e4, "Hektar")):
        if math.isclose(value, expected / factor, rel_tol=1e-6):
            return hint(name, f"Das ist die Fläche in {unit}. Gesucht sind m² (wie in der "
                        "Variablen `versiegelt_gesamt_m2`): nicht umrechnen.")
    if math.isclose(value, float(counts[4] * pixel_area), rel_tol=1e-6):
        return hint(name, "Nur die Klasse „versiegelt“ reicht nicht: Dächer, Gründächer, "
                    "Solaranlagen und teilversiegelte Flächen gelten auch als versiegelt.")
    weighted = float(sum(counts[c.code] * c.sealing_factor for c in landcover.CLASSES)
                     * pixel_area)
    if math.isclose(value, weighted, rel_tol=1e-6):
        return hint(name, "Das ist die gewichtete Gebührenfläche (mit Faktoren). Gesucht ist die "
                    "versiegelte Fläche ohne Faktoren.")
    return hint(name, "Noch nicht. Tipp: `np.isin(modellkarte, versiegelt_codes).sum()` mal "
                "`kopf.pixel_m ** 2`.")
