"""Notebook parameters: declare, read, coerce and validate.

A notebook declares its parameters in one cell tagged ``parameters``, literals only::

    radius_m: int = 400  # Radius um jede Haltestelle in Metern
    ags: str = "05513000"  # Amtlicher Gemeindeschlüssel (8 Ziffern)

The next cell calls :func:`check_parameters` with literal constraints::

    P = check_parameters(globals(), ranges={"radius_m": (50, 2000)}, files=["csv_path"])

The runner reads both cells *before* a kernel starts (:func:`read_notebook_parameters`), so
unknown names, wrong types and impossible values fail fast with exit code 2; inside the kernel
the same rules run again, for runs started from JupyterLab or plain papermill. Messages are
German (they are shown to trainees); ``str(exc)`` carries the English version.
"""

from __future__ import annotations

import ast
import difflib
import io
import math
import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from urbanki_helpers.errors import ParameterError

#: Parameter types a notebook may declare (as written in the annotation).
SUPPORTED_TYPES = (
    "str", "int", "float", "bool", "list[str]", "list[int]", "list[float]", "dict",
    "str | None", "int | None", "float | None",
)

_TYPE_DE = {
    "str": "ein Text (str)",
    "int": "eine ganze Zahl (int)",
    "float": "eine Zahl (float)",
    "bool": "ein Wahrheitswert (True/False)",
    "list[str]": "eine Liste von Texten (list[str])",
    "list[int]": "eine Liste ganzer Zahlen (list[int])",
    "list[float]": "eine Liste von Zahlen (list[float])",
    "dict": "eine Zuordnung (dict)",
}

CONSTRAINT_KEYS = ("choices", "ranges", "files", "patterns")


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter: name, type (annotation text), default value and help text."""

    name: str
    type: str
    default: Any
    help: str = ""


@dataclass(frozen=True)
class Constraints:
    """Value rules given as literal keyword arguments to :func:`check_parameters`."""

    choices: Mapping[str, list] = field(default_factory=dict)
    ranges: Mapping[str, tuple] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    patterns: Mapping[str, tuple[str, str]] = field(default_factory=dict)


class Parameters(Mapping):
    """Validated parameter values, readable as ``P["name"]`` or ``P.name``."""

    def __init__(self, values: Mapping[str, Any], types: Mapping[str, str]):
        self._values = dict(values)
        self._types = dict(types)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        lines = [f"  {k}: {self._types.get(k, '?')} = {v!r}" for k, v in self._values.items()]
        return "Parameter dieses Laufs:\n" + "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(self._types.get(k, ''))}"
            f"</td><td><code>{html.escape(repr(v))}</code></td></tr>"
            for k, v in self._values.items()
        )
        return (
            "<details><summary>Parameter dieses Laufs (geprüft)</summary><table>"
            "<tr><th>Name</th><th>Typ</th><th>Wert</th></tr>" + rows + "</table></details>"
        )


# --------------------------------------------------------------------------------------
# YAML that keeps codes with leading zeros as text
# --------------------------------------------------------------------------------------


class CodePreservingLoader(yaml.SafeLoader):
    """A YAML loader that reads ``05513000`` or ``01067`` as text, never as a number.

    PyYAML follows YAML 1.1, where ``05513000`` is an octal number; municipal codes (AGS,
    postcodes) would silently lose their leading zero.
    """


def _construct_int_or_code(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    text = loader.construct_scalar(node)
    if re.fullmatch(r"[-+]?0\d+", text.replace("_", "")):
        return text
    return yaml.SafeLoader.construct_yaml_int(loader, node)


CodePreservingLoader.add_constructor("tag:yaml.org,2002:int", _construct_int_or_code)


def load_yaml(text: str, *, where: str = "YAML") -> Any:
    """Parse YAML text, keeping zero-padded codes as strings.

    Malformed YAML raises :class:`ParameterError` naming the line; the commonest case, a Windows
    path in double quotes (``"C:\\Daten"``, where YAML reads ``\\D`` as an escape), gets its fix.
    """
    try:
        return yaml.load(text, Loader=CodePreservingLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        line_de = f", Zeile {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        escape = "escape" in str(problem)
        raise ParameterError(
            f"{where}{line}: not valid YAML ({problem})."
            + (" Write Windows paths in single quotes ('C:\\Daten\\x.csv') or with forward "
               "slashes; in double quotes a backslash starts an escape." if escape else ""),
            message_de=f"{where}{line_de}: kein gültiges YAML ({problem})."
            + (" Schreiben Sie Windows-Pfade in einfachen Anführungszeichen ('C:\\Daten\\x.csv') "
               "oder mit Schrägstrichen (C:/Daten/x.csv); in doppelten Anführungszeichen beginnt "
               "ein Backslash eine Escape-Sequenz." if escape else ""),
        ) from None


# --------------------------------------------------------------------------------------
# Reading the declaration from a notebook
# --------------------------------------------------------------------------------------


def _help_comments(source: str) -> dict[int, str]:
    """Map line number (1-based) to the text of a trailing comment."""
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def parse_parameters_source(source: str, *, where: str = "Parameterzelle") -> dict[str, ParamSpec]:
    """Parse the source of a parameters cell into specs.

    Every statement must be ``name: type = literal``; anything else is a notebook defect and
    raises :class:`ParameterError`.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(
            f"The parameters cell of {where} is not valid Python: {exc.msg} (line {exc.lineno}).",
            message_de=f"Die Parameterzelle von {where} ist kein gültiges Python: {exc.msg} "
            f"(Zeile {exc.lineno}).",
        ) from None
    comments = _help_comments(source)
    specs: dict[str, ParamSpec] = {}
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and node.value is not None):
            line = getattr(node, "lineno", "?")
            raise ParameterError(
                f"{where}: line {line} of the parameters cell is not of the form "
                "'name: type = value  # help'.",
                message_de=f"{where}: Zeile {line} der Parameterzelle hat nicht die Form "
                "'name: typ = wert  # Hilfetext'.",
            )
        name = node.target.id
        type_text = normalise_type(ast.unparse(node.annotation))
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{where}: the default of '{name}' is not a literal; derived values belong in "
                "the cell after the parameters cell.",
                message_de=f"{where}: Der Standardwert von '{name}' ist kein Literal; abgeleitete "
                "Werte gehören in die Zelle nach der Parameterzelle.",
            ) from None
        if type_text not in SUPPORTED_TYPES:
            raise ParameterError(
                f"{where}: parameter '{name}' has the unsupported type '{type_text}'; "
                f"use one of {', '.join(SUPPORTED_TYPES)}.",
                message_de=f"{where}: Parameter '{name}' hat den nicht unterstützten Typ "
                f"'{type_text}'; erlaubt sind {', '.join(SUPPORTED_TYPES)}.",
            )
        help_text = comments.get(node.lineno, "")
        if "=" in help_text:
            raise ParameterError(
                f"{where}: the help text of '{name}' contains '='; papermill then cannot read "
                "the line. Write 'leer: ...' instead of 'leer = ...'.",
                message_de=f"{where}: Der Hilfetext von '{name}' enthält '='; papermill kann "
                "die Zeile dann nicht lesen. Schreiben Sie 'leer: ...' statt 'leer = ...'.",
            )
        specs[name] = ParamSpec(name, type_text, default, help_text)
    return specs


