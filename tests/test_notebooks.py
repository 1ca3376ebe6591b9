"""Every registered notebook executed by papermill, with its defaults and with each parameter
set in notebooks/params/<stem>/*.yaml, asserting on the recorded results (the pattern of
scikit-hep/pyhf's tests/test_notebooks.py). Exercise notebooks are executed too: solutions
pass their checks, unsolved stubs fail them."""

from __future__ import annotations

import math
import os
from pathlib import Path

import nbformat
import pytest

from urbanki_helpers.checks import collect_feedback
from urbanki_helpers.run.curriculum import CURRICULUM
from urbanki_helpers.run.parameters import load_yaml
from urbanki_helpers.run.runner import run_notebook

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parent.parent
AVAILABLE = [uc for uc in CURRICULUM if uc.available]


def parameter_sets():
    cases = []
    for uc in AVAILABLE:
        cases.append(pytest.param(uc, "default", {}, id=f"{uc.stem}-default"))
        for path in sorted((ROOT / "notebooks" / "params" / uc.stem).glob("*.yaml")):
            params = load_yaml(path.read_text(encoding="utf-8")) or {}
            # Sets named realdata_* need the real-data mirror (CI always has it).
            marks = [pytest.mark.realdata, pytest.mark.skipif(
                not os.environ.get("URBANKI_DATA_DIR"), reason="needs URBANKI_DATA_DIR")] \
                if path.stem.startswith("realdata_") else []
            cases.append(pytest.param(uc, path.stem, params, id=f"{uc.stem}-{path.stem}",
                                      marks=marks))
    return cases


def expect_00(results, params):
    radius = params.get("radius_m", 400)
    weeks = params.get("test_weeks", 8)
    assert results["data.einwohner"] == 59981
    assert results["data.haltestellen"] == 50
    assert results["data.rows"] == 731 and results["data.temperatur_fehlend"] == 7
    assert results["data.test_rows"] == weeks * 7
    assert results["erreichbarkeit.radius_m"] == radius
    expected_share = {400: 0.7971, 600: None, 800: None}[radius]
    if expected_share is not None:
        assert results["erreichbarkeit.anteil"] == pytest.approx(expected_share, abs=1e-4)
    assert 0.5 < results["erreichbarkeit.anteil"] <= 1
    assert results["erreichbarkeit.schlechtester_anteil"] <= results["erreichbarkeit.anteil"]
    # The model must beat the per-weekday baseline clearly, and the interval must say so.
    assert results["model.test.mae"] < 0.8 * results["baseline.test.mae"]
    assert results["model.beats_baseline"] is True
    low, high = results["model.test.mae_diff_ci"]
    assert 0 < low < high


def expect_01(results, params):
    nir = params.get("use_nir", True)
    assert results["data.pixels"] == 1_000_000 and results["data.pixel_m"] == 0.2
    assert results["data.nir"] is nir and results["features.count"] == (14 if nir else 10)
    # The classifier beats the NDVI/brightness thresholds by a wide margin on held-out blocks,
    # and the block-bootstrap interval lies above the baseline.
    assert results["model.test.f1_macro"] > results["baseline.test.f1_macro"] + 0.25
    low, high = results["model.test.f1_macro_ci"]
    assert results["baseline.test.f1_macro"] < low < results["model.test.f1_macro"] < high
    # Randomly drawn pixels flatter the model: the spatially blocked score is lower.
    assert results["model.random_split.f1_macro"] > results["model.test.f1_macro"]
    if not params:
        assert 0.80 <= results["model.test.f1_macro"] <= 0.90
        assert results["model.test.iou.vegetation"] > 0.9 > results["model.test.iou.solar"]
    if params.get("class_set") == "gebuehr":  # solar panels count as roof
        assert "model.test.f1.solar" not in results and results["buildings.solar_m2"] == 0
    else:
        assert results["buildings.solar_m2"] > 0
    assert results["parcels.count"] == 92 and results["buildings.count"] == 66
    # Fee notice: a typical parcel is off by a few m², one in ten by much more.
    assert 0 < results["fee.abs_error_median_m2"] < 10 < results["fee.abs_error_p90_m2"] < 80


