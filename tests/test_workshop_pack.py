"""`urbanki workshop pack`: the offline workshop folder (project, wheels, real data, scripts)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from urbanki_helpers import cli
from urbanki_helpers.data.catalog import load_catalog
from urbanki_helpers.errors import ChecksumError, DatasetNotAvailableError, UrbanKIError
from urbanki_helpers.workshop import (
    MissingDataset,
    WheelDownloadError,
    WorkshopPackError,
    build_manifest,
    copy_real_datasets,
    download_wheels,
    liesmich_text,
    pack_workshop,
    project_files,
    target_environment,
    unmet_requirements,
)

PROJECT = Path(__file__).resolve().parent.parent


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: Two real datasets of a fake catalogue: id -> {file name: content}.
FAKE = {
    "zaehlung": {"zaehlung.csv": b"stelle;anzahl\nA;12\nB;7\n"},
    "grenzen": {"grenzen.shp": b"SHP-bytes", "grenzen.dbf": b"DBF-bytes"},
}


def fake_catalog(tmp_path: Path, datasets: dict[str, dict[str, bytes]] = FAKE):
    entries = [{
        "id": "synth", "title": "Synthetisch", "kind": "synthetic", "licence": "CC0-1.0",
        "attribution": "Lernlabor", "source": "https://example.org/synth",
        "description": "synthetisch", "generator": "datasets/synth/generate.py",
        "files": [{"name": "a.csv", "sha256": sha(b"a"), "size": 1}],
    }]
    for ds_id, files in datasets.items():
        entries.append({
            "id": ds_id, "title": f"Titel {ds_id}", "kind": "real", "licence": "dl-de/by-2-0",
            "attribution": f"Quelle {ds_id}, dl-de/by-2-0", "source": f"https://example.org/{ds_id}",
            "description": "echt",
            "files": [{"name": n, "sha256": sha(b), "size": len(b),
                       "url": f"https://example.org/{ds_id}/{n}"} for n, b in files.items()],
        })
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"datasets": entries}, allow_unicode=True), encoding="utf-8")
    return load_catalog(path)


def put(base: Path, ds_id: str, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (base / ds_id / name).parent.mkdir(parents=True, exist_ok=True)
        (base / ds_id / name).write_bytes(data)


# --------------------------------------------------------------------------- real data


def test_real_data_comes_verified_from_mirror_then_cache_and_gaps_are_listed(tmp_path):
    catalog = fake_catalog(tmp_path)
    mirror, cache, out = tmp_path / "mirror", tmp_path / "cache", tmp_path / "out"
    put(mirror, "zaehlung", FAKE["zaehlung"])
    put(cache, "zaehlung", {"zaehlung.csv": b"other bytes in the cache"})  # mirror wins
    put(mirror, "grenzen", {"grenzen.shp": FAKE["grenzen"]["grenzen.shp"]})  # .dbf missing

    sel = copy_real_datasets(catalog, out, mirror=mirror, cache=cache)

    assert [(p.dataset.id, p.files) for p in sel.packed] == [
        ("zaehlung", (("zaehlung.csv", sha(FAKE["zaehlung"]["zaehlung.csv"]), 23, "mirror"),))]
    assert (out / "zaehlung" / "zaehlung.csv").read_bytes() == FAKE["zaehlung"]["zaehlung.csv"]
    # a dataset goes in whole or not at all: no .shp without its .dbf
    assert [(m.dataset.id, m.reason, m.files) for m in sel.missing] == [
        ("grenzen", "missing", ("grenzen.dbf",))]
    assert not (out / "grenzen").exists()

    put(cache, "grenzen", {"grenzen.dbf": FAKE["grenzen"]["grenzen.dbf"]})
    sel = copy_real_datasets(catalog, tmp_path / "out2", mirror=mirror, cache=cache)
    assert sel.missing == ()
    grenzen = {p.dataset.id: p for p in sel.packed}["grenzen"]
    assert [(name, where) for name, _s, _n, where in grenzen.files] == [
        ("grenzen.shp", "mirror"), ("grenzen.dbf", "cache")]


def test_a_damaged_file_is_never_packed(tmp_path):
    catalog = fake_catalog(tmp_path, {"zaehlung": FAKE["zaehlung"]})
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    put(mirror, "zaehlung", {"zaehlung.csv": b"stelle;anzahl\nA;13\nB;7\n"})  # one byte off
    good = sha(FAKE["zaehlung"]["zaehlung.csv"])
    bad = sha(b"stelle;anzahl\nA;13\nB;7\n")

    sel = copy_real_datasets(catalog, tmp_path / "out", mirror=mirror, cache=cache)
    assert sel.packed == ()
    (m,) = sel.missing
    assert (m.reason, m.files) == ("damaged", ("zaehlung.csv",))
    assert f"expected sha256 {good}, found {bad}" in m.detail and str(mirror) in m.detail
    assert not (tmp_path / "out" / "zaehlung").exists()

    with pytest.raises(ChecksumError) as exc:  # asked for by name: an error
        copy_real_datasets(catalog, tmp_path / "out", ids=["zaehlung"], mirror=mirror,
                           cache=cache)
    assert "urbanki data fetch zaehlung" in exc.value.message_de

    put(cache, "zaehlung", FAKE["zaehlung"])  # an intact cache copy is taken instead
    sel = copy_real_datasets(catalog, tmp_path / "out", mirror=mirror, cache=cache)
    assert [(p.dataset.id, p.files[0][3]) for p in sel.packed] == [("zaehlung", "cache")]
    assert sha((tmp_path / "out" / "zaehlung" / "zaehlung.csv").read_bytes()) == good


def test_choosing_datasets(tmp_path):
    catalog = fake_catalog(tmp_path)
    mirror = tmp_path / "mirror"
    put(mirror, "zaehlung", FAKE["zaehlung"])
    sel = copy_real_datasets(catalog, tmp_path / "out", ids=["zaehlung"], mirror=mirror,
                             cache=None)
    assert [p.dataset.id for p in sel.packed] == ["zaehlung"] and sel.missing == ()
    assert not (tmp_path / "out" / "grenzen").exists()
    with pytest.raises(DatasetNotAvailableError, match="grenzen.shp, grenzen.dbf"):
        copy_real_datasets(catalog, tmp_path / "o2", ids=["grenzen"], mirror=mirror, cache=None)
    with pytest.raises(WorkshopPackError) as exc:
        copy_real_datasets(catalog, tmp_path / "o3", ids=["synth"], mirror=mirror, cache=None)
    assert "synthetisch" in exc.value.message_de
    with pytest.raises(UrbanKIError, match="Did you mean 'zaehlung'"):
        copy_real_datasets(catalog, tmp_path / "o4", ids=["zaelung"], mirror=mirror, cache=None)
    assert copy_real_datasets(catalog, tmp_path / "o5", ids=[], mirror=mirror,
                              cache=None).packed == ()


# --------------------------------------------------------------------------- destination


def test_a_non_empty_destination_is_refused_and_left_alone(tmp_path):
    dest = tmp_path / "stick"
    dest.mkdir()
    (dest / "urlaub.jpg").write_bytes(b"photo")
    with pytest.raises(WorkshopPackError) as exc:
        pack_workshop(dest, platform="native")
    assert "nicht leer" in exc.value.message_de and "--overwrite" in exc.value.message_de
    with pytest.raises(WorkshopPackError) as exc:  # --overwrite only replaces an earlier pack
        pack_workshop(dest, platform="native", overwrite=True)
    assert "kein früheres Workshop-Paket" in exc.value.message_de
    assert [p.name for p in dest.iterdir()] == ["urlaub.jpg"]
    assert [p.name for p in tmp_path.iterdir()] == ["stick"]  # no staging folder left


def test_bad_options_are_refused_before_any_work(tmp_path):
    with pytest.raises(WorkshopPackError, match="Unknown wheel platform 'windows'"):
        pack_workshop(tmp_path / "p", platform="windows")
    with pytest.raises(WorkshopPackError, match="must look like 3.11"):
        pack_workshop(tmp_path / "p", python_version="311")
    other = "3.10" if sys.version_info[:2] != (3, 10) else "3.12"
    with pytest.raises(WorkshopPackError, match="running Python"):
        pack_workshop(tmp_path / "p", platform="native", python_version=other)
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_non_empty_folder_with_exit_2(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("x")
    assert cli.main(["workshop", "pack", str(tmp_path)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"Fehler: Der Ordner {tmp_path} ist nicht leer" in err and "Traceback" not in err


# --------------------------------------------------------------------------- project files


def test_project_files_leave_out_venv_reports_caches_and_earlier_packs(tmp_path):
    root = tmp_path / "proj"
    for name in ["pyproject.toml", "README.md", "urbanki_helpers/a.py", "notebooks/00.ipynb",
                 "datasets/synth/a.csv", ".venv/bin/python", "reports/index.html",
                 "urbanki_helpers/__pycache__/a.cpython-311.pyc", "urbanki_helpers/b.pyc",
                 "build/lib/x.py", "dist/x.whl", "u.egg-info/PKG-INFO", "realdata/koeln/k.csv",
                 ".pytest_cache/v", "notebooks/ausgabe/run.html", "paket/manifest.json",
                 "paket/wheels/x.whl", "tests/data/manifest.json"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / "paket" / "manifest.json").write_text('{"format": "urbanki-workshop-pack"}')
    assert project_files(root) == [
        "README.md", "datasets/synth/a.csv", "notebooks/00.ipynb", "pyproject.toml",
        "tests/data/manifest.json", "urbanki_helpers/a.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_project_files_of_a_git_checkout_are_the_tracked_ones(tmp_path):
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "m.py").write_text("x = 1\n")
    (root / ".gitignore").write_text(".venv/\n")
    (root / ".venv").mkdir()
    (root / ".venv" / "big").write_text("x")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "pkg/m.py", ".gitignore"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    (root / "notes.txt").write_text("untracked scratch")
    assert project_files(root) == [".gitignore", "pkg/m.py"]


# --------------------------------------------------------------------------- wheels


def fake_wheel(folder: Path, name: str, version: str, requires: list[str]) -> Path:
    path = folder / f"{name}-{version}-py3-none-any.whl"
    meta = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}\n\nlong description\n".format(
        name, version, "".join(f"Requires-Dist: {r}\n" for r in requires))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", meta)
    return path


def test_target_environment_of_windows_and_linux():
    win = target_environment("win_amd64", "3.11")
    assert (win["sys_platform"], win["platform_system"], win["os_name"],
            win["platform_machine"], win["python_version"]) == (
        "win32", "Windows", "nt", "AMD64", "3.11")
    lin = target_environment("manylinux_2_28_aarch64", "3.12")
    assert (lin["sys_platform"], lin["platform_machine"], lin["python_version"]) == (
        "linux", "aarch64", "3.12")
    assert target_environment("macosx_11_0_arm64", "3.11")["platform_machine"] == "arm64"


def test_unmet_requirements_follow_the_target_markers_not_this_machine(tmp_path):
    fake_wheel(tmp_path, "app", "1.0", [
        "lib>=2", 'winonly; sys_platform == "win32"', 'posixonly; os_name == "posix"',
        'old; python_version < "3.11"', "tool[fast]", 'testdep; extra == "test"'])
    fake_wheel(tmp_path, "lib", "1.5", [])  # too old for lib>=2
    fake_wheel(tmp_path, "tool", "3.0", ['speedup>=1; extra == "fast"', 'slow; extra == "slow"'])
    win = target_environment("win_amd64", "3.11")
    assert sorted(unmet_requirements(tmp_path, ["app"], win)) == [
        "lib>=2", "speedup>=1", "winonly"]
    lin310 = target_environment("manylinux2014_x86_64", "3.10")
    assert sorted(unmet_requirements(tmp_path, ["app[test]", "pip"], lin310)) == [
        "lib>=2", "old", "pip", "posixonly", "speedup>=1", "testdep"]
    fake_wheel(tmp_path, "lib", "2.1", [])
    fake_wheel(tmp_path, "winonly", "1.0", [])
    fake_wheel(tmp_path, "speedup", "1.2", [])
    assert unmet_requirements(tmp_path, ["app"], win) == []


@pytest.fixture
def clean_pip(monkeypatch):
    """pip without this machine's configuration (find-links, extra indexes)."""
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


