"""Rule-based masking of personal data in German text (letters, complaints, applications).

:func:`mask_personal_data` replaces person names, street addresses, e-mail addresses, phone
numbers, IBANs, dates of birth and (if configured) file numbers by readable placeholders such as
``[PERSON-1]`` or ``[ADRESSE-2]`` before a text is analysed or shown to a language model. The
same value gets the same placeholder throughout a document; the table of originals
(:class:`PseudonymMapping`) is returned as a separate object and never shown in a ``repr``.

This is a safeguard, not a guarantee. It does **not** catch

- names that are not in the name list (:mod:`.namen`) and have no cue ("Herr", "Frau", "Dr.",
  a first name before them, a signature after "Mit freundlichen Grüßen", "gez.", "i. A.");
- surnames that are ordinary words (Koch, Weber, Wolf, Müller, ...) without such a cue, first
  names that are ordinary words (August, Frank, Ernst, ...) on their own, nicknames, initials
  ("A. W."), names in lowercase, names written inside other words;
- addresses without a house number, or written as "Am/Im/An der ..." followed by more text
  on the same line; post-box addresses; foreign address formats;
- phone numbers written with dots ("0209.123456") or in foreign formats without "+";
- dates of birth without a cue ("geb.", "geboren am", "Geburtsdatum", "*"), ages;
- indirect identifiers: job titles, house descriptions ("das gelbe Haus an der Ecke"), plot
  numbers, vehicle registrations, health details, rare combinations of facts.

Over-masking happens too: a capitalised word right after a known first name is taken as the
surname ("Anna Kowalski"), and once a surname has been masked in a document, every other
occurrence of that word in the same document is masked as well (also "der Koch" after
"Herr Koch"). Read the masked text before it leaves the office.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.privacy.namen import (
    AMBIGUOUS_FIRST_NAMES,
    AMBIGUOUS_SURNAMES,
    FIRST_NAMES,
    SURNAMES,
)

__all__ = ["CATEGORIES", "MaskResult", "PersonalDataMasker", "PseudonymMapping",
           "mask_personal_data"]

#: Placeholder categories, in the order used by :attr:`MaskResult.counts`.
CATEGORIES = ("PERSON", "ADRESSE", "E-MAIL", "TELEFON", "IBAN", "GEBURTSDATUM", "AKTENZEICHEN")


def _norm(word: str) -> str:
    """Lookup key of a name: case-insensitive, ß = ss ("WEISS" finds "Weiß")."""
    return word.casefold().replace("ß", "ss")


_FIRST = {_norm(n) for n in FIRST_NAMES}
_FIRST_AMBIGUOUS = {_norm(n) for n in AMBIGUOUS_FIRST_NAMES}
_FIRST_ANY = _FIRST | _FIRST_AMBIGUOUS
_SURNAME_AMBIGUOUS = {_norm(n) for n in AMBIGUOUS_SURNAMES}
_SURNAME_SURE = {_norm(n) for n in SURNAMES} - _SURNAME_AMBIGUOUS

# ---------------------------------------------------------------------------------------------
# Patterns. Each finds the text to replace; cues stay in the text ("Herr [PERSON-1]").
# ---------------------------------------------------------------------------------------------
_L = r"[^\W\d_]"  # a letter, including umlauts and ß
_UP = r"[A-ZÄÖÜ]"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

_IBAN_DE = re.compile(r"(?<![A-Za-z0-9])DE\d{2}(?: ?\d{4}){4} ?\d{2}(?![\w])")
_IBAN_ANY = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
                       r"(?![\w])")

_PHONE = re.compile(
    r"(?<![\w+/.,:-])"
    r"(?:(?:\+|00)49[ \t-]*(?:\(0\)[ \t-]*)?(?:\([1-9]\d{1,4}\)|[1-9]\d{1,4})"  # +49 209
    r"|\+[1-9]\d{0,2}[ \t-]*\d{1,5}"                                           # +31 20
    r"|\(0[1-9]\d{1,4}\)"                                                      # (0209)
    r"|0[1-9]\d{1,4})"                                                         # 0209
    r"(?:[ \t]*[/-][ \t]*|[ \t]+)?"
    r"\d{2,}(?:[ -]\d{1,4})*"
    r"(?![\w]|[.,/-]?\d)"
)

#: "0368/1980", "0898/81": a running number with its year, as in old file numbers; it is taken
#: for a phone number only after a phone cue.
_NUMBER_WITH_YEAR = re.compile(r"0\d{2,4}[ \t]*/[ \t]*(?:\d{2}|(?:19|20)\d{2})")
_PHONE_CUE = re.compile(r"(?i:tel\.?|telefon(?:nummer)?|fon|ruf|handy|mobil|fax|erreichbar unter"
                        r"|unter)[ \t:.]*$")
_FILE_CUE = re.compile(r"(?:\bAz\.?|Aktenzeichen|Geschäftszeichen|\bGz\.?|\bNr\.?|\bBV|\bBA"
                       r"|Bauschein\S*)[ \t:.]*$")

_MONTHS = r"(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
_BIRTHDATE = re.compile(
    r"(?:\bgeb\.(?:[ \t]+am)?|\bgeboren(?:[ \t]+am)?|\bGeburtsdatum[ \t]*:?|\bGeb\.-Datum[ \t]*:?"
    r"|\*)[ \t]*"
    rf"(?P<date>\d{{1,2}}\.[ ]?\d{{1,2}}\.[ ]?(?:\d{{4}}|\d{{2}})|\d{{1,2}}\.[ ]?{_MONTHS}[ ]\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})(?![\d])"
)

_STREET_SUFFIX = (r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|pfad"
                  r"|steig|promenade)")
_STREET_WORD = r"(?i:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee|Markt)"
_ADJECTIVE = (r"(?:Alte[rns]?|Neue[rns]?|Hohe[rn]?|Lange[rn]?|Breite[rn]?|Große[rn]?|Kleine[rn]?"
              r"|Obere[rn]?|Untere[rn]?|Schöne[rn]?)")
_PREPOSITION = (r"(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Hinter der"
                r"|Unter den|Vor dem)")
_HOUSE = (r"\d{1,3}(?:[ ]?[a-zA-Z](?!\w))?"
          r"(?:[ ]?[-–/][ ]?\d{1,3}(?:[ ]?[a-zA-Z](?!\w))?)?")
_NOT_A_QUANTITY = (r"(?!\d|[.,]\d|[ ]?(?:%|€|m\b|km\b|Meter|Euro|EUR|kWp?\b|Prozent|Jahre|Stück"
                   r"|Anträge|Fälle|Personen))")
#: Nouns after "Am/Im/Zum ..." that start a time or a figure, not a place ("Im Januar 12,").
_NOT_PLACES = (rf"(?:{_MONTHS}|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Jahr"
               r"|Vorjahr|Monat|Quartal|Zeitraum|Durchschnitt|Mittel|Schnitt|Vergleich|Rahmen"
               r"|Bereich|Ergebnis|Ende|Anfang|Auftrag|Wesentlichen|Einzelfall|Moment|Schluss)")
_TOWN = (rf"(?:,?[ \t]*(?:\r?\n)?[ \t]*\d{{5}}[ \t]+{_UP}{_L}+(?:-{_L}+)*"
         rf"(?:[ \t](?:an[ ]der|am|im|ob[ ]der|bei)[ \t]{_UP}{_L}+)?)?")
_ADDRESS = re.compile(
    rf"(?<![\w-])(?P<street>"
    rf"(?:{_ADJECTIVE}[ \t]+)?(?:{_UP}(?:{_L}|-)*?)?(?i:{_STREET_SUFFIX})"
    rf"|(?:{_ADJECTIVE}|{_UP}{_L}+(?:er|ER))[ \t]+{_STREET_WORD}"
    rf")[ \t]+{_HOUSE}{_NOT_A_QUANTITY}{_TOWN}"
    rf"|(?<![\w-]){_PREPOSITION}[ \t]+(?!{_NOT_PLACES}\b){_UP}{_L}+(?:-{_L}+)*(?:[ \t]{_UP}{_L}+)?"
    rf"[ \t]+{_HOUSE}"
    rf"(?=[ \t]*(?:$|[,;)\r\n]|\d{{5}}\b)|\.(?:\s|$)){_TOWN}",
    re.MULTILINE,
)
#: Words with a street suffix that are not streets ("Platz 2" in a ranking, "Parkplatz 3").
_NOT_STREETS = {"straße", "strasse", "str.", "weg", "allee", "platz", "gasse", "ring", "damm",
                "ufer", "chaussee", "pfad", "steig", "promenade", "parkplatz", "stellplatz",
                "arbeitsplatz", "spielplatz", "sitzplatz", "kitaplatz", "studienplatz",
                "ausbildungsplatz", "betreuungsplatz", "abstellplatz", "lagerplatz",
                "liegeplatz", "pflegeplatz", "krippenplatz", "gehweg", "radweg", "fußweg",
                "rückweg", "umweg", "ausweg", "schulweg", "rechtsweg", "lösungsweg", "dienstweg",
                "staudamm", "ehering"}

# A capitalised word, possibly hyphenated (Weiß-Hoffmann, Anna-Lena), not one that ends in a
# hyphen ("Koch- und Backrezepte").
_TOKEN = re.compile(rf"(?<![\w-]){_UP}{_L}*(?:-{_UP}{_L}*)*(?![\w-])")

_WORD_CUES = ("Herr", "Herrn", "Frau", "Familie", "Eheleute", "Architekt", "Architektin",
              "Bauherr", "Bauherrn", "Bauherrin", "Antragsteller", "Antragstellerin", "Nachbar",
              "Nachbarin", "Eigentümer", "Eigentümerin", "Sachbearbeiter", "Sachbearbeiterin")
_CUE_WORDS = {c.casefold() for c in _WORD_CUES}
_CUE = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(_WORD_CUES + tuple(c.upper() for c in _WORD_CUES),
                                       key=len, reverse=True)) + r")(?![\w-])"
    r"|(?<![\w-])(?:Dr\.(?:-Ing\.)?|Prof\.|gez\.|i\.[ ]?A\.|i\.[ ]?V\.|geb\.)"
    r"|(?:Mit freundlichen Grüßen|Mit freundlichem Gruß|Freundliche Grüße|Viele Grüße"
    r"|Beste Grüße|Herzliche Grüße|Hochachtungsvoll),?[ \t]*\r?\n\s*"
    r"(?:(?:i\.[ ]?A\.|i\.[ ]?V\.|Im Auftrag|In Vertretung)[ \t]*\r?\n?\s*)?"
)
#: A writer introducing themselves ("Hallo, ich bin Jan Oltmanns"): only a first name and a
#: surname count, or a listed name ("ich bin Rentnerin" is no name).
_INTRO = re.compile(r"(?<![\w-])(?:[Ii]ch bin|[Mm]ein Name ist|[Ii]ch heiße|[Hh]ier schreibt"
                    r"|[Hh]ier spricht)[ \t]+")
_TITLES = re.compile(
    r"(?:(?:Prof\.|Dr\.(?:-Ing\.)?|Dipl\.-[A-Z][a-z]+\.|med\.|h\.[ ]?c\.|rer\.[ ]?nat\.)[ \t]*"
    r"|(?:Ober)?[Bb]ürgermeister(?:in)?[ \t]+|Stadträtin[ \t]+|Stadtrat[ \t]+"
    r"|Beigeordneter?[ \t]+|Dezernent(?:in)?[ \t]+|Amtsleiter(?:in)?[ \t]+"
    r"|Kolleg(?:e|in)[ \t]+)*"
)
#: Words before a cue that make the cue an ordinary noun ("eine Frau Mitte 40").
_DETERMINERS = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem",
                "einen", "eines", "kein", "keine", "keiner", "keinem", "jede", "jeder", "jedem",
                "jeden", "diese", "dieser", "diesem", "diesen", "welche", "welcher", "unsere",
                "unser", "ihre", "ihr", "seine", "sein", "meine", "mein", "alte", "junge",
                "ältere", "jüngere", "neue", "neuen", "andere", "anderen"}
_NOT_NAMES = {"sie", "ihr", "ihre", "ihnen", "und", "oder", "bitte", "im", "am", "an", "in", "der",
              "die", "das", "den", "dem", "ein", "eine", "stadt", "gemeinde", "kreis", "landkreis",
              "rathaus", "verwaltung"}
_NOT_NAME_ENDINGS = ("amt", "verwaltung", "büro", "bereich", "abteilung", "referat", "dezernat",
                     "team", "werke", "gmbh")
_BLANKS = re.compile(r"[ \t\u00a0]*(?::[ \t\u00a0]*)?")
_NAME_END = re.compile(r"[ \t]*(?:[\r\n,;:!?)]|\.(?:\s|$)|$)")
_COMMA = re.compile(r",[ \t]*")
_LAST_WORD = re.compile(r"(\w+)[ \t]+$")
_SAINT = re.compile(r"(?:St\.|Sankt)[ \t]+$")  # "Sankt Martin" is not a person


def _not_a_name(word: str) -> bool:
    low = word.casefold()
    return low in _NOT_NAMES or low in _CUE_WORDS or low.endswith(_NOT_NAME_ENDINGS)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    category: str
    key: tuple
    original: str


class PseudonymMapping(Mapping):
    """Pseudonym → original, e.g. ``mapping["[PERSON-1]"] == "Jürgen Weiß-Hoffmann"``.

    Keep it apart from the masked text: it is for the data protection officer, who decides
    whether and where it is stored. Its ``repr`` shows only the number of entries.
    """

    def __init__(self, pairs: dict[str, str] | None = None):
        self._pairs = dict(pairs or {})

    def __getitem__(self, pseudonym: str) -> str:
        return self._pairs[pseudonym]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return f"PseudonymMapping({len(self)} Einträge, Originale verborgen)"

    __str__ = __repr__

    def to_frame(self) -> pd.DataFrame:
        """Table ``pseudonym``, ``kategorie``, ``original``."""
        return pd.DataFrame({"pseudonym": list(self._pairs),
                             "kategorie": [p[1:].rsplit("-", 1)[0] for p in self._pairs],
                             "original": list(self._pairs.values())})


@dataclass(frozen=True, repr=False)
class MaskResult:
    """Result of :meth:`PersonalDataMasker.mask`.

    Attributes
    ----------
    text:
        The masked text.
    mapping:
        :class:`PseudonymMapping` of the placeholders used in this text (not shown in ``repr``).
    counts:
        Number of replaced passages per category (all of :data:`CATEGORIES`, zeros included).
    """

    text: str
    mapping: PseudonymMapping = field(compare=False)
    counts: dict[str, int]

    def __repr__(self) -> str:
        found = {k: v for k, v in self.counts.items() if v}
        return f"MaskResult(text={self.text!r}, counts={found}, mapping={self.mapping!r})"


class PersonalDataMasker:
    """Find personal data in German text and replace it by numbered placeholders.

    Parameters
    ----------
    names:
        Extra names to mask wherever they appear as capitalised words (e.g. the staff list of a
        department), in addition to the built-in list of common German names.
    keep:
        Categories of :data:`CATEGORIES` to leave in the text, e.g. ``("ADRESSE",)`` for
        building files, whose plot address is the search key of the archive (found addresses
        still keep street names from being taken for persons).
    file_number_patterns:
        Regular expressions (text or compiled) for file numbers that identify a person, e.g.
        ``r"BA-\\d{4}/\\d{3}"``; the whole match becomes ``[AKTENZEICHEN-n]``. Default: none, so
        file numbers stay (most of them identify a procedure, not a person).

    One masker is one pseudonym table: the same value gets the same placeholder across all
    texts it masks, and numbering continues. Use a new masker (or :func:`mask_personal_data`)
    per document when the documents must not be linkable; reuse one on purpose to follow the
    same person through several letters. :meth:`reset` forgets everything.

    IBANs: German IBANs (DE + 20 digits, with or without spaces) are masked even if their
    ISO 7064 check digits are wrong, since a mistyped account number still points to a person;
    IBANs of other countries are masked only if the check digits are valid.
    """

    def __init__(self, names: Iterable[str] | None = None,
                 file_number_patterns: Iterable[str | re.Pattern] = (),
                 keep: Iterable[str] = ()):
        keep = (keep,) if isinstance(keep, str) else tuple(keep)
        unknown = [c for c in keep if c not in CATEGORIES]
        if unknown:
            raise ParameterError(
                f"keep: unknown categories {unknown}; allowed: {', '.join(CATEGORIES)}",
                message_de=f"keep: unbekannte Kategorien {unknown}; erlaubt sind "
                           f"{', '.join(CATEGORIES)}.")
        self._keep = frozenset(keep)
        self._extra = set()
        if names is not None:
            if isinstance(names, str):
                names = [names]
            for name in names:
                if not isinstance(name, str) or not name.strip():
                    raise ParameterError(
                        f"names must be non-empty strings, got {name!r}",
                        message_de=f"names enthält {name!r}: Erlaubt sind nur nicht-leere Texte "
                                   "wie 'Kowalczyk'.")
                self._extra.update(_norm(w) for w in name.split())
        if isinstance(file_number_patterns, str | re.Pattern):
            file_number_patterns = [file_number_patterns]
        self._file_patterns = []
        for pattern in file_number_patterns:
            try:
                self._file_patterns.append(re.compile(pattern))
            except (re.error, TypeError) as exc:
                raise ParameterError(
                    f"file_number_patterns: {pattern!r} is not a valid regular expression: {exc}",
                    message_de=f"file_number_patterns: {pattern!r} ist kein gültiger regulärer "
                               f"Ausdruck ({exc}).") from exc
        self.reset()

    def __repr__(self) -> str:
        return f"PersonalDataMasker(n_pseudonyms={len(self._pseudonyms)})"

    def reset(self) -> None:
        """Forget all pseudonyms: the next text starts again at ``[PERSON-1]``."""
        self._pseudonyms: dict[tuple, str] = {}
        self._originals: dict[str, str] = {}
        self._numbers = dict.fromkeys(CATEGORIES, 0)

    @property
    def mapping(self) -> PseudonymMapping:
        """All placeholders this masker has handed out so far, with their originals."""
        return PseudonymMapping(self._originals)

    def mask(self, text: str) -> MaskResult:
        """Mask ``text``; text without personal data comes back unchanged (the same string)."""
        if not isinstance(text, str):
            raise DataError(
                f"text must be a str, got {type(text).__name__}",
                message_de=f"Erwartet wird ein Text (str), erhalten: {type(text).__name__}.")
        hits = [h for h in self._find(text) if h.category not in self._keep]
        counts = dict.fromkeys(CATEGORIES, 0)
        if not hits:
            return MaskResult(text, PseudonymMapping(), counts)
        used: dict[str, str] = {}
        longest: dict[tuple, str] = {}
        for hit in hits:
            if len(hit.original) > len(longest.get(hit.key, "")):
                longest[hit.key] = hit.original
        pieces, pos = [], 0
        for hit in hits:
            pseudonym = self._pseudonyms.get(hit.key)
            if pseudonym is None:
                self._numbers[hit.category] += 1
                pseudonym = f"[{hit.category}-{self._numbers[hit.category]}]"
                self._pseudonyms[hit.key] = pseudonym
            if len(longest[hit.key]) > len(self._originals.get(pseudonym, "")):
                self._originals[pseudonym] = longest[hit.key]
            used[pseudonym] = self._originals[pseudonym]
            counts[hit.category] += 1
            pieces += [text[pos:hit.start], pseudonym]
            pos = hit.end
        pieces.append(text[pos:])
        return MaskResult("".join(pieces), PseudonymMapping(used), counts)

    # -- detection -------------------------------------------------------------------------
    def _find(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []

        def add(start, end, category, key):
            if any(start < h.end and h.start < end for h in hits):
                return
            hits.append(_Hit(start, end, category, (category, key), text[start:end]))

        for m in _EMAIL.finditer(text):
            add(m.start(), m.end(), "E-MAIL", m.group().casefold())
        for m in _IBAN_ANY.finditer(text):
            compact = m.group().replace(" ", "")
            german = _IBAN_DE.fullmatch(m.group()) is not None
            if german or _iban_checksum_ok(compact):
                add(m.start(), m.end(), "IBAN", compact)
        for pattern in self._file_patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    add(m.start(), m.end(), "AKTENZEICHEN", " ".join(m.group().split()))
        for m in _BIRTHDATE.finditer(text):
            add(m.start("date"), m.end("date"), "GEBURTSDATUM", m.group("date").replace(" ", ""))
        for m in _ADDRESS.finditer(text):
            street = m.group("street")
            if street and street.casefold() in _NOT_STREETS:
                continue
            key = " ".join(m.group().split()).casefold().replace("str.", "straße")
            add(m.start(), m.end(), "ADRESSE", key.replace("strasse", "straße"))
        for m in _PHONE.finditer(text):
            before = text[max(0, m.start() - 30):m.start()]
            if not _PHONE_CUE.search(before) and (
                    _FILE_CUE.search(before) or _NUMBER_WITH_YEAR.fullmatch(m.group().strip())):
                continue  # a file number such as "BV 0368/1980", not a phone number
            key = _phone_key(m.group())  # 0209123456 or +3120123456
            if 6 <= len(key) <= 13 and not (key.startswith("+") and len(key) < 9):
                add(m.start(), m.end(), "TELEFON", key)
        for start, end, key in self._persons(text, hits):
            add(start, end, "PERSON", key)
        return sorted(hits, key=lambda h: h.start)

    def _kind(self, word: str) -> str | None:
        """'first', 'first?' (ambiguous), 'sure', 'weak' (ambiguous surname) or None."""
        parts = [_norm(p) for p in word.split("-")]
        sure = [p in _SURNAME_SURE or p in self._extra for p in parts]
        if all(p in self._extra for p in parts):
            return "sure"
        if all(p in _FIRST for p in parts):
            return "first"
        if all(p in _FIRST_ANY for p in parts):
            return "first?"
        if any(sure) and all(s or p in _SURNAME_AMBIGUOUS or p in _FIRST_ANY
                             for s, p in zip(sure, parts, strict=True)):
            return "sure"  # Schmidt, Weiß-Hoffmann
        if any(sure) or any(p in _SURNAME_AMBIGUOUS for p in parts):
            return "weak"  # Koch, Müller-Lüdenscheidt
        return None

    def _persons(self, text: str, taken: list[_Hit]) -> list[tuple[int, int, tuple]]:
        tokens = [m for m in _TOKEN.finditer(text)
                  if not any(m.start() < h.end and h.start < m.end() for h in taken)]
        starts = {m.start(): i for i, m in enumerate(tokens)}
        in_entity: set[int] = set()
        found: list[tuple[int, int, list[str], str | None]] = []  # start, end, firsts, surname

        def adjacent(i: int) -> bool:
            return (i + 1 < len(tokens)
                    and re.fullmatch(r"[ \t\u00a0]+", text[tokens[i].end():tokens[i + 1].start()])
                    is not None)

        def take(i: int, first_known: bool) -> None:
            """Person starting at token i: first names, then one surname."""
            j, firsts = i, []
            while self._kind(tokens[j].group()) in ("first", "first?") and adjacent(j):
                nxt = self._kind(tokens[j + 1].group())
                if nxt is None and not (first_known or self._kind(tokens[j].group()) == "first"):
                    break
                firsts.append(tokens[j].group())
                j += 1
            surname = tokens[j].group()
            if first_known and j == i and self._kind(surname) is None and adjacent(j):
                second = tokens[j + 1]  # "Herr Kasimir Nowicki", "i. A. Kasimir Nowicki"
                if (self._kind(second.group()) in ("sure", "weak")
                        or _NAME_END.match(text, second.end())):
                    firsts, j = [surname], j + 1
                    surname = second.group()
            if not firsts and self._kind(surname) in ("first", "first?"):
                firsts, surname = [surname], None
            in_entity.update(range(i, j + 1))
            found.append((tokens[i].start(), tokens[j].end(), firsts, surname))

        # 1. cues: Herr, Frau, Dr., gez., signatures
        for cue in _CUE.finditer(text):
            pos = _BLANKS.match(text, cue.end()).end()
            pos = _TITLES.match(text, pos).end()
            i = starts.get(pos)
            if i is None or i in in_entity or _not_a_name(tokens[i].group()):
                continue
            before = _LAST_WORD.search(text, max(0, cue.start() - 40), cue.start())
            plain_noun = before is not None and before.group(1).casefold() in _DETERMINERS
            if self._kind(tokens[i].group()) is None and plain_noun:
                continue  # "eine Frau Mitte 40"
            take(i, first_known=True)

        # 1b. self-introductions: two capitalised words, or a listed name
        for intro in _INTRO.finditer(text):
            i = starts.get(intro.end())
            if i is None or i in in_entity or _not_a_name(tokens[i].group()):
                continue
            if adjacent(i) and not _not_a_name(tokens[i + 1].group()) \
                    or self._kind(tokens[i].group()) is not None:
                take(i, first_known=True)

        # 2. names from the list, without a cue
        for i, tok in enumerate(tokens):
            if i in in_entity:
                continue
            kind, word = self._kind(tok.group()), tok.group()
            nxt = self._kind(tokens[i + 1].group()) if adjacent(i) else None
            if kind in ("first", "first?") and nxt in ("first", "first?", "sure", "weak"):
                take(i, first_known=False)
            elif kind == "first" and word.istitle():
                if not _SAINT.search(text, max(0, tok.start() - 8), tok.start()):
                    take(i, first_known=False)
            elif kind == "sure":
                take(i, first_known=False)
            elif kind == "weak":  # "Weber, Anna" as in lists
                comma = _COMMA.match(text, tok.end())
                j = starts.get(comma.end()) if comma else None
                if j is not None and j not in in_entity and self._kind(tokens[j].group()) == "first":
                    in_entity.update((i, j))
                    found.append((tok.start(), tokens[j].end(), [tokens[j].group()], word))

        # 3. consistency: later (or earlier) mentions of a name already found in this document
        surnames = {_norm(s) for _, _, _, s in found if s}
        firsts = {_norm(f) for _, _, fs, _ in found for f in fs}
        for i, tok in enumerate(tokens):
            if i in in_entity:
                continue
            norm = _norm(tok.group())
            if norm in surnames:
                found.append((tok.start(), tok.end(), [], tok.group()))
            elif norm in firsts:
                found.append((tok.start(), tok.end(), [tok.group()], None))
        return self._person_keys(found)

    def _person_keys(self, found) -> list[tuple[int, int, tuple]]:
        """One key per person: a bare surname or first name joins a full name if it is unique."""
        def full(firsts, surname):
            return (" ".join(_norm(f) for f in firsts), _norm(surname) if surname else "")

        known = {key[1] for key in self._pseudonyms if key[0] == "PERSON"}
        known |= {full(f, s) for _, _, f, s in found}
        complete = [k for k in known if k[0] and k[1]]
        out = []
        for start, end, firsts, surname in found:
            key = full(firsts, surname)
            if not (key[0] and key[1]):
                matches = {k for k in complete
                           if (key[1] and k[1] == key[1])
                           or (key[0] and key[0] in (k[0], k[0].split()[0]))}
                if len(matches) == 1:
                    key = matches.pop()
            out.append((start, end, key))
        return out


def _phone_key(number: str) -> str:
    compact = number.replace("(0)", "")
    digits = re.sub(r"\D", "", compact)
    if compact.startswith("+49"):
        return "0" + digits[2:]
    if compact.startswith("0049"):
        return "0" + digits[4:]
    return ("+" if compact.startswith("+") else "") + digits


def _iban_checksum_ok(iban: str) -> bool:
    """ISO 7064 MOD 97-10 check of an IBAN without spaces."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def mask_personal_data(text: str) -> str:
    """Replace personal data in German ``text`` by placeholders such as ``[PERSON-1]``.

    Shortcut for ``PersonalDataMasker().mask(text).text``: each call is a new document, so
    numbering starts at 1 again. Use :class:`PersonalDataMasker` for the table of originals,
    the counts per category, extra names or file numbers. See the module documentation for
    what is *not* detected: this is a rule-based safeguard, not a guarantee.
    """
    return PersonalDataMasker().mask(text).text


