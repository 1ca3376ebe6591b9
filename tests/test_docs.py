"""Workshop material stays true to the notebooks: header boxes, lehrplan, trainer notes, links.

Expected values come from the registry (urbanki_helpers.run.curriculum) and the dataset catalogue,
never from a copy in this file. Nothing here executes a notebook.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest

from urbanki_helpers.data.catalog import load_catalog
from urbanki_helpers.run.curriculum import CURRICULUM

PROJECT = Path(__file__).resolve().parent.parent
DOCS = PROJECT / "docs"
IDS = [uc.id for uc in CURRICULUM]
BY_ID = {uc.id: uc for uc in CURRICULUM}

#: Fields of the header box, in the order the GUIDE gives them.
HEADER_FIELDS = ("Frage der Kommune", "Anwendungsfall", "Lernziele", "Dauer", "Niveau",
                 "Voraussetzungen", "Daten")
#: The level scale of the notebooks; a range "A bis B" joins two neighbouring steps.
LEVEL_STEPS = ("Einstieg", "mittel", "fortgeschritten")
LEVELS = LEVEL_STEPS + tuple(f"{a} bis {b}" for a, b in pairwise(LEVEL_STEPS))
#: How each catalogue licence id is written in German notebook text.
LICENCE_FORMS = {
    "CC0-1.0": r"\bCC0(?:[- ]1\.0)?\b",
    "dl-de/by-2-0": r"Datenlizenz Deutschland\s*[–-]\s*Namensnennung\s*(?:[–-]\s*)?"
                    r"(?:Version\s*)?2\.0|dl-de/by-2-0",
    "dl-de/zero-2-0": r"Datenlizenz Deutschland\s*[–-]\s*Zero\s*(?:[–-]\s*)?(?:Version\s*)?2\.0"
                      r"|dl-de/zero-2-0",
    "CC-BY-3.0-DE": r"CC[ -]BY[ -]3\.0[ -]DE",
    "CC-BY-4.0": r"CC[ -]BY[ -]4\.0(?![ -]DE)",
    "ODbL-1.0": r"\bODbL\b",
    "LicenseRef-public-domain": r"\bgemeinfrei\b",
}
#: Sections every trainer note has.
TRAINER_SECTIONS = ("## Ablauf", "## Stolpersteine", "## Übungen", "## Diskussionsfragen",
                    "## Einordnung nach der EU-KI-Verordnung")

_FIELD_MARK = re.compile(r"\*\*([A-ZÄÖÜ][^*:\n]*):\*\*")
_TITLE = re.compile(r"^# (\d{2}) · ([^:]+): (.+)$")
_MINUTES = re.compile(r"^(\d+) Minuten(?: \((\d+) Minuten Vorführung, (\d+) Minuten Übungen\))?$")
_IDS_AT_START = re.compile(r"^`[a-z0-9_-]+`(?:\s*(?:und|,)\s*`[a-z0-9_-]+`)*")
_NOTEBOOK_REF = re.compile(r"Notebooks? (\d{2})")


# --------------------------------------------------------------------------------------
# Reading a header box
# --------------------------------------------------------------------------------------


@dataclass
class Header:
    """The header box of a notebook (its first markdown cell), split into its fields."""

    title: str = ""
    number: str = ""
    field_name: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    objectives: list[str] = field(default_factory=list)
    minutes: int | None = None
    data_entries: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def datasets(self) -> list[tuple[str, str]]:
        """(dataset id, text of its data entry) for every id a data entry starts with."""
        found = []
        for entry in self.data_entries:
            start = _IDS_AT_START.match(entry)
            if start:
                found += [(i, entry) for i in re.findall(r"`([a-z0-9_-]+)`", start.group(0))]
        return found


def parse_header(text: str) -> Header:
    """Split a header box into its fields and list every missing or malformed part."""
    h = Header()
    lines = text.strip().splitlines()
    h.title = lines[0].strip() if lines else ""
    title = _TITLE.match(h.title)
    if title:
        h.number, h.field_name = title.group(1), title.group(2).strip()
    else:
        h.problems.append(f"the first line {h.title!r} is not a title "
                          "'# NN · Handlungsfeld: Titel'")
    box = "\n".join(re.sub(r"^>\s?", "", ln) for ln in lines[1:] if ln.startswith(">"))
    marks = list(_FIELD_MARK.finditer(box))
    for mark, after in pairwise([*marks, None]):
        value = box[mark.end():after.start() if after else len(box)]
        h.fields[mark.group(1)] = value.strip().rstrip("·").strip()
    for name in HEADER_FIELDS:
        if not h.fields.get(name):
            state = "empty" if name in h.fields else "missing"
            h.problems.append(f"the field '**{name}:**' is {state}")
    h.objectives = re.findall(r"^\d+\.\s+(\S.*)$", h.fields.get("Lernziele", ""), flags=re.M)
    if "Lernziele" in h.fields and len(h.objectives) < 2:
        h.problems.append(f"'Lernziele' lists {len(h.objectives)} numbered objective(s), "
                          "at least 2 expected")
    if h.fields.get("Dauer"):
        minutes = _MINUTES.match(h.fields["Dauer"])
        if not minutes:
            h.problems.append(f"'Dauer' is {h.fields['Dauer']!r}, expected 'N Minuten' "
                              "(optionally '(A Minuten Vorführung, B Minuten Übungen)')")
        else:
            h.minutes = int(minutes.group(1))
            if minutes.group(2) and int(minutes.group(2)) + int(minutes.group(3)) != h.minutes:
                parts = f"{minutes.group(2)} + {minutes.group(3)}"
                h.problems.append(f"'Dauer': {parts} minutes do not add up to {h.minutes}")
    level = h.fields.get("Niveau")
    if level and level not in LEVELS:
        h.problems.append(f"'Niveau' is {level!r}, expected one of {', '.join(LEVELS)}")
    data = h.fields.get("Daten", "")
    bullets = [ln[2:].strip() for ln in data.splitlines() if ln.startswith("- ")]
    h.data_entries = bullets or ([data] if data else [])
    if data and not h.datasets():
        h.problems.append("'Daten' names no dataset id: every data entry starts with the "
                          "catalogue id in backticks, e.g. `musterstadt_basis`")
    return h


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def header_of(uc) -> Header:
    cells = notebook_cells(uc.path)
    if not cells or cells[0]["cell_type"] != "markdown":
        return Header(problems=["the first cell is not a markdown cell (the header box)"])
    return parse_header("".join(cells[0]["source"]))


def licences_named(text: str) -> set[str]:
    return {lic for lic, pattern in LICENCE_FORMS.items() if re.search(pattern, text)}


def _fail_if(problems: list[str], where: str) -> None:
    if problems:
        pytest.fail(f"{where}:\n  - " + "\n  - ".join(problems), pytrace=False)


# --------------------------------------------------------------------------------------
# The parser itself can fail
# --------------------------------------------------------------------------------------

GOOD_HEADER = """# 07 · Bevölkerungsschutz: Schadstoffwarnung

