"""Tests of the dataset catalogue and of finding dataset files (mirror, cache, download).

Tests marked ``realdata`` need the real-data mirror: set URBANKI_DATA_DIR (``../shared/realdata``
on a developer machine and in CI). Download tests only ever talk to a local HTTP server on
127.0.0.1.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import http.server
import io
import json
import os
import re
import struct
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pooch
import pytest
import yaml

from urbanki_helpers.data import catalog as catalog_module
from urbanki_helpers.data.catalog import (
    Catalog,
    Dataset,
    cache_dir,
    dataset_dir,
    dataset_file,
    fetch,
    load_catalog,
    locate,
    mirror_dir,
    verify,
)
from urbanki_helpers.errors import (
    ChecksumError,
    DataError,
    DatasetNotAvailableError,
    UrbanKIError,
)
from urbanki_helpers.paths import project_root as find_project_root

REAL_IDS = {
    "cisa_kev",
    "fahrradzaehler_bw",
    "fahrradzaehler_muenster",
    "koeln",
    "konstanz_in_zahlen",
    "mastr_muenster",
    "musterdatenkatalog",
    "rufbus_uckermark",
    "vg5000",
}
REQUIRED_FIELDS = ("id", "title", "kind", "licence", "attribution", "source", "description", "files")
RAW_GITHUB = re.compile(r"^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/\S+$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")

# Read before the autouse fixture below clears the variable for each test.
_MIRROR_SETTING = os.environ.get("URBANKI_DATA_DIR", "").strip()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test sees the user's mirror, cache or proxy settings unless it sets them itself."""
    for name in ("URBANKI_DATA_DIR", "URBANKI_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("URBANKI_CACHE_DIR", str(tmp_path / "_default_cache"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def real_mirror(monkeypatch) -> Path:
    if not _MIRROR_SETTING:
        pytest.skip("URBANKI_DATA_DIR is not set; point it at the real-data mirror "
                    "(e.g. ../shared/realdata) to run the real-data tests")
    monkeypatch.setenv("URBANKI_DATA_DIR", _MIRROR_SETTING)
    return mirror_dir()


# --------------------------------------------------------------------------- helpers


def write_catalog(folder: Path, entries: list[dict]) -> Catalog:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "catalog.yaml"
    path.write_text(yaml.safe_dump({"datasets": entries}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return load_catalog(path)


def real_entry(dataset_id: str, files: dict[str, bytes], base_url: str,
               **overrides) -> dict:
    entry = {
        "id": dataset_id,
        "title": "Testdatensatz",
        "kind": "real",
        "licence": "dl-de/by-2-0",
        "attribution": "Quelle: Testamt, dl-de/by-2-0",
        "source": "https://example.org/testdaten",
        "description": "Kleine Testdaten.",
        "files": [
            {"name": name, "sha256": sha256_bytes(data), "size": len(data),
             "url": f"{base_url}/{name}"}
            for name, data in files.items()
        ],
    }
    entry.update(overrides)
    return entry


def put(folder: Path, name: str, data: bytes) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def places(tmp_path, monkeypatch) -> SimpleNamespace:
    """Empty mirror and cache folders, wired up through the environment; offline by default."""
    mirror = tmp_path / "mirror"
    cache = tmp_path / "cache"
    mirror.mkdir()
    cache.mkdir()
    monkeypatch.setenv("URBANKI_DATA_DIR", str(mirror))
    monkeypatch.setenv("URBANKI_CACHE_DIR", str(cache))
    monkeypatch.setenv("URBANKI_OFFLINE", "1")
    return SimpleNamespace(mirror=mirror, cache=cache, root=tmp_path)


@pytest.fixture
def http_server(tmp_path):
    """A static file server on 127.0.0.1 (ephemeral port) that records every request."""
    root = tmp_path / "served"
    root.mkdir()
    seen: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):  # noqa: N802 (http.server naming)
            seen.append(self.path)
            super().do_GET()

        def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(root=root, url=f"http://127.0.0.1:{server.server_address[1]}",
                              requests=seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- the real catalogue


def test_real_catalogue_loads_with_the_nine_real_datasets():
    catalog = load_catalog()
    assert {d.id for d in catalog if d.kind == "real"} == REAL_IDS
    assert set(catalog.ids) >= REAL_IDS
    assert len(catalog) == len(catalog.ids) == len(list(catalog))
    assert catalog["koeln"].id == "koeln"


def test_every_catalogue_entry_has_all_required_fields():
    raw = yaml.safe_load((find_project_root() / "datasets" / "catalog.yaml").read_text("utf-8"))
    for entry in raw["datasets"]:
        missing = [f for f in REQUIRED_FIELDS if not entry.get(f)]
        assert not missing, f"{entry.get('id')}: missing {missing}"
        if entry["kind"] == "synthetic":
            assert entry.get("generator"), f"{entry['id']}: synthetic data needs a generator"
    for ds in load_catalog():
        assert ds.title and ds.attribution and ds.description and ds.licences
        assert ds.kind in ("synthetic", "real")
        if ds.kind == "real":
            assert ds.source.startswith("https://"), ds.id
        else:  # the canonical source of synthetic data is its generator in this repository
            assert ds.source == ds.generator, ds.id
            assert (find_project_root() / ds.generator).is_file(), ds.id


def test_all_checksums_are_sha256_hex_and_sizes_positive():
    for ds in load_catalog():
        for f in ds.files:
            assert HEX64.match(f.sha256), f"{ds.id}/{f.name}: {f.sha256!r}"
            assert isinstance(f.size, int) and f.size > 0, f"{ds.id}/{f.name}"


def test_every_real_file_has_an_https_url_at_a_fixed_commit():
    for ds in load_catalog():
        if ds.kind != "real":
            continue
        for f in ds.files:
            assert f.url and f.url.startswith("https://"), f"{ds.id}/{f.name}: {f.url!r}"
            assert RAW_GITHUB.match(f.url), f"{ds.id}/{f.name}: {f.url}"


def test_every_real_dataset_documents_the_columns_of_its_main_table():
    for ds in load_catalog():
        if ds.kind != "real":
            continue
        assert ds.columns, f"{ds.id} documents no columns"
        for key, cols in ds.columns.items():
            assert cols, f"{ds.id}/{key}"
            assert all(c.name and c.description for c in cols), f"{ds.id}/{key}"


def test_licences_and_attribution_of_multi_licence_dataset():
    koeln = load_catalog()["koeln"]
    assert {"CC-BY-3.0-DE", "ODbL-1.0"} <= set(koeln.licences)
    assert "CC-BY-3.0-DE" in koeln.licence and "ODbL-1.0" in koeln.licence
    assert "OpenStreetMap" in koeln.attribution
    assert load_catalog()["vg5000"].attribution == "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def test_columns_for_resolves_exact_names_and_glob_patterns():
    catalog = load_catalog()
    bw = catalog["fahrradzaehler_bw"]
    cols = bw.columns_for("fahrradzaehler_stundenwerte_202407.csv.gz")
    assert [c.name for c in cols][:2] == ["operator_name", "domain_name"]
    temp = {c.name: c for c in cols}["site_temperature"]
    assert temp.unit == "°C"
    assert catalog["cisa_kev"].columns_for("known_exploited_vulnerabilities_schema.json") == ()


# --------------------------------------------------------------------------- real mirror


@pytest.mark.realdata
@pytest.mark.parametrize("dataset_id", sorted(REAL_IDS))
def test_mirror_files_have_catalogued_size_and_sha256(real_mirror, dataset_id):
    ds = load_catalog()[dataset_id]
    for f in ds.files:
        p = real_mirror / ds.id / f.name
        assert p.is_file(), f"{p} is missing from the mirror"
        assert p.stat().st_size == f.size, f"{p}: size"
        assert sha256_of(p) == f.sha256, f"{p}: sha256"


@pytest.mark.realdata
def test_every_mirror_file_is_catalogued(real_mirror):
    catalog = load_catalog()
    folders = sorted(p.name for p in real_mirror.iterdir() if p.is_dir())
    assert set(folders) <= set(catalog.ids), f"uncatalogued datasets: {set(folders) - set(catalog.ids)}"
    for folder in folders:
        on_disk = {
            p.relative_to(real_mirror / folder).as_posix()
            for p in (real_mirror / folder).rglob("*")
            if p.is_file() and p.name != "SOURCE.txt"
        }
        assert on_disk == set(catalog[folder].names), folder


def _dbf_field_names(path: Path) -> list[str]:
    data = path.read_bytes()
    header_len = struct.unpack("<H", data[8:10])[0]
    names, pos = [], 32
    while pos < header_len - 1 and data[pos] != 0x0D:
        names.append(data[pos:pos + 11].split(b"\0")[0].decode("ascii"))
        pos += 32
    return names


def _header(path: Path) -> list[str] | set[str]:
    """Column names of a table file: CSV/GTFS header, .dbf fields, or GeoJSON property keys."""
    name = path.name
    if name.endswith(".shp"):
        return _dbf_field_names(path.with_suffix(".dbf"))
    if name.endswith(".geojson"):
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {key for feature in features for key in feature["properties"]}
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    return next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.realdata
@pytest.mark.parametrize("dataset_id", sorted(REAL_IDS))
def test_documented_columns_are_the_columns_of_the_files(real_mirror, dataset_id):
    ds = load_catalog()[dataset_id]
    checked = 0
    for f in ds.files:
        cols = ds.columns_for(f.name)
        if not cols:
            continue
        header = _header(real_mirror / ds.id / f.name)
        documented = [c.name for c in cols]
        if isinstance(header, set):
            assert set(documented) == header, f"{ds.id}/{f.name}"
        else:
            assert documented == header, f"{ds.id}/{f.name}"
        checked += 1
    assert checked > 0


@pytest.mark.realdata
def test_real_data_resolves_from_the_mirror(real_mirror):
    shp = dataset_file("vg5000", "VG5000_GEM.shp")
    assert shp == real_mirror / "vg5000" / "VG5000_GEM.shp"
    folder = dataset_dir("koeln")
    assert folder == real_mirror / "koeln"
    for ext in ("shp", "shx", "dbf", "prj"):
        assert (folder / "stadtteile_shp" / f"Stadtteil.{ext}").is_file()
    assert dataset_file("mastr_muenster") == real_mirror / "mastr_muenster" / "alle-anlagen-muenster.csv"
    location = locate("konstanz_in_zahlen")
    assert (location.status, location.path, location.missing) == (
        "mirror", real_mirror / "konstanz_in_zahlen", ())
    results = verify(ids=["cisa_kev", "rufbus_uckermark"])
    assert len(results) == 2 + 11
    assert all(r.ok and r.location == "mirror" for r in results)


# --------------------------------------------------------------------------- resolution order


def test_mirror_wins_over_cache(places, tmp_path):
    data = b"jahr;wert\n2024;1\n"
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", {"werte.csv": data},
                                                          "http://127.0.0.1:9")])
    in_mirror = put(places.mirror / "testdaten", "werte.csv", data)
    put(places.cache / "testdaten", "werte.csv", data)
    assert dataset_file("testdaten", "werte.csv", catalog=catalog) == in_mirror
    assert dataset_file("testdaten", catalog=catalog) == in_mirror  # the only file
    assert locate("testdaten", catalog=catalog).status == "mirror"


