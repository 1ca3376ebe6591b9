"""Solar potential from footprint and roof form: faces, north exclusion (SAN-VO), kWp and
yield arithmetic, the SAN-VO minimum and the map."""

from __future__ import annotations

import math

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from shapely import affinity
from shapely.geometry import box

from urbanki_helpers.errors import CRSError, DataError, ParameterError
from urbanki_helpers.solar import potential
from urbanki_helpers.solar.potential import PotentialAssumptions

matplotlib.use("Agg")

X0, Y0 = 400000.0, 5700000.0
CRS = "EPSG:25832"
A = PotentialAssumptions()


def buildings(*rows) -> gpd.GeoDataFrame:
    """rows: (id, dachform, geometry[, extra columns as dict])."""
    return gpd.GeoDataFrame({"gebaeude_id": [r[0] for r in rows],
                             "dachform": [r[1] for r in rows]},
                            geometry=[r[2] for r in rows], crs=CRS)


def rect(width_m: float, depth_m: float):
    """A rectangle width_m east-west × depth_m north-south."""
    return box(X0, Y0, X0 + width_m, Y0 + depth_m)


def test_gable_roof_facing_south_and_north_has_one_usable_face():
    faces = potential.roof_faces(buildings(("G1", "sattel", rect(20, 10))))
    faces = faces.set_index("richtung")
    assert sorted(faces.index) == ["Nord", "Süd"]
    assert faces.loc["Süd", "azimut_deg"] == 180 and faces.loc["Nord", "azimut_deg"] == 0
    cos = math.cos(math.radians(40))
    assert faces.loc["Süd", "grundriss_m2"] == pytest.approx(100)
    assert faces.loc["Süd", "dachflaeche_m2"] == pytest.approx(100 / cos)
    assert faces.loc["Süd", "nutzbare_flaeche_m2"] == pytest.approx(100 / cos * 0.75)
    assert bool(faces.loc["Nord", "nord"]) and faces.loc["Nord", "nutzbare_flaeche_m2"] == 0
    result = potential.solar_potential(buildings(("G1", "sattel", rect(20, 10)))).iloc[0]
    usable = 100 / cos * 0.75
    assert result["nutzbare_flaeche_m2"] == pytest.approx(usable)
    assert result["kwp"] == pytest.approx(usable * 0.20)
    assert result["ertrag_kwh_a"] == pytest.approx(usable * 0.20 * 900 * 1.0)
    assert result["n_flaechen"] == 2 and result["n_flaechen_nutzbar"] == 1
    assert result["ausrichtung"] == "Süd"
    assert result["dachflaeche_brutto_m2"] == pytest.approx(200 / cos)
    assert result["dachflaeche_netto_m2"] == pytest.approx(100 / cos)
    assert result["sanvo_min_neubau_m2"] == pytest.approx(0.3 * 200 / cos)
    assert result["sanvo_min_dacherneuerung_m2"] == pytest.approx(0.3 * 100 / cos)


def test_gable_roof_with_ridge_north_south_uses_east_and_west():
    result = potential.solar_potential(buildings(("G1", "sattel", rect(10, 20)))).iloc[0]
    cos = math.cos(math.radians(40))
    factor = potential.orientation_factor(90, 40)
    assert factor == pytest.approx(0.79)
    assert result["n_flaechen_nutzbar"] == 2 and result["ausrichtung"] == "Ost / West"
    assert result["kwp"] == pytest.approx(200 / cos * 0.75 * 0.20)
    assert result["ertrag_kwh_a"] == pytest.approx(result["kwp"] * 900 * factor)


def test_orientation_follows_the_minimum_rotated_rectangle():
    turned = affinity.rotate(rect(20, 10), -30, origin="center")  # ridge bearing 120°
    faces = potential.roof_faces(buildings(("G1", "sattel", turned)))
    assert sorted(faces["azimut_deg"].round(1)) == [30.0, 210.0]
    assert list(faces.sort_values("azimut_deg")["nord"]) == [True, False]


def test_flat_roof_uses_racked_modules():
    result = potential.solar_potential(buildings(("F1", "flach", rect(20, 10)))).iloc[0]
    factor = potential.orientation_factor(180, 15) * (1 - 0.05)
    assert potential.orientation_factor(180, 15) == pytest.approx(0.95)
    assert result["nutzbare_flaeche_m2"] == pytest.approx(200 * 0.6)
    assert result["kwp"] == pytest.approx(24.0)
    assert result["ertrag_kwh_a"] == pytest.approx(24.0 * 900 * factor)
    assert result["ausrichtung"] == "Flachdach (Module nach Süden, 15°)"
    assert result["dachflaeche_netto_m2"] == pytest.approx(200)


@pytest.mark.parametrize(("azimuth", "north"), [
    (0, True), (360, True), (67, True), (67.5, True), (68, False), (90, False), (180, False),
    (292, False), (292.5, True), (293, True), (-10, True),
])
def test_north_after_san_vo_is_between_ene_and_wnw(azimuth, north):
    assert potential.is_north(azimuth) is north


def test_north_boundary_decides_on_real_faces():
    # ridge bearings 158° and 157°: faces at 68°/248° (both usable) or 67°/247° (one usable)
    gdf = buildings(("R68", "sattel", rect(20, 10)), ("R67", "sattel", rect(20, 10)))
    gdf["first_deg"] = [158.0, 157.0]
    faces = potential.roof_faces(gdf, ridge_column="first_deg")
    usable = faces[faces["nutzbare_flaeche_m2"] > 0].groupby("gebaeude_id").size()
    assert usable["R68"] == 2 and usable["R67"] == 1
    assert sorted(faces.loc[faces["gebaeude_id"] == "R67", "azimut_deg"]) == [67.0, 247.0]


