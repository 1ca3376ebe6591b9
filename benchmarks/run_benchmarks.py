"""Benchmarks of the curriculum (``make bench``; never part of ``make test``).

Measures on the machine it runs on and writes ``bench-results/benchmarks.md`` with medians over
``--repeat`` runs, in sections (``--only`` selects some of them):

- curriculum: ``urbanki run --all --out <tmp> --overwrite`` as ``make reports`` runs it (default
  workers): wall seconds in total, and each notebook's ``duration_s`` from its ``results.json``;
- overhead: each notebook executed by the runner (papermill, one kernel, HTML report) against
  the same code cells run as a plain Python script, as a ratio;
- memory: peak resident memory of each notebook's plain script and of its child processes,
  against the budget of 1.5 GB per notebook (the scripts of the overhead section, measured in
  the same run: each script runs once per repeat);
- batch: a grid of light runs of notebook 00 (default 20, no HTML) with the process pool, warm
  kernels and dask (LocalCluster), each on 2 workers, against the same runs as plain scripts on
  2 processes; an engine that is unavailable or fails gets "nicht verfügbar: <reason>";
- imagery: ``benchmarks/imagery_benchmark.py`` (throughput and peak memory of the tiled
  pipeline of use case 02); its ``imagery_benchmark.md`` is included.

Usage: python benchmarks/run_benchmarks.py [--only curriculum,overhead,memory,batch,imagery]
       [--repeat 3] [--quick] [--notebooks 00,07] [--grid-size 20] [--workers 2]
       [--imagery-size 10000] [--out bench-results]

``--quick`` (for development): one repeat, a grid of 4 runs, a 2,048 px imagery scene.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))  # also when imported by the tests

from imagery_benchmark import vmhwm_bytes  # noqa: E402

from urbanki_helpers.run.curriculum import CURRICULUM, UseCase, use_case  # noqa: E402

SECTIONS = ("curriculum", "overhead", "memory", "batch", "imagery")
MEMORY_LIMIT_BYTES = int(1.5 * 1024 ** 3)  # per notebook; a trainee laptop has 8 GB
BATCH_TARGET = "00"
BATCH_ENGINES = ("process", "warm", "dask")
PLAIN = "plain scripts"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
QUICK = {"repeat": 1, "grid_size": 4, "imagery_size": 2048}
DEFAULTS = {"repeat": 3, "grid_size": 20, "imagery_size": 10_000}


# --- formatting ------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals, or "–" for a missing one."""
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def gib(n_bytes: float | None) -> str:
    return "–" if n_bytes is None else f"{n_bytes / 1024 ** 3:.2f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                   align: str) -> list[str]:
    """The lines of a Markdown table; ``align`` has one letter per column, ``l`` or ``r``."""
    if len(align) != len(headers) or any(len(r) != len(headers) for r in rows):
        raise ValueError("every row and the alignment need one entry per header")

    def cells(values):
        return "| " + " | ".join(str(v).replace("|", "\\|") for v in values) + " |"

    return [cells(headers), cells("---:" if a == "r" else "---" for a in align),
            *(cells(r) for r in rows)]


def unavailable(reason: str) -> str:
    """The table cell of a measurement that could not be made."""
    reason = " ".join(str(reason).split())
    return f"nicht verfügbar: {reason[:160]}"


# --- the machine ----------------------------------------------------------------------------


