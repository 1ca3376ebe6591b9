"""Print the catalogue's `files:` block (name, sha256, size) for a dataset folder.

Usage: python datasets/checksums.py musterstadt_basis
Paste the output into the dataset's entry in datasets/catalog.yaml after regenerating data.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

SKIP = {"SOURCE.md", "generate.py", "README.md"}


def files_block(folder: Path) -> str:
    lines = ["  files:"]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if path.name in SKIP or "__pycache__" in rel:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines += [f"  - name: {rel}", f"    sha256: {digest}", f"    size: {path.stat().st_size}"]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(files_block(Path(__file__).parent / sys.argv[1]))
