"""Batch runs on dask.distributed: failures per row, lost workers, retries, time limits, CLI."""

from __future__ import annotations

import csv
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fixture_notebooks import minimal, slow, write

from urbanki_helpers import cli
from urbanki_helpers.errors import RunError
from urbanki_helpers.run import runner
from urbanki_helpers.run.batch import execute_task, get_engine, plan_batch, run_tasks
from urbanki_helpers.run.dask_engine import DaskEngine, interrupted_run, run_item
from urbanki_helpers.run.reports import write_reports
from urbanki_helpers.run.runner import RUN_MARKER, load_result

BOUND_S = 300  # upper bound of every wait; a hang fails the test instead of blocking the suite


pytestmark = pytest.mark.notebook  # starts early: a dask cluster and notebook runs


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes on loopback; the tests connect to it by address."""
    from distributed import Client, LocalCluster

    environ = dict(os.environ)  # the nannies set thread variables in this process
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as local, \
            Client(local, set_as_default=False) as client:
        yield local, client
    os.environ.clear()
    os.environ.update(environ)


@pytest.fixture()
def scheduler(cluster):
    """The cluster's address, with both workers up (a test before may have killed one)."""
    local, client = cluster
    client.wait_for_workers(2, timeout=BOUND_S)
    local.scheduler.allowed_failures = 2
    return local


@pytest.fixture(scope="module")
def slow_notebook(tmp_path_factory) -> Path:
    return write(slow(), tmp_path_factory.mktemp("slow") / "slow.ipynb")


def run_bounded(tasks, engine):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run_tasks, tasks, engine).result(timeout=BOUND_S)


def kill_workers_of(run_dir: Path, times: int, killed: list[int]) -> None:
    """SIGKILL the worker running ``run_dir`` as soon as its kernel has started (the notebook
    writes the worker's pid), ``times`` times (each attempt has a new worker)."""
    deadline = time.monotonic() + BOUND_S
    while len(killed) < times and time.monotonic() < deadline:
        try:
            pid = int((run_dir / "worker_pid.txt").read_text())
        except (OSError, ValueError):
            pid = None
        if pid and pid not in killed:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.05)


# --------------------------------------------------------------------------------------
# Run folders: the marker that lets a retry take over an interrupted run
# --------------------------------------------------------------------------------------


