"""How good is a land-cover map? Per-class scores, confusion table and the area error.

All functions compare true class codes with predicted ones pixel by pixel. Pixels whose true
class is 0 (no data) are left out; a prediction of 0 for a labelled pixel counts as wrong.
Scores are shares (0–1); a score whose denominator is zero (e.g. the precision of a class
that is never predicted) is NaN, not 0, so that it is not mistaken for a measured failure.

- precision: of the pixels predicted as the class, the share that truly are;
- recall: of the pixels truly of the class, the share found;
- F1: harmonic mean of the two;
- IoU (intersection over union, Jaccard index): TP / (TP + FP + FN), the usual score of
  segmentation maps, stricter than F1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery import classes as landcover

__all__ = ["area_error", "block_bootstrap", "class_report", "confusion_table", "summary"]

_NORMALIZE = (None, "true", "pred", "all")


def class_report(y_true, y_pred, classes=None) -> pd.DataFrame:
    """One row per class: ``code``, German name ``klasse``, ``precision``, ``recall``,
    ``f1``, ``iou`` (shares 0–1) and ``support`` (true pixels of the class).

    ``classes``: the class codes to report, in that order; default: every class that occurs
    in ``y_true`` or ``y_pred`` (except 0).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    codes = _codes(y_true, y_pred, classes)
    matrix = _confusion(y_true, y_pred, codes)
    tp = np.diag(matrix).astype(float)
    support = np.bincount(y_true, minlength=max(landcover.codes()) + 1)[codes].astype(float)
    predicted = _predicted_counts(y_true, y_pred, codes)
    fp = predicted - tp
    fn = support - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, np.nan)
        recall = np.where(support > 0, tp / support, np.nan)
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), np.nan)
        union = tp + fp + fn
        iou = np.where(union > 0, tp / union, np.nan)
    return pd.DataFrame({
        "code": codes,
        "klasse": _names(codes),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "iou": iou,
        "support": support.astype(np.int64),
    })


def summary(y_true, y_pred) -> dict[str, float]:
    """``f1_macro`` and ``iou_mean`` (unweighted means over the classes present in
    ``y_true``), ``accuracy`` (share of labelled pixels predicted right) and ``pixels``
    (labelled pixels compared)."""
    y_true, y_pred = _pair(y_true, y_pred)
    present = sorted(int(c) for c in np.unique(y_true))
    report = class_report(y_true, y_pred, classes=present)
    f1 = report["f1"].fillna(0.0)  # a present class never predicted right scores 0
    iou = report["iou"].fillna(0.0)
    return {
        "f1_macro": float(f1.mean()),
        "accuracy": float(np.mean(y_true == y_pred)),
        "iou_mean": float(iou.mean()),
        "pixels": int(y_true.size),
    }


def confusion_table(y_true, y_pred, classes=None, normalize: str | None = None
                    ) -> pd.DataFrame:
    """Confusion table: rows are the true classes (``wahr``), columns the predicted ones
    (``vorhergesagt``), both with German names; cells are pixel counts.

    ``normalize``: None (counts), ``"true"`` (each row sums to 1: where did the pixels of a
    class end up), ``"pred"`` (each column sums to 1) or ``"all"`` (all cells sum to 1).
    Predictions of 0 appear as a column ``keine Klasse`` when they occur.
    """
    if normalize not in _NORMALIZE:
        raise ParameterError(
            f"normalize must be one of None, 'true', 'pred', 'all'; got {normalize!r}.",
            message_de=f"normalize muss None, 'true', 'pred' oder 'all' sein, nicht "
            f"{normalize!r}.",
        )
    y_true, y_pred = _pair(y_true, y_pred)
    codes = _codes(y_true, y_pred, classes)
    columns = list(codes)
    if (y_pred == landcover.NODATA).any():
        columns = [*codes, landcover.NODATA]
    matrix = _confusion(y_true, y_pred, codes, columns=columns).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalize == "true":
            matrix = matrix / matrix.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            matrix = matrix / matrix.sum(axis=0, keepdims=True)
        elif normalize == "all":
            matrix = matrix / matrix.sum()
    table = pd.DataFrame(
        matrix if normalize else matrix.astype(np.int64),
        index=pd.Index(_names(codes), name="wahr"),
        columns=pd.Index(_names(columns), name="vorhergesagt"),
    )
    return table


