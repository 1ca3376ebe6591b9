"""Execute one notebook with papermill and leave a complete, readable run folder.

A run folder holds ``<stem>.ipynb`` (the executed notebook), ``<stem>.html`` (the report
without code) and ``results.json`` (parameters, status, error, duration, recorded results,
versions), plus whatever the notebook writes to ``output_dir``. Every file is written
atomically; a failed run still leaves all three files. Parameters are checked before a kernel
starts (:class:`~urbanki_helpers.errors.ParameterError`, exit code 2 on the command line).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from urbanki_helpers.atomic import atomic_path, write_text
from urbanki_helpers.errors import RunError
from urbanki_helpers.notebook import BATCH_ENV
from urbanki_helpers.paths import project_root
from urbanki_helpers.run.curriculum import resolve_notebook
from urbanki_helpers.run.parameters import (
    Constraints,
    ParamSpec,
    parse_constraints_source,
    parse_parameters_source,
    validate_values,
)
from urbanki_helpers.run.results import collect_records

if TYPE_CHECKING:
    from urbanki_helpers.run.warm import WarmKernel

RESULTS_FILE = "results.json"
#: Folder the runner creates inside every run folder while the run is going on; it holds
#: ``owner.json`` (host, pid, start time) and is deleted when the run ends. A folder whose
#: run was interrupted (its process died) keeps it and is still known as a run folder.
RUN_MARKER = ".urbanki-run"
KEY_PACKAGES = ("papermill", "pandas", "numpy", "scikit-learn", "geopandas", "shapely",
                "pyproj", "matplotlib", "ipywidgets", "rasterio", "dask", "distributed")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class RunResult:
    """What one notebook run produced; the same content as its ``results.json``."""

    notebook: str
    run_name: str
    out_dir: str
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    error: dict[str, Any] | None
    duration_s: float
    results: dict[str, Any]
    versions: dict[str, str]
    started_at: str
    use_case: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------------------
# Parameters of a notebook file
# --------------------------------------------------------------------------------------


def read_notebook_parameters(path: str | os.PathLike) -> tuple[dict[str, ParamSpec], Constraints]:
    """Read the declared parameters and the literal constraints of a notebook file."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    index = next((i for i, c in enumerate(cells)
                  if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])),
                 None)
    if index is None:
        raise RunError(
            f"{path.name} has no cell tagged 'parameters'.",
            message_de=f"{path.name} hat keine Zelle mit dem Tag 'parameters'.",
        )
    specs = parse_parameters_source(cells[index].source, where=path.name)
    constraints = Constraints()
    following = next((c for c in cells[index + 1:] if c.cell_type == "code"), None)
    if following is not None:
        constraints = parse_constraints_source(following.source)
    return specs, constraints


