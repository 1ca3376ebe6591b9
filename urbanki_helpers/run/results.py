"""Recording results in a notebook (the small idea of scrapbook, kept in the package).

``record("model.test.mae", 3.2)`` shows the value in the notebook and embeds it in the cell's
output under a dedicated MIME type. After a run, :func:`collect_records` reads the values back
from the executed notebook, so they land in ``results.json`` and stay visible in the notebook.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from typing import Any

from urbanki_helpers.errors import UrbanKIError

RECORD_MIME = "application/vnd.urbanki.record+json"
_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")

#: Values recorded in this process (interactive use: ``recorded()``).
_RECORDS: dict[str, Any] = {}


class RecordError(UrbanKIError, ValueError):
    """A result could not be recorded (bad key or a value that is not JSON-serialisable)."""


def to_jsonable(value: Any, *, _name: str = "value") -> Any:
    """Convert numpy/pandas scalars, arrays and dates into plain JSON values.

    ``NaN`` and infinities become ``None`` (JSON has no NaN).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, _name=_name) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v, _name=_name) for v in value]
    # numpy / pandas without importing them eagerly
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return to_jsonable(value.tolist(), _name=_name)
    if hasattr(value, "item"):
        return to_jsonable(value.item(), _name=_name)
    raise RecordError(
        f"The value for '{_name}' ({type(value).__name__}) cannot be stored as JSON; record "
        "numbers, texts, lists or dicts of them.",
        message_de=f"Der Wert für '{_name}' ({type(value).__name__}) lässt sich nicht als JSON "
        "speichern; halten Sie Zahlen, Texte oder Listen/Zuordnungen davon fest.",
    )


def record(name: str, value: Any, *, display: bool = True) -> Any:
    """Record a result under a lowercase dotted key such as ``model.test.mae``.

    The value is shown in the notebook and read back by the runner into ``results.json``.
    Returns the JSON value that was recorded.
    """
    if not isinstance(name, str) or not _KEY.fullmatch(name):
        raise RecordError(
            f"'{name}' is not a valid result key: use lowercase dotted English words such as "
            "'model.test.mae'.",
            message_de=f"'{name}' ist kein gültiger Ergebnisname: Verwenden Sie kleingeschriebene, "
            "durch Punkte getrennte englische Wörter wie 'model.test.mae'.",
        )
    jsonable = to_jsonable(value, _name=name)
    _RECORDS[name] = jsonable
    if display:
        try:
            from IPython import get_ipython
            from IPython.display import display as ipy_display
        except ImportError:  # plain Python: keep it in _RECORDS only
            return jsonable
        if get_ipython() is not None:
            ipy_display(
                {RECORD_MIME: {"name": name, "value": jsonable},
                 "text/plain": f"• {name} = {_short(jsonable)}"},
                raw=True,
            )
    return jsonable


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def recorded() -> dict[str, Any]:
    """The values recorded so far in this process (a copy)."""
    return dict(_RECORDS)


def collect_records(nb: Mapping) -> dict[str, Any]:
    """Read recorded values from an executed notebook (later values win)."""
    found: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if RECORD_MIME in data:
                payload = data[RECORD_MIME]
                found[payload["name"]] = payload["value"]
    return found
