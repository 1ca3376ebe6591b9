"""Keyed pseudonymisation of account names and addresses."""

from __future__ import annotations

import os
import pickle
import re

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers.errors import DataError
from urbanki_helpers.privacy import Pseudonymizer, pseudonymize

NAMES = pd.Series(["mueller.anna", "schmidt.jan", "mueller.anna", None], name="konto",
                  index=[10, 11, 12, 13])


def test_pseudonyms_are_stable_short_and_keep_the_index():
    p = pseudonymize(NAMES, key="geheim")
    assert p.index.tolist() == [10, 11, 12, 13] and p.name == "konto"
    assert re.fullmatch(r"K-[0-9a-f]{8}", p[10])
    assert p[10] == p[12] != p[11]
    assert p[13] is None
    assert p.equals(pseudonymize(NAMES, key=b"geheim"))
    assert pseudonymize(["mueller.anna"], key="geheim")[0] == p[10]


def test_pseudonyms_depend_on_the_key_and_hide_the_original():
    a = pseudonymize(NAMES.dropna(), key="schluessel-1")
    b = pseudonymize(NAMES.dropna(), key="schluessel-2")
    assert not (a == b).any()
    for original, pseudonym in zip(NAMES.dropna(), a, strict=True):
        assert original not in pseudonym and "mueller" not in pseudonym
    ip = pseudonymize(["10.0.0.5"], key="k", prefix="IP", length=12)
    assert re.fullmatch(r"IP-[0-9a-f]{12}", ip[0])


def test_bad_key_or_length():
    with pytest.raises(DataError) as err:
        pseudonymize(NAMES, key="")
    assert "Schlüssel" in err.value.message_de
    with pytest.raises(DataError):
        pseudonymize(NAMES, key="k", length=2)


def test_pseudonymizer_mapping_stays_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    pz = Pseudonymizer()
    p = pz.pseudonymize(NAMES)
    again = pz.pseudonymize(pd.Series(["schmidt.jan"]))
    assert again[0] == p[11]
    m = pz.mapping()
    assert list(m.columns) == ["original", "pseudonym"]
    assert m.set_index("original")["pseudonym"].to_dict() == {
        "mueller.anna": p[10], "schmidt.jan": p[11]}
    assert set(os.listdir(tmp_path)) == before  # nothing written
    assert pz._key.hex() not in repr(pz) and "mueller" not in repr(pz)
    with pytest.raises(TypeError):
        pickle.dumps(pz)
    # a random key: another Pseudonymizer gives other pseudonyms
    assert Pseudonymizer().pseudonymize(NAMES)[10] != p[10]
    # a given key reproduces pseudonymize()
    assert Pseudonymizer(key="geheim").pseudonymize(NAMES).equals(
        pseudonymize(NAMES, key="geheim"))


def test_many_values_unique_and_fast():
    values = np.char.add("konto", np.arange(20_000).astype(str))
    p = pseudonymize(np.tile(values, 10), key="k", length=12)
    assert p.nunique() == 20_000
