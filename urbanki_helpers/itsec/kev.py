"""Match an IT inventory against CISA's Known Exploited Vulnerabilities catalogue (KEV).

Pipeline: :func:`load_kev` → :func:`match_inventory` (asset × KEV product candidates) →
:func:`findings` (asset × CVE) → :func:`priority_score` (explainable 0–100 points) →
:func:`action_list` (ranked German to-do list with IT-Grundschutz modules).

Matching in short: vendor and product are normalised (:func:`normalise_name`), the vendor must
agree (after :data:`VENDOR_ALIASES`), and the product names are compared with the cosine
similarity of character n-gram TF-IDF vectors. KEV lists no affected versions in a
machine-readable form, so a match means "this product family has exploited vulnerabilities;
check your version against the advisory", not "this asset is vulnerable".

Threshold: :data:`DEFAULT_THRESHOLD` = 0.8 with a review band of 0.1, measured on a hand-labelled
sample of 46 messy inventory rows (36 with a KEV product) against the real KEV
(tests/test_itsec_kev.py). Rule: the lowest threshold without false matches. At 0.8 (and 0.85):
precision 1.0, recall 0.92 (33/36); the 3 misses ("Office 365 Apps", "Acrobat Reader DC",
"Sophos Firewall XGS") score 0.70–0.80 and land in the review band. At 0.7 two assets get a
wrong product ("Exchange Online" → Exchange Server); at 0.9 recall drops to 0.86. The sample
also guided the alias tables, so these numbers are optimistic: on the independent synthetic
``musterstadt_it`` labels (154 assets, 105 with a KEV product) precision is 0.97 and recall
0.72; most misses are hardware models whose operating system is not named ("ISR 4331 Router"
→ Cisco IOS, "EX3400 Switch" → Junos OS), which needs a model → OS table, not fuzzy matching.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from urbanki_helpers.data.catalog import dataset_file
from urbanki_helpers.data.tables import read_table, require_columns
from urbanki_helpers.errors import DataError, ParameterError

__all__ = [
    "ALIASES",
    "DEFAULT_REVIEW_BAND",
    "DEFAULT_THRESHOLD",
    "GRUNDSCHUTZ",
    "GRUNDSCHUTZ_FALLBACK",
    "KEV_COLUMNS",
    "NOISE_WORDS",
    "POINTS",
    "VENDOR_ALIASES",
    "action_list",
    "findings",
    "grundschutz_module",
    "load_kev",
    "match_inventory",
    "matching_quality",
    "normalise_name",
    "priority_score",
    "vendor_key",
]

KEV_COLUMNS = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded",
               "shortDescription", "requiredAction", "dueDate", "knownRansomwareCampaignUse")
DEFAULT_THRESHOLD = 0.8
DEFAULT_REVIEW_BAND = 0.1

#: Words without meaning for product identity (legal forms, editions, filler).
NOISE_WORDS = frozenset({
    "server", "servers", "appliance", "software", "inc", "gmbh", "ag", "kg", "se", "corp",
    "corporation", "co", "ltd", "llc", "plc", "company", "systems", "deutschland", "germany",
    "foundation", "the", "and", "und", "for", "version", "edition", "standard", "professional",
    "enterprise", "pro", "home", "ltsc", "datacenter", "networks", "update", "host", "svr", "srv",
    "std", "ent", "vm", "vm64", "domaenencontroller",
})

#: Phrase aliases applied to normalised text (whole words, longest phrase first).
ALIASES: Mapping[str, str] = {
    "ms": "microsoft",
    "msft": "microsoft",
    "application delivery controller": "netscaler adc",
    "citrix adc": "netscaler adc",
    "citrix gateway": "netscaler gateway",
    "citrix netscaler": "netscaler",
    "pulse secure": "pulse connect secure",
    "fortigate": "fortios",
    "log4j2": "log4j",
    "vsphere": "vcenter",
    "adaptive security": "asa",  # Cisco Adaptive Security Appliance
    "win rar": "winrar",
    "win": "windows",
    "win10": "windows",
    "win11": "windows",
    "workspace app": "workspace application",
    "b r": "backup replication",  # Veeam B&R
    "ad ds": "active directory",
    "paloalto": "palo alto",
}

#: Normalised vendor name → canonical vendor key (acquisitions, legal names).
VENDOR_ALIASES: Mapping[str, str] = {
    "pulse connect secure": "ivanti",  # "Pulse Secure" after ALIASES
    "mobileiron": "ivanti",
    "vmware by broadcom": "vmware",
    "synacor": "zimbra",  # Zimbra Collaboration Suite
    "manageengine": "zoho",
    "winrar": "rarlab",
}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})
_VERSION = re.compile(r"(?:v|r|u|cu|sp|kb|build)?\d[\w.\-]*")
_TOKEN_SPLIT = re.compile(r"[\s,;:/|()\[\]{}+&\"'!?*]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ALIAS_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(ALIASES, key=len, reverse=True)) + r")\b"
)
_PRODUCT_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*/\s*")


def normalise_name(text: object) -> str:
    """Normalise a vendor or product name for matching.

    Steps: lowercase; umlauts transliterated (``ü`` → ``ue``); version-like tokens dropped
    (``2019``, ``7.2.4``, ``60F``, ``v7``, ``CU12``, ``SP1``, ``R2``); punctuation → space;
    :data:`NOISE_WORDS` dropped; :data:`ALIASES` applied; repeated words kept once.
    ``"MS Exchange Server 2019"`` → ``"microsoft exchange"``. Missing values give ``""``.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    lowered = str(text).lower().translate(_UMLAUTS)
    tokens = [t for t in _TOKEN_SPLIT.split(lowered) if t and not _VERSION.fullmatch(t)]
    words = _NON_ALNUM.sub(" ", " ".join(tokens)).split()
    words = [w for w in words if w not in NOISE_WORDS]
    aliased = _ALIAS_RE.sub(lambda m: ALIASES[m.group(1)], " ".join(words)).split()
    return " ".join(dict.fromkeys(aliased))


