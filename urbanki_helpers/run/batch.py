"""Many notebook runs: a parameter grid, a pluggable executor, and a summary of all runs.

The executor is an *engine*: anything with ``map_unordered(fn, items)`` that yields
``(index, result_or_exception)`` as runs finish. The default engine is a pool of worker
processes (one kernel per process, never threads); a distributed engine (dask) registers
itself with :func:`register_engine` and is chosen by name, without changing the call.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from urbanki_helpers.errors import RunError, UrbanKIError
from urbanki_helpers.run.curriculum import CURRICULUM, resolve_notebook
from urbanki_helpers.run.parameters import load_yaml
from urbanki_helpers.run.runner import RunResult, read_notebook_parameters, run_notebook

if TYPE_CHECKING:
    from urbanki_helpers.run.warm import WarmKernel


@dataclass(frozen=True)
class RunTask:
    """One planned run: notebook, parameters, output folder and a name."""

    target: str
    parameters: dict[str, Any]
    out_dir: str
    run_name: str
    overwrite: bool = False
    html: bool = True
    timeout: float | None = None
    base_dir: str | None = None


@dataclass
class BatchOutcome:
    """Results of all runs in the order of the tasks."""

    results: list[RunResult] = field(default_factory=list)

    @property
    def n_failed(self) -> int:
        return sum(not r.ok for r in self.results)


def execute_task(task: RunTask, kernel: WarmKernel | None = None) -> RunResult:
    """Run one task; errors before the start (bad parameters) become a failed result.

    ``kernel``: a warm kernel to run in (the ``warm`` engine passes its worker's kernel)."""
    try:
        return run_notebook(task.target, task.parameters, out_dir=task.out_dir,
                            overwrite=task.overwrite, html=task.html, timeout=task.timeout,
                            run_name=task.run_name, base_dir=task.base_dir, kernel=kernel)
    except UrbanKIError as exc:
        return failed_result(task, type(exc).__name__, exc.message_de)


def failed_result(task: RunTask, error_type: str, message: str) -> RunResult:
    """A result for a run that could not start or whose worker was lost."""
    from urbanki_helpers.run.runner import environment_versions

    return RunResult(notebook=str(task.target), run_name=task.run_name, out_dir=task.out_dir,
                     parameters=dict(task.parameters), status="failed",
                     error={"type": error_type, "message": message, "cell": None, "details": ""},
                     duration_s=0.0, results={}, versions=environment_versions(),
                     started_at="", files={})


# --------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------


class Engine(Protocol):
    """Executes ``fn`` over ``items`` and yields ``(index, result or exception)``."""

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]: ...


def _share_cores(threads: int) -> None:
    """Worker initialiser: let each worker's kernel use its share of the cores, so that
    parallel runs do not oversubscribe the machine (OpenMP in scikit-learn, BLAS)."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))


class ProcessPoolEngine:
    """Worker processes on this machine (default: one per core), one kernel per process.

    With several workers, each kernel gets ``cores // workers`` threads for numeric libraries
    (unless the user set ``OMP_NUM_THREADS`` etc. already)."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)

    def map_unordered(self, fn, items):
        if not items:
            return
        # "spawn" behaves the same on Linux, macOS and Windows and starts from a clean state.
        ctx = multiprocessing.get_context("spawn")
        n_workers = min(self.workers, len(items))
        threads = max(1, (os.cpu_count() or 1) // n_workers)
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                                 initializer=_share_cores, initargs=(threads,)) as pool:
            futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    exc = fut.exception()
                    yield futures[fut], exc if exc is not None else fut.result()


class SerialEngine:
    """Runs in this process, one after the other (debugging, tiny grids)."""

    def map_unordered(self, fn, items):
        for i, item in enumerate(items):
            try:
                yield i, fn(item)
            except Exception as exc:  # noqa: BLE001 - reported per row
                yield i, exc


_ENGINES: dict[str, Callable[..., Engine]] = {
    "process": lambda workers=None, **_: ProcessPoolEngine(workers),
    "serial": lambda **_: SerialEngine(),
    "warm": lambda workers=None, **_: _warm_engine(workers),
    "dask": lambda workers=None, **options: _dask_engine(workers, **options),
}


def _dask_engine(workers: int | None = None, **options: Any) -> Engine:
    """dask.distributed is imported only when this engine is chosen."""
    from urbanki_helpers.run.dask_engine import DaskEngine

    return DaskEngine(workers, **options)


def _warm_engine(workers: int | None = None) -> Engine:
    """Worker processes that keep one warm kernel each (urbanki_helpers.run.warm)."""
    from urbanki_helpers.run.warm import WarmProcessEngine

    return WarmProcessEngine(workers)


def register_engine(name: str, factory: Callable[..., Engine]) -> None:
    """Make an engine available by name (``factory(workers=..., **options)``)."""
    _ENGINES[name] = factory


def engine_names() -> list[str]:
    return sorted(_ENGINES)


def get_engine(name: str = "process", **options: Any) -> Engine:
    """Create the engine registered under ``name``."""
    try:
        factory = _ENGINES[name]
    except KeyError:
        raise RunError(
            f"Unknown engine '{name}'; available: {', '.join(engine_names())}.",
            message_de=f"Unbekannte Ausführung '{name}'; verfügbar: {', '.join(engine_names())}.",
        ) from None
    return factory(**options)


