"""Digitale Bauakten (use case 09, Stadt Heiligenhaus): make a scanned building-file archive
searchable.

Offline and small: OCR clean-up, a document-type classifier (TF-IDF word + character
n-grams -> logistic regression) against a keyword baseline on a split grouped by building
project, rule-based extraction of file number, parcel, address and date, grouping of
documents into projects, a search index and a metadata export. The same classifier is
evaluated on real labelled text, the Musterdatenkatalog, with a random and a grouped split.
Personal names in the texts must be pseudonymised by the notebook before anything else.
"""

from urbanki_helpers.buildingfiles.baseline import KeywordTypeBaseline, LabelNameBaseline
from urbanki_helpers.buildingfiles.classifier import (
    TypeEvaluation,
    class_scores,
    evaluate_type_classifier,
    macro_f1,
    make_text_classifier,
    split_by_project,
    train_type_classifier,
)
from urbanki_helpers.buildingfiles.documents import (
    DOC_TYPES,
    clean_ocr_text,
    load_building_files,
    load_street_directory,
)
from urbanki_helpers.buildingfiles.evaluation import field_scores, grouping_scores
from urbanki_helpers.buildingfiles.export import export_metadata
from urbanki_helpers.buildingfiles.extraction import (
    AZ_FORMATS,
    FIELDS,
    extract_fields,
    extract_metadata,
    normalise_aktenzeichen,
)
from urbanki_helpers.buildingfiles.musterdatenkatalog import (
    compare_splits,
    flatten_results,
    load_labelled_titles,
    read_information_table,
    unwrap_quoted_lines,
)
from urbanki_helpers.buildingfiles.projects import assign_projects
from urbanki_helpers.buildingfiles.search import ArchiveIndex

__all__ = [
    "AZ_FORMATS", "DOC_TYPES", "FIELDS", "ArchiveIndex", "KeywordTypeBaseline",
    "LabelNameBaseline", "TypeEvaluation", "assign_projects", "class_scores", "clean_ocr_text",
    "compare_splits", "evaluate_type_classifier", "export_metadata", "extract_fields",
    "extract_metadata", "field_scores", "flatten_results", "grouping_scores",
    "load_building_files", "load_labelled_titles", "load_street_directory", "macro_f1",
    "make_text_classifier", "normalise_aktenzeichen", "read_information_table",
    "split_by_project", "train_type_classifier", "unwrap_quoted_lines",
]