def test_run_folders_carry_a_marker_so_only_interrupted_runs_are_taken_over(tmp_path):
    out = tmp_path / "lauf"
    marker = runner._claim_out_dir(out, overwrite=False)
    assert marker == out / RUN_MARKER and marker.is_dir()
    owner = json.loads((marker / "owner.json").read_text(encoding="utf-8"))
    assert owner["pid"] == os.getpid()
    assert not interrupted_run(out)  # its process (this one) is alive: still going on
    (out / "teil.txt").write_text("halb fertig")  # the worker died here
    with pytest.raises(RunError, match="already holds files"):
        runner._claim_out_dir(out, overwrite=False)

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    owner["pid"] = int(dead.stdout)
    (marker / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    assert interrupted_run(out)
    new_marker = runner._claim_out_dir(out, overwrite=True)  # what a retry does
    assert (new_marker / "replaced" / "teil.txt").read_text() == "halb fertig"
    assert json.loads((new_marker / "owner.json").read_text())["started"] > owner["started"]

    users = tmp_path / "meine_dateien"
    users.mkdir()
    (users / "wichtig.xlsx").write_text("nicht löschen")
    assert not interrupted_run(users)
    with pytest.raises(RunError, match="not an earlier run"):
        runner._claim_out_dir(users, overwrite=True)
    assert [p.name for p in users.iterdir()] == ["wichtig.xlsx"]


def test_a_run_over_its_time_limit_is_stopped_and_reported(slow_notebook, tmp_path):
    [task] = plan_batch(str(slow_notebook), [{"run_name": "zu-lang", "sleep_s": "60"}],
                        tmp_path, html=False)
    result = run_item(execute_task, task, run_timeout=3)
    assert result.status == "failed" and result.error["type"] == "RunTimeout"
    assert "Zeitlimit von 3 s" in result.error["message"]
    assert "slept_s" not in result.results
    assert load_result(task.out_dir)["error"]["type"] == "RunTimeout"
    with pytest.raises(RunError, match="must be positive"):
        DaskEngine(2, run_timeout=0)


# --------------------------------------------------------------------------------------
# On a cluster
# --------------------------------------------------------------------------------------


def test_a_failing_row_does_not_stop_the_others(scheduler, minimal_notebook, tmp_path):
    rows = [{"run_name": "gut", "n": "4"}, {"run_name": "scheitert", "fail": "true"},
            {"run_name": "ungueltig", "n": "500"}]
    tasks = plan_batch(str(minimal_notebook), rows, tmp_path / "batch", html=False)
    engine = get_engine("dask", scheduler=scheduler.scheduler_address, run_timeout=600)
    outcome = run_bounded(tasks, engine)
    assert [r.run_name for r in outcome.results] == ["gut", "scheitert", "ungueltig"]
    assert outcome.n_failed == 2
    summary, _ = write_reports(outcome.results, tmp_path / "batch")
    with open(summary, encoding="utf-8") as fh:
        table = {row["run_name"]: row for row in csv.DictReader(fh)}
    assert table["gut"]["status"] == "ok"
    assert table["gut"]["result.params.n_times_factor"] == "6.0"
    assert (tmp_path / "batch" / "gut" / "hello.txt").read_text() == "hallo"
    assert table["scheitert"]["status"] == "failed"
    assert table["scheitert"]["error_message"] == "absichtlich gescheitert"
    assert table["scheitert"]["result.params.n_times_factor"] == "4.5"
    assert table["ungueltig"]["error_type"] == "ParameterError"
    assert "erlaubt sind Werte von 1 bis 100" in table["ungueltig"]["error_message"]
    # the engine used a running scheduler, so it left it running
    assert len(scheduler.scheduler.workers) == 2


def run_killing_one_worker(scheduler, notebook, out_dir, slow_name, *, allowed_failures):
    """A grid of a slow row ``slow_name`` and a fast one on the cluster; the worker running the
    slow row is killed once. Returns the outcome and the killed pids."""
    scheduler.scheduler.allowed_failures = allowed_failures
    rows = [{"run_name": slow_name, "sleep_s": "4"}, {"run_name": "schnell"}]
    tasks = plan_batch(str(notebook), rows, out_dir, html=False)
    killed: list[int] = []
    killer = threading.Thread(target=kill_workers_of, args=(out_dir / slow_name, 1, killed))
    killer.start()
    outcome = run_bounded(tasks, DaskEngine(scheduler=scheduler.scheduler_address))
    killer.join(BOUND_S)
    return outcome, killed


def test_a_killed_worker_is_retried_and_the_retry_takes_over_its_folder(scheduler,
                                                                         slow_notebook,
                                                                         tmp_path):
    outcome, killed = run_killing_one_worker(scheduler, slow_notebook, tmp_path / "b",
                                             "nochmal", allowed_failures=1)
    assert len(killed) == 1
    again, fast = outcome.results
    assert again.ok and again.results == {"slept_s": 4.0}
    assert fast.ok and fast.results == {"slept_s": 0.0}
    folder = tmp_path / "b" / "nochmal"
    assert int((folder / "worker_pid.txt").read_text()) != killed[0]  # a second attempt
    assert load_result(folder)["status"] == "ok"
    assert sorted(p.name for p in folder.iterdir()) == ["results.json", "slow.ipynb",
                                                        "worker_pid.txt"]


def test_a_run_that_loses_its_workers_too_often_fails_with_worker_lost(scheduler,
                                                                        slow_notebook,
                                                                        tmp_path):
    outcome, _ = run_killing_one_worker(scheduler, slow_notebook, tmp_path / "b", "verloren",
                                        allowed_failures=0)
    lost, fast = outcome.results
    assert lost.status == "failed" and lost.error["type"] == "WorkerLostError"
    # the summary speaks German: how often the worker died, and the likely cause
    assert "1-mal während dieses Laufs abgestürzt" in lost.error["message"]
    assert fast.ok
    summary, _ = write_reports(outcome.results, tmp_path / "b")
    with open(summary, encoding="utf-8") as fh:
        assert [row["status"] for row in csv.DictReader(fh)] == ["failed", "ok"]
    # the interrupted folder is still known as a run folder, so --overwrite may replace it
    assert (tmp_path / "b" / "verloren" / RUN_MARKER).is_dir()
    assert interrupted_run(tmp_path / "b" / "verloren")


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def test_cli_batch_on_a_local_dask_cluster(tmp_path):
    nb = write(minimal(), tmp_path / "minimal.ipynb")
    grid = tmp_path / "raster.csv"
    grid.write_text("run_name;n;fail\neins;2;nein\nkaputt;3;ja\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "urbanki_helpers.cli", "batch", str(nb), "--grid", str(grid),
         "--out", str(tmp_path / "b"), "--engine", "dask", "--workers", "2", "--no-html",
         "--run-timeout", "600"],
        cwd=tmp_path, capture_output=True, text=True, timeout=BOUND_S,
        env={**os.environ, "URBANKI_NO_PROGRESS": "1"})
    assert r.returncode == 1, r.stderr
    assert "1 von 2 Läufen erfolgreich" in r.stdout
    with open(tmp_path / "b" / "summary.csv", encoding="utf-8") as fh:
        rows = {row["run_name"]: row for row in csv.DictReader(fh)}
    assert rows["eins"]["status"] == "ok" and rows["eins"]["result.params.n_times_factor"] == "3.0"
    assert rows["kaputt"]["error_message"] == "absichtlich gescheitert"
    assert "Traceback" not in r.stderr


def test_cli_unreachable_scheduler_and_misused_options_exit_2(minimal_notebook, tmp_path,
                                                              monkeypatch, capsys):
    monkeypatch.setattr(DaskEngine, "connect_timeout_default", 1.0)
    grid = tmp_path / "raster.csv"
    grid.write_text("n\n2\n", encoding="utf-8")
    base = ["batch", str(minimal_notebook), "--grid", str(grid), "--out", str(tmp_path / "b")]
    assert cli.main([*base, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "Der dask-Scheduler unter tcp://127.0.0.1:9 ist nicht erreichbar" in err
    assert "Traceback" not in err and not (tmp_path / "b").exists()
    assert cli.main([*base, "--engine", "process", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "--scheduler ist nur mit --engine dask möglich" in capsys.readouterr().err
    assert cli.main([*base, "--run-timeout", "5"]) == 2
    assert "--run-timeout ist nur mit --engine dask möglich" in capsys.readouterr().err
