"""Model versus baseline: metrics, time split, bootstrap intervals, baseline model."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

from urbanki_helpers.errors import DataError
from urbanki_helpers.evaluation import (
    Comparison,
    GroupMeanBaseline,
    bootstrap_ci,
    compare_with_baseline,
    format_de,
    regression_metrics,
    time_split,
)

# --- format_de --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (1234.5, 1, "1.234,5"),
    (1234567.891, 2, "1.234.567,89"),
    (-1234.25, 1, "-1.234,2"),  # 1234.25 is exact in binary: round half to even
    (0.5, 2, "0,50"),
    (42, 0, "42"),
    (999.96, 1, "1.000,0"),
    (-0.04, 1, "0,0"),
    (3, 1, "3,0"),
    (float("nan"), 1, "–"),
])
def test_format_de(value, decimals, expected):
    assert format_de(value, decimals) == expected


def test_format_de_default_one_decimal():
    assert format_de(12.345) == "12,3"
    assert format_de(np.float64(2500.0)) == "2.500,0"


# --- regression_metrics -----------------------------------------------------------------------


def test_regression_metrics_hand_computed():
    y_true = [1.0, 2.0, 3.0, 4.0]
    y_pred = [2.0, 2.0, 2.0, 6.0]  # errors (pred - true): 1, 0, -1, 2
    m = regression_metrics(y_true, y_pred)
    assert m["mae"] == pytest.approx(1.0)  # (1 + 0 + 1 + 2) / 4
    assert m["rmse"] == pytest.approx(math.sqrt(1.5))  # (1 + 0 + 1 + 4) / 4
    assert m["bias"] == pytest.approx(0.5)  # (1 + 0 - 1 + 2) / 4
    assert m["r2"] == pytest.approx(1 - 6 / 5)  # SS_res 6, SS_tot 5
    assert m["n"] == 4


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(3)
    y = rng.normal(50, 10, 300)
    p = y + rng.normal(2, 5, 300)
    m = regression_metrics(pd.Series(y), p)
    assert m["mae"] == pytest.approx(mean_absolute_error(y, p))
    assert m["rmse"] == pytest.approx(root_mean_squared_error(y, p))
    assert m["r2"] == pytest.approx(r2_score(y, p))
    assert m["bias"] == pytest.approx(np.mean(p - y))


def test_regression_metrics_constant_truth_has_undefined_r2():
    m = regression_metrics([5, 5, 5], [4, 5, 6])
    assert math.isnan(m["r2"])
    assert m["mae"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(("y_true", "y_pred", "fragment"), [
    ([1, 2, 3], [1, 2], "gleich lang"),
    ([1, np.nan, 3], [1, 2, 3], "fehlende"),
    ([1, 2, 3], [1, 2, np.inf], "fehlende oder unendliche"),
    ([], [], "leer"),
    (["a", "b"], [1, 2], "Zahlen"),
    (np.ones((3, 2)), np.ones((3, 2)), "eindimensional"),
])
def test_regression_metrics_rejects_bad_input(y_true, y_pred, fragment):
    with pytest.raises(DataError) as info:
        regression_metrics(y_true, y_pred)
    assert fragment in info.value.message_de
    assert str(info.value)  # English message


# --- time_split -------------------------------------------------------------------------------


@pytest.fixture
def daily() -> pd.DataFrame:
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")  # 91 days
    rng = np.random.default_rng(0)
    order = rng.permutation(len(days))  # rows not sorted by time
    return pd.DataFrame({"datum": days[order], "wert": np.arange(len(days))})


def test_time_split_by_start_date(daily):
    train, test = time_split(daily, "datum", test_start="2024-03-01")
    assert train.dtype == bool and test.dtype == bool
    assert test.sum() == 31 and train.sum() == 60
    assert not (train & test).any() and (train | test).all()
    assert daily.loc[train, "datum"].max() < daily.loc[test, "datum"].min()
    assert daily.loc[test, "datum"].min() == pd.Timestamp("2024-03-01")


def test_time_split_last_periods(daily):
    train, test = time_split(daily, "datum", test_periods=14)
    assert test.sum() == 14
    assert daily.loc[test, "datum"].min() == pd.Timestamp("2024-03-18")
    assert daily.loc[train, "datum"].max() == pd.Timestamp("2024-03-17")
    # Calendar weeks: 31.03.2024 is a Sunday, so 2 weeks = 18.03.–31.03.
    _, test_w = time_split(daily, "datum", test_periods=2, freq="W")
    assert (test_w == test).all()
    # Calendar months.
    _, test_m = time_split(daily, "datum", test_periods=1, freq="MS")
    assert test_m.sum() == 31


def test_time_split_window_with_start_and_periods(daily):
    train, test = time_split(daily, "datum", test_start="2024-02-01", test_periods=7)
    assert test.sum() == 7
    assert train.sum() == 31  # January
    later = ~(train | test)
    assert later.sum() == 91 - 38  # rows after the window are in neither mask
    assert daily.loc[later, "datum"].min() == pd.Timestamp("2024-02-08")


def test_time_split_never_puts_later_rows_into_train():
    rng = np.random.default_rng(42)
    times = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 10_000, 500), unit="h")
    df = pd.DataFrame({"t": times})
    for start in ["2023-03-01", "2023-06-15 13:00", "2024-01-01"]:
        train, test = time_split(df, "t", test_start=start)
        assert df.loc[train, "t"].max() < df.loc[test, "t"].min()
    for periods in (1, 5, 30):
        train, test = time_split(df, "t", test_periods=periods)
        assert df.loc[train, "t"].max() < df.loc[test, "t"].min()


def test_time_split_parses_iso_strings_and_rejects_german_dates():
    df = pd.DataFrame({"d": ["2024-01-01", "2024-01-02", "2024-01-03"]})
    train, test = time_split(df, "d", test_start="2024-01-03")
    assert train.tolist() == [True, True, False] and test.tolist() == [False, False, True]
    german = pd.DataFrame({"d": ["31.01.2024", "01.02.2024"]})
    with pytest.raises(DataError, match="date") as info:
        time_split(german, "d", test_start="2024-02-01")
    assert "%d.%m.%Y" in info.value.message_de


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"test_start": "2023-01-01"}, "keine Daten zum Trainieren"),
    ({"test_start": "2025-01-01"}, "keine Daten zum Testen"),
    ({}, "test_start"),
    ({"test_periods": 0}, "ganze Zahl"),
    ({"test_periods": 91}, "keine Daten zum Trainieren"),
    ({"test_periods": 3, "freq": "Tage"}, "freq"),
])
def test_time_split_errors(daily, kwargs, fragment):
    with pytest.raises(DataError) as info:
        time_split(daily, "datum", **kwargs)
    assert fragment in info.value.message_de


def test_time_split_missing_column_and_missing_times(daily):
    with pytest.raises(DataError, match="not found"):
        time_split(daily, "zeit", test_periods=3)
    broken = daily.copy()
    broken.loc[5, "datum"] = pd.NaT
    with pytest.raises(DataError, match="missing"):
        time_split(broken, "datum", test_periods=3)


# --- bootstrap_ci -----------------------------------------------------------------------------


def _noisy(n: int, seed: int):
    rng = np.random.default_rng(seed)
    y = rng.normal(100, 10, n)
    return y, y + rng.normal(0, 5, n)


def test_bootstrap_ci_contains_estimate_and_is_reproducible():
    y, p = _noisy(200, 1)
    mae = regression_metrics(y, p)["mae"]
    lo, hi = bootstrap_ci(y, p, "mae", random_state=7)
    assert lo < mae < hi
    assert (lo, hi) == bootstrap_ci(y, p, "mae", random_state=7)
    assert (lo, hi) != bootstrap_ci(y, p, "mae", random_state=8)


def test_bootstrap_ci_covers_the_true_value_about_as_often_as_promised():
    true_mae = 5 * math.sqrt(2 / math.pi)  # MAE of N(0, 5) errors: 3.99
    hits = 0
    for seed in range(200):
        lo, hi = bootstrap_ci(*_noisy(100, seed), "mae", n_boot=400, level=0.9)
        hits += lo < true_mae < hi
    assert 0.8 <= hits / 200 <= 0.97  # nominal 0.90


def test_bootstrap_ci_narrows_with_more_data():
    small = bootstrap_ci(*_noisy(50, 2), "rmse")
    large = bootstrap_ci(*_noisy(2_000, 2), "rmse")
    width_small = small[1] - small[0]
    width_large = large[1] - large[0]
    # Width shrinks like 1/sqrt(n): expected ratio sqrt(2000/50) = 6.3.
    assert width_large < width_small / 4


def test_bootstrap_ci_level_and_other_metrics():
    y, p = _noisy(300, 3)
    lo90, hi90 = bootstrap_ci(y, p, level=0.90)
    lo99, hi99 = bootstrap_ci(y, p, level=0.99)
    assert lo99 < lo90 < hi90 < hi99
    lo, hi = bootstrap_ci(y, p, "bias")
    assert lo < np.mean(p - y) < hi
    lo, hi = bootstrap_ci(y, p, lambda t, q: float(np.median(np.abs(q - t))))
    assert lo < float(np.median(np.abs(p - y))) < hi


def test_block_bootstrap_widens_interval_for_autocorrelated_errors():
    rng = np.random.default_rng(5)
    n = 400
    err = np.zeros(n)
    for i in range(1, n):  # strongly autocorrelated errors, as in daily time series
        err[i] = 0.9 * err[i - 1] + rng.normal(0, 1)
    y = np.full(n, 50.0)
    iid = bootstrap_ci(y, y + err, "bias", block_size=1)
    block = bootstrap_ci(y, y + err, "bias", block_size=20)
    assert (block[1] - block[0]) > 2 * (iid[1] - iid[0])


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"block_size": 0}, "block_size"),
    ({"block_size": 11}, "block_size"),
    ({"n_boot": 5}, "n_boot"),
    ({"level": 95}, "level"),
    ({"metric": "mape"}, "Kennzahl"),
])
def test_bootstrap_ci_rejects_bad_arguments(kwargs, fragment):
    y, p = _noisy(10, 4)
    with pytest.raises(DataError) as info:
        bootstrap_ci(y, p, **kwargs)
    assert fragment in info.value.message_de


# --- compare_with_baseline --------------------------------------------------------------------


def test_compare_detects_clearly_better_model():
    rng = np.random.default_rng(11)
    y = rng.normal(100, 15, 120)
    model = y + rng.normal(0, 3, 120)
    baseline = y + rng.normal(0, 9, 120)
    c = compare_with_baseline(y, model, baseline, block_size=7)
    assert isinstance(c, Comparison)
    assert c.model == pytest.approx(mean_absolute_error(y, model))
    assert c.baseline == pytest.approx(mean_absolute_error(y, baseline))
    assert c.improvement == pytest.approx((c.baseline - c.model) / c.baseline)
    assert 0.5 < c.improvement < 0.8  # expected about 1 - 3/9 = 0.67
    assert c.diff_ci[0] > 0 and c.diff_ci[0] < c.difference < c.diff_ci[1]
    assert c.beats_baseline and c.n_test == 120
    text = c.summary_de("Besuche")
    assert f"{format_de(c.model)} Besuche daneben (MAE" in text
    assert f"die Referenz {format_de(c.baseline)} Besuche" in text
    assert "verlässlich besser" in text
    assert "." not in format_de(c.model)  # decimal comma, no point below 1.000


def test_compare_does_not_declare_a_tie_a_win():
    rng = np.random.default_rng(12)
    y = rng.normal(100, 15, 120)
    model = y + rng.normal(0, 5, 120)
    baseline = y + rng.normal(0, 5, 120)
    c = compare_with_baseline(y, model, baseline, metric="rmse")
    assert c.diff_ci[0] < 0 < c.diff_ci[1]
    assert not c.beats_baseline
    assert "nicht gesichert" in c.summary_de()
    same = compare_with_baseline(y, model, model)
    assert same.diff_ci == (0.0, 0.0) and not same.beats_baseline


def test_compare_worse_model_and_bad_metric():
    rng = np.random.default_rng(13)
    y = rng.normal(100, 15, 200)
    c = compare_with_baseline(y, y + rng.normal(0, 10, 200), y + rng.normal(0, 2, 200))
    assert c.improvement < 0 and c.diff_ci[1] < 0
    assert "verlässlich schlechter" in c.summary_de()
    assert "größer" in c.summary_de()
    with pytest.raises(DataError):
        compare_with_baseline(y, y, y, metric="r2")
    with pytest.raises(DataError, match="y_baseline"):
        compare_with_baseline(y, y, y[:-1])


# --- GroupMeanBaseline ------------------------------------------------------------------------


@pytest.fixture
def week() -> tuple[pd.DataFrame, np.ndarray]:
    X = pd.DataFrame({
        "wochentag": ["Montag", "Dienstag", "Montag", "Dienstag", "Mittwoch", "Montag"],
        "ferien": [0, 0, 1, 1, 0, 0],
    })
    y = np.array([10.0, 4.0, 20.0, 6.0, 7.0, 30.0])
    return X, y


def test_group_mean_baseline_hand_computed(week):
    X, y = week
    model = GroupMeanBaseline(["wochentag"]).fit(X, y)
    pred = model.predict(pd.DataFrame({"wochentag": ["Montag", "Dienstag", "Mittwoch"]}))
    np.testing.assert_allclose(pred, [20.0, 5.0, 7.0])  # (10+20+30)/3, (4+6)/2, 7
    assert model.global_mean_ == pytest.approx(77 / 6)


def test_group_mean_baseline_unseen_group_falls_back_to_global_mean(week):
    X, y = week
    model = GroupMeanBaseline("wochentag").fit(X, y)
    pred = model.predict(pd.DataFrame({"wochentag": ["Samstag", "Montag"]}))
    np.testing.assert_allclose(pred, [77 / 6, 20.0])


def test_group_mean_baseline_several_columns_and_no_groups(week):
    X, y = week
    model = GroupMeanBaseline(["wochentag", "ferien"]).fit(X, y)
    test = pd.DataFrame({"wochentag": ["Montag", "Montag", "Mittwoch"], "ferien": [0, 1, 1]})
    np.testing.assert_allclose(model.predict(test), [20.0, 20.0, 77 / 6])  # (10+30)/2, 20, unseen
    overall = GroupMeanBaseline().fit(X, y)
    np.testing.assert_allclose(overall.predict(X), np.full(6, 77 / 6))


def test_group_mean_baseline_is_a_sklearn_regressor(week):
    X, y = week
    model = GroupMeanBaseline(by=["wochentag"])
    assert is_regressor(model)
    assert model.get_params() == {"by": ["wochentag"]}
    copy = clone(model).fit(X, y)
    assert copy.score(X, y) == pytest.approx(
        r2_score(y, GroupMeanBaseline(["wochentag"]).fit(X, y).predict(X))
    )
    with pytest.raises(NotFittedError):
        GroupMeanBaseline("wochentag").predict(X)


def test_group_mean_baseline_rejects_bad_input(week):
    X, y = week
    with pytest.raises(DataError, match="missing") as info:
        GroupMeanBaseline("monat").fit(X, y)
    assert "monat" in info.value.message_de
    with pytest.raises(DataError):
        GroupMeanBaseline("wochentag").fit(X, np.array([1.0, np.nan, 3, 4, 5, 6]))
    with pytest.raises(DataError):
        GroupMeanBaseline("wochentag").fit(X, y[:-1])
    with pytest.raises(DataError, match="DataFrame"):
        GroupMeanBaseline("wochentag").fit(X.to_numpy(), y)


@pytest.mark.parametrize("k, n, level, low, high", [
    (12, 12, 0.9, 0.81602, 1.0), (0, 12, 0.9, 0.0, 0.18398), (9, 22, 0.9, 0.25604, 0.58206),
    (5, 10, 0.95, 0.23659, 0.76341),  # values of scipy.stats.binomtest(...).proportion_ci
])
def test_proportion_interval_matches_wilson(k, n, level, low, high):
    from urbanki_helpers.evaluation import proportion_interval

    got = proportion_interval(k, n, level=level)
    assert got == pytest.approx((low, high), abs=1e-5)


def test_proportion_interval_edge_cases():
    from urbanki_helpers.evaluation import proportion_interval

    assert all(np.isnan(proportion_interval(0, 0)))
    for bad in ((3, 2), (-1, 5), (1.5, 3)):
        with pytest.raises(DataError):
            proportion_interval(*bad)
    with pytest.raises(DataError, match="level"):
        proportion_interval(1, 2, level=90)