def run_tasks(tasks: Sequence[RunTask], engine: Engine | None = None,
              progress: Callable[[RunResult], None] | None = None) -> BatchOutcome:
    """Execute all tasks with ``engine``; a failing task never stops the others."""
    engine = engine or ProcessPoolEngine()
    results: list[RunResult | None] = [None] * len(tasks)
    for index, outcome in engine.map_unordered(execute_task, list(tasks)):
        if isinstance(outcome, BaseException):
            outcome = failed_result(tasks[index], type(outcome).__name__,
                                    getattr(outcome, "message_de", None)
                                    or f"Der Arbeitsprozess ist abgebrochen: {outcome}")
        results[index] = outcome
        if progress is not None:
            progress(outcome)
    return BatchOutcome([r for r in results if r is not None])


# --------------------------------------------------------------------------------------
# Grids
# --------------------------------------------------------------------------------------

RUN_NAME_COLUMN = "run_name"


def read_grid(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Read a parameter grid: YAML (a list of mappings, or ``runs:`` with one) or CSV.

    CSV cells are text and are converted to the declared types later, so ``05513000`` keeps
    its leading zero. Empty CSV cells mean "use the default".
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RunError(f"The grid file {path} does not exist.",
                       message_de=f"Die Parameterdatei {path} gibt es nicht.") from None
    if path.suffix.lower() in {".yaml", ".yml"}:
        data = load_yaml(text, where=str(path))
        if isinstance(data, dict) and "runs" in data:
            data = data["runs"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise RunError(
                f"{path}: a grid must be a list of parameter mappings (or 'runs:' with one).",
                message_de=f"{path}: Ein Raster muss eine Liste von Parameter-Zuordnungen sein "
                "(oder 'runs:' mit einer solchen Liste).",
            )
        rows = [dict(r) for r in data]
    elif path.suffix.lower() == ".csv":
        sample = text[:2048]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        rows = []
        for line_no, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise RunError(
                    f"{path}, line {line_no}: the number of fields differs from the header.",
                    message_de=f"{path}, Zeile {line_no}: Die Anzahl der Felder passt nicht zur "
                    "Kopfzeile.",
                )
            rows.append({k.strip(): v for k, v in row.items() if v != ""})
    else:
        raise RunError(f"{path}: use a .yaml or .csv grid file.",
                       message_de=f"{path}: Verwenden Sie eine .yaml- oder .csv-Datei.")
    if not rows:
        raise RunError(f"{path} holds no runs.", message_de=f"{path} enthält keine Läufe.")
    return rows


def _slug(value: Any) -> str:
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", str(value)).strip("-")
    return text[:24]


def run_names(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Folder names: the ``run_name`` column if given, else ``001-<values>``; unique."""
    names, seen = [], set()
    for i, row in enumerate(rows, start=1):
        given = row.get(RUN_NAME_COLUMN)
        if given:
            name = _slug(given)
        else:
            values = [_slug(v) for k, v in row.items() if k != RUN_NAME_COLUMN][:3]
            name = "-".join([f"{i:03d}", *[v for v in values if v]])
        if name in seen:
            name = f"{name}-{i:03d}"
        seen.add(name)
        names.append(name)
    return names


def plan_batch(target: str, rows: Sequence[dict[str, Any]], out_dir: str | os.PathLike, *,
               overwrite: bool = False, html: bool = True, timeout: float | None = None,
               base_dir: str | os.PathLike | None = None) -> list[RunTask]:
    """Turn grid rows into tasks. Columns the notebook does not declare are refused at once."""
    path, _ = resolve_notebook(target)
    specs, _ = read_notebook_parameters(path)
    columns = sorted({k for row in rows for k in row} - {RUN_NAME_COLUMN})
    unknown = [c for c in columns if c not in specs]
    if unknown:
        from urbanki_helpers.run.parameters import unknown_parameter_error

        raise unknown_parameter_error(unknown, specs, where="Raster")
    out_dir = Path(out_dir).expanduser().resolve()
    base = str(base_dir or Path.cwd())
    tasks = [
        RunTask(str(path), {k: v for k, v in row.items() if k != RUN_NAME_COLUMN},
                str(out_dir / name), name, overwrite, html, timeout, base)
        for name, row in zip(run_names(rows), rows, strict=True)
    ]
    ensure_outputs_free(tasks)
    return tasks


def plan_curriculum(out_dir: str | os.PathLike, *, overwrite: bool = False, html: bool = True,
                    timeout: float | None = None) -> list[RunTask]:
    """One task per available notebook of the curriculum, with its default parameters, into
    ``out_dir/<stem>`` (what ``make reports`` runs)."""
    out_dir = Path(out_dir).expanduser().resolve()
    tasks = [RunTask(str(uc.path), {}, str(out_dir / uc.stem), uc.stem, overwrite, html,
                     timeout, str(Path.cwd()))
             for uc in CURRICULUM if uc.available]
    ensure_outputs_free(tasks)
    return tasks


def ensure_outputs_free(tasks: Sequence[RunTask]) -> None:
    """Refuse, before anything starts, to write into run folders that already hold files
    (unless the task may overwrite), so an earlier batch and its index stay intact."""
    taken = [t.run_name for t in tasks if not t.overwrite and Path(t.out_dir).is_dir()
             and any(Path(t.out_dir).iterdir())]
    if taken:
        shown = ", ".join(taken[:5]) + (" …" if len(taken) > 5 else "")
        raise RunError(
            f"{len(taken)} output folder(s) already hold an earlier run ({shown}). Choose "
            "another --out folder or pass --overwrite.",
            message_de=f"{len(taken)} Ausgabeordner enthalten bereits einen früheren Lauf "
            f"({shown}). Wählen Sie mit --out einen anderen Ordner oder ersetzen Sie die Läufe "
            "mit --overwrite.",
        )


def iter_keys(results: Iterable[RunResult]) -> list[str]:
    """All recorded result keys over ``results``, in first-seen order."""
    keys: dict[str, None] = {}
    for r in results:
        keys.update(dict.fromkeys(r.results))
    return list(keys)