def test_cache_is_used_when_the_mirror_lacks_the_file(places, tmp_path):
    data = b"a,b\n1,2\n"
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", {"sub/t.csv": data},
                                                          "http://127.0.0.1:9")])
    (places.mirror / "testdaten").mkdir()
    in_cache = put(places.cache / "testdaten", "sub/t.csv", data)
    assert dataset_file("testdaten", "sub/t.csv", catalog=catalog) == in_cache
    location = locate("testdaten", catalog=catalog)
    assert (location.status, location.path) == ("cache", places.cache / "testdaten")


def test_corrupted_mirror_file_raises_checksum_error(places, tmp_path):
    data = b"x,y\n1,2\n"
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", {"t.csv": data},
                                                          "http://127.0.0.1:9")])
    bad = put(places.mirror / "testdaten", "t.csv", b"x,y\n1,3\n")
    put(places.cache / "testdaten", "t.csv", data)  # a good cache copy does not hide it
    with pytest.raises(ChecksumError) as info:
        dataset_file("testdaten", "t.csv", catalog=catalog)
    message = str(info.value)
    assert "t.csv" in message and str(bad) in message
    assert sha256_bytes(data) in message and sha256_bytes(b"x,y\n1,3\n") in message
    assert "URBANKI_DATA_DIR" in message
    assert sha256_bytes(data) in info.value.message_de and "Spiegelordner" in info.value.message_de
    with pytest.raises(ChecksumError):
        dataset_dir("testdaten", catalog=catalog)


