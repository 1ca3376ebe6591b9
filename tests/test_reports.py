"""summary.csv and index.html for many runs."""

from __future__ import annotations

import os

from urbanki_helpers.run.reports import summary_rows, write_index_html
from urbanki_helpers.run.runner import RunResult


def result(name, status="ok", use_case=None, **results):
    return RunResult(notebook="nb.ipynb", run_name=name, out_dir=f"/x/out/{name}",
                     parameters={"radius_m": 400, "output_dir": "/x"}, status=status,
                     error=None if status == "ok" else {"type": "ValueError", "message": "kaputt"},
                     duration_s=1.25, results=results, versions={}, started_at="",
                     use_case=use_case, files={"html": "nb.html", "notebook": "nb.ipynb"})


def test_summary_has_one_row_per_run_with_params_and_results():
    columns, rows = summary_rows([result("a", **{"m.mae": 1.5, "n": 3}),
                                  result("b", "failed", flag=True)])
    assert columns == ["run_name", "use_case", "notebook", "status", "duration_s", "error_type",
                       "error_message", "param.radius_m", "result.m.mae", "result.n",
                       "result.flag"]
    assert rows[0]["result.m.mae"] == "1.5" and rows[0]["param.radius_m"] == "400"
    assert rows[1]["error_message"] == "kaputt" and rows[1]["result.flag"] == "true"
    assert rows[1]["result.n"] == ""


def test_index_lists_planned_use_cases_and_formats_numbers_in_german(tmp_path):
    page = write_index_html([result("00_einfuehrung", use_case="00", **{
        "erreichbarkeit.anteil": 0.7971, "data.einwohner": 59981, "model.beats_baseline": True,
    })], tmp_path / "index.html", include_planned=True).read_text(encoding="utf-8")
    assert "erreichbarkeit.anteil</code> = 0,797" in page
    assert "data.einwohner</code> = 59.981" in page and "beats_baseline</code> = ja" in page
    assert page.count("geplant") == 9 and "1 von 1 Läufen erfolgreich" in page
    link = os.path.relpath("/x/out/00_einfuehrung/nb.html", tmp_path)
    assert f'<a href="{link}">Bericht</a>' in page
    assert "<td>1,2 s</td>" in page


def test_key_results_of_available_notebooks_are_keys_they_record():
    """The overview shows each use case's key results first; they must exist in its runs."""
    import re

    from urbanki_helpers.run.curriculum import CURRICULUM

    for uc in CURRICULUM:
        if not uc.available:
            continue
        source = uc.path.read_text(encoding="utf-8")
        recorded = set(re.findall(r'record\(\\"([a-z0-9_.]+)', source))
        dynamic = re.findall(r'record\(f\\"([a-z0-9_.{}]+)', source)
        for key in uc.key_results:
            assert key in recorded or any(
                re.fullmatch(re.sub(r"\{[^}]*\}", r"[a-z0-9_]+", d), key) for d in dynamic), \
                (uc.stem, key)
