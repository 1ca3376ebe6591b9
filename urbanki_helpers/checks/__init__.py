"""Check functions for the exercises, with German feedback.

A check takes the notebook's namespace (``globals()``), so it can say which variable is still
missing instead of failing with a ``NameError``, and returns a :class:`Feedback`. Checks never
raise for a wrong answer: the trainee reads the hint and tries again. One module per notebook
(``checks.intro`` for ``00``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FEEDBACK_MIME = "application/vnd.urbanki.feedback+json"


@dataclass(frozen=True)
class Feedback:
    """The result of checking one exercise."""

    exercise: str
    passed: bool
    message: str  # German

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        icon = "✅" if self.passed else "❌"
        colour = "#17702b" if self.passed else "#b00020"
        return {
            FEEDBACK_MIME: {"exercise": self.exercise, "passed": self.passed,
                            "message": self.message},
            "text/plain": f"{icon} {self.exercise}: {self.message}",
            "text/html": f"<div style='border-left:4px solid {colour};padding:.3em .8em'>"
                         f"{icon} <b>{html.escape(self.exercise)}</b>: "
                         f"{html.escape(self.message)}</div>",
        }


def ok(exercise: str, message: str = "Richtig gelöst.") -> Feedback:
    return Feedback(exercise, True, message)


def hint(exercise: str, message: str) -> Feedback:
    return Feedback(exercise, False, message)


def require(namespace: Mapping[str, Any], exercise: str, *names: str) -> Feedback | None:
    """A hint naming the first variable the trainee has not defined yet, else ``None``."""
    for name in names:
        if name not in namespace:
            return hint(exercise, f"Die Variable `{name}` gibt es noch nicht. Schreiben Sie Ihre "
                        "Lösung in die Zelle mit `# Ihre Lösung hier` und führen Sie sie aus.")
    return None


def collect_feedback(nb: Mapping) -> list[dict[str, Any]]:
    """All feedback shown in an executed notebook, in order (used by the tests)."""
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if FEEDBACK_MIME in data:
                found.append(data[FEEDBACK_MIME])
    return found
