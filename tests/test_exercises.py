"""Exercise notebooks generated from solution notebooks (the mechanism; the checks of each
notebook are exercised in tests/test_notebooks.py)."""

from __future__ import annotations

import nbformat
from fixture_notebooks import _nb, tagged

from urbanki_helpers.checks import FEEDBACK_MIME, Feedback, collect_feedback, require
from urbanki_helpers.run.exercises import (
    STUB_LINE,
    build_exercise,
    build_exercises,
    stale_exercises,
    task_comment,
)


def solution_notebook():
    code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    nb = _nb([
        md("# Titel"),
        tagged(code("x: int = 1  # Wert"), "parameters"),
        md("### Aufgabe 1\nBerechnen Sie das Doppelte."),
        tagged(code("# Aufgabe 1: Verdoppeln Sie x\n# und speichern Sie es in y.\ny = 2 * x\n"),
               "loesung"),
        code("check(globals())"),
        tagged(md("**Musterantwort:** Weil ..."), "loesung"),
    ])
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="2")]
    nb.cells[3].execution_count = 4
    return nb


def test_solution_cells_become_stubs_and_model_answers_are_dropped():
    nb = solution_notebook()
    ex = build_exercise(nb, source_name="99_test.ipynb")
    sources = [c.source for c in ex.cells]
    assert "99_test.ipynb" in sources[0] and "make exercises" in sources[0]
    assert sources[1:] == ["# Titel", "x: int = 1  # Wert", "### Aufgabe 1\nBerechnen Sie das "
                           "Doppelte.", "# Aufgabe 1: Verdoppeln Sie x\n# und speichern Sie es "
                           f"in y.\n{STUB_LINE}\n", "check(globals())"]
    stub = ex.cells[4]
    assert stub.metadata["tags"] == ["aufgabe"] and stub.outputs == [] and \
        stub.execution_count is None
    assert nb.cells[3].source.endswith("y = 2 * x\n")  # the solution notebook is unchanged


def test_task_comment_takes_only_the_leading_comment_block():
    assert task_comment("\n# a\n#  b\nx = 1\n# later") == ["# a", "#  b"]
    assert task_comment("x = 1") == []


def test_build_and_staleness(tmp_path):
    src, dst = tmp_path / "notebooks", tmp_path / "exercises"
    src.mkdir()
    nbformat.write(solution_notebook(), src / "99_test.ipynb")
    nbformat.write(_nb([nbformat.v4.new_code_cell("1")]), src / "98_ohne_uebung.ipynb")
    assert stale_exercises(src, dst) == ["99_test_uebung.ipynb"]
    assert build_exercises(src, dst) == [dst / "99_test_uebung.ipynb"]
    assert stale_exercises(src, dst) == []
    first = (dst / "99_test_uebung.ipynb").read_bytes()
    build_exercises(src, dst)
    assert (dst / "99_test_uebung.ipynb").read_bytes() == first  # deterministic
    nb = solution_notebook()
    nb.cells[0].source = "# Neuer Titel"
    nbformat.write(nb, src / "99_test.ipynb")
    assert stale_exercises(src, dst) == ["99_test_uebung.ipynb"]


def test_committed_exercises_are_up_to_date():
    assert stale_exercises() == [], "run 'make exercises' and commit exercises/"


def test_feedback_is_shown_and_collected():
    fb = Feedback("Aufgabe 1", False, "Noch nicht: ...")
    bundle = fb._repr_mimebundle_()
    assert bundle[FEEDBACK_MIME] == {"exercise": "Aufgabe 1", "passed": False,
                                     "message": "Noch nicht: ..."}
    assert bundle["text/plain"].startswith("❌") and not fb.passed
    nb = {"cells": [{"cell_type": "code", "outputs": [{"data": bundle}]}]}
    assert collect_feedback(nb) == [bundle[FEEDBACK_MIME]]
    missing = require({"a": 1}, "Aufgabe 2", "a", "b")
    assert not missing.passed and "`b`" in missing.message
    assert require({"a": 1}, "Aufgabe 2", "a") is None
