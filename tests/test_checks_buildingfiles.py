"""The exercise checks of notebook 09."""

from __future__ import annotations

import datetime as dt

from urbanki_helpers.checks import buildingfiles as bf


def test_aufgabe_1():
    assert "az_kanonisch" in bf.aufgabe_1({}).message
    assert bf.aufgabe_1({"az_kanonisch": "B 1619/50"}).passed
    assert "Scan" in bf.aufgabe_1({"az_kanonisch": "B.1619/50"}).message
    assert not bf.aufgabe_1({"az_kanonisch": "B1619"}).passed
    assert not bf.aufgabe_1({"az_kanonisch": None}).passed


def test_aufgabe_2():
    assert bf.aufgabe_2({"letztes_datum": dt.date(1958, 2, 28)}).passed
    assert bf.aufgabe_2({"letztes_datum": "1958-02-28"}).passed
    assert "erste" in bf.aufgabe_2({"letztes_datum": dt.date(1956, 11, 12)}).message
    assert "nicht das späteste" in bf.aufgabe_2({"letztes_datum": dt.date(1957, 4, 3)}).message
    assert "JJJJ-MM-TT" in bf.aufgabe_2({"letztes_datum": "28.2.1958"}).message
