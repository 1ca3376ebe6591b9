"""Small-cell suppression with secondary suppression against recomputation from the totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.privacy import suppress_small_cells
from urbanki_helpers.privacy.suppression import suppression_status

NA = pd.NA


def crosstab(rows, index, columns):
    return pd.DataFrame(rows, index=pd.Index(index, name="Stadtteil"),
                        columns=pd.Index(columns, name="Antragsart"))


def test_primary_and_secondary_suppression_in_a_3x3_table_with_margins():
    table = crosstab([[12, 3, 20, 35],
                      [8, 15, 11, 34],
                      [25, 30, 9, 64],
                      [45, 48, 40, 133]],
                     ["Altstadt", "Buer", "Horst", "Summe"], ["Solar", "Wohngeld", "Bau", "Summe"])
    result = suppress_small_cells(table, threshold=5)
    # By hand: 3 < 5 is primary. Its row would reveal it (35 - 12 - 20), so the smallest other
    # cell of the row, 12, is hidden; its column likewise, so 15 (Buer/Wohngeld). Column "Solar"
    # now has one hidden cell (12), so 8 (Buer/Solar) goes too. Now every row and column has
    # two hidden cells or none.
    expected = crosstab([[NA, NA, 20, 35],
                         [NA, NA, 11, 34],
                         [25, 30, 9, 64],
                         [45, 48, 40, 133]],
                        ["Altstadt", "Buer", "Horst", "Summe"],
                        ["Solar", "Wohngeld", "Bau", "Summe"]).astype("Int64")
    pd.testing.assert_frame_equal(result, expected)
    assert result.attrs["suppressed"] == {
        ("Altstadt", "Wohngeld"): "primär", ("Altstadt", "Solar"): "sekundär",
        ("Buer", "Solar"): "sekundär", ("Buer", "Wohngeld"): "sekundär"}
    status = suppression_status(result)
    assert status.loc["Altstadt"].tolist() == ["sekundär", "primär", "", ""]
    assert status.loc["Horst"].tolist() == ["", "", "", ""]
    # the input is untouched
    assert table.loc["Altstadt", "Wohngeld"] == 3


def test_a_small_margin_is_suppressed_and_protected_too():
    table = crosstab([[2, 1, 3], [10, 12, 22], [12, 13, 25]], ["A", "B", "Gesamt"],
                     ["ja", "nein", "Gesamt"])
    result = suppress_small_cells(table)
    status = suppression_status(result)
    assert status.to_numpy().tolist() == [["primär", "primär", "primär"],
                                          ["sekundär", "sekundär", "sekundär"],
                                          ["", "", ""]]
    assert result.loc["Gesamt"].tolist() == [12, 13, 25]


def test_zeros_are_not_suppressed_and_not_used_for_secondary_suppression():
    table = crosstab([[3, 0, 7, 10], [9, 6, 8, 23], [12, 6, 15, 33]], ["A", "B", "Summe"],
                     ["x", "y", "z", "Summe"])
    status = suppression_status(suppress_small_cells(table))
    assert status.to_numpy().tolist() == [["primär", "", "sekundär", ""],
                                          ["sekundär", "", "sekundär", ""],
                                          ["", "", "", ""]]


def test_without_margins_the_totals_are_assumed_to_be_known():
    table = pd.DataFrame({"ja": [3, 10], "nein": [20, 30]}, index=["A", "B"])
    result = suppress_small_cells(table, total_row=None, total_column=None)
    assert result.isna().all().all()
    assert suppress_small_cells(table).isna().all().all()  # "auto" finds no margins here


def test_a_table_with_nothing_to_suppress_stays_equal():
    table = crosstab([[12, 7, 19], [5, 30, 35], [17, 37, 54]], ["A", "B", "Summe"],
                     ["x", "y", "Summe"])
    result = suppress_small_cells(table, threshold=5)
    pd.testing.assert_frame_equal(result, table.astype("Int64"))
    assert result.attrs["suppressed"] == {}
    # threshold 1 suppresses nothing, whatever the counts
    small = crosstab([[1, 2], [0, 4]], ["A", "B"], ["x", "y"])
    pd.testing.assert_frame_equal(suppress_small_cells(small, threshold=1), small.astype("Int64"))


def test_a_pandas_crosstab_with_margins():
    long = pd.DataFrame({"stadtteil": ["Buer"] * 12 + ["Horst"] * 9 + ["Altstadt"] * 2,
                         "art": ["Solar"] * 7 + ["Bau"] * 5 + ["Solar"] * 4 + ["Bau"] * 5
                         + ["Solar", "Bau"]})
    table = pd.crosstab(long["stadtteil"], long["art"], margins=True)  # margins named "All"
    assert table.to_numpy().tolist() == [[1, 1, 2], [5, 7, 12], [5, 4, 9], [11, 12, 23]]
    result = suppress_small_cells(table, threshold=3)
    # Altstadt 1, 1, 2 are primary; then per column the smallest other cell (Buer/Bau 5 before
    # Horst/Bau 5 in reading order, Horst/Solar 4, Horst/All 9), then Buer/Solar 7 for row Buer.
    assert result.astype(object).where(result.notna(), None).to_numpy().tolist() == [
        [None, None, None], [None, None, 12], [5, None, None], [11, 12, 23]]
    # the same with explicit labels and float counts that are whole numbers
    explicit = suppress_small_cells(table.astype(float), threshold=3, total_row="All",
                                    total_column="All")
    pd.testing.assert_frame_equal(explicit, result)


@pytest.mark.parametrize("table, needle", [
    (pd.DataFrame({"x": [1, -2]}), "negativ"),
    (pd.DataFrame({"x": [1.0, 2.5]}), "keine ganze Zahl"),
    (pd.DataFrame({"x": [1.0, np.inf]}), "keine ganze Zahl"),
    (pd.DataFrame({"x": [1.0, np.nan]}), "fehlt"),
    (pd.DataFrame({"x": pd.array([1, None], dtype="Int64")}), "fehlt"),
    (pd.DataFrame({"stadtteil": ["Buer", "Horst"], "x": [1, 2]}), "'stadtteil'"),
    (pd.DataFrame({"x": [True, False]}), "keine Zahlen"),
    (pd.DataFrame(), "leer"),
    (pd.DataFrame([[1, 2]], columns=["x", "x"]), "eindeutig"),
    (pd.DataFrame({"x": [1, 2, 4], "Summe": [1, 2, 3]}, index=["a", "b", "Summe"]), "Summe"),
    ([[1, 2], [3, 4]], "DataFrame"),
])
def test_bad_tables(table, needle):
    with pytest.raises(DataError) as err:
        suppress_small_cells(table)
    assert needle in err.value.message_de


@pytest.mark.parametrize("kwargs", [
    {"threshold": 0}, {"threshold": 2.5}, {"threshold": True}, {"threshold": "5"},
    {"total_row": "Insgesamt"}, {"total_column": "fehlt"},
])
def test_bad_parameters(kwargs):
    table = crosstab([[1, 2], [3, 4]], ["a", "b"], ["x", "y"])
    with pytest.raises(ParameterError):
        suppress_small_cells(table, **kwargs)


def test_two_total_rows_must_be_named():
    table = pd.DataFrame({"x": [1, 2, 3, 3]}, index=["a", "b", "Summe", "Gesamt"])
    with pytest.raises(ParameterError) as err:
        suppress_small_cells(table)
    assert "total_row" in err.value.message_de
    with pytest.raises(DataError):
        suppression_status(table)