def expect_02(results, params):
    side = params.get("scene_px", 1300)
    assert results["image.megapixels"] == round(side * side / 1e6, 2)
    assert results["model.features"] == 14 and results["model.halo_px"] == 5
    # Tiles with the features' halo give exactly the single-pass result; without overlap the
    # differences stay at the seams (tolerance: none away from them, < 5 % near them).
    assert results["tiling.identical"] is (params.get("overlap_px", -1) != 0)
    assert results["tiling.no_overlap.differing_away_from_seams"] == 0
    assert 0 < results["tiling.no_overlap.share_differing_near_seams"] < 0.05
    # On a district it never saw, the model still beats the thresholds clearly.
    assert results["transfer.model.f1_macro"] > results["transfer.baseline.f1_macro"] + 0.25
    assert results["transfer.model.accuracy"] > 0.8
    # Polygons keep the raster's area (coverage simplification keeps the total).
    assert results["vector.area_m2"] == pytest.approx(results["vector.raster_area_m2"], rel=1e-3)
    assert results["vector.raster_area_m2"] == pytest.approx((side * 0.2) ** 2)
    grid = params.get("grid_m", 100.0)
    assert results["aggregate.grid_cells"] == math.ceil(side * 0.2 / grid) ** 2
    assert 0 < results["aggregate.grid_sealing_max"] <= 1
    assert results["aggregate.polygons"] > 20 and results["wms.requests"] == 1


def expect_03(results, params):
    source = params.get("data_source", "musterland")
    assert results["data.source"] == source
    for who in ("model", "baseline", "glm"):
        for metric in ("mae", "rmse", "r2", "poisson_deviance", "interval_coverage_nb"):
            assert isinstance(results[f"{who}.test.{metric}"], float), (who, metric)
    # The model beats the baseline on held-out weeks, hourly and per day, with the interval
    # of the difference above zero.
    assert results["model.test.mae"] < results["baseline.test.mae"]
    assert results["model.test.poisson_deviance"] < results["baseline.test.poisson_deviance"]
    assert results["model.beats_baseline"] is True and results["model.test.mae_diff_ci"][0] > 0
    assert results["model.test.daily_mae"] < 0.9 * results["baseline.test.daily_mae"]
    if source == "musterland":
        assert results["data.rows"] == 117146 and results["data.groups"] == 11
        assert results["data.missing_counts"] == 0
        assert 0.55 < results["data.zero_share"] < 0.68
        assert results["model.test.interval_coverage_nb"] >= 0.85
        # A new zone is a new group: predicted from its attributes far better than the mean.
        assert results["expansion.model.mae"] < 0.6 * results["expansion.baseline.mae"]
        assert results["expansion.top_candidate"] == "Z11"
        assert len(results["economics.subsidy_per_passenger_eur"]) == len(
            params.get("vehicles", [1, 2, 3]))
    else:
        assert "expansion.model.mae" not in results and "economics.requests_per_day" not in results
    if source == "fahrradzaehler_bw":  # real data: the model must beat the baseline clearly
        assert results["data.groups"] == 5 and results["data.missing_counts"] > 0
        assert results["model.test.mae"] < 0.85 * results["baseline.test.mae"]
    if os.environ.get("URBANKI_DATA_DIR"):
        assert results["gtfs.available"] is True and results["gtfs.routes"] == 5
        assert results["gtfs.prior_notice_min"] == [60]
    else:
        assert results["gtfs.available"] is False


