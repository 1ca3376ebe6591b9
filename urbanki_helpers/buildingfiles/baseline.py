"""Baselines for the text classifiers: hand-written keyword rules for the document type, and
label-name keywords with a majority fallback for the Musterdatenkatalog."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from urbanki_helpers.buildingfiles.documents import clean_ocr_text, fold

#: First matching rule wins; patterns are searched in the folded text (lower case, ü→u).
TYPE_RULES = (
    ("Widerspruch", r"widerspruch"),
    ("Nachtrag", r"nachtrag|tektur"),
    ("Abnahmebescheinigung", r"abnahme|fertigstellung"),
    ("Statik", r"statik|statische|standsicherheit"),
    ("Lageplan", r"lageplan"),
    ("Baubeschreibung", r"baubeschreibung"),
    ("Baugenehmigung", r"baugenehmigung|bauschein"),
    ("Bauantrag", r"bauantrag|antrag"),
)
FALLBACK_TYPE = "Schriftverkehr"


class KeywordTypeBaseline:
    """Document type from keywords (:data:`TYPE_RULES`) in the first ``head`` characters of the
    cleaned text (where the heading is), then in the whole text; ``Schriftverkehr`` when no
    rule matches (scikit-learn style: ``fit`` learns nothing)."""

    def __init__(self, head: int = 250):
        self.head = head

    def fit(self, texts=None, types=None):
        return self

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        out = []
        for text in texts:
            folded = fold(clean_ocr_text(str(text)))
            found = None
            for part in (folded[: self.head], folded):
                found = next((t for t, pattern in TYPE_RULES if re.search(pattern, part)), None)
                if found:
                    break
            out.append(found or FALLBACK_TYPE)
        return np.array(out, dtype=object)


def _stems(label: str) -> list[str]:
    words = re.findall(r"[a-z]+", fold(label))
    return [w[: max(4, len(w) - 2)] for w in words if len(w) >= 4]


class LabelNameBaseline:
    """Predicts the label whose name occurs in the text (word stems of four letters or more,
    e.g. "wahl" for "Wahlen"); most matching stems win, ties and texts without any match go to
    the most frequent training label."""

    def fit(self, texts, labels):
        counts = Counter(map(str, labels))
        self.classes_ = np.array(sorted(counts), dtype=object)
        self.majority_ = counts.most_common(1)[0][0]
        self._rank = {label: -n for label, n in counts.items()}
        self._stems = {label: _stems(label) for label in counts}
        return self

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        out = []
        for text in texts:
            folded = fold(str(text))
            hits = {label: sum(stem in folded for stem in stems)
                    for label, stems in self._stems.items() if stems}
            best = max(hits.values(), default=0)
            if best == 0:
                out.append(self.majority_)
                continue
            out.append(min((label for label, n in hits.items() if n == best),
                           key=lambda label: (self._rank[label], label)))
        return np.array(out, dtype=object)
