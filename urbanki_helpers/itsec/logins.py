"""Login anomalies: features per account and time window, expert rules, an anomaly detector
and the evaluation a small security team cares about (how many alerts to read per attack type).

Input follows the ``musterstadt_it`` contract (``anmeldungen.csv.gz``): one row per authentication
event with ``zeit`` (local time), ``konto``, ``system``, ``quelle_ip``, ``ort``, ``lat``/``lon``
(degrees WGS84), ``ereignis`` (``login_ok``/``login_fail``), ``kanal`` (``intern``/``vpn``) and,
in synthetic data only, the label ``angriff`` (``""`` = normal). Every "new" or "unusual" feature
of a window uses only events before that window, so adding later events never changes it. At the
start of a log every account is new: drop a warm-up period (``warmup``) before evaluating.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler

from urbanki_helpers.calendar_de import holiday_flags
from urbanki_helpers.errors import DataError

__all__ = [
    "EVENT_COLUMNS", "FEATURE_COLUMNS", "ROLES", "RULES", "AnomalyDetector", "alerts_needed",
    "haversine_km", "precision_at_k", "recall_by_type", "rule_hits", "rules", "source_features",
    "window_features",
]

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
EVENT_COLUMNS = ("zeit", "konto", "system", "quelle_ip", "ort", "lat", "lon", "ereignis", "kanal")
ROLES = ("mitarbeiter", "admin", "dienstkonto", "schichtdienst")
#: Numeric window features used by :class:`AnomalyDetector` by default (never the label).
FEATURE_COLUMNS = [
    "n_events", "n_fail", "fail_rate", "n_distinct_systems", "n_new_systems", "n_distinct_ips",
    "n_new_ips", "new_place", "max_speed_kmh", "hour_unusualness", "night_or_weekend", "vpn_share",
    *[f"role_{r}" for r in ROLES],
]
#: Counts and speeds that are log1p-transformed by :class:`AnomalyDetector` (heavy tails).
COUNT_COLUMNS = ["n_events", "n_fail", "n_distinct_systems", "n_new_systems", "n_distinct_ips",
                 "n_new_ips", "max_speed_kmh"]
#: Expert rules and their thresholds (documented in :func:`rule_hits`).
RULES = {
    "brute_force": "n_fail >= 5 in the window",
    "impossible_travel": "max_speed_kmh > 900 (faster than an airliner)",
    "off_hours_admin": "admin role, night (22-6 h), weekend or holiday, and a new source IP",
    "lateral_movement": "n_new_systems >= 5 (systems never used before by the account)",
    "password_spraying": "per source IP: failures on >= 10 accounts and fail_rate >= 0.5",
}
NIGHT_START_H, NIGHT_END_H = 22, 6
MIN_GAP_S = 60.0  # time differences below 1 min count as 1 min in travel speeds


def _fail(en: str, de: str) -> DataError:
    return DataError(en, message_de=de)


def _check_events(events: pd.DataFrame, columns=EVENT_COLUMNS) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise _fail("events must be a pandas DataFrame",
                    "Die Anmeldedaten (events) müssen eine Tabelle (pandas DataFrame) sein.")
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise _fail(f"events lack the columns {missing}",
                    f"Den Anmeldedaten fehlen die Spalten {', '.join(missing)}. Erwartet werden "
                    f"{', '.join(columns)}.")
    if len(events) == 0:
        raise _fail("events are empty", "Die Anmeldedaten sind leer: Es gibt keine Ereignisse.")
    zeit = events["zeit"]
    if not pd.api.types.is_datetime64_any_dtype(zeit):
        try:
            zeit = pd.to_datetime(zeit)
        except (ValueError, TypeError) as exc:
            raise _fail(f"column zeit is not a date-time: {exc}",
                        "Die Spalte 'zeit' enthält Werte, die keine Zeitpunkte sind. "
                        "Erwartet wird z. B. '2024-03-01 08:15:00'.") from exc
    if zeit.isna().any():
        raise _fail("column zeit has missing values",
                    "Die Spalte 'zeit' hat leere Werte. Entfernen oder ergänzen Sie diese Zeilen.")
    if "ereignis" in columns:
        bad = set(events["ereignis"].unique()) - {"login_ok", "login_fail"}
        if bad:
            raise _fail(f"column ereignis has unknown values {sorted(map(str, bad))}",
                        f"Die Spalte 'ereignis' enthält unbekannte Werte {sorted(map(str, bad))}; "
                        "erlaubt sind 'login_ok' und 'login_fail'.")
    out = events.assign(zeit=zeit)
    return out.sort_values("zeit", kind="stable", ignore_index=True)


def _window_start(zeit: pd.Series, window: str) -> pd.Series:
    try:
        return zeit.dt.floor(window)
    except (ValueError, TypeError) as exc:
        raise _fail(f"window {window!r} is not a fixed pandas frequency such as '1h' or '30min'",
                    f"window={window!r} ist keine gültige Fensterlänge. Erlaubt sind feste "
                    "Längen wie '1h', '30min' oder '1D'.") from exc


def _labels(events: pd.DataFrame) -> pd.Series:
    if "angriff" not in events.columns:
        return pd.Series("", index=events.index, dtype=object)
    return events["angriff"].fillna("").astype(str)


def _first_label(labels: pd.Series, keys: list[pd.Series]) -> pd.Series:
    """First non-empty label per group (groups without one get "")."""
    hit = labels != ""
    first = labels[hit].groupby([k[hit] for k in keys], sort=False).first()
    return first


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (WGS84, spherical Earth)."""
    p1, p2 = np.radians(np.asarray(lat1, float)), np.radians(np.asarray(lat2, float))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, float) - np.asarray(lon1, float))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _off_hours(zeit: pd.Series, state: str) -> np.ndarray:
    hour = zeit.dt.hour.to_numpy()
    night = (hour >= NIGHT_START_H) | (hour < NIGHT_END_H)
    weekend = zeit.dt.day_of_week.to_numpy() >= 5
    day = zeit.dt.normalize()
    days = day.unique()
    holiday = pd.Series(holiday_flags(days, state), index=days).reindex(day).to_numpy()
    return night | weekend | holiday


