"""Rule-based field extraction from OCR'd building files.

Each field has regular expressions that tolerate the usual OCR confusions (``l``/``1``/``I``,
``O``/``0``, ``rn``/``m``, lost umlaut dots, ``ß`` read as ``B``) and a normalisation to one
canonical form, so that values can be compared exactly:

=============  ==============================  =========================================
field          written e.g.                    canonical
=============  ==============================  =========================================
aktenzeichen   ``B.1234/57``, ``BA 1998-123``  ``B 1234/57``, ``BA-1998-00123``
gemarkung      ``Gmkg. 0berfeld``              ``Oberfeld``
flur           ``F1. 7``                       ``7``
flurstueck     ``Parz. 345 / 2``               ``345/2``
adresse        ``Lindenstr. 12 a``             ``Lindenstraße 12a``
datum          ``12.3.57``, ``12. März 1957``  ``1957-03-12``
=============  ==============================  =========================================
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from urbanki_helpers.buildingfiles.documents import clean_ocr_text, fold
from urbanki_helpers.data.tables import require_columns

__all__ = ["AZ_FORMATS", "FIELDS", "address_key", "extract_fields", "extract_metadata",
           "find_aktenzeichen", "find_dates", "main_date", "normalise_aktenzeichen"]

FIELDS = ("aktenzeichen", "gemarkung", "flur", "flurstueck", "adresse", "datum")

#: Aktenzeichen formats of Musterstadt by era: id -> (years, canonical pattern).
AZ_FORMATS = {
    "F1": ("1950–1964", "B 1234/57"),
    "F2": ("1965–1979", "63/2-1234/1978"),
    "F3": ("1980–1994", "BV 0456/88"),
    "F4": ("1995–2009", "BA-1998-00123"),
    "F5": ("2010–2020", "63.21-0456/12"),
}

D = r"[0-9OoIl|SB]"  # a digit as OCR may read it (O→0, l→1, S→5, B→8)
_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})
_DASH = r"\s*[-–]\s*"
_YEAR = rf"{D}{{2}}(?:{D}{{2}})?"
_END = rf"(?!{D})"
_AZ = {
    "F1": rf"(?<![\w/.])B\s*(?:Nr\.\s*|[.-]\s*)?(?P<num>{D}{{1,4}})\s*/\s*(?P<year>{D}{{2}}){_END}",
    "F2": rf"(?<![\d.])63\s*/\s*2{_DASH}(?P<num>{D}{{1,4}})\s*/\s*(?P<year>{_YEAR}){_END}",
    "F3": rf"(?<![\w/])BV\s*[-.]?\s*(?P<num>{D}{{2,4}})\s*/\s*(?P<year>{_YEAR}){_END}",
    "F4": rf"(?<![\w/])BA\s*[-/]?\s*(?P<year>{D}{{4}})\s*[-/]\s*(?P<num>{D}{{1,5}}){_END}",
    "F5": rf"(?<![\d.])63\s*[.,]\s*2[1Il|]{_DASH}(?P<num>{D}{{1,4}})\s*/\s*(?P<year>{_YEAR}){_END}",
}
_AZ_RE = {k: re.compile(v) for k, v in _AZ.items()}


def _digits(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_DIGITS)


def ocr_pattern(word: str) -> str:
    """A regular expression for ``word`` that also matches its usual OCR misreadings."""
    out, i = [], 0
    classes = {"l": "[l1I|]", "I": "[Il1|]", "i": "[il1]", "O": "[O0]", "o": "[o0]",
               "e": "[ec]", "ü": "(?:ü|u|ue)", "ä": "(?:ä|a|ae)", "ö": "(?:ö|o|oe)",
               "ß": "(?:ß|B|ss)", "m": "(?:m|rn)", ".": r"\."}
    while i < len(word):
        if word.startswith("rn", i):
            out.append("(?:rn|m)")
            i += 2
            continue
        out.append(classes.get(word[i], re.escape(word[i])))
        i += 1
    return "".join(out)


def _any(*words: str) -> str:
    return "(?:" + "|".join(ocr_pattern(w) for w in words) + ")"


# --- Aktenzeichen --------------------------------------------------------------------------


def _canonical(fmt: str, num: str, year: str) -> str | None:
    num, year = _digits(num), _digits(year)
    if not (num.isdigit() and year.isdigit()) or int(num) == 0:
        return None
    n = int(num)
    if fmt == "F1":
        return f"B {n}/{year}"
    if fmt == "F2":
        full = int(year) if len(year) == 4 else 1900 + int(year)
        return f"63/2-{n}/{full}"
    if fmt == "F3":
        return f"BV {n:04d}/{year[-2:]}"
    if fmt == "F4":
        return f"BA-{year}-{n:05d}" if n < 100000 else None
    return f"63.21-{n:04d}/{year[-2:]}"


@dataclass(frozen=True)
class AktenzeichenMatch:
    """One file number found in a text: canonical form, format id, position and raw text."""

    canonical: str
    fmt: str
    start: int
    raw: str


def find_aktenzeichen(text: str) -> list[AktenzeichenMatch]:
    """All file numbers in ``text`` (any of :data:`AZ_FORMATS`), in reading order."""
    found = []
    for fmt, regex in _AZ_RE.items():
        for m in regex.finditer(text):
            canonical = _canonical(fmt, m.group("num"), m.group("year"))
            if canonical:
                found.append(AktenzeichenMatch(canonical, fmt, m.start(), m.group(0)))
    return sorted(found, key=lambda a: a.start)


def normalise_aktenzeichen(raw: str) -> str:
    """Canonical form of one file number as written (``"BA 1998-123"`` → ``"BA-1998-00123"``);
    an empty string if it matches none of the known formats."""
    found = find_aktenzeichen(str(raw))
    return found[0].canonical if found else ""


# --- Parcel --------------------------------------------------------------------------------

_GEM = _any("Gemarkung", "Gem.", "Gmkg.")
_FLUR = _any("Flur", "Fl.")
_STUECK = "(?:" + _any("Flurstück", "Flurst.", "Parzelle", "Parz.", "Nr.") + r"(?:\(e\))?)"
_NAME = r"(?P<gem>[A-ZÄÖÜ0][\wäöüßÄÖÜ|-]+)"
_NUM = rf"(?P<flur>{D}{{1,3}})"
_FST = rf"(?P<fst>{D}{{1,4}}(?:\s*/\s*{D}{{1,3}})?)(?!{D})"
_SEP = r"\s*[,|/;]?\s*"
_DER = ocr_pattern("der")
# A keyword with a character the OCR lost ("Gemakung", "lurstück") still has this shape.
_GEM_LOOSE = r"G[\wäöü]{1,9}\.?"
_STUECK_LOOSE = r"[\wäöü]{2,12}\.?(?:\(e\))?"
_PARCEL_RE = [
    re.compile(rf"{_GEM}\s*:?\s*{_NAME}{_SEP}{_FLUR}\s*:?\s*{_NUM}{_SEP}{_STUECK}\s*:?\s*{_FST}"),
    re.compile(rf"{_FLUR}\s*:?\s*{_NUM}{_SEP}{_STUECK}\s*:?\s*{_FST}\s*{_DER}\s*{_GEM}\s*:?\s*{_NAME}"),
]
_PARCEL_LOOSE_RE = [
    re.compile(rf"{_GEM_LOOSE}\s*:?\s*{_NAME}\s*[,|/;]\s*{_FLUR}\s*:?\s*{_NUM}\s*[,|/;]\s*"
               rf"{_STUECK_LOOSE}\s*:?\s*{_FST}"),
    re.compile(rf"{_GEM}\s*:?\s*{_NAME}\s*[,|/;]\s*[\wäöü]{{2,5}}\.?\s*:?\s*{_NUM}\s*[,|/;]\s*"
               rf"{_STUECK_LOOSE}\s*:?\s*{_FST}"),
]


def repair_word(word: str) -> str:
    """Undo digit-for-letter OCR errors inside a word ("0berfe1d" → "Oberfeld")."""
    if not any(c.isalpha() for c in word):
        return word
    chars = list(word)
    for i, c in enumerate(chars):
        if c in "0":
            chars[i] = "O" if i == 0 else "o"
        elif c in "1|":
            chars[i] = "I" if i == 0 else "l"
    return "".join(chars)


def _snap(value: str, choices: list[str] | None, cutoff: float = 0.75) -> str:
    """The closest entry of ``choices`` (compared folded), else ``value`` itself."""
    if not choices:
        return value
    folded = {fold(c): c for c in choices}
    best = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=cutoff)
    return folded[best[0]] if best else value


def find_parcel(text: str, gemarkungen: list[str] | None = None) -> tuple[str, str, str]:
    """(Gemarkung, Flur, Flurstück) of the first parcel reference, or three empty strings."""
    hits = [(m.start(), m) for regex in _PARCEL_RE for m in regex.finditer(text)]
    if not hits:  # second chance: the shape of a parcel reference with a damaged keyword
        hits = [(m.start(), m) for regex in _PARCEL_LOOSE_RE for m in regex.finditer(text)]
    if not hits:
        return "", "", ""
    m = min(hits, key=lambda h: h[0])[1]
    gem = _snap(repair_word(m.group("gem").rstrip("-")), gemarkungen)
    flur = _digits(m.group("flur"))
    fst = _digits(m.group("fst"))
    if not flur.isdigit() or not fst.replace("/", "").isdigit():
        return "", "", ""
    main, _, sub = fst.partition("/")
    return gem, str(int(flur)), f"{int(main)}/{int(sub)}" if sub else str(int(main))


# --- Address -------------------------------------------------------------------------------

_STREET_END = r"(?:stra(?:ß|ss|B|b)e|str\.|weg|platz|gasse|allee|ring|pfad|damm)"
_HOUSE = r"(?P<nr>[0-9OlI|]{1,3})(?:\s?(?P<suffix>[a-h]))?(?![\w/])"
_ADDRESS_RE = [
    # after a label, up to the house number: any street name
    re.compile(r"(?:" + _any("Baugrundstück", "Grundstück", "Lage", "Bauort", "Anschrift")
               + rf")(?:\s*:\s*|\s+)(?P<street>[A-ZÄÖÜa-zäöü][^\n,:]{{2,40}}?)\s+{_HOUSE}"),
    # anywhere: a street name with a typical ending
    re.compile(r"(?P<street>(?:(?:Am|An der|Im|Zur|Auf dem)\s+)?[A-ZÄÖÜ][\wäöüß-]*"
               + _STREET_END + rf")\s+{_HOUSE}"),
]


def _street(raw: str, streets: list[str] | None) -> str:
    words = [repair_word(w) for w in raw.split()]
    street = " ".join(words)
    street = re.sub(r"str\.$", "straße", street)
    street = re.sub(r"stra(?:ss|B|b)e\b", "straße", street)
    return _snap(street, streets, cutoff=0.8)


def find_address(text: str, streets: list[str] | None = None) -> str:
    """First address ("Lindenstraße 12a") in ``text``; street names are snapped to
    ``streets`` (a street directory) when given. Empty string if none is found."""
    for regex in _ADDRESS_RE:
        m = regex.search(text)
        if m:
            nr = _digits(m.group("nr"))
            if not nr.isdigit():
                continue
            return f"{_street(m.group('street'), streets)} {int(nr)}{m.group('suffix') or ''}"
    return ""


def address_key(address: str) -> str:
    """Comparison key of an address: folded, only letters and digits ("lindenstrasse12a")."""
    text = fold(str(address))
    text = re.sub(r"str\.(?=\s|\d|$)", "strasse", text)
    return re.sub(r"[^a-z0-9]", "", text)


# --- Dates ---------------------------------------------------------------------------------

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")
_MONTH_RE = "|".join(f"(?P<m{i}>{ocr_pattern(m)}|{ocr_pattern(m[:3])}\\.)"
                     for i, m in enumerate(MONTHS, 1))
_DATE_RE = [
    re.compile(rf"(?<![\d.,])(?P<d>{D}{{1,2}})\s?[.,]\s?(?P<m>{D}{{1,2}})\s?[.,]\s?"
               rf"(?P<y>{D}{{4}}|{D}{{2}})(?!\d|[.,]\d)"),  # a sentence may end after it
    re.compile(rf"(?<![\d.])(?P<d>{D}{{1,2}})\.\s*(?:{_MONTH_RE})\s*(?P<y>{D}{{4}}|{D}{{2}})(?!\d)"),
    re.compile(rf"(?<![\d-])(?P<y>{D}{{4}})-(?P<m>{D}{{2}})-(?P<d>{D}{{2}})(?![\d-])"),
]
_MAIN_MARKER = re.compile(
    "(?:" + _any("Musterstadt") + r",\s*(?:den\s*)?|" + _any("Datum", "Aufgestellt", "Stand")
    + r"[^\n]{0,25}?[:\s]\s*(?:den\s*)?)$")
_NOT_MAIN = re.compile(r"(?<!\w)" + _any("vom", "am", "Eingegangen", "Eingang") + r"[:\s]*$")


def _year(two_or_four: str, pivot: int) -> int:
    y = int(two_or_four)
    if len(two_or_four) == 4:
        return y
    return 1900 + y if y > pivot else 2000 + y


def find_dates(text: str, *, pivot: int = 29) -> list[tuple[int, dt.date]]:
    """(position, date) of every date in ``text`` in reading order. Two-digit years above
    ``pivot`` are 19xx, the others 20xx; impossible dates are skipped."""
    found = []
    for regex in _DATE_RE:
        for m in regex.finditer(text):
            groups = m.groupdict()
            month = next((i for i in range(1, 13) if groups.get(f"m{i}")), None)
            try:
                if month is None:
                    month = int(_digits(groups["m"]))
                year = _year(_digits(groups["y"]), pivot)
                date = dt.date(year, month, int(_digits(groups["d"])))
            except ValueError:
                continue
            if 1900 <= date.year <= 2100:
                found.append((m.start(), date))
    return sorted(found)


def main_date(text: str, *, pivot: int = 29) -> str:
    """The document's own date (ISO ``JJJJ-MM-TT``): the first date after a date line marker
    ("Musterstadt, den", "Datum:", "Aufgestellt:", "Stand"), else the first date that does not
    follow "vom", "am" or "Eingegangen"; empty string if the text has no date."""
    dates = find_dates(text, pivot=pivot)
    if not dates:
        return ""
    before = [text[max(0, pos - 40):pos] for pos, _ in dates]
    for (_, date), context in zip(dates, before, strict=True):
        if _MAIN_MARKER.search(context):
            return date.isoformat()
    for (_, date), context in zip(dates, before, strict=True):
        if not _NOT_MAIN.search(context):
            return date.isoformat()
    return dates[0][1].isoformat()


# --- All fields ----------------------------------------------------------------------------


def extract_fields(text: str, *, streets: Iterable[str] | None = None,
                   gemarkungen: Iterable[str] | None = None) -> dict[str, str]:
    """All fields of one OCR text (cleaned with :func:`clean_ocr_text` first); empty string for
    a field that is not found. Keys: :data:`FIELDS` and ``az_format``."""
    text = clean_ocr_text(text)
    az = find_aktenzeichen(text)
    gem, flur, fst = find_parcel(text, list(gemarkungen) if gemarkungen else None)
    return {
        "aktenzeichen": az[0].canonical if az else "",
        "az_format": az[0].fmt if az else "",
        "gemarkung": gem, "flur": flur, "flurstueck": fst,
        "adresse": find_address(text, list(streets) if streets else None),
        "datum": main_date(text),
    }


def extract_metadata(documents: pd.DataFrame, *, streets: Iterable[str] | None = None,
                     gemarkungen: Iterable[str] | None = None) -> pd.DataFrame:
    """Extracted fields of every document: ``doc_id``, ``az_format`` and :data:`FIELDS`
    (text; empty where nothing was found). ``documents`` needs ``doc_id`` and ``text``."""
    require_columns(documents, ("doc_id", "text"), name="Dokumente")
    streets = list(streets) if streets is not None else None
    gemarkungen = list(gemarkungen) if gemarkungen is not None else None
    rows = [{"doc_id": doc_id, **extract_fields(text, streets=streets, gemarkungen=gemarkungen)}
            for doc_id, text in zip(documents["doc_id"], documents["text"], strict=True)]
    return pd.DataFrame(rows, columns=["doc_id", "az_format", *FIELDS])
