"""Tests of urbanki_helpers.data.tables: German CSV quirks, clear errors, real files."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers.data.tables import MISSING_TOKENS, read_table, write_table
from urbanki_helpers.errors import DataError, ParameterError, TableFormatError, UrbanKIError

DATA_DIR = os.environ.get("URBANKI_DATA_DIR")


def realdata(test):
    """Mark a test that reads the real-data mirror; skip it when the mirror is not set."""
    skip = pytest.mark.skipif(not DATA_DIR, reason="URBANKI_DATA_DIR is not set")
    return pytest.mark.realdata(skip(test))


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _assert_bilingual(exc: pytest.ExceptionInfo, *english: str, german: tuple[str, ...] = ()):
    msg, msg_de = str(exc.value), exc.value.message_de
    for part in english:
        assert part in msg, msg
    for part in german:
        assert part in msg_de, msg_de
    assert msg_de != msg


# --- detection -----------------------------------------------------------------------------

GERMAN_CSV = (
    "Name;Straße;Fläche_ha;Einwohner;Anteil\n"
    "Müller;Hauptstraße 1;1.234,5;1200;12,5\n"
    "Schäfer;Bahnhofstraße 7;17,25;830;0,75\n"
    "Weiß;Am Ölberg 3;na;-999;\n"
)


def test_semicolon_decimal_comma_cp1252_with_umlauts(tmp_path):
    path = _write(tmp_path / "gemeinde.csv", GERMAN_CSV, "cp1252")
    df = read_table(path)
    assert list(df.columns) == ["Name", "Straße", "Fläche_ha", "Einwohner", "Anteil"]
    assert df["Name"].tolist() == ["Müller", "Schäfer", "Weiß"]
    assert df.loc[1, "Straße"] == "Bahnhofstraße 7"
    assert df["Fläche_ha"].dtype == np.float64
    assert df.loc[0, "Fläche_ha"] == 1234.5  # '.' as thousands separator
    assert df.loc[1, "Fläche_ha"] == 17.25
    assert df["Anteil"].tolist()[:2] == [12.5, 0.75]
    assert df["Einwohner"].dtype == np.float64  # -999 is missing, so no int64
    assert df["Einwohner"].tolist()[:2] == [1200.0, 830.0]
    source = df.attrs["source"]
    assert source["encoding"] == "cp1252"
    assert source["sep"] == ";"
    assert source["decimal"] == ","
    assert source["path"] == str(path)
    assert source["missing"] == {"Name": 0, "Straße": 0, "Fläche_ha": 1, "Einwohner": 1,
                                 "Anteil": 1}


def test_utf8_with_bom(tmp_path):
    path = _write(tmp_path / "bom.csv", "Stadtteil,Einwohner\nKöln-Mülheim,41000\n", "utf-8-sig")
    df = read_table(path)
    assert list(df.columns) == ["Stadtteil", "Einwohner"]  # no '\ufeff' in the first name
    assert df.loc[0, "Stadtteil"] == "Köln-Mülheim"
    assert df["Einwohner"].dtype == np.int64
    assert df.attrs["source"]["encoding"] == "utf-8-sig"
    assert df.attrs["source"]["sep"] == ","


def test_utf8_without_bom_tab_and_pipe_separators(tmp_path):
    tab = read_table(_write(tmp_path / "t.tsv", "a\tb\n1\tFoo, Bar\n2\tBaz\n"))
    assert tab.attrs["source"]["sep"] == "\t"
    assert tab["b"].tolist() == ["Foo, Bar", "Baz"]
    pipe = read_table(_write(tmp_path / "p.csv", "a|b|c\n1|2|3\n"))
    assert pipe.attrs["source"]["sep"] == "|"
    assert pipe.attrs["source"]["encoding"] == "utf-8"
    assert pipe.iloc[0].tolist() == [1, 2, 3]


def test_single_column_with_decimal_comma(tmp_path):
    df = read_table(_write(tmp_path / "one.csv", "wert\n12,5\n3,25\n"))
    assert df.attrs["source"]["sep"] == ";"  # a ',' would split '12,5'
    assert df["wert"].tolist() == [12.5, 3.25]


def test_missing_tokens_become_na(tmp_path):
    text = "id;wert;text\n1;na;a\n2;-999;NA\n3;;n/a\n4;-999,0;x\n5;7;nan\n"
    df = read_table(_write(tmp_path / "m.csv", text))
    assert df["id"].dtype == np.int64
    assert df["wert"].dtype == np.float64
    assert df["wert"].isna().tolist() == [True, True, True, True, False]
    assert df.loc[4, "wert"] == 7.0
    assert df["text"].isna().tolist() == [False, True, True, False, True]
    assert df.attrs["source"]["missing"] == {"id": 0, "wert": 4, "text": 3}
    # custom tokens: only 'k.A.' means missing, so -999 stays a number
    custom = read_table(_write(tmp_path / "k.csv", "a;b\nk.A.;-999\n2;3\n"), missing=("k.A.",))
    assert custom["a"].isna().tolist() == [True, False]
    assert custom["b"].tolist() == [-999, 3]
    assert "-999,00" in MISSING_TOKENS


def test_all_missing_column_is_float(tmp_path):
    df = read_table(_write(tmp_path / "e.csv", "a,b\n1,na\n2,na\n"))
    assert df["b"].dtype == np.float64
    assert df["b"].isna().all()


def test_leading_zero_codes_stay_strings(tmp_path):
    text = "AGS;PLZ;Name;Einwohner\n05513000;45879;Gelsenkirchen;260126\n14612000;01067;Dresden;563311\n"
    df = read_table(_write(tmp_path / "ags.csv", text))
    assert df["AGS"].tolist() == ["05513000", "14612000"]
    assert df["PLZ"].tolist() == ["45879", "01067"]
    assert pd.api.types.is_string_dtype(df["AGS"])
    assert df["Einwohner"].dtype == np.int64
    assert df["Einwohner"].sum() == 823437
    # keep_str protects codes without a leading zero too
    kept = read_table(_write(tmp_path / "plz.csv", "PLZ;n\n50667;1\n48143;2\n"), keep_str=["PLZ"])
    assert kept["PLZ"].tolist() == ["50667", "48143"]


def test_whitespace_is_stripped_and_order_kept(tmp_path):
    text = " z ; a ;m\n  3 ; x y ;1,5\n4;b;2\n"
    df = read_table(_write(tmp_path / "ws.csv", text))
    assert list(df.columns) == ["z", "a", "m"]
    assert df["z"].tolist() == [3, 4]
    assert df["a"].tolist() == ["x y", "b"]
    assert df["m"].tolist() == [1.5, 2.0]


def test_thousands_separator_in_semicolon_file(tmp_path):
    text = "Gemeinde;Einwohner\nA-Dorf;12.345\nB-Stadt;1.234.567\nC-Weiler;987\n"
    df = read_table(_write(tmp_path / "ew.csv", text))
    assert df.attrs["source"]["decimal"] == ","
    assert df["Einwohner"].dtype == np.int64
    assert df["Einwohner"].tolist() == [12345, 1234567, 987]
    # UTF-16 tab-separated (Excel "Unicode text"); 1.084.831 can only be thousands
    path = tmp_path / "u16.txt"
    path.write_bytes("Ort\tEinwohner\nKöln\t1.084.831\nBonn\t336.465\n".encode("utf-16"))
    df = read_table(path)
    assert (df.attrs["source"]["encoding"], df.attrs["source"]["sep"]) == ("utf-16", "\t")
    assert df["Einwohner"].tolist() == [1084831, 336465]
    # with ',' as separator and 0.123 the '.' is a decimal point
    df = read_table(_write(tmp_path / "p.csv", "a,b\n0.125,1.5\n0.250,2\n"))
    assert df.attrs["source"]["decimal"] == "."
    assert df["a"].tolist() == [0.125, 0.25]


def test_excel_file_is_refused(tmp_path):
    path = tmp_path / "tabelle.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(TableFormatError) as exc:
        read_table(path)
    _assert_bilingual(exc, "Excel", "read_excel", german=("Excel", "CSV UTF-8"))


def test_point_decimal_detected_and_integers(tmp_path):
    df = read_table(_write(tmp_path / "p.csv", "jahr,neu\n2018,930.0\n2019,902.5\n"))
    assert df.attrs["source"]["decimal"] == "."
    assert df["jahr"].dtype == np.int64
    assert df["neu"].tolist() == [930.0, 902.5]


def test_quoted_fields_with_separator_and_newline(tmp_path):
    text = 'id,flur,wert\n1,"Flur 4, Flurstück 19",2.5\n2,"Zeile\nzwei",3\n3,x,4\n'
    df = read_table(_write(tmp_path / "q.csv", text))
    assert df["flur"].tolist() == ["Flur 4, Flurstück 19", "Zeile\nzwei", "x"]
    assert df["wert"].tolist() == [2.5, 3.0, 4.0]


def test_blank_lines_are_skipped(tmp_path):
    df = read_table(_write(tmp_path / "b.csv", "a;b\n1;2\n\n3;4\n\n"))
    assert df.shape == (2, 2)


def test_gz_file(tmp_path):
    path = tmp_path / "zaehler.csv.gz"
    path.write_bytes(gzip.compress(GERMAN_CSV.encode("cp1252")))
    df = read_table(path)
    assert df.shape == (3, 5)
    assert df.loc[0, "Name"] == "Müller"
    assert df.loc[0, "Fläche_ha"] == 1234.5


def test_damaged_gz_file(tmp_path):
    path = tmp_path / "kaputt.csv.gz"
    data = gzip.compress(b"a;b\n" + "".join(f"{i};{i * i}\n" for i in range(2000)).encode())
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(TableFormatError) as exc:
        read_table(path)
    _assert_bilingual(exc, "kaputt.csv.gz", "gzip", german=("beschädigt",))


# --- errors --------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as exc:
        read_table(tmp_path / "gibt_es_nicht.csv")
    _assert_bilingual(exc, "gibt_es_nicht.csv", "does not exist", german=("existiert nicht",))


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "leer.csv", ""))
    _assert_bilingual(exc, "leer.csv", "empty", german=("leer",))
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "leer2.csv", "\n  \n"))
    _assert_bilingual(exc, "empty")
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "kopf.csv", "AGS;Name;Einwohner\n"))
    _assert_bilingual(exc, "kopf.csv", "only a header", "AGS, Name, Einwohner",
                      german=("nur eine Kopfzeile",))


def test_ragged_line_names_line_and_counts(tmp_path):
    text = "a;b;c\n1;2;3\n4;5;6\n7;8;9;10\n11;12;13\n"
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "ragged.csv", text))
    _assert_bilingual(exc, "ragged.csv", "line 4", "has 4 fields", "expected 3",
                      german=("Zeile 4", "4 Felder", "erwartet werden 3"))


def test_whole_line_in_quotes(tmp_path):
    text = 'a,b,c\n1,2,3\n"4,""Ort, Straße"",6"\n'
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "quoted_line.csv", text))
    _assert_bilingual(exc, "line 3", "has 1 fields", "whole line is enclosed",
                      german=("Zeile 3", "ganze Zeile"))


def test_short_line_after_blank_line_counts_physical_lines(tmp_path):
    text = "a;b;c\n1;2;3\n\n4;5\n"
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "short.csv", text))
    _assert_bilingual(exc, "line 4", "has 2 fields", "expected 3")


def test_unclosed_quote_is_reported(tmp_path):
    text = 'a,b\n1,"offen\n2,x\n3,y\n'
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "quote.csv", text))
    _assert_bilingual(exc, "line 2", "not closed", "lines 2-4",
                      german=("Zeile 2", "Anführungszeichen"))
    # an unclosed quote in the middle swallows lines until the next quote
    text = 'a,b,c\n1,"offen,2\n3,4,5\n6,"x",7\n8,9,10\n'
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "quote2.csv", text))
    _assert_bilingual(exc, "line 2", "lines 2-4", german=("Zeile 2", "Anführungszeichen"))
    # ... or makes a ragged record
    text = 'a,b,c\n1,"offen,2\n3,4,5\n6,"x"\n8,9,10\n'
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "quote3.csv", text))
    _assert_bilingual(exc, "line 2", "unclosed quotation mark", german=("Anführungszeichen",))
    # a stray inch mark in an unquoted value is fine
    df = read_table(_write(tmp_path / "zoll.csv", 'rohr,n\n12" Stahl,3\n'))
    assert df.loc[0, "rohr"] == '12" Stahl'


def test_non_numeric_value_in_numeric_column(tmp_path):
    text = "id;wert\n1;12,5\n2;13,0\n3;1x3\n4;14\n"
    path = _write(tmp_path / "zahl.csv", text)
    assert read_table(path)["wert"].tolist() == ["12,5", "13,0", "1x3", "14"]  # stays text
    with pytest.raises(TableFormatError) as exc:
        read_table(path, numeric=["wert"])
    _assert_bilingual(exc, "zahl.csv", "line 4", "'wert'", "'1x3'",
                      german=("Zeile 4", "Spalte 'wert'", "'1x3'", "keine Zahl"))


def test_numeric_forces_leading_zero_column(tmp_path):
    df = read_table(_write(tmp_path / "n.csv", "code;x\n007;1\n010;2\n"), numeric=["code"])
    assert df["code"].tolist() == [7, 10]


def test_unknown_column_names(tmp_path):
    path = _write(tmp_path / "cols.csv", "AGS;Name\n05513000;Gelsenkirchen\n")
    for kwargs in ({"numeric": ["Einwohner"]}, {"keep_str": ["PLZ"]}, {"dates": {"Datum": None}}):
        with pytest.raises(TableFormatError) as exc:
            read_table(path, **kwargs)
        _assert_bilingual(exc, "Available columns: 'AGS', 'Name'",
                          german=("Vorhandene Spalten: 'AGS', 'Name'",))


def test_wrong_encoding_declared(tmp_path):
    path = _write(tmp_path / "win.csv", "Name;Ort\nMeier;Bonn\nMüller;Köln\n", "cp1252")
    with pytest.raises(TableFormatError) as exc:
        read_table(path, encoding="utf-8")
    _assert_bilingual(exc, "win.csv", "line 3", "utf-8", "cp1252", german=("Zeile 3",))
    assert read_table(path, encoding="cp1252").loc[1, "Ort"] == "Köln"
    # the other way round: UTF-8 file declared as cp1252 would give 'KÃ¶ln'
    utf8 = _write(tmp_path / "utf8.csv", "Name;Ort\nMeier;Bonn\nMüller;Köln\n", "utf-8")
    with pytest.raises(TableFormatError) as exc:
        read_table(utf8, encoding="cp1252")
    _assert_bilingual(exc, "UTF-8", "line 3", german=("UTF-8", "Zeile 3"))
    with pytest.raises(ParameterError):
        read_table(path, encoding="klingonisch")


def test_mixed_encodings_are_reported(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("Ort;n\nKöln;1\n".encode() + "Düren;2\n".encode("cp1252"))
    with pytest.raises(TableFormatError) as exc:
        read_table(path)
    _assert_bilingual(exc, "mixes encodings", "line 3", german=("Zeile 3",))


def test_bad_arguments():
    with pytest.raises(ParameterError):
        read_table("x.csv", sep=";;")
    with pytest.raises(ParameterError):
        read_table("x.csv", decimal=";")


# --- dates ---------------------------------------------------------------------------------


def test_dates_with_german_format(tmp_path):
    text = "Zeit;Anzahl\n01.03.2024 07:15;12\n31.03.2024 23:45;na\n"
    df = read_table(_write(tmp_path / "d.csv", text), dates={"Zeit": "%d.%m.%Y %H:%M"})
    assert pd.api.types.is_datetime64_dtype(df["Zeit"])
    assert df.loc[0, "Zeit"] == pd.Timestamp("2024-03-01 07:15")
    assert df.loc[1, "Zeit"] == pd.Timestamp("2024-03-31 23:45")


def test_dates_failure_names_line_column_value_and_format(tmp_path):
    text = "Zeit;Anzahl\n01.03.2024 07:15;12\n2024-03-02 08:00;13\n"
    with pytest.raises(TableFormatError) as exc:
        read_table(_write(tmp_path / "d.csv", text), dates={"Zeit": "%d.%m.%Y %H:%M"})
    _assert_bilingual(exc, "d.csv", "line 3", "'Zeit'", "'2024-03-02 08:00'", "%d.%m.%Y %H:%M",
                      german=("Zeile 3", "Spalte 'Zeit'", "%d.%m.%Y %H:%M"))


def test_iso_dates_with_missing_and_dst_offsets(tmp_path):
    text = ("t,n\n2024-03-31T01:00:00+01:00,1\n,2\n2024-03-31T03:00:00+02:00,3\n")
    df = read_table(_write(tmp_path / "iso.csv", text), dates={"t": None})
    assert str(df["t"].dt.tz) == "UTC"  # mixed offsets -> UTC
    assert df.loc[0, "t"] == pd.Timestamp("2024-03-31 00:00", tz="UTC")
    assert df.loc[2, "t"] == pd.Timestamp("2024-03-31 01:00", tz="UTC")
    assert pd.isna(df.loc[1, "t"])


# --- writing -------------------------------------------------------------------------------


def _example_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "AGS": pd.Series(["05513000", "05315000", None], dtype="str"),
        "Name": pd.Series(["Gelsenkirchen", "Köln; Stadt", "Düren \"Nord\""], dtype="str"),
        "Fläche_km2": [106.2, 405.02, np.nan],
        "Einwohner": np.array([260126, 1084831, 90000], dtype=np.int64),
        "Stand": pd.to_datetime(["2024-12-31 00:00", "2024-12-31 10:30", "2023-01-01 00:00"]),
    })


@pytest.mark.parametrize("german", [True, False])
def test_write_table_round_trip(tmp_path, german):
    df = _example_frame()
    path = write_table(df, tmp_path / "out" / "tabelle.csv", german=german)
    assert path == tmp_path / "out" / "tabelle.csv"
    raw = path.read_bytes()
    if german:
        assert raw.startswith(b"\xef\xbb\xbf")
        assert b"106,2" in raw and b";" in raw
    back = read_table(path, dates={"Stand": None})
    expected_source = (";", ",", "utf-8-sig") if german else (",", ".", "utf-8")
    source = back.attrs["source"]
    assert (source["sep"], source["decimal"], source["encoding"]) == expected_source
    back.attrs = {}
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert back["Einwohner"].dtype == np.int64
    assert back["Fläche_km2"].dtype == np.float64
    assert back["AGS"].tolist()[:2] == ["05513000", "05315000"]


def test_write_table_gz_and_atomic(tmp_path):
    df = _example_frame()
    path = write_table(df, tmp_path / "t.csv.gz", german=True)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert read_table(path).shape == (3, 5)
    # overwrite; only the target remains, no temporary files
    write_table(df.head(1), tmp_path / "t.csv.gz", german=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv.gz"]
    assert read_table(path).shape == (1, 5)


def test_write_table_failure_keeps_old_file(tmp_path, monkeypatch):
    path = write_table(_example_frame(), tmp_path / "alt.csv")
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(UrbanKIError) as exc:
        write_table(_example_frame().head(1), path)
    assert "disk full" in str(exc.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alt.csv"]


def test_write_table_needs_dataframe(tmp_path):
    with pytest.raises(ParameterError):
        write_table([1, 2], tmp_path / "x.csv")


# --- real files (URBANKI_DATA_DIR) ---------------------------------------------------------


@realdata
def test_real_weather_dwd_cologne():
    df = read_table(Path(DATA_DIR) / "koeln" / "weather-dwd-2667.csv")
    assert df.shape == (21126, 16)
    assert df.attrs["source"]["sep"] == ","
    assert df.attrs["source"]["decimal"] == "."
    assert df["Mess_Datum"].iloc[0] == 19570901
    assert df["LUFTTEMPERATUR"].iloc[0] == pytest.approx(14.4)
    assert pd.isna(df["SONNENSCHEINDAUER"].iloc[0])  # -999.0 in the file
    assert df.attrs["source"]["missing"]["SONNENSCHEINDAUER"] == 30
    assert df.attrs["source"]["missing"]["WINDSPITZE_MAXIMUM"] == 59
    assert df["SCHNEEHOEHE"].dtype == np.int64
    assert (df["LUFTTEMPERATUR"].dropna() > -30).all()  # no -999 left


@realdata
def test_real_fahrradzaehler_bw_gz():
    path = Path(DATA_DIR) / "fahrradzaehler_bw" / "fahrradzaehler_stundenwerte_202401.csv.gz"
    df = read_table(path, dates={"iso_timestamp": None})
    assert df.shape == (75565, 17)
    assert df.attrs["source"]["encoding"] == "utf-8"
    assert df.loc[0, "domain_name"] == "Stadt Tübingen"
    assert df.loc[0, "channels_all"] == 138
    assert df["channels_all"].dtype == np.int64
    assert df["channels_in"].dtype == np.float64  # 'na' values
    assert df.attrs["source"]["missing"]["channels_unknown"] == 71107
    assert df.attrs["source"]["missing"]["site_snow_accumulation"] == 75565
    assert df.loc[0, "iso_timestamp"] == pd.Timestamp("2024-01-01 00:00", tz="Europe/Berlin")
    assert df["counter_site_id"].nunique() > 50


@realdata
def test_real_konstanz_solar():
    df = read_table(Path(DATA_DIR) / "konstanz_in_zahlen" / "umwelt" / "solar.csv")
    assert list(df.columns) == ["jahr", "neu", "bestand"]
    assert df["jahr"].tolist() == list(range(2018, 2026))
    assert df["jahr"].dtype == np.int64
    assert df["neu"].dtype == np.float64
    assert df.set_index("jahr").loc[2023, "neu"] == 6173.0
    assert df["bestand"].iloc[-1] == 37760.0


@realdata
def test_real_mastr_muenster():
    path = Path(DATA_DIR) / "mastr_muenster" / "alle-anlagen-muenster.csv"
    df = read_table(path, keep_str=["Plz"])
    assert df.shape == (12240, 23)
    assert (df["EnergietraegerName"] == "Solare Strahlungsenergie").sum() == 12192
    assert (df["EnergietraegerName"] == "Wind").sum() == 48
    assert df["Ort"].iloc[0] == "Münster"
    assert df["Plz"].nunique() == 16 and df["Plz"].iloc[0] == "48159"
    assert df.loc[0, "Bruttoleistung"] == pytest.approx(0.83)
    assert "Flur 4, Flurstück 19" in set(df["Flurstueck"].dropna())  # quoted comma
    # three commissioning dates are .NET JSON dates such as '/Date(-1429660800000)/'
    with pytest.raises(TableFormatError) as exc:
        read_table(path, dates={"InbetriebnahmeDatum": None})
    _assert_bilingual(exc, "line 1808", "'/Date(-1429660800000)/'")


def test_code_columns_stay_text_by_default(tmp_path):
    from urbanki_helpers.data.tables import is_code_column

    path = tmp_path / "plz.csv"
    path.write_text("PLZ;AGS;Anzahl\n48143;05515000;3\n48149;05515000;4\n", encoding="utf-8")
    df = read_table(path)
    assert df["PLZ"].tolist() == ["48143", "48149"] and df["AGS"].tolist() == ["05515000"] * 2
    assert df["Anzahl"].sum() == 7
    assert read_table(path, numeric=["PLZ"])["PLZ"].tolist() == [48143, 48149]
    assert is_code_column("Gemeindeschlüssel") and is_code_column("plz")
    assert not is_code_column("Plz_Anteil") and not is_code_column("Anzahl")


def test_require_columns_names_missing_and_available(tmp_path):
    from urbanki_helpers.data.tables import require_columns

    df = pd.DataFrame({"datum": [1], "anzahl": [2]})
    require_columns(df, ["datum"], name="besuche.csv")
    with pytest.raises(TableFormatError) as info:
        require_columns(df, ["datum", "besuche"], name="besuche.csv")
    assert info.value.message_de.startswith("besuche.csv: Es fehlen die Spalten besuche; die "
                                            "Datei hat: datum, anzahl.")


def test_row_lines_point_to_the_line_where_each_row_starts(tmp_path):
    from urbanki_helpers.data.tables import row_lines

    path = tmp_path / "t.csv"
    path.write_bytes('a;b\n1;x\n\n2;"zwei\nZeilen"\n3;y\n'.encode("cp1252"))
    table = read_table(path)
    assert row_lines(table) == [2, 4, 6]
    assert row_lines(table.iloc[[0, 2]]) == [2, 6]
    with pytest.raises(ParameterError):
        row_lines(pd.DataFrame({"a": [1]}))


def test_require_frame_names_the_type_and_the_missing_columns():
    import pandas as pd
    import pytest

    from urbanki_helpers.data.tables import require_frame
    from urbanki_helpers.errors import DataError, ParameterError

    table = pd.DataFrame({"a": [1]})
    assert require_frame(table, "t", ["a"]) is table
    with pytest.raises(ParameterError) as err:
        require_frame([1], "t", ["a"], hint_de="Nutzen Sie f.")
    assert err.value.message_de == "t muss eine Tabelle (DataFrame) sein, nicht list. Nutzen Sie f."
    with pytest.raises(DataError) as err:
        require_frame(table, "t", ["a", "b", "c"])
    assert str(err.value) == "t lacks the column(s) b, c." and "fehlen die Spalten b, c" in \
        err.value.message_de
