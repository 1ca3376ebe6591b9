"""Small helpers for notebook cells: is a person watching, and widgets bound to a function.

Widgets make a parameter explorable in JupyterLab. They are built only in interactive
sessions; in runs started by ``urbanki`` (papermill) the parameter values rule and no widget
is built. Test the function behind a widget, not the widget.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

BATCH_ENV = "URBANKI_BATCH"


def is_interactive() -> bool:
    """True in a Jupyter kernel a person uses; False in batch runs and plain Python."""
    if os.environ.get(BATCH_ENV) == "1":
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _show(result: Any) -> None:
    """Show a widget function's result: text as plain text (``display`` would show a string
    with its quotes), anything else (tables, figures) with its rich representation."""
    if result is None:
        return
    if isinstance(result, str):
        print(result)
    else:
        from IPython.display import display

        display(result)


def slider(function: Callable[[Any], Any], *, value: float, min: float, max: float,
           step: float, description: str, unit: str = ""):
    """An ipywidgets slider that calls ``function(value)`` and shows its result below.

    Returns the widget box in interactive sessions and ``None`` otherwise (nothing to show).
    """
    if not is_interactive():
        return None
    import ipywidgets as widgets

    is_int = all(float(x).is_integer() for x in (value, min, max, step))
    cls = widgets.IntSlider if is_int else widgets.FloatSlider
    control = cls(value=value, min=min, max=max, step=step, description=description,
                  style={"description_width": "initial"}, continuous_update=False,
                  readout_format="d" if is_int else ".2f",
                  layout=widgets.Layout(width="32rem"))
    unit_label = widgets.Label(unit)
    output = widgets.Output()

    def update(change=None):
        output.clear_output(wait=True)
        with output:
            _show(function(control.value))

    control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([control, unit_label]), output])


def question_box(function: Callable[[str], Any], *, placeholder: str, description: str = "Frage"):
    """A text field with a button; shows ``function(text)`` below. ``None`` outside a
    Jupyter session a person uses (batch runs build no widgets)."""
    if not is_interactive():
        return None
    import ipywidgets as widgets

    field = widgets.Text(placeholder=placeholder, description=description,
                         layout=widgets.Layout(width="40rem"))
    button = widgets.Button(description="Fragen", button_style="primary")
    output = widgets.Output()

    def answer(_=None):
        output.clear_output(wait=True)
        with output:
            _show(function(field.value))

    button.on_click(answer)
    return widgets.VBox([widgets.HBox([field, button]), output])