def expect_04(results, params):
    # The synthetic register: every row checked or listed as invalid, none lost.
    assert results["data.permits"] == 315 and results["rows.invalid"] == 60
    assert (results["pflicht.ja"], results["pflicht.nein"], results["pflicht.pruefen"]) == \
        (66, 182, 7)
    assert results["rules.reasons"] == 21
    # The model of 2023 still maps the 2025 flight after the radiometric normalisation.
    assert results["map_b.f1_macro"] > 0.75 and results["map_a.f1_macro"] > 0.6
    # Change detection: the rules find (nearly) all twelve true changes without false alarms
    # and beat the class comparison clearly, which cannot see roof renewals.
    assert results["change.buildings"] == 66 and results["change.true"] == 12
    assert results["change.model.recall"] >= 11 / 12 and results["change.model.precision"] >= 0.9
    assert results["change.model.recall.dacherneuerung"] >= 2 / 3
    assert results["change.model.f1"] > results["change.baseline.f1"] + 0.3
    low, high = results["change.model.recall_ci"]
    assert 0.6 < low < results["change.model.recall"] <= high <= 1
    # The inspection list: the municipal roof renewal without modules comes first, the two
    # unreported renewals next, the permitted renewals after the flight last.
    assert results["inspection.prio1"] == ["G030"]
    assert results["inspection.prio2"] == ["G023", "G042"]
    assert results["inspection.prio3"] == ["G033", "G065"]
    assert results["inspection.rows"] == 5
    # Roof potential from footprints: deterministic for the default assumptions.
    assert results["potential.buildings"] == 57
    assert results["potential.kwp_total"] == pytest.approx(857.8, abs=0.05)
    assert results["potential.yield_mwh_a"] == pytest.approx(654.8, abs=0.05)
    real = bool(os.environ.get("URBANKI_DATA_DIR"))
    wanted = params.get("mastr_source", "auto")
    assert results["mastr.available"] is (real and wanted != "keine")
    if results["mastr.available"]:  # the real Münster extract
        assert results["mastr.pv_units"] == 12192
        assert results["mastr.plug_in_ratio_2024_2022"] == pytest.approx(5.07, abs=0.005)


def expect_05(results, params):
    assert results["data.entries"] == 89 and results["data.entries_to_recheck"] == 20
    # Every invented question with personal data is caught by the masking.
    assert results["privacy.masked_questions"] == 38
    assert results["split.train_questions"] + results["split.test_questions"] == 509
    # On entries it never saw, the assistant beats the keyword search clearly.
    assert results["retrieval.test.top1"] > results["baseline.retrieval.test.top1"] + 0.2
    assert results["retrieval.test.mrr"] > results["baseline.retrieval.test.mrr"] + 0.2
    assert results["routing.test.accuracy"] > results["baseline.routing.test.accuracy"] + 0.1
    assert results["retrieval.test.top3"] >= results["retrieval.test.top1"] >= 0.4
    low, high = results["retrieval.test.top1_ci"]
    assert low < results["retrieval.test.top1"] < high
    # A higher threshold answers fewer questions; most off-topic questions are forwarded.
    threshold = params.get("threshold", 0.25)
    assert results["threshold.value"] == threshold
    assert (results["threshold.coverage"] < 0.5) is (threshold >= 0.5)
    assert results["threshold.offtopic_forwarded"] >= 0.75
    assert results["questions.count"] == results["split.test_questions"]
    assert results["questions.topic_accuracy"] == results["routing.test.accuracy"]
    assert 0 < results["questions.forwarded_share"] < 1
    assert results["report.suppressed_cells"] > 0
    if "bibliothek" in params.get("example_question", "").lower():
        assert results["example.forwarded"] is True and results["example.entry"] == ""
    else:
        assert results["example.forwarded"] is False and results["example.entry"] == "E016"


