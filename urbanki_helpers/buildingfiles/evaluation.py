"""Scores for the building-file tasks: fields (precision/recall after normalisation) and the
grouping of documents into building projects (pairwise precision/recall)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from urbanki_helpers.buildingfiles.documents import fold
from urbanki_helpers.buildingfiles.extraction import FIELDS, address_key
from urbanki_helpers.data.tables import require_columns
from urbanki_helpers.errors import DataError

__all__ = ["NORMALISERS", "field_scores", "grouping_scores"]


def _flurstueck(value: str) -> str:
    return re.sub(r"\s+", "", value)


#: How each field is normalised before the exact comparison.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "aktenzeichen": str.strip,
    "gemarkung": lambda v: fold(v.strip()),
    "flur": lambda v: str(int(v)) if v.strip().isdigit() else v.strip(),
    "flurstueck": _flurstueck,
    "adresse": address_key,
    "datum": str.strip,
}


def _scores(truth: pd.Series, pred: pd.Series) -> dict[str, float]:
    has_truth, has_pred = truth != "", pred != ""
    correct = has_truth & has_pred & (truth == pred)
    n_truth, n_pred, n_ok = int(has_truth.sum()), int(has_pred.sum()), int(correct.sum())
    return {"n_truth": n_truth, "n_predicted": n_pred, "n_correct": n_ok,
            "precision": n_ok / n_pred if n_pred else np.nan,
            "recall": n_ok / n_truth if n_truth else np.nan}


def field_scores(predicted: pd.DataFrame, truth: pd.DataFrame, *, fields=FIELDS,
                 by: str | None = None) -> pd.DataFrame:
    """Precision and recall per field (exact match after :data:`NORMALISERS`).

    Precision = correct / documents with a predicted value, recall = correct / documents
    whose ground truth has a value (a document without the field in its text has an empty
    ground truth). Both tables are joined on ``doc_id``; ``by`` names a column of ``truth``
    (e.g. a decade) to score each group separately. One row per field (and group).
    """
    require_columns(predicted, ("doc_id", *fields), name="Vorhersage")
    require_columns(truth, ("doc_id", *fields) + ((by,) if by else ()), name="Grundwahrheit")
    merged = truth.merge(predicted, on="doc_id", how="left", suffixes=("_true", "_pred"))
    if len(merged) != len(truth):
        raise DataError("doc_id is not unique in the predictions.",
                        message_de="doc_id ist in der Vorhersage nicht eindeutig.")
    groups = merged.groupby(by, sort=True) if by else [(None, merged)]
    rows = []
    for key, part in groups:
        for field in fields:
            norm = NORMALISERS.get(field, str.strip)
            t = part[f"{field}_true"].fillna("").astype(str).map(norm)
            p = part[f"{field}_pred"].fillna("").astype(str).map(norm)
            row = {"feld": field, **_scores(t, p)}
            if by:
                row = {by: key[0] if isinstance(key, tuple) else key, **row}
            rows.append(row)
    return pd.DataFrame(rows)


def _pairs(labels: np.ndarray) -> int:
    return int(sum(n * (n - 1) // 2 for n in Counter(labels.tolist()).values()))


def grouping_scores(true_groups, predicted_groups) -> dict[str, float]:
    """How well documents were grouped into projects.

    ``pairwise_precision``: share of document pairs put together that belong together;
    ``pairwise_recall``: share of pairs that belong together and were put together;
    ``pairwise_f1``; ``share_exact``: share of documents whose group is exactly their project;
    ``adjusted_rand``: adjusted Rand index (1 = perfect, about 0 = random).
    """
    t = np.asarray(list(true_groups), dtype=object)
    p = np.asarray(list(predicted_groups), dtype=object)
    if len(t) != len(p) or len(t) == 0:
        raise DataError(f"Need two equally long, non-empty label lists, got {len(t)} and "
                        f"{len(p)}.", message_de="Es werden zwei gleich lange, nicht leere "
                        f"Listen von Gruppen gebraucht, erhalten: {len(t)} und {len(p)}.")
    both = _pairs(np.array([f"{a}\x00{b}" for a, b in zip(t, p, strict=True)], dtype=object))
    pred_pairs, true_pairs = _pairs(p), _pairs(t)
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    members_t = pd.Series(range(len(t))).groupby(t).apply(frozenset)
    members_p = pd.Series(range(len(p))).groupby(p).apply(frozenset)
    exact = np.mean([members_t[a] == members_p[b] for a, b in zip(t, p, strict=True)])
    return {"pairwise_precision": precision, "pairwise_recall": recall, "pairwise_f1": f1,
            "share_exact": float(exact), "adjusted_rand": float(adjusted_rand_score(t, p))}