def test_corrupted_cache_file_raises_checksum_error_with_fetch_hint(places, tmp_path):
    data = b"x\n1\n"
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", {"t.csv": data},
                                                          "http://127.0.0.1:9")])
    put(places.cache / "testdaten", "t.csv", b"x\n2\n")
    with pytest.raises(ChecksumError) as info:
        dataset_file("testdaten", "t.csv", catalog=catalog)
    assert "urbanki data fetch testdaten" in str(info.value)
    assert "urbanki data fetch testdaten" in info.value.message_de


def test_checksum_is_memoised_and_rechecked_after_a_change(places, tmp_path, monkeypatch):
    data = b"wert\n" + b"1\n" * 1000
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", {"t.csv": data},
                                                          "http://127.0.0.1:9")])
    p = put(places.mirror / "testdaten", "t.csv", data)
    calls = []
    real_sha256 = hashlib.sha256

    def counting_sha256(*args, **kwargs):
        calls.append(1)
        return real_sha256(*args, **kwargs)

    monkeypatch.setattr(catalog_module.hashlib, "sha256", counting_sha256)
    assert dataset_file("testdaten", catalog=catalog) == p
    assert dataset_file("testdaten", catalog=catalog) == p
    assert len(calls) == 1  # the second call did not read the file again
    p.write_bytes(data.replace(b"1\n", b"2\n", 1))  # same size, different content
    bump_mtime(p)
    with pytest.raises(ChecksumError):
        dataset_file("testdaten", catalog=catalog)