def window_features(events: pd.DataFrame, accounts: pd.DataFrame, *, window: str = "1h",
                    warmup: str | pd.Timedelta | None = None, state: str = "NW") -> pd.DataFrame:
    """Features per account and time window with activity (one row each).

    Parameters
    ----------
    events:
        Authentication events (see module docstring); ``angriff`` is optional.
    accounts:
        Table with ``konto`` and ``rolle`` (``mitarbeiter``, ``admin``, ``dienstkonto``,
        ``schichtdienst``); accounts missing there get ``rolle = "unbekannt"``.
    window:
        Window length as a pandas frequency (``"1h"``, ``"30min"``); windows start at multiples.
    warmup:
        Drop windows starting before ``first event + warmup`` from the result (their events
        still count as history), e.g. ``"14D"``.
    state:
        Land for public holidays in ``night_or_weekend`` (Solingen: ``"NW"``).

    Returns
    -------
    DataFrame with ``konto``, ``window_start``, ``rolle`` and the features: ``n_events``,
    ``n_fail``, ``fail_rate``, ``n_distinct_systems``, ``n_new_systems`` (systems the account
    never used before the window), ``n_distinct_ips``, ``n_new_ips``, ``new_place`` (1 if a place
    never seen before for the account), ``max_speed_kmh`` (fastest travel between consecutive
    successful logins ending in the window, incl. the last one before; 0 if none),
    ``hour_unusualness`` (max over the window's events of 1 − share of the account's past events
    in that hour of day; 1 without history), ``night_or_weekend`` (1 if any event 22–6 h, on a
    weekend or public holiday), ``vpn_share``, ``n_past_events``, ``role_*`` one-hot, and
    ``label`` (first attack label in the window, ``""`` if none; never a feature).
    """
    ev = _check_events(events)
    if not isinstance(accounts, pd.DataFrame) or not {"konto", "rolle"} <= set(accounts.columns):
        raise _fail("accounts must be a DataFrame with the columns konto and rolle",
                    "Die Kontentabelle (accounts) braucht die Spalten 'konto' und 'rolle'.")
    konto = ev["konto"].astype(str)
    win = _window_start(ev["zeit"], window)
    keys = [konto, win]
    fail = (ev["ereignis"] == "login_fail").to_numpy()
    ok = ~fail

    # "new" = first occurrence for the account in time order: only the past decides.
    new_system = ~pd.DataFrame({"k": konto, "s": ev["system"]}).duplicated().to_numpy()
    new_ip = ~pd.DataFrame({"k": konto, "s": ev["quelle_ip"]}).duplicated().to_numpy()
    new_place = ~pd.DataFrame({"k": konto, "s": ev["ort"]}).duplicated().to_numpy()

    # Speed into each successful login from the previous successful login of the account.
    speed = np.zeros(len(ev))
    okev = ev.loc[ok, ["lat", "lon", "zeit"]].assign(k=konto[ok])
    prev = okev.groupby("k", sort=False)[["lat", "lon", "zeit"]].shift(1)
    dist = haversine_km(prev["lat"], prev["lon"], okev["lat"], okev["lon"])
    hours = np.maximum((okev["zeit"] - prev["zeit"]).dt.total_seconds().to_numpy(), MIN_GAP_S)
    speed[ok] = np.nan_to_num(dist / (hours / 3600.0), nan=0.0)

    frame = pd.DataFrame({
        "konto": konto, "window_start": win, "fail": fail, "system": ev["system"],
        "ip": ev["quelle_ip"], "new_system": new_system, "new_ip": new_ip,
        "new_place": new_place, "speed": speed, "off": _off_hours(ev["zeit"], state),
        "vpn": (ev["kanal"] == "vpn").to_numpy(),
    })
    g = frame.groupby(["konto", "window_start"], sort=True)
    out = g.agg(n_events=("fail", "size"), n_fail=("fail", "sum"),
                n_distinct_systems=("system", "nunique"), n_new_systems=("new_system", "sum"),
                n_distinct_ips=("ip", "nunique"), n_new_ips=("new_ip", "sum"),
                new_place=("new_place", "max"), max_speed_kmh=("speed", "max"),
                night_or_weekend=("off", "max"), vpn_share=("vpn", "mean"))
    out["fail_rate"] = out["n_fail"] / out["n_events"]
    out["n_past_events"] = out.groupby(level="konto")["n_events"].cumsum() - out["n_events"]

    # Hour unusualness: per (account, window, hour of day) the share of past events in that hour.
    hour = ev["zeit"].dt.hour.rename("hour")
    per_hour = pd.DataFrame({"konto": konto, "window_start": win, "hour": hour}) \
        .groupby(["konto", "window_start", "hour"], sort=True).size().rename("n").reset_index()
    past_h = per_hour.groupby(["konto", "hour"])["n"].cumsum() - per_hour["n"]
    past_total = out["n_past_events"].reindex(
        pd.MultiIndex.from_frame(per_hour[["konto", "window_start"]])).to_numpy()
    unusual = np.where(past_total > 0, 1.0 - past_h / np.maximum(past_total, 1), 1.0)
    out["hour_unusualness"] = pd.Series(unusual).groupby(
        [per_hour["konto"], per_hour["window_start"]]).max()

    out = out.reset_index()
    roles = accounts.drop_duplicates("konto").assign(konto=lambda a: a["konto"].astype(str)) \
        .set_index("konto")["rolle"]
    out["rolle"] = out["konto"].map(roles).fillna("unbekannt").astype(str)
    for r in ROLES:
        out[f"role_{r}"] = (out["rolle"] == r).astype(int)
    for c in ["new_place", "night_or_weekend"]:
        out[c] = out[c].astype(int)
    for c in ["n_events", "n_fail", "n_new_systems", "n_new_ips", "n_past_events"]:
        out[c] = out[c].astype(int)
    first = _first_label(_labels(ev), keys)
    out["label"] = pd.MultiIndex.from_frame(out[["konto", "window_start"]]).map(
        first.to_dict()).fillna("").astype(str) if len(first) else ""
    if warmup is not None:
        out = out[out["window_start"] >= ev["zeit"].min() + pd.Timedelta(warmup)]
    cols = ["konto", "window_start", "rolle", *FEATURE_COLUMNS[:12], "n_past_events",
            *[f"role_{r}" for r in ROLES], "label"]
    return out[cols].reset_index(drop=True)


