"""Slot extraction for MapChat: layer, area, distance and place from a German question.

Everything is rule based and offline: a synonym table for the layers (with typo tolerance via
:mod:`difflib`), a fuzzy gazetteer built from the layers' own area names (umlauts folded, so
"Koeln-Muelheim" finds "Mülheim"), regular expressions for distances and coordinates.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

# German surface forms (folded: lower case, ä->ae, ö->oe, ü->ue, ß->ss) -> layer key.
# A token matches a synonym if it starts with it (plural forms) or is within edit similarity.
LAYER_SYNONYMS: dict[str, list[str]] = {
    "defibrillator": ["defibrillator", "defi", "aed", "defis", "laiendefibrillator"],
    "feuerwache": ["feuerwache", "feuerwehr", "feuerwehrhaus", "wache", "rettungswache"],
    "krankenhaus": ["krankenhaus", "krankenhaeuser", "klinik", "klinikum", "hospital", "spital"],
    "schule": ["schule", "grundschule", "gymnasium", "oberschule", "gesamtschule"],
    "kita": ["kita", "kindergarten", "kindergaerten", "kindertagesstaette", "krippe", "kitas"],
    "pflegeheim": ["pflegeheim", "altenheim", "seniorenheim", "altersheim", "pflegeeinrichtung"],
    "arzt": ["arzt", "aerzte", "aerztin", "aerztinnen", "arztpraxis", "praxis", "hausarzt",
             "hausaerzte", "doktor"],
    "toilette_barrierefrei": ["toilette", "toiletten", "wc", "klo", "behindertentoilette"],
    "buergerbuero": ["buergerbuero", "buergeramt", "buergeraemter", "buergerservice",
                     "buergerbueros", "rathaus"],
}
# Short synonyms that must match exactly (no prefix / fuzzy match).
_EXACT_ONLY = {"wc", "klo", "aed", "defi", "wache", "kita", "arzt", "praxis", "defis", "kitas"}
# Plural suffixes accepted after a synonym.
_SUFFIXES = ("", "s", "n", "en", "e", "er", "ern", "es", "innen")

_NUMBER_WORDS = {
    "ein": 1, "einen": 1, "einem": 1, "einer": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "halben": 0.5,
    "halbe": 0.5, "anderthalb": 1.5, "eineinhalb": 1.5,
}

# Words that look like place names after a preposition but are not (capitalised German nouns).
_NOT_PLACES = {
    "naehe", "umkreis", "radius", "stadt", "stadtteil", "bezirk", "stadtbezirk", "koordinaten",
    "entfernung", "prozent", "einwohner", "bevoelkerung", "zeiten", "samstag", "sonntag",
    "wochenende", "ganzen", "der", "die", "das", "dem", "den", "meiner", "meinem", "wetter",
}


def fold(text: str) -> str:
    """Lower case, fold umlauts and ß, keep letters, digits, dots, commas and spaces."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e")):
        text = text.replace(a, b)
    text = re.sub(r"[^a-z0-9.,]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _tokens(text: str) -> list[str]:
    return [t.strip(".,") for t in fold(text).split() if t.strip(".,")]


_SYN_TO_LAYER = {syn: layer for layer, syns in LAYER_SYNONYMS.items() for syn in syns}


def match_layer_token(token: str) -> str | None:
    """Layer key for one folded token, or None."""
    if token in _SYN_TO_LAYER:
        return _SYN_TO_LAYER[token]
    if token.endswith("s") and token[:-1] in _SYN_TO_LAYER:  # WCs, AEDs, Kitas
        return _SYN_TO_LAYER[token[:-1]]
    for syn, layer in _SYN_TO_LAYER.items():
        if syn in _EXACT_ONLY:
            continue
        if token.startswith(syn) and token[len(syn):] in _SUFFIXES:
            return layer
    if len(token) >= 6:
        long_syns = [s for s in _SYN_TO_LAYER if s not in _EXACT_ONLY and len(s) >= 6]
        close = difflib.get_close_matches(token, long_syns, n=1, cutoff=0.78)
        if close:
            return _SYN_TO_LAYER[close[0]]
        # plural/inflected typo: compare without a plural suffix
        for suf in ("en", "n", "e", "s"):
            if token.endswith(suf) and len(token) - len(suf) >= 6:
                close = difflib.get_close_matches(token[: -len(suf)], long_syns, n=1, cutoff=0.8)
                if close:
                    return _SYN_TO_LAYER[close[0]]
    return None


def extract_layer(question: str) -> str | None:
    """First layer mentioned in the question (synonyms, plurals, typos), or None."""
    for tok in _tokens(question):
        layer = match_layer_token(tok)
        if layer is not None:
            return layer
    return None


_NUM = r"\d+(?:[.,]\d+)?"
_DIST_RE = re.compile(rf"({_NUM})\s*(km|kilometern?|m|metern?)\b")
_DIST_WORD_RE = re.compile(
    r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s+(?:halben?\s+)?"
    r"(km|kilometern?|m|metern?)\b"
)


def _to_float(s: str) -> float:
    return float(s.replace(",", "."))


def extract_distance(question: str) -> float | None:
    """Distance in metres ("500 m", "500m", "1,5 km", "einem Kilometer"), or None."""
    text = fold(question)
    text = _COORD_RE.sub(" ", text)
    m = _DIST_RE.search(text)
    if m:
        value = _to_float(m.group(1))
        return value * 1000.0 if m.group(2).startswith("k") else value
    m = _DIST_WORD_RE.search(text)
    if m:
        value = float(_NUMBER_WORDS[m.group(1)])
        if re.search(r"\bhalben?\s", m.group(0)):
            value = value * 0.5 if value != 1 else 0.5
        return value * 1000.0 if m.group(2).startswith("k") else value
    return None


# two numbers with decimals (or 6-7 digit integers) separated by comma/semicolon/space
_COORD_RE = re.compile(
    r"(-?\d{1,3}\.\d+|\d{6,7}(?:\.\d+)?)\s*[,;/ ]\s*(-?\d{1,3}\.\d+|\d{6,7}(?:\.\d+)?)"
)


def extract_coordinates(question: str) -> tuple[float, float] | None:
    """(x, y) in EPSG:25832 from "x, y" (UTM 32N metres) or "lat, lon" (WGS84 degrees)."""
    m = _COORD_RE.search(question.replace("\u00a0", " "))
    if not m:
        return None
    a, b = float(m.group(1)), float(m.group(2))
    if 40 <= a <= 60 and 0 <= b <= 25:  # lat, lon
        lat, lon = a, b
    elif 40 <= b <= 60 and 0 <= a <= 25:  # lon, lat
        lat, lon = b, a
    elif 100_000 <= a <= 1_000_000 and 5_000_000 <= b <= 6_500_000:
        return a, b
    elif 100_000 <= b <= 1_000_000 and 5_000_000 <= a <= 6_500_000:
        return b, a
    else:
        return None
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    x, y = t.transform(lon, lat)
    return float(x), float(y)


@dataclass
class Gazetteer:
    """Fuzzy lookup of names (areas or facilities) by folded spelling variants."""

    names: list[str]
    variants: dict[str, str] = field(default_factory=dict)  # folded variant -> name

    @classmethod
    def build(cls, names, *, city_prefixes=("koeln", "leipzig", "musterstadt")) -> Gazetteer:
        names = [str(n) for n in dict.fromkeys(names) if str(n).strip()]
        variants: dict[str, str] = {}
        parts: dict[str, set[str]] = {}
        for name in names:
            f = fold(name).replace(",", " ").replace(".", " ").strip()
            variants[f] = name
            variants[f.replace(" ", "")] = name
            words = f.split()
            if len(words) > 1 and words[0] in city_prefixes:
                variants[" ".join(words[1:])] = name
            for w in words:
                if len(w) >= 5:
                    parts.setdefault(w, set()).add(name)
        for w, owners in parts.items():  # single words of multi-word names, if unambiguous
            if len(owners) == 1 and w not in variants:
                variants[w] = next(iter(owners))
        return cls(names=names, variants=variants)

    def _candidates(self, question: str, max_words: int = 4):
        toks = [t for t in re.sub(r"[.,]", " ", fold(question)).split()]
        for n in range(min(max_words, len(toks)), 0, -1):
            for i in range(len(toks) - n + 1):
                yield i, n, " ".join(toks[i : i + n])

    def find(self, question: str, *, cutoff: float = 0.84, skip=()) -> str | None:
        """Best matching name mentioned in the question, or None."""
        best: tuple[float, int, str] | None = None
        keys = list(self.variants)
        for _i, n, cand in self._candidates(question):
            if len(cand) < 3 or cand in skip:
                continue
            if cand in self.variants:
                score = (1.0, n)
            else:
                if len(cand) < 5:
                    continue
                close = difflib.get_close_matches(cand, keys, n=1, cutoff=cutoff)
                if not close:
                    continue
                score = (difflib.SequenceMatcher(None, cand, close[0]).ratio(), n)
                cand = close[0]
            if best is None or score > best[:2]:
                best = (score[0], score[1], self.variants[cand])
        return best[2] if best else None

    def suggest(self, word: str, n: int = 3) -> list[str]:
        """Close names for an unknown word (lower cutoff)."""
        f = fold(word)
        close = difflib.get_close_matches(f, list(self.variants), n=n * 3, cutoff=0.5)
        out = list(dict.fromkeys(self.variants[c] for c in close))
        if not out:  # fall back to names sharing a 3-letter prefix
            out = [nm for nm in self.names if fold(nm)[:3] == f[:3]]
        return out[:n]


_PLACE_RE = re.compile(
    r"\b(?:in|im|um|bei|beim|nahe|von|vom|zu|zum|zur|ab|an|am|aus)\s+"
    r"((?:[A-ZÄÖÜ][\wäöüß\-]+)(?:\s+[A-ZÄÖÜ][\wäöüß\-]+)?)"
)


def unmatched_place(question: str) -> str | None:
    """A capitalised word after a preposition that is neither a layer nor a common noun."""
    for m in _PLACE_RE.finditer(question):
        word = m.group(1)
        first = fold(word.split()[0])
        if first in _NOT_PLACES or match_layer_token(first) is not None:
            continue
        if any(match_layer_token(t) for t in _tokens(word)):
            continue
        return word
    return None


def wants_per_area(question: str) -> str | None:
    """"Stadtteil"/"Stadtbezirk" when the question asks for a result per area."""
    f = fold(question)
    if re.search(r"\b(je|pro|nach|jede[nm]?|allen?|welchen)\s+stadtteil", f) or "stadtteilen" in f:
        return "Stadtteil"
    if re.search(r"\b(je|pro|nach|jede[nm]?|allen?|welchen)\s+(stadt)?bezirk", f) or re.search(
        r"(stadt)?bezirken\b", f
    ):
        return "Stadtbezirk"
    return None


def wants_capacity(question: str) -> bool:
    f = fold(question)
    return bool(re.search(r"plaetze|platz|kapazitaet|betten", f))