def mem_total_bytes(meminfo_text: str) -> int | None:
    """``MemTotal`` of ``/proc/meminfo`` in bytes."""
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB", meminfo_text, flags=re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def machine_line() -> str:
    meminfo = Path("/proc/meminfo")
    ram = mem_total_bytes(meminfo.read_text()) if meminfo.exists() else None
    load = ", load average at start {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg()) \
        if hasattr(os, "getloadavg") else ""
    return (f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, {gib(ram)} GiB RAM{load}.")


# --- a notebook as a plain script ------------------------------------------------------------


def notebook_as_script(path: Path, output_dir: Path,
                       parameters: dict[str, Any] | None = None) -> str:
    """The notebook's code cells as one script, with ``parameters`` and ``output_dir`` set
    after the ``parameters`` cell (as papermill injects them). Shell and magic lines are
    dropped; a cell tagged ``raises-exception`` runs inside ``try``."""
    nb = nbformat.read(path, as_version=4)
    injected = {**(parameters or {}), "output_dir": str(output_dir)}
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        tags = cell.metadata.get("tags", [])
        if "raises-exception" in tags:
            source = ("try:\n" + textwrap.indent(source or "pass", "    ")
                      + "\nexcept Exception:\n    pass")
        parts.append(source)
        if "parameters" in tags:
            parts.append("\n".join(f"{name} = {value!r}" for name, value in injected.items()))
    prelude = "import matplotlib\nmatplotlib.use('Agg')\n"
    if any("display(" in part for part in parts):  # a kernel provides display() built in
        prelude += "from IPython.display import display\n"
    return prelude + "\n\n".join(parts) + "\n"


def script_env(threads: int | None = None) -> dict[str, str]:
    """The environment of a plain-script run: batch mode (no widgets), no display; with
    ``threads``, that many threads for numeric libraries (unless set already)."""
    env = {**os.environ, "URBANKI_BATCH": "1", "MPLBACKEND": "Agg"}
    if threads is not None:
        for name in THREAD_VARIABLES:
            env.setdefault(name, str(threads))
    return env


# Runs a script in the namespace of ``__main__`` as a Jupyter kernel does: without
# ``__file__``, so that worker processes started with "spawn" or "forkserver" do not run the
# whole script again (``runpy.run_path`` would set it). At exit it writes the peak resident
# set size of its process to a JSON file: VmHWM on Linux (ru_maxrss survives exec there and
# would report the size of the benchmark process that started it), else ru_maxrss.
PEAK_WRAPPER = """\
def _benchmark_main():
    import json, os, resource, sys
    script, report = sys.argv[1], sys.argv[2]
    sys.argv = [script]
    sys.path[0] = os.path.dirname(script)
    with open(script, encoding="utf-8") as f:
        code = compile(f.read(), script, "exec")
    try:
        exec(code, vars(sys.modules["__main__"]))
    finally:
        peak = 0
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1]) * 1024
        except OSError:
            scale = 1 if sys.platform == "darwin" else 1024
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
        with open(report, "w") as f:
            json.dump({"self_peak": peak}, f)


_benchmark_main()
"""


@dataclass
class ScriptRun:
    """One plain-script run: wall seconds and peak resident memory in bytes."""

    seconds: float
    self_peak: int
    children_peak: int = 0  # highest sum of the peaks of the child processes alive together
    n_children: int = 0  # most child processes alive together

    @property
    def total_peak(self) -> int:
        """Upper bound of the peak of the whole process tree (peaks need not coincide)."""
        return self.self_peak + self.children_peak


def _peak_of(pid: int, psutil) -> int:
    try:  # Linux: the kernel's high-water mark, so short peaks between samples count
        peak = vmhwm_bytes(Path(f"/proc/{pid}/status").read_text())
        if peak:
            return peak
    except OSError:
        pass
    return psutil.Process(pid).memory_info().rss


def run_script(script: Path, cwd: Path, env: dict[str, str]) -> ScriptRun:
    """Run ``script`` with Python in a child process; its peak memory and, sampled every
    0.2 s with psutil, those of its own child processes (worker pools): the highest sum of
    the peaks of the children alive at one sample, so pools that follow one another do not
    add up."""
    try:
        import psutil
    except ImportError:
        psutil = None
    report = script.with_suffix(".peak.json")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", PEAK_WRAPPER, str(script), str(report)],
                            cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    together = {"peak": 0, "count": 0}
    stop = threading.Event()

    def sample():
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                family = root.children(recursive=True)
            except psutil.Error:
                break
            alive = []
            for p in family:
                try:
                    alive.append(_peak_of(p.pid, psutil))
                except (psutil.Error, ValueError):
                    continue
            together["peak"] = max(together["peak"], sum(alive))
            together["count"] = max(together["count"], len(alive))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True) if psutil else None
    if sampler:
        sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    if sampler:
        sampler.join()
    if proc.returncode != 0:
        tail = stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise RuntimeError(f"plain script failed: {tail[0]}")
    self_peak = json.loads(report.read_text())["self_peak"]
    return ScriptRun(seconds, self_peak, together["peak"], together["count"])


