"""Shared fixtures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import fixture_notebooks  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT


@pytest.fixture(scope="session")
def minimal_notebook(tmp_path_factory) -> Path:
    """A small parameterised notebook (see tests/fixture_notebooks.py)."""
    folder = tmp_path_factory.mktemp("nb")
    return fixture_notebooks.write(fixture_notebooks.minimal(), folder / "minimal.ipynb")


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The real-data mirror (URBANKI_DATA_DIR); tests that need it are skipped without it."""
    value = os.environ.get("URBANKI_DATA_DIR")
    if not value or not Path(value).is_dir():
        pytest.skip("URBANKI_DATA_DIR is not set to the real-data mirror (CI sets it)")
    return Path(value)


@pytest.fixture(autouse=True)
def _no_progress_bars(monkeypatch):
    monkeypatch.setenv("URBANKI_NO_PROGRESS", "1")


def pytest_configure(config):
    """One share of the cores per xdist worker for the numeric libraries of every kernel the
    tests start (OpenMP in scikit-learn, BLAS), as the batch engines do for their workers.
    Without it, three workers on two cores each start kernels with two OpenMP threads, and
    scikit-learn's gradient boosting spins on oversubscribed cores: notebook 03 took four times
    as long. Results do not depend on the thread count (checked on notebook 03)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    threads = max(1, (os.cpu_count() or 1) // workers)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))


def pytest_collection_modifyitems(config, items):
    """Start the slow tests first: notebooks executed by papermill and the command line run
    end to end. With xdist's "worksteal" distribution (pyproject.toml) idle workers take over
    the long runs still waiting, and the many short unit tests fill the end instead of one
    worker running notebooks alone while the others idle."""
    def slow(item) -> bool:
        return item.get_closest_marker("notebook") is not None \
            or item.nodeid.startswith("tests/test_cli.py")

    items[:] = [i for i in items if slow(i)] + [i for i in items if not slow(i)]
