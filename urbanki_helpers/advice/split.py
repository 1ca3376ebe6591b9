"""Train/test split of the questions, grouped by knowledge-base entry.

Paraphrases of one entry are near-duplicates; if some were in training and others in the test
set, the test would measure memory, not understanding. :func:`split_questions` therefore keeps
all questions of one entry on the same side. Off-topic questions (``sonstiges``) have no entry;
each forms its own group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from urbanki_helpers.advice.knowledge import OFF_TOPIC
from urbanki_helpers.errors import DataError, ParameterError


def question_groups(questions: pd.DataFrame) -> pd.Series:
    """Group label per question: its ``eintrag_id``; off-topic questions each their own."""
    labels = questions["eintrag_id"].astype(str).copy()
    off = (questions["thema"] == OFF_TOPIC) | (labels == "")
    labels[off] = [f"{OFF_TOPIC}-{i}" for i in np.flatnonzero(off.to_numpy())]
    return labels


def split_questions(questions: pd.DataFrame, *, test_size: float = 0.25, random_state: int = 0,
                    all_topics_in_test: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): a stratified split grouped by entry (no entry on both sides).

    ``test_size`` (share of groups, 0.1 .. 0.5) is rounded to a fold count of a
    :class:`~sklearn.model_selection.StratifiedGroupKFold`; the first fold is the test set. With
    ``all_topics_in_test`` every topic that has at least two entries is moved into the test set
    with one entry if the fold left it out.
    """
    if not isinstance(test_size, (int, float)) or not 0.1 <= test_size <= 0.5:
        raise ParameterError(f"test_size must lie between 0.1 and 0.5, got {test_size!r}.",
                             message_de=f"test_size muss zwischen 0,1 und 0,5 liegen, nicht "
                             f"{test_size!r}.")
    missing = [c for c in ("frage", "thema", "eintrag_id") if c not in questions.columns]
    if missing:
        raise DataError(f"questions lacks the column(s) {', '.join(missing)}.",
                        message_de=f"In der Fragentabelle fehlen die Spalten "
                        f"{', '.join(missing)}.")
    groups = question_groups(questions)
    n_splits = max(2, round(1 / test_size))
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    _, test_idx = next(cv.split(questions, questions["thema"], groups))
    in_test = np.zeros(len(questions), dtype=bool)
    in_test[test_idx] = True
    if all_topics_in_test:
        rng = np.random.default_rng(random_state)
        for topic in sorted(set(questions["thema"])):
            mask = (questions["thema"] == topic).to_numpy()
            topic_groups = sorted(set(groups[mask]))
            if in_test[mask].any() or len(topic_groups) < 2:
                continue
            chosen = topic_groups[int(rng.integers(len(topic_groups)))]
            in_test |= (groups == chosen).to_numpy()
    train = questions[~in_test].reset_index(drop=True)
    test = questions[in_test].reset_index(drop=True)
    return train, test
