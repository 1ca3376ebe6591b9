"""Declaring, reading, converting and validating notebook parameters (no kernel needed)."""

from __future__ import annotations

import pytest

from urbanki_helpers import check_parameters
from urbanki_helpers.errors import ParameterError
from urbanki_helpers.run.parameters import (
    Constraints,
    ParamSpec,
    coerce_text,
    coerce_value,
    load_yaml,
    make_constraints,
    normalise_type,
    parse_constraints_source,
    parse_parameters_source,
    validate_values,
)
from urbanki_helpers.run.runner import read_notebook_parameters

CELL = '''radius_m: int = 400  # Radius in Metern
ags: str = "05513000"  # Amtlicher Gemeindeschlüssel
share: float = 0.5  # Anteil
interactive: bool = True  # Widgets zeigen
sites: list[str] = ["a", "b"]  # Zählstellen
limit: float | None = None  # optionale Grenze
output_dir: str = "ausgabe"  # Ausgabeordner
'''


def specs():
    return parse_parameters_source(CELL)


def test_parse_parameters_cell_reads_types_defaults_and_help():
    s = specs()
    assert list(s) == ["radius_m", "ags", "share", "interactive", "sites", "limit", "output_dir"]
    assert s["radius_m"] == ParamSpec("radius_m", "int", 400, "Radius in Metern")
    assert s["ags"].default == "05513000" and s["ags"].type == "str"
    assert s["sites"].type == "list[str]" and s["sites"].default == ["a", "b"]
    assert s["limit"].type == "float | None" and s["limit"].default is None
    assert s["ags"].help == "Amtlicher Gemeindeschlüssel"


@pytest.mark.parametrize("source, fragment", [
    ("x = 3\n", "Zeile 1"),
    ("x: int = 3 + y\n", "kein Literal"),
    ("x: tuple = (1, 2)\n", "nicht unterstützten Typ"),
    ("x: int = \n", "kein gültiges Python"),
    ("x: str = ''  # leer = Standard\n", "enthält '='"),
])
def test_parse_parameters_cell_rejects_non_literal_declarations(source, fragment):
    with pytest.raises(ParameterError) as info:
        parse_parameters_source(source, where="nb.ipynb")
    assert fragment in info.value.message_de


def test_text_values_keep_leading_zeros_and_convert_numbers():
    s = specs()
    assert coerce_text(s["ags"], "05513000") == "05513000"
    assert coerce_text(s["radius_m"], "800") == 800
    assert coerce_text(s["share"], "0,25") == 0.25  # German decimal comma
    assert coerce_text(s["share"], "1e-3") == 0.001
    assert coerce_text(s["interactive"], "nein") is False
    assert coerce_text(s["interactive"], "True") is True
    assert coerce_text(s["sites"], "x, y,z") == ["x", "y", "z"]
    assert coerce_text(s["sites"], '["007", "b"]') == ["007", "b"]
    assert coerce_text(s["limit"], "") is None
    assert coerce_text(s["limit"], "2.5") == 2.5


@pytest.mark.parametrize("name, raw", [("radius_m", "4.5"), ("radius_m", "abc"),
                                       ("share", "viel"), ("interactive", "vielleicht")])
def test_text_values_of_wrong_type_name_parameter_value_and_type(name, raw):
    with pytest.raises(ParameterError) as info:
        coerce_text(specs()[name], raw)
    msg = info.value.message_de
    assert f"'{name}'" in msg and raw in msg and "erwartet wird" in msg


def test_typed_values_are_widened_or_refused():
    s = specs()
    assert coerce_value(s["share"], 1) == 1.0 and isinstance(coerce_value(s["share"], 1), float)
    assert coerce_value(s["ags"], 48143) == "48143"
    assert coerce_value(s["radius_m"], "700") == 700
    with pytest.raises(ParameterError):
        coerce_value(s["radius_m"], True)  # a bool is not a count
    with pytest.raises(ParameterError):
        coerce_value(s["radius_m"], 2.5)
    assert coerce_value(s["sites"], "a,b") == ["a", "b"]
    with pytest.raises(ParameterError):
        coerce_value(s["interactive"], 1)
    with pytest.raises(ParameterError):
        coerce_value(s["radius_m"], None)


def test_yaml_keeps_zero_padded_codes_as_text():
    data = load_yaml("ags: 05513000\nplz: 01067\nn: 10\nzero: 0\nneg: -5\nx: 0.5\nq: '0815'\n")
    assert data == {"ags": "05513000", "plz": "01067", "n": 10, "zero": 0, "neg": -5,
                    "x": 0.5, "q": "0815"}


