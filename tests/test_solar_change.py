"""Change detection between two flights: normalisation, roof statistics, rules, evaluation,
and the image chips of the inspection list."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery import scene
from urbanki_helpers.solar import change, chips

matplotlib.use("Agg")

X0, Y0, PX = 400000.0, 5700000.0, 0.2
TRANSFORM = Affine(PX, 0, X0, 0, -PX, Y0)
CRS = "EPSG:25832"
#: Generated scenes for the detection tests; the thresholds were chosen on seed 1.
TEST_SEEDS = (5, 6, 7, 8)


def _detect_scene(layout: scene.SceneLayout, *, same: bool = False) -> pd.DataFrame:
    """Detection with the reference labels; epoch B normalised to A on the roofs."""
    image_a, labels_a = scene.render(layout, 2023)
    image_b, labels_b = (image_a, labels_a) if same else scene.render(layout, 2025)
    ids = change.building_raster(layout.buildings, layout.transform, labels_a.shape,
                                 inner_buffer_m=0)
    norm = change.fit_normalization(image_b, image_a,
                                    mask=(ids > 0) & change.shadow_free_mask(labels_a))
    stats_a, stats_b = change.paired_roof_statistics(
        image_a, labels_a, change.apply_normalization(image_b, norm), labels_b,
        layout.transform, layout.buildings)
    return change.detect_changes(stats_a, stats_b)


@pytest.fixture(scope="module")
def pooled():
    """Detections and truths of four generated 800 × 800 px scenes (not the calibration
    seed), with building ids prefixed by the seed."""
    detected, truth = [], []
    for seed in TEST_SEEDS:
        layout = scene.layout_scene(800, 800, seed=seed)
        det = _detect_scene(layout)
        det.index = [f"{seed}-{i}" for i in det.index]
        det.index.name = "gebaeude_id"
        true = scene.true_changes(layout)
        true["gebaeude_id"] = [f"{seed}-{i}" for i in true["gebaeude_id"]]
        detected.append(det)
        truth.append(true)
    return pd.concat(detected), pd.concat(truth, ignore_index=True)


# --- detection on generated pairs -----------------------------------------------------------


def test_detection_finds_new_solar_arrays_and_new_buildings(pooled):
    detected, truth = pooled
    table = change.evaluate_changes(detected, truth)
    assert table.loc["neue_solaranlage", "n_wahr"] >= 5
    assert table.loc["neubau", "n_wahr"] >= 5
    for kind in ("neue_solaranlage", "neubau"):
        assert table.loc[kind, "recall"] >= 0.85, table
        assert table.loc[kind, "precision"] >= 0.85, table
    assert table.loc["gesamt", "recall"] >= 0.85 and table.loc["gesamt", "precision"] >= 0.85


def test_true_changes_rank_above_unchanged_buildings(pooled):
    detected, truth = pooled
    changed = detected.index.isin(truth["gebaeude_id"])
    assert detected.loc[changed, "score"].median() > 1.0
    assert detected.loc[~changed, "score"].quantile(0.95) < 1.0
    flagged = detected[detected["aenderung"].notna()]
    assert set(flagged["aenderung_de"]) <= set(change.CHANGE_NAMES_DE.values())


def test_no_change_is_flagged_when_both_epochs_are_the_same_image():
    layout = scene.layout_scene(600, 600, seed=9)
    detected = _detect_scene(layout, same=True)
    assert detected["aenderung"].isna().all()
    assert (detected["score"] < 1e-9).all()
    assert (detected.loc[detected["bewertbar"], "solar_zuwachs_m2"] == 0).all()


# --- normalisation --------------------------------------------------------------------------


def test_normalisation_undoes_a_global_gain_and_offset():
    layout = scene.layout_scene(400, 400, seed=3)
    image_a, _ = scene.render(layout, 2023)
    gain = np.array([1.10, 0.95, 0.90, 1.05])[:, None, None]
    offset = np.array([3.0, -2.0, 6.0, 0.0])[:, None, None]
    image_b = np.clip(np.rint(image_a * gain + offset), 0, 255).astype(np.uint8)
    norm = change.fit_normalization(image_b, image_a)
    np.testing.assert_allclose(norm.gain, 1 / gain.ravel(), rtol=0.02)
    back = change.apply_normalization(image_b, norm)
    difference = np.abs(back.astype(int) - image_a.astype(int))
    assert np.median(difference) <= 1 and np.quantile(difference, 0.95) <= 2
    assert list(norm.table()["kanal"]) == ["Rot", "Grün", "Blau", "Nahinfrarot"]


def test_normalisation_rejects_bad_input():
    image = np.zeros((4, 20, 20), dtype=np.uint8)
    with pytest.raises(DataError):
        change.fit_normalization(image, np.zeros((4, 20, 21), dtype=np.uint8))
    with pytest.raises(ParameterError):
        change.fit_normalization(image, image, keep_share=0.0)
    with pytest.raises(DataError):  # too few pixels in the mask
        change.fit_normalization(image, image, mask=np.zeros((20, 20), dtype=bool))
    norm = change.RadiometricNormalization((1.0, 1.0, 1.0), (0.0, 0.0, 0.0), 100)
    with pytest.raises(DataError):
        change.apply_normalization(image, norm)


# --- roof statistics on hand-made rasters ---------------------------------------------------


def _cells(r0, r1, c0, c1):
    return box(X0 + c0 * PX, Y0 - r1 * PX, X0 + c1 * PX, Y0 - r0 * PX)


def _one_building(r0=2, r1=12, c0=2, c1=12) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"gebaeude_id": ["A"]}, geometry=[_cells(r0, r1, c0, c1)], crs=CRS)


def test_roof_statistics_counts_classes_and_bands_exactly():
    image = np.zeros((4, 14, 14), dtype=np.uint8)
    image[0], image[1], image[2], image[3] = 100, 50, 20, 150
    classmap = np.full((14, 14), 6, dtype=np.uint8)
    classmap[2:12, 2:12] = 1  # the footprint is roof …
    classmap[2:7, 2:12] = 3  # … with solar panels on its upper half (50 pixels)
    table = change.roof_statistics(image, classmap, TRANSFORM, _one_building(),
                                   inner_buffer_m=0)
    row = table.loc["A"]
    assert row["n_pixel"] == 100 and row["grundriss_pixel"] == 100
    assert row["flaeche_m2"] == pytest.approx(100 * PX * PX)
    assert row["anteil_solar"] == 0.5 and row["anteil_dach"] == 0.5
    assert row["anteil_kein_dach"] == pytest.approx(0.0)
    assert row["mean_red"] == 100 and row["std_red"] == 0
    assert row["brightness"] == pytest.approx(170 / 3)
    assert row["ndvi"] == pytest.approx(50 / 250)
    # the roof surface (Dach) is the lower half shrunk by one pixel: 3 rows × 8 columns
    assert row["dach_n_pixel"] == 24


def test_roof_statistics_leaves_out_shadow_and_falls_back_when_all_is_masked():
    image = np.full((4, 14, 14), 80, dtype=np.uint8)
    classmap = np.ones((14, 14), dtype=np.uint8)
    classmap[2:12, 2:4] = 8  # 20 shadow pixels on the roof
    table = change.roof_statistics(image, classmap, TRANSFORM, _one_building(),
                                   inner_buffer_m=0)
    assert table.loc["A", "n_pixel"] == 80
    assert table.loc["A", "schatten_anteil"] == pytest.approx(0.2)
    nothing = np.zeros((14, 14), dtype=bool)
    fallback = change.roof_statistics(image, classmap, TRANSFORM, _one_building(),
                                      inner_buffer_m=0, mask=nothing)
    assert bool(fallback.loc["A", "ersatzmaske"]) and fallback.loc["A", "n_pixel"] == 80


def test_inner_buffer_leaves_out_the_eaves():
    ids = change.building_raster(_one_building(), TRANSFORM, (14, 14), inner_buffer_m=0.4)
    assert (ids > 0).sum() == 6 * 6  # 10 × 10 pixels minus 2 pixels (0.4 m) on every side
    ids = change.building_raster(_one_building(), TRANSFORM, (14, 14), inner_buffer_m=0)
    assert (ids > 0).sum() == 100


def test_shadow_free_mask_combines_epochs_with_a_buffer():
    a = np.ones((9, 9), dtype=np.uint8)
    b = np.ones((9, 9), dtype=np.uint8)
    a[0, 0] = 8
    b[8, 8] = 8
    mask = change.shadow_free_mask(a, b, buffer_px=1)
    assert not mask[0, 0] and not mask[1, 1] and not mask[8, 8] and not mask[7, 7]
    assert mask[4, 4] and mask.sum() == 81 - 8
    with pytest.raises(DataError):
        change.shadow_free_mask(a, np.ones((8, 9), dtype=np.uint8))


def test_statistics_reject_mismatched_inputs():
    image = np.zeros((4, 14, 14), dtype=np.uint8)
    with pytest.raises(DataError):
        change.roof_statistics(image, np.ones((13, 14), dtype=np.uint8), TRANSFORM,
                               _one_building())
    with pytest.raises(DataError):
        change.roof_statistics(image, np.ones((14, 14), dtype=np.uint8), TRANSFORM,
                               _one_building(), id_column="kennung")
    with pytest.raises(ParameterError):
        change.roof_statistics(image, np.ones((14, 14), dtype=np.uint8), TRANSFORM,
                               pd.DataFrame({"gebaeude_id": ["A"]}))
    with pytest.raises(ParameterError):
        change.ChangeThresholds(solar_m2=-1)
    stats = change.roof_statistics(image, np.ones((14, 14), dtype=np.uint8), TRANSFORM,
                                   _one_building())
    with pytest.raises(DataError):
        change.detect_changes(stats, stats.drop(columns=["anteil_solar"]))


# --- evaluation -----------------------------------------------------------------------------


def test_evaluate_changes_on_hand_made_tables():
    detected = pd.DataFrame({
        "gebaeude_id": ["G1", "G2", "G3", "G4", "G5", "G6"],
        "aenderung": ["neue_solaranlage", "neue_solaranlage", "dacherneuerung", None, "neubau",
                      ""],
    })
    truth = pd.DataFrame({
        "gebaeude_id": ["G1", "G3", "G4", "G7"],
        "aenderung": ["neue_solaranlage", "neue_solaranlage", "gruendach", "neubau"],
    })
    table = change.evaluate_changes(detected, truth)
    solar = table.loc["neue_solaranlage"]
    assert (solar["tp"], solar["fp"], solar["fn"]) == (1, 1, 1)
    assert solar["precision"] == 0.5 and solar["recall"] == 0.5
    renewal = table.loc["dacherneuerung"]
    assert (renewal["tp"], renewal["fp"], renewal["fn"]) == (0, 1, 0)
    assert np.isnan(renewal["recall"]) and renewal["precision"] == 0
    new = table.loc["neubau"]
    assert (new["tp"], new["fp"], new["fn"]) == (0, 1, 1)  # G7 is missing from `detected`
    overall = table.loc["gesamt"]  # flagged G1 G2 G3 G5; truly changed G1 G3 G4 G7
    assert (overall["tp"], overall["fp"], overall["fn"]) == (2, 2, 2)
    assert overall["precision"] == 0.5 and overall["recall"] == 0.5
    assert table.loc["gruendach", "n_wahr"] == 1 and table.loc["gruendach", "n_erkannt"] == 0


def test_evaluate_changes_rejects_bad_tables():
    with pytest.raises(DataError):
        change.evaluate_changes(pd.DataFrame({"x": [1]}), pd.DataFrame({"aenderung": []}))
    truth = pd.DataFrame({"gebaeude_id": ["G1", "G1"], "aenderung": ["neubau", "neubau"]})
    with pytest.raises(DataError):
        change.evaluate_changes(pd.DataFrame({"gebaeude_id": [], "aenderung": []}), truth)


# --- image chips ----------------------------------------------------------------------------


def _gradient_image(value: int) -> np.ndarray:
    image = np.zeros((4, 60, 80), dtype=np.uint8)
    image[:] = (np.arange(80)[None, None, :] + value).astype(np.uint8)
    return image


def test_image_chips_cut_both_epochs_around_the_building():
    footprint = _cells(20, 30, 30, 40)  # 2 m × 2 m
    rgb_a, rgb_b, extent = chips.image_chips(_gradient_image(0), _gradient_image(40),
                                             TRANSFORM, footprint, margin_m=1.0)
    assert rgb_a.shape == rgb_b.shape == (20, 20, 3)  # (2 m + 2 × 1 m) / 0.2 m
    left, right, bottom, top = extent
    assert left == pytest.approx(X0 + 25 * PX) and right == pytest.approx(X0 + 45 * PX)
    assert top == pytest.approx(Y0 - 15 * PX) and bottom == pytest.approx(Y0 - 35 * PX)
    # one stretch for both: the brighter epoch stays brighter
    assert rgb_b.mean() > rgb_a.mean()
    with pytest.raises(DataError):
        chips.image_chips(_gradient_image(0), _gradient_image(0), TRANSFORM,
                          box(0, 0, 1, 1))


def test_image_chips_read_only_a_window_from_files(tmp_path):
    paths = []
    for name, value in (("a.tif", 0), ("b.tif", 40)):
        path = tmp_path / name
        with rasterio.open(path, "w", driver="GTiff", width=80, height=60, count=4,
                           dtype="uint8", crs=CRS, transform=TRANSFORM) as dst:
            dst.write(_gradient_image(value))
        paths.append(path)
    footprint = _cells(20, 30, 30, 40)
    from_files = chips.image_chips(*paths, None, footprint, margin_m=1.0)
    from_arrays = chips.image_chips(_gradient_image(0), _gradient_image(40), TRANSFORM,
                                    footprint, margin_m=1.0)
    np.testing.assert_allclose(from_files[0], from_arrays[0])
    np.testing.assert_allclose(from_files[2], from_arrays[2])


def test_chip_figure_and_atomic_png(tmp_path):
    footprint = _cells(20, 30, 30, 40)
    rgb_a, rgb_b, extent = chips.image_chips(_gradient_image(0), _gradient_image(40),
                                             TRANSFORM, footprint)
    rows = [("G001: neue Solaranlage", rgb_a, rgb_b, extent, footprint),
            ("G002", rgb_a, rgb_b)]
    fig = chips.chip_figure(rows, attribution="Daten: synthetisch, CC0")
    axes = fig.get_axes()
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes[:2]] == ["2023", "2025"]
    assert axes[0].get_ylabel() == "G001: neue Solaranlage"
    matplotlib.pyplot.close(fig)
    path = chips.save_chip_png(tmp_path / "pruefliste" / "chips.png", rows)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["chips.png"]  # no temporary file left
    with pytest.raises(ParameterError):
        chips.chip_figure([])


def test_chip_rows_take_the_highest_scores():
    layout = scene.layout_scene(600, 600, seed=6)
    detected = _detect_scene(layout)
    image_a, _ = scene.render(layout, 2023)
    image_b, _ = scene.render(layout, 2025)
    rows = chips.chip_rows(image_a, image_b, layout.transform, layout.buildings, detected, n=2)
    flagged = detected[detected["aenderung"].notna()].sort_values("score", ascending=False)
    assert len(rows) == min(2, len(flagged))
    assert rows[0][0].startswith(f"{flagged.index[0]}: {flagged['aenderung_de'].iloc[0]}")
    assert rows[0][1].shape == rows[0][2].shape
    # An inspection list keeps its own order, unflagged buildings included.
    wanted = list(detected.sort_values("score").index[:3])
    rows = chips.chip_rows(image_a, image_b, layout.transform, layout.buildings,
                           detected.loc[wanted], n=3, only_flagged=False, keep_order=True)
    assert [r[0].split(":")[0] for r in rows] == wanted


def test_evaluation_gives_wilson_intervals():
    detected = pd.DataFrame({"gebaeude_id": [f"G{i}" for i in range(12)],
                             "aenderung": ["neubau"] * 12})
    truth = detected.copy()
    row = change.evaluate_changes(detected, truth).loc["gesamt"]
    assert row["recall"] == 1.0
    assert row["recall_low"] == pytest.approx(0.816, abs=1e-3) and row["recall_high"] == 1.0
    row = change.evaluate_changes(detected, truth, level=0.95).loc["gesamt"]
    assert row["recall_low"] == pytest.approx(0.7575, abs=1e-3)


# --- the baseline ---------------------------------------------------------------------------


def _shares(**rows):
    """Roof statistics with only the class shares (and pixel counts) filled in."""
    cols = ["anteil_solar", "anteil_gruendach", "anteil_dach", "anteil_vegetation"]
    table = pd.DataFrame({k: dict(zip(cols, v, strict=True)) for k, v in rows.items()}).T
    table["anteil_kein_dach"] = 1 - table[cols[:3]].sum(axis=1)
    table["n_pixel"] = 100
    table.index.name = "gebaeude_id"
    return table


def test_class_change_baseline_names_the_class_that_grew():
    a = _shares(G1=(0.0, 0.0, 0.9, 0.0), G2=(0.0, 0.0, 0.9, 0.0), G3=(0.0, 0.0, 0.1, 0.8),
                G4=(0.0, 0.0, 0.9, 0.0), G5=(0.0, 0.0, 0.9, 0.0))
    b = _shares(G1=(0.3, 0.0, 0.6, 0.0), G2=(0.0, 0.0, 0.9, 0.0), G3=(0.0, 0.0, 0.9, 0.0),
                G4=(0.0, 0.5, 0.4, 0.0), G5=(0.1, 0.0, 0.8, 0.0))
    b.loc["G2", "n_pixel"] = 0
    out = change.class_change_baseline(a, b)
    assert out["aenderung"].tolist() == ["neue_solaranlage", None, "neubau", "gruendach", None]
    assert out.loc["G1", "klassenwechsel_anteil"] == pytest.approx(0.3)
    assert out.loc["G1", "score"] == pytest.approx(1.2)
    assert out.loc["G2", "klassenwechsel_anteil"] == 0  # not assessable
    # A roof renewal keeps the class: the baseline cannot see it, however strong the change.
    assert change.class_change_baseline(a, a)["aenderung"].isna().all()
    assert change.class_change_baseline(a, b, min_change=0.05).loc["G5", "aenderung"] == \
        "neue_solaranlage"
    with pytest.raises(ParameterError, match="min_change"):
        change.class_change_baseline(a, b, min_change=25)
