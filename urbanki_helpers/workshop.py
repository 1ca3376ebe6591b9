"""An offline workshop folder: the project, wheels for the trainees' platform and the real data.

``pack_workshop(dest)`` writes a folder that a room without internet can install and run from:

``projekt/``
    the project's tracked files (``git ls-files``; outside a checkout the tree without
    ``.venv``, reports, caches and build artefacts), never the real data;
``wheels/``
    the project's own wheel and a wheel of every dependency for the chosen platform and Python
    version, plus pip, setuptools and wheel, so a fresh virtual environment installs with
    ``pip install --no-index --find-links wheels``;
``realdata/<id>/<file>``
    every real dataset of the catalogue that is available locally (mirror or cache), each file
    verified by sha256 against the catalogue; datasets that are not available are listed in the
    manifest and in ``LIESMICH.md``;
``install.bat``, ``start_lab.bat``, ``install.sh``, ``start_lab.sh``, ``LIESMICH.md``
    installation into ``.venv`` (editable install of ``projekt/``, so notebooks and embedded
    data are found) and a start script that sets ``URBANKI_DATA_DIR`` to ``realdata/`` and
    ``URBANKI_OFFLINE=1``;
``manifest.json``
    platform, Python version, every wheel and data file with sha256, the project commit.

``pip download --platform`` evaluates the environment markers of dependencies for the machine
it runs on, not for the target (pypa/pip#11664): packing for Windows on Linux would miss
``colorama``, ``pywin32`` and friends. The dependency closure is therefore re-checked with the
target's marker environment and whatever is missing is downloaded until nothing is.

The folder is built in a temporary sibling folder and renamed at the end.
"""

from __future__ import annotations

import datetime as _dt
import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from urbanki_helpers.atomic import write_text
from urbanki_helpers.data.catalog import Catalog, Dataset, cache_dir, load_catalog, mirror_dir
from urbanki_helpers.errors import ChecksumError, DatasetNotAvailableError, UrbanKIError
from urbanki_helpers.paths import project_root

__all__ = [
    "DEFAULT_PLATFORM",
    "DEFAULT_PYTHON_VERSION",
    "NATIVE",
    "DataSelection",
    "MissingDataset",
    "PackResult",
    "PackedDataset",
    "WheelDownloadError",
    "WorkshopPackError",
    "build_manifest",
    "copy_project",
    "copy_real_datasets",
    "download_wheels",
    "liesmich_text",
    "pack_workshop",
    "project_files",
    "target_environment",
    "unmet_requirements",
]

#: The trainees' laptops: 64-bit Windows with the Python version CI tests (3.11).
DEFAULT_PLATFORM = "win_amd64"
DEFAULT_PYTHON_VERSION = "3.11"
#: ``platform=NATIVE``: wheels for the machine and Python that run the packing.
NATIVE = "native"

PACK_FORMAT = "urbanki-workshop-pack"
PACK_FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.json"
PROJECT_DIR, WHEELS_DIR, REALDATA_DIR = "projekt", "wheels", "realdata"
PROJECT_NAME = "urbanki-lernlabor"
BOOTSTRAP = ("pip", "setuptools", "wheel")
MAX_ROUNDS = 8

#: Left out of ``projekt/`` when the project is not a git checkout.
_SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache",
              ".mypy_cache", ".ipynb_checkpoints", "build", "dist", "reports", "bench-results",
              "realdata", "ausgabe", "node_modules", ".tox", ".nox"}
_SKIP_SUFFIXES = (".pyc", ".pyo", ".egg-info")
_PY_VERSION_RE = re.compile(r"^3\.\d{1,2}$")


class WorkshopPackError(UrbanKIError):
    """The workshop folder cannot be written (destination in use, bad option)."""


class WheelDownloadError(WorkshopPackError):
    """pip could not build or download a wheel (no network, no wheel for the platform)."""


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class PackedDataset:
    """A real dataset copied into ``realdata/<id>/``; ``files`` holds (name, sha256, size in
    bytes, where it came from: ``"mirror"`` or ``"cache"``)."""

    dataset: Dataset
    files: tuple[tuple[str, str, int, str], ...]


@dataclass(frozen=True)
class MissingDataset:
    """A real dataset that is not in the pack.

    ``reason`` is ``"missing"`` (no local copy of ``files``) or ``"damaged"`` (a local copy of
    one of ``files`` has the wrong sha256; ``detail`` names path, expected and found sha256).
    """

    dataset: Dataset
    reason: str
    files: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True)
class DataSelection:
    """Result of :func:`copy_real_datasets`."""

    packed: tuple[PackedDataset, ...]
    missing: tuple[MissingDataset, ...]


