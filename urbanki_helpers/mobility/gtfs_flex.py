"""How real on-demand services are described: GTFS-Flex v2 feeds.

A GTFS-Flex feed says where an on-demand bus (Rufbus) serves (stops grouped into areas,
``location_groups.txt``), when (time windows in ``stop_times.txt``, days in
``calendar.txt``/``calendar_dates.txt``) and how to book it (``booking_rules.txt``). It holds
no ride counts. :func:`read_gtfs_flex` reads a feed folder; :func:`service_overview` and
:func:`service_areas` summarise it per line.

Areas leave out stops far away from all others of the same area (more than ``max_gap_m``,
also via chains of stops): real feeds contain stops matched by name to the wrong place. In the
Uckermark feed, area 488 (Gartz) lists two "Heinrichshof" stop pairs 55 km away (one west of
Angermünde, one in Vorpommern), which would inflate its area from about 150 to 2,500 km².

Both forms of stop groups are read: the draft used by many feeds (``location_groups.txt`` with
``location_id`` = stop, ``stop_times.stop_id`` = group) and the adopted spec
(``location_group_stops.txt`` with ``stop_id``; ``stop_times.location_group_id``).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiPoint

from urbanki_helpers.data.geo import area_m2, to_metric
from urbanki_helpers.data.tables import read_table, require_columns
from urbanki_helpers.errors import DataError, ParameterError

__all__ = ["FlexFeed", "read_gtfs_flex", "service_areas", "service_overview"]

#: Required files with the fields the overview needs and what they describe.
_REQUIRED = {
    "agency.txt": (("agency_id", "agency_name"), "the operator (agency_id, agency_name)"),
    "routes.txt": (("route_id",), "one row per line (route_id, route_short_name)"),
    "trips.txt": (("route_id", "service_id", "trip_id"),
                  "the services of each line (trip_id, route_id, service_id)"),
    "stop_times.txt": (("trip_id", "start_pickup_dropoff_window", "end_pickup_dropoff_window"),
                       "the service time windows (start_pickup_dropoff_window, "
                       "end_pickup_dropoff_window) and the area served (stop_id or "
                       "location_group_id) per trip"),
    "stops.txt": (("stop_id", "stop_lat", "stop_lon"), "the stops with coordinates "
                  "(stop_id, stop_lat, stop_lon)"),
    "booking_rules.txt": (("booking_rule_id",), "how to book (booking_rule_id, "
                          "prior_notice_duration_min, phone_number, info_url)"),
}
_GROUP_FILES = ("location_group_stops.txt", "location_groups.txt")
_CALENDAR_FILES = ("calendar.txt", "calendar_dates.txt")
_NUMERIC = {"stop_lat", "stop_lon", "prior_notice_duration_min", "prior_notice_duration_max",
            "prior_notice_last_day", "prior_notice_start_day", "booking_type", "route_type",
            "stop_sequence", "pickup_type", "drop_off_type", "location_type", "exception_type",
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
DEFAULT_BUFFER_M = 300.0
DEFAULT_MAX_GAP_M = 20_000.0


@dataclass
class FlexFeed:
    """The tables of a GTFS-Flex feed; ids are text.

    ``stops`` is a GeoDataFrame in EPSG:25832. ``location_groups`` has one row per group and
    stop: ``location_group_id``, ``stop_id``, ``location_group_name``. ``stop_times`` has a
    ``location_group_id`` column (empty where a row names a single stop).
    """

    routes: pd.DataFrame
    trips: pd.DataFrame
    stop_times: pd.DataFrame
    stops: gpd.GeoDataFrame
    location_groups: pd.DataFrame
    booking_rules: pd.DataFrame
    calendar: pd.DataFrame
    calendar_dates: pd.DataFrame
    agency: pd.DataFrame


def read_gtfs_flex(folder: str | os.PathLike) -> FlexFeed:
    """Read the GTFS-Flex feed in ``folder`` (unzipped ``.txt`` files)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(
            f"The GTFS-Flex folder {folder} does not exist. Unzip the feed and pass its folder.",
            message_de=f"Den GTFS-Flex-Ordner {folder} gibt es nicht. Entpacken Sie den Feed "
            "und geben Sie seinen Ordner an.",
        )
    tables = {}
    for name, (columns, role) in _REQUIRED.items():
        tables[name] = _read(folder, name, role, columns)
    group_file = next((n for n in _GROUP_FILES if (folder / n).is_file()), None)
    if group_file is None:
        _missing(folder, "location_group_stops.txt or location_groups.txt",
                 "the stops of each on-demand area (location_group_id with stop_id or "
                 "location_id), referenced by stop_times.txt")
    if not any((folder / n).is_file() for n in _CALENDAR_FILES):
        _missing(folder, "calendar.txt or calendar_dates.txt",
                 "the days of each service_id used in trips.txt")
    calendar = (_read(folder, "calendar.txt", "", ("service_id", *_DAYS, "start_date",
                                                    "end_date"))
                if (folder / "calendar.txt").is_file() else _empty("service_id", *_DAYS))
    dates = (_read(folder, "calendar_dates.txt", "", ("service_id", "date", "exception_type"))
             if (folder / "calendar_dates.txt").is_file()
             else _empty("service_id", "date", "exception_type"))
    groups = _location_groups(folder, group_file)
    stops = _stops(tables["stops.txt"], folder)
    stop_times = _stop_times(tables["stop_times.txt"], groups, folder)
    _check_references(folder, tables, stop_times, groups, stops)
    return FlexFeed(routes=tables["routes.txt"], trips=tables["trips.txt"],
                    stop_times=stop_times, stops=stops, location_groups=groups,
                    booking_rules=tables["booking_rules.txt"], calendar=calendar,
                    calendar_dates=dates, agency=tables["agency.txt"])


