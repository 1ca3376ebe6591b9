"""Expected demand of zones not yet served, from the demand level of the served zones.

A zone's level is its mean count per service hour (e.g. ride requests per hour the bus runs).
A model learns the level from zone attributes (inhabitants, share of people 65+, distance to
the next train station, ...) and predicts it for candidate zones. A new zone is a new group, so
the model is checked by leave-one-zone-out cross-validation: each served zone is predicted by a
model fitted on the other zones only. With few zones (typically 10–40) every result is rough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import PoissonRegressor, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from urbanki_helpers.errors import DataError
from urbanki_helpers.mobility.forecast import (
    GROUP,
    _check_counts,
    _check_level,
    _names,
    _numeric,
    _require_columns,
)

__all__ = ["GroupedCVResult", "grouped_cv", "rank_candidates", "zone_level"]

MODELS = ("poisson", "linear", "forest")
_MIN_ZONES = 3


def zone_level(counts: pd.DataFrame, *, min_hours: int = 500, ramp_up_days: float = 90
               ) -> pd.DataFrame:
    """Demand level per group (zone): mean count per row, i.e. per service hour.

    The first ``ramp_up_days`` days after a group's first row are left out (ramp-up: a new
    service is not yet known). Rows with unknown count (NaN) are left out and counted.

    Returns one row per ``gruppe`` (sorted) with ``level`` (mean count per service hour, NaN if
    no known count is left), ``n_hours`` (rows used), ``n_missing`` (rows after ramp-up with NaN
    count), ``n_ramp_up`` (rows left out as ramp-up), ``first_time``, ``used_from``,
    ``rows_per_day`` (rows per calendar day after ramp-up ≈ service hours per day) and
    ``sufficient`` (``n_hours >= min_hours``). Only sufficient zones are used by
    :func:`grouped_cv` and :func:`rank_candidates`.
    """
    if isinstance(min_hours, bool) or not isinstance(min_hours, (int, np.integer)) \
            or min_hours < 1:
        raise DataError(
            f"min_hours must be a whole number >= 1, got {min_hours!r}.",
            message_de=f"min_hours (Mindestzahl der Betriebsstunden je Zone) muss eine ganze "
            f"Zahl ab 1 sein; angegeben war {min_hours!r}.",
        )
    if isinstance(ramp_up_days, bool) or not isinstance(ramp_up_days, (int, float, np.number)) \
            or not ramp_up_days >= 0:
        raise DataError(
            f"ramp_up_days must be a number of days >= 0, got {ramp_up_days!r}.",
            message_de=f"ramp_up_days (Anlaufzeit in Tagen) muss eine Zahl ab 0 sein; "
            f"angegeben war {ramp_up_days!r}.",
        )
    times, ids, values = _check_counts(counts)
    frame = pd.DataFrame({"g": ids.to_numpy(), "t": times.to_numpy(), "y": values.to_numpy()})
    first = frame.groupby("g")["t"].transform("min")
    used_from = first + pd.Timedelta(days=float(ramp_up_days))
    after = frame["t"] >= used_from
    frame["used_from"] = used_from
    used = frame[after]
    grouped = frame.groupby("g")
    out = pd.DataFrame({
        "first_time": grouped["t"].min(),
        "used_from": grouped["used_from"].first(),
        "n_ramp_up": grouped["t"].size() - after.groupby(frame["g"]).sum(),
    })
    by_used = used.groupby("g")
    out["level"] = by_used["y"].mean()
    out["n_hours"] = by_used["y"].count()
    out["n_missing"] = by_used["y"].size() - by_used["y"].count()
    out["rows_per_day"] = by_used.size() / by_used["t"].agg(lambda t: t.dt.normalize().nunique())
    out[["n_hours", "n_missing"]] = out[["n_hours", "n_missing"]].fillna(0).astype(int)
    out["n_ramp_up"] = out["n_ramp_up"].astype(int)
    out["sufficient"] = out["n_hours"] >= min_hours
    out.index.name = GROUP
    columns = ["level", "n_hours", "n_missing", "n_ramp_up", "first_time", "used_from",
               "rows_per_day", "sufficient"]
    return out[columns].reset_index()


# --- zone model -------------------------------------------------------------------------------


def _zone_model(model, random_state):
    if isinstance(model, str):
        if model == "poisson":
            return Pipeline([("scaler", StandardScaler()),
                             ("poisson", PoissonRegressor(alpha=0.01, solver="newton-cholesky", max_iter=1000))])
        if model == "linear":
            return Pipeline([("scaler", StandardScaler()), ("ridge", Ridge(alpha=1.0))])
        if model == "forest":
            return RandomForestRegressor(n_estimators=100, min_samples_leaf=2,
                                         random_state=random_state)
    elif hasattr(model, "fit") and hasattr(model, "predict"):
        return clone(model)
    raise DataError(
        f"Unknown model {model!r}; use one of {', '.join(MODELS)} or a scikit-learn regressor.",
        message_de=f"Unbekanntes Modell {model!r}; erlaubt sind {', '.join(MODELS)} oder ein "
        "scikit-learn-Regressor.",
    )


def _zone_table(levels, groups, attribute_columns) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Served zones usable for training: ``gruppe``, ``level`` and the attributes."""
    attribute_columns = list(attribute_columns)
    if not attribute_columns:
        raise DataError(
            "attribute_columns is empty; name the zone attributes to learn from.",
            message_de="Es sind keine Zonenmerkmale (attribute_columns) angegeben, z. B. "
            "['einwohner', 'anteil_65plus'].",
        )
    _require_columns(levels, [GROUP, "level"], "levels")
    attrs = _groups_table(groups, attribute_columns)
    table = levels.assign(**{GROUP: levels[GROUP].astype(str)})
    usable = table["level"].notna()
    if "sufficient" in table.columns:
        usable &= table["sufficient"].astype(bool)
    excluded = tuple(table.loc[~usable, GROUP])
    table = table.loc[usable, [GROUP, "level"]]
    unknown = sorted(set(table[GROUP]) - set(attrs.index))
    if unknown:
        raise DataError(
            f"Zones missing from groups: {_names(unknown[:5])}.",
            message_de=f"Diese Zonen fehlen in der Zonentabelle (groups): "
            f"{_names(unknown[:5])}. Prüfen Sie die Schreibweise der Kennungen.",
        )
    table = table.join(attrs, on=GROUP)
    nan = table.loc[table[attribute_columns].isna().any(axis=1), GROUP].tolist()
    if nan:
        raise DataError(
            f"Served zones with missing attributes: {_names(nan[:5])}; fill or drop them.",
            message_de=f"Bediente Zonen mit fehlenden Merkmalen: {_names(nan[:5])}. Ergänzen "
            "Sie die Werte oder lassen Sie das Merkmal weg.",
        )
    if len(table) < _MIN_ZONES:
        raise DataError(
            f"Only {len(table)} served zones with enough data; at least {_MIN_ZONES} needed.",
            message_de=f"Nur {len(table)} bediente Zonen mit genügend Daten; nötig sind "
            f"mindestens {_MIN_ZONES}. Senken Sie ggf. min_hours in zone_level.",
        )
    return table.reset_index(drop=True), excluded


