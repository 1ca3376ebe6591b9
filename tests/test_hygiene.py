"""What a clean checkout must look like: stripped notebooks, no real data, documented data."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from urbanki_helpers.run.curriculum import CURRICULUM


def _tracked(project_root, *patterns):
    out = subprocess.run(["git", "ls-files", *patterns], cwd=project_root, capture_output=True,
                         text=True, check=True).stdout
    return [project_root / line for line in out.splitlines() if line]


def test_committed_notebooks_carry_no_outputs(project_root):
    notebooks = sorted({*project_root.glob("notebooks/**/*.ipynb"),
                        *project_root.glob("exercises/*.ipynb")})
    assert notebooks, "no notebooks found"
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
        assert "widgets" not in nb["metadata"], f"{path.name}: widget state is stored"


def test_nbstripout_finds_nothing_to_strip(project_root):
    notebooks = [str(p) for p in (*project_root.glob("notebooks/**/*.ipynb"),
                                  *project_root.glob("exercises/*.ipynb"))]
    result = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", *notebooks], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_real_data_is_tracked(project_root):
    real_names = {"known_exploited_vulnerabilities.csv", "bst_baseline_training_3506_v1.csv",
                  "VG5000_GEM.shp", "alle-anlagen-muenster.csv", "aed.csv",
                  "weather-dwd-2667.csv", "stops.txt"}
    tracked = {p.name for p in _tracked(project_root)}
    assert not tracked & real_names
    assert not any(name.startswith("fahrradzaehler_stundenwerte") for name in tracked)


def test_every_dataset_folder_has_a_source_note(project_root):
    folders = [p for p in (project_root / "datasets").iterdir() if p.is_dir()
               and not p.name.startswith((".", "_"))]
    assert folders
    for folder in folders:
        assert (folder / "SOURCE.md").is_file(), f"{folder.name} has no SOURCE.md"


def test_every_available_notebook_declares_output_dir_and_validates(project_root):
    from urbanki_helpers.run.runner import read_notebook_parameters

    available = [uc for uc in CURRICULUM if uc.available]
    assert available and available[0].id == "00"
    for uc in available:
        specs, _ = read_notebook_parameters(uc.path)
        assert "output_dir" in specs, uc.stem
        nb = json.loads(uc.path.read_text(encoding="utf-8"))
        sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        index = next(i for i, c in enumerate(nb["cells"])
                     if "parameters" in c["metadata"].get("tags", []))
        following = next(c for c in nb["cells"][index + 1:] if c["cell_type"] == "code")
        assert re.search(r"check_parameters\(\s*globals\(\)", "".join(following["source"])), \
            uc.stem
        assert any("record(" in s for s in sources), uc.stem


def test_ruff_is_clean(project_root):
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=project_root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
