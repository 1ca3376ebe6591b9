"""The pure pieces of benchmarks/run_benchmarks.py (no benchmark is executed here)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from urbanki_helpers.run.batch import plan_batch
from urbanki_helpers.run.curriculum import CURRICULUM, resolve_notebook
from urbanki_helpers.run.runner import read_notebook_parameters

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 ** 2


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "run_benchmarks", ROOT / "benchmarks" / "run_benchmarks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_markdown_table_aligns_and_escapes(bench):
    lines = bench.markdown_table(["id", "time (s)"], [("00", "1.5"), ("a|b", 2)], "lr")
    assert lines == ["| id | time (s) |", "| --- | ---: |", "| 00 | 1.5 |", "| a\\|b | 2 |"]
    with pytest.raises(ValueError):
        bench.markdown_table(["a", "b"], [("only one",)], "lr")


def test_formatting_helpers(bench):
    assert bench.fmt(None) == "–"
    assert bench.fmt(3.14159, 2) == "3.14"
    assert bench.ratio(6.0, 4.0) == 1.5
    assert bench.ratio(6.0, 0.0) is None and bench.ratio(None, 2.0) is None
    assert bench.gib(1.5 * 1024 ** 3) == "1.50"
    assert bench.unavailable("ImportError:  no\n module  dask") == \
        "nicht verfügbar: ImportError: no module dask"


def test_mem_total_from_meminfo(bench):
    text = "MemTotal:       24682716 kB\nMemFree:        1000 kB\n"
    assert bench.mem_total_bytes(text) == 24682716 * 1024
    assert bench.mem_total_bytes("MemFree: 1 kB\n") is None


def test_sections_are_checked_and_kept_in_order(bench):
    import argparse

    assert bench.parse_sections("imagery, batch") == ["batch", "imagery"]
    with pytest.raises(argparse.ArgumentTypeError, match="speed"):
        bench.parse_sections("batch,speed")


def test_batch_grid_is_twenty_distinct_valid_rows_of_notebook_00(bench, tmp_path):
    rows = bench.batch_grid(20)
    assert len(rows) == 20
    assert rows[0] == {"radius_m": 200, "test_weeks": 4}
    assert rows[19] == {"radius_m": 1150, "test_weeks": 10}
    assert len({tuple(sorted(r.items())) for r in rows}) == 20
    assert all(50 <= r["radius_m"] <= 3000 and 2 <= r["test_weeks"] <= 26 for r in rows)
    tasks = plan_batch(bench.BATCH_TARGET, rows, tmp_path / "runs", html=False)
    assert len(tasks) == 20 and not any(t.html for t in tasks)
    assert len({t.out_dir for t in tasks}) == 20


def test_notebook_00_as_script_injects_parameters_after_the_parameters_cell(bench, tmp_path):
    path, _ = resolve_notebook("00")
    code = bench.notebook_as_script(path, tmp_path / "out", {"radius_m": 650, "test_weeks": 6})
    compile(code, "00_einfuehrung.py", "exec")
    declared = code.index("radius_m: int = 400")
    injected = code.index("radius_m = 650")
    assert declared < injected < code.index("check_parameters(")
    assert f"output_dir = {str(tmp_path / 'out')!r}" in code
    assert code.index("test_weeks = 6") > code.index("test_weeks: int = 8")
    assert "IPython" not in code  # 00 calls no display(); 03 does and gets it imported
    path_03, _ = resolve_notebook("03")
    assert "from IPython.display import display\n" in bench.notebook_as_script(path_03, tmp_path)
    specs, _ = read_notebook_parameters(path)
    assert {"radius_m", "test_weeks", "output_dir"} <= set(specs)


def test_script_of_a_notebook_runs_with_magics_dropped_and_errors_shown_on_purpose(
        bench, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x: int = 1\noutput_dir: str = 'weg'",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("%matplotlib inline\n!echo hallo\ny = x * 10"),
        nbformat.v4.new_markdown_cell("# Überschrift"),
        nbformat.v4.new_code_cell("raise ValueError('gezeigt')",
                                  metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("import json, pathlib\npathlib.Path(output_dir).mkdir()\n"
                                  "(pathlib.Path(output_dir) / 'r.json').write_text("
                                  "json.dumps([x, y]))"),
    ]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    script = tmp_path / "probe.py"
    script.write_text(bench.notebook_as_script(path, tmp_path / "out", {"x": 7}),
                      encoding="utf-8")
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, check=True,
                   env=bench.script_env())
    assert json.loads((tmp_path / "out" / "r.json").read_text()) == [7, 70]


def test_run_script_reports_the_peak_memory_of_the_script(bench, tmp_path):
    small, big = tmp_path / "small.py", tmp_path / "big.py"
    small.write_text("x = 1\n")
    big.write_text("block = b'x' * (300 * 1024 * 1024)\n")
    env = bench.script_env()
    low, high = bench.run_script(small, tmp_path, env), bench.run_script(big, tmp_path, env)
    assert low.self_peak < 100 * MiB
    assert high.self_peak > 300 * MiB
    assert high.total_peak >= high.self_peak and high.seconds > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM of children: Linux")
def test_run_script_counts_child_processes_alive_together(bench, tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(  # two children one after the other: their peaks do not add up
        "import subprocess, sys\n"
        "for _ in range(2):\n"
        "    subprocess.run([sys.executable, '-c', "
        "\"import time; b = b'x' * (200 * 1024 * 1024); time.sleep(1.0)\"], check=True)\n")
    run = bench.run_script(script, tmp_path, bench.script_env())
    assert run.n_children == 1
    assert 200 * MiB < run.children_peak < 350 * MiB
    assert run.self_peak < 150 * MiB


def test_a_failing_script_raises_with_its_last_error_line(bench, tmp_path):
    script = tmp_path / "fails.py"
    script.write_text("raise KeyError('spalte')\n")
    with pytest.raises(RuntimeError, match="KeyError: 'spalte'"):
        bench.run_script(script, tmp_path, bench.script_env())


def test_durations_are_read_from_each_results_json(bench, tmp_path):
    for stem, seconds, status in (("00_einfuehrung", 8.25, "ok"), ("03_x", 30.0, "failed")):
        (tmp_path / stem).mkdir()
        (tmp_path / stem / "results.json").write_text(
            json.dumps({"duration_s": seconds, "status": status}))
    (tmp_path / "index.html").write_text("")
    assert bench.read_durations(tmp_path) == {"00_einfuehrung": (8.25, "ok"),
                                              "03_x": (30.0, "failed")}


def test_batch_table_has_ratios_to_plain_scripts_and_unavailable_engines(bench):
    timings = [bench.BatchTiming(bench.PLAIN, [60.0, 62.0, 58.0]),
               bench.BatchTiming("process", [90.0], n_failed=1),
               bench.BatchTiming("dask", error="ModuleNotFoundError: No module named 'dask'")]
    lines = bench.batch_lines(timings, 20, 2, 3)
    assert "| plain scripts | 60.0 | 20.0 | 1.00 | 0 |" in lines
    assert "| engine `process` | 90.0 | 13.3 | 1.50 | 1 |" in lines
    assert ("| engine `dask` | nicht verfügbar: ModuleNotFoundError: No module named 'dask' "
            "| – | – | – |") in lines


def test_memory_table_marks_the_budget(bench):
    uc = CURRICULUM[0]
    gb = 1024 ** 3
    light = bench.NotebookMeasure(uc, scripts=[bench.ScriptRun(5.0, int(0.3 * gb)),
                                               bench.ScriptRun(5.0, int(0.5 * gb))])
    heavy = bench.NotebookMeasure(uc, scripts=[bench.ScriptRun(5.0, int(1.0 * gb),
                                                               int(0.6 * gb), 2)])
    broken = bench.NotebookMeasure(uc, error="RuntimeError: plain script failed")
    lines = bench.memory_lines([light, heavy, broken], 2)
    assert "| 00 | 00_einfuehrung | 0.50 | 0.00 (0) | 0.50 | ja |" in lines
    assert "| 00 | 00_einfuehrung | 1.00 | 0.60 (2) | 1.60 | nein |" in lines
    assert any("nicht verfügbar: RuntimeError: plain script failed" in line for line in lines)


def test_overhead_table_gives_the_ratio(bench):
    m = bench.NotebookMeasure(CURRICULUM[0], runner_s=[8.0, 9.0, 10.0],
                              scripts=[bench.ScriptRun(s, 0) for s in (6.0, 6.0, 7.0)])
    assert "| 00 | 00_einfuehrung | 9.0 | 6.0 | 1.50 |" in bench.overhead_lines([m], 3)


def test_a_script_with_a_spawn_pool_is_not_run_again_in_its_workers(bench, tmp_path):
    script = tmp_path / "spawn.py"
    script.write_text(
        "import math, multiprocessing, pathlib\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "ctx = multiprocessing.get_context('spawn')\n"
        "with ProcessPoolExecutor(1, mp_context=ctx) as pool:\n"
        "    value = pool.submit(math.factorial, 5).result()\n"
        "with open('ran.txt', 'a') as f:\n"
        "    f.write(f'{value}\\n')\n")
    run = bench.run_script(script, tmp_path, bench.script_env())
    assert (tmp_path / "ran.txt").read_text() == "120\n"
    assert run.self_peak > 0
