"""Generate synthetic OCR'd building files ("Bauakten") of the fictional town Musterstadt (NRW).

All data is SYNTHETIC: building projects, parcels, addresses, file numbers and all names of
applicants, architects, engineers, neighbours and staff are invented. The texts imitate what an
OCR engine returns for scanned building files 1950–2020: typewriter letters with spaced-out
headings, printed forms, digital print-outs, with era-typical wording ("Bauschein", "Bauwich",
"Baupolizei" in the 1950s/60s; "Baugenehmigung", "Abstandflächen", "BauO NRW" later) and OCR
noise (rn→m, l→1, O→0, ü→u, ß→B, broken lines, hyphenation at line ends, stray page headers).

Running the script twice gives byte-identical files::

    python datasets/musterstadt_bauakten/generate.py [--out DIR]

Files written:

- ``bauakten.jsonl.gz``  one JSON object per document: OCR text and ground truth
- ``strassen.csv``       street directory of Musterstadt (street; Gemarkung)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import numpy as np

from urbanki_helpers.atomic import gzip_bytes, write_bytes
from urbanki_helpers.data.synthetic import generator_main

SEED = 20250909
N_PROJECTS = 125
FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2020, 12, 31)
TYPES = ("Bauantrag", "Baugenehmigung", "Baubeschreibung", "Statik", "Lageplan",
         "Abnahmebescheinigung", "Schriftverkehr", "Widerspruch", "Nachtrag")
COLUMNS = ("doc_id", "typ", "jahr", "vorhaben_id", "aktenzeichen", "az_format", "gemarkung",
           "flur", "flurstueck", "adresse", "datum", "personen", "personen_ocr", "text")

# Gemarkung -> streets (the street directory; every street lies in one Gemarkung).
STREETS = {
    "Musterstadt": ["Hauptstraße", "Lindenstraße", "Kirchplatz", "Bahnhofstraße", "Schulweg",
                    "Am Mühlenbach", "Rathausallee", "Goethestraße", "Marktgasse",
                    "Bergische Straße"],
    "Oberfeld": ["Oberfelder Weg", "Kornblumenweg", "Im Wiesengrund", "Lerchenstraße",
                 "Zur Alten Ziegelei", "Höhenring"],
    "Niederau": ["Auestraße", "Fährweg", "An der Schleuse", "Weidendamm", "Niederauer Straße"],
    "Kirchhausen": ["Kapellenweg", "Am Pfarrgarten", "Dorfstraße", "Küsterpfad"],
    "Hasselbeck": ["Hasselbecker Straße", "Bruchweg", "Am Steinbruch", "Ginsterweg"],
}
GEMARKUNG_WEIGHTS = (0.4, 0.2, 0.15, 0.12, 0.13)

# Clearly fictional names (invented surnames; any match with a real person is coincidence).
FIRST_NAMES = {
    "old": ["Wilhelm", "Heinrich", "Gertrud", "Hildegard", "Friedrich", "Erna", "Karl",
            "Elfriede", "Gustav", "Irmgard", "Otto", "Wilhelmine", "Ewald", "Adelheid"],
    "mid": ["Jürgen", "Monika", "Klaus", "Ursula", "Wolfgang", "Renate", "Dieter", "Brigitte",
            "Horst", "Gisela", "Rainer", "Sabine", "Bernd", "Petra"],
    "new": ["Jan", "Katrin", "Sebastian", "Nicole", "Tobias", "Melanie", "Florian", "Jennifer",
            "Marcel", "Stefanie", "Dennis", "Julia", "Kevin", "Anna"],
}
SURNAMES = ["Quendelmann", "Brösekamp", "Fimpelhaus", "Haverkötter", "Wittenbrügge",
            "Zwirnemann", "Ossenfort", "Klümperhoff", "Drebbelsiek", "Pannekötter",
            "Schnurrbusch", "Tüllenbrink", "Wacholderich", "Gropenstedt", "Pützlerath",
            "Mörtelkamp", "Rabenhorstel", "Söllbrink", "Knubbeldiek", "Hummelsiep",
            "Lattenkämper", "Ziegenspeck", "Brammertz", "Vollmerhaus", "Eckerskorn",
            "Flötenbrink", "Griesenbeck", "Holtkämperle", "Juffernbruch", "Kaltenpütz"]
TITLES_ARCHITECT = ["Architekt", "Dipl.-Ing. Architekt", "Architektin", "Dipl.-Ing."]

VORHABEN = [
    ("Neubau eines Einfamilienwohnhauses mit Garage", "Wohnhaus"),
    ("Errichtung eines Zweifamilienwohnhauses", "Wohnhaus"),
    ("Neubau eines Mehrfamilienhauses mit {n} Wohnungen", "Wohnhaus"),
    ("Anbau eines Wintergartens an das bestehende Wohnhaus", "Anbau"),
    ("Aufstockung und Umbau des Wohnhauses", "Umbau"),
    ("Errichtung einer Doppelgarage", "Garage"),
    ("Neubau einer Lagerhalle", "Halle"),
    ("Nutzungsänderung eines Ladenlokals in eine Gaststätte", "Umbau"),
    ("Errichtung eines Werkstattgebäudes", "Halle"),
    ("Anbau eines Balkons und Dachgaube", "Anbau"),
]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]

# Aktenzeichen formats by the year a project was filed: (id, first year, last year).
AZ_FORMATS = (("F1", 1950, 1964), ("F2", 1965, 1979), ("F3", 1980, 1994),
              ("F4", 1995, 2009), ("F5", 2010, 2020))

NAME_START, NAME_END = "\x01", "\x02"  # marks names while noise is added; removed at the end


def era(year: int) -> str:
    """'typewriter' (before 1980), 'form' (1980–1999) or 'digital' (2000 and later)."""
    return "typewriter" if year < 1980 else ("form" if year < 2000 else "digital")


def az_format(year: int) -> str:
    return next(f for f, a, b in AZ_FORMATS if a <= year <= b)


def az_canonical(fmt: str, number: int, year: int) -> str:
    yy = f"{year % 100:02d}"
    return {"F1": f"B {number}/{yy}", "F2": f"63/2-{number}/{year}",
            "F3": f"BV {number:04d}/{yy}", "F4": f"BA-{year}-{number:05d}",
            "F5": f"63.21-{number:04d}/{yy}"}[fmt]


def az_written(rng, fmt: str, number: int, year: int) -> str:
    """One of the ways the file number was typed or printed (before OCR noise)."""
    yy = f"{year % 100:02d}"
    variants = {
        "F1": [f"B {number}/{yy}", f"B.{number}/{yy}", f"B-{number}/{yy}", f"B Nr. {number}/{yy}"],
        "F2": [f"63/2-{number}/{year}", f"63/2-{number}/{yy}", f"63/2 - {number}/{year}"],
        "F3": [f"BV {number:04d}/{yy}", f"BV {number}/{yy}", f"BV-{number:04d}/{yy}",
               f"BV {number:04d}/{year}"],
        "F4": [f"BA-{year}-{number:05d}", f"BA {year}-{number:05d}", f"BA-{year}-{number}",
               f"BA/{year}/{number:05d}"],
        "F5": [f"63.21-{number:04d}/{yy}", f"63.21-{number}/{year}", f"63.21 - {number:04d}/{yy}",
               f"63.21-{number:04d}/{year}"],
    }[fmt]
    return variants[int(rng.integers(len(variants)))]


def pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def name(person: str) -> str:
    return f"{NAME_START}{person}{NAME_END}"


def person(rng, year: int, *, surname: str | None = None) -> str:
    group = "old" if year < 1965 else ("mid" if year < 1995 else "new")
    return f"{pick(rng, FIRST_NAMES[group])} {surname or pick(rng, SURNAMES)}"


# --- projects ------------------------------------------------------------------------------


def make_projects(rng) -> list[dict]:
    # projects per decade 1950s..2010s (building boom of the 1950s–70s), in random order
    decades = rng.permutation(np.repeat(np.arange(1950, 2020, 10), [20, 21, 19, 17, 17, 16, 15]))
    projects: list[dict] = []
    used_numbers: set[tuple[str, int]] = set()
    for i in range(N_PROJECTS):
        earlier = [p for p in projects if p["jahr"] <= 1995]
        base = None
        if earlier and rng.random() < 0.15:  # a later project on a parcel that has a file already
            base = pick(rng, earlier)
            year = int(rng.integers(base["jahr"] + 15, 2019))
            parcel = {k: base[k] for k in ("gemarkung", "flur", "flurstueck", "strasse", "nr")}
        else:
            decade = int(decades[i % len(decades)])
            year = min(decade + int(rng.integers(10)), 2018)
            gemarkung = str(rng.choice(list(STREETS), p=GEMARKUNG_WEIGHTS))
            flurstueck = str(int(rng.integers(1, 900)))
            if rng.random() < 0.4:
                flurstueck += f"/{int(rng.integers(1, 10))}"
            nr = str(int(rng.integers(1, 120)))
            if rng.random() < 0.15:
                nr += pick(rng, ["a", "b"])
            parcel = {"gemarkung": gemarkung, "flur": int(rng.integers(1, 29)),
                      "flurstueck": flurstueck, "strasse": pick(rng, STREETS[gemarkung]), "nr": nr}
        fmt = az_format(year)
        while True:
            number = int(rng.integers(1, 3000))
            if (fmt, number) not in used_numbers:
                used_numbers.add((fmt, number))
                break
        vorhaben, kind = pick(rng, VORHABEN)
        start = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        surname = pick(rng, SURNAMES)
        bauherren = [person(rng, year, surname=surname)]
        if rng.random() < 0.35:
            bauherren.append(person(rng, year, surname=surname))
            if bauherren[1] == bauherren[0]:
                bauherren.pop()
        projects.append({
            "vorhaben_id": f"V{i + 1:03d}", "jahr": year, "start": start, **parcel,
            "fmt": fmt, "number": number, "az": az_canonical(fmt, number, year),
            "vorhaben": vorhaben.replace("{n}", str(int(rng.integers(3, 9)))), "kind": kind,
            "bauherren": bauherren, "architekt": person(rng, year),
            "architekt_titel": pick(rng, TITLES_ARCHITECT), "statiker": person(rng, year),
            "vermesser": person(rng, year), "sachbearbeiter": person(rng, year),
            "nachbar": person(rng, year),
            "frueher": None if base is None else az_written(rng, base["fmt"], base["number"],
                                                            base["jahr"]),
        })
    return projects


def document_plan(rng, p: dict) -> list[tuple[str, dt.date]]:
    """(type, main date) of every document of a project, in filing order."""
    s = p["start"]

    def after(days_min: int, days_max: int, base: dt.date = s) -> dt.date:
        return base + dt.timedelta(days=int(rng.integers(days_min, days_max + 1)))

    plan = [("Bauantrag", s)]
    if rng.random() < 0.6:
        plan.append(("Baubeschreibung", after(-20, 0)))
    if rng.random() < 0.6:
        plan.append(("Lageplan", after(-60, -5)))
    if rng.random() < 0.55:
        plan.append(("Statik", after(-30, 40)))
    for _ in range(int(rng.choice([0, 1, 1, 2]))):
        plan.append(("Schriftverkehr", after(10, 400)))
    if rng.random() < 0.9:
        genehmigung = after(30, 240)
        plan.append(("Baugenehmigung", genehmigung))
        if rng.random() < 0.22:
            plan.append(("Widerspruch", after(10, 30, genehmigung)))
        if rng.random() < 0.3:
            plan.append(("Nachtrag", after(90, 500, genehmigung)))
        if rng.random() < 0.6:
            plan.append(("Abnahmebescheinigung", after(200, 800, genehmigung)))
    elif rng.random() < 0.5:
        plan.append(("Widerspruch", after(60, 200)))  # against a refusal
    return [(t, d) for t, d in plan if FIRST_DAY <= d <= LAST_DAY]


# --- writing -------------------------------------------------------------------------------


def fmt_date(rng, d: dt.date) -> str:
    """A date as typed in its era: '12.3.57', '12. März 1957', '12.03.1957', '1957-03-12'."""
    if d.year < 1970:
        forms, probs = ["short", "long", "dots"], [0.5, 0.3, 0.2]
    elif d.year < 1995:
        forms, probs = ["dots", "short2", "long"], [0.5, 0.3, 0.2]
    else:
        forms, probs = ["dots", "iso", "long"], [0.45, 0.35, 0.2]
    form = forms[int(rng.choice(len(forms), p=probs))]
    if form == "short":
        return f"{d.day}.{d.month}.{d.year % 100:02d}"
    if form == "short2":
        return f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}"
    if form == "long":
        return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
    if form == "iso":
        return d.isoformat()
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def parcel_text(rng, p: dict, year: int) -> str:
    g, f, s = p["gemarkung"], p["flur"], p["flurstueck"]
    if year < 1970:
        forms = [f"Gemarkung {g}, Flur {f}, Flurstück {s}", f"Gmkg. {g}, Fl. {f}, Parz. {s}",
                 f"Flur {f}, Parzelle {s} der Gemarkung {g}"]
    elif year < 2000:
        forms = [f"Gemarkung {g}, Flur {f}, Flurstück {s}", f"Gem. {g}, Flur {f}, Flurst. {s}",
                 f"Gemarkung: {g}   Flur: {f}   Flurstück(e): {s}"]
    else:
        forms = [f"Gemarkung {g}, Flur {f}, Flurstück {s}", f"Gemarkung: {g} | Flur: {f} | "
                 f"Flurstück: {s}", f"Gem. {g}, Flur {f}, Flurstück {s}"]
    return pick(rng, forms)


def address_text(rng, p: dict) -> str:
    street = p["strasse"]
    if street.endswith("straße") and rng.random() < 0.35:
        street = street[:-6] + pick(rng, ["str.", "strasse"])
    nr = p["nr"]
    if nr[-1].isalpha() and rng.random() < 0.5:
        nr = f"{nr[:-1]} {nr[-1]}"
    return f"{street} {nr}"


def authority(year: int) -> str:
    if year < 1962:
        return "Stadt Musterstadt – Baupolizei"
    if year < 1975:
        return "Stadt Musterstadt – Bauaufsichtsamt"
    if year < 2005:
        return "Stadt Musterstadt – Bauordnungsamt"
    return "Stadt Musterstadt – Fachbereich Planen und Bauen – Bauaufsicht"


HEADING = "\x03"  # marks the heading line while a document is assembled
FIELD = "\x04"  # "\x04<field>\x04" marks a line that carries a ground-truth field
PARTIAL_SCAN = 0.1  # share of documents of which only a part of the page could be read
ILLEGIBLE_HEADING = 0.15  # share of documents whose heading the OCR could not read


def heading(rng, word: str, year: int) -> str:
    if era(year) == "typewriter" and rng.random() < 0.5:
        word = " ".join(word.upper() if rng.random() < 0.3 else word)  # "B a u s c h e i n"
    elif rng.random() < 0.4:
        word = word.upper()
    return HEADING + word


def permit_word(year: int) -> str:
    return "Bauschein" if year < 1970 else "Baugenehmigung"


def distance_rule(year: int) -> str:
    if year < 1970:
        return "Der seitliche Bauwich von mindestens 3,00 m ist einzuhalten."
    if year < 1985:
        return "Die Grenzabstände (Bauwich) nach der BauO NW sind einzuhalten."
    return "Die Abstandflächen nach § 6 BauO NRW sind auf dem eigenen Grundstück nachzuweisen."


def bauo(year: int) -> str:
    if year < 1962:
        return "der Baupolizeiverordnung"
    if year < 1995:
        return "der BauO NW"
    if year < 2019:
        return "§ 63 BauO NRW"
    return "§ 64 BauO NRW 2018"


def date_line(rng, d: dt.date) -> str:
    text = fmt_date(rng, d)
    if era(d.year) == "typewriter":
        return pick(rng, [f"Musterstadt, den {text}", f"Musterstadt, den {text}",
                          f"Musterstadt, {text}"])
    if era(d.year) == "form":
        return pick(rng, [f"Musterstadt, {text}", f"Datum: {text}"])
    return pick(rng, [f"Datum: {text}", f"Musterstadt, {text}", f"Datum {text}"])


def signature(rng, who: str, year: int) -> list[str]:
    closing = "Hochachtungsvoll" if year < 1970 else "Mit freundlichen Grüßen"
    return ["", closing, "Im Auftrag" if rng.random() < 0.6 else "", name(who)]


def ref_lines(rng, p, d, *, az_p: float, parcel_p: float, addr_p: float, truth: dict) -> list[str]:
    """Reference block (file number, parcel, address); records what was written in ``truth``."""
    lines = []
    if rng.random() < az_p:
        label = pick(rng, ["Az.:", "Aktenzeichen:", "Az."] if d.year >= 1965
                     else ["Az.:", "Bauschein-Nr.", "Akt.-Z.:"])
        lines.append(f"{FIELD}aktenzeichen{FIELD}{label} "
                     f"{az_written(rng, p['fmt'], p['number'], p['jahr'])}")
        truth["aktenzeichen"] = p["az"]
    if rng.random() < addr_p:
        lines.append(f"{FIELD}adresse{FIELD}"
                     f"{pick(rng, ['Baugrundstück:', 'Grundstück:', 'Lage:', 'Bauort:'])} "
                     f"{address_text(rng, p)}, Musterstadt")
        truth["adresse"] = f"{p['strasse']} {p['nr']}"
    if rng.random() < parcel_p:
        lines.append(f"{FIELD}parcel{FIELD}{parcel_text(rng, p, d.year)}")
        truth["parcel"] = True
    return lines


def _earlier_file(rng, p: dict) -> list[str]:
    """A reference to the file of an earlier project on the same parcel (not this file)."""
    if p["frueher"] and rng.random() < 0.6:
        return [f"Der Bestand wurde genehmigt unter {p['frueher']}."]
    return []


def doc_lines(rng, typ: str, p: dict, d: dt.date, truth: dict) -> list[str]:
    y = d.year
    bh = " und ".join(name(b) for b in p["bauherren"])
    bh_first = name(p["bauherren"][0])
    arch = f"{p['architekt_titel']} {name(p['architekt'])}"
    date_ln = date_line(rng, d)
    stamp = [f"Eingegangen am {fmt_date(rng, d + dt.timedelta(days=int(rng.integers(1, 6))))}"] \
        if rng.random() < 0.3 else []
    if typ == "Bauantrag":
        title = "Antrag auf Erteilung eines Bauscheines" if y < 1970 else (
            "Antrag auf Baugenehmigung" if y < 1995 else f"Bauantrag nach {bauo(y)}")
        refs = ref_lines(rng, p, d, az_p=0.7, parcel_p=0.95, addr_p=0.95, truth=truth)
        body = [f"An die {authority(y).replace('Stadt Musterstadt – ', '')} der Stadt Musterstadt",
                "", heading(rng, title, y), ""]
        if era(y) == "form":
            body += [f"1. Bauherr: {bh}", f"2. Entwurfsverfasser: {arch}",
                     "3. Art des Vorhabens: [X] Neubau  [ ] Umbau  [ ] Nutzungsänderung",
                     f"4. Vorhaben: {p['vorhaben']}"]
        else:
            body += [f"Bauherr: {bh}", f"Entwurfsverfasser: {arch}",
                     f"Hiermit beantrage ich die Genehmigung für folgendes Vorhaben: "
                     f"{p['vorhaben']}."]
        body += refs + _earlier_file(rng, p) + [
            "Beigefügt sind: Lageplan, Bauzeichnungen, Baubeschreibung, "
            + ("statische Berechnung." if y < 1985 else "Standsicherheitsnachweis.")]
        return stamp + [date_ln] + body + ["", name(p["bauherren"][0]) + " (Bauherr)"]
    if typ == "Baugenehmigung":
        word = permit_word(y)
        refs = ref_lines(rng, p, d, az_p=0.95, parcel_p=0.9, addr_p=0.9, truth=truth)
        antrag = fmt_date(rng, p["start"])
        body = [authority(y), date_ln, "", f"Herrn/Frau {bh_first}", "", heading(rng, word, y)]
        body += refs + _earlier_file(rng, p)
        body += [f"Auf Ihren Antrag vom {antrag} wird Ihnen {'der' if y < 1970 else 'die'} "
                 f"{word} für das Vorhaben {p['vorhaben']} nach {bauo(y)} erteilt.",
                 distance_rule(y),
                 pick(rng, ["Die geprüfte Statik ist Bestandteil dieser Genehmigung.",
                            "Der Lageplan und die Bauvorlagen sind Bestandteil dieses Bescheides.",
                            "Mit den Bauarbeiten darf erst nach Zugang dieses Bescheides "
                            "begonnen werden."]),
                 "Die Gebühr wird gesondert festgesetzt."]
        if y >= 1970:
            body.append("Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats "
                        + ("Widerspruch erhoben" if y < 2008 else "Klage erhoben") + " werden.")
        return body + signature(rng, p["sachbearbeiter"], y)
    if typ == "Baubeschreibung":
        refs = ref_lines(rng, p, d, az_p=0.6, parcel_p=0.55, addr_p=0.85, truth=truth)
        if y < 1975:
            build = ["Fundamente: Stampfbeton", "Außenwände: 30 cm Bimsbetonsteine, verputzt",
                     "Decken: Holzbalkendecke, im Keller Massivdecke", "Dach: Satteldach, "
                     "Falzziegel", f"Umbauter Raum: {int(rng.integers(400, 1500))} cbm",
                     "Heizung: Kohleeinzelöfen"]
        else:
            build = ["Gründung: Streifenfundamente aus Stahlbeton",
                     "Außenwände: Kalksandstein 17,5 cm mit Wärmedämmverbundsystem",
                     "Decken: Stahlbetondecken", "Dach: Satteldach mit Betondachsteinen",
                     f"Brutto-Rauminhalt: {int(rng.integers(400, 1500))} m³",
                     pick(rng, ["Heizung: Gas-Brennwerttherme", "Heizung: Wärmepumpe",
                                "Heizung: Ölzentralheizung"])]
        return ([heading(rng, "Baubeschreibung", y), date_ln, f"Bauherr: {bh}",
                 f"Vorhaben: {p['vorhaben']}"] + refs + build + ["", f"Aufgestellt: {arch}"])
    if typ == "Statik":
        title = pick(rng, ["Statische Berechnung", "Standsicherheitsnachweis",
                           "Prüfbericht zur statischen Berechnung"])
        refs = ref_lines(rng, p, d, az_p=0.55, parcel_p=0.3, addr_p=0.7, truth=truth)
        snow = pick(rng, ["0,75", "0,85", "1,00"])
        loads = [f"Lastannahmen nach DIN 1055: Schneelast {snow} kN/m², Wind nach Zone II",
                 f"Pos. 1 Sparren 8/{int(rng.integers(14, 20))} cm, Nadelholz "
                 + ("Güteklasse II" if y < 1990 else "C24"),
                 f"Pos. 2 Pfette, Pos. 3 Decke über EG d = {int(rng.integers(16, 22))} cm",
                 "Pos. 4 Fundamente: zulässige Bodenpressung 250 kN/m²",
                 "Die Standsicherheit ist nachgewiesen."]
        return ([heading(rng, title, y), f"zum Vorhaben: {p['vorhaben']}", f"Bauherr: {bh}"]
                + refs + loads + ["", f"Aufgestellt: {fmt_date(rng, d)}",
                                  f"Tragwerksplaner: Dipl.-Ing. {name(p['statiker'])}"])
    if typ == "Lageplan":
        refs = ref_lines(rng, p, d, az_p=0.45, parcel_p=1.0, addr_p=0.7, truth=truth)
        return ([heading(rng, "Lageplan", y) + " zum Bauantrag", "Maßstab 1:500"] + refs
                + [f"Bauherr: {bh}", "Grenzabstände und Baugrenzen sind eingetragen.",
                   f"Stand der Katasterkarte: {fmt_date(rng, d)}",
                   f"Öffentlich bestellter Vermessungsingenieur {name(p['vermesser'])}"])
    if typ == "Abnahmebescheinigung":
        title = pick(rng, ["Bescheinigung über die Schlussabnahme", "Gebrauchsabnahmeschein"]
                     if y < 1985 else ["Bescheinigung über die abschließende Fertigstellung",
                                       "Schlussabnahmebescheinigung"])
        refs = ref_lines(rng, p, d, az_p=0.9, parcel_p=0.5, addr_p=0.9, truth=truth)
        return ([authority(y), date_ln, heading(rng, title, y)] + refs
                + [f"Bauherr: {bh}", f"Vorhaben: {p['vorhaben']}",
                   f"Bei der Besichtigung am {fmt_date(rng, d - dt.timedelta(days=5))} wurden "
                   "keine Mängel festgestellt.", "Die bauliche Anlage darf benutzt werden."]
                + signature(rng, p["sachbearbeiter"], y))
    if typ == "Schriftverkehr":
        refs = ref_lines(rng, p, d, az_p=0.75, parcel_p=0.25, addr_p=0.6, truth=truth)
        topic = pick(rng, [
            ("Nachforderung von Unterlagen", "bitten wir um Nachreichung der fehlenden "
             "Bauzeichnungen und einer prüffähigen Statik"),
            ("Sachstandsanfrage", "teilen wir Ihnen mit, dass Ihr Antrag noch in Bearbeitung ist"),
            ("Baubeginnsanzeige", "bestätigen wir den Eingang Ihrer Anzeige über den Baubeginn"),
            ("Ortsbesichtigung", "wird um einen Termin zur Ortsbesichtigung gebeten"),
            ("Gebührenbescheid", "wird die Gebühr für den Bescheid festgesetzt"),
        ])
        sender_is_city = rng.random() < 0.7
        letter = [authority(y) if sender_is_city else f"{name(p['architekt'])}, Architekturbüro",
                  date_ln, "", f"Betr.: {topic[0]}"] + refs
        letter += [f"Sehr geehrte{'r Herr' if rng.random() < 0.5 else ' Damen und Herren'} "
                   f"{bh_first if sender_is_city else ''},".replace(" ,", ","),
                   f"bezugnehmend auf Ihr Schreiben vom "
                   f"{fmt_date(rng, d - dt.timedelta(days=int(rng.integers(5, 40))))} "
                   f"{topic[1]}."]
        who = p["sachbearbeiter"] if sender_is_city else p["architekt"]
        return letter + signature(rng, who, y)
    if typ == "Widerspruch":
        neighbour = rng.random() < 0.6
        author = p["nachbar"] if neighbour else p["bauherren"][0]
        refs = ref_lines(rng, p, d, az_p=0.8, parcel_p=0.5, addr_p=0.8, truth=truth)
        bescheid = fmt_date(rng, d - dt.timedelta(days=int(rng.integers(10, 30))))
        text = [name(author), date_ln, f"An die {authority(y)}", "",
                heading(rng, "Widerspruch", y) + f" gegen den Bescheid vom {bescheid}"] + refs
        text += [f"gegen die {permit_word(y)} für meinen Nachbarn {bh_first} lege ich hiermit "
                 "Widerspruch ein. Der Abstand zur Grenze ist zu gering."
                 if neighbour else
                 "gegen die Ablehnung meines Bauantrages lege ich hiermit Widerspruch ein.",
                 "Begründung: Die Entscheidung verletzt meine Rechte; ich bitte um erneute "
                 "Prüfung.", "", name(author)]
        return text
    if typ == "Nachtrag":
        refs = ref_lines(rng, p, d, az_p=0.85, parcel_p=0.6, addr_p=0.85, truth=truth)
        title = pick(rng, ["Nachtrag zur Baugenehmigung", "Tektur (Nachtragsbauantrag)"]
                     if y < 1990 else ["Nachtrag zur Baugenehmigung", "Antrag auf "
                                       "Nachtragsgenehmigung"])
        return ([date_ln, heading(rng, title, y)] + refs
                + [f"Bauherr: {bh}", "Während der Bauausführung ergeben sich folgende "
                   "Änderungen gegenüber den genehmigten Bauvorlagen:",
                   pick(rng, ["Verschiebung der Garage um 1,50 m nach Osten.",
                              "Zusätzliches Dachflächenfenster auf der Nordseite.",
                              "Geänderte Raumaufteilung im Obergeschoss.",
                              "Vergrößerung des Kellers um 12 m²."]),
                   "", f"Entwurfsverfasser: {arch}"])
    raise ValueError(typ)


# --- OCR noise -----------------------------------------------------------------------------

# (pattern, replacement, relative rate); applied per occurrence with probability rate * level.
CONFUSIONS = [("rn", "m", 1.0), ("m", "rn", 0.3), ("l", "1", 0.6), ("O", "0", 1.0),
              ("ü", "u", 1.0), ("ä", "a", 0.6), ("ö", "o", 0.6), ("ß", "B", 0.8),
              ("e", "c", 0.15), ("0", "O", 0.25), ("1", "l", 0.25), ("i", "l", 0.1),
              ("5", "S", 0.25), ("8", "B", 0.25), (".", ",", 0.15)]
DROPOUT = 0.04  # per character, times the noise level: a character the OCR did not see
NOISE_LEVEL = {"typewriter": 0.12, "form": 0.05, "digital": 0.012}
_CONFUSION_RE = re.compile("|".join(re.escape(a) for a, _, _ in CONFUSIONS))
_CONFUSION = {a: (b, r) for a, b, r in CONFUSIONS}


def add_char_noise(rng, text: str, level: float) -> str:
    def swap(m):
        b, rate = _CONFUSION[m.group(0)]
        return b if rng.random() < rate * level else m.group(0)
    text = _CONFUSION_RE.sub(swap, text)
    keep = rng.random(len(text)) >= DROPOUT * level
    return "".join(c for c, k in zip(text, keep, strict=True)
                   if k or c in f"\n {NAME_START}{NAME_END}")


def wrap(rng, lines: list[str], width: int, hyphenate_p: float) -> list[str]:
    """Break long lines at ``width`` characters, sometimes hyphenating a long word."""
    out = []
    for line in lines:
        words, cur = line.split(" "), ""
        for w in words:
            if cur and len(cur) + 1 + len(w) > width:
                plain = w.strip(".,:;()")
                room = width - len(cur) - 2
                if (len(plain) >= 8 and plain.isalpha() and room >= 3
                        and rng.random() < hyphenate_p):
                    cut = int(rng.integers(3, min(room, len(plain) - 3) + 1))
                    out.append(f"{cur} {w[:cut]}-")
                    cur = w[cut:]
                    continue
                out.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        out.append(cur)
    return out


def ocr(rng, lines: list[str], year: int) -> str:
    e = era(year)
    level = NOISE_LEVEL[e]
    width = int(rng.integers(48, 72)) if e != "digital" else int(rng.integers(70, 95))
    lines = wrap(rng, lines, width, {"typewriter": 0.6, "form": 0.3, "digital": 0.1}[e])
    # a stray page header/footer in longer documents (page break of the scanned file)
    if len(lines) > 8 and rng.random() < 0.7:
        at = int(rng.integers(4, len(lines) - 2))
        header = pick(rng, ["Stadt Musterstadt – Bauordnungsamt – Seite 2", "- 2 -",
                            "Seite 2 von 2", "Stadt Musterstadt – Bauakte – Blatt 2"])
        lines = lines[:at] + ["", header, ""] + lines[at:]
    if rng.random() < 0.3:
        lines.append(pick(rng, ["Stadt Musterstadt – Bauordnungsamt – Seite 1", "- 1 -",
                                "Archiv-Scan 2021 / Bauakte"]))
    text = "\n".join(lines)
    return add_char_noise(rng, text, level)


def strip_name_marks(text: str) -> tuple[str, list[str]]:
    """Remove the name marks; return the text and each marked name as it appears (noisy)."""
    found = [re.sub(r"\s+", " ", m) for m in re.findall(f"{NAME_START}(.*?){NAME_END}", text,
                                                        flags=re.S)]
    return text.replace(NAME_START, "").replace(NAME_END, ""), found


def make_documents(rng, projects: list[dict]) -> list[dict]:
    docs = []
    for p in projects:
        for typ, d in document_plan(rng, p):
            truth: dict = {}
            lines = doc_lines(rng, typ, p, d, truth)
            lost = rng.random() < ILLEGIBLE_HEADING
            lines = [("[unleserlich]" if lost else line[1:]) if line.startswith(HEADING) else line
                     for line in lines]
            if rng.random() < PARTIAL_SCAN:  # only a part of the page is legible
                keep = max(3, int(len(lines) * rng.uniform(0.3, 0.5)))
                first = int(rng.integers(0, len(lines) - keep + 1))
                lines = lines[first:first + keep]
            kept = {m for line in lines for m in re.findall(f"{FIELD}(\\w+){FIELD}", line)}
            truth = {k: v for k, v in truth.items() if k in kept}
            lines = [re.sub(f"{FIELD}\\w+{FIELD}", "", line) for line in lines]
            _, names = strip_name_marks("\n".join(lines))
            noisy, names_ocr = strip_name_marks(ocr(rng, lines, d.year))
            parcel = truth.get("parcel", False)
            docs.append({
                "typ": typ, "jahr": d.year, "vorhaben_id": p["vorhaben_id"],
                "aktenzeichen": truth.get("aktenzeichen", ""),
                "az_format": p["fmt"] if "aktenzeichen" in truth else "",
                "gemarkung": p["gemarkung"] if parcel else "",
                "flur": str(p["flur"]) if parcel else "",
                "flurstueck": p["flurstueck"] if parcel else "",
                "adresse": truth.get("adresse", ""), "datum": d.isoformat(),
                "personen": "; ".join(dict.fromkeys(names)),
                "personen_ocr": "; ".join(dict.fromkeys(names_ocr)), "text": noisy,
            })
    docs.sort(key=lambda r: (r["datum"], r["vorhaben_id"], TYPES.index(r["typ"])))
    for i, r in enumerate(docs):
        r["doc_id"] = f"D{i + 1:04d}"
    return docs


def generate(out: Path) -> list[Path]:
    """Write ``bauakten.jsonl.gz`` and ``strassen.csv`` into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng_projects, rng_docs = (np.random.default_rng(s)
                              for s in np.random.SeedSequence(SEED).spawn(2))
    docs = make_documents(rng_docs, make_projects(rng_projects))
    lines = [json.dumps({c: r[c] for c in COLUMNS}, ensure_ascii=False) for r in docs]
    paths = [out / "bauakten.jsonl.gz", out / "strassen.csv"]
    write_bytes(paths[0], gzip_bytes(("\n".join(lines) + "\n").encode("utf-8")))
    streets = ["strasse;gemarkung"] + [f"{s};{g}" for g, ss in STREETS.items() for s in sorted(ss)]
    write_bytes(paths[1], ("\n".join(streets) + "\n").encode("utf-8"))
    return paths


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
