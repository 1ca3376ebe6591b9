"""Tests of the MaStR extract helpers (urbanki_helpers.solar.mastr).

Unit tests use a small hand-made extract in tmp_path. Tests marked ``realdata`` read the
Münster extract (dataset ``mastr_muenster``) from the mirror in URBANKI_DATA_DIR and are skipped
without it; their numbers were computed once from the file (Stand 03.06.2025) and are fixed here.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from urbanki_helpers.errors import (  # noqa: E402
    DataError,
    DatasetNotAvailableError,
    ParameterError,
    TableFormatError,
)
from urbanki_helpers.solar import mastr  # noqa: E402
from urbanki_helpers.solar.mastr import (  # noqa: E402
    RULE_CHANGES,
    SIZE_CLASSES,
    STECKERSOLAR,
    buildout_by_year,
    by_postcode,
    load_mastr,
    plot_buildout,
    registration_lag,
    size_class,
    size_class_table,
    small_units_effect,
    what_mastr_tells,
)

HEADER = ("MaStRNummer,EnergietraegerName,BetriebsStatusName,InbetriebnahmeDatum,"
          "EinheitMeldeDatum,DatumLetzteAktualisierung,Plz,Ort,AnzahlSolarModule,Bruttoleistung,"
          "Nettonennleistung,PersonenArtId,AnlagenbetreiberName,IsAnonymisiert")
SOLAR = "Solare Strahlungsenergie"
ROWS = [
    # id, carrier, status, commissioning, registered, updated, plz, ort, modules, kWp, net kW,
    # person type, operator name, anonymised
    ("SEE1", SOLAR, "In Betrieb", "2022-05-10", "2022-05-20", "2022-05-20", "01067", "Dresden",
     "2", "0.6", "0.6", "518", "", "True"),
    ("SEE2", SOLAR, "In Betrieb", "2022-08-01", "2022-10-15", "2022-10-15", "01067", "Dresden",
     "20", "8.0", "8.0", "518", "", "True"),
    ("SEE3", SOLAR, "In Betrieb", "2023-02-01", "2023-02-01", "2023-02-01", "48143", "Münster",
     "24", "10.0", "9.0", "518", "", "True"),
    ("SEE4", SOLAR, "In Betrieb", "2023-03-01", "2023-03-20", "2023-03-20", "48143", "Münster",
     "70", "30.0", "25.0", "518", "", "True"),
    ("SEE5", SOLAR, "In Betrieb", "/Date(1672531200000)/", "2023-01-05", "2023-01-05", "48143",
     "Münster", "4", "1.9", "0.8", "518", "", "True"),
    ("SEE6", SOLAR, "In Planung", "", "2024-01-10", "2024-01-10", "48143", "Münster", "",
     "100.0", "90.0", "517", "", "False"),
    ("SEE7", SOLAR, "In Betrieb", "/Date(-118108800000)/", "2022-07-27", "2022-07-27", "48143",
     "Münster", "18", "7.36", "7.2", "518", "", "True"),
    ("SEE8", "Wind", "In Betrieb", "2019-06-01", "2019-06-20", "2019-06-20", "48143", "Münster",
     "", "3000", "3000", "517", "", "False"),
    ("SEE9", SOLAR, "Vorübergehend stillgelegt", "1999-12-31", "2020-01-10", "2020-01-10",
     "48143", "Münster", "30", "5.0", "4.6", "518", "", "True"),
    ("SEE10", SOLAR, "In Betrieb", "2024-02-01", "2024-02-01", "2024-03-15", "01067", "Dresden",
     "4", "2.0", "0.8", "517", "Stadtwerke Test", "False"),
]


def write_csv(path, rows=ROWS, header=HEADER):
    lines = [header] + [",".join(r) for r in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    return load_mastr(write_csv(tmp_path / "mastr.csv"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- size classes


@pytest.mark.parametrize(("kwp", "net", "expected"), [
    (0.0, None, STECKERSOLAR),
    (0.8, None, STECKERSOLAR),
    (0.81, None, "bis 10 kWp"),
    (2.0, 0.8, STECKERSOLAR),           # Solarpaket I: 2 kWp modules, 800 VA inverter
    (2.01, 0.8, "bis 10 kWp"),
    (1.5, 0.81, "bis 10 kWp"),
    (0.85, 0.6, STECKERSOLAR),          # two modules of 425 Wp behind a 600 W inverter
    (1.5, float("nan"), "bis 10 kWp"),  # no inverter power: only <= 0.8 kWp counts
    (10.0, None, "bis 10 kWp"),
    (10.01, None, "10–30 kWp"),
    (30.0, None, "10–30 kWp"),
    (30.01, None, "30–100 kWp"),
    (100.0, None, "30–100 kWp"),
    (100.5, None, "100–1.000 kWp"),
    (1000.0, None, "100–1.000 kWp"),
    (1000.01, None, "über 1.000 kWp"),
])
def test_size_class_boundaries(kwp, net, expected):
    assert size_class(kwp, net) == expected


def test_size_class_of_a_series_keeps_the_index_and_is_ordered():
    s = pd.Series([0.5, 5.0, np.nan, 2000.0], index=[10, 11, 12, 13])
    result = size_class(s, pd.Series([0.5, 4.0, np.nan, 1800.0], index=s.index))
    assert list(result.index) == [10, 11, 12, 13]
    assert result.cat.ordered and list(result.cat.categories) == list(SIZE_CLASSES)
    assert result.tolist()[:2] == [STECKERSOLAR, "bis 10 kWp"]
    assert pd.isna(result.iloc[2]) and result.iloc[3] == "über 1.000 kWp"
    assert size_class(float("nan")) is None
    assert isinstance(size_class([1.0, 50.0]), pd.Categorical)


def test_size_class_rejects_bad_input():
    with pytest.raises(DataError, match="negative"):
        size_class(-1.0)
    with pytest.raises(DataError):
        size_class(["abc"])
    with pytest.raises(ParameterError):
        size_class([1.0, 2.0], [0.5])


def test_size_class_table_documents_every_class():
    table = size_class_table()
    assert table["Größenklasse"].tolist() == list(SIZE_CLASSES)
    assert "2 kWp" in table.iloc[0]["Regel (aus dem MaStR)"]
    assert "0,8 kW" in table.iloc[0]["Regel (aus dem MaStR)"]


def test_rule_changes_are_dated_and_sourced():
    assert list(RULE_CHANGES.columns) == ["Datum", "Regel", "Was sich änderte", "Betrifft",
                                          "Quelle"]
    assert RULE_CHANGES["Datum"].is_monotonic_increasing
    assert RULE_CHANGES["Quelle"].str.len().min() > 10
    dates = dict(zip(RULE_CHANGES["Regel"], RULE_CHANGES["Datum"], strict=True))
    assert dates["EEG 2023: höhere Einspeisevergütung"] == pd.Timestamp("2022-07-30")
    assert dates["Nullsteuersatz für Photovoltaik"] == pd.Timestamp("2023-01-01")
    assert dates["NRW-Solarpflicht: neue Wohngebäude"] == pd.Timestamp("2025-01-01")


# --------------------------------------------------------------------------- loading


def test_load_parses_types_and_keeps_postcodes_as_text(small):
    u = small.units.set_index("mastr_nr")
    assert len(u) == 10 and small.stand == pd.Timestamp("2024-03-15")
    assert u.loc["SEE1", "plz"] == "01067"  # leading zero kept
    assert str(u["plz"].dtype) == "string"
    assert u["inbetriebnahme"].dtype == "datetime64[ns]"
    assert u.loc["SEE1", "inbetriebnahme"] == pd.Timestamp("2022-05-10")
    assert u.loc["SEE8", "energietraeger"] == "wind" and u.loc["SEE1", "energietraeger"] == "solar"
    assert u.loc["SEE2", "module"] == 20 and pd.isna(u.loc["SEE6", "module"])
    assert str(u["module"].dtype) == "Int64"
    assert u.loc["SEE4", "bruttoleistung_kwp"] == 30.0
    assert u["organisation"].tolist() == [False] * 5 + [True, False, True, False, True]
    assert u.loc["SEE10", "betreiber_name"] == "Stadtwerke Test"
    assert pd.isna(u.loc["SEE1", "betreiber_name"])
    assert u.loc["SEE8", "anonymisiert"] == False  # noqa: E712 (nullable boolean)
    assert u.loc["SEE5", "groessenklasse"] == STECKERSOLAR
    assert pd.isna(u.loc["SEE8", "groessenklasse"])  # wind has no PV size class
    assert u.loc["SEE2", "jahr"] == 2022 and pd.isna(u.loc["SEE6", "jahr"])
    assert "Datenlizenz Deutschland" in small.attribution


def test_dotnet_dates_are_converted_and_implausible_ones_dropped(small):
    u = small.units.set_index("mastr_nr")
    # /Date(1672531200000)/ = 2023-01-01 00:00 UTC
    assert u.loc["SEE5", "inbetriebnahme"] == pd.Timestamp("2023-01-01")
    assert ".NET" in u.loc["SEE5", "datum_hinweis"]
    # /Date(-118108800000)/ = 1966-04-05: a PV unit cannot be that old
    assert pd.isna(u.loc["SEE7", "inbetriebnahme"])
    assert "unplausibel" in u.loc["SEE7", "datum_hinweis"]
    assert small.net_dates["umgerechnet"].tolist() == [pd.Timestamp("2023-01-01"),
                                                      pd.Timestamp("1966-04-05")]
    text = " ".join(small.notes)
    assert "2 Inbetriebnahmedaten standen im .NET-Format" in text
    assert "05.04.1966" in text and "1 Photovoltaik-Einheiten hätten eine Inbetriebnahme vor 1990" \
        in text
    assert "1 Einheiten haben kein Inbetriebnahmedatum, davon 1 mit Status 'In Planung'" in text
    assert "Das Jahr 2024 ist unvollständig" in text


def test_load_without_optional_columns(tmp_path):
    cols = HEADER.split(",")
    keep = [cols.index(c) for c in mastr._REQUIRED]
    rows = [tuple(r[i] for i in keep) for r in ROWS]
    data = load_mastr(write_csv(tmp_path / "m.csv", rows, ",".join(mastr._REQUIRED)))
    u = data.units
    assert u["module"].isna().all() and not u["organisation"].any()
    assert data.stand == pd.Timestamp("2024-02-01")  # latest registration
    # without inverter power only <= 0.8 kWp is plug-in size
    assert u.set_index("mastr_nr").loc["SEE5", "groessenklasse"] == "bis 10 kWp"


@pytest.mark.parametrize(("change", "error", "match"), [
    (lambda r: r[:6] + ("1067",) + r[7:], DataError, "fünf Ziffern"),
    (lambda r: r[:9] + ("abc",) + r[10:], DataError, "keine Zahl"),
    (lambda r: r[:3] + ("31.12.2023",) + r[4:], TableFormatError, "weder ein Datum"),
])
def test_load_reports_bad_values_with_the_unit(tmp_path, change, error, match):
    rows = [change(ROWS[0]), *ROWS[1:]]
    with pytest.raises(error) as info:
        load_mastr(write_csv(tmp_path / "bad.csv", rows))
    assert match in info.value.message_de and "SEE1" in info.value.message_de


def test_load_rejects_missing_columns_duplicates_and_empty_files(tmp_path):
    header = HEADER.replace("Bruttoleistung,", "Leistung,")
    with pytest.raises(TableFormatError, match="Bruttoleistung"):
        load_mastr(write_csv(tmp_path / "cols.csv", header=header))
    with pytest.raises(DataError, match="twice"):
        load_mastr(write_csv(tmp_path / "dup.csv", [*ROWS, ROWS[0]]))
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(TableFormatError):
        load_mastr(tmp_path / "empty.csv")


def test_load_without_mirror_names_the_dataset(monkeypatch, tmp_path):
    monkeypatch.delenv("URBANKI_DATA_DIR", raising=False)
    monkeypatch.setenv("URBANKI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("URBANKI_OFFLINE", "1")
    with pytest.raises(DatasetNotAvailableError) as info:
        load_mastr()
    assert "mastr_muenster" in str(info.value)


# --------------------------------------------------------------------------- tables


def test_buildout_by_year_exact_numbers(small):
    t = buildout_by_year(small.units, start=2000)
    assert list(t.columns) == ["Jahr", "Größenklasse", "Anlagen", "Zubau (kWp)",
                               "Bestand (kWp)", "Teiljahr"]
    assert len(t) == 25 * len(SIZE_CLASSES)  # 2000..2024, zeros included
    row = t.set_index(["Jahr", "Größenklasse"])
    assert row.loc[(2022, STECKERSOLAR), "Anlagen"] == 1
    assert row.loc[(2022, STECKERSOLAR), "Zubau (kWp)"] == pytest.approx(0.6)
    assert row.loc[(2022, "bis 10 kWp"), "Zubau (kWp)"] == pytest.approx(8.0)
    assert row.loc[(2023, "bis 10 kWp"), "Anlagen"] == 1          # exactly 10 kWp
    assert row.loc[(2023, "10–30 kWp"), "Zubau (kWp)"] == pytest.approx(30.0)
    assert row.loc[(2023, STECKERSOLAR), "Zubau (kWp)"] == pytest.approx(1.9)  # .NET date
    # the unit of 1999 is in the stock, not in the table; planned and undated units are not
    assert row.loc[(2000, "bis 10 kWp"), "Bestand (kWp)"] == pytest.approx(5.0)
    assert row.loc[(2024, "bis 10 kWp"), "Bestand (kWp)"] == pytest.approx(23.0)
    assert row.loc[(2024, STECKERSOLAR), "Bestand (kWp)"] == pytest.approx(4.5)
    assert t["Anlagen"].sum() == 6
    assert t.loc[t["Jahr"] == 2024, "Teiljahr"].all() and not t.loc[t["Jahr"] == 2023,
                                                                  "Teiljahr"].any()
    assert t.attrs["vor_start"] == {"anlagen": 1, "kwp": 5.0}
    assert t.loc[t["Jahr"] == 2024, "Bestand (kWp)"].sum() == pytest.approx(5 + 8 + 0.6 + 10
                                                                            + 30 + 1.9 + 2.0)


def test_buildout_by_year_checks_its_arguments(small):
    with pytest.raises(ParameterError):
        buildout_by_year(small.units, start=2030)
    with pytest.raises(ParameterError):
        buildout_by_year(small.units, start="2000")
    with pytest.raises(TableFormatError):
        buildout_by_year(small.units.drop(columns="groessenklasse"))
    with pytest.raises(DataError):
        buildout_by_year(small.units[small.units["energietraeger"] == "wind"])


def test_by_postcode(small):
    t = by_postcode(small.units)
    assert t["PLZ"].tolist() == ["01067", "48143"]
    first = t.iloc[0]
    assert first["Ort"] == "Dresden" and first["Anlagen"] == 3
    assert first["Leistung (kWp)"] == pytest.approx(10.6)
    assert first["Steckersolar (Anzahl)"] == 2
    assert first["Anteil Steckersolar (%)"] == pytest.approx(200 / 3)
    assert first["Anteil bis 10 kWp (%)"] == pytest.approx(100.0)
    # 48143: SEE3, SEE4, SEE5, SEE7 (date unknown, still a unit) and SEE9; not planned, not wind
    second = t.iloc[1]
    assert second["Anlagen"] == 5
    assert second["Leistung (kWp)"] == pytest.approx(10 + 30 + 1.9 + 7.36 + 5)


def test_small_units_effect_never_compares_a_partial_year(small):
    e = small_units_effect(small.units, first_year=2021)
    assert e.per_year["Jahr"].tolist() == [2021, 2022, 2023, 2024]
    assert e.per_year["Steckersolar (Anzahl)"].tolist() == [0, 1, 1, 1]
    assert e.per_year["Teiljahr"].tolist() == [False, False, False, True]
    assert e.figures["plug_in_2022"] == 1 and e.figures["plug_in_2023"] == 1
    assert math.isnan(e.figures["plug_in_2024"])
    assert math.isnan(e.figures["plug_in_ratio_2024_2022"])
    assert e.figures["upto_30_2023"] == 2
    assert e.per_quarter["Quartal"].iloc[-1] == "2024 Q1"
    assert bool(e.per_quarter["Teilquartal"].iloc[-1])
    assert any("Teiljahr" in s for s in e.sentences)
    assert e.rules.equals(RULE_CHANGES)
    with pytest.raises(ParameterError):
        small_units_effect(small.units, first_year=1900)


def test_registration_lag_counts_from_february_2019(small):
    lag = registration_lag(small.units)
    by_id = dict(zip(small.units.loc[lag.index, "mastr_nr"], lag, strict=True))
    assert by_id == {"SEE1": 10, "SEE2": 75, "SEE3": 0, "SEE4": 19, "SEE5": 4, "SEE8": 19,
                     "SEE10": 0}


def test_what_mastr_tells(small):
    sentences = what_mastr_tells(small.units)
    text = "\n".join(sentences)
    assert "9 Photovoltaik-Einheiten und 1 Windenergieanlagen" in text
    assert "8 In Betrieb, 1 In Planung, 1 Vorübergehend stillgelegt" in text
    assert "2 PLZ-Gebiete" in text
    assert "keine Koordinaten" in text
    assert "Namen stehen bei 1 Einheiten (10,0 %) von 1 Betreibern" in text
    assert "3 Einheiten gehören Organisationen, davon 2 ohne Namen" in text
    assert "Median 10 Tage" in text and "14,3 % wurden mehr als einen Monat" in text
    assert "2024 ist ein Teiljahr" in text


# --------------------------------------------------------------------------- plot


def test_plot_buildout(small):
    table = buildout_by_year(small.units, start=2020)
    fig = plot_buildout(table)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Jahr der Inbetriebnahme"
    assert "MWp" in ax.get_ylabel() and "MWp" in fig.axes[1].get_ylabel()
    assert len(ax.containers) == len(SIZE_CLASSES)
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "2024*"
    attribution = [t for t in ax.texts if t.get_gid() == "attribution"]
    assert attribution and "Marktstammdatenregister" in attribution[0].get_text()
    assert "Stand 15.03.2024" in attribution[0].get_text()
    line = fig.axes[1].lines[0]
    assert line.get_ydata()[-1] == pytest.approx(table.loc[table["Jahr"] == 2024,
                                                           "Bestand (kWp)"].sum() / 1000)
    fig2 = plot_buildout(table, measure="anlagen", attribution="Daten: Test")
    assert "Anzahl" in fig2.axes[0].get_ylabel()
    with pytest.raises(ParameterError):
        plot_buildout(table, measure="kwp")
    with pytest.raises(TableFormatError):
        plot_buildout(table.drop(columns="Teiljahr"))


# --------------------------------------------------------------------------- real data

FILE = "alle-anlagen-muenster.csv"


@pytest.fixture(scope="module")
def muenster(realdata):
    return load_mastr(realdata / "mastr_muenster" / FILE)


@pytest.mark.realdata
def test_real_load_through_the_catalogue(realdata, monkeypatch):
    monkeypatch.setenv("URBANKI_DATA_DIR", str(realdata))
    data = load_mastr()
    assert len(data.units) == 12_240 and data.stand == pd.Timestamp("2025-06-03")


@pytest.mark.realdata
def test_real_units_status_and_cleaning(muenster):
    u = muenster.units
    assert u["energietraeger"].value_counts().to_dict() == {"solar": 12_192, "wind": 48}
    assert u["status"].value_counts().to_dict() == {
        "In Betrieb": 11_974, "In Planung": 256, "Vorübergehend stillgelegt": 10}
    assert u["plz"].nunique() == 16 and u["plz"].str.fullmatch(r"48\d{3}").all()
    pv = u[u["energietraeger"] == "solar"]
    assert pv["bruttoleistung_kwp"].sum() == pytest.approx(163_151.94)
    assert pv.loc[pv["status"] != "In Planung", "bruttoleistung_kwp"].sum() \
        == pytest.approx(157_030.656)
    # three .NET dates (1924, 1961, 1966): converted, then dropped as implausible for PV
    assert muenster.net_dates["umgerechnet"].dt.year.tolist() == [1924, 1961, 1966]
    assert u["datum_hinweis"].notna().sum() == 3
    assert u["inbetriebnahme"].min() == pd.Timestamp("1992-12-16")
    assert u["inbetriebnahme"].isna().sum() == 253  # 250 planned + 3 implausible
    assert u["organisation"].sum() == 1_048 and u["betreiber_name"].notna().sum() == 185
    assert pv["groessenklasse"].value_counts().to_dict() == {
        "bis 10 kWp": 6_391, "10–30 kWp": 3_059, STECKERSOLAR: 2_208, "30–100 kWp": 389,
        "100–1.000 kWp": 144, "über 1.000 kWp": 1}


@pytest.mark.realdata
def test_real_buildout(muenster):
    t = buildout_by_year(muenster.units)
    per_year = t.groupby("Jahr")[["Anlagen", "Zubau (kWp)"]].sum()
    assert per_year["Zubau (kWp)"].idxmax() == 2024 and per_year["Anlagen"].idxmax() == 2024
    assert per_year.loc[2024, "Anlagen"] == 3_084
    assert per_year.loc[2024, "Zubau (kWp)"] == pytest.approx(31_613.15)
    assert per_year.loc[2023, "Anlagen"] == 2_919 and per_year.loc[2022, "Anlagen"] == 1_026
    assert t.attrs["vor_start"] == {"anlagen": 80, "kwp": pytest.approx(344.789)}
    # stock at the extract date = all built PV minus the three units without a usable date
    assert t.loc[t["Jahr"] == 2025, "Bestand (kWp)"].sum() == pytest.approx(157_006.966)
    assert t.loc[t["Jahr"] == 2025, "Teiljahr"].all()
    plug = t[t["Größenklasse"] == STECKERSOLAR].set_index("Jahr")["Anlagen"]
    assert plug.loc[2019:2024].tolist() == [4, 3, 31, 191, 532, 968]


@pytest.mark.realdata
def test_real_postcodes(muenster):
    t = by_postcode(muenster.units)
    assert len(t) == 16 and t["Anlagen"].sum() == 11_937
    assert t["Leistung (kWp)"].sum() == pytest.approx(157_030.656)
    top = t.sort_values("Anlagen").iloc[-1]
    assert top["PLZ"] == "48161" and top["Anlagen"] == 1_761
    assert set(t.loc[t["Ort"] != "Münster", "PLZ"]) == {"48268", "48324", "48341"}


@pytest.mark.realdata
def test_real_small_units_rise_after_2022(muenster):
    e = small_units_effect(muenster.units)
    f = e.figures
    assert (f["plug_in_2022"], f["plug_in_2023"], f["plug_in_2024"]) == (191, 532, 968)
    assert f["plug_in_ratio_2024_2022"] == pytest.approx(968 / 191)
    assert f["plug_in_over_600w_share_2023"] == pytest.approx(52 / 532)
    assert f["plug_in_over_600w_share_2024"] == pytest.approx(621 / 968)
    assert (f["plug_in_2024q1"], f["plug_in_2024q2"]) == (83, 414)
    assert (f["upto_30_2022"], f["upto_30_2023"]) == (815, 2_335)
    assert (f["upto_30_2022q4"], f["upto_30_2023q1"]) == (214, 455)
    assert e.per_year.loc[e.per_year["Jahr"] == 2025, "Teiljahr"].item()


@pytest.mark.realdata
def test_real_what_mastr_tells(muenster):
    text = "\n".join(what_mastr_tells(muenster.units))
    assert "12.192 Photovoltaik-Einheiten und 48 Windenergieanlagen" in text
    assert "157,0 MWp Photovoltaik" in text
    assert "16 PLZ-Gebiete" in text
    assert "Namen stehen bei 185 Einheiten (1,5 %)" in text
    assert "Median 6 Tage; 23,4 % wurden mehr als einen Monat" in text
    lag = registration_lag(muenster.units)
    assert len(lag) == 9_303 and lag.median() == 6


@pytest.mark.realdata
def test_real_plot(muenster):
    fig = plot_buildout(buildout_by_year(muenster.units))
    assert fig.axes[1].lines[0].get_ydata()[-1] == pytest.approx(157.006966)