def vendor_key(vendor: object) -> str:
    """Canonical vendor key: :func:`normalise_name` plus :data:`VENDOR_ALIASES`."""
    name = normalise_name(vendor)
    return VENDOR_ALIASES.get(name, name)


def _product_key(vendor: str, text: str) -> str:
    """Normalised ``text`` without the words of the vendor key ``vendor`` (``"exchange"``)."""
    drop = set(vendor.split())
    return " ".join(w for w in normalise_name(text).split() if w not in drop)


def _no_remarks(product: object) -> str:
    """Inventory product without remarks in parentheses (``"Confluence (IT-Wiki)"``)."""
    return "" if pd.isna(product) else re.sub(r"\([^)]*\)", " ", str(product))


def load_kev(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read the KEV catalogue CSV (default: dataset ``cisa_kev`` from the catalogue).

    ``dateAdded`` and ``dueDate`` become datetimes; the bool column ``ransomware`` is True where
    ``knownRansomwareCampaignUse`` is ``"Known"``.
    """
    if path is None:
        path = dataset_file("cisa_kev", "known_exploited_vulnerabilities.csv")
    header = read_table(path)
    require_columns(header, KEV_COLUMNS, name=str(path))
    text_cols = [c for c in header.columns if c not in ("dateAdded", "dueDate")]
    kev = read_table(path, keep_str=text_cols, dates={"dateAdded": None, "dueDate": None})
    kev["ransomware"] = _ransomware(kev)
    return kev


def _ransomware(kev: pd.DataFrame) -> pd.Series:
    if "ransomware" in kev.columns:
        return kev["ransomware"].fillna(False).astype(bool)
    values = kev["knownRansomwareCampaignUse"].astype("str").str.strip().str.lower()
    return (values == "known").astype(bool)


def _check_threshold(threshold: float, review_band: float) -> None:
    if not (isinstance(threshold, (int, float)) and 0 < threshold <= 1):
        raise ParameterError(
            f"threshold must be a number in (0, 1], got {threshold!r}.",
            message_de=f"threshold muss eine Zahl zwischen 0 (ausgeschlossen) und 1 sein, "
            f"erhalten: {threshold!r}.",
        )
    if not (isinstance(review_band, (int, float)) and 0 <= review_band < threshold):
        raise ParameterError(
            f"review_band must be a number in [0, threshold), got {review_band!r}.",
            message_de=f"review_band muss eine Zahl ab 0 und kleiner als threshold "
            f"({threshold}) sein, erhalten: {review_band!r}.",
        )


def _kev_products(kev: pd.DataFrame) -> pd.DataFrame:
    """One row per KEV (vendor, product) component with its keys and number of CVEs."""
    require_columns(kev, ("cveID", "vendorProject", "product"), name="KEV-Katalog")
    products = (kev.groupby(["vendorProject", "product"], dropna=True).size()
                .rename("n_cves").reset_index())
    rows = []
    for vendor, product, n in products.itertuples(index=False):
        vkey = vendor_key(vendor)
        for part in _PRODUCT_SPLIT.split(product):
            key = _product_key(vkey, part)
            if key:
                rows.append((vendor, product, int(n), vkey, key))
    cols = ["kev_vendor", "kev_product", "n_cves", "kev_vendor_key", "kev_key"]
    return pd.DataFrame(rows, columns=cols).drop_duplicates(
        ["kev_vendor", "kev_product", "kev_key"])


def _inventory_vendor(vendor: object, product: object, known: set[str]) -> str:
    """Vendor key of an inventory row; inferred from the product's first words if needed."""
    key = vendor_key(vendor)
    if key in known:
        return key
    words = normalise_name(product).split()
    for n in (3, 2, 1):
        guess = VENDOR_ALIASES.get(" ".join(words[:n]), " ".join(words[:n]))
        if len(words) >= n and guess in known:
            return guess
    return key


def match_inventory(inventory: pd.DataFrame, kev: pd.DataFrame, *,
                    threshold: float = DEFAULT_THRESHOLD,
                    review_band: float = DEFAULT_REVIEW_BAND) -> pd.DataFrame:
    """Candidate pairs of inventory asset × KEV product with a similarity score (0–1).

    Only pairs whose vendors agree and whose score is at least ``threshold - review_band``
    are returned. ``status`` is ``"match"`` (score ≥ ``threshold``) or ``"pruefen"`` (review
    band, to be checked by hand); ``method`` is ``"exakt"`` (identical normalised names) or
    ``"tfidf"`` (character 2–4-gram TF-IDF cosine). If an asset has an exact match, its
    fuzzy matches are downgraded to ``"pruefen"`` (likely sibling products of the family).
    ``explanation`` says why, in German.
    Sorted by inventory order, then score (descending) and number of CVEs.
    """
    _check_threshold(threshold, review_band)
    require_columns(inventory, ("asset_id", "vendor", "product"), name="Inventar")
    columns = ["asset_id", "vendor", "product", "kev_vendor", "kev_product", "score", "status",
               "method", "n_cves", "inventory_key", "kev_key", "explanation"]
    products = _kev_products(kev)
    known = set(products["kev_vendor_key"])
    inv = inventory[["asset_id", "vendor", "product"]].reset_index(drop=True)
    inv_vendor = [_inventory_vendor(v, p, known) for v, p in zip(inv["vendor"], inv["product"],
                                                                  strict=True)]
    inv_key = [_product_key(vk, f"{'' if pd.isna(v) else v} {_no_remarks(p)}")
               for vk, v, p in zip(inv_vendor, inv["vendor"], inv["product"], strict=True)]
    if products.empty or not any(inv_key):
        return pd.DataFrame(columns=columns)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    vectorizer.fit(list(products["kev_key"]) + [k for k in inv_key if k])
    kev_vectors = vectorizer.transform(products["kev_key"])
    inv_vectors = vectorizer.transform(inv_key)
    similarity = (inv_vectors @ kev_vectors.T).toarray()
    same_vendor = np.asarray(inv_vendor, dtype=object)[:, None] == \
        products["kev_vendor_key"].to_numpy(dtype=object)[None, :]
    has_key = np.array([bool(k) for k in inv_key])[:, None]
    similarity = np.where(same_vendor & has_key, similarity, 0.0)

    lower = threshold - review_band
    rows = []
    kev_keys = products["kev_key"].to_numpy()
    for i, j in zip(*np.nonzero(similarity >= lower - 1e-9), strict=True):
        score = float(min(similarity[i, j], 1.0))
        exact = inv_key[i] == kev_keys[j]
        score = 1.0 if exact else score
        status = "match" if score >= threshold - 1e-9 else "pruefen"
        rows.append((i, inv.at[i, "asset_id"], inv.at[i, "vendor"], inv.at[i, "product"],
                     products["kev_vendor"].iat[j], products["kev_product"].iat[j],
                     round(score, 3), status, "exakt" if exact else "tfidf",
                     int(products["n_cves"].iat[j]), inv_key[i], kev_keys[j]))
    out = pd.DataFrame(rows, columns=["_order"] + columns[:-1])
    out = (out.sort_values(["_order", "kev_vendor", "kev_product", "score"],
                           ascending=[True, True, True, False])
           .drop_duplicates(["_order", "kev_vendor", "kev_product"]))  # best component
    out = out.sort_values(["_order", "score", "n_cves", "kev_product"],
                          ascending=[True, False, False, True])
    # An exact name match identifies the product; fuzzy siblings ("SD-WAN and NetScaler" next
    # to "NetScaler ADC") are then probably other products of the family: review them.
    has_exact = out.groupby("_order")["method"].transform(lambda m: (m == "exakt").any())
    out["sibling"] = has_exact & (out["method"] != "exakt") & (out["status"] == "match")
    out.loc[out["sibling"], "status"] = "pruefen"
    out["explanation"] = [_match_explanation(r, threshold, lower) for r in out.itertuples()]
    out = out.drop(columns="sibling")
    return out.drop(columns="_order").reset_index(drop=True)[columns]


def _match_explanation(row, threshold: float, lower: float) -> str:
    base = (f"Hersteller stimmt überein; Produktname normalisiert '{row.inventory_key}' ~ "
            f"'{row.kev_key}', Ähnlichkeit {row.score:.2f}")
    if row.sibling:
        return (f"{base}, aber für dieses Asset gibt es einen exakten Treffer: bitte prüfen, ob "
                "dies ein anderes Produkt derselben Familie ist.")
    if row.status == "match":
        return f"{base} ≥ Schwelle {threshold:.2f}: Treffer (Version gegen die Meldung prüfen)."
    return (f"{base} liegt im Prüfbereich {lower:.2f}–{threshold:.2f}: bitte von Hand prüfen, "
            "ob dasselbe Produkt gemeint ist.")


def _family(vendor: object, product: object) -> tuple[str, frozenset[str]]:
    """Vendor key and the normalised component names of a KEV product string.

    KEV spells one product several ways ("Exchange" / "Exchange Server", "NetScaler ADC and
    NetScaler Gateway" / "Application Delivery Controller (ADC) and Gateway"); two strings name
    the same family if the vendor keys agree and a component is shared.
    """
    vkey = vendor_key(vendor)
    parts = {_product_key(vkey, part) for part in _PRODUCT_SPLIT.split(str(product))}
    return vkey, frozenset(parts - {""})


def _same_family(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    return a[0] == b[0] and bool(a[1] & b[1])


def matching_quality(matches: pd.DataFrame, labels: pd.DataFrame) -> dict:
    """Asset-level precision, recall and F1 of :func:`match_inventory` against hand labels.

    ``labels`` has ``asset_id, kev_vendor, kev_product`` (exact KEV strings; empty = no KEV
    product). Only assets in ``labels`` are evaluated. The prediction per asset is its best
    ``match`` row (highest score, then most CVEs); it is correct if it names the labelled
    product family (same vendor and a shared normalised component, since KEV spells one
    product several ways, e.g. "Exchange" and "Exchange Server"). A correct prediction is a
    true positive (tp); a prediction for an unlabelled asset or a wrong one a false positive
    (fp); a labelled asset without correct prediction a false negative (fn); a wrong prediction
    counts as fp and fn. Returns precision, recall, f1 (0 when undefined), tp, fp, fn, n_assets.
    """
    require_columns(matches, ("asset_id", "kev_vendor", "kev_product", "score", "status"),
                    name="Treffer")
    require_columns(labels, ("asset_id", "kev_vendor", "kev_product"), name="Labels")
    hits = matches[matches["status"] == "match"]
    if "n_cves" not in hits.columns:
        hits = hits.assign(n_cves=0)
    best = (hits.sort_values(["score", "n_cves", "kev_product"], ascending=[False, False, True])
            .drop_duplicates("asset_id"))
    predicted = {a: _family(v, p) for a, v, p in best[["asset_id", "kev_vendor", "kev_product"]]
                 .itertuples(index=False)}
    tp = fp = fn = 0
    for asset, vendor, product in labels[["asset_id", "kev_vendor", "kev_product"]].drop_duplicates(
            "asset_id").itertuples(index=False):
        labelled = not (pd.isna(product) or not str(product).strip())
        guess = predicted.get(asset)
        if guess is not None and labelled and _same_family(guess, _family(vendor, product)):
            tp += 1
            continue
        fp += guess is not None
        fn += labelled
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "n_assets": int(labels["asset_id"].nunique())}


FINDING_COLUMNS = ["asset_id", "department", "vendor", "product", "version", "exposure",
                   "criticality", "kev_vendor", "kev_product", "match_score", "cveID",
                   "vulnerabilityName", "dateAdded", "dueDate", "ransomware", "requiredAction",
                   "age_days", "days_past_due"]


def _timestamp(today: object) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(today)
    except (ValueError, TypeError) as exc:
        stamp, error = pd.NaT, exc
    else:
        error = None
    if pd.isna(stamp):
        raise ParameterError(
            f"today must be a date such as '2025-09-01', got {today!r}.",
            message_de=f"today muss ein Datum wie '2025-09-01' sein, erhalten: {today!r}.",
        ) from error
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def findings(matches: pd.DataFrame, inventory: pd.DataFrame, kev: pd.DataFrame, *,
             today: object) -> pd.DataFrame:
    """Asset × CVE pairs for every ``match`` of :func:`match_inventory`.

    Adds the inventory's asset data and the KEV entry; ``age_days`` = days since the CVE was
    added to KEV, ``days_past_due`` = days since CISA's due date (negative: still time), both
    as of ``today``. Sorted by asset, then newest KEV entry first.
    """
    today = _timestamp(today)
    require_columns(matches, ("asset_id", "kev_vendor", "kev_product", "score", "status"),
                    name="Treffer")
    require_columns(inventory, ("asset_id", "vendor", "product", "exposure", "criticality"),
                    name="Inventar")
    require_columns(kev, KEV_COLUMNS, name="KEV-Katalog")
    inv = inventory.copy()
    for col in ("version", "department"):
        if col not in inv.columns:
            inv[col] = pd.NA
    inv["_order"] = np.arange(len(inv))
    hits = (matches.loc[matches["status"] == "match",
                        ["asset_id", "kev_vendor", "kev_product", "score"]]
            .rename(columns={"score": "match_score"}))
    catalogue = kev.assign(ransomware=_ransomware(kev)).rename(
        columns={"vendorProject": "kev_vendor", "product": "kev_product"})
    catalogue = catalogue[["kev_vendor", "kev_product", "cveID", "vulnerabilityName",
                           "dateAdded", "dueDate", "ransomware", "requiredAction"]]
    out = (hits.merge(inv[["asset_id", "_order", "department", "vendor", "product", "version",
                           "exposure", "criticality"]], on="asset_id", how="inner")
           .merge(catalogue, on=["kev_vendor", "kev_product"], how="inner"))
    out["dateAdded"] = pd.to_datetime(out["dateAdded"])
    out["dueDate"] = pd.to_datetime(out["dueDate"])
    out["age_days"] = (today - out["dateAdded"]).dt.days.astype("Int64")
    out["days_past_due"] = (today - out["dueDate"]).dt.days.astype("Int64")
    out["ransomware"] = out["ransomware"].astype(bool)
    out = (out.sort_values(["_order", "dateAdded", "cveID"], ascending=[True, False, True])
           .drop_duplicates(["asset_id", "cveID"]))
    return out[FINDING_COLUMNS].reset_index(drop=True)


#: Maximum points per component of :func:`priority_score` (sum 100).
POINTS: Mapping[str, int] = {"ransomware": 30, "exposure": 25, "criticality": 20,
                             "overdue": 15, "recency": 10}
EXPOSURE_POINTS: Mapping[str, int] = {"internet": 25, "intern": 0}
CRITICALITY_POINTS: Mapping[str, int] = {"hoch": 20, "mittel": 10, "niedrig": 0}
RECENCY_FULL_DAYS = 30  # days since KEV entry with full recency points
RECENCY_ZERO_DAYS = 365  # days since KEV entry from which recency gives no points


def _lookup(series: pd.Series, table: Mapping[str, int], column: str) -> pd.Series:
    values = series.astype("str").str.strip().str.lower()
    unknown = sorted(set(values) - set(table))
    if unknown:
        allowed = ", ".join(table)
        raise DataError(
            f"Column {column!r} has unknown value(s) {', '.join(unknown)}; allowed: {allowed}.",
            message_de=f"Die Spalte {column!r} enthält unbekannte Werte ({', '.join(unknown)}); "
            f"erlaubt sind: {allowed}. Korrigieren Sie das Inventar (load_inventory meldet "
            "solche Zeilen).",
        )
    return values.map(table).astype(float)


def priority_score(findings: pd.DataFrame, *, today: object) -> pd.DataFrame:
    """Explainable additive priority (0–100 points) per finding, highest first.

    Components (columns ``points_*``): known ransomware use 30; internet exposure 25;
    criticality hoch 20 / mittel 10 / niedrig 0; CISA due date passed 15; recency up to 10
    (full within 30 days of the KEV entry, falling linearly to 0 at 365 days). Every component
    is non-negative and never decreases with more exposure, higher criticality or known
    ransomware use, so the sum is monotone. ``explanation`` lists every component in German.
    """
    today = _timestamp(today)
    require_columns(findings, ("asset_id", "cveID", "exposure", "criticality", "ransomware",
                               "dateAdded", "dueDate"), name="Befunde")
    out = findings.copy()
    age = (today - pd.to_datetime(out["dateAdded"])).dt.days.clip(lower=0)
    past_due = (today - pd.to_datetime(out["dueDate"])).dt.days
    out["age_days"] = age.astype("Int64")
    out["days_past_due"] = past_due.astype("Int64")
    ransomware = out["ransomware"].fillna(False).astype(bool)
    out["points_ransomware"] = np.where(ransomware, POINTS["ransomware"], 0).astype(float)
    out["points_exposure"] = _lookup(out["exposure"], EXPOSURE_POINTS, "exposure")
    out["points_criticality"] = _lookup(out["criticality"], CRITICALITY_POINTS, "criticality")
    out["points_overdue"] = np.where(past_due.fillna(0) > 0, POINTS["overdue"], 0).astype(float)
    span = RECENCY_ZERO_DAYS - RECENCY_FULL_DAYS
    fresh = (1 - (age.fillna(RECENCY_ZERO_DAYS) - RECENCY_FULL_DAYS) / span).clip(0, 1)
    out["points_recency"] = (POINTS["recency"] * fresh).round(1).astype(float)
    parts = ["points_ransomware", "points_exposure", "points_criticality", "points_overdue",
             "points_recency"]
    out["priority"] = out[parts].sum(axis=1).round(1)
    out["explanation"] = [_priority_explanation(r) for r in out.itertuples()]
    out = out.sort_values(["priority", "dueDate", "asset_id", "cveID"],
                          ascending=[False, True, True, True])
    return out.reset_index(drop=True)


def _priority_explanation(row) -> str:
    ransom = "bekannt" if row.points_ransomware else "nicht bekannt"
    if pd.isna(row.days_past_due):
        due = "ohne Frist"
    elif row.days_past_due > 0:
        due = f"seit {row.days_past_due} Tagen überschritten"
    else:
        due = f"noch {-row.days_past_due} Tage"
    return (f"Ransomware-Nutzung {ransom} (+{row.points_ransomware:g}) · "
            f"Erreichbarkeit {str(row.exposure).strip().lower()} (+{row.points_exposure:g}) · "
            f"Kritikalität {str(row.criticality).strip().lower()} "
            f"(+{row.points_criticality:g}) · CISA-Frist {due} (+{row.points_overdue:g}) · "
            f"seit {row.age_days} Tagen im KEV-Katalog (+{row.points_recency:g})")


#: Product family (normalised "vendor product" words) → BSI IT-Grundschutz module (reference
#: names of the IT-Grundschutz-Kompendium, edition 2023). First hit in this order wins.
GRUNDSCHUTZ: Mapping[str, str] = {
    "microsoft exchange": "APP.5.2 Microsoft Exchange und Outlook",
    "microsoft outlook": "APP.5.2 Microsoft Exchange und Outlook",
    "microsoft office outlook": "APP.5.2 Microsoft Exchange und Outlook",
    "pulse connect secure": "NET.3.3 VPN",
    "connect secure": "NET.3.3 VPN",
    "netscaler": "NET.3.3 VPN",
    "globalprotect": "NET.3.3 VPN",
    "vpn": "NET.3.3 VPN",
    "fortios": "NET.3.2 Firewall",
    "pan os": "NET.3.2 Firewall",
    "sonicos": "NET.3.2 Firewall",
    "adaptive security": "NET.3.2 Firewall",
    "cisco asa": "NET.3.2 Firewall",
    "cisco ios": "NET.3.1 Router und Switches",
    "vcenter": "SYS.1.5 Virtualisierung",
    "esxi": "SYS.1.5 Virtualisierung",
    "apache tomcat": "APP.3.2 Webserver",
    "apache http": "APP.3.2 Webserver",
    "internet information services": "APP.3.2 Webserver",
    "iis": "APP.3.2 Webserver",
    "nginx": "APP.3.2 Webserver",
    "microsoft windows": "SYS.2.1 Allgemeiner Client",
}
GRUNDSCHUTZ_FALLBACK = "OPS.1.1.3 Patch- und Änderungsmanagement"
_SERVER_MODULE = "SYS.1.1 Allgemeiner Server"


def grundschutz_module(kev_vendor: object, kev_product: object, inventory_product: object = "",
                       ) -> str:
    """IT-Grundschutz module for a KEV product (see :data:`GRUNDSCHUTZ`).

    Windows becomes ``SYS.1.1 Allgemeiner Server`` if the inventory product says "server",
    else ``SYS.2.1 Allgemeiner Client``; unknown families get :data:`GRUNDSCHUTZ_FALLBACK`.
    """
    text = f" {normalise_name(f'{kev_vendor} {kev_product}')} "
    for family, module in GRUNDSCHUTZ.items():
        if f" {family} " in text:
            if module.startswith("SYS.2.1") and "server" in str(inventory_product).lower():
                return _SERVER_MODULE
            return module
    return GRUNDSCHUTZ_FALLBACK


ACTION_COLUMNS = ["Rang", "Asset", "Fachbereich", "Produkt", "CVE", "Punkte", "Ransomware",
                  "Erreichbarkeit", "Frist (CISA)", "Maßnahme (CISA)",
                  "IT-Grundschutz-Baustein", "Begründung"]


def action_list(prioritised: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """Ranked German action list from :func:`priority_score` (``top``: first n rows only).

    Columns: Rang, Asset, Fachbereich (owner), Produkt (vendor, product, version), CVE,
    Punkte (0–100), Ransomware (ja/nein), Erreichbarkeit, Frist (CISA due date),
    Maßnahme (CISA's required action, English), IT-Grundschutz-Baustein, Begründung.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ParameterError(
            f"top must be a positive whole number or None, got {top!r}.",
            message_de=f"top muss eine positive ganze Zahl oder None sein, erhalten: {top!r}.",
        )
    require_columns(prioritised, ("asset_id", "vendor", "product", "kev_vendor", "kev_product",
                                  "cveID", "priority", "ransomware", "exposure", "dueDate",
                                  "requiredAction", "explanation"), name="Priorisierte Befunde")
    ranked = prioritised.sort_values(["priority", "dueDate", "asset_id", "cveID"],
                                     ascending=[False, True, True, True])
    if top is not None:
        ranked = ranked.head(top)

    def text(value: object) -> str:
        return "" if pd.isna(value) else str(value).strip()

    missing = pd.Series(pd.NA, index=ranked.index, dtype=object)
    version = ranked["version"] if "version" in ranked.columns else missing
    department = ranked["department"] if "department" in ranked.columns else missing
    out = pd.DataFrame({
        "Rang": np.arange(1, len(ranked) + 1),
        "Asset": ranked["asset_id"].to_numpy(),
        "Fachbereich": department.to_numpy(),
        "Produkt": [_product_label(text(v), text(p), text(ver)) for v, p, ver in
                    zip(ranked["vendor"], ranked["product"], version, strict=True)],
        "CVE": ranked["cveID"].to_numpy(),
        "Punkte": ranked["priority"].to_numpy(),
        "Ransomware": np.where(ranked["ransomware"].fillna(False).astype(bool), "ja", "nein"),
        "Erreichbarkeit": ranked["exposure"].to_numpy(),
        "Frist (CISA)": pd.to_datetime(ranked["dueDate"]).dt.date.to_numpy(),
        "Maßnahme (CISA)": ranked["requiredAction"].to_numpy(),
        "IT-Grundschutz-Baustein": [grundschutz_module(v, p, ip) for v, p, ip in zip(
            ranked["kev_vendor"], ranked["kev_product"], ranked["product"], strict=True)],
        "Begründung": ranked["explanation"].to_numpy(),
    })
    return out[ACTION_COLUMNS]


def _product_label(vendor: str, product: str, version: str) -> str:
    """``"Citrix" + "Citrix ADC 13.1"`` → ``"Citrix ADC 13.1"`` (vendor not repeated)."""
    parts = [product] if vendor and product.lower().startswith(vendor.lower()) else [vendor,
                                                                                      product]
    if version and version not in product:
        parts.append(version)
    return " ".join(p for p in parts if p)
