"""Forecast hourly counts per group (on-demand bus requests per zone, bicycle counts per site).

Input is a tidy table ``counts`` with one row per group and hour:

- ``zeit``: local wall-clock time (tz-naive), start of the hour
- ``gruppe``: group id (zone, counter site), text
- ``anzahl``: count in that hour; NaN = missing/unknown (never read as 0)
- optional weather columns, e.g. ``temperatur_c`` (°C), ``niederschlag_mm`` (mm/h)

Only rows present are modelled, so hours outside the service time may simply be absent.
Models are compared on rolling origins: train on everything before a test window, predict the
window, move the window forward. All counts are in the unit of ``anzahl`` (per hour).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import mean_poisson_deviance
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from urbanki_helpers.calendar_de import calendar_features
from urbanki_helpers.errors import DataError
from urbanki_helpers.evaluation import GroupMeanBaseline, regression_metrics

__all__ = [
    "build_features",
    "error_by",
    "evaluate_rolling",
    "interval_coverage",
    "make_models",
    "poisson_interval",
    "rolling_origin_splits",
    "summarize_folds",
]

TIME, GROUP, COUNT = "zeit", "gruppe", "anzahl"
#: Feature columns copied into the predictions frame so errors can be broken down by them.
CONTEXT_COLUMNS = ("wochentag", "stunde", "feiertag", "schulferien")
_MIN_MU = 1e-6  # predictions are clipped to this for the Poisson deviance (counts per hour)


# --- input checks -----------------------------------------------------------------------------


def _names(items: Iterable) -> str:
    return ", ".join(map(str, items))


def _require_columns(df, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            f"{what} must be a pandas DataFrame.",
            message_de=f"{what} muss eine Tabelle (pandas DataFrame) sein.",
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"{what} lacks the column(s) {_names(missing)}; available: {_names(df.columns)}. "
            "Rename the columns or pass the right names.",
            message_de=f"In {what} fehlen die Spalten {_names(missing)}. Vorhandene Spalten: "
            f"{_names(df.columns)}. Benennen Sie die Spalten um (z. B. mit "
            "df.rename(columns={...})) oder geben Sie die richtigen Namen an.",
        )


def _as_times(values, what: str) -> pd.Series:
    """tz-naive datetime Series (local wall-clock time) without NaT."""
    times = pd.Series(values) if not isinstance(values, pd.Series) else values
    if not pd.api.types.is_datetime64_any_dtype(times):
        try:
            times = pd.to_datetime(times, format="ISO8601")
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"{what} is not a date/time column ({exc}).",
                message_de=f"{what} enthält keine Zeitangaben. Wandeln Sie die Spalte vorher um, "
                "z. B. mit pd.to_datetime(df['zeit'], format='%d.%m.%Y %H:%M').",
            ) from exc
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)  # keep the local wall-clock time
    if times.isna().any():
        raise DataError(
            f"{what} has {int(times.isna().sum())} missing times; drop those rows first.",
            message_de=f"{what} hat {int(times.isna().sum())} fehlende Zeitangaben. Entfernen "
            "Sie diese Zeilen vorher, z. B. mit df.dropna(subset=['zeit']).",
        )
    return times


def _numeric(series: pd.Series, what: str) -> pd.Series:
    try:
        return pd.to_numeric(series).astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"Column {what!r} must contain numbers ({exc}).",
            message_de=f"Die Spalte {what!r} darf nur Zahlen enthalten ({exc}). Wandeln Sie "
            "sie vorher um, z. B. mit pd.to_numeric(..., errors='coerce') (Dezimalkomma "
            "vorher durch Punkt ersetzen).",
        ) from exc


def _check_counts(counts, extra: Sequence[str] = ()) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Validated ``(zeit, gruppe, anzahl)`` of a counts table, index as in ``counts``."""
    _require_columns(counts, [TIME, GROUP, COUNT, *extra], "counts")
    if len(counts) == 0:
        raise DataError("counts is empty.", message_de="Die Zähltabelle (counts) ist leer.")
    times = _as_times(counts[TIME], "Column 'zeit'")
    if counts[GROUP].isna().any():
        raise DataError(
            f"Column 'gruppe' has {int(counts[GROUP].isna().sum())} missing ids.",
            message_de=f"Die Spalte 'gruppe' hat {int(counts[GROUP].isna().sum())} leere "
            "Einträge. Jede Zeile braucht eine Zonen- bzw. Zählstellen-Kennung.",
        )
    groups = counts[GROUP].astype(str)
    values = _numeric(counts[COUNT], COUNT)
    if (values < 0).any():
        raise DataError(
            f"Column 'anzahl' has {int((values < 0).sum())} negative counts.",
            message_de=f"Die Spalte 'anzahl' hat {int((values < 0).sum())} negative Werte. "
            "Zählwerte sind nie negativ: Prüfen Sie die Daten oder setzen Sie fehlerhafte "
            "Werte auf NaN (unbekannt).",
        )
    dup = pd.DataFrame({"g": groups, "t": times}).duplicated()
    if dup.any():
        first = dup.idxmax()
        raise DataError(
            f"{int(dup.sum())} rows repeat a (gruppe, zeit) pair, first at index {first} "
            f"({groups[first]}, {times[first]}); aggregate them first.",
            message_de=f"{int(dup.sum())} Zeilen wiederholen eine Kombination aus gruppe und "
            f"zeit (erste bei Index {first}: {groups[first]}, {times[first]}). Fassen Sie "
            "diese vorher zusammen, z. B. mit df.groupby(['gruppe', 'zeit'], "
            "as_index=False)['anzahl'].sum().",
        )
    return times, groups, values


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)) \
            or not 0 < level < 1:
        raise DataError(
            f"level must lie between 0 and 1 (e.g. 0.9), got {level!r}.",
            message_de=f"Das Niveau des Vorhersageintervalls muss zwischen 0 und 1 liegen, "
            f"z. B. 0.9 für 90 %; angegeben war {level!r}.",
        )
    return float(level)


