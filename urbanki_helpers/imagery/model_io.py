"""A trained pixel classifier with what it needs to be applied again: the feature list, the
neighbourhood radius, whether it uses near infrared, and a description of its training data.

:func:`save_model` writes one ZIP file with the fitted scikit-learn estimator
(``model.pkl``, Python pickle) and ``metadata.json`` (features, classes, training data,
library versions, checksum of the pickle). :func:`load_model` reads it back and checks that
the features still match and which scikit-learn version wrote it.

.. warning::
   Loading a pickle can run arbitrary code. Load only model files that you or a trusted
   colleague made; do not open model files from e-mail attachments or unknown websites. The
   checksum in ``metadata.json`` detects damaged files, not deliberate manipulation.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery import features as _features
from urbanki_helpers.imagery.classes import NODATA, codes

__all__ = ["FORMAT", "PixelModel", "load_model", "save_model"]

FORMAT = "urbanki-pixelmodel/1"  # format marker in metadata.json
_PICKLE = "model.pkl"
_META = "metadata.json"


@dataclass
class PixelModel:
    """A fitted scikit-learn classifier for per-pixel land cover.

    Parameters
    ----------
    estimator:
        Fitted classifier (``predict`` on a (pixels, features) matrix returns class codes).
    feature_names:
        Names of the features in the order the estimator expects them (from
        :func:`~urbanki_helpers.imagery.features.feature_names`).
    radius:
        Neighbourhood radius in pixels used for the texture features.
    nir:
        True if the model uses the near-infrared band (needs 4-band images).
    classes:
        Class codes the model can predict (1–8, see ``classes.py``).
    training:
        Description of the training data: scene, epoch, pixels per class, date, metrics …
    notes:
        German notes on the model, e.g. a scikit-learn version difference found when loading.
    """

    estimator: object
    feature_names: tuple[str, ...]
    radius: int
    nir: bool
    classes: list[int]
    training: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.feature_names = tuple(str(n) for n in self.feature_names)
        self.classes = [int(c) for c in self.classes]
        if not hasattr(self.estimator, "predict"):
            raise ParameterError(
                f"estimator must be a fitted scikit-learn classifier, got "
                f"{type(self.estimator).__name__}.",
                message_de="estimator muss ein trainierter scikit-learn-Klassifikator sein, "
                f"nicht {type(self.estimator).__name__}.")
        unknown = sorted(set(self.classes) - set(codes()))
        if unknown or not self.classes:
            raise ParameterError(
                f"classes must be class codes from {codes()}, got {self.classes}.",
                message_de=f"classes muss Klassencodes aus {codes()} enthalten, nicht "
                f"{self.classes}.")
        self.check_features()

    @property
    def halo(self) -> int:
        """Margin in pixels a tile needs for features equal to a single pass."""
        return _features.halo(self.radius)

    @property
    def n_bands(self) -> int:
        """Number of image bands the model needs (4 with near infrared, else 3)."""
        return 4 if self.nir else 3

    def check_features(self) -> None:
        """Raise DataError if the stored feature list is not the one ``features.py`` computes
        for this radius and NIR setting, or not the number of features the estimator takes."""
        expected = _features.feature_names(nir=self.nir, radius=self.radius)
        if self.feature_names != expected:
            missing = [n for n in self.feature_names if n not in expected]
            extra = [n for n in expected if n not in self.feature_names]
            raise DataError(
                f"The model was trained on features {list(self.feature_names)}, but with "
                f"radius={self.radius} and nir={self.nir} the package computes "
                f"{list(expected)} (not computable: {missing or 'none'}; order or set "
                f"differs: {extra or 'order'}). The model file was made with another feature "
                "set or was edited. Retrain the model with this version of the package.",
                message_de=f"Das Modell wurde mit den Merkmalen {', '.join(self.feature_names)} "
                f"trainiert; mit Radius {self.radius} und nir={self.nir} berechnet das Paket "
                f"aber {', '.join(expected)}. Nicht berechenbar: "
                f"{', '.join(missing) or 'keine (andere Reihenfolge)'}. Die Modelldatei stammt "
                "aus einer anderen Merkmalsversion oder wurde verändert. Trainieren Sie das "
                "Modell mit dieser Version des Pakets neu.")
        n_in = getattr(self.estimator, "n_features_in_", None)
        if n_in is not None and int(n_in) != len(self.feature_names):
            raise DataError(
                f"The estimator takes {n_in} features, but the model lists "
                f"{len(self.feature_names)} ({', '.join(self.feature_names)}). The metadata "
                "does not belong to this estimator; retrain and save the model again.",
                message_de=f"Der Klassifikator erwartet {n_in} Merkmale, das Modell nennt aber "
                f"{len(self.feature_names)} ({', '.join(self.feature_names)}). Die Metadaten "
                "gehören nicht zu diesem Klassifikator; trainieren und speichern Sie das Modell "
                "neu.")

    def check_bands(self, n_bands: int, *, name: str = "Das Bild") -> None:
        """Raise DataError if an image with ``n_bands`` bands cannot provide the features."""
        if self.nir and n_bands < 4:
            available = _features.feature_names(nir=False, radius=self.radius)
            missing = [n for n in self.feature_names if n not in available]
            raise DataError(
                f"This model uses near infrared and needs a 4-band image (red, green, blue, "
                f"NIR); the image has {n_bands} band(s), so the features {', '.join(missing)} "
                "cannot be computed. Use a 4-band orthophoto (e.g. DOP with infrared), or an "
                "RGB model (train with nir=False).",
                message_de=f"Dieses Modell nutzt Nahinfrarot und braucht ein Bild mit 4 Kanälen "
                f"(Rot, Grün, Blau, NIR). {name} hat {n_bands} Kanal/Kanäle, daher fehlen die "
                f"Merkmale {', '.join(missing)}. Verwenden Sie ein Orthophoto mit Infrarotkanal "
                "(4 Kanäle) oder ein RGB-Modell (neu trainieren mit nir=False).")

    def predict(self, bands: np.ndarray, *, valid: np.ndarray | None = None) -> np.ndarray:
        """Class codes of every pixel of ``bands`` (band, row, col) uint8 as a (rows, cols)
        uint8 array. Pixels where ``valid`` is False get 0 (no data)."""
        bands = np.asarray(bands)
        if bands.ndim == 3:
            self.check_bands(bands.shape[0])
        stack = _features.compute_features(bands, nir=self.nir, radius=self.radius)
        if tuple(stack.names) != self.feature_names:
            raise DataError(
                f"The image provides the features {list(stack.names)}, the model needs "
                f"{list(self.feature_names)}. Retrain the model with this package version.",
                message_de=f"Das Bild liefert die Merkmale {', '.join(stack.names)}, das Modell "
                f"braucht {', '.join(self.feature_names)}. Trainieren Sie das Modell mit dieser "
                "Version des Pakets neu.")
        rows, cols = bands.shape[1:]
        table = stack.table()
        labels = np.zeros(rows * cols, dtype=np.uint8)
        keep = None if valid is None else np.asarray(valid, dtype=bool).reshape(-1)
        if keep is None:
            labels[:] = np.asarray(self.estimator.predict(table)).astype(np.uint8)
        elif keep.any():
            labels[keep] = np.asarray(self.estimator.predict(table[keep])).astype(np.uint8)
        return labels.reshape(rows, cols)

    def metadata(self) -> dict:
        """What :func:`save_model` writes to ``metadata.json`` (without the checksum)."""
        return {
            "format": FORMAT,
            "estimator": type(self.estimator).__name__,
            "feature_names": list(self.feature_names),
            "radius": int(self.radius),
            "nir": bool(self.nir),
            "classes": [int(c) for c in self.classes],
            "nodata": NODATA,
            "training": self.training,
            "versions": {
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "python": platform.python_version(),
            },
        }


def save_model(model: PixelModel, path: str | os.PathLike) -> Path:
    """Write ``model`` atomically as one ZIP file (``model.pkl`` + ``metadata.json``).

    Returns the path. A ``.zip`` suffix is recommended (e.g. ``modell_rgb.zip``).
    """
    if not isinstance(model, PixelModel):
        raise ParameterError(
            f"save_model needs a PixelModel, got {type(model).__name__}.",
            message_de=f"save_model braucht ein PixelModel, nicht {type(model).__name__}.")
    payload = pickle.dumps(model.estimator, protocol=pickle.HIGHEST_PROTOCOL)
    meta = model.metadata()
    meta["sha256"] = hashlib.sha256(payload).hexdigest()
    try:
        text = json.dumps(meta, ensure_ascii=False, indent=2, default=_json_default)
    except TypeError as exc:
        raise ParameterError(
            f"model.training must contain only JSON values (text, numbers, lists, dicts): {exc}",
            message_de="model.training darf nur JSON-Werte enthalten (Text, Zahlen, Listen, "
            f"Wörterbücher): {exc}") from exc
    target = Path(path)
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(_META, text)
            zf.writestr(_PICKLE, payload)
    return target


def load_model(path: str | os.PathLike) -> PixelModel:
    """Read a model written by :func:`save_model`.

    Only load files you trust: the estimator is a pickle (see the module's warning). A
    different scikit-learn patch version only adds a note (``model.notes``); another minor
    version also warns; another major version raises DataError (retrain the model).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"The model file {path} does not exist. Check the path or train and save a model "
            "first (save_model).",
            message_de=f"Die Modelldatei {path} existiert nicht. Prüfen Sie den Pfad oder "
            "trainieren und speichern Sie zuerst ein Modell (save_model).")
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read(_META).decode("utf-8"))
            payload = zf.read(_PICKLE)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"{path} is not a model file of this package ({exc}). Save models with save_model.",
            message_de=f"{path} ist keine Modelldatei dieses Pakets ({exc}). Speichern Sie "
            "Modelle mit save_model.") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise DataError(
            f"{path} has the format {found!r}, expected {FORMAT!r}. Save the model again with "
            "save_model of this package version.",
            message_de=f"{path} hat das Format {found!r}, erwartet wird {FORMAT!r}. Speichern "
            "Sie das Modell mit save_model dieser Paketversion neu.")
    if hashlib.sha256(payload).hexdigest() != meta.get("sha256"):
        raise DataError(
            f"The estimator in {path} does not match the checksum in its metadata; the file is "
            "damaged or was altered. Do not use it; save or copy the model again.",
            message_de=f"Der Klassifikator in {path} passt nicht zur Prüfsumme in den "
            "Metadaten; die Datei ist beschädigt oder wurde verändert. Verwenden Sie sie nicht; "
            "speichern oder kopieren Sie das Modell neu.")
    notes = _version_notes(meta.get("versions", {}).get("sklearn"), path)
    with warnings.catch_warnings():
        # our own note replaces scikit-learn's InconsistentVersionWarning
        warnings.filterwarnings("ignore", message=".*Trying to unpickle estimator.*")
        estimator = pickle.loads(payload)  # noqa: S301 - documented: trusted files only
    try:
        return PixelModel(
            estimator=estimator,
            feature_names=tuple(meta["feature_names"]),
            radius=int(meta["radius"]),
            nir=bool(meta["nir"]),
            classes=list(meta["classes"]),
            training=dict(meta.get("training") or {}),
            notes=notes,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DataError | ParameterError):
            raise DataError(f"{path}: {exc.message}",
                            message_de=f"{path}: {exc.message_de}") from exc
        raise DataError(
            f"The metadata of {path} is incomplete ({exc}). Save the model again.",
            message_de=f"Die Metadaten von {path} sind unvollständig ({exc}). Speichern Sie "
            "das Modell neu.") from exc