def expect_06(results, params):
    k = params.get("top_k", 20)
    assert results["data.assets"] == 300 and results["rows.invalid"] == 0
    assert results["data.events"] == 106374
    # A small team reading k alerts: both detectors are far above the 0.4 % base rate.
    assert results[f"anomaly.precision_at_{k}"] >= 0.8
    assert results[f"rules.precision_at_{k}"] >= 0.8
    assert results["rules.recall"] >= results["anomaly.recall"] > 0
    assert results["anomaly.alerts_needed.brute_force"] <= 5
    assert results["spraying.true_alerts"] == results["spraying.alerts"] > 0
    if not os.environ.get("URBANKI_DATA_DIR"):
        assert results["kev.available"] is False
        return
    assert results["kev.available"] is True and results["kev.entries"] == 1404
    # Matching quality on the hand-labelled sample: precise, and at least as good as exact names.
    assert results["kev.model.precision"] >= 0.95 and results["kev.model.recall"] >= 0.65
    assert results["kev.model.f1"] >= results["kev.baseline.f1"]
    assert 60 <= results["kev.matched_assets"] <= 100
    assert results["kev.matches"] > results["kev.matched_assets"]
    assert 0 < results["kev.internet_facing_matches"] < results["kev.matches"]
    assert 0 < results["kev.ransomware_matches"] < results["kev.matches"]


def expect_07(results, params):
    source = params.get("data_source", "musterstadt")
    assert results["data.population"] == {"musterstadt": 59981, "koeln": 1044555}[source]
    assert results["plume.max_concentration_g_m3"] > 0 and results["plume.max_distance_m"] > 0
    people = [results[f"affected.level{i}.einwohner"] for i in (1, 2, 3)]
    assert people == sorted(people, reverse=True) and people[0] > 1000  # nested zones
    assert results["ensemble.area_p10_km2"] >= results["ensemble.area_p50_km2"]
    assert "Schließen Sie Fenster und Türen." in results["warning.text"]
    if source == "musterstadt" and not params:
        assert results["affected.level1.einrichtungen"] >= 1
    if os.environ.get("URBANKI_DATA_DIR"):  # DWD wind: the model beats persistence
        assert results["model.test.mae"] < results["baseline.test.mae"]
        assert results["model.beats_baseline"] is True
    else:
        assert results["weather.available"] is False


def expect_08(results, params):
    assert results["data.questions"] >= 300
    assert results["intent.test.accuracy"] >= 0.85
    assert results["intent.test.accuracy"] > results["intent.baseline.accuracy"]
    assert results["answer.test.accuracy"] >= 0.95
    assert results["check.direct_count"] == results["check.bot_count"]  # bot = spatial join
    radii = params.get("aed_radii_m", [500, 1000])
    shares = [results[f"coverage.aed_{r}m"] for r in radii]
    assert shares == sorted(shares) and 0 < shares[0] <= 1
    question = params.get("question", "Wie viele Defibrillatoren gibt es im Stadtteil Altstadt?")
    if "Wetter" in question:
        assert results["question.understood"] is False and results["question.answer_value"] is None
        assert "nicht verstanden" in results["question.answer_text"]
    elif "geöffnet" in question:
        assert results["question.intent"] == "attribute"
        assert "Mo 8" in results["question.answer_text"] or "Montag" in results["question.answer_text"]
    elif "Ehrenfeld" in question:
        assert results["question.intent"] == "count" and results["question.answer_value"] == 11
    else:
        assert results["question.intent"] == "count" and results["question.answer_value"] == 15


