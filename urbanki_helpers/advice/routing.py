"""Topic classifier that routes a question to the advisory desk (TF-IDF -> logistic regression).

Features are TF-IDF weights of words (1-2 grams) and of character n-grams (2-5, within word
boundaries), so typos and compound words ("Wärmepumpenförderung") still share most features
with the spelling the model has seen. The training data are the training questions and, as
extra examples, the canonical question and answer of every knowledge-base entry (the knowledge
base is always available to the assistant; its texts are not test questions).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from urbanki_helpers.advice.text import normalise_text
from urbanki_helpers.errors import DataError


def text_features() -> FeatureUnion:
    """Word (1-2 grams) and character (2-5 grams) TF-IDF features of normalised text."""
    return FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalise_text, ngram_range=(1, 2),
                                 sublinear_tf=True)),
        ("char", TfidfVectorizer(preprocessor=normalise_text, analyzer="char_wb",
                                 ngram_range=(2, 5), sublinear_tf=True)),
    ])


def routing_examples(questions: pd.DataFrame,
                     knowledge: pd.DataFrame | None = None) -> tuple[list[str], list[str]]:
    """(texts, topics) for training: the questions plus question and answer of every entry."""
    for col in ("frage", "thema"):
        if col not in questions.columns:
            raise DataError(f"questions lacks the column {col!r}.",
                            message_de=f"In der Fragentabelle fehlt die Spalte {col!r}.")
    texts = questions["frage"].astype(str).tolist()
    topics = questions["thema"].astype(str).tolist()
    if knowledge is not None:
        for col in ("frage", "antwort"):
            texts += knowledge[col].astype(str).tolist()
            topics += knowledge["thema"].astype(str).tolist()
    return texts, topics


def train_router(questions: pd.DataFrame, knowledge: pd.DataFrame | None = None, *,
                 C: float = 10.0, random_state: int = 0) -> Pipeline:
    """Fit the topic classifier (scikit-learn Pipeline with ``predict_proba``)."""
    texts, topics = routing_examples(questions, knowledge)
    if len(set(topics)) < 2:
        raise DataError("The router needs questions of at least two topics.",
                        message_de="Für das Themen-Routing braucht es Fragen aus mindestens "
                        "zwei Themen.")
    model = Pipeline([
        ("features", text_features()),
        ("clf", LogisticRegression(C=C, max_iter=5000, random_state=random_state)),
    ])
    model.fit(texts, topics)
    return model


def route(model: Pipeline, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(topic, probability of that topic, all class probabilities) for each text."""
    proba = model.predict_proba([str(t) for t in texts])
    best = proba.argmax(axis=1)
    return model.classes_[best], proba[np.arange(len(best)), best], proba