def test_no_wheel_for_the_platform_names_the_package(tmp_path, clean_pip):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(WheelDownloadError) as exc:
        download_wheels(["geopandas~=1.2"], tmp_path / "w", platform="win_amd64",
                        python_version="3.11", pip_options=["--no-index", "--find-links",
                                                             str(empty)])
    assert "no wheel of 'geopandas~=1.2' for platform win_amd64 and Python 3.11" in str(exc.value)
    assert "für 'geopandas~=1.2' gibt es kein Wheel" in exc.value.message_de
    assert "Traceback" not in exc.value.message_de


def test_an_unreachable_index_says_so(tmp_path, clean_pip):
    with pytest.raises(WheelDownloadError) as exc:
        download_wheels(["pyyaml~=6.0"], tmp_path / "w", platform=None, python_version="3.11",
                        pip_options=["--index-url", "http://127.0.0.1:9/simple",
                                     "--retries", "1", "--timeout", "2"])
    assert "could not be reached (first needed: pyyaml~=6.0)" in str(exc.value)
    assert "Paketindex war nicht erreichbar" in exc.value.message_de


# --------------------------------------------------------------------------- manifest


def test_manifest_and_liesmich_list_wheels_data_licences_and_gaps(tmp_path):
    catalog = fake_catalog(tmp_path)
    mirror, wheels = tmp_path / "mirror", tmp_path / "wheels"
    put(mirror, "zaehlung", FAKE["zaehlung"])
    sel = copy_real_datasets(catalog, tmp_path / "out", mirror=mirror, cache=None)
    wheels.mkdir()
    (wheels / "a-1.0-py3-none-any.whl").write_bytes(b"wheel a")
    m = build_manifest(platform="win_amd64", python_version="3.11", include_test_extra=False,
                       commit="abc123", dirty=False, project_version="0.1.0",
                       project_file_count=42, wheels_dir=wheels, data=sel,
                       created="2026-12-01T10:00:00+00:00")
    assert m["format"] == "urbanki-workshop-pack" and m["platform"] == "win_amd64"
    assert m["project"] == {"name": "urbanki-lernlabor", "version": "0.1.0", "commit": "abc123",
                            "uncommitted_changes": False, "files": 42}
    assert m["wheels"] == [{"file": "a-1.0-py3-none-any.whl", "sha256": sha(b"wheel a"),
                            "size": 7}]
    (ds,) = m["datasets"]
    assert ds["id"] == "zaehlung" and ds["attribution"] == "Quelle zaehlung, dl-de/by-2-0"
    assert ds["files"] == [{"name": "zaehlung.csv", "sha256": sha(FAKE["zaehlung"]["zaehlung.csv"]),
                            "size": 23, "from": "mirror"}]
    assert [(d["id"], d["reason"], d["files"]) for d in m["datasets_missing"]] == [
        ("grenzen", "missing", ["grenzen.shp", "grenzen.dbf"])]
    json.dumps(m)  # serialisable as written

    text = liesmich_text(m)
    assert "Windows (win_amd64)" in text and "`py -3.11 --version`" in text
    assert "| `zaehlung`: Titel zaehlung | dl-de/by-2-0 | Quelle zaehlung, dl-de/by-2-0 |" in text
    assert "- `grenzen` (Titel grenzen; dl-de/by-2-0): nicht vorhanden: grenzen.shp, " \
        "grenzen.dbf" in text
    assert "| `wheels/` | 1 Wheels" in text and "Stand abc123" in text