def mask_texts(texts, *, masker: PersonalDataMasker | None = None) -> tuple[pd.Series,
                                                                            pd.DataFrame]:
    """Mask every text of ``texts`` (Series, list) as a document of its own (numbering restarts
    per text; ``masker`` sets names and file-number patterns, its mapping is discarded).

    Returns the masked texts (a Series with the index of ``texts``; missing values stay
    missing) and a table with one row per text and one column per category of
    :data:`CATEGORIES` (number of passages replaced). No original is kept.
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    template = masker or PersonalDataMasker()
    masked, counts = [], []
    for value in series:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            masked.append(value)
            counts.append(dict.fromkeys(CATEGORIES, 0))
            continue
        template.reset()
        result = template.mask(str(value))
        masked.append(result.text)
        counts.append(result.counts)
    template.reset()
    return (pd.Series(masked, index=series.index, name=series.name, dtype=object),
            pd.DataFrame(counts, index=series.index, columns=list(CATEGORIES)).astype("int64"))


def leaked_names(masked_texts, names, *, sep: str = ";") -> pd.DataFrame:
    """Check masked texts against the names known to be in them (e.g. a labelled sample).

    ``masked_texts`` and ``names`` are aligned sequences; each entry of ``names`` is a list of
    names or one string with names joined by ``sep``. A name *leaks* when any of its words
    (three letters or more) still stands as a whole word in the masked text. Returns one row
    per name: ``text`` (position or index label), ``name``, ``leaked`` (bool). The share of
    names not leaked is the masking's recall on that sample.
    """
    texts = masked_texts if isinstance(masked_texts, pd.Series) else pd.Series(list(masked_texts))
    lists = list(names)
    if len(lists) != len(texts):
        raise DataError(
            f"masked_texts has {len(texts)} entries, names {len(lists)}.",
            message_de=f"Die maskierten Texte ({len(texts)}) und die Namenslisten ({len(lists)}) "
                       "müssen gleich lang sein.")
    rows = []
    for label, text, entry in zip(texts.index, texts, lists, strict=True):
        if entry is None or (not isinstance(entry, (str, list, tuple)) and pd.isna(entry)):
            continue
        found = [n.strip() for n in (entry.split(sep) if isinstance(entry, str) else entry)]
        for name in (n for n in found if n):
            words = [w for w in re.findall(r"[\w-]+", name) if len(w) >= 3]
            leaked = any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", str(text))
                         for w in words)
            rows.append({"text": label, "name": name, "leaked": leaked})
    return pd.DataFrame(rows, columns=["text", "name", "leaked"])
