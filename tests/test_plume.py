"""Gaussian plume: hand-computed values, symmetries, grids, zones and ensembles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers import plume
from urbanki_helpers.errors import DataError, ParameterError


def hand_c(q, u, h, sy, sz, y=0.0, z=0.0):
    return (q / (2 * math.pi * u * sy * sz) * math.exp(-y * y / (2 * sy * sy))
            * (math.exp(-((z - h) ** 2) / (2 * sz * sz)) + math.exp(-((z + h) ** 2) / (2 * sz * sz))))


@pytest.mark.parametrize(
    ("stability", "terrain", "x", "sy", "sz"),
    [
        # Briggs (1973), written out by hand
        ("A", "rural", 500.0, 0.22 * 500 / math.sqrt(1 + 0.0001 * 500), 0.20 * 500),
        ("C", "rural", 1000.0, 0.11 * 1000 / math.sqrt(1.1), 0.08 * 1000 / math.sqrt(1.2)),
        ("D", "rural", 2000.0, 0.08 * 2000 / math.sqrt(1.2), 0.06 * 2000 / math.sqrt(4.0)),
        ("F", "rural", 3000.0, 0.04 * 3000 / math.sqrt(1.3), 0.016 * 3000 / 1.9),
        ("B", "urban", 1000.0, 0.32 * 1000 / math.sqrt(1.4), 0.24 * 1000 * math.sqrt(2.0)),
        ("D", "urban", 1000.0, 0.16 * 1000 / math.sqrt(1.4), 0.14 * 1000 / math.sqrt(1.3)),
        ("E", "urban", 400.0, 0.11 * 400 / math.sqrt(1.16), 0.08 * 400 / math.sqrt(1.6)),
    ],
)
def test_sigmas_and_concentration_match_hand_computation(stability, terrain, x, sy, sz):
    assert plume.sigma_y(x, stability, terrain) == pytest.approx(sy, rel=1e-12)
    assert plume.sigma_z(x, stability, terrain) == pytest.approx(sz, rel=1e-12)
    q, u, h, y, z = 100.0, 3.0, 30.0, 40.0, 2.0
    expected = hand_c(q, u, h, sy, sz, y, z)
    got = plume.gaussian_plume(q, u, h, stability, x, y, z, terrain=terrain)
    assert float(got) == pytest.approx(expected, rel=1e-12)


def test_one_value_by_hand_d_rural():
    # Q = 10 g/s, u = 5 m/s, H = 0, class D rural, x = 1000 m, centreline at ground:
    sy = 0.08 * 1000 / math.sqrt(1.1)  # 76.27766 m
    sz = 0.06 * 1000 / math.sqrt(2.5)  # 37.94733 m
    c = 10 / (math.pi * 5 * sy * sz)   # 2 * Q / (2 pi u sy sz)
    assert c == pytest.approx(2.1993e-4, rel=1e-3)
    assert float(plume.gaussian_plume(10, 5, 0, "D", 1000, 0)) == pytest.approx(c, rel=1e-12)


def test_ground_reflection_doubles_for_ground_source():
    x = np.array([200.0, 1000.0, 5000.0])
    sy, sz = plume.sigma_y(x, "D"), plume.sigma_z(x, "D")
    unreflected = 7.0 / (2 * np.pi * 2.0 * sy * sz)
    got = plume.gaussian_plume(7.0, 2.0, 0.0, "D", x, 0.0, 0.0)
    np.testing.assert_allclose(got, 2 * unreflected, rtol=1e-12)


def test_symmetric_in_y_linear_in_q_and_zero_upwind():
    x = np.linspace(100, 5000, 30)[:, None]
    y = np.linspace(0, 800, 9)[None, :]
    a = plume.gaussian_plume(50, 4, 20, "C", x, y)
    b = plume.gaussian_plume(50, 4, 20, "C", x, -y)
    np.testing.assert_allclose(a, b, rtol=0, atol=0)
    assert a.shape == (30, 9)
    np.testing.assert_allclose(plume.gaussian_plume(150, 4, 20, "C", x, y), 3 * a, rtol=1e-12)
    assert np.all(plume.gaussian_plume(50, 4, 20, "C", [-100.0, 0.0], 0.0) == 0)
    assert np.all(plume.gaussian_plume(0, 4, 20, "C", x, y) == 0)


@pytest.mark.parametrize("stability", plume.STABILITY_CLASSES)
@pytest.mark.parametrize("terrain", plume.TERRAINS)
def test_far_downwind_decreases(stability, terrain):
    # beyond the ground-level maximum (about 6 km for F rural at H = 50 m)
    _, x_peak = plume.max_ground_concentration(10, 3, 50, stability, terrain, x_max_m=50000)
    x = np.linspace(max(x_peak * 1.01, 1000), 50000, 50)
    c = plume.gaussian_plume(10, 3, 50, stability, x, 0.0, terrain=terrain)
    assert np.all(np.diff(c) < 0)


def test_elevated_source_has_ground_maximum_at_finite_distance():
    cmax, xmax = plume.max_ground_concentration(100, 5, 50, "D")
    assert 300 < xmax < 5000
    xs = np.geomspace(10, 20000, 5000)
    c = plume.gaussian_plume(100, 5, 50, "D", xs, 0.0)
    assert cmax >= c.max() * (1 - 1e-9)
    assert cmax == pytest.approx(float(plume.gaussian_plume(100, 5, 50, "D", xmax, 0.0)))
    assert plume.gaussian_plume(100, 5, 50, "D", xmax / 3, 0.0) < cmax
    assert plume.gaussian_plume(100, 5, 50, "D", xmax * 3, 0.0) < cmax
    # more unstable air brings the plume down closer to the source
    _, x_a = plume.max_ground_concentration(100, 5, 50, "A")
    assert x_a < xmax
    # ground source: monotone, maximum at the search start
    _, x0 = plume.max_ground_concentration(100, 5, 0, "D", x_min_m=100)
    assert x0 == pytest.approx(100)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"u_m_s": 0}, "Windgeschwindigkeit"),
        ({"u_m_s": -2}, "Windgeschwindigkeit"),
        ({"q_g_s": -1}, "Quellstärke"),
        ({"h_m": -5}, "Freisetzungshöhe"),
        ({"stability": "G"}, "Stabilitätsklasse"),
        ({"stability": None}, "Stabilitätsklasse"),
        ({"terrain": "forest"}, "Gelände"),
        ({"u_m_s": float("nan")}, "Windgeschwindigkeit"),
        ({"q_g_s": "viel"}, "Quellstärke"),
    ],
)
def test_bad_input_raises_parameter_error_with_german_text(kwargs, word):
    args = {"q_g_s": 1, "u_m_s": 2, "h_m": 10, "stability": "D", "x_m": 500, "y_m": 0,
            "terrain": "rural"}
    args.update(kwargs)
    with pytest.raises(ParameterError) as info:
        plume.gaussian_plume(**args)
    assert word in info.value.message_de


def test_lowercase_class_accepted():
    assert plume.gaussian_plume(1, 2, 10, "d", 500, 0) == plume.gaussian_plume(1, 2, 10, "D",
                                                                               500, 0)


@pytest.mark.parametrize(
    ("wind_from", "direction"),
    [(270, (1, 0)), (90, (-1, 0)), (0, (0, -1)), (180, (0, 1)), (225, (1, 1))],
)
def test_grid_maximum_lies_downwind(wind_from, direction):
    src = (400000.0, 5700000.0)
    xs, ys, c = plume.concentration_grid(src, 10, 3, wind_from, 20, "D", extent_m=3000,
                                         cell_m=100)
    assert xs.size == ys.size == 61
    assert c.shape == (61, 61)
    assert xs[30] == src[0] and ys[30] == src[1]
    r, k = np.unravel_index(np.argmax(c), c.shape)
    vx, vy = xs[k] - src[0], ys[r] - src[1]
    ux, uy = np.array(direction) / np.hypot(*direction)
    assert vx * ux + vy * uy > 0
    assert abs(-vx * uy + vy * ux) <= 100 + 1e-6  # on the plume axis (within one cell)
    # upwind half is clean
    gx, gy = np.meshgrid(xs - src[0], ys - src[1])
    assert np.all(c[(gx * ux + gy * uy) <= 0] == 0)


def test_warning_zones_nested_and_shrinking():
    src = (400000.0, 5700000.0)
    xs, ys, c = plume.concentration_grid(src, 2000, 2, 270, 0, "E", extent_m=5000, cell_m=50)
    zones = plume.warning_zones(xs, ys, c, plume.EXAMPLE_LEVELS)
    assert list(zones.columns) == ["level_name", "threshold_g_m3", "area_m2", "geometry"]
    assert zones.crs.to_epsg() == 25832
    assert list(zones.threshold_g_m3) == sorted(plume.EXAMPLE_LEVELS.values())
    areas = zones.area_m2.to_numpy()
    assert np.all(areas > 0)
    assert np.all(np.diff(areas) < 0)
    np.testing.assert_allclose(zones.geometry.area.to_numpy(), areas, rtol=1e-9)
    for outer, inner in zip(zones.geometry[:-1], zones.geometry[1:], strict=True):
        assert outer.buffer(1e-6).contains(inner)
    # all zones east of the source (wind from the west)
    assert all(g.bounds[0] >= src[0] - 25 for g in zones.geometry)
    for (_, row) in zones.iterrows():
        assert row.area_m2 == (c >= row.threshold_g_m3).sum() * 50 * 50


def test_warning_zone_not_reached_is_empty():
    xs, ys, c = plume.concentration_grid((0, 0), 0.001, 5, 270, 0, "D", extent_m=1000,
                                         cell_m=100)
    zones = plume.warning_zones(xs, ys, c, {"hoch": 1.0})
    assert zones.area_m2.iloc[0] == 0
    assert zones.geometry.iloc[0].is_empty


def test_warning_zones_bad_grid():
    with pytest.raises(DataError):
        plume.warning_zones([0, 1, 3], [0, 1], np.zeros((2, 3)), {"a": 1})
    with pytest.raises(DataError):
        plume.warning_zones([0, 1], [0, 1], np.zeros((3, 2)), {"a": 1})
    with pytest.raises(ParameterError):
        plume.warning_zones([0, 1], [0, 1], np.zeros((2, 2)), {})


def test_ensemble_probabilities():
    src = (0.0, 0.0)
    same_dir = pd.DataFrame({"u_m_s": [2.0, 3.0, 5.0], "wind_from_deg": [270] * 3,
                             "stability": ["D", "C", "E"]})
    xs, ys, p = plume.ensemble_exceedance(src, 100, same_dir, 0, 1e-4, extent_m=2000,
                                          cell_m=100, terrain="rural")
    assert p.min() >= 0 and p.max() <= 1
    centre = ys == 0
    row = p[centre][0]
    near = (xs > 0) & (xs <= 1000)
    assert np.all(row[near] == 1.0)
    assert np.all(p[:, xs <= 0] == 0)

    spread = pd.DataFrame({"u_m_s": [3.0] * 4, "wind_from_deg": [270, 90, 0, 180],
                           "stability": ["D"] * 4})
    xs, ys, p = plume.ensemble_exceedance(src, 100, spread, 0, 1e-4, extent_m=2000,
                                          cell_m=100, terrain="rural")
    assert p.max() == pytest.approx(0.25)
    assert set(np.unique(p)) <= {0.0, 0.25}

    weighted = spread.assign(weight=[3, 1, 0, 0])
    xs, ys, p = plume.ensemble_exceedance(src, 100, weighted, 0, 1e-4, extent_m=2000,
                                          cell_m=100, terrain="rural")
    assert p[ys == 0][0][xs == 500][0] == pytest.approx(0.75)
    assert p[ys == 0][0][xs == -500][0] == pytest.approx(0.25)

    with pytest.raises(DataError):
        plume.ensemble_exceedance(src, 100, pd.DataFrame({"u": [1]}), 0, 1e-4, extent_m=2000,
                                  cell_m=100, terrain="rural")


def test_effective_height_and_example_levels():
    assert plume.effective_height(30, 15) == 45
    with pytest.raises(ParameterError):
        plume.effective_height(-1)
    vals = list(plume.EXAMPLE_LEVELS.values())
    assert len(vals) == 3 and vals == sorted(vals)
    # AEGL ammonia 60 min: 21, 110, 770 mg/m3
    assert vals == pytest.approx([0.021, 0.110, 0.770])


def test_grid_size_guard():
    with pytest.raises(ParameterError):
        plume.concentration_grid((0, 0), 1, 2, 270, 0, "D", extent_m=100000, cell_m=1)
