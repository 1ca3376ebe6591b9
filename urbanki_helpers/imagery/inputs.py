"""The inputs of the land-cover notebook: an image, its label raster, parcels and buildings.

Empty paths mean the synthetic Musterstadt orthophoto (dataset ``musterstadt_luftbild``).
Everything is checked before any analysis: the label raster must lie on the image's grid,
and polygon layers are brought into the image's CRS (with a note).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from affine import Affine

from urbanki_helpers.data.catalog import dataset_file, load_catalog
from urbanki_helpers.data.geo import read_geodata
from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery.raster import ImageData, read_image, read_labels

__all__ = ["SCENE_ID", "SceneInputs", "load_scene_inputs", "read_layer"]

SCENE_ID = "musterstadt_luftbild"


@dataclass
class SceneInputs:
    """An image with its reference labels and polygon layers (``None`` where not given)."""

    image: ImageData
    labels: np.ndarray
    parcels: gpd.GeoDataFrame | None
    buildings: gpd.GeoDataFrame | None
    attribution: str
    synthetic: bool
    epoch: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def truth_column(self) -> str | None:
        """Column of the parcels with the true sealed area (m²) of this image, if any."""
        if self.parcels is None:
            return None
        for name in (f"versiegelt_m2_wahr_{self.epoch}", "versiegelt_m2_wahr"):
            if name in self.parcels.columns:
                return name
        return None

    @property
    def transform(self) -> Affine:
        return self.image.transform


def load_scene_inputs(image_path: str | os.PathLike = "", labels_path: str | os.PathLike = "",
                      parcels_path: str | os.PathLike = "",
                      buildings_path: str | os.PathLike = "", *, epoch: int = 2023
                      ) -> SceneInputs:
    """Read and check the inputs. An empty ``image_path`` takes the Musterstadt scene of
    ``epoch`` (2023 or 2025) with its labels, parcels and buildings; empty polygon paths
    then take the Musterstadt layers too. A user's own image needs its own label raster."""
    image_path, labels_path = str(image_path or ""), str(labels_path or "")
    own_image = bool(image_path)
    if own_image and not labels_path:
        raise ParameterError(
            "Training and testing need a label raster on the same grid as the image "
            "(labels_path). To apply a trained model to an image without labels, use "
            "notebook 02.",
            message_de="Zum Trainieren und Prüfen braucht das Notebook ein Klassenraster auf "
            "demselben Raster wie das Bild (labels_path). Ein fertiges Modell auf ein Bild ohne "
            "Klassen anwenden: Notebook 02 (Luftbild-Pipeline).")
    if not own_image and labels_path:
        raise ParameterError(
            "labels_path was given without image_path; give both or neither.",
            message_de="labels_path ist gesetzt, image_path aber nicht: geben Sie beide an "
            "oder keines (dann gilt die Musterstadt).")
    if epoch not in (2023, 2025):
        raise ParameterError(f"epoch must be 2023 or 2025, got {epoch!r}.",
                             message_de=f"epoch muss 2023 oder 2025 sein, nicht {epoch!r}.")
    if not own_image:
        image_path = dataset_file(SCENE_ID, f"dop_{epoch}.tif")
        labels_path = dataset_file(SCENE_ID, f"klassen_{epoch}.tif")
        layers = dataset_file(SCENE_ID, "musterstadt_luftbild.gpkg")
        parcels_path = parcels_path or layers
        buildings_path = buildings_path or layers
        attribution = load_catalog()[SCENE_ID].attribution
    else:
        attribution = "Luftbild und Klassen: eigene Daten"
    image = read_image(image_path)
    labels, transform, crs = read_labels(labels_path)
    if labels.shape != image.shape or not transform.almost_equals(image.transform) \
            or crs != image.crs:
        raise DataError(
            f"The label raster ({labels.shape[0]} × {labels.shape[1]} px, {crs}) does not lie "
            f"on the image's grid ({image.shape[0]} × {image.shape[1]} px, {image.crs}).",
            message_de=f"Das Klassenraster ({labels.shape[0]} × {labels.shape[1]} Pixel, {crs})"
            f" liegt nicht auf dem Raster des Bildes ({image.shape[0]} × {image.shape[1]} "
            f"Pixel, {image.crs}). Schneiden Sie beide auf dieselbe Ausdehnung und Auflösung zu "
            "(z. B. in QGIS: Raster › Ausrichten).")
    notes = list(image.notes)
    parcels = _layer(parcels_path, "flurstuecke", image.crs, notes)
    buildings = _layer(buildings_path, "gebaeude", image.crs, notes)
    return SceneInputs(image=image, labels=labels, parcels=parcels, buildings=buildings,
                       attribution=attribution, synthetic=not own_image,
                       epoch=None if own_image else epoch, notes=notes)


def read_layer(path: str | os.PathLike, default_layer: str) -> gpd.GeoDataFrame:
    """Read a polygon layer in its own CRS. In the Musterstadt GeoPackage (several layers) the
    layer ``default_layer`` (``flurstuecke`` or ``gebaeude``) is taken; a user's file must
    have one layer or name it the GIS way (see :func:`~urbanki_helpers.data.geo.read_geodata`)."""
    path = str(path)
    layer = default_layer if path.endswith(f"{SCENE_ID}.gpkg") else None
    return read_geodata(path, layer=layer, to_metric=False)


def _layer(path, default_layer: str, crs: str, notes: list[str]) -> gpd.GeoDataFrame | None:
    if not path:
        return None
    path = str(path)
    gdf = read_layer(path, default_layer)
    if gdf.crs is not None and gdf.crs != crs:
        gdf = gdf.to_crs(crs)
        notes.append(f"Die Ebene {os.path.basename(path)} wurde von "
                     f"{gdf.attrs.get('source_crs', 'ihrem Koordinatensystem')} in {crs} "
                     "umprojiziert.")
    return gdf
