"""Generate the synthetic permit register ("Bauanträge") of the fictional town "Musterstadt" (NRW).

All data is SYNTHETIC: procedures, dates, areas and owners are invented; there are no names or
other personal data. The register serves the solar obligation check (§ 42a BauO NRW,
SAN-VO NRW; ``urbanki_helpers.solar``). It holds

- realistic random procedures 2023–2026 (new buildings, roof renewals, repairs),
- fixed edge cases on both sides of every key date and threshold, every exemption and every
  kWp band,
- procedures for some buildings of the aerial-image scene ``musterstadt_luftbild`` (read from
  ``datasets/musterstadt_luftbild``: ``aenderungen.csv`` and layer ``gebaeude``), with
  ``gebaeude_id`` and ``flurstueck_id``,
- deliberately invalid rows of seven kinds (see ``SOURCE.md``).

Running the script twice gives byte-identical files::

    python datasets/musterstadt_bauantraege/generate.py [--out DIR]

File written: ``bauantraege.csv`` (German CSV: UTF-8 with BOM, ``;``, decimal comma, ISO dates).
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys
from pathlib import Path

import numpy as np

from urbanki_helpers.atomic import write_bytes
from urbanki_helpers.data.synthetic import generator_main

SEED = 20250815
LUFTBILD = Path(__file__).resolve().parent.parent / "musterstadt_luftbild"
STAND = dt.date(2026, 6, 30)  # date of the register extract; no valid date is later
FIRST_DAY = dt.date(2023, 1, 2)  # earliest random date
N_RANDOM = 210  # random valid procedures
COLUMNS = ("vorgang_id", "gebaeudeart", "massnahme", "verfahren", "antragsdatum", "baubeginn",
           "nutzflaeche_m2", "bruttodachflaeche_m2", "nettodachflaeche_m2", "wohneinheiten",
           "eigentum", "besonderheit", "flurstueck_id", "gebaeude_id")

WG, NWG = "wohngebaeude", "nichtwohngebaeude"
D = dt.date.fromisoformat


def case(gebaeudeart, massnahme, verfahren, antrag, beginn, nutz, brutto, netto, we,
         eigentum="privat", besonderheit=None, flurstueck=None, gebaeude=None) -> dict:
    return {
        "gebaeudeart": gebaeudeart, "massnahme": massnahme, "verfahren": verfahren,
        "antragsdatum": D(antrag) if isinstance(antrag, str) else antrag,
        "baubeginn": D(beginn) if isinstance(beginn, str) else beginn,
        "nutzflaeche_m2": nutz, "bruttodachflaeche_m2": brutto, "nettodachflaeche_m2": netto,
        "wohneinheiten": we, "eigentum": eigentum, "besonderheit": besonderheit,
        "flurstueck_id": flurstueck, "gebaeude_id": gebaeude,
    }


# Edge cases: (gebaeudeart, massnahme, verfahren, antragsdatum, baubeginn, Nutzfläche m²,
# Bruttodachfläche m², Nettodachfläche m², Wohneinheiten, eigentum, besonderheit)
EDGE_CASES = [
    # key dates, new buildings (Bauantrag: antragsdatum counts; Freistellung: baubeginn)
    (NWG, "neubau", "bauantrag", "2023-12-29", "2024-04-15", 860.0, 910.0, None, 0),
    (NWG, "neubau", "bauantrag", "2024-01-01", "2024-05-06", 420.0, 465.5, None, 0),
    (NWG, "neubau", "bauantrag", "2024-01-02", "2024-05-13", 1250.0, 1310.0, 980.0, None),
    (WG, "neubau", "bauantrag", "2024-12-31", "2025-04-07", 148.5, 132.0, None, 1),
    (WG, "neubau", "bauantrag", "2025-01-01", "2025-04-14", 162.0, 140.4, None, 2),
    (WG, "neubau", "bauantrag", "2025-01-02", "2025-05-05", 171.3, 150.8, 96.5, 1),
    (NWG, "neubau", "freistellung", None, "2024-01-01", 310.0, 335.0, None, 0),
    (NWG, "neubau", "freistellung", None, "2024-01-02", 295.0, 320.0, None, 0),
    (WG, "neubau", "freistellung", None, "2025-01-01", 139.0, 128.6, None, 1),
    (WG, "neubau", "freistellung", None, "2025-01-02", 144.0, 131.2, None, 2),
    # key dates, roof renewals (private: after 1.1.2026; municipal: from 1.7.2024)
    (WG, "dacherneuerung", "freistellung", None, "2026-01-01", 155.0, 168.0, 92.4, 1),
    (WG, "dacherneuerung", "freistellung", None, "2026-01-02", 149.0, 161.0, 88.0, 2),
    (NWG, "dacherneuerung", "bauantrag", "2024-03-11", "2024-06-30", 1840.0, 1520.0, 1210.0,
     None, "kommunal"),
    (NWG, "dacherneuerung", "bauantrag", "2024-03-18", "2024-07-01", 960.0, 1040.0, 780.0,
     None, "kommunal"),
    (WG, "dacherneuerung", "freistellung", None, "2024-07-02", 610.0, 420.0, 260.0, 8,
     "kommunal"),
    # Nutzfläche threshold (up to 50 m²: exempt)
    (WG, "neubau", "bauantrag", "2025-03-03", "2025-06-02", 50.0, 58.0, None, 1),
    (WG, "neubau", "bauantrag", "2025-03-10", "2025-06-16", 50.1, 58.4, None, 1),
    (NWG, "neubau", "bauantrag", "2024-04-08", "2024-07-01", 50.5, 61.2, None, 0),
    (NWG, "dacherneuerung", "freistellung", None, "2026-02-02", 50.0, 56.0, 40.0, 0),
    # not applicable (§ 42a Abs. 4) although the date would trigger the obligation
    (NWG, "neubau", "bauantrag", "2024-05-06", "2024-06-03", 180.0, 195.0, None, 0, "privat",
     "behelfsbau"),
    (NWG, "neubau", "bauantrag", "2024-09-02", "2024-10-07", 36.0, 40.0, None, 0, "privat",
     "untergeordnet"),
    (NWG, "neubau", "bauantrag", "2025-03-17", "2025-04-01", 240.0, 260.0, None, 0, "privat",
     "fliegender_bau"),
    # lapse reasons (§ 42a Abs. 5, SAN-VO § 2 Abs. 6): a person decides
    (WG, "dacherneuerung", "bauantrag", "2025-11-03", "2026-03-02", 210.0, 190.0, 120.0, 2,
     "privat", "denkmalschutz"),
    (NWG, "neubau", "bauantrag", "2024-10-14", "2025-02-03", 2400.0, 2550.0, None, 0,
     "privat", "technisch_unmoeglich"),
    (WG, "neubau", "bauantrag", "2025-06-02", "2025-09-01", 165.0, 150.0, None, 1, "privat",
     "wirtschaftlich_unzumutbar"),
    (WG, "dacherneuerung", "freistellung", None, "2026-03-09", 180.0, 205.0, 150.0, 1,
     "privat", "dach_ungeeignet"),
    (NWG, "dacherneuerung", "bauantrag", "2025-01-13", "2025-04-07", 1320.0, 980.0, 610.0,
     None, "kommunal", "denkmalschutz"),
    # a lapse reason before the key date: the date decides first (no obligation)
    (WG, "dacherneuerung", "freistellung", None, "2025-05-12", 175.0, 170.0, 110.0, 1,
     "privat", "denkmalschutz"),
    # repairs of sudden damage are no complete renewal
    (WG, "reparatur", "freistellung", None, "2026-02-16", 160.0, 150.0, None, 1),
    (NWG, "reparatur", "bauantrag", "2025-02-03", "2025-02-24", 880.0, 920.0, None, None,
     "kommunal"),
    # every kWp band of SAN-VO § 4 Abs. 2 (renewals after 1.1.2026)
    (WG, "dacherneuerung", "freistellung", None, "2026-02-09", 128.0, 140.0, 84.0, 1),
    (WG, "dacherneuerung", "freistellung", None, "2026-02-23", 182.0, 165.0, 99.0, 2),
    (WG, "dacherneuerung", "freistellung", None, "2026-03-16", 236.0, 180.0, 112.0, 3),
    (WG, "dacherneuerung", "freistellung", None, "2026-03-23", 372.0, 230.0, 138.0, 5),
    (WG, "dacherneuerung", "bauantrag", "2025-12-01", "2026-04-13", 455.0, 290.0, 170.0, 6),
    (WG, "dacherneuerung", "bauantrag", "2025-12-08", "2026-04-20", 740.0, 410.0, 246.0, 10),
    (WG, "dacherneuerung", "bauantrag", "2026-01-12", "2026-05-04", 820.0, 450.0, 270.0, 11),
    (NWG, "dacherneuerung", "freistellung", None, "2026-05-11", 640.0, 700.0, 520.0, 0),
    # missing values the decision can do without (the result says what to ask for)
    (WG, "dacherneuerung", "freistellung", None, "2026-05-18", 150.0, 160.0, None, 1),
    (WG, "dacherneuerung", "freistellung", None, "2026-05-26", 260.0, 210.0, 130.0, None),
    (NWG, "neubau", "bauantrag", "2024-11-04", "2025-03-03", 530.0, None, None, 0),
    # Landesliegenschaften (§ 42a Abs. 2: an aim, a note only)
    (NWG, "neubau", "bauantrag", "2024-08-05", "2024-11-04", 3100.0, 2800.0, None, 0, "land"),
    (WG, "dacherneuerung", "bauantrag", "2025-06-16", "2025-10-06", 680.0, 420.0, 250.0, 9,
     "land"),
]

# Invalid values by kind (each row gets exactly one of them; see SOURCE.md).
BAD_CATEGORIES = [("gebaeudeart", "buero"), ("gebaeudeart", "wohnhaus"),
                  ("massnahme", "anbau"), ("massnahme", "abriss"),
                  ("verfahren", "vereinfacht"), ("verfahren", "genehmigungsfrei"),
                  ("eigentum", "bund"), ("eigentum", "kirche"), ("besonderheit", "asbest")]
BAD_DATES = ["2025-02-30", "2024-13-01", "2023-06-31", "2026-00-10", "31.02.2025",
             "2205-03-01", "1899-12-31", "1024-05-17", "2025-2-3"]
BAD_AREAS = [("nutzflaeche_m2", "-145,0"), ("bruttodachflaeche_m2", "-12,5"),
             ("nutzflaeche_m2", "ca. 150"), ("bruttodachflaeche_m2", "k.A."),
             ("nettodachflaeche_m2", "150 m²"), ("nutzflaeche_m2", "einhundert"),
             ("nettodachflaeche_m2", "-80"), ("bruttodachflaeche_m2", "?"),
             ("nutzflaeche_m2", "12O,5")]
BAD_UNITS = ["2,5", "-1", "zwei", "1,5", "-3", "0", "3 WE", "0"]
N_NET_LARGER = 8
N_DUPLICATE_PAIRS = 4
N_MISSING_DATE = 9  # 3 x Neubau/Bauantrag without antragsdatum, 3 x Dacherneuerung and
# 3 x Neubau/Freistellung without baubeginn


def _weekday(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    """A random working day (Mon–Fri) in [first, last]."""
    while True:
        day = first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))
        if day.weekday() < 5:
            return day


def _r(value: float, step: float = 0.1) -> float:
    return round(round(value / step) * step, 2)


def random_case(rng: np.random.Generator, massnahme: str | None = None,
                verfahren: str | None = None, plain: bool = False) -> dict:
    """One realistic procedure; ``plain``: no besonderheit (a base for invalid rows)."""
    if massnahme is None:
        massnahme = str(rng.choice(["neubau", "dacherneuerung", "reparatur"],
                                   p=[0.55, 0.30, 0.15]))
    art = WG if rng.random() < (0.7 if massnahme != "dacherneuerung" else 0.75) else NWG
    eigentum = str(rng.choice(["privat", "kommunal", "land"], p=[0.87, 0.10, 0.03]))
    if verfahren is None:
        p_antrag = {"neubau": 0.75 if art == WG else 0.9, "dacherneuerung": 0.3,
                    "reparatur": 0.2}[massnahme]
        verfahren = "bauantrag" if rng.random() < p_antrag else "freistellung"

    # dwellings and areas (m²)
    if art == WG:
        we = int(rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 18, 24],
                            p=[0.5, 0.2, 0.05, 0.04, 0.04, 0.04, 0.03, 0.03, 0.03, 0.02, 0.02]))
        nutz = 120 * rng.uniform(0.8, 1.6) if we <= 2 else 68 * we * rng.uniform(0.85, 1.15)
        floors = 1.6 if we <= 2 else min(2 + we // 6, 5)
        brutto = nutz / floors * rng.uniform(1.05, 1.35)
    else:
        we = 0 if rng.random() < 0.6 else None
        nutz = float(np.exp(rng.uniform(np.log(70), np.log(4000))))
        brutto = nutz * rng.uniform(0.45, 1.1)
    if rng.random() < 0.05:  # tiny buildings: kiosks, tiny houses, pavilions
        nutz, brutto = rng.uniform(18, 50), rng.uniform(20, 60)
    netto = None
    if massnahme == "dacherneuerung" and rng.random() < 0.9:
        netto = brutto * rng.uniform(0.4, 0.85)
    elif massnahme == "neubau" and rng.random() < 0.3:
        netto = brutto * rng.uniform(0.5, 0.9)

    besonderheit = None
    if not plain:
        options = {
            "neubau": (["behelfsbau", "untergeordnet", "fliegender_bau", "technisch_unmoeglich",
                        "wirtschaftlich_unzumutbar", "dach_ungeeignet", "denkmalschutz"],
                       [0.02, 0.04, 0.01, 0.015, 0.015, 0.01, 0.01]),
            "dacherneuerung": (["denkmalschutz", "dach_ungeeignet", "technisch_unmoeglich",
                                "wirtschaftlich_unzumutbar", "untergeordnet"],
                               [0.05, 0.03, 0.02, 0.03, 0.02]),
            "reparatur": (["denkmalschutz"], [0.05]),
        }[massnahme]
        names, probs = options
        draw = rng.choice(len(names) + 1, p=[1 - sum(probs), *probs])
        besonderheit = None if draw == 0 else names[draw - 1]
    if besonderheit == "untergeordnet":  # garages and sheds
        art, we, netto = NWG, 0, None
        nutz, brutto = rng.uniform(12, 45), rng.uniform(14, 50)

    # dates
    antrag = beginn = None
    if massnahme == "neubau" and verfahren == "bauantrag":
        antrag = _weekday(rng, FIRST_DAY, dt.date(2026, 5, 29))
        start = antrag + dt.timedelta(days=int(rng.integers(45, 241)))
        if start.weekday() >= 5:
            start += dt.timedelta(days=7 - start.weekday())  # next Monday
        beginn = start if start <= STAND else None  # not begun by the register's date
    else:
        # with a Bauantrag the application comes up to 120 days earlier, still in 2023
        beginn = _weekday(rng, dt.date(2023, 5, 2) if verfahren == "bauantrag"
                          else dt.date(2023, 2, 1), STAND)
        if verfahren == "bauantrag":
            antrag = beginn - dt.timedelta(days=int(rng.integers(30, 121)))
    return case(art, massnahme, verfahren, antrag, beginn, _r(nutz), _r(brutto),
                None if netto is None else _r(netto), we, eigentum, besonderheit)


def scene_cases() -> list[dict]:
    """Procedures for buildings of the aerial-image scene (musterstadt_luftbild)."""
    with sqlite3.connect(LUFTBILD / "musterstadt_luftbild.gpkg") as con:
        rows = con.execute("SELECT gebaeude_id, flurstueck_id, gebaeudeart, dachform, "
                           "grundflaeche_m2, aenderung FROM gebaeude").fetchall()
    buildings = {r[0]: r for r in rows}
    with open(LUFTBILD / "aenderungen.csv", encoding="utf-8", newline="") as fh:
        changes = {r["gebaeude_id"]: r["aenderung"] for r in csv.DictReader(fh)}
    wanted = {"G027": "neubau", "G041": "neubau", "G030": "dacherneuerung",
              "G043": "gruendach", "G065": None, "G033": None}
    for gid, change in wanted.items():  # fail loudly if the scene was regenerated differently
        if changes.get(gid) != change or buildings[gid][5] != change:
            raise SystemExit(f"musterstadt_luftbild changed: {gid} is {changes.get(gid)!r}, "
                             f"expected {change!r}")

    def areas(gid: str, floors: float, netto_share: float | None) -> tuple:
        _, _, _, dachform, footprint, _ = buildings[gid]
        brutto = footprint * (1.05 if dachform == "flach" else 1.25)
        netto = None if netto_share is None else brutto * netto_share
        return _r(footprint * floors * 0.75), _r(brutto), None if netto is None else _r(netto)

    def scene(gid, massnahme, verfahren, antrag, beginn, floors, share, we, eigentum,
              besonderheit=None):
        nutz, brutto, netto = areas(gid, floors, share)
        return case(buildings[gid][2], massnahme, verfahren, antrag, beginn, nutz, brutto,
                    netto, we, eigentum, besonderheit, buildings[gid][1], gid)

    return [
        # both new buildings had a Bauantrag – before the residential key date
        scene("G027", "neubau", "bauantrag", "2023-08-21", "2023-11-06", 2, None, 1, "privat"),
        scene("G041", "neubau", "bauantrag", "2023-10-09", "2024-03-18", 2, None, 2, "privat"),
        # 1 of 3 roof renewals was reported: a municipal house, obligation from 1.7.2024,
        # but no panels in the 2025 image
        scene("G030", "dacherneuerung", "bauantrag", "2024-05-13", "2024-08-19", 2, 0.5, 3,
              "kommunal"),
        # a green roof on a garage: the waterproofing was renewed, but the garage is exempt
        scene("G043", "dacherneuerung", "bauantrag", "2024-03-04", "2024-04-22", 0.9, 0.9, 0,
              "privat", "untergeordnet"),
        # permitted, works start after the 2025 flight: nothing to see in the images yet
        scene("G065", "dacherneuerung", "bauantrag", "2025-02-17", "2025-09-08", 1.2, 0.8, 0,
              "kommunal"),
        scene("G033", "dacherneuerung", "bauantrag", "2025-04-07", "2026-03-16", 3, 0.55, 6,
              "privat"),
    ]


def invalid_cases(rng: np.random.Generator) -> list[tuple[dict, dict]]:
    """(base case, corrupted fields) for every deliberately invalid row but the duplicates."""
    out: list[tuple[dict, dict]] = []
    for col, value in BAD_CATEGORIES:
        out.append((random_case(rng, plain=True), {col: value}))
    for value in BAD_DATES:
        base = random_case(rng, plain=True)
        col = "antragsdatum" if base["antragsdatum"] is not None else "baubeginn"
        out.append((base, {col: value}))
    for i in range(N_MISSING_DATE):
        if i % 3 == 0:
            out.append((random_case(rng, "neubau", "bauantrag", plain=True),
                        {"antragsdatum": None}))
        elif i % 3 == 1:
            out.append((random_case(rng, "dacherneuerung", plain=True), {"baubeginn": None}))
        else:
            out.append((random_case(rng, "neubau", "freistellung", plain=True),
                        {"baubeginn": None}))
    for col, value in BAD_AREAS:
        massnahme = "dacherneuerung" if col == "nettodachflaeche_m2" else "neubau"
        out.append((random_case(rng, massnahme, plain=True), {col: value}))
    for _ in range(N_NET_LARGER):
        base = random_case(rng, "dacherneuerung", plain=True)
        out.append((base, {"nettodachflaeche_m2": _r(base["bruttodachflaeche_m2"]
                                                     * rng.uniform(1.05, 1.4))}))
    for value in BAD_UNITS:
        base = random_case(rng, plain=True)
        base.update(gebaeudeart=WG)
        out.append((base, {"wohneinheiten": value}))
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def _key_date(row: dict) -> dt.date:
    """The date that orders the register (and gives the year of the file number)."""
    for col in ("antragsdatum", "baubeginn"):
        if isinstance(row[col], dt.date):
            return row[col]
    return row["_date"]


def make_rows(rng_random: np.random.Generator, rng_invalid: np.random.Generator) -> list[dict]:
    rows = [dict(r) for r in scene_cases()]
    rows += [case(*spec) for spec in EDGE_CASES]
    rows += [random_case(rng_random) for _ in range(N_RANDOM)]
    for row in rows:
        row["_date"] = _key_date(row)
    for base, bad in invalid_cases(rng_invalid):
        base["_date"] = _key_date(base)
        base.update(bad)
        rows.append(base)

    duplicates = []
    for i in rng_invalid.choice(N_RANDOM, size=N_DUPLICATE_PAIRS, replace=False):
        original = rows[len(scene_cases()) + len(EDGE_CASES) + int(i)]
        copy = dict(original)
        copy["nutzflaeche_m2"] = _r(original["nutzflaeche_m2"] * 1.1)  # a corrected re-entry
        copy["_twin"] = original
        duplicates.append(copy)

    order = sorted(range(len(rows)), key=lambda k: (rows[k]["_date"], k))
    counters: dict[int, int] = {}
    for k in order:
        year = rows[k]["_date"].year
        counters[year] = counters.get(year, 0) + 1
        rows[k]["vorgang_id"] = f"BV-{year}-{counters[year]:04d}"
    for copy in duplicates:
        copy["vorgang_id"] = copy.pop("_twin")["vorgang_id"]
        copy["_date"] = copy["_date"] + dt.timedelta(days=1)  # entered again later
        rows.append(copy)
    rows.sort(key=lambda r: (r["_date"], r["vorgang_id"]))
    return rows


def generate(out: Path) -> list[Path]:
    """Write ``bauantraege.csv`` into ``out`` and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    rng_random, rng_invalid = (np.random.default_rng(s)
                               for s in np.random.SeedSequence(SEED).spawn(2))
    lines = [";".join(COLUMNS)]
    for row in make_rows(rng_random, rng_invalid):
        lines.append(";".join(_text(row[c]) for c in COLUMNS))
    path = out / "bauantraege.csv"
    # German open-data style: UTF-8 with byte order mark, ';' separator, decimal comma.
    write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8-sig"))
    return [path]


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