def test_dataset_dir_gathers_files_from_mirror_and_cache(places, tmp_path):
    files = {"gebiet.shp": b"SHP" * 10, "gebiet.shx": b"SHX" * 5, "gebiet.dbf": b"DBF" * 7}
    catalog = write_catalog(tmp_path / "cat", [real_entry("gebiete", files, "http://127.0.0.1:9")])
    put(places.mirror / "gebiete", "gebiet.shp", files["gebiet.shp"])
    put(places.cache / "gebiete", "gebiet.shx", files["gebiet.shx"])
    put(places.cache / "gebiete", "gebiet.dbf", files["gebiet.dbf"])
    assert locate("gebiete", catalog=catalog).status == "mixed"
    folder = dataset_dir("gebiete", catalog=catalog)
    assert folder == places.cache / "gebiete"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert locate("gebiete", catalog=catalog).status == "cache"
    # with all files in the mirror, the mirror folder itself is returned
    for name in ("gebiet.shx", "gebiet.dbf"):
        put(places.mirror / "gebiete", name, files[name])
    assert dataset_dir("gebiete", catalog=catalog) == places.mirror / "gebiete"


def test_locate_reports_missing_files(places, tmp_path):
    files = {"a.csv": b"a\n1\n", "b.csv": b"b\n2\n"}
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", files, "http://127.0.0.1:9")])
    put(places.mirror / "testdaten", "a.csv", files["a.csv"])
    location = locate("testdaten", catalog=catalog)
    assert (location.status, location.path, location.missing) == ("missing", None, ("b.csv",))


