"""The synthetic IT inventory and login logs of Musterstadt: reproducible, valid, realistic."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).resolve().parent.parent / "datasets" / "musterstadt_it"
FILES = ["anmeldungen.csv.gz", "inventar.csv", "inventar_labels.csv", "konten.csv"]
ATTACKS = {"password_spraying", "brute_force", "impossible_travel", "off_hours_admin",
           "lateral_movement"}
# Distinctive names of products that are deliberately NOT in the KEV catalogue.
NOT_IN_KEV = ["VOIS", "OK.EWO", "OK.VERKEHR", "ProSoz", "PROSOZ", "Infoma", "newsystem",
              "Finanz+", "LOGA", "ProBAUG", "ALLRIS", "regisafe", "eOCS", "SchILD", "ECOSYS",
              "TASKalfa", "LaserJet", "bizhub", "MFC-L8900", "OpenScape", "Snom", "Lancom",
              "LANCOM", "Securepoint", "Intercept X", "Horizon Client", "Teams", "PowerEdge",
              "ProLiant"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def inventar() -> pd.DataFrame:
    return pd.read_csv(DATA / "inventar.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return pd.read_csv(DATA / "inventar_labels.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def konten() -> pd.DataFrame:
    return pd.read_csv(DATA / "konten.csv")


@pytest.fixture(scope="module")
def logs(konten) -> pd.DataFrame:
    df = pd.read_csv(DATA / "anmeldungen.csv.gz", dtype={"angriff": str}, keep_default_na=False)
    df["t"] = pd.to_datetime(df["zeit"], format="%Y-%m-%dT%H:%M:%S")
    return df.merge(konten[["konto", "rolle"]], on="konto", how="left", validate="many_to_one")


# --- reproducibility and size -----------------------------------------------------------------


def test_regenerating_gives_identical_bytes(tmp_path):
    subprocess.run(
        [sys.executable, str(DATA / "generate.py"), "--out", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=120,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == FILES
    for name in FILES:
        assert _sha256(tmp_path / name) == _sha256(DATA / name), name


def test_gzip_header_and_size_and_documentation():
    raw = (DATA / "anmeldungen.csv.gz").read_bytes()
    assert raw[:3] == b"\x1f\x8b\x08" and raw[3] == 0 and raw[4:8] == b"\x00\x00\x00\x00"
    assert sum((DATA / name).stat().st_size for name in FILES) < 2_000_000  # observed: 1.04 MB
    text = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    for word in ("SYNTHETISCH", "SYNTHETIC", "CC0-1.0", "20241007", "generate.py", "4624",
                 "4625", "pseudonym", "UrbanShieldAI"):
        assert word in text, word


def test_generator_does_not_read_the_kev_file():
    source = (DATA / "generate.py").read_text(encoding="utf-8")
    assert "known_exploited_vulnerabilities" not in source
    assert "URBANKI_DATA_DIR" not in source


# --- inventory ----------------------------------------------------------------------------------


def test_inventory_columns_and_values(inventar):
    assert list(inventar.columns) == ["asset_id", "vendor", "product", "version", "exposure",
                                      "criticality", "department", "asset_type"]
    assert len(inventar) == 300
    assert inventar["asset_id"].tolist() == [f"A{i:04d}" for i in range(1, 301)]
    assert set(inventar["exposure"]) == {"internet", "intern"}
    assert set(inventar["criticality"]) == {"hoch", "mittel", "niedrig"}
    assert set(inventar["asset_type"]) == {"server", "client", "netzwerk", "sicherheit", "vpn",
                                           "fachverfahren", "drucker"}
    assert {"Bürgeramt/Meldewesen", "Personal/Besoldung", "Bauordnung", "Kämmerei", "IT",
            "Ordnungsamt", "Schulen", "Sozialamt"} <= set(inventar["department"])
    assert (inventar["product"] != "").all()
    # VPN gateways face the internet; printers do not.
    assert (inventar.loc[inventar["asset_type"] == "vpn", "exposure"] == "internet").all()
    assert (inventar.loc[inventar["asset_type"] == "drucker", "exposure"] == "intern").all()


def test_inventory_spellings_are_messy(inventar):
    vendors = set(inventar["vendor"])
    assert {"Microsoft", "MS", "Msft", "microsoft"} <= vendors
    products = set(inventar["product"])
    assert any("FortiOS 7.2" in p for p in products)  # version inside the product name
    assert "VOIS|MESO" in products  # the '|' of the real product name survives the CSV
    assert inventar["product"].str.contains("Windos").any()  # a typo


def test_labels_are_a_stratified_sample(inventar, labels):
    assert list(labels.columns) == ["asset_id", "kev_vendor", "kev_product"]
    assert labels["asset_id"].is_unique and set(labels["asset_id"]) <= set(inventar["asset_id"])
    assert ((labels["kev_vendor"] == "") == (labels["kev_product"] == "")).all()
    in_kev = labels["kev_vendor"] != ""
    assert in_kev.sum() == 105 and (~in_kev).sum() == 49  # observed
    assert 140 <= len(labels) <= 160


def test_products_outside_kev_are_labelled_empty(inventar, labels):
    merged = labels.merge(inventar, on="asset_id", validate="one_to_one")
    text = merged["vendor"] + " " + merged["product"]
    outside = text.str.contains("|".join(map(lambda s: s.replace("+", r"\+").replace(".", r"\."),
                                             NOT_IN_KEV)))
    assert outside.sum() >= 20
    assert (merged.loc[outside, "kev_vendor"] == "").all()
    fach = merged["asset_type"].isin(["fachverfahren", "drucker"])
    assert (merged.loc[fach, "kev_vendor"] == "").all()
    exchange = merged["product"].str.contains("Exchange", case=False)
    assert (merged.loc[exchange, "kev_product"] == "Exchange Server").all() and exchange.any()


@pytest.mark.realdata
def test_labels_exist_in_the_real_kev_catalogue(labels, realdata):
    path = realdata / "cisa_kev" / "known_exploited_vulnerabilities.csv"
    if not path.exists():
        pytest.skip(f"{path} is not in the mirror")
    kev = pd.read_csv(path, dtype=str, keep_default_na=False)
    pairs = set(zip(kev["vendorProject"], kev["product"], strict=True))
    labelled = labels[labels["kev_vendor"] != ""]
    missing = {(v, p) for v, p in zip(labelled["kev_vendor"], labelled["kev_product"],
                                      strict=True) if (v, p) not in pairs}
    assert not missing
    assert labelled[["kev_vendor", "kev_product"]].drop_duplicates().shape[0] >= 40
    # The names chosen as "not in KEV" really occur in no KEV entry.
    everything = (kev["vendorProject"] + " " + kev["product"]).str.lower()
    for name in NOT_IN_KEV:
        assert not everything.str.contains(name.lower(), regex=False).any(), name


# --- accounts -----------------------------------------------------------------------------------


def test_accounts(konten):
    assert list(konten.columns) == ["konto", "abteilung", "rolle", "heimat_lat", "heimat_lon"]
    assert len(konten) == 300 and konten["konto"].is_unique
    assert konten["rolle"].value_counts().to_dict() == {
        "mitarbeiter": 252, "schichtdienst": 26, "dienstkonto": 12, "admin": 10}
    assert konten.loc[konten["rolle"] == "admin", "konto"].str.startswith("adm_").all()
    assert konten.loc[konten["rolle"] == "dienstkonto", "konto"].str.startswith("svc_").all()
    assert konten["konto"].str.fullmatch(r"[a-z0-9_.]+").all()
    # Home areas: Musterstadt (51.54 N, 7.13 E) and towns within about 30 km.
    d = _km(51.54, 7.13, konten["heimat_lat"], konten["heimat_lon"])
    assert d.max() < 30 and (d < 5).mean() > 0.4


# --- logs ---------------------------------------------------------------------------------------


def test_log_format(logs, konten):
    assert 100_000 <= len(logs) <= 300_000  # observed: 106,374
    assert set(logs["ereignis"]) == {"login_ok", "login_fail"}
    assert set(logs["kanal"]) == {"intern", "vpn"}
    assert set(logs["angriff"]) == ATTACKS | {""}
    assert logs["t"].min() >= pd.Timestamp("2024-10-07")
    assert logs["t"].max() < pd.Timestamp("2024-11-18")
    assert logs["t"].is_monotonic_increasing
    assert logs["konto"].isin(konten["konto"]).all()
    assert logs["lat"].between(-90, 90).all() and logs["lon"].between(-180, 180).all()
    assert (logs.loc[logs["kanal"] == "intern", "ort"] == "Musterstadt, DE").all()


def test_office_rhythm(logs):
    staff = logs[(logs["rolle"] == "mitarbeiter") & (logs["angriff"] == "")]
    weekend = staff["t"].dt.day_of_week >= 5
    assert weekend.mean() < 0.01  # observed: 0.0003
    hours = staff["t"].dt.hour
    assert hours.between(6, 19).mean() > 0.97
    per_day = staff.groupby(staff["t"].dt.date).size()
    # Allerheiligen: only a business traveller checks mail (observed: 2 events).
    assert per_day.get(pd.Timestamp("2024-11-01").date(), 0) < 0.01 * per_day.median()
    weekday = staff["t"].dt.day_of_week
    by_weekday = staff.groupby(weekday).size() / staff.groupby(weekday)["t"].apply(
        lambda s: s.dt.date.nunique())
    assert by_weekday[4] < 0.85 * by_weekday[[0, 1, 2, 3]].mean()  # fewer on Fridays
    # Some home office through the VPN, from the home area.
    assert ((staff["kanal"] == "vpn").mean() > 0.05)


def test_shift_workers_work_nights_and_weekends(logs):
    shift = logs[(logs["rolle"] == "schichtdienst") & (logs["angriff"] == "")]
    assert (shift["t"].dt.hour < 6).mean() > 0.1
    assert (shift["t"].dt.day_of_week >= 5).mean() > 0.15


def test_service_accounts_are_regular(logs):
    svc = logs[(logs["rolle"] == "dienstkonto") & (logs["angriff"] == "")]
    for konto, g in svc.groupby("konto"):
        per_day = g.groupby(g["t"].dt.date).size()
        assert len(per_day) == 42, konto
        assert per_day.nunique() == 1, konto  # same number every day, weekends included
        assert g["quelle_ip"].nunique() == 1, konto
        assert g["system"].nunique() <= 6, konto
        assert g["t"].dt.second.max() < 60 and (g["t"].dt.second < 40).all(), konto


def test_every_attack_type_is_labelled(logs):
    counts = logs["angriff"].value_counts()
    # Observed: brute_force 465, password_spraying 278, lateral_movement 76,
    # off_hours_admin 18, impossible_travel 16.
    for attack in ATTACKS:
        assert counts.get(attack, 0) >= 10, attack
    assert counts[list(ATTACKS)].sum() < 0.02 * len(logs)


def test_password_spraying_is_one_ip_many_accounts(logs):
    spray = logs[logs["angriff"] == "password_spraying"]
    for ip, g in spray.groupby("quelle_ip"):
        assert g["konto"].nunique() >= 50, ip
        assert g.groupby("konto").size().max() <= 2, ip
        assert (g["ereignis"] == "login_fail").mean() > 0.95
    assert spray["quelle_ip"].nunique() == 3


def test_brute_force_is_many_failures_against_one_account(logs):
    brute = logs[logs["angriff"] == "brute_force"]
    for ip, g in brute.groupby("quelle_ip"):
        assert g["konto"].nunique() == 1, ip
        assert (g["ereignis"] == "login_fail").sum() >= 50, ip
    assert (brute["ereignis"] == "login_ok").sum() == 1


def test_impossible_travel_needs_more_than_1000_kmh(logs):
    incidents = 0
    for _, ev in logs[(logs["angriff"] == "impossible_travel")
                      & (logs["system"] == "VPN-GW-01")].iterrows():
        before = logs[(logs["konto"] == ev["konto"]) & (logs["t"] < ev["t"])
                      & (logs["angriff"] == "")].iloc[-1]
        hours = (ev["t"] - before["t"]).total_seconds() / 3600
        km = _km(before["lat"], before["lon"], ev["lat"], ev["lon"])
        assert km / hours > 1000, (ev["konto"], km, hours)
        incidents += 1
    assert incidents == 5


def test_business_trips_are_plausible(logs):
    """Legitimate logins from far away come with a travel time of under 1000 km/h."""
    normal = logs[(logs["angriff"] == "") & (logs["rolle"] == "mitarbeiter")]
    trips = normal[~normal["ort"].isin(["Musterstadt, DE"]) & (normal["system"] == "VPN-GW-01")
                   & (_km(51.54, 7.13, normal["lat"], normal["lon"]) > 35)]
    assert len(trips) >= 12  # observed: 16 (8 trips of two days)
    for _, ev in trips.iterrows():
        before = normal[(normal["konto"] == ev["konto"]) & (normal["t"] < ev["t"])]
        if before.empty:
            continue
        prev = before.iloc[-1]
        hours = (ev["t"] - prev["t"]).total_seconds() / 3600
        assert _km(prev["lat"], prev["lon"], ev["lat"], ev["lon"]) / hours < 300


def test_off_hours_admin_and_lateral_movement(logs):
    off = logs[logs["angriff"] == "off_hours_admin"]
    assert (off["rolle"] == "admin").all()
    assert (off["t"].dt.day_of_week == 6).all() and off["t"].dt.hour.between(2, 4).all()
    normal_admin_ips = set(logs.loc[(logs["rolle"] == "admin") & (logs["angriff"] == ""),
                                    "quelle_ip"])
    assert not set(off.loc[off["system"] == "VPN-GW-01", "quelle_ip"]) & normal_admin_ips
    lateral = logs[logs["angriff"] == "lateral_movement"]
    assert lateral["konto"].nunique() == 2
    normal = logs[logs["angriff"] == ""]
    for konto, g in lateral.groupby("konto"):
        usual = normal[normal["konto"] == konto].groupby(normal["t"].dt.date)["system"].nunique()
        assert g["system"].nunique() > 3 * usual.max(), konto
        assert (g["t"].max() - g["t"].min()) < pd.Timedelta(hours=2)


def test_gzip_is_plain_utf8_csv():
    text = gzip.decompress((DATA / "anmeldungen.csv.gz").read_bytes()).decode("utf-8")
    assert text.splitlines()[0] == "zeit,konto,system,quelle_ip,ort,lat,lon,ereignis,kanal,angriff"