def expect_09(results, params):
    if params.get("data_source", "musterstadt") == "musterdatenkatalog":  # real titles
        assert results["data.titles"] == 3492
        assert results["data.information_table_repaired_lines"] == 45
        # A new municipality is harder than a random split suggests, and the model still beats
        # the label-name keywords on both.
        assert results["split.grouped.model.accuracy"] < results["split.random.model.accuracy"] - 0.2
        for split in ("random", "grouped"):
            assert results[f"split.{split}.model.accuracy"] > \
                results[f"split.{split}.baseline.accuracy"] + 0.2
            assert results[f"split.{split}.model.f1_macro"] > \
                results[f"split.{split}.baseline.f1_macro"] + 0.1
        assert "data.documents" not in results
        return
    assert results["data.documents"] == 676 and results["privacy.names_total"] == 1431
    # The masking catches most names the OCR left readable; what slips through is measured.
    assert results["privacy.masked_persons"] > 1400
    assert 0.05 < results["privacy.names_leaked_share"] < 0.2
    assert results["type.model.f1_macro"] > results["type.baseline.f1_macro"] + 0.2
    low, high = results["type.model.accuracy_ci"]
    assert low <= results["type.model.accuracy"] <= high and low > 0.9
    for field in ("aktenzeichen", "flurstueck", "adresse", "datum"):
        assert results[f"extract.{field}.precision"] >= 0.9, field
        assert results[f"extract.{field}.recall"] >= 0.85, field
    assert results["projects.model.pairwise_f1"] > results["projects.baseline.pairwise_f1"] + 0.2
    assert results["search.hits"] == 10 and results["export.files"] == 677
    assert results["search.parcel_documents"] == {"Hasselbeck, 22, 559": 4,
                                                  "Oberfeld, 18, 590/7": 18}[
        params.get("parcel", "Hasselbeck, 22, 559")]


EXPECTATIONS = {"00_einfuehrung": expect_00, "01_versiegelung_luftbild": expect_01,
                "02_luftbild_pipeline": expect_02,
                "03_on_demand_nachfrage": expect_03, "04_solarpflicht": expect_04,
                "05_energieberatung": expect_05, "09_digitale_bauakten": expect_09,
                "06_it_sicherheit": expect_06, "07_schadstoffwarnung": expect_07,
                "08_karten_chatbot": expect_08}


def test_every_available_notebook_has_expectations():
    assert [uc.stem for uc in AVAILABLE] == sorted(EXPECTATIONS)


@pytest.mark.parametrize("uc, name, params", parameter_sets())
def test_notebook_runs_and_records_expected_results(uc, name, params, tmp_path):
    # The HTML report is checked with the defaults; other sets skip it (it costs seconds).
    result = run_notebook(uc.path, params, out_dir=tmp_path / name, base_dir=ROOT,
                          html=name == "default")
    assert result.ok, result.error
    EXPECTATIONS[uc.stem](result.results, params)
    nb = nbformat.read(tmp_path / name / f"{uc.stem}.ipynb", as_version=4)
    feedback = collect_feedback(nb)
    assert all(f["passed"] for f in feedback), feedback  # the solutions pass their checks


@pytest.mark.parametrize("uc", AVAILABLE, ids=lambda uc: uc.stem)
def test_unsolved_exercises_fail_their_checks(uc, tmp_path):
    solution = nbformat.read(uc.path, as_version=4)
    n_tasks = sum("loesung" in c.metadata.get("tags", []) and c.cell_type == "code"
                  for c in solution.cells)
    assert n_tasks >= 2, f"{uc.stem} needs at least two exercises"
    exercise = ROOT / "exercises" / f"{uc.stem}_uebung.ipynb"
    # The fast parameter set where there is one: the checks, not the analysis, are under test.
    fast = ROOT / "notebooks" / "params" / uc.stem / "schnell.yaml"
    params = (load_yaml(fast.read_text(encoding="utf-8")) or {}) if fast.is_file() else {}
    result = run_notebook(exercise, params, out_dir=tmp_path / "uebung", html=False)
    assert result.ok, result.error  # an unsolved exercise must not crash the notebook
    feedback = collect_feedback(nbformat.read(tmp_path / "uebung" / exercise.name,
                                              as_version=4))
    assert len(feedback) == n_tasks
    assert not any(f["passed"] for f in feedback), feedback
    assert all("Ihre Lösung hier" in f["message"] or "gibt es noch nicht" in f["message"]
               for f in feedback)


