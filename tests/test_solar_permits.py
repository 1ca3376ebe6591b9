"""Reading a permit register: every row is valid or listed as invalid with its line and a German
reason; missing columns fail for the whole file; results are written as German CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from urbanki_helpers.data.tables import read_table
from urbanki_helpers.errors import DataError
from urbanki_helpers.solar.permits import (
    INVALID_COLUMNS,
    REGISTER_COLUMNS,
    read_permits,
    write_results,
)
from urbanki_helpers.solar.rules import DECISION_COLUMNS, check_register

HEADER = ";".join(REGISTER_COLUMNS) + ";gebaeude_id"
# Valid rows (line 2 onwards) and, after them, one invalid row per kind with its reason.
VALID = [
    "V01;nichtwohngebaeude;neubau;bauantrag;2024-01-02;2024-05-06;500;600,5;;0;privat;;G001",
    "V02;wohngebaeude;neubau;bauantrag;2025-01-01;;150;160;;1;privat;;",
    "V03;wohngebaeude;dacherneuerung;freistellung;;2026-01-02;150;160;100,5;4;privat;;G017",
    "V04;wohngebaeude;dacherneuerung;bauantrag;;2024-07-01;150;160;;2;kommunal;;",
    "V05;nichtwohngebaeude;neubau;freistellung;;02.01.2024;50,5;70;;;land;;",
    "V06;wohngebaeude;reparatur;bauantrag;;;150;160;;1;privat;denkmalschutz;",
    "V07;wohngebaeude;dacherneuerung;freistellung;;2026-03-02;150;160;100;1;privat;"
    "dach_ungeeignet;",
]
INVALID = [
    ("X01;gebaeudeart_x;neubau;bauantrag;2024-05-06;;500;600;;0;privat;;",
     "gebaeudeart: unbekannter Wert 'gebaeudeart_x' (erlaubt: wohngebaeude, nichtwohngebaeude)"),
    ("X02;wohngebaeude;anbau;bauantrag;2024-05-06;;150;160;;1;privat;;",
     "massnahme: unbekannter Wert 'anbau' (erlaubt: neubau, dacherneuerung, reparatur)"),
    ("X03;wohngebaeude;neubau;vereinfacht;2025-05-06;;150;160;;1;privat;;",
     "verfahren: unbekannter Wert 'vereinfacht' (erlaubt: bauantrag, freistellung)"),
    ("X04;wohngebaeude;neubau;bauantrag;2025-05-06;;150;160;;1;bund;;",
     "eigentum: unbekannter Wert 'bund' (erlaubt: privat, kommunal, land)"),
    ("X05;wohngebaeude;neubau;bauantrag;2025-05-06;;150;160;;1;privat;asbest;",
     "besonderheit: unbekannter Wert 'asbest'"),
    ("X06;wohngebaeude;neubau;bauantrag;2025-02-30;;150;160;;1;privat;;",
     "antragsdatum: '2025-02-30' ist kein gültiges Datum (erwartet JJJJ-MM-TT"),
    ("X07;wohngebaeude;dacherneuerung;freistellung;;2205-03-01;150;160;;1;privat;;",
     "baubeginn: '2205-03-01' liegt außerhalb des plausiblen Bereichs 01.01.1900 bis 31.12.2099"),
    ("X08;wohngebaeude;neubau;bauantrag;1899-12-31;;150;160;;1;privat;;",
     "antragsdatum: '1899-12-31' liegt außerhalb des plausiblen Bereichs"),
    ("X09;wohngebaeude;neubau;bauantrag;;2025-05-06;150;160;;1;privat;;",
     "antragsdatum fehlt (bei einem Neubau mit Bauantrag maßgeblich"),
    ("X10;wohngebaeude;dacherneuerung;bauantrag;2025-05-06;;150;160;;1;privat;;",
     "baubeginn fehlt (bei einer Dacherneuerung maßgeblich"),
    ("X11;nichtwohngebaeude;neubau;freistellung;;;150;160;;0;privat;;",
     "baubeginn fehlt (bei der Genehmigungsfreistellung maßgeblich"),
    ("X12;wohngebaeude;neubau;bauantrag;2025-05-06;;-150;160;;1;privat;;",
     "nutzflaeche_m2: '-150' ist negativ"),
    ("X13;wohngebaeude;neubau;bauantrag;2025-05-06;;150;ca. 160;;1;privat;;",
     "bruttodachflaeche_m2: 'ca. 160' ist keine Zahl"),
    ("X14;wohngebaeude;dacherneuerung;freistellung;;2026-05-06;150;160;170,5;1;privat;;",
     "nettodachflaeche_m2 (170,5 m²) ist größer als bruttodachflaeche_m2 (160 m²)"),
    ("X15;wohngebaeude;neubau;bauantrag;2025-05-06;;150;160;;2,5;privat;;",
     "wohneinheiten: '2,5' ist keine ganze Zahl"),
    ("X16;wohngebaeude;neubau;bauantrag;2025-05-06;;150;160;;-1;privat;;",
     "wohneinheiten: '-1' ist negativ"),
    ("V01;wohngebaeude;neubau;bauantrag;2025-05-06;;150;160;;1;privat;;",
     "vorgang_id 'V01' kommt mehrfach vor (Zeilen 2, 25)"),
]


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def register(tmp_path):
    lines = [HEADER, *VALID, *(row for row, _ in INVALID)]
    return read_permits(write_csv(tmp_path / "register.csv", lines))


def test_each_kind_of_invalid_row_is_listed_with_its_line_and_german_reason(register):
    inv = register.invalid
    assert tuple(inv.columns[:3]) == INVALID_COLUMNS
    # the first V01 (line 2) is invalid too: which of the two entries is right is unclear
    expected = {2: "vorgang_id 'V01' kommt mehrfach vor (Zeilen 2, 25)"}
    expected |= {len(VALID) + 2 + i: reason for i, (_, reason) in enumerate(INVALID)}
    assert sorted(inv["zeile"]) == sorted(expected)
    for line, reason in expected.items():
        fehler = inv.loc[inv["zeile"] == line, "fehler"].item()
        assert reason in fehler, (line, fehler)
        assert "; " not in fehler  # exactly one reason per row here
    assert list(inv.loc[inv["zeile"] == 14, "vorgang_id"]) == ["X06"]
    assert inv.loc[inv["zeile"] == 14, "antragsdatum"].item() == "2025-02-30"  # value as read


def test_every_row_is_either_valid_or_invalid_and_valid_rows_are_parsed(register):
    assert len(register.valid) + len(register.invalid) == len(VALID) + len(INVALID)
    valid = register.valid
    assert list(valid["vorgang_id"]) == ["V02", "V03", "V04", "V05", "V06", "V07"]
    assert list(valid.columns) == [*REGISTER_COLUMNS, "gebaeude_id"]
    assert str(valid["antragsdatum"].dtype).startswith("datetime64")
    assert valid["nettodachflaeche_m2"].tolist()[1] == 100.5  # decimal comma
    assert valid.loc[valid["vorgang_id"] == "V05", "baubeginn"].item() == pd.Timestamp(
        "2024-01-02")  # German date format accepted
    assert str(valid["wohneinheiten"].dtype) == "Int64"
    assert valid.loc[valid["vorgang_id"] == "V03", "gebaeude_id"].item() == "G017"
    assert register.notes[0] == "24 Zeilen gelesen: 6 gültig, 18 ungültig."
    assert any("gebaeude_id" in n for n in register.notes)


def test_valid_rows_are_checked(register):
    out = check_register(register.valid).set_index("vorgang_id")
    assert out["pflicht"].to_dict() == {"V02": "nein", "V03": "ja", "V04": "ja", "V05": "ja",
                                        "V06": "nein", "V07": "pruefen"}
    assert out.loc["V03", "alternative_mindestleistung_kwp"] == 4.0
    assert out.loc["V03", "mindestflaeche_pv_m2"] == pytest.approx(30.15)
    assert out.loc["V05", "mindestflaeche_pv_m2"] == pytest.approx(21.0)
    assert out.loc["V04", "grund"] == "dacherneuerung_kommunal_ab_stichtag"


def test_several_problems_of_one_row_are_joined(tmp_path):
    path = write_csv(tmp_path / "r.csv", [
        HEADER, "A;buero;neubau;bauantrag;2025-02-30;;-1;160;;x;privat;;"])
    fehler = read_permits(path).invalid["fehler"].item()
    assert fehler.count("; ") == 3
    assert fehler.startswith("gebaeudeart: unbekannter Wert 'buero'")


def test_missing_columns_fail_for_the_whole_file(tmp_path):
    cols = [c for c in REGISTER_COLUMNS if c not in ("baubeginn", "eigentum")]
    path = write_csv(tmp_path / "r.csv", [";".join(cols), ";".join(["1"] * len(cols))])
    with pytest.raises(DataError) as info:
        read_permits(path)
    assert "Im Bauantragsregister fehlen die Spalten baubeginn, eigentum" in info.value.message_de


def test_line_numbers_count_blank_lines_and_cp1252_is_read(tmp_path):
    lines = [HEADER, VALID[1], "", "X;wohngebaeude;neubau;bauantrag;2025-05-06;;-5;160;;1;"
             "kommunal;;Gebäude Süd"]
    reg = read_permits(write_csv(tmp_path / "r.csv", lines, encoding="cp1252"))
    assert reg.invalid["zeile"].tolist() == [4]
    assert reg.invalid["gebaeude_id"].item() == "Gebäude Süd"


def test_dates_after_the_register_stand_are_invalid(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *VALID])
    reg = read_permits(path, stand="2025-12-31")
    assert reg.invalid["vorgang_id"].tolist() == ["V03", "V07"]
    assert reg.invalid["fehler"].iloc[0] == ("baubeginn: '2026-01-02' liegt nach dem Stand des "
                                             "Registers (31.12.2025)")


def test_write_results_writes_german_csv_files(register, tmp_path):
    decisions = check_register(register.valid)
    out = tmp_path / "ergebnis" / "neu"
    result, invalid = write_results(decisions, register.invalid, out)
    assert (result.name, invalid.name) == ("solarpflicht_pruefung.csv",
                                          "solarpflicht_ungueltige_zeilen.csv")
    raw = result.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    back = read_table(result)
    assert list(back.columns) == list(DECISION_COLUMNS)
    assert back["mindestflaeche_pv_m2"].dropna().tolist() == \
        decisions["mindestflaeche_pv_m2"].dropna().tolist()
    assert len(read_table(invalid)) == len(register.invalid)
    assert sorted(p.name for p in out.iterdir()) == [
        "solarpflicht_pruefung.csv", "solarpflicht_ungueltige_zeilen.csv"]  # no temporary files


def test_write_results_checks_its_inputs(register, tmp_path):
    with pytest.raises(DataError, match="check_register"):
        write_results(register.valid, register.invalid, tmp_path)
    with pytest.raises(DataError):
        write_results(check_register(register.valid), "invalid.csv", tmp_path)


def test_an_empty_path_reads_the_musterstadt_register():
    default = read_permits()
    assert (len(default.valid), len(default.invalid)) == (255, 60)
    assert read_permits("").valid.equals(default.valid)