def test_verify_reports_ok_mismatch_and_missing(places, tmp_path):
    files = {"a.csv": b"a\n1\n", "b.csv": b"b\n2\n", "c.csv": b"c\n3\n"}
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", files, "http://127.0.0.1:9")])
    put(places.mirror / "testdaten", "a.csv", files["a.csv"])
    put(places.cache / "testdaten", "a.csv", files["a.csv"])
    put(places.cache / "testdaten", "b.csv", b"b\n9\n")
    results = {(r.name, r.location): r for r in verify(catalog)}
    assert set(results) == {("a.csv", "mirror"), ("a.csv", "cache"), ("b.csv", "cache"),
                            ("c.csv", None)}
    assert results[("a.csv", "mirror")].ok and results[("a.csv", "cache")].ok
    mismatch = results[("b.csv", "cache")]
    assert (mismatch.status, mismatch.expected, mismatch.actual) == (
        "mismatch", sha256_bytes(files["b.csv"]), sha256_bytes(b"b\n9\n"))
    assert "expected sha256" in mismatch.detail and str(mismatch.path) in mismatch.detail
    assert results[("c.csv", None)].status == "missing" and results[("c.csv", None)].detail
    assert results[("a.csv", "mirror")].detail == ""
    with pytest.raises(UrbanKIError):
        verify(catalog, ids=["unbekannt"])


def test_mirror_and_cache_settings(places, monkeypatch, tmp_path):
    assert mirror_dir() == places.mirror.resolve()
    assert cache_dir() == places.cache.resolve()
    relative = os.path.relpath(places.mirror, find_project_root())
    monkeypatch.setenv("URBANKI_DATA_DIR", relative)  # relative to the project, not the cwd
    monkeypatch.chdir(tmp_path)
    assert mirror_dir() == places.mirror.resolve()
    monkeypatch.delenv("URBANKI_DATA_DIR")
    assert mirror_dir() is None
    monkeypatch.delenv("URBANKI_CACHE_DIR")
    assert cache_dir() == Path(pooch.os_cache("urbanki"))
    monkeypatch.setenv("URBANKI_DATA_DIR", str(tmp_path / "no-such-stick"))
    with pytest.raises(DatasetNotAvailableError) as info:
        mirror_dir()
    assert "no-such-stick" in str(info.value) and "no-such-stick" in info.value.message_de


# --------------------------------------------------------------------------- downloads


def test_download_into_the_cache_with_verification(places, http_server, monkeypatch, tmp_path):
    monkeypatch.delenv("URBANKI_OFFLINE")
    data = b"jahr;einwohner\n2024;1234\n"
    put(http_server.root, "daten/werte.csv", data)
    catalog = write_catalog(tmp_path / "cat", [
        real_entry("testdaten", {"daten/werte.csv": data}, http_server.url)])
    path = dataset_file("testdaten", "daten/werte.csv", catalog=catalog)
    assert path == places.cache / "testdaten" / "daten" / "werte.csv"
    assert path.read_bytes() == data
    assert http_server.requests == ["/daten/werte.csv"]
    assert dataset_file("testdaten", "daten/werte.csv", catalog=catalog) == path
    assert len(http_server.requests) == 1  # served from the cache the second time
    assert locate("testdaten", catalog=catalog).status == "cache"


def test_download_with_wrong_checksum_raises_and_keeps_nothing(places, http_server, monkeypatch,
                                                               tmp_path):
    monkeypatch.delenv("URBANKI_OFFLINE")
    served = b"a,b\n1,2\n"
    put(http_server.root, "t.csv", served)
    entry = real_entry("testdaten", {"t.csv": served}, http_server.url)
    entry["files"][0]["sha256"] = "0" * 64
    catalog = write_catalog(tmp_path / "cat", [entry])
    with pytest.raises(ChecksumError) as info:
        dataset_file("testdaten", "t.csv", catalog=catalog)
    assert "0" * 64 in str(info.value) and sha256_bytes(served) in str(info.value)
    assert http_server.url in str(info.value)
    assert http_server.requests == ["/t.csv"]
    leftovers = [p for p in places.cache.rglob("*") if p.is_file()]
    assert leftovers == []


def test_failed_download_names_the_reason(places, http_server, monkeypatch, tmp_path):
    monkeypatch.delenv("URBANKI_OFFLINE")
    catalog = write_catalog(tmp_path / "cat", [
        real_entry("testdaten", {"fehlt.csv": b"x\n"}, http_server.url)])
    with pytest.raises(DatasetNotAvailableError) as info:
        dataset_file("testdaten", catalog=catalog)
    assert "404" in str(info.value) and "failed" in str(info.value)
    assert "fehlgeschlagen" in info.value.message_de


