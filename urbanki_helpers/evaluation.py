"""Model versus baseline, with uncertainty.

Every use case compares its model with a simple reference (baseline) on a test period that
lies after the training period, and states how sure that comparison is (bootstrap intervals).
Metrics are in the unit of the target (e.g. visits per day); shares are fractions (0..1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from urbanki_helpers.errors import DataError

__all__ = [
    "Comparison",
    "GroupMeanBaseline",
    "bootstrap_ci",
    "compare_with_baseline",
    "format_de",
    "proportion_interval",
    "regression_metrics",
    "time_split",
]

_CHUNK_VALUES = 5_000_000  # bootstrap: resampled values held in memory at once


def proportion_interval(successes: int, n: int, *, level: float = 0.9) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / n`` (e.g. a precision or recall
    counted over a few dozen cases), at confidence ``level``; ``(nan, nan)`` if ``n`` is 0.

    Unlike the normal approximation it stays within 0..1 and is informative at 0 and 1: with
    12 of 12 found, the 90 % interval is about 0.82 to 1.
    """
    if isinstance(successes, bool) or isinstance(n, bool) or not (
            float(successes).is_integer() and float(n).is_integer()) \
            or not 0 <= successes <= n:
        raise DataError(f"successes and n must be whole numbers with 0 <= successes <= n, "
                        f"got {successes!r} and {n!r}.",
                        message_de=f"Treffer und Anzahl müssen ganze Zahlen sein mit 0 ≤ "
                        f"Treffer ≤ Anzahl, nicht {successes!r} und {n!r}.")
    if not 0 < level < 1:
        raise DataError(f"level must lie between 0 and 1, got {level!r}.",
                        message_de=f"level muss zwischen 0 und 1 liegen, nicht {level!r}.")
    if n == 0:
        return (math.nan, math.nan)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


# --- number formatting ------------------------------------------------------------------------


def format_de(value: float, decimals: int = 1) -> str:
    """Format a number the German way: ``1234.5`` -> ``"1.234,5"``; NaN -> ``"–"``."""
    try:
        value = float(value)
    except (TypeError, ValueError):  # None, pd.NA
        return "–"
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:,.{max(int(decimals), 0)}f}"
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]  # no "-0,0"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# --- input checks -----------------------------------------------------------------------------


def _as_values(y, name: str) -> np.ndarray:
    """1-D float array without NaN or infinite values."""
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{name} must contain numbers only ({exc}).",
            message_de=f"{name} darf nur Zahlen enthalten ({exc}). Wandeln Sie die Spalte "
            "vorher in Zahlen um, z. B. mit pd.to_numeric.",
        ) from exc
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise DataError(
            f"{name} must be one-dimensional, got shape {arr.shape}.",
            message_de=f"{name} muss eindimensional sein (eine Spalte), hat aber die Form "
            f"{arr.shape}.",
        )
    if arr.size == 0:
        raise DataError(
            f"{name} is empty.",
            message_de=f"{name} ist leer: Es gibt keine Werte zum Auswerten. Prüfen Sie den "
            "Filter bzw. den Testzeitraum.",
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name} contains {int(bad.sum())} missing or infinite values (first at position "
            f"{first}). Drop or fill them first.",
            message_de=f"{name} enthält {int(bad.sum())} fehlende oder unendliche Werte "
            f"(erster an Position {first}). Entfernen oder ergänzen Sie diese vorher, z. B. "
            "mit dropna().",
        )
    return arr


def _pair(y_true, y_pred, pred_name: str = "y_pred") -> tuple[np.ndarray, np.ndarray]:
    a = _as_values(y_true, "y_true")
    b = _as_values(y_pred, pred_name)
    if a.size != b.size:
        raise DataError(
            f"y_true has {a.size} values but {pred_name} has {b.size}; they must match.",
            message_de=f"Die wahren Werte (y_true) haben {a.size} Einträge, die Vorhersagen "
            f"({pred_name}) {b.size}. Beide müssen gleich lang sein und zu denselben Zeilen "
            "gehören.",
        )
    return a, b


# --- metrics ----------------------------------------------------------------------------------