def prepare_parameters(path: Path, given: dict[str, Any], out_dir: Path,
                       *, base_dir: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check ``given`` against the notebook's declaration before any kernel starts.

    Returns ``(inject, effective)``: the values papermill injects (the given ones, coerced,
    file paths made absolute, ``output_dir`` set to the run folder) and the full set of
    effective values for ``results.json``.
    """
    base_dir = base_dir or Path.cwd()
    specs, constraints = read_notebook_parameters(path)
    given = dict(given)
    if "output_dir" in specs:
        given["output_dir"] = str(out_dir)
    effective = validate_values(specs, given, constraints, base_dir=base_dir)
    inject = {name: effective[name] for name in given}
    for name in constraints.files:
        if name in inject and inject[name]:
            p = Path(inject[name]).expanduser()
            inject[name] = effective[name] = str(p if p.is_absolute() else (base_dir / p).resolve())
    return inject, effective


# --------------------------------------------------------------------------------------
# Output folder
# --------------------------------------------------------------------------------------


def _claim_out_dir(out_dir: Path, overwrite: bool) -> Path | None:
    """Create ``out_dir`` for a new run and mark it as a run folder (:data:`RUN_MARKER`).

    Returns the marker folder, which the caller deletes when the run ends; an earlier run that
    is replaced is moved into it, so it goes at the same time. Without ``overwrite`` a
    non-empty folder is refused. With it, only a folder that holds an earlier run
    (``results.json``) or an interrupted one (the marker) is replaced; anything else is a
    user's folder and is kept.
    """
    old: Path | None = None
    if out_dir.exists():
        if not out_dir.is_dir():
            raise RunError(
                f"The output path {out_dir} is a file, not a folder.",
                message_de=f"Der Ausgabepfad {out_dir} ist eine Datei, kein Ordner.",
            )
        if any(out_dir.iterdir()):
            if not overwrite:
                raise RunError(
                    f"The output folder {out_dir} already holds files. Choose another folder "
                    "with --out, or pass --overwrite to replace an earlier run.",
                    message_de=f"Der Ausgabeordner {out_dir} enthält bereits Dateien. Wählen Sie "
                    "mit --out einen anderen Ordner oder ersetzen Sie einen früheren Lauf mit "
                    "--overwrite.",
                )
            if not ((out_dir / RESULTS_FILE).is_file() or (out_dir / RUN_MARKER).is_dir()):
                raise RunError(
                    f"The output folder {out_dir} holds files but no {RESULTS_FILE}, so it is "
                    "not an earlier run; it is left untouched even with --overwrite.",
                    message_de=f"Der Ausgabeordner {out_dir} enthält Dateien, aber kein "
                    f"{RESULTS_FILE}; er ist also kein früherer Lauf und bleibt auch mit "
                    "--overwrite unangetastet.",
                )
            old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(out_dir, old)
        else:
            out_dir.rmdir()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        out_dir.mkdir()
    except FileExistsError:
        raise RunError(
            f"Another run is writing to {out_dir}.",
            message_de=f"Ein anderer Lauf schreibt gerade nach {out_dir}.",
        ) from None
    marker = out_dir / RUN_MARKER
    marker.mkdir()
    owner = {"host": platform.node(), "pid": os.getpid(), "started": time.time()}
    (marker / "owner.json").write_text(json.dumps(owner), encoding="utf-8")
    if old is not None:
        os.replace(old, marker / "replaced")
    return marker


# --------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------


def environment_versions() -> dict[str, str]:
    """Python, platform and the versions of the key packages (those installed)."""
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for name in ("urbanki-lernlabor", *KEY_PACKAGES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@contextlib.contextmanager
def _batch_environment():
    """Mark kernels started by the runner, so notebooks skip interactive widgets."""
    previous = os.environ.get(BATCH_ENV)
    os.environ[BATCH_ENV] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(BATCH_ENV, None)
        else:
            os.environ[BATCH_ENV] = previous


def _is_startup_race(exc: BaseException) -> bool:
    text = str(exc)
    # Only the start-up messages: a kernel that dies while running a cell is a real failure.
    return isinstance(exc, RuntimeError) and ("kernel_info" in text or "didn't respond" in text)


def kernel_config():
    """Kernel manager configuration for kernels started on this machine (POSIX: IPC sockets
    with a prefix of their own per kernel), or ``None`` where the defaults are used."""
    if os.name != "posix":
        return None
    from traitlets.config import Config

    config = Config()
    # Local kernels talk over IPC sockets instead of loopback TCP: nothing to eavesdrop
    # on, and ipykernel does not warn about unencrypted TCP on every start.
    config.KernelManager.transport = "ipc"
    # A socket prefix of its own per kernel: parallel runs would otherwise race for the
    # same default socket files and talk to each other's kernels.
    config.KernelManager.ip = os.path.join(tempfile.gettempdir(),
                                           f"urbanki-{uuid.uuid4().hex[:12]}")
    return config


def _execute(path: Path, nb_tmp: Path, inject: dict, *, kernel_name: str,
             timeout: float | None, kernel: WarmKernel | None = None) -> dict[str, Any] | None:
    """Run papermill; return the error dict or None. Retries a kernel start-up race once.

    With ``kernel`` the notebook runs in that warm kernel (reset first) instead of a new one.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    config = kernel_config()
    for attempt in (1, 2):
        try:
            with _batch_environment():
                if kernel is not None:
                    kernel.execute_notebook(path, nb_tmp, inject, cwd=path.parent,
                                            timeout=timeout)
                    return None
                pm.execute_notebook(
                    str(path), str(nb_tmp), parameters=inject, kernel_name=kernel_name,
                    progress_bar=False, log_output=False, cwd=str(path.parent),
                    request_save_on_cell_execute=True, execution_timeout=timeout,
                    start_timeout=60, shutdown_kernel="immediate",
                    **({"config": config} if config is not None else {}),
                )
            return None
        except PapermillExecutionError as exc:
            details = _ANSI.sub("", "\n".join(exc.traceback[-3:]))[-2000:]
            return {"type": exc.ename, "message": _ANSI.sub("", str(exc.evalue)),
                    "cell": exc.exec_count, "details": details}
        except Exception as exc:  # noqa: BLE001 - every failure must end in a report
            if attempt == 1 and kernel is None and _is_startup_race(exc):
                continue
            return {"type": type(exc).__name__, "message": str(exc), "cell": None,
                    "details": ""}
    return None  # pragma: no cover


def _failure_banner(error: dict[str, Any]) -> nbformat.NotebookNode:
    cell_info = f" (Zelle {error['cell']})" if error.get("cell") else ""
    text = (
        "## ⚠️ Dieser Lauf ist fehlgeschlagen\n\n"
        f"**{error['type']}**{cell_info}: {error['message']}\n\n"
        "Die Ausgaben bis zum Fehler stehen unten. Prüfen Sie die Parameter und Eingabedaten; "
        "`results.json` im selben Ordner enthält alle Angaben zum Lauf."
    )
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = ["urbanki-failure"]
    return cell


def export_html(nb: nbformat.NotebookNode, target: Path) -> None:
    """Write an HTML report of ``nb`` without code cells (atomic)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    write_text(target, body)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_root()))
    except (ValueError, Exception):  # noqa: BLE001 - outside the project
        return str(path)


def run_notebook(target: str | os.PathLike, parameters: dict[str, Any] | None = None, *,
                 out_dir: str | os.PathLike, overwrite: bool = False, html: bool = True,
                 timeout: float | None = None, kernel_name: str = "python3",
                 run_name: str | None = None, base_dir: str | os.PathLike | None = None,
                 kernel: WarmKernel | None = None) -> RunResult:
    """Execute a notebook (id, stem or path) with ``parameters`` into ``out_dir``.

    Raises :class:`ParameterError` or :class:`RunError` before anything starts when the
    parameters or the output folder are unusable. A notebook that fails while running does
    not raise: the result has ``status == "failed"`` and the folder holds the partial
    notebook, an HTML report and ``results.json``. With ``kernel`` (a
    :class:`~urbanki_helpers.run.warm.WarmKernel`) the notebook runs in that kernel, reset
    to its clean state, instead of a new one; the run folder is the same.
    """
    path, uc = resolve_notebook(str(target))
    out_dir = Path(out_dir).expanduser().resolve()
    inject, effective = prepare_parameters(
        path, parameters or {}, out_dir, base_dir=Path(base_dir) if base_dir else None)
    old = _claim_out_dir(out_dir, overwrite)

    stem = path.stem
    started = _dt.datetime.now(_dt.timezone.utc)
    t0 = time.perf_counter()
    nb_file, html_file = out_dir / f"{stem}.ipynb", out_dir / f"{stem}.html"
    try:
        with atomic_path(nb_file) as nb_tmp:
            error = _execute(path, nb_tmp, inject, kernel_name=kernel_name, timeout=timeout,
                             kernel=kernel)
            if nb_tmp.exists():
                nb = nbformat.read(nb_tmp, as_version=4)
            else:  # the kernel never started: leave the unexecuted notebook as the record
                nb = nbformat.read(path, as_version=4)
            if error is not None:
                nb.cells.insert(0, _failure_banner(error))
            nbformat.write(nb, nb_tmp)
        duration = time.perf_counter() - t0
        files = {"notebook": nb_file.name, "results": RESULTS_FILE}
        if html:
            try:
                export_html(nb, html_file)
                files["html"] = html_file.name
            except Exception as exc:  # noqa: BLE001 - the run itself is still reported
                if error is None:
                    error = {"type": type(exc).__name__,
                             "message": f"HTML-Bericht konnte nicht erzeugt werden: {exc}",
                             "cell": None, "details": ""}
        result = RunResult(
            notebook=_display_path(path), run_name=run_name or out_dir.name,
            out_dir=str(out_dir), parameters=effective,
            status="ok" if error is None else "failed", error=error,
            duration_s=round(duration, 3), results=collect_records(nb),
            versions=environment_versions(), started_at=started.isoformat(timespec="seconds"),
            use_case=uc.id if uc else None, files=files,
        )
        write_text(out_dir / RESULTS_FILE,
                   json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return result
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def load_result(run_dir: str | os.PathLike) -> dict[str, Any]:
    """Read the ``results.json`` of a run folder."""
    path = Path(run_dir) / RESULTS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path} does not exist.", message_de=f"{path} gibt es nicht.") from None

