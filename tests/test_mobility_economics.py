"""On-demand bus economics: capacity cap, cost, subsidy per passenger, council chart."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from urbanki_helpers.errors import DataError  # noqa: E402
from urbanki_helpers.mobility.economics import (  # noqa: E402
    COLUMNS,
    Scenario,
    plot_scenarios,
    scenario_table,
)

C = COLUMNS


@pytest.fixture
def table():
    scenarios = [
        Scenario("2 Busse", vehicles=2, service_hours_per_day=12, fare_eur=2.0),
        Scenario("1 Bus", vehicles=1, service_hours_per_day=12, fare_eur=2.0),
    ]
    return scenario_table(40.0, scenarios)


def test_hand_computed_numbers_below_capacity(table):
    row = table.iloc[0]
    # 2 vehicles x 12 h = 24 vehicle hours; capacity 24 x 2.5 = 60 rides > 40 requests
    assert row[C["name"]] == "2 Busse"
    assert row[C["vehicle_hours"]] == 24
    assert row[C["capacity"]] == 60
    assert row[C["served"]] == 40 and row[C["unserved"]] == 0
    assert row[C["rides_per_vehicle_hour"]] == pytest.approx(40 / 24)
    assert row[C["cost"]] == pytest.approx(24 * 45 * 365)  # 394.200 €
    assert row[C["passengers"]] == pytest.approx(40 * 1.3 * 365)  # 18.980
    assert row[C["revenue"]] == pytest.approx(37_960)
    assert row[C["subsidy"]] == pytest.approx(356_240)
    assert row[C["cost_per_ride"]] == pytest.approx(27.0)  # 394.200 / 14.600 rides
    assert row[C["subsidy_per_passenger"]] == pytest.approx(356_240 / 18_980)  # 18,77 €
    assert row[C["cost_recovery"]] == pytest.approx(37_960 / 394_200)


def test_capacity_caps_served_rides(table):
    row = table.iloc[1]
    # 1 vehicle x 12 h x 2.5 = 30 rides: 10 of 40 requests stay unserved
    assert row[C["served"]] == 30 and row[C["unserved"]] == 10
    assert row[C["rides_per_vehicle_hour"]] == 2.5
    assert row[C["cost"]] == pytest.approx(197_100)
    assert row[C["subsidy"]] == pytest.approx(197_100 - 30 * 1.3 * 365 * 2.0)  # 168.630 €
    assert row[C["subsidy_per_passenger"]] == pytest.approx(168_630 / 14_235)  # 11,85 €
    assert row[C["cost_per_ride"]] == pytest.approx(18.0)


def test_columns_are_german_with_units(table):
    assert list(table.columns) == list(COLUMNS.values())
    assert "Fahrten pro Fahrzeugstunde" in table.columns
    assert "Zuschuss pro Fahrgast (€)" in table.columns
    assert "Kosten pro Jahr (€)" in table.columns


def test_requests_per_scenario_and_zero_demand():
    scenarios = [
        Scenario("Tag", vehicles=1, service_hours_per_day=10, fare_eur=1.5,
                 cost_per_vehicle_hour_eur=50, days_per_year=250, passengers_per_ride=1.0),
        Scenario("Abend", vehicles=1, service_hours_per_day=4, fare_eur=1.5),
    ]
    t = scenario_table({"Tag": 12.0, "Abend": 0.0}, scenarios).set_index(C["name"])
    assert t.loc["Tag", C["cost"]] == 10 * 50 * 250
    assert t.loc["Tag", C["subsidy_per_passenger"]] == pytest.approx(
        (125_000 - 12 * 250 * 1.5) / (12 * 250))  # 40,17 €
    assert t.loc["Abend", C["served"]] == 0
    assert math.isnan(t.loc["Abend", C["cost_per_ride"]])
    assert math.isnan(t.loc["Abend", C["subsidy_per_passenger"]])
    with pytest.raises(DataError, match="Abend"):
        scenario_table({"Tag": 12.0}, scenarios)


@pytest.mark.parametrize("kwargs", [
    {"vehicles": 0}, {"vehicles": -1}, {"vehicles": 1.5}, {"vehicles": True},
    {"service_hours_per_day": 0}, {"service_hours_per_day": 25}, {"fare_eur": -1.0},
    {"cost_per_vehicle_hour_eur": 0}, {"max_rides_per_vehicle_hour": -2},
    {"days_per_year": 0}, {"passengers_per_ride": 0.5}, {"fare_eur": float("nan")},
    {"name": ""},
])
def test_bad_scenarios(kwargs):
    args = {"name": "A", "vehicles": 1, "service_hours_per_day": 10, "fare_eur": 2.0} | kwargs
    with pytest.raises(DataError) as exc:
        Scenario(**args)
    assert exc.value.message_de != str(exc.value)  # a German message is given


def test_bad_table_inputs():
    ok = Scenario("A", vehicles=1, service_hours_per_day=10, fare_eur=2.0)
    for requests in (-1.0, float("nan"), float("inf"), "viel"):
        with pytest.raises(DataError, match="requests_per_day"):
            scenario_table(requests, [ok])
    with pytest.raises(DataError, match="empty"):
        scenario_table(10.0, [])
    with pytest.raises(DataError, match="twice"):
        scenario_table(10.0, [ok, ok])
    with pytest.raises(DataError, match="Scenario objects"):
        scenario_table(10.0, [{"name": "A"}])


def test_plot_has_german_labels_and_values(table):
    ax = plot_scenarios(table)
    try:
        assert ax.get_ylabel() == "Zuschuss pro Fahrgast (€)"
        assert ax.get_xlabel() == "Szenario"
        assert "Zuschuss pro Fahrgast" in ax.get_title()
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2 Busse", "1 Bus"]
        labels = [t.get_text() for t in ax.texts]
        assert labels == ["18,77 €", "11,85 €\n10 Fahrtwünsche/Tag\nnicht bedient"]
        heights = [p.get_height() for p in ax.patches]
        assert heights == pytest.approx([356_240 / 18_980, 168_630 / 14_235])
    finally:
        plt.close(ax.figure)
    with pytest.raises(DataError, match="scenario_table"):
        plot_scenarios(table.drop(columns=C["subsidy_per_passenger"]))