def test_missing_dataset_reasons_read_in_german_in_the_cli(tmp_path, capsys, monkeypatch):
    catalog = fake_catalog(tmp_path)
    entry = MissingDataset(catalog["grenzen"], "damaged", ("grenzen.dbf",), "mirror x: ...")

    class Result:
        dest, missing = tmp_path, (entry,)
        wheel_count = 3
        manifest = {"platform": "win_amd64", "native_platform": None, "python_version": "3.11",
                    "datasets": []}

    monkeypatch.setattr("urbanki_helpers.workshop.pack_workshop", lambda *a, **k: Result())
    assert cli.main(["workshop", "pack", str(tmp_path / "p"), "--datasets", ""]) == 0
    out = capsys.readouterr()
    assert "3 Wheels für win_amd64, Python 3.11; 0 echte Datensätze" in out.out
    assert "– nicht eingepackt: grenzen (beschädigt: grenzen.dbf) – mirror x: ..." in out.err


@pytest.fixture
def offline_pip(monkeypatch):
    """Replace the two pip calls by fake wheels: the rest of the packer runs for real."""
    calls = []

    def build(source, wheels_dir, *, python, pip_options):
        calls.append(("wheel", source.name))
        return fake_wheel(wheels_dir, "urbanki_lernlabor", "0.1.0", ["dep>=1"])

    def download(requirements, wheels_dir, **kwargs):
        calls.append(("download", tuple(requirements), kwargs["platform"]))
        for req in requirements:
            fake_wheel(Path(wheels_dir), req.split(">")[0].split("=")[0], "1.0", [])

    monkeypatch.setattr("urbanki_helpers.workshop._build_project_wheel", build)
    monkeypatch.setattr("urbanki_helpers.workshop.download_wheels", download)
    return calls