> **Frage der Kommune:** Wohin zieht die Wolke?
>
> **Anwendungsfall:** URBAN.KI-Anwendungsfall 7, **Stadt Schwerte**, Prototyp **„AirGuardAI“**.
>
> **Lernziele:** Sie können
> 1. ein Modell rechnen,
> 2. Warnzonen ableiten.
>
> **Dauer:** 90 Minuten (40 Minuten Vorführung, 50 Minuten Übungen) · **Niveau:** mittel · **Voraussetzungen:** Notebook 00
>
> **Daten:**
> - `musterstadt_basis` und `musterstadt_karten` (Standard): **synthetisch**, CC0-1.0.
> - `koeln`: **echt** (Stadt Köln, CC BY 3.0 DE; © OpenStreetMap-Mitwirkende, ODbL).
> - Ihre eigene CSV-Datei (`csv_path`).
"""


def test_parser_reads_a_complete_header():
    h = parse_header(GOOD_HEADER)
    assert h.problems == []
    assert (h.number, h.field_name, h.minutes) == ("07", "Bevölkerungsschutz", 90)
    assert h.fields["Niveau"] == "mittel"
    assert len(h.objectives) == 2
    assert [i for i, _ in h.datasets()] == ["musterstadt_basis", "musterstadt_karten", "koeln"]
    assert licences_named(dict(h.datasets())["koeln"]) == {"CC-BY-3.0-DE", "ODbL-1.0"}


@pytest.mark.parametrize("change, expected", [
    (("· **Niveau:** mittel ", ""), "'**Niveau:**' is missing"),
    (("> 2. Warnzonen ableiten.\n", ""), "1 numbered objective(s)"),
    (("(40 Minuten", "(30 Minuten"), "30 + 50 minutes do not add up to 90"),
    (("**Niveau:** mittel", "**Niveau:** schwer"), "'Niveau' is 'schwer'"),
    (("# 07 · Bevölkerungsschutz: ", "# 07 "), "is not a title"),
    (("**Voraussetzungen:** Notebook 00", "**Voraussetzungen:**"),
     "'**Voraussetzungen:**' is empty"),
])
def test_parser_names_what_is_missing_or_malformed(change, expected):
    broken = GOOD_HEADER.replace(*change)
    assert broken != GOOD_HEADER
    problems = parse_header(broken).problems
    assert any(expected in p for p in problems), problems


def test_licence_forms_tell_similar_licences_apart():
    by = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert licences_named(by) == {"dl-de/by-2-0"}
    assert licences_named("Datenlizenz Deutschland – Zero 2.0") == {"dl-de/zero-2-0"}
    assert licences_named("CC BY 3.0 DE") == {"CC-BY-3.0-DE"}
    assert licences_named("CC BY 4.0") == {"CC-BY-4.0"}
    assert licences_named("CC0 1.0, gemeinfrei") == {"CC0-1.0", "LicenseRef-public-domain"}


# --------------------------------------------------------------------------------------
# Every notebook's header box
# --------------------------------------------------------------------------------------


def test_registry_lists_the_notebooks_in_order():
    assert IDS == sorted(IDS) and len(set(IDS)) == len(IDS)
    assert all(uc.available for uc in CURRICULUM), [uc.id for uc in CURRICULUM if not uc.available]


@pytest.mark.parametrize("nb_id", IDS)
def test_header_box_is_present_and_filled(nb_id):
    uc = BY_ID[nb_id]
    h = header_of(uc)
    problems = list(h.problems)
    if h.number and h.number != uc.id:
        problems.append(f"the title number is {h.number}, the registry says {uc.id}")
    for ref in _NOTEBOOK_REF.findall(h.fields.get("Voraussetzungen", "")):
        if ref not in BY_ID or ref >= uc.id:
            problems.append(f"'Voraussetzungen' names notebook {ref}, which is not an earlier "
                            "notebook of the registry")
    _fail_if(problems, f"{uc.stem}: header box")


@pytest.mark.parametrize("nb_id", IDS)
def test_header_names_the_registry_use_case(nb_id):
    uc = BY_ID[nb_id]
    h = header_of(uc)
    use_case, question = h.fields.get("Anwendungsfall", ""), h.fields.get("Frage der Kommune", "")
    place = re.sub(r"\s*\(fiktiv\)$", "", uc.municipality)
    problems = []
    if place not in use_case + question:
        problems.append(f"neither 'Anwendungsfall' nor 'Frage der Kommune' names the "
                        f"municipality {place!r} of the registry")
    if not uc.municipality.endswith("(fiktiv)"):  # one of the URBAN.KI use cases
        if f"URBAN.KI-Anwendungsfall {int(uc.id)}," not in use_case:
            problems.append(f"'Anwendungsfall' does not say 'URBAN.KI-Anwendungsfall {int(uc.id)}'")
        if f"**{uc.municipality}**" not in use_case:
            problems.append(f"'Anwendungsfall' does not name **{uc.municipality}** in bold")
    if uc.prototype and f"„{uc.prototype}“" not in use_case:
        problems.append(f"'Anwendungsfall' does not name the prototype „{uc.prototype}“")
    _fail_if(problems, f"{uc.stem}: use case")


@pytest.mark.parametrize("nb_id", IDS)
def test_header_title_names_the_registry_field(nb_id):
    uc = BY_ID[nb_id]
    h = header_of(uc)
    assert h.field_name == uc.field, (
        f"{uc.stem}: the title says the field is {h.field_name!r}, the registry "
        f"(urbanki_helpers/run/curriculum.py) says {uc.field!r}; make them the same")


@pytest.mark.parametrize("nb_id", IDS)
def test_header_data_are_catalogued_with_their_licence(nb_id):
    uc = BY_ID[nb_id]
    h = header_of(uc)
    catalog = load_catalog()
    named = h.datasets()
    problems = [] if named else ["'Daten' names no catalogued dataset"]
    for dataset_id, entry in named:
        if dataset_id not in catalog:
            problems.append(f"'Daten' names `{dataset_id}`, which is not in datasets/catalog.yaml")
            continue
        licences = set(catalog[dataset_id].licences)
        unknown = licences - LICENCE_FORMS.keys()
        assert not unknown, f"add the German form of {unknown} to LICENCE_FORMS in this test"
        found = licences_named(entry)
        if len(licences) == 1 and not licences <= found:
            problems.append(f"`{dataset_id}`: the entry does not state the catalogue licence "
                            f"{next(iter(licences))} (entry: {entry[:90]!r}...)")
        if len(licences) > 1:
            if not found & licences:
                problems.append(f"`{dataset_id}`: the entry states none of the catalogue licences "
                                f"{sorted(licences)}")
            if found - licences:
                problems.append(f"`{dataset_id}`: the entry states {sorted(found - licences)}, "
                                f"which the catalogue does not list for it ({sorted(licences)})")
    code = "\n".join("".join(c["source"]) for c in notebook_cells(uc.path)
                     if c["cell_type"] == "code")
    named_ids = {i for i, _ in named}
    for ds in catalog:
        if re.search(rf"[\"']{re.escape(ds.id)}[\"']", code) and ds.id not in named_ids:
            problems.append(f"the code uses dataset `{ds.id}`, but 'Daten' does not name it")
    _fail_if(problems, f"{uc.stem}: data and licences")


# --------------------------------------------------------------------------------------
# docs/lehrplan.md and the trainer notes follow the headers
# --------------------------------------------------------------------------------------


def markdown_table(text: str, first_header: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the first table whose header row starts with ``first_header``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_header:
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return cells, rows
    raise AssertionError(f"no table with the first column {first_header!r}")


def _plain(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def test_lehrplan_table_matches_the_notebook_headers():
    header, rows = markdown_table((DOCS / "lehrplan.md").read_text(encoding="utf-8"), "Nr.")
    need = ["Nr.", "Anwendungsfall", "Handlungsfeld", "Kommune", "Frage", "Methoden", "Daten",
            "Minuten", "Niveau", "Voraussetzungen"]
    assert header == need, f"docs/lehrplan.md: the columns are {header}, expected {need}"
    bad = [row[0] for row in rows if len(row) != len(header)]
    assert not bad, f"docs/lehrplan.md: rows {bad} do not have {len(header)} cells"
    table = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(table) == IDS, f"docs/lehrplan.md lists {list(table)}, the registry {IDS}"
    problems = []
    for uc in CURRICULUM:
        row, h = table[uc.id], header_of(uc)
        expected = {"Minuten": str(h.minutes), "Niveau": h.fields.get("Niveau", ""),
                    "Handlungsfeld": h.field_name,
                    "Voraussetzungen": _plain(h.fields.get("Voraussetzungen", ""))}
        for column, value in expected.items():
            if _plain(row[column]) != value:
                problems.append(f"{uc.id} {column}: the table says {row[column]!r}, the notebook "
                                f"header {value!r}")
        if f"../notebooks/{uc.stem}.ipynb" not in row["Anwendungsfall"]:
            problems.append(f"{uc.id}: 'Anwendungsfall' does not link ../notebooks/{uc.stem}.ipynb")
        if uc.municipality not in row["Kommune"]:
            problems.append(f"{uc.id}: 'Kommune' does not name {uc.municipality!r}")
        ids_in_table = set(re.findall(r"`([a-z0-9_-]+)`", row["Daten"]))
        ids_in_header = {i for i, _ in h.datasets()}
        if ids_in_table != ids_in_header:
            problems.append(f"{uc.id} Daten: the table names {sorted(ids_in_table)}, the header "
                            f"{sorted(ids_in_header)}")
        if not row["Frage"] or not row["Methoden"]:
            problems.append(f"{uc.id}: 'Frage' or 'Methoden' is empty")
    _fail_if(problems, "docs/lehrplan.md")


@pytest.mark.parametrize("nb_id", IDS)
def test_every_notebook_has_trainer_notes(nb_id):
    uc = BY_ID[nb_id]
    path = DOCS / "trainer" / f"{uc.id}.md"
    assert path.is_file(), f"{path.relative_to(PROJECT)} is missing"
    text = path.read_text(encoding="utf-8")
    h = header_of(uc)
    problems = []
    if not text.startswith(f"# {uc.id} · "):
        problems.append(f"the first line does not start with '# {uc.id} · '")
    for section in TRAINER_SECTIONS:
        if not re.search(rf"^{re.escape(section)}", text, flags=re.M):
            problems.append(f"the section '{section}' is missing")
    if f"**Dauer:** {h.minutes} Minuten" not in text:
        problems.append(f"'**Dauer:** {h.minutes} Minuten' (from the notebook header) is missing")
    if "keine Rechtsberatung" not in text:
        problems.append("the EU AI Act section does not say 'keine Rechtsberatung'")
    if f"{uc.stem}.ipynb" not in text:
        problems.append(f"no link to the notebook {uc.stem}.ipynb")
    _fail_if(problems, str(path.relative_to(PROJECT)))


# --------------------------------------------------------------------------------------
# Relative links
# --------------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _without_code(text: str) -> str:
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    text = _without_code(path.read_text(encoding="utf-8"))
    for match in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, flags=re.M):
        slug = github_slug(match.group(1))
        out.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return out


def broken_links(path: Path) -> list[str]:
    """Relative links (and #anchors into Markdown files) in ``path`` that lead nowhere."""
    broken = []
    for target in _LINK.findall(_without_code(path.read_text(encoding="utf-8"))):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target} (no file {dest})")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target} (no heading with the anchor #{anchor} in {dest.name})")
    return broken


