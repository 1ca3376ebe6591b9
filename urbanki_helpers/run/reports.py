"""Summaries of many runs: ``summary.csv`` (one row per run) and ``index.html``.

``index.html`` is written for a head of department: German, no code, each run with its title,
status, duration, key results and links to the HTML report and the executed notebook.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from urbanki_helpers.atomic import write_text
from urbanki_helpers.run.curriculum import CURRICULUM, UseCase
from urbanki_helpers.run.runner import RunResult

SUMMARY_FILE = "summary.csv"
INDEX_FILE = "index.html"
_MAX_RESULTS_SHOWN = 6


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def summary_rows(results: Sequence[RunResult]) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows of the summary: run, notebook, status, duration, error, then
    ``param.<name>`` for each parameter and ``result.<key>`` for each recorded value."""
    params = list(dict.fromkeys(k for r in results for k in r.parameters if k != "output_dir"))
    keys = list(dict.fromkeys(k for r in results for k in r.results))
    columns = ["run_name", "use_case", "notebook", "status", "duration_s", "error_type",
               "error_message", *[f"param.{p}" for p in params], *[f"result.{k}" for k in keys]]
    rows = []
    for r in results:
        row = {
            "run_name": r.run_name, "use_case": r.use_case or "", "notebook": r.notebook,
            "status": r.status, "duration_s": _cell(r.duration_s),
            "error_type": (r.error or {}).get("type", ""),
            "error_message": (r.error or {}).get("message", ""),
        }
        row.update({f"param.{p}": _cell(r.parameters.get(p)) for p in params})
        row.update({f"result.{k}": _cell(r.results.get(k)) for k in keys})
        rows.append(row)
    return columns, rows


def write_summary_csv(results: Sequence[RunResult], target: str | os.PathLike) -> Path:
    """Write ``summary.csv`` (UTF-8, comma-separated, one row per run) atomically."""
    columns, rows = summary_rows(results)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_text(target, buf.getvalue())


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return text.replace(",", "\u2009").replace(".", ",")
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) < 60 else text[:57] + "…"
    return str(value)


def _key_results(result: RunResult, uc: UseCase | None) -> str:
    keys = [k for k in (uc.key_results if uc else ()) if k in result.results]
    keys += [k for k in result.results if k not in keys]
    items = "".join(
        f"<li><code>{html.escape(k)}</code> = {html.escape(_fmt(result.results[k]))}</li>"
        for k in keys[:_MAX_RESULTS_SHOWN]
    )
    more = len(result.results) - _MAX_RESULTS_SHOWN
    extra = f"<li>… und {more} weitere (siehe Bericht)</li>" if more > 0 else ""
    return f"<ul>{items}{extra}</ul>" if items else "–"


def _link(base: Path, result: RunResult, key: str, label: str) -> str:
    name = result.files.get(key)
    if not name:
        return ""
    href = os.path.relpath(Path(result.out_dir) / name, base)
    return f'<a href="{html.escape(href)}">{label}</a>'


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#222}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}.ok{color:#17702b;font-weight:600}.failed{color:#b00020;font-weight:600}
.planned{color:#777}ul{margin:0;padding-left:1.1rem}code{font-size:.9em}
.note{color:#555;font-size:.9rem;max-width:60rem}
"""


def write_index_html(results: Sequence[RunResult], target: str | os.PathLike, *,
                     title: str = "URBAN.KI Lernlabor – Ergebnisse",
                     include_planned: bool = False) -> Path:
    """Write the overview page. With ``include_planned``, use cases whose notebook does not
    exist yet are listed as planned (the curriculum report of ``make reports``)."""
    target = Path(target)
    base = target.parent
    by_uc = {r.use_case: r for r in results if r.use_case}
    rows = []
    entries: list[tuple[UseCase | None, RunResult | None]]
    if include_planned:
        entries = [(uc, by_uc.get(uc.id)) for uc in CURRICULUM]
        entries += [(None, r) for r in results if not r.use_case]
    else:
        lookup = {uc.id: uc for uc in CURRICULUM}
        entries = [(lookup.get(r.use_case or ""), r) for r in results]
    for uc, r in entries:
        title_uc = f"{uc.id} · {uc.title}" if uc else ""
        if include_planned or r is None:
            label = html.escape(title_uc or (r.run_name if r else ""))
        else:
            label = html.escape(r.run_name + (f" ({title_uc})" if title_uc else ""))
        where = ""
        if uc:
            where = uc.municipality + (f" („{uc.prototype}“)" if uc.prototype else "")
        if r is None:
            rows.append(f"<tr><td>{label}<br><small>{html.escape(where)}</small></td>"
                        "<td class='planned'>geplant</td><td></td><td></td><td></td></tr>")
            continue
        status = ("<span class='ok'>✔ erfolgreich</span>" if r.ok else
                  "<span class='failed'>✘ fehlgeschlagen</span><br><small>"
                  + html.escape(f"{(r.error or {}).get('type', '')}: "
                                f"{(r.error or {}).get('message', '')}"[:300]) + "</small>")
        links = " · ".join(x for x in (_link(base, r, "html", "Bericht"),
                                       _link(base, r, "notebook", "Notebook"),
                                       _link(base, r, "results", "results.json")) if x)
        duration = f"{r.duration_s:.1f} s".replace(".", ",")
        rows.append(f"<tr><td>{label}<br><small>{html.escape(where)}</small></td><td>{status}"
                    f"</td><td>{duration}</td><td>{_key_results(r, uc)}</td><td>{links}</td></tr>")
    n_ok = sum(r.ok for r in results)
    page = (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{n_ok} von {len(results)} Läufen erfolgreich. Jede Zeile verlinkt den Bericht "
        "(ohne Programmcode), das ausgeführte Notebook und die Ergebnisdatei.</p>"
        "<table><tr><th>Anwendungsfall / Lauf</th><th>Status</th><th>Dauer</th>"
        "<th>Wichtigste Ergebnisse</th><th>Dateien</th></tr>" + "".join(rows) + "</table>"
        "<p class='note'>Die eingebetteten Daten der Musterstadt und des Landkreises Musterland "
        "sind synthetisch (fiktiv). Ergebnisse zeigen Methoden, keine Aussagen über reale "
        "Kommunen. Jede Kennzahl ist im Bericht mit ihrer Unsicherheit und ihren Grenzen "
        "eingeordnet.</p></body></html>\n"
    )
    return write_text(target, page)


def write_reports(results: Sequence[RunResult], out_dir: str | os.PathLike, *,
                  title: str = "URBAN.KI Lernlabor – Ergebnisse",
                  include_planned: bool = False) -> tuple[Path, Path]:
    """Write ``summary.csv`` and ``index.html`` into ``out_dir``."""
    out_dir = Path(out_dir)
    return (write_summary_csv(results, out_dir / SUMMARY_FILE),
            write_index_html(results, out_dir / INDEX_FILE, title=title,
                             include_planned=include_planned))