def _groups_table(groups, attribute_columns: list[str]) -> pd.DataFrame:
    _require_columns(groups, [GROUP, *attribute_columns], "groups")
    table = groups.assign(**{GROUP: groups[GROUP].astype(str)})
    dup = table[GROUP][table[GROUP].duplicated()].unique()
    if len(dup):
        raise DataError(
            f"groups lists these ids more than once: {_names(dup[:5])}.",
            message_de=f"Die Zonentabelle nennt diese Kennungen mehrfach: {_names(dup[:5])}.",
        )
    return pd.DataFrame(
        {c: _numeric(table[c], c).to_numpy() for c in attribute_columns},
        index=pd.Index(table[GROUP], name=GROUP),
    )


@dataclass(frozen=True)
class GroupedCVResult:
    """Leave-one-zone-out result.

    ``predictions``: one row per served zone with ``gruppe``, ``level`` (observed mean count per
    service hour), ``prediction`` (model fitted on the other zones), ``baseline`` (mean level of
    the other zones) and ``ratio`` (level / prediction). ``metrics``: ``mae`` and ``rmse`` of
    ``model`` and ``baseline`` (index), in counts per service hour. ``excluded``: zones left out
    (not sufficient data or no level).
    """

    predictions: pd.DataFrame
    metrics: pd.DataFrame
    excluded: tuple[str, ...]
    attribute_columns: tuple[str, ...]
    model: str

    @property
    def n_zones(self) -> int:
        return len(self.predictions)

    @property
    def beats_baseline(self) -> bool:
        """True if the model's MAE is below the baseline's."""
        return bool(self.metrics.loc["model", "mae"] < self.metrics.loc["baseline", "mae"])


