"""Charts for the demand notebook: German labels with units, offline (matplotlib only)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from urbanki_helpers.calendar_de import WEEKDAYS_DE
from urbanki_helpers.errors import DataError

MODEL_LABELS_DE = {"baseline": "Referenz (Mittel je Gruppe × Wochentag × Stunde)",
                   "glm": "Poisson-Regression (GLM)", "hgb": "Gradient Boosting (Poisson)"}


def hourly_profile(counts: pd.DataFrame) -> pd.DataFrame:
    """Mean count per hour of day (rows) and weekday (columns, Montag … Sonntag)."""
    frame = counts.dropna(subset=["anzahl"])
    table = frame.pivot_table(index=frame["zeit"].dt.hour.rename("stunde"),
                              columns=frame["zeit"].dt.day_of_week.rename("wochentag"),
                              values="anzahl", aggfunc="mean")
    return table.rename(columns=dict(enumerate(WEEKDAYS_DE)))


def plot_hourly_profile(counts: pd.DataFrame, *, unit: str, ax: Axes | None = None) -> Axes:
    """Lines per weekday: mean count per hour of day."""
    ax = ax or plt.subplots(figsize=(9, 4))[1]
    table = hourly_profile(counts)
    for day in table.columns:
        style = "--" if day in ("Samstag", "Sonntag") else "-"
        ax.plot(table.index, table[day], style, label=day)
    ax.set_xlabel("Stunde des Tages (Ortszeit)")
    ax.set_ylabel(f"Mittel {unit} pro Stunde")
    ax.set_xticks(range(0, 24, 2))
    ax.legend(ncol=4, fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def _with_gaps(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Insert empty rows where hours are missing, so lines break instead of bridging nights
    without service."""
    frame = frame.sort_values("zeit").set_index("zeit")
    full = pd.date_range(frame.index.min(), frame.index.max(), freq="h")
    return frame[list(columns)].reindex(full).rename_axis("zeit").reset_index()


def plot_forecast_week(predictions: pd.DataFrame, gruppe: str, *, unit: str,
                       models=("baseline", "hgb"), ax: Axes | None = None) -> Axes:
    """Observed counts of one group in the last test window, the models' forecasts and the
    negative-binomial interval of the last model as a band."""
    pred = predictions[predictions["gruppe"].astype(str) == str(gruppe)]
    if pred.empty:
        raise DataError(f"No predictions for group {gruppe!r}.",
                        message_de=f"Keine Vorhersagen für die Gruppe {gruppe!r}.")
    last = pred["fold"].max()
    pred = pred[pred["fold"] == last]
    ax = ax or plt.subplots(figsize=(10, 4))[1]
    first = pred[pred["model"] == models[-1]]
    band_lo = "lo_nb" if "lo_nb" in first else "lo"
    band_hi = "hi_nb" if "hi_nb" in first else "hi"
    first = _with_gaps(first, ["y_true", band_lo, band_hi])
    ax.fill_between(first["zeit"], first[band_lo], first[band_hi], color="tab:blue", alpha=0.15,
                    step="mid", label=f"Intervall ({MODEL_LABELS_DE.get(models[-1], models[-1])})")
    ax.plot(first["zeit"], first["y_true"], color="black", linewidth=1, label="beobachtet")
    for name in models:
        part = _with_gaps(pred[pred["model"] == name], ["y_pred"])
        ax.plot(part["zeit"], part["y_pred"], linewidth=1.2,
                linestyle="--" if name == "baseline" else "-",
                label=MODEL_LABELS_DE.get(name, name))
    ax.set_xlabel("Zeit (Ortszeit)")
    ax.set_ylabel(f"{unit} pro Stunde")
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(alpha=0.3)
    return ax
