"""Grids, engines and batch summaries."""

from __future__ import annotations

import csv

import pytest

from urbanki_helpers.errors import ParameterError, RunError
from urbanki_helpers.run.batch import (
    ProcessPoolEngine,
    RunTask,
    SerialEngine,
    get_engine,
    plan_batch,
    read_grid,
    register_engine,
    run_names,
    run_tasks,
)
from urbanki_helpers.run.reports import write_reports


def test_yaml_and_csv_grids_keep_codes_as_text(tmp_path):
    y = tmp_path / "grid.yaml"
    y.write_text("runs:\n  - {ags: 05513000, n: 2}\n  - {ags: '01067000', n: 3}\n")
    assert read_grid(y) == [{"ags": "05513000", "n": 2}, {"ags": "01067000", "n": 3}]
    c = tmp_path / "grid.csv"
    c.write_text("ags;n;run_name\n05513000;2;gelsenkirchen\n01067000;;dresden\n",
                 encoding="utf-8-sig")
    assert read_grid(c) == [{"ags": "05513000", "n": "2", "run_name": "gelsenkirchen"},
                            {"ags": "01067000", "run_name": "dresden"}]


@pytest.mark.parametrize("name, text, fragment", [
    ("g.csv", "a,b\n1,2,3\n", "Zeile 2"),
    ("g.yaml", "a: 1\n", "Liste"),
    ("g.yaml", "[]\n", "keine Läufe"),
    ("g.txt", "a\n", ".yaml- oder .csv"),
])
def test_malformed_grids_are_refused_with_a_reason(tmp_path, name, text, fragment):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(RunError) as info:
        read_grid(path)
    assert fragment in info.value.message_de


def test_run_names_are_readable_and_unique():
    names = run_names([{"ags": "05513000", "n": 2}, {"run_name": "x"}, {"run_name": "x"}])
    assert names == ["001-05513000-2", "x", "x-003"]


def test_grid_columns_the_notebook_does_not_declare_stop_the_batch(minimal_notebook, tmp_path):
    with pytest.raises(ParameterError) as info:
        plan_batch(str(minimal_notebook), [{"n": 1}, {"radius": 3}], tmp_path)
    assert "Raster" in info.value.message_de and "'radius'" in info.value.message_de


def test_a_failing_row_does_not_stop_the_others(minimal_notebook, tmp_path):
    rows = [{"run_name": "gut", "n": "4"}, {"run_name": "scheitert", "fail": "true"},
            {"run_name": "ungueltig", "n": "500"}]
    tasks = plan_batch(str(minimal_notebook), rows, tmp_path / "batch")
    seen = []
    outcome = run_tasks(tasks, ProcessPoolEngine(2), progress=lambda r: seen.append(r.run_name))
    assert sorted(seen) == ["gut", "scheitert", "ungueltig"]
    status = {r.run_name: r for r in outcome.results}
    assert [r.run_name for r in outcome.results] == ["gut", "scheitert", "ungueltig"]
    assert status["gut"].ok and status["gut"].results["params.n_times_factor"] == 6.0
    assert status["scheitert"].error["message"] == "absichtlich gescheitert"
    assert status["ungueltig"].error["type"] == "ParameterError"
    assert "erlaubt sind Werte von 1 bis 100" in status["ungueltig"].error["message"]
    assert outcome.n_failed == 2
    summary, index = write_reports(outcome.results, tmp_path / "batch")
    with open(summary, encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [row["status"] for row in table] == ["ok", "failed", "failed"]
    assert table[0]["param.n"] == "4" and table[0]["result.params.n_times_factor"] == "6.0"
    assert table[1]["error_message"] == "absichtlich gescheitert"
    page = index.read_text(encoding="utf-8")
    assert "1 von 3 Läufen erfolgreich" in page
    assert 'href="gut/minimal.html"' in page and "absichtlich gescheitert" in page


class _RecordingEngine:
    """A stand-in for a distributed engine: same interface, different executor."""

    def __init__(self, workers=None):
        self.workers, self.calls = workers, 0

    def map_unordered(self, fn, items):
        for i, item in reversed(list(enumerate(items))):
            self.calls += 1
            yield i, (fn(item) if i else RuntimeError("worker lost"))


def test_engines_plug_in_by_name_and_lost_workers_become_failed_rows(minimal_notebook,
                                                                      tmp_path):
    register_engine("recording", lambda workers=None, **_: _RecordingEngine(workers))
    engine = get_engine("recording", workers=3)
    assert engine.workers == 3
    tasks = plan_batch(str(minimal_notebook), [{"n": 1}, {"n": 2}], tmp_path, html=False)
    outcome = run_tasks(tasks, engine)
    assert engine.calls == 2
    assert outcome.results[0].status == "failed"
    assert "Arbeitsprozess" in outcome.results[0].error["message"]
    assert outcome.results[1].ok
    with pytest.raises(RunError, match="Unknown engine"):
        get_engine("nope")


def test_serial_engine_reports_exceptions_per_item():
    results = dict(SerialEngine().map_unordered(lambda x: 10 / x, [1, 0, 2]))
    assert results[0] == 10 and isinstance(results[1], ZeroDivisionError) and results[2] == 5


def test_task_is_plain_data_so_any_engine_can_ship_it():
    import pickle

    task = RunTask("nb.ipynb", {"ags": "05513000"}, "/tmp/x", "x")
    assert pickle.loads(pickle.dumps(task)) == task


def test_occupied_run_folders_stop_a_batch_before_it_starts(minimal_notebook, tmp_path):
    (tmp_path / "b" / "zwei").mkdir(parents=True)
    (tmp_path / "b" / "zwei" / "results.json").write_text("{}")
    rows = [{"run_name": "eins", "n": 1}, {"run_name": "zwei", "n": 2}]
    with pytest.raises(RunError) as info:
        plan_batch(str(minimal_notebook), rows, tmp_path / "b")
    assert "1 Ausgabeordner" in info.value.message_de and "zwei" in info.value.message_de
    assert len(plan_batch(str(minimal_notebook), rows, tmp_path / "b", overwrite=True)) == 2
