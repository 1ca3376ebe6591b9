"""Inventory loader: valid rows, and bad rows reported with line numbers (never dropped)."""

from __future__ import annotations

import pytest

from urbanki_helpers.errors import TableFormatError
from urbanki_helpers.itsec.inventory import INVENTORY_COLUMNS, load_inventory

HEADER = "asset_id;vendor;product;version;exposure;criticality;department\n"


def write(tmp_path, text, name="inventar.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_valid_inventory_keeps_text_values(tmp_path):
    path = write(tmp_path, HEADER
                 + "0001;Microsoft;MS Exchange 2019;CU12;Internet;Hoch;Hauptamt\n"
                 + "0002;Fortinet;FortiGate 60F FortiOS 7.2;7.10;intern; mittel ;IT\n")
    valid, invalid = load_inventory(path)
    assert invalid.empty
    assert list(valid.columns) == [*INVENTORY_COLUMNS, "department"]
    assert valid["asset_id"].tolist() == ["0001", "0002"]  # leading zeros kept
    assert valid["version"].tolist() == ["CU12", "7.10"]  # not parsed as the number 7.1
    assert valid["exposure"].tolist() == ["internet", "intern"]
    assert valid["criticality"].tolist() == ["hoch", "mittel"]


def test_department_is_optional(tmp_path):
    path = write(tmp_path, "asset_id,vendor,product,version,exposure,criticality\n"
                           "A1,VMware,vCenter 7,7.0,intern,hoch\n")
    valid, invalid = load_inventory(path)
    assert invalid.empty
    assert valid.loc[0, "product"] == "vCenter 7"
    assert valid["department"].isna().all()


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    path = write(tmp_path, HEADER
                 + "A1;Microsoft;Exchange Server 2016;;internet;hoch;Hauptamt\n"   # line 2 ok
                 + "A2;Citrix;Citrix ADC 13.1;13.1;dmz;hoch;IT\n"                 # 3 exposure
                 + "\n"                                                           # 4 blank
                 + "A1;Microsoft;Windows 10;22H2;intern;mittel;Schulamt\n"         # 5 duplicate
                 + "A3;;;;intern;niedrig;IT\n"                                    # 6 no vendor/product
                 + "A4;HSH;VOIS|MESO;;intern;sehr hoch;Bürgerbüro\n"               # 7 criticality
                 + ";Cisco;IOS XE;17.3;intern;hoch;IT\n"                          # 8 no id
                 + "A5;VMware;vCenter 7;7;intern;hoch;IT\n")                      # 9 ok
    valid, invalid = load_inventory(path)
    assert valid["asset_id"].tolist() == ["A1", "A5"]
    assert valid.loc[0, "product"] == "Exchange Server 2016"  # first occurrence kept
    assert invalid["line"].tolist() == [3, 5, 6, 7, 8]
    reasons = dict(zip(invalid["line"], invalid["reason"], strict=True))
    assert "exposure 'dmz' unbekannt" in reasons[3] and "internet, intern" in reasons[3]
    assert "doppelt (zuerst in Zeile 2)" in reasons[5]
    assert "Hersteller und Produkt fehlen" in reasons[6]
    assert "criticality 'sehr hoch' unbekannt" in reasons[7]
    assert "asset_id fehlt" in reasons[8]
    assert len(valid) + len(invalid) == 7  # nothing silently dropped
    assert invalid.loc[0, "product"] == "Citrix ADC 13.1"  # the row's values are kept


def test_several_reasons_in_one_row(tmp_path):
    path = write(tmp_path, HEADER + "A1;;;;extern;kritisch;IT\n")
    valid, invalid = load_inventory(path)
    assert valid.empty
    reason = invalid.loc[0, "reason"]
    assert "Hersteller und Produkt" in reason and "extern" in reason and "kritisch" in reason


def test_missing_column_names_it(tmp_path):
    path = write(tmp_path, "asset_id;vendor;product;version;criticality\nA1;MS;Exchange;;hoch\n")
    with pytest.raises(TableFormatError) as info:
        load_inventory(path)
    assert "exposure" in str(info.value)
    assert "exposure" in info.value.message_de and "fehlen" in info.value.message_de


def test_cp1252_excel_export(tmp_path):
    path = write(tmp_path, HEADER + "A1;Microsoft;Exchange 2019;;intern;hoch;Bürgerbüro\n",
                 encoding="cp1252")
    valid, invalid = load_inventory(path)
    assert invalid.empty
    assert valid.loc[0, "department"] == "Bürgerbüro"
