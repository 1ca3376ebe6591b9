"""The land-cover classes of the aerial-image use cases, with their German names and colours.

Class codes are the values of the label rasters (0 = no data). The sealing factors are the
share of a class's area that counts as sealed for the split wastewater fee (gesplittete
Abwassergebühr). They are *example values* in the range found in municipal fee statutes
(Gebührensatzungen); every municipality sets its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from urbanki_helpers.errors import ParameterError

__all__ = ["CLASSES", "CLASS_SETS", "NODATA", "LandCover", "apply_class_set", "by_key",
           "class_set_codes", "class_table", "codes", "names_de",
           "sealing_factor"]

NODATA = 0  # label value of pixels without a class


@dataclass(frozen=True)
class LandCover:
    """One class: ``code`` in the label raster, ``key`` (English, for record keys), German
    ``name_de``, whether it is sealed for the fee, the example ``sealing_factor`` (0–1) and a
    map colour."""

    code: int
    key: str
    name_de: str
    sealed: bool
    sealing_factor: float
    colour: str


CLASSES: tuple[LandCover, ...] = (
    LandCover(1, "roof", "Dach", True, 1.0, "#b5533c"),
    LandCover(2, "green_roof", "Gründach", True, 0.5, "#7fbf3f"),
    LandCover(3, "solar", "Solaranlage", True, 1.0, "#1f3a93"),
    LandCover(4, "sealed", "versiegelt", True, 1.0, "#8c8c8c"),
    LandCover(5, "partly_sealed", "teilversiegelt", True, 0.5, "#d9c89e"),
    LandCover(6, "vegetation", "Vegetation", False, 0.0, "#2e8b3a"),
    LandCover(7, "water", "Wasser", False, 0.0, "#3a8fd9"),
    LandCover(8, "shadow", "Schatten", False, 0.0, "#222222"),
)

_BY_CODE = {c.code: c for c in CLASSES}
_BY_KEY = {c.key: c for c in CLASSES}


def codes() -> list[int]:
    """All class codes, in order."""
    return [c.code for c in CLASSES]


def names_de(values=None) -> list[str]:
    """German names of the given class codes (all classes when ``values`` is None)."""
    values = codes() if values is None else values
    return [_BY_CODE[int(v)].name_de for v in values]


def sealing_factor(code: int) -> float:
    """Example sealing factor (0–1) of a class code."""
    return _BY_CODE[int(code)].sealing_factor


def by_key(key: str) -> LandCover:
    """The class with an English ``key`` such as ``"green_roof"``."""
    return _BY_KEY[key]


def class_table() -> pd.DataFrame:
    """The classes as a table with German column names, for notebooks."""
    return pd.DataFrame({
        "code": [c.code for c in CLASSES],
        "schluessel": [c.key for c in CLASSES],
        "klasse": [c.name_de for c in CLASSES],
        "versiegelt": ["ja" if c.sealed else "nein" for c in CLASSES],
        "faktor_gebuehr": [c.sealing_factor for c in CLASSES],
    })


#: Class sets a notebook can train on: name -> mapping of label codes (codes not listed stay).
#: ``gebuehr``: what the wastewater fee needs; a solar panel lies on a roof and counts as roof.
#: ``ohne_schatten``: shadow pixels are left out (label 0), so the model must always name a
#: surface, also in shadows, and shadows are neither trained nor evaluated.
CLASS_SETS: dict[str, dict[int, int]] = {
    "alle": {},
    "gebuehr": {3: 1},
    "ohne_schatten": {8: NODATA},
}


def apply_class_set(labels, name: str):
    """Labels recoded for the class set ``name`` (a new array; the input is not changed)."""
    if name not in CLASS_SETS:
        allowed = ", ".join(CLASS_SETS)
        raise ParameterError(
            f"Unknown class set {name!r}; allowed: {allowed}.",
            message_de=f"Unbekannter Klassensatz {name!r}; erlaubt: {allowed}.")
    out = np.array(labels, dtype=np.uint8, copy=True)
    for source, target in CLASS_SETS[name].items():
        out[np.asarray(labels) == source] = target
    return out


def class_set_codes(name: str) -> list[int]:
    """The class codes that remain in the class set ``name``."""
    mapping = CLASS_SETS[name]
    return [c for c in codes() if mapping.get(c, c) == c]
