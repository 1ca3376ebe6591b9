"""The ``urbanki`` command: a thin layer over ``urbanki_helpers.run`` and ``urbanki_helpers.data``.

Exit codes: 0 ok, 1 a notebook run failed (its outputs are still written), 2 bad usage or bad
parameters (nothing was started).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from pathlib import Path
from typing import Any

from urbanki_helpers.errors import DatasetNotAvailableError, UrbanKIError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 as well; keep its message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: Fehler: {message}\n")


def _say(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _progress(total: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="Lauf", file=sys.stderr,
                disable=total == 0 or os.environ.get("URBANKI_NO_PROGRESS") == "1")


# --------------------------------------------------------------------------------------
# list / params
# --------------------------------------------------------------------------------------


def cmd_list(args) -> int:
    from urbanki_helpers.run.curriculum import CURRICULUM

    for uc in CURRICULUM:
        state = "bereit " if uc.available else "geplant"
        proto = f" „{uc.prototype}“" if uc.prototype else ""
        _say(f"{uc.id}  {state}  {uc.stem:<28} {uc.title} — {uc.municipality}{proto}")
    return EXIT_OK


def cmd_params(args) -> int:
    from urbanki_helpers.run.curriculum import resolve_notebook
    from urbanki_helpers.run.runner import read_notebook_parameters

    path, _ = resolve_notebook(args.target)
    specs, constraints = read_notebook_parameters(path)
    _say(f"Parameter von {path.name}:")
    for s in specs.values():
        rules = []
        if s.name in constraints.choices:
            rules.append("erlaubt: " + ", ".join(map(repr, constraints.choices[s.name])))
        if s.name in constraints.ranges:
            rules.append("Bereich: {} bis {}".format(*constraints.ranges[s.name]))
        if s.name in constraints.files:
            rules.append("Datei")
        rule_text = f"  [{'; '.join(rules)}]" if rules else ""
        _say(f"  {s.name}: {s.type} = {s.default!r}  # {s.help}{rule_text}")
    return EXIT_OK


# --------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------


def _given_parameters(args) -> dict[str, Any]:
    from urbanki_helpers.run.parameters import load_yaml

    given: dict[str, Any] = {}
    if args.param_file:
        try:
            data = load_yaml(Path(args.param_file).read_text(encoding="utf-8-sig"),
                             where=str(args.param_file))
        except FileNotFoundError:
            raise UrbanKIError(f"The parameter file {args.param_file} does not exist.",
                               message_de=f"Die Parameterdatei {args.param_file} gibt es "
                               "nicht.") from None
        if not isinstance(data, dict):
            raise UrbanKIError(f"{args.param_file} must hold name: value pairs.",
                               message_de=f"{args.param_file} muss Paare 'name: wert' enthalten.")
        given.update(data)
    for name, value in args.param or []:
        given[name] = value  # text; converted to the declared type by the runner
    return given


def _print_result(result) -> None:
    if result.ok:
        _say(f"✔ {result.notebook}: erfolgreich in {result.duration_s:.1f} s → {result.out_dir}")
    else:
        err = result.error or {}
        _err(f"✘ {result.notebook}: fehlgeschlagen — {err.get('type')}: {err.get('message')}")
        _err(f"  Bericht und Notebook bis zum Fehler: {result.out_dir}")


def cmd_run(args) -> int:
    if args.all:
        return _run_all(args)
    if not args.target:
        raise UrbanKIError("Name a notebook (id, stem or path) or use --all.",
                           message_de="Nennen Sie ein Notebook (Nummer, Name oder Pfad) oder "
                           "verwenden Sie --all.")
    from urbanki_helpers.run.curriculum import resolve_notebook
    from urbanki_helpers.run.runner import run_notebook

    path, _ = resolve_notebook(args.target)
    given = _given_parameters(args)
    out = args.out or given.pop("output_dir", None)
    given.pop("output_dir", None)
    if out is None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("ausgabe") / f"{path.stem}_{stamp}"
    result = run_notebook(path, given, out_dir=out, overwrite=args.overwrite,
                          html=not args.no_html, timeout=args.timeout)
    _print_result(result)
    return EXIT_OK if result.ok else EXIT_FAILED


def _engine_choice(args) -> tuple[str, dict[str, Any]]:
    """Engine name and options from the command line; ``--scheduler`` implies dask."""
    engine = args.engine or ("dask" if args.scheduler else "process")
    if engine != "dask":
        given = [opt for opt, value in (("--scheduler", args.scheduler),
                                        ("--run-timeout", args.run_timeout)) if value is not None]
        if given:
            verb_en, verb_de = ("needs", "ist") if len(given) == 1 else ("need", "sind")
            raise UrbanKIError(
                f"{' and '.join(given)} {verb_en} --engine dask, not --engine {engine}.",
                message_de=f"{' und '.join(given)} {verb_de} nur mit --engine dask möglich, "
                f"nicht mit --engine {engine}.")
        return engine, {"workers": args.workers}
    return engine, {"workers": args.workers, "scheduler": args.scheduler,
                    "run_timeout": args.run_timeout}


def _run_with_progress(tasks, args, desc: str):
    from urbanki_helpers.run.batch import get_engine, run_tasks

    name, options = _engine_choice(args)
    engine = get_engine(name, **options)
    with _progress(len(tasks), desc) as bar:
        def tick(result):
            bar.set_postfix_str(f"{result.run_name}: {result.status}")
            bar.update(1)

        return run_tasks(tasks, engine, progress=tick)


def _run_all(args) -> int:
    from urbanki_helpers.run.batch import plan_curriculum
    from urbanki_helpers.run.reports import write_reports

    out = Path(args.out or "reports").resolve()
    tasks = plan_curriculum(out, overwrite=args.overwrite, html=not args.no_html,
                            timeout=args.timeout)
    outcome = _run_with_progress(tasks, args, "Notebooks")
    summary, index = write_reports(outcome.results, out, include_planned=True,
                                   title="URBAN.KI Lernlabor – Berichte aller Anwendungsfälle")
    for r in outcome.results:
        _print_result(r)
    _say(f"Übersicht: {index}\nTabelle:   {summary}")
    return EXIT_FAILED if outcome.n_failed else EXIT_OK


def cmd_batch(args) -> int:
    from urbanki_helpers.run.batch import plan_batch, read_grid
    from urbanki_helpers.run.reports import write_reports

    rows = read_grid(args.grid)
    tasks = plan_batch(args.target, rows, args.out, overwrite=args.overwrite,
                       html=not args.no_html, timeout=args.timeout)
    outcome = _run_with_progress(tasks, args, "Läufe")
    summary, index = write_reports(outcome.results, Path(args.out).resolve(),
                                   title=f"URBAN.KI Lernlabor – Stapellauf {args.target}")
    _say(f"{len(tasks) - outcome.n_failed} von {len(tasks)} Läufen erfolgreich.")
    for r in outcome.results:
        if not r.ok:
            _print_result(r)
    _say(f"Übersicht: {index}\nTabelle:   {summary}")
    return EXIT_FAILED if outcome.n_failed else EXIT_OK


# --------------------------------------------------------------------------------------
# data / exercises
# --------------------------------------------------------------------------------------


def cmd_data(args) -> int:
    from urbanki_helpers.data import catalog as cat

    catalog = cat.load_catalog()
    if args.data_command == "list":
        _say(f"{'id':<26}{'Art':<11}{'lokal verfügbar':<34}Lizenz")
        for ds in catalog:
            loc = cat.locate(ds.id, catalog=catalog)
            where = {"embedded": "ja (eingebettet)", "mirror": "ja (Spiegel)",
                     "cache": "ja (Cache)",
                     "mixed": "ja (teils Spiegel, teils Cache)"}.get(
                loc.status, f"nein ({len(loc.missing)} Datei(en) fehlen)")
            _say(f"{ds.id:<26}{ds.kind:<11}{where:<34}{ds.licence}")
        if cat.mirror_dir() is None:
            _say("\nHinweis: URBANKI_DATA_DIR ist nicht gesetzt (Ordner mit echten Daten, "
                 "aufgebaut als <ordner>/<datensatz-id>/<datei>).")
        return EXIT_OK
    if args.data_command == "verify":
        results = cat.verify(catalog, ids=args.ids or None)
        bad = 0
        for r in results:
            mark = {"ok": "✔", "missing": "–"}.get(r.status, "✘")
            bad += r.status not in ("ok", "missing")
            _say(f"{mark} {r.dataset_id}/{r.name}: {r.status}"
                 + (f" ({r.detail})" if r.detail else ""))
        return EXIT_FAILED if bad else EXIT_OK
    if args.data_command == "fetch":
        for path in cat.fetch(args.id, catalog=catalog):
            _say(f"✔ {path}")
        return EXIT_OK
    return EXIT_USAGE


def cmd_exercises(args) -> int:
    from urbanki_helpers.run.exercises import build_exercises, stale_exercises

    if args.check:
        stale = stale_exercises()
        if stale:
            _err("Veraltet (make exercises ausführen): " + ", ".join(stale))
            return EXIT_FAILED
        _say("Alle Übungen sind aktuell.")
        return EXIT_OK
    for path in build_exercises():
        _say(f"✔ {path}")
    return EXIT_OK


def cmd_workshop(args) -> int:
    """Write an offline workshop folder (project, wheels, real data, install scripts)."""
    from urbanki_helpers.workshop import WheelDownloadError, pack_workshop

    ids = None
    if args.datasets is not None:
        ids = [i.strip() for i in args.datasets.split(",") if i.strip()]
    try:
        result = pack_workshop(args.dest, platform=args.platform,
                               python_version=args.python_version, datasets=ids,
                               include_test_extra=args.with_test_tools, overwrite=args.overwrite,
                               progress=lambda text: _err(f"… {text}"))
    except WheelDownloadError as exc:  # a real failure (network, platform), not bad usage
        _err(f"Fehler: {exc.message_de}")
        return EXIT_FAILED
    m = result.manifest
    target = m["native_platform"] if m["platform"] == "native" else m["platform"]
    _say(f"✔ Workshop-Paket: {result.dest}")
    _say(f"  {result.wheel_count} Wheels für {target}, Python {m['python_version']}; "
         f"{len(m['datasets'])} echte Datensätze in realdata/")
    for missing in result.missing:
        why = "beschädigt" if missing.reason == "damaged" else "nicht vorhanden"
        _err(f"– nicht eingepackt: {missing.dataset.id} ({why}: {', '.join(missing.files)})"
             + (f" – {missing.detail}" if missing.detail else ""))
    if result.missing:
        _err("  Holen Sie fehlende Datensätze mit 'urbanki data fetch ID' oder setzen Sie "
             "URBANKI_DATA_DIR auf den Spiegelordner, dann erneut packen (--overwrite).")
    _say("  Anleitung für den Raum: LIESMICH.md im Paket")
    return EXIT_OK


def cmd_grid(args) -> int:
    """Write a parameter grid (run_name, ags) of all municipalities of a Land or Kreis."""
    from urbanki_helpers.municipalities import (
        land_code,
        load_municipalities,
        municipality_grid,
        write_grid,
    )

    if args.limit is not None and args.limit < 1:
        raise UrbanKIError(f"--limit must be at least 1, not {args.limit}.",
                           message_de=f"--limit muss mindestens 1 sein, nicht {args.limit}.")
    if args.land is not None:
        land_code(args.land)  # a typo fails before the boundaries are loaded
    grid = municipality_grid(load_municipalities(), land=args.land, kreis=args.kreis)
    selection = grid.attrs.get("selection_de", "")
    if args.limit is not None:
        grid = grid.head(args.limit)
    path = write_grid(grid, args.out)
    _say(f"✔ {len(grid)} Gemeinden: {selection} → {path}")
    _say(f"  Weiter mit: urbanki batch notebooks/batch/gemeindeprofil.ipynb --grid {path} "
         "--out <ordner>")
    return EXIT_OK


# --------------------------------------------------------------------------------------


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--overwrite", action="store_true",
                   help="replace an earlier run in the output folder")
    p.add_argument("--no-html", action="store_true", help="skip the HTML report")
    p.add_argument("--timeout", type=float, default=None, help="seconds per cell")


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    from urbanki_helpers.run.batch import engine_names

    p.add_argument("--workers", type=int, default=None,
                   help="worker processes (default: number of cores)")
    p.add_argument("--engine", default=None, choices=engine_names(),
                   help="how runs are executed (default: process pool; dask with --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="address of a running dask scheduler, e.g. tcp://host:8786 "
                   "(implies --engine dask)")
    p.add_argument("--run-timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit of one whole run (--engine dask)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="urbanki", description="URBAN.KI Lernlabor: Notebooks ausführen, "
                     "Daten verwalten, Übungen erzeugen.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("list", help="list the curriculum").set_defaults(func=cmd_list)

    p = sub.add_parser("params", help="show the parameters of a notebook")
    p.add_argument("target")
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("run", help="execute a notebook (or --all)")
    p.add_argument("target", nargs="?", help="id (03), stem or path of a notebook")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="set a parameter (repeatable); the value is read as the declared type")
    p.add_argument("-f", "--param-file", help="YAML file with parameters")
    p.add_argument("--out", help="output folder (default: ausgabe/<stem>_<time>)")
    p.add_argument("--all", action="store_true", help="run every available notebook")
    _add_run_options(p)
    _add_engine_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("batch", help="one run per row of a parameter grid")
    p.add_argument("target")
    p.add_argument("--grid", required=True, help="grid file (.yaml or .csv)")
    p.add_argument("--out", required=True, help="output folder")
    _add_run_options(p)
    _add_engine_options(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("data", help="the dataset catalogue")
    dsub = p.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    dsub.add_parser("list", help="datasets and where they are available")
    v = dsub.add_parser("verify", help="check sha256 of every local file")
    v.add_argument("ids", nargs="*")
    f = dsub.add_parser("fetch", help="download a real dataset into the cache")
    f.add_argument("id")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("grid", help="write a parameter grid for 'urbanki batch'")
    p.add_argument("kind", choices=["gemeinden"],
                   help="gemeinden: one row per municipality (run_name, ags) from VG5000")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--land", help="Land code (01 to 16) or short name (SH, NW, ...)")
    where.add_argument("--kreis", help="Kreis code, 5 digits (e.g. 01051)")
    p.add_argument("--out", required=True, help="grid file to write (.csv)")
    p.add_argument("--limit", type=int, default=None, help="only the first N municipalities")
    p.set_defaults(func=cmd_grid)

    p = sub.add_parser("workshop", help="offline workshop folder")
    wsub = p.add_subparsers(dest="workshop_command", required=True, parser_class=_Parser)
    w = wsub.add_parser("pack", help="project, wheels and real data for a room without internet")
    w.add_argument("dest", help="folder to write (new or empty)")
    w.add_argument("--platform", default="win_amd64",
                   help="wheel platform (default win_amd64; 'native' for this machine)")
    w.add_argument("--python-version", default=None,
                   help="Python of the trainees (default 3.11; with native: this Python)")
    w.add_argument("--datasets", default=None,
                   help="real datasets to pack, comma-separated (default: all available)")
    w.add_argument("--with-test-tools", action="store_true",
                   help="also pack the test extra (pytest, ruff, playwright, ...)")
    w.add_argument("--overwrite", action="store_true",
                   help="replace an earlier workshop pack in DEST")
    p.set_defaults(func=cmd_workshop)

    p = sub.add_parser("exercises", help="exercise notebooks")
    esub = p.add_subparsers(dest="exercises_command", required=True, parser_class=_Parser)
    b = esub.add_parser("build", help="regenerate exercises/ from the notebooks")
    b.add_argument("--check", action="store_true", help="only report stale files")
    p.set_defaults(func=cmd_exercises)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DatasetNotAvailableError as exc:  # a real failure, not a usage error
        _err(f"Fehler: {exc.message_de}")
        return EXIT_FAILED
    except UrbanKIError as exc:
        _err(f"Fehler: {exc.message_de}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("Abgebrochen.")
        return 130
    except BrokenPipeError:  # output piped into head/less that closed early
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
