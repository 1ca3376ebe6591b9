"""Read and write the tables of German open-data portals.

German CSV files come with ``;`` separators, decimal commas, cp1252 or UTF-8 with BOM and
``na`` or ``-999`` for missing values. :func:`read_table` detects these, reads every value as
text first, checks the shape line by line and only then converts columns. Every problem is
reported with file, line (1-based, header = line 1), column and value. How the file was read
is kept in ``df.attrs["source"]``.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterable, Mapping
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import DataError, ParameterError, TableFormatError, UrbanKIError

__all__ = ["MISSING_TOKENS", "read_table", "row_lines", "write_table"]

MISSING_TOKENS = ("", "na", "NA", "n/a", "N/A", "nan", "NaN", "-999", "-999.0", "-999,0", "-999,00")

_SEPARATORS = (";", ",", "\t", "|")
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 65536
_DECIMAL_SAMPLE = 200  # values per column looked at to detect the decimal mark
_LEGACY_ENCODINGS = {"cp1252", "iso8859-1", "iso8859-15", "latin-1"}
_UTF8_UMLAUT = re.compile(rb"\xc3[\x84\x96\x9c\x9f\xa4\xb6\xbc]")  # ÄÖÜßäöü in UTF-8

_EXP = r"(?:[eE][+-]?\d+)?"
_NUMBER_RE = {
    ".": rf"[+-]?(?:\d+(?:\.\d*)?|\.\d+){_EXP}",
    ",": rf"[+-]?(?:(?:\d+|\d{{1,3}}(?:\.\d{{3}})+)(?:,\d*)?|,\d+){_EXP}",
}
_INTEGER_RE = {
    ".": r"[+-]?\d+",
    ",": r"[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+)",
}
# One value, and a whole column joined with newlines (matched in one C-level call).
_NUMBER = {d: re.compile(r) for d, r in _NUMBER_RE.items()}
_NUMBER_COLUMN = {d: re.compile(rf"{r}(?:\n{r})*") for d, r in _NUMBER_RE.items()}
_INTEGER_COLUMN = {d: re.compile(rf"{r}(?:\n{r})*") for d, r in _INTEGER_RE.items()}
_LEADING_ZERO = re.compile(r"^0\d", re.MULTILINE)
_LONG_INTEGER = re.compile(r"\d{19}")
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+),\d+")
_POINT_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_THOUSANDS_ONLY = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


_CODE_COLUMN = re.compile(
    r"(plz|postleitzahl|ags|ars|rs|gkz|gemeindeschl(ue|ü)ssel|kreisschl(ue|ü)ssel|"
    r"regionalschl(ue|ü)ssel|amtlicher_gemeindeschl(ue|ü)ssel)",
    re.IGNORECASE,
)


def is_code_column(name: str) -> bool:
    """True for columns that hold codes, not quantities (postcode, AGS, ARS, ...).

    Codes keep their leading zeros and are never summed; ``48143`` as a postcode stays text.
    """
    return bool(_CODE_COLUMN.fullmatch(name.strip().replace(" ", "_").replace("-", "_")))


def read_table(
    path: str | os.PathLike,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    missing: Iterable[str] = MISSING_TOKENS,
    numeric: Iterable[str] | None = None,
    keep_str: Iterable[str] | None = None,
    dates: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """Read a CSV table (optionally ``.gz``) the way German open-data portals publish it.

    Parameters
    ----------
    path:
        CSV file; ``.gz`` files are decompressed.
    sep, decimal, encoding:
        Separator, decimal mark (``"."`` or ``","``) and text encoding; ``None`` detects them
        (encoding: BOM, else UTF-8, else cp1252; decimal: ``12,5``/``1.234,5`` vs ``12.5``).
    missing:
        Values (after stripping whitespace) that mean "no value"; they become NA.
    numeric:
        Columns that must be numeric; the first value that is no number raises an error.
    keep_str:
        Columns kept as text even if they look numeric. Well-known code columns (postcode,
        AGS, ARS, Gemeindeschlüssel: see :func:`is_code_column`) are kept as text by default;
        list them in ``numeric`` to force numbers.
    dates:
        ``{column: strptime format}``; ``None`` as format means ISO 8601. Mixed UTC offsets
        (summer/winter time) are converted to UTC.

    Returns
    -------
    DataFrame with numeric columns as int64 (all integral, none missing) or float64, codes with
    leading zeros (``05513000``) and other text as strings. ``attrs["source"]`` holds path,
    encoding, sep, decimal and the number of missing values per column.
    """
    path = Path(path)
    name = str(path)
    numeric = _as_list(numeric)
    keep_str = _as_list(keep_str)
    dates = dict(dates or {})
    _check_arguments(sep, decimal)

    raw = _read_bytes(path)
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise TableFormatError(
            f"{name} is an Excel workbook (or another zip/Office file), not a CSV text file. "
            "Save it as CSV (Excel: 'CSV UTF-8') or read it with pandas.read_excel.",
            message_de=f"{name} ist eine Excel-Arbeitsmappe (oder eine andere ZIP-/Office-"
            "Datei), keine CSV-Textdatei. Speichern Sie sie als CSV (Excel: 'CSV UTF-8 "
            "(durch Trennzeichen getrennt)') oder lesen Sie sie mit pandas.read_excel.",
        )
    text, encoding = _decode(raw, encoding, name)
    if not text.strip():
        raise TableFormatError(
            f"{name}: the file is empty. Check the download or export; a table needs a header "
            "line and at least one data line.",
            message_de=f"{name}: Die Datei ist leer. Prüfen Sie den Download oder Export; eine "
            "Tabelle braucht eine Kopfzeile und mindestens eine Datenzeile.",
        )
    if sep is None:
        sep = _detect_sep(text)
    header, rows, lines = _parse(text, sep, name)
    columns = _column_names(header)
    if not rows:
        raise TableFormatError(
            f"{name}: the file has only a header line (columns: {', '.join(columns)}) and no "
            "data lines. Check the export or the filter used to create it.",
            message_de=f"{name}: Die Datei hat nur eine Kopfzeile (Spalten: {', '.join(columns)}) "
            "und keine Datenzeilen. Prüfen Sie den Export oder den dabei verwendeten Filter.",
        )
    _check_columns(name, columns, numeric, keep_str, dates)

    missing_set = {str(token).strip() for token in missing}
    values = [_strip(list(map(itemgetter(i), rows))) for i in range(len(columns))]
    masks = [[v in missing_set for v in col] for col in values]
    if decimal is None:
        decimal = _detect_decimal(values, masks, sep)

    data: dict[str, pd.Series] = {}
    for col, vals, mask in zip(columns, values, masks, strict=True):
        if col in dates:
            data[col] = _to_dates(vals, mask, dates[col], name, col, lines)
        elif col in keep_str or (col not in numeric and is_code_column(col)):
            data[col] = _to_str(vals, mask)
        else:
            data[col] = _to_numeric_or_str(vals, mask, decimal, col in numeric, name, col, lines)
    df = pd.DataFrame(data)
    df.attrs["source"] = {
        "path": name,
        "encoding": encoding,
        "sep": sep,
        "decimal": decimal,
        "missing": {col: int(sum(mask)) for col, mask in zip(columns, masks, strict=True)},
    }
    return df


def row_lines(table: pd.DataFrame) -> list[int]:
    """Line in the file (1-based) where each data row of a table from :func:`read_table`
    starts, for messages that send users to the right line. Rows are found by their index
    label (read_table numbers them 0, 1, …), so a filtered table still points to the right
    lines. Blank lines are skipped the way :func:`read_table` skips them; the file is read
    again, so call it only when needed."""
    source = table.attrs.get("source")
    if not source:
        raise ParameterError(
            "row_lines needs a table read with read_table (attrs['source'] is missing).",
            message_de="row_lines braucht eine mit read_table gelesene Tabelle.")
    path = Path(source["path"])
    text, _ = _decode(_read_bytes(path), source["encoding"], str(path))
    lines = _LineNumbers(text, source["sep"])
    try:
        return [lines[int(i)] for i in table.index]
    except (IndexError, TypeError, ValueError):  # re-indexed after reading: one line per row
        return list(range(2, len(table) + 2))


def write_table(df: pd.DataFrame, path: str | os.PathLike, *, german: bool = False) -> Path:
    """Write ``df`` as CSV atomically and return the path (``.gz`` suffix: gzip-compressed).

    ``german=True`` writes the Excel-friendly German form: separator ``;``, decimal comma and
    UTF-8 with BOM; otherwise ``,``, ``.`` and UTF-8. Missing values are written as empty fields.
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(
            f"write_table needs a pandas DataFrame, got {type(df).__name__}.",
            message_de=f"write_table braucht einen pandas-DataFrame, erhalten: {type(df).__name__}.",
        )
    sep, decimal, encoding = (";", ",", "utf-8-sig") if german else (",", ".", "utf-8")
    target = Path(path)
    try:
        with atomic_path(target) as tmp:
            df.to_csv(tmp, index=False, sep=sep, decimal=decimal, encoding=encoding,
                      lineterminator="\n")
    except OSError as exc:
        raise UrbanKIError(
            f"Could not write the table to {target}: {exc}. Check that the folder exists and "
            "is writable and that the file is not open in another program.",
            message_de=f"Die Tabelle konnte nicht nach {target} geschrieben werden: {exc}. "
            "Prüfen Sie, ob der Ordner beschreibbar ist und die Datei nicht in einem anderen "
            "Programm (z. B. Excel) geöffnet ist.",
        ) from exc
    return target


