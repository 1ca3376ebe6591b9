"""The synthetic two-epoch orthophoto of Musterstadt (urbanki_helpers.imagery.scene):
deterministic, exact in windows, georeferenced, realistic class shares and spectra, and
truths (changes, sealed areas) that agree with the label rasters."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window
from shapely.geometry import box

from urbanki_helpers.errors import ParameterError
from urbanki_helpers.imagery import scene
from urbanki_helpers.imagery.classes import CLASSES

PIXEL_M2 = 0.2 * 0.2
SEALED = [c.code for c in CLASSES if c.sealed]
ROOFS = [1, 2, 3]


@pytest.fixture(scope="module")
def default():
    """The default scene (1000 x 1000 px) rendered whole, both epochs."""
    layout = scene.layout_scene()
    out = {"layout": layout}
    for year in layout.epochs:
        out[year] = scene.render(layout, year)
        out[("truth", year)] = scene.render_labels(layout, year, shadows=False)
    return out


@pytest.fixture(scope="module")
def small():
    return scene.layout_scene(300, 300, seed=11)


def _burn(gdf, layout, values=None) -> np.ndarray:
    values = range(1, len(gdf) + 1) if values is None else values
    return rasterize(zip(gdf.geometry, values, strict=True),
                     out_shape=(layout.height_px, layout.width_px), transform=layout.transform,
                     fill=0, dtype="int32")


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_scene_other_seed_other_scene(small):
    again = scene.layout_scene(300, 300, seed=11)
    other = scene.layout_scene(300, 300, seed=12)
    img, lab = scene.render(small, 2023)
    img2, lab2 = scene.render(again, 2023)
    assert np.array_equal(img, img2) and np.array_equal(lab, lab2)
    pd.testing.assert_frame_equal(small.buildings, again.buildings)
    pd.testing.assert_frame_equal(small.parcels, again.parcels)
    img3, lab3 = scene.render(other, 2023)
    assert np.mean(img != img3) > 0.5
    assert np.mean(lab != lab3) > 0.2


def test_window_is_exactly_the_part_of_the_whole_scene(default):
    layout = default["layout"]
    for year in layout.epochs:
        img, lab = default[year]
        for win in (Window(101, 37, 90, 150), Window(940, 0, 60, 75),
                    Window(0, 997, 1000, 3), Window(500, 500, 1, 1)):
            w_img, w_lab = scene.render(layout, year, win)
            rows = slice(win.row_off, win.row_off + win.height)
            cols = slice(win.col_off, win.col_off + win.width)
            assert w_img.shape == (4, win.height, win.width)
            assert np.array_equal(w_img, img[:, rows, cols]), (year, win)
            assert np.array_equal(w_lab, lab[rows, cols]), (year, win)
            assert np.array_equal(scene.render_labels(layout, year, win), lab[rows, cols])


def test_written_files_are_byte_identical_and_complete(tmp_path):
    first = scene.write_scene(tmp_path / "a", width_px=300, height_px=260, seed=5, strip_rows=64)
    second = scene.write_scene(tmp_path / "b", width_px=300, height_px=260, seed=5,
                               strip_rows=100)
    assert [p.name for p in first] == scene.file_names() == [
        "dop_2023.tif", "dop_2025.tif", "klassen_2023.tif", "klassen_2025.tif",
        "musterstadt_luftbild.gpkg", "aenderungen.csv"]
    for a, b in zip(first, second, strict=True):
        assert hashlib.sha256(a.read_bytes()).digest() == \
            hashlib.sha256(b.read_bytes()).digest(), a.name
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(scene.file_names())
    layout = scene.layout_scene(300, 260, seed=5)
    with rasterio.open(first[0]) as dop:
        assert (dop.count, dop.dtypes[0], dop.crs.to_epsg()) == (4, "uint8", 25832)
        assert dop.descriptions == ("rot", "gruen", "blau", "nir")
        assert dop.res == (0.2, 0.2) and dop.transform == layout.transform
        assert dop.profile["compress"] == "deflate" and dop.profile["tiled"]
        assert np.array_equal(dop.read(), scene.render(layout, 2023)[0])
    with rasterio.open(first[3]) as lab:
        assert lab.nodata == 0 and lab.descriptions == ("klasse",)
        values = lab.read(1)
        assert np.array_equal(values, scene.render(layout, 2025)[1])
        assert values.min() >= 1 and values.max() <= 8
    assert [name for name, _ in pyogrio.list_layers(first[4])] == ["flurstuecke", "gebaeude"]
    table = pd.read_csv(first[5])
    assert list(table.columns) == ["gebaeude_id", "flurstueck_id", "aenderung", "flaeche_m2",
                                   "beschreibung"]


# --------------------------------------------------------------------------- content


def test_class_shares_are_plausible_and_every_class_occurs(default):
    layout = default["layout"]
    for year in layout.epochs:
        _, lab = default[year]
        share = np.bincount(lab.ravel(), minlength=9) / lab.size
        truth = np.bincount(default[("truth", year)].ravel(), minlength=9) / lab.size
        assert share[0] == 0 and truth[0] == 0 and truth[8] == 0
        assert all(share[c] > 0 for c in range(1, 9)), (year, share)
        assert 0.12 <= truth[ROOFS].sum() <= 0.40, truth
        assert 0.30 <= truth[6] <= 0.65, truth
        assert 0.15 <= truth[4] <= 0.40, truth
        assert 0.005 <= truth[5] <= 0.10 and 0.0005 <= truth[7] <= 0.02, truth
        assert 0.08 <= share[8] <= 0.25, share  # shadows
    buildings = layout.buildings
    assert 40 <= len(buildings) <= 70
    counts = buildings["gebaeudeart"].value_counts()
    assert counts["wohngebaeude"] >= 30 and counts["nichtwohngebaeude"] >= 10
    assert buildings["hauptgebaeude"].sum() >= 30 and (~buildings["hauptgebaeude"]).sum() >= 10
    assert (buildings["funktion"] == "gewerbehalle").any()
    assert set(buildings["dachform"]) >= {"sattel", "walm", "flach"}
    assert set(layout.parcels["nutzung"]) >= {"wohnen", "gewerbe", "strasse", "gruenflaeche"}


def test_spectra_separate_some_classes_and_overlap_others(default):
    layout = default["layout"]
    for year in layout.epochs:
        img, lab = default[year]
        f = img.astype(float)
        ndvi = (f[3] - f[0]) / (f[3] + f[0] + 1e-6)
        bright = f[:3].mean(axis=0)
        mean_ndvi = {c: ndvi[lab == c].mean() for c in range(1, 9)}
        mean_nir = {c: f[3][lab == c].mean() for c in range(1, 9)}
        assert mean_ndvi[6] > 0.4, (year, mean_ndvi)
        assert mean_ndvi[3] < 0.1 and mean_ndvi[1] < 0.1 and mean_ndvi[4] < 0.1
        assert 0.0 < mean_ndvi[2] < mean_ndvi[6]  # sedum: some NIR, less than lawns
        assert min(mean_nir, key=mean_nir.get) == 7  # water is darkest in the near infrared
        # hard on purpose: solar modules, dark roofs and asphalt overlap in brightness
        pv, sealed, roof = bright[lab == 3], bright[lab == 4], bright[lab == 1]
        assert np.percentile(pv, 90) > np.percentile(sealed, 10)
        assert abs(np.median(pv) - np.median(sealed)) < 35
        assert np.percentile(roof, 10) < np.median(pv) < np.percentile(roof, 60)
        # shadows hide what is underneath, but vegetation keeps a higher NDVI in shadow
        assert mean_ndvi[8] < mean_ndvi[6] and bright[lab == 8].mean() < 50


def test_solar_modules_show_a_regular_frame_pattern(default):
    layout = default["layout"]
    img, lab = default[2025]
    truth = default[("truth", 2025)]
    b = layout.buildings
    solar = b[b["solar_m2_wahr_2025"] > 20].iloc[0]
    inside = (_burn(b[b["gebaeude_id"] == solar["gebaeude_id"]], layout) > 0) & (truth == 3)
    rows, cols = np.nonzero(inside & (lab == 3))
    values = img[:3, rows, cols].astype(float).mean(axis=0)
    # frames every 1 m (5 px) along one axis make a periodic brightness profile
    best = 0.0
    for coord in (cols, rows):
        profile = np.bincount(coord % 5, weights=values) / np.bincount(coord % 5)
        best = max(best, profile.max() - profile.min())
    assert best > 4.0


def test_georeferencing_and_footprints(default):
    layout = default["layout"]
    assert layout.crs == "EPSG:25832" and layout.epochs == (2023, 2025)
    assert layout.transform == Affine(0.2, 0.0, 371_600.0, 0.0, -0.2, 5_713_700.0)
    assert layout.bounds == pytest.approx((371_600.0, 5_713_500.0, 371_800.0, 5_713_700.0))
    frame = box(*layout.bounds)
    for gdf in (layout.parcels, layout.buildings):
        assert gdf.crs.to_epsg() == 25832
        assert gdf.geometry.within(frame.buffer(1e-6)).all()
    parcels = layout.parcels
    assert parcels["flaeche_m2"].sum() == pytest.approx(200 * 200, abs=0.05)
    assert parcels.geometry.union_all().area == pytest.approx(200 * 200, abs=0.05)
    assert parcels["flurstueck_id"].is_unique
    assert parcels["flurstueck_id"].str.fullmatch(r"053999-\d{3}-\d{5}").all()
    b = layout.buildings
    assert b["gebaeude_id"].tolist() == [f"G{i:03d}" for i in range(1, len(b) + 1)]
    assert set(b["flurstueck_id"]) <= set(parcels["flurstueck_id"])
    assert b["grundflaeche_m2"].to_numpy() == pytest.approx(b.geometry.area.to_numpy(),
                                                          abs=0.01)
    assert b["hoehe_m"].between(2.0, 20.0).all()
    for e, year in enumerate(layout.epochs):
        exists = b[b["besteht_2023"]] if e == 0 else b
        footprints = _burn(exists, layout) > 0
        _, lab = default[year]
        roofs = np.isin(lab, ROOFS)
        iou = (footprints & roofs).sum() / (footprints | roofs).sum()
        assert iou > 0.85, (year, iou)
        truth = np.isin(default[("truth", year)], ROOFS)
        assert (footprints & truth).sum() / (footprints | truth).sum() > 0.95
        assert not (truth & ~footprints).any()  # roof classes only on buildings


def test_other_pixel_size_and_origin():
    layout = scene.layout_scene(400, 300, seed=3, pixel_m=0.25, origin=(350_000, 5_700_000))
    assert layout.transform == Affine(0.25, 0.0, 350_000.0, 0.0, -0.25, 5_700_000.0)
    assert layout.parcels["flaeche_m2"].sum() == pytest.approx(100 * 75, abs=0.05)
    houses = layout.buildings[layout.buildings["hauptgebaeude"]]
    assert len(houses) > 0 and houses["grundflaeche_m2"].between(50, 700).all()
    img, lab = scene.render(layout, 2025, Window(0, 0, 400, 20))
    assert img.shape == (4, 20, 400) and lab.shape == (20, 400)


# --------------------------------------------------------------------------- truths


def test_changes_are_recorded_and_only_changed_buildings_change(default):
    layout = default["layout"]
    changes = scene.true_changes(layout)
    assert list(changes.columns) == ["gebaeude_id", "flurstueck_id", "aenderung",
                                     "flaeche_m2", "beschreibung"]
    assert changes["gebaeude_id"].is_unique and (changes["flaeche_m2"] > 0).all()
    counts = changes["aenderung"].value_counts()
    assert 1 <= counts["neubau"] <= 2 and 2 <= counts["gruendach"] <= 4
    assert counts["dacherneuerung"] >= 2 and counts["neue_solaranlage"] >= 2
    b = layout.buildings.set_index("gebaeude_id")
    mains = b[b["hauptgebaeude"] & b["besteht_2023"] & ~b["solar_2023"]]
    assert 0.08 <= counts["neue_solaranlage"] / len(mains) <= 0.17
    changed = b.loc[changes["gebaeude_id"]]
    kind = changes.set_index("gebaeude_id")["aenderung"]
    assert set(b.index[~b["besteht_2023"]]) == set(kind.index[kind == "neubau"])
    assert b.loc[kind.index[kind == "neue_solaranlage"], "solar_2025"].all()
    assert not b.loc[kind.index[kind == "neue_solaranlage"], "solar_2023"].any()
    renewed = b.loc[kind.index[kind == "dacherneuerung"]]
    assert (renewed["dach_2023"] != renewed["dach_2025"]).all()
    unchanged = b[~b.index.isin(changes["gebaeude_id"])]
    for col in ("dach", "solar", "gruendach", "solar_m2_wahr"):
        a, c = unchanged[f"{col}_2023"], unchanged[f"{col}_2025"]
        assert (a == c).all(), col
    # labels differ only on changed buildings, on the new building's parcel and in shadows
    lab0, lab1 = default[2023][1], default[2025][1]
    allowed = (lab0 == 8) | (lab1 == 8) | (_burn(changed, layout) > 0)
    plots = layout.parcels[layout.parcels["flurstueck_id"].isin(
        b.loc[kind.index[kind == "neubau"], "flurstueck_id"])]
    allowed |= _burn(plots, layout) > 0
    differs = lab0 != lab1
    assert differs.any() and not (differs & ~allowed).any()
    # and the truth changes exactly where a building changed its roof class
    t0, t1 = default[("truth", 2023)], default[("truth", 2025)]
    ids = _burn(changed, layout)
    for i, (gid, what) in enumerate(kind.items(), start=1):
        here = ids == i
        code = {"neue_solaranlage": 3, "gruendach": 2, "neubau": 1}.get(what)
        if code is None:
            assert np.array_equal(t0[here], t1[here]), gid
        else:
            assert (t1[here] == code).sum() > (t0[here] == code).sum(), (gid, what)


def test_renewed_roofs_change_colour_more_than_illumination_does(default):
    layout = default["layout"]
    b = layout.buildings
    ids = _burn(b, layout)
    (img0, lab0), (img1, lab1) = default[2023], default[2025]
    both = (lab0 == 1) & (lab1 == 1)
    rows = []
    for i, r in enumerate(b.itertuples(), start=1):
        m = (ids == i) & both
        if r.hauptgebaeude and r.besteht_2023 and m.sum() >= 50:
            a = img0[:3, m].astype(float).mean(axis=1)
            c = img1[:3, m].astype(float).mean(axis=1)
            rows.append((r.aenderung, a, c))
    same = np.array([pd.isna(k) for k, _, _ in rows])
    a = np.array([x[1] for x in rows])
    c = np.array([x[2] for x in rows])
    balance = np.median(c[same] / a[same], axis=0)  # the second flight is brighter, warmer
    change = np.abs(np.log(c / (a * balance))).max(axis=1)
    renewed = np.array([k == "dacherneuerung" for k, _, _ in rows])
    assert renewed.sum() >= 2
    assert change[renewed].min() > change[same].max()
    # naive differencing is not enough: unchanged roofs change by several per cent, too
    assert np.median(np.abs(c[same] - a[same])) > 3


def test_true_sealed_areas_are_the_sealed_pixels_without_shadow(default):
    layout = default["layout"]
    parcels = layout.parcels
    pid = _burn(parcels, layout)
    assert pid.min() == 1  # parcels tile the scene
    n = len(parcels)
    for year in layout.epochs:
        truth = default[("truth", year)]
        sealed = np.bincount(pid[np.isin(truth, SEALED)], minlength=n + 1)[1:]
        total = np.bincount(pid.ravel(), minlength=n + 1)[1:]
        assert parcels[f"versiegelt_m2_wahr_{year}"].to_numpy() == pytest.approx(
            sealed * PIXEL_M2, abs=1e-6)
        assert parcels[f"versiegelungsgrad_wahr_{year}"].to_numpy() == pytest.approx(
            sealed / total, abs=1e-4)
        assert parcels["flaeche_m2"].to_numpy() == pytest.approx(total * PIXEL_M2, abs=0.01)
    assert parcels["versiegelt_m2_wahr"].equals(parcels["versiegelt_m2_wahr_2025"])
    weights = np.array([0.0] + [c.sealing_factor for c in CLASSES])
    truth = default[("truth", 2025)]
    weighted = np.bincount(pid.ravel(), weights=weights[truth].ravel(), minlength=n + 1)[1:]
    assert parcels["versiegelt_gewichtet_m2_wahr"].to_numpy() == pytest.approx(
        weighted * PIXEL_M2, abs=1e-6)
    by_use = parcels.groupby("nutzung")["versiegelungsgrad_wahr"].mean()
    assert by_use["strasse"] > 0.8 and by_use["gewerbe"] > 0.6
    assert by_use["gruenflaeche"] < 0.2 and 0.2 < by_use["wohnen"] < 0.7
    # per building: solar and green-roof areas are pixel counts on the footprint
    b = layout.buildings
    bid = _burn(b, layout)
    for year in layout.epochs:
        truth = default[("truth", year)]
        for code, col in ((3, f"solar_m2_wahr_{year}"), (2, f"gruendach_m2_wahr_{year}")):
            count = np.bincount(bid[truth == code], minlength=len(b) + 1)[1:]
            assert b[col].to_numpy() == pytest.approx(count * PIXEL_M2, abs=1e-6)
            flag = b[f"{'solar' if code == 3 else 'gruendach'}_{year}"]
            assert ((b[col] > 0) == flag).all(), col


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"width_px": 199}, "width_px"),
    ({"height_px": 0}, "height_px"),
    ({"width_px": 300.5}, "width_px"),
    ({"width_px": True}, "width_px"),
    ({"pixel_m": 0}, "pixel_m"),
    ({"pixel_m": -0.2}, "pixel_m"),
    ({"pixel_m": math.nan}, "pixel_m"),
    ({"origin": (1.0,)}, "origin"),
    ({"origin": "371600,5713700"}, "origin"),
    ({"epochs": (2025, 2023)}, "epochs"),
    ({"seed": -1}, "seed"),
])
def test_invalid_arguments_raise_parameter_errors(kwargs, fragment):
    with pytest.raises(ParameterError) as info:
        scene.layout_scene(**{"width_px": 300, "height_px": 300, **kwargs})
    assert fragment in str(info.value) and fragment in info.value.message_de
    assert info.value.message_de != str(info.value)


def test_invalid_render_and_write_arguments(small, tmp_path, monkeypatch):
    with pytest.raises(ParameterError, match="epoch") as info:
        scene.render(small, 2024)
    assert "Befliegungsjahre" in info.value.message_de
    for win in (Window(250, 0, 100, 10), Window(0, 0, 0, 5), Window(-1, 0, 5, 5)):
        with pytest.raises(ParameterError, match="window"):
            scene.render(small, 2023, win)
    with pytest.raises(ParameterError, match="window"):
        scene.render(small, 2023, (0, 0, 10, 10))
    with pytest.raises(ParameterError, match="strip_rows"):
        scene.write_scene(tmp_path, width_px=300, height_px=300, strip_rows=4)
    with pytest.raises(ParameterError, match="zlevel"):
        scene.write_scene(tmp_path, width_px=300, height_px=300, zlevel=10)
    assert not any(tmp_path.iterdir())
    monkeypatch.setattr(scene, "MAX_WHOLE_SCENE_PX", 300 * 300 - 1)
    with pytest.raises(ParameterError, match="window") as info:
        scene.render(small, 2023)
    assert "Fenster" in info.value.message_de
    img, lab = scene.render(small, 2023, Window(0, 0, 300, 10))  # windows still work
    assert img.shape == (4, 10, 300)
