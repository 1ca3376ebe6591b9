"""The three layers stay visible: the engine room (run/) never imports a domain module, and
domain modules never import the engine room; notebooks are where they meet."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "urbanki_helpers"
#: What the engine room may use besides itself: shared infrastructure, no domain.
ENGINE_MAY_IMPORT = {"urbanki_helpers.errors", "urbanki_helpers.atomic", "urbanki_helpers.paths",
                     "urbanki_helpers.notebook"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {m for m in found if m.startswith("urbanki_helpers")}


def test_engine_room_imports_no_domain():
    for path in sorted((PACKAGE / "run").glob("*.py")):
        for module in imported_modules(path):
            assert module.startswith("urbanki_helpers.run") or module in ENGINE_MAY_IMPORT, \
                f"{path.name} imports {module}"


def test_domains_and_pantry_do_not_import_the_engine_room():
    skip = {PACKAGE / "__init__.py", PACKAGE / "cli.py"}
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in skip or (PACKAGE / "run") in path.parents:
            continue
        checked += 1
        for module in imported_modules(path):
            assert not module.startswith("urbanki_helpers.run"), f"{path} imports {module}"
    assert checked >= 10


def test_the_package_root_reexports_only_what_every_notebook_calls():
    import urbanki_helpers

    assert sorted(urbanki_helpers.__all__) == ["UrbanKIError", "check_parameters", "record"]
