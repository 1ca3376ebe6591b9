"""German, offline maps and charts with matplotlib only.

Maps are drawn in a projected CRS with metre units (EPSG:25832); they carry a scale bar, a
north arrow and the attribution of their data. Numbers use the German decimal comma and
thousands point; dates use German month names.
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from urbanki_helpers.errors import CRSError, DataError
from urbanki_helpers.evaluation import format_de

__all__ = [
    "GermanDateFormatter",
    "GermanNumberFormatter",
    "add_attribution",
    "add_north_arrow",
    "add_scalebar",
    "finish_map",
    "map_axes",
    "time_series_axes",
]

X_LABEL = "Rechtswert (m, EPSG:25832)"
Y_LABEL = "Hochwert (m, EPSG:25832)"
MONTHS_DE = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]
_LOCATIONS = ("lower left", "lower right", "upper left", "upper right")
_CORNERS = {  # axes-fraction anchor of a corner: x, y, horizontal and vertical direction
    "lower left": (0.06, 0.05, 1, 1),
    "lower right": (0.94, 0.05, -1, 1),
    "upper left": (0.06, 0.95, 1, -1),
    "upper right": (0.94, 0.95, -1, -1),
}


class GermanNumberFormatter(Formatter):
    """Tick labels with decimal comma and thousands point (``12.500``, ``0,25``)."""

    def __init__(self, decimals: int | None = None):
        self.decimals = decimals
        self._auto = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        locs = [float(v) for v in locs]
        steps = [abs(b - a) for a, b in zip(locs[:-1], locs[1:], strict=True) if b != a]
        tol = (min(steps) if steps else 1.0) * 1e-6
        # Fewest decimals that show every tick exactly (0.25 -> 2, 2500 -> 0).
        self._auto = next(
            (d for d in range(7) if all(abs(round(v, d) - v) <= tol for v in locs)), 6
        )

    def __call__(self, x, pos=None):
        return format_de(x, self._auto if self.decimals is None else self.decimals)


class GermanDateFormatter(Formatter):
    """Date tick labels in German: ``2024``, ``Jan 2024``/``Apr``, ``05.11.``, ``14:00``."""

    def __init__(self):
        self._step_days = 30.0

    def set_locs(self, locs):
        super().set_locs(locs)
        steps = [b - a for a, b in zip(locs[:-1], locs[1:], strict=True) if b > a]
        self._step_days = min(steps) if steps else 30.0
        self._first_loc = locs[0] if len(locs) else None

    def __call__(self, x, pos=None):
        d = mdates.num2date(x)
        if self._step_days >= 360:
            return f"{d.year}"
        if self._step_days >= 28:
            first = getattr(self, "_first_loc", None) == x
            if d.month == 1 or first or pos == 0:
                return f"{MONTHS_DE[d.month - 1]} {d.year}"
            return MONTHS_DE[d.month - 1]
        if self._step_days >= 1:
            return f"{d.day:02d}.{d.month:02d}."
        return f"{d.hour:02d}:{d.minute:02d}"


def _check_location(location: str) -> None:
    if location not in _LOCATIONS:
        raise DataError(
            f"location must be one of {', '.join(_LOCATIONS)}, got {location!r}.",
            message_de=f"location muss eine dieser Angaben sein: {', '.join(_LOCATIONS)}; "
            f"angegeben war {location!r}.",
        )


def _nice_length(width_m: float) -> float:
    """Round length (1, 2 or 5 times a power of ten, m) of about a fifth of ``width_m``."""
    target = width_m / 5
    power = 10 ** math.floor(math.log10(target))
    return max(f * power for f in (1, 2, 5) if f * power <= target)


def _length_label(length_m: float) -> str:
    if length_m >= 1000:
        km = length_m / 1000
        return f"{format_de(km, 0 if km == int(km) else 1)} km"
    return f"{format_de(length_m, 0 if length_m == int(length_m) else 1)} m"


def add_scalebar(ax: Axes, *, length_m: float | None = None, location: str = "lower left") -> None:
    """Add a scale bar; the axes must show a projected CRS in metres (e.g. EPSG:25832).

    Call it after the data is drawn. Without ``length_m`` a round length of about a fifth of
    the map width is used (e.g. 500 m, 1 km); the label reads ``"500 m"`` or ``"1 km"``.
    """
    _check_location(location)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = abs(x1 - x0)
    if width <= 0:
        raise DataError(
            "The axes have no extent; draw the data before adding the scale bar.",
            message_de="Die Karte hat noch keine Ausdehnung; zeichnen Sie zuerst die Daten und "
            "fügen Sie danach den Maßstab hinzu.",
        )
    if max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90 and width < 20:
        raise CRSError(
            "The axes look like longitude/latitude degrees; a scale bar needs metres. "
            "Reproject the data first, e.g. gdf.to_crs('EPSG:25832').",
            message_de="Die Achsen sehen nach Längen-/Breitengraden aus; ein Maßstab braucht "
            "Meter. Projizieren Sie die Daten vorher um, z. B. gdf.to_crs('EPSG:25832').",
        )
    if length_m is None:
        length_m = _nice_length(width)
    elif not (isinstance(length_m, (int, float)) and math.isfinite(length_m) and length_m > 0):
        raise DataError(
            f"length_m must be a positive number of metres, got {length_m!r}.",
            message_de=f"length_m (Länge des Maßstabs) muss eine positive Zahl in Metern sein, "
            f"angegeben war {length_m!r}.",
        )
    bar = AnchoredSizeBar(
        ax.transData,
        length_m,
        _length_label(length_m),
        location,
        pad=0.4,
        borderpad=0.6,
        sep=3,
        frameon=True,
        size_vertical=abs(y1 - y0) * 0.008,
        label_top=True,
        color="black",
    )
    bar.patch.set_alpha(0.7)
    bar.patch.set_edgecolor("none")
    bar.set_gid("scalebar")
    ax.add_artist(bar)


def add_north_arrow(ax: Axes, *, location: str = "upper right") -> None:
    """Add a north arrow (grid north: up on a map in EPSG:25832)."""
    _check_location(location)
    x, y, _, vdir = _CORNERS[location]
    top = y if vdir < 0 else y + 0.10
    bottom = top - 0.08
    ax.annotate(
        "", xy=(x, top - 0.025), xytext=(x, bottom), xycoords="axes fraction",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 10,
                    "headlength": 10},
        zorder=10, gid="north_arrow",
    )
    ax.text(
        x, top, "N", transform=ax.transAxes, ha="center", va="top", fontsize=12,
        fontweight="bold", zorder=10, gid="north_arrow_label",
    )


def add_attribution(ax: Axes, text: str) -> None:
    """Add the data attribution as small text in the lower right corner of the map."""
    if not isinstance(text, str) or not text.strip():
        raise DataError(
            "The attribution text is empty; name the data source and licence.",
            message_de="Die Quellenangabe ist leer. Nennen Sie Datenquelle und Lizenz, z. B. "
            "'Daten: synthetisch (Musterstadt), CC0'.",
        )
    ax.text(
        0.995, 0.005, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=7,
        color="0.15", zorder=11, gid="attribution",
        bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1.5},
    )


def map_axes(figsize: tuple[float, float] = (7, 7), *, axis_labels: bool = True
             ) -> tuple[Figure, Axes]:
    """Figure and axes for a map in EPSG:25832: equal aspect, German axis labels in m.

    With ``axis_labels=False`` the axes frame, ticks and labels are hidden.
    """
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_aspect("equal")
    if axis_labels:
        ax.set_xlabel(X_LABEL)
        ax.set_ylabel(Y_LABEL)
        ax.xaxis.set_major_formatter(GermanNumberFormatter(0))
        ax.yaxis.set_major_formatter(GermanNumberFormatter(0))
        ax.tick_params(labelsize=8)
    else:
        ax.set_axis_off()
    return fig, ax


def finish_map(
    ax: Axes,
    *,
    title: str,
    attribution: str,
    scalebar: bool = True,
    north_arrow: bool = True,
) -> None:
    """Title, attribution, scale bar and north arrow; call after the data is drawn."""
    ax.set_title(title)
    add_attribution(ax, attribution)
    if scalebar:
        add_scalebar(ax)
    if north_arrow:
        add_north_arrow(ax)


def time_series_axes(
    figsize: tuple[float, float] = (9, 4),
    *,
    ylabel: str | None = None,
    xlabel: str = "Datum",
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Figure and axes for a time series: German dates and numbers.

    ``ylabel`` should name the quantity and its unit, e.g. ``"Besuche pro Tag"`` (it can also
    be set later with ``ax.set_ylabel``).
    """
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(GermanDateFormatter())
    ax.yaxis.set_major_formatter(GermanNumberFormatter())
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    return fig, ax
