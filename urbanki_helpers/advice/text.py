"""Text preprocessing shared by the retrieval and routing models."""

from __future__ import annotations

import re

_FOLD = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))
_WORD = re.compile(r"[a-z0-9]+")


def normalise_text(text: str) -> str:
    """Lower case, umlauts folded (ä -> ae), digits -> 0: spelling variants meet."""
    text = str(text).lower()
    for a, b in _FOLD:
        text = text.replace(a, b)
    return re.sub(r"\d+", "0", text)


def words(text: str) -> list[str]:
    """Normalised words of at least two letters (digits count as letters)."""
    return [w for w in _WORD.findall(normalise_text(text)) if len(w) >= 2]
