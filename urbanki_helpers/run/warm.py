"""Warm kernels: one Jupyter kernel, started once with the heavy libraries imported, reused
for many notebook runs, each of which starts from the same clean state.

Starting a kernel and importing numpy, pandas, geopandas, shapely, scikit-learn and matplotlib
costs seconds per run. A :class:`WarmKernel` pays this once: it starts a kernel, imports
:data:`PRELOAD`, draws and closes one figure (so the inline backend is loaded) and takes a
*snapshot* of the state below. Before every run it restores that snapshot (about 0.2 s) and
changes into the notebook's folder. A run never starts in a dirty kernel: a kernel that died
is restarted, one that cannot be reset is replaced, and after a run that timed out or failed
outside a cell (the kernel died, for instance) the kernel is shut down and the next run starts
a new one; an error inside a cell leaves the kernel in use. :class:`WarmProcessEngine`
(``urbanki batch ... --engine warm``) keeps one warm kernel per worker process and shuts them
all down when the batch ends.

Reset before every run:

- the user namespace (what ``%reset -f`` clears: every variable, ``In``/``Out``, ``_``,
  ``__``, ``___``, ``_i*``) and the execution counter (cells are numbered from 1 again);
- every module imported after the snapshot that is not installed library code, and every
  module of :data:`FRESH_PACKAGES` (``urbanki_helpers``): they are removed from
  ``sys.modules``, so the next run imports them afresh with their original module state.
  Modules of the notebook's folder, of the project and of editable installs count as
  not installed;
- ``os.environ`` (as it was when the kernel started), ``sys.path``, ``sys.argv``,
  ``sys.stdout``/``sys.stderr``, names added to or rebound in ``builtins``, the warnings
  filters (and the "already shown" registries, so warnings appear again as in a new kernel),
  IPython event callbacks (e.g. ``post_run_cell``);
- the state of Python's ``random`` module and, when they are in :data:`PRELOAD` (they are by
  default): matplotlib (every figure is closed, the backend and ``rcParams`` are restored),
  pandas options, numpy's print options, floating-point error handling and legacy global
  random state (``np.random.seed``/``np.random.rand``). Random states are set back to the
  snapshot, so unseeded draws repeat from run to run within one kernel (in a new kernel they
  would differ from run to run).

Not reset (a new kernel would differ here): module-level state of installed libraries imported
before or during a run (a module of numpy, pandas, scikit-learn ... stays loaded after its
first import, with whatever a run changed in it, e.g. ``np.some_attr = ...``, registered
pandas accessors or matplotlib colormaps, caches); other global state of those libraries
(e.g. ``sklearn.set_config``, ``shapely``/``pyproj`` settings, ``torch``/threadpool limits);
the ``logging`` configuration; loaded IPython extensions and magics; threads, subprocesses
and open files a run left behind; anything a run changed outside the kernel (files, other
processes).

A kernel whose parent process dies exits by itself (ipykernel's parent poller), so a killed
worker leaves no kernel behind.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import multiprocessing.util
import os
import queue
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from urbanki_helpers.errors import RunError
from urbanki_helpers.notebook import BATCH_ENV
from urbanki_helpers.run.batch import ProcessPoolEngine
from urbanki_helpers.run.runner import kernel_config

#: Imported once when a warm kernel starts (missing ones are skipped).
PRELOAD = ("numpy", "pandas", "geopandas", "shapely", "sklearn", "sklearn.base",
           "sklearn.ensemble", "sklearn.linear_model", "sklearn.metrics",
           "sklearn.model_selection", "sklearn.pipeline", "sklearn.preprocessing",
           "matplotlib", "matplotlib.pyplot")
#: Packages imported afresh in every run, wherever they are installed.
FRESH_PACKAGES = ("urbanki_helpers",)
#: Name under which the snapshot and the reset functions live in the kernel's ``sys.modules``.
KERNEL_MODULE = "_urbanki_warm"
_ENGINE_NAME = "urbanki-warm"
_POLL_S = 0.5  # how often a waiting call checks that the kernel is still alive


class WarmKernelError(RunError):
    """A warm kernel could not be started or reset."""


# --------------------------------------------------------------------------------------
# Code that runs inside the kernel. These functions are sent as source text and must not
# use anything from this module's globals.
# --------------------------------------------------------------------------------------


def _kernel_is_fresh(name: str, module: Any, fresh: Sequence[str],
                     library_dirs: Sequence[str]) -> bool:
    """Whether a module imported after the snapshot is dropped: a fresh package, or a module
    whose file lies outside the standard library and site-packages. Modules with no file
    (built-in, made in code) are kept."""
    import os

    if name.split(".")[0] in fresh:
        return True
    if module is None:
        return False
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) or getattr(module, "__file__", None)
    if origin in ("built-in", "frozen"):
        return False
    paths = [origin] if origin else list(getattr(module, "__path__", None) or [])
    if not paths:
        return False
    return not all(any(os.path.realpath(p).startswith(d) for d in library_dirs) for p in paths)


def _kernel_snapshot(state: dict, preload: Sequence[str], fresh: Sequence[str]) -> list:
    """Import ``preload`` and remember the clean state in ``state``; return what loaded."""
    import builtins
    import importlib
    import os
    import random
    import site
    import sys
    import sysconfig
    import warnings

    from IPython import get_ipython

    loaded = []
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not installed or broken: runs import it themselves
            continue
        loaded.append(name)
    shell = get_ipython()
    dirs = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.update(site.getsitepackages())
    dirs.add(site.getusersitepackages())
    state.update(
        fresh=tuple(fresh),
        library_dirs=tuple(os.path.join(os.path.realpath(d), "") for d in dirs if d),
        environ=dict(os.environ), path=list(sys.path), argv=list(sys.argv),
        streams=(sys.stdout, sys.stderr), builtins=dict(vars(builtins)),
        random=random.getstate(),
        events={k: list(v) for k, v in shell.events.callbacks.items()},
    )
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close(plt.figure())  # resolves and loads the backend (inline in a kernel)
        state["mpl_backend"] = matplotlib.get_backend()
        state["mpl_rc"] = dict(matplotlib.rcParams.copy())
    if "pandas" in sys.modules:
        import pandas as pd

        keys = list(getattr(pd._config.config, "_registered_options", {}))
        deprecated = set(getattr(pd._config.config, "_deprecated_options", {}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            state["pandas"] = {k: pd.get_option(k) for k in keys if k not in deprecated}
    if "numpy" in sys.modules:
        import numpy as np

        state["np_random"] = np.random.get_state()
        state["np_err"] = np.geterr()
        state["np_print"] = np.get_printoptions()
    state["warnings"] = list(warnings.filters)
    state["modules"] = set(sys.modules)
    return loaded


def _kernel_restore(state: dict, cwd: str) -> int:
    """Bring the kernel back to the snapshot in ``state`` and change into ``cwd``; return
    the number of modules dropped."""
    import builtins
    import importlib
    import linecache
    import os
    import random
    import sys
    import warnings

    from IPython import get_ipython

    shell = get_ipython()
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    # What %reset -f does (namespace, Out, _, __, ___), and a new history session as in a new
    # kernel: In is emptied and cells are numbered from 1 again.
    shell.reset(new_session=True)
    for name, callbacks in state["events"].items():
        shell.events.callbacks[name][:] = callbacks

    new = set(sys.modules) - state["modules"]
    dropped = {name for name in new if _kernel_is_fresh(
        name, sys.modules.get(name), state["fresh"], state["library_dirs"])}
    for name in dropped:
        sys.modules.pop(name, None)
    state["modules"].update(new - dropped)  # library modules stay loaded from now on

    environ = state["environ"]
    for key in set(os.environ) - set(environ):
        del os.environ[key]
    for key, value in environ.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    sys.path[:] = state["path"]
    sys.argv[:] = state["argv"]
    sys.stdout, sys.stderr = state["streams"]
    kernel_managed = {"input", "raw_input", "get_ipython", "display", "exit", "quit",
                      "__IPYTHON__"}
    saved = state["builtins"]
    for name in set(vars(builtins)) - set(saved) - kernel_managed:
        delattr(builtins, name)
    for name, value in saved.items():
        if name not in kernel_managed and getattr(builtins, name, None) is not value:
            setattr(builtins, name, value)
    random.setstate(state["random"])

    if "mpl_rc" in state:
        import matplotlib
        import matplotlib.pyplot as plt

        if matplotlib.get_backend() != state["mpl_backend"]:
            plt.switch_backend(state["mpl_backend"])
        dict.update(matplotlib.rcParams, state["mpl_rc"])
    if "pandas" in state:
        import pandas as pd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in state["pandas"].items():
                if pd.get_option(key) != value:
                    pd.set_option(key, value)
    if "np_random" in state:
        import numpy as np

        np.random.set_state(state["np_random"])
        np.seterr(**state["np_err"])
        np.set_printoptions(**state["np_print"])
    warnings.filters[:] = state["warnings"]
    warnings._filters_mutated()  # forget which warnings were shown already

    os.chdir(cwd)
    importlib.invalidate_caches()
    linecache.clearcache()  # (IPython's reset has already run the garbage collector)
    state["dropped"] = sorted(dropped)
    return len(dropped)


_KERNEL_FUNCTIONS = (_kernel_is_fresh, _kernel_snapshot, _kernel_restore)


def _kernel_bootstrap(preload: Sequence[str], fresh: Sequence[str]) -> str:
    """Source text that installs the kernel-side functions and takes the snapshot."""
    source = "from __future__ import annotations\n\n" + "\n\n".join(
        inspect.getsource(f) for f in _KERNEL_FUNCTIONS)
    return (
        "import sys as _sys, types as _types\n"
        f"_m = _types.ModuleType({KERNEL_MODULE!r})\n"
        f"exec(compile({source!r}, '<urbanki-warm>', 'exec'), _m.__dict__)\n"
        "_m.STATE = {}\n"
        f"_sys.modules[{KERNEL_MODULE!r}] = _m\n"
        f"_m.LOADED = _m._kernel_snapshot(_m.STATE, {list(preload)!r}, {list(fresh)!r})\n"
        "del _sys, _types, _m\n"
    )


def _kernel_reset_code(cwd: str) -> str:
    # One expression: the reset clears the namespace, so no name of this cell may be needed
    # after it.
    module = f"__import__('sys').modules[{KERNEL_MODULE!r}]"
    return f"{module}._kernel_restore({module}.STATE, {cwd!r})\n"


# --------------------------------------------------------------------------------------
# The warm kernel, seen from the runner
# --------------------------------------------------------------------------------------


@functools.cache
def _register_papermill_engine() -> str:
    """A papermill engine that runs in an existing kernel (``km=``) and leaves it running;
    papermill's own engine would do the same, but never closes its kernel client."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import remove_args

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(_ENGINE_NAME, WarmKernelEngine)
    return _ENGINE_NAME