def measure_script(path: Path, parameters: dict[str, Any] | None = None,
                   threads: int | None = None) -> ScriptRun:
    """The notebook at ``path`` as a plain script, run from the notebook's folder."""
    with tempfile.TemporaryDirectory(prefix="urbanki-bench-script-") as tmp:
        script = Path(tmp) / "script.py"
        script.write_text(notebook_as_script(path, Path(tmp) / "out", parameters),
                          encoding="utf-8")
        return run_script(script, path.parent, script_env(threads))


def time_runner(path: Path) -> float:
    """Wall seconds of one run by the runner (papermill, a new kernel, HTML report)."""
    from urbanki_helpers.run.runner import run_notebook

    with tempfile.TemporaryDirectory(prefix="urbanki-bench-runner-") as tmp:
        t0 = time.perf_counter()
        result = run_notebook(path, {}, out_dir=Path(tmp) / "run")
        elapsed = time.perf_counter() - t0
        if not result.ok:
            err = result.error or {}
            raise RuntimeError(f"runner: {err.get('type')}: {err.get('message')}")
        return elapsed


# --- sections: overhead and memory ------------------------------------------------------------


@dataclass
class NotebookMeasure:
    """Repeated runs of one notebook by the runner and as a plain script."""

    uc: UseCase
    runner_s: list[float] = field(default_factory=list)
    scripts: list[ScriptRun] = field(default_factory=list)
    error: str | None = None


def measure_notebooks(use_cases: Sequence[UseCase], repeat: int, *, runner: bool,
                      script: bool) -> list[NotebookMeasure]:
    """Each notebook ``repeat`` times by the runner and/or as a plain script, alternating."""
    measures = []
    for uc in use_cases:
        m = NotebookMeasure(uc)
        try:
            for _ in range(repeat):
                if runner:
                    m.runner_s.append(time_runner(uc.path))
                if script:
                    m.scripts.append(measure_script(uc.path))
        except Exception as exc:  # noqa: BLE001 - reported in the notebook's row
            m.error = f"{type(exc).__name__}: {exc}"
        measures.append(m)
        s = median([r.seconds for r in m.scripts])
        peak = max((r.total_peak for r in m.scripts), default=None)
        print(f"{uc.id}: runner {fmt(median(m.runner_s))} s, script {fmt(s)} s, "
              f"peak {gib(peak)} GB{'  ' + m.error if m.error else ''}", flush=True)
    return measures


def overhead_lines(measures: Sequence[NotebookMeasure], repeat: int) -> list[str]:
    rows = []
    for m in measures:
        runner, script = median(m.runner_s), median([r.seconds for r in m.scripts])
        if m.error and (runner is None or script is None):
            rows.append((m.uc.id, m.uc.stem, unavailable(m.error), "–", "–"))
        else:
            rows.append((m.uc.id, m.uc.stem, fmt(runner), fmt(script),
                         fmt(ratio(runner, script), 2)))
    return [
        "## Per-notebook overhead: runner against plain script",
        "",
        f"Median of {repeat} run(s), one after the other.",
        "",
        *markdown_table(["id", "notebook", "runner (s)", "plain script (s)",
                         "ratio runner / script"], rows, "llrrr"),
        "",
        "The runner includes the kernel start, papermill's cell-by-cell saving, the HTML report "
        "and results.json; the plain script runs the same code cells once with `python` "
        "(from the notebook's folder, `URBANKI_BATCH=1`, matplotlib's Agg backend).",
    ]


def memory_lines(measures: Sequence[NotebookMeasure], repeat: int) -> list[str]:
    rows = []
    for m in measures:
        if not m.scripts:
            rows.append((m.uc.id, m.uc.stem, unavailable(m.error or "no run"), "–", "–", "–"))
            continue
        top = max(m.scripts, key=lambda r: r.total_peak)
        rows.append((m.uc.id, m.uc.stem, gib(top.self_peak),
                     f"{gib(top.children_peak)} ({top.n_children})", gib(top.total_peak),
                     "ja" if top.total_peak < MEMORY_LIMIT_BYTES else "nein"))
    return [
        "## Peak memory per notebook",
        "",
        f"Highest of {repeat} run(s) of each notebook's code as a plain script; budget "
        f"{MEMORY_LIMIT_BYTES / 1024 ** 3:.1f} GB per notebook (a trainee laptop has 8 GB).",
        "",
        *markdown_table(["id", "notebook", "peak script (GB)",
                         "peak child processes (GB, count)", "peak total (GB)", "< 1.5 GB"],
                        rows, "llrrrl"),
        "",
        "Peak = resident set size high-water mark (`VmHWM` on Linux, else `ru_maxrss`) of the "
        "script's process, read at its exit, plus the highest sum of those of its child "
        "processes alive at the same time (worker pools; read with psutil every 0.2 s, count "
        "in brackets). The total is an upper bound: the peaks need not coincide and shared "
        "pages count once per process. Run inside a Jupyter kernel, a "
        "notebook also holds its outputs; the kernel's own size is not included.",
    ]