def source_features(events: pd.DataFrame, *, window: str = "1h") -> pd.DataFrame:
    """Features per source IP and time window, for password spraying (few tries on many
    accounts from one address).

    Returns ``quelle_ip``, ``window_start``, ``n_events``, ``n_accounts``, ``n_fail``,
    ``n_accounts_failed`` (distinct accounts with a failure), ``fail_rate`` and ``label``.
    """
    ev = _check_events(events, ("zeit", "konto", "quelle_ip", "ereignis"))
    ip = ev["quelle_ip"].astype(str)
    win = _window_start(ev["zeit"], window)
    fail = (ev["ereignis"] == "login_fail").to_numpy()
    frame = pd.DataFrame({"quelle_ip": ip, "window_start": win, "konto": ev["konto"],
                          "fail": fail, "konto_failed": ev["konto"].where(fail)})
    out = frame.groupby(["quelle_ip", "window_start"], sort=True).agg(
        n_events=("fail", "size"), n_accounts=("konto", "nunique"), n_fail=("fail", "sum"),
        n_accounts_failed=("konto_failed", "nunique"))
    out["n_fail"] = out["n_fail"].astype(int)
    out["fail_rate"] = out["n_fail"] / out["n_events"]
    first = _first_label(_labels(ev), [ip, win])
    out["label"] = out.index.map(first.to_dict()).fillna("").astype(str) if len(first) else ""
    return out.reset_index()