def test_link_checker_finds_broken_links(tmp_path):
    (tmp_path / "da.md").write_text("# Titel\n\n## Zweiter Abschnitt: Ä & B\n", encoding="utf-8")
    page = tmp_path / "seite.md"
    page.write_text("[gut](da.md) [gut](da.md#zweiter-abschnitt-ä--b) [web](https://example.org)\n"
                    "[weg](fehlt.md) [anker](da.md#gibt-es-nicht) [selbst](#oben)\n"
                    "`[im code](auch-weg.md)`\n\n## Oben\n", encoding="utf-8")
    broken = broken_links(page)
    assert [b.split(" ")[0] for b in broken] == ["fehlt.md", "da.md#gibt-es-nicht"]


def _markdown_files() -> list[Path]:
    return [PROJECT / "README.md", *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(PROJECT)))
def test_relative_links_point_to_existing_files(path):
    _fail_if(broken_links(path), f"{path.relative_to(PROJECT)}: broken links")


def test_docs_index_links_every_page():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = {(DOCS / t.partition("#")[0]).resolve() for t in _LINK.findall(index)}
    pages = {p.resolve() for p in DOCS.rglob("*.md")} - {(DOCS / "README.md").resolve()}
    missing = sorted(str(p.relative_to(PROJECT)) for p in pages - linked)
    assert not missing, f"docs/README.md does not link {missing}"
