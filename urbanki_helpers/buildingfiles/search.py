"""A search index over the building-file archive: all documents of a parcel, an address or a
file number, and ranked full-text search (TF-IDF, cosine similarity)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from urbanki_helpers.buildingfiles.documents import clean_ocr_text, fold
from urbanki_helpers.buildingfiles.extraction import address_key, normalise_aktenzeichen
from urbanki_helpers.buildingfiles.projects import parcel_key
from urbanki_helpers.data.tables import require_columns
from urbanki_helpers.errors import DataError, ParameterError

__all__ = ["ArchiveIndex"]

_META = ("doc_id", "aktenzeichen", "gemarkung", "flur", "flurstueck", "adresse", "datum")


def _search_text(text: str) -> str:
    return fold(clean_ocr_text(text))


class ArchiveIndex:
    """Index over ``documents`` (``doc_id``, ``text``) and their extracted ``metadata``
    (see ``extract_metadata``; a ``projekt`` column from ``assign_projects`` is used when
    present). Every lookup returns a DataFrame of the metadata of the documents found."""

    def __init__(self, documents: pd.DataFrame, metadata: pd.DataFrame):
        require_columns(documents, ("doc_id", "text"), name="Dokumente")
        require_columns(metadata, _META, name="Metadaten")
        if documents.empty:
            raise DataError("The archive has no documents.",
                            message_de="Das Archiv enthält keine Dokumente.")
        self.table = documents[["doc_id", "text"]].merge(
            metadata.fillna("").astype(str), on="doc_id", how="left", validate="one_to_one")
        meta = self.table.fillna("")
        self._parcel = [parcel_key(g, f, s) for g, f, s in
                        zip(meta["gemarkung"], meta["flur"], meta["flurstueck"], strict=True)]
        self._address = [address_key(a) for a in meta["adresse"]]
        self._vectorizer = FeatureUnion([
            ("word", TfidfVectorizer(preprocessor=_search_text, sublinear_tf=True)),
            ("char", TfidfVectorizer(preprocessor=_search_text, analyzer="char_wb",
                                     ngram_range=(3, 5), sublinear_tf=True)),
        ])
        self._matrix = self._vectorizer.fit_transform(self.table["text"].tolist())

    def _rows(self, mask, expand_projects: bool) -> pd.DataFrame:
        mask = np.asarray(mask, dtype=bool)
        if expand_projects and "projekt" in self.table:
            projects = set(self.table.loc[mask, "projekt"])
            mask = mask | self.table["projekt"].isin(projects).to_numpy()
        found = self.table.loc[mask].drop(columns="text")
        return found.sort_values(["datum", "doc_id"]).reset_index(drop=True)

    def by_parcel(self, gemarkung: str, flur: str | int, flurstueck: str, *,
                  expand_projects: bool = False) -> pd.DataFrame:
        """Documents that name the parcel; with ``expand_projects`` also the other documents
        of their projects (which may not name the parcel themselves)."""
        key = parcel_key(gemarkung, str(flur), str(flurstueck))
        if not key:
            raise ParameterError(
                "A parcel needs Gemarkung, Flur and Flurstück.",
                message_de=f"Ein Flurstück braucht Gemarkung, Flur und Flurstück; erhalten: "
                f"{gemarkung!r}, {flur!r}, {flurstueck!r}.")
        return self._rows([k == key for k in self._parcel], expand_projects)

    def by_address(self, address: str, *, expand_projects: bool = False) -> pd.DataFrame:
        """Documents that name the address ("Lindenstr. 12a" finds "Lindenstraße 12 a")."""
        key = address_key(address)
        if not re.search(r"\d", key):
            raise ParameterError(
                f"An address needs street and house number, got {address!r}.",
                message_de=f"Eine Adresse braucht Straße und Hausnummer, erhalten: {address!r}.")
        return self._rows([k == key for k in self._address], expand_projects)

    def by_aktenzeichen(self, aktenzeichen: str, *, expand_projects: bool = False) -> pd.DataFrame:
        """Documents with this file number (any written form of a known format)."""
        canonical = normalise_aktenzeichen(aktenzeichen)
        if not canonical:
            raise ParameterError(
                f"{aktenzeichen!r} matches none of the known file number formats.",
                message_de=f"{aktenzeichen!r} passt zu keinem bekannten Aktenzeichen-Format "
                "(z. B. 'B 1234/57', '63/2-1234/1978', 'BV 0456/88', 'BA-1998-00123', "
                "'63.21-0456/12').")
        return self._rows(self.table["aktenzeichen"] == canonical, expand_projects)

    def search(self, query: str, *, top: int = 10) -> pd.DataFrame:
        """The ``top`` documents most similar to ``query``, best first, with a text snippet.

        ``score`` (0..1) is the mean of the cosine similarities of the word and the character
        TF-IDF vectors; documents with score 0 are left out."""
        if not str(query).strip():
            raise ParameterError("The search query is empty.",
                                 message_de="Die Suchanfrage ist leer.")
        if not isinstance(top, int) or top < 1:
            raise ParameterError(f"top must be a positive whole number, got {top!r}.",
                                 message_de=f"top muss eine positive ganze Zahl sein, nicht "
                                 f"{top!r}.")
        q = self._vectorizer.transform([str(query)])
        # each TF-IDF block is L2-normalised; the union has norm sqrt(2) per row
        scores = (self._matrix @ q.T).toarray().ravel() / 2.0
        order = [i for i in np.argsort(-scores, kind="stable")[:top] if scores[i] > 0]
        found = self.table.iloc[order].drop(columns="text").reset_index(drop=True)
        snippets = [" ".join(clean_ocr_text(t).split())[:160]
                    for t in self.table["text"].iloc[order]]
        return found.assign(score=scores[order], auszug=snippets)
