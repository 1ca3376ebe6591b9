"""A keyword baseline for intent recognition: what a few hand-written rules achieve."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

#: First matching rule wins; patterns are searched in the lower-cased question.
KEYWORD_RULES = (
    ("share", r"anteil|prozent|wie viel prozent|versorgt"),
    ("attribute", r"öffnungszeit|oeffnungszeit|geöffnet|geoeffnet|offen|plätze|plaetze|kapazität"),
    ("nearest", r"nächst|naechst|am nächsten|in der nähe"),
    ("within", r"umkreis|im radius|innerhalb|\d+\s*(m|km)\b|meter|kilometer"),
    ("count", r"wie viele|wieviele|anzahl"),
    ("list", r"welche|liste|zeig|nenn|wo gibt es|wo sind"),
)


class KeywordIntentBaseline:
    """Predicts an intent from keywords; ``unknown`` when no rule matches (scikit-learn style)."""

    def fit(self, questions=None, intents=None):
        return self

    def predict(self, questions: Iterable[str]) -> np.ndarray:
        out = []
        for question in questions:
            text = str(question).lower()
            out.append(next((intent for intent, pattern in KEYWORD_RULES
                             if re.search(pattern, text)), "unknown"))
        return np.array(out, dtype=object)