def test_hipped_roof_faces_add_up_to_the_footprint():
    faces = potential.roof_faces(buildings(("W1", "walm", rect(20, 10))))
    assert len(faces) == 4
    assert faces["grundriss_m2"].sum() == pytest.approx(200)
    by_direction = faces.set_index("richtung")["grundriss_m2"]
    assert by_direction["West"] == pytest.approx(25) and by_direction["Ost"] == pytest.approx(25)
    assert by_direction["Süd"] == pytest.approx(75)
    cos = math.cos(math.radians(35))
    assert faces["dachflaeche_m2"].sum() == pytest.approx(200 / cos)
    assert set(faces.loc[faces["nutzbare_flaeche_m2"] > 0, "richtung"]) == {"Süd", "Ost",
                                                                           "West"}


def test_mono_pitch_roof_points_to_the_sunnier_side():
    faces = potential.roof_faces(buildings(("P1", "pult", rect(20, 10))))
    assert len(faces) == 1 and faces["azimut_deg"].iloc[0] == 180
    assert faces["neigung_deg"].iloc[0] == 15


def test_orientation_factor_table_and_interpolation():
    assert potential.orientation_factor(180, 30) == 1.0
    assert potential.orientation_factor(90, 30) == potential.orientation_factor(270, 30)
    assert potential.orientation_factor(0, 0) == pytest.approx(0.87)
    # halfway between 30° and 40° tilt at east: mean of 0.83 and 0.79
    assert potential.orientation_factor(90, 35) == pytest.approx(0.81)
    values = potential.orientation_factor(np.array([180, 135, 90]), 40)
    assert np.all(np.diff(values) < 0)
    with pytest.raises(ParameterError):
        potential.orientation_factor(180, 95)


def test_assumptions_change_the_arithmetic_and_are_checked():
    custom = PotentialAssumptions(pitch_gable_deg=35, pitched_usable_share=0.6,
                                  kwp_per_m2=0.22, specific_yield_kwh_per_kwp=950)
    result = potential.solar_potential(buildings(("G1", "sattel", rect(20, 10))),
                                       assumptions=custom).iloc[0]
    usable = 100 / math.cos(math.radians(35)) * 0.6
    assert result["kwp"] == pytest.approx(usable * 0.22)
    assert result["ertrag_kwh_a"] == pytest.approx(usable * 0.22 * 950 * 1.0)
    with pytest.raises(ParameterError):
        PotentialAssumptions(kwp_per_m2=2.0)
    with pytest.raises(ParameterError):
        PotentialAssumptions(pitched_usable_share=True)
    assert "kwp_per_m2" in set(custom.table()["annahme"])


def test_small_faces_and_unknown_forms():
    gdf = buildings(("S1", "sattel", rect(3, 2)), ("X1", "mansarde", rect(20, 10)))
    result = potential.solar_potential(gdf).set_index("gebaeude_id")
    assert result.loc["S1", "kwp"] == 0  # less than 5 m² usable
    assert result.loc["S1", "ausrichtung"].startswith("keine nutzbare Fläche")
    assert result.loc["X1", "n_flaechen"] == 2  # computed as a gable roof
    assert any("mansarde" in note for note in result.attrs["notes"])


def test_geographic_crs_is_reprojected_and_bad_input_refused():
    gdf = buildings(("G1", "sattel", rect(20, 10))).to_crs("EPSG:4326")
    result = potential.solar_potential(gdf)
    assert result.crs.to_epsg() == 25832
    assert result["nutzbare_flaeche_m2"].iloc[0] == pytest.approx(
        100 / math.cos(math.radians(40)) * 0.75, rel=1e-3)
    with pytest.raises(DataError):
        potential.solar_potential(buildings(("G1", "sattel", rect(20, 10))).drop(
            columns=["dachform"]))
    with pytest.raises(ParameterError):
        potential.solar_potential(pd.DataFrame({"gebaeude_id": ["G1"], "dachform": ["flach"]}))
    no_crs = gpd.GeoDataFrame({"gebaeude_id": ["G1"], "dachform": ["flach"]},
                              geometry=[rect(20, 10)])
    with pytest.raises(CRSError):
        potential.solar_potential(no_crs)
    twice = buildings(("G1", "sattel", rect(20, 10)), ("G1", "flach", rect(5, 5)))
    with pytest.raises(DataError):
        potential.solar_potential(twice)


def test_potential_map_has_scale_bar_north_arrow_and_attribution():
    gdf = potential.solar_potential(buildings(("G1", "sattel", rect(20, 10)),
                                              ("F1", "flach", affinity.translate(
                                                  rect(10, 10), 30, 0))))
    fig = potential.potential_map(gdf, attribution="Daten: synthetisch, CC0")
    ax = fig.get_axes()[0]
    gids = {artist.get_gid() for artist in ax.get_children()}
    assert {"scalebar", "north_arrow", "attribution"} <= gids
    assert "Solarpotenzial" in ax.get_title()
    matplotlib.pyplot.close(fig)
    with pytest.raises(DataError):
        potential.potential_map(gdf, column="gibt_es_nicht")


def test_compass_names():
    assert [potential.compass_name(a) for a in (0, 44, 46, 90, 180, 225, 270, 337.6)] == [
        "Nord", "Nordost", "Nordost", "Ost", "Süd", "Südwest", "West", "Nord"]