# --- reading -------------------------------------------------------------------------------


def _as_list(columns: Iterable[str] | None) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def _check_arguments(sep: str | None, decimal: str | None) -> None:
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1):
        raise ParameterError(
            f"sep must be a single character such as ';' or ',', got {sep!r}. "
            "Pass sep=None to detect it.",
            message_de=f"sep muss ein einzelnes Zeichen wie ';' oder ',' sein, erhalten: {sep!r}. "
            "Mit sep=None wird das Trennzeichen erkannt.",
        )
    if decimal not in (None, ".", ","):
        raise ParameterError(
            f"decimal must be '.' or ',', got {decimal!r}. Pass decimal=None to detect it.",
            message_de=f"decimal muss '.' oder ',' sein, erhalten: {decimal!r}. Mit decimal=None "
            "wird das Dezimalzeichen erkannt.",
        )


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        what_de = "ist ein Ordner, keine Datei" if path.is_dir() else "existiert nicht"
        raise DataError(
            f"The table {path} {what}. Check the path (relative paths start in the notebook's "
            "folder) and the file name.",
            message_de=f"Die Tabelle {path} {what_de}. Prüfen Sie den Pfad (relative Pfade "
            "beginnen im Ordner des Notebooks) und den Dateinamen.",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"The table {path} could not be opened: {exc}. Check the file permissions.",
            message_de=f"Die Tabelle {path} konnte nicht geöffnet werden: {exc}. Prüfen Sie die "
            "Zugriffsrechte.",
        ) from exc
    if path.suffix.lower() == ".gz" or raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise TableFormatError(
                f"{path}: the gzip file is damaged or incomplete ({exc}). Download it again.",
                message_de=f"{path}: Die gzip-Datei ist beschädigt oder unvollständig ({exc}). "
                "Laden Sie sie erneut herunter.",
            ) from exc
    return raw


