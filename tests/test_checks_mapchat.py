"""The exercise checks of notebook 08 recognise right answers and typical mistakes."""

from __future__ import annotations

import pytest

from urbanki_helpers.checks import mapchat as checks
from urbanki_helpers.citylayers import load_city_layers


@pytest.fixture(scope="module")
def stadt():
    return load_city_layers("musterstadt")


def ns(stadt, **extra):
    bezirk = stadt.areas.loc[stadt.areas["level"] == "Stadtbezirk", "name"].iloc[0]
    return {"stadt": stadt, "bezirk": bezirk, **extra}


def test_aufgabe_1_direct_count_and_typical_mistakes(stadt):
    f = stadt.facilities
    base = ns(stadt)
    right = int(((f["layer"] == "defibrillator") & (f["stadtbezirk"] == base["bezirk"])).sum())
    assert checks.aufgabe_1({**base, "anzahl_direkt": right}).passed
    all_aeds = int((f["layer"] == "defibrillator").sum())
    assert "alle Defibrillatoren der Stadt" in \
        checks.aufgabe_1({**base, "anzahl_direkt": all_aeds}).message
    assert "alle Einrichtungen" in checks.aufgabe_1({**base, "anzahl_direkt": len(f)}).message
    # A spatial join across two CRS (or a misspelt name) finds nothing.
    assert right > 0 and "Koordinatenbezugssystem" in \
        checks.aufgabe_1({**base, "anzahl_direkt": 0}).message
    # The answer to the notebook's default question (Stadtteil Altstadt, part of the Bezirk):
    altstadt = int(((f["layer"] == "defibrillator") & (f["stadtteil"] == "Altstadt")).sum())
    assert (altstadt, right) == (15, 26)
    fb = checks.aufgabe_1({**base, "anzahl_direkt": altstadt})
    assert not fb.passed and "Zahl eines Stadtteils" in fb.message


def test_aufgabe_2_needs_one_misunderstood_and_one_understood_question(stadt):
    good = "Wie viele Schulen gibt es im Stadtteil Altstadt?"
    bad = "Was geht heute Abend?"
    assert checks.aufgabe_2(ns(stadt, frage_unverstanden=bad, frage_verstanden=good)).passed
    assert not checks.aufgabe_2(ns(stadt, frage_unverstanden=good, frage_verstanden=good)).passed
    assert not checks.aufgabe_2(ns(stadt, frage_unverstanden=bad, frage_verstanden=bad)).passed