class WarmKernel:
    """A kernel started once (on first use) with :data:`PRELOAD` imported, reset to the same
    clean state before every run (see the module docstring for what is reset).

    Use it as a context manager, or call :meth:`shutdown`; pass it to
    :func:`~urbanki_helpers.run.runner.run_notebook` as ``kernel=``. Not thread-safe: one run
    at a time.
    """

    def __init__(self, kernel_name: str = "python3", *, preload: Iterable[str] = PRELOAD,
                 fresh_packages: Iterable[str] = FRESH_PACKAGES,
                 startup_timeout: float = 60.0, reset_timeout: float = 120.0):
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.fresh_packages = tuple(fresh_packages)
        self.startup_timeout = startup_timeout
        self.reset_timeout = reset_timeout
        self.starts = 0  #: how many kernels this object has started (replacements included)
        self.pid: int | None = None  #: process id of the current kernel
        self.preloaded: list[str] = []  #: the modules of ``preload`` that could be imported
        self._km = None
        self._kc = None

    # lifecycle -------------------------------------------------------------------------

    @property
    def is_alive(self) -> bool:
        """Whether the kernel process is running."""
        from jupyter_core.utils import run_sync

        return self._km is not None and run_sync(self._km.is_alive)()

    def start(self) -> None:
        """Start a new kernel (shutting down the current one), import and take the snapshot."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.shutdown()
        config = kernel_config()
        km = AsyncKernelManager(kernel_name=self.kernel_name,
                                **({"config": config} if config is not None else {}))
        env = {**os.environ, BATCH_ENV: "1"}
        # As nbclient does for the kernels it starts: the input history stays in memory.
        extra = ["--HistoryManager.hist_file=:memory:"] if km.ipykernel else []
        run_sync(km.start_kernel)(env=env, extra_arguments=extra)
        self._km = km
        self.starts += 1
        try:
            self._kc = km.blocking_client()
            self._kc.start_channels(shell=True, iopub=False, stdin=False, hb=False,
                                    control=False)
            reply = self._run_code(
                _kernel_bootstrap(self.preload, self.fresh_packages), self.startup_timeout,
                expressions={"pid": "__import__('os').getpid()",
                             "loaded": f"__import__('sys').modules[{KERNEL_MODULE!r}].LOADED"})
            self.pid = int(reply["pid"])
            self.preloaded = list(_literal(reply["loaded"]))
        except BaseException:
            self.shutdown()
            raise

    def shutdown(self) -> None:
        """Stop the kernel at once and remove its connection files; safe to call twice."""
        from jupyter_core.utils import run_sync

        kc, km = self._kc, self._km
        self._kc = self._km = None
        self.pid = None
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is not None:
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=True)

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    # runs ------------------------------------------------------------------------------

    def reset(self, cwd: str | os.PathLike) -> None:
        """Bring the kernel to the clean state and into ``cwd``; start or replace it if it is
        not running or cannot be reset. Raises :class:`WarmKernelError` if even a new kernel
        cannot be reset."""
        if not self.is_alive:
            self.start()
        try:
            self._run_code(_kernel_reset_code(str(cwd)), self.reset_timeout)
        except WarmKernelError:
            self.start()  # never run in a kernel that could not be reset
            self._run_code(_kernel_reset_code(str(cwd)), self.reset_timeout)

    def execute_notebook(self, input_path: str | os.PathLike, output_path: str | os.PathLike,
                         parameters: dict[str, Any] | None = None, *,
                         cwd: str | os.PathLike | None = None,
                         timeout: float | None = None) -> None:
        """Reset the kernel, then execute a notebook with papermill in it (the same call as a
        cold run, with the same exceptions). A kernel that died, timed out or failed outside
        a cell is shut down; the next run starts a new one."""
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        cwd = Path(cwd) if cwd is not None else Path(input_path).parent
        self.reset(cwd)
        try:
            pm.execute_notebook(
                str(input_path), str(output_path), parameters=parameters or {},
                engine_name=_register_papermill_engine(), km=self._km,
                kernel_name=self.kernel_name, progress_bar=False, log_output=False,
                cwd=str(cwd), request_save_on_cell_execute=True, execution_timeout=timeout,
                start_timeout=self.startup_timeout)
        except PapermillExecutionError:
            raise  # an error in a cell: the kernel itself is fine
        except BaseException:
            self.shutdown()
            raise

    # internals -------------------------------------------------------------------------

    def _run_code(self, code: str, timeout: float,
                  expressions: dict[str, str] | None = None) -> dict[str, str]:
        """Execute ``code`` silently; return the ``text/plain`` of ``expressions``."""
        kc = self._kc
        if kc is None:
            raise WarmKernelError("The warm kernel is not running.",
                                  message_de="Der vorgewärmte Kernel läuft nicht.")
        msg_id = kc.execute(code, silent=True, store_history=False,
                            user_expressions=expressions or {}, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = kc.get_shell_msg(timeout=_POLL_S)
            except queue.Empty:
                if not self.is_alive:
                    raise WarmKernelError("The warm kernel died.",
                                          message_de="Der vorgewärmte Kernel ist beendet.") \
                        from None
                if time.monotonic() > deadline:
                    raise WarmKernelError(
                        f"The warm kernel did not answer within {timeout:g} s.",
                        message_de=f"Der vorgewärmte Kernel hat nicht innerhalb von "
                        f"{timeout:g} s geantwortet.") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            message = f"{content.get('ename')}: {content.get('evalue')}"
            raise WarmKernelError(
                f"Preparing the warm kernel failed: {message}",
                message_de=f"Der vorgewärmte Kernel ließ sich nicht vorbereiten: {message}")
        values = {}
        for key, result in content.get("user_expressions", {}).items():
            if result.get("status") != "ok":
                raise WarmKernelError(
                    f"Reading {key} from the warm kernel failed: {result.get('evalue')}",
                    message_de=f"{key} ließ sich nicht aus dem vorgewärmten Kernel lesen: "
                    f"{result.get('evalue')}")
            values[key] = result["data"]["text/plain"]
        return values


def _literal(text: str) -> Any:
    import ast

    return ast.literal_eval(text)


# --------------------------------------------------------------------------------------
# Engine: worker processes, one warm kernel each
# --------------------------------------------------------------------------------------

_WORKER_KERNEL: WarmKernel | None = None


def worker_kernel(preload: Iterable[str] = PRELOAD) -> WarmKernel:
    """The warm kernel of this worker process, created on first use (importing ``preload``)
    and shut down when the process ends."""
    global _WORKER_KERNEL
    if _WORKER_KERNEL is None:
        _WORKER_KERNEL = WarmKernel(preload=preload)
        multiprocessing.util.Finalize(_WORKER_KERNEL, _WORKER_KERNEL.shutdown,
                                      exitpriority=100)
    return _WORKER_KERNEL


def _call_with_worker_kernel(fn, preload, item):
    return fn(item, kernel=worker_kernel(preload))


class WarmProcessEngine(ProcessPoolEngine):
    """Worker processes like :class:`~urbanki_helpers.run.batch.ProcessPoolEngine`; each
    keeps one warm kernel (importing ``preload``) for all its runs and shuts it down when the
    batch ends.

    ``fn`` is called as ``fn(item, kernel=<the worker's WarmKernel>)``
    (:func:`~urbanki_helpers.run.batch.execute_task` accepts it)."""

    def __init__(self, workers: int | None = None, *, preload: Iterable[str] = PRELOAD):
        super().__init__(workers)
        self.preload = tuple(preload)

    def map_unordered(self, fn, items):
        call = functools.partial(_call_with_worker_kernel, fn, self.preload)
        yield from super().map_unordered(call, items)
