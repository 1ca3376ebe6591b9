"""Tests of the GTFS-Flex reader (urbanki_helpers.mobility.gtfs_flex).

The real feed ``rufbus_uckermark`` needs the real-data mirror; broken feeds are copies of it
with a file removed or changed.
"""

from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pytest

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.mobility.gtfs_flex import (
    FlexFeed,
    read_gtfs_flex,
    service_areas,
    service_overview,
)

ROUTES = ["476", "477", "478", "487", "488"]
#: distinct stops per area in location_groups.txt (488 lists one stop twice: 97 rows)
STOPS_PER_ROUTE = {"476": 126, "477": 155, "478": 150, "487": 71, "488": 96}


def windows(overview: pd.DataFrame) -> set[tuple[str, str]]:
    """Distinct (from, to) service windows of overview rows."""
    return set(map(tuple, overview[["Bedienzeit von", "Bedienzeit bis"]].to_numpy().tolist()))


@pytest.fixture(scope="module")
def feed_dir(realdata):
    return realdata / "rufbus_uckermark"


@pytest.fixture(scope="module")
def feed(feed_dir) -> FlexFeed:
    return read_gtfs_flex(feed_dir)


@pytest.mark.realdata
def test_feed_tables_are_read_with_ids_as_text(feed):
    assert len(feed.routes) == 5 and len(feed.trips) == 8 and len(feed.stop_times) == 8
    assert len(feed.stops) == 378 and len(feed.calendar_dates) == 18
    assert feed.agency["agency_id"].tolist() == ["8583"]  # an id, kept as text
    assert "000300603005" in set(feed.stops["stop_id"])  # leading zeros kept
    assert isinstance(feed.stops, gpd.GeoDataFrame) and feed.stops.crs.to_epsg() == 25832
    assert list(feed.location_groups.columns) == ["location_group_id", "stop_id",
                                                  "location_group_name"]
    assert feed.location_groups["location_group_name"].notna().all()
    assert feed.stop_times["location_group_id"].str.endswith("-stops").all()
    assert feed.booking_rules["prior_notice_duration_min"].tolist() == [60, 60, 60]


@pytest.mark.realdata
def test_service_overview_of_the_uckermark_rufbus(feed):
    o = service_overview(feed)
    assert sorted(o["Linie"].unique()) == ROUTES
    assert len(o) == 8  # 476-478 weekdays and weekends, 487/488 weekends only
    weekdays = o[o["Service"] == "flex-weekdays"]
    weekends = o[o["Service"] == "flex-weekends"]
    assert sorted(weekdays["Linie"]) == ["476", "477", "478"]
    assert set(weekdays["Tage"]) == {"Mo–Fr"} and set(weekends["Tage"]) == {"Sa–So"}
    assert windows(weekdays) == {("17:30", "22:00")}
    assert windows(weekends[weekends["Linie"].isin(["476", "477", "478"])]) == {("08:00", "22:00")}
    # Gartz (487, 488): weekends only, and until 20:00
    assert windows(weekends[weekends["Linie"].isin(["487", "488"])]) == {("08:00", "20:00")}
    assert (o["Voranmeldung (min)"] == 60).all()
    counts = feed.location_groups.groupby("location_group_id")["stop_id"].nunique()
    for _, row in o.iterrows():
        assert row["Haltestellen im Gebiet"] == counts[f"flex-{row['Linie']}-stops"]
        assert row["Haltestellen im Gebiet"] == STOPS_PER_ROUTE[row["Linie"]]
    assert (o["Ausnahmetage"] == 9).all()  # 9 holidays in calendar_dates.txt per service
    assert (o["Fläche (km²)"].between(50, 200)).all()
    assert o["Buchung"].str.contains("+49 3332 442 755", regex=False).all()
    assert set(o["Gültig von"]) == {"01.01.2023"} and set(o["Gültig bis"]) == {"31.12.2023"}
    assert o.loc[o["Linie"] == "488", "Haltestellen abseits"].tolist() == [4]


@pytest.mark.realdata
def test_service_areas_are_plausible(feed):
    areas = service_areas(feed)
    assert isinstance(areas, gpd.GeoDataFrame) and areas.crs.to_epsg() == 25832
    assert areas["Linie"].tolist() == ROUTES
    assert (areas.geometry.geom_type == "Polygon").all()
    assert areas["Fläche (km²)"].between(80, 200).all()
    # the buffered hull is larger than the bare hull of the overview
    bare = service_overview(feed).drop_duplicates("Linie").set_index("Linie")["Fläche (km²)"]
    assert (areas.set_index("Linie")["Fläche (km²)"] > bare).all()
    # every stop of an area (but the remote ones) lies inside it
    for _, area in areas.iterrows():
        ids = feed.location_groups.loc[
            feed.location_groups["location_group_id"] == f"flex-{area['Linie']}-stops", "stop_id"]
        stops = feed.stops[feed.stops["stop_id"].isin(ids)]
        inside = stops.within(area.geometry)
        assert (~inside).sum() == area["Haltestellen abseits"]
    # 488 lists two "Heinrichshof" stop pairs 55 km away, matched by name to the wrong place
    row = areas.set_index("Linie").loc["488"]
    assert row["Haltestellen abseits"] == 4 and "Heinrichshof" in row["Abseits"]
    wide = service_areas(feed, max_gap_m=100_000).set_index("Linie")
    assert wide.loc["488", "Fläche (km²)"] > 2000
    assert (wide.drop(index="488")["Fläche (km²)"]
            == areas.set_index("Linie").drop(index="488")["Fläche (km²)"]).all()


