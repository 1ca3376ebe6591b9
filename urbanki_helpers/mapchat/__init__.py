"""MapChat (use case 08): answer plain German questions about a city's map layers.

Offline and small: a scikit-learn intent classifier (TF-IDF word + character n-grams ->
logistic regression) trained on ``fragen.csv``, rule-based slot extraction with a fuzzy
gazetteer built from the layers' own names, and answers computed with geopandas.
"""

from urbanki_helpers.mapchat.answer import (
    CONFIDENCE_THRESHOLD,
    Answer,
    ask,
    evaluate,
    extract_slots,
    facilities_in_area,
    facilities_in_area_spatial,
)
from urbanki_helpers.mapchat.training import (
    INTENTS,
    load_questions,
    split_by_template,
    train_intent_model,
)

__all__ = [
    "CONFIDENCE_THRESHOLD", "INTENTS", "Answer", "ask", "evaluate", "extract_slots",
    "facilities_in_area", "facilities_in_area_spatial", "load_questions", "split_by_template",
    "train_intent_model",
]
