"""Small notebooks for the engine tests, built in code so that each test reads clearly."""

from __future__ import annotations

from pathlib import Path

import nbformat


def _nb(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    return nb


def tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def minimal() -> nbformat.NotebookNode:
    """Parameters of every kind, validation, recorded results; fails when ``fail`` is true."""
    code = nbformat.v4.new_code_cell
    return _nb([
        nbformat.v4.new_markdown_cell("# Testnotebook"),
        code("from urbanki_helpers import check_parameters, record"),
        tagged(code(
            'ags: str = "05513000"  # Amtlicher Gemeindeschlüssel\n'
            "n: int = 3  # Anzahl\n"
            "factor: float = 1.5  # Faktor\n"
            "fail: bool = False  # absichtlich scheitern\n"
            'names: list[str] = ["a", "b"]  # Namen\n'
            'csv_path: str = ""  # optionale Datei\n'
            'output_dir: str = "ausgabe/test"  # Ausgabeordner\n'
        ), "parameters"),
        code(
            'P = check_parameters(globals(), ranges={"n": (1, 100)}, files=["csv_path"],\n'
            '                     patterns={"ags": (r"\\d{8}", "8 Ziffern")})\nP'
        ),
        code(
            "from pathlib import Path\n"
            'record("params.ags", ags)\n'
            'record("params.n_times_factor", n * factor)\n'
            'record("params.names", names)\n'
            "Path(output_dir, 'hello.txt').write_text('hallo')\n"
            "if fail:\n"
            "    raise ValueError('absichtlich gescheitert')\n"
            'record("done", True)'
        ),
    ])


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


def slow() -> nbformat.NotebookNode:
    """Writes the pid of the process that started its kernel (the runner's worker) to
    ``worker_pid.txt`` in ``output_dir``, then sleeps ``sleep_s`` seconds; fails when ``fail``
    is true. For tests that stop a worker or a run while it is going on."""
    code = nbformat.v4.new_code_cell
    return _nb([
        nbformat.v4.new_markdown_cell("# Langsames Testnotebook"),
        code("import os\nimport time\nfrom pathlib import Path\n\n"
             "from urbanki_helpers import record"),
        tagged(code(
            "sleep_s: float = 0.0  # Wartezeit in Sekunden\n"
            "fail: bool = False  # absichtlich scheitern\n"
            'output_dir: str = "ausgabe/test"  # Ausgabeordner\n'
        ), "parameters"),
        code(
            "Path(output_dir, 'worker_pid.txt').write_text(str(os.getppid()))\n"
            "time.sleep(sleep_s)\n"
            "if fail:\n"
            "    raise ValueError('absichtlich gescheitert')\n"
            'record("slept_s", sleep_s)'
        ),
    ])


def warm_probe() -> nbformat.NotebookNode:
    """Records the state it finds (pid, leftovers of an earlier run in the same kernel,
    module attributes, environment, options), then changes all of it; sleeps ``sleep_s``
    seconds, removes the warm kernel's snapshot when ``sabotage`` is true and fails at the end
    when ``fail`` is true. Needs ``warm_probe_local.py`` (``COUNTER = 0``) next to it."""
    code = nbformat.v4.new_code_cell
    return _nb([
        nbformat.v4.new_markdown_cell("# Zustandsprobe für vorgewärmte Kernel"),
        code("import builtins\nimport os\nimport sys\nimport time\nimport warnings\n\n"
             "import matplotlib as mpl\nimport matplotlib.pyplot as plt\nimport numpy as np\n"
             "import pandas as pd\n\nimport urbanki_helpers\nimport warm_probe_local\n"
             "from urbanki_helpers import record\n"
             "from urbanki_helpers.run import results as _results"),
        tagged(code(
            "fail: bool = False  # absichtlich scheitern\n"
            "sabotage: bool = False  # Momentaufnahme des Kernels löschen\n"
            "sleep_s: float = 0.0  # Wartezeit in Sekunden\n"
            'output_dir: str = "ausgabe/test"  # Ausgabeordner\n'
        ), "parameters"),
        code(
            "seen = {\n"
            '    "records_before": sorted(_results._RECORDS),\n'
            '    "pid": os.getpid(),\n'
            '    "leftover": "leftover_from_last_run" in globals(),\n'
            '    "history": len(In),\n'
            '    "marker": getattr(urbanki_helpers, "warm_probe_marker", None),\n'
            '    "local_counter": warm_probe_local.COUNTER,\n'
            '    "env": os.environ.get("URBANKI_WARM_PROBE"),\n'
            '    "batch_env": os.environ.get("URBANKI_BATCH"),\n'
            '    "cwd": os.getcwd(),\n'
            '    "sys_path_extra": "/tmp/warm-probe" in sys.path,\n'
            '    "argv_extra": "--warm-probe" in sys.argv,\n'
            '    "builtin_extra": hasattr(builtins, "warm_probe_builtin"),\n'
            '    "pandas_max_rows": pd.get_option("display.max_rows"),\n'
            '    "rc_linewidth": mpl.rcParams["lines.linewidth"],\n'
            '    "backend": mpl.get_backend(),\n'
            '    "open_figures": len(plt.get_fignums()),\n'
            '    "np_precision": np.get_printoptions()["precision"],\n'
            '    "np_divide": np.geterr()["divide"],\n'
            '    "np_random": float(np.random.rand()),\n'
            '    "warning_filters": len(warnings.filters),\n'
            "}\n"
            "for key, value in seen.items():\n"
            '    record(f"seen.{key}", value)'
        ),
        code(
            "leftover_from_last_run = 42\n"
            'urbanki_helpers.warm_probe_marker = "geändert"\n'
            "warm_probe_local.COUNTER += 1\n"
            'os.environ["URBANKI_WARM_PROBE"] = "geändert"\n'
            'sys.path.append("/tmp/warm-probe")\n'
            'sys.argv.append("--warm-probe")\n'
            "builtins.warm_probe_builtin = True\n"
            'pd.set_option("display.max_rows", 7)\n'
            'mpl.rcParams["lines.linewidth"] = 9.0\n'
            "np.set_printoptions(precision=2)\n"
            'np.seterr(divide="raise")\n'
            "np.random.rand(5)\n"
            'warnings.simplefilter("ignore")\n'
            "fig = plt.figure()\n"
            "os.chdir(output_dir)\n"
            "time.sleep(sleep_s)\n"
            "if sabotage:\n"
            '    del sys.modules["_urbanki_warm"]\n'
            "if fail:\n"
            "    raise ValueError('absichtlich gescheitert')\n"
            'record("done", True)'
        ),
    ])
