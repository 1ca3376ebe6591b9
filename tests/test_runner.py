"""Executing one notebook: run folder, results.json, HTML, failures, overwrite rules."""

from __future__ import annotations

import hashlib
import json

import nbformat
import papermill
import pytest

from urbanki_helpers.errors import ParameterError, RunError
from urbanki_helpers.run import runner
from urbanki_helpers.run.results import RECORD_MIME, RecordError, collect_records, record
from urbanki_helpers.run.runner import load_result, run_notebook


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_successful_run_writes_notebook_html_and_results(minimal_notebook, tmp_path):
    before = sha(minimal_notebook)
    out = tmp_path / "run"
    result = run_notebook(minimal_notebook, {"ags": "01067000", "n": "7", "names": "x,y"},
                          out_dir=out)
    assert result.ok and result.error is None
    assert sorted(p.name for p in out.iterdir()) == [
        "hello.txt", "minimal.html", "minimal.ipynb", "results.json"]
    data = load_result(out)
    assert data["status"] == "ok" and data["notebook"].endswith("minimal.ipynb")
    assert data["parameters"]["ags"] == "01067000"  # the leading zero survives
    assert data["parameters"]["output_dir"] == str(out)
    assert data["results"] == {"params.ags": "01067000", "params.n_times_factor": 10.5,
                               "params.names": ["x", "y"], "done": True}
    assert data["duration_s"] > 0
    assert {"python", "papermill", "pandas"} <= set(data["versions"])
    html = (out / "minimal.html").read_text(encoding="utf-8")
    assert "params.n_times_factor = 10.5" in html
    assert "check_parameters(globals()" not in html  # no code in the report
    assert sha(minimal_notebook) == before  # the input notebook is never modified
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_failed_run_still_leaves_a_readable_report(minimal_notebook, tmp_path):
    out = tmp_path / "failed"
    result = run_notebook(minimal_notebook, {"fail": True}, out_dir=out)
    assert result.status == "failed"
    assert result.error["type"] == "ValueError"
    assert result.error["message"] == "absichtlich gescheitert"
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["status"] == "failed" and "done" not in data["results"]
    assert data["results"]["params.n_times_factor"] == 4.5  # recorded before the error
    html = (out / "minimal.html").read_text(encoding="utf-8")
    assert "Dieser Lauf ist fehlgeschlagen" in html and "absichtlich gescheitert" in html


def test_bad_parameters_fail_before_anything_starts(minimal_notebook, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(ParameterError) as info:
        run_notebook(minimal_notebook, {"nosuchparam": 1}, out_dir=out)
    assert "Erlaubt sind: ags, csv_path, factor, fail, n, names, output_dir" in \
        info.value.message_de
    with pytest.raises(ParameterError):
        run_notebook(minimal_notebook, {"n": 0}, out_dir=out)
    assert not out.exists()


def test_relative_file_parameters_are_resolved_from_the_callers_folder(minimal_notebook,
                                                                       tmp_path):
    (tmp_path / "daten.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    result = run_notebook(minimal_notebook, {"csv_path": "daten.csv"}, out_dir=tmp_path / "r",
                          base_dir=tmp_path, html=False)
    assert result.ok and result.parameters["csv_path"] == str(tmp_path / "daten.csv")


def test_output_folder_is_never_overwritten_unless_asked(minimal_notebook, tmp_path):
    out = tmp_path / "run"
    run_notebook(minimal_notebook, {"n": 2}, out_dir=out, html=False)
    with pytest.raises(RunError, match="already holds files"):
        run_notebook(minimal_notebook, {"n": 3}, out_dir=out, html=False)
    assert load_result(out)["parameters"]["n"] == 2
    run_notebook(minimal_notebook, {"n": 3}, out_dir=out, html=False, overwrite=True)
    assert load_result(out)["parameters"]["n"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # the old run was cleaned up
    users = tmp_path / "meine_dateien"
    users.mkdir()
    (users / "wichtig.xlsx").write_text("nicht löschen")
    with pytest.raises(RunError, match="not an earlier run"):
        run_notebook(minimal_notebook, {}, out_dir=users, overwrite=True)
    assert (users / "wichtig.xlsx").read_text() == "nicht löschen"


def test_kernel_side_validation_catches_runs_that_bypass_the_runner(minimal_notebook,
                                                                    tmp_path):
    """Plain papermill does not validate; the notebook's own check cell does."""
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(str(minimal_notebook), str(tmp_path / "o.ipynb"),
                                   parameters={"n": 500, "output_dir": str(tmp_path)},
                                   progress_bar=False, kernel_name="python3")
    assert info.value.ename == "ParameterError"
    rendered = "\n".join(info.value.traceback)
    assert "Parameter 'n' hat den Wert 500; erlaubt sind Werte von 1 bis 100." in rendered


def test_kernel_start_race_is_retried_once(minimal_notebook, tmp_path, monkeypatch):
    calls = []
    real = papermill.execute_notebook

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    result = run_notebook(minimal_notebook, {}, out_dir=tmp_path / "r", html=False)
    assert result.ok and len(calls) == 2


def test_a_kernel_that_never_starts_is_reported_as_failed(minimal_notebook, tmp_path,
                                                         monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", broken)
    result = run_notebook(minimal_notebook, {}, out_dir=tmp_path / "r")
    assert result.status == "failed" and "kernel_info" in result.error["message"]
    nb = nbformat.read(tmp_path / "r" / "minimal.ipynb", as_version=4)
    assert "fehlgeschlagen" in nb.cells[0].source
    assert (tmp_path / "r" / "minimal.html").exists()


def test_record_converts_values_and_rejects_bad_keys():
    import numpy as np

    assert record("model.test.mae", np.float64(2.5), display=False) == 2.5
    assert record("data.rows", np.int64(7), display=False) == 7
    assert record("x.values", np.array([1, 2]), display=False) == [1, 2]
    assert record("x.nan", float("nan"), display=False) is None
    with pytest.raises(RecordError) as info:
        record("Model MAE", 1, display=False)
    assert "model.test.mae" in info.value.message_de
    with pytest.raises(RecordError):
        record("x.obj", object(), display=False)


def test_collect_records_reads_the_last_value_of_each_key():
    def out(name, value):
        return {"output_type": "display_data", "data": {RECORD_MIME: {"name": name,
                                                                      "value": value}}}
    nb = {"cells": [{"cell_type": "code", "outputs": [out("a", 1), out("b", 2)]},
                    {"cell_type": "markdown", "source": "x"},
                    {"cell_type": "code", "outputs": [out("a", 3)]}]}
    assert collect_records(nb) == {"a": 3, "b": 2}


def test_versions_name_python_and_key_packages():
    versions = runner.environment_versions()
    assert versions["python"].count(".") == 2 and "scikit-learn" in versions
