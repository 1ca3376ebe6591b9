"""The advice assistant: route a question to a topic, find the best entry, or forward it.

:class:`AdviceAssistant` combines the topic classifier (:mod:`.routing`) and the entry retrieval
(:mod:`.retrieval`). The routed topic names the desk. The confidence (``konfidenz``, 0..1) is
the score of the best entry plus its lead over the second best, ``min(1, 2·s1 − s2)``: a
question is answered confidently when it is similar to one entry and clearly more similar to it
than to any other. (The classifier's probability was tried as confidence and measured to say
nothing about whether the entry is right; the score and the lead both do.) A question is
forwarded to a human advisor when the routed topic is ``sonstiges`` or the confidence is below
``threshold``; the answer then names the desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from urbanki_helpers.advice.knowledge import (
    OFF_TOPIC,
    TOPIC_NAMES_DE,
    load_knowledge_base,
    load_questions,
)
from urbanki_helpers.advice.retrieval import EntryRetriever
from urbanki_helpers.advice.routing import route, train_router
from urbanki_helpers.errors import DataError, ParameterError

DEFAULT_THRESHOLD = 0.25
TOPIC_WEIGHT = 0.5  # share of the retrieval score that depends on the routed topic
ANSWER_COLUMNS = ("frage", "thema", "eintrag_id", "antwort", "konfidenz", "weitergeleitet")


def forward_text(topic: str) -> str:
    """German answer for a forwarded question, naming the desk (or the general service)."""
    if topic == OFF_TOPIC or topic not in TOPIC_NAMES_DE:
        return ("Zu dieser Frage habe ich keine gesicherte Antwort in der Energieberatung. Ich "
                "leite sie an das Bürgerservice-Team des Landkreises weiter.")
    return ("Diese Frage kann ich nicht sicher genug beantworten. Ich leite sie an die "
            f"Energieberatung (Bereich {TOPIC_NAMES_DE[topic]}) weiter; eine Beraterin oder ein "
            "Berater meldet sich.")


@dataclass(frozen=True)
class AdviceAnswer:
    """One answer for the question box: text, source entry and confidence (0..1)."""

    frage: str
    antwort: str
    thema: str
    konfidenz: float
    weitergeleitet: bool
    eintrag_id: str = ""
    rechtsgrundlage: str = ""
    gueltig_ab: str = ""
    stand: str = ""
    beispiel: bool = False
    alternativen: tuple[str, ...] = ()


def describe_answer(answer: AdviceAnswer) -> str:
    """The answer as German text for the question box: answer, source entry with its legal
    basis and dates (a ``gueltig_ab`` equal to ``stand`` marks general advice without a key
    date and is not shown), confidence; for forwarded questions the forwarding note."""
    confidence = f"{answer.konfidenz:.2f}".replace(".", ",")
    if answer.weitergeleitet:
        return f"{answer.antwort}\n(Konfidenz {confidence})"
    lines = [answer.antwort, "",
             f"Quelle: Eintrag {answer.eintrag_id} ({TOPIC_NAMES_DE.get(answer.thema, answer.thema)})"
             + (f", {answer.rechtsgrundlage}" if answer.rechtsgrundlage else "")
             + (f"; gilt ab {_de_date(answer.gueltig_ab)}"
                if answer.gueltig_ab and answer.gueltig_ab != answer.stand else "")
             + f"; geprüft am {_de_date(answer.stand)}."]
    if answer.beispiel:
        lines.append("Hinweis: Beispiel – die Regel unterscheidet sich je nach Land oder "
                     "Kommune.")
    lines.append(f"Konfidenz {confidence}")
    return "\n".join(lines)


def _de_date(iso: str) -> str:
    return pd.Timestamp(iso).strftime("%d.%m.%Y") if iso else "–"


class AnswerResult(NamedTuple):
    """Answer table (columns :data:`ANSWER_COLUMNS`) and, where the input had ``thema``, the
    routing accuracy (0..1; off-topic questions count as correct when forwarded); the share of
    forwarded questions (0..1) always."""

    table: pd.DataFrame
    topic_accuracy: float | None
    forwarded_share: float


class AdviceAssistant:
    """Router + retriever + threshold (scikit-learn style ``fit``)."""

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD, topic_weight: float = TOPIC_WEIGHT,
                 random_state: int = 0):
        self.threshold = threshold
        self.topic_weight = topic_weight
        self.random_state = random_state

    def fit(self, knowledge: pd.DataFrame, questions: pd.DataFrame):
        """Train the router and index the entries with the training ``questions``."""
        _check_threshold(self.threshold)
        self.knowledge_ = knowledge.set_index("eintrag_id", drop=False)
        self.router_ = train_router(questions, knowledge, random_state=self.random_state)
        self.retriever_ = EntryRetriever().fit(knowledge, questions)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "router_"):
            raise ParameterError("Call fit() first.", message_de="Bitte zuerst fit() aufrufen.")

    def predict(self, texts, *, threshold: float | None = None, k: int = 3) -> pd.DataFrame:
        """Per text: ``thema`` (routed), ``konfidenz``, ``eintrag_id`` (best entry, also for
        forwarded questions), ``kandidaten`` (top-``k`` entry ids), ``weitergeleitet`` (bool)."""
        self._check_fitted()
        threshold = self.threshold if threshold is None else _check_threshold(threshold)
        texts = [str(t) for t in texts]
        topics, _, proba = route(self.router_, texts)
        ids, scores = self.retriever_.rank(texts, topic_proba=proba,
                                           topic_classes=self.router_.classes_,
                                           topic_weight=self.topic_weight, k=max(k, 2))
        confidence = np.clip(2 * scores[:, 0] - scores[:, 1], 0.0, 1.0)
        ids = ids[:, :k]
        forwarded = (topics == OFF_TOPIC) | (confidence < threshold)
        return pd.DataFrame({"thema": topics, "konfidenz": confidence,
                             "eintrag_id": ids[:, 0], "kandidaten": [tuple(r) for r in ids],
                             "weitergeleitet": forwarded})

    def answer_one(self, text: str, *, threshold: float | None = None) -> AdviceAnswer:
        """The answer to one question, for a question box in the notebook."""
        if not isinstance(text, str) or not text.strip():
            raise ParameterError("The question is empty.",
                                 message_de="Bitte geben Sie eine Frage ein.")
        row = self.predict([text], threshold=threshold).iloc[0]
        if row["weitergeleitet"]:
            return AdviceAnswer(frage=text, antwort=forward_text(row["thema"]), thema=row["thema"],
                                konfidenz=float(row["konfidenz"]), weitergeleitet=True)
        entry = self.knowledge_.loc[row["eintrag_id"]]
        return AdviceAnswer(
            frage=text, antwort=entry["antwort"], thema=row["thema"],
            konfidenz=float(row["konfidenz"]), weitergeleitet=False,
            eintrag_id=entry["eintrag_id"], rechtsgrundlage=entry["rechtsgrundlage"],
            gueltig_ab=pd.Timestamp(entry["gueltig_ab"]).date().isoformat(),
            stand=pd.Timestamp(entry["stand"]).date().isoformat(), beispiel=bool(entry["beispiel"]),
            alternativen=tuple(row["kandidaten"][1:]),
        )

    def answer_questions(self, questions: pd.DataFrame, *,
                         threshold: float | None = None) -> AnswerResult:
        """Answers for a table with a ``frage`` column (see :class:`AnswerResult`)."""
        self._check_fitted()
        if not isinstance(questions, pd.DataFrame) or "frage" not in questions.columns:
            raise DataError("questions needs a column 'frage'.",
                            message_de="Die Fragentabelle braucht eine Spalte 'frage'.")
        texts = questions["frage"].fillna("").astype(str).tolist()
        pred = self.predict(texts, threshold=threshold)
        answers = [forward_text(t) if fwd else self.knowledge_.at[e, "antwort"]
                   for t, e, fwd in zip(pred["thema"], pred["eintrag_id"], pred["weitergeleitet"],
                                        strict=True)]
        table = pd.DataFrame({
            "frage": texts, "thema": pred["thema"],
            "eintrag_id": np.where(pred["weitergeleitet"], "", pred["eintrag_id"]),
            "antwort": answers, "konfidenz": pred["konfidenz"].round(3),
            "weitergeleitet": np.where(pred["weitergeleitet"], "ja", "nein"),
        })
        accuracy = None
        if "thema" in questions.columns:
            accuracy = topic_accuracy(questions["thema"], pred["thema"], pred["weitergeleitet"])
        return AnswerResult(table, accuracy, float(pred["weitergeleitet"].mean()))


def topic_accuracy(true_topics, pred_topics, forwarded=None) -> float:
    """Share (0..1) routed to the right topic; an off-topic question counts as correct when it
    is forwarded (or routed to ``sonstiges``)."""
    true = np.asarray(true_topics, dtype=object)
    pred = np.asarray(pred_topics, dtype=object)
    fwd = (pred == OFF_TOPIC) if forwarded is None else (np.asarray(forwarded, bool)
                                                          | (pred == OFF_TOPIC))
    correct = np.where(true == OFF_TOPIC, fwd, pred == true)
    return float(correct.mean()) if len(correct) else float("nan")


def _check_threshold(threshold) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 0 <= threshold <= 1:
        raise ParameterError(f"threshold must lie between 0 and 1, got {threshold!r}.",
                             message_de=f"Die Schwelle (threshold) muss zwischen 0 und 1 liegen, "
                             f"nicht {threshold!r}.")
    return float(threshold)


@lru_cache(maxsize=1)
def default_assistant() -> AdviceAssistant:
    """The assistant trained on all questions of the dataset (cached)."""
    knowledge = load_knowledge_base()
    return AdviceAssistant().fit(knowledge, load_questions(knowledge=knowledge))


def answer_one(text: str, assistant: AdviceAssistant | None = None, *,
               threshold: float | None = None) -> AdviceAnswer:
    """Answer one question (default: :func:`default_assistant`)."""
    return (assistant or default_assistant()).answer_one(text, threshold=threshold)


def answer_questions(questions: pd.DataFrame, assistant: AdviceAssistant | None = None, *,
                     threshold: float | None = None) -> AnswerResult:
    """Answer a table of questions (default: :func:`default_assistant`)."""
    return (assistant or default_assistant()).answer_questions(questions, threshold=threshold)
