"""Training pixel classifiers on an aerial image without fooling yourself.

Neighbouring pixels look alike: a model tested on pixels right next to its training pixels
looks far better than it is on a new image. The test pixels are therefore whole square
blocks of the image (:func:`block_split`), and training pixels can keep a distance of
``gap_px`` pixels from them (:func:`train_mask`). Training pixels are a stratified sample (at
most ``n_per_class`` per class), so that rare classes such as solar panels are learnt too.

The models follow scikit-learn's estimator API; :class:`ThresholdBaseline` is the rule set a
GIS analyst would build from a vegetation index and brightness, as the reference the model
must beat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import sklearn
from scipy import ndimage
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.utils.validation import check_is_fitted

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery import classes
from urbanki_helpers.imagery.features import FeatureStack, compute_features
from urbanki_helpers.imagery.model_io import PixelModel
from urbanki_helpers.imagery.raster import check_shape

__all__ = [
    "CLASSIFIERS",
    "PixelSample",
    "PixelSplit",
    "ThresholdBaseline",
    "block_split",
    "fit_pixel_model",
    "make_classifier",
    "out_of_fold_predict",
    "sample_pixels",
    "spatial_blocks",
    "train_mask",
    "train_test_pixels",
]

CLASSIFIERS = ("random_forest", "hist_gradient_boosting")


# --- spatial split --------------------------------------------------------------------------


def spatial_blocks(shape: tuple[int, int], block_px: int) -> np.ndarray:
    """Block id (int32) of every pixel of a (rows, cols) image cut into squares of
    ``block_px`` pixels, numbered row by row; blocks at the right and bottom edge may be
    smaller."""
    rows, cols = check_shape(shape)
    block_px = _positive_int(block_px, "block_px")
    n_cols = -(-cols // block_px)
    r = (np.arange(rows) // block_px).astype(np.int32)
    c = (np.arange(cols) // block_px).astype(np.int32)
    return r[:, None] * np.int32(n_cols) + c[None, :]


def block_split(shape: tuple[int, int], *, block_px: int = 100, test_share: float = 0.3,
                random_state: int = 0) -> np.ndarray:
    """Test mask (bool (rows, cols), True = test) made of whole, randomly chosen blocks of
    ``block_px`` pixels that together cover about ``test_share`` of the image (0–1).

    Blocks are drawn in random order until their pixels reach ``test_share``; at least one
    block goes to the test part and at least one stays for training. Use :func:`train_mask`
    for the training pixels, optionally with a gap around the test blocks.
    """
    rows, cols = check_shape(shape)
    block_px = _positive_int(block_px, "block_px")
    if isinstance(test_share, bool) or not isinstance(test_share, (int, float, np.floating)) \
            or not 0 < test_share < 1:
        raise ParameterError(
            f"test_share must be a share between 0 and 1 (e.g. 0.3 for 30 %), got "
            f"{test_share!r}.",
            message_de=f"test_share muss ein Anteil zwischen 0 und 1 sein (z. B. 0.3 für "
            f"30 %), nicht {test_share!r}.",
        )
    blocks = spatial_blocks((rows, cols), block_px)
    n_blocks = int(blocks.max()) + 1
    if n_blocks < 2:
        raise ParameterError(
            f"block_px={block_px} is too large for an image of {rows} × {cols} pixels: there "
            "is only one block, so nothing is left for training or testing. Choose a smaller "
            "block size.",
            message_de=f"block_px={block_px} ist zu groß für ein Bild mit {rows} × {cols} "
            "Pixeln: Es gibt nur einen Block, für Training oder Test bliebe nichts übrig. "
            "Wählen Sie eine kleinere Blockgröße.",
        )
    sizes = np.bincount(blocks.ravel(), minlength=n_blocks)
    order = np.random.default_rng(random_state).permutation(n_blocks)
    reached = np.cumsum(sizes[order]) >= test_share * rows * cols
    n_test = int(np.argmax(reached)) + 1 if reached.any() else n_blocks
    n_test = min(max(n_test, 1), n_blocks - 1)
    is_test = np.zeros(n_blocks, dtype=bool)
    is_test[order[:n_test]] = True
    return is_test[blocks]


def train_mask(test_mask: np.ndarray, *, gap_px: int = 0) -> np.ndarray:
    """Training mask (bool, True = may be used for training): every pixel that is not a test
    pixel and lies more than ``gap_px`` pixels (in rows or columns) from every test pixel."""
    test_mask = np.asarray(test_mask, dtype=bool)
    if test_mask.ndim != 2:
        raise DataError(
            f"test_mask must be a 2-D array (rows, cols), got shape {test_mask.shape}.",
            message_de=f"test_mask muss ein 2-D-Array (Zeilen, Spalten) sein; es hat die Form "
            f"{test_mask.shape}.",
        )
    gap_px = _positive_int(gap_px, "gap_px", minimum=0)
    near = test_mask
    if gap_px > 0:
        near = ndimage.maximum_filter(test_mask.view(np.uint8), size=2 * gap_px + 1,
                                      mode="constant", cval=0).astype(bool)
    allowed = ~near
    if not allowed.any():
        raise ParameterError(
            f"With gap_px={gap_px} no training pixels are left: every pixel is a test pixel or "
            "within the gap. Choose a smaller gap, larger blocks or a smaller test share.",
            message_de=f"Mit gap_px={gap_px} bleiben keine Trainingspixel übrig: Jedes Pixel "
            "ist Testpixel oder liegt im Abstand dazu. Wählen Sie einen kleineren Abstand, "
            "größere Blöcke oder einen kleineren Testanteil.",
        )
    return allowed


# --- sampling -------------------------------------------------------------------------------


class PixelSample(NamedTuple):
    """Result of :func:`sample_pixels`: ``indices`` (flat pixel indices, sorted) and
    ``missing`` (class codes without any pixel in the mask)."""

    indices: np.ndarray
    missing: list[int]


def sample_pixels(labels: np.ndarray, mask: np.ndarray, *, n_per_class: int,
                  random_state: int = 0) -> PixelSample:
    """Stratified sample of pixels where ``mask`` is True and the label is a class (not 0):
    at most ``n_per_class`` pixels of every class, all of them if a class has fewer.

    Returns ``PixelSample(indices, missing)``: flat indices into ``labels.ravel()`` (sorted;
    the same ``random_state`` gives the same sample) and the class codes of
    ``classes.codes()`` that have no pixel in the mask.
    """
    labels, mask = _labels_and_mask(labels, mask)
    n_per_class = _positive_int(n_per_class, "n_per_class")
    rng = np.random.default_rng(random_state)
    flat = np.flatnonzero(mask.ravel() & (labels.ravel() != classes.NODATA))
    values = labels.ravel()[flat]
    chosen, missing = [], []
    for code in classes.codes():
        pool = flat[values == code]
        if pool.size == 0:
            missing.append(code)
            continue
        if pool.size > n_per_class:
            pool = rng.choice(pool, size=n_per_class, replace=False)
        chosen.append(pool)
    indices = np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.int64)
    return PixelSample(indices=indices.astype(np.int64), missing=missing)


# --- models ---------------------------------------------------------------------------------


def make_classifier(name: str, *, random_state: int = 0, n_jobs: int = 1):
    """A pixel classifier by name: ``"random_forest"`` (80 trees, at least 3 pixels per
    leaf, ``n_jobs`` parallel jobs) or ``"hist_gradient_boosting"`` (60 boosting rounds, no
    early stopping, so results are reproducible; it ignores ``n_jobs`` and uses OpenMP
    threads, which ``OMP_NUM_THREADS`` or threadpoolctl limit)."""
    if name == "random_forest":
        return RandomForestClassifier(n_estimators=80, min_samples_leaf=3, max_features="sqrt",
                                      n_jobs=n_jobs, random_state=random_state)
    if name == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(max_iter=60, learning_rate=0.15,
                                              min_samples_leaf=20, early_stopping=False,
                                              random_state=random_state)
    allowed = ", ".join(repr(n) for n in CLASSIFIERS)
    raise ParameterError(
        f"Unknown classifier {name!r}. Allowed: {allowed}.",
        message_de=f"Unbekanntes Klassifikationsverfahren {name!r}. Erlaubt sind: {allowed}.",
    )


# The groups the rule set works with: vegetation-like, dark, and everything else.
_VEGETATED = (classes.by_key("vegetation").code, classes.by_key("green_roof").code)
_DARK = (classes.by_key("water").code, classes.by_key("shadow").code)


class ThresholdBaseline(ClassifierMixin, BaseEstimator):
    """The rule set a GIS analyst builds from two rasters: a vegetation index and brightness.

    The vegetation index is the NDVI when the features include near infrared, else the
    excess-green index ``exg`` (RGB images). The rules, in this order:

    1. brightness below a threshold → dark: Wasser or Schatten (the vegetation index of very
       dark pixels is mostly noise, so they are never called vegetation);
    2. otherwise vegetation index above a threshold → vegetated: Vegetation or Gründach;
    3. otherwise one of Dach, Solaranlage, versiegelt, teilversiegelt.

    Within a group the pixel gets the class whose median (vegetation index, brightness) is
    nearest, each axis measured in units of the typical spread within the classes (median
    absolute deviation) - a minimum-distance rule on the same two rasters.

    ``fit`` learns nothing but these medians and spreads from the training pixels; each
    threshold lies halfway between the medians of the neighbouring groups (brightness: the
    brightest dark class and the darkest other class; vegetation index: the least green
    vegetated class and the greenest remaining class). Only classes present in the training
    data are predicted. Like the analyst, the rules cannot tell roofs from streets of the
    same grey, which is what colour and texture features add.

    Parameters
    ----------
    feature_names:
        Names of the columns of ``X``, in order: the ``names`` of a
        :class:`~urbanki_helpers.imagery.features.FeatureStack`. Needed are ``brightness``
        and ``ndvi`` or ``exg``. None: the column names of a pandas DataFrame ``X``.
    """

    def __init__(self, feature_names=None):
        self.feature_names = feature_names

    def fit(self, X, y):
        names = self._names(X)
        X = self._matrix(X, names)
        y = np.asarray(y).ravel()
        if y.shape[0] != X.shape[0]:
            raise DataError(
                f"X has {X.shape[0]} rows but y has {y.shape[0]} labels.",
                message_de=f"X hat {X.shape[0]} Zeilen, y aber {y.shape[0]} Klassen.",
            )
        keep = y != classes.NODATA
        X, y = X[keep], y[keep]
        if y.size == 0:
            raise DataError(
                "No training pixels with a class (all labels are 0 or the sample is empty).",
                message_de="Keine Trainingspixel mit Klasse (alle Klassen sind 0 oder die "
                "Stichprobe ist leer).",
            )
        self.index_ = self.index_for(names)
        self.vegetation_index_ = "ndvi" if "ndvi" in names else "exg"
        values = X[:, list(self.index_)]  # (pixels, 2): vegetation index, brightness
        self.classes_ = np.unique(y)
        self.medians_ = {int(c): tuple(float(v) for v in np.median(values[y == c], axis=0))
                         for c in self.classes_}
        present = set(self.medians_)
        self.groups_ = {
            "dark": sorted(present & set(_DARK)),
            "vegetated": sorted(present & set(_VEGETATED)),
            "other": sorted(present - set(_VEGETATED) - set(_DARK)),
        }
        self.spread_ = {}
        for group, members in self.groups_.items():
            if members:
                inside = np.isin(y, members)
                centre = np.array([self.medians_[int(c)] for c in y[inside]])
                mad = np.median(np.abs(values[inside] - centre), axis=0) * 1.4826
                self.spread_[group] = tuple(float(v) for v in np.maximum(mad, 1e-3))
        thresholds = {}
        bright_groups = self.groups_["vegetated"] + self.groups_["other"]
        if self.groups_["dark"] and bright_groups:
            dark = max(self.medians_[c][1] for c in self.groups_["dark"])
            other = min(self.medians_[c][1] for c in bright_groups)
            thresholds["brightness"] = (dark + other) / 2
        if self.groups_["vegetated"] and self.groups_["other"]:
            low = min(self.medians_[c][0] for c in self.groups_["vegetated"])
            high = max(self.medians_[c][0] for c in self.groups_["other"])
            thresholds[self.vegetation_index_] = (low + high) / 2
        self.thresholds_ = thresholds
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        check_is_fitted(self, "medians_")
        names = self._names(X)
        X = self._matrix(X, names)
        if X.shape[1] != self.n_features_in_:
            raise DataError(
                f"X has {X.shape[1]} features, the baseline was fitted with "
                f"{self.n_features_in_}.",
                message_de=f"X hat {X.shape[1]} Merkmale, die Baseline wurde mit "
                f"{self.n_features_in_} angepasst.",
            )
        values = X[:, list(self.index_)]
        groups = self.groups_
        if "brightness" in self.thresholds_:
            dark = values[:, 1] < self.thresholds_["brightness"]
        else:  # only dark classes, or none at all
            dark = np.full(len(values), bool(groups["dark"]))
        if self.vegetation_index_ in self.thresholds_:
            green = values[:, 0] >= self.thresholds_[self.vegetation_index_]
        else:  # only one of the two groups is present
            green = np.full(len(values), bool(groups["vegetated"]))
        out = np.zeros(len(values), dtype=self.classes_.dtype)
        for group, where in (("dark", dark), ("vegetated", ~dark & green),
                             ("other", ~dark & ~green)):
            if where.any():
                out[where] = self._nearest(group, values[where])
        return out

    @staticmethod
    def index_for(names) -> tuple[int, int]:
        """Column positions of (vegetation index, brightness) among feature ``names``."""
        names = list(names)
        missing = [n for n in ("brightness",) if n not in names]
        if "ndvi" not in names and "exg" not in names:
            missing.append("ndvi oder exg")
        if missing:
            raise ParameterError(
                f"ThresholdBaseline needs the features 'brightness' and 'ndvi' or 'exg'; "
                f"missing: {', '.join(missing)}. Pass feature_names=features.names of the "
                "FeatureStack.",
                message_de=f"ThresholdBaseline braucht die Merkmale „brightness“ und „ndvi“ "
                f"oder „exg“; es fehlt: {', '.join(missing)}. Übergeben Sie "
                "feature_names=merkmale.names des FeatureStack.",
            )
        veg = "ndvi" if "ndvi" in names else "exg"
        return names.index(veg), names.index("brightness")

    def _nearest(self, group: str, values: np.ndarray) -> np.ndarray:
        """Class of ``group`` whose median (vegetation index, brightness) is nearest to each
        row of ``values``, in units of the group's spread; ties go to the lower code."""
        members = self.groups_[group]
        centres = np.array([self.medians_[c] for c in members])
        scale = np.array(self.spread_[group])
        distance = (((values[:, None, :] - centres[None, :, :]) / scale) ** 2).sum(axis=2)
        return np.asarray(members, dtype=self.classes_.dtype)[distance.argmin(axis=1)]

    def _names(self, X) -> list[str]:
        if self.feature_names is not None:
            return list(self.feature_names)
        columns = getattr(X, "columns", None)
        if columns is None:
            raise ParameterError(
                "ThresholdBaseline needs feature names: pass feature_names=features.names, or "
                "give X as a DataFrame with named columns.",
                message_de="ThresholdBaseline braucht die Merkmalsnamen: Übergeben Sie "
                "feature_names=merkmale.names oder X als DataFrame mit Spaltennamen.",
            )
        return [str(c) for c in columns]

    @staticmethod
    def _matrix(X, names: list[str]) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(names):
            raise DataError(
                f"X must be a matrix (pixels, features) with {len(names)} columns (one per "
                f"feature name), got shape {X.shape}.",
                message_de=f"X muss eine Matrix (Pixel, Merkmale) mit {len(names)} Spalten "
                f"sein (eine je Merkmalsname); sie hat die Form {X.shape}.",
            )
        return X