def test_pack_layout_scripts_and_overwrite(tmp_path, offline_pip):
    project = tmp_path / "proj"
    (project / "notebooks").mkdir(parents=True)
    (project / "notebooks" / "00.ipynb").write_text("{}")
    (project / ".venv").mkdir()
    (project / ".venv" / "python").write_text("x")
    catalog = fake_catalog(tmp_path)
    put(tmp_path / "mirror", "zaehlung", FAKE["zaehlung"])
    dest = tmp_path / "stick" / "paket"
    kw = dict(project=project, catalog=catalog, mirror=tmp_path / "mirror",
              cache=tmp_path / "cache")

    result = pack_workshop(dest, **kw)

    assert offline_pip == [("wheel", "src"),
                           ("download", ("pip", "setuptools", "wheel", "dep>=1"), "win_amd64")]
    assert sorted(p.name for p in (dest / "wheels").iterdir()) == [
        "dep-1.0-py3-none-any.whl", "pip-1.0-py3-none-any.whl",
        "setuptools-1.0-py3-none-any.whl", "urbanki_lernlabor-0.1.0-py3-none-any.whl",
        "wheel-1.0-py3-none-any.whl"]
    assert sorted(str(p.relative_to(dest / "projekt")) for p in
                  (dest / "projekt").rglob("*")) == ["notebooks", "notebooks/00.ipynb"]
    assert (dest / "realdata" / "zaehlung" / "zaehlung.csv").read_bytes() == \
        FAKE["zaehlung"]["zaehlung.csv"]
    assert [m.dataset.id for m in result.missing] == ["grenzen"]
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["platform"] == "win_amd64" and manifest["python_version"] == "3.11"
    assert manifest["project"]["commit"] is None and manifest["project"]["files"] == 1
    bat = (dest / "install.bat").read_text(encoding="utf-8")
    assert "py -3.11" in bat and "--no-index --find-links wheels -e \"projekt\"" in bat
    assert "\r\n" in (dest / "install.bat").read_bytes().decode()
    lab = (dest / "start_lab.bat").read_text(encoding="utf-8")
    assert 'set "URBANKI_DATA_DIR=%HERE%\\realdata"' in lab and 'set "URBANKI_OFFLINE=1"' in lab
    assert "jupyter lab" in lab
    sh = (dest / "start_lab.sh").read_text(encoding="utf-8")
    assert 'export URBANKI_DATA_DIR="$HERE/realdata"' in sh and os.access(dest / "install.sh",
                                                                          os.X_OK)
    assert "zaehlung" in (dest / "LIESMICH.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in dest.parent.iterdir()) == ["paket"]  # no staging left

    # again, for this machine and with the test tools: refused without --overwrite ...
    with pytest.raises(WorkshopPackError, match="not empty"):
        pack_workshop(dest, platform="native", **kw)
    # ... replaced with it
    (dest / "realdata" / "stale.txt").write_text("from the old pack")
    pack_workshop(dest, platform="native", include_test_extra=True, overwrite=True, **kw)
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["platform"] == "native" and manifest["include_test_extra"] is True
    assert not (dest / "realdata" / "stale.txt").exists()
    assert '-e "projekt[test]"' in (dest / "install.sh").read_text(encoding="utf-8")
    assert sorted(p.name for p in dest.parent.iterdir()) == ["paket"]


def test_a_pip_failure_leaves_the_earlier_pack_untouched(tmp_path, offline_pip, monkeypatch):
    project = tmp_path / "proj"
    (project / "notebooks").mkdir(parents=True)
    (project / "notebooks" / "00.ipynb").write_text("{}")
    kw = dict(project=project, catalog=fake_catalog(tmp_path), mirror=None,
              cache=tmp_path / "cache")
    dest = tmp_path / "paket"
    pack_workshop(dest, **kw)
    before = (dest / "manifest.json").read_bytes()

    def no_network(*args, **kwargs):
        raise WheelDownloadError("no network", message_de="kein Netz")

    monkeypatch.setattr("urbanki_helpers.workshop.download_wheels", no_network)
    with pytest.raises(WheelDownloadError):
        pack_workshop(dest, overwrite=True, **kw)
    assert (dest / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.yaml", "paket", "proj"]


# --------------------------------------------------------------------------- end to end


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "URBANKI_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(PIP_CONFIG_FILE=os.devnull, URBANKI_NO_PROGRESS="1", **extra)
    return env


def _run(cmd, *, cwd, env, timeout=900):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.notebook
@pytest.mark.skipif(os.name == "nt", reason="the end-to-end test runs install.sh")
def test_pack_for_this_machine_installs_from_the_folder_alone(tmp_path):
    """Pack (real pip download from PyPI), then a fresh venv installs with --no-index.

    The pack and its venv (about 1.5 GB) stay in tmp_path: pytest keeps only the last three
    base folders, and removing them here took longer than the install under load.
    """
    pack = tmp_path / "paket"
    real = os.environ.get("URBANKI_DATA_DIR")
    if real and Path(real).is_dir():  # the real mirror (CI): the real catalogue
        mirror, catalog, ids = Path(real), None, None
    else:  # a small fake mirror with a fake catalogue
        catalog = fake_catalog(tmp_path)
        mirror, ids = tmp_path / "mirror", None
        put(mirror, "zaehlung", FAKE["zaehlung"])
        put(mirror, "grenzen", FAKE["grenzen"])
    result = pack_workshop(pack, platform="native", catalog=catalog, mirror=mirror,
                           cache=tmp_path / "cache", datasets=ids)
    m = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert m == result.manifest and m["platform"] == "native"
    assert m["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert sorted(p.name for p in pack.iterdir()) == [
        "LIESMICH.md", "install.bat", "install.sh", "manifest.json", "projekt", "realdata",
        "start_lab.bat", "start_lab.sh", "wheels"]
    assert (pack / "install.bat").read_bytes().count(b"\r\n") > 10
    assert not (pack / "projekt" / ".venv").exists() and not (pack / "projekt" / "build").exists()
    assert (pack / "projekt" / "notebooks" / "00_einfuehrung.ipynb").is_file()
    wheels = {w["file"] for w in m["wheels"]}
    assert any(w.startswith("urbanki_lernlabor-") for w in wheels)
    assert {w.split("-")[0].lower() for w in wheels} >= {"pip", "setuptools", "wheel",
                                                         "geopandas", "scikit_learn"}
    for w in m["wheels"]:
        assert sha((pack / "wheels" / w["file"]).read_bytes()) == w["sha256"]

    # realdata/: every dataset of the mirror, each file with the catalogue's sha256
    cat = catalog or load_catalog()
    assert result.missing == ()
    assert sorted(d["id"] for d in m["datasets"]) == sorted(ds.id for ds in cat
                                                           if ds.kind == "real")
    for d in m["datasets"]:
        for cf in cat[d["id"]].files:
            assert sha((pack / "realdata" / d["id"] / cf.name).read_bytes()) == cf.sha256

    # a fresh venv, installed from the folder alone (pip without any index or config)
    env = _clean_env()
    venv = pack / ".venv"
    bin_dir = venv / "bin"
    assert _run([sys.executable, "-m", "venv", venv], cwd=pack, env=env).returncode == 0
    done = _run([bin_dir / "python", "-m", "pip", "install", "--disable-pip-version-check",
                 "--no-compile",  # bytecode is not under test here; saves a third of the time
                 "--no-index", "--find-links", pack / "wheels", "urbanki-lernlabor"],
                cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    done = _run([bin_dir / "python", "-c", "import urbanki_helpers, geopandas, sklearn, "
                 "papermill; print(geopandas.__version__)"], cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr

    # a wheel install alone does not know where the notebooks are ...
    done = _run([bin_dir / "urbanki", "list"], cwd=tmp_path, env=env)
    assert done.returncode == 2 and "URBANKI_HOME" in done.stderr
    # ... with URBANKI_HOME pointing at projekt/ it does
    done = _run([bin_dir / "urbanki", "list"], cwd=tmp_path,
                env={**env, "URBANKI_HOME": str(pack / "projekt")})
    assert done.returncode == 0 and "00  bereit   00_einfuehrung" in done.stdout, done.stderr

    # install.sh (what the room runs) reuses .venv and installs projekt/ editable, offline
    done = _run(["sh", pack / "install.sh"], cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Installation abgeschlossen" in done.stdout
    done = _run([bin_dir / "urbanki", "list"], cwd=tmp_path, env=env)  # no URBANKI_HOME now
    assert done.returncode == 0 and "00  bereit   00_einfuehrung" in done.stdout, done.stderr
    done = _run(["sh", pack / "start_lab.sh", "python", "-c",
                 "from urbanki_helpers.data.catalog import mirror_dir, is_offline; "
                 "import urbanki_helpers.mapchat.training as t; "
                 "print(mirror_dir(), is_offline(), t.QUESTIONS_FILE.is_file())"],
                cwd=tmp_path, env=env)
    assert done.stdout.split() == [str((pack / "realdata").resolve()), "True", "True"], \
        done.stderr
    if catalog is None:  # the real catalogue: the pack's own command checks every checksum
        done = _run(["sh", pack / "start_lab.sh", "urbanki", "data", "verify"], cwd=tmp_path,
                    env=env)
        assert done.returncode == 0, done.stdout
        assert done.stdout.count(": ok") >= sum(len(ds.files) for ds in cat)
