"""DWD daily weather Köln/Bonn: loading, climatology, stability table, next-day wind forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers import weather
from urbanki_helpers.errors import DataError, ParameterError

FILE = "koeln/weather-dwd-2667.csv"


@pytest.fixture(scope="module")
def daily(realdata):
    return weather.load_dwd_daily(realdata / FILE)


@pytest.fixture(scope="module")
def forecast(daily):
    return weather.forecast_next_day_wind(daily, test_years=2, random_state=0)


@pytest.fixture(scope="module")
def raw(realdata):
    return pd.read_csv(realdata / FILE)


def test_rows_dates_and_missing(daily, raw):
    assert len(raw) == 21126  # file rows incl. 417 duplicated days
    assert daily.attrs["duplicates_dropped"] == 417
    assert len(daily) == 20709
    assert daily.index.min() == pd.Timestamp("1957-09-01")
    assert daily.index.max() == pd.Timestamp("2014-05-13")
    assert daily.index.is_monotonic_increasing and daily.index.is_unique
    assert daily.attrs["missing_days"] == 0
    assert "wind_mean_m_s" in daily.columns and "wind_gust_max_m_s" in daily.columns
    assert daily.attrs["labels_de"]["wind_mean_m_s"] == "Windgeschwindigkeit, Tagesmittel (m/s)"
    # -999 became NaN, counted per column
    assert daily.attrs["missing"]["wind_mean_m_s"] == 55
    assert daily.attrs["missing"]["wind_gust_max_m_s"] == 59
    assert daily.attrs["missing"]["sunshine_h"] == 30
    assert int(daily["wind_mean_m_s"].isna().sum()) == 55
    assert (daily.select_dtypes("number") <= -999).sum().sum() == 0
    assert (raw["WINDGESCHWINDIGKEIT"] == -999).sum() == 55
    assert daily["wind_mean_m_s"].min() >= 0 and daily["wind_mean_m_s"].max() < 20


def test_wind_climatology(daily):
    clim = weather.wind_climatology(daily)
    assert list(clim.index) == list(range(1, 13))
    assert clim["n_days"].sum() == daily["wind_mean_m_s"].notna().sum()
    assert np.all(clim["q10"] <= clim["q50"]) and np.all(clim["q50"] <= clim["q90"])
    # winter windier than summer in Köln/Bonn: January 3.73 m/s, August 2.69 m/s
    assert clim.loc[1, "mean"] == pytest.approx(3.73, abs=0.01)
    assert clim.loc[8, "mean"] == pytest.approx(2.69, abs=0.01)
    assert "keine Windrichtung" in clim.attrs["note"]


def test_forecast_beats_persistence(forecast):
    res = forecast
    assert res["n_test"] == 730
    assert res["test_start"] == pd.Timestamp("2012-05-13")
    assert res["test"].index.min() >= res["test_start"]
    # observed: model MAE 0.78 m/s, persistence 0.91 m/s (13.6 % smaller error)
    assert res["baseline_mae"] == pytest.approx(0.907, abs=0.005)
    assert res["model_mae"] < 0.82
    assert res["model_mae"] < res["baseline_mae"]
    assert res["comparison"].beats_baseline


def test_persistence_mae_by_hand(forecast, raw):
    res = forecast
    # Hand check from the raw file: pairs (today, tomorrow) of the last two years.
    r = raw.drop_duplicates("Mess_Datum").copy()
    r["date"] = pd.to_datetime(r["Mess_Datum"].astype(str), format="%Y%m%d")
    r = r.sort_values("date").set_index("date")["WINDGESCHWINDIGKEIT"].replace(-999.0, np.nan)
    today = r.loc["2012-05-13":"2014-05-12"]
    tomorrow = r.shift(-1).loc["2012-05-13":"2014-05-12"]
    ok = today.notna() & tomorrow.notna()
    assert ok.sum() == res["n_test"]
    assert res["baseline_mae"] == pytest.approx(float((today[ok] - tomorrow[ok]).abs().mean()))
    # and a small slice written out: 2014-05-01 ... 2014-05-05
    sl = res["test"].loc["2014-05-01":"2014-05-05"]
    expected = np.abs(r.loc["2014-05-01":"2014-05-05"].to_numpy()
                      - r.loc["2014-05-02":"2014-05-06"].to_numpy())
    np.testing.assert_allclose(np.abs(sl["persistence"] - sl["y_true"]), expected)


@pytest.mark.parametrize(
    ("wind", "cloud", "day", "expected"),
    [
        (1.5, 1, True, "A"),     # calm, strong sun
        (1.5, 5, True, "B"),     # A-B -> more stable B
        (2.5, 2, True, "B"),     # A-B -> B
        (4.0, 2, True, "B"),
        (4.0, 5, True, "C"),     # B-C -> C
        (4.0, 7, True, "C"),     # slight insolation
        (5.5, 2, True, "C"),
        (7.0, 2, True, "C"),
        (7.0, 5, True, "D"),
        (4.0, 8, True, "D"),     # overcast
        (4.0, None, True, "C"),  # no cloud info: moderate insolation
        (1.0, 2, False, "F"),    # calm night
        (2.5, 5, False, "E"),
        (2.5, 2, False, "F"),
        (4.0, 5, False, "D"),
        (4.0, 2, False, "E"),
        (6.5, 0, False, "D"),
        (1.0, 8, False, "D"),    # overcast night
    ],
)
def test_stability_table(wind, cloud, day, expected):
    assert weather.stability_from_weather(wind, cloud, daytime=day) == expected


@pytest.mark.parametrize(("wind", "cloud"), [(-1, 2), (float("nan"), 2), ("x", 2), (3, 9),
                                             (3, -1), (3, float("nan"))])
def test_stability_bad_input(wind, cloud):
    with pytest.raises(ParameterError) as info:
        weather.stability_from_weather(wind, cloud)
    assert info.value.message_de


def test_bad_inputs(tmp_path):
    with pytest.raises(DataError):
        weather.wind_climatology(pd.DataFrame({"a": [1]}))
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError):
        weather.load_dwd_daily(p)


def test_bad_test_years(daily):
    with pytest.raises(ParameterError):
        weather.forecast_next_day_wind(daily, test_years=0)
    with pytest.raises(ParameterError):
        weather.forecast_next_day_wind(daily, test_years=80)


def test_duplicate_days_with_conflicting_values(tmp_path):
    head = "Mess_Datum,WINDGESCHWINDIGKEIT\n"
    p = tmp_path / "dup.csv"
    p.write_text(head + "20000101,2.0\n20000102,3.0\n20000102,3.0\n", encoding="utf-8")
    d = weather.load_dwd_daily(p)
    assert len(d) == 2 and d.attrs["duplicates_dropped"] == 1
    p.write_text(head + "20000101,2.0\n20000102,3.0\n20000102,4.0\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        weather.load_dwd_daily(p)
    assert "zweimal" in info.value.message_de
