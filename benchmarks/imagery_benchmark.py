"""Benchmark of the tiled aerial-image pipeline (use case 02; never part of ``make test``).

Writes a 4-band scene of ``--size`` × ``--size`` pixels (the synthetic Musterstadt scene of
``urbanki_helpers.imagery.scene`` if it is available and works, else a structured random scene
written window by window), trains a small random forest on a sample, then measures on this
machine:

- ``compute_features`` alone and features + prediction on one tile (the reference);
- :func:`~urbanki_helpers.imagery.pipeline.classify_raster` over the whole scene with one
  process and with all cores, each in a child process, with its peak memory: the peak
  resident set size of the child (``VmHWM`` on Linux, else ``ru_maxrss``) and, with psutil,
  those of its worker processes.

It reports throughput in megapixels per second, the ratios pipeline / one tile and all cores /
one core, whether both runs give identical rasters, and whether peak memory stays below
2 GB. The Markdown table goes to ``<out>/imagery_benchmark.md``.

Usage: python benchmarks/imagery_benchmark.py [--size 10000] [--tile-px 1024] [--jobs N]
       [--out bench-results] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_BYTES = 2 * 1024 ** 3  # the memory budget: 2 GB
PIXEL_M = 0.2
ORIGIN = (371_600.0, 5_713_700.0)


# --- the scene -------------------------------------------------------------------------------


def write_scene_files(out: Path, size: int) -> tuple[Path, Path, str]:
    """(image, labels, description): the Musterstadt scene if possible, else our own."""
    try:
        from urbanki_helpers.imagery import scene
    except ImportError:
        scene = None
    if scene is not None and hasattr(scene, "write_scene"):
        try:
            paths = scene.write_scene(out / "scene", width_px=size, height_px=size)
            by_name = {p.name: p for p in paths}
            year = scene.EPOCHS[0]
            return (by_name[f"dop_{year}.tif"], by_name[f"klassen_{year}.tif"],
                    f"Musterstadt scene (scene.write_scene, epoch {year})")
        except Exception as exc:  # the generator is optional here; fall back
            print(f"scene.write_scene failed ({type(exc).__name__}: {exc}); using own scene",
                  flush=True)
    image, labels = write_structured_scene(out / "own", size)
    return image, labels, "structured random scene (benchmark's own generator)"


def write_structured_scene(out: Path, size: int, *, strip: int = 512) -> tuple[Path, Path]:
    """A 4-band scene of blocks of land-cover classes with class colours, texture and noise,
    written strip by strip (bounded memory); every pixel depends only on its position."""
    import rasterio
    from affine import Affine
    from rasterio.enums import ColorInterp
    from rasterio.windows import Window

    out.mkdir(parents=True, exist_ok=True)
    colours = np.array([  # red, green, blue, nir per class 0..8
        [0, 0, 0, 0], [170, 80, 60, 90], [90, 140, 60, 170], [40, 50, 90, 40],
        [130, 130, 130, 110], [190, 175, 140, 150], [50, 120, 40, 200], [40, 70, 110, 20],
        [25, 25, 30, 20]], dtype=np.float32)
    cell = 24
    n_cells = size // cell + 1
    cell_class = np.random.default_rng(42).integers(1, 9, size=(n_cells, n_cells))
    transform = Affine(PIXEL_M, 0, ORIGIN[0], 0, -PIXEL_M, ORIGIN[1])
    profile = {"driver": "GTiff", "width": size, "height": size, "crs": "EPSG:25832",
               "transform": transform, "dtype": "uint8", "tiled": True, "blockxsize": 256,
               "blockysize": 256, "compress": "deflate"}
    image_path, label_path = out / "dop.tif", out / "klassen.tif"
    with rasterio.open(image_path, "w", count=4, photometric="RGB", **profile) as img, \
            rasterio.open(label_path, "w", count=1, nodata=0, **profile) as lab:
        img.colorinterp = [ColorInterp.red, ColorInterp.green, ColorInterp.blue,
                           ColorInterp.undefined]
        cols = np.arange(size)
        for r0 in range(0, size, strip):
            rows = np.arange(r0, min(size, r0 + strip))
            labels = cell_class[rows[:, None] // cell, cols[None, :] // cell].astype(np.uint8)
            rng = np.random.default_rng([7, r0])
            base = colours[labels].transpose(2, 0, 1)
            texture = 12 * np.sin(rows[:, None] / 3.0) * np.cos(cols[None, :] / 5.0)
            noise = rng.normal(0, 10, size=base.shape).astype(np.float32)
            bands = np.clip(base + texture[None] * (labels % 3)[None] + noise, 0, 255)
            win = Window(0, r0, size, len(rows))
            img.write(bands.astype(np.uint8), window=win)
            lab.write(labels, 1, window=win)
    return image_path, label_path


# --- training and the reference --------------------------------------------------------------


def train_model(image: Path, labels: Path, *, sample_px: int = 1024, radius: int = 2):
    from rasterio.windows import Window
    from sklearn.ensemble import RandomForestClassifier

    from urbanki_helpers.imagery.features import compute_features
    from urbanki_helpers.imagery.model_io import PixelModel
    from urbanki_helpers.imagery.raster import read_image, read_labels

    window = Window(0, 0, sample_px, sample_px)
    data = read_image(image, window=window)
    truth, _, _ = read_labels(labels, window=window)
    stack = compute_features(data.bands, nir=data.nir, radius=radius)
    table, y = stack.table(), truth.ravel()
    rng = np.random.default_rng(0)
    picked = []
    for code in np.unique(y[y > 0]):
        where = np.flatnonzero(y == code)
        picked.append(rng.choice(where, size=min(2000, where.size), replace=False))
    idx = np.concatenate(picked)
    est = RandomForestClassifier(n_estimators=30, max_depth=12, n_jobs=1, random_state=0)
    est.fit(table[idx], y[idx])
    counts = {int(c): int((y[idx] == c).sum()) for c in np.unique(y[idx])}
    return PixelModel(est, stack.names, radius, data.nir, sorted(counts),
                      training={"scene": str(image.name), "pixels_per_class": counts})


def tile_reference(image: Path, model, tile_px: int, repeat: int = 3) -> dict:
    """Megapixels per second of features alone and of features + prediction on one tile
    read with the model's halo (counted on the tile's core)."""
    from rasterio.windows import Window

    from urbanki_helpers.imagery.features import compute_features
    from urbanki_helpers.imagery.raster import read_image

    edge = tile_px + 2 * model.halo
    bands = read_image(image, window=Window(0, 0, edge, edge)).bands
    core_mpx = tile_px * tile_px / 1e6
    feat, full = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        compute_features(bands, nir=model.nir, radius=model.radius)
        feat.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        model.predict(bands)
        full.append(time.perf_counter() - t0)
    return {"features_mpx_s": core_mpx / statistics.median(feat),
            "predict_mpx_s": core_mpx / statistics.median(full)}


# --- the pipeline in a child process ---------------------------------------------------------


def run_child(config: dict) -> dict:
    """Run classify_raster as configured; called in the child process."""
    from urbanki_helpers.imagery.model_io import load_model
    from urbanki_helpers.imagery.pipeline import PipelineConfig, classify_raster

    model = load_model(config["model"])
    result = classify_raster(config["image"], model, config["out"],
                             PipelineConfig(tile_px=config["tile_px"], n_jobs=config["jobs"]))
    return {"seconds": result.seconds, "mpx_s": result.megapixels_per_second,
            "n_tiles": result.n_tiles, "n_jobs": result.n_jobs, "self_peak": own_peak_rss()}


def own_peak_rss() -> int:
    """Peak resident set size of this process in bytes: ``VmHWM`` on Linux (reset by exec),
    else ``ru_maxrss``. (On Linux ``ru_maxrss`` survives exec, so a child started from a big
    parent would report the parent's size.)"""
    status = Path("/proc/self/status")
    if status.exists():
        return vmhwm_bytes(status.read_text())
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def vmhwm_bytes(status_text: str) -> int:
    """The peak resident set size (``VmHWM``) in a ``/proc/<pid>/status`` text, in bytes."""
    for line in status_text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(config: dict) -> dict:
    """Run the pipeline in a child process and sample the memory of its process tree."""
    try:
        import psutil
    except ImportError:
        psutil = None
    proc = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(config)],
                            stdout=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}  # pid -> peak resident set size seen (bytes)
    stop = threading.Event()

    def peak_of(p) -> int:
        try:  # Linux: the kernel's high-water mark, so short peaks between samples count
            return vmhwm_bytes(Path(f"/proc/{p.pid}/status").read_text())
        except OSError:
            return p.memory_info().rss

    def sample():
        if psutil is None:
            return
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                family = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for p in family:
                try:
                    peaks[p.pid] = max(peaks.get(p.pid, 0), peak_of(p))
                except (psutil.Error, ValueError):
                    continue
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"pipeline run failed (exit code {proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    workers = {pid: v for pid, v in peaks.items() if pid != proc.pid}
    result["workers_peak"] = max(workers.values()) if workers else None
    result["tree_peak_rss"] = (result["self_peak"] + sum(workers.values())) if peaks else None
    result["n_processes"] = 1 + len(workers)
    return result