# --- section: the whole curriculum -----------------------------------------------------------


def urbanki_command() -> list[str]:
    """The ``urbanki`` command of this environment (the venv's script if there is one)."""
    exe = Path(sys.executable).with_name("urbanki")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from urbanki_helpers.cli import main; "
            "sys.exit(main())"]


def read_durations(out_dir: Path) -> dict[str, tuple[float, str]]:
    """``{stem: (duration_s, status)}`` from the ``results.json`` in each run folder."""
    found = {}
    for results in sorted(Path(out_dir).glob("*/results.json")):
        data = json.loads(results.read_text(encoding="utf-8"))
        found[results.parent.name] = (float(data["duration_s"]), str(data["status"]))
    return found


@dataclass
class CurriculumRun:
    seconds: float
    durations: dict[str, tuple[float, str]]
    returncode: int


def run_curriculum() -> CurriculumRun:
    """``urbanki run --all`` into a new temporary folder, as ``make reports`` runs it."""
    with tempfile.TemporaryDirectory(prefix="urbanki-bench-reports-") as tmp:
        out = Path(tmp) / "reports"
        cmd = [*urbanki_command(), "run", "--all", "--out", str(out), "--overwrite"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - t0
        return CurriculumRun(seconds, read_durations(out), proc.returncode)


def curriculum_lines(runs: Sequence[CurriculumRun], error: str | None = None) -> list[str]:
    head = ["## The whole curriculum (`make reports` without set-up)", ""]
    if not runs:
        return [*head, unavailable(error or "no run")]
    totals = [r.seconds for r in runs]
    rows = []
    for uc in (uc for uc in CURRICULUM if uc.available):
        values = [r.durations[uc.stem][0] for r in runs if uc.stem in r.durations]
        failed = sum(r.durations.get(uc.stem, (0, "missing"))[1] != "ok" for r in runs)
        rows.append((uc.id, uc.stem, fmt(median(values)),
                     "ok" if not failed else f"{failed} of {len(runs)} not ok"))
    codes = sorted({r.returncode for r in runs})
    return [
        *head,
        f"`urbanki run --all --out <tmp> --overwrite` (default workers: one per core): "
        f"**{fmt(median(totals))} s** wall time, median of {len(runs)} run(s) "
        f"({', '.join(fmt(t) for t in totals)} s); exit code(s) {', '.join(map(str, codes))}.",
        "",
        *markdown_table(["id", "notebook", "duration_s (median)", "status"], rows, "llrl"),
        "",
        "`duration_s` comes from each run's results.json: kernel start and execution, without "
        "the HTML report; notebooks run in parallel here, so each shares the cores with "
        "another one.",
    ]


# --- section: batch throughput ---------------------------------------------------------------


def batch_grid(n: int) -> list[dict[str, int]]:
    """``n`` distinct light parameter rows for notebook 00: ``radius_m`` 200, 250, … m and
    ``test_weeks`` cycling through 4, 6, 8, 10 (all within the declared ranges)."""
    return [{"radius_m": 200 + 50 * i, "test_weeks": 4 + 2 * (i % 4)} for i in range(n)]


@dataclass
class BatchTiming:
    """Repeated timings of one way to execute the grid."""

    label: str
    seconds: list[float] = field(default_factory=list)
    n_failed: int = 0
    error: str | None = None

    @property
    def median_s(self) -> float | None:
        return median(self.seconds)


def run_engine_batch(name: str, rows: Sequence[dict[str, Any]], workers: int) -> tuple[float,
                                                                                       int]:
    """Wall seconds (engine start included) and failed runs of the grid with engine ``name``.
    Raises when the engine cannot start or every run fails."""
    from urbanki_helpers.run.batch import get_engine, plan_batch, run_tasks

    with tempfile.TemporaryDirectory(prefix=f"urbanki-bench-{name}-") as tmp:
        tasks = plan_batch(BATCH_TARGET, rows, Path(tmp) / "runs", html=False, base_dir=ROOT)
        t0 = time.perf_counter()
        outcome = run_tasks(tasks, get_engine(name, workers=workers))
        seconds = time.perf_counter() - t0
    failed = [r for r in outcome.results if not r.ok]
    if len(outcome.results) != len(tasks) or len(failed) == len(tasks):
        err = (failed[0].error or {}) if failed else {"message": "runs missing"}
        raise RuntimeError(f"{err.get('type', '')}: {err.get('message')}".strip(": "))
    return seconds, len(failed)


def run_plain_batch(rows: Sequence[dict[str, Any]], workers: int) -> tuple[float, int]:
    """Wall seconds and failed runs of the grid as plain scripts, ``workers`` at a time,
    each with its share of the cores for numeric libraries (as the engines give theirs)."""
    from urbanki_helpers.run.curriculum import resolve_notebook

    path, _ = resolve_notebook(BATCH_TARGET)
    env = script_env(max(1, (os.cpu_count() or 1) // workers))
    with tempfile.TemporaryDirectory(prefix="urbanki-bench-plain-") as tmp:
        scripts = []
        for i, row in enumerate(rows):
            folder = Path(tmp) / f"{i:03d}"
            folder.mkdir()
            script = folder / "script.py"
            script.write_text(notebook_as_script(path, folder / "out", row), encoding="utf-8")
            scripts.append(script)

        def run(script: Path) -> str | None:
            try:
                run_script(script, path.parent, env)
            except RuntimeError as exc:
                return str(exc)
            return None

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            errors = [e for e in pool.map(run, scripts) if e is not None]
        seconds = time.perf_counter() - t0
    if len(errors) == len(rows):
        raise RuntimeError(errors[0])
    return seconds, len(errors)


def measure_batch(rows: Sequence[dict[str, Any]], workers: int, repeat: int,
                  engines: Sequence[str] = BATCH_ENGINES) -> list[BatchTiming]:
    """Plain scripts and each engine, interleaved per repeat; an engine that fails once is
    not tried again."""
    timings = {label: BatchTiming(label) for label in (PLAIN, *engines)}
    for _ in range(repeat):
        for label, t in timings.items():
            if t.error:
                continue
            try:
                if label == PLAIN:
                    seconds, failed = run_plain_batch(rows, workers)
                else:
                    seconds, failed = run_engine_batch(label, rows, workers)
            except Exception as exc:  # noqa: BLE001 - reported in the engine's row
                t.error = f"{type(exc).__name__}: {exc}"
                print(f"batch {label}: {t.error}", flush=True)
                continue
            t.seconds.append(seconds)
            t.n_failed = max(t.n_failed, failed)
            print(f"batch {label}: {seconds:.1f} s for {len(rows)} runs, {failed} failed",
                  flush=True)
    return list(timings.values())


def batch_lines(timings: Sequence[BatchTiming], n_runs: int, workers: int,
                repeat: int) -> list[str]:
    plain = next((t.median_s for t in timings if t.label == PLAIN and not t.error), None)
    rows = []
    for t in timings:
        what = t.label if t.label == PLAIN else f"engine `{t.label}`"
        if t.error or t.median_s is None:
            rows.append((what, unavailable(t.error or "no run"), "–", "–", "–"))
            continue
        rows.append((what, fmt(t.median_s), fmt(n_runs / t.median_s * 60),
                     fmt(ratio(t.median_s, plain), 2), t.n_failed))
    return [
        "## Batch throughput",
        "",
        f"{n_runs} light runs of notebook {BATCH_TARGET} (`radius_m` 200 to "
        f"{200 + 50 * (n_runs - 1)} m, `test_weeks` 4 to 10, no HTML report) on {workers} "
        f"workers; median of {repeat} run(s) of the whole grid, the ways interleaved.",
        "",
        *markdown_table(["executed by", "time (s)", "runs / minute", "ratio to plain scripts",
                         "failed runs"], rows, "lrrrr"),
        "",
        "Times include starting the pool, the warm kernels or the dask LocalCluster. The plain "
        f"scripts run the same code cells with the row's parameters, {workers} `python` "
        "processes at a time (`concurrent.futures` + `subprocess`), each with its share of the "
        "cores for numeric libraries, as the engines give each kernel.",
    ]


# --- section: imagery ------------------------------------------------------------------------


def run_imagery(size: int, out: Path) -> list[str]:
    """Run imagery_benchmark.py and return its Markdown, headings moved one level down."""
    head = ["## Aerial-image pipeline (use case 02)", ""]
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "imagery_benchmark.py"),
                           "--size", str(size), "--out", str(out)],
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return [*head, unavailable(tail[0])]
    text = (out / "imagery_benchmark.md").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("# ")]
    return [*head, f"From `imagery_benchmark.md` (`--size {size}`):", *body]


