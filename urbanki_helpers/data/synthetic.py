"""Helpers for the deterministic generators of synthetic datasets (``datasets/*/generate.py``).

Generated files are compared byte for byte with the catalogue's checksums, so every writer
here uses fixed formatting: sorted, no time stamps, whole metres as integers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon, mapping

CRS_URN = "urn:ogc:def:crs:EPSG::25832"

def _coords(geom) -> object:
    """GeoJSON coordinates with whole metres written as integers."""
    def fix(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [int(round(v)) for v in c]
        return [fix(x) for x in c]
    return fix(mapping(geom)["coordinates"])


def geojson_text(name: str, features: list[tuple[dict, object]], *, crs_urn: str = CRS_URN) -> str:
    """A FeatureCollection in EPSG:25832 (legacy 'crs' member, which GDAL reads)."""
    out = {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": crs_urn}},
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": geom.geom_type, "coordinates": _coords(geom)},
            }
            for props, geom in features
        ],
    }
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    return text.replace('{"type":"Feature",', '\n{"type":"Feature",') + "\n"


def smooth_ring(rng: np.random.Generator, centre: tuple[float, float], radius_m: float, *,
                n_vertices: int, waves: tuple[tuple[int, float], ...]) -> Polygon:
    """An irregular, smooth boundary (town, district): the radius (m) varies with sine waves
    ``(frequency, relative amplitude)`` of random phase; vertices on whole metres."""
    phases = rng.uniform(0, 2 * math.pi, size=len(waves))
    angles = np.arange(n_vertices) * (2 * math.pi / n_vertices)
    factor = 1
    for (frequency, amplitude), phase in zip(waves, phases, strict=True):
        factor = factor + amplitude * np.sin(frequency * angles + phase)
    radius = radius_m * factor
    xs = np.round(centre[0] + radius * np.cos(angles))
    ys = np.round(centre[1] + radius * np.sin(angles))
    return shapely.make_valid(Polygon(np.column_stack([xs, ys])))


def generator_main(generate: Callable[[Path], list[Path]], doc: str | None,
                   default_out: Path, argv: list[str] | None = None) -> int:
    """Command line of a generator: ``--out DIR`` (default: the generator's folder)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    parser.add_argument("--out", type=Path, default=default_out,
                        help="output folder (default: the folder of this script)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Run a generator in datasets/<id>/generate.py instead.")
