"""Solar potential per roof from the building footprint and the roof form: a first estimate
of usable area, peak power (kWp) and annual yield, and the minimum the NRW solar obligation asks.

Roof faces are derived from the footprint alone (no laser scan, no 3-D model):

- The orientation comes from the footprint's minimum rotated rectangle (shapely
  ``minimum_rotated_rectangle``): the ridge runs along its longer side. In EPSG:25832 the map
  grid deviates from true north by at most about 2° in NRW (meridian convergence), which is
  ignored.
- ``sattel`` (gable): two faces, azimuths perpendicular to the ridge, each with half the
  footprint in plan; face area = plan area / cos(tilt).
- ``walm`` (hipped): two trapezoids along the long sides and two triangles at the short ends,
  all with the same pitch, so the hips run at 45° in plan: each triangle covers W²/4 of the
  L × W rectangle (scaled to the real footprint area).
- ``pult`` (mono-pitch): one face; which side is high is not in the footprint, so the face is
  assumed to point to the sunnier of the two sides of the long axis (check on site).
- ``flach`` (flat): modules on racks tilted ``flat_module_tilt_deg`` towards south in rows
  with spacing; the module area is ``flat_usable_share`` of the roof area.
- Other roof forms are treated as gable roofs (with a note in ``attrs["notes"]``).

Following § 2 (4) SAN-VO NRW, faces pointing north — between east-north-east (67.5°) and
west-north-west (292.5°) through north, boundaries included — do not count as usable (nor as
net roof area). Of the other pitched faces ``pitched_usable_share`` is usable: edge distances,
chimneys, roof windows and dormers take the rest.

Power and yield: ``kwp_per_m2`` kWp per m² of module area (default 0.20: a module of about
1.9 m² with 400 Wp gives 0.21 kWp/m², rounded down for gaps), annual yield = kWp ×
``specific_yield_kwh_per_kwp`` × orientation factor. The default specific yield of
900 kWh/kWp/a is the flat rate the Energieatlas NRW (LANUK) uses for the yield of roof
systems in NRW (https://www.energieatlas.nrw.de/site/c1_Standorte_Dach); applied here to the
best orientation, it is a cautious value (south-facing roofs in NRW often reach 950 or more).
The orientation factor (share of the yield of a south-facing 30–40° roof) is interpolated in
:data:`ORIENTATION_FACTORS`, rounded typical values of published orientation/tilt tables for
German sites (south 30–40° = 1.00; east or west at 25–40° about 0.8; flat modules 0.87).
Real planning uses the site's irradiation (e.g. PVGIS or the Solarkataster NRW) and the real
roof (laser scan), shading and statics.

SAN-VO NRW § 4: new buildings need modules on at least 30 % of the gross roof area
(Bruttodachfläche), complete roof renewals on at least 30 % of the net roof area
(Nettodachfläche: gross minus north faces, shading, structures, windows, other uses); for
renewals a minimum power (3 kWp up to two dwellings, 4 kWp for 3–5, 8 kWp for 6–10 dwellings
and non-residential buildings) is an alternative
(https://recht.nrw.de, SGV. NRW. 232, SAN-VO NRW §§ 2 and 4). The net area here only leaves
out the north faces; what shading or roof windows take is not known from a footprint.

Units: areas in m², angles in degrees (azimuth clockwise from north), power in kWp, yield in
kWh per year.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from pyproj import CRS

from urbanki_helpers.data.geo import ensure_crs, to_metric
from urbanki_helpers.errors import CRSError, DataError, ParameterError

__all__ = [
    "ORIENTATION_FACTORS",
    "ROOF_FORMS",
    "PotentialAssumptions",
    "compass_name",
    "is_north",
    "orientation_factor",
    "potential_map",
    "roof_faces",
    "solar_potential",
]

ROOF_FORMS = ("sattel", "walm", "pult", "flach")
NORTH_FROM_DEG = 292.5  # west-north-west
NORTH_TO_DEG = 67.5  # east-north-east

#: Yield relative to a south-facing roof at 30–40° (rounded typical values for Germany): rows
#: are the tilt (deg), columns the deviation of the azimuth from south (deg, east or west).
#: Beyond 90° (towards north) the values are rougher; such faces are mostly excluded anyway.
ORIENTATION_FACTORS = pd.DataFrame(
    [[0.87, 0.87, 0.87, 0.87, 0.87, 0.87, 0.87],
     [0.93, 0.92, 0.91, 0.88, 0.85, 0.82, 0.81],
     [0.97, 0.96, 0.92, 0.86, 0.80, 0.75, 0.73],
     [1.00, 0.97, 0.91, 0.83, 0.74, 0.67, 0.64],
     [1.00, 0.97, 0.90, 0.79, 0.68, 0.58, 0.55],
     [0.98, 0.95, 0.87, 0.75, 0.62, 0.51, 0.47],
     [0.94, 0.91, 0.83, 0.70, 0.56, 0.45, 0.40],
     [0.69, 0.67, 0.60, 0.48, 0.36, 0.27, 0.23]],
    index=pd.Index([0, 10, 20, 30, 40, 50, 60, 90], name="neigung_deg"),
    columns=pd.Index([0, 30, 60, 90, 120, 150, 180], name="abweichung_von_sued_deg"),
)

_COMPASS = ("Nord", "Nordost", "Ost", "Südost", "Süd", "Südwest", "West", "Nordwest")


@dataclass(frozen=True)
class PotentialAssumptions:
    """The assumptions of the potential estimate (see the module docstring for sources).

    ``pitch_deg``: roof pitch by roof form (deg), default gable 40 (typical 35–45), hipped 35,
    mono-pitch 15; ``flat_module_tilt_deg``: module tilt on flat roofs (15); ``flat_usable_share``:
    module area per flat roof area (0.6: edge distance and row spacing so that rows hardly
    shade each other); ``flat_row_loss``: yield lost to the remaining mutual shading of rows
    (0.05); ``pitched_usable_share``: usable share of a pitched face that is not north-facing
    (0.75); ``kwp_per_m2``: peak power per m² of module area (0.20);
    ``specific_yield_kwh_per_kwp``: annual yield of 1 kWp at the best orientation (900);
    ``min_face_m2``: faces with less usable area are not counted (5 m², about 1 kWp).
    """

    pitch_gable_deg: float = 40.0
    pitch_hipped_deg: float = 35.0
    pitch_mono_deg: float = 15.0
    flat_module_tilt_deg: float = 15.0
    flat_usable_share: float = 0.6
    flat_row_loss: float = 0.05
    pitched_usable_share: float = 0.75
    kwp_per_m2: float = 0.20
    specific_yield_kwh_per_kwp: float = 900.0
    min_face_m2: float = 5.0

    def __post_init__(self) -> None:
        limits = {"pitch_gable_deg": (1, 75), "pitch_hipped_deg": (1, 75),
                  "pitch_mono_deg": (1, 75), "flat_module_tilt_deg": (0, 45),
                  "flat_usable_share": (0, 1), "flat_row_loss": (0, 0.5),
                  "pitched_usable_share": (0, 1), "kwp_per_m2": (0.05, 0.4),
                  "specific_yield_kwh_per_kwp": (300, 2000), "min_face_m2": (0, 1000)}
        for f in fields(self):
            value = getattr(self, f.name)
            low, high = limits[f.name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or not low <= value <= high:
                raise ParameterError(
                    f"{f.name} must be a number from {low} to {high}, got {value!r}.",
                    message_de=f"{f.name} muss eine Zahl von {low} bis {high} sein, nicht "
                    f"{value!r}.")

    def pitch(self, form: str) -> float:
        """Assumed pitch (deg) of a roof form; flat roofs: the module tilt."""
        return {"sattel": self.pitch_gable_deg, "walm": self.pitch_hipped_deg,
                "pult": self.pitch_mono_deg, "flach": self.flat_module_tilt_deg}.get(
                    form, self.pitch_gable_deg)

    def table(self) -> pd.DataFrame:
        """The assumptions as a table (``annahme``, ``wert``)."""
        values = asdict(self)
        return pd.DataFrame({"annahme": list(values), "wert": list(values.values())})


# --- orientation ----------------------------------------------------------------------------


def is_north(azimuth_deg) -> np.ndarray | bool:
    """True for azimuths (deg, clockwise from north) between west-north-west (292.5°) and
    east-north-east (67.5°) through north, boundaries included (§ 2 (4) SAN-VO NRW)."""
    a = np.mod(np.asarray(azimuth_deg, dtype=float), 360.0)
    out = (a >= NORTH_FROM_DEG) | (a <= NORTH_TO_DEG)
    return bool(out) if out.ndim == 0 else out


def compass_name(azimuth_deg: float) -> str:
    """German name of the nearest of the eight compass directions (Nord, Nordost, …)."""
    a = float(np.mod(azimuth_deg, 360.0))
    return _COMPASS[int(((a + 22.5) % 360) // 45)]


def orientation_factor(azimuth_deg, tilt_deg) -> np.ndarray | float:
    """Yield relative to the best orientation (0–1), bilinear in :data:`ORIENTATION_FACTORS`
    over the tilt (deg, 0–90) and the deviation of the azimuth from south (deg, 0–180)."""
    azimuth = np.asarray(azimuth_deg, dtype=float)
    tilt = np.asarray(tilt_deg, dtype=float)
    if np.any(~np.isfinite(tilt)) or np.any((tilt < 0) | (tilt > 90)):
        raise ParameterError(
            f"The tilt must be between 0 and 90 degrees, got {tilt_deg!r}.",
            message_de=f"Die Neigung muss zwischen 0 und 90 Grad liegen, nicht {tilt_deg!r}.")
    deviation = np.abs(np.mod(azimuth - 180.0 + 180.0, 360.0) - 180.0)
    tilts = ORIENTATION_FACTORS.index.to_numpy(dtype=float)
    devs = ORIENTATION_FACTORS.columns.to_numpy(dtype=float)
    table = ORIENTATION_FACTORS.to_numpy()
    t, d = np.broadcast_arrays(tilt, deviation)
    i = np.clip(np.searchsorted(tilts, t, side="right") - 1, 0, len(tilts) - 2)
    j = np.clip(np.searchsorted(devs, d, side="right") - 1, 0, len(devs) - 2)
    ft = (t - tilts[i]) / (tilts[i + 1] - tilts[i])
    fd = (d - devs[j]) / (devs[j + 1] - devs[j])
    value = (table[i, j] * (1 - ft) * (1 - fd) + table[i + 1, j] * ft * (1 - fd)
             + table[i, j + 1] * (1 - ft) * fd + table[i + 1, j + 1] * ft * fd)
    return float(value) if value.ndim == 0 else value


def _long_axis_bearing(geometry) -> float:
    """Bearing (deg, 0–180, clockwise from north) of the longer side of the minimum rotated
    rectangle; for a square the first side."""
    rect = shapely.minimum_rotated_rectangle(geometry)
    coords = np.asarray(rect.exterior.coords)
    if len(coords) < 4:  # degenerate (a line or a point)
        return 90.0
    edges = np.diff(coords[:3], axis=0)
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    dx, dy = edges[int(np.argmax(lengths))] if lengths[0] != lengths[1] else edges[0]
    return float(np.degrees(np.arctan2(dx, dy)) % 180.0)


def _rect_sides(geometry) -> tuple[float, float]:
    rect = shapely.minimum_rotated_rectangle(geometry)
    coords = np.asarray(rect.exterior.coords)
    if len(coords) < 4:
        return 0.0, 0.0
    edges = np.diff(coords[:3], axis=0)
    a, b = np.hypot(edges[:, 0], edges[:, 1])
    return float(max(a, b)), float(min(a, b))


# --- faces and potential --------------------------------------------------------------------


def roof_faces(buildings: gpd.GeoDataFrame, *, id_column: str = "gebaeude_id",
               form_column: str = "dachform", ridge_column: str | None = None,
               assumptions: PotentialAssumptions | None = None) -> pd.DataFrame:
    """One row per roof face: ``id_column``, ``dachform``, ``flaeche_nr`` (1, 2, …),
    ``azimut_deg``, ``richtung`` (German compass name), ``neigung_deg``, ``grundriss_m2`` (plan
    area), ``dachflaeche_m2`` (inclined area; flat roofs: the roof area), ``nord`` (north face
    after SAN-VO), ``nutzbar_anteil``, ``nutzbare_flaeche_m2`` (module area), ``kwp``,
    ``ertragsfaktor`` and ``ertrag_kwh_a``. ``ridge_column``: optional column with the ridge
    direction (deg, clockwise from north, e.g. from LoD2 building models), used instead of the
    long side of the footprint where it is given. Buildings in a geographic CRS are
    reprojected to EPSG:25832; ``attrs["notes"]`` lists German notes (unknown roof forms,
    reprojection)."""
    a = PotentialAssumptions() if assumptions is None else assumptions
    if not isinstance(a, PotentialAssumptions):
        raise ParameterError(
            f"assumptions must be a PotentialAssumptions, got {type(a).__name__}.",
            message_de=f"assumptions muss ein PotentialAssumptions sein, nicht "
            f"{type(a).__name__}.")
    gdf, notes = _metric_buildings(buildings, id_column, form_column)
    if ridge_column is not None and ridge_column not in gdf.columns:
        raise DataError(
            f"The buildings have no column {ridge_column!r} (ridge direction).",
            message_de=f"Die Gebäude haben keine Spalte {ridge_column!r} (Firstrichtung).")
    ridges = (pd.to_numeric(gdf[ridge_column], errors="coerce") if ridge_column
              else pd.Series(np.nan, index=gdf.index))
    rows = []
    unknown: set[str] = set()
    for building_id, form, geom, ridge in zip(gdf[id_column], gdf[form_column], gdf.geometry,
                                              ridges, strict=True):
        if geom is None or geom.is_empty:
            continue
        form = str(form).strip().lower() if isinstance(form, str) else ""
        if form not in ROOF_FORMS:
            unknown.add(form or "(leer)")
        ridge = float(ridge) % 180.0 if np.isfinite(ridge) else None
        for k, (azimuth, tilt, plan) in enumerate(_faces(geom, form, a, ridge), start=1):
            rows.append(_face_row(building_id, form, k, azimuth, tilt, plan, a))
    if unknown:
        notes.append(f"Unbekannte Dachform(en) {', '.join(sorted(unknown))}: als Satteldach "
                     "gerechnet.")
    columns = ["_id", "dachform", "flaeche_nr", "azimut_deg", "richtung", "neigung_deg",
               "grundriss_m2", "dachflaeche_m2", "nord", "nutzbar_anteil",
               "nutzbare_flaeche_m2", "kwp", "ertragsfaktor", "ertrag_kwh_a"]
    table = pd.DataFrame(rows, columns=columns).rename(columns={"_id": id_column})
    table.attrs["notes"] = notes
    return table


def _faces(geom, form: str, a: PotentialAssumptions, ridge: float | None = None
           ) -> list[tuple[float, float, float]]:
    """(azimuth, tilt, plan area) of every face of one footprint; ``ridge`` (deg) overrides
    the long axis of the minimum rotated rectangle."""
    area = float(geom.area)
    if ridge is None:
        ridge = _long_axis_bearing(geom)
    left, right = (ridge - 90.0) % 360.0, (ridge + 90.0) % 360.0
    if form == "flach":
        return [(180.0, a.flat_module_tilt_deg, area)]
    if form == "pult":
        best = max((left, right), key=lambda az: orientation_factor(az, a.pitch_mono_deg))
        return [(best, a.pitch_mono_deg, area)]
    if form == "walm":
        length, width = _rect_sides(geom)
        rect_area = length * width
        triangle = (width * width / 4) * (area / rect_area) if rect_area > 0 else 0.0
        side = area / 2 - triangle
        tilt = a.pitch_hipped_deg
        return [(left, tilt, side), (right, tilt, side),
                (ridge % 360.0, tilt, triangle), ((ridge + 180.0) % 360.0, tilt, triangle)]
    tilt = a.pitch_gable_deg
    return [(left, tilt, area / 2), (right, tilt, area / 2)]


def _face_row(building_id, form: str, k: int, azimuth: float, tilt: float, plan: float,
              a: PotentialAssumptions) -> dict:
    flat = form == "flach"
    if flat:
        roof = plan
        north = False
        share = a.flat_usable_share
        factor = orientation_factor(azimuth, tilt) * (1 - a.flat_row_loss)
    else:
        roof = plan / math.cos(math.radians(tilt))
        north = bool(is_north(azimuth))
        share = 0.0 if north else a.pitched_usable_share
        factor = orientation_factor(azimuth, tilt)
    usable = roof * share
    if usable < a.min_face_m2:
        usable, share = 0.0, 0.0
    kwp = usable * a.kwp_per_m2
    return {
        "_id": building_id, "dachform": form, "flaeche_nr": k,
        "azimut_deg": round(azimuth, 1), "richtung": compass_name(azimuth),
        "neigung_deg": tilt, "grundriss_m2": plan, "dachflaeche_m2": roof, "nord": north,
        "nutzbar_anteil": share, "nutzbare_flaeche_m2": usable, "kwp": kwp,
        "ertragsfaktor": factor, "ertrag_kwh_a": kwp * a.specific_yield_kwh_per_kwp * factor,
    }


def solar_potential(buildings: gpd.GeoDataFrame, *, id_column: str = "gebaeude_id",
                    form_column: str = "dachform", ridge_column: str | None = None,
                    assumptions: PotentialAssumptions | None = None) -> gpd.GeoDataFrame:
    """Solar potential per building: the buildings (reprojected to EPSG:25832 if needed) with
    ``n_flaechen`` (roof faces), ``n_flaechen_nutzbar``, ``dachflaeche_brutto_m2`` (all faces,
    inclined), ``dachflaeche_netto_m2`` (without north faces), ``nutzbare_flaeche_m2``
    (module area), ``kwp``, ``ertrag_kwh_a``, ``ausrichtung`` (German text, e.g. "Süd" or
    "Ost / West"), ``sanvo_min_neubau_m2`` (30 % of the gross roof area) and
    ``sanvo_min_dacherneuerung_m2`` (30 % of the net roof area; shading and roof windows not
    deducted). See :func:`roof_faces` for the faces and the module docstring for the
    assumptions."""
    a = PotentialAssumptions() if assumptions is None else assumptions
    faces = roof_faces(buildings, id_column=id_column, form_column=form_column,
                       ridge_column=ridge_column, assumptions=a)
    gdf, _ = _metric_buildings(buildings, id_column, form_column)
    notes = faces.attrs.get("notes", [])
    faces = faces.rename(columns={id_column: "_id"})
    grouped = faces.groupby("_id", sort=False)
    usable = faces[faces["nutzbare_flaeche_m2"] > 0]
    summary = pd.DataFrame({
        "n_flaechen": grouped.size(),
        "n_flaechen_nutzbar": usable.groupby("_id").size(),
        "dachflaeche_brutto_m2": grouped["dachflaeche_m2"].sum(),
        "dachflaeche_netto_m2": faces[~faces["nord"]].groupby("_id")["dachflaeche_m2"].sum(),
        "nutzbare_flaeche_m2": grouped["nutzbare_flaeche_m2"].sum(),
        "kwp": grouped["kwp"].sum(),
        "ertrag_kwh_a": grouped["ertrag_kwh_a"].sum(),
        "ausrichtung": grouped.apply(_orientation_text, include_groups=False),
    })
    for column in ("n_flaechen", "n_flaechen_nutzbar"):
        summary[column] = summary[column].fillna(0).astype(int)
    for column in ("dachflaeche_netto_m2",):
        summary[column] = summary[column].fillna(0.0)
    summary["sanvo_min_neubau_m2"] = 0.3 * summary["dachflaeche_brutto_m2"]
    summary["sanvo_min_dacherneuerung_m2"] = 0.3 * summary["dachflaeche_netto_m2"]
    out = gdf.join(summary, on=id_column)
    numeric = [c for c in summary.columns if c != "ausrichtung"]
    out[numeric] = out[numeric].fillna(0)
    out["ausrichtung"] = out["ausrichtung"].fillna("")
    out.attrs["notes"] = notes
    out.attrs["assumptions"] = asdict(a)
    return out


def _orientation_text(faces: pd.DataFrame) -> str:
    if (faces["dachform"] == "flach").all():
        tilt = faces["neigung_deg"].iloc[0]
        return f"Flachdach (Module nach Süden, {tilt:g}°)"
    usable = faces[faces["nutzbare_flaeche_m2"] > 0]
    if usable.empty:
        return "keine nutzbare Fläche (nur Nordseiten oder zu klein)"
    ordered = usable.sort_values(["ertragsfaktor", "azimut_deg"], ascending=[False, True])
    names = list(dict.fromkeys(ordered["richtung"]))
    return " / ".join(names)


def _metric_buildings(buildings, id_column: str, form_column: str
                      ) -> tuple[gpd.GeoDataFrame, list[str]]:
    if not isinstance(buildings, gpd.GeoDataFrame):
        raise ParameterError(
            f"buildings must be a GeoDataFrame, got {type(buildings).__name__}.",
            message_de=f"buildings muss ein GeoDataFrame sein, nicht "
            f"{type(buildings).__name__}. Lesen Sie die Gebäude mit read_geodata ein.")
    missing = [c for c in (id_column, form_column) if c not in buildings.columns]
    if missing:
        listed = ", ".join(str(c) for c in buildings.columns if c != buildings.geometry.name)
        raise DataError(
            f"The buildings lack the column(s) {', '.join(missing)}; columns: {listed}.",
            message_de=f"Den Gebäuden fehlen die Spalte(n) {', '.join(missing)}; vorhanden: "
            f"{listed}. Die Dachform (sattel, walm, pult, flach) steht in ALKIS im Attribut "
            "„Dachform“.")
    if buildings[id_column].isna().any() or buildings[id_column].duplicated().any():
        raise DataError(
            f"The id column {id_column!r} must be unique and complete.",
            message_de=f"Die Kennungsspalte {id_column!r} muss eindeutig und vollständig sein.")
    notes: list[str] = []
    gdf = ensure_crs(buildings, name="Die Gebäude")
    crs = CRS.from_user_input(gdf.crs)
    units = {axis.unit_name.lower() for axis in crs.to_2d().axis_info}
    if not crs.is_projected or not units <= {"metre", "meter", "m"}:
        gdf = to_metric(gdf)
        notes.append(gdf.attrs.get("crs_note", "Die Gebäude wurden nach EPSG:25832 "
                                   "umprojiziert."))
    if gdf.crs is None:  # pragma: no cover - ensure_crs raises before
        raise CRSError("The buildings have no CRS.", message_de="Die Gebäude haben kein CRS.")
    return gdf, notes


# --- map ------------------------------------------------------------------------------------


def potential_map(buildings_with_potential: gpd.GeoDataFrame, *, column: str = "ertrag_kwh_a",
                  title: str = "Solarpotenzial je Gebäude (Schätzung)", label: str = "Stromertrag (kWh pro Jahr)",
                  attribution: str = "Daten: synthetisch (fiktive Musterstadt), CC0",
                  parcels: gpd.GeoDataFrame | None = None, cmap: str = "YlOrRd",
                  figsize: tuple[float, float] = (7.5, 7.0)) -> Figure:
    """Map of the buildings coloured by ``column`` of :func:`solar_potential` (default the
    annual yield), optionally over the parcels, with scale bar, north arrow and attribution."""
    from urbanki_helpers.plotting import finish_map, map_axes

    gdf = buildings_with_potential
    if not isinstance(gdf, gpd.GeoDataFrame) or column not in gdf.columns:
        raise DataError(
            f"potential_map needs a GeoDataFrame with the column {column!r} (from "
            "solar_potential).",
            message_de=f"potential_map braucht ein GeoDataFrame mit der Spalte {column!r} "
            "(aus solar_potential).")
    gdf = ensure_crs(gdf, name="Die Gebäude")
    if not CRS.from_user_input(gdf.crs).is_projected:
        gdf = to_metric(gdf)
    fig, ax = map_axes(figsize)
    if parcels is not None:
        parcels.to_crs(gdf.crs).plot(ax=ax, facecolor="#f2f2f2", edgecolor="#bbbbbb",
                                     linewidth=0.4)
    values = pd.to_numeric(gdf[column], errors="coerce")
    gdf.assign(_v=values).plot(column="_v", ax=ax, cmap=cmap, edgecolor="black",
                               linewidth=0.3, legend=True,
                               legend_kwds={"label": label, "shrink": 0.7},
                               missing_kwds={"color": "white", "edgecolor": "grey"})
    finish_map(ax, title=title, attribution=attribution)
    return fig
