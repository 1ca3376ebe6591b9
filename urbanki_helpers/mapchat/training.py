"""Question set and intent classifier (TF-IDF word + character n-grams -> logistic regression).

The question templates live in ``fragen.csv`` next to this file (``template_id;intent;template``).
:func:`load_questions` fills the placeholders ``{layer}``, ``{layer_sg}``, ``{area}``, ``{dist}``
and ``{coord}`` from small lists (Musterstadt-, Leipzig- and Köln-like names, with spelling
variants), three times per template, deterministically. Splits must be made by ``template_id``
so that paraphrases of one template never end up in both training and test set.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from urbanki_helpers.errors import DataError

QUESTIONS_FILE = Path(__file__).with_name("fragen.csv")
INTENTS = ("count", "nearest", "within", "list", "share", "attribute", "unknown")
FILLS_PER_TEMPLATE = 3

# (surface form, layer key)
LAYER_FORMS = [
    ("Defis", "defibrillator"), ("AEDs", "defibrillator"), ("Defibrillatoren", "defibrillator"),
    ("Defribilatoren", "defibrillator"), ("Kitas", "kita"), ("Kindergärten", "kita"),
    ("Schulen", "schule"), ("Krankenhäuser", "krankenhaus"), ("Kliniken", "krankenhaus"),
    ("Feuerwachen", "feuerwache"), ("Feuerwehren", "feuerwache"), ("Pflegeheime", "pflegeheim"),
    ("Altenheime", "pflegeheim"), ("Arztpraxen", "arzt"), ("Ärzte", "arzt"),
    ("barrierefreie Toiletten", "toilette_barrierefrei"), ("WCs", "toilette_barrierefrei"),
    ("Bürgerbüros", "buergerbuero"), ("Bürgerämter", "buergerbuero"), ("kitas", "kita"),
]
LAYER_SG_FORMS = [
    ("Defi", "defibrillator"), ("AED", "defibrillator"), ("Defibrillator", "defibrillator"),
    ("Defribilator", "defibrillator"), ("Kita", "kita"), ("Kindergarten", "kita"),
    ("Schule", "schule"), ("Krankenhaus", "krankenhaus"), ("Klinik", "krankenhaus"),
    ("Feuerwache", "feuerwache"), ("Pflegeheim", "pflegeheim"), ("Arztpraxis", "arzt"),
    ("Ärztin", "arzt"), ("Toilette", "toilette_barrierefrei"), ("WC", "toilette_barrierefrei"),
    ("Bürgerbüro", "buergerbuero"), ("Bürgeramt", "buergerbuero"),
]
# (surface form, canonical area name)
AREA_FORMS = [
    ("Mülheim", "Mülheim"), ("Koeln-Muelheim", "Mülheim"), ("Muelheim", "Mülheim"),
    ("Ehrenfeld", "Ehrenfeld"), ("Ehrenfelt", "Ehrenfeld"), ("Nippes", "Nippes"),
    ("Altstadt", "Altstadt"), ("Nordviertel", "Nordviertel"), ("Südstadt", "Südstadt"),
    ("Suedstadt", "Südstadt"), ("Lindenau", "Lindenau"), ("Connewitz", "Connewitz"),
    ("Grünau", "Grünau"), ("Gruenau", "Grünau"), ("Gohlis", "Gohlis"),
]
# (surface form, metres)
DIST_FORMS = [
    ("500 m", 500.0), ("1 km", 1000.0), ("1,5 km", 1500.0), ("300 Metern", 300.0),
    ("einem Kilometer", 1000.0), ("2 km", 2000.0), ("800m", 800.0), ("250 Meter", 250.0),
    ("zwei Kilometern", 2000.0), ("1.2 km", 1200.0),
]
COORD_FORMS = ["356200, 5688500", "51.3397, 12.3731", "356650.5, 5688120.0", "50.94, 6.96"]


def _fill(template: str, rng: random.Random) -> dict:
    row: dict = {"question": template, "layer": None, "area": None, "distance_m": np.nan,
                 "coordinates": False}
    q = template
    if "{layer}" in q:
        form, key = rng.choice(LAYER_FORMS)
        q, row["layer"] = q.replace("{layer}", form), key
    if "{layer_sg}" in q:
        form, key = rng.choice(LAYER_SG_FORMS)
        q, row["layer"] = q.replace("{layer_sg}", form), key
    if "{area}" in q:
        form, name = rng.choice(AREA_FORMS)
        q, row["area"] = q.replace("{area}", form), name
    if "{dist}" in q:
        form, metres = rng.choice(DIST_FORMS)
        q, row["distance_m"] = q.replace("{dist}", form), metres
    if "{coord}" in q:
        q, row["coordinates"] = q.replace("{coord}", rng.choice(COORD_FORMS)), True
    row["question"] = q
    return row


def load_questions(fills: int = FILLS_PER_TEMPLATE) -> pd.DataFrame:
    """The German question set: question, intent, template_id and expected slots.

    Columns: ``question``, ``intent``, ``template_id``, ``template``, ``layer`` (key or None),
    ``area`` (canonical name or None), ``distance_m`` (NaN if none), ``coordinates`` (bool).
    """
    if not QUESTIONS_FILE.exists():
        raise DataError(f"Question file {QUESTIONS_FILE} is missing.",
                        message_de=f"Die Fragendatei {QUESTIONS_FILE} fehlt.")
    templates = pd.read_csv(QUESTIONS_FILE, sep=";", dtype=str, keep_default_na=False)
    rows = []
    for t in templates.itertuples(index=False):
        rng = random.Random(t.template_id)
        seen = set()
        for _ in range(fills):
            row = _fill(t.template, rng)
            if row["question"] in seen:
                continue
            seen.add(row["question"])
            row.update(intent=t.intent, template_id=t.template_id, template=t.template)
            rows.append(row)
    cols = ["question", "intent", "template_id", "template", "layer", "area", "distance_m",
            "coordinates"]
    return pd.DataFrame(rows)[cols]


def split_by_template(questions: pd.DataFrame, *, n_splits: int = 4, random_state: int = 0):
    """(train, test): one fold of a stratified group split, grouped by ``template_id``."""
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    train_idx, test_idx = next(cv.split(questions, questions["intent"], questions["template_id"]))
    return questions.iloc[train_idx].reset_index(drop=True), questions.iloc[
        test_idx
    ].reset_index(drop=True)


def normalise_text(text: str) -> str:
    """Preprocessing for the classifier: lower case, umlauts folded, digits -> 0."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"\d+", "0", text)


def train_intent_model(questions: pd.DataFrame | None = None, *, random_state: int = 0) -> Pipeline:
    """Fit the intent classifier on ``questions`` (default: the whole question set)."""
    if questions is None:
        questions = load_questions()
    if not {"question", "intent"} <= set(questions.columns):
        raise DataError("questions needs the columns 'question' and 'intent'.",
                        message_de="Die Fragentabelle braucht die Spalten 'question' und 'intent'.")
    features = FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalise_text, ngram_range=(1, 2),
                                 sublinear_tf=True)),
        ("char", TfidfVectorizer(preprocessor=normalise_text, analyzer="char_wb",
                                 ngram_range=(2, 5), sublinear_tf=True)),
    ])
    model = Pipeline([
        ("features", features),
        ("clf", LogisticRegression(C=10.0, max_iter=5000, random_state=random_state)),
    ])
    model.fit(questions["question"].tolist(), questions["intent"].tolist())
    return model


def predict_intent(model: Pipeline, question: str) -> tuple[str, float]:
    """(intent, probability of that intent)."""
    proba = model.predict_proba([question])[0]
    i = int(np.argmax(proba))
    return str(model.classes_[i]), float(proba[i])
