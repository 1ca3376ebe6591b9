"""Exercise notebooks generated from the solution notebooks, so the two never drift apart.

In a notebook, a cell tagged ``loesung`` holds a solution. The exercise version keeps every
other cell; a ``loesung`` code cell becomes a stub with the task's leading comment lines and
``# Ihre Lösung hier``; a ``loesung`` markdown cell (a model answer) is dropped. The check cell
after a solution calls a check function (``urbanki_helpers.checks``) that gives German feedback.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from urbanki_helpers.atomic import write_text
from urbanki_helpers.paths import exercises_dir, notebooks_dir

SOLUTION_TAG = "loesung"
TASK_TAG = "aufgabe"
STUB_LINE = "# Ihre Lösung hier"
EXERCISE_SUFFIX = "_uebung"


def task_comment(source: str) -> list[str]:
    """The leading comment lines of a solution cell: the task as the trainee sees it."""
    lines = []
    for line in source.splitlines():
        if line.strip().startswith("#"):
            lines.append(line.rstrip())
        elif line.strip() == "" and not lines:
            continue
        else:
            break
    return lines


def build_exercise(nb: nbformat.NotebookNode, *, source_name: str) -> nbformat.NotebookNode:
    """Return the exercise version of a solution notebook (the input is not changed)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = list(cell.get("metadata", {}).get("tags", []))
        if cell.get("cell_type") == "code":
            cell.outputs = []
            cell.execution_count = None
        if SOLUTION_TAG not in tags:
            cells.append(cell)
            continue
        if cell.cell_type == "markdown":
            continue
        cell.source = "\n".join([*task_comment(cell.source), STUB_LINE]) + "\n"
        cell.metadata["tags"] = [TASK_TAG if t == SOLUTION_TAG else t for t in tags]
        cells.append(cell)
    header = nbformat.v4.new_markdown_cell(
        f"> **Übungsfassung** von `notebooks/{source_name}`. Diese Datei wird mit "
        "`make exercises` erzeugt; bitte nicht von Hand bearbeiten. Lösen Sie die Aufgaben in "
        "den Zellen mit `# Ihre Lösung hier` und führen Sie die Prüfzelle danach aus."
    )
    out.cells = [header, *cells]
    for i, cell in enumerate(out.cells):
        cell.id = str(i)  # sequential ids, as nbstripout writes them
    return out


def has_exercises(nb: nbformat.NotebookNode) -> bool:
    return any(SOLUTION_TAG in c.get("metadata", {}).get("tags", []) for c in nb.cells)


@dataclass(frozen=True)
class ExerciseFile:
    source: Path
    target: Path
    content: str


def plan_exercises(src_dir: Path | None = None, dst_dir: Path | None = None) -> list[ExerciseFile]:
    """Exercise notebooks as they should be, for every notebook with ``loesung`` cells."""
    src_dir = src_dir or notebooks_dir()
    dst_dir = dst_dir or exercises_dir()
    planned = []
    for path in sorted(src_dir.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if not has_exercises(nb):
            continue
        exercise = build_exercise(nb, source_name=path.name)
        target = dst_dir / f"{path.stem}{EXERCISE_SUFFIX}.ipynb"
        planned.append(ExerciseFile(path, target, nbformat.writes(exercise) + "\n"))
    return planned


def build_exercises(src_dir: Path | None = None, dst_dir: Path | None = None) -> list[Path]:
    """Write all exercise notebooks (atomically) and return their paths."""
    written = []
    for item in plan_exercises(src_dir, dst_dir):
        write_text(item.target, item.content)
        written.append(item.target)
    return written


def stale_exercises(src_dir: Path | None = None, dst_dir: Path | None = None) -> list[str]:
    """Names of exercise files that are missing or differ from what the notebooks give."""
    stale = []
    for item in plan_exercises(src_dir, dst_dir):
        current = item.target.read_text(encoding="utf-8") if item.target.exists() else None
        if current != item.content:
            stale.append(os.fspath(item.target.name))
    return stale