def test_offline_without_mirror_or_cache_explains_the_three_ways(places, http_server, monkeypatch,
                                                                 tmp_path):
    data = b"x\n1\n"
    put(http_server.root, "t.csv", data)
    catalog = write_catalog(tmp_path / "cat", [real_entry(
        "testdaten", {"t.csv": data}, http_server.url, licence=["dl-de/by-2-0", "ODbL-1.0"])])
    with pytest.raises(DatasetNotAvailableError) as info:
        dataset_file("testdaten", "t.csv", catalog=catalog)
    expected_cache = str(places.cache / "testdaten")
    for text in (str(info.value), info.value.message_de):
        for part in ("testdaten", "Testdatensatz", "dl-de/by-2-0, ODbL-1.0",
                     "Quelle: Testamt, dl-de/by-2-0", "URBANKI_DATA_DIR", expected_cache,
                     "urbanki data fetch testdaten", "URBANKI_OFFLINE"):
            assert part in text, (part, text)
    assert "Spiegelordner" in info.value.message_de
    # download=False says the same without the offline switch; neither contacts the server
    monkeypatch.delenv("URBANKI_OFFLINE")
    with pytest.raises(DatasetNotAvailableError, match="download=False"):
        dataset_dir("testdaten", catalog=catalog, download=False)
    assert http_server.requests == []
    assert not any(places.cache.rglob("*.csv"))


def test_dataset_dir_downloads_every_missing_file(places, http_server, monkeypatch, tmp_path):
    monkeypatch.delenv("URBANKI_OFFLINE")
    files = {"geo/g.shp": b"S" * 100, "geo/g.shx": b"X" * 20, "geo/g.dbf": b"D" * 50}
    for name, data in files.items():
        put(http_server.root, name, data)
    catalog = write_catalog(tmp_path / "cat", [real_entry("gebiete", files, http_server.url)])
    put(places.mirror / "gebiete", "geo/g.shp", files["geo/g.shp"])  # one file from the mirror
    folder = dataset_dir("gebiete", catalog=catalog)
    assert folder == places.cache / "gebiete"
    for name, data in files.items():
        assert (folder / name).read_bytes() == data
    assert sorted(http_server.requests) == ["/geo/g.dbf", "/geo/g.shx"]


def test_fetch_fills_the_cache_and_repairs_damaged_files(places, http_server, monkeypatch,
                                                         tmp_path):
    monkeypatch.delenv("URBANKI_OFFLINE")
    files = {"a.csv": b"a\n1\n", "b.csv": b"b\n2\n"}
    for name, data in files.items():
        put(http_server.root, name, data)
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", files, http_server.url)])
    paths = fetch("testdaten", catalog=catalog)
    assert paths == [places.cache / "testdaten" / "a.csv", places.cache / "testdaten" / "b.csv"]
    assert [p.read_bytes() for p in paths] == list(files.values())
    paths[1].write_bytes(b"kaputt")
    bump_mtime(paths[1])
    with pytest.raises(ChecksumError):
        dataset_file("testdaten", "b.csv", catalog=catalog)
    assert fetch("testdaten", catalog=catalog) == paths
    assert paths[1].read_bytes() == files["b.csv"]
    assert sorted(http_server.requests) == ["/a.csv", "/b.csv", "/b.csv"]


def test_fetch_offline_copies_from_the_mirror(places, tmp_path):
    data = b"z\n1\n"
    catalog = write_catalog(tmp_path / "cat", [real_entry("testdaten", {"t.csv": data},
                                                          "http://127.0.0.1:9")])
    put(places.mirror / "testdaten", "t.csv", data)
    assert fetch("testdaten", catalog=catalog) == [places.cache / "testdaten" / "t.csv"]
    assert (places.cache / "testdaten" / "t.csv").read_bytes() == data


# --------------------------------------------------------------------------- lookup errors


