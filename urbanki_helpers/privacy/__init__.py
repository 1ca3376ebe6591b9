"""Data protection helpers: keyed pseudonyms, masking of personal data in German text, and
small-cell suppression for published tables.

- :mod:`.pseudonyms`: :func:`pseudonymize`, :class:`Pseudonymizer` (account names, IP addresses)
- :mod:`.text`: :func:`mask_personal_data`, :func:`mask_texts`, :class:`PersonalDataMasker` (letters, free text)
- :mod:`.suppression`: :func:`suppress_small_cells` (counts before publication)
"""

from urbanki_helpers.privacy.pseudonyms import Pseudonymizer, pseudonymize
from urbanki_helpers.privacy.suppression import suppress_small_cells
from urbanki_helpers.privacy.text import (
    CATEGORIES,
    MaskResult,
    PersonalDataMasker,
    PseudonymMapping,
    leaked_names,
    mask_personal_data,
    mask_texts,
)

__all__ = [
    "CATEGORIES",
    "MaskResult",
    "PersonalDataMasker",
    "PseudonymMapping",
    "Pseudonymizer",
    "leaked_names",
    "mask_personal_data",
    "mask_texts",
    "pseudonymize",
    "suppress_small_cells",
]
