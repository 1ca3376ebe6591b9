"""Demand of zones not yet served: zone levels, leave-one-zone-out check, candidate ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from urbanki_helpers.errors import DataError
from urbanki_helpers.mobility.expansion import (
    GroupedCVResult,
    grouped_cv,
    rank_candidates,
    zone_level,
)

ATTRS = ["log_einwohner", "anteil_65plus", "bahnhof_km"]


def make_zones(n=24, seed=0, noise=0.1) -> pd.DataFrame:
    """Zones whose level (requests per service hour) follows a log-linear law of attributes."""
    rng = np.random.default_rng(seed)
    einwohner = rng.uniform(500, 8000, n)
    old = rng.uniform(0.15, 0.35, n)
    km = rng.uniform(1, 20, n)
    level = np.exp(-0.6 + 0.9 * np.log(einwohner / 3000) + 3.0 * (old - 0.25) + 0.04 * km
                   + rng.normal(0, noise, n))
    return pd.DataFrame({"gruppe": [f"Z{i:02d}" for i in range(n)],
                         "log_einwohner": np.log(einwohner), "anteil_65plus": old,
                         "bahnhof_km": km, "true_level": level})


@pytest.fixture(scope="module")
def zones():
    return make_zones()


@pytest.fixture(scope="module")
def served(zones):
    """The first 18 zones are served; their observed level is the true level."""
    return zones.iloc[:18][["gruppe"]].assign(level=zones["true_level"].iloc[:18].to_numpy(),
                                              sufficient=True)


# --- zone_level -------------------------------------------------------------------------------


def hourly(start, days, hours=range(6, 22)):
    zeit = pd.date_range(start, periods=days * 24, freq="h")
    return zeit[np.isin(zeit.hour, list(hours))]


def test_zone_level_excludes_ramp_up_and_missing():
    a = hourly("2023-01-02", 120)  # 16 service hours per day
    b = hourly("2023-03-01", 100)  # starts later: its own ramp-up
    ya = np.where(a < pd.Timestamp("2023-04-02"), 100.0, 2.0)  # ramp-up: 90 days from 2.1.
    ya[-10:] = np.nan
    yb = np.where(b < pd.Timestamp("2023-05-30"), 50.0, np.tile([1.0, 3.0], len(b) // 2))
    counts = pd.concat([
        pd.DataFrame({"zeit": a, "gruppe": "A", "anzahl": ya}),
        pd.DataFrame({"zeit": b, "gruppe": "B", "anzahl": yb}),
    ], ignore_index=True)
    lv = zone_level(counts, min_hours=200).set_index("gruppe")
    assert lv.loc["A", "level"] == 2.0  # no ramp-up value (100) and no NaN enters
    assert lv.loc["A", "n_ramp_up"] == 90 * 16
    assert lv.loc["A", "n_missing"] == 10
    assert lv.loc["A", "n_hours"] == 30 * 16 - 10
    assert lv.loc["A", "used_from"] == pd.Timestamp("2023-04-02 06:00")
    assert lv.loc["A", "rows_per_day"] == 16.0
    assert lv.loc["B", "level"] == 2.0
    assert lv.loc["B", "n_ramp_up"] == 90 * 16 and lv.loc["B", "n_hours"] == 10 * 16
    assert lv.loc["A", "sufficient"] and not lv.loc["B", "sufficient"]  # 160 < 200 hours
    no_ramp = zone_level(counts, min_hours=200, ramp_up_days=0).set_index("gruppe")
    assert no_ramp.loc["A", "level"] > 50  # the check above can fail


def test_zone_level_bad_parameters():
    counts = pd.DataFrame({"zeit": hourly("2023-01-02", 1), "gruppe": "A", "anzahl": 1.0})
    with pytest.raises(DataError, match="min_hours"):
        zone_level(counts, min_hours=0)
    with pytest.raises(DataError, match="ramp_up_days"):
        zone_level(counts, ramp_up_days=-5)
    with pytest.raises(DataError, match="anzahl"):
        zone_level(counts.drop(columns="anzahl"))


# --- grouped_cv -------------------------------------------------------------------------------


def test_grouped_cv_beats_mean_of_other_zones(zones, served):
    result = grouped_cv(served, zones, ATTRS)
    assert isinstance(result, GroupedCVResult)
    assert result.n_zones == 18 and result.beats_baseline
    m = result.metrics
    # observed: model MAE 0.10, baseline 0.57 requests per service hour
    assert m.loc["model", "mae"] < 0.5 * m.loc["baseline", "mae"]
    p = result.predictions.set_index("gruppe")
    levels = served.set_index("gruppe")["level"]
    others_mean = (levels.sum() - levels) / (len(levels) - 1)
    np.testing.assert_allclose(p["baseline"], others_mean[p.index])
    np.testing.assert_allclose(p["ratio"], p["level"] / p["prediction"])
    assert grouped_cv(served, zones, ATTRS, model="linear").beats_baseline
    assert grouped_cv(served, zones, ATTRS, model="forest", random_state=1).metrics.shape == (2, 2)


def test_grouped_cv_never_uses_a_zones_own_level(zones, served):
    extreme = zones.copy()
    extreme.loc[0, "log_einwohner"] = extreme["log_einwohner"].max() + 2.0  # far outside
    before = grouped_cv(served, extreme, ATTRS).predictions.set_index("gruppe")
    changed = served.copy()
    changed.loc[changed["gruppe"] == "Z00", "level"] *= 10
    after = grouped_cv(changed, extreme, ATTRS).predictions.set_index("gruppe")
    assert after.loc["Z00", "prediction"] == pytest.approx(before.loc["Z00", "prediction"],
                                                           rel=1e-9)
    assert after.loc["Z00", "baseline"] == pytest.approx(before.loc["Z00", "baseline"])
    # ...while every other zone, which trains on Z00, sees the change
    others = before.index != "Z00"
    assert (np.abs(after["prediction"][others] / before["prediction"][others] - 1) > 1e-3).all()


def test_grouped_cv_leaves_out_insufficient_zones(zones, served):
    levels = served.copy()
    levels.loc[levels["gruppe"] == "Z03", "sufficient"] = False
    levels.loc[levels["gruppe"] == "Z04", "level"] = np.nan
    result = grouped_cv(levels, zones, ATTRS)
    assert result.excluded == ("Z03", "Z04") and result.n_zones == 16
    with pytest.raises(DataError, match="missing attributes"):
        grouped_cv(served, zones.assign(bahnhof_km=np.nan), ATTRS)
    with pytest.raises(DataError, match="lacks"):
        grouped_cv(served, zones, ["gibt_es_nicht"])
    with pytest.raises(DataError, match="Unknown model"):
        grouped_cv(served, zones, ATTRS, model="magic")
    with pytest.raises(DataError, match="at least 3"):
        grouped_cv(served.iloc[:2], zones, ATTRS)


# --- rank_candidates --------------------------------------------------------------------------


def test_rank_candidates_orders_by_expected_demand(zones, served):
    candidates = zones["gruppe"].iloc[18:].tolist()
    ranked = rank_candidates(served, zones, ATTRS, candidates, service_hours_per_day=14)
    assert ranked["rank"].tolist() == list(range(1, 7))
    assert sorted(ranked["gruppe"]) == sorted(candidates)
    truth = zones.set_index("gruppe").loc[ranked["gruppe"], "true_level"].to_numpy()
    assert stats.spearmanr(ranked["requests_per_hour"], truth).statistic > 0.8
    assert ranked["gruppe"].iloc[0] == zones.iloc[18:].sort_values("true_level")["gruppe"].iloc[-1]
    np.testing.assert_allclose(ranked["requests_per_day"], 14 * ranked["requests_per_hour"])
    assert (ranked["requests_per_hour_lo"] <= ranked["requests_per_hour"]).all()
    assert (ranked["requests_per_hour"] <= ranked["requests_per_hour_hi"]).all()
    # relative error of the predictions within a factor 1.5 of the true levels
    assert np.all(np.abs(np.log(ranked["requests_per_hour"] / truth)) < np.log(1.5))


def test_rank_candidates_flags_extrapolation_and_rejects_served(zones, served):
    far = zones.copy()
    far.loc[far["gruppe"] == "Z20", "bahnhof_km"] = 60.0
    ranked = rank_candidates(served, far, ATTRS, ["Z20", "Z21"]).set_index("gruppe")
    assert ranked.loc["Z20", "extrapolation"] and not ranked.loc["Z21", "extrapolation"]
    with pytest.raises(DataError, match="already served") as exc:
        rank_candidates(served, zones, ATTRS, ["Z01", "Z20"])
    assert "Z01" in exc.value.message_de
    with pytest.raises(DataError, match="missing from groups"):
        rank_candidates(served, zones, ATTRS, ["Z99"])
    with pytest.raises(DataError, match="service_hours_per_day"):
        rank_candidates(served, zones, ATTRS, ["Z20"], service_hours_per_day=0)


def test_end_to_end_from_counts(zones):
    rng = np.random.default_rng(3)
    zeit = hourly("2023-01-02", 130)
    frames = [pd.DataFrame({"zeit": zeit, "gruppe": g,
                            "anzahl": rng.poisson(lvl, len(zeit)).astype(float)})
              for g, lvl in zip(zones["gruppe"].iloc[:18], zones["true_level"].iloc[:18],
                                strict=True)]
    levels = zone_level(pd.concat(frames, ignore_index=True), min_hours=500)
    assert levels["sufficient"].all() and (levels["n_hours"] == 40 * 16).all()
    result = grouped_cv(levels, zones, ATTRS)
    assert result.beats_baseline