def test_00_with_a_users_own_file_in_cp1252(tmp_path):
    """An analyst's own export: same columns, Windows encoding, a renamed file."""
    source = ROOT / "datasets" / "musterstadt_basis" / "buergerbuero_besuche.csv"
    own = tmp_path / "Besuche Bürgerbüro 2023-2024.csv"
    own.write_bytes(source.read_text(encoding="utf-8-sig").encode("cp1252"))
    result = run_notebook("00", {"besuche_csv": str(own)}, out_dir=tmp_path / "eigen",
                          html=False)
    assert result.ok, result.error
    assert result.results["data.rows"] == 731


def test_00_with_a_broken_own_file_fails_with_a_readable_report(tmp_path):
    own = tmp_path / "besuche.csv"
    own.write_text("datum;anzahl\n01.01.2024;3\n", encoding="utf-8")
    result = run_notebook("00", {"besuche_csv": str(own)}, out_dir=tmp_path / "kaputt")
    assert result.status == "failed"
    assert result.error["type"] == "TableFormatError"
    assert "besuche.csv" in result.error["details"]
    assert "'besuche', die es in der Tabelle nicht gibt" in result.error["details"]
    assert "Vorhandene Spalten: 'datum', 'anzahl'" in result.error["details"]
    html = (tmp_path / "kaputt" / "00_einfuehrung.html").read_text(encoding="utf-8")
    assert "Dieser Lauf ist fehlgeschlagen" in html


def test_03_with_a_users_german_csv(tmp_path):
    """An analyst's own hourly counts: ';', decimal comma, dd.mm.yyyy times, a zone column, a
    weather column, one missing count and one broken time (reported, not silently dropped)."""

    from urbanki_helpers.mobility.counts import load_musterland

    counts = load_musterland().counts
    part = counts[counts["gruppe"].isin(["Z01", "Z02", "Z04"])
                  & (counts["zeit"] >= "2024-09-01")].copy()
    part["Zeitpunkt"] = part["zeit"].dt.strftime("%d.%m.%Y %H:%M")
    table = part.rename(columns={"gruppe": "Zone", "anzahl": "Buchungen",
                                 "temperatur_c": "Temperatur"})[
        ["Zeitpunkt", "Zone", "Buchungen", "Temperatur"]].reset_index(drop=True)
    table["Buchungen"] = table["Buchungen"].astype("Int64").astype(str)
    table.loc[5, "Buchungen"] = ""
    table.loc[7, "Zeitpunkt"] = "kaputt"
    text = table.to_csv(sep=";", index=False, decimal=",")
    own = tmp_path / "buchungen.csv"
    own.write_text(text, encoding="cp1252")
    params = {"data_source": "csv", "csv_path": str(own), "time_column": "Zeitpunkt",
              "time_format": "%d.%m.%Y %H:%M", "count_column": "Buchungen",
              "group_column": "Zone", "weather_columns": ["Temperatur"], "sep": ";",
              "decimal": ",", "bundesland": "NI", "n_folds": 2}
    result = run_notebook("03", params, out_dir=tmp_path / "csv", html=False)
    assert result.ok, result.error
    r = result.results
    assert r["data.source"] == "csv" and r["data.groups"] == 3
    assert r["data.rows"] == len(table) - 1  # the row with the broken time is excluded ...
    assert r["data.missing_counts"] == 1  # ... and the empty count stays missing
    assert r["model.test.mae"] < r["baseline.test.mae"]
    nb = nbformat.read(tmp_path / "csv" / "03_on_demand_nachfrage.ipynb", as_version=4)
    shown = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.outputs)
    # Line 9 of the file: header, then table row 7 (0-based) is the eighth data line.
    assert "1 Zeile(n) ohne gültige Zeitangabe ausgelassen (0 leer, 1 unlesbar: Zeile 9: " \
        "'kaputt')." in shown
    assert "Zählwert fehlt in 1 Zeile(n)" in shown and "nicht als 0" in shown