def rule_hits(features: pd.DataFrame) -> pd.DataFrame:
    """Which expert rule fires for which row (booleans, one column per applicable rule).

    Account windows (:func:`window_features`): ``brute_force`` n_fail ≥ 5;
    ``impossible_travel`` max_speed_kmh > 900; ``off_hours_admin`` role admin and
    night_or_weekend and n_new_ips ≥ 1; ``lateral_movement`` n_new_systems ≥ 5.
    Source windows (:func:`source_features`): ``password_spraying`` n_accounts_failed ≥ 10 and
    fail_rate ≥ 0.5.
    """
    if not isinstance(features, pd.DataFrame):
        raise _fail("features must be a DataFrame",
                    "Die Merkmale (features) müssen eine Tabelle (pandas DataFrame) sein.")
    hits = {}
    cols = set(features.columns)
    if "n_fail" in cols and "konto" in cols:
        hits["brute_force"] = features["n_fail"] >= 5
    if "max_speed_kmh" in cols:
        hits["impossible_travel"] = features["max_speed_kmh"] > 900
    if {"role_admin", "night_or_weekend", "n_new_ips"} <= cols:
        hits["off_hours_admin"] = ((features["role_admin"] == 1)
                                   & (features["night_or_weekend"] == 1)
                                   & (features["n_new_ips"] >= 1))
    if "n_new_systems" in cols:
        hits["lateral_movement"] = features["n_new_systems"] >= 5
    if {"n_accounts_failed", "fail_rate"} <= cols:
        hits["password_spraying"] = ((features["n_accounts_failed"] >= 10)
                                     & (features["fail_rate"] >= 0.5))
    if not hits:
        raise _fail("features have none of the columns the rules need",
                    "Die Merkmalstabelle passt zu keiner Regel. Erzeugen Sie sie mit "
                    "window_features() oder source_features().")
    return pd.DataFrame(hits, index=features.index)


def rules(features: pd.DataFrame) -> pd.Series:
    """Alert score of the expert rules: number of rules that fire per row (0 = no alert);
    see :func:`rule_hits` for the rules and thresholds."""
    return rule_hits(features).sum(axis=1).rename("rule_score")


class AnomalyDetector(BaseEstimator):
    """Isolation forest on log-transformed, standardised window features.

    Parameters
    ----------
    features:
        Columns to use; ``None`` = :data:`FEATURE_COLUMNS` present in the table.
    n_estimators, max_samples, random_state:
        Passed to :class:`sklearn.ensemble.IsolationForest`.
    log_counts:
        Apply ``log1p`` to counts and speeds (:data:`COUNT_COLUMNS`) before scaling.
    """

    def __init__(self, features=None, *, n_estimators: int = 200, max_samples="auto",
                 log_counts: bool = True, random_state=None):
        self.features = features
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.log_counts = log_counts
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame, columns) -> np.ndarray:
        if not isinstance(X, pd.DataFrame):
            raise _fail("features must be a DataFrame",
                        "Die Merkmale müssen eine Tabelle (pandas DataFrame) sein.")
        missing = [c for c in columns if c not in X.columns]
        if missing:
            raise _fail(f"features lack the columns {missing}",
                        f"Der Merkmalstabelle fehlen die Spalten {', '.join(missing)}.")
        M = X[list(columns)].to_numpy(dtype=float, copy=True)  # pandas 3 may hand out a read-only view
        if self.log_counts:
            for j, c in enumerate(columns):
                if c in COUNT_COLUMNS:
                    M[:, j] = np.log1p(np.clip(M[:, j], 0, None))
        return np.nan_to_num(M, nan=0.0)

    def fit(self, X: pd.DataFrame, y=None):
        """Fit on a feature table (labels are ignored: unsupervised)."""
        cols = self.features
        if cols is None:
            cols = [c for c in FEATURE_COLUMNS if isinstance(X, pd.DataFrame) and c in X.columns]
        if len(X) == 0 or not cols:
            raise _fail("no rows or no feature columns to fit on",
                        "Keine Zeilen oder keine Merkmalsspalten zum Trainieren vorhanden.")
        self.feature_names_in_ = np.array(cols, dtype=object)
        M = self._matrix(X, cols)
        # A canonical row order: the forest's subsamples must not depend on how rows (e.g.
        # pseudonymised account names with a fresh key) happen to be ordered.
        M = M[np.lexsort(M.T[::-1])]
        self.scaler_ = StandardScaler().fit(M)
        self.forest_ = IsolationForest(n_estimators=self.n_estimators,
                                       max_samples=self.max_samples,
                                       random_state=self.random_state).fit(self.scaler_.transform(M))
        return self

    def score_samples(self, X: pd.DataFrame) -> np.ndarray:
        """Anomaly score per row; higher = more anomalous."""
        M = self._matrix(X, list(self.feature_names_in_))
        return -self.forest_.score_samples(self.scaler_.transform(M))