def _decode(raw: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """Decode ``raw``; detect the encoding if ``encoding`` is None."""
    if encoding is None:
        if raw.startswith(codecs.BOM_UTF8):
            return _decode_strict(raw, "utf-8-sig", name, detected=True), "utf-8-sig"
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _decode_strict(raw, "utf-16", name, detected=True), "utf-16"
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            if _UTF8_UMLAUT.search(raw):  # UTF-8 umlauts and invalid bytes in one file
                _raise_decode_error(raw, exc, "utf-8", name, detected=True)
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return raw.decode("latin-1"), "latin-1"
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as exc:
        raise ParameterError(
            f"Unknown encoding {encoding!r}. Use e.g. 'utf-8', 'utf-8-sig' or 'cp1252', or "
            "encoding=None to detect it.",
            message_de=f"Unbekannte Zeichenkodierung {encoding!r}. Verwenden Sie z. B. 'utf-8', "
            "'utf-8-sig' oder 'cp1252', oder encoding=None zur automatischen Erkennung.",
        ) from exc
    text = _decode_strict(raw, encoding, name, detected=False)
    if codec in _LEGACY_ENCODINGS and not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            pos = re.search(rb"[\x80-\xff]", raw).start()
            line = raw[:pos].count(b"\n") + 1
            raise TableFormatError(
                f"{name}: the file is UTF-8, not {encoding}; reading it as {encoding} would turn "
                f"umlauts into garbage (e.g. 'ü' into 'Ã¼', first in line {line}). Pass "
                "encoding=None or encoding='utf-8'.",
                message_de=f"{name}: Die Datei ist UTF-8-kodiert, nicht {encoding}; so gelesen "
                f"würden Umlaute verstümmelt (z. B. 'ü' zu 'Ã¼', erstmals in Zeile {line}). "
                "Verwenden Sie encoding=None oder encoding='utf-8'.",
            )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def _decode_strict(raw: bytes, encoding: str, name: str, *, detected: bool) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        _raise_decode_error(raw, exc, encoding, name, detected=detected)
        raise  # unreachable


def _raise_decode_error(raw: bytes, exc: UnicodeDecodeError, encoding: str, name: str, *,
                        detected: bool) -> None:
    line = raw[: exc.start].count(b"\n") + 1
    byte = raw[exc.start: exc.start + 1].hex()
    if detected:
        raise TableFormatError(
            f"{name}: the file mixes encodings: it is mostly {encoding}, but line {line} has a "
            f"byte (0x{byte}) that is not valid {encoding}, probably from a part saved as "
            "cp1252 (Windows/Excel). Re-export the file as UTF-8, or correct that line.",
            message_de=f"{name}: Die Datei mischt Zeichenkodierungen: Sie ist überwiegend "
            f"{encoding}, aber Zeile {line} enthält ein Byte (0x{byte}), das kein gültiges "
            f"{encoding} ist, vermutlich aus einem als cp1252 (Windows/Excel) gespeicherten Teil. "
            "Exportieren Sie die Datei erneut als UTF-8 oder korrigieren Sie die Zeile.",
        ) from exc
    raise TableFormatError(
        f"{name}: line {line} cannot be decoded as {encoding} (byte 0x{byte}). The file has "
        "another encoding: pass encoding=None to detect it, or try 'cp1252' (Windows/Excel) "
        "or 'utf-8'.",
        message_de=f"{name}: Zeile {line} lässt sich nicht als {encoding} lesen (Byte "
        f"0x{byte}). Die Datei hat eine andere Zeichenkodierung: Lassen Sie encoding=None "
        "zur automatischen Erkennung oder versuchen Sie 'cp1252' (Windows/Excel) oder "
        "'utf-8'.",
    ) from exc


def _detect_sep(text: str) -> str:
    """Pick the separator that splits the header into most fields consistently."""
    sample_lines = text[:_SAMPLE_CHARS].splitlines(keepends=True)
    truncated = len(text) > _SAMPLE_CHARS or len(sample_lines) > _SAMPLE_LINES
    sample = "".join(sample_lines[:_SAMPLE_LINES])
    best, best_key = _SEPARATORS[0], None
    for priority, candidate in enumerate(_SEPARATORS):
        try:
            records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
                       if r]
        except csv.Error:
            continue
        if truncated and len(records) > 1:
            records = records[:-1]
        if not records:
            continue
        width = len(records[0])
        body = records[1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        key = (width > 1, consistency, width, -priority)
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    return best


def _reader(text: str, sep: str):
    return csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"',
                      doublequote=True)


