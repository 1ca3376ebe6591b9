"""Daily DWD weather (station Köln/Bonn, DWD id 2667): loading, wind climate, stability, forecast.

The file ``koeln/weather-dwd-2667.csv`` holds daily values 1957-09-01 ... 2014-05-13 of the
Deutscher Wetterdienst (DWD) climate station Köln/Bonn (old "KL" daily format). ``-999``
means missing. The file has daily MEAN WIND SPEED and daily MAXIMUM GUST, but NO WIND
DIRECTION: wind directions for plume scenarios must come from elsewhere (e.g. hourly DWD
data, product "FF/DD", or assumptions).

14 months (2012-11-10 ... 2013-12-31) appear twice with identical values in the file;
:func:`load_dwd_daily` keeps one copy and says so in ``attrs``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError, ParameterError

__all__ = [
    "COLUMNS",
    "forecast_next_day_wind",
    "load_dwd_daily",
    "stability_from_weather",
    "wind_climatology",
]

#: Original DWD column -> (new column with unit, German label with unit).
COLUMNS: dict[str, tuple[str, str]] = {
    "Qualitaets_Niveau": ("quality_level", "Qualitätsniveau (DWD-Code)"),
    "BEDECKUNGSGRAD": ("cloud_cover_octa", "Bedeckungsgrad (Achtel)"),
    "REL_FEUCHTE": ("rel_humidity_pct", "Relative Feuchte (%)"),
    "DAMPFDRUCK": ("vapour_pressure_hpa", "Dampfdruck (hPa)"),
    "LUFTTEMPERATUR": ("temp_mean_c", "Lufttemperatur, Tagesmittel (°C)"),
    "LUFTDRUCK_STATIONSHOEHE": ("pressure_station_hpa", "Luftdruck in Stationshöhe (hPa)"),
    "WINDGESCHWINDIGKEIT": ("wind_mean_m_s", "Windgeschwindigkeit, Tagesmittel (m/s)"),
    "LUFTTEMP_AM_ERDB_MINIMUM": ("temp_ground_min_c", "Minimum der Temperatur am Erdboden (°C)"),
    "LUFTTEMPERATUR_MINIMUM": ("temp_min_c", "Lufttemperatur, Minimum (°C)"),
    "LUFTTEMPERATUR_MAXIMUM": ("temp_max_c", "Lufttemperatur, Maximum (°C)"),
    "WINDSPITZE_MAXIMUM": ("wind_gust_max_m_s", "Windspitze, Maximum (m/s)"),
    "NIEDERSCHLAGSHOEHE_IND": ("precip_form_code", "Niederschlagsform (DWD-Code)"),
    "NIEDERSCHLAGSHOEHE": ("precip_mm", "Niederschlagshöhe (mm)"),
    "SONNENSCHEINDAUER": ("sunshine_h", "Sonnenscheindauer (h)"),
    "SCHNEEHOEHE": ("snow_depth_cm", "Schneehöhe (cm)"),
}
_DATE = "Mess_Datum"
NO_DIRECTION_NOTE = (
    "The DWD daily file has no wind direction; only the speed climatology is given. / "
    "Die DWD-Tagesdatei enthält keine Windrichtung; angegeben ist nur die Klimatologie der "
    "Windgeschwindigkeit."
)


def load_dwd_daily(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Daily DWD weather with a ``date`` index and English column names with units.

    ``path=None`` takes ``koeln/weather-dwd-2667.csv`` from the data catalogue (mirror /
    cache). ``-999`` becomes NaN. Duplicate days (identical copies) are kept once. ``attrs``:
    ``labels_de`` (German label per column), ``missing`` (NaN count per column),
    ``missing_days`` (calendar days without a row), ``duplicates_dropped``, ``source``.
    """
    from urbanki_helpers.data.tables import read_table

    if path is None:
        from urbanki_helpers.data.catalog import dataset_file

        path = dataset_file("koeln", "weather-dwd-2667.csv")
    raw = read_table(path, dates={_DATE: "%Y%m%d"})
    missing_cols = [c for c in [_DATE, "WINDGESCHWINDIGKEIT"] if c not in raw.columns]
    if missing_cols:
        raise DataError(
            f"{path} is not a DWD daily file: columns {missing_cols} missing.",
            message_de=f"{path} ist keine DWD-Tagesdatei: Es fehlen die Spalten "
            f"{', '.join(missing_cols)}. Erwartet wird z. B. koeln/weather-dwd-2667.csv.",
        )
    df = raw.rename(columns={k: v[0] for k, v in COLUMNS.items()})
    df = df.rename(columns={_DATE: "date"}).sort_values("date", kind="stable")
    dup = df.duplicated("date", keep="first")
    conflicting = df[df.duplicated("date", keep=False)].drop_duplicates()
    if conflicting["date"].duplicated().any():
        bad = conflicting.loc[conflicting["date"].duplicated(), "date"].iloc[0]
        raise DataError(
            f"{path}: day {bad:%Y-%m-%d} appears twice with different values.",
            message_de=f"{path}: Der Tag {bad:%d.%m.%Y} steht zweimal mit unterschiedlichen "
            "Werten in der Datei. Klären Sie, welche Zeile gilt, und löschen Sie die andere.",
        )
    df = df[~dup].set_index("date")
    for col in df.columns:
        if df[col].dtype.kind in "iu":
            df[col] = df[col].astype(float)
    full = pd.date_range(df.index.min(), df.index.max(), freq="D")
    df.attrs = {
        "source": raw.attrs.get("source", {}),
        "labels_de": {v[0]: v[1] for v in COLUMNS.values() if v[0] in df.columns},
        "missing": {c: int(n) for c, n in df.isna().sum().items()},
        "missing_days": int(len(full) - len(df)),
        "duplicates_dropped": int(dup.sum()),
    }
    return df