def _scores_labels(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float).ravel()
    lab = pd.Series(np.asarray(labels, dtype=object).ravel()).fillna("").astype(str).to_numpy()
    if len(s) != len(lab) or len(s) == 0:
        raise _fail(f"scores ({len(s)}) and labels ({len(lab)}) must be non-empty and equally long",
                    f"Bewertungen ({len(s)}) und Labels ({len(lab)}) müssen gleich viele Werte "
                    "haben und dürfen nicht leer sein.")
    return s, lab


def _order(s: np.ndarray) -> np.ndarray:
    """Ranking: highest score first; ties keep the row order."""
    return np.argsort(-s, kind="stable")


def _check_k(k) -> int:
    if not isinstance(k, int | np.integer) or k < 1:
        raise _fail(f"k must be a positive integer, got {k!r}",
                    f"k={k!r} ist nicht erlaubt: k (Zahl der gelesenen Alarme) muss eine ganze "
                    "Zahl ab 1 sein.")
    return int(k)


def _top_k_weights(s: np.ndarray, k: int) -> np.ndarray:
    """Expected membership (0..1) of each row in the top ``k`` when ties at the cutoff are
    broken at random: independent of row order."""
    k = min(_check_k(k), len(s))
    cutoff = s[_order(s)[k - 1]]
    above, tied = s > cutoff, s == cutoff
    weights = above.astype(float)
    weights[tied] = (k - above.sum()) / tied.sum()
    return weights


def precision_at_k(scores, labels, k: int) -> float:
    """Share of attack windows (label ≠ "") among the ``k`` highest scores; ties at the
    cutoff count with their expected share (random tie-breaking, independent of row order)."""
    s, lab = _scores_labels(scores, labels)
    weights = _top_k_weights(s, k)
    return float(np.sum(weights * (lab != "")) / np.sum(weights))


def recall_by_type(scores, labels, k: int) -> pd.DataFrame:
    """Per attack type, what the top ``k`` alerts catch.

    Returns one row per type (index ``angriff``) with ``n_windows``, ``n_in_top_k``, ``recall``
    (share of that type's windows in the top k) and ``caught`` (at least half a window expected
    in the top k). Ties at the cutoff count with their expected share, so ``n_in_top_k`` may be
    fractional and nothing depends on row order.
    """
    s, lab = _scores_labels(scores, labels)
    df = pd.DataFrame({"angriff": lab, "top": _top_k_weights(s, k)})
    df = df[df["angriff"] != ""]
    out = df.groupby("angriff").agg(n_windows=("top", "size"), n_in_top_k=("top", "sum"))
    out["recall"] = out["n_in_top_k"] / out["n_windows"]
    out["caught"] = out["n_in_top_k"] >= 0.5
    return out


def alerts_needed(scores, labels) -> pd.DataFrame:
    """How many alerts a team must read, from the top, to catch each attack type.

    Ranks are pessimistic for ties: a window's rank is the number of windows scoring at least as
    high (a team must read all tied alerts). Returns per type (index ``angriff``) ``n_windows``,
    ``alerts_first`` (alerts to read until the first window of the type) and ``alerts_all``
    (until the last one), sorted by ``alerts_first``.
    """
    s, lab = _scores_labels(scores, labels)
    rank = pd.Series(-s).rank(method="max").to_numpy().astype(int)
    df = pd.DataFrame({"angriff": lab, "rank": rank})
    df = df[df["angriff"] != ""]
    out = df.groupby("angriff")["rank"].agg(n_windows="size", alerts_first="min",
                                            alerts_all="max")
    return out.sort_values("alerts_first")
