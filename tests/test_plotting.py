"""German offline maps and charts: the artists exist and carry the right text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import box  # noqa: E402

from urbanki_helpers.errors import CRSError, DataError  # noqa: E402
from urbanki_helpers.plotting import (  # noqa: E402
    MONTHS_DE,
    GermanNumberFormatter,
    add_attribution,
    add_north_arrow,
    add_scalebar,
    finish_map,
    map_axes,
    time_series_axes,
)

X0, Y0 = 370_000.0, 5_712_000.0


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _scalebar_texts(ax) -> list[str]:
    return [a.txt_label.get_text() for a in ax.artists if a.get_gid() == "scalebar"]


def _map(width_m: float):
    fig, ax = map_axes()
    gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + width_m, Y0 + width_m)], crs=25832).plot(ax=ax)
    return fig, ax


def test_map_axes_labels_and_aspect():
    fig, ax = map_axes(figsize=(5, 5))
    assert ax.get_xlabel() == "Rechtswert (m, EPSG:25832)"
    assert ax.get_ylabel() == "Hochwert (m, EPSG:25832)"
    assert ax.get_aspect() == 1.0
    assert tuple(fig.get_size_inches()) == (5, 5)
    _, bare = map_axes(axis_labels=False)
    assert not bare.axison


def test_map_tick_labels_use_german_thousands_point():
    fig, ax = _map(5_000)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all("." in t and "," not in t for t in labels)  # e.g. "371.000"


@pytest.mark.parametrize(("width", "label"), [
    (5_000, "1 km"), (2_000, "200 m"), (12_000, "2 km"), (600, "100 m"), (30_000, "5 km"),
])
def test_scalebar_picks_round_length(width, label):
    _, ax = _map(width)
    add_scalebar(ax)
    assert _scalebar_texts(ax) == [label]


@pytest.mark.parametrize(("length", "label"), [(1_500, "1,5 km"), (250, "250 m"),
                                               (10_000, "10 km")])
def test_scalebar_explicit_length(length, label):
    _, ax = _map(5_000)
    add_scalebar(ax, length_m=length, location="lower right")
    assert _scalebar_texts(ax) == [label]
    bar = next(a for a in ax.artists if a.get_gid() == "scalebar")
    assert bar.loc == 4  # lower right


def test_scalebar_refuses_degrees_and_bad_arguments():
    fig, ax = plt.subplots()
    ax.set_xlim(7.0, 7.3)
    ax.set_ylim(51.4, 51.6)
    with pytest.raises(CRSError, match="degrees") as info:
        add_scalebar(ax)
    assert "EPSG:25832" in info.value.message_de
    _, ax = _map(5_000)
    with pytest.raises(DataError):
        add_scalebar(ax, length_m=-100)
    with pytest.raises(DataError, match="location"):
        add_scalebar(ax, location="unten")


def test_attribution_text_in_lower_right():
    _, ax = _map(5_000)
    add_attribution(ax, "Daten: synthetisch (Musterstadt), CC0")
    texts = [t for t in ax.texts if t.get_gid() == "attribution"]
    assert [t.get_text() for t in texts] == ["Daten: synthetisch (Musterstadt), CC0"]
    x, y = texts[0].get_position()
    assert x > 0.9 and y < 0.1
    assert texts[0].get_transform() == ax.transAxes
    with pytest.raises(DataError) as info:
        add_attribution(ax, "  ")
    assert "Quellenangabe" in info.value.message_de


def test_north_arrow():
    _, ax = _map(5_000)
    add_north_arrow(ax)
    arrow = [t for t in ax.texts if t.get_gid() == "north_arrow"]
    label = [t for t in ax.texts if t.get_gid() == "north_arrow_label"]
    assert len(arrow) == 1 and arrow[0].arrow_patch is not None
    assert [t.get_text() for t in label] == ["N"]
    tip, tail = arrow[0].xy, arrow[0].xyann
    assert tip[0] == tail[0] and tip[1] > tail[1]  # points up
    assert tip[0] > 0.5 and tip[1] > 0.5  # upper right


def test_finish_map_adds_everything():
    fig, ax = _map(5_000)
    finish_map(ax, title="Einwohner je Hektar", attribution="Daten: synthetisch, CC0")
    assert ax.get_title() == "Einwohner je Hektar"
    assert _scalebar_texts(ax) == ["1 km"]
    gids = {t.get_gid() for t in ax.texts}
    assert {"attribution", "north_arrow", "north_arrow_label"} <= gids
    fig.canvas.draw()  # renders without error
    fig2, ax2 = _map(5_000)
    finish_map(ax2, title="t", attribution="a", scalebar=False, north_arrow=False)
    assert _scalebar_texts(ax2) == []
    assert {t.get_gid() for t in ax2.texts} == {"attribution"}


def test_time_series_axes_german_dates_and_numbers():
    fig, ax = time_series_axes(ylabel="Besuche pro Tag")
    days = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    ax.plot(days, np.linspace(0, 1.5, len(days)))
    fig.canvas.draw()
    xlabels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ax.get_ylabel() == "Besuche pro Tag" and ax.get_xlabel() == "Datum"
    assert any(label.startswith("Jan 2024") for label in xlabels)
    assert all(label.split()[0] in MONTHS_DE for label in xlabels)
    assert any(label in ("Mär", "Okt", "Mai", "Dez") for label in xlabels)
    ylabels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "0,4" in ylabels and "1,0" in ylabels  # decimal comma
    assert not any("." in label for label in ylabels)


def test_time_series_axes_daily_ticks():
    fig, ax = time_series_axes(ylabel="Besuche pro Tag", title="Letzte 8 Wochen")
    days = pd.date_range("2024-11-05", "2024-11-20", freq="D")
    ax.plot(days, np.arange(len(days)))
    fig.canvas.draw()
    xlabels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any(label.endswith(".11.") for label in xlabels)  # e.g. "07.11."
    assert ax.get_title() == "Letzte 8 Wochen"
    _, plain = time_series_axes(figsize=(6, 3))
    assert plain.get_ylabel() == "" and plain.get_xlabel() == "Datum"


def test_german_number_formatter():
    fmt = GermanNumberFormatter()
    fmt.set_locs([0.0, 0.25, 0.5])
    assert fmt(0.25) == "0,25"
    assert fmt(0.5) == "0,50"
    fmt.set_locs([0, 5_000, 10_000])
    assert fmt(10_000) == "10.000"
    fmt.set_locs([0.0, 0.2, 0.4])
    assert fmt(0.4) == "0,4"
    assert GermanNumberFormatter(1)(1234.56) == "1.234,6"
