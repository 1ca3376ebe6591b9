"""Energy advice (use case 05, "SmartEnergie"): answer citizens' questions from a knowledge base.

Offline and small: a topic classifier (TF-IDF word + character n-grams -> logistic regression)
routes a question to the advisory desk, TF-IDF retrieval finds the knowledge-base entry that
answers it, and a confidence threshold decides when a human advisor takes over. A keyword list
and word overlap serve as the baseline. No language model is involved.
"""

from urbanki_helpers.advice.assistant import (
    ANSWER_COLUMNS,
    DEFAULT_THRESHOLD,
    AdviceAnswer,
    AdviceAssistant,
    AnswerResult,
    answer_one,
    answer_questions,
    default_assistant,
    describe_answer,
    topic_accuracy,
)
from urbanki_helpers.advice.baseline import TOPIC_KEYWORDS, KeywordRouter, OverlapRetriever
from urbanki_helpers.advice.evaluation import (
    compare_with_baseline,
    coverage_curve,
    plot_coverage_curve,
    retrieval_metrics,
)
from urbanki_helpers.advice.knowledge import (
    OFF_TOPIC,
    TOPIC_NAMES_DE,
    TOPICS,
    load_knowledge_base,
    load_questions,
    validate_knowledge_base,
    validate_questions,
)
from urbanki_helpers.advice.retrieval import EntryRetriever
from urbanki_helpers.advice.routing import route, train_router
from urbanki_helpers.advice.split import split_questions

__all__ = [
    "ANSWER_COLUMNS", "DEFAULT_THRESHOLD", "OFF_TOPIC", "TOPICS", "TOPIC_KEYWORDS",
    "TOPIC_NAMES_DE", "AdviceAnswer", "AdviceAssistant", "AnswerResult", "EntryRetriever",
    "KeywordRouter", "OverlapRetriever", "answer_one", "answer_questions",
    "compare_with_baseline", "coverage_curve", "default_assistant", "describe_answer",
    "load_knowledge_base",
    "load_questions", "plot_coverage_curve", "retrieval_metrics", "route", "split_questions",
    "topic_accuracy", "train_router", "validate_knowledge_base", "validate_questions",
]
