"""How well does a model trained on one scene do on another? Model versus the threshold
baseline, both fitted on the same training scene and scored on the new scene's reference."""

from __future__ import annotations

import numpy as np

from urbanki_helpers.imagery import metrics
from urbanki_helpers.imagery.features import compute_features
from urbanki_helpers.imagery.model_io import PixelModel
from urbanki_helpers.imagery.training import ThresholdBaseline, sample_pixels

__all__ = ["transfer_scores"]


def transfer_scores(model: PixelModel, training_bands: np.ndarray, training_labels: np.ndarray,
                    new_bands: np.ndarray, new_reference: np.ndarray, model_map: np.ndarray, *,
                    n_per_class: int = 2000, random_state: int = 0) -> dict[str, dict]:
    """Scores (``metrics.summary``) on the new scene of ``model_map`` (the model's classes of
    the new image) and of a :class:`ThresholdBaseline` fitted on a stratified sample of the
    training scene with the model's feature settings: ``{"model": {...}, "baseline": {...}}``.
    """
    training = compute_features(training_bands, nir=model.nir, radius=model.radius)
    sample = sample_pixels(training_labels, np.ones(np.shape(training_labels), dtype=bool),
                           n_per_class=n_per_class, random_state=random_state).indices
    baseline = ThresholdBaseline(feature_names=training.names).fit(
        training.table()[sample], np.asarray(training_labels).ravel()[sample])
    del training
    new = compute_features(new_bands, nir=model.nir, radius=model.radius)
    baseline_map = baseline.predict(new.table())
    reference = np.asarray(new_reference).ravel()
    return {"model": metrics.summary(reference, np.asarray(model_map).ravel()),
            "baseline": metrics.summary(reference, baseline_map)}
