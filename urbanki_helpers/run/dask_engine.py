"""A batch engine on dask.distributed: runs on a local cluster or on a running scheduler.

``DaskEngine(workers=N)`` starts a cluster of ``N`` worker processes on this machine (loopback
only, no dashboard, one thread per worker, so one kernel per process) and closes it at the
end; ``DaskEngine(scheduler="tcp://host:port")`` uses a running scheduler and leaves it
running. Every row ends in the results: an exception, a run over its time limit and a worker
that died (after the retries the scheduler allows) are reported per row.

A run is idempotent (same parameters, same output folder), so a run whose worker died is run
again by the scheduler (``allowed_failures``); the new attempt takes over the folder the dead
one left behind (:func:`interrupted_run`), never a folder of a run that is still going on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import platform
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from urbanki_helpers.atomic import write_text
from urbanki_helpers.errors import RunError
from urbanki_helpers.run.batch import RunTask
from urbanki_helpers.run.runner import RESULTS_FILE, RUN_MARKER, RunResult

#: Environment variables that set the threads of numeric libraries in each worker's kernel.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
TIMEOUT_ERROR = "RunTimeout"


class WorkerLostError(RunError):
    """The worker process running a task died, as often as the scheduler allows."""


# --------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------


def interrupted_run(out_dir: str | os.PathLike) -> bool:
    """True if ``out_dir`` holds a run whose process is gone (its worker died).

    The runner's marker names host, pid and start time of the process that claimed the folder.
    On this host the run counts as interrupted when that process no longer exists (or the pid
    now belongs to a younger process); a folder claimed on another host counts as interrupted,
    because the scheduler only runs a task again after its worker was lost.
    """
    owner_file = Path(out_dir) / RUN_MARKER / "owner.json"
    try:
        owner = json.loads(owner_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if owner.get("host") != platform.node():
        return True
    import psutil

    try:
        process = psutil.Process(int(owner["pid"]))
        return process.create_time() > float(owner["started"]) + 1.0
    except psutil.NoSuchProcess:
        return True
    except (psutil.Error, KeyError, TypeError, ValueError):
        return False


def _kernel_pids() -> set[int]:
    """Jupyter kernels started by this process."""
    import psutil

    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:
            continue
    return pids


def _kill(pids: set[int]) -> None:
    import psutil

    for pid in pids:
        try:
            psutil.Process(pid).kill()
        except psutil.Error:
            continue


def _timed_out(result: RunResult, run_timeout: float) -> RunResult:
    """Turn the failure caused by stopping the kernel into a time-limit error (and say so in
    ``results.json`` too)."""
    before = result.error or {}
    result.error = {
        "type": TIMEOUT_ERROR,
        "message": f"Der Lauf hat das Zeitlimit von {run_timeout:g} s überschritten und wurde "
                   "abgebrochen.",
        "cell": before.get("cell"),
        "details": f"{before.get('type')}: {before.get('message')}",
    }
    results_file = Path(result.out_dir) / RESULTS_FILE
    if results_file.is_file():
        write_text(results_file, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return result


def run_item(fn: Callable[[Any], Any], item: Any, run_timeout: float | None = None,
             poll_s: float = 0.5) -> Any:
    """Run ``fn(item)`` in a worker: take over the folder of an interrupted earlier attempt,
    and stop the run's kernel once it has run ``run_timeout`` seconds.

    The time limit stops the Jupyter kernels this process started during the run (and keeps
    stopping new ones until ``fn`` returns); it assumes one run per process at a time, as the
    workers :class:`DaskEngine` starts have.
    """
    if isinstance(item, RunTask) and not item.overwrite and interrupted_run(item.out_dir):
        item = dataclasses.replace(item, overwrite=True)
    if run_timeout is None:
        return fn(item)
    before = _kernel_pids()
    done, fired = threading.Event(), threading.Event()

    def watchdog():
        if done.wait(run_timeout):
            return
        fired.set()
        while not done.is_set():
            _kill(_kernel_pids() - before)
            done.wait(poll_s)

    watcher = threading.Thread(target=watchdog, name="urbanki-run-timeout", daemon=True)
    watcher.start()
    try:
        result = fn(item)
    finally:
        done.set()
        watcher.join()
    if fired.is_set() and isinstance(result, RunResult) and not result.ok:
        result = _timed_out(result, run_timeout)
    return result


# --------------------------------------------------------------------------------------
# Client side
# --------------------------------------------------------------------------------------


class DaskEngine:
    """Runs each item as one dask task; yields ``(index, result or exception)`` as they end.

    Parameters
    ----------
    workers:
        Worker processes of the local cluster (default: number of cores); ignored with
        ``scheduler``.
    scheduler:
        Address of a running scheduler (``tcp://host:port``); its workers need this package
        and must see the notebooks and the output folder under the same paths.
    run_timeout:
        Time limit of one whole run in seconds (None: no limit); a run over it fails.
    allowed_failures:
        How often a task may lose its worker and be run again on the local cluster (a
        running scheduler uses its own ``distributed.scheduler.allowed-failures``).
    connect_timeout:
        Seconds to wait for a scheduler before giving up.
    """

    connect_timeout_default = 10.0

    def __init__(self, workers: int | None = None, scheduler: str | None = None, *,
                 run_timeout: float | None = None, allowed_failures: int = 2,
                 connect_timeout: float | None = None):
        if run_timeout is not None and run_timeout <= 0:
            raise RunError(f"The run time limit must be positive, not {run_timeout}.",
                           message_de="Das Zeitlimit pro Lauf muss größer als 0 Sekunden sein, "
                           f"nicht {run_timeout}.")
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.scheduler = scheduler
        self.run_timeout = run_timeout
        self.allowed_failures = allowed_failures
        self.connect_timeout = connect_timeout or self.connect_timeout_default

    # -- connection -------------------------------------------------------------------

    def _connect_scheduler(self):
        from distributed import Client

        try:
            return Client(self.scheduler, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
            raise RunError(
                f"Cannot reach the dask scheduler at {self.scheduler} "
                f"(waited {self.connect_timeout:g} s): {exc}",
                message_de=f"Der dask-Scheduler unter {self.scheduler} ist nicht erreichbar "
                f"(nach {self.connect_timeout:g} s). Prüfen Sie die Adresse "
                "(z. B. tcp://rechner:8786) und ob der Scheduler läuft.",
            ) from None

    def _start_cluster(self, n_items: int):
        """A local cluster; each kernel gets its share of the cores (unless the user set the
        thread variables), as with the process pool."""
        import dask
        from distributed import Client, LocalCluster

        n_workers = min(self.workers, n_items)
        threads = str(max(1, (os.cpu_count() or 1) // n_workers))
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}))
        environ.update({name: os.environ.get(name, threads) for name in THREAD_VARIABLES})
        # The nannies run in this process and put these variables into os.environ before each
        # worker starts; they are restored when the cluster closes.
        saved = {name: os.environ.get(name) for name in [*environ, "PYTHONHASHSEED"]}
        try:
            with dask.config.set({"distributed.scheduler.allowed-failures":
                                  self.allowed_failures,
                                  "distributed.nanny.pre-spawn-environ": environ}):
                cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1,
                                       processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=logging.ERROR)
        except BaseException:
            _restore_environ(saved)
            raise
        return Client(cluster, set_as_default=False), cluster, saved

    # -- engine protocol --------------------------------------------------------------

    def map_unordered(self, fn: Callable[[Any], Any],
                      items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        items = list(items)
        if not items:
            return
        from distributed import as_completed

        cluster, saved = None, {}
        if self.scheduler:
            client = self._connect_scheduler()
        else:
            client, cluster, saved = self._start_cluster(len(items))
        futures: dict[Any, int] = {}
        try:
            batch, queue = uuid.uuid4().hex[:8], iter(enumerate(items))
            done = as_completed(loop=client.loop)

            def submit_more() -> None:
                # No more tasks in flight than worker threads: a task waits on the client, not
                # in a worker's queue, so a worker that dies takes only its own run with it.
                try:
                    slots = max(1, sum(client.nthreads().values()))
                except Exception:  # noqa: BLE001 - scheduler gone; the futures say why
                    slots = 1
                while sum(not f.done() for f in futures) < slots:
                    try:
                        i, item = next(queue)
                    except StopIteration:
                        return
                    fut = client.submit(run_item, fn, item, self.run_timeout,
                                        key=f"urbanki-run-{batch}-{i:04d}", retries=0)
                    futures[fut] = i
                    done.add(fut)

            submit_more()
            for fut in done:
                yield futures[fut], _outcome(fut)
                submit_more()
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                client.cancel(pending)
            client.close()
            if cluster is not None:
                cluster.close()
                _restore_environ(saved)


def _restore_environ(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _outcome(fut) -> Any:
    """The result of a finished future, or the exception that stands for the row's failure."""
    from distributed import KilledWorker

    try:
        return fut.result()
    except KilledWorker as exc:
        return WorkerLostError(
            f"worker lost: the worker process died {exc.allowed_failures + 1} time(s) while "
            f"running this run (last on {exc.last_worker.address})",
            message_de=f"Der Arbeitsprozess ist {exc.allowed_failures + 1}-mal während dieses "
            "Laufs abgestürzt (zu wenig Speicher?).",
        )
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - reported per row
        return exc