# --- one call for notebooks -----------------------------------------------------------------


@dataclass(frozen=True)
class PixelSplit:
    """Training and test pixels of one image (see :func:`train_test_pixels`).

    ``X_*`` are (pixels, features) float32, ``y_*`` class codes; ``train_index`` and
    ``test_index`` the flat pixel indices they come from; ``test_mask`` / ``train_mask`` bool
    (rows, cols); ``feature_names`` the column names; ``missing`` the class codes without
    training pixels.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_mask: np.ndarray
    train_mask: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray
    feature_names: tuple[str, ...]
    missing: list[int]


def train_test_pixels(features: FeatureStack, labels: np.ndarray, *, block_px: int = 100,
                      test_share: float = 0.3, n_per_class: int = 2000, random_state: int = 0,
                      gap_px: int = 0, n_test: int | None = None) -> PixelSplit:
    """Split an image's labelled pixels into training and test pixels by spatial blocks.

    Test pixels: all labelled pixels (label ≠ 0) of the test blocks (:func:`block_split`), so
    that metrics and areas reflect the real class proportions; with ``n_test`` a simple random
    sample of at most that many of them (proportions kept; faster for large images).
    Training pixels: a stratified sample of at most ``n_per_class`` pixels per class from
    outside the test blocks and outside a gap of ``gap_px`` pixels around them.
    """
    if not isinstance(features, FeatureStack):
        raise ParameterError(
            f"features must be a FeatureStack from compute_features, got "
            f"{type(features).__name__}.",
            message_de=f"features muss ein FeatureStack aus compute_features sein, nicht "
            f"{type(features).__name__}.",
        )
    labels = np.asarray(labels)
    if labels.shape != features.values.shape[:2]:
        raise DataError(
            f"The label raster has {labels.shape} pixels, the features {features.values.shape[:2]}"
            ". Both must cover the same grid (read the labels with the same window).",
            message_de=f"Das Klassenraster hat {labels.shape} Pixel, die Merkmale "
            f"{features.values.shape[:2]}. Beide müssen dasselbe Raster abdecken (Klassen mit "
            "demselben Fenster lesen).",
        )
    test = block_split(labels.shape, block_px=block_px, test_share=test_share,
                       random_state=random_state)
    allowed = train_mask(test, gap_px=gap_px)
    sample = sample_pixels(labels, allowed, n_per_class=n_per_class, random_state=random_state)
    if sample.indices.size == 0:
        raise DataError(
            "There are no labelled pixels outside the test blocks to train on.",
            message_de="Außerhalb der Testblöcke gibt es keine Pixel mit Klasse zum Trainieren. "
            "Prüfen Sie das Klassenraster oder wählen Sie einen kleineren Testanteil.",
        )
    flat_labels = labels.ravel()
    test_index = np.flatnonzero(test.ravel() & (flat_labels != classes.NODATA))
    if test_index.size == 0:
        raise DataError(
            "The test blocks contain no labelled pixels.",
            message_de="Die Testblöcke enthalten keine Pixel mit Klasse. Wählen Sie einen "
            "anderen random_state oder einen größeren Testanteil.",
        )
    if n_test is not None:
        n_test = _positive_int(n_test, "n_test")
        if test_index.size > n_test:
            rng = np.random.default_rng([random_state, 1])
            test_index = np.sort(rng.choice(test_index, size=n_test, replace=False))
    table = features.table()
    return PixelSplit(
        X_train=table[sample.indices], y_train=flat_labels[sample.indices],
        X_test=table[test_index], y_test=flat_labels[test_index],
        test_mask=test, train_mask=allowed, train_index=sample.indices, test_index=test_index,
        feature_names=tuple(features.names), missing=sample.missing,
    )


# --- checks ---------------------------------------------------------------------------------


def _positive_int(value, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            f"{name} must be a whole number of at least {minimum}, got {value!r}.",
            message_de=f"{name} muss eine ganze Zahl von mindestens {minimum} sein, nicht "
            f"{value!r}.",
        )
    return int(value)


def _labels_and_mask(labels, mask) -> tuple[np.ndarray, np.ndarray]:
    labels = np.asarray(labels)
    mask = np.asarray(mask, dtype=bool)
    if labels.ndim != 2 or labels.shape != mask.shape:
        raise DataError(
            f"labels and mask must be 2-D arrays of the same shape, got {labels.shape} and "
            f"{mask.shape}.",
            message_de=f"labels und mask müssen 2-D-Arrays gleicher Form sein; sie haben die "
            f"Formen {labels.shape} und {mask.shape}.",
        )
    return labels, mask


def out_of_fold_predict(features: FeatureStack, labels: np.ndarray, *, classifier: str,
                        block_px: int = 100, folds: int = 3, n_per_class: int = 2000,
                        gap_px: int = 0, random_state: int = 0) -> np.ndarray:
    """A class map of the whole image in which no pixel was predicted by a model that saw it
    (or a pixel closer than ``gap_px``) in training.

    The spatial blocks are dealt into ``folds`` groups; for each group a model is trained on
    a stratified sample of the other groups' pixels and predicts the group. Areas per parcel
    computed from this map are honest estimates of what the method does on unseen ground,
    unlike a map predicted by a model trained on the same image.
    """
    folds = _positive_int(folds, "folds", minimum=2)
    labels = np.asarray(labels)
    if labels.shape != features.values.shape[:2]:
        raise DataError(
            f"The label raster has {labels.shape} pixels, the features "
            f"{features.values.shape[:2]}.",
            message_de=f"Das Klassenraster hat {labels.shape} Pixel, die Merkmale "
            f"{features.values.shape[:2]}; beide müssen dasselbe Raster abdecken.")
    blocks = spatial_blocks(labels.shape, _positive_int(block_px, "block_px"))
    n_blocks = int(blocks.max()) + 1
    rng = np.random.default_rng([random_state, 2])
    group_of_block = rng.permutation(n_blocks) % folds
    group = group_of_block[blocks]
    table = features.table()
    out = np.zeros(labels.size, dtype=np.uint8)
    for g in range(folds):
        held_out = group == g
        allowed = train_mask(held_out, gap_px=gap_px)
        sample = sample_pixels(labels, allowed, n_per_class=n_per_class,
                               random_state=random_state + g)
        model = make_classifier(classifier, random_state=random_state)
        model.fit(table[sample.indices], labels.ravel()[sample.indices])
        index = np.flatnonzero(held_out.ravel())
        for start in range(0, index.size, 500_000):  # bounded memory for large images
            part = index[start:start + 500_000]
            out[part] = model.predict(table[part])
    return out.reshape(labels.shape)


def fit_pixel_model(image_bands: np.ndarray, labels: np.ndarray, *,
                    classifier: str = "random_forest", nir: bool | None = None, radius: int = 2, n_per_class: int = 2000,
                    random_state: int = 0, description: str = ""):
    """Train a classifier on a stratified sample of all labelled pixels of one image and wrap
    it as a :class:`~urbanki_helpers.imagery.model_io.PixelModel` with its metadata (feature
    list, classes, training data), ready to be saved and applied to other images.

    Evaluate it on *other* ground (another scene or held-out blocks), never on this image.
    """
    stack = compute_features(image_bands, nir=nir, radius=radius)
    labels = np.asarray(labels)
    sample = sample_pixels(labels, np.ones(labels.shape, dtype=bool), n_per_class=n_per_class,
                           random_state=random_state)
    y = labels.ravel()[sample.indices]
    estimator = make_classifier(classifier, random_state=random_state)
    estimator.fit(stack.table()[sample.indices], y)
    counts = {int(c): int(n) for c, n in zip(*np.unique(y, return_counts=True), strict=True)}
    return PixelModel(
        estimator=estimator, feature_names=stack.names, radius=radius, nir=stack.nir,
        classes=sorted(counts), training={
            "description": description, "classifier": classifier, "pixels_per_class": counts,
            "image_shape": list(labels.shape), "random_state": random_state,
            "trained_on": dt.date.today().isoformat(), "sklearn": sklearn.__version__})