def test_malformed_yaml_names_the_file_and_line_and_fixes_windows_paths():
    # A Windows path in double quotes: YAML reads "\\D" as an (unknown) escape.
    with pytest.raises(ParameterError) as info:
        load_yaml('radius_m: 400\nbesuche_csv: "C:\\Daten\\neu.csv"\n', where="meine.yaml")
    assert "meine.yaml, Zeile 2: kein gültiges YAML" in info.value.message_de
    assert "einfachen Anführungszeichen" in info.value.message_de
    assert "meine.yaml, line 2" in str(info.value)
    # Single quotes keep the backslashes; other syntax errors get no path advice.
    assert load_yaml("p: 'C:\\Daten\\neu.csv'") == {"p": "C:\\Daten\\neu.csv"}
    with pytest.raises(ParameterError) as info:
        load_yaml("a: [1, 2\n", where="raster.yaml")
    assert "raster.yaml" in info.value.message_de and "Anführungszeichen" not in info.value.message_de


def test_unknown_parameter_lists_allowed_names_and_suggests():
    with pytest.raises(ParameterError) as info:
        validate_values(specs(), {"radius": 300}, Constraints())
    msg = info.value.message_de
    assert "'radius'" in msg and "Erlaubt sind: ags, interactive" in msg
    assert "meinten Sie 'radius_m'" in msg
    assert "Allowed parameters" in str(info.value)


def test_constraints_ranges_choices_patterns_and_files(tmp_path):
    c = make_constraints(ranges={"radius_m": (50, 2000), "sites": (None, None)},
                         choices={"sites": ["a", "b", "c"]},
                         patterns={"ags": (r"\d{8}", "8 Ziffern")}, files=["output_dir"])
    (tmp_path / "ausgabe").write_text("x")
    ok = validate_values(specs(), {"radius_m": "300"}, c, base_dir=tmp_path)
    assert ok["radius_m"] == 300 and ok["ags"] == "05513000" and ok["limit"] is None
    with pytest.raises(ParameterError, match="allowed is 50 to 2000"):
        validate_values(specs(), {"radius_m": 20}, c, base_dir=tmp_path)
    with pytest.raises(ParameterError) as info:
        validate_values(specs(), {"sites": ["a", "cc"]}, c, base_dir=tmp_path)
    assert "Meinten Sie 'c'?" in info.value.message_de
    with pytest.raises(ParameterError, match="8 Ziffern"):
        validate_values(specs(), {"ags": "5513000"}, c, base_dir=tmp_path)
    with pytest.raises(ParameterError) as info:
        validate_values(specs(), {"output_dir": "fehlt.csv"}, c, base_dir=tmp_path)
    assert "fehlt.csv" in info.value.message_de and str(tmp_path) in info.value.message_de


def test_constraints_naming_undeclared_parameters_are_a_notebook_defect():
    with pytest.raises(ParameterError, match="not a declared parameter"):
        validate_values(specs(), {}, make_constraints(ranges={"nope": (0, 1)}))


def test_constraints_are_read_from_the_literal_call():
    source = ('P = uk.check_parameters(globals(), ranges={"n": (1, 9)}, files=["p"],\n'
              '    choices={"src": ["a", "b"]}, patterns=PATTERNS)\n')
    c = parse_constraints_source(source)
    assert c.ranges == {"n": (1, 9)} and c.files == ("p",) and c.choices == {"src": ["a", "b"]}
    assert c.patterns == {}  # not a literal: left to the kernel
    assert parse_constraints_source("x = 1") == Constraints()


def test_normalise_type_handles_objects_and_text():
    assert normalise_type(str) == "str"
    assert normalise_type(list[str]) == "list[str]"
    assert normalise_type(float | None) == "float | None"
    assert normalise_type("Optional[int]") == "int | None"


def test_check_parameters_in_a_namespace_like_a_kernel():
    ns = {"__annotations__": {"n": int, "ags": str, "limit": float | None},
          "n": 5, "ags": "05513000", "limit": None, "np": object()}
    params = check_parameters(ns, ranges={"n": (1, 10)})
    assert params.n == 5 and params["ags"] == "05513000" and dict(params)["limit"] is None
    assert "n: int = 5" in repr(params)
    ns["n"] = 50
    with pytest.raises(ParameterError) as info:
        check_parameters(ns, ranges={"n": (1, 10)})
    assert info.value.message_de == "Parameter 'n' hat den Wert 50; erlaubt sind Werte von 1 bis 10."
    ns["n"] = "5"  # text injected where a number is declared: converted like the CLI does
    assert check_parameters(ns).n == 5
    with pytest.raises(ParameterError) as info:
        check_parameters({})
    assert "Zelle mit dem Tag 'parameters'" in info.value.message_de


def test_error_renders_as_short_german_message_in_ipython():
    exc = ParameterError("english", message_de="deutsch")
    assert exc._render_traceback_() == ["\x1b[31mParameterError\x1b[0m: deutsch"]


def test_read_notebook_parameters_from_file(minimal_notebook):
    specs_, constraints = read_notebook_parameters(minimal_notebook)
    assert list(specs_) == ["ags", "n", "factor", "fail", "names", "csv_path", "output_dir"]
    assert constraints.ranges == {"n": (1, 100)} and constraints.files == ("csv_path",)
    assert constraints.patterns == {"ags": (r"\d{8}", "8 Ziffern")}
