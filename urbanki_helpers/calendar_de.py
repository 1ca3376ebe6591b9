"""German public holidays by Land and calendar features for daily or hourly series.

Holidays follow the Feiertagsgesetze of the Länder (state law); movable feasts are computed
from Easter Sunday (Gregorian computus). Covered: all statutory holidays of the 16 Länder that
apply state-wide, as of 2024. School holidays (set by each Land's ministry) are tabulated for the
Länder and years the curriculum's data covers (:data:`SCHOOL_HOLIDAYS`). Regional holidays (Augsburger Friedensfest, Fronleichnam in parts
of Saxony and Thuringia, Mariä Himmelfahrt outside Saarland) are not included.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError

LAENDER = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
           "SH", "TH")
WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

_STATE_HOLIDAYS: dict[str, tuple[str, ...]] = {
    "heilige_drei_koenige": ("BW", "BY", "ST"),
    "frauentag": ("BE", "MV"),  # Internationaler Frauentag: Berlin since 2019, MV since 2023
    "fronleichnam": ("BW", "BY", "HE", "NW", "RP", "SL"),
    "mariae_himmelfahrt": ("SL",),
    "weltkindertag": ("TH",),  # since 2019
    "reformationstag": ("BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"),
    "allerheiligen": ("BW", "BY", "NW", "RP", "SL"),
    "buss_und_bettag": ("SN",),
}

_NAMES_DE = {
    "neujahr": "Neujahr", "heilige_drei_koenige": "Heilige Drei Könige",
    "frauentag": "Internationaler Frauentag", "karfreitag": "Karfreitag",
    "ostermontag": "Ostermontag", "tag_der_arbeit": "Tag der Arbeit",
    "christi_himmelfahrt": "Christi Himmelfahrt", "pfingstmontag": "Pfingstmontag",
    "fronleichnam": "Fronleichnam", "mariae_himmelfahrt": "Mariä Himmelfahrt",
    "weltkindertag": "Weltkindertag", "tag_der_deutschen_einheit": "Tag der Deutschen Einheit",
    "reformationstag": "Reformationstag", "allerheiligen": "Allerheiligen",
    "buss_und_bettag": "Buß- und Bettag", "erster_weihnachtstag": "1. Weihnachtstag",
    "zweiter_weihnachtstag": "2. Weihnachtstag",
}


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of ``year`` (Gregorian calendar, anonymous computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


_ALIASES = {"NRW": "NW", "NDS": "NI", "BAY": "BY", "SACHSEN": "SN", "HESSEN": "HE"}


def _check_state(state: str) -> str:
    state = _ALIASES.get(state.upper(), state.upper())
    if state not in LAENDER:
        raise DataError(
            f"Unknown Land '{state}'; use one of {', '.join(LAENDER)} (e.g. NW for NRW).",
            message_de=f"Unbekanntes Land '{state}'; erlaubt sind {', '.join(LAENDER)} "
            "(z. B. NW für Nordrhein-Westfalen).",
        )
    return state


def public_holidays(year: int, state: str) -> dict[dt.date, str]:
    """Statutory public holidays of ``state`` (e.g. ``"NW"``) in ``year``: date → German name."""
    state = _check_state(state)
    easter = easter_sunday(year)
    days = {
        "neujahr": dt.date(year, 1, 1),
        "heilige_drei_koenige": dt.date(year, 1, 6),
        "frauentag": dt.date(year, 3, 8),
        "karfreitag": easter - dt.timedelta(days=2),
        "ostermontag": easter + dt.timedelta(days=1),
        "tag_der_arbeit": dt.date(year, 5, 1),
        "christi_himmelfahrt": easter + dt.timedelta(days=39),
        "pfingstmontag": easter + dt.timedelta(days=50),
        "fronleichnam": easter + dt.timedelta(days=60),
        "mariae_himmelfahrt": dt.date(year, 8, 15),
        "weltkindertag": dt.date(year, 9, 20),
        "tag_der_deutschen_einheit": dt.date(year, 10, 3),
        "reformationstag": dt.date(year, 10, 31),
        "allerheiligen": dt.date(year, 11, 1),
        # Wednesday before 23 November
        "buss_und_bettag": dt.date(year, 11, 22)
        - dt.timedelta(days=(dt.date(year, 11, 22).weekday() - 2) % 7),
        "erster_weihnachtstag": dt.date(year, 12, 25),
        "zweiter_weihnachtstag": dt.date(year, 12, 26),
    }
    out = {}
    for key, day in days.items():
        states = _STATE_HOLIDAYS.get(key)
        if states is not None and state not in states:
            continue
        if key == "frauentag" and (state == "BE" and year < 2019 or state == "MV" and year < 2023):
            continue
        if key == "weltkindertag" and year < 2019:
            continue
        out[day] = _NAMES_DE[key]
    return dict(sorted(out.items()))


def holiday_flags(dates, state: str) -> np.ndarray:
    """Boolean array: is each date (or timestamp) a public holiday in ``state``?"""
    index = pd.DatetimeIndex(pd.to_datetime(dates))
    years = sorted(set(index.year))
    holidays = {d for y in years for d in public_holidays(int(y), state)}
    return np.array([d in holidays for d in index.date], dtype=bool)


def calendar_features(dates, state: str, *, hourly: bool = False) -> pd.DataFrame:
    """Features known in advance for each date: weekday, month, day of year (as sine and
    cosine, period 1 year), public holiday, and the hour (sine/cosine) when ``hourly``.

    Only the calendar is used, so nothing leaks from the future.
    """
    index = pd.DatetimeIndex(pd.to_datetime(dates))
    doy = index.day_of_year.to_numpy()
    out = pd.DataFrame({
        "wochentag": index.day_of_week.to_numpy(),  # 0 = Montag
        "monat": index.month.to_numpy(),
        "jahrestag_sin": np.sin(2 * np.pi * doy / 365.25),
        "jahrestag_cos": np.cos(2 * np.pi * doy / 365.25),
        "feiertag": holiday_flags(index, state).astype(int),
    })
    if hourly:
        hour = index.hour.to_numpy()
        out["stunde"] = hour
        out["stunde_sin"] = np.sin(2 * np.pi * hour / 24)
        out["stunde_cos"] = np.cos(2 * np.pi * hour / 24)
    return out


#: School holidays (first and last day, inclusive) by Land, as published by the ministries.
#: NW: Ministerium für Schule und Bildung NRW, "Ferientermine"
#: (https://www.schulministerium.nrw/ferienordnung). NI: Niedersächsisches Kultusministerium,
#: Ferienordnung (https://www.mk.niedersachsen.de), checked against press reports (NDR,
#: nwzonline.de, ka-news.de, harzkurier.de). Single days are the extra Ferientage (bridge
#: days, Pfingstferien). Extend the table when data of further years or Länder is added.
SCHOOL_HOLIDAYS: dict[str, tuple[tuple[str, str], ...]] = {
    "NW": (
        ("2022-12-23", "2023-01-06"),  # Weihnachtsferien 2022/23
        ("2023-04-03", "2023-04-15"),  # Osterferien 2023
        ("2023-05-30", "2023-05-30"),  # Pfingstferien 2023
        ("2023-06-22", "2023-08-04"),  # Sommerferien 2023
        ("2023-10-02", "2023-10-14"),  # Herbstferien 2023
        ("2023-12-21", "2024-01-05"),  # Weihnachtsferien 2023/24
        ("2024-03-25", "2024-04-06"),  # Osterferien 2024
        ("2024-05-21", "2024-05-21"),  # Pfingstferien 2024
        ("2024-07-08", "2024-08-20"),  # Sommerferien 2024
        ("2024-10-14", "2024-10-26"),  # Herbstferien 2024
        ("2024-12-23", "2025-01-06"),  # Weihnachtsferien 2024/25
    ),
    "NI": (
        ("2022-12-23", "2023-01-06"),  # Weihnachtsferien 2022/23
        ("2023-01-30", "2023-01-31"),  # Halbjahresferien 2023
        ("2023-03-27", "2023-04-11"),  # Osterferien 2023
        ("2023-05-19", "2023-05-19"),  # Ferientag nach Christi Himmelfahrt
        ("2023-05-30", "2023-05-30"),  # Pfingstferien 2023
        ("2023-07-06", "2023-08-16"),  # Sommerferien 2023
        ("2023-10-02", "2023-10-02"),  # Ferientag vor dem Tag der Deutschen Einheit
        ("2023-10-16", "2023-10-30"),  # Herbstferien 2023 (extended to the Reformationstag)
        ("2023-12-27", "2024-01-05"),  # Weihnachtsferien 2023/24
        ("2024-02-01", "2024-02-02"),  # Halbjahresferien 2024
        ("2024-03-18", "2024-03-28"),  # Osterferien 2024
        ("2024-05-10", "2024-05-10"),  # Ferientag nach Christi Himmelfahrt
        ("2024-05-21", "2024-05-21"),  # Pfingstferien 2024
        ("2024-06-24", "2024-08-03"),  # Sommerferien 2024 (start on a Monday)
        ("2024-10-04", "2024-10-19"),  # Herbstferien 2024
        ("2024-12-23", "2025-01-04"),  # Weihnachtsferien 2024/25
    ),
}
SCHOOL_HOLIDAY_YEARS = (2023, 2024)


def school_holidays(state: str, years=SCHOOL_HOLIDAY_YEARS) -> set[dt.date]:
    """All school-holiday days of ``state`` that fall in ``years``.

    Only the Länder and years in :data:`SCHOOL_HOLIDAYS` are known; anything else raises
    :class:`DataError` (pass your own dates to the analysis instead).
    """
    state = _check_state(state)
    years = set(years)
    if state not in SCHOOL_HOLIDAYS or not years <= set(SCHOOL_HOLIDAY_YEARS):
        known = ", ".join(SCHOOL_HOLIDAYS)
        span = f"{SCHOOL_HOLIDAY_YEARS[0]}–{SCHOOL_HOLIDAY_YEARS[-1]}"
        raise DataError(
            f"School holidays are tabulated for {known} in {span} only; asked for {state} in "
            f"{sorted(years)}. Leave the school-holiday feature out or add the dates.",
            message_de=f"Schulferien sind nur für {known} in {span} hinterlegt; gefragt war "
            f"{state} für {sorted(years)}. Lassen Sie das Merkmal Schulferien weg oder "
            "ergänzen Sie die Termine.",
        )
    days = set()
    for first, last in SCHOOL_HOLIDAYS[state]:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            if day.year in years:
                days.add(day)
            day += dt.timedelta(days=1)
    return days