def test_unknown_dataset_lists_known_ids_and_suggests_a_close_match():
    catalog = load_catalog()
    with pytest.raises(UrbanKIError) as info:
        catalog["koln"]
    assert "Did you mean 'koeln'?" in str(info.value)
    assert "Meinten Sie 'koeln'?" in info.value.message_de
    for dataset_id in REAL_IDS:
        assert dataset_id in str(info.value)
    with pytest.raises(UrbanKIError):
        dataset_file("gibt_es_nicht")


def test_file_name_is_required_when_a_dataset_has_several_files():
    with pytest.raises(UrbanKIError) as info:
        dataset_file("koeln", download=False)
    assert "16 files" in str(info.value) and "aed.csv" in str(info.value)
    with pytest.raises(UrbanKIError) as info:
        dataset_file("koeln", "aed.cvs", download=False)
    assert "Did you mean 'aed.csv'?" in str(info.value)


# --------------------------------------------------------------------------- schema errors


def _entry(**overrides) -> dict:
    return real_entry("testdaten", {"t.csv": b"x\n"}, "https://example.org", **overrides)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda e: e.update(kind="reel"), "'kind'"),
        (lambda e: e["files"][0].pop("url"), "url"),
        (lambda e: e.pop("licence"), "'licence' is missing"),
        (lambda e: e.update(licens="CC0-1.0"), "'licens' is not a catalogue field"),
        (lambda e: e["files"][0].update(sha256="abc"), "sha256"),
        (lambda e: e["files"][0].update(size=-1), "size"),
        (lambda e: e["files"][0].update(name="../geheim.csv"), "'..'"),
        (lambda e: e["files"][0].update(url="ftp://example.org/t.csv"), "http(s)"),
        (lambda e: e.update(columns={"andere.csv": [{"name": "x", "description": "X"}]}),
         "matches none"),
        (lambda e: e.update(columns={"t.csv": [{"name": "x"}]}), "invalid column"),
        (lambda e: e.update(kind="synthetic"), "generator"),
        (lambda e: e.update(generator="datasets/testdaten/generate.py"), "only allowed"),
        (lambda e: e.update(title=""), "'title'"),
    ],
)
def test_schema_errors_name_the_dataset_and_field(tmp_path, change, fragment):
    entry = _entry()
    change(entry)
    with pytest.raises(DataError) as info:
        write_catalog(tmp_path, [entry])
    assert "'testdaten'" in str(info.value)
    assert fragment in str(info.value)
    assert "testdaten" in info.value.message_de


def test_duplicate_ids_are_rejected(tmp_path):
    with pytest.raises(DataError) as info:
        write_catalog(tmp_path, [_entry(), _entry()])
    assert "'testdaten'" in str(info.value) and "twice" in str(info.value)
    assert "doppelt" in info.value.message_de


