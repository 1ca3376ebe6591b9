"""Hourly count series in one tidy form, ready for demand forecasting.

Three sources deliver the same :class:`CountData`: the synthetic on-demand bus of
"Musterland" (:func:`load_musterland`), the real bicycle counters of Baden-Württemberg 2024
(:func:`load_fahrradzaehler_bw`) and any CSV file a user brings (:func:`load_count_csv`).

Times are local wall-clock times (Europe/Berlin) without time zone, at the start of the hour.
In spring the hour 02:00 does not exist on the day clocks go forward; in autumn 02:00 occurs
twice and its rows are merged into one (counts summed, weather averaged). Missing counts stay
NaN and are never replaced by 0. Everything that was found and done is counted in
``CountData.report``; ``report["notes_de"]`` says it in German sentences.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from urbanki_helpers.data.catalog import Catalog, dataset_file, load_catalog
from urbanki_helpers.data.geo import read_geodata, to_metric
from urbanki_helpers.data.tables import MISSING_TOKENS, read_table, require_columns
from urbanki_helpers.errors import DataError, ParameterError, TableFormatError

__all__ = [
    "TIMEZONE",
    "WEATHER_COLUMNS",
    "CountData",
    "complete_hours",
    "fahrradzaehler_bw_sites",
    "load_count_csv",
    "load_fahrradzaehler_bw",
    "load_musterland",
]

TIMEZONE = "Europe/Berlin"
WEATHER_COLUMNS = ("temperatur_c", "niederschlag_mm")  # °C, mm per hour

MUSTERLAND_ID = "musterland_rufbus"
BW_ID = "fahrradzaehler_bw"
BW_YEAR = 2024
_BW_FILE = "fahrradzaehler_stundenwerte_{year}{month:02d}.csv.gz"
_BW_NUMERIC = {"channels_all": "anzahl", "site_temperature": "temperatur_c",
               "site_rain_accumulation": "niederschlag_mm"}
_BW_SITE = ("counter_site_id", "counter_site", "domain_name", "longitude", "latitude")
_BW_COLUMNS = (*_BW_SITE, "iso_timestamp", *_BW_NUMERIC)

MAX_BAD_TIME_SHARE = 0.05  # more unusable times than this: the time format is probably wrong
_N_EXAMPLES = 3


@dataclass
class CountData:
    """Hourly counts per group in tidy form.

    ``counts``: one row per group and hour with ``zeit`` (datetime64[ns], local wall-clock time
    Europe/Berlin without time zone, start of the hour), ``gruppe`` (str), ``anzahl`` (float,
    NaN = missing) and the weather columns (``temperatur_c`` in °C, ``niederschlag_mm`` in mm
    per hour). ``groups``: one row per ``gruppe`` with ``name`` and attributes; a GeoDataFrame
    in EPSG:25832 where locations are known. ``source``: ``"musterland"``,
    ``"fahrradzaehler_bw"`` or ``"csv"``. ``attribution``: text to show with every result.
    ``report``: what was found in the data and how it was handled, with numbers.
    """

    counts: pd.DataFrame
    groups: pd.DataFrame
    source: str
    attribution: str
    report: dict = field(default_factory=dict)
    weather_columns: tuple[str, ...] = ()


# --------------------------------------------------------------------------- Musterland


def load_musterland(*, catalog: Catalog | None = None) -> CountData:
    """Hourly ride requests per zone of the synthetic Musterland on-demand bus.

    ``gruppe`` is the zone id, ``anzahl`` the number of requests in the hour; the hourly
    weather is joined by hour. ``groups`` holds every zone (GeoDataFrame, EPSG:25832),
    including zones not (yet) served, which have no count rows (``betrieb_seit`` empty).
    """
    catalog = catalog if catalog is not None else load_catalog()
    ds = catalog[MUSTERLAND_ID]
    paths = [dataset_file(ds, name, catalog=catalog)
             for name in ("zonen.geojson", "anfragen_stunde.csv.gz", "wetter_stunde.csv")]
    return _load_musterland_files(*paths, attribution=ds.attribution)


def _load_musterland_files(zones_path: str | os.PathLike, counts_path: str | os.PathLike,
                           weather_path: str | os.PathLike, *, attribution: str) -> CountData:
    zones = read_geodata(zones_path)  # EPSG:25832
    require_columns(zones, ["zone_id"], name=str(zones_path))
    zones = zones.copy()
    zones.insert(0, "gruppe", _id_text(zones["zone_id"]))
    if "name" not in zones.columns:
        zones["name"] = zones["gruppe"]
    if "betrieb_seit" in zones.columns:
        since = zones["betrieb_seit"]
        if pd.api.types.is_datetime64_any_dtype(since):
            since = since.dt.tz_localize(None) if since.dt.tz is not None else since
        else:
            text = _as_text(since)
            text = text.where(~text.isin(["None", "nan", "NaT"]))
            since = pd.to_datetime(text, format="ISO8601", errors="coerce")
            bad = since.isna() & text.notna()
            if bad.any():
                raise DataError(
                    f"{zones_path}: betrieb_seit {text[bad].iloc[0]!r} is no ISO date "
                    "(YYYY-MM-DD); leave it empty for zones not served.",
                    message_de=f"{zones_path}: betrieb_seit {text[bad].iloc[0]!r} ist kein "
                    "Datum im Format JJJJ-MM-TT; für nicht bediente Zonen bleibt es leer.",
                )
        zones["betrieb_seit"] = since.astype("datetime64[ns]")
    if zones["gruppe"].duplicated().any():
        dup = zones.loc[zones["gruppe"].duplicated(), "gruppe"].iloc[0]
        raise DataError(
            f"{zones_path}: zone_id {dup!r} occurs more than once; every zone needs its own id.",
            message_de=f"{zones_path}: Die zone_id {dup!r} kommt mehrfach vor; jede Zone braucht "
            "eine eigene Kennung.",
        )

    raw = read_table(counts_path, keep_str=["zone_id", "zeit"], numeric=["anfragen"])
    require_columns(raw, ["zeit", "zone_id", "anfragen"], name=str(counts_path))
    report: dict = {"files": [Path(p).name for p in (zones_path, counts_path, weather_path)],
                    "rows_read": len(raw)}
    frame = pd.DataFrame({"zeit": raw["zeit"], "gruppe": raw["zone_id"],
                          "anzahl": raw["anfragen"].astype("float64")})
    frame = _clean_times(frame, "", str(counts_path), report)
    unknown = sorted(set(frame["gruppe"]) - set(zones["gruppe"]))
    if unknown:
        raise DataError(
            f"{counts_path}: zone ids {', '.join(unknown[:5])} are not in {zones_path}. The two "
            "files do not belong together; regenerate the dataset.",
            message_de=f"{counts_path}: Die Zonen {', '.join(unknown[:5])} fehlen in "
            f"{zones_path}. Die Dateien passen nicht zusammen; erzeugen Sie den Datensatz neu.",
        )
    counts = _merge_duplicates(frame, (), report)

    weather = read_table(weather_path, keep_str=["zeit"],
                         numeric=["temperatur_c", "niederschlag_mm"])
    require_columns(weather, ["zeit", *WEATHER_COLUMNS], name=str(weather_path))
    wreport: dict = {}
    weather = weather[["zeit", *WEATHER_COLUMNS]].assign(gruppe="wetter")
    weather = _clean_times(weather, "", str(weather_path), wreport)
    weather = _merge_duplicates(weather, WEATHER_COLUMNS, wreport).drop(columns="gruppe")
    report["weather"] = {"rows_read": wreport["rows_read"],
                         "duplicate_hours": wreport["duplicate_hours"]["count"],
                         "unusable_times": wreport["unusable_times"]["count"]}
    counts = counts.merge(weather, on="zeit", how="left", validate="many_to_one")
    no_weather = counts["temperatur_c"].isna() & counts["niederschlag_mm"].isna()
    report["weather"]["count_rows_without_weather"] = int(no_weather.sum())

    served = set(counts["gruppe"])
    report["zones"] = len(zones)
    report["zones_without_counts"] = sorted(set(zones["gruppe"]) - served)
    report["dst"] = _dst_report(counts)
    report["gaps"] = _gaps(counts)
    report["gaps"]["how"] = ("rows exist for operating hours only; hours outside them have no "
                             "row (no service, not missing) and are not filled")
    _finish_report(counts, WEATHER_COLUMNS, report)
    report["notes_de"] = _notes_de(report, gap_note="Stunden außerhalb der Betriebszeit haben "
                                   "keine Zeile (kein Betrieb, nicht fehlend)", extra=[
        f"{len(zones)} Zonen, davon {len(report['zones_without_counts'])} ohne Anfragen "
        "(noch nicht bedient); alle Zonen bleiben in groups erhalten."])
    return CountData(counts=_sorted(counts, WEATHER_COLUMNS), groups=zones, source="musterland",
                     attribution=attribution, report=report, weather_columns=WEATHER_COLUMNS)


# --------------------------------------------------------------------------- BW bicycles


def load_fahrradzaehler_bw(
    sites: Iterable[str | int] | str | int | None = None,
    *,
    months: Iterable[int] = range(1, 13),
    min_completeness: float = 0.95,
    n_default_sites: int = 5,
) -> CountData:
    """Hourly bicycle counts of Eco-Counter sites in Baden-Württemberg, 2024 (real data).

    Parameters
    ----------
    sites:
        Counter site ids (``counter_site_id``, e.g. ``"100003358"``). ``None`` picks
        ``n_default_sites`` sites: of all sites whose completeness over ``months`` (share of
        local hours with a count) is at least ``min_completeness``, those with the highest
        mean count per hour (ties: smaller id first). See :func:`fahrradzaehler_bw_sites`.
    months:
        Months of 2024 to load (1–12).

    Notes
    -----
    ``anzahl`` = ``channels_all`` (bicycles per hour, all directions), ``temperatur_c`` =
    ``site_temperature`` (°C), ``niederschlag_mm`` = ``site_rain_accumulation``: the amount in
    that hour in mm, not a running total (it rises and falls hour by hour, most hours are 0,
    and it sums to about 830 mm per site over 2024, a typical annual precipitation).
    Times: ``iso_timestamp`` carries the UTC offset and is converted to local wall-clock
    time. The files already hold a single row for 02:00 on 2024-10-27 (Eco-Counter adds both
    02:00 hours: the all-site total at 02:00 is about twice that of neighbouring Sundays);
    should a file hold both, they are merged (counts summed, weather averaged). 2024-03-31
    02:00 does not exist. Every month file lacks the last hour (23:00) of its last day for
    nearly all sites; ``counts`` has one row for every local hour of the chosen months per
    site, and hours without a row are NaN (counted in ``report["hours_filled"]``).
    """
    months_list = _check_months(months)
    _check_share(min_completeness, "min_completeness")
    if not isinstance(n_default_sites, (int, np.integer)) or isinstance(n_default_sites, bool) \
            or n_default_sites < 1:
        raise ParameterError(
            f"n_default_sites must be a whole number of at least 1, got {n_default_sites!r}.",
            message_de=f"n_default_sites muss eine ganze Zahl ab 1 sein, erhalten: "
            f"{n_default_sites!r}.",
        )
    wanted = _site_list(sites)
    catalog = load_catalog()
    ds = catalog[BW_ID]
    frame, site_info, report = _read_bw(months_list, catalog)
    hours = _month_hours(BW_YEAR, months_list)
    stats = _site_stats(frame, site_info, len(hours))

    if wanted is None:
        eligible = stats[stats["vollstaendigkeit"] >= min_completeness]
        if eligible.empty:
            best = stats["vollstaendigkeit"].max()
            raise DataError(
                f"No counter site reaches a completeness of {min_completeness:.0%} in months "
                f"{months_list} (best: {best:.1%}). Lower min_completeness or choose sites.",
                message_de=f"Keine Zählstelle erreicht in den Monaten {months_list} eine "
                f"Vollständigkeit von {min_completeness:.0%} (beste: {best:.1%}). Senken Sie "
                "min_completeness oder wählen Sie Zählstellen mit sites=[...].",
            )
        chosen = list(eligible.index[:n_default_sites])
        report["site_selection"] = {
            "rule": (f"completeness >= {min_completeness} over months {months_list}, then the "
                     f"{n_default_sites} highest mean counts per hour (ties: smaller id)"),
            "eligible_sites": len(eligible),
            "sites_total": len(stats),
        }
    else:
        unknown = [s for s in wanted if s not in stats.index]
        if unknown:
            raise _unknown_sites(unknown, stats, months_list)
        chosen = wanted
        low = stats.loc[chosen, "vollstaendigkeit"]
        report["site_selection"] = {
            "rule": "given by the caller",
            "below_min_completeness": sorted(low.index[low < min_completeness]),
            "sites_total": len(stats),
        }
    report["site_selection"]["chosen"] = [
        {"gruppe": s, "name": stats.at[s, "name"],
         "completeness": round(float(stats.at[s, "vollstaendigkeit"]), 4),
         "mean_per_hour": round(float(stats.at[s, "mittel_pro_stunde"]), 2)} for s in chosen]

    sub = frame[frame["gruppe"].isin(chosen)]
    report["rows_selected"] = int(len(sub))
    report["missing_in_files"] = {src: int(sub[dst].isna().sum())
                                  for src, dst in _BW_NUMERIC.items()}
    counts = _merge_duplicates(sub, WEATHER_COLUMNS, report)
    report["dst"] = _dst_report(counts)
    grid = pd.MultiIndex.from_product([chosen, hours], names=["gruppe", "zeit"])
    indexed = counts.set_index(["gruppe", "zeit"])
    off_grid = ~indexed.index.isin(grid)
    if off_grid.any():  # e.g. a time not at the start of an hour
        first = indexed.index[off_grid][0]
        raise DataError(
            f"{BW_ID}: {int(off_grid.sum())} rows are not at the start of a local hour, e.g. "
            f"site {first[0]} at {first[1]}. The files are not the catalogued ones.",
            message_de=f"{BW_ID}: {int(off_grid.sum())} Zeilen liegen nicht auf einem "
            f"Stundenbeginn, z. B. Zählstelle {first[0]} um {first[1]}. Die Dateien sind nicht "
            "die katalogisierten.",
        )
    counts = indexed.reindex(grid).reset_index()
    report["hours_expected_per_site"] = len(hours)
    report["hours_filled"] = int(len(grid) - len(indexed))
    _finish_report(counts, WEATHER_COLUMNS, report)
    report["rain"] = ("site_rain_accumulation is taken as precipitation in mm during the hour "
                      "(not cumulative)")
    report["notes_de"] = _notes_de(report, extra=[
        f"{len(chosen)} Zählstellen: " + ", ".join(
            f"{c['name']} ({c['gruppe']}, {c['completeness']:.1%} vollständig, "
            f"Ø {c['mean_per_hour']:.0f} Räder/h)" for c in report["site_selection"]["chosen"]),
        f"Stunden ohne Datenzeile als fehlend (NaN) ergänzt: {report['hours_filled']}."])

    groups = site_info.loc[chosen].reset_index()
    groups = groups.join(stats[["vollstaendigkeit", "mittel_pro_stunde"]], on="gruppe")
    gdf = gpd.GeoDataFrame(
        groups.drop(columns=["longitude", "latitude"]),
        geometry=gpd.points_from_xy(groups["longitude"], groups["latitude"]), crs="EPSG:4326")
    gdf = to_metric(gdf)
    return CountData(counts=_sorted(counts, WEATHER_COLUMNS, order=chosen), groups=gdf,
                     source="fahrradzaehler_bw", attribution=ds.attribution, report=report,
                     weather_columns=WEATHER_COLUMNS)


def fahrradzaehler_bw_sites(*, months: Iterable[int] = range(1, 13)) -> pd.DataFrame:
    """All Baden-Württemberg counter sites with completeness and mean count over ``months``.

    Columns: ``gruppe`` (site id), ``name``, ``betreiber``, ``vollstaendigkeit`` (share of
    local hours with a count, 0–1), ``mittel_pro_stunde`` (bicycles per hour), sorted by mean
    count, highest first: the order :func:`load_fahrradzaehler_bw` picks default sites in.
    """
    months_list = _check_months(months)
    frame, site_info, _ = _read_bw(months_list, load_catalog())
    stats = _site_stats(frame, site_info, len(_month_hours(BW_YEAR, months_list)))
    return stats.reset_index()


def _read_bw(months: list[int], catalog: Catalog) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """All rows of the chosen months: gruppe, zeit (local), anzahl, weather; site table."""
    parts, sites = [], []
    report: dict = {"files": [], "rows_read": 0}
    for month in months:
        name = _BW_FILE.format(year=BW_YEAR, month=month)
        path = dataset_file(BW_ID, name, catalog=catalog)
        raw = _read_csv_columns(path, _BW_COLUMNS)
        report["files"].append(name)
        report["rows_read"] += len(raw)
        part = pd.DataFrame({"gruppe": raw["counter_site_id"]})
        part["zeit"] = _parse_offset_times(raw["iso_timestamp"], path)
        for src, dst in _BW_NUMERIC.items():
            part[dst] = _numbers(raw[src], path, src)
        parts.append(part)
        sites.append(raw[list(_BW_SITE)].drop_duplicates("counter_site_id"))
    frame = pd.concat(parts, ignore_index=True)
    hours = _month_hours(BW_YEAR, months)
    outside = ~frame["zeit"].between(hours[0], hours[-1])
    report["rows_outside_months"] = int(outside.sum())
    frame = frame[~outside]
    info = pd.concat(sites).drop_duplicates("counter_site_id").rename(columns={
        "counter_site_id": "gruppe", "counter_site": "name", "domain_name": "betreiber"})
    info["longitude"] = _numbers(info["longitude"], "site table", "longitude")
    info["latitude"] = _numbers(info["latitude"], "site table", "latitude")
    return frame, info.set_index("gruppe").sort_index(), report


def _read_csv_columns(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read only ``columns`` of a large comma-separated UTF-8 file, every value as text.

    Faster than :func:`read_table` for files of ~100,000 rows; missing tokens such as ``na``
    stay text here and are converted by :func:`_numbers`.
    """
    columns = list(columns)
    try:
        raw = pd.read_csv(path, usecols=lambda c: c in columns, dtype=str, na_filter=False,
                          encoding="utf-8")
    except (ValueError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise TableFormatError(
            f"{path} could not be read as CSV ({exc}). Download the file again.",
            message_de=f"{path} ließ sich nicht als CSV lesen ({exc}). Laden Sie die Datei "
            "erneut herunter.",
        ) from exc
    require_columns(raw, columns, name=str(path))
    return raw


def _numbers(values: pd.Series, path: object, column: str) -> pd.Series:
    """Text to float; missing tokens ('na', '', '-999') become NaN, anything else is an error."""
    text = values.str.strip()
    missing = text.isin(set(MISSING_TOKENS))
    out = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
    bad = out.isna() & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TableFormatError(
            f"{path}: line {i + 2}, column {column!r}: value {values.iloc[i]!r} is not a number.",
            message_de=f"{path}: Zeile {i + 2}, Spalte {column!r}: Der Wert {values.iloc[i]!r} "
            "ist keine Zahl.",
        )
    return out


def _parse_offset_times(values: pd.Series, path: Path) -> pd.Series:
    """ISO times with UTC offset to local wall-clock time (parsed once per distinct value)."""
    codes, uniques = pd.factorize(values)
    parsed = pd.to_datetime(pd.Series(uniques), utc=True, format="ISO8601", errors="coerce")
    if parsed.isna().any():
        i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        line = int(np.flatnonzero(codes == i)[0]) + 2
        raise TableFormatError(
            f"{path}: line {line}, column 'iso_timestamp': {uniques[i]!r} is no ISO 8601 time.",
            message_de=f"{path}: Zeile {line}, Spalte 'iso_timestamp': {uniques[i]!r} ist keine "
            "ISO-8601-Zeitangabe.",
        )
    local = parsed.dt.tz_convert(TIMEZONE).dt.tz_localize(None).astype("datetime64[ns]")
    return pd.Series(local.to_numpy()[codes], index=values.index)


def _site_stats(frame: pd.DataFrame, info: pd.DataFrame, n_hours: int) -> pd.DataFrame:
    """Per site: completeness (share of local hours with a count) and mean count per hour."""
    present = frame.loc[frame["anzahl"].notna(), ["gruppe", "zeit"]].drop_duplicates()
    hours = present.groupby("gruppe").size()
    stats = info[["name", "betreiber"]].copy()
    stats["vollstaendigkeit"] = (hours.reindex(stats.index).fillna(0) / n_hours).clip(upper=1)
    stats["mittel_pro_stunde"] = frame.groupby("gruppe")["anzahl"].mean().reindex(stats.index)
    stats = stats.reset_index().sort_values(["mittel_pro_stunde", "gruppe"],
                                            ascending=[False, True], na_position="last")
    return stats.set_index("gruppe")


def _unknown_sites(unknown: list[str], stats: pd.DataFrame, months: list[int]) -> DataError:
    hints = []
    for s in unknown[:3]:
        close = difflib.get_close_matches(s, list(stats.index), n=1)
        if close:
            hints.append(f"{s} → {close[0]} ({stats.at[close[0], 'name']})?")
    examples = "; ".join(f"{i} ({stats.at[i, 'name']})" for i in stats.index[:5])
    hint = f" Did you mean: {' '.join(hints)}" if hints else ""
    hint_de = f" Meinten Sie: {' '.join(hints)}" if hints else ""
    return DataError(
        f"Unknown counter site id(s) in months {months}: {', '.join(unknown)}.{hint} These "
        f"months have {len(stats)} sites, e.g. {examples}. fahrradzaehler_bw_sites(months=...) "
        "lists them all.",
        message_de=f"Unbekannte Zählstellen-Kennung(en) für die Monate {months}: "
        f"{', '.join(unknown)}.{hint_de} In diesen Monaten gibt es {len(stats)} Zählstellen, "
        f"z. B. {examples}. fahrradzaehler_bw_sites(months=...) listet alle auf.",
    )


def _site_list(sites: Iterable[str | int] | str | int | None) -> list[str] | None:
    if sites is None:
        return None
    if isinstance(sites, (str, int, np.integer)) and not isinstance(sites, bool):
        sites = [sites]
    try:
        out = [str(s).strip() for s in sites]
    except TypeError:
        out = []
    if not out or any(not s or isinstance(s, bool) for s in out):
        raise ParameterError(
            f"sites must be None or a list of counter site ids such as ['100003358'], got "
            f"{sites!r}.",
            message_de=f"sites muss None oder eine Liste von Zählstellen-Kennungen wie "
            f"['100003358'] sein, erhalten: {sites!r}.",
        )
    return list(dict.fromkeys(out))


def _check_months(months: Iterable[int]) -> list[int]:
    try:
        out = sorted(set(months))
    except TypeError:
        out = []
    if not out or not all(isinstance(m, (int, np.integer)) and not isinstance(m, bool)
                          and 1 <= m <= 12 for m in out):
        raise ParameterError(
            f"months must be whole numbers from 1 to 12, e.g. range(1, 13) or [6, 7], got "
            f"{months!r}.",
            message_de=f"months muss ganze Zahlen von 1 bis 12 enthalten, z. B. range(1, 13) "
            f"oder [6, 7], erhalten: {months!r}.",
        )
    return [int(m) for m in out]


def _check_share(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ParameterError(
            f"{name} must be a share between 0 and 1 (e.g. 0.95), got {value!r}.",
            message_de=f"{name} muss ein Anteil zwischen 0 und 1 sein (z. B. 0.95), erhalten: "
            f"{value!r}.",
        )


def _month_hours(year: int, months: list[int]) -> pd.DatetimeIndex:
    """Every local wall-clock hour of ``months`` (spring 02:00 absent, autumn 02:00 once)."""
    parts = [_wall_hours(pd.Timestamp(year, m, 1),
                         pd.Timestamp(year, m, 1) + pd.offsets.MonthEnd(0) + pd.Timedelta(hours=23))
             for m in months]
    return parts[0].append(parts[1:]) if len(parts) > 1 else parts[0]


def _wall_hours(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Local wall-clock hours from ``start`` to ``end`` (inclusive), without nonexistent ones."""
    naive = pd.date_range(start, end, freq="h", unit="ns")
    exists = naive.tz_localize(TIMEZONE, nonexistent="NaT", ambiguous=True).notna()
    return naive[exists]


# --------------------------------------------------------------------------- any CSV


def load_count_csv(
    path: str | os.PathLike,
    *,
    time_column: str,
    count_column: str,
    time_format: str = "",
    group_column: str = "",
    weather_columns: Iterable[str] = (),
    sep: str | None = None,
    decimal: str | None = None,
) -> CountData:
    """Hourly counts from a CSV file (German files: ``sep=";"``, ``decimal=","``).

    Parameters
    ----------
    time_column, count_column:
        Column with the time (local wall-clock time, or ISO with UTC offset) and with the count.
    time_format:
        strptime format such as ``"%d.%m.%Y %H:%M"``; empty means ISO 8601.
    group_column:
        Column naming the series (counter, zone, stop); empty: one group ``"alle"``.
    weather_columns:
        Further numeric columns kept as they are (e.g. temperature in °C); averaged when rows
        are merged.

    Rows whose time is missing or does not match the format are left out and counted (more than
    5 % of them: :class:`TableFormatError`, the format is probably wrong); rows without group
    are left out and counted; missing or non-numeric counts become NaN and are counted; times
    within the hour are moved to its start and counted; several rows of one group and hour are
    merged (counts summed, NaN if any part is missing; weather averaged) and counted.
    """
    path = Path(path)
    name = str(path)
    for arg, value in (("time_column", time_column), ("count_column", count_column)):
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(
                f"{arg} must name a column of {path.name}, got {value!r}.",
                message_de=f"{arg} muss eine Spalte von {path.name} nennen, erhalten: {value!r}.",
            )
    if not isinstance(time_format, str) or not isinstance(group_column, str):
        raise ParameterError(
            "time_format and group_column must be text ('' for the default).",
            message_de="time_format und group_column müssen Text sein ('' für die Voreinstellung).",
        )
    weather = [weather_columns] if isinstance(weather_columns, str) else list(weather_columns)
    used = [time_column, count_column, *([group_column] if group_column else []), *weather]
    if len(set(used)) != len(used):
        raise ParameterError(
            f"Each column may be used only once: {used}.",
            message_de=f"Jede Spalte darf nur einmal verwendet werden: {used}.",
        )

    raw = read_table(path, sep=sep, decimal=decimal)
    require_columns(raw, used, name=name)
    for col in weather:
        if not pd.api.types.is_numeric_dtype(raw[col]):
            # read again with numeric=[col]: read_table names line, column and value
            read_table(path, sep=raw.attrs["source"]["sep"],
                       decimal=raw.attrs["source"]["decimal"],
                       encoding=raw.attrs["source"]["encoding"], numeric=[col])
    report: dict = {"files": [path.name], "rows_read": len(raw),
                    "format": {k: raw.attrs["source"][k] for k in ("encoding", "sep", "decimal")}}

    frame = pd.DataFrame({"zeit": _as_text(raw[time_column])})
    if group_column:
        groups = _as_text(raw[group_column])
        no_group = groups.isna()
        report["rows_without_group"] = {"count": int(no_group.sum()),
                                        "lines": _lines(no_group)}
        frame["gruppe"] = groups
    else:
        no_group = pd.Series(False, index=raw.index)
        frame["gruppe"] = "alle"
    frame["anzahl"], report["count_values"] = _count_values(raw[count_column],
                                                            raw.attrs["source"]["decimal"])
    for col in weather:
        frame[col] = raw[col].astype("float64")
    frame = frame[~no_group]
    frame = _clean_times(frame, time_format, name, report)
    counts = _merge_duplicates(frame, tuple(weather), report)
    report["dst"] = _dst_report(counts)
    report["gaps"] = _gaps(counts)
    _finish_report(counts, tuple(weather), report)
    report["notes_de"] = _notes_de(report)
    names = sorted(counts["gruppe"].unique())
    group_table = pd.DataFrame({"gruppe": names, "name": names})
    return CountData(counts=_sorted(counts, tuple(weather)), groups=group_table, source="csv",
                     attribution=f"Eigene Daten: {path.name}", report=report,
                     weather_columns=tuple(weather))


def _as_text(values: pd.Series) -> pd.Series:
    """A column as stripped text, NA kept; integral floats of codes lose their '.0'."""
    if pd.api.types.is_float_dtype(values):
        values = values.map(lambda v: v if pd.isna(v) else (f"{v:.0f}" if v == int(v) else str(v)))
    out = values.astype("str").str.strip()
    return out.where(values.notna() & (out != ""))


def _count_values(values: pd.Series, decimal: str) -> tuple[pd.Series, dict]:
    """Counts to float: missing → NaN, non-numeric text → NaN; both counted with lines."""
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype("float64")
        missing = out.isna()
        bad = pd.Series(False, index=values.index)
    else:
        text = values.astype("str").str.strip()
        missing = values.isna() | (text == "")
        clean = text.where(~missing)
        if decimal == ",":
            clean = clean.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        out = pd.to_numeric(clean, errors="coerce").astype("float64")
        bad = out.isna() & ~missing
    info = {
        "missing": int(missing.sum()), "missing_lines": _lines(missing),
        "unparsable": int(bad.sum()),
        "unparsable_examples": [{"line": int(i) + 2, "value": str(values.iloc[int(i)])}
                                for i in np.flatnonzero(bad.to_numpy())[:_N_EXAMPLES]],
        "negative": int((out < 0).sum()),
    }
    return out, info


def _lines(mask: pd.Series) -> list[int]:
    """First few file lines (header = line 1) of the rows where ``mask`` is True."""
    return [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())[:_N_EXAMPLES]]


# --------------------------------------------------------------------------- shared steps


def _clean_times(frame: pd.DataFrame, time_format: str, name: str, report: dict) -> pd.DataFrame:
    """Parse ``zeit`` (text) to local wall-clock hours; drop and count unusable rows.

    ``frame``'s index is the row position in the file (line = index + 2, header = line 1).
    Raises :class:`TableFormatError` when more than 5 % of the rows have no usable time.
    """
    report.setdefault("rows_read", len(frame))
    text = frame["zeit"]
    missing = text.isna()
    fmt = time_format or "ISO8601"
    try:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    except ValueError as exc:  # mixed UTC offsets (summer and winter time)
        if "utc=true" not in str(exc).lower():
            raise _format_error(name, text, text.notna(), time_format, str(exc)) from exc
        parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
    converted = parsed.dt.tz is not None
    if converted:
        parsed = parsed.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    parsed = parsed.astype("datetime64[ns]")
    bad = parsed.isna() & ~missing
    unusable = bad | missing
    if unusable.sum() > MAX_BAD_TIME_SHARE * len(frame):
        raise _format_error(name, text, unusable, time_format, "")
    report["unusable_times"] = {
        "count": int(unusable.sum()), "missing": int(missing.sum()), "unparsable": int(bad.sum()),
        "examples": [{"line": int(i) + 2, "value": str(text[i])}
                     for i in text.index[bad.to_numpy()][:_N_EXAMPLES]],
        "missing_lines": [int(i) + 2 for i in text.index[missing.to_numpy()][:_N_EXAMPLES]],
    }
    report["times_converted_from_utc_offset"] = bool(converted)
    out = frame[~unusable].copy()
    out["zeit"] = parsed[~unusable]
    floored = out["zeit"].dt.floor("h")
    report["times_floored_to_hour"] = int((floored != out["zeit"]).sum())
    out["zeit"] = floored
    return out.reset_index(drop=True)


def _format_error(name: str, text: pd.Series, unusable: pd.Series, time_format: str,
                  detail: str) -> TableFormatError:
    rows = text.index[unusable.to_numpy()]
    total = max(len(text), 1)
    examples = ", ".join(f"line {int(i) + 2}: {text[i]!r}" for i in rows[:_N_EXAMPLES])
    examples_de = examples.replace("line ", "Zeile ").replace("None", "leer")
    expected = (f"'{time_format}'" if time_format
                else "ISO 8601 such as '2024-01-31 08:00' or '2024-01-31T08:00:00'")
    expected_de = (f"'{time_format}'" if time_format
                   else "ISO 8601 wie '2024-01-31 08:00' oder '2024-01-31T08:00:00'")
    extra = f" ({detail})" if detail else ""
    return TableFormatError(
        f"{name}: {len(rows)} of {total} rows ({len(rows) / total:.0%}) have no time matching "
        f"the expected format {expected}{extra}, e.g. {examples}. The time format is probably "
        "wrong: pass time_format with strptime codes, e.g. '%d.%m.%Y %H:%M' for "
        "'31.01.2024 08:00'.",
        message_de=f"{name}: {len(rows)} von {total} Zeilen ({len(rows) / total:.0%}) haben "
        f"keine Zeitangabe im erwarteten Format {expected_de}{extra}, z. B. {examples_de}. "
        "Vermutlich ist das Zeitformat falsch: Geben Sie time_format mit strptime-Codes an, "
        "z. B. '%d.%m.%Y %H:%M' für '31.01.2024 08:00'.",
    )


def _merge_duplicates(frame: pd.DataFrame, weather: tuple[str, ...], report: dict) -> pd.DataFrame:
    """One row per (gruppe, zeit): counts summed (NaN if any part is NaN), weather averaged."""
    key = ["gruppe", "zeit"]
    dup = frame.duplicated(key, keep=False)
    info = {"count": 0, "rows_merged": 0, "with_missing_part": 0, "examples": [],
            "how": "counts summed (NaN if any part is missing), weather averaged"}
    if dup.any():
        part = frame[dup]
        agg = {"anzahl": pd.NamedAgg("anzahl", lambda s: s.sum() if s.notna().all() else np.nan)}
        agg |= {c: pd.NamedAgg(c, "mean") for c in weather}
        merged = part.groupby(key, sort=False).agg(**agg).reset_index()
        nan_part = part.groupby(key, sort=False)["anzahl"].apply(lambda s: s.isna().any())
        info.update(count=len(merged), rows_merged=int(len(part) - len(merged)),
                    with_missing_part=int(nan_part.sum()),
                    examples=[f"{g} {t:%Y-%m-%d %H:%M}" for g, t in
                              merged[key].head(_N_EXAMPLES).itertuples(index=False)])
        frame = pd.concat([frame[~dup], merged], ignore_index=True)
    report["duplicate_hours"] = info
    return frame


def _dst_report(counts: pd.DataFrame) -> dict:
    """Rows on the DST switch hours of the years in ``counts``."""
    years = sorted(counts["zeit"].dt.year.unique()) if len(counts) else []
    spring, autumn = [], []
    for y in years:
        days = pd.date_range(f"{y}-03-25", f"{y}-03-31")
        spring.append(days[days.day_of_week == 6][0] + pd.Timedelta(hours=2))
        days = pd.date_range(f"{y}-10-25", f"{y}-10-31")
        autumn.append(days[days.day_of_week == 6][0] + pd.Timedelta(hours=2))
    zeit = counts["zeit"]
    return {
        "spring_hours": [f"{t:%Y-%m-%d %H:%M}" for t in spring],
        "rows_at_nonexistent_spring_hour": int(zeit.isin(spring).sum()),
        "autumn_hours": [f"{t:%Y-%m-%d %H:%M}" for t in autumn],
        "rows_at_autumn_hour": int(zeit.isin(autumn).sum()),
        "how": "local wall-clock time; spring 02:00 does not exist, autumn 02:00 is one row "
               "per group (both hours merged)",
    }


def _gaps(counts: pd.DataFrame) -> dict:
    """Hours without a row between each group's first and last hour."""
    missing = 0
    for _, zeit in counts.groupby("gruppe")["zeit"]:
        missing += len(_wall_hours(zeit.min(), zeit.max())) - zeit.nunique()
    return {"hours_without_row": int(missing),
            "how": "not filled; complete_hours() adds them as NaN"}


def _finish_report(counts: pd.DataFrame, weather: tuple[str, ...], report: dict) -> None:
    report["rows"] = int(len(counts))
    report["groups"] = int(counts["gruppe"].nunique())
    report["period"] = ([f"{counts['zeit'].min():%Y-%m-%d %H:%M}",
                         f"{counts['zeit'].max():%Y-%m-%d %H:%M}"] if len(counts) else [])
    report["missing"] = {c: int(counts[c].isna().sum()) for c in ("anzahl", *weather)}


def _notes_de(report: dict, extra: Iterable[str] = (),
              gap_note: str = "nicht aufgefüllt") -> list[str]:
    """German sentences summarising ``report``."""
    n = report
    notes = [f"{n['rows_read']} Zeilen gelesen, {n['rows']} Stundenwerte in {n['groups']} "
             f"Gruppe(n) ({' bis '.join(n['period'])})."]
    times = n.get("unusable_times", {})
    if times.get("count"):
        ex = "; ".join(f"Zeile {e['line']}: {e['value']!r}" for e in times["examples"])
        notes.append(f"{times['count']} Zeile(n) ohne gültige Zeitangabe ausgelassen "
                     f"({times['missing']} leer, {times['unparsable']} unlesbar{': ' + ex if ex else ''}).")
    if n.get("rows_without_group", {}).get("count"):
        notes.append(f"{n['rows_without_group']['count']} Zeile(n) ohne Gruppe ausgelassen.")
    cv = n.get("count_values", {})
    if cv.get("missing") or cv.get("unparsable"):
        notes.append(f"Zählwert fehlt in {cv['missing']} Zeile(n), ist keine Zahl in "
                     f"{cv['unparsable']} Zeile(n): als fehlend (NaN) übernommen, nicht als 0.")
    if n.get("times_floored_to_hour"):
        notes.append(f"{n['times_floored_to_hour']} Zeitangabe(n) auf den Stundenbeginn gesetzt.")
    dup = n.get("duplicate_hours", {})
    if dup.get("count"):
        notes.append(f"{dup['count']} Stunde(n) kamen mehrfach vor ({dup['rows_merged']} Zeile(n) "
                     "zusammengefasst: Zählwerte addiert, Wetter gemittelt).")
    spring = n.get("dst", {}).get("rows_at_nonexistent_spring_hour")
    if spring:
        notes.append(f"{spring} Zeile(n) um 02:00 am Tag der Umstellung auf Sommerzeit, eine "
                     "Uhrzeit, die es in Ortszeit nicht gibt: Prüfen Sie, ob die Datei "
                     "durchgehend Winterzeit (UTC+1) verwendet.")
    if n.get("times_converted_from_utc_offset"):
        notes.append("Zeitangaben mit UTC-Versatz in Ortszeit (Europe/Berlin) umgerechnet.")
    gaps = n.get("gaps", {}).get("hours_without_row")
    if gaps:
        notes.append(f"{gaps} Stunde(n) ohne Datenzeile innerhalb des Zeitraums ({gap_note}).")
    missing = ", ".join(f"{c}: {v}" for c, v in n["missing"].items() if v)
    notes.append(f"Fehlende Werte: {missing}." if missing else "Keine fehlenden Werte.")
    return [*notes, *extra]


def _sorted(counts: pd.DataFrame, weather: tuple[str, ...],
            order: list[str] | None = None) -> pd.DataFrame:
    """Contract columns and dtypes; rows by group (in ``order`` or sorted), then time."""
    counts = counts[["zeit", "gruppe", "anzahl", *weather]].copy()
    counts["gruppe"] = counts["gruppe"].astype("str")
    counts["zeit"] = counts["zeit"].astype("datetime64[ns]")
    for col in ("anzahl", *weather):
        counts[col] = counts[col].astype("float64")
    order = order if order is not None else sorted(counts["gruppe"].unique())
    rank = counts["gruppe"].map({g: i for i, g in enumerate(order)})
    counts = counts.assign(_rank=rank).sort_values(["_rank", "zeit"], kind="stable")
    return counts.drop(columns="_rank").reset_index(drop=True)


def _id_text(values: pd.Series) -> pd.Series:
    """Ids as text; integral floats (from GeoJSON numbers) without '.0'."""
    return _as_text(values).astype("str")


# --------------------------------------------------------------------------- grid


def complete_hours(data: CountData, *, start: str | pd.Timestamp | None = None,
                   end: str | pd.Timestamp | None = None) -> CountData:
    """Add a NaN row for every missing local hour of every group.

    The grid runs from ``start`` to ``end`` (default: each group's first and last hour),
    without the nonexistent spring hour; rows outside it are kept. Counts are never filled
    with 0; ``report["gaps"]`` records how many rows were added.
    """
    parts = []
    for group, part in data.counts.groupby("gruppe", sort=False):
        lo = pd.Timestamp(start) if start is not None else part["zeit"].min()
        hi = pd.Timestamp(end) if end is not None else part["zeit"].max()
        hours = _wall_hours(lo.floor("h"), hi.floor("h")).union(pd.DatetimeIndex(part["zeit"]))
        grid = pd.MultiIndex.from_product([[group], hours], names=["gruppe", "zeit"])
        parts.append(part.set_index(["gruppe", "zeit"]).reindex(grid).reset_index())
    counts = pd.concat(parts, ignore_index=True) if parts else data.counts.copy()
    counts = _sorted(counts, data.weather_columns, order=list(data.counts["gruppe"].unique()))
    report = dict(data.report)
    report["gaps"] = {**report.get("gaps", {}),
                      "rows_added": int(len(counts) - len(data.counts)),
                      "how": "missing hours added as NaN by complete_hours()"}
    report["rows"] = int(len(counts))
    report["missing"] = {c: int(counts[c].isna().sum())
                         for c in ("anzahl", *data.weather_columns)}
    return replace(data, counts=counts, report=report)



#: The count sources a notebook can choose, with the Land whose holidays apply by default.
SOURCES = {"musterland": "NI", "fahrradzaehler_bw": "BW", "csv": "NW"}


def load_source(source: str, *, sites: Iterable[str] = (), csv_path: str = "",
                time_column: str = "zeit", count_column: str = "anzahl", time_format: str = "",
                group_column: str = "", weather_columns: Iterable[str] = (), sep: str = "",
                decimal: str = "") -> CountData:
    """Load one of :data:`SOURCES` into the tidy count contract (empty strings mean "detect")."""
    if source == "musterland":
        return load_musterland()
    if source == "fahrradzaehler_bw":
        return load_fahrradzaehler_bw(list(sites) or None)
    if source == "csv":
        if not csv_path:
            raise ParameterError(
                "data_source 'csv' needs csv_path: the path of your CSV file.",
                message_de="Für data_source 'csv' fehlt csv_path: der Pfad zu Ihrer CSV-Datei.",
            )
        return load_count_csv(csv_path, time_column=time_column, count_column=count_column,
                              time_format=time_format, group_column=group_column,
                              weather_columns=tuple(weather_columns), sep=sep or None,
                              decimal=decimal or None)
    raise ParameterError(
        f"Unknown count source {source!r}; use one of {', '.join(SOURCES)}.",
        message_de=f"Unbekannte Datenquelle {source!r}; erlaubt sind {', '.join(SOURCES)}.",
    )
