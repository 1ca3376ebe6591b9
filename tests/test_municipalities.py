"""Municipalities from VG5000: zero-padded AGS, selection, neighbours, profiles, batch grids.

The unit tests build a 3 x 3 board of 1 km squares in EPSG:25832 and need no data; the tests
marked ``realdata`` use the real VG5000 boundaries from the mirror (URBANKI_DATA_DIR).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from urbanki_helpers import municipalities as mun
from urbanki_helpers.cli import main
from urbanki_helpers.errors import CRSError, DataError, DatasetNotAvailableError, ParameterError

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "batch" / "gemeindeprofil.ipynb"

# (column, row) of each 1 km square -> AGS as a number (as a spreadsheet would give it), name
BOARD = {
    (0, 0): (1051001, "Altdorf"), (1, 0): (1051002, "Bergheide"), (2, 0): (1051003, "Moorbüll"),
    (0, 1): (1053001, "Aumühle"), (1, 1): (1051004, "Mitteldorf"), (2, 1): (1053002, "Börnsen"),
    (0, 2): (5513000, "Gelsenkirchen"), (1, 2): (1053003, "Büchen"), (2, 2): (1053004, "Dassendorf"),
}


def raw_board(crs: str = "EPSG:25832") -> gpd.GeoDataFrame:
    rows = [{"AGS": ags, "GEN": name, "BEZ": "Gemeinde"} for ags, name in BOARD.values()]
    geoms = [box(x * 1000, y * 1000, (x + 1) * 1000, (y + 1) * 1000) for x, y in BOARD]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:25832").to_crs(crs)


def raw_districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"AGS": ["01051", "01053", "05513"],
         "GEN": ["Dithmarschen", "Herzogtum Lauenburg", "Gelsenkirchen"],
         "BEZ": ["Kreis", "Kreis", "Kreisfreie Stadt"]},
        geometry=[box(0, 0, 1, 1)] * 3, crs="EPSG:25832")


@pytest.fixture(scope="module")
def board() -> gpd.GeoDataFrame:
    return mun.prepare_municipalities(raw_board(), raw_districts())


# --------------------------------------------------------------------------- preparation


def test_prepare_restores_leading_zeros_and_derives_land_and_kreis(board):
    assert list(board.columns) == mun.COLUMNS
    assert list(board["ags"][:3]) == ["01051001", "01051002", "01051003"]
    assert all(isinstance(a, str) and len(a) == 8 for a in board["ags"])
    row = board.set_index("ags").loc["01053002"]
    assert (row["land"], row["land_name"], row["land_short"]) == ("01", "Schleswig-Holstein", "SH")
    assert (row["kreis"], row["kreis_name"], row["kreis_designation"]) == (
        "01053", "Herzogtum Lauenburg", "Kreis")
    assert board.set_index("ags").loc["05513000", "land_name"] == "Nordrhein-Westfalen"
    assert board.crs.to_epsg() == 25832


def test_prepare_reprojects_gauss_krueger_input_to_utm32():
    prepared = mun.prepare_municipalities(raw_board("EPSG:31467"))
    assert prepared.crs.to_epsg() == 25832
    assert prepared.geometry.area.to_numpy() == pytest.approx(1e6, rel=1e-6)
    assert prepared.attrs["source_crs"] == "EPSG:31467"
    assert set(prepared["kreis_name"]) == {""}  # no Kreise layer given


def test_prepare_refuses_bad_input():
    dup = raw_board()
    dup.loc[1, "AGS"] = dup.loc[0, "AGS"]
    with pytest.raises(DataError, match="01051001"):
        mun.prepare_municipalities(dup)
    bad = raw_board()
    bad["AGS"] = bad["AGS"].astype(str)
    bad.loc[4, "AGS"] = "0105100X"
    with pytest.raises(DataError) as exc:
        mun.prepare_municipalities(bad)
    assert "Zeile 5" in exc.value.message_de and "0105100X" in exc.value.message_de
    with pytest.raises(DataError, match="GEN"):
        mun.prepare_municipalities(raw_board().drop(columns="GEN"))
    with pytest.raises(CRSError):
        mun.prepare_municipalities(raw_board().set_crs(None, allow_override=True))
    foreign = raw_board()
    foreign.loc[0, "AGS"] = 17001000
    with pytest.raises(DataError, match="17"):
        mun.prepare_municipalities(foreign)


# --------------------------------------------------------------------------- selection


def test_select_by_land_code_number_or_short_name(board):
    for land in ("01", 1, "1", "SH", "sh"):
        chosen = mun.select(board, land=land)
        assert len(chosen) == 8 and chosen["ags"].str.startswith("01").all()
    assert list(mun.select(board, land="NRW")["ags"]) == ["05513000"]
    assert len(mun.select(board)) == 9
    assert list(mun.select(board, kreis="1051")["ags"]) == [
        "01051001", "01051002", "01051003", "01051004"]
    assert len(mun.select(board, land="01", kreis="01053")) == 4


def test_select_names_the_valid_codes_for_unknown_ones(board):
    with pytest.raises(ParameterError) as exc:
        mun.select(board, land="17")
    assert "'17'" in exc.value.message_de and "01 Schleswig-Holstein (SH)" in exc.value.message_de
    assert "16 Thüringen (TH)" in exc.value.message_de
    assert str(exc.value).startswith("Unknown Land '17'")
    with pytest.raises(ParameterError) as exc:
        mun.select(board, kreis="01059")
    assert "'01059'" in exc.value.message_de
    assert "01051 Dithmarschen" in exc.value.message_de
    assert "01053 Herzogtum Lauenburg" in exc.value.message_de
    with pytest.raises(ParameterError) as exc:
        mun.select(board, kreis="99999")
    assert "5 Ziffern" in exc.value.message_de
    with pytest.raises(ParameterError, match="not in Schleswig-Holstein"):
        mun.select(board, land="01", kreis="05513")


# --------------------------------------------------------------------------- neighbours, profile


def test_neighbours_share_a_stretch_of_boundary_not_just_a_corner(board):
    centre = mun.neighbours(board, "01051004")
    assert list(centre["name"]) == ["Aumühle", "Bergheide", "Börnsen", "Büchen"]
    assert centre["shared_border_km"].to_numpy() == pytest.approx([1.0] * 4)
    corner = mun.neighbours(board, "01051001")
    assert sorted(corner["ags"]) == ["01051002", "01053001"]  # Mitteldorf touches in a point


def test_profile_of_a_municipality(board):
    profile = mun.municipal_profile(board, "01051004")
    assert (profile.ags, profile.name, profile.land, profile.kreis) == (
        "01051004", "Mitteldorf", "01", "01051")
    assert profile.kreis_name == "Dithmarschen" and not profile.kreisfrei
    assert profile.area_km2 == pytest.approx(1.0)
    assert profile.neighbour_names == ["Aumühle", "Bergheide", "Börnsen", "Büchen"]
    assert profile.use_case_ids("passt nicht") == ["04"]
    data = json.loads(json.dumps(profile.to_dict(), ensure_ascii=False))
    assert data["ags"] == "01051004" and data["land"]["schluessel"] == "01"
    assert data["nachbarn"][0] == {"ags": "01053001", "name": "Aumühle",
                                   "gemeinsame_grenze_km": 1.0}
    assert data["quelle"]["quellenvermerk"] == "© GeoBasis-DE / BKG 2021 (Daten verändert)"
    nrw = mun.municipal_profile(board, "05513000")
    assert nrw.kreisfrei and "04" in nrw.use_case_ids("passt")


def test_profile_pads_a_numeric_ags_and_explains_unknown_ones(board):
    assert mun.municipal_profile(board, 1051004).ags == "01051004"
    with pytest.raises(ParameterError) as exc:
        mun.municipal_profile(board, "01051099")
    assert "01051099" in exc.value.message_de
    assert "Gemeinden im Kreis 01051: 01051001 Altdorf" in exc.value.message_de
    with pytest.raises(ParameterError) as exc:
        mun.municipal_profile(board, "Altdorf")
    assert "01051001 Altdorf (Dithmarschen)" in exc.value.message_de
    with pytest.raises(ParameterError) as exc:
        mun.municipal_profile(board, "Bergheid")
    assert "01051002 Bergheide" in exc.value.message_de


def test_use_case_rules_follow_land_and_city_layers():
    def status(ags):
        return {u.use_case: u.status for u in mun.applicable_use_cases(ags)}

    sh, nrw, ni, koeln = (status(a) for a in ("01051001", "05513000", "03459027", "05315000"))
    assert sh["04"] == "passt nicht" and nrw["04"] == "passt"
    assert sh["02"] == "eingeschränkt" and nrw["02"] == "passt"
    assert sh["03"] == "eingeschränkt" and ni["03"] == "passt" and nrw["03"] == "passt"
    assert nrw["07"] == nrw["08"] == "eingeschränkt"
    assert set(koeln.values()) == {"passt"}
    assert sorted(sh) == [f"{i:02d}" for i in range(10)]
    with pytest.raises(ParameterError):
        mun.applicable_use_cases("5513000")


def test_surroundings_mark_municipality_neighbours_and_others(board):
    around = mun.surroundings(board, "01051004", margin_m=100)
    roles = dict(zip(around["ags"], around["role"], strict=True))
    assert roles["01051004"] == "Gemeinde"
    assert [a for a, r in roles.items() if r == "Nachbargemeinde"] == [
        "01051002", "01053001", "01053002", "01053003"]
    assert roles["01051001"] == "Umgebung"
    assert around.total_bounds == pytest.approx([0, 0, 3000, 3000])


# --------------------------------------------------------------------------- grid


def test_grid_keeps_ags_as_text_through_csv_and_read_grid(board, tmp_path):
    from urbanki_helpers.run.batch import read_grid

    grid = mun.municipality_grid(board, kreis="01053")
    assert list(grid.columns) == ["run_name", "ags"]
    assert list(grid["run_name"]) == ["01053001-aumuehle", "01053002-boernsen",
                                      "01053003-buechen", "01053004-dassendorf"]
    assert grid.attrs["selection_de"] == "Kreis Herzogtum Lauenburg (01053)"
    path = mun.write_grid(grid, tmp_path / "grid.csv")
    assert path.read_text(encoding="utf-8").splitlines()[:2] == [
        "run_name,ags", "01053001-aumuehle,01053001"]
    rows = read_grid(path)
    assert rows[0] == {"run_name": "01053001-aumuehle", "ags": "01053001"}
    assert mun.municipality_grid(board, land="SH").attrs["selection_de"] == \
        "Schleswig-Holstein (01)"


def test_write_grid_refuses_numbers_and_other_suffixes(board, tmp_path):
    grid = mun.municipality_grid(board, kreis="01051")
    with pytest.raises(ParameterError, match=r"\.csv"):
        mun.write_grid(grid, tmp_path / "grid.txt")
    grid["ags"] = grid["ags"].astype(int)
    with pytest.raises(DataError, match="1051001"):
        mun.write_grid(grid, tmp_path / "grid.csv")
    assert not (tmp_path / "grid.csv").exists()


def test_run_names_fit_the_batch_limit():
    assert mun._run_name("01051001", "Sankt Peter-Ording an der Nordsee") == "01051001-sankt-peter-ord"
    assert len(mun._run_name("01051001", "Sankt Peter-Ording an der Nordsee")) <= 24


# --------------------------------------------------------------------------- without the mirror


def test_without_the_data_the_message_names_vg5000_and_how_to_provide_it(tmp_path, monkeypatch):
    (tmp_path / "mirror").mkdir()  # a mirror without vg5000
    monkeypatch.setenv("URBANKI_DATA_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("URBANKI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("URBANKI_OFFLINE", "1")
    with pytest.raises(DatasetNotAvailableError) as exc:
        mun.load_municipalities()
    text = exc.value.message_de
    assert "'vg5000'" in text and "URBANKI_DATA_DIR" in text
    assert "urbanki data fetch vg5000" in text and "© GeoBasis-DE / BKG 2021" in text


def test_cli_grid_bad_land_exits_2_with_german_message(tmp_path, capsys):
    code = main(["grid", "gemeinden", "--land", "17", "--out", str(tmp_path / "g.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Fehler: Unbekanntes Land '17'") and "Traceback" not in err
    assert not (tmp_path / "g.csv").exists()
    with pytest.raises(SystemExit) as exc:
        main(["grid", "gemeinden", "--land", "01", "--kreis", "01051", "--out", "g.csv"])
    assert exc.value.code == 2


def test_notebook_is_committed_without_outputs_and_declares_ags_as_text():
    from urbanki_helpers.run.runner import read_notebook_parameters

    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    specs, constraints = read_notebook_parameters(NOTEBOOK)
    assert (specs["ags"].type, specs["ags"].default) == ("str", "05513000")
    assert "ags" in constraints.patterns and "output_dir" in specs


# --------------------------------------------------------------------------- real VG5000


@pytest.fixture(scope="module")
def germany(realdata) -> gpd.GeoDataFrame:
    return mun.load_municipalities()


@pytest.mark.realdata
def test_all_10997_municipalities_load_with_8_digit_ags(germany):
    assert len(germany) == 10_997
    assert germany["ags"].str.fullmatch(r"\d{8}").all() and germany["ags"].is_unique
    assert germany["kreis"].nunique() == 401 and (germany["kreis_name"] != "").all()
    assert (germany["designation"] == "Gemeindefreies Gebiet").sum() == 207
    assert germany.crs.to_epsg() == 25832


@pytest.mark.realdata
def test_schleswig_holstein_grid_has_1108_rows_all_starting_with_01(germany):
    grid = mun.municipality_grid(germany, land="01")
    assert len(grid) == 1108  # 1,106 municipalities and 2 unincorporated forest areas
    assert grid["ags"].str.startswith("01").all()
    assert grid["run_name"].is_unique and grid["run_name"].str.len().max() <= 24
    free = mun.select(germany, land="01")
    assert sorted(free.loc[free["designation"] == "Gemeindefreies Gebiet", "ags"]) == [
        "01053105", "01060014"]


@pytest.mark.realdata
def test_gelsenkirchen_profile_matches_known_facts(germany):
    profile = mun.municipal_profile(germany, "05513000")
    assert (profile.name, profile.land, profile.land_name) == (
        "Gelsenkirchen", "05", "Nordrhein-Westfalen")
    assert profile.kreisfrei and profile.kreis_designation == "Kreisfreie Stadt"
    assert profile.area_km2 == pytest.approx(106.2, abs=0.05)  # generalised; official 104.9
    # The real neighbours, except Bottrop, whose short border the generalisation loses.
    assert profile.neighbour_names == ["Bochum", "Dorsten", "Essen", "Gladbeck", "Herne",
                                       "Herten", "Marl"]
    assert "Bottrop" in set(germany["name"])
    assert profile.use_case_ids("passt nicht") == []
    with pytest.raises(ParameterError) as exc:
        mun.select(germany, kreis="05599")
    assert "05111 Düsseldorf" in exc.value.message_de and "(53 insgesamt)" in exc.value.message_de


@pytest.mark.realdata
@pytest.mark.notebook
def test_grid_then_batch_for_three_municipalities_of_dithmarschen(germany, tmp_path, capsys):
    grid = tmp_path / "dithmarschen.csv"
    assert main(["grid", "gemeinden", "--kreis", "01051", "--out", str(grid),
                 "--limit", "3"]) == 0
    assert "3 Gemeinden: Kreis Dithmarschen (01051)" in capsys.readouterr().out
    out = tmp_path / "laeufe"
    code = main(["batch", str(NOTEBOOK), "--grid", str(grid), "--out", str(out),
                 "--engine", "process", "--workers", "2", "--no-html"])
    assert code == 0, capsys.readouterr()
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = ["01051001", "01051002", "01051003"]
    assert [r["param.ags"] for r in rows] == expected
    assert [r["result.gemeinde.ags"] for r in rows] == expected
    assert [r["result.gemeinde.name"] for r in rows] == ["Albersdorf", "Arkebek", "Averlak"]
    for row, ags in zip(rows, expected, strict=True):
        area = mun.municipal_profile(germany, ags).area_km2
        assert float(row["result.gemeinde.flaeche_km2"]) == pytest.approx(area)
        assert "04" in json.loads(row["result.anwendungsfaelle.nicht_passend"])
        saved = json.loads((out / row["run_name"] / "profil.json").read_text(encoding="utf-8"))
        assert saved["ags"] == ags and saved["flaeche_km2"] == pytest.approx(area)
