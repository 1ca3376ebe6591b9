"""The inputs of the solar-obligation notebook: two flights on one grid, buildings, and the
known changes to evaluate the detection with.

Empty paths mean the synthetic Musterstadt (dataset ``musterstadt_luftbild``: 2023 and 2025
flights, buildings with roof forms, ``aenderungen.csv``). A user's own pair needs the first
flight's label raster (the model is trained on it), the second flight on the same grid, and
building footprints with ``gebaeude_id`` (and ``dachform`` for the potential).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.data.tables import read_table, require_columns
from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery.inputs import SCENE_ID, SceneInputs, load_scene_inputs
from urbanki_helpers.imagery.raster import ImageData, read_image, read_labels

__all__ = ["EpochPair", "load_epoch_pair"]


@dataclass
class EpochPair:
    """The first flight with labels and buildings (``a``), the second flight's image (``b``),
    the true changes (``truth``: ``gebaeude_id``, ``aenderung``; None if unknown), the second
    flight's reference labels where known (``labels_b``, Musterstadt only: to check the
    model's map of the second flight) and German notes on what was read."""

    a: SceneInputs
    b: ImageData
    truth: pd.DataFrame | None
    labels_b: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


def load_epoch_pair(image_a_path: str | os.PathLike = "", labels_a_path: str | os.PathLike = "",
                    image_b_path: str | os.PathLike = "", buildings_path: str | os.PathLike = "",
                    changes_path: str | os.PathLike = "", *,
                    id_column: str = "gebaeude_id") -> EpochPair:
    """Read and check both flights (see the module docstring)."""
    own_a, own_b = bool(str(image_a_path or "")), bool(str(image_b_path or ""))
    if own_a != own_b:
        raise ParameterError(
            "Give both image_a_path and image_b_path, or neither (then the Musterstadt "
            "flights of 2023 and 2025 are used).",
            message_de="Geben Sie beide Luftbilder an (image_a_path und image_b_path) oder "
            "keines – dann gelten die Befliegungen 2023 und 2025 der Musterstadt.")
    if own_a and not buildings_path:
        raise ParameterError(
            "Your own flights need building footprints (buildings_path).",
            message_de="Zu eigenen Luftbildern gehören Gebäudeumrisse (buildings_path), "
            "z. B. aus dem ALKIS oder LoD2 – die Änderungen werden je Gebäude gesucht.")
    a = load_scene_inputs(image_a_path, labels_a_path, "", buildings_path, epoch=2023)
    b = read_image(image_b_path or dataset_file(SCENE_ID, "dop_2025.tif"))
    if b.shape != a.image.shape or not b.transform.almost_equals(a.image.transform) \
            or b.crs != a.image.crs:
        raise DataError(
            f"The second image ({b.shape[0]} × {b.shape[1]} px, {b.crs}) does not lie on the "
            f"grid of the first ({a.image.shape[0]} × {a.image.shape[1]} px, {a.image.crs}).",
            message_de=f"Das zweite Luftbild ({b.shape[0]} × {b.shape[1]} Pixel, {b.crs}) liegt "
            f"nicht auf dem Raster des ersten ({a.image.shape[0]} × {a.image.shape[1]} Pixel, "
            f"{a.image.crs}). Schneiden Sie beide auf dieselbe Ausdehnung und Auflösung zu "
            "(z. B. in QGIS: Raster › Ausrichten).")
    if b.nir != a.image.nir:
        raise DataError(
            "Both images need the same bands (both with or both without near infrared).",
            message_de="Beide Luftbilder brauchen dieselben Kanäle (beide mit oder beide ohne "
            "nahes Infrarot).")
    if id_column not in a.buildings.columns:
        raise DataError(
            f"The building layer has no column {id_column!r}.",
            message_de=f"Der Gebäude-Layer hat keine Spalte „{id_column}“ (Kennung je Gebäude, "
            "wie im Bauantragsregister). Vorhandene Spalten: "
            f"{', '.join(c for c in a.buildings.columns if c != 'geometry')}.")
    notes = [*a.notes, *(n for n in b.notes if n not in a.notes)]
    if changes_path:
        truth = read_table(changes_path, keep_str=[id_column])
        require_columns(truth, [id_column, "aenderung"], name="Änderungstabelle")
    elif not own_a:
        truth = read_table(dataset_file(SCENE_ID, "aenderungen.csv"), keep_str=[id_column])
    else:
        truth = None
        notes.append("Ohne bekannte Änderungen (changes_path) lässt sich die Erkennung nicht "
                     "prüfen; die Prüfliste entsteht trotzdem.")
    labels_b = None if own_a else read_labels(dataset_file(SCENE_ID, "klassen_2025.tif"))[0]
    return EpochPair(a=a, b=b, truth=truth, labels_b=labels_b, notes=notes)