def test_06_with_a_users_inventory_with_bad_rows(tmp_path):
    """Malformed rows are reported with line and reason, the valid ones are still checked."""
    own = tmp_path / "inventar.csv"
    own.write_text(
        "asset_id;vendor;product;version;exposure;criticality;department\n"
        "X1;MS;Exchange 2019;CU14;internet;hoch;IT\n"
        "X2;Citrix;ADC 13.1;13.1;intern;mittel;IT\n"
        "X3;Fortinet;FortiGate 60F FortiOS 7.2;7.2;aussen;hoch;IT\n"
        "X2;VMware;vCenter 7;7.0;intern;hoch;IT\n"
        "X5;;;;intern;niedrig;Schulen\n"
        "X6;Infoma;newsystem;2.1;intern;hoch;Kämmerei\n", encoding="cp1252")
    result = run_notebook("06", {"inventory_path": str(own)}, out_dir=tmp_path / "r", html=False)
    assert result.ok, result.error
    r = result.results
    assert r["data.assets"] == 3 and r["rows.invalid"] == 3
    from urbanki_helpers.data.tables import read_table

    bad = read_table(tmp_path / "r" / "inventar_ungueltige_zeilen.csv", keep_str=["asset_id"])
    assert bad["asset_id"].tolist() == ["X3", "X2", "X5"] and bad["line"].tolist() == [4, 5, 6]
    if not os.environ.get("URBANKI_DATA_DIR"):  # KEV matching needs the real catalogue
        assert r["kev.available"] is False and "kev.matched_assets" not in r
        return
    assert r["kev.matched_assets"] == 2  # Exchange and Citrix ADC; Infoma is no KEV product
    assert "kev.model.precision" not in r  # no labelled sample for a user's inventory
    actions = read_table(tmp_path / "r" / "massnahmen.csv")
    assert set(actions["Asset"]) == {"X1", "X2"}


def test_04_with_a_users_register_without_building_ids(tmp_path):
    """A register exported from a permit system: cp1252, German dates, one row with a net roof
    larger than the gross roof, no building ids. The valid rows are checked, the invalid one is
    listed with its line, and the inspection list is skipped with a reason."""
    own = tmp_path / "Bauanträge Export.csv"
    own.write_text(
        "vorgang_id;gebaeudeart;massnahme;verfahren;antragsdatum;baubeginn;nutzflaeche_m2;"
        "bruttodachflaeche_m2;nettodachflaeche_m2;wohneinheiten;eigentum;besonderheit\n"
        "A-1;wohngebaeude;neubau;bauantrag;02.01.2025;;140;110;;1;privat;\n"
        "A-2;nichtwohngebaeude;dacherneuerung;freistellung;;01.07.2024;600;320;240;0;kommunal;\n"
        "A-3;wohngebaeude;dacherneuerung;bauantrag;;01.01.2026;150;120;80;2;privat;\n"
        "A-4;wohngebaeude;dacherneuerung;bauantrag;;01.03.2026;150;120;130,5;2;privat;\n"
        "A-5;nichtwohngebaeude;neubau;bauantrag;10.03.2025;;36;40;;0;privat;untergeordnet\n",
        encoding="cp1252")
    params = {"permits_path": str(own), "samples_per_class": 300, "n_chips": 0,
              "mastr_source": "keine"}
    result = run_notebook("04", params, out_dir=tmp_path / "r", html=False)
    assert result.ok, result.error
    r = result.results
    assert r["data.permits"] == 5 and r["rows.invalid"] == 1
    assert (r["pflicht.ja"], r["pflicht.nein"], r["pflicht.pruefen"]) == (2, 2, 0)
    assert "inspection.rows" not in r and r["change.buildings"] == 66
    from urbanki_helpers.data.tables import read_table

    checked = read_table(tmp_path / "r" / "solarpflicht_pruefung.csv").set_index("vorgang_id")
    assert checked.loc["A-1", "mindestflaeche_pv_m2"] == 33.0
    assert checked.loc["A-2", "alternative_mindestleistung_kwp"] == 8.0
    assert checked.loc["A-3", "pflicht"] == "nein"  # on the key date: "nach dem" excludes it
    bad = read_table(tmp_path / "r" / "solarpflicht_ungueltige_zeilen.csv")
    assert bad["zeile"].tolist() == [5] and bad["vorgang_id"].tolist() == ["A-4"]
    assert "größer" in bad["fehler"].iloc[0]
    nb = nbformat.read(tmp_path / "r" / "04_solarpflicht.ipynb", as_version=4)
    shown = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.outputs)
    assert "keine Spalte gebaeude_id" in shown and "Prüfliste entfällt" in shown


