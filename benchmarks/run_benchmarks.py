"""Benchmarks of the curriculum (``make bench``; never part of ``make test``).

Measures on the machine it runs on and writes a Markdown table with medians over repeated
runs to ``bench-results/benchmarks.md``:

- each available notebook executed by the runner (papermill, one kernel) against the same code
  run as a plain Python script, as a ratio (the per-notebook overhead of kernels and reports);
- the tiled aerial-image pipeline (``benchmarks/imagery_benchmark.py``): megapixels per second
  on one core and on all cores, relative to one tile, and peak memory on a 10,000 × 10,000
  pixel 4-band scene (target: under 2 GB), written to ``imagery_benchmark.md``.

Usage: python benchmarks/run_benchmarks.py [--repeat 3] [--out bench-results]
       [--imagery-size 10000 | --imagery-size 0 to skip]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from urbanki_helpers.run.curriculum import CURRICULUM  # noqa: E402
from urbanki_helpers.run.runner import run_notebook  # noqa: E402


def notebook_as_script(path: Path, output_dir: Path) -> str:
    """The notebook's code cells as one script, with output_dir pointed at ``output_dir``."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        parts.append(source)
        if "parameters" in cell.metadata.get("tags", []):
            parts.append(f"output_dir = {str(output_dir)!r}")
    return "import matplotlib\nmatplotlib.use('Agg')\n" + "\n\n".join(parts) + "\n"


def time_script(path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "script.py"
        script.write_text(notebook_as_script(path, Path(tmp) / "out"), encoding="utf-8")
        env = {**os.environ, "URBANKI_BATCH": "1", "MPLBACKEND": "Agg"}
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(script)], cwd=path.parent, check=True, env=env,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - t0


def time_runner(path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = run_notebook(path, {}, out_dir=Path(tmp) / "run")
        elapsed = time.perf_counter() - t0
        if not result.ok:
            raise SystemExit(f"{path.name} failed: {result.error}")
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    parser.add_argument("--imagery-size", type=int, default=10_000,
                        help="edge of the pipeline benchmark scene in pixels (0: skip)")
    args = parser.parse_args()

    rows = []
    for uc in (uc for uc in CURRICULUM if uc.available):
        runner = statistics.median(time_runner(uc.path) for _ in range(args.repeat))
        script = statistics.median(time_script(uc.path) for _ in range(args.repeat))
        rows.append((uc.id, uc.stem, runner, script, runner / script))
        print(f"{uc.id}: runner {runner:.1f} s, script {script:.1f} s, "
              f"ratio {runner / script:.2f}", flush=True)

    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; median of {args.repeat} runs.",
        "",
        "| id | notebook | runner (s) | plain script (s) | ratio runner / script |",
        "| --- | --- | ---: | ---: | ---: |",
        *[f"| {i} | {stem} | {r:.1f} | {s:.1f} | {q:.2f} |" for i, stem, r, s, q in rows],
        "",
        "The runner includes the kernel start, papermill's cell-by-cell saving, the HTML report "
        "and results.json; the script runs the same code cells once with `python`.",
    ]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmarks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written: {out / 'benchmarks.md'}")
    if args.imagery_size:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "imagery_benchmark.py"),
                        "--size", str(args.imagery_size), "--out", str(out)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