def grouped_cv(
    levels: pd.DataFrame,
    groups: pd.DataFrame,
    attribute_columns: Sequence[str],
    *,
    model="poisson",
    random_state: int | None = 0,
) -> GroupedCVResult:
    """Leave-one-zone-out check: predict each served zone's level from the other zones.

    ``levels`` comes from :func:`zone_level` (only ``sufficient`` zones are used); ``groups``
    has ``gruppe`` and the numeric ``attribute_columns``. ``model`` is ``"poisson"`` (Poisson
    regression, log link, on standardised attributes, L2 penalty 0.01), ``"linear"`` (ridge
    regression), ``"forest"`` (random forest of 100 trees, seeded by ``random_state``) or a
    scikit-learn regressor. The baseline predicts the mean level of the other zones. A zone's
    own level never enters its prediction; attribute scaling is fitted on the other zones too.
    """
    table, excluded = _zone_table(levels, groups, attribute_columns)
    columns = list(attribute_columns)
    X, y = table[columns], table["level"].to_numpy(dtype=float)
    prediction = np.empty(len(table))
    baseline = np.empty(len(table))
    # A few dozen rows: threads only cost time (much of it when the CPU is shared).
    with threadpool_limits(limits=1):
        for i in range(len(table)):
            others = np.arange(len(table)) != i
            fitted = _zone_model(model, random_state).fit(X[others], y[others])
            prediction[i] = float(fitted.predict(X.iloc[[i]])[0])
            baseline[i] = float(y[others].mean())
    prediction = np.maximum(prediction, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(prediction > 0, y / np.where(prediction > 0, prediction, 1.0), np.nan)
    predictions = pd.DataFrame({
        GROUP: table[GROUP], "level": y, "prediction": prediction, "baseline": baseline,
        "ratio": ratio,
    })
    metrics = pd.DataFrame(
        {
            "mae": [np.mean(np.abs(prediction - y)), np.mean(np.abs(baseline - y))],
            "rmse": [np.sqrt(np.mean((prediction - y) ** 2)),
                     np.sqrt(np.mean((baseline - y) ** 2))],
        },
        index=pd.Index(["model", "baseline"]),
    )
    name = model if isinstance(model, str) else type(model).__name__
    return GroupedCVResult(predictions, metrics, excluded, tuple(columns), name)


def rank_candidates(
    levels: pd.DataFrame,
    groups: pd.DataFrame,
    attribute_columns: Sequence[str],
    candidate_ids: Sequence,
    *,
    model="poisson",
    random_state: int | None = 0,
    service_hours_per_day: float = 12.0,
    interval_level: float = 0.8,
) -> pd.DataFrame:
    """Rank candidate zones by expected demand, with a rough interval.

    The model (see :func:`grouped_cv`) is fitted on all sufficient served zones and predicts
    each candidate from its attributes in ``groups``. A candidate must not be a training zone.

    Returns one row per candidate, best first: ``rank``, ``gruppe``, ``requests_per_hour``
    (expected count per service hour), ``requests_per_day`` (× ``service_hours_per_day``, h),
    their ``_lo``/``_hi`` bounds, ``extrapolation`` (True if an attribute lies outside the range
    of the served zones: treat with extra care) and the attributes. The bounds multiply the
    prediction by the ``(1 ∓ interval_level) / 2`` quantiles of observed/predicted levels from
    the leave-one-zone-out check: with few zones only a rough guide.
    """
    level = _check_level(interval_level)
    if isinstance(service_hours_per_day, bool) \
            or not isinstance(service_hours_per_day, (int, float, np.number)) \
            or not 0 < service_hours_per_day <= 24:
        raise DataError(
            f"service_hours_per_day must lie in (0, 24], got {service_hours_per_day!r}.",
            message_de=f"service_hours_per_day (Betriebsstunden pro Tag) muss größer als 0 und "
            f"höchstens 24 sein; angegeben war {service_hours_per_day!r}.",
        )
    table, _ = _zone_table(levels, groups, attribute_columns)
    columns = list(attribute_columns)
    attrs = _groups_table(groups, columns)
    candidates = [str(c) for c in ([candidate_ids] if isinstance(candidate_ids, str)
                                   else candidate_ids)]
    if not candidates:
        raise DataError("candidate_ids is empty.",
                        message_de="Es sind keine Kandidatenzonen (candidate_ids) angegeben.")
    unknown = [c for c in candidates if c not in attrs.index]
    if unknown:
        raise DataError(
            f"Candidates missing from groups: {_names(unknown[:5])}.",
            message_de=f"Diese Kandidatenzonen fehlen in der Zonentabelle (groups): "
            f"{_names(unknown[:5])}.",
        )
    served = sorted(set(candidates) & set(table[GROUP]))
    if served:
        raise DataError(
            f"Candidates already served (they are training zones): {_names(served[:5])}.",
            message_de=f"Diese Kandidaten werden schon bedient und sind Trainingszonen: "
            f"{_names(served[:5])}. Ihre Nachfrage ist bekannt; nehmen Sie sie aus der "
            "Kandidatenliste.",
        )
    X_new = attrs.loc[candidates, columns]
    nan = X_new.index[X_new.isna().any(axis=1)].tolist()
    if nan:
        raise DataError(
            f"Candidates with missing attributes: {_names(nan[:5])}.",
            message_de=f"Kandidatenzonen mit fehlenden Merkmalen: {_names(nan[:5])}. Ergänzen "
            "Sie die Werte.",
        )
    with threadpool_limits(limits=1):
        fitted = _zone_model(model, random_state).fit(table[columns], table["level"].to_numpy())
        pred = np.maximum(np.asarray(fitted.predict(X_new), dtype=float), 0.0)
    cv = grouped_cv(levels, groups, columns, model=model, random_state=random_state)
    ratio = cv.predictions["ratio"].dropna().to_numpy()
    q_lo, q_hi = np.quantile(ratio, [(1 - level) / 2, (1 + level) / 2])
    low, high = table[columns].min(), table[columns].max()
    outside = ((X_new < low) | (X_new > high)).any(axis=1).to_numpy()
    hours = float(service_hours_per_day)
    out = pd.DataFrame({
        GROUP: candidates,
        "requests_per_hour": pred,
        "requests_per_hour_lo": pred * q_lo,
        "requests_per_hour_hi": pred * q_hi,
        "requests_per_day": pred * hours,
        "requests_per_day_lo": pred * q_lo * hours,
        "requests_per_day_hi": pred * q_hi * hours,
        "extrapolation": outside,
    })
    for c in columns:
        out[c] = X_new[c].to_numpy()
    out = out.sort_values("requests_per_hour", ascending=False, kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)