def test_05_answers_a_users_question_file_and_masks_it(tmp_path):
    """A desk's own question export: cp1252, ';', with topics for the check, personal data in
    it. The answers file holds no name or phone number."""
    own = tmp_path / "Anfragen November.csv"
    own.write_text(
        "frage;thema\n"
        "Hallo, ich bin Jan Oltmanns. Lohnt sich ein Balkonkraftwerk?;steckersolar\n"
        "Welche Förderung gibt es für eine Wärmepumpe? Tel. 04462 123456;foerderung\n"
        "Wann ist das Bürgerbüro samstags geöffnet?;sonstiges\n", encoding="cp1252")
    result = run_notebook("05", {"questions_path": str(own)}, out_dir=tmp_path / "r",
                          html=False)
    assert result.ok, result.error
    r = result.results
    assert r["questions.count"] == 3 and 0 < r["questions.forwarded_share"] < 1
    assert r["questions.topic_accuracy"] == 1.0
    from urbanki_helpers.data.tables import read_table

    answers = read_table(tmp_path / "r" / "antworten.csv")
    assert list(answers.columns) == ["frage", "thema", "eintrag_id", "antwort", "konfidenz",
                                     "weitergeleitet"]
    text = answers.to_csv()
    assert "Oltmanns" not in text and "123456" not in text and "[PERSON-1]" in text
    assert answers["weitergeleitet"].tolist()[2] == "ja"


def test_09_with_a_users_archive_export(tmp_path):
    """A document system's CSV export without labels: names are masked before anything else,
    fields are extracted and exported, and the evaluations that need labels are left out."""
    own = tmp_path / "akten.csv"
    own.write_text(
        "doc_id;text\n"
        "D1;Bauschein Nr. B 1234/57. Bauherr: Herr Heinrich Kowalczyk, Gemarkung Hasselbeck, "
        "Flur 22, Flurstück 559. Musterstadt, den 3.4.1957\n"
        "D2;Widerspruch gegen die Baugenehmigung 63/2-0456/1978. Gez. Frau Weber, "
        "Tel. 0209 123456. Musterstadt, den 12.5.1978\n", encoding="utf-8")
    params = {"documents_path": str(own), "parcel": "Hasselbeck, 22, 559"}
    result = run_notebook("09", params, out_dir=tmp_path / "r", html=False)
    assert result.ok, result.error
    r = result.results
    assert r["data.documents"] == 2 and r["privacy.masked_persons"] == 2
    assert "type.model.f1_macro" not in r and "privacy.names_total" not in r
    assert r["export.files"] == 3 and r["search.parcel_documents"] == 1
    from urbanki_helpers.data.tables import read_table

    meta = read_table(tmp_path / "r" / "metadaten.csv", keep_str=["doc_id", "flur", "flurstueck"])
    assert meta["aktenzeichen"].tolist() == ["B 1234/57", "63/2-456/1978"]  # canonical form
    assert meta.loc[0, "flurstueck"] == "559" and meta.loc[1, "datum"] == "1978-05-12"
    text = (tmp_path / "r" / "metadaten.csv").read_text(encoding="utf-8-sig")
    assert "Kowalczyk" not in text and "123456" not in text