# --- main ------------------------------------------------------------------------------------


def parse_sections(text: str) -> list[str]:
    chosen = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown section(s) {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(SECTIONS)}")
    return [s for s in SECTIONS if s in chosen]


def select_use_cases(text: str | None) -> list[UseCase]:
    """The available notebooks, or those named (ids or stems, comma-separated)."""
    if not text:
        return [uc for uc in CURRICULUM if uc.available]
    return [use_case(key) for key in text.split(",") if key.strip()]


def write_report(out: Path, header: list[str], sections: dict[str, list[str]]) -> Path:
    lines = list(header)
    for name in SECTIONS:
        if name in sections:
            lines += ["", *sections[name]]
    out.mkdir(parents=True, exist_ok=True)
    target = out / "benchmarks.md"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=parse_sections, default=list(SECTIONS),
                        help=f"comma-separated sections (default: all of {','.join(SECTIONS)})")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement "
                        f"(default {DEFAULTS['repeat']}, --quick {QUICK['repeat']})")
    parser.add_argument("--quick", action="store_true",
                        help="for development: 1 repeat, 4 grid runs, 2048 px imagery scene")
    parser.add_argument("--notebooks", default=None,
                        help="overhead/memory only for these ids (e.g. 00,07; default: all)")
    parser.add_argument("--grid-size", type=int, default=None, help="runs in the batch grid "
                        f"(default {DEFAULTS['grid_size']}, --quick {QUICK['grid_size']})")
    parser.add_argument("--workers", type=int, default=2, help="workers of the batch section")
    parser.add_argument("--imagery-size", type=int, default=None, help="edge of the imagery "
                        f"scene in pixels (default {DEFAULTS['imagery_size']}, --quick "
                        f"{QUICK['imagery_size']})")
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else DEFAULTS
    repeat = args.repeat or preset["repeat"]
    grid_size = args.grid_size or preset["grid_size"]
    imagery_size = args.imagery_size or preset["imagery_size"]
    out = Path(args.out)

    started = dt.datetime.now().astimezone()
    header = [
        "# Benchmarks",
        "",
        machine_line(),
        f"Started {started:%Y-%m-%d %H:%M %Z}; sections: {', '.join(args.only)}; "
        f"median of {repeat} run(s){' (--quick)' if args.quick else ''}.",
    ]
    sections: dict[str, list[str]] = {}

    def done(name: str, lines: list[str]) -> None:
        sections[name] = lines
        print(f"written: {write_report(out, header, sections)} ({name})", flush=True)

    if "curriculum" in args.only:
        runs, error = [], None
        for i in range(repeat):
            try:
                runs.append(run_curriculum())
                print(f"curriculum run {i + 1}: {runs[-1].seconds:.1f} s, exit code "
                      f"{runs[-1].returncode}", flush=True)
            except Exception as exc:  # noqa: BLE001 - reported in the section
                error = f"{type(exc).__name__}: {exc}"
                break
        done("curriculum", curriculum_lines(runs, error))
    if "overhead" in args.only or "memory" in args.only:
        measures = measure_notebooks(select_use_cases(args.notebooks), repeat,
                                     runner="overhead" in args.only,
                                     script=True)
        if "overhead" in args.only:
            done("overhead", overhead_lines(measures, repeat))
        if "memory" in args.only:
            done("memory", memory_lines(measures, repeat))
    if "batch" in args.only:
        timings = measure_batch(batch_grid(grid_size), args.workers, repeat)
        done("batch", batch_lines(timings, grid_size, args.workers, repeat))
    if "imagery" in args.only:
        done("imagery", run_imagery(imagery_size, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