def service_overview(feed: FlexFeed, *, max_gap_m: float = DEFAULT_MAX_GAP_M) -> pd.DataFrame:
    """One row per line and service (e.g. weekdays, weekends).

    Columns: ``route_id``, ``Linie``, ``Name``, ``Service`` (service_id), ``Tage`` (e.g.
    ``"Mo–Fr"``), ``Bedienzeit von``/``bis`` (``"HH:MM"``), ``Voranmeldung (min)``,
    ``Haltestellen im Gebiet`` (all stops of its location groups), ``Haltestellen abseits``
    (of those, more than ``max_gap_m`` metres from all others), ``Fläche (km²)`` (convex hull
    of the other stops), ``Buchung`` (phone and web address), ``Ausnahmetage`` (entries in
    calendar_dates.txt, e.g. holidays), ``Gültig von``/``bis``.
    """
    _check_feed(feed)
    _check_distance(max_gap_m, "max_gap_m", minimum=1.0)
    routes = feed.routes.set_index("route_id")
    calendar = feed.calendar.set_index("service_id") if len(feed.calendar) else None
    rules = feed.booking_rules.set_index("booking_rule_id")
    exceptions = feed.calendar_dates.groupby("service_id").size()
    rows = []
    for (route_id, service_id), trips in feed.trips.groupby(["route_id", "service_id"],
                                                             sort=False):
        st = feed.stop_times[feed.stop_times["trip_id"].isin(trips["trip_id"])]
        stops = _stops_of(feed, st)
        core, remote = _split_remote(stops, max_gap_m)
        starts = st["start_pickup_dropoff_window"].map(_seconds)
        ends = st["end_pickup_dropoff_window"].map(_seconds)
        rule_ids = _rule_ids(st)
        notice = [rules.at[r, "prior_notice_duration_min"] for r in rule_ids
                  if r in rules.index and "prior_notice_duration_min" in rules.columns]
        cal = calendar.loc[service_id] if calendar is not None and service_id in calendar.index \
            else None
        rows.append({
            "route_id": route_id,
            "Linie": _text(routes, route_id, "route_short_name") or route_id,
            "Name": _text(routes, route_id, "route_long_name"),
            "Service": service_id,
            "Tage": _days(cal),
            "Bedienzeit von": _hhmm(starts.min()),
            "Bedienzeit bis": _hhmm(ends.max()),
            "Voranmeldung (min)": float(np.nanmax(notice)) if notice and
            not np.isnan(notice).all() else np.nan,
            "Haltestellen im Gebiet": len(stops),
            "Haltestellen abseits": len(remote),
            "Fläche (km²)": _hull_km2(core),
            "Buchung": _booking(rules, rule_ids),
            "Ausnahmetage": int(exceptions.get(service_id, 0)),
            "Gültig von": _date(cal, "start_date"),
            "Gültig bis": _date(cal, "end_date"),
        })
    return pd.DataFrame(rows)


