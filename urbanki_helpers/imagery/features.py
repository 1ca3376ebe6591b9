"""Per-pixel features of an aerial image: bands, vegetation indices and neighbourhood texture.

Texture statistics look at a square neighbourhood of ``2 * radius + 1`` pixels; at the edge
of the array the image is mirrored. A tile that is read with a margin of :func:`halo` pixels
on every side (clipped at the raster's own edge) therefore gets exactly the features of the
whole raster, which is what makes tiled processing equal to a single pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from urbanki_helpers.errors import DataError, ParameterError

__all__ = ["FeatureStack", "compute_features", "feature_names", "halo"]

_EPS = 1e-6


@dataclass(frozen=True)
class FeatureStack:
    """Features of every pixel: ``values`` has shape (rows, cols, n_features), float32;
    ``names`` lists the features in that order; ``nir`` says whether a near-infrared band
    was used."""

    values: np.ndarray
    names: tuple[str, ...]
    nir: bool

    def table(self) -> np.ndarray:
        """The features as a (pixels, n_features) matrix for scikit-learn."""
        return self.values.reshape(-1, self.values.shape[-1])


def feature_names(*, nir: bool = True, radius: int = 2) -> tuple[str, ...]:
    """Names of the features :func:`compute_features` returns, in order."""
    _check_radius(radius)
    bands = ("red", "green", "blue", "nir") if nir else ("red", "green", "blue")
    indices = ("ndvi", "brightness", "exg") if nir else ("brightness", "exg")
    wide = 2 * radius
    texture = (f"brightness_mean_r{radius}", f"brightness_std_r{radius}",
               f"brightness_std_r{wide}", f"exg_mean_r{radius}", "gradient")
    if nir:
        texture = texture + (f"ndvi_mean_r{radius}", f"ndvi_std_r{radius}")
    return bands + indices + texture


def halo(radius: int = 2) -> int:
    """Margin in pixels a tile needs on every side to get the same features as the whole
    raster (the widest neighbourhood used, plus one pixel for the gradient)."""
    _check_radius(radius)
    return 2 * radius + 1


def compute_features(bands: np.ndarray, *, nir: bool | None = None, radius: int = 2
                     ) -> FeatureStack:
    """Features of every pixel of ``bands``, an array (band, row, col) of uint8 digital
    numbers in the order red, green, blue[, near infrared].

    ``nir=None`` uses the NIR band when there are four bands; ``nir=False`` ignores it (so
    that a model for RGB images can be applied to a 4-band image).
    """
    bands = np.asarray(bands)
    if bands.ndim != 3:
        raise DataError(
            f"Expected an image array (band, row, col), got {bands.ndim} dimensions.",
            message_de=f"Erwartet wird ein Bild-Array (Kanal, Zeile, Spalte); es hat "
                       f"{bands.ndim} Dimensionen.")
    n_bands = bands.shape[0]
    if n_bands not in (3, 4):
        raise DataError(
            f"An aerial image needs 3 bands (red, green, blue) or 4 (plus near infrared); "
            f"this one has {n_bands}.",
            message_de=f"Ein Luftbild braucht 3 Kanäle (Rot, Grün, Blau) oder 4 (dazu "
                       f"Nahinfrarot); dieses hat {n_bands}.")
    if nir is None:
        nir = n_bands == 4
    if nir and n_bands < 4:
        raise ParameterError(
            "nir=True needs a 4-band image (red, green, blue, near infrared); this one has 3.",
            message_de="Nahinfrarot-Merkmale brauchen ein Bild mit 4 Kanälen; dieses hat 3. "
                       "Setzen Sie die NIR-Merkmale ab (nir=False).")
    _check_radius(radius)
    x = bands.astype(np.float32) / np.float32(255)
    red, green, blue = x[0], x[1], x[2]
    brightness = (red + green + blue) / 3
    exg = 2 * green - red - blue
    layers = [red, green, blue]
    if nir:
        infrared = x[3]
        ndvi = (infrared - red) / (infrared + red + _EPS)
        layers += [infrared, ndvi]
    layers += [brightness, exg]
    size, wide = 2 * radius + 1, 4 * radius + 1
    layers += [
        _mean(brightness, size),
        _std(brightness, size),
        _std(brightness, wide),
        _mean(exg, size),
        _gradient(brightness),
    ]
    if nir:
        layers += [_mean(ndvi, size), _std(ndvi, size)]
    values = np.stack(layers, axis=-1).astype(np.float32, copy=False)
    return FeatureStack(values=values, names=feature_names(nir=nir, radius=radius), nir=nir)


def _check_radius(radius: int) -> None:
    if not isinstance(radius, (int, np.integer)) or isinstance(radius, bool) or radius < 1:
        raise ParameterError(
            f"radius must be a whole number of pixels of at least 1, got {radius!r}.",
            message_de=f"Der Radius muss eine ganze Zahl von mindestens 1 Pixel sein, "
                       f"nicht {radius!r}.")


def _mean(a: np.ndarray, size: int) -> np.ndarray:
    return ndimage.uniform_filter(a, size=size, mode="mirror")


def _std(a: np.ndarray, size: int) -> np.ndarray:
    mean = _mean(a, size)
    square = _mean(a * a, size)
    return np.sqrt(np.maximum(square - mean * mean, 0))


def _gradient(a: np.ndarray) -> np.ndarray:
    return np.hypot(ndimage.sobel(a, axis=0, mode="mirror"),
                    ndimage.sobel(a, axis=1, mode="mirror"))
