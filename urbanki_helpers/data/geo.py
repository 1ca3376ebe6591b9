"""Geodata with an explicit coordinate reference system (CRS).

Every layer is read with its CRS (or an explicitly assumed one) and, for areas and distances,
reprojected to ETRS89 / UTM zone 32N (EPSG:25832), the metric CRS of German authorities. The
CRS the data came in is kept in ``attrs["source_crs"]`` and a German sentence saying what was
done in ``attrs["crs_note"]``, so that a notebook can state it next to a map or a result.
"""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from urbanki_helpers.atomic import atomic_path
from urbanki_helpers.errors import CRSError, DataError, ParameterError, UrbanKIError

__all__ = [
    "METRIC_CRS",
    "align_crs",
    "area_m2",
    "crs_note",
    "ensure_crs",
    "read_geodata",
    "to_metric",
    "write_geodata",
]

METRIC_CRS = "EPSG:25832"  # ETRS89 / UTM zone 32N: areas and distances in metres

_DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def read_geodata(
    path: str | os.PathLike,
    *,
    layer: str | int | None = None,
    assume_crs: str | int | None = None,
    to_metric: bool = True,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector file (GeoPackage, GeoJSON, Shapefile, ...) with an explicit CRS.

    Parameters
    ----------
    path:
        Vector file; for a Shapefile the ``.shp``.
    layer:
        Layer name or index for files with several layers (GeoPackage).
    assume_crs:
        CRS to use when the file has none (e.g. a Shapefile without ``.prj``), such as
        ``"EPSG:25832"``. Ignored when the file declares a CRS.
    to_metric:
        Reproject to EPSG:25832 (metres) for areas and distances.
    encoding:
        Text encoding of a Shapefile's ``.dbf``; default: the ``.cpg`` file, else GDAL's guess.

    Returns
    -------
    GeoDataFrame; ``attrs["source_crs"]`` is the file's CRS (``"EPSG:31467"`` or its name),
    ``attrs["crs_note"]`` a German sentence on source and current CRS.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise DataError(
            f"The geodata file {path} does not exist. Check the path (relative paths start in "
            "the notebook's folder) and the file name.",
            message_de=f"Die Geodatei {path} existiert nicht. Prüfen Sie den Pfad (relative Pfade "
            "beginnen im Ordner des Notebooks) und den Dateinamen.",
        )
    if path.is_file() and path.stat().st_size == 0:
        raise DataError(
            f"The geodata file {path} is empty (0 bytes). Check the download or export.",
            message_de=f"Die Geodatei {path} ist leer (0 Byte). Prüfen Sie den Download oder "
            "den Export.",
        )
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ParameterError(
                f"Unknown encoding {encoding!r} for {path}. Use e.g. 'utf-8' or 'cp1252', or "
                "encoding=None to use the .cpg file.",
                message_de=f"Unbekannte Zeichenkodierung {encoding!r} für {path}. Verwenden Sie "
                "z. B. 'utf-8' oder 'cp1252', oder encoding=None, um die .cpg-Datei zu nutzen.",
            ) from exc
    layers = _layer_names(path)
    if layer is None and len(layers) > 1:
        raise DataError(
            f"The geodata file {path} has several layers: {', '.join(layers)}. Choose one with "
            "layer='…'.",
            message_de=f"Die Geodatei {path} hat mehrere Layer: {', '.join(layers)}. Wählen Sie "
            "einen mit layer='…'.",
        )
    kwargs: dict = {"engine": "pyogrio"}
    if layer is not None:
        kwargs["layer"] = layer
    if encoding is not None:
        kwargs["encoding"] = encoding
    try:
        gdf = gpd.read_file(path, **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
        extra = f" Layers in the file: {', '.join(layers)}." if layers else ""
        extra_de = f" Layer in der Datei: {', '.join(layers)}." if layers else ""
        raise DataError(
            f"The geodata file {path} could not be read ({exc}). Check that it is a complete "
            f"GeoPackage, GeoJSON or Shapefile (with .shx and .dbf) and the layer name.{extra}",
            message_de=f"Die Geodatei {path} konnte nicht gelesen werden ({exc}). Prüfen Sie, ob "
            "es ein vollständiges GeoPackage, GeoJSON oder Shapefile (mit .shx und .dbf) ist, "
            f"und den Layernamen.{extra_de}",
        ) from exc
    except UnicodeDecodeError as exc:
        raise DataError(
            f"The attribute texts of {path} cannot be decoded as {encoding or 'declared'} "
            f"({exc}). Pass the right encoding, e.g. encoding='cp1252' or encoding='utf-8'.",
            message_de=f"Die Attributtexte von {path} lassen sich nicht als "
            f"{encoding or 'angegeben'} lesen ({exc}). Geben Sie die richtige Zeichenkodierung "
            "an, z. B. encoding='cp1252' oder encoding='utf-8'.",
        ) from exc
    if len(gdf) == 0:
        where = f", layer {layer!r}" if layer is not None else ""
        raise DataError(
            f"The geodata file {path}{where} has no features. Check the export or the filter "
            "used to create it, or choose another layer.",
            message_de=f"Die Geodatei {path}{where.replace('layer', 'Layer')} enthält keine "
            "Objekte. Prüfen Sie den Export oder den dabei verwendeten Filter, oder wählen Sie "
            "einen anderen Layer.",
        )
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.isna().all():
        raise DataError(
            f"The file {path} has no geometries; it is a table, not geodata. Read it with "
            "read_table or choose a layer with geometries.",
            message_de=f"Die Datei {path} enthält keine Geometrien; sie ist eine Tabelle, keine "
            "Geodatei. Lesen Sie sie mit read_table oder wählen Sie einen Layer mit Geometrien.",
        )
    gdf = ensure_crs(gdf, name=name, assume_crs=assume_crs)
    if to_metric:
        return _reproject(gdf, CRS.from_user_input(METRIC_CRS), name=name, purpose="metric")
    gdf.attrs["crs_note"] = crs_note(gdf)
    return gdf


def ensure_crs(gdf: gpd.GeoDataFrame, *, name: str = "Geodaten",
               assume_crs: str | int | None = None) -> gpd.GeoDataFrame:
    """Return ``gdf`` with a CRS; set ``assume_crs`` if it has none, else raise CRSError.

    ``attrs["source_crs"]`` is set to the CRS the data has (or was assumed to have).
    """
    _check_gdf(gdf, name)
    if gdf.crs is None:
        if assume_crs is None:
            raise CRSError(
                f"{name} has no coordinate reference system (CRS), e.g. a Shapefile without "
                ".prj file. Find out the CRS from the data provider and pass it, e.g. "
                "assume_crs='EPSG:25832' (UTM 32N, metres), 'EPSG:31467' (Gauss-Krüger zone 3) "
                "or 'EPSG:4326' (longitude/latitude).",
                message_de=f"{name} hat kein Koordinatenbezugssystem (CRS), z. B. ein Shapefile "
                "ohne .prj-Datei. Erfragen Sie das CRS beim Datenanbieter und geben Sie es an, "
                "z. B. assume_crs='EPSG:25832' (UTM 32N, Meter), 'EPSG:31467' (Gauß-Krüger "
                "Zone 3) oder 'EPSG:4326' (Länge/Breite).",
            )
        crs = _parse_crs(assume_crs, "assume_crs")
        gdf = gdf.set_crs(crs)
        _check_plausible(gdf, crs, name)
        _set_source(gdf, crs)
        gdf.attrs["crs_assumed"] = True
    else:
        gdf = gdf.copy()
        if "source_crs" not in gdf.attrs:
            _set_source(gdf, gdf.crs)
    return gdf


def _set_source(gdf: gpd.GeoDataFrame, crs: CRS) -> None:
    """Keep the source CRS: short id for people, WKT for exact comparisons."""
    gdf.attrs["source_crs"] = _crs_id(crs)
    gdf.attrs["source_crs_wkt"] = crs.to_wkt()


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:25832 (metres; no reprojection if already there); set ``crs_note``."""
    return _reproject(gdf, CRS.from_user_input(METRIC_CRS), name="Geodaten", purpose="metric")


def align_crs(gdf: gpd.GeoDataFrame, reference: gpd.GeoDataFrame, *,
              name: str = "Layer") -> gpd.GeoDataFrame:
    """Reproject ``gdf`` to the CRS of ``reference``; ``attrs["crs_note"]`` says so in German."""
    _check_gdf(reference, "reference")
    if reference.crs is None:
        raise CRSError(
            "The reference layer has no CRS, so there is nothing to align to. Give it one with "
            "ensure_crs(reference, assume_crs='EPSG:…') or read it with read_geodata.",
            message_de="Der Referenzlayer hat kein Koordinatenbezugssystem (CRS), an dem sich "
            "ausrichten ließe. Setzen Sie es mit ensure_crs(referenz, assume_crs='EPSG:…') oder "
            "lesen Sie ihn mit read_geodata ein.",
        )
    return _reproject(gdf, reference.crs, name=name, purpose="reference")


def crs_note(gdf: gpd.GeoDataFrame) -> str:
    """German sentence on the CRS the data came in and the CRS it is in now."""
    if gdf.crs is None:
        return "Koordinatenbezugssystem unbekannt: bitte mit ensure_crs(..., assume_crs=...) setzen."
    current = _crs_label(gdf.crs)
    source = gdf.attrs.get("source_crs_wkt") or gdf.attrs.get("source_crs")
    assumed = " (angenommen, da die Datei keines angibt)" if gdf.attrs.get("crs_assumed") else ""
    if source is None or _same_crs(source, gdf.crs):
        unit = "Meter" if _is_metric(gdf.crs) else "keine Meter: für Flächen to_metric verwenden"
        return f"Koordinaten in {current}{assumed}, nicht umprojiziert ({unit})."
    return (f"Quelle in {_crs_label(source)}{assumed}, umprojiziert nach {current}"
            f"{' für Flächen und Abstände' if _is_metric(gdf.crs) else ''}.")


def write_geodata(gdf: gpd.GeoDataFrame, path: str | os.PathLike, *,
                  layer: str | None = None) -> Path:
    """Write ``gdf`` atomically as GeoPackage (``.gpkg``) or GeoJSON (``.geojson``/``.json``).

    The layer name defaults to the file name without suffix. Other layers of an existing
    GeoPackage are kept; a layer of the same name is replaced. Returns the path.
    """
    target = Path(path)
    driver = _DRIVERS.get(target.suffix.lower())
    if driver is None:
        raise ParameterError(
            f"Cannot write geodata to {target}: the suffix must be .gpkg (GeoPackage) or "
            ".geojson (GeoJSON).",
            message_de=f"Geodaten können nicht nach {target} geschrieben werden: Die Endung muss "
            ".gpkg (GeoPackage) oder .geojson (GeoJSON) sein.",
        )
    _check_gdf(gdf, "gdf")
    if gdf.crs is None:
        raise CRSError(
            f"Refusing to write {target} without a CRS; readers could not place the data. Set "
            "it first with ensure_crs(gdf, assume_crs='EPSG:…').",
            message_de=f"{target} wird ohne Koordinatenbezugssystem (CRS) nicht geschrieben, "
            "sonst könnten andere Programme die Daten nicht verorten. Setzen Sie es zuerst mit "
            "ensure_crs(gdf, assume_crs='EPSG:…').",
        )
    layer = layer or target.stem
    try:
        with atomic_path(target) as tmp:
            if driver == "GPKG" and target.exists():
                shutil.copyfile(target, tmp)  # keep the other layers
            gdf.to_file(tmp, driver=driver, layer=layer, engine="pyogrio")
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
        raise UrbanKIError(
            f"Could not write geodata to {target}: {exc}. Check that the folder is writable, "
            "that the file is not open in another program (QGIS) and that column names are "
            "unique.",
            message_de=f"Die Geodaten konnten nicht nach {target} geschrieben werden: {exc}. "
            "Prüfen Sie, ob der Ordner beschreibbar ist, die Datei nicht in einem anderen "
            "Programm (QGIS) geöffnet ist und die Spaltennamen eindeutig sind.",
        ) from exc
    return target


def area_m2(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Area of each geometry in m²; needs a projected CRS in metres (e.g. EPSG:25832)."""
    _check_gdf(gdf, "gdf")
    if gdf.crs is None or not _is_metric(gdf.crs):
        what = "no CRS" if gdf.crs is None else f"the CRS {_crs_label(gdf.crs)}"
        what_de = ("kein Koordinatenbezugssystem" if gdf.crs is None
                   else f"das Koordinatenbezugssystem {_crs_label(gdf.crs)}")
        raise CRSError(
            f"Cannot compute areas in m²: the data has {what}, which is not in metres (areas "
            "would be in degrees²). Reproject first with to_metric(gdf) (EPSG:25832).",
            message_de=f"Flächen in m² lassen sich nicht berechnen: Die Daten haben {what_de}, "
            "das nicht in Metern misst (Flächen wären in Grad²). Projizieren Sie zuerst mit "
            "to_metric(gdf) nach EPSG:25832 um.",
        )
    return gdf.geometry.area.rename("area_m2")


# --- helpers -------------------------------------------------------------------------------


def _check_gdf(gdf: object, name: str) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise ParameterError(
            f"{name} must be a GeoDataFrame, got {type(gdf).__name__}. Read geodata with "
            "read_geodata or build it with geopandas.GeoDataFrame(..., geometry=..., crs=...).",
            message_de=f"{name} muss ein GeoDataFrame sein, erhalten: {type(gdf).__name__}. "
            "Lesen Sie Geodaten mit read_geodata ein oder erzeugen Sie sie mit "
            "geopandas.GeoDataFrame(..., geometry=..., crs=...).",
        )


def _parse_crs(value: object, argument: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except PyprojCRSError as exc:
        raise CRSError(
            f"{argument}={value!r} is not a valid CRS. Use an EPSG code such as 'EPSG:25832'.",
            message_de=f"{argument}={value!r} ist kein gültiges Koordinatenbezugssystem. "
            "Verwenden Sie einen EPSG-Code wie 'EPSG:25832'.",
        ) from exc


def _check_plausible(gdf: gpd.GeoDataFrame, crs: CRS, name: str) -> None:
    """Geographic CRS assumed but coordinates far beyond ±180/±90 degrees: clearly wrong."""
    if not crs.is_geographic:
        return
    minx, miny, maxx, maxy = gdf.total_bounds
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise CRSError(
            f"{name}: assume_crs={_crs_id(crs)!r} is in degrees, but the coordinates reach "
            f"x={maxx:.0f}, y={maxy:.0f}, so they are in metres. Assume a projected CRS "
            "instead, e.g. 'EPSG:25832' (x about 280000–920000) or 'EPSG:31467' "
            "(x about 3280000–3920000).",
            message_de=f"{name}: assume_crs={_crs_id(crs)!r} misst in Grad, die Koordinaten "
            f"reichen aber bis x={maxx:.0f}, y={maxy:.0f}, sind also in Metern. Nehmen Sie "
            "stattdessen ein projiziertes CRS an, z. B. 'EPSG:25832' (x etwa 280000–920000) "
            "oder 'EPSG:31467' (x etwa 3280000–3920000).",
        )


def _reproject(gdf: gpd.GeoDataFrame, target: CRS, *, name: str,
               purpose: str) -> gpd.GeoDataFrame:
    gdf = ensure_crs(gdf, name=name)  # copies; sets source_crs
    if not _same_crs(gdf.crs, target):
        attrs = dict(gdf.attrs)
        try:
            gdf = gdf.to_crs(target)
        except Exception as exc:  # pyproj raises several types
            raise CRSError(
                f"{name} could not be reprojected from {_crs_label(gdf.crs)} to "
                f"{_crs_label(target)} ({exc}). Check the source CRS.",
                message_de=f"{name} ließ sich nicht von {_crs_label(gdf.crs)} nach "
                f"{_crs_label(target)} umprojizieren ({exc}). Prüfen Sie das Quell-CRS.",
            ) from exc
        gdf.attrs.update(attrs)
    note = crs_note(gdf)
    if purpose == "reference":
        source = gdf.attrs.get("source_crs_wkt") or gdf.attrs["source_crs"]
        if _same_crs(source, gdf.crs):
            note = f"{name}: bereits in {_crs_label(gdf.crs)} wie die Referenz, nicht umprojiziert."
        else:
            note = (f"{name}: Quelle in {_crs_label(source)}, umprojiziert nach "
                    f"{_crs_label(gdf.crs)} wie die Referenz.")
    gdf.attrs["crs_note"] = note
    return gdf


def _layer_names(path: Path) -> list[str]:
    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception:  # the file is unreadable anyway; the caller reports that
        return []


def _crs_id(crs: CRS | str) -> str:
    """'EPSG:31467' if the CRS has an EPSG code, else its name."""
    crs = CRS.from_user_input(crs)
    authority = crs.to_authority(min_confidence=90)
    if authority is not None:
        return f"{authority[0]}:{authority[1]}"
    return crs.name


def _crs_label(crs: CRS | str) -> str:
    """'EPSG:31467 (DHDN / 3-degree Gauss-Kruger zone 3)'; custom CRS: name and parameters."""
    try:
        crs = CRS.from_user_input(crs)
    except PyprojCRSError:
        return str(crs)  # a name kept in attrs["source_crs"] that pyproj cannot parse
    ident = _crs_id(crs)
    if ident != crs.name:
        return f"{ident} ({crs.name})"
    details = _custom_details(crs)
    return f"{crs.name} (ohne EPSG-Code{details})"


def _custom_details(crs: CRS) -> str:
    try:
        params = {p.name: p.value for p in crs.to_2d().coordinate_operation.params}
    except Exception:
        return ""
    easting = params.get("False easting")
    if easting is None:
        return ""
    return ", False Easting " + f"{easting:,.0f}".replace(",", ".") + " m"


def _same_crs(a: CRS | str, b: CRS | str) -> bool:
    try:
        a, b = CRS.from_user_input(a), CRS.from_user_input(b)
    except PyprojCRSError:
        return False
    return a == b or a.to_2d() == b.to_2d()


def _is_metric(crs: CRS) -> bool:
    if not crs.is_projected:
        return False
    units = {axis.unit_name.lower() for axis in crs.to_2d().axis_info}
    return units <= {"metre", "meter", "m"}