@dataclass(frozen=True)
class PackResult:
    """The written workshop folder, its manifest (as written) and the datasets left out."""

    dest: Path
    manifest: dict
    missing: tuple[MissingDataset, ...]

    @property
    def wheel_count(self) -> int:
        return len(self.manifest["wheels"])


# --------------------------------------------------------------------------- project files


def _is_git_checkout(root: Path) -> bool:
    if not (root / ".git").exists() or shutil.which("git") is None:
        return False
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                          capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.strip() == "true"


def _read_manifest(folder: Path) -> dict | None:
    """The manifest of an earlier pack in ``folder``, or None."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == PACK_FORMAT \
        else None


def _is_pack(folder: Path) -> bool:
    return _read_manifest(folder) is not None


def project_files(root: str | os.PathLike, *, exclude: Iterable[str | os.PathLike] = ()
                  ) -> list[str]:
    """Files of the project as sorted paths relative to ``root`` (forward slashes).

    In a git checkout these are the tracked files that exist in the working tree; otherwise
    every file below ``root`` except virtual environments, reports, caches, build artefacts,
    real data and the folders in ``exclude`` (e.g. the pack being written).
    """
    root = Path(root).resolve()
    if _is_git_checkout(root):
        done = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True)
        names = [n for n in done.stdout.decode("utf-8").split("\0") if n]
        return sorted(n for n in names if (root / n).is_file())
    skip = {Path(p).resolve() for p in exclude}
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs
                         if d not in _SKIP_DIRS and not d.endswith(_SKIP_SUFFIXES)
                         and (here / d).resolve() not in skip and not _is_pack(here / d))
        for name in files:
            if not name.endswith(_SKIP_SUFFIXES):
                found.append((here / name).relative_to(root).as_posix())
    return sorted(found)


def copy_project(root: str | os.PathLike, target: str | os.PathLike, *,
                 exclude: Iterable[str | os.PathLike] = ()) -> list[str]:
    """Copy :func:`project_files` of ``root`` into ``target``; return the copied names."""
    root, target = Path(root).resolve(), Path(target)
    names = project_files(root, exclude=exclude)
    for name in names:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest)
    return names


def _git_commit(root: Path) -> tuple[str | None, bool]:
    """(HEAD commit, whether tracked files differ from it); (None, False) outside git."""
    if not _is_git_checkout(root):
        return None, False
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                          capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                             "--untracked-files=no"], capture_output=True, text=True)
    commit = head.stdout.strip() if head.returncode == 0 else None
    return commit, bool(status.stdout.strip())


# --------------------------------------------------------------------------- real data


def _copy_hashed(src: Path, dest: Path) -> str:
    """Copy ``src`` to ``dest`` and return the sha256 of the bytes copied."""
    h = hashlib.sha256()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        for chunk in iter(lambda: fin.read(1 << 20), b""):
            h.update(chunk)
            fout.write(chunk)
    shutil.copystat(src, dest)
    return h.hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _selected_real(catalog: Catalog, ids: Sequence[str] | None) -> list[Dataset]:
    if ids is None:
        return [ds for ds in catalog if ds.kind == "real"]
    chosen: list[Dataset] = []
    for dataset_id in ids:
        ds = catalog[dataset_id]  # unknown ids: the catalogue's error with a suggestion
        if ds.kind != "real":
            raise WorkshopPackError(
                f"Dataset '{ds.id}' is synthetic; it is always part of {PROJECT_DIR}/datasets. "
                "Name only real datasets (see 'urbanki data list').",
                message_de=f"Der Datensatz '{ds.id}' ist synthetisch und liegt immer in "
                f"{PROJECT_DIR}/datasets. Nennen Sie nur echte Datensätze (siehe "
                "'urbanki data list').",
            )
        if ds not in chosen:
            chosen.append(ds)
    return chosen


def copy_real_datasets(catalog: Catalog, target: str | os.PathLike, *,
                       ids: Sequence[str] | None = None, mirror: str | os.PathLike | None,
                       cache: str | os.PathLike | None) -> DataSelection:
    """Copy real datasets into ``target/<id>/<file>``, each file verified by sha256.

    For every file the mirror copy is tried first, then the cache copy; a copy with the wrong
    sha256 is never packed. A dataset goes in whole or not at all (a shapefile without its
    sidecars is useless). ``ids=None`` takes every real dataset and reports the ones without a
    complete valid copy as :class:`MissingDataset`; with explicit ``ids`` such a dataset is an
    error (:class:`DatasetNotAvailableError` or :class:`ChecksumError`).
    """
    target = Path(target)
    places = [(where, Path(p)) for where, p in (("mirror", mirror), ("cache", cache))
              if p is not None]
    packed: list[PackedDataset] = []
    missing: list[MissingDataset] = []
    for ds in _selected_real(catalog, ids):
        folder = target / ds.id
        files: list[tuple[str, str, int, str]] = []
        absent: list[str] = []
        damaged: list[str] = []
        for cf in ds.files:
            dest = folder / cf.name
            for where, base in places:
                src = base / ds.id / cf.name
                if not src.is_file():
                    continue
                actual = _copy_hashed(src, dest)
                if actual == cf.sha256:
                    files.append((cf.name, actual, dest.stat().st_size, where))
                    break
                dest.unlink()
                damaged.append(f"{where} {src}: expected sha256 {cf.sha256}, found {actual}")
            else:
                absent.append(cf.name)
        if not absent:
            packed.append(PackedDataset(ds, tuple(files)))
            continue
        shutil.rmtree(folder, ignore_errors=True)
        reason = "damaged" if damaged else "missing"
        entry = MissingDataset(ds, reason, tuple(absent), "; ".join(damaged))
        if ids is not None:
            raise _dataset_error(entry)
        missing.append(entry)
    return DataSelection(tuple(packed), tuple(missing))


def _dataset_error(entry: MissingDataset) -> UrbanKIError:
    ds = entry.dataset
    names = ", ".join(entry.files)
    if entry.reason == "damaged":
        return ChecksumError(
            f"Dataset '{ds.id}' is not packed: no valid copy of {names} ({entry.detail}). "
            f"Replace the damaged file with the original, e.g. with 'urbanki data fetch {ds.id}'.",
            message_de=f"Der Datensatz '{ds.id}' wird nicht eingepackt: keine gültige Kopie von "
            f"{names} ({entry.detail}). Ersetzen Sie die beschädigte Datei durch das Original, "
            f"z. B. mit 'urbanki data fetch {ds.id}'.",
        )
    return DatasetNotAvailableError(
        f"Dataset '{ds.id}' ({ds.title}) is not available locally: {names} is in neither the "
        f"mirror (URBANKI_DATA_DIR) nor the cache. Run 'urbanki data fetch {ds.id}' with an "
        "internet connection first, or leave it out of --datasets.",
        message_de=f"Der Datensatz '{ds.id}' ({ds.title}) ist lokal nicht vorhanden: {names} "
        "liegt weder im Spiegelordner (URBANKI_DATA_DIR) noch im Cache. Führen Sie zuerst mit "
        f"Internetverbindung 'urbanki data fetch {ds.id}' aus oder lassen Sie ihn bei "
        "--datasets weg.",
    )


# --------------------------------------------------------------------------- wheels


def target_environment(platform: str | None, python_version: str) -> dict[str, str]:
    """PEP 508 marker environment of a wheel platform tag (``None``: this machine).

    Known families: ``win_amd64``/``win32``/``win_arm64``, ``manylinux*``/``musllinux*``/
    ``linux_*`` and ``macosx_*``.
    """
    from packaging.markers import default_environment

    if platform is None:
        return dict(default_environment())
    if platform.startswith("win"):
        machine = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}.get(platform)
        system, sys_platform, os_name = "Windows", "win32", "nt"
    elif platform.startswith(("manylinux", "musllinux", "linux")):
        machine = next((m for m in ("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armv7l")
                        if platform.endswith(m)), None)
        system, sys_platform, os_name = "Linux", "linux", "posix"
    elif platform.startswith("macosx"):
        machine = "arm64" if platform.endswith("arm64") else "x86_64"
        system, sys_platform, os_name = "Darwin", "darwin", "posix"
    else:
        machine = None
    if machine is None:
        raise WorkshopPackError(
            f"Unknown wheel platform '{platform}'. Use e.g. win_amd64, "
            f"manylinux_2_28_x86_64, macosx_11_0_arm64, or '{NATIVE}' for this machine.",
            message_de=f"Unbekannte Wheel-Plattform '{platform}'. Verwenden Sie z. B. "
            f"win_amd64, manylinux_2_28_x86_64, macosx_11_0_arm64 oder '{NATIVE}' für diesen "
            "Rechner.",
        )
    full = f"{python_version}.0"
    return {
        "implementation_name": "cpython", "implementation_version": full,
        "os_name": os_name, "platform_machine": machine, "platform_release": "",
        "platform_system": system, "platform_version": "", "python_full_version": full,
        "platform_python_implementation": "CPython", "python_version": python_version,
        "sys_platform": sys_platform,
    }


def _wheel_index(wheels_dir: Path) -> dict[str, list[tuple[object, Path]]]:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    index: dict[str, list[tuple[object, Path]]] = {}
    for path in sorted(wheels_dir.glob("*.whl")):
        try:
            name, version, _build, _tags = parse_wheel_filename(path.name)
        except InvalidWheelFilename:
            continue
        index.setdefault(name, []).append((version, path))
    return index


def _requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist()
                    if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode("utf-8")
    return [r.strip() for r in email.parser.HeaderParser().parsestr(text).get_all(
        "Requires-Dist", [])]


def unmet_requirements(wheels_dir: str | os.PathLike, roots: Iterable[str],
                       environment: dict[str, str]) -> list[str]:
    """Requirements of the closure of ``roots`` that no wheel in ``wheels_dir`` satisfies.

    Walks ``Requires-Dist`` of the wheels, evaluating markers with ``environment`` (see
    :func:`target_environment`) and the extras asked for. Returns requirement strings without
    markers, ready for ``pip download``.
    """
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    index = _wheel_index(Path(wheels_dir))
    queue = [Requirement(r) for r in roots]
    seen: set[tuple[str, frozenset[str], str]] = set()
    missing: dict[str, Requirement] = {}
    while queue:
        req = queue.pop(0)
        if req.marker is not None and not req.marker.evaluate({**environment, "extra": ""}):
            continue
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras), str(req.specifier))
        if key in seen:
            continue
        seen.add(key)
        fitting = [(v, p) for v, p in index.get(name, [])
                   if req.specifier.contains(v, prereleases=True)]
        if not fitting:
            plain = Requirement(str(req))
            plain.marker = None
            missing.setdefault(name, plain)
            continue
        _version, wheel = max(fitting, key=lambda vp: vp[0])
        extras = ("", *sorted(req.extras))
        for text in _requires_dist(wheel):
            dep = Requirement(text)
            if dep.marker is None or any(dep.marker.evaluate({**environment, "extra": e})
                                         for e in extras):
                dep.marker = None
                queue.append(dep)
    return [str(r) for r in missing.values()]


_NO_MATCH_RE = re.compile(r"No matching distribution found for (\S+)")
_NO_VERSION_RE = re.compile(r"Could not find a version that satisfies the requirement (\S+)")
_NETWORK_RE = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name "
    r"resolution|Name or service not known|Network is unreachable|ProxyError|ConnectTimeout|"
    r"Connection refused|Max retries exceeded")


def _pip_error(output: str, what_en: str, what_de: str, target_en: str,
               target_de: str) -> WheelDownloadError:
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR:")]
    said = (errors[-1] if errors else (lines[-1] if lines else "(no output)"))[:300]
    found = _NO_MATCH_RE.search(output) or _NO_VERSION_RE.search(output)
    package = found.group(1) if found else None
    if _NETWORK_RE.search(output):
        pkg = f" (first needed: {package})" if package else ""
        pkg_de = f" (zuerst benötigt: {package})" if package else ""
        return WheelDownloadError(
            f"{what_en} failed: the package index could not be reached{pkg}. Packing needs an "
            "internet connection (behind a proxy set HTTPS_PROXY). pip said: " + said,
            message_de=f"{what_de} ist fehlgeschlagen: der Paketindex war nicht erreichbar"
            f"{pkg_de}. Zum Packen ist eine Internetverbindung nötig (hinter einem Proxy "
            "HTTPS_PROXY setzen). pip meldete: " + said,
        )
    if package:
        return WheelDownloadError(
            f"{what_en} failed: there is no wheel of '{package}' for {target_en}. Choose another "
            f"--platform or --python-version, or pack for this machine with --platform {NATIVE}. "
            "pip said: " + said,
            message_de=f"{what_de} ist fehlgeschlagen: für '{package}' gibt es kein Wheel für "
            f"{target_de}. Wählen Sie eine andere --platform oder --python-version oder packen "
            f"Sie mit --platform {NATIVE} für diesen Rechner. pip meldete: " + said,
        )
    return WheelDownloadError(
        f"{what_en} failed. pip said: {said}",
        message_de=f"{what_de} ist fehlgeschlagen. pip meldete: {said}",
    )


def _describe_target(platform: str | None, python_version: str) -> tuple[str, str]:
    if platform is None:
        return (f"this machine ({sysconfig.get_platform()}, Python {python_version})",
                f"diesen Rechner ({sysconfig.get_platform()}, Python {python_version})")
    return (f"platform {platform} and Python {python_version}",
            f"die Plattform {platform} und Python {python_version}")


def download_wheels(requirements: Sequence[str], wheels_dir: str | os.PathLike, *,
                    platform: str | None, python_version: str, python: str = sys.executable,
                    pip_options: Sequence[str] = ()) -> None:
    """``pip download`` wheels (never sdists) of ``requirements`` and their dependencies.

    ``platform=None`` downloads for the running interpreter; otherwise for the given wheel
    platform tag and CPython ``python_version``. A pip failure raises
    :class:`WorkshopPackError` naming the package it could not get.
    """
    cmd = [python, "-m", "pip", "download", "--disable-pip-version-check",
           "--only-binary=:all:", "-d", str(wheels_dir), *pip_options]
    if platform is not None:
        cmd += ["--platform", platform, "--python-version", python_version,
                "--implementation", "cp"]
    done = subprocess.run([*cmd, *requirements], capture_output=True, text=True)
    if done.returncode != 0:
        target_en, target_de = _describe_target(platform, python_version)
        raise _pip_error(done.stdout + "\n" + done.stderr, "Downloading the wheels",
                         "Das Herunterladen der Wheels", target_en, target_de)


def _build_project_wheel(source: Path, wheels_dir: Path, *, python: str,
                         pip_options: Sequence[str]) -> Path:
    before = set(wheels_dir.glob("*.whl"))
    done = subprocess.run(
        [python, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps",
         "-w", str(wheels_dir), *pip_options, str(source)],
        capture_output=True, text=True)
    new = sorted(set(wheels_dir.glob("*.whl")) - before)
    if done.returncode != 0 or not new:
        raise _pip_error(done.stdout + "\n" + done.stderr, "Building the project's own wheel",
                         "Das Bauen des Wheels des Projekts", "this machine", "diesen Rechner")
    return new[0]


# --------------------------------------------------------------------------- texts


def build_manifest(*, platform: str | None, python_version: str, include_test_extra: bool,
                   commit: str | None, dirty: bool, project_version: str, project_file_count: int,
                   wheels_dir: Path, data: DataSelection, created: str | None = None) -> dict:
    """The manifest of a pack: what it is for, every wheel and data file with sha256."""
    wheels = [{"file": p.name, "sha256": _file_sha256(p), "size": p.stat().st_size}
              for p in sorted(wheels_dir.glob("*.whl"))]

    def describe(ds: Dataset) -> dict:
        return {"id": ds.id, "title": ds.title, "licence": ds.licence,
                "attribution": ds.attribution, "source": ds.source}

    return {
        "format": PACK_FORMAT,
        "format_version": PACK_FORMAT_VERSION,
        "created": created or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "platform": platform if platform is not None else NATIVE,
        "native_platform": sysconfig.get_platform() if platform is None else None,
        "python_version": python_version,
        "include_test_extra": include_test_extra,
        "project": {"name": PROJECT_NAME, "version": project_version, "commit": commit,
                    "uncommitted_changes": dirty, "files": project_file_count},
        "wheels": wheels,
        "datasets": [{**describe(p.dataset),
                      "files": [{"name": n, "sha256": s, "size": size, "from": where}
                                for n, s, size, where in p.files]} for p in data.packed],
        "datasets_missing": [{**describe(m.dataset), "reason": m.reason, "files": list(m.files),
                              "detail": m.detail} for m in data.missing],
    }


def liesmich_text(manifest: dict) -> str:
    """German read-me of a pack, from its manifest: steps for the room, content, licences."""
    platform = manifest["platform"]
    py = manifest["python_version"]
    if platform == NATIVE:
        target = f"den Rechner, auf dem gepackt wurde ({manifest['native_platform']})"
    elif platform.startswith("win"):
        target = f"Windows ({platform})"
    else:
        target = platform
    project = manifest["project"]
    commit = project["commit"] or "unbekannt (kein git-Checkout)"
    if project["uncommitted_changes"]:
        commit += " mit nicht eingecheckten Änderungen"
    lines = [
        "# URBAN.KI Lernlabor – Workshop-Paket für Räume ohne Internet",
        "",
        f"Dieses Paket enthält alles, um das Lernlabor ohne Internetverbindung zu installieren: "
        f"das Projekt, alle benötigten Python-Pakete als Wheels für {target} und Python {py} "
        "sowie die echten offenen Daten, die beim Packen vorlagen.",
        "",
        "## Schritte im Schulungsraum",
        "",
        "### Windows",
        "",
        f"1. Python {py} (64 Bit) muss installiert sein, z. B. über die Softwareverteilung "
        f"der IT. Prüfen: `py -{py} --version` in der Eingabeaufforderung.",
        "2. Den ganzen Ordner auf den Laptop kopieren (z. B. vom USB-Stick nach "
        "`C:\\Lernlabor`); Pfade ohne Umlaute sind am sichersten.",
        "3. `install.bat` doppelklicken. Es legt `.venv` an und installiert alles aus dem "
        "Ordner `wheels` – ohne Internet.",
        "4. `start_lab.bat` doppelklicken. JupyterLab öffnet sich im Browser mit dem "
        "Projektordner; die Notebooks liegen in `notebooks/`.",
        "",
        "### Linux und macOS",
        "",
        f"1. Python {py} muss installiert sein (`python{py} --version`).",
        "2. `sh install.sh`, danach `sh start_lab.sh`.",
        "",
        "Die Startskripte setzen `URBANKI_DATA_DIR` auf den Ordner `realdata` und "
        "`URBANKI_OFFLINE=1` (es wird nichts heruntergeladen). Ein Befehl hinter dem Startskript "
        "läuft in derselben Umgebung, z. B. `start_lab.bat urbanki data verify` prüft alle "
        "Prüfsummen und `start_lab.bat urbanki list` zeigt die Notebooks.",
        "",
        "## Inhalt",
        "",
        "| Ordner/Datei | Inhalt |",
        "| --- | --- |",
        f"| `{PROJECT_DIR}/` | das Projekt ({project['files']} Dateien, Stand {commit}): "
        "Notebooks, Übungen, Hilfspaket, eingebettete synthetische Daten |",
        f"| `{WHEELS_DIR}/` | {len(manifest['wheels'])} Wheels für {target}, Python {py}, "
        "einschließlich pip, setuptools und wheel |",
        f"| `{REALDATA_DIR}/` | {len(manifest['datasets'])} echte Datensätze, aufgebaut als "
        "`realdata/<datensatz-id>/<datei>` |",
        "| `install.bat`, `install.sh` | Installation in `.venv` ohne Internet |",
        "| `start_lab.bat`, `start_lab.sh` | Start von JupyterLab mit den echten Daten |",
        f"| `{MANIFEST_FILE}` | Plattform, Python-Version, jede Datei mit SHA-256-Prüfsumme |",
        "",
        "## Echte Daten und ihre Lizenzen",
        "",
        "Bei jeder Verwendung ist die Quellenangabe zu nennen. Die synthetischen Daten von "
        "Musterstadt und Landkreis Musterland stehen unter CC0-1.0.",
        "",
    ]
    if manifest["datasets"]:
        lines += ["| Datensatz | Lizenz | Quellenangabe | Quelle |", "| --- | --- | --- | --- |"]
        lines += [f"| `{d['id']}`: {d['title']} | {d['licence']} | {d['attribution']} | "
                  f"{d['source']} |" for d in manifest["datasets"]]
    else:
        lines.append("Dieses Paket enthält keine echten Daten.")
    if manifest["datasets_missing"]:
        lines += ["", "### Nicht enthalten", "",
                  "Diese echten Datensätze lagen beim Packen nicht (oder nicht unbeschädigt) "
                  "vor. Die Notebooks laufen trotzdem; die Abschnitte mit diesen Daten sagen, "
                  "wie man sie bereitstellt.", ""]
        for m in manifest["datasets_missing"]:
            why = "beschädigt" if m["reason"] == "damaged" else "nicht vorhanden"
            lines.append(f"- `{m['id']}` ({m['title']}; {m['licence']}): {why}: "
                         f"{', '.join(m['files'])}")
    lines += ["", "Code und Notebooks: EUPL-1.2 (siehe `projekt/LICENSE`).", ""]
    return "\n".join(lines)


def _install_sh(python_version: str, spec: str) -> str:
    return f"""#!/bin/sh