def _daily(daily) -> pd.DataFrame:
    if not isinstance(daily, pd.DataFrame) or "wind_mean_m_s" not in daily.columns or not \
            isinstance(daily.index, pd.DatetimeIndex):
        raise DataError(
            "daily must be the DataFrame returned by load_dwd_daily (date index, column "
            "wind_mean_m_s).",
            message_de="daily muss die Tabelle aus load_dwd_daily sein (Datum als Index, Spalte "
            "wind_mean_m_s).",
        )
    return daily


def wind_climatology(daily: pd.DataFrame) -> pd.DataFrame:
    """Monthly climatology of the daily mean wind speed (m/s).

    One row per month 1-12: ``n_days``, ``mean``, ``q10``, ``q50``, ``q90`` of daily mean wind
    speed and ``gust_q90`` (90 % quantile of the daily max gust). The DWD daily file has NO wind
    direction, so there is no wind rose; ``attrs["note"]`` says so.
    """
    d = _daily(daily)
    g = d["wind_mean_m_s"].groupby(d.index.month)
    out = pd.DataFrame({
        "n_days": g.count(),
        "mean": g.mean(),
        "q10": g.quantile(0.10),
        "q50": g.quantile(0.50),
        "q90": g.quantile(0.90),
    })
    if "wind_gust_max_m_s" in d.columns:
        out["gust_q90"] = d["wind_gust_max_m_s"].groupby(d.index.month).quantile(0.90)
    out.index.name = "month"
    out.attrs["note"] = NO_DIRECTION_NOTE
    out.attrs["unit"] = "m/s"
    return out


# Pasquill stability classes after Turner (1970), "Workbook of Atmospheric Dispersion
# Estimates", Table 1 (also in Seinfeld & Pandis). Surface wind speed at 10 m (m/s):
#
#   wind      | day: incoming solar radiation  | night: cloud cover
#             | strong   moderate   slight     | >= 4/8 (thin overcast)   <= 3/8
#   < 2       | A        A-B        B          | F*                      F*
#   2 - 3     | A-B      B          C          | E                       F
#   3 - 5     | B        B-C        C          | D                       E
#   5 - 6     | C        C-D        D          | D                       D
#   > 6       | C        D          D          | D                       D
#   overcast (8/8), day or night: D.
#
# Choices of this module (document them in the notebook):
# * "A-B" etc. are returned as the MORE STABLE class (B, C, D): it gives the higher ground-level
#   concentrations for near-ground releases, i.e. the cautious choice for warnings.
# * Turner leaves calm nights (< 2 m/s) blank; we use F (common convention).
# * Insolation from cloud cover (daily data have no solar altitude): <= 3/8 strong,
#   4/8 - 6/8 moderate, 7/8 slight; no cloud cover given: moderate.
_DAY = {  # wind band -> (strong, moderate, slight)
    0: ("A", "B", "B"),
    1: ("B", "B", "C"),
    2: ("B", "C", "C"),
    3: ("C", "D", "D"),
    4: ("C", "D", "D"),
}
_NIGHT = {0: ("F", "F"), 1: ("E", "F"), 2: ("D", "E"), 3: ("D", "D"), 4: ("D", "D")}


def _wind_band(u: float) -> int:
    return 0 if u < 2 else 1 if u < 3 else 2 if u < 5 else 3 if u < 6 else 4


def stability_from_weather(wind_m_s, cloud_cover_octa=None, daytime: bool = True) -> str:
    """Pasquill stability class (A-F) from 10-m wind speed and cloud cover, Turner's table.

    See the table in the source above. Examples: ``(1.5, 1, True) -> "A"``,
    ``(4, 8, True) -> "D"``, ``(2.5, 2, False) -> "F"``.
    """
    try:
        u = float(wind_m_s)
    except (TypeError, ValueError):
        u = float("nan")
    if not np.isfinite(u) or u < 0:
        raise ParameterError(
            f"wind_m_s must be a wind speed >= 0 in m/s, got {wind_m_s!r}.",
            message_de=f"wind_m_s muss eine Windgeschwindigkeit >= 0 in m/s sein, nicht "
            f"{wind_m_s!r}.",
        )
    cloud = None
    if cloud_cover_octa is not None:
        try:
            cloud = float(cloud_cover_octa)
        except (TypeError, ValueError):
            cloud = float("nan")
        if not (0 <= cloud <= 8):  # also catches NaN
            raise ParameterError(
                f"cloud_cover_octa must be between 0 and 8 (eighths), got {cloud_cover_octa!r}.",
                message_de=f"cloud_cover_octa (Bedeckungsgrad) muss zwischen 0 und 8 Achteln "
                f"liegen, nicht {cloud_cover_octa!r}; ohne Angabe None übergeben.",
            )
    band = _wind_band(u)
    if cloud is not None and cloud >= 8:
        return "D"
    if daytime:
        if cloud is None:
            col = 1
        else:
            col = 0 if cloud <= 3 else 1 if cloud <= 6 else 2
        return _DAY[band][col]
    if cloud is None:
        # unknown cloud cover at night: the more stable (clear-sky) column, cautious
        return _NIGHT[band][1]
    return _NIGHT[band][0 if cloud >= 4 else 1]


