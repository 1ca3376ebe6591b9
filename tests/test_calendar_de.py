"""German public holidays and calendar features, against published dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers.calendar_de import (
    LAENDER,
    calendar_features,
    easter_sunday,
    holiday_flags,
    public_holidays,
)
from urbanki_helpers.errors import DataError


@pytest.mark.parametrize("year, expected", [(2019, (4, 21)), (2023, (4, 9)), (2024, (3, 31)),
                                            (2025, (4, 20)), (2026, (4, 5)), (2038, (4, 25))])
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == dt.date(year, *expected)


def test_nrw_2024_has_the_eleven_published_holidays():
    days = public_holidays(2024, "NW")
    assert [d.isoformat() for d in days] == [
        "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-01", "2024-05-09", "2024-05-20",
        "2024-05-30", "2024-10-03", "2024-11-01", "2024-12-25", "2024-12-26"]
    assert days[dt.date(2024, 5, 30)] == "Fronleichnam"


def test_state_specific_holidays():
    assert dt.date(2024, 10, 31) in public_holidays(2024, "NI")  # Reformationstag
    assert dt.date(2024, 10, 31) not in public_holidays(2024, "NW")
    assert dt.date(2024, 11, 20) in public_holidays(2024, "SN")  # Buß- und Bettag
    assert dt.date(2023, 11, 22) in public_holidays(2023, "SN")
    assert dt.date(2024, 3, 8) in public_holidays(2024, "BE")
    assert dt.date(2018, 3, 8) not in public_holidays(2018, "BE")
    assert dt.date(2024, 8, 15) in public_holidays(2024, "SL")
    assert all(len(public_holidays(2024, s)) >= 9 for s in LAENDER)
    assert public_holidays(2024, "NRW") == public_holidays(2024, "nw")
    with pytest.raises(DataError) as info:
        public_holidays(2024, "XY")
    assert "NW für Nordrhein-Westfalen" in info.value.message_de


def test_calendar_features_use_only_the_calendar():
    dates = pd.date_range("2024-12-23", periods=4, freq="D")
    feats = calendar_features(dates, "NW")
    assert feats["wochentag"].tolist() == [0, 1, 2, 3]
    assert feats["feiertag"].tolist() == [0, 0, 1, 1]
    assert np.allclose(feats["jahrestag_sin"] ** 2 + feats["jahrestag_cos"] ** 2, 1)
    hourly = calendar_features(pd.date_range("2024-01-01", periods=3, freq="h"), "NI",
                               hourly=True)
    assert hourly["stunde"].tolist() == [0, 1, 2] and hourly["feiertag"].tolist() == [1, 1, 1]
    assert holiday_flags(["2024-05-01", "2024-05-02"], "BY").tolist() == [True, False]


def test_school_holidays_from_the_ministries_tables():
    from urbanki_helpers.calendar_de import school_holidays

    nw = school_holidays("NRW")
    assert dt.date(2024, 7, 8) in nw and dt.date(2024, 8, 20) in nw
    assert dt.date(2024, 8, 21) not in nw and dt.date(2025, 1, 2) not in nw  # outside years
    ni = school_holidays("NI", years=[2024])
    assert min(ni) == dt.date(2024, 1, 1) and dt.date(2024, 10, 19) in ni
    assert len(ni) == 5 + 2 + 11 + 1 + 1 + 41 + 16 + 9
    with pytest.raises(DataError) as info:
        school_holidays("BW")
    assert "nur für NW, NI" in info.value.message_de
    with pytest.raises(DataError):
        school_holidays("NI", years=[2030])