# URBAN.KI Lernlabor: install from this folder alone, without internet (Linux, macOS).
set -e
cd "$(dirname "$0")"
if [ -z "$PYTHON" ]; then
  for candidate in python{python_version} python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
  done
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != ({python_version.replace(".", ", ")}))' 2>/dev/null; then
  echo "Fehler: Python {python_version} wird benötigt (die Wheels in 'wheels' passen nur dazu)." >&2
  echo "Setzen Sie PYTHON auf den Pfad von Python {python_version}." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --disable-pip-version-check --no-index --find-links wheels --upgrade pip setuptools wheel
.venv/bin/python -m pip install --disable-pip-version-check --no-index --find-links wheels -e "{spec}"
echo "Installation abgeschlossen. Starten Sie das Lernlabor mit: sh start_lab.sh"
"""


def _start_lab_sh() -> str:
    return f"""#!/bin/sh
# URBAN.KI Lernlabor: JupyterLab with the real data of this folder, never downloading.
# With arguments, runs that command in the same environment, e.g. sh start_lab.sh urbanki list
HERE="$(cd "$(dirname "$0")" && pwd)"
export URBANKI_HOME="$HERE/{PROJECT_DIR}"
export URBANKI_DATA_DIR="$HERE/{REALDATA_DIR}"
export URBANKI_OFFLINE=1
export PATH="$HERE/.venv/bin:$PATH"
if [ "$#" -gt 0 ]; then exec "$@"; fi
exec jupyter lab "--ServerApp.root_dir=$HERE/{PROJECT_DIR}"
"""


def _install_bat(python_version: str, spec: str) -> str:
    major, minor = python_version.split(".")
    return f"""@echo off
