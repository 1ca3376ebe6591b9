"""Evaluation of the advice assistant against the keyword baseline.

Retrieval: top-1 and top-3 accuracy (share of questions whose entry is ranked first / among the
first three) and mean reciprocal rank (MRR, 0..1), over the on-topic test questions. Routing:
share of test questions routed to the right topic; an off-topic question counts as correct when
it is forwarded. The coverage–accuracy curve shows, per confidence threshold, which share of
questions is answered automatically and how many of those answers name the right entry.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from urbanki_helpers.advice.assistant import AdviceAssistant, topic_accuracy
from urbanki_helpers.advice.baseline import KeywordRouter, OverlapRetriever
from urbanki_helpers.advice.knowledge import OFF_TOPIC
from urbanki_helpers.errors import DataError
from urbanki_helpers.plotting import GermanNumberFormatter

THRESHOLDS = tuple(np.round(np.arange(0.0, 0.951, 0.05), 2))


def retrieval_metrics(ranked_ids: Sequence[Sequence[str]], true_ids: Sequence[str]) -> dict:
    """``top1``, ``top3``, ``mrr`` (all 0..1) and ``n`` for ranked entry ids per question."""
    if len(ranked_ids) != len(true_ids):
        raise DataError("ranked_ids and true_ids differ in length.",
                        message_de="Rangliste und wahre Einträge sind unterschiedlich lang.")
    ranks = []
    for row, true in zip(ranked_ids, true_ids, strict=True):
        row = list(row)
        ranks.append(row.index(true) + 1 if true in row else np.inf)
    ranks = np.asarray(ranks, dtype=float)
    if not len(ranks):
        return {"top1": float("nan"), "top3": float("nan"), "mrr": float("nan"), "n": 0}
    return {"top1": float(np.mean(ranks == 1)), "top3": float(np.mean(ranks <= 3)),
            "mrr": float(np.mean(1 / ranks)), "n": int(len(ranks))}


def _on_topic(test: pd.DataFrame) -> pd.DataFrame:
    return test[test["thema"] != OFF_TOPIC]


def compare_with_baseline(assistant: AdviceAssistant, knowledge: pd.DataFrame,
                          train: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """Rows ``modell`` and ``baseline``; columns ``top1``, ``top3``, ``mrr``, ``routing``
    (0..1) and ``n`` (on-topic test questions). The baseline is fitted on the same data."""
    on = _on_topic(test)
    pred = assistant.predict(on["frage"], k=len(knowledge))
    model = retrieval_metrics(pred["kandidaten"], on["eintrag_id"])
    all_pred = assistant.predict(test["frage"])
    model["routing"] = topic_accuracy(test["thema"], all_pred["thema"],
                                      all_pred["weitergeleitet"])
    overlap = OverlapRetriever().fit(knowledge, train)
    ids, _ = overlap.rank(on["frage"].tolist())
    base = retrieval_metrics(ids, on["eintrag_id"])
    base["routing"] = topic_accuracy(test["thema"], KeywordRouter().predict(test["frage"]))
    return pd.DataFrame([model, base], index=["modell", "baseline"])[
        ["top1", "top3", "mrr", "routing", "n"]]


def coverage_curve(assistant: AdviceAssistant, test: pd.DataFrame,
                   thresholds: Sequence[float] = THRESHOLDS) -> pd.DataFrame:
    """Per threshold: ``abdeckung`` (share of all questions answered automatically),
    ``genauigkeit`` (share of answered questions whose entry is right; an answered off-topic
    question is wrong), ``sonstige_weitergeleitet`` (share of off-topic questions forwarded)
    and ``richtig_behandelt`` (right entry, or off-topic and forwarded; all 0..1)."""
    pred = assistant.predict(test["frage"], threshold=0.0)
    off = (test["thema"] == OFF_TOPIC).to_numpy()
    right_entry = (pred["eintrag_id"].to_numpy() == test["eintrag_id"].to_numpy()) & ~off
    routed_off = (pred["thema"] == OFF_TOPIC).to_numpy()
    conf = pred["konfidenz"].to_numpy()
    rows = []
    for t in thresholds:
        answered = ~routed_off & (conf >= t)
        rows.append({
            "schwelle": float(t),
            "abdeckung": float(answered.mean()),
            "genauigkeit": float(right_entry[answered].mean()) if answered.any() else np.nan,
            "sonstige_weitergeleitet": float((~answered[off]).mean()) if off.any() else np.nan,
            "richtig_behandelt": float(np.mean((answered & right_entry) | (~answered & off))),
        })
    return pd.DataFrame(rows)


def plot_coverage_curve(curve: pd.DataFrame, *, threshold: float | None = None,
                        ax=None) -> Figure:
    """Accuracy of the automatic answers over coverage, one point per threshold; the point of
    ``threshold`` is marked. German labels."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    else:
        fig = ax.figure
    ax.plot(curve["abdeckung"], curve["genauigkeit"], marker="o", ms=3, color="tab:blue",
            label="Modell (je Punkt eine Schwelle)")
    if threshold is not None:
        row = curve.iloc[(curve["schwelle"] - threshold).abs().argmin()]
        ax.scatter([row["abdeckung"]], [row["genauigkeit"]], s=80, color="tab:red", zorder=3,
                   label=f"Schwelle {row['schwelle']:.2f}".replace(".", ","))
    ax.set_xlabel("Abdeckung: Anteil automatisch beantworteter Fragen")
    ax.set_ylabel("Genauigkeit: Anteil richtiger Antworten")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(GermanNumberFormatter())
    ax.yaxis.set_major_formatter(GermanNumberFormatter())
    ax.grid(alpha=0.3)
    ax.set_title("Abdeckung und Genauigkeit je Konfidenzschwelle")
    ax.legend(loc="lower left")
    return fig
