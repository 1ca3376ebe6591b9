"""Per-class scores, confusion table and sealed-area error on hand-made examples."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.imagery.metrics import area_error, class_report, confusion_table, summary

# 12 labelled pixels of Dach (1), versiegelt (4), Vegetation (6); one unlabelled (0) pixel and
# one prediction of Schatten (8), a class absent from the truth.
Y_TRUE = np.array([1, 1, 1, 1, 4, 4, 4, 4, 4, 6, 6, 6, 0])
Y_PRED = np.array([1, 1, 4, 8, 4, 4, 4, 1, 6, 6, 6, 6, 1])


def test_class_report_equals_sklearn_and_iou_by_hand():
    report = class_report(Y_TRUE, Y_PRED).set_index("code")
    assert list(report.index) == [1, 4, 6, 8]
    assert list(report["klasse"]) == ["Dach", "versiegelt", "Vegetation", "Schatten"]
    keep = Y_TRUE != 0
    labels = [1, 4, 6]
    for name, fn in (("precision", precision_score), ("recall", recall_score),
                     ("f1", f1_score)):
        expected = fn(Y_TRUE[keep], Y_PRED[keep], labels=labels, average=None)
        np.testing.assert_allclose(report.loc[labels, name], expected)
    # IoU = TP / (TP + FP + FN): Dach 2 / (2 + 1 + 2), versiegelt 3 / (3 + 1 + 2),
    # Vegetation 3 / (3 + 1 + 0)
    np.testing.assert_allclose(report.loc[labels, "iou"], [2 / 5, 3 / 6, 3 / 4])
    assert report.loc[labels, "support"].tolist() == [4, 5, 3]
    shadow = report.loc[8]
    assert shadow["support"] == 0 and shadow["precision"] == 0 and np.isnan(shadow["recall"])
    assert shadow["iou"] == 0


def test_class_report_with_a_subset_of_classes_keeps_true_counts():
    report = class_report(Y_TRUE, Y_PRED, classes=[4]).set_index("code")
    assert report.loc[4, "support"] == 5
    assert report.loc[4, "precision"] == pytest.approx(3 / 4)
    with pytest.raises(ParameterError):
        class_report(Y_TRUE, Y_PRED, classes=[42])


def test_summary_over_classes_present_in_truth():
    keep = Y_TRUE != 0
    result = summary(Y_TRUE, Y_PRED)
    assert result["accuracy"] == pytest.approx(accuracy_score(Y_TRUE[keep], Y_PRED[keep]))
    assert result["f1_macro"] == pytest.approx(
        f1_score(Y_TRUE[keep], Y_PRED[keep], labels=[1, 4, 6], average="macro"))
    assert result["iou_mean"] == pytest.approx((2 / 5 + 3 / 6 + 3 / 4) / 3)
    assert result["pixels"] == 12


def test_confusion_table_german_names_and_normalisation():
    table = confusion_table(Y_TRUE, Y_PRED, classes=[1, 4, 6, 8])
    assert table.index.name == "wahr" and table.columns.name == "vorhergesagt"
    assert list(table.columns) == ["Dach", "versiegelt", "Vegetation", "Schatten"]
    assert table.loc["Dach"].tolist() == [2, 1, 0, 1]
    assert table.loc["versiegelt"].tolist() == [1, 3, 1, 0]
    assert int(table.to_numpy().sum()) == 12
    rows = confusion_table(Y_TRUE, Y_PRED, normalize="true")
    np.testing.assert_allclose(rows.loc[["Dach", "versiegelt", "Vegetation"]].sum(axis=1), 1)
    assert np.isnan(rows.loc["Schatten"]).all()
    assert confusion_table(Y_TRUE, Y_PRED, normalize="all").to_numpy().sum() == pytest.approx(1)
    with pytest.raises(ParameterError):
        confusion_table(Y_TRUE, Y_PRED, normalize="rows")
    unclassified = confusion_table([1, 4], [0, 4])
    assert "keine Klasse" in unclassified.columns
    assert unclassified.loc["Dach", "keine Klasse"] == 1


def test_area_error_in_square_metres():
    result = area_error(Y_TRUE, Y_PRED, pixel_m=0.2)
    # Truth: 9 sealed pixels (Dach, versiegelt); prediction: 8 (one Dach went to Schatten,
    # one versiegelt to Vegetation, one Vegetation never became sealed).
    assert result["area_m2"] == pytest.approx(12 * 0.04)
    assert result["sealed_true_m2"] == pytest.approx(9 * 0.04)
    assert result["sealed_pred_m2"] == pytest.approx(7 * 0.04)
    assert result["sealed_diff_m2"] == pytest.approx(-2 * 0.04)
    assert result["sealed_rel_error"] == pytest.approx(-2 / 9)
    assert result["fee_true_m2"] == pytest.approx(9 * 0.04)
    green = area_error([2, 2, 6], [2, 6, 2], pixel_m=1.0)
    assert green["sealed_true_m2"] == 2 and green["fee_true_m2"] == 1.0
    only_roof = area_error(Y_TRUE, Y_PRED, pixel_m=1.0, sealed_codes=[1])
    assert only_roof["sealed_true_m2"] == 4 and only_roof["sealed_pred_m2"] == 3
    with pytest.raises(ParameterError):
        area_error(Y_TRUE, Y_PRED, pixel_m=0)


def test_bad_inputs():
    with pytest.raises(DataError):
        class_report([1, 2], [1])
    with pytest.raises(DataError):
        class_report([0, 0], [1, 1])
    with pytest.raises(DataError) as info:
        summary([1, 12], [1, 1])
    assert "kein Klassencode" in info.value.message_de
    with pytest.raises(DataError):
        summary([1.5, 1], [1, 1])