rem URBAN.KI Lernlabor: install from this folder alone, without internet (Windows).
setlocal
cd /d "%~dp0"
set "PY=python"
py -{python_version} -c "" >nul 2>nul && set "PY=py -{python_version}"
%PY% -c "import sys; sys.exit(sys.version_info[:2] != ({major}, {minor}))" >nul 2>nul
if errorlevel 1 (
  echo Fehler: Python {python_version} ^(64 Bit^) wird benoetigt, die Wheels passen nur dazu.
  echo Bitte Python {python_version} installieren und install.bat erneut starten.
  goto fehler
)
if not exist ".venv\\Scripts\\python.exe" (
  %PY% -m venv .venv || goto fehler
)
".venv\\Scripts\\python.exe" -m pip install --disable-pip-version-check --no-index --find-links wheels --upgrade pip setuptools wheel || goto fehler
".venv\\Scripts\\python.exe" -m pip install --disable-pip-version-check --no-index --find-links wheels -e "{spec}" || goto fehler
echo.
echo Installation abgeschlossen. Starten Sie das Lernlabor mit start_lab.bat.
pause
exit /b 0
:fehler
echo.
echo Die Installation ist fehlgeschlagen. Bitte die Meldungen oben an die Schulungsleitung geben.
pause
exit /b 1
"""


def _start_lab_bat() -> str:
    return f"""@echo off
