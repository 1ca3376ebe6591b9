"""Keyword baselines: what a hand-made keyword list and plain word overlap achieve.

:class:`KeywordRouter` counts topic keywords (word beginnings, after lower-casing and folding
umlauts) and routes to the topic with most hits; no hit means ``sonstiges`` (forwarded).
:class:`OverlapRetriever` ranks entries by the share of the question's content words that occur
in the entry's question, answer or training paraphrases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from urbanki_helpers.advice.knowledge import OFF_TOPIC
from urbanki_helpers.advice.text import words

#: Hand-made keyword list per topic: a word counts if it starts with one of these stems.
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "photovoltaik": ("photovoltaik", "pv", "solaranlage", "solarstrom", "einspeis", "modul",
                     "dach", "kwp", "wechselrichter", "mieterstrom"),
    "steckersolar": ("balkon", "stecker", "mini", "schuko", "wieland"),
    "speicher": ("speicher", "batterie", "akku", "notstrom", "ersatzstrom", "bidirektional"),
    "waermepumpe": ("waermepumpe", "jahresarbeitszahl", "erdwaerme", "erdsonde", "kaeltemittel",
                    "vorlauf", "luftwaermepumpe"),
    "heizungsgesetz": ("heizungsgesetz", "geg", "gebaeudeenergiegesetz", "65", "gasheizung",
                       "oelheizung", "gastherme", "waermeplanung", "wasserstoff", "fossil"),
    "foerderung": ("foerder", "zuschuss", "bonus", "kfw", "bafa", "kredit", "steuer", "absetzen"),
    "solarpflicht": ("solarpflicht", "pflicht", "nbauo", "bauo", "parkplatz", "stellplatz"),
    "daemmung": ("daemm", "fenster", "fassade", "kellerdecke", "geschossdecke", "schimmel",
                 "isolier", "wert"),
    "energiesparen": ("spar", "lueften", "temperatur", "standby", "kuehlschrank", "waschen",
                      "led", "verbrauch", "thermostat", "heizkoerper"),
    "beratung": ("beratung", "berater", "energieausweis", "sanierungsfahrplan", "isfp",
                 "termin", "thermografie", "daten"),
}

STOPWORDS = frozenset(
    "der die das den dem des ein eine einer einem einen und oder aber auch als an auf aus bei "
    "bis da damit dann dass doch du er es fuer gibt gibts hat habe haben hier ich ihr im in ist "
    "ja kann koennen man mein meine meinem meinen mich mir mit muss nach nicht noch nur ob so "
    "sie sind soll ueber um uns unser unsere von vom vor was wann warum was welche welcher wer "
    "wie wieviel wo wir zu zum zur sich sein bin bitte mal ne so'n hallo moin geht gilt viel "
    "viele brauche brauch darf duerfen werden wird".split())


def content_words(text: str) -> set[str]:
    """Normalised words without stop words."""
    return {w for w in words(text) if w not in STOPWORDS}


class KeywordRouter:
    """Routes by keyword counts; ``sonstiges`` when no keyword occurs (scikit-learn style)."""

    def __init__(self, keywords: dict[str, tuple[str, ...]] | None = None):
        self.keywords = keywords

    def fit(self, texts=None, topics=None):
        return self

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        keywords = self.keywords or TOPIC_KEYWORDS
        out = []
        for text in texts:
            tokens = words(text)
            hits = {topic: sum(any(t.startswith(stem) for stem in stems) for t in tokens)
                    for topic, stems in keywords.items()}
            best = max(hits, key=hits.get)  # first topic wins a tie
            out.append(best if hits[best] > 0 else OFF_TOPIC)
        return np.array(out, dtype=object)


class OverlapRetriever:
    """Ranks entries by word overlap with the question (same interface as EntryRetriever)."""

    def fit(self, knowledge: pd.DataFrame, questions: pd.DataFrame | None = None):
        self.entry_ids_ = knowledge["eintrag_id"].astype(str).to_numpy()
        self.topics_ = knowledge["thema"].astype(str).to_numpy()
        bags = {eid: content_words(f"{q} {a}") for eid, q, a in
                zip(self.entry_ids_, knowledge["frage"], knowledge["antwort"], strict=True)}
        if questions is not None:
            for eid, text in zip(questions["eintrag_id"].astype(str), questions["frage"],
                                 strict=True):
                if eid in bags:
                    bags[eid] |= content_words(text)
        self.bags_ = [bags[eid] for eid in self.entry_ids_]
        return self

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Share (0..1) of each text's content words found in each entry."""
        out = np.zeros((len(texts), len(self.entry_ids_)))
        for i, text in enumerate(texts):
            query = content_words(text)
            if query:
                out[i] = [len(query & bag) / len(query) for bag in self.bags_]
        return out

    def rank(self, texts: Sequence[str], *, k: int | None = None, **_) -> tuple[np.ndarray,
                                                                                 np.ndarray]:
        scores = self.scores(texts)
        order = np.argsort(-scores, axis=1, kind="stable")
        if k is not None:
            order = order[:, :k]
        return self.entry_ids_[order], np.take_along_axis(scores, order, axis=1)