def service_areas(feed: FlexFeed, *, buffer_m: float = DEFAULT_BUFFER_M,
                  max_gap_m: float = DEFAULT_MAX_GAP_M) -> gpd.GeoDataFrame:
    """Service area per line: convex hull of its stops, buffered by ``buffer_m`` metres.

    Stops more than ``max_gap_m`` metres from all other stops of the line (also via chains of
    stops) are left out of the area and named in ``Abseits``; a line without located stops
    gets an empty geometry and area NaN. Columns ``route_id``,
    ``Linie``, ``Name``, ``Haltestellen im Gebiet``, ``Haltestellen abseits``, ``Abseits``
    (their names), ``Fläche (km²)`` (of the buffered area) and the geometry, in EPSG:25832.
    """
    _check_feed(feed)
    _check_distance(buffer_m, "buffer_m", minimum=0.0)
    _check_distance(max_gap_m, "max_gap_m", minimum=1.0)
    routes = feed.routes.set_index("route_id")
    rows, geoms = [], []
    for route_id in feed.routes["route_id"]:
        trips = feed.trips.loc[feed.trips["route_id"] == route_id, "trip_id"]
        stops = _stops_of(feed, feed.stop_times[feed.stop_times["trip_id"].isin(trips)])
        core, remote = _split_remote(stops, max_gap_m)
        rows.append({"route_id": route_id,
                     "Linie": _text(routes, route_id, "route_short_name") or route_id,
                     "Name": _text(routes, route_id, "route_long_name"),
                     "Haltestellen im Gebiet": len(stops),
                     "Haltestellen abseits": len(remote),
                     "Abseits": "; ".join(dict.fromkeys(remote.get("stop_name", remote["stop_id"])))})
        geoms.append(MultiPoint(list(core.geometry)).convex_hull.buffer(float(buffer_m))
                     if len(core) else None)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=feed.stops.crs)
    gdf["Fläche (km²)"] = (area_m2(gdf) / 1e6).where(gdf.geometry.notna())
    return gdf[["route_id", "Linie", "Name", "Haltestellen im Gebiet", "Haltestellen abseits",
                "Abseits", "Fläche (km²)", "geometry"]]


# --------------------------------------------------------------------------- reading


def _missing(folder: Path, name: str, role: str) -> None:
    raise DataError(
        f"The GTFS-Flex feed in {folder} lacks {name}: {role}. Check that the folder holds the "
        "whole unzipped feed (GTFS-Flex v2, https://gtfs.org/community/extensions/flex/).",
        message_de=f"Dem GTFS-Flex-Feed in {folder} fehlt {name}: {role}. Prüfen Sie, ob der "
        "Ordner den ganzen entpackten Feed enthält (GTFS-Flex v2, "
        "https://gtfs.org/community/extensions/flex/).",
    )


