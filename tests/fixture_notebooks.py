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
