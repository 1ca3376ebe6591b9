"""Economics of an on-demand bus (Rufbus) service: cost, fares and subsidy per scenario.

Cost assumptions (examples, replace them by the operator's real figures):

- ``cost_per_vehicle_hour_eur``: all-in cost of one vehicle in service for one hour, driver
  included (wages are the largest part), plus vehicle, fuel/energy, dispatch software and
  overhead. For rural Germany around 40–60 €/h is a plausible order of magnitude; default 45 €.
- ``max_rides_per_vehicle_hour``: rides one vehicle can serve per hour with pooling; rural
  on-demand services typically reach 1–3; default 2.5.
- ``fare_eur``: average fare revenue per passenger in € actually received. With the
  Deutschlandticket and discounts this is often far below the printed single fare.
- ``passengers_per_ride``: passengers per ride (pooling, companions); default 1.3.

Demand is served up to capacity (vehicles × service hours × rides per vehicle hour); requests
beyond it are shown as unserved. This daily balance ignores peaks: in reality requests cluster
in the morning, so more remain unserved than this simple cap suggests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from urbanki_helpers.errors import DataError
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.plotting import GermanNumberFormatter

__all__ = ["COLUMNS", "Scenario", "plot_scenarios", "scenario_table"]

#: Column names of :func:`scenario_table`, by meaning.
COLUMNS = {
    "name": "Szenario",
    "vehicles": "Fahrzeuge",
    "service_hours": "Betriebsstunden pro Tag (h)",
    "vehicle_hours": "Fahrzeugstunden pro Tag (h)",
    "requests": "Fahrtwünsche pro Tag",
    "capacity": "Kapazität (Fahrten pro Tag)",
    "served": "Bediente Fahrten pro Tag",
    "unserved": "Nicht bediente Fahrtwünsche pro Tag",
    "rides_per_vehicle_hour": "Fahrten pro Fahrzeugstunde",
    "passengers": "Fahrgäste pro Jahr",
    "cost": "Kosten pro Jahr (€)",
    "revenue": "Fahrgeldeinnahmen pro Jahr (€)",
    "subsidy": "Zuschuss pro Jahr (€)",
    "cost_recovery": "Kostendeckungsgrad (Anteil 0–1)",
    "cost_per_ride": "Kosten pro Fahrt (€)",
    "subsidy_per_passenger": "Zuschuss pro Fahrgast (€)",
}

_FIELD_DE = {
    "vehicles": "Zahl der Fahrzeuge (vehicles)",
    "service_hours_per_day": "Betriebsstunden pro Tag (service_hours_per_day)",
    "fare_eur": "Fahrpreis in € (fare_eur)",
    "cost_per_vehicle_hour_eur": "Kosten pro Fahrzeugstunde in € (cost_per_vehicle_hour_eur)",
    "max_rides_per_vehicle_hour": "Fahrten pro Fahrzeugstunde (max_rides_per_vehicle_hour)",
    "days_per_year": "Betriebstage pro Jahr (days_per_year)",
    "passengers_per_ride": "Fahrgäste pro Fahrt (passengers_per_ride)",
}


def _bad(name: str, value, rule_en: str, rule_de: str) -> DataError:
    return DataError(
        f"{name} {rule_en}, got {value!r}.",
        message_de=f"{_FIELD_DE.get(name, name)} {rule_de}; angegeben war {value!r}.",
    )


@dataclass(frozen=True)
class Scenario:
    """One way to run the service. Money in €, times in hours, see the module docstring."""

    name: str
    vehicles: int
    service_hours_per_day: float
    fare_eur: float
    cost_per_vehicle_hour_eur: float = 45.0
    max_rides_per_vehicle_hour: float = 2.5
    days_per_year: int = 365
    passengers_per_ride: float = 1.3

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise DataError("name must be a non-empty text.",
                            message_de="Jedes Szenario braucht einen Namen (name).")
        for f in fields(self):
            if f.name == "name":
                continue
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not math.isfinite(value):
                raise _bad(f.name, value, "must be a finite number", "muss eine Zahl sein")
        if not isinstance(self.vehicles, (int, np.integer)) or self.vehicles < 1:
            raise _bad("vehicles", self.vehicles, "must be a whole number >= 1",
                       "muss eine ganze Zahl ab 1 sein")
        if not 0 < self.service_hours_per_day <= 24:
            raise _bad("service_hours_per_day", self.service_hours_per_day,
                       "must lie in (0, 24]", "muss größer als 0 und höchstens 24 sein")
        if not isinstance(self.days_per_year, (int, np.integer)) \
                or not 1 <= self.days_per_year <= 366:
            raise _bad("days_per_year", self.days_per_year, "must be a whole number in 1..366",
                       "muss eine ganze Zahl von 1 bis 366 sein")
        for name in ("cost_per_vehicle_hour_eur", "max_rides_per_vehicle_hour"):
            if getattr(self, name) <= 0:
                raise _bad(name, getattr(self, name), "must be positive", "muss positiv sein")
        if self.fare_eur < 0:
            raise _bad("fare_eur", self.fare_eur, "must not be negative",
                       "darf nicht negativ sein")
        if self.passengers_per_ride < 1:
            raise _bad("passengers_per_ride", self.passengers_per_ride, "must be >= 1",
                       "muss mindestens 1 sein")


def _requests(requests_per_day, name: str) -> float:
    value = requests_per_day[name] if isinstance(requests_per_day, Mapping) \
        else requests_per_day
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not math.isfinite(value) or value < 0:
        raise DataError(
            f"requests_per_day must be a finite number >= 0, got {value!r} (scenario {name!r}).",
            message_de=f"Die Fahrtwünsche pro Tag (requests_per_day) müssen eine Zahl ab 0 sein; "
            f"angegeben war {value!r} (Szenario {name!r}).",
        )
    return float(value)


def scenario_table(requests_per_day: float | Mapping[str, float],
                   scenarios: Iterable[Scenario]) -> pd.DataFrame:
    """Yearly cost, fare revenue and subsidy of each scenario, one row each (German columns).

    ``requests_per_day``: ride requests per day during service hours, one number for all
    scenarios or a dict scenario name → number (e.g. when service hours differ).

    Per scenario: capacity = vehicles × service hours × ``max_rides_per_vehicle_hour``; served
    rides = min(requests, capacity); cost per year = vehicle hours per day ×
    ``cost_per_vehicle_hour_eur`` × ``days_per_year``; fare revenue = served rides ×
    ``passengers_per_ride`` × ``fare_eur`` × ``days_per_year``; subsidy = cost − revenue. Per
    ride and per passenger values are NaN when no ride is served. Columns: :data:`COLUMNS`.
    """
    scenarios = list(scenarios)
    if not scenarios:
        raise DataError("scenarios is empty.",
                        message_de="Es wurde kein Szenario übergeben.")
    bad = [s for s in scenarios if not isinstance(s, Scenario)]
    if bad:
        raise DataError(
            f"scenarios must be Scenario objects, got {type(bad[0]).__name__}.",
            message_de="Die Szenarien müssen mit Scenario(name=..., vehicles=..., "
            "service_hours_per_day=..., fare_eur=...) angelegt werden.",
        )
    names = [s.name for s in scenarios]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"Scenario names used twice: {', '.join(dup)}.",
                        message_de=f"Szenarionamen doppelt vergeben: {', '.join(dup)}.")
    if isinstance(requests_per_day, Mapping):
        missing = [n for n in names if n not in requests_per_day]
        if missing:
            raise DataError(
                f"requests_per_day has no value for scenario(s) {', '.join(missing)}.",
                message_de=f"Für diese Szenarien fehlen die Fahrtwünsche pro Tag: "
                f"{', '.join(missing)}.",
            )
    rows = []
    for s in scenarios:
        requests = _requests(requests_per_day, s.name)
        vehicle_hours = s.vehicles * s.service_hours_per_day
        capacity = vehicle_hours * s.max_rides_per_vehicle_hour
        served = min(requests, capacity)
        passengers = served * s.passengers_per_ride * s.days_per_year
        cost = vehicle_hours * s.cost_per_vehicle_hour_eur * s.days_per_year
        revenue = passengers * s.fare_eur
        subsidy = cost - revenue
        rides_year = served * s.days_per_year
        rows.append({
            COLUMNS["name"]: s.name,
            COLUMNS["vehicles"]: s.vehicles,
            COLUMNS["service_hours"]: s.service_hours_per_day,
            COLUMNS["vehicle_hours"]: vehicle_hours,
            COLUMNS["requests"]: requests,
            COLUMNS["capacity"]: capacity,
            COLUMNS["served"]: served,
            COLUMNS["unserved"]: requests - served,
            COLUMNS["rides_per_vehicle_hour"]: served / vehicle_hours,
            COLUMNS["passengers"]: passengers,
            COLUMNS["cost"]: cost,
            COLUMNS["revenue"]: revenue,
            COLUMNS["subsidy"]: subsidy,
            COLUMNS["cost_recovery"]: revenue / cost,
            COLUMNS["cost_per_ride"]: cost / rides_year if rides_year > 0 else math.nan,
            COLUMNS["subsidy_per_passenger"]: subsidy / passengers if passengers > 0
            else math.nan,
        })
    return pd.DataFrame(rows)


def plot_scenarios(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bar chart of the subsidy per passenger (€) of each scenario, with value labels.

    A bar whose scenario leaves requests unserved (capacity too small) says how many per day.
    """
    name, value = COLUMNS["name"], COLUMNS["subsidy_per_passenger"]
    if not isinstance(table, pd.DataFrame) or name not in table.columns \
            or value not in table.columns:
        raise DataError(
            f"table must come from scenario_table (columns {name!r} and {value!r}).",
            message_de=f"Die Tabelle muss von scenario_table stammen (Spalten {name!r} und "
            f"{value!r}).",
        )
    if len(table) == 0:
        raise DataError("table is empty.", message_de="Die Szenariotabelle ist leer.")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 1.4 * len(table) + 2), 4))
    labels = table[name].astype(str).tolist()
    values = table[value].to_numpy(dtype=float)
    heights = np.nan_to_num(values, nan=0.0)
    bars = ax.bar(labels, heights, color="#2a6f97")
    unserved = (table[COLUMNS["unserved"]].to_numpy(dtype=float)
                if COLUMNS["unserved"] in table.columns else np.zeros(len(table)))
    texts = []
    for v, u in zip(values, unserved, strict=True):
        text = f"{format_de(v, 2)} €" if np.isfinite(v) else "keine Fahrten"
        if u > 0:  # the cheapest bar may simply leave people behind: say so on the bar
            text += f"\n{format_de(u, 0)} Fahrtwünsche/Tag\nnicht bedient"
        texts.append(text)
    ax.bar_label(bars, labels=texts, padding=3)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("Zuschuss pro Fahrgast (€)")
    ax.set_xlabel("Szenario")
    ax.set_title("Zuschuss pro Fahrgast je Szenario")
    ax.yaxis.set_major_formatter(GermanNumberFormatter())
    top = np.nanmax(np.abs(heights)) if np.isfinite(heights).any() else 1.0
    ax.set_ylim(min(0.0, float(heights.min()) * 1.15), max(top * 1.3, 1e-9))
    ax.spines[["top", "right"]].set_visible(False)
    return ax