def parse_constraints_source(source: str) -> Constraints:
    """Find a ``check_parameters(...)`` call in a cell and read its literal constraints.

    Non-literal arguments are ignored here; the kernel will still apply them.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return Constraints()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname != "check_parameters":
                continue
            found: dict[str, Any] = {}
            for kw in node.keywords:
                if kw.arg in CONSTRAINT_KEYS:
                    try:
                        found[kw.arg] = ast.literal_eval(kw.value)
                    except ValueError:
                        continue
            return make_constraints(**found)
    return Constraints()


def make_constraints(choices=None, ranges=None, files=None, patterns=None) -> Constraints:
    """Build :class:`Constraints` from the keyword arguments of :func:`check_parameters`."""
    return Constraints(
        choices=dict(choices or {}),
        ranges={k: tuple(v) for k, v in (ranges or {}).items()},
        files=tuple(files or ()),
        patterns={k: (v if isinstance(v, tuple | list) else (v, v)) for k, v in
                  (patterns or {}).items()},
    )


def normalise_type(annotation: Any) -> str:
    """Canonical text of a type annotation: ``str``, ``list[str]``, ``float | None`` ..."""
    if isinstance(annotation, type):
        text = annotation.__name__
    else:
        text = str(annotation)
    text = text.replace("typing.", "").replace("List[", "list[").replace("Dict", "dict")
    text = re.sub(r"Optional\[(\w+)\]", r"\1 | None", text)
    text = re.sub(r"\s*\|\s*", " | ", text)
    if text.startswith("None | "):
        text = text[len("None | "):] + " | None"
    return text.strip()


# --------------------------------------------------------------------------------------
# Coercion and validation
# --------------------------------------------------------------------------------------


def _type_error(name: str, value: Any, type_text: str) -> ParameterError:
    base = type_text.replace(" | None", "")
    allowed = _TYPE_DE.get(base, base) + (" oder None" if "None" in type_text else "")
    shown = f"'{value}' (Text)" if isinstance(value, str) else repr(value)
    return ParameterError(
        f"Parameter '{name}' has the value {value!r}; expected {type_text}.",
        message_de=f"Parameter '{name}' hat den Wert {shown}; erwartet wird {allowed}.",
    )


_TRUE = {"true", "ja", "yes", "1", "wahr", "on"}
_FALSE = {"false", "nein", "no", "0", "falsch", "off"}


def coerce_text(spec: ParamSpec, raw: str) -> Any:
    """Convert a value given as text (command line, CSV grid) to the declared type.

    Text parameters stay text exactly as given, so ``05513000`` keeps its leading zero.
    """
    type_text = spec.type
    if type_text.endswith(" | None") and raw.strip().lower() in {"", "none", "null"}:
        return None
    base = type_text.replace(" | None", "")
    text = raw.strip()
    try:
        if base == "str":
            return raw
        if base == "int":
            if not re.fullmatch(r"[-+]?\d+", text):
                raise ValueError
            return int(text)
        if base == "float":
            if re.fullmatch(r"[-+]?\d+,\d+", text):  # German decimal comma
                text = text.replace(",", ".")
            return float(text)
        if base == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError
        if base.startswith("list["):
            if text.startswith("["):
                items = load_yaml(text)
            else:
                items = [t.strip() for t in text.split(",") if t.strip()] if text else []
            inner = ParamSpec(spec.name, base[5:-1], None)
            return [coerce_text(inner, str(v)) if not isinstance(v, bool) else v for v in items]
        if base == "dict":
            value = load_yaml(text) if text else {}
            if not isinstance(value, dict):
                raise ValueError
            return value
    except (ValueError, yaml.YAMLError, ParameterError):
        raise _type_error(spec.name, raw, type_text) from None
    raise _type_error(spec.name, raw, type_text)


def coerce_value(spec: ParamSpec, value: Any) -> Any:
    """Check a typed value (YAML, Python) against the declared type; widen int to float.

    Text given where a number is declared is converted like command-line text; a whole number
    given for a text parameter becomes text (YAML ``plz: 48143``). Zero-padded codes survive
    only as text: write them quoted in YAML or rely on :func:`load_yaml`.
    """
    type_text = spec.type
    if value is None:
        if type_text.endswith(" | None"):
            return None
        raise _type_error(spec.name, value, type_text)
    base = type_text.replace(" | None", "")
    if isinstance(value, str) and base != "str":
        return coerce_text(spec, value)
    if base == "str":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _type_error(spec.name, value, type_text)
        return str(value)
    if base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise _type_error(spec.name, value, type_text)
        return value
    if base == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _type_error(spec.name, value, type_text)
        return float(value)
    if base == "bool":
        if not isinstance(value, bool):
            raise _type_error(spec.name, value, type_text)
        return value
    if base.startswith("list["):
        if not isinstance(value, list | tuple):
            raise _type_error(spec.name, value, type_text)
        inner = ParamSpec(spec.name, base[5:-1], None)
        try:
            return [coerce_value(inner, v) for v in value]
        except ParameterError:
            raise _type_error(spec.name, value, type_text) from None
    if base == "dict":
        if not isinstance(value, dict):
            raise _type_error(spec.name, value, type_text)
        return dict(value)
    raise _type_error(spec.name, value, type_text)


def unknown_parameter_error(names: list[str], specs: Mapping[str, ParamSpec],
                            where: str = "") -> ParameterError:
    """The error for parameters a notebook does not declare, listing the allowed ones."""
    allowed = ", ".join(sorted(specs)) or "(keine)"
    hints = []
    for n in names:
        close = difflib.get_close_matches(n, list(specs), n=1)
        if close:
            hints.append(f"'{n}' → meinten Sie '{close[0]}'?")
    hint_de = (" " + " ".join(hints)) if hints else ""
    quoted = ", ".join(f"'{n}'" for n in names)
    prefix = f"{where}: " if where else ""
    return ParameterError(
        f"{prefix}unknown parameter(s) {quoted}. Allowed parameters: {allowed}.",
        message_de=f"{prefix}Unbekannte(r) Parameter {quoted}. Erlaubt sind: {allowed}."
        + hint_de,
    )


def validate_values(specs: Mapping[str, ParamSpec], values: Mapping[str, Any],
                    constraints: Constraints, *, base_dir: Path | None = None,
                    check_files: bool = True) -> dict[str, Any]:
    """Apply types and constraints to ``values`` (one value per declared parameter).

    Returns the coerced values. Raises :class:`ParameterError` for the first problem found,
    with a German message naming parameter, value and what is allowed.
    """
    unknown = [n for n in values if n not in specs]
    if unknown:
        raise unknown_parameter_error(unknown, specs)
    out = {name: coerce_value(specs[name], values.get(name, specs[name].default))
           for name in specs}
    for name in (*constraints.choices, *constraints.ranges, *constraints.files,
                 *constraints.patterns):
        if name not in specs:
            raise ParameterError(
                f"The constraints name '{name}', which is not a declared parameter.",
                message_de=f"Die Prüfregeln nennen '{name}', das kein deklarierter Parameter ist.",
            )
    for name, allowed in constraints.choices.items():
        value = out[name]
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item not in allowed:
                close = difflib.get_close_matches(str(item), [str(a) for a in allowed], n=1)
                hint = f" Meinten Sie '{close[0]}'?" if close else ""
                raise ParameterError(
                    f"Parameter '{name}' has the value {item!r}; allowed: {allowed}.",
                    message_de=f"Parameter '{name}' hat den Wert {item!r}; erlaubt sind: "
                    + ", ".join(repr(a) for a in allowed) + "." + hint,
                )
    for name, (low, high) in constraints.ranges.items():
        value = out[name]
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is None:
                continue
            bad = (isinstance(item, float) and math.isnan(item)) or \
                (low is not None and item < low) or (high is not None and item > high)
            if bad:
                span = _range_de(low, high)
                raise ParameterError(
                    f"Parameter '{name}' has the value {item!r}; allowed is {low} to {high}.",
                    message_de=f"Parameter '{name}' hat den Wert {item!r}; erlaubt {span}.",
                )
    for name, (regex, description) in constraints.patterns.items():
        value = out[name]
        if value is not None and not re.fullmatch(regex, str(value)):
            raise ParameterError(
                f"Parameter '{name}' has the value {value!r}; expected: {description}.",
                message_de=f"Parameter '{name}' hat den Wert {value!r}; erwartet wird: "
                f"{description}.",
            )
    if check_files:
        for name in constraints.files:
            value = out[name]
            if not value:
                continue  # empty = not used
            path = Path(value).expanduser()
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            if not path.is_file():
                raise ParameterError(
                    f"Parameter '{name}': the file '{value}' does not exist (looked for "
                    f"{path.resolve()}). Check the path; relative paths are relative to the "
                    "folder the command was started in.",
                    message_de=f"Parameter '{name}': Die Datei '{value}' gibt es nicht (gesucht: "
                    f"{path.resolve()}). Prüfen Sie den Pfad; relative Pfade gelten ab dem "
                    "Ordner, in dem der Befehl gestartet wurde.",
                )
    return out


def _range_de(low, high) -> str:
    if low is not None and high is not None:
        return f"sind Werte von {low} bis {high}"
    if low is not None:
        return f"sind Werte ab {low}"
    return f"sind Werte bis {high}"


def check_parameters(namespace: Mapping[str, Any], *, choices: Mapping | None = None,
                     ranges: Mapping | None = None, files: list | None = None,
                     patterns: Mapping | None = None) -> Parameters:
    """Validate the parameters of the running notebook; call it right after the parameters cell.

    ``namespace`` is the notebook's ``globals()``: the declared parameters are the names in its
    ``__annotations__`` (the parameters cell), their values the current globals (defaults or
    the values papermill injected). Constraints must be literals so the runner can apply them
    before a kernel starts:

    - ``choices={"data_source": ["musterland", "csv"]}``
    - ``ranges={"radius_m": (50, 2000)}`` (``None`` for an open end; lists are checked per item)
    - ``files=["csv_path"]`` (must exist when not empty)
    - ``patterns={"ags": (r"\\d{8}", "8 Ziffern, z. B. '05513000'")}``
    """
    annotations = namespace.get("__annotations__") or {}
    if not annotations:
        raise ParameterError(
            "No parameters found: run the cell tagged 'parameters' first.",
            message_de="Keine Parameter gefunden: Führen Sie zuerst die Zelle mit dem Tag "
            "'parameters' aus.",
        )
    specs = {
        name: ParamSpec(name, normalise_type(ann), None) for name, ann in annotations.items()
    }
    for spec in specs.values():
        if spec.type not in SUPPORTED_TYPES:
            raise _type_error(spec.name, namespace.get(spec.name), spec.type)
    values = {name: namespace.get(name) for name in specs}
    constraints = make_constraints(choices, ranges, files, patterns)
    checked = validate_values(specs, values, constraints, base_dir=Path.cwd())
    return Parameters(checked, {n: s.type for n, s in specs.items()})