def _version_notes(saved: str | None, path: Path) -> list[str]:
    installed = sklearn.__version__
    if not saved:
        return [f"Die Modelldatei nennt keine scikit-learn-Version; installiert ist {installed}."]
    if saved == installed:
        return []
    s, i = _major_minor(saved), _major_minor(installed)
    if s[0] != i[0]:
        raise DataError(
            f"{path} was saved with scikit-learn {saved}, installed is {installed} (another "
            "major version); the estimator cannot be trusted to load correctly. Retrain the "
            "model with the installed version.",
            message_de=f"{path} wurde mit scikit-learn {saved} gespeichert, installiert ist "
            f"{installed} (andere Hauptversion); das Modell lässt sich nicht verlässlich laden. "
            "Trainieren Sie es mit der installierten Version neu.")
    note = (f"Modell gespeichert mit scikit-learn {saved}, installiert ist {installed}.")
    if s != i:
        note += (" Andere Unterversion: Ergebnisse können abweichen; trainieren Sie das Modell "
                 "zur Sicherheit neu.")
        warnings.warn(
            f"{path} was saved with scikit-learn {saved}, installed is {installed}; predictions "
            "may differ. Retrain the model to be safe.", UserWarning, stacklevel=3)
    else:
        note += " Nur die Patch-Version unterscheidet sich; das ist unbedenklich."
    return [note]


def _major_minor(version: str) -> tuple[int, int]:
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    while len(parts) < 2:
        parts.append(0)
    return parts[0], parts[1]


def _json_default(value: object):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