def _read(folder: Path, name: str, role: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """One GTFS table: ids and times as text, the known numeric fields as numbers."""
    path = folder / name
    if not path.is_file():
        _missing(folder, name, role)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")  # field names are ASCII
    header = [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
    if len(text.strip().splitlines()) < 2:  # header only: a valid, empty table
        frame = _empty(*header)
    else:
        numeric = [h for h in header if h in _NUMERIC]
        frame = read_table(path, sep=",", decimal=".", numeric=numeric,
                           keep_str=[h for h in header if h and h not in _NUMERIC])
    require_columns(frame, columns, name=str(path))
    return frame


def _empty(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})


def _location_groups(folder: Path, name: str) -> pd.DataFrame:
    if name == "location_group_stops.txt":
        members = _read(folder, name, "", ("location_group_id", "stop_id"))
        names = (_read(folder, "location_groups.txt", "", ("location_group_id",))
                 if (folder / "location_groups.txt").is_file() else _empty("location_group_id"))
        if "location_group_name" not in names.columns:
            names["location_group_name"] = pd.Series(dtype="str")
        groups = members.merge(names[["location_group_id", "location_group_name"]],
                               on="location_group_id", how="left")
    else:
        groups = _read(folder, name, "", ("location_group_id", "location_id"))
        groups = groups.rename(columns={"location_id": "stop_id"})
        if "location_group_name" not in groups.columns:
            groups["location_group_name"] = pd.Series(dtype="str")
        # the draft form names a group in its first row only
        groups["location_group_name"] = (groups.groupby("location_group_id")
                                         ["location_group_name"].transform("first"))
    return groups[["location_group_id", "stop_id", "location_group_name"]].reset_index(drop=True)


def _stops(stops: pd.DataFrame, folder: Path) -> gpd.GeoDataFrame:
    has_xy = stops["stop_lat"].notna() & stops["stop_lon"].notna()
    geometry = gpd.points_from_xy(stops["stop_lon"], stops["stop_lat"])
    geometry[~has_xy.to_numpy()] = None
    gdf = gpd.GeoDataFrame(stops, geometry=geometry, crs="EPSG:4326")
    outside = has_xy & ~(stops["stop_lat"].between(-90, 90) & stops["stop_lon"].between(-180, 180))
    if outside.any():
        i = int(np.flatnonzero(outside.to_numpy())[0])
        raise DataError(
            f"{folder / 'stops.txt'}: line {i + 2}: stop_lat/stop_lon "
            f"{stops['stop_lat'].iloc[i]}/{stops['stop_lon'].iloc[i]} are no WGS84 degrees.",
            message_de=f"{folder / 'stops.txt'}: Zeile {i + 2}: stop_lat/stop_lon "
            f"{stops['stop_lat'].iloc[i]}/{stops['stop_lon'].iloc[i]} sind keine "
            "WGS84-Gradangaben.",
        )
    return to_metric(gdf)


def _stop_times(stop_times: pd.DataFrame, groups: pd.DataFrame, folder: Path) -> pd.DataFrame:
    st = stop_times.copy()
    known = set(groups["location_group_id"])
    if "location_group_id" not in st.columns:
        if "stop_id" not in st.columns:
            raise DataError(
                f"{folder / 'stop_times.txt'} has neither location_group_id nor stop_id, so the "
                "area served is unknown.",
                message_de=f"{folder / 'stop_times.txt'} hat weder location_group_id noch "
                "stop_id; das bediente Gebiet ist unbekannt.",
            )
        st["location_group_id"] = st["stop_id"].where(st["stop_id"].isin(known))
    return st


def _check_references(folder: Path, tables: dict, stop_times: pd.DataFrame,
                      groups: pd.DataFrame, stops: gpd.GeoDataFrame) -> None:
    checks = [
        ("trips.txt", "route_id", tables["trips.txt"]["route_id"],
         tables["routes.txt"]["route_id"], "routes.txt"),
        ("stop_times.txt", "trip_id", stop_times["trip_id"], tables["trips.txt"]["trip_id"],
         "trips.txt"),
        ("location groups", "stop_id", groups["stop_id"], stops["stop_id"], "stops.txt"),
    ]
    for file, column, values, targets, target_file in checks:
        bad = values[values.notna() & ~values.isin(set(targets))]
        if len(bad):
            raise DataError(
                f"{folder / file}: {column} {bad.iloc[0]!r} (and {len(bad) - 1} more) is not in "
                f"{target_file}. The feed is incomplete or its files do not belong together.",
                message_de=f"{folder / file}: {column} {bad.iloc[0]!r} (und {len(bad) - 1} "
                f"weitere) fehlt in {target_file}. Der Feed ist unvollständig oder seine "
                "Dateien gehören nicht zusammen.",
            )


# --------------------------------------------------------------------------- summaries


def _check_feed(feed: object) -> None:
    if not isinstance(feed, FlexFeed):
        raise ParameterError(
            f"feed must be a FlexFeed from read_gtfs_flex(folder), got {type(feed).__name__}.",
            message_de=f"feed muss ein FlexFeed aus read_gtfs_flex(ordner) sein, erhalten: "
            f"{type(feed).__name__}.",
        )


def _stops_of(feed: FlexFeed, stop_times: pd.DataFrame) -> gpd.GeoDataFrame:
    """Distinct stops served by ``stop_times`` rows (via their group, else their stop)."""
    group_ids = set(stop_times["location_group_id"].dropna())
    ids = set(feed.location_groups.loc[feed.location_groups["location_group_id"].isin(group_ids),
                                       "stop_id"])
    if "stop_id" in stop_times.columns:
        ids |= set(stop_times.loc[stop_times["location_group_id"].isna(), "stop_id"].dropna())
    stops = feed.stops[feed.stops["stop_id"].isin(ids)]
    return stops.drop_duplicates("stop_id")


def _split_remote(stops: gpd.GeoDataFrame,
                  max_gap_m: float) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Split stops into the largest cluster (links of at most ``max_gap_m``) and the rest."""
    located = stops[stops.geometry.notna() & ~stops.geometry.is_empty]
    if len(located) < 2:
        return located, stops.iloc[:0]
    # discs of radius max_gap_m / 2 touch exactly when two stops are at most max_gap_m apart
    blobs = gpd.GeoSeries(located.geometry.buffer(max_gap_m / 2, quad_segs=4).union_all(),
                          crs=stops.crs).explode(index_parts=False)
    blobs = gpd.GeoDataFrame(geometry=blobs.reset_index(drop=True), crs=stops.crs)
    hits = gpd.sjoin(located[["geometry"]], blobs, predicate="within", how="left")
    cluster = hits["index_right"].groupby(level=0).first()
    main = cluster.value_counts().idxmax()
    keep = cluster == main
    return located[keep.to_numpy()], located[~keep.to_numpy()]


def _check_distance(value: object, name: str, *, minimum: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= minimum:
        raise ParameterError(
            f"{name} must be a distance in metres of at least {minimum:g}, got {value!r}.",
            message_de=f"{name} muss ein Abstand in Metern ab {minimum:g} sein, erhalten: "
            f"{value!r}.",
        )


def _rule_ids(stop_times: pd.DataFrame) -> list[str]:
    ids: list[str] = []
    for col in ("pickup_booking_rule_id", "drop_off_booking_rule_id"):
        if col in stop_times.columns:
            ids += [r for r in stop_times[col].dropna() if r not in ids]
    return ids


def _seconds(value: object) -> float:
    """GTFS time 'H:MM:SS' (may exceed 24:00) in seconds after midnight; NaN if empty."""
    if not isinstance(value, str) or not value.strip():
        return np.nan
    h, m, s = (int(x) for x in value.strip().split(":"))
    return h * 3600 + m * 60 + s


def _hhmm(seconds: float) -> str:
    if pd.isna(seconds):
        return ""
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _days(cal: pd.Series | None) -> str:
    """Calendar flags as German weekday ranges: 'Mo–Fr', 'Sa–So', 'Mo, Mi–Fr'."""
    if cal is None:
        return "nur Einzeltage (calendar_dates.txt)"
    active = [i for i, day in enumerate(_DAYS) if cal.get(day) == 1]
    if not active:
        return "keine Wochentage"
    runs: list[list[int]] = []
    for i in active:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(_DAY_DE[r[0]] if len(r) == 1 else f"{_DAY_DE[r[0]]}–{_DAY_DE[r[-1]]}"
                     for r in runs)


def _date(cal: pd.Series | None, column: str) -> str:
    value = cal.get(column) if cal is not None else None
    if not isinstance(value, str) or len(value) != 8:
        return ""
    return f"{value[6:8]}.{value[4:6]}.{value[:4]}"


def _hull_km2(stops: gpd.GeoDataFrame) -> float:
    points = [g for g in stops.geometry if g is not None and not g.is_empty]
    if len(points) < 3:
        return 0.0
    return MultiPoint(points).convex_hull.area / 1e6


def _booking(rules: pd.DataFrame, rule_ids: list[str]) -> str:
    parts: list[str] = []
    for r in rule_ids:
        if r not in rules.index:
            continue
        for col in ("phone_number", "info_url", "booking_url"):
            value = rules.at[r, col] if col in rules.columns else None
            if isinstance(value, str) and value.strip() and value.strip() not in parts:
                parts.append(value.strip())
    return " · ".join(parts)


def _text(table: pd.DataFrame, key: str, column: str) -> str:
    if column not in table.columns:
        return ""
    value = table.at[key, column]
    return value if isinstance(value, str) else ""