@pytest.mark.realdata
def test_missing_file_names_it_and_its_role(feed_dir, tmp_path):
    copy = tmp_path / "feed"
    shutil.copytree(feed_dir, copy)
    (copy / "location_groups.txt").unlink()
    with pytest.raises(DataError) as info:
        read_gtfs_flex(copy)
    assert "location_groups.txt" in info.value.message_de
    assert "location_group_id" in info.value.message_de
    (copy / "location_groups.txt").write_bytes((feed_dir / "location_groups.txt").read_bytes())
    (copy / "booking_rules.txt").unlink()
    with pytest.raises(DataError, match="booking_rules.txt.*prior_notice_duration_min"):
        read_gtfs_flex(copy)


@pytest.mark.realdata
def test_broken_references_and_columns_are_reported(feed_dir, tmp_path):
    copy = tmp_path / "feed"
    shutil.copytree(feed_dir, copy)
    trips = (copy / "trips.txt").read_text(encoding="utf-8")
    (copy / "trips.txt").write_text(trips.replace("flex-488,", "flex-999,"), encoding="utf-8")
    with pytest.raises(DataError, match="'flex-999'.*routes.txt"):
        read_gtfs_flex(copy)
    (copy / "trips.txt").write_text(trips, encoding="utf-8")
    stops = (copy / "stops.txt").read_text(encoding="utf-8")
    (copy / "stops.txt").write_text(stops.replace("stop_lat", "lat"), encoding="utf-8")
    with pytest.raises(DataError, match="stop_lat"):
        read_gtfs_flex(copy)


def test_new_spec_layout_and_header_only_calendar_dates(tmp_path):
    """location_group_stops.txt (adopted spec), stop_times.location_group_id, no exceptions."""
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n1,Test,https://x.de,"
                      "Europe/Berlin\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
                      "r1,1,R1,Rufbus Test,715\n",
        "trips.txt": "route_id,service_id,trip_id\nr1,s1,t1\n",
        "stop_times.txt": "trip_id,location_group_id,stop_sequence,start_pickup_dropoff_window,"
                          "end_pickup_dropoff_window,pickup_booking_rule_id\n"
                          "t1,g1,1,06:00:00,24:30:00,b1\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n01,A,52.0,8.0\n02,B,52.01,8.0\n"
                     "03,C,52.0,8.02\n",
        "location_groups.txt": "location_group_id,location_group_name\ng1,Gebiet\n",
        "location_group_stops.txt": "location_group_id,stop_id\ng1,01\ng1,02\ng1,03\n",
        "booking_rules.txt": "booking_rule_id,booking_type,prior_notice_duration_min,"
                             "booking_url\nb1,1,30,https://buchen.example\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                        "start_date,end_date\ns1,1,0,1,1,1,0,1,20240101,20241231\n",
        "calendar_dates.txt": "service_id,date,exception_type\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    feed = read_gtfs_flex(tmp_path)
    assert feed.location_groups["stop_id"].tolist() == ["01", "02", "03"]
    assert feed.location_groups["location_group_name"].tolist() == ["Gebiet"] * 3
    o = service_overview(feed).iloc[0]
    assert o["Tage"] == "Mo, Mi–Fr, So"
    assert (o["Bedienzeit von"], o["Bedienzeit bis"]) == ("06:00", "24:30")
    assert o["Voranmeldung (min)"] == 30 and o["Buchung"] == "https://buchen.example"
    assert o["Haltestellen im Gebiet"] == 3 and o["Ausnahmetage"] == 0
    # triangle of 0.01° lat x 0.02° lon at 52° N: about 1.11 km x 1.37 km / 2
    assert o["Fläche (km²)"] == pytest.approx(0.76, rel=0.05)
    area = service_areas(feed, buffer_m=0).iloc[0]
    assert area["Fläche (km²)"] == pytest.approx(o["Fläche (km²)"], rel=1e-6)


def test_bad_arguments(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_gtfs_flex(tmp_path / "fehlt")
    with pytest.raises(DataError, match="agency.txt"):
        read_gtfs_flex(tmp_path)
    with pytest.raises(ParameterError, match="FlexFeed"):
        service_overview(pd.DataFrame())