def _check_lags(lags_hours) -> tuple[int, ...]:
    lags = tuple(lags_hours)
    bad = [h for h in lags
           if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1]
    if bad:
        raise DataError(
            f"lags_hours must be whole numbers of hours >= 1, got {_names(bad)}.",
            message_de=f"lags_hours (Verzögerungen in Stunden) müssen ganze Zahlen ab 1 sein, "
            f"z. B. (24, 168) für Vortag und Vorwoche; angegeben war {_names(bad)}.",
        )
    return tuple(sorted(set(int(h) for h in lags)))


# --- features ---------------------------------------------------------------------------------


def build_features(
    counts: pd.DataFrame,
    *,
    state: str = "NI",
    weather_columns: Sequence[str] = (),
    lags_hours: Sequence[int] = (168,),
    school_holidays=None,
    groups: pd.DataFrame | None = None,
    attribute_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Feature table for every row of ``counts`` (same index and order).

    Columns:

    - calendar of ``state`` (e.g. ``"NI"``), see :func:`calendar_de.calendar_features`:
      ``wochentag`` (0 = Monday), ``monat``, ``jahrestag_sin/cos``, ``feiertag`` (0/1),
      ``stunde`` (0–23), ``stunde_sin/cos``
    - ``schulferien`` (0/1) if ``school_holidays`` (a collection of dates) is given
    - the ``weather_columns`` as they are (they hold the observed weather of the hour; a live
      forecast would use the weather forecast instead)
    - ``gruppe_code``: integer code of the group, 0.. in sorted order of the group ids
    - ``attribute_columns`` of ``groups`` (one row per ``gruppe``), e.g. inhabitants
    - ``lag_<h>h``: count of the same group exactly ``h`` hours earlier (wall-clock time),
      NaN if that row is absent or its count unknown

    No leakage: the counts enter only through the lags, so a row at time ``t`` uses counts up to
    ``t - min(lags_hours)`` only. Forecasting further ahead than the smallest lag needs larger
    lags (e.g. 168 h for a week ahead).
    """
    weather_columns = list(weather_columns)
    attribute_columns = list(attribute_columns)
    times, ids, values = _check_counts(counts, weather_columns)
    lags = _check_lags(lags_hours)

    cal = calendar_features(times, state, hourly=True)
    cal.index = counts.index
    parts = [cal]
    if school_holidays is not None:
        try:
            holidays = pd.DatetimeIndex(pd.to_datetime(list(school_holidays))).normalize()
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"school_holidays must be dates ({exc}).",
                message_de=f"school_holidays muss eine Liste von Daten sein, z. B. "
                f"pd.date_range('2024-07-04', '2024-08-14') ({exc}).",
            ) from exc
        flag = times.dt.normalize().isin(holidays).astype(int)
        parts.append(pd.DataFrame({"schulferien": flag.to_numpy()}, index=counts.index))
    if weather_columns:
        parts.append(pd.DataFrame(
            {c: _numeric(counts[c], c).to_numpy() for c in weather_columns}, index=counts.index
        ))
    codes = {g: i for i, g in enumerate(sorted(ids.unique()))}
    parts.append(pd.DataFrame({"gruppe_code": ids.map(codes).astype(int).to_numpy()},
                              index=counts.index))
    if attribute_columns or groups is not None:
        parts.append(_attributes(groups, attribute_columns, ids))
    if lags:
        key = pd.MultiIndex.from_arrays([ids.to_numpy(), times.to_numpy()])
        series = pd.Series(values.to_numpy(), index=key)
        lagged = {}
        for h in lags:
            earlier = pd.MultiIndex.from_arrays(
                [ids.to_numpy(), (times - pd.Timedelta(hours=h)).to_numpy()]
            )
            lagged[f"lag_{h}h"] = series.reindex(earlier).to_numpy(dtype=float)
        parts.append(pd.DataFrame(lagged, index=counts.index))
    features = pd.concat(parts, axis=1)
    clash = features.columns[features.columns.duplicated()].unique()
    if len(clash):
        raise DataError(
            f"Column names used twice in the features: {_names(clash)}; rename the weather or "
            "attribute columns.",
            message_de=f"Spaltennamen kommen doppelt vor: {_names(clash)}. Benennen Sie die "
            "Wetter- bzw. Zonenmerkmale um.",
        )
    return features


def _attributes(groups, attribute_columns: list[str], ids: pd.Series) -> pd.DataFrame:
    if groups is None:
        raise DataError(
            "attribute_columns were given without a groups table.",
            message_de="Zonenmerkmale (attribute_columns) brauchen die Zonentabelle groups "
            "mit einer Spalte 'gruppe'.",
        )
    _require_columns(groups, [GROUP, *attribute_columns], "groups")
    table = groups.assign(**{GROUP: groups[GROUP].astype(str)})
    dup = table[GROUP][table[GROUP].duplicated()].unique()
    if len(dup):
        raise DataError(
            f"groups lists these ids more than once: {_names(dup[:5])}.",
            message_de=f"Die Zonentabelle nennt diese Kennungen mehrfach: {_names(dup[:5])}. "
            "Jede Zone darf nur eine Zeile haben.",
        )
    unknown = sorted(set(ids) - set(table[GROUP]))
    if unknown:
        raise DataError(
            f"{len(unknown)} groups of counts are missing from groups, e.g. "
            f"{_names(unknown[:5])}.",
            message_de=f"{len(unknown)} Gruppen aus counts fehlen in der Zonentabelle, z. B. "
            f"{_names(unknown[:5])}. Prüfen Sie die Schreibweise der Kennungen (führende "
            "Nullen, Text statt Zahl).",
        )
    attrs = table.set_index(GROUP)[attribute_columns]
    attrs = pd.DataFrame({c: _numeric(attrs[c], c) for c in attribute_columns})
    out = attrs.reindex(ids.to_numpy())
    out.index = ids.index
    return out


# --- splits -----------------------------------------------------------------------------------


def _timedelta(value, name: str) -> pd.Timedelta:
    try:
        td = pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{name} must be a duration such as '7D' or '12h', got {value!r}.",
            message_de=f"{name} muss eine Dauer sein, z. B. '7D' (7 Tage) oder '12h' "
            f"(12 Stunden); angegeben war {value!r}.",
        ) from exc
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise DataError(
            f"{name} must be positive, got {value!r}.",
            message_de=f"{name} muss eine positive Dauer sein; angegeben war {value!r}.",
        )
    return td


def rolling_origin_splits(
    times,
    *,
    n_folds: int = 4,
    horizon="7D",
    step=None,
    min_train="28D",
    end=None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rolling-origin (expanding window) splits as boolean masks ``(train, test)`` over ``times``.

    The test windows are the last ``n_folds`` windows of length ``horizon``, each starting
    ``step`` (default: ``horizon``) after the previous one; the last window ends at ``end``
    (exclusive). By default ``end`` is one sampling interval after the latest time, rounded up
    to the next midnight when ``horizon`` and ``step`` are whole days. Training rows are all
    rows before a window's start. Never random.
    """
    t = _as_times(pd.Series(np.asarray(times)) if not isinstance(times, pd.Series) else times,
                  "times")
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or n_folds < 1:
        raise DataError(
            f"n_folds must be a whole number >= 1, got {n_folds!r}.",
            message_de=f"n_folds (Zahl der Testfenster) muss eine ganze Zahl ab 1 sein; "
            f"angegeben war {n_folds!r}.",
        )
    horizon_td = _timedelta(horizon, "horizon")
    step_td = horizon_td if step is None else _timedelta(step, "step")
    min_train_td = pd.Timedelta(0) if min_train is None else _timedelta(min_train, "min_train")
    values = t.to_numpy()
    first, last = t.min(), t.max()
    if end is None:
        unique = np.unique(values)
        if unique.size < 2:
            raise DataError(
                "times holds a single point in time; nothing to split.",
                message_de="Die Daten umfassen nur einen Zeitpunkt; zum Aufteilen in Training "
                "und Test braucht es eine Zeitreihe.",
            )
        end_ts = last + pd.Timedelta(np.diff(unique).min())
        day = pd.Timedelta("1D")
        if horizon_td % day == pd.Timedelta(0) and step_td % day == pd.Timedelta(0):
            end_ts = end_ts.ceil("D")
    else:
        end_ts = pd.Timestamp(end)
        end_ts = end_ts.tz_localize(None) if end_ts.tzinfo is not None else end_ts
    starts = [end_ts - horizon_td - (n_folds - 1 - k) * step_td for k in range(n_folds)]
    if starts[0] - first < min_train_td or starts[0] <= first:
        needed = min_train_td + horizon_td + (n_folds - 1) * step_td
        raise DataError(
            f"The data covers {last - first} but {n_folds} test windows of {horizon_td} (step "
            f"{step_td}) after at least {min_train_td} of training need about {needed}. Use "
            "fewer folds, a shorter horizon or a shorter min_train.",
            message_de=f"Die Daten reichen vom {first:%d.%m.%Y %H:%M} bis {last:%d.%m.%Y %H:%M}. "
            f"Für {n_folds} Testfenster à {_days_de(horizon_td)} nach mindestens "
            f"{_days_de(min_train_td)} Training braucht es etwa {_days_de(needed)}. Wählen Sie "
            "weniger Testfenster (n_folds), ein kürzeres Fenster (horizon) oder eine kürzere "
            "Mindest-Trainingszeit (min_train).",
        )
    splits = []
    for k, start in enumerate(starts):
        train = np.asarray(values < start.to_datetime64(), dtype=bool)
        test = np.asarray((values >= start.to_datetime64())
                          & (values < (start + horizon_td).to_datetime64()), dtype=bool)
        if not test.any():
            raise DataError(
                f"Test window {k + 1} ({start} to {start + horizon_td}) holds no rows.",
                message_de=f"Testfenster {k + 1} ({start:%d.%m.%Y %H:%M} bis "
                f"{start + horizon_td:%d.%m.%Y %H:%M}) enthält keine Daten (Datenlücke). Wählen "
                "Sie weniger Testfenster oder ein anderes Ende (end).",
            )
        splits.append((train, test))
    return splits


def _days_de(td: pd.Timedelta) -> str:
    days = td / pd.Timedelta("1D")
    if days == int(days):
        return f"{int(days)} Tage" if days != 1 else "1 Tag"
    return f"{td / pd.Timedelta('1h'):g} Stunden"


# --- models -----------------------------------------------------------------------------------


#: Annual-cycle features the GLM leaves out: fitted on a year or less of data, a sinusoid
#: extrapolates badly (real bicycle counts: bias −50/h in October); temperature and the weekly
#: lag carry the season instead.
_GLM_DROP = ("monat", "jahrestag_sin", "jahrestag_cos")


def _glm_prepare(X: pd.DataFrame) -> pd.DataFrame:
    """GLM inputs: day type × hour category, log1p of lag counts, no annual cycle."""
    out = X.drop(columns=list(_GLM_DROP), errors="ignore").copy()
    free = out["wochentag"].to_numpy() >= 5
    if "feiertag" in out.columns:
        free = free | (out["feiertag"].to_numpy() == 1)
    out["tagtyp_stunde"] = free.astype(int) * 24 + out["stunde"].to_numpy().astype(int)
    for c in out.columns:
        if str(c).startswith("lag_"):
            out[c] = np.log1p(out[c].clip(lower=0))
    return out


def make_models(*, random_state: int | None = 0, categorical: Sequence[str] = ("gruppe_code",)
                ) -> dict:
    """Three unfitted models for a :func:`build_features` table, by name.

    - ``"baseline"``: mean count per group, weekday and hour of the training rows
    - ``"glm"``: Poisson regression (log link) with one-hot weekday, hour, day type (working
      day or weekend/holiday) × hour and group; other features median-imputed (with missing
      indicators), lags as log(1 + count), all scaled; L2 penalty ``alpha=1e-4``. It leaves
      out the annual cycle (``monat``, ``jahrestag_sin/cos``), which it would extrapolate
      badly from a year or less of data
    - ``"hgb"``: histogram gradient boosting with Poisson loss, the group as categorical
      feature (at most 255 groups), up to 300 trees, stopped early when a random 10 % of the
      training rows no longer improve; takes NaN as it is

    ``random_state`` seeds the gradient boosting (its early-stopping split).
    """
    categorical = list(categorical)
    onehot = ["wochentag", "stunde", "tagtyp_stunde", *categorical]
    numeric = Pipeline([
        ("imputer", SimpleImputer(strategy="median", add_indicator=True)),
        ("scaler", StandardScaler()),
    ])
    glm = Pipeline([
        ("prepare", FunctionTransformer(_glm_prepare)),
        ("columns", ColumnTransformer(
            [("onehot", OneHotEncoder(handle_unknown="ignore"), onehot)], remainder=numeric,
        )),
        ("poisson", PoissonRegressor(alpha=1e-4, solver="newton-cholesky", max_iter=300)),
    ])
    hgb = HistGradientBoostingRegressor(
        loss="poisson",
        categorical_features=categorical or None,
        max_iter=300,
        learning_rate=0.1,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=True,
        random_state=random_state,
    )
    return {
        "baseline": GroupMeanBaseline(by=["gruppe_code", "wochentag", "stunde"]),
        "glm": glm,
        "hgb": hgb,
    }


# --- intervals --------------------------------------------------------------------------------


def _as_array(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{name} must contain numbers ({exc}).",
            message_de=f"{name} darf nur Zahlen enthalten ({exc}).",
        ) from exc
    return arr


def poisson_interval(mu, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Central Poisson prediction interval ``(lo, hi)`` for mean counts ``mu``.

    ``lo`` and ``hi`` are the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles; as
    counts are whole numbers the interval covers at least ``level`` (more for small ``mu``).
    NaN in ``mu`` gives NaN bounds.
    """
    level = _check_level(level)
    mu = _as_array(mu, "mu")
    if (mu < 0).any():
        raise DataError(
            "mu must not be negative.",
            message_de="Die vorhergesagten Mittelwerte (mu) dürfen nicht negativ sein.",
        )
    rate = np.maximum(mu, 1e-12)
    alpha = (1 - level) / 2
    lo = stats.poisson.ppf(alpha, rate)
    hi = stats.poisson.ppf(1 - alpha, rate)
    nan = np.isnan(mu)
    lo[nan] = np.nan
    hi[nan] = np.nan
    return lo, hi


def _nb_interval(mu: np.ndarray, dispersion: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Negative binomial interval with variance ``mu + dispersion * mu**2``."""
    if dispersion <= 1e-9:
        return poisson_interval(mu, level)
    rate = np.maximum(mu, 1e-12)
    size = 1.0 / dispersion
    prob = size / (size + rate)
    alpha = (1 - level) / 2
    return stats.nbinom.ppf(alpha, size, prob), stats.nbinom.ppf(1 - alpha, size, prob)


def _dispersion(y: np.ndarray, mu: np.ndarray) -> float:
    """Moment estimate of the NB2 dispersion (Var = mu + a mu²) from residuals, ≥ 0."""
    mu = np.maximum(mu, _MIN_MU)
    denom = float(np.sum(mu**2))
    if denom <= 0:
        return 0.0
    return max(0.0, float(np.sum((y - mu) ** 2 - y)) / denom)


def interval_coverage(y, lo, hi) -> float:
    """Share (0..1) of values ``y`` with ``lo <= y <= hi``."""
    y, lo, hi = (_as_array(v, n) for v, n in ((y, "y"), (lo, "lo"), (hi, "hi")))
    if not y.size == lo.size == hi.size:
        raise DataError(
            f"y, lo and hi have different lengths ({y.size}, {lo.size}, {hi.size}).",
            message_de=f"y, lo und hi müssen gleich lang sein ({y.size}, {lo.size}, "
            f"{hi.size}).",
        )
    if y.size == 0:
        raise DataError("y is empty.", message_de="Es gibt keine Werte (y ist leer).")
    if np.isnan(y).any() or np.isnan(lo).any() or np.isnan(hi).any():
        raise DataError(
            "y, lo or hi contain NaN; drop those rows first.",
            message_de="y, lo oder hi enthalten fehlende Werte (NaN). Entfernen Sie diese "
            "Zeilen vorher.",
        )
    return float(np.mean((y >= lo) & (y <= hi)))


# --- evaluation -------------------------------------------------------------------------------


def evaluate_rolling(
    counts: pd.DataFrame,
    features: pd.DataFrame,
    models: Mapping,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    interval_level: float = 0.9,
    dispersion_holdout="7D",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit every model on every fold's training rows and score it on the fold's test rows.

    Rows with unknown count (NaN) are left out of training and scoring; their number is
    reported (``n_missing_train``, ``n_missing_test``). Negative predictions are set to 0.

    Returns ``(per_fold, predictions)``:

    - ``per_fold``: one row per fold and model with ``fold`` (1 = earliest), ``model``,
      ``test_start``, ``test_end`` (last test time), ``n`` (scored rows), ``n_train``,
      ``n_missing_train``, ``n_missing_test``, ``mae``, ``rmse``, ``bias`` (counts per hour),
      ``poisson_deviance`` (mean, predictions clipped to ≥ 1e-6), ``r2``,
      ``interval_coverage`` (share of counts inside the Poisson interval of ``interval_level``),
      ``dispersion`` (negative binomial dispersion a, Var = mu + a·mu², moment estimate) and
      ``interval_coverage_nb`` (same for the negative binomial interval, which is wider when
      counts vary more than Poisson). The dispersion is estimated on the last
      ``dispersion_holdout`` (a duration) of the training rows, predicted by a second fit on the
      rows before them: in-sample residuals of a flexible model are too small. With
      ``dispersion_holdout=None`` (or too little data) the training residuals are used;
      ``dispersion_from`` says which (``"holdout"``/``"train"``).
    - ``predictions``: ``fold``, ``model``, ``zeit``, ``gruppe``, ``y_true``, ``y_pred``,
      ``lo``, ``hi`` (Poisson interval), ``lo_nb``, ``hi_nb`` and the feature columns
      ``wochentag``, ``stunde``, ``feiertag``, ``schulferien`` where present.
    """
    level = _check_level(interval_level)
    holdout = None if dispersion_holdout is None else _timedelta(
        dispersion_holdout, "dispersion_holdout")
    times, ids, y = _check_counts(counts)
    if not isinstance(features, pd.DataFrame) or not features.index.equals(counts.index):
        raise DataError(
            "features must be a DataFrame with the same index as counts (use build_features).",
            message_de="features muss eine Tabelle mit demselben Index wie counts sein; "
            "erstellen Sie sie mit build_features(counts, ...).",
        )
    if not isinstance(models, Mapping) or not models:
        raise DataError(
            "models must be a non-empty dict name -> estimator (see make_models).",
            message_de="models muss ein nicht leeres Verzeichnis Name → Modell sein, z. B. "
            "make_models().",
        )
    known = y.notna().to_numpy()
    target = y.to_numpy()
    context = [c for c in CONTEXT_COLUMNS if c in features.columns]
    rows, frames = [], []
    for fold, split in enumerate(splits, start=1):
        try:
            train, test = (np.asarray(m, dtype=bool) for m in split)
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"Split {fold} is not a pair of boolean masks ({exc}).",
                message_de=f"Aufteilung {fold} ist kein Paar aus Ja/Nein-Masken; erzeugen Sie "
                "die Aufteilungen mit rolling_origin_splits.",
            ) from exc
        if train.shape != (len(counts),) or test.shape != (len(counts),):
            raise DataError(
                f"Split {fold} has masks of length {train.size}/{test.size}, counts has "
                f"{len(counts)} rows.",
                message_de=f"Aufteilung {fold} passt nicht zu counts ({train.size}/{test.size} "
                f"statt {len(counts)} Zeilen). Erzeugen Sie sie mit "
                "rolling_origin_splits(counts['zeit']).",
            )
        fit_rows, score_rows = train & known, test & known
        if not fit_rows.any() or not score_rows.any():
            raise DataError(
                f"Fold {fold} has no training or no test rows with a known count.",
                message_de=f"Testfenster {fold} hat keine Trainings- oder keine Testzeilen mit "
                "bekanntem Zählwert. Wählen Sie andere Fenster.",
            )
        X_fit, y_fit = features.loc[fit_rows], target[fit_rows]
        X_score, y_score = features.loc[score_rows], target[score_rows]
        inner, held = fit_rows, np.zeros_like(fit_rows)
        if holdout is not None:
            cut = (times[fit_rows].max() - holdout).to_datetime64()
            held = fit_rows & (times.to_numpy() > cut)
            inner = fit_rows & ~held
        use_holdout = bool(inner.any() and held.any())
        for name, model in models.items():
            fitted = clone(model).fit(X_fit, y_fit)
            mu = _predict(fitted, X_score)
            if use_holdout:
                check = clone(model).fit(features.loc[inner], target[inner])
                dispersion = _dispersion(target[held], _predict(check, features.loc[held]))
            else:
                dispersion = _dispersion(y_fit, _predict(fitted, X_fit))
            lo, hi = poisson_interval(mu, level)
            lo_nb, hi_nb = _nb_interval(mu, dispersion, level)
            metrics = regression_metrics(y_score, mu)
            rows.append({
                "fold": fold,
                "model": name,
                "test_start": times[test].min(),
                "test_end": times[test].max(),
                "n": metrics["n"],
                "n_train": int(fit_rows.sum()),
                "n_missing_train": int((train & ~known).sum()),
                "n_missing_test": int((test & ~known).sum()),
                "mae": metrics["mae"],
                "rmse": metrics["rmse"],
                "bias": metrics["bias"],
                "poisson_deviance": float(
                    mean_poisson_deviance(y_score, np.maximum(mu, _MIN_MU))
                ),
                "r2": metrics["r2"],
                "interval_coverage": interval_coverage(y_score, lo, hi),
                "dispersion": dispersion,
                "dispersion_from": "holdout" if use_holdout else "train",
                "interval_coverage_nb": interval_coverage(y_score, lo_nb, hi_nb),
            })
            frame = pd.DataFrame({
                "fold": fold,
                "model": name,
                "zeit": times[score_rows].to_numpy(),
                "gruppe": ids[score_rows].to_numpy(),
                "y_true": y_score,
                "y_pred": mu,
                "lo": lo,
                "hi": hi,
                "lo_nb": lo_nb,
                "hi_nb": hi_nb,
            })
            for c in context:
                frame[c] = X_score[c].to_numpy()
            frames.append(frame)
    if not rows:
        raise DataError("splits is empty.", message_de="Es wurden keine Aufteilungen übergeben.")
    return pd.DataFrame(rows), pd.concat(frames, ignore_index=True)


def _predict(model, X) -> np.ndarray:
    return np.maximum(np.asarray(model.predict(X), dtype=float), 0.0)


_SUMMARY_METRICS = ("mae", "rmse", "bias", "poisson_deviance", "r2", "interval_coverage",
                    "interval_coverage_nb")


def summarize_folds(per_fold: pd.DataFrame) -> pd.DataFrame:
    """Per model (index, in the order of ``per_fold``): ``n_folds``, ``n`` (scored rows over
    all folds) and for every metric its mean over folds plus ``<metric>_min``/``<metric>_max``.
    """
    _require_columns(per_fold, ["model", "n"], "per_fold")
    metrics = [m for m in _SUMMARY_METRICS if m in per_fold.columns]
    grouped = per_fold.groupby("model", sort=False)
    out = pd.DataFrame({"n_folds": grouped.size(), "n": grouped["n"].sum()})
    for m in metrics:
        out[m] = grouped[m].mean()
        out[f"{m}_min"] = grouped[m].min()
        out[f"{m}_max"] = grouped[m].max()
    out.index.name = "model"
    return out


_DERIVED = {
    "stunde": lambda t: t.dt.hour,
    "wochentag": lambda t: t.dt.day_of_week,
    "monat": lambda t: t.dt.month,
    "datum": lambda t: t.dt.normalize(),
}


def error_by(predictions: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Mean absolute error of each model (one column per model) by the values of ``by``.

    ``by`` names columns of ``predictions`` (e.g. ``"stunde"``, ``"feiertag"``, ``"gruppe"``);
    ``stunde``, ``wochentag``, ``monat`` and ``datum`` are derived from ``zeit`` if absent.
    Also returns ``n`` (test rows per value and model) and ``y_mean`` (mean count there).
    """
    _require_columns(predictions, ["model", "zeit", "y_true", "y_pred"], "predictions")
    by = [by] if isinstance(by, str) else list(by)
    frame = predictions.copy()
    for c in by:
        if c not in frame.columns and c in _DERIVED:
            frame[c] = _DERIVED[c](frame["zeit"])
    _require_columns(frame, by, "predictions")
    frame["abs_error"] = (frame["y_pred"] - frame["y_true"]).abs()
    models = list(pd.unique(frame["model"]))
    mae = frame.pivot_table(index=by, columns="model", values="abs_error", aggfunc="mean",
                            observed=True)[models]
    first = frame[frame["model"] == models[0]].groupby(by, observed=True)
    out = pd.DataFrame({"n": first.size(), "y_mean": first["y_true"].mean()})
    out = out.join(mae)
    out.columns.name = None
    return out