rem URBAN.KI Lernlabor: JupyterLab with the real data of this folder, never downloading.
rem With arguments, runs that command in the same environment, e.g. start_lab.bat urbanki list
setlocal
set "HERE=%~dp0"
set "HERE=%HERE:~0,-1%"
set "URBANKI_HOME=%HERE%\\{PROJECT_DIR}"
set "URBANKI_DATA_DIR=%HERE%\\{REALDATA_DIR}"
set "URBANKI_OFFLINE=1"
set "PATH=%HERE%\\.venv\\Scripts;%PATH%"
if not exist "%HERE%\\.venv\\Scripts\\python.exe" (
  echo Bitte zuerst install.bat ausfuehren.
  pause
  exit /b 1
)
if not "%~1"=="" (
  %*
  exit /b %errorlevel%
)
jupyter lab "--ServerApp.root_dir=%HERE%\\{PROJECT_DIR}"
"""


def _write_scripts(folder: Path, python_version: str, include_test_extra: bool) -> None:
    spec = f"{PROJECT_DIR}[test]" if include_test_extra else PROJECT_DIR
    for name, text, crlf in (("install.sh", _install_sh(python_version, spec), False),
                             ("start_lab.sh", _start_lab_sh(), False),
                             ("install.bat", _install_bat(python_version, spec), True),
                             ("start_lab.bat", _start_lab_bat(), True)):
        path = folder / name
        path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
        if not crlf:
            path.chmod(0o755)


# --------------------------------------------------------------------------- the pack


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_destination(dest: Path, overwrite: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise WorkshopPackError(
            f"{dest} exists and is not a folder. Choose another destination.",
            message_de=f"{dest} gibt es schon und ist kein Ordner. Wählen Sie ein anderes Ziel.",
        )
    if not dest.is_dir() or not any(dest.iterdir()):
        return
    if not overwrite:
        raise WorkshopPackError(
            f"The folder {dest} is not empty. Choose an empty or new folder, or pass "
            "--overwrite to replace an earlier workshop pack there.",
            message_de=f"Der Ordner {dest} ist nicht leer. Wählen Sie einen leeren oder neuen "
            "Ordner oder ersetzen Sie mit --overwrite ein früheres Workshop-Paket darin.",
        )
    if not _is_pack(dest):
        raise WorkshopPackError(
            f"The folder {dest} holds no earlier workshop pack (no {MANIFEST_FILE} of one), so "
            "--overwrite does not replace it. Choose an empty or new folder.",
            message_de=f"Der Ordner {dest} enthält kein früheres Workshop-Paket (keine "
            f"{MANIFEST_FILE} eines solchen), daher ersetzt --overwrite ihn nicht. Wählen Sie "
            "einen leeren oder neuen Ordner.",
        )


def _check_python_version(platform: str | None, python_version: str | None) -> str:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if platform is None:
        if python_version not in (None, running):
            raise WorkshopPackError(
                f"--platform {NATIVE} packs for the running Python {running}; --python-version "
                f"{python_version} does not fit. Leave it out, or name a platform such as "
                f"{DEFAULT_PLATFORM}.",
                message_de=f"--platform {NATIVE} packt für das laufende Python {running}; "
                f"--python-version {python_version} passt nicht dazu. Lassen Sie es weg oder "
                f"nennen Sie eine Plattform wie {DEFAULT_PLATFORM}.",
            )
        return running
    version = python_version or DEFAULT_PYTHON_VERSION
    if not _PY_VERSION_RE.match(version):
        raise WorkshopPackError(
            f"--python-version must look like 3.11, not '{version}'.",
            message_de=f"--python-version muss wie 3.11 aussehen, nicht '{version}'.",
        )
    return version


def _replace_folder(staging: Path, dest: Path) -> None:
    if dest.is_dir() and not any(dest.iterdir()):
        dest.rmdir()
    if not dest.exists():
        os.replace(staging, dest)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
    old.rmdir()
    os.replace(dest, old)
    try:
        os.replace(staging, dest)
    except OSError:
        os.replace(old, dest)
        raise
    shutil.rmtree(old, ignore_errors=True)


def pack_workshop(
    dest: str | os.PathLike,
    *,
    platform: str | None = DEFAULT_PLATFORM,
    python_version: str | None = None,
    datasets: Sequence[str] | None = None,
    include_test_extra: bool = False,
    overwrite: bool = False,
    project: str | os.PathLike | None = None,
    catalog: Catalog | None = None,
    mirror: str | os.PathLike | None = None,
    cache: str | os.PathLike | None = None,
    python: str = sys.executable,
    pip_options: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> PackResult:
    """Write an offline workshop folder to ``dest`` (see the module docstring for its layout).

    ``platform`` is a wheel platform tag (default ``win_amd64``) or ``None``/``"native"`` for
    this machine; ``python_version`` defaults to 3.11 (for ``native``: the running Python).
    ``datasets=None`` packs every real dataset available locally and lists the others as
    missing; a list of ids packs exactly those (an error if one is not available intact).
    ``mirror``/``cache`` default to ``URBANKI_DATA_DIR`` and the cache folder. ``pip_options``
    go to every pip call (e.g. ``["--index-url", URL]``). ``progress`` receives German
    one-line messages about the steps. A non-empty ``dest`` is refused unless ``overwrite`` and
    it holds an earlier pack.
    """
    say = progress or (lambda _text: None)
    platform = None if platform in (None, NATIVE) else platform
    python_version = _check_python_version(platform, python_version)
    environment = target_environment(platform, python_version)
    dest = Path(dest).expanduser().resolve()
    _check_destination(dest, overwrite)
    root = Path(project).resolve() if project is not None else project_root()
    catalog = catalog if catalog is not None else load_catalog(root / "datasets" /
                                                               "catalog.yaml")
    mirror = mirror if mirror is not None else mirror_dir()
    cache = cache if cache is not None else cache_dir()

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide the pack from colleagues
        say(f"Echte Daten prüfen und kopieren nach {REALDATA_DIR}/ ...")
        (staging / REALDATA_DIR).mkdir()
        data = copy_real_datasets(catalog, staging / REALDATA_DIR, ids=datasets,
                                  mirror=mirror, cache=cache)
        say(f"Projektdateien kopieren nach {PROJECT_DIR}/ ...")
        names = copy_project(root, staging / PROJECT_DIR, exclude=[dest, staging])
        commit, dirty = _git_commit(root)

        wheels = staging / WHEELS_DIR
        wheels.mkdir()
        say("Wheel des Projekts bauen ...")
        build_src = Path(tempfile.mkdtemp(prefix="build-", dir=staging))
        shutil.copytree(staging / PROJECT_DIR, build_src / "src")
        own = _build_project_wheel(build_src / "src", wheels, python=python,
                                   pip_options=pip_options)
        shutil.rmtree(build_src)
        project_version = own.name.split("-")[1]

        root_req = f"{PROJECT_NAME}[test]" if include_test_extra else PROJECT_NAME
        roots = [f"{root_req}=={project_version}", *BOOTSTRAP]
        target_en, _target_de = _describe_target(platform, python_version)
        for round_no in range(1, MAX_ROUNDS + 1):
            todo = unmet_requirements(wheels, roots, environment)
            if not todo:
                break
            say(f"Wheels herunterladen (Runde {round_no}, {len(todo)} Anforderungen) ...")
            download_wheels(todo, wheels, platform=platform, python_version=python_version,
                            python=python, pip_options=pip_options)
        else:
            raise WheelDownloadError(
                f"The wheels for {target_en} are still incomplete after {MAX_ROUNDS} rounds of "
                f"downloads; missing: {', '.join(todo)}.",
                message_de=f"Die Wheels sind nach {MAX_ROUNDS} Download-Runden noch "
                f"unvollständig; es fehlt: {', '.join(todo)}.",
            )

        say("Skripte, LIESMICH.md und manifest.json schreiben ...")
        _write_scripts(staging, python_version, include_test_extra)
        manifest = build_manifest(
            platform=platform, python_version=python_version,
            include_test_extra=include_test_extra, commit=commit, dirty=dirty,
            project_version=project_version, project_file_count=len(names),
            wheels_dir=wheels, data=data)
        write_text(staging / "LIESMICH.md", liesmich_text(manifest))
        write_text(staging / MANIFEST_FILE,
                   json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        _replace_folder(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PackResult(dest, manifest, data.missing)