def _is_blank(record: list[str], width: int) -> bool:
    return not record or (width > 1 and len(record) == 1 and not record[0].strip())


class _LineNumbers:
    """1-based first line of each data row; computed only when an error message needs it."""

    def __init__(self, text: str, sep: str):
        self._text, self._sep = text, sep
        self._spans: list[tuple[int, int]] | None = None

    def span(self, i: int) -> tuple[int, int]:
        """First and last line of data row ``i``."""
        if self._spans is None:
            reader = _reader(self._text, self._sep)
            spans: list[tuple[int, int]] = []
            width, previous = 0, 0
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if _is_blank(record, width or 2):
                    continue
                if width == 0:
                    width = len(record)  # header
                    continue
                spans.append((start, previous))
            self._spans = spans
        return self._spans[i]

    def __getitem__(self, i: int) -> int:
        return self.span(i)[0]


def _parse(text: str, sep: str, name: str) -> tuple[list[str], list[list[str]], _LineNumbers]:
    """Split ``text`` into header and rows; check that every row has the header's width."""
    reader = _reader(text, sep)
    try:
        records = list(reader)
    except csv.Error as exc:
        line = reader.line_num
        raise TableFormatError(
            f"{name}: line {line} cannot be parsed as CSV ({exc}). Check that line, e.g. for "
            "stray quotation marks or binary data.",
            message_de=f"{name}: Zeile {line} ist kein gültiges CSV ({exc}). Prüfen Sie die Zeile, "
            "z. B. auf verirrte Anführungszeichen oder Binärdaten.",
        ) from exc
    lines = _LineNumbers(text, sep)
    first = 0
    while first < len(records) and _is_blank(records[first], 2):
        first += 1
    if first == len(records):
        return [], [], lines
    header, rows = records[first], records[first + 1:]
    width = len(header)
    if any(w != width for w in map(len, rows)):
        rows = [r for r in rows if not _is_blank(r, width)]
        bad = next((i for i, r in enumerate(rows) if len(r) != width), None)
        if bad is not None:
            found = len(rows[bad])
            start, end = lines.span(bad)
            hint = hint_de = ""
            if end > start:
                hint = (f" The record runs from line {start} to {end}: probably an unclosed "
                        "quotation mark.")
                hint_de = (f" Der Datensatz reicht von Zeile {start} bis {end}: vermutlich fehlt "
                           "ein schließendes Anführungszeichen.")
            elif found == 1 and sep in rows[bad][0]:
                hint = " The whole line is enclosed in quotation marks; remove the outer ones."
                hint_de = (" Die ganze Zeile steht in Anführungszeichen; entfernen Sie die "
                           "äußeren.")
            raise TableFormatError(
                f"{name}: line {start} has {found} fields, expected {width} like the header "
                f"(separator {sep!r}). Check that line for a missing or extra separator or a "
                f"value containing {sep!r} without quotes.{hint}",
                message_de=f"{name}: Zeile {start} hat {found} Felder, erwartet werden {width} "
                f"wie in der Kopfzeile (Trennzeichen {sep!r}). Prüfen Sie die Zeile auf ein "
                "fehlendes oder zusätzliches Trennzeichen oder einen Wert, der "
                f"{sep!r} ohne Anführungszeichen enthält.{hint_de}",
            )
    if rows and text.count('"') % 2:
        _check_unclosed_quote(text, lines, len(rows), name)
    return header, rows, lines


