"""Where the project's folders are.

The package lives inside the project checkout (installed in editable mode), so the project
root is the folder above the package. ``URBANKI_HOME`` overrides it, e.g. for an unpacked
workshop folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from urbanki_helpers.errors import UrbanKIError


def project_root() -> Path:
    """Return the project root (the folder holding ``notebooks/`` and ``datasets/``)."""
    env = os.environ.get("URBANKI_HOME")
    root = Path(env).expanduser().resolve() if env else Path(__file__).resolve().parent.parent
    if not (root / "datasets").is_dir():
        raise UrbanKIError(
            f"The project folder {root} has no 'datasets' folder. Install the package from a "
            "checkout with 'pip install -e .' or set URBANKI_HOME to the project folder.",
            message_de=f"Im Projektordner {root} fehlt der Ordner 'datasets'. Installieren Sie "
            "das Paket aus dem Projektordner mit 'pip install -e .' oder setzen Sie "
            "URBANKI_HOME auf den Projektordner.",
        )
    return root


def datasets_dir() -> Path:
    """Folder of the embedded datasets and the catalogue."""
    return project_root() / "datasets"


def notebooks_dir() -> Path:
    """Folder of the use-case notebooks."""
    return project_root() / "notebooks"


def exercises_dir() -> Path:
    """Folder of the generated exercise notebooks."""
    return project_root() / "exercises"
