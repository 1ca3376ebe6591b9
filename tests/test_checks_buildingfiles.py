"""The exercise checks of notebook 09 recognise right answers and typical mistakes."""

from __future__ import annotations

import datetime as dt

from urbanki_helpers.checks import buildingfiles as bf


def test_aufgabe_1_canonical_file_number_and_typical_mistakes():
    assert "az_kanonisch" in bf.aufgabe_1({}).message
    assert bf.aufgabe_1({"az_kanonisch": "B 1619/50"}).passed
    cases = {"B.1619/50": "Scan",              # kept as the OCR read it
             "": "kein bekanntes Format",       # normalise_aktenzeichen found nothing
             " B 1619/50": "Leerzeichen",       # stray whitespace
             "B1619/50": "genau ein Leerzeichen nach dem „B“",
             "B 1619/1950": "zweistellig",      # year expanded
             "B1619": "Noch nicht",
             None: "soll ein Text sein"}
    for value, phrase in cases.items():
        fb = bf.aufgabe_1({"az_kanonisch": value})
        assert not fb.passed and phrase in fb.message, (value, fb.message)


def test_aufgabe_2_latest_date_and_typical_mistakes():
    # SCHREIBEN names 3 April 1957, 28.2.58 and 12.11.1956, in this order.
    assert bf.aufgabe_2({"letztes_datum": dt.date(1958, 2, 28)}).passed
    assert bf.aufgabe_2({"letztes_datum": "1958-02-28"}).passed
    assert bf.aufgabe_2({"letztes_datum": dt.datetime(1958, 2, 28, 9, 0)}).passed
    cases = {dt.date(1957, 4, 3): "erste Datum im Text",
             dt.date(1956, 11, 12): "das früheste Datum – und zugleich das letzte im Text",
             (81, dt.date(1956, 11, 12)): "Paar (Position, Datum)",  # max(find_dates(...))
             dt.date(2058, 2, 28): "nicht zu 2058",
             "28.2.1958": "JJJJ-MM-TT",
             dt.date(1958, 3, 1): "Noch nicht"}
    for value, phrase in cases.items():
        fb = bf.aufgabe_2({"letztes_datum": value})
        assert not fb.passed and phrase in fb.message, (value, fb.message)
