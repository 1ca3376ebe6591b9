"""Document-type classifier (TF-IDF word + character n-grams -> logistic regression) and its
evaluation against the keyword baseline on a split grouped by building project."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from urbanki_helpers.buildingfiles.baseline import KeywordTypeBaseline
from urbanki_helpers.buildingfiles.documents import clean_ocr_text, fold
from urbanki_helpers.data.tables import require_columns
from urbanki_helpers.errors import DataError

__all__ = ["TypeEvaluation", "class_scores", "evaluate_type_classifier", "macro_f1",
           "make_text_classifier",
           "normalise_text", "split_by_project", "train_type_classifier"]


def normalise_text(text: str) -> str:
    """Preprocessing for the classifiers: OCR clean-up, lower case, umlauts folded,
    digits -> 0 (numbers identify a file, not its type)."""
    return re.sub(r"\d+", "0", fold(clean_ocr_text(text)))


def make_text_classifier(*, random_state: int = 0, alpha: float = 1e-5,
                         max_features: int | None = None) -> Pipeline:
    """An unfitted pipeline: TF-IDF of words (1–2-grams) and characters (2–5-grams within
    words) -> logistic regression (log-loss, L2 penalty ``alpha``, fitted by stochastic
    gradient descent: seconds instead of minutes for 65 classes). Fit with a list of texts
    and a list of labels."""
    features = FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalise_text, ngram_range=(1, 2),
                                 sublinear_tf=True, min_df=1, max_features=max_features)),
        ("char", TfidfVectorizer(preprocessor=normalise_text, analyzer="char_wb",
                                 ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                 max_features=max_features)),
    ])
    return Pipeline([
        ("features", features),
        ("clf", SGDClassifier(loss="log_loss", alpha=alpha, max_iter=100, tol=1e-4,
                              random_state=random_state)),
    ])


def split_by_project(documents: pd.DataFrame, *, n_splits: int = 4, random_state: int = 0,
                     group: str = "vorhaben_id", label: str = "typ"):
    """(train, test): one fold of a stratified group split; all documents of one project
    (``group``) end up on the same side."""
    require_columns(documents, (group, label), name="Dokumente")
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    train_idx, test_idx = next(cv.split(documents, documents[label], documents[group]))
    return (documents.iloc[train_idx].reset_index(drop=True),
            documents.iloc[test_idx].reset_index(drop=True))


def train_type_classifier(documents: pd.DataFrame, *, random_state: int = 0) -> Pipeline:
    """Fit the document-type classifier on ``documents`` (columns ``text`` and ``typ``)."""
    require_columns(documents, ("text", "typ"), name="Dokumente")
    if documents["typ"].nunique() < 2:
        raise DataError("Training needs documents of at least two types.",
                        message_de="Zum Trainieren braucht es Dokumente von mindestens zwei "
                        "Typen.")
    model = make_text_classifier(random_state=random_state)
    return model.fit(documents["text"].tolist(), documents["typ"].tolist())


def class_scores(y_true, y_pred) -> pd.DataFrame:
    """Precision, recall, F1 and number of test documents (``n``) per class present in
    ``y_true``, sorted by class name."""
    labels = sorted(set(map(str, y_true)))
    p, r, f, n = precision_recall_fscore_support(list(map(str, y_true)), list(map(str, y_pred)),
                                                 labels=labels, zero_division=0)
    return pd.DataFrame({"klasse": labels, "precision": p, "recall": r, "f1": f, "n": n})


def macro_f1(y_true, y_pred) -> float:
    """Macro F1 over the classes present in ``y_true`` (a class never predicted counts 0)."""
    labels = sorted(set(map(str, y_true)))
    return float(f1_score(list(map(str, y_true)), list(map(str, y_pred)), labels=labels,
                          average="macro", zero_division=0))


@dataclass
class TypeEvaluation:
    """Result of :func:`evaluate_type_classifier`.

    ``per_type``: one row per type with ``f1_model``, ``f1_baseline`` and ``n`` (test
    documents); ``predictions``: the test documents with ``typ_model`` and ``typ_baseline``.
    """

    per_type: pd.DataFrame
    accuracy_model: float
    accuracy_baseline: float
    f1_macro_model: float
    f1_macro_baseline: float
    n_train: int
    n_test: int
    predictions: pd.DataFrame
    model: Pipeline


def evaluate_type_classifier(documents: pd.DataFrame, *, n_splits: int = 4,
                             random_state: int = 0) -> TypeEvaluation:
    """Train on one side of a split grouped by project, score model and keyword baseline on
    the other (documents of one project are never in both)."""
    require_columns(documents, ("text", "typ", "vorhaben_id"), name="Dokumente")
    train, test = split_by_project(documents, n_splits=n_splits, random_state=random_state)
    model = train_type_classifier(train, random_state=random_state)
    y_model = model.predict(test["text"].tolist())
    y_base = KeywordTypeBaseline().predict(test["text"])
    m, b = class_scores(test["typ"], y_model), class_scores(test["typ"], y_base)
    per_type = pd.DataFrame({"typ": m["klasse"], "f1_model": m["f1"], "f1_baseline": b["f1"],
                             "n": m["n"]})
    predictions = test.assign(typ_model=y_model, typ_baseline=y_base)
    return TypeEvaluation(
        per_type=per_type,
        accuracy_model=float(accuracy_score(test["typ"], y_model)),
        accuracy_baseline=float(accuracy_score(test["typ"], y_base)),
        f1_macro_model=macro_f1(test["typ"], y_model),
        f1_macro_baseline=macro_f1(test["typ"], y_base),
        n_train=len(train), n_test=len(test), predictions=predictions, model=model)


