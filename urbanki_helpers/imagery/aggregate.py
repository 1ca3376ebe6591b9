"""Land-cover areas per parcel or building: from a label raster to a table in m².

Every pixel whose centre lies inside a polygon counts for that polygon (rasterio's
``rasterize`` with ``all_touched=False``), so the class areas of a polygon are exactly its
pixel counts × the pixel area, and their sum differs from the polygon's surveyed area by the
pixels cut by its boundary (about half a pixel along the perimeter).

Overlapping polygons (say, a building layer passed together with its parcels) are handled
one by one, so each polygon gets all pixels whose centre lies inside it; the overlapping area
then counts for each of them. Polygons that do not overlap (parcels, buildings) are
rasterised together in one pass. Polygons that only touch are not overlapping.

Two ways to call it:

- :func:`class_areas` for a label array in memory (one image);
- :class:`AreaAccumulator` for a large raster processed tile by tile: create it with the full
  raster's ``transform`` and ``shape``, ``add`` the labels of every tile with its window
  (tiles must not overlap: add the core of a tile, not its halo), then ``result()``. The
  result equals :func:`class_areas` on the whole array.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError
from rasterio.features import rasterize
from rasterio.windows import Window

from urbanki_helpers.data.geo import align_crs, ensure_crs
from urbanki_helpers.errors import CRSError, DataError, ParameterError
from urbanki_helpers.evaluation import format_de
from urbanki_helpers.imagery import classes
from urbanki_helpers.imagery.raster import check_shape

__all__ = [
    "AreaAccumulator",
    "area_columns",
    "class_areas",
    "prepare_polygons",
    "roof_use_per_building",
    "sealing_per_parcel",
    "square_grid",
]

_N_CODES = max(classes.codes()) + 1  # label values 0..8


def area_columns() -> list[str]:
    """Names of the class-area columns, in class order: ``roof_m2``, ``green_roof_m2``, …"""
    return [f"{c.key}_m2" for c in classes.CLASSES]


class AreaAccumulator:
    """Adds up the class areas per polygon over the tiles (windows) of one label raster.

    Parameters
    ----------
    polygons:
        GeoDataFrame of parcels or buildings (Polygon / MultiPolygon) with a CRS; reprojected
        to the raster's CRS if needed (see ``notes``).
    id_column:
        Column with a unique id per polygon (e.g. the parcel number); index of the result.
    crs:
        CRS of the label raster, e.g. ``"EPSG:25832"`` (must measure in metres).
    transform:
        Affine transform of the *full* raster (north-up, not rotated).
    shape:
        (rows, cols) of the full raster.

    Use ``add(labels_window, window)`` for each tile and ``result()`` at the end.
    """

    def __init__(self, polygons: gpd.GeoDataFrame, *, id_column: str, crs, transform: Affine,
                 shape: tuple[int, int]):
        self.crs = _metric_crs(crs)
        self.transform = _check_transform(transform)
        self.shape = check_shape(shape)
        self.id_column = id_column
        self.notes: list[str] = []
        gdf = prepare_polygons(polygons, id_column, self.crs, self.notes)
        self._ids = gdf[id_column].to_numpy()
        geoms = gdf.geometry.to_numpy()
        self._geoms = geoms
        self._bounds = shapely.bounds(geoms)  # NaN for empty geometries
        rows, cols = self.shape
        t = self.transform
        self._extent = shapely.box(t.c, t.f + rows * t.e, t.c + cols * t.a, t.f)
        self.pixel_area_m2 = abs(t.a * t.e)
        self._polygon_m2 = shapely.area(geoms)
        self._inside_m2 = shapely.area(shapely.intersection(geoms, self._extent))
        if not (self._inside_m2 > 0).any():
            minx, miny, maxx, maxy = shapely.total_bounds(geoms)
            raise DataError(
                f"No polygon overlaps the raster: raster extent x {t.c:.0f}–{t.c + cols * t.a:.0f}"
                f", y {t.f + rows * t.e:.0f}–{t.f:.0f}; polygons x {minx:.0f}–{maxx:.0f}, y "
                f"{miny:.0f}–{maxy:.0f} (both in {_crs_text(self.crs)}). Check that the "
                "polygons belong to the area of the image and that both have the right CRS.",
                message_de=f"Kein Polygon überlappt das Raster: Rasterausdehnung x "
                f"{t.c:.0f}–{t.c + cols * t.a:.0f}, y {t.f + rows * t.e:.0f}–{t.f:.0f}; "
                f"Polygone x {minx:.0f}–{maxx:.0f}, y {miny:.0f}–{maxy:.0f} (beide in "
                f"{_crs_text(self.crs)}). Prüfen Sie, ob die Flurstücke bzw. Gebäude zum "
                "Bildausschnitt gehören und ob beide das richtige Koordinatenbezugssystem haben.",
            )
        self._overlapping = _overlapping(geoms, tolerance=1e-3 * self.pixel_area_m2)
        if self._overlapping.any():
            self.notes.append(
                f"{int(self._overlapping.sum())} Flächen überlappen sich; jede erhält alle "
                "Pixel, deren Mittelpunkt in ihr liegt, die Überlappung zählt also mehrfach.")
        self._counts = np.zeros((len(geoms), _N_CODES), dtype=np.int64)
        self._windows = np.empty((0, 4), dtype=np.int64)  # row0, row1, col0, col1
        self._pixels_added = 0

    def add(self, labels: np.ndarray, window=None) -> None:
        """Add the labels of one tile. ``window``: where the tile lies in the full raster, a
        ``rasterio.windows.Window`` or ``((row_start, row_stop), (col_start, col_stop))``;
        None for the whole raster at once. Tiles must not overlap."""
        labels = _check_labels(labels)
        r0, r1, c0, c1 = self._window(window, labels.shape)
        earlier = self._windows
        clash = ((earlier[:, 0] < r1) & (r0 < earlier[:, 1])
                 & (earlier[:, 2] < c1) & (c0 < earlier[:, 3]))
        if clash.any():
            o = earlier[int(np.argmax(clash))]
            raise DataError(
                f"The window rows {r0}–{r1}, columns {c0}–{c1} overlaps a window added before "
                f"(rows {o[0]}–{o[1]}, columns {o[2]}–{o[3]}); pixels would count twice. Add "
                "only the core of each tile, without its halo.",
                message_de=f"Das Fenster Zeilen {r0}–{r1}, Spalten {c0}–{c1} überlappt ein "
                f"bereits hinzugefügtes (Zeilen {o[0]}–{o[1]}, Spalten {o[2]}–{o[3]}); Pixel "
                "würden doppelt zählen. Fügen Sie nur den Kern jeder Kachel ohne Rand (Halo) "
                "hinzu.",
            )
        self._windows = np.vstack([earlier, [[r0, r1, c0, c1]]])
        self._pixels_added += labels.size
        t = self.transform
        win_transform = t @ Affine.translation(c0, r0)
        x0, x1 = t.c + c0 * t.a, t.c + c1 * t.a
        y1, y0 = t.f + r0 * t.e, t.f + r1 * t.e
        b = self._bounds
        hit = np.flatnonzero((b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0))
        if hit.size == 0:
            return
        together = hit[~self._overlapping[hit]]
        if together.size:
            shapes = zip(self._geoms[together], range(1, together.size + 1), strict=True)
            ids = rasterize(shapes, out_shape=labels.shape, transform=win_transform, fill=0,
                            all_touched=False, dtype="int32")
            flat = ids * np.int32(_N_CODES) + labels  # int32: pairs (polygon, class)
            counts = np.bincount(flat.ravel(), minlength=(together.size + 1) * _N_CODES)
            self._counts[together] += counts.reshape(-1, _N_CODES)[1:]
        for i in hit[self._overlapping[hit]]:
            sub = _sub_window(self._bounds[i], t, r0, r1, c0, c1)
            if sub is None:
                continue
            sr0, sr1, sc0, sc1 = sub
            inside = rasterize([(self._geoms[i], 1)], out_shape=(sr1 - sr0, sc1 - sc0),
                               transform=t @ Affine.translation(sc0, sr0), fill=0,
                               all_touched=False, dtype="uint8").astype(bool)
            part = labels[sr0 - r0:sr1 - r0, sc0 - c0:sc1 - c0][inside]
            self._counts[i] += np.bincount(part, minlength=_N_CODES)

    @property
    def complete(self) -> bool:
        """True once every pixel of the full raster has been added."""
        return self._pixels_added == self.shape[0] * self.shape[1]

    def result(self) -> pd.DataFrame:
        """Areas per polygon (index: the ids), in m²: one column per class (``roof_m2`` …
        ``shadow_m2``), ``nodata_m2`` (pixels with label 0), ``total_m2`` (sum of the class
        areas), ``polygon_m2`` (area of the polygon geometry), ``outside_raster_m2`` (part of
        the polygon outside the raster extent) and ``coverage_share`` (share of the polygon
        inside the raster extent, 0–1). ``attrs["notes"]``: German sentences on CRS,
        overlaps, coverage; ``attrs["pixel_area_m2"]``, ``attrs["complete"]``."""
        area = self._counts * self.pixel_area_m2
        table = pd.DataFrame(area[:, 1:], columns=area_columns(),
                             index=pd.Index(self._ids, name=self.id_column))
        table["nodata_m2"] = area[:, classes.NODATA]
        table["total_m2"] = area[:, 1:].sum(axis=1)
        table["polygon_m2"] = self._polygon_m2
        table["outside_raster_m2"] = np.maximum(self._polygon_m2 - self._inside_m2, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            table["coverage_share"] = np.where(self._polygon_m2 > 0,
                                               self._inside_m2 / self._polygon_m2, 0.0)
        notes = list(self.notes)
        share = table["coverage_share"].to_numpy()
        partly = int(((share > 0) & (share < 0.995)).sum())
        outside = int((share == 0).sum())
        if partly:
            notes.append(f"{partly} Flächen liegen nur teilweise im Bild (Anteil in "
                         "coverage_share); ihre Klassenflächen gelten nur für den abgedeckten "
                         "Teil.")
        if outside:
            notes.append(f"{outside} Flächen liegen ganz außerhalb des Bildes; ihre "
                         "Klassenflächen sind 0.")
        if not self.complete:
            done = self._pixels_added / (self.shape[0] * self.shape[1])
            notes.append(f"Bisher sind erst {format_de(100 * done, 1)} % der Pixel des Rasters "
                         "ausgewertet; die Flächen sind unvollständig.")
        table.attrs["notes"] = notes
        table.attrs["pixel_area_m2"] = self.pixel_area_m2
        table.attrs["complete"] = self.complete
        return table

    def _window(self, window, tile_shape: tuple[int, int]) -> tuple[int, int, int, int]:
        rows, cols = self.shape
        if window is None:
            r0, r1, c0, c1 = 0, rows, 0, cols
        elif isinstance(window, Window):
            r0, c0 = int(window.row_off), int(window.col_off)
            r1, c1 = r0 + int(window.height), c0 + int(window.width)
        else:
            try:
                (r0, r1), (c0, c1) = ((int(a), int(b)) for a, b in window)
            except (TypeError, ValueError) as exc:
                raise ParameterError(
                    f"window must be a rasterio Window or ((row_start, row_stop), (col_start, "
                    f"col_stop)), got {window!r}.",
                    message_de=f"window muss ein rasterio-Window oder ((zeile_start, "
                    f"zeile_ende), (spalte_start, spalte_ende)) sein, nicht {window!r}.",
                ) from exc
        if r0 < 0 or c0 < 0 or r1 > rows or c1 > cols or (r1 - r0, c1 - c0) != tile_shape:
            raise DataError(
                f"The window rows {r0}–{r1}, columns {c0}–{c1} does not fit: the tile has "
                f"{tile_shape[0]} × {tile_shape[1]} pixels and the raster {rows} × {cols}.",
                message_de=f"Das Fenster Zeilen {r0}–{r1}, Spalten {c0}–{c1} passt nicht: Die "
                f"Kachel hat {tile_shape[0]} × {tile_shape[1]} Pixel, das Raster {rows} × "
                f"{cols}.",
            )
        return r0, r1, c0, c1


def class_areas(labels: np.ndarray, transform: Affine, polygons: gpd.GeoDataFrame, *,
                id_column: str, crs) -> pd.DataFrame:
    """Class areas in m² per polygon for a label array in memory (columns as in
    :meth:`AreaAccumulator.result`). ``transform`` and ``crs`` are those of the label array
    (e.g. ``ImageData.transform`` and ``ImageData.crs``)."""
    labels = _check_labels(labels)
    acc = AreaAccumulator(polygons, id_column=id_column, crs=crs, transform=transform,
                          shape=labels.shape)
    acc.add(labels)
    return acc.result()


def sealing_per_parcel(areas: pd.DataFrame, *, factors: dict[str, float] | None = None
                       ) -> pd.DataFrame:
    """Add the sealing of each parcel to a table from :func:`class_areas`:

    - ``versiegelt_m2``: area of all classes marked ``sealed`` (roofs, green roofs, solar
      panels, sealed and partly sealed surfaces), m²;
    - ``gebuehrenflaeche_m2``: Σ class area × sealing factor, m², the area a split wastewater
      fee would charge (example factors of ``classes``; ``factors`` overrides them by class
      key, e.g. ``{"green_roof": 0.3}``);
    - ``versiegelt_max_m2``: ``versiegelt_m2`` plus the shadow area, m²: the sealed area if
      everything under shadow were sealed (the true value lies between the two);
    - ``versiegelungsgrad``: sealed area / classified area (0–1);
    - ``schatten_anteil``: shadow area / classified area (0–1): the part where the image says
      nothing about the surface, so the sealing is uncertain.
    """
    table = _check_areas(areas)
    factor = _factors(factors)
    sealed = [f"{c.key}_m2" for c in classes.CLASSES if c.sealed]
    table["versiegelt_m2"] = table[sealed].sum(axis=1)
    table["versiegelt_max_m2"] = table["versiegelt_m2"] + table["shadow_m2"]
    table["gebuehrenflaeche_m2"] = sum(table[f"{c.key}_m2"] * factor[c.key]
                                       for c in classes.CLASSES)
    total = table["total_m2"].where(table["total_m2"] > 0)
    table["versiegelungsgrad"] = table["versiegelt_m2"] / total
    table["schatten_anteil"] = table["shadow_m2"] / total
    return table


def roof_use_per_building(areas: pd.DataFrame) -> pd.DataFrame:
    """Add the roof use of each building to a table from :func:`class_areas` (polygons =
    building footprints):

    - ``dach_m2``: roof area seen from above (roof + green roof + solar panels), m²;
    - ``gruendach_m2``, ``solar_m2``: green-roof and solar-panel area, m²;
    - ``gruendach_anteil``, ``solar_anteil``: their shares of ``dach_m2`` (0–1);
    - ``dach_anteil``: ``dach_m2`` / classified area of the footprint (0–1); well below 1
      means trees or shadow hide part of the roof or the footprint is out of date.
    """
    table = _check_areas(areas)
    table["gruendach_m2"] = table["green_roof_m2"]
    table["dach_m2"] = table["roof_m2"] + table["green_roof_m2"] + table["solar_m2"]
    roof = table["dach_m2"].where(table["dach_m2"] > 0)
    table["gruendach_anteil"] = table["gruendach_m2"] / roof
    table["solar_anteil"] = table["solar_m2"] / roof
    table["dach_anteil"] = table["dach_m2"] / table["total_m2"].where(table["total_m2"] > 0)
    return table


# --- helpers --------------------------------------------------------------------------------


def prepare_polygons(polygons, id_column: str, crs: CRS, notes: list[str]) -> gpd.GeoDataFrame:
    """Check a polygon layer (GeoDataFrame with a unique ``id_column`` and polygons) and bring
    it into ``crs``; what was done is appended to ``notes`` (German)."""
    if not isinstance(polygons, gpd.GeoDataFrame):
        raise ParameterError(
            f"polygons must be a GeoDataFrame, got {type(polygons).__name__}.",
            message_de=f"polygons muss ein GeoDataFrame sein, nicht {type(polygons).__name__}. "
            "Lesen Sie Flurstücke oder Gebäude mit read_geodata ein.",
        )
    if id_column not in polygons.columns:
        listed = ", ".join(str(c) for c in polygons.columns if c != polygons.geometry.name)
        raise DataError(
            f"The polygons have no column {id_column!r}; columns: {listed}.",
            message_de=f"Die Polygone haben keine Spalte {id_column!r}; vorhanden: {listed}.",
        )
    if len(polygons) == 0:
        raise DataError("The polygon layer is empty.",
                        message_de="Der Polygon-Layer ist leer: Es gibt keine Flächen.")
    ids = polygons[id_column]
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated(keep=False)].dropna().unique()[:5]
        what = f"duplicates: {', '.join(map(str, dup))}" if len(dup) else "missing values"
        what_de = f"doppelt: {', '.join(map(str, dup))}" if len(dup) else "fehlende Werte"
        raise DataError(
            f"The id column {id_column!r} must be unique and complete ({what}).",
            message_de=f"Die Kennungsspalte {id_column!r} muss eindeutig und vollständig sein "
            f"({what_de}). Wählen Sie eine andere Spalte, z. B. das Flurstückskennzeichen.",
        )
    gdf = ensure_crs(polygons, name="Die Polygone")
    reference = gpd.GeoDataFrame(geometry=[], crs=crs)
    if not CRS.from_user_input(gdf.crs).equals(crs, ignore_axis_order=True):
        gdf = align_crs(gdf, reference, name="Die Polygone")
        notes.append(gdf.attrs["crs_note"])
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    bad = ~missing & ~np.isin(types, [3, 6])  # Polygon, MultiPolygon
    if bad.any():
        kinds = sorted({g.geom_type for g in geoms[bad]})
        raise DataError(
            f"Areas need polygons; {int(bad.sum())} geometries are {', '.join(kinds)}.",
            message_de=f"Flächen brauchen Polygone; {int(bad.sum())} Geometrien sind "
            f"{', '.join(kinds)}. Verwenden Sie Flurstücks- oder Gebäudeumringe.",
        )
    invalid = ~missing & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.buffer(geoms[invalid], 0)
        notes.append(f"{int(invalid.sum())} ungültige Polygone (z. B. Selbstüberschneidungen) "
                     "wurden mit buffer(0) repariert.")
    if missing.any():
        geoms = geoms.copy()
        geoms[missing] = shapely.Polygon()
        notes.append(f"{int(missing.sum())} Flächen haben keine Geometrie; ihre Flächen sind 0.")
    out = gpd.GeoDataFrame({id_column: ids.to_numpy()}, geometry=list(geoms), crs=gdf.crs)
    return out


def _overlapping(geoms: np.ndarray, *, tolerance: float) -> np.ndarray:
    """True for each polygon that shares more than ``tolerance`` m² with another one."""
    flags = np.zeros(len(geoms), dtype=bool)
    if len(geoms) < 2:
        return flags
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    if left.size == 0:
        return flags
    shared = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    big = shared > tolerance
    flags[left[big]] = True
    flags[right[big]] = True
    return flags


def _sub_window(bounds, t: Affine, r0: int, r1: int, c0: int, c1: int):
    """Pixel rows/cols of the window (r0..r1, c0..c1) that the bounding box touches."""
    minx, miny, maxx, maxy = bounds
    sc0 = max(c0, int(np.floor((minx - t.c) / t.a)))
    sc1 = min(c1, int(np.ceil((maxx - t.c) / t.a)))
    sr0 = max(r0, int(np.floor((maxy - t.f) / t.e)))
    sr1 = min(r1, int(np.ceil((miny - t.f) / t.e)))
    if sr1 <= sr0 or sc1 <= sc0:
        return None
    return sr0, sr1, sc0, sc1


def _check_labels(labels) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 2:
        raise DataError(
            f"A label raster is a 2-D array (row, col); got shape {labels.shape}.",
            message_de=f"Ein Klassenraster ist ein 2-D-Array (Zeile, Spalte); dieses hat die "
            f"Form {labels.shape}.",
        )
    if labels.dtype.kind not in "iu":
        raise DataError(
            f"Class codes must be whole numbers; got values of type {labels.dtype}.",
            message_de=f"Klassencodes müssen ganze Zahlen sein; die Werte haben den Typ "
            f"{labels.dtype}.",
        )
    if labels.size and (labels.min() < 0 or labels.max() >= _N_CODES):
        raise DataError(
            f"Label values must be class codes 0–{_N_CODES - 1}; found {labels.min()} to "
            f"{labels.max()}.",
            message_de=f"Die Werte des Klassenrasters müssen Klassencodes von 0 bis "
            f"{_N_CODES - 1} sein; gefunden: {labels.min()} bis {labels.max()}.",
        )
    if labels.dtype.itemsize > 4 or labels.dtype == np.uint32:
        labels = labels.astype(np.int32)
    return labels


def _metric_crs(crs) -> CRS:
    try:
        parsed = CRS.from_user_input(crs)
    except PyprojCRSError as exc:
        raise CRSError(
            f"crs={crs!r} is not a valid CRS; pass the raster's CRS, e.g. 'EPSG:25832'.",
            message_de=f"crs={crs!r} ist kein gültiges Koordinatenbezugssystem; übergeben Sie "
            "das des Rasters, z. B. 'EPSG:25832'.",
        ) from exc
    units = {a.unit_name.lower() for a in parsed.to_2d().axis_info}
    if not parsed.is_projected or not units <= {"metre", "meter", "m"}:
        raise CRSError(
            f"The raster CRS {_crs_text(parsed)} does not measure in metres; areas in m² need "
            "a projected CRS such as EPSG:25832.",
            message_de=f"Das Koordinatenbezugssystem des Rasters ({_crs_text(parsed)}) misst "
            "nicht in Metern; Flächen in m² brauchen ein projiziertes System wie EPSG:25832.",
        )
    return parsed


def _crs_text(crs: CRS) -> str:
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]}" if authority else crs.name


def _check_transform(transform) -> Affine:
    if not isinstance(transform, Affine):
        raise ParameterError(
            f"transform must be an affine.Affine of the raster, got {type(transform).__name__}.",
            message_de=f"transform muss die affine.Affine-Transformation des Rasters sein, "
            f"nicht {type(transform).__name__}.",
        )
    if transform.b != 0 or transform.d != 0 or transform.a <= 0 or transform.e >= 0:
        raise DataError(
            "The raster grid is rotated or not north-up; resample it with gdalwarp first.",
            message_de="Das Raster ist gedreht oder nicht nach Norden ausgerichtet; rechnen Sie "
            "es zuerst mit gdalwarp um.",
        )
    return transform


def _check_areas(areas) -> pd.DataFrame:
    if not isinstance(areas, pd.DataFrame):
        raise ParameterError(
            f"areas must be the DataFrame from class_areas, got {type(areas).__name__}.",
            message_de=f"areas muss die Tabelle aus class_areas sein, nicht "
            f"{type(areas).__name__}.",
        )
    needed = [*area_columns(), "total_m2"]
    missing = [c for c in needed if c not in areas.columns]
    if missing:
        raise DataError(
            f"The area table lacks the columns {', '.join(missing)}; compute it with "
            "class_areas or AreaAccumulator.",
            message_de=f"Der Flächentabelle fehlen die Spalten {', '.join(missing)}; berechnen "
            "Sie sie mit class_areas oder AreaAccumulator.",
        )
    return areas.copy()


def _factors(factors) -> dict[str, float]:
    result = {c.key: c.sealing_factor for c in classes.CLASSES}
    if factors is None:
        return result
    for key, value in dict(factors).items():
        if key not in result:
            raise ParameterError(
                f"Unknown class key {key!r} in factors; allowed: {', '.join(result)}.",
                message_de=f"Unbekannter Klassenschlüssel {key!r} in factors; erlaubt: "
                f"{', '.join(result)}.",
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not 0 <= value <= 1:
            raise ParameterError(
                f"The sealing factor of {key!r} must be between 0 and 1, got {value!r}.",
                message_de=f"Der Versiegelungsfaktor von {key!r} muss zwischen 0 und 1 liegen, "
                f"nicht {value!r}.",
            )
        result[key] = float(value)
    return result


def square_grid(bounds: tuple[float, float, float, float], size_m: float, crs) -> gpd.GeoDataFrame:
    """Square cells of ``size_m`` metres covering ``bounds`` (minx, miny, maxx, maxy), aligned
    to multiples of the cell size (like the 100 m grid of the census), with ``zelle_id``."""
    import math

    from shapely.geometry import box

    if not (isinstance(size_m, (int, float)) and size_m > 0):
        raise ParameterError(f"size_m must be a positive number of metres, got {size_m!r}.",
                             message_de=f"Die Zellgröße muss eine positive Zahl in Metern sein, "
                             f"nicht {size_m!r}.")
    minx, miny, maxx, maxy = bounds
    x0, y0 = math.floor(minx / size_m) * size_m, math.floor(miny / size_m) * size_m
    cells, ids = [], []
    y = y0
    while y < maxy:
        x = x0
        while x < maxx:
            cells.append(box(x, y, x + size_m, y + size_m))
            ids.append(f"{int(x)}_{int(y)}")
            x += size_m
        y += size_m
    return gpd.GeoDataFrame({"zelle_id": ids}, geometry=cells, crs=crs)