def test_unreadable_catalogues_are_reported(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_catalog(tmp_path / "fehlt.yaml")
    broken = tmp_path / "kaputt.yaml"
    broken.write_text("datasets:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_catalog(broken)
    assert "line" in str(info.value) and "Zeile" in info.value.message_de
    wrong = tmp_path / "liste.yaml"
    wrong.write_text("- id: a\n", encoding="utf-8")
    with pytest.raises(DataError, match="datasets"):
        load_catalog(wrong)


def test_catalogue_is_cached_until_the_file_changes(tmp_path):
    first = write_catalog(tmp_path, [_entry()])
    assert load_catalog(tmp_path / "catalog.yaml") is first
    path = tmp_path / "catalog.yaml"
    path.write_text(path.read_text("utf-8").replace("Testdatensatz", "Neuer Titel"), "utf-8")
    bump_mtime(path)
    assert load_catalog(path)["testdaten"].title == "Neuer Titel"


# --------------------------------------------------------------------------- synthetic data


def run_generator(ds: Dataset, root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(root / ds.generator), "--out", str(out)],
        cwd=root, capture_output=True, text=True, timeout=900, check=False,
    )


def assert_generator_reproduces(ds: Dataset, root: Path, out: Path) -> None:
    done = run_generator(ds, root, out)
    assert done.returncode == 0, f"{ds.generator} failed:\n{done.stderr}"
    for f in ds.files:
        produced = out / f.name
        assert produced.is_file(), f"{ds.generator} did not write {f.name}"
        assert sha256_of(produced) == f.sha256, f"{ds.id}/{f.name} differs from the catalogue"
        assert produced.stat().st_size == f.size


def _generator_cases() -> list:
    with_generator = [d for d in load_catalog() if d.generator]
    if not with_generator:
        return [pytest.param(None, id="none",
                             marks=pytest.mark.skip(reason="no synthetic datasets yet"))]
    return [pytest.param(d.id, id=d.id) for d in with_generator]


@pytest.mark.parametrize("dataset_id", _generator_cases())
def test_synthetic_generator_reproduces_the_catalogued_bytes(dataset_id, tmp_path):
    ds = load_catalog()[dataset_id]
    assert_generator_reproduces(ds, find_project_root(), tmp_path / "out")


GENERATOR = '''\
import argparse
import random
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--out", required=True)
out = Path(parser.parse_args().out)
out.mkdir(parents=True, exist_ok=True)
rng = random.Random(42)
rows = "".join(f"{i};{rng.randint(0, 99)}\\n" for i in range(20))
(out / "werte.csv").write_text("nr;wert\\n" + rows, encoding="utf-8")
'''


@pytest.fixture
def toy_project(tmp_path, monkeypatch) -> SimpleNamespace:
    """A project folder (URBANKI_HOME) with one synthetic dataset made by a seeded generator."""
    home = tmp_path / "projekt"
    folder = home / "datasets" / "spielstadt"
    folder.mkdir(parents=True)
    (folder / "generate.py").write_text(GENERATOR, encoding="utf-8")
    subprocess.run([sys.executable, str(folder / "generate.py"), "--out", str(folder)],
                   check=True, timeout=60)
    data = (folder / "werte.csv").read_bytes()
    entry = {
        "id": "spielstadt", "title": "Spielstadt", "kind": "synthetic", "licence": "CC0-1.0",
        "attribution": "URBAN.KI Lernlabor (synthetisch)", "source": "https://example.org/lernlabor",
        "description": "Synthetische Testdaten.", "generator": "datasets/spielstadt/generate.py",
        "files": [{"name": "werte.csv", "sha256": sha256_bytes(data), "size": len(data)}],
        "columns": {"werte.csv": [{"name": "nr", "description": "Nummer"},
                                  {"name": "wert", "description": "Wert", "unit": "Punkte"}]},
    }
    monkeypatch.setenv("URBANKI_HOME", str(home))
    catalog = write_catalog(home / "datasets", [entry])
    return SimpleNamespace(home=home, folder=folder, catalog=catalog)


def test_synthetic_data_is_found_in_the_project_and_checked(toy_project):
    catalog = toy_project.catalog
    assert load_catalog() is catalog  # default path follows URBANKI_HOME
    path = dataset_file("spielstadt")
    assert path == toy_project.folder / "werte.csv"
    assert dataset_dir("spielstadt") == toy_project.folder
    assert locate("spielstadt").status == "embedded"
    assert fetch("spielstadt") == [path]
    assert [r.status for r in verify(ids=["spielstadt"])] == ["ok"]
    path.write_bytes(path.read_bytes().replace(b"nr;wert", b"NR;WERT"))
    bump_mtime(path)
    with pytest.raises(ChecksumError, match="generate.py"):
        dataset_file("spielstadt")
    path.unlink()
    with pytest.raises(DatasetNotAvailableError) as info:
        dataset_file("spielstadt")
    assert "python datasets/spielstadt/generate.py --out datasets/spielstadt" in str(info.value)
    assert locate("spielstadt").status == "missing"


def test_generator_check_accepts_a_deterministic_generator_and_catches_drift(toy_project,
                                                                             tmp_path):
    ds = toy_project.catalog["spielstadt"]
    assert_generator_reproduces(ds, toy_project.home, tmp_path / "neu")
    script = toy_project.folder / "generate.py"
    script.write_text(GENERATOR.replace("Random(42)", "Random(7)"), encoding="utf-8")
    with pytest.raises(AssertionError, match="differs from the catalogue"):
        assert_generator_reproduces(ds, toy_project.home, tmp_path / "anders")
