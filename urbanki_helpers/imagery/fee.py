"""What a land-cover map means for the split wastewater fee (gesplittete Abwassergebühr).

The fee for rainwater is charged per m² of sealed area that drains into the sewer, so an
error in the sealed area of a parcel becomes an error in euros on a fee notice. The fee rate
(EUR per m² and year) is an example; every municipality sets its own in its statute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError, ParameterError

__all__ = ["EXAMPLE_FEE_EUR_PER_M2", "compare_with_truth", "error_summary", "sealed_estimate"]

EXAMPLE_FEE_EUR_PER_M2 = 1.0  # example rainwater fee, EUR per m² sealed area and year


def sealed_estimate(sealing: pd.DataFrame) -> pd.Series:
    """Sealed area per parcel in m², with the shadow area shared out like the visible rest.

    ``sealing`` is the table of ``aggregate.sealing_per_parcel`` (columns ``versiegelt_m2``,
    ``shadow_m2``, ``total_m2``). A shadow hides what lies beneath; the estimate assumes it
    is sealed in the same share as the parcel's visible area.
    """
    missing = {"versiegelt_m2", "shadow_m2", "total_m2"} - set(sealing.columns)
    if missing:
        raise DataError(
            f"The sealing table lacks the columns {sorted(missing)}; compute it with "
            "aggregate.sealing_per_parcel.",
            message_de=f"Der Versiegelungstabelle fehlen die Spalten {sorted(missing)}; "
            "berechnen Sie sie mit aggregate.sealing_per_parcel.")
    visible = sealing["total_m2"] - sealing["shadow_m2"]
    share = (sealing["versiegelt_m2"] / visible.where(visible > 0)).fillna(0.0)
    return sealing["versiegelt_m2"] + share * sealing["shadow_m2"]


def compare_with_truth(estimate: pd.Series, truth: pd.Series, *,
                       fee_eur_per_m2: float = EXAMPLE_FEE_EUR_PER_M2) -> pd.DataFrame:
    """Per parcel: estimated and true sealed area (m²), the error (m², estimate − truth) and
    what it costs or saves on a yearly fee notice (EUR)."""
    if not np.isfinite(fee_eur_per_m2) or fee_eur_per_m2 < 0:
        raise ParameterError(
            f"fee_eur_per_m2 must be a non-negative number, got {fee_eur_per_m2!r}.",
            message_de=f"Die Gebühr je m² muss eine Zahl ≥ 0 sein, nicht {fee_eur_per_m2!r}.")
    common = estimate.index.intersection(truth.index)
    if common.empty:
        raise DataError(
            "The estimate and the truth share no parcel id.",
            message_de="Schätzung und Referenz haben keine gemeinsame Flurstückskennung.")
    out = pd.DataFrame({"versiegelt_m2_modell": estimate.loc[common].astype(float),
                        "versiegelt_m2_wahr": truth.loc[common].astype(float)})
    out["fehler_m2"] = out["versiegelt_m2_modell"] - out["versiegelt_m2_wahr"]
    out["fehler_eur_jahr"] = out["fehler_m2"] * fee_eur_per_m2
    with np.errstate(divide="ignore", invalid="ignore"):
        out["fehler_relativ"] = out["fehler_m2"] / out["versiegelt_m2_wahr"].where(
            out["versiegelt_m2_wahr"] > 0)
    return out


def error_summary(comparison: pd.DataFrame, *, tolerance_m2: float = 10.0) -> dict[str, float]:
    """Median and 90th percentile of the absolute error per parcel (m²), the total error
    (m², errors of opposite sign cancel) and the share of parcels off by more than
    ``tolerance_m2``."""
    error = comparison["fehler_m2"].abs()
    return {
        "parcels": int(len(comparison)),
        "abs_error_median_m2": float(error.median()),
        "abs_error_p90_m2": float(error.quantile(0.9)),
        "total_error_m2": float(comparison["fehler_m2"].sum()),
        "share_above_tolerance": float((error > tolerance_m2).mean()),
    }
