"""Generate the synthetic aerial images ("Luftbilder") of a block of the fictional town
"Musterstadt" (NRW): two epochs of a 4-band orthophoto with labels, parcels and buildings.

All data is SYNTHETIC. The generator itself lives in ``urbanki_helpers.imagery.scene``;
notebooks and benchmarks call it there to make larger scenes. Running the script twice gives
byte-identical files::

    python datasets/musterstadt_luftbild/generate.py [--out DIR]

Files written (EPSG:25832, 0.2 m pixels, 1000 x 1000 px = 200 m x 200 m, top-left corner
x=371600, y=5713700):

- ``dop_2023.tif``, ``dop_2025.tif``  orthophotos, 4 bands uint8 (rot, gruen, blau, nir)
- ``klassen_2023.tif``, ``klassen_2025.tif``  class codes (urbanki_helpers.imagery.classes)
- ``musterstadt_luftbild.gpkg``  layers ``flurstuecke`` and ``gebaeude`` with true areas
- ``aenderungen.csv``  true changes between the epochs, one row per changed building
"""

from __future__ import annotations

import sys
from pathlib import Path

from urbanki_helpers.data.synthetic import generator_main
from urbanki_helpers.imagery.scene import EPOCHS, SEED, write_scene

WIDTH_PX = 1000  # scene width in pixels (0.2 m each)
HEIGHT_PX = 1000  # scene height in pixels
ZLEVEL = 9  # strongest DEFLATE: every file stays below the repository's 2 MB limit


def generate(out: Path) -> list[Path]:
    """Write all files into ``out`` and return their paths."""
    return write_scene(out, width_px=WIDTH_PX, height_px=HEIGHT_PX, seed=SEED, epochs=EPOCHS,
                       zlevel=ZLEVEL)


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
