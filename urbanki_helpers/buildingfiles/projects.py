"""Assign documents to building projects (Vorhaben) by their extracted keys.

A project is identified by its file number (Aktenzeichen). A document without a readable file
number joins the project with the same parcel (Gemarkung, Flur, Flurstück), else the one with
the same address; when several projects share the parcel (a house of 1958, its extension of
1996), the one closest in time wins. Documents with none of these keys stay alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from urbanki_helpers.buildingfiles.documents import fold
from urbanki_helpers.buildingfiles.extraction import address_key
from urbanki_helpers.data.tables import require_columns
from urbanki_helpers.errors import ParameterError

__all__ = ["KEYS", "assign_projects", "parcel_key"]

KEYS = ("aktenzeichen", "flurstueck", "adresse")


def parcel_key(gemarkung: str, flur: str, flurstueck: str) -> str:
    """Comparison key of a parcel ("musterstadt|12|345/2"); empty if a part is missing."""
    parts = [fold(str(gemarkung).strip()), str(flur).strip().lstrip("0"),
             str(flurstueck).replace(" ", "")]
    return "|".join(parts) if all(parts) else ""


def _year(datum: str) -> float:
    return float(datum[:4]) if str(datum)[:4].isdigit() else float("nan")


def _closest(candidates: set[str], year: float, years: dict[str, list[float]]) -> str:
    def distance(group: str) -> tuple[float, str]:
        known = [y for y in years[group] if y == y]
        if not known or year != year:
            return (float("inf"), group)
        return (min(abs(y - year) for y in known), group)
    return min(candidates, key=distance)


def assign_projects(metadata: pd.DataFrame, *, keys: Sequence[str] = KEYS) -> pd.DataFrame:
    """Project label per document: columns ``doc_id``, ``projekt`` (e.g. ``AZ:BA-1998-00123``,
    ``FST:musterstadt|12|345/2``, ``ADR:lindenstrasse12a`` or ``DOC:<doc_id>``) and
    ``schluessel`` (the key that decided: ``aktenzeichen``, ``flurstueck``, ``adresse`` or
    ``keiner``).

    ``metadata`` holds the extracted fields (see ``extract_metadata``); ``keys`` is the
    subset and order of keys to use, e.g. ``("aktenzeichen",)`` for file numbers only.
    """
    unknown = [k for k in keys if k not in KEYS]
    if unknown or not keys:
        raise ParameterError(f"keys must be a non-empty subset of {KEYS}, got {list(keys)}.",
                             message_de=f"keys muss eine nicht leere Auswahl aus {KEYS} sein, "
                             f"nicht {list(keys)}.")
    require_columns(metadata, ("doc_id", "aktenzeichen", "gemarkung", "flur", "flurstueck",
                               "adresse", "datum"), name="Metadaten")
    meta = metadata.fillna("").astype(str)
    az = meta["aktenzeichen"].str.strip() if "aktenzeichen" in keys else pd.Series("", meta.index)
    parcels = [parcel_key(g, f, s) for g, f, s in
               zip(meta["gemarkung"], meta["flur"], meta["flurstueck"], strict=True)]
    addresses = [address_key(a) for a in meta["adresse"]]
    years = [_year(d) for d in meta["datum"]]
    label = [""] * len(meta)
    decided = ["keiner"] * len(meta)
    by_parcel: dict[str, set[str]] = defaultdict(set)
    by_address: dict[str, set[str]] = defaultdict(set)
    group_years: dict[str, list[float]] = defaultdict(list)

    def join(i: int, group: str, key: str) -> None:
        label[i], decided[i] = group, key
        group_years[group].append(years[i])
        if parcels[i] and "flurstueck" in keys:
            by_parcel[parcels[i]].add(group)
        if addresses[i] and "adresse" in keys:
            by_address[addresses[i]].add(group)

    for i, value in enumerate(az):
        if value:
            join(i, f"AZ:{value}", "aktenzeichen")
    for key, values, prefix, index in (("flurstueck", parcels, "FST", by_parcel),
                                       ("adresse", addresses, "ADR", by_address)):
        if key not in keys:
            continue
        for i, value in enumerate(values):
            if label[i] or not value:
                continue
            candidates = index.get(value)
            join(i, _closest(candidates, years[i], group_years) if candidates
                 else f"{prefix}:{value}", key)
    for i, doc_id in enumerate(meta["doc_id"]):
        if not label[i]:
            label[i] = f"DOC:{doc_id}"
    return pd.DataFrame({"doc_id": meta["doc_id"].to_numpy(), "projekt": label,
                         "schluessel": decided})
