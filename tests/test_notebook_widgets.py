"""Widgets are built in interactive kernels and skipped in runs started by urbanki."""

from __future__ import annotations

import nbformat
import papermill
from fixture_notebooks import _nb, tagged

from urbanki_helpers.notebook import is_interactive, slider
from urbanki_helpers.run.runner import kernel_config, run_notebook

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def widget_notebook():
    code = nbformat.v4.new_code_cell
    return _nb([
        tagged(code('output_dir: str = "x"  # Ausgabe'), "parameters"),
        code("from urbanki_helpers.notebook import slider\n"
             "slider(lambda r: f'Radius {r} m', value=400, min=100, max=1500, step=50, "
             "description='Radius', unit='m')"),
    ])


def widget_outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if WIDGET_MIME in o.get("data", {})]


def test_plain_python_is_not_interactive():
    from urbanki_helpers.notebook import question_box

    assert is_interactive() is False
    assert slider(str, value=1, min=0, max=2, step=1, description="x") is None
    assert question_box(str, placeholder="Ihre Frage") is None


def test_slider_is_built_in_a_kernel_but_not_in_urbanki_runs(tmp_path):
    path = tmp_path / "widget.ipynb"
    nbformat.write(widget_notebook(), path)
    # IPC sockets of its own, as the runner uses: with loopback TCP, a kernel started here can
    # lose the race for its ports to a parallel test's kernel and the call waits forever.
    config = kernel_config()
    executed = papermill.execute_notebook(str(path), str(tmp_path / "direct.ipynb"),
                                          progress_bar=False, kernel_name="python3",
                                          execution_timeout=120, start_timeout=60,
                                          **({"config": config} if config is not None else {}))
    assert len(widget_outputs(executed)) == 1  # an ordinary kernel: the widget exists
    run_notebook(path, {}, out_dir=tmp_path / "batch", html=False)
    batch = nbformat.read(tmp_path / "batch" / "widget.ipynb", as_version=4)
    assert widget_outputs(batch) == []  # the runner marks its kernels as batch runs
