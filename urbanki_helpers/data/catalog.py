"""The dataset catalogue (``datasets/catalog.yaml``) and where each dataset's files are found.

Every dataset the notebooks use is listed in the catalogue with its licence, attribution and
every file's sha256 and size. Files are found like this:

* synthetic data: ``datasets/<id>/<name>`` inside the project;
* real data, in this order:

  1. the mirror folder ``URBANKI_DATA_DIR/<id>/<name>`` (e.g. a workshop USB stick),
  2. the cache folder ``cache_dir()/<id>/<name>``,
  3. a download from the file's ``url`` into the cache, verified with pooch, unless
     ``download=False`` or ``URBANKI_OFFLINE=1``.

Every file handed out has the catalogued sha256 (checked once per path, size and modification
time). When a dataset cannot be found, :class:`DatasetNotAvailableError` names the dataset, its
licence and attribution, and the three ways to provide it.

Environment variables (relative paths are taken relative to the project folder):

``URBANKI_DATA_DIR``   mirror folder laid out ``<mirror>/<dataset-id>/<file>``
``URBANKI_CACHE_DIR``  cache folder (default: the user cache folder, ``pooch.os_cache("urbanki")``)
``URBANKI_OFFLINE``    ``1`` (or ``true``/``yes``/``on``): never download
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

import pooch
import yaml

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import (
    ChecksumError,
    DataError,
    DatasetNotAvailableError,
    UrbanKIError,
)
from urbanki_helpers.paths import datasets_dir, project_root

__all__ = [
    "CATALOG_FILE",
    "DOWNLOAD_TIMEOUT",
    "KINDS",
    "Catalog",
    "CatalogFile",
    "Column",
    "Dataset",
    "Location",
    "VerifyResult",
    "cache_dir",
    "dataset_dir",
    "dataset_file",
    "fetch",
    "is_offline",
    "load_catalog",
    "locate",
    "mirror_dir",
    "verify",
]

CATALOG_FILE = "catalog.yaml"
KINDS = ("synthetic", "real")
DOWNLOAD_TIMEOUT = 20  # seconds, per connection attempt and between received bytes

ENV_MIRROR = "URBANKI_DATA_DIR"
ENV_CACHE = "URBANKI_CACHE_DIR"
ENV_OFFLINE = "URBANKI_OFFLINE"
FETCH_COMMAND = "urbanki data fetch"

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
_TRUE = {"1", "true", "yes", "on"}
_REQUIRED = ("id", "title", "kind", "licence", "attribution", "source", "description", "files")
_OPTIONAL = ("columns", "generator")
_FILE_KEYS = ("name", "sha256", "size", "url")
_COLUMN_KEYS = ("name", "description", "unit")
_MAX_LISTED = 5


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Column:
    """One documented column of a table file: name, German meaning and unit (if any)."""

    name: str
    description: str
    unit: str | None = None


@dataclass(frozen=True)
class CatalogFile:
    """One file of a dataset.

    ``name`` is the path relative to the dataset folder (forward slashes), ``size`` is in bytes,
    ``url`` the canonical download address (real data only).
    """

    name: str
    sha256: str
    size: int
    url: str | None = None


@dataclass(frozen=True)
class Dataset:
    """One catalogue entry.

    ``licences`` holds every licence id (SPDX-like); :attr:`licence` joins them for display.
    ``columns`` maps a file name or glob pattern to its documented columns.
    """

    id: str
    title: str
    kind: str
    licences: tuple[str, ...]
    attribution: str
    source: str
    description: str
    files: tuple[CatalogFile, ...]
    columns: Mapping[str, tuple[Column, ...]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    generator: str | None = None

    @property
    def licence(self) -> str:
        """All licence ids of the dataset, joined with ', '."""
        return ", ".join(self.licences)

    @property
    def names(self) -> tuple[str, ...]:
        """Names of all files of the dataset."""
        return tuple(f.name for f in self.files)

    def file(self, name: str) -> CatalogFile:
        """Return the catalogue record of file ``name`` (error with suggestions if unknown)."""
        key = str(name).replace("\\", "/")
        for f in self.files:
            if f.name == key:
                return f
        hint_en, hint_de = _suggestion(key, self.names)
        raise UrbanKIError(
            f"Dataset '{self.id}' has no file '{name}'.{hint_en} "
            f"Its files: {_short_list(self.names)}.",
            message_de=f"Der Datensatz '{self.id}' hat keine Datei '{name}'.{hint_de} "
            f"Seine Dateien: {_short_list(self.names, de=True)}.",
        )

    def columns_for(self, name: str) -> tuple[Column, ...]:
        """Documented columns of file ``name`` (exact key first, then glob patterns); may be empty."""
        if name in self.columns:
            return self.columns[name]
        for pattern, cols in self.columns.items():
            if fnmatch.fnmatchcase(name, pattern):
                return cols
        return ()


@dataclass(frozen=True)
class Location:
    """Where a dataset is available without downloading.

    ``status`` is ``"embedded"`` (synthetic, in the project), ``"mirror"`` or ``"cache"`` (all
    files there), ``"mixed"`` (all files available, spread over mirror and cache) or
    ``"missing"`` (at least one file is in neither). ``path`` is the folder holding all files,
    or None when there is no such folder. ``missing`` names the files not available locally.
    """

    dataset_id: str
    status: str
    path: Path | None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerifyResult:
    """Checksum result for one local copy of a catalogued file.

    ``status`` is ``"ok"``, ``"mismatch"`` or ``"missing"``; ``location`` is ``"embedded"``,
    ``"mirror"``, ``"cache"`` or None (missing everywhere).
    """

    dataset_id: str
    name: str
    status: str
    location: str | None
    path: Path | None
    expected: str
    actual: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def detail(self) -> str:
        """Short English explanation for a mismatch or a missing file ('' when ok)."""
        if self.status == "mismatch":
            return f"{self.location} {self.path}: expected sha256 {self.expected}, found {self.actual}"
        if self.status == "missing":
            return "no local copy (not in the mirror, the cache or the project)"
        return ""


class Catalog:
    """All datasets of the catalogue, looked up by id: ``catalog["koeln"]``."""

    def __init__(self, datasets: Iterable[Dataset], path: Path | None = None):
        self._datasets: dict[str, Dataset] = {}
        for ds in datasets:
            if ds.id in self._datasets:
                raise DataError(
                    f"Dataset id '{ds.id}' occurs twice in the catalogue.",
                    message_de=f"Die Datensatz-Kennung '{ds.id}' kommt im Katalog doppelt vor.",
                )
            self._datasets[ds.id] = ds
        self.path = path

    @property
    def ids(self) -> tuple[str, ...]:
        """All dataset ids, in catalogue order."""
        return tuple(self._datasets)

    def __getitem__(self, dataset_id: str) -> Dataset:
        try:
            return self._datasets[dataset_id]
        except (KeyError, TypeError):
            pass
        hint_en, hint_de = _suggestion(str(dataset_id), self.ids)
        known = ", ".join(self.ids) or "(none)"
        raise UrbanKIError(
            f"Unknown dataset '{dataset_id}'.{hint_en} Known datasets: {known}.",
            message_de=f"Unbekannter Datensatz '{dataset_id}'.{hint_de} "
            f"Bekannte Datensätze: {known}.",
        )

    def __contains__(self, dataset_id: object) -> bool:
        return dataset_id in self._datasets

    def __iter__(self) -> Iterator[Dataset]:
        return iter(self._datasets.values())

    def __len__(self) -> int:
        return len(self._datasets)

    def __repr__(self) -> str:
        return f"Catalog({len(self)} datasets from {self.path})"


# --------------------------------------------------------------------------- loading

_catalog_memo: dict[str, tuple[tuple[int, int], Catalog]] = {}
_catalog_lock = threading.Lock()


def load_catalog(path: str | os.PathLike | None = None) -> Catalog:
    """Read and validate the catalogue (default ``datasets/catalog.yaml`` of the project).

    Raises :class:`DataError` naming the dataset and field for every schema problem: a missing
    or unknown field, a bad ``kind``, a duplicate id, a real file without ``url``, a malformed
    sha256 or file name. The result is cached until the file changes.
    """
    path = Path(path) if path is not None else datasets_dir() / CATALOG_FILE
    path = path.expanduser().resolve()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataError(
            f"The dataset catalogue {path} does not exist. Check the path, or restore "
            f"datasets/{CATALOG_FILE} from the project.",
            message_de=f"Den Datensatz-Katalog {path} gibt es nicht. Prüfen Sie den Pfad oder "
            f"stellen Sie datasets/{CATALOG_FILE} aus dem Projekt wieder her.",
        ) from None
    key = (st.st_size, st.st_mtime_ns)
    with _catalog_lock:
        memo = _catalog_memo.get(str(path))
        if memo is not None and memo[0] == key:
            return memo[1]
    catalog = _parse_catalog(path)
    with _catalog_lock:
        _catalog_memo[str(path)] = (key, catalog)
    return catalog


def _parse_catalog(path: Path) -> Catalog:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        where_de = f" in Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(
            f"The dataset catalogue {path} is not valid YAML{where}: {problem}. Fix the file there.",
            message_de=f"Der Datensatz-Katalog {path} ist kein gültiges YAML{where_de}: {problem}. "
            "Korrigieren Sie die Datei an dieser Stelle.",
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"The dataset catalogue {path} is not UTF-8 encoded ({exc.reason} at byte "
            f"{exc.start}). Save it as UTF-8.",
            message_de=f"Der Datensatz-Katalog {path} ist nicht UTF-8-kodiert ({exc.reason} bei "
            f"Byte {exc.start}). Speichern Sie ihn als UTF-8.",
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("datasets"), list):
        raise DataError(
            f"The dataset catalogue {path} must be a mapping with a list 'datasets:' at the top.",
            message_de=f"Der Datensatz-Katalog {path} muss oben eine Liste 'datasets:' enthalten.",
        )
    unknown_top = sorted(set(raw) - {"datasets"})
    if unknown_top:
        raise DataError(
            f"The dataset catalogue {path} has unknown top-level keys: {', '.join(unknown_top)}. "
            "Only 'datasets' is allowed.",
            message_de=f"Der Datensatz-Katalog {path} hat unbekannte Schlüssel auf oberster "
            f"Ebene: {', '.join(unknown_top)}. Erlaubt ist nur 'datasets'.",
        )
    datasets: list[Dataset] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw["datasets"], start=1):
        ds = _parse_entry(entry, index, path)
        if ds.id in seen:
            _fail(path, ds.id, "id",
                  f"is used twice (entries {seen[ds.id]} and {index}); ids must be unique",
                  f"kommt doppelt vor (Einträge {seen[ds.id]} und {index}); Kennungen müssen "
                  "eindeutig sein")
        seen[ds.id] = index
        datasets.append(ds)
    return Catalog(datasets, path)


def _fail(path: Path, who: str, fieldname: str, en: str, de: str) -> None:
    raise DataError(
        f"Dataset '{who}' in the catalogue {path}: field '{fieldname}' {en}. "
        "Correct the entry in the catalogue.",
        message_de=f"Datensatz '{who}' im Katalog {path}: Feld '{fieldname}' {de}. "
        "Korrigieren Sie den Eintrag im Katalog.",
    )


def _text(entry: dict, key: str, path: Path, who: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        _fail(path, who, key, f"must be a non-empty text, not {value!r}",
              f"muss ein nicht leerer Text sein, nicht {value!r}")
    return value.strip()


def _parse_entry(entry: object, index: int, path: Path) -> Dataset:
    if not isinstance(entry, dict):
        raise DataError(
            f"Entry {index} of the catalogue {path} is not a mapping of fields.",
            message_de=f"Eintrag {index} im Katalog {path} ist keine Zuordnung von Feldern.",
        )
    raw_id = entry.get("id")
    who = raw_id if isinstance(raw_id, str) and raw_id else f"entry {index}"
    for key in _REQUIRED:
        if key not in entry:
            _fail(path, who, key, "is missing", "fehlt")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        _fail(path, who, unknown[0],
              f"is not a catalogue field (allowed: {', '.join(_REQUIRED + _OPTIONAL)})",
              f"ist kein Katalogfeld (erlaubt: {', '.join(_REQUIRED + _OPTIONAL)})")
    if not isinstance(raw_id, str) or not _ID_RE.match(raw_id):
        _fail(path, who, "id",
              f"must consist of lowercase letters, digits, '_' and '-', not {raw_id!r}",
              f"darf nur Kleinbuchstaben, Ziffern, '_' und '-' enthalten, nicht {raw_id!r}")
    kind = entry.get("kind")
    if kind not in KINDS:
        _fail(path, who, "kind", f"must be 'synthetic' or 'real', not {kind!r}",
              f"muss 'synthetic' oder 'real' sein, nicht {kind!r}")
    title = _text(entry, "title", path, who)
    attribution = _text(entry, "attribution", path, who)
    source = _text(entry, "source", path, who)
    description = _text(entry, "description", path, who)
    licences = _parse_licences(entry.get("licence"), path, who)
    files = _parse_files(entry.get("files"), kind, path, who)
    columns = _parse_columns(entry.get("columns"), files, path, who)
    generator = entry.get("generator")
    if kind == "synthetic":
        if not isinstance(generator, str) or not _is_safe_relative(generator):
            _fail(path, who, "generator",
                  "is required for synthetic data: the generator script relative to the project "
                  f"folder, e.g. datasets/{raw_id}/generate.py (given: {generator!r})",
                  "ist für synthetische Daten Pflicht: das Generator-Skript relativ zum "
                  f"Projektordner, z. B. datasets/{raw_id}/generate.py (angegeben: {generator!r})")
    elif generator is not None:
        _fail(path, who, "generator", "is only allowed for synthetic datasets",
              "ist nur bei synthetischen Datensätzen erlaubt")
    return Dataset(
        id=raw_id, title=title, kind=kind, licences=licences, attribution=attribution,
        source=source, description=description, files=files, columns=columns,
        generator=generator,
    )


def _parse_licences(value: object, path: Path, who: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if (not isinstance(items, list) or not items
            or not all(isinstance(x, str) and x.strip() for x in items)):
        _fail(path, who, "licence",
              f"must be a licence id such as CC0-1.0 or a list of them, not {value!r}",
              f"muss eine Lizenzkennung wie CC0-1.0 oder eine Liste davon sein, nicht {value!r}")
    return tuple(x.strip() for x in items)


def _is_safe_relative(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    parts = PurePosixPath(name).parts
    return bool(parts) and all(p not in ("", ".", "..") for p in parts) and not name.endswith("/")


def _parse_files(value: object, kind: str, path: Path, who: str) -> tuple[CatalogFile, ...]:
    if not isinstance(value, list) or not value:
        _fail(path, who, "files", "must be a non-empty list of files",
              "muss eine nicht leere Liste von Dateien sein")
    files: list[CatalogFile] = []
    names: set[str] = set()
    for i, item in enumerate(value, start=1):
        label = f"files[{i}]"
        if not isinstance(item, dict):
            _fail(path, who, label, "must be a mapping with name, sha256, size and url",
                  "muss eine Zuordnung mit name, sha256, size und url sein")
        unknown = sorted(set(item) - set(_FILE_KEYS))
        if unknown:
            _fail(path, who, f"{label}.{unknown[0]}",
                  f"is not a file field (allowed: {', '.join(_FILE_KEYS)})",
                  f"ist kein Dateifeld (erlaubt: {', '.join(_FILE_KEYS)})")
        name = item.get("name")
        if not isinstance(name, str) or not _is_safe_relative(name):
            _fail(path, who, f"{label}.name",
                  "must be a path relative to the dataset folder with forward slashes and "
                  f"without '..', not {name!r}",
                  "muss ein Pfad relativ zum Datensatzordner mit '/' und ohne '..' sein, "
                  f"nicht {name!r}")
        label = f"files[{name}]"
        if name in names:
            _fail(path, who, label, "is listed twice", "ist doppelt aufgeführt")
        names.add(name)
        sha = item.get("sha256")
        if not isinstance(sha, str) or not _SHA256_RE.match(sha):
            _fail(path, who, f"{label}.sha256",
                  f"must be 64 hexadecimal characters, not {sha!r}",
                  f"muss aus 64 Hexadezimalzeichen bestehen, nicht {sha!r}")
        size = item.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            _fail(path, who, f"{label}.size", f"must be the size in bytes, not {size!r}",
                  f"muss die Größe in Bytes sein, nicht {size!r}")
        url = item.get("url")
        if url is None and kind == "real":
            _fail(path, who, f"{label}.url",
                  "is missing: every file of real data needs its download address",
                  "fehlt: jede Datei echter Daten braucht ihre Download-Adresse")
        if url is not None and (not isinstance(url, str)
                                or not re.match(r"^https?://\S+$", url)):
            _fail(path, who, f"{label}.url", f"must be an http(s) address, not {url!r}",
                  f"muss eine http(s)-Adresse sein, nicht {url!r}")
        files.append(CatalogFile(name=name, sha256=sha.lower(), size=size, url=url))
    return tuple(files)


def _parse_columns(value: object, files: tuple[CatalogFile, ...], path: Path,
                   who: str) -> Mapping[str, tuple[Column, ...]]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        _fail(path, who, "columns", "must map file names to lists of columns",
              "muss Dateinamen auf Listen von Spalten abbilden")
    names = [f.name for f in files]
    result: dict[str, tuple[Column, ...]] = {}
    for key, cols in value.items():
        label = f"columns[{key}]"
        if not isinstance(key, str) or not any(fnmatch.fnmatchcase(n, key) for n in names):
            _fail(path, who, label, "matches none of the dataset's files",
                  "passt zu keiner Datei des Datensatzes")
        if not isinstance(cols, list) or not cols:
            _fail(path, who, label, "must be a non-empty list of {name, description, unit}",
                  "muss eine nicht leere Liste von {name, description, unit} sein")
        parsed: list[Column] = []
        for col in cols:
            if (not isinstance(col, dict) or set(col) - set(_COLUMN_KEYS)
                    or not isinstance(col.get("name"), str) or not col["name"]
                    or not isinstance(col.get("description"), str) or not col["description"]
                    or not isinstance(col.get("unit", ""), (str, type(None)))):
                _fail(path, who, label,
                      f"has an invalid column {col!r}: needs name, description and optionally unit",
                      f"hat eine ungültige Spalte {col!r}: nötig sind name, description und "
                      "optional unit")
            parsed.append(Column(col["name"], col["description"], col.get("unit") or None))
        seen = [c.name for c in parsed]
        dup = sorted({n for n in seen if seen.count(n) > 1})
        if dup:
            _fail(path, who, label, f"lists column {dup[0]!r} twice",
                  f"führt die Spalte {dup[0]!r} doppelt auf")
        result[key] = tuple(parsed)
    return MappingProxyType(result)


# --------------------------------------------------------------------------- folders


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    p = Path(value).expanduser()
    if not p.is_absolute():
        p = project_root() / p
    return p.resolve()


def mirror_dir() -> Path | None:
    """The mirror folder from ``URBANKI_DATA_DIR`` (None if unset).

    Raises :class:`DatasetNotAvailableError` if the variable names a folder that does not
    exist, e.g. an unplugged USB stick.
    """
    p = _env_path(ENV_MIRROR)
    if p is not None and not p.is_dir():
        raw = os.environ.get(ENV_MIRROR)
        raise DatasetNotAvailableError(
            f"{ENV_MIRROR} is set to '{raw}', but the folder {p} does not exist. Connect the "
            f"data medium (e.g. the workshop USB stick), correct the path, or unset {ENV_MIRROR} "
            "to use the cache and downloads instead.",
            message_de=f"{ENV_MIRROR} ist auf '{raw}' gesetzt, aber den Ordner {p} gibt es "
            "nicht. Schließen Sie den Datenträger an (z. B. den USB-Stick des Workshops), "
            f"korrigieren Sie den Pfad oder entfernen Sie {ENV_MIRROR}, um Cache und Downloads "
            "zu nutzen.",
        )
    return p


def cache_dir() -> Path:
    """The cache folder: ``URBANKI_CACHE_DIR``, else ``pooch.os_cache("urbanki")``.

    The folder is not created here; downloads create it.
    """
    p = _env_path(ENV_CACHE)
    return p if p is not None else Path(pooch.os_cache("urbanki")).expanduser()


def is_offline() -> bool:
    """True when ``URBANKI_OFFLINE`` is set to 1/true/yes/on: nothing is downloaded."""
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in _TRUE


# --------------------------------------------------------------------------- checksums

_hash_memo: dict[tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()


def _stat_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _sha256(path: Path, *, fresh: bool = False) -> str:
    """sha256 of ``path``; memoised by (path, size, modification time)."""
    key = _stat_key(path)
    if not fresh:
        with _hash_lock:
            known = _hash_memo.get(key)
        if known is not None:
            return known
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    with _hash_lock:
        _hash_memo[key] = digest
    return digest


def _fix_text(ds: Dataset, cf: CatalogFile, where: str, path: Path) -> tuple[str, str]:
    if where == "mirror":
        return (
            f"Replace the file in the mirror folder with the original (download address: "
            f"{cf.url}), or unset {ENV_MIRROR} to use the cache or a download instead.",
            "Ersetzen Sie die Datei im Spiegelordner durch das Original (Download-Adresse: "
            f"{cf.url}) oder entfernen Sie {ENV_MIRROR}, um Cache oder Download zu nutzen.",
        )
    if where == "cache":
        return (
            f"Delete {path} and run '{FETCH_COMMAND} {ds.id}' to download it again.",
            f"Löschen Sie {path} und führen Sie '{FETCH_COMMAND} {ds.id}' aus, um sie neu "
            "herunterzuladen.",
        )
    if where == "embedded":
        return (
            f"Regenerate it with 'python {ds.generator} --out datasets/{ds.id}' in the project "
            "folder, or, if the generator was changed on purpose, update sha256 and size in "
            f"datasets/{CATALOG_FILE}.",
            f"Erzeugen Sie sie neu mit 'python {ds.generator} --out datasets/{ds.id}' im "
            "Projektordner oder tragen Sie, falls der Generator absichtlich geändert wurde, "
            f"sha256 und size in datasets/{CATALOG_FILE} neu ein.",
        )
    return (
        f"The source {cf.url} no longer delivers the catalogued file (changed or damaged in "
        f"transfer). Try again later, or use a mirror folder ({ENV_MIRROR}) with the original "
        "files; if the source published a new version on purpose, the catalogue entry must be "
        "updated.",
        f"Die Quelle {cf.url} liefert nicht mehr die katalogisierte Datei (geändert oder bei "
        "der Übertragung beschädigt). Versuchen Sie es später erneut oder nutzen Sie einen "
        f"Spiegelordner ({ENV_MIRROR}) mit den Originaldateien; hat die Quelle absichtlich eine "
        "neue Fassung veröffentlicht, muss der Katalogeintrag angepasst werden.",
    )


def _checksum_error(ds: Dataset, cf: CatalogFile, where: str, path: Path, actual: str,
                    actual_size: int | None) -> ChecksumError:
    fix_en, fix_de = _fix_text(ds, cf, where, path)
    where_de = {"mirror": "Spiegelordner", "cache": "Cache", "embedded": "Projekt",
                "download": "Download"}.get(where, where)
    size_en = size_de = ""
    if actual_size is not None and actual_size != cf.size:
        size_en = f" (size {actual_size} bytes instead of {cf.size})"
        size_de = f" (Größe {actual_size} statt {cf.size} Bytes)"
    return ChecksumError(
        f"The file '{cf.name}' of dataset '{ds.id}' ({where}: {path}) is not the catalogued "
        f"file: expected sha256 {cf.sha256}, found {actual}{size_en}. {fix_en}",
        message_de=f"Die Datei '{cf.name}' des Datensatzes '{ds.id}' ({where_de}: {path}) ist "
        f"nicht die katalogisierte Datei: erwartet sha256 {cf.sha256}, gefunden {actual}"
        f"{size_de}. {fix_de}",
    )


def _check(ds: Dataset, cf: CatalogFile, path: Path, where: str) -> Path:
    actual = _sha256(path)
    if actual != cf.sha256:
        raise _checksum_error(ds, cf, where, path, actual, path.stat().st_size)
    return path


# --------------------------------------------------------------------------- resolution


def _dataset(dataset: str | Dataset, catalog: Catalog | None) -> Dataset:
    if isinstance(dataset, Dataset):
        return dataset
    return (catalog if catalog is not None else load_catalog())[dataset]


def _pick_file(ds: Dataset, name: str | None) -> CatalogFile:
    if name is not None:
        return ds.file(name)
    if len(ds.files) == 1:
        return ds.files[0]
    example = ds.files[0].name
    raise UrbanKIError(
        f"Dataset '{ds.id}' has {len(ds.files)} files; name the one you need, e.g. "
        f"dataset_file('{ds.id}', '{example}'). Its files: {_short_list(ds.names)}.",
        message_de=f"Der Datensatz '{ds.id}' hat {len(ds.files)} Dateien; geben Sie die "
        f"gewünschte an, z. B. dataset_file('{ds.id}', '{example}'). "
        f"Seine Dateien: {_short_list(ds.names, de=True)}.",
    )


def _embedded(ds: Dataset, cf: CatalogFile) -> Path:
    p = datasets_dir() / ds.id / cf.name
    if not p.is_file():
        raise DatasetNotAvailableError(
            f"The synthetic dataset '{ds.id}' ({ds.title}) lacks its file {p}. Regenerate it in "
            f"the project folder with 'python {ds.generator} --out datasets/{ds.id}', or restore "
            "the file from the project repository.",
            message_de=f"Dem synthetischen Datensatz '{ds.id}' ({ds.title}) fehlt die Datei {p}. "
            f"Erzeugen Sie ihn im Projektordner neu mit 'python {ds.generator} --out "
            f"datasets/{ds.id}' oder stellen Sie die Datei aus dem Projekt-Repository wieder her.",
        )
    return _check(ds, cf, p, "embedded")


def _mirror_path(ds: Dataset, cf: CatalogFile, mirror: Path | None) -> Path | None:
    return mirror / ds.id / cf.name if mirror is not None else None


def _cache_path(ds: Dataset, cf: CatalogFile) -> Path:
    return cache_dir() / ds.id / cf.name


def dataset_file(dataset_id: str | Dataset, name: str | None = None, *,
                 catalog: Catalog | None = None, download: bool = True) -> Path:
    """Path of one verified file of a dataset.

    ``name`` is the file's path inside the dataset folder; it may be omitted when the dataset
    has exactly one file. Real data comes from the mirror, the cache or a download (see module
    docstring); ``download=False`` never downloads.
    """
    ds = _dataset(dataset_id, catalog)
    cf = _pick_file(ds, name)
    if ds.kind == "synthetic":
        return _embedded(ds, cf)
    mirror = mirror_dir()
    mp = _mirror_path(ds, cf, mirror)
    if mp is not None and mp.is_file():
        return _check(ds, cf, mp, "mirror")
    cp = _cache_path(ds, cf)
    if cp.is_file():
        return _check(ds, cf, cp, "cache")
    _ensure_download_allowed(ds, [cf], download, mirror)
    return _download(ds, cf, mirror)


def dataset_dir(dataset_id: str | Dataset, *, catalog: Catalog | None = None,
                download: bool = True) -> Path:
    """Folder that holds every file of the dataset, all verified (e.g. shapefile sidecars).

    This is the mirror folder when it has all files; otherwise the cache folder, into which
    files are copied from the mirror or downloaded as needed.
    """
    ds = _dataset(dataset_id, catalog)
    if ds.kind == "synthetic":
        for cf in ds.files:
            _embedded(ds, cf)
        return datasets_dir() / ds.id
    mirror = mirror_dir()
    if mirror is not None and all((mirror / ds.id / cf.name).is_file() for cf in ds.files):
        for cf in ds.files:
            _check(ds, cf, mirror / ds.id / cf.name, "mirror")
        return mirror / ds.id
    missing: list[CatalogFile] = []
    for cf in ds.files:
        mp = _mirror_path(ds, cf, mirror)
        cp = _cache_path(ds, cf)
        if mp is not None and mp.is_file():
            _check(ds, cf, mp, "mirror")
            if not (cp.is_file() and _sha256(cp) == cf.sha256):
                _copy_into_cache(ds, cf, mp, cp)
        elif cp.is_file():
            _check(ds, cf, cp, "cache")
        else:
            missing.append(cf)
    if missing:
        _ensure_download_allowed(ds, missing, download, mirror)
        for cf in missing:
            _download(ds, cf, mirror, pending=missing)
    return cache_dir() / ds.id


def fetch(dataset_id: str | Dataset, *, catalog: Catalog | None = None) -> list[Path]:
    """Put every file of a real dataset into the cache and return the cache paths.

    Files already valid in the cache are kept; valid copies in the mirror are copied; all
    others are downloaded with sha256 verification (a damaged cache file is replaced). For
    synthetic data the embedded files are checked and returned.
    """
    ds = _dataset(dataset_id, catalog)
    if ds.kind == "synthetic":
        return [_embedded(ds, cf) for cf in ds.files]
    mirror = mirror_dir()
    todo: list[CatalogFile] = []
    for cf in ds.files:
        cp = _cache_path(ds, cf)
        if cp.is_file() and _sha256(cp) == cf.sha256:
            continue
        mp = _mirror_path(ds, cf, mirror)
        if mp is not None and mp.is_file() and _sha256(mp) == cf.sha256:
            _copy_into_cache(ds, cf, mp, cp)
            continue
        todo.append(cf)
    if todo:
        _ensure_download_allowed(ds, todo, True, mirror)
        for cf in todo:
            _download(ds, cf, mirror, pending=todo)
    return [_cache_path(ds, cf) for cf in ds.files]


def _copy_into_cache(ds: Dataset, cf: CatalogFile, src: Path, target: Path) -> Path:
    try:
        with atomic_path(target) as tmp:
            shutil.copyfile(src, tmp)
    except OSError as exc:
        raise _cache_write_error(ds, target, exc) from exc
    return _check(ds, cf, target, "cache")


def _cache_write_error(ds: Dataset, target: Path, exc: OSError) -> DatasetNotAvailableError:
    reason = exc.strerror or str(exc)
    return DatasetNotAvailableError(
        f"Could not write {target} for dataset '{ds.id}' ({reason}). Free disk space, or set "
        f"{ENV_CACHE} to a writable folder.",
        message_de=f"{target} für den Datensatz '{ds.id}' konnte nicht geschrieben werden "
        f"({reason}). Schaffen Sie Speicherplatz oder setzen Sie {ENV_CACHE} auf einen "
        "beschreibbaren Ordner.",
    )


def _ensure_download_allowed(ds: Dataset, missing: list[CatalogFile], download: bool,
                             mirror: Path | None) -> None:
    if is_offline():
        raise _not_available(
            ds, missing, mirror,
            f"{ENV_OFFLINE} is set, so nothing is downloaded",
            f"{ENV_OFFLINE} ist gesetzt, daher wird nichts heruntergeladen",
        )
    if not download:
        raise _not_available(
            ds, missing, mirror,
            "downloading is switched off (download=False)",
            "das Herunterladen ist abgeschaltet (download=False)",
        )


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _download(ds: Dataset, cf: CatalogFile, mirror: Path | None,
              pending: list[CatalogFile] | None = None) -> Path:
    import requests  # pooch's own dependency; imported lazily like pooch does

    target = _cache_path(ds, cf)
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=DOWNLOAD_TIMEOUT)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _quiet_pooch():
            fname = pooch.retrieve(
                cf.url, known_hash=f"sha256:{cf.sha256}", fname=target.name,
                path=target.parent, downloader=downloader, progressbar=False,
            )
    except requests.exceptions.RequestException as exc:
        still = [f for f in (pending or [cf]) if not _cache_path(ds, f).is_file()]
        raise _not_available(
            ds, still or [cf], mirror,
            f"the download from {cf.url} failed ({_short_reason(exc)})",
            f"der Download von {cf.url} ist fehlgeschlagen ({_short_reason(exc)})",
        ) from exc
    except ValueError as exc:
        found = re.search(r"but got ([0-9a-fA-F]{64})", str(exc))
        actual = found.group(1).lower() if found else "(unknown)"
        raise _checksum_error(ds, cf, "download", target, actual, None) from exc
    except OSError as exc:
        raise _cache_write_error(ds, target, exc) from exc
    path = Path(fname)
    # pooch has verified the hash; remember it so the next call does not re-read the file.
    with _hash_lock:
        _hash_memo[_stat_key(path)] = cf.sha256
    return path


def _short_reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _not_available(ds: Dataset, missing: list[CatalogFile], mirror: Path | None,
                   reason_en: str, reason_de: str) -> DatasetNotAvailableError:
    names = [f.name for f in missing]
    cache = cache_dir() / ds.id
    if mirror is None:
        mirror_en, mirror_de = "currently not set", "derzeit nicht gesetzt"
    else:
        mirror_en = f"currently {mirror}, which lacks them in {mirror / ds.id}"
        mirror_de = f"derzeit {mirror}, dort fehlen sie in {mirror / ds.id}"
    offline_en = f" and {ENV_OFFLINE} unset" if is_offline() else ""
    offline_de = f" und ohne {ENV_OFFLINE}" if is_offline() else ""
    urls = [f.url for f in missing if f.url]
    where_en = f"download address: {urls[0]}" if len(urls) == 1 else (
        f"download addresses in datasets/{CATALOG_FILE}; source: {ds.source}")
    where_de = f"Download-Adresse: {urls[0]}" if len(urls) == 1 else (
        f"Download-Adressen in datasets/{CATALOG_FILE}; Quelle: {ds.source}")
    message = (
        f"Dataset '{ds.id}' ({ds.title}) is not available: {reason_en}. "
        f"Missing: {_short_list(names)}. Licence: {ds.licence}. Attribution: {ds.attribution}. "
        "Provide it in one of three ways: "
        f"(1) set {ENV_MIRROR} to a mirror folder laid out as <mirror>/{ds.id}/<file>, e.g. "
        f"from a workshop USB stick ({mirror_en}); "
        f"(2) put the files into the cache folder {cache} ({where_en}); "
        f"(3) run '{FETCH_COMMAND} {ds.id}' with an internet connection{offline_en}."
    )
    message_de = (
        f"Der Datensatz '{ds.id}' ({ds.title}) ist nicht verfügbar: {reason_de}. "
        f"Es fehlt: {_short_list(names, de=True)}. Lizenz: {ds.licence}. Quellenangabe: {ds.attribution}. "
        "Stellen Sie ihn auf einem von drei Wegen bereit: "
        f"(1) Setzen Sie {ENV_MIRROR} auf einen Spiegelordner mit dem Aufbau "
        f"<Spiegelordner>/{ds.id}/<Datei>, z. B. vom USB-Stick eines Workshops ({mirror_de}); "
        f"(2) legen Sie die Dateien in den Cache-Ordner {cache} ({where_de}); "
        f"(3) führen Sie mit Internetverbindung{offline_de} '{FETCH_COMMAND} {ds.id}' aus."
    )
    return DatasetNotAvailableError(message, message_de=message_de)


# --------------------------------------------------------------------------- inspection


def locate(dataset: str | Dataset, *, catalog: Catalog | None = None) -> Location:
    """Where the dataset is available without downloading (by existence and size only).

    Use :func:`verify` to check the sha256 of the local copies.
    """
    ds = _dataset(dataset, catalog)

    def present(p: Path | None, cf: CatalogFile) -> bool:
        return p is not None and p.is_file() and p.stat().st_size == cf.size

    if ds.kind == "synthetic":
        folder = datasets_dir() / ds.id
        missing = tuple(cf.name for cf in ds.files if not present(folder / cf.name, cf))
        if missing:
            return Location(ds.id, "missing", None, missing)
        return Location(ds.id, "embedded", folder)
    mirror = mirror_dir()
    in_mirror = [present(_mirror_path(ds, cf, mirror), cf) for cf in ds.files]
    in_cache = [present(_cache_path(ds, cf), cf) for cf in ds.files]
    missing = tuple(cf.name for cf, m, c in zip(ds.files, in_mirror, in_cache, strict=True)
                    if not (m or c))
    if missing:
        return Location(ds.id, "missing", None, missing)
    if all(in_mirror):
        return Location(ds.id, "mirror", mirror / ds.id)
    if all(in_cache):
        return Location(ds.id, "cache", cache_dir() / ds.id)
    return Location(ds.id, "mixed", None)


def verify(catalog: Catalog | None = None, ids: Iterable[str] | None = None) -> list[VerifyResult]:
    """sha256 of every local copy (project, mirror, cache) of the catalogued files.

    Reads every file afresh. A file with no local copy gives one result with status
    ``"missing"``; a file in both mirror and cache gives one result per copy.
    """
    catalog = catalog if catalog is not None else load_catalog()
    selected = [catalog[i] for i in ids] if ids is not None else list(catalog)
    mirror = mirror_dir()
    results: list[VerifyResult] = []
    for ds in selected:
        for cf in ds.files:
            if ds.kind == "synthetic":
                places = [("embedded", datasets_dir() / ds.id / cf.name)]
            else:
                places = [("mirror", _mirror_path(ds, cf, mirror)), ("cache", _cache_path(ds, cf))]
            found = False
            for where, p in places:
                if p is None or not p.is_file():
                    continue
                found = True
                actual = _sha256(p, fresh=True)
                status = "ok" if actual == cf.sha256 else "mismatch"
                results.append(VerifyResult(ds.id, cf.name, status, where, p, cf.sha256, actual))
            if not found:
                results.append(VerifyResult(ds.id, cf.name, "missing", None, None, cf.sha256))
    return results


# --------------------------------------------------------------------------- helpers


def _suggestion(value: str, choices: Iterable[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f" Did you mean '{close[0]}'?", f" Meinten Sie '{close[0]}'?"


def _short_list(names: Iterable[str], *, de: bool = False) -> str:
    names = list(names)
    shown = ", ".join(names[:_MAX_LISTED])
    rest = len(names) - _MAX_LISTED
    if rest > 0:
        shown += f" und {rest} weitere" if de else f" and {rest} more"
    return shown
