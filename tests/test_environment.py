"""environment.yml (conda) pins the same packages and versions as pyproject.toml (pip)."""

from __future__ import annotations

import re

import tomllib
import yaml


def _pip_pins(project_root):
    data = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    pins = {}
    for dep in deps:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)~=([0-9.]+)", dep)
        assert match, f"{dep}: pin every dependency to a compatible release (name~=X.Y)"
        pins[match.group(1).lower()] = match.group(2)
    return pins


def _conda_pins(project_root):
    env = yaml.safe_load((project_root / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, version = dep.split("=", 1)
            pins[name.lower()] = version
    return pins, env


def test_environment_yml_pins_the_same_versions_as_pyproject(project_root):
    pip, (conda, env) = _pip_pins(project_root), _conda_pins(project_root)
    assert pip == conda, (
        "environment.yml and pyproject.toml disagree: "
        f"only pip: {sorted(set(pip) - set(conda))}, only conda: {sorted(set(conda) - set(pip))}, "
        f"different: {sorted(k for k in pip if k in conda and pip[k] != conda[k])}")
    assert "conda-forge" in env["channels"]
    assert {"pip": ["-e ."]} in env["dependencies"]


def test_installed_versions_satisfy_the_pins(project_root):
    from importlib import metadata

    for name, version in _pip_pins(project_root).items():
        installed = metadata.version(name)
        want = version.split(".")
        assert installed.split(".")[: len(want) - 1] == want[:-1], (name, installed, version)
        assert tuple(map(int, re.findall(r"\d+", installed)[: len(want)])) >= \
            tuple(map(int, want)), (name, installed, version)