def identical(a: Path, b: Path, block: int = 2048) -> bool:
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(a) as ra, rasterio.open(b) as rb:
        if (ra.width, ra.height) != (rb.width, rb.height):
            return False
        for r in range(0, ra.height, block):
            for c in range(0, ra.width, block):
                w = Window(c, r, min(block, ra.width - c), min(block, ra.height - r))
                if not np.array_equal(ra.read(1, window=w), rb.read(1, window=w)):
                    return False
    return True


# --- report ----------------------------------------------------------------------------------


def _gb(value: float | None) -> str:
    return "–" if value is None else f"{value / 1024 ** 3:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="scene edge in pixels")
    parser.add_argument("--tile-px", type=int, default=1024)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    parser.add_argument("--keep", action="store_true", help="keep the scene and results")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(json.loads(args.child))), flush=True)
        return 0

    from urbanki_helpers.imagery.model_io import save_model

    work = Path(tempfile.mkdtemp(prefix="urbanki-imagery-bench-"))
    try:
        t0 = time.perf_counter()
        image, labels, source = write_scene_files(work, args.size)
        scene_s = time.perf_counter() - t0
        print(f"scene {args.size} × {args.size} px written in {scene_s:.0f} s ({source})",
              flush=True)
        model = train_model(image, labels, sample_px=min(1024, args.size))
        model_path = save_model(model, work / "model.zip")
        ref = tile_reference(image, model, min(args.tile_px, args.size - 2 * model.halo))
        print(f"one tile: features {ref['features_mpx_s']:.2f} MPx/s, features + prediction "
              f"{ref['predict_mpx_s']:.2f} MPx/s", flush=True)
        runs = {}
        for jobs in sorted({1, max(1, args.jobs)}):
            config = {"image": str(image), "model": str(model_path), "tile_px": args.tile_px,
                      "jobs": jobs, "out": str(work / f"klassen_{jobs}.tif")}
            runs[jobs] = measure(config)
            r = runs[jobs]
            print(f"pipeline n_jobs={jobs}: {r['seconds']:.1f} s, {r['mpx_s']:.2f} MPx/s, "
                  f"peak tree RSS {_gb(r['tree_peak_rss'])} GB", flush=True)
        one, many = runs[1], runs[max(runs)]
        same = identical(work / "klassen_1.tif", work / f"klassen_{max(runs)}.tif")
        rows = []
        for jobs, r in runs.items():
            peak = r["tree_peak_rss"] or r["self_peak"]
            rows.append(
                f"| {jobs} | {r['n_tiles']} | {r['seconds']:.1f} | {r['mpx_s']:.2f} | "
                f"{r['mpx_s'] / ref['predict_mpx_s']:.2f} | {r['mpx_s'] / one['mpx_s']:.2f} | "
                f"{_gb(r['self_peak'])} | {_gb(r['workers_peak'])} | {r['n_processes']} | "
                f"{_gb(r['tree_peak_rss'])} | {'yes' if peak < LIMIT_BYTES else 'NO'} |")
        lines = [
            "# Benchmark: tiled aerial-image pipeline",
            "",
            f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores. Scene: {args.size} × {args.size} px "
            f"({args.size ** 2 / 1e6:.0f} MPx, 4 bands, {PIXEL_M} m), {source}; written in "
            f"{scene_s:.0f} s. Model: random forest (30 trees, depth 12, "
            f"{len(model.feature_names)} features, radius {model.radius}, halo "
            f"{model.halo} px). Tiles: {args.tile_px} px, overlap = halo.",
            "",
            f"Reference, one tile of {args.tile_px} px: `compute_features` "
            f"{ref['features_mpx_s']:.2f} MPx/s, features + prediction "
            f"{ref['predict_mpx_s']:.2f} MPx/s.",
            "",
            "| n_jobs | tiles | time (s) | MPx/s | ratio to one tile | ratio to n_jobs=1 | "
            "peak main process (GB) | peak per worker (GB) | processes | peak total (GB) | "
            "< 2 GB |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
            *rows,
            "",
            f"Results of n_jobs=1 and n_jobs={max(runs)} identical: "
            f"{'yes' if same else 'NO'}. Speed-up all cores / one core: "
            f"{many['mpx_s'] / one['mpx_s']:.2f}.",
            "",
            "Peak memory is the resident set size high-water mark (`VmHWM` on Linux, "
            "`ru_maxrss` elsewhere) of the process running the pipeline (it writes the "
            "output) and, read with psutil every 0.2 s, of its child processes (forkserver "
            "and workers). `peak total` adds the peaks of all these processes: an upper bound, "
            "since the peaks need not coincide and shared library pages count once per "
            "process. (`ru_maxrss` of a child process is not used on Linux: it survives exec "
            "and would report the size of the benchmark process that started it.)",
        ]
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "imagery_benchmark.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written: {out / 'imagery_benchmark.md'}")
        if args.keep:
            print(f"kept: {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
