"""Warm kernels: many runs in one kernel, each starting from the same clean state."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import fixture_notebooks
import nbformat
import pytest

from urbanki_helpers.run.batch import get_engine, plan_batch, run_tasks
from urbanki_helpers.run.runner import run_notebook
from urbanki_helpers.run.warm import WarmKernel, WarmProcessEngine

pytestmark = pytest.mark.notebook

#: Enough for the fixture notebooks, and quicker to start than the full PRELOAD.
LIGHT = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot")


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("warm")
    (folder / "warm_probe_local.py").write_text("COUNTER = 0\n", encoding="utf-8")
    return fixture_notebooks.write(fixture_notebooks.warm_probe(), folder / "warm_probe.ipynb")


@pytest.fixture(scope="module")
def kernel():
    with WarmKernel(preload=LIGHT) as warm:
        yield warm


def probe_run(probe: Path, out_dir: Path, kernel: WarmKernel | None = None,
              timeout: float | None = None, **params):
    return run_notebook(probe, params, out_dir=out_dir, kernel=kernel, timeout=timeout,
                        html=False)


def seen(result) -> dict:
    return {k.removeprefix("seen."): v for k, v in result.results.items()
            if k.startswith("seen.")}


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def assert_clean(state: dict, notebook: Path) -> None:
    """The state the probe finds in a new kernel (its first cell imports numpy, pandas,
    matplotlib and urbanki_helpers)."""
    assert state["records_before"] == []  # urbanki_helpers.run.results imported afresh
    assert state["leftover"] is False
    assert state["marker"] is None
    assert state["local_counter"] == 0
    assert state["env"] is None and state["batch_env"] == "1"
    assert state["cwd"] == str(notebook.parent)
    assert state["sys_path_extra"] is False and state["argv_extra"] is False
    assert state["builtin_extra"] is False
    assert state["pandas_max_rows"] == 60
    assert state["rc_linewidth"] == 1.5
    assert state["backend"] == "module://matplotlib_inline.backend_inline"
    assert state["open_figures"] == 0
    assert state["np_precision"] == 8 and state["np_divide"] == "warn"


def test_two_runs_share_the_kernel_and_the_second_finds_nothing_of_the_first(
        probe, kernel, tmp_path):
    first = probe_run(probe, tmp_path / "eins", kernel)
    starts = kernel.starts
    second = probe_run(probe, tmp_path / "zwei", kernel)
    assert first.ok and second.ok, (first.error, second.error)
    assert kernel.starts == starts  # no new kernel for the second run
    assert seen(first)["pid"] == seen(second)["pid"] == kernel.pid
    assert_clean(seen(second), probe)
    # Everything else, including the history, the warnings filters and numpy's global
    # random state, is also as the first run found it.
    assert seen(second) == seen(first)
    assert second.results["done"] is True


def test_the_warm_state_is_the_state_of_a_new_kernel(probe, kernel, tmp_path):
    cold = probe_run(probe, tmp_path / "kalt")
    probe_run(probe, tmp_path / "vorher", kernel)
    warm = probe_run(probe, tmp_path / "warm", kernel)
    assert cold.ok and warm.ok
    assert_clean(seen(cold), probe)
    different = {k for k in seen(cold) if seen(cold)[k] != seen(warm)[k]}
    assert different == {"pid", "np_random"}  # a new process, a newly seeded generator


def test_a_failed_run_leaves_a_failed_result_and_the_next_run_is_clean(
        probe, kernel, tmp_path):
    failed = probe_run(probe, tmp_path / "scheitert", kernel, fail=True)
    pid = kernel.pid
    after = probe_run(probe, tmp_path / "danach", kernel)
    assert failed.status == "failed"
    assert failed.error["type"] == "ValueError"
    assert failed.error["message"] == "absichtlich gescheitert"
    assert "done" not in failed.results
    assert after.ok and seen(after)["pid"] == pid == seen(failed)["pid"]
    assert_clean(seen(after), probe)


def test_a_kernel_that_cannot_be_reset_is_replaced(probe, kernel, tmp_path):
    broken = probe_run(probe, tmp_path / "kaputt", kernel, sabotage=True)
    starts, old_pid = kernel.starts, seen(broken)["pid"]
    after = probe_run(probe, tmp_path / "neu", kernel)
    assert broken.ok and after.ok
    assert kernel.starts == starts + 1
    assert seen(after)["pid"] == kernel.pid != old_pid
    assert not running(old_pid)
    assert_clean(seen(after), probe)


def test_a_kernel_killed_between_runs_is_replaced(probe, kernel, tmp_path):
    before = probe_run(probe, tmp_path / "vorher", kernel)
    starts, old_pid = kernel.starts, kernel.pid
    os.kill(old_pid, signal.SIGKILL)
    after = probe_run(probe, tmp_path / "nachher", kernel)
    assert before.ok and after.ok
    assert kernel.starts == starts + 1
    assert seen(after)["pid"] == kernel.pid != old_pid
    assert_clean(seen(after), probe)


def test_a_run_that_times_out_ends_its_kernel_and_the_next_run_gets_a_new_one(
        probe, kernel, tmp_path):
    probe_run(probe, tmp_path / "vorher", kernel)
    starts, old_pid = kernel.starts, kernel.pid
    stuck = probe_run(probe, tmp_path / "haengt", kernel, timeout=2, sleep_s=600)
    assert stuck.status == "failed" and stuck.error["type"] == "CellTimeoutError"
    assert not running(old_pid)  # a busy kernel is never reused
    after = probe_run(probe, tmp_path / "danach", kernel)
    assert after.ok and kernel.starts == starts + 1
    assert seen(after)["pid"] == kernel.pid != old_pid
    assert_clean(seen(after), probe)


def code_cells(run_dir: Path, stem: str) -> list:
    """Execution count and outputs of every code cell, with the run folder's own path
    (a parameter) replaced by ``<run>``."""
    nb = nbformat.read(run_dir / f"{stem}.ipynb", as_version=4)
    return [(c.execution_count, json.dumps(c.outputs).replace(str(run_dir), "<run>"))
            for c in nb.cells if c.cell_type == "code"]


def test_a_warm_run_gives_what_a_cold_run_gives(minimal_notebook, kernel, tmp_path):
    params = {"ags": "01067000", "n": "7", "names": "x,y"}
    cold = run_notebook(minimal_notebook, params, out_dir=tmp_path / "kalt")
    run_notebook(minimal_notebook, {"n": "2"}, out_dir=tmp_path / "vorher", kernel=kernel)
    warm = run_notebook(minimal_notebook, params, out_dir=tmp_path / "warm", kernel=kernel)
    assert cold.ok and warm.ok
    assert warm.results == cold.results == {
        "params.ags": "01067000", "params.n_times_factor": 10.5, "params.names": ["x", "y"],
        "done": True}
    assert sorted(p.name for p in (tmp_path / "warm").iterdir()) == sorted(
        p.name for p in (tmp_path / "kalt").iterdir())
    assert (tmp_path / "warm" / "hello.txt").read_text() == "hallo"
    # Same outputs and the same cell numbers (1, 2, ...) as in a new kernel.
    assert code_cells(tmp_path / "warm", "minimal") == code_cells(tmp_path / "kalt", "minimal")


def test_the_warm_engine_reuses_one_kernel_per_worker_and_leaves_none_behind(probe, tmp_path):
    assert isinstance(get_engine("warm", workers=2), WarmProcessEngine)
    rows = [{"run_name": f"lauf{i}", "fail": "true" if i == 1 else "false"} for i in range(4)]
    tasks = plan_batch(str(probe), rows, tmp_path / "batch", html=False)
    outcome = run_tasks(tasks, WarmProcessEngine(2, preload=LIGHT))
    by_name = {r.run_name: r for r in outcome.results}
    assert [r.ok for r in outcome.results] == [True, False, True, True]
    assert by_name["lauf1"].error["message"] == "absichtlich gescheitert"
    pids = {seen(r)["pid"] for r in outcome.results}
    assert 1 <= len(pids) <= 2  # four runs, at most two kernels
    for result in outcome.results:
        assert_clean(seen(result), probe)
    assert not [pid for pid in pids if running(pid)]  # every kernel ended with the batch