# --- forecast --------------------------------------------------------------------------------


def _features(d: pd.DataFrame) -> pd.DataFrame:
    full = d.reindex(pd.date_range(d.index.min(), d.index.max(), freq="D"))
    w = full["wind_mean_m_s"]
    feat = pd.DataFrame(index=full.index)
    feat["wind_today"] = w
    feat["wind_yesterday"] = w.shift(1)
    feat["wind_mean_7d"] = w.rolling(7, min_periods=4).mean()
    for col in ["wind_gust_max_m_s", "pressure_station_hpa", "temp_mean_c", "temp_max_c",
                "temp_min_c", "rel_humidity_pct", "cloud_cover_octa", "precip_mm",
                "sunshine_h"]:
        if col in full.columns:
            feat[col] = full[col]
    if "pressure_station_hpa" in full.columns:
        feat["pressure_change_hpa"] = full["pressure_station_hpa"].diff()
    doy = full.index.day_of_year.to_numpy()
    feat["season_sin"] = np.sin(2 * np.pi * doy / 365.25)
    feat["season_cos"] = np.cos(2 * np.pi * doy / 365.25)
    feat["target_tomorrow"] = w.shift(-1)
    feat.index.name = "date"
    return feat


def forecast_next_day_wind(daily: pd.DataFrame, *, test_years: int = 2,
                           random_state: int = 0) -> dict:
    """Predict tomorrow's daily mean wind speed (m/s) from today's weather; compare with persistence.

    Model: ``HistGradientBoostingRegressor`` on today's values (wind, gust, pressure and its
    change, temperature, humidity, cloud, rain, sunshine, 7-day mean wind, season). Baseline:
    persistence (tomorrow = today). Split by time: the last ``test_years`` years are the test
    set. Rows whose target or persistence value is missing are left out.

    Returns a dict: ``model_mae``, ``baseline_mae`` (m/s), ``comparison``
    (:class:`~urbanki_helpers.evaluation.Comparison`), ``n_train``, ``n_test``, ``test_start``,
    ``features``, ``model`` (fitted), ``test`` (DataFrame with y_true, model, persistence).
    """
    from sklearn.ensemble import HistGradientBoostingRegressor

    from urbanki_helpers.evaluation import compare_with_baseline, time_split

    d = _daily(daily)
    if not isinstance(test_years, int) or isinstance(test_years, bool) or test_years < 1:
        raise ParameterError(
            f"test_years must be a whole number >= 1, got {test_years!r}.",
            message_de=f"test_years muss eine ganze Zahl ab 1 sein, nicht {test_years!r}.",
        )
    feat = _features(d)
    feat = feat[feat["target_tomorrow"].notna() & feat["wind_today"].notna()].reset_index()
    last = feat["date"].max()
    test_start = last - pd.DateOffset(years=test_years) + pd.Timedelta(days=1)
    if test_start <= feat["date"].min() + pd.DateOffset(years=1):
        raise ParameterError(
            f"test_years={test_years} leaves less than one year for training.",
            message_de=f"test_years={test_years} lässt weniger als ein Jahr zum Trainieren "
            "übrig. Wählen Sie weniger Testjahre.",
        )
    train, test = time_split(feat, "date", test_start=test_start)
    cols = [c for c in feat.columns if c not in ("date", "target_tomorrow")]
    model = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05,
                                          random_state=random_state)
    model.fit(feat.loc[train, cols], feat.loc[train, "target_tomorrow"])
    y = feat.loc[test, "target_tomorrow"].to_numpy()
    pred = model.predict(feat.loc[test, cols])
    persist = feat.loc[test, "wind_today"].to_numpy()
    comp = compare_with_baseline(y, pred, persist, metric="mae", block_size=7,
                                 random_state=random_state)
    return {
        "model_mae": comp.model,
        "baseline_mae": comp.baseline,
        "comparison": comp,
        "n_train": int(train.sum()),
        "n_test": int(test.sum()),
        "test_start": test_start,
        "features": cols,
        "model": model,
        "test": pd.DataFrame({"y_true": y, "model": pred, "persistence": persist},
                             index=pd.DatetimeIndex(feat.loc[test, "date"], name="date")),
    }
