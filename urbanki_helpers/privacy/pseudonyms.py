"""Pseudonymisation of personal identifiers (account names, IP addresses) before analysis.

Pseudonyms are keyed HMAC-SHA256 digests (RFC 2104), shortened to ``length`` hex digits: the same
value and key always give the same pseudonym, so tables can still be joined, but without the key
nobody can compute or reverse them (unlike a plain hash, which anyone can recompute for a list of
known account names). Under the GDPR pseudonymised data remain personal data (Art. 4 No. 5); the
key and the table of originals belong to the data protection officer and are never written to disk
by this module.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import numpy as np
import pandas as pd

from urbanki_helpers.errors import DataError

__all__ = ["Pseudonymizer", "pseudonymize"]


def _key_bytes(key: bytes | str) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray) or len(key) == 0:
        raise DataError(
            "key must be a non-empty bytes or str value",
            message_de="Der Schlüssel (key) fehlt oder ist leer. Geben Sie einen geheimen "
                       "Schlüssel als Text oder Bytes an, z. B. key=secrets.token_bytes(32).",
        )
    return bytes(key)


def _check_length(length: int) -> int:
    if not isinstance(length, int | np.integer) or not 4 <= length <= 64:
        raise DataError(
            f"length must be an integer between 4 and 64, got {length!r}",
            message_de=f"length={length!r} ist nicht erlaubt: Die Länge des Pseudonyms muss eine "
                       "ganze Zahl zwischen 4 und 64 (Hex-Zeichen) sein.",
        )
    return int(length)


def pseudonymize(values, *, key: bytes | str, prefix: str = "K", length: int = 8) -> pd.Series:
    """Replace each value by a stable keyed pseudonym such as ``"K-3f9a1c2b"``.

    Parameters
    ----------
    values:
        Identifiers (Series, list or array); they are compared as text (``str(value)``).
        Missing values stay missing.
    key:
        Secret key (bytes, or text encoded as UTF-8). Different keys give unrelated pseudonyms.
    prefix:
        Text before the digest, e.g. ``"K"`` for Konto, ``"IP"`` for addresses.
    length:
        Hex digits of HMAC-SHA256 kept (4–64). 8 digits (32 bit) give fewer than 1 collision
        in 100 among 10,000 distinct values; use more for larger sets.

    Returns
    -------
    Series of pseudonyms, with the index and name of ``values`` if it is a Series.
    """
    key = _key_bytes(key)
    length = _check_length(length)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    digests = np.array(
        [f"{prefix}-" + hmac.new(key, str(u).encode("utf-8"), hashlib.sha256).hexdigest()[:length]
         for u in uniques] + [None],  # last entry: missing value (code -1)
        dtype=object,
    )
    out = digests[codes] if len(codes) else np.array([], dtype=object)
    return pd.Series(out, index=series.index, name=series.name, dtype=object)


class Pseudonymizer:
    """Pseudonymise with a key kept only in memory, and remember originals for re-identification.

    Parameters
    ----------
    key:
        Secret key; ``None`` draws a random 32-byte key that exists only in this object
        (pseudonyms then differ between Python sessions).
    prefix, length:
        As in :func:`pseudonymize`.

    Nothing is written to disk: :meth:`mapping` returns the table of originals for the data
    protection officer, who decides whether and where to store it.
    """

    def __init__(self, key: bytes | str | None = None, *, prefix: str = "K", length: int = 8):
        self._key = secrets.token_bytes(32) if key is None else _key_bytes(key)
        self.prefix = prefix
        self.length = _check_length(length)
        self._seen: dict[str, str] = {}

    def __repr__(self) -> str:  # never show the key
        return f"Pseudonymizer(prefix={self.prefix!r}, length={self.length}, n_seen={len(self._seen)})"

    def __getstate__(self):
        raise TypeError("Pseudonymizer holds a secret key and cannot be pickled")

    def pseudonymize(self, values) -> pd.Series:
        """Pseudonyms of ``values`` (see :func:`pseudonymize`); the pairs are remembered.

        Raises :class:`DataError` if two different originals would share a pseudonym.
        """
        out = pseudonymize(values, key=self._key, prefix=self.prefix, length=self.length)
        series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        pairs = pd.DataFrame({"original": series.to_numpy(), "pseudonym": out.to_numpy()})
        pairs = pairs.dropna().drop_duplicates()
        used = {p: o for o, p in self._seen.items()}
        for original, pseudonym in zip(pairs["original"].astype(str), pairs["pseudonym"],
                                       strict=True):
            other = used.get(pseudonym)
            if other is not None and other != original:
                raise DataError(
                    f"pseudonym collision between two values; use a larger length than {self.length}",
                    message_de="Zwei verschiedene Werte haben dasselbe Pseudonym erhalten. "
                               f"Wählen Sie eine größere Länge als length={self.length}.",
                )
            used[pseudonym] = original
            self._seen[original] = pseudonym
        return out

    def mapping(self) -> pd.DataFrame:
        """Table ``original``, ``pseudonym`` of all values seen so far (for the data protection
        officer only; keep it apart from the pseudonymised data)."""
        return (pd.DataFrame(list(self._seen.items()), columns=["original", "pseudonym"])
                .sort_values("original", ignore_index=True))
