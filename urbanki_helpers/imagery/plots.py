"""Figures of the aerial-image notebooks: image beside classes, the spatial split, feature
distributions per class, and parcels coloured by a value. All maps in the image's CRS (m)."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from affine import Affine
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from rasterio.plot import plotting_extent

from urbanki_helpers.imagery import classes as landcover
from urbanki_helpers.imagery.features import FeatureStack
from urbanki_helpers.imagery.raster import class_colormap, image_rgb, legend_handles
from urbanki_helpers.plotting import GermanNumberFormatter, finish_map

__all__ = ["feature_by_class", "image_and_classes", "parcel_map", "split_map"]


def _map(ax: Axes) -> None:
    ax.set_aspect("equal")
    ax.xaxis.set_major_formatter(GermanNumberFormatter(0))
    ax.yaxis.set_major_formatter(GermanNumberFormatter(0))
    ax.tick_params(labelsize=7)


def image_and_classes(bands: np.ndarray, class_maps: dict[str, np.ndarray], transform: Affine, *,
                      attribution: str, title_image: str = "Luftbild (Echtfarben)",
                      figsize_per_map: float = 5.0) -> Figure:
    """The image (true colours) beside one or more class maps (title -> labels)."""
    n = 1 + len(class_maps)
    fig, axes = plt.subplots(1, n, figsize=(figsize_per_map * n, figsize_per_map + 0.6),
                             layout="constrained", sharex=True, sharey=True)
    extent = plotting_extent(bands[0], transform)
    axes[0].imshow(image_rgb(bands), extent=extent, interpolation="nearest")
    finish_map(axes[0], title=title_image, attribution=attribution)
    cmap, norm = class_colormap()
    for ax, (title, labels) in zip(axes[1:], class_maps.items(), strict=True):
        ax.imshow(labels, extent=extent, cmap=cmap, norm=norm, interpolation="nearest")
        finish_map(ax, title=title, attribution=attribution, north_arrow=False)
    for ax in axes:
        _map(ax)
    present = sorted({int(c) for m in class_maps.values() for c in np.unique(m)}
                     - {landcover.NODATA})
    fig.legend(handles=legend_handles(present), loc="outside lower center",
               ncol=min(len(present), 8), fontsize=8, frameon=False)
    return fig


def split_map(test_mask: np.ndarray, train_mask: np.ndarray, transform: Affine, *,
              attribution: str) -> Figure:
    """Where the model trains and where it is tested (spatial blocks with a gap)."""
    show = np.where(test_mask, 2, np.where(train_mask, 1, 0))
    fig, ax = plt.subplots(figsize=(5.5, 5.5), layout="constrained")
    colours = plt.matplotlib.colors.ListedColormap(["#dddddd", "#4c72b0", "#dd8452"])
    ax.imshow(show, extent=plotting_extent(show, transform), cmap=colours, vmin=0, vmax=2,
              interpolation="nearest")
    _map(ax)
    handles = [plt.matplotlib.patches.Patch(color=c, label=t) for c, t in
               zip(["#4c72b0", "#dd8452", "#dddddd"],
                   ["Training", "Test", "Abstand (weder noch)"], strict=True)]
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.8)
    finish_map(ax, title="Räumliche Aufteilung in Blöcke", attribution=attribution)
    return fig


def feature_by_class(features: FeatureStack, labels: np.ndarray, feature: str, *,
                     n_per_class: int = 3000, random_state: int = 0,
                     ylabel: str | None = None) -> Figure:
    """Box plots of one feature per class: where classes overlap, no threshold separates
    them."""
    if feature not in features.names:
        raise KeyError(f"feature {feature!r} not in {features.names}")
    values = features.values[..., features.names.index(feature)].ravel()
    flat = np.asarray(labels).ravel()
    rng = np.random.default_rng(random_state)
    data, names = [], []
    for code in landcover.codes():
        index = np.flatnonzero(flat == code)
        if index.size == 0:
            continue
        pick = rng.choice(index, size=min(n_per_class, index.size), replace=False)
        data.append(values[pick])
        names.append(landcover.names_de([code])[0])
    fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    ax.boxplot(data, tick_labels=names, showfliers=False)
    ax.set_ylabel(ylabel or feature)
    ax.yaxis.set_major_formatter(GermanNumberFormatter(2))
    ax.tick_params(axis="x", labelrotation=20)
    ax.grid(axis="y", alpha=0.3)
    return fig


def parcel_map(parcels: gpd.GeoDataFrame, column: str, *, title: str, label: str,
               attribution: str, cmap: str = "YlOrBr", vmin: float | None = None,
               vmax: float | None = None, background: np.ndarray | None = None,
               transform: Affine | None = None) -> Figure:
    """Parcels coloured by ``column`` (e.g. sealing degree), optionally over the image."""
    fig, ax = plt.subplots(figsize=(7, 6.5), layout="constrained")
    if background is not None and transform is not None:
        ax.imshow(image_rgb(background), extent=plotting_extent(background[0], transform),
                  alpha=0.55, interpolation="nearest")
    values = pd.to_numeric(parcels[column], errors="coerce")
    parcels.assign(_v=values).plot(column="_v", ax=ax, cmap=cmap, vmin=vmin, vmax=vmax,
                                   edgecolor="black", linewidth=0.4, alpha=0.85, legend=True,
                                   legend_kwds={"label": label, "shrink": 0.7},
                                   missing_kwds={"color": "none", "edgecolor": "grey"})
    _map(ax)
    finish_map(ax, title=title, attribution=attribution)
    return fig