def area_error(y_true, y_pred, *, pixel_m: float, sealed_codes=None) -> dict[str, float]:
    """Sealed area of the compared pixels, truth versus prediction, in m².

    ``pixel_m``: pixel edge length in metres (``ImageData.pixel_m``); ``sealed_codes``: the
    class codes that count as sealed, default all classes marked ``sealed`` in ``classes``.
    Returns ``area_m2`` (labelled area compared), ``sealed_true_m2``, ``sealed_pred_m2``,
    ``sealed_diff_m2`` (prediction − truth), ``sealed_rel_error`` (difference / truth) and the
    same for the fee area weighted by the example sealing factors: ``fee_true_m2``,
    ``fee_pred_m2``, ``fee_diff_m2``, ``fee_rel_error``. Errors of opposite sign cancel in
    these totals: a map can have the right total and the wrong places (see class_report).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if isinstance(pixel_m, bool) or not isinstance(pixel_m, (int, float, np.number)) \
            or not np.isfinite(pixel_m) or pixel_m <= 0:
        raise ParameterError(
            f"pixel_m must be the pixel edge length in metres (> 0), got {pixel_m!r}.",
            message_de=f"pixel_m muss die Kantenlänge eines Pixels in Metern sein (> 0), "
            f"nicht {pixel_m!r}.",
        )
    if sealed_codes is None:
        sealed_codes = [c.code for c in landcover.CLASSES if c.sealed]
    sealed_codes = [int(c) for c in sealed_codes]
    pixel_area = float(pixel_m) ** 2
    factors = np.zeros(256)
    for c in landcover.CLASSES:
        factors[c.code] = c.sealing_factor
    sealed_true = np.isin(y_true, sealed_codes).sum() * pixel_area
    sealed_pred = np.isin(y_pred, sealed_codes).sum() * pixel_area
    fee_true = float(factors[y_true].sum()) * pixel_area
    fee_pred = float(factors[y_pred].sum()) * pixel_area
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "area_m2": y_true.size * pixel_area,
            "sealed_true_m2": float(sealed_true),
            "sealed_pred_m2": float(sealed_pred),
            "sealed_diff_m2": float(sealed_pred - sealed_true),
            "sealed_rel_error": _relative(sealed_pred - sealed_true, sealed_true),
            "fee_true_m2": fee_true,
            "fee_pred_m2": fee_pred,
            "fee_diff_m2": fee_pred - fee_true,
            "fee_rel_error": _relative(fee_pred - fee_true, fee_true),
        }


# --- helpers --------------------------------------------------------------------------------


def _relative(diff: float, base: float) -> float:
    return float(diff / base) if base else float("nan")


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Flat integer arrays of equal length, without the pixels whose true class is 0."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise DataError(
            f"y_true has {y_true.size} values, y_pred {y_pred.size}; compare the same pixels.",
            message_de=f"y_true hat {y_true.size} Werte, y_pred {y_pred.size}; verglichen "
            "werden müssen dieselben Pixel.",
        )
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.dtype.kind not in "iu":
            if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
                continue
            raise DataError(
                f"{name} must hold whole-number class codes, got values of type {arr.dtype}.",
                message_de=f"{name} muss ganzzahlige Klassencodes enthalten; die Werte haben den "
                f"Typ {arr.dtype}.",
            )
    y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    known = np.array([landcover.NODATA, *landcover.codes()])
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        unknown = np.setdiff1d(np.unique(arr), known)
        if unknown.size:
            raise DataError(
                f"{name} contains values that are no class code: "
                f"{', '.join(map(str, unknown[:10]))}.",
                message_de=f"{name} enthält Werte, die kein Klassencode sind: "
                f"{', '.join(map(str, unknown[:10]))}. Erlaubt sind 0 bis "
                f"{max(landcover.codes())}.",
            )
    keep = y_true != landcover.NODATA
    if not keep.any():
        raise DataError(
            "There are no labelled pixels to compare (y_true is empty or all 0).",
            message_de="Es gibt keine Pixel mit Klasse zum Vergleichen (y_true ist leer oder "
            "überall 0).",
        )
    return y_true[keep], y_pred[keep]


def _codes(y_true: np.ndarray, y_pred: np.ndarray, wanted) -> list[int]:
    if wanted is None:
        found = np.union1d(np.unique(y_true), np.unique(y_pred))
        return [int(c) for c in found if c != landcover.NODATA]
    codes = [int(c) for c in wanted]
    unknown = sorted(set(codes) - set(landcover.codes()))
    if unknown or not codes:
        raise ParameterError(
            f"classes must be class codes from {landcover.codes()}, got {list(wanted)!r}.",
            message_de=f"classes muss Klassencodes aus {landcover.codes()} enthalten, nicht "
            f"{list(wanted)!r}.",
        )
    return codes


def _confusion(y_true, y_pred, rows: list[int], columns: list[int] | None = None
               ) -> np.ndarray:
    """Counts (len(rows), len(columns)) of pixels true in row class, predicted column class;
    pixels of other classes are left out."""
    columns = rows if columns is None else columns
    size = max(landcover.codes()) + 1
    row_pos = np.full(size, -1)
    row_pos[rows] = np.arange(len(rows))
    col_pos = np.full(size, -1)
    col_pos[columns] = np.arange(len(columns))
    r, c = row_pos[y_true], col_pos[y_pred]
    keep = (r >= 0) & (c >= 0)
    flat = np.bincount(r[keep] * len(columns) + c[keep], minlength=len(rows) * len(columns))
    return flat.reshape(len(rows), len(columns))


def _predicted_counts(y_true, y_pred, codes: list[int]) -> np.ndarray:
    """Pixels predicted as each class, over all labelled pixels (also of unlisted classes)."""
    counts = np.bincount(y_pred, minlength=max(landcover.codes()) + 1)
    return counts[codes].astype(float)


def _names(codes) -> list[str]:
    return ["keine Klasse" if int(c) == landcover.NODATA else landcover.names_de([c])[0]
            for c in codes]


def block_bootstrap(y_true, y_pred, blocks, *, n_boot: int = 200, level: float = 0.9,
                    random_state: int = 0) -> dict[str, tuple[float, float]]:
    """Confidence intervals of ``f1_macro`` and ``accuracy`` by resampling whole spatial
    blocks (``blocks``: block id of every compared pixel, e.g. from
    ``training.spatial_blocks``), because neighbouring pixels are not independent.

    Returns ``{"f1_macro": (low, high), "accuracy": (low, high)}`` at the given level.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    blocks = np.asarray(blocks).ravel()
    if blocks.shape != y_true.shape:
        raise DataError(
            f"blocks must give one block id per compared pixel ({y_true.size}), got "
            f"{blocks.size}.",
            message_de=f"blocks braucht eine Block-Nummer je verglichenem Pixel ({y_true.size}),"
            f" nicht {blocks.size}.")
    if not 0 < level < 1 or n_boot < 10:
        raise ParameterError(
            "level must lie between 0 and 1 and n_boot be at least 10.",
            message_de="level muss zwischen 0 und 1 liegen und n_boot mindestens 10 sein.")
    ids, inverse = np.unique(blocks, return_inverse=True)
    # index 0 collects predictions of "no data"; classes follow. One confusion matrix per
    # block, so a bootstrap sample is a weighted sum of the blocks' matrices.
    codes = _codes(y_true, y_pred, None)
    lookup = np.zeros(256, dtype=np.int64)
    lookup[codes] = np.arange(1, len(codes) + 1)
    k = len(codes) + 1
    cell = lookup[y_true.astype(np.int64)] * k + lookup[y_pred.astype(np.int64)]
    per_block = np.zeros((ids.size, k * k))
    np.add.at(per_block, (inverse, cell), 1)
    present = np.zeros(k, dtype=bool)
    present[np.unique(lookup[y_true.astype(np.int64)])] = True
    rng = np.random.default_rng(random_state)
    f1s, accs = [], []
    for _ in range(n_boot):
        counts = np.bincount(rng.integers(0, ids.size, ids.size), minlength=ids.size)
        conf = (counts @ per_block).reshape(k, k)
        tp = np.diag(conf)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = 2 * tp / (conf.sum(axis=1) + conf.sum(axis=0))
        in_sample = present & (conf.sum(axis=1) > 0)
        in_sample[0] = False
        f1s.append(float(np.nan_to_num(f1[in_sample]).mean()))
        accs.append(float(tp[1:].sum() / conf.sum()))
    alpha = (1 - level) / 2
    return {name: (float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha)))
            for name, v in (("f1_macro", f1s), ("accuracy", accs))}
