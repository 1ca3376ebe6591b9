"""The NRW solar obligation rules (§ 42a BauO NRW, SAN-VO NRW): both sides of every key date
and threshold, every exemption, every kWp band, and the order of the checks."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from urbanki_helpers.errors import DataError
from urbanki_helpers.solar.rules import (
    DECISION_COLUMNS,
    REASONS,
    STICHTAG_DACH,
    STICHTAG_DACH_KOMMUNAL,
    STICHTAG_NEUBAU_NWG,
    STICHTAG_NEUBAU_WG,
    Decision,
    check_case,
    check_register,
    reasons_table,
)

WG, NWG = "wohngebaeude", "nichtwohngebaeude"


def neubau(art: str = NWG, antrag: str | None = "2024-06-03", **kw) -> dict:
    """A new building with a Bauantrag; Nutzfläche 500 m², gross roof 600 m²."""
    return {"vorgang_id": "T1", "gebaeudeart": art, "massnahme": "neubau",
            "verfahren": "bauantrag", "antragsdatum": antrag, "baubeginn": None,
            "nutzflaeche_m2": 500.0, "bruttodachflaeche_m2": 600.0, "nettodachflaeche_m2": None,
            "wohneinheiten": 1 if art == WG else 0, "eigentum": "privat",
            "besonderheit": None} | kw


def freistellung(art: str, beginn: str, **kw) -> dict:
    return neubau(art, None, verfahren="freistellung", baubeginn=beginn) | kw


def dach(beginn: str = "2026-03-02", art: str = WG, **kw) -> dict:
    """A complete roof renewal; gross roof 200 m², net roof 120 m², 1 dwelling."""
    return neubau(art, None, massnahme="dacherneuerung", verfahren="freistellung",
                  baubeginn=beginn, bruttodachflaeche_m2=200.0, nettodachflaeche_m2=120.0) | kw


# (id, case, pflicht, grund, part of rechtsgrundlage, Mindestfläche m², kWp)
CASES = [
    # new non-residential buildings: Bauantrag strictly after 1.1.2024
    ("nwg-2023-12-31", neubau(NWG, "2023-12-31"), "nein", "neubau_nwg_vor_stichtag",
     "§ 42a Abs. 1 Satz 1 Nr. 1 BauO NRW", None, None),
    ("nwg-2024-01-01", neubau(NWG, "2024-01-01"), "nein", "neubau_nwg_vor_stichtag",
     "§ 42a Abs. 1 Satz 1 Nr. 1 BauO NRW", None, None),
    ("nwg-2024-01-02", neubau(NWG, "2024-01-02"), "ja", "neubau_nwg_nach_stichtag",
     "§ 42a Abs. 1 Satz 1 Nr. 1 BauO NRW; § 4 Abs. 1 SAN-VO NRW", 180.0, None),
    # new residential buildings: Bauantrag strictly after 1.1.2025
    ("wg-2024-06-03", neubau(WG, "2024-06-03"), "nein", "neubau_wg_vor_stichtag",
     "§ 42a Abs. 1 Satz 1 Nr. 2 BauO NRW", None, None),
    ("wg-2025-01-01", neubau(WG, "2025-01-01"), "nein", "neubau_wg_vor_stichtag",
     "Nr. 2", None, None),
    ("wg-2025-01-02", neubau(WG, "2025-01-02"), "ja", "neubau_wg_nach_stichtag",
     "§ 42a Abs. 1 Satz 1 Nr. 2 BauO NRW; § 4 Abs. 1 SAN-VO NRW", 180.0, None),
    ("wg-antrag-counts-not-baubeginn", neubau(WG, "2024-12-20", baubeginn="2025-03-03"), "nein",
     "neubau_wg_vor_stichtag", "Nr. 2", None, None),
    # Genehmigungsfreistellung (§ 63): the start of construction counts
    ("frei-nwg-2024-01-01", freistellung(NWG, "2024-01-01"), "nein",
     "freistellung_nwg_vor_stichtag", "§ 42a Abs. 1 Satz 2", None, None),
    ("frei-nwg-2024-01-02", freistellung(NWG, "2024-01-02"), "ja",
     "freistellung_nwg_nach_stichtag", "§ 42a Abs. 1 Satz 2", 180.0, None),
    ("frei-wg-2025-01-01", freistellung(WG, "2025-01-01"), "nein",
     "freistellung_wg_vor_stichtag", "Satz 1 Nr. 2", None, None),
    ("frei-wg-2025-01-02", freistellung(WG, "2025-01-02"), "ja",
     "freistellung_wg_nach_stichtag", "Satz 1 Nr. 2", 180.0, None),
    ("frei-baubeginn-counts-not-antrag",
     freistellung(WG, "2024-12-20", antragsdatum="2025-03-03"), "nein",
     "freistellung_wg_vor_stichtag", "Satz 2", None, None),
    # complete roof renewal: begun strictly after 1.1.2026; municipal from 1.7.2024
    ("dach-2026-01-01", dach("2026-01-01"), "nein", "dacherneuerung_vor_stichtag",
     "§ 42a Abs. 3 Satz 1 BauO NRW", None, None),
    ("dach-2026-01-02", dach("2026-01-02"), "ja", "dacherneuerung_nach_stichtag",
     "§ 42a Abs. 3 Satz 1 BauO NRW; § 4 Abs. 2", 36.0, 3.0),
    ("dach-privat-2025-06", dach("2025-06-02"), "nein", "dacherneuerung_vor_stichtag",
     "Abs. 3 Satz 1", None, None),
    ("kommunal-2024-06-30", dach("2024-06-30", eigentum="kommunal"), "nein",
     "dacherneuerung_kommunal_vor_stichtag", "§ 42a Abs. 3 Satz 2 BauO NRW", None, None),
    ("kommunal-2024-07-01", dach("2024-07-01", eigentum="kommunal"), "ja",
     "dacherneuerung_kommunal_ab_stichtag", "§ 42a Abs. 3 Satz 2 BauO NRW", 36.0, 3.0),
    ("kommunal-2024-07-02", dach("2024-07-02", NWG, eigentum="kommunal"), "ja",
     "dacherneuerung_kommunal_ab_stichtag", "Abs. 3 Satz 2", 36.0, 8.0),
    ("kommunal-neubau-no-special-date", neubau(WG, "2024-08-05", eigentum="kommunal"), "nein",
     "neubau_wg_vor_stichtag", "Nr. 2", None, None),
    # § 42a Abs. 4: not applicable
    ("nutzflaeche-50", neubau(NWG, "2024-06-03", nutzflaeche_m2=50.0), "nein",
     "nutzflaeche_bis_50", "§ 42a Abs. 4 Nr. 1 BauO NRW", None, None),
    ("nutzflaeche-50.1", neubau(NWG, "2024-06-03", nutzflaeche_m2=50.1), "ja",
     "neubau_nwg_nach_stichtag", "Nr. 1", 180.0, None),
    ("nutzflaeche-50.5-wg", neubau(WG, "2025-02-03", nutzflaeche_m2=50.5), "ja",
     "neubau_wg_nach_stichtag", "Nr. 2", 180.0, None),
    ("dach-nutzflaeche-50", dach(nutzflaeche_m2=50.0), "nein", "nutzflaeche_bis_50",
     "Abs. 4 Nr. 1", None, None),
    ("behelfsbau", neubau(besonderheit="behelfsbau"), "nein", "behelfsbau",
     "§ 42a Abs. 4 Nr. 2 BauO NRW", None, None),
    ("untergeordnet", neubau(besonderheit="untergeordnet", nutzflaeche_m2=None), "nein",
     "untergeordnet", "§ 42a Abs. 4 Nr. 2 BauO NRW", None, None),
    ("fliegender-bau", neubau(besonderheit="fliegender_bau"), "nein", "fliegender_bau",
     "§ 42a Abs. 4 Nr. 3 BauO NRW", None, None),
    ("exemption-before-date", neubau(NWG, "2023-03-01", besonderheit="behelfsbau"), "nein",
     "behelfsbau", "Abs. 4 Nr. 2", None, None),
    # repairs of sudden damage are no complete renewal
    ("reparatur", dach(massnahme="reparatur"), "nein", "reparatur",
     "§ 2 Abs. 5 Satz 2 SAN-VO NRW", None, None),
    ("reparatur-small-building-exemption-first", dach(massnahme="reparatur", nutzflaeche_m2=40.0),
     "nein", "nutzflaeche_bis_50", "Abs. 4 Nr. 1", None, None),
    # § 42a Abs. 5 and unsuitable roofs: a person decides (minimum size still shown)
    ("denkmalschutz", dach(besonderheit="denkmalschutz"), "pruefen", "denkmalschutz",
     "§ 42a Abs. 5 BauO NRW", 36.0, 3.0),
    ("technisch-unmoeglich", neubau(besonderheit="technisch_unmoeglich"), "pruefen",
     "technisch_unmoeglich", "§ 42a Abs. 5 BauO NRW", 180.0, None),
    ("wirtschaftlich-unzumutbar", neubau(WG, "2025-04-07", besonderheit="wirtschaftlich_unzumutbar"),
     "pruefen", "wirtschaftlich_unzumutbar", "§ 42a Abs. 5 BauO NRW", 180.0, None),
    ("dach-ungeeignet", dach(besonderheit="dach_ungeeignet"), "pruefen", "dach_ungeeignet",
     "§ 2 Abs. 6 Nr. 1 SAN-VO NRW", 36.0, 3.0),
    ("lapse-reason-before-date", dach("2025-05-12", besonderheit="denkmalschutz"), "nein",
     "dacherneuerung_vor_stichtag", "Abs. 3 Satz 1", None, None),
    # kWp bands of SAN-VO § 4 Abs. 2 (roof renewals only)
    ("kwp-1-we", dach(wohneinheiten=1), "ja", "dacherneuerung_nach_stichtag", "Satz 2 Nr. 1",
     36.0, 3.0),
    ("kwp-2-we", dach(wohneinheiten=2), "ja", "dacherneuerung_nach_stichtag", "Satz 2 Nr. 1",
     36.0, 3.0),
    ("kwp-3-we", dach(wohneinheiten=3), "ja", "dacherneuerung_nach_stichtag", "Satz 2 Nr. 2",
     36.0, 4.0),
    ("kwp-5-we", dach(wohneinheiten=5), "ja", "dacherneuerung_nach_stichtag", "Satz 2 Nr. 2",
     36.0, 4.0),
    ("kwp-6-we", dach(wohneinheiten=6), "ja", "dacherneuerung_nach_stichtag", "Satz 2 Nr. 3",
     36.0, 8.0),
    ("kwp-10-we", dach(wohneinheiten=10), "ja", "dacherneuerung_nach_stichtag", "Satz 2 Nr. 3",
     36.0, 8.0),
    ("kwp-11-we-none", dach(wohneinheiten=11), "ja", "dacherneuerung_nach_stichtag",
     "§ 4 Abs. 2 Satz 1 SAN-VO NRW", 36.0, None),
    ("kwp-nwg", dach(art=NWG, wohneinheiten=None), "ja", "dacherneuerung_nach_stichtag",
     "Satz 2 Nr. 3", 36.0, 8.0),
    ("neubau-no-kwp-alternative", neubau(WG, "2025-02-03", wohneinheiten=2), "ja",
     "neubau_wg_nach_stichtag", "§ 4 Abs. 1 SAN-VO NRW", 180.0, None),
    # missing values the decision can do without
    ("dach-without-netto", dach(nettodachflaeche_m2=None), "ja", "dacherneuerung_nach_stichtag",
     "§ 4 Abs. 2", None, 3.0),
    ("dach-without-wohneinheiten", dach(wohneinheiten=None), "ja",
     "dacherneuerung_nach_stichtag", "§ 4 Abs. 2 SAN-VO NRW", 36.0, None),
    ("neubau-without-brutto", neubau(bruttodachflaeche_m2=None), "ja",
     "neubau_nwg_nach_stichtag", "§ 4 Abs. 1", None, None),
    # Landesliegenschaften: the aim of § 42a Abs. 2 does not change the decision
    ("land-neubau", neubau(eigentum="land"), "ja", "neubau_nwg_nach_stichtag", "Nr. 1", 180.0,
     None),
    ("land-dach-2025", dach("2025-06-02", eigentum="land"), "nein",
     "dacherneuerung_vor_stichtag", "Abs. 3 Satz 1", None, None),
]


@pytest.mark.parametrize(("case", "pflicht", "grund", "ref", "flaeche", "kwp"),
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_check_case(case, pflicht, grund, ref, flaeche, kwp):
    d = check_case(case)
    assert isinstance(d, Decision)
    assert (d.pflicht, d.grund) == (pflicht, grund)
    assert ref in d.rechtsgrundlage
    assert d.grund_text == REASONS[grund].text
    assert d.mindestflaeche_pv_m2 == (None if flaeche is None else pytest.approx(flaeche))
    assert d.alternative_mindestleistung_kwp == kwp
    assert all(isinstance(h, str) and h for h in d.hinweise)


def test_key_dates_are_the_published_ones():
    assert STICHTAG_NEUBAU_NWG == dt.date(2024, 1, 1)
    assert STICHTAG_NEUBAU_WG == dt.date(2025, 1, 1)
    assert STICHTAG_DACH == dt.date(2026, 1, 1)
    assert STICHTAG_DACH_KOMMUNAL == dt.date(2024, 7, 1)


@pytest.mark.parametrize("case", [neubau(NWG, "2024-01-01"), neubau(WG, "2025-01-01"),
                                  freistellung(NWG, "2024-01-01"), dach("2026-01-01")])
def test_a_case_exactly_on_a_strict_key_date_gets_a_note(case):
    d = check_case(case)
    assert d.pflicht == "nein"
    assert any("genau auf den Stichtag" in h and "keine Pflicht" in h for h in d.hinweise)


def test_the_municipal_key_date_itself_counts_and_is_noted():
    d = check_case(dach("2024-07-01", eigentum="kommunal"))
    assert d.pflicht == "ja"
    assert any("„ab dem“" in h for h in d.hinweise)


def test_minimum_area_is_30_percent_of_gross_for_new_and_of_net_for_renewals():
    assert check_case(neubau(bruttodachflaeche_m2=333.3,
                             nettodachflaeche_m2=100.0)).mindestflaeche_pv_m2 == 99.99
    assert check_case(dach(bruttodachflaeche_m2=333.3,
                           nettodachflaeche_m2=116.6)).mindestflaeche_pv_m2 == 34.98


@pytest.mark.parametrize(("case", "text"), [
    (dach(nettodachflaeche_m2=None), "Nettodachfläche fehlt – nachfordern"),
    (dach(wohneinheiten=None), "Wohneinheiten fehlen"),
    (dach(wohneinheiten=11), "mehr als 10 Wohneinheiten"),
    (neubau(bruttodachflaeche_m2=None), "Bruttodachfläche fehlt – nachfordern"),
    (neubau(eigentum="land"), "§ 42a Abs. 2 BauO NRW"),
    (dach("2025-06-02", eigentum="land"), "Zielvorgabe, keine Einzelfallpflicht"),
    (neubau(NWG, "2024-03-04"), "vor Inkrafttreten der SAN-VO NRW"),
    (neubau(WG, "2025-03-03", baubeginn="2025-02-03"), "Baubeginn liegt vor dem Antragsdatum"),
    (dach(besonderheit="denkmalschutz"), "Ohne diesen Grund bestünde die Pflicht"),
])
def test_notes(case, text):
    assert any(text in h for h in check_case(case).hinweise)


def test_check_case_accepts_text_as_in_a_german_csv():
    case = {k: ("" if v is None else str(v)) for k, v in neubau(WG).items()}
    case.update(antragsdatum="02.01.2025", nutzflaeche_m2="50,5", bruttodachflaeche_m2="1.234,5",
                wohneinheiten="2", gebaeudeart=" Wohngebaeude ")
    d = check_case(case)
    assert (d.pflicht, d.mindestflaeche_pv_m2) == ("ja", pytest.approx(370.35))
    d = check_case(neubau(WG, pd.Timestamp("2025-01-02"), wohneinheiten=float("nan")))
    assert d.pflicht == "ja"  # pandas values: Timestamp, NaN as missing


@pytest.mark.parametrize(("change", "expected"), [
    ({"gebaeudeart": "buero"}, "gebaeudeart: unbekannter Wert 'buero' (erlaubt: wohngebaeude, "
     "nichtwohngebaeude)"),
    ({"besonderheit": "asbest"}, "besonderheit: unbekannter Wert 'asbest'"),
    ({"eigentum": None}, "eigentum fehlt (erlaubt: privat, kommunal, land)"),
    ({"antragsdatum": "2025-02-30"}, "antragsdatum: '2025-02-30' ist kein gültiges Datum"),
    ({"antragsdatum": "2205-01-10"}, "außerhalb des plausiblen Bereichs"),
    ({"antragsdatum": None}, "antragsdatum fehlt"),
    ({"nutzflaeche_m2": -5}, "nutzflaeche_m2: -5 ist negativ"),
    ({"nutzflaeche_m2": None}, "nutzflaeche_m2 fehlt"),
    ({"bruttodachflaeche_m2": "viel"}, "'viel' ist keine Zahl"),
    ({"nettodachflaeche_m2": 700.0}, "ist größer als bruttodachflaeche_m2"),
    ({"wohneinheiten": 2.5}, "wohneinheiten: 2.5 ist keine ganze Zahl"),
    ({"wohneinheiten": -1}, "wohneinheiten: -1 ist negativ"),
])
def test_invalid_cases_raise_a_data_error_naming_the_problem(change, expected):
    with pytest.raises(DataError) as info:
        check_case(neubau() | change)
    assert expected in info.value.message_de
    assert info.value.message_de.startswith("Vorgang T1 kann nicht geprüft werden")


def test_required_dates_depend_on_measure_and_procedure():
    with pytest.raises(DataError, match="baubeginn fehlt"):
        check_case(dach(baubeginn=None))
    with pytest.raises(DataError, match="Genehmigungsfreistellung"):
        check_case(freistellung(WG, None))
    # a repair with a Bauantrag needs no date
    assert check_case(dach(massnahme="reparatur", verfahren="bauantrag",
                           baubeginn=None)).grund == "reparatur"


def test_reasons_table_covers_every_code():
    table = reasons_table()
    assert list(table.columns) == ["grund", "pflicht", "grund_text", "rechtsgrundlage"]
    assert set(table["grund"]) == set(REASONS)
    assert set(table["pflicht"]) == {"ja", "nein", "pruefen"}
    assert all(("BauO NRW" in r) or ("SAN-VO NRW" in r) for r in table["rechtsgrundlage"])
    assert {c[3] for c in CASES} == set(REASONS)  # the table-driven test reaches every code


def test_check_register_returns_one_row_per_case_with_the_documented_columns():
    df = pd.DataFrame([neubau(vorgang_id="A"), dach(vorgang_id="B"),
                       neubau(vorgang_id="C", besonderheit="behelfsbau")])
    out = check_register(df)
    assert tuple(out.columns) == DECISION_COLUMNS
    assert list(out["vorgang_id"]) == ["A", "B", "C"]
    assert list(out["pflicht"]) == ["ja", "ja", "nein"]
    assert out["mindestflaeche_pv_m2"].dtype == "float64"
    assert math.isnan(out.loc[2, "mindestflaeche_pv_m2"])
    assert out.loc[1, "alternative_mindestleistung_kwp"] == 3.0
    assert "Maßgeblich: Baubeginn am 02.03.2026" in out.loc[1, "hinweise"]
    assert check_register(df.iloc[:0]).shape == (0, len(DECISION_COLUMNS))


def test_check_register_refuses_invalid_rows_and_missing_columns():
    bad = pd.DataFrame([neubau(vorgang_id="A"), neubau(vorgang_id="B", gebaeudeart="buero")])
    with pytest.raises(DataError, match="B: gebaeudeart: unbekannter Wert") as info:
        check_register(bad)
    assert "read_permits" in info.value.message_de
    with pytest.raises(DataError) as info:
        check_register(bad.drop(columns=["baubeginn", "eigentum"]))
    assert "baubeginn, eigentum" in info.value.message_de