def _check_unclosed_quote(text: str, lines: _LineNumbers, n_rows: int, name: str) -> None:
    """Find a record spanning several lines with an odd number of quotation marks."""
    physical = re.split(r"\r\n|\r|\n", text)
    for i in range(n_rows):
        start, end = lines.span(i)
        if end > start and sum(line.count('"') for line in physical[start - 1:end]) % 2:
            raise TableFormatError(
                f"{name}: line {start} probably opens a quotation mark that is not closed, so "
                f"lines {start}-{end} were read as one record. Add the closing quotation mark "
                "or remove the stray one.",
                message_de=f"{name}: In Zeile {start} beginnt vermutlich ein Anführungszeichen, "
                f"das nicht geschlossen wird, daher wurden die Zeilen {start}-{end} als ein "
                "Datensatz gelesen. Ergänzen Sie das schließende Anführungszeichen oder "
                "entfernen Sie das überzählige.",
            )


def _column_names(header: list[str]) -> list[str]:
    """Strip header names; name empty ones 'Unnamed: i' and number duplicates 'name.1'."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        col = raw.strip() or f"Unnamed: {i}"
        if col in seen:
            seen[col] += 1
            candidate = f"{col}.{seen[col]}"
            while candidate in seen:
                seen[col] += 1
                candidate = f"{col}.{seen[col]}"
            col = candidate
        seen.setdefault(col, 0)
        names.append(col)
    return names


def _check_columns(name: str, columns: list[str], numeric: list[str], keep_str: list[str],
                   dates: dict[str, str | None]) -> None:
    available = ", ".join(repr(c) for c in columns)
    for argument, wanted in (("numeric", numeric), ("keep_str", keep_str), ("dates", list(dates))):
        unknown = [c for c in wanted if c not in columns]
        if unknown:
            raise TableFormatError(
                f"{name}: {argument} names column(s) {', '.join(map(repr, unknown))} that the "
                f"table does not have. Available columns: {available}.",
                message_de=f"{name}: {argument} nennt Spalte(n) {', '.join(map(repr, unknown))}, "
                f"die es in der Tabelle nicht gibt. Vorhandene Spalten: {available}.",
            )
    for first, second, a, b in ((numeric, keep_str, "numeric", "keep_str"),
                                (numeric, list(dates), "numeric", "dates"),
                                (keep_str, list(dates), "keep_str", "dates")):
        both = [c for c in first if c in second]
        if both:
            raise TableFormatError(
                f"{name}: column(s) {', '.join(map(repr, both))} are listed in both {a} and {b}. "
                "Put each column in only one of them.",
                message_de=f"{name}: Spalte(n) {', '.join(map(repr, both))} stehen sowohl in {a} "
                f"als auch in {b}. Nennen Sie jede Spalte nur einmal.",
            )


def _detect_decimal(values: list[list[str]], masks: list[list[bool]], sep: str) -> str:
    """',' if numbers like ``12,5`` or ``1.234,5`` outnumber those like ``12.5``.

    ``1.084.831`` counts for ','. Without either kind, numbers like ``12.345`` in a ``;`` file
    mean the German thousands separator, so ',' too; otherwise '.'.
    """
    comma = point = thousands = 0
    for vals, mask in zip(values, masks, strict=True):
        seen = 0
        for v, is_missing in zip(vals, mask, strict=True):
            if is_missing:
                continue
            if _COMMA_DECIMAL.fullmatch(v):
                comma += 1
            elif _THOUSANDS_ONLY.fullmatch(v):
                if v.lstrip("+-").startswith("0"):
                    point += 1  # 0.123: no thousands separator starts with 0
                elif v.count(".") > 1:
                    comma += 1  # 1.084.831 can only be thousands separators
                else:
                    thousands += 1
            elif _POINT_DECIMAL.fullmatch(v):
                point += 1
            seen += 1
            if seen >= _DECIMAL_SAMPLE:
                break
    if comma > point or (comma == point == 0 and thousands and sep == ";"):
        return ","
    return "."


def _strip(col: list[str]) -> list[str]:
    """Strip surrounding whitespace (skipped when the column has none)."""
    joined = "".join(col)
    if " " in joined or "\t" in joined or "\r" in joined or "\n" in joined or "\xa0" in joined:
        return [v.strip() for v in col]
    return col


def _to_str(vals: list[str], mask: list[bool]) -> pd.Series:
    return pd.Series([None if m else v for v, m in zip(vals, mask, strict=True)], dtype="str")


def _to_numeric_or_str(vals: list[str], mask: list[bool], decimal: str, required: bool,
                       name: str, col: str, lines: _LineNumbers) -> pd.Series:
    present = [v for v, m in zip(vals, mask, strict=True) if not m]
    joined = "\n".join(present)
    integral = bool(present) and _INTEGER_COLUMN[decimal].fullmatch(joined) is not None
    if present and not integral and not _NUMBER_COLUMN[decimal].fullmatch(joined):
        if not required:
            return _to_str(vals, mask)
        i = next(i for i, (v, m) in enumerate(zip(vals, mask, strict=True))
                 if not m and not _NUMBER[decimal].fullmatch(v))
        example = "1234,5 or 1.234,5" if decimal == "," else "1234.5"
        raise TableFormatError(
            f"{name}: line {lines[i]}, column {col!r}: value {vals[i]!r} is not a number "
            f"(decimal mark {decimal!r}, e.g. {example}). Correct the value, add it to "
            "missing=... if it means 'no value', or pass decimal=... if the decimal mark is "
            "wrong.",
            message_de=f"{name}: Zeile {lines[i]}, Spalte {col!r}: Der Wert {vals[i]!r} ist "
            f"keine Zahl (Dezimalzeichen {decimal!r}, z. B. {example}). Korrigieren Sie den "
            "Wert, ergänzen Sie ihn in missing=..., falls er 'kein Wert' bedeutet, oder geben "
            "Sie decimal=... an, falls das Dezimalzeichen falsch erkannt wurde.",
        )
    if not required and _LEADING_ZERO.search(joined):
        return _to_str(vals, mask)  # codes such as AGS 05513000 or postcode 01067
    if decimal == ",":
        joined = joined.replace(".", "").replace(",", ".")
    clean = pd.Series(joined.split("\n") if present else [], dtype=object)
    if integral and len(present) == len(vals):
        if not _LONG_INTEGER.search(joined):  # fits into int64
            return clean.astype(np.int64)
        if not required:
            return _to_str(vals, mask)  # too long for int64: an identifier, not a quantity
    out = np.full(len(vals), np.nan)
    out[~np.asarray(mask, dtype=bool)] = clean.astype(np.float64).to_numpy()
    return pd.Series(out)


def _to_dates(vals: list[str], mask: list[bool], fmt: str | None, name: str, col: str,
              lines: _LineNumbers) -> pd.Series:
    series = pd.Series([None if m else v for v, m in zip(vals, mask, strict=True)], dtype=object)
    kwargs = {"format": fmt if fmt is not None else "ISO8601", "errors": "coerce"}
    try:
        try:
            parsed = pd.to_datetime(series, **kwargs)
        except ValueError as exc:
            if "timezone" not in str(exc).lower():
                raise
            parsed = pd.to_datetime(series, utc=True, **kwargs)  # mixed UTC offsets (DST)
    except (ValueError, TypeError) as exc:
        raise TableFormatError(
            f"{name}: column {col!r} cannot be parsed as dates with format {fmt!r} ({exc}).",
            message_de=f"{name}: Die Spalte {col!r} lässt sich nicht mit dem Format {fmt!r} als "
            f"Datum lesen ({exc}).",
        ) from exc
    failed = parsed.isna().to_numpy() & ~np.asarray(mask, dtype=bool)
    if failed.any():
        i = int(np.flatnonzero(failed)[0])
        expected = fmt if fmt is not None else "ISO 8601, e.g. 2024-01-31 or 2024-01-31T08:15:00"
        expected_de = fmt if fmt is not None else "ISO 8601, z. B. 2024-01-31 oder 2024-01-31T08:15:00"
        raise TableFormatError(
            f"{name}: line {lines[i]}, column {col!r}: value {vals[i]!r} does not match the date "
            f"format {expected}. Correct the value or pass the right format in dates=... "
            "(strptime codes such as '%d.%m.%Y %H:%M').",
            message_de=f"{name}: Zeile {lines[i]}, Spalte {col!r}: Der Wert {vals[i]!r} passt "
            f"nicht zum Datumsformat {expected_de}. Korrigieren Sie den Wert oder geben Sie in "
            "dates=... das richtige Format an (strptime-Codes wie '%d.%m.%Y %H:%M').",
        )
    return parsed


def require_frame(table: object, name: str, columns: Iterable[str], *, hint_en: str = "",
                  hint_de: str = "") -> pd.DataFrame:
    """Check that an argument is a DataFrame with ``columns`` (a table passed between helper
    functions, not a user's file: see :func:`require_columns` for those).

    Raises :class:`ParameterError` for another type and :class:`DataError` naming the missing
    columns; ``hint_en`` / ``hint_de`` say where such a table comes from. Returns ``table``.
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"{name} must be a DataFrame, got {type(table).__name__}. {hint_en}".rstrip(),
            message_de=f"{name} muss eine Tabelle (DataFrame) sein, nicht "
            f"{type(table).__name__}. {hint_de}".rstrip())
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError(
            f"{name} lacks the column(s) {', '.join(missing)}. {hint_en}".rstrip(),
            message_de=f"{name} fehlen die Spalten {', '.join(missing)}. {hint_de}".rstrip())
    return table


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, name: str = "Tabelle") -> None:
    """Raise :class:`TableFormatError` if ``df`` lacks any of ``columns``.

    The message names the missing and the available columns, so a user can fix their file.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        available = ", ".join(map(str, df.columns))
        raise TableFormatError(
            f"{name}: missing column(s) {', '.join(missing)}; the file has: {available}. "
            "Rename the columns in your file or choose another file.",
            message_de=f"{name}: Es fehlen die Spalten {', '.join(missing)}; die Datei hat: "
            f"{available}. Benennen Sie die Spalten in Ihrer Datei um oder wählen Sie eine "
            "andere Datei.",
        )