def _mae(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.mean(np.abs(p - t), axis=-1)


def _rmse(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.sqrt(np.mean((p - t) ** 2, axis=-1))


def _bias(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.mean(p - t, axis=-1)


def _r2(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    ss_res = np.sum((t - p) ** 2, axis=-1)
    ss_tot = np.sum((t - np.mean(t, axis=-1, keepdims=True)) ** 2, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0), np.nan)


_METRICS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "mae": _mae,
    "rmse": _rmse,
    "bias": _bias,
    "r2": _r2,
}
_ERROR_METRICS = ("mae", "rmse")  # lower is better; used for model-vs-baseline comparisons


def _metric_fn(metric, allowed: Sequence[str] = tuple(_METRICS)):
    if callable(metric) and not isinstance(metric, str):
        def fn(t, p):
            if t.ndim == 1:
                return np.asarray(metric(t, p), dtype=float)
            return np.array([metric(ti, pi) for ti, pi in zip(t, p, strict=True)], dtype=float)
        return fn
    if metric not in allowed:
        raise DataError(
            f"Unknown metric {metric!r}; use one of {', '.join(allowed)}.",
            message_de=f"Unbekannte Kennzahl {metric!r}; erlaubt sind: {', '.join(allowed)}.",
        )
    return _METRICS[metric]


def regression_metrics(y_true, y_pred) -> dict[str, float]:
    """Error metrics in the unit of the target.

    Returns ``mae`` (mean absolute error), ``rmse`` (root mean squared error), ``r2``
    (coefficient of determination; NaN if ``y_true`` is constant), ``bias`` (mean of
    ``y_pred - y_true``; positive = overestimate) and ``n`` (number of values).
    """
    t, p = _pair(y_true, y_pred)
    return {
        "mae": float(_mae(t, p)),
        "rmse": float(_rmse(t, p)),
        "r2": float(_r2(t, p)),
        "bias": float(_bias(t, p)),
        "n": int(t.size),
    }


# --- time split -------------------------------------------------------------------------------


def time_split(
    df: pd.DataFrame,
    time_column: str,
    *,
    test_start=None,
    test_periods: int | None = None,
    freq: str = "D",
) -> tuple[np.ndarray, np.ndarray]:
    """Split rows by time into boolean masks ``(train, test)``; never random.

    - ``test_start`` only: test = rows at or after ``test_start``, train = rows before it.
    - ``test_periods`` only: test = the last ``test_periods`` periods of length ``freq``
      (e.g. ``56`` with ``"D"`` = last 56 days, ``8`` with ``"W"`` = last 8 calendar weeks),
      counted back from the latest time in the data.
    - both: test = ``test_periods`` periods starting at ``test_start``; rows after that window
      are in neither mask.

    Every training row is earlier than every test row.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            "df must be a pandas DataFrame.",
            message_de="df muss eine Tabelle (pandas DataFrame) sein.",
        )
    if time_column not in df.columns:
        raise DataError(
            f"Column {time_column!r} not found; available: {', '.join(map(str, df.columns))}.",
            message_de=f"Die Zeitspalte {time_column!r} fehlt. Vorhandene Spalten: "
            f"{', '.join(map(str, df.columns))}.",
        )
    if len(df) == 0:
        raise DataError("df is empty.", message_de="Die Tabelle ist leer.")
    if test_start is None and test_periods is None:
        raise DataError(
            "Give test_start, test_periods or both.",
            message_de="Geben Sie den Beginn des Testzeitraums (test_start), seine Länge "
            "(test_periods) oder beides an.",
        )
    times = df[time_column]
    if not pd.api.types.is_datetime64_any_dtype(times):
        try:
            times = pd.to_datetime(times, format="ISO8601")
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"Column {time_column!r} is not a date/time column ({exc}).",
                message_de=f"Die Spalte {time_column!r} enthält keine Datumswerte. Wandeln Sie "
                "sie vorher um, z. B. pd.to_datetime(df[...], format='%d.%m.%Y') für "
                "deutsche Datumsangaben wie 31.12.2024.",
            ) from exc
    if times.isna().any():
        first = times.index[times.isna()][0]
        raise DataError(
            f"Column {time_column!r} has {int(times.isna().sum())} missing times (first in row "
            f"{first}).",
            message_de=f"Die Spalte {time_column!r} hat {int(times.isna().sum())} fehlende "
            f"Zeitangaben (erste in Zeile {first}). Entfernen Sie diese Zeilen vorher.",
        )
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)  # compare local wall-clock times

    if test_periods is not None:
        if isinstance(test_periods, bool) or not isinstance(test_periods, (int, np.integer)) \
                or test_periods < 1:
            raise DataError(
                f"test_periods must be a whole number >= 1, got {test_periods!r}.",
                message_de=f"test_periods muss eine ganze Zahl ab 1 sein, angegeben war "
                f"{test_periods!r}.",
            )
    # Offset aliases for month/quarter/year starts and ends mean the same calendar periods.
    period_freq = {"MS": "M", "ME": "M", "QS": "Q", "QE": "Q", "YS": "Y", "YE": "Y"}.get(
        freq, freq
    )
    try:
        start = None if test_start is None else _naive(pd.Timestamp(test_start))
        end = None
        if test_periods is not None:
            if start is None:
                last = pd.Period(times.max(), freq=period_freq)
                start = (last - (int(test_periods) - 1)).start_time
            else:
                end = (pd.Period(start, freq=period_freq) + int(test_periods)).start_time
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"Invalid test_start {test_start!r} or freq {freq!r} ({exc}).",
            message_de=f"Ungültiger Testbeginn test_start={test_start!r} oder ungültige "
            f"Periodenlänge freq={freq!r}. Beispiele: test_start='2024-11-01'; freq='D' "
            "(Tage), 'W' (Kalenderwochen), 'M' (Monate).",
        ) from exc

    train = np.array(times < start, dtype=bool)
    test = np.array(times >= start, dtype=bool)
    if end is not None:
        test &= np.array(times < end, dtype=bool)
    if not train.any():
        raise DataError(
            f"No training rows before {start}; the test period starts too early.",
            message_de=f"Vor {start:%d.%m.%Y} liegen keine Daten zum Trainieren. Wählen Sie "
            "einen späteren Testbeginn oder einen kürzeren Testzeitraum.",
        )
    if not test.any():
        raise DataError(
            f"No test rows from {start}; the test period lies outside the data.",
            message_de=f"Ab {start:%d.%m.%Y} gibt es keine Daten zum Testen. Wählen Sie einen "
            "früheren Testbeginn.",
        )
    return train, test


def _naive(ts: pd.Timestamp) -> pd.Timestamp:
    """Drop the time zone (keep the local wall-clock time)."""
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


# --- bootstrap --------------------------------------------------------------------------------


def _check_boot_args(n: int, n_boot: int, block_size: int, level: float) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 10:
        raise DataError(
            f"n_boot must be a whole number >= 10, got {n_boot!r}.",
            message_de=f"n_boot (Zahl der Bootstrap-Wiederholungen) muss eine ganze Zahl ab 10 "
            f"sein, angegeben war {n_boot!r}.",
        )
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) \
            or not 1 <= block_size <= n:
        raise DataError(
            f"block_size must be a whole number between 1 and the number of values ({n}), "
            f"got {block_size!r}.",
            message_de=f"block_size (Blocklänge) muss eine ganze Zahl zwischen 1 und der Zahl "
            f"der Werte ({n}) sein, angegeben war {block_size!r}.",
        )
    if not 0 < level < 1:
        raise DataError(
            f"level must lie between 0 and 1 (e.g. 0.95), got {level!r}.",
            message_de=f"level (Sicherheit) muss zwischen 0 und 1 liegen, z. B. 0.95; angegeben "
            f"war {level!r}.",
        )


def _boot_indices(rng: np.random.Generator, n: int, count: int, block_size: int) -> np.ndarray:
    """Moving-block bootstrap indices, shape (count, n); block_size 1 = ordinary bootstrap."""
    if block_size == 1:
        return rng.integers(0, n, size=(count, n))
    n_blocks = -(-n // block_size)
    starts = rng.integers(0, n - block_size + 1, size=(count, n_blocks))
    idx = starts[:, :, None] + np.arange(block_size)[None, None, :]
    return idx.reshape(count, -1)[:, :n]


def _bootstrap(t, preds, fn, n_boot, block_size, random_state) -> np.ndarray:
    """Metric of every prediction on every resample, shape (n_boot, len(preds))."""
    rng = np.random.default_rng(random_state)
    n = t.size
    chunk = max(1, _CHUNK_VALUES // n)
    out = np.empty((n_boot, len(preds)))
    done = 0
    while done < n_boot:
        count = min(chunk, n_boot - done)
        idx = _boot_indices(rng, n, count, block_size)
        tt = t[idx]
        for j, p in enumerate(preds):
            out[done:done + count, j] = fn(tt, p[idx])
        done += count
    return out


def _interval(samples: np.ndarray, level: float) -> tuple[float, float]:
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return (math.nan, math.nan)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(samples, [alpha, 1 - alpha])
    return float(lo), float(hi)


def bootstrap_ci(
    y_true,
    y_pred,
    metric: str | Callable = "mae",
    *,
    n_boot: int = 1000,
    block_size: int = 1,
    random_state: int | None = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval ``(low, high)`` of a metric, in the metric's unit.

    ``metric`` is ``"mae"``, ``"rmse"``, ``"bias"``, ``"r2"`` or a function
    ``f(y_true, y_pred) -> float``. With ``block_size > 1`` whole blocks of consecutive values
    are resampled (moving-block bootstrap), which keeps the dependence of neighbouring days in
    a time series; use roughly a week for daily data (``block_size=7``). The values must then
    be in time order.
    """
    t, p = _pair(y_true, y_pred)
    _check_boot_args(t.size, n_boot, block_size, level)
    fn = _metric_fn(metric)
    samples = _bootstrap(t, [p], fn, int(n_boot), int(block_size), random_state)[:, 0]
    return _interval(samples, level)


# --- comparison -------------------------------------------------------------------------------

_METRIC_TEXT_DE = {
    "mae": ("liegt im Mittel", "daneben (MAE, mittlerer absoluter Fehler)"),
    "rmse": ("liegt im quadratischen Mittel", "daneben (RMSE, Wurzel des mittleren "
                                              "quadratischen Fehlers)"),
}


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare_with_baseline`; errors in the unit of the target.

    ``improvement`` is ``(baseline - model) / baseline`` (0.25 = 25 % smaller error);
    ``diff_ci`` is the bootstrap interval of ``baseline - model`` (positive = model better).
    """

    metric: str
    model: float
    baseline: float
    improvement: float
    diff_ci: tuple[float, float]
    n_test: int
    level: float = 0.95

    @property
    def difference(self) -> float:
        """Baseline error minus model error (positive = model better), in the target's unit."""
        return self.baseline - self.model

    @property
    def beats_baseline(self) -> bool:
        """True if the model is better with the stated certainty (interval above 0)."""
        return bool(self.diff_ci[0] > 0)

    def summary_de(self, unit: str = "", decimals: int = 1) -> str:
        """German summary with numbers, e.g. for ``unit="Besuche"``."""
        lead, tail = _METRIC_TEXT_DE.get(self.metric, ("hat den Fehler", f"({self.metric})"))
        u = f" {unit}" if unit else ""
        level = format_de(self.level * 100, 0)
        parts = [
            f"Das Modell {lead} {format_de(self.model, decimals)}{u} {tail}, "
            f"die Referenz {format_de(self.baseline, decimals)}{u}."
        ]
        if not math.isnan(self.improvement):
            if self.improvement >= 0:
                parts.append(
                    f"Der Fehler des Modells ist damit um {format_de(self.improvement * 100)} % "
                    "kleiner."
                )
            else:
                parts.append(
                    f"Der Fehler des Modells ist damit um {format_de(-self.improvement * 100)} % "
                    "größer."
                )
        lo, hi = self.diff_ci
        parts.append(
            f"Das {level}-%-Bootstrap-Intervall des Unterschieds (Referenz minus Modell, positiv = "
            f"Modell besser): {format_de(lo, decimals)} bis {format_de(hi, decimals)}{u} "
            f"({self.n_test} Testwerte)."
        )
        if self.beats_baseline:
            parts.append("Das Modell ist also verlässlich besser als die Referenz.")
        elif hi < 0:
            parts.append("Das Modell ist also verlässlich schlechter als die Referenz.")
        else:
            parts.append(
                "Das Intervall schließt 0 ein: Ein Vorsprung des Modells ist nicht gesichert."
            )
        return " ".join(parts)


def compare_with_baseline(
    y_true,
    y_model,
    y_baseline,
    *,
    metric: str = "mae",
    block_size: int = 1,
    random_state: int | None = 0,
    n_boot: int = 1000,
    level: float = 0.95,
) -> Comparison:
    """Compare model and baseline predictions of the same test rows (``mae`` or ``rmse``).

    The interval of the error difference comes from a paired bootstrap: both predictions are
    scored on the same resampled rows (blocks of ``block_size`` consecutive rows, so pass the
    test rows in time order). ``improvement`` and the interval are described in
    :class:`Comparison`.
    """
    t, pm = _pair(y_true, y_model, "y_model")
    _, pb = _pair(y_true, y_baseline, "y_baseline")
    _check_boot_args(t.size, n_boot, block_size, level)
    fn = _metric_fn(metric, _ERROR_METRICS)
    model = float(fn(t, pm))
    baseline = float(fn(t, pb))
    samples = _bootstrap(t, [pb, pm], fn, int(n_boot), int(block_size), random_state)
    diff_ci = _interval(samples[:, 0] - samples[:, 1], level)
    improvement = (baseline - model) / baseline if baseline > 0 else math.nan
    return Comparison(
        metric=metric, model=model, baseline=baseline, improvement=float(improvement),
        diff_ci=diff_ci, n_test=int(t.size), level=float(level),
    )


# --- baseline model ---------------------------------------------------------------------------


class GroupMeanBaseline(RegressorMixin, BaseEstimator):
    """Predict the training mean of the target per group (e.g. per weekday).

    Parameters
    ----------
    by:
        Column name or list of column names of ``X`` that form the groups; ``None`` predicts
        the overall training mean. Groups not seen in training get the overall mean.

    Attributes
    ----------
    group_means_ : pandas.Series
        Mean of the target per group, in the target's unit.
    global_mean_ : float
        Mean of the target over all training rows.
    """

    def __init__(self, by: str | Sequence[str] | None = None):
        self.by = by

    def _columns(self) -> list[str]:
        if self.by is None:
            return []
        if isinstance(self.by, str):
            return [self.by]
        return list(self.by)

    def _frame(self, X, columns: list[str]) -> pd.DataFrame:
        if columns and not isinstance(X, pd.DataFrame):
            raise DataError(
                "X must be a pandas DataFrame with the group columns "
                f"{', '.join(columns)}.",
                message_de="X muss eine Tabelle (pandas DataFrame) mit den Gruppenspalten "
                f"{', '.join(columns)} sein.",
            )
        if not isinstance(X, pd.DataFrame):
            X = pd.DataFrame(np.asarray(X).reshape(len(X), -1))
        missing = [c for c in columns if c not in X.columns]
        if missing:
            raise DataError(
                f"Group columns missing from X: {', '.join(map(str, missing))}; available: "
                f"{', '.join(map(str, X.columns))}.",
                message_de=f"In X fehlen die Gruppenspalten {', '.join(map(str, missing))}. "
                f"Vorhandene Spalten: {', '.join(map(str, X.columns))}.",
            )
        return X

    def fit(self, X, y):
        """Learn the mean of ``y`` per group of ``X``."""
        columns = self._columns()
        X = self._frame(X, columns)
        target = _as_values(y, "y")
        if target.size != len(X):
            raise DataError(
                f"X has {len(X)} rows but y has {target.size} values.",
                message_de=f"X hat {len(X)} Zeilen, y aber {target.size} Werte; beide müssen "
                "gleich lang sein.",
            )
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.global_mean_ = float(target.mean())
        if columns:
            keys = X[columns].reset_index(drop=True)
            self.group_means_ = (
                pd.Series(target).groupby([keys[c] for c in columns], dropna=False).mean()
            )
        else:
            self.group_means_ = pd.Series(dtype=float)
        self.by_ = columns
        return self

    def predict(self, X) -> np.ndarray:
        """Group mean for every row of ``X``; the overall mean for unseen groups."""
        if not hasattr(self, "global_mean_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("GroupMeanBaseline is not fitted yet; call fit first.")
        X = self._frame(X, self.by_)
        if not self.by_:
            return np.full(len(X), self.global_mean_)
        keys = X[self.by_]
        if len(self.by_) == 1:
            index = pd.Index(keys.iloc[:, 0])
        else:
            index = pd.MultiIndex.from_frame(keys)
        values = self.group_means_.reindex(index).to_numpy(dtype=float)
        return np.where(np.isnan(values), self.global_mean_, values)
