"""End-to-end tests of the urbanki command, as a user runs it (a subprocess)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest
from fixture_notebooks import minimal, write


def urbanki(*args, cwd, env=None):
    """Run the CLI; ``env`` values of None remove a variable."""
    full_env = {**os.environ, "URBANKI_NO_PROGRESS": "1", **(env or {})}
    full_env = {k: v for k, v in full_env.items() if v is not None}
    return subprocess.run([sys.executable, "-m", "urbanki_helpers.cli", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600)


def test_unknown_parameter_exits_2_and_names_the_allowed_ones(tmp_path):
    out = tmp_path / "never"
    r = urbanki("run", "00", "-p", "nosuchparam", "1", "--out", out, cwd=tmp_path)
    assert r.returncode == 2
    assert "Unbekannte(r) Parameter 'nosuchparam'" in r.stderr
    assert "Erlaubt sind: besuche_csv, bundesland, output_dir, radius_m, random_state, " \
        "test_weeks" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


def test_wrong_type_and_impossible_value_exit_2(tmp_path):
    r = urbanki("run", "00", "-p", "radius_m", "vierhundert", cwd=tmp_path)
    assert r.returncode == 2 and "erwartet wird eine ganze Zahl (int)" in r.stderr
    r = urbanki("run", "00", "-p", "radius_m", "-5", cwd=tmp_path)
    assert r.returncode == 2 and "erlaubt sind Werte von 50 bis 3000" in r.stderr
    r = urbanki("run", "00", "-p", "besuche_csv", "gibtsnicht.csv", cwd=tmp_path)
    assert r.returncode == 2 and str(tmp_path / "gibtsnicht.csv") in r.stderr
    assert not (tmp_path / "ausgabe").exists()


def test_the_ags_leading_zero_survives_p(tmp_path):
    nb = write(minimal(), tmp_path / "minimal.ipynb")
    out = tmp_path / "run"
    r = urbanki("run", nb, "-p", "ags", "05513000", "-p", "n", "4", "--out", out,
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["parameters"]["ags"] == "05513000"
    assert data["results"]["params.ags"] == "05513000"
    assert data["results"]["params.n_times_factor"] == 6.0


def test_a_failing_notebook_exits_1_and_keeps_its_report(tmp_path):
    nb = write(minimal(), tmp_path / "minimal.ipynb")
    r = urbanki("run", nb, "-p", "fail", "ja", "--out", tmp_path / "f", cwd=tmp_path)
    assert r.returncode == 1
    assert "absichtlich gescheitert" in r.stderr
    assert json.loads((tmp_path / "f" / "results.json").read_text())["status"] == "failed"


def test_batch_with_a_failing_row(tmp_path):
    nb = write(minimal(), tmp_path / "minimal.ipynb")
    grid = tmp_path / "raster.csv"
    grid.write_text("run_name;ags;n;fail\ngelsenkirchen;05513000;2;nein\n"
                    "kaputt;05513000;3;ja\nleipzig;14713000;5;nein\n", encoding="utf-8")
    r = urbanki("batch", nb, "--grid", grid, "--out", tmp_path / "b", "--workers", "2",
                cwd=tmp_path)
    assert r.returncode == 1
    assert "2 von 3 Läufen erfolgreich" in r.stdout
    with open(tmp_path / "b" / "summary.csv", encoding="utf-8") as fh:
        rows = {row["run_name"]: row for row in csv.DictReader(fh)}
    assert rows["gelsenkirchen"]["status"] == "ok"
    assert rows["gelsenkirchen"]["param.ags"] == "05513000"
    assert rows["leipzig"]["result.params.n_times_factor"] == "7.5"
    assert rows["kaputt"]["status"] == "failed"
    assert rows["kaputt"]["error_message"] == "absichtlich gescheitert"
    index = (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    assert 'href="kaputt/minimal.html"' in index and "fehlgeschlagen" in index


def test_run_all_writes_the_curriculum_report(tmp_path):
    """What 'make reports' does on a user's fresh machine: no mirror, no cache, offline.

    It runs in a workshop folder (URBANKI_HOME) that holds two of the notebooks, so that the
    suite does not execute every notebook a second time (tests/test_notebooks.py does that);
    the others count as planned there, which the report must say."""
    from urbanki_helpers.paths import project_root

    home = tmp_path / "workshop"
    (home / "notebooks").mkdir(parents=True)
    (home / "datasets").symlink_to(project_root() / "datasets", target_is_directory=True)
    for stem in ("00_einfuehrung", "06_it_sicherheit"):
        (home / "notebooks" / f"{stem}.ipynb").write_bytes(
            (project_root() / "notebooks" / f"{stem}.ipynb").read_bytes())
    fresh = {"URBANKI_DATA_DIR": None, "URBANKI_OFFLINE": "1", "URBANKI_HOME": str(home),
             "URBANKI_CACHE_DIR": str(tmp_path / "cache")}
    r = urbanki("run", "--all", "--out", tmp_path / "reports", cwd=tmp_path, env=fresh)
    assert r.returncode == 0, r.stderr
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "00 · Einführung" in index and "✔ erfolgreich" in index
    assert 'href="00_einfuehrung/00_einfuehrung.html"' in index
    assert "model.test.mae" in index
    assert "01 · Versiegelung" in index and "geplant" in index
    with open(tmp_path / "reports" / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["use_case"] for row in rows] == ["00", "06"]
    assert {row["status"] for row in rows} == {"ok"}
    results = json.loads((tmp_path / "reports" / "06_it_sicherheit" / "results.json").read_text())
    assert results["results"]["kev.available"] is False  # real data skipped, with a message
    assert results["results"]["anomaly.precision_at_20"] >= 0.8
    again = urbanki("run", "--all", "--out", tmp_path / "reports", cwd=tmp_path, env=fresh)
    assert again.returncode == 2 and "--overwrite" in again.stderr


def test_list_and_params(tmp_path):
    r = urbanki("list", cwd=tmp_path)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 10 and lines[0].startswith("00  bereit")
    assert lines[3].startswith("03  bereit") and "AIMOS" in lines[3]
    assert lines[4].startswith("04  bereit") and lines[5].startswith("05  bereit")
    assert lines[9].startswith("09  bereit")
    r = urbanki("params", "00", cwd=tmp_path)
    assert "radius_m: int = 400  # Einzugsradius" in r.stdout and "[Bereich: 50 bis 3000]" in \
        r.stdout


@pytest.mark.realdata
def test_data_list_shows_the_nine_real_datasets_in_the_mirror(tmp_path, realdata):
    r = urbanki("data", "list", cwd=tmp_path, env={"URBANKI_DATA_DIR": str(realdata)})
    assert r.returncode == 0, r.stderr
    real = [line for line in r.stdout.splitlines() if " real " in line]
    assert len(real) == 9 and all("ja (Spiegel)" in line for line in real)
    assert "musterstadt_basis" in r.stdout and "ja (eingebettet)" in r.stdout


def test_data_fetch_offline_says_how_to_provide_the_data(tmp_path):
    env = {"URBANKI_DATA_DIR": str(tmp_path), "URBANKI_CACHE_DIR": str(tmp_path / "cache"),
           "URBANKI_OFFLINE": "1"}
    r = urbanki("data", "fetch", "cisa_kev", cwd=tmp_path, env=env)
    assert r.returncode == 1
    assert "cisa_kev" in r.stderr and "CC0-1.0" in r.stderr
    assert "URBANKI_DATA_DIR" in r.stderr and "urbanki data fetch cisa_kev" in r.stderr


def test_exercises_are_current(tmp_path):
    r = urbanki("exercises", "build", "--check", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_parameter_file_keeps_unquoted_codes_and_p_overrides_it(tmp_path):
    nb = write(minimal(), tmp_path / "minimal.ipynb")
    params = tmp_path / "params.yaml"
    params.write_text("ags: 05513000\nn: 9\nnames: [a, '007']\n", encoding="utf-8")
    r = urbanki("run", nb, "-f", params, "-p", "n", "2", "--out", tmp_path / "r", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "r" / "results.json").read_text(encoding="utf-8"))
    assert data["parameters"]["ags"] == "05513000" and data["parameters"]["n"] == 2
    assert data["parameters"]["names"] == ["a", "007"]


def test_data_verify_reports_a_corrupted_mirror_file(tmp_path, realdata):
    mirror = tmp_path / "mirror" / "cisa_kev"
    mirror.mkdir(parents=True)
    schema = "known_exploited_vulnerabilities_schema.json"
    (mirror / schema).write_bytes((realdata / "cisa_kev" / schema).read_bytes())
    env = {"URBANKI_DATA_DIR": str(tmp_path / "mirror"),
           "URBANKI_CACHE_DIR": str(tmp_path / "cache"), "URBANKI_OFFLINE": "1"}
    r = urbanki("data", "verify", "cisa_kev", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"✔ cisa_kev/{schema}: ok" in r.stdout
    assert "– cisa_kev/known_exploited_vulnerabilities.csv: missing" in r.stdout
    (mirror / schema).write_text("{}", encoding="utf-8")
    r = urbanki("data", "verify", "cisa_kev", cwd=tmp_path, env=env)
    assert r.returncode == 1 and f"✘ cisa_kev/{schema}: mismatch" in r.stdout
