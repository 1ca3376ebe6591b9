"""Login anomaly features, rules, detector and the alert evaluation (use case 06)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from urbanki_helpers.errors import DataError
from urbanki_helpers.itsec.logins import (
    FEATURE_COLUMNS,
    AnomalyDetector,
    alerts_needed,
    haversine_km,
    precision_at_k,
    recall_by_type,
    rule_hits,
    rules,
    source_features,
    window_features,
)

OFFICE = ("Musterstadt", 51.17, 7.08)
HOME = ("Heimort", 51.40, 6.80)  # about 31 km from the office
LAGOS = ("Lagos", 6.52, 3.38)
ACCOUNTS = pd.DataFrame({"konto": ["anna", "root"], "rolle": ["mitarbeiter", "admin"],
                         "heimat_lat": [51.4, 51.2], "heimat_lon": [6.8, 7.1]})


def ev(zeit, konto="anna", system="mail", ip="10.0.0.5", place=OFFICE, ereignis="login_ok",
       kanal="intern", angriff=""):
    return {"zeit": pd.Timestamp(zeit), "konto": konto, "system": system, "quelle_ip": ip,
            "ort": place[0], "lat": place[1], "lon": place[2], "ereignis": ereignis,
            "kanal": kanal, "angriff": angriff}


def frame(rows):
    return pd.DataFrame(rows)


def test_haversine_berlin_munich():
    d = haversine_km(52.5200, 13.4050, 48.1351, 11.5820)
    assert d == pytest.approx(504, abs=3)
    np.testing.assert_allclose(haversine_km([0, 51.17], [0, 7.08], [0, 51.17], [0, 7.08]), 0)


def test_impossible_travel_office_then_lagos():
    log = frame([ev("2024-03-04 09:00"),
                 ev("2024-03-04 09:20", ip="41.58.1.1", place=LAGOS, kanal="vpn",
                    angriff="impossible_travel")])
    f = window_features(log, ACCOUNTS)
    assert len(f) == 1
    assert f.loc[0, "max_speed_kmh"] > 10_000
    assert f.loc[0, "label"] == "impossible_travel"
    assert f.loc[0, "new_place"] == 1
    assert rule_hits(f).loc[0, "impossible_travel"]
    assert rules(f).loc[0] >= 1


def test_commute_is_not_flagged():
    log = frame([ev("2024-03-04 08:00"),
                 ev("2024-03-04 09:05", ip="84.1.2.3", place=HOME, kanal="vpn")])
    f = window_features(log, ACCOUNTS)
    assert 0 < f["max_speed_kmh"].max() < 100
    assert not rule_hits(f)["impossible_travel"].any()
    assert (rules(f) == 0).all()
    assert f.loc[1, "vpn_share"] == 1.0


def test_speed_uses_last_login_before_the_window_and_ignores_failures():
    log = frame([ev("2024-03-04 08:50"),
                 ev("2024-03-04 09:00", place=LAGOS, ereignis="login_fail"),
                 ev("2024-03-04 09:10", place=HOME)])
    f = window_features(log, ACCOUNTS)
    w9 = f[f["window_start"] == pd.Timestamp("2024-03-04 09:00")].iloc[0]
    # 31 km in 20 min (from the 08:50 login; the failed Lagos attempt is no login)
    assert 80 < w9["max_speed_kmh"] < 100


def test_new_features_use_only_the_past():
    base = [ev("2024-03-04 09:00", system="mail"),
            ev("2024-03-04 10:00", system="mail"),
            ev("2024-03-04 10:30", system="erp", ip="10.0.0.9")]
    later = base + [ev("2024-03-05 03:00", system="dms", place=LAGOS, ip="41.1.1.1"),
                    ev("2024-03-05 10:10", system="erp")]
    f1 = window_features(frame(base), ACCOUNTS)
    f2 = window_features(frame(later), ACCOUNTS)
    pd.testing.assert_frame_equal(f1, f2.iloc[:len(f1)])
    w10 = f1[f1["window_start"] == pd.Timestamp("2024-03-04 10:00")].iloc[0]
    assert w10["n_new_systems"] == 1 and w10["n_new_ips"] == 1 and w10["new_place"] == 0
    assert w10["n_past_events"] == 1
    # the 10 h hour was never used before (only 9 h): fully unusual
    assert w10["hour_unusualness"] == 1.0
    last = f2.iloc[-1]
    assert last["n_new_systems"] == 0 and last["n_past_events"] == 4
    assert last["hour_unusualness"] == pytest.approx(1 - 2 / 4)  # 2 of 4 past events at 10 h
    night = f2[f2["window_start"] == pd.Timestamp("2024-03-05 03:00")].iloc[0]
    assert night["night_or_weekend"] == 1 and night["new_place"] == 1


def test_holiday_counts_as_off_hours():
    f = window_features(frame([ev("2024-10-03 11:00")]), ACCOUNTS)  # Tag der Deutschen Einheit
    assert f.loc[0, "night_or_weekend"] == 1


def test_brute_force_is_flagged():
    rows = [ev(f"2024-03-04 14:{m:02d}", ip="185.1.1.1", ereignis="login_fail",
               angriff="brute_force") for m in range(20)]
    rows.append(ev("2024-03-04 10:00"))
    f = window_features(frame(rows), ACCOUNTS)
    bf = f[f["label"] == "brute_force"].iloc[0]
    assert bf["n_fail"] == 20 and bf["fail_rate"] == 1.0
    assert rule_hits(f).loc[bf.name, "brute_force"]
    assert rules(f).loc[f["label"] == ""].eq(0).all()


def test_off_hours_admin_and_lateral_movement_rules():
    rows = [ev("2024-03-04 10:00", konto="root", ip="10.0.0.2"),
            ev("2024-03-10 03:00", konto="root", ip="95.1.1.1", angriff="off_hours_admin")]
    rows += [ev(f"2024-03-05 11:{m:02d}", system=f"srv{m}", angriff="lateral_movement")
             for m in range(6)]
    f = window_features(frame(rows), ACCOUNTS)
    hits = rule_hits(f)
    assert hits.loc[f["label"] == "off_hours_admin", "off_hours_admin"].all()
    assert hits.loc[f["label"] == "lateral_movement", "lateral_movement"].all()
    assert f.loc[f["konto"] == "root", "role_admin"].eq(1).all()


def test_source_features_find_spraying():
    rows = [ev("2024-03-04 02:10", konto=f"u{i}", ip="45.9.9.9", ereignis="login_fail",
               angriff="password_spraying") for i in range(30)]
    rows.append(ev("2024-03-04 09:00"))
    s = source_features(frame(rows))
    spray = s[s["quelle_ip"] == "45.9.9.9"].iloc[0]
    assert spray["n_accounts"] == 30 and spray["n_accounts_failed"] == 30
    assert spray["label"] == "password_spraying"
    hits = rule_hits(s)
    assert list(hits.columns) == ["password_spraying"]
    assert hits["password_spraying"].tolist() == (s["quelle_ip"] == "45.9.9.9").tolist()
    # unknown accounts are kept with role "unbekannt"
    f = window_features(frame(rows), ACCOUNTS)
    assert (f.loc[f["konto"] == "u1", "rolle"] == "unbekannt").all()


def test_bad_input_raises_data_error_with_german_message():
    with pytest.raises(DataError) as err:
        window_features(frame([ev("2024-03-04 09:00")]).drop(columns="ort"), ACCOUNTS)
    assert "ort" in err.value.message_de
    with pytest.raises(DataError):
        window_features(frame([ev("2024-03-04 09:00")]).iloc[:0], ACCOUNTS)
    with pytest.raises(DataError):
        window_features(frame([ev("2024-03-04 09:00", ereignis="ok")]), ACCOUNTS)
    with pytest.raises(DataError):
        window_features(frame([ev("2024-03-04 09:00")]), ACCOUNTS, window="eine Stunde")
    with pytest.raises(DataError):
        precision_at_k([1, 2], ["", "x"], 0)
    with pytest.raises(DataError):
        precision_at_k([1, 2], [""], 1)


def test_ranking_metrics_by_hand():
    scores = [0.9, 0.8, 0.7, 0.5, 0.5, 0.1]
    labels = ["brute_force", "", "impossible_travel", "", "lateral_movement", "lateral_movement"]
    assert precision_at_k(scores, labels, 2) == 0.5
    assert precision_at_k(scores, labels, 100) == pytest.approx(4 / 6)
    r = recall_by_type(scores, labels, 3)
    assert r.loc["brute_force", "caught"] and r.loc["impossible_travel", "caught"]
    assert not r.loc["lateral_movement", "caught"]
    assert r.loc["lateral_movement", "n_windows"] == 2
    a = alerts_needed(scores, labels)
    assert a.loc["brute_force", "alerts_first"] == 1
    assert a.loc["impossible_travel", "alerts_first"] == 3
    assert a.loc["lateral_movement", "alerts_first"] == 5  # tie at 0.5: read both
    assert a.loc["lateral_movement", "alerts_all"] == 6
    assert list(a.index)[0] == "brute_force"


# --- a synthetic month: normal rhythms plus injected attacks -------------------------------------

def make_log(n_accounts=60, n_days=28, rate=10.0, seed=0):
    """Normal login rhythms of a town hall plus five kinds of injected attacks (after day 14)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-03-04")  # a Monday
    roles = rng.choice(["mitarbeiter", "admin", "dienstkonto", "schichtdienst"], n_accounts,
                       p=[0.7, 0.1, 0.1, 0.1])
    konten = np.array([f"k{i:04d}" for i in range(n_accounts)])
    accounts = pd.DataFrame({"konto": konten, "rolle": roles, "abteilung": "Amt",
                             "heimat_lat": HOME[1], "heimat_lon": HOME[2]})
    n_ev = rng.poisson(rate * n_days, n_accounts)
    acc = np.repeat(np.arange(n_accounts), n_ev)
    role = roles[acc]
    n = len(acc)
    days = np.arange(n_days)
    workdays = days[(start + pd.to_timedelta(days, "D")).day_of_week < 5]
    day = np.where(np.isin(role, ["mitarbeiter", "admin"]), rng.choice(workdays, n),
                   rng.choice(days, n))
    office_h = np.clip(rng.normal(12, 2.2, n), 7, 18.99)
    shift = np.array([6, 14, 22])[np.arange(n_accounts) % 3][acc]
    hour = np.select([role == "dienstkonto", role == "schichtdienst"],
                     [rng.uniform(0, 24, n), (shift + rng.uniform(0, 8, n)) % 24], office_h)
    zeit = start + pd.to_timedelta(day, "D") + pd.to_timedelta(hour * 3600, "s").round("s")
    home_day = (rng.random((n_accounts, n_days)) < 0.2)[acc, day] & np.isin(
        role, ["mitarbeiter", "admin"])
    n_sys = np.where(role == "admin", 6, 3)
    system = np.char.add("sys", (acc * 7 + rng.integers(0, 99, n) % n_sys).astype(str) )
    log = pd.DataFrame({
        "zeit": zeit, "konto": konten[acc], "system": system,
        "quelle_ip": np.where(home_day, np.char.add("84.0.0.", (acc % 250).astype(str)),
                              np.char.add("10.0.0.", (acc % 250).astype(str))),
        "ort": np.where(home_day, HOME[0], OFFICE[0]),
        "lat": np.where(home_day, HOME[1], OFFICE[1]),
        "lon": np.where(home_day, HOME[2], OFFICE[2]),
        "ereignis": np.where(rng.random(n) < 0.03, "login_fail", "login_ok"),
        "kanal": np.where(home_day, "vpn", "intern"), "angriff": "",
    })
    attacks = []
    office_accounts = konten[roles == "mitarbeiter"]
    admins = konten[roles == "admin"]
    for i in range(3):
        t = start + pd.Timedelta(days=15 + 3 * i, hours=10 + i)
        victim = office_accounts[i]
        attacks += [ev(t + pd.Timedelta(minutes=2 * m), konto=victim, ip=f"185.0.0.{i}",
                       place=("Moskau", 55.75, 37.62), ereignis="login_fail", kanal="vpn",
                       angriff="brute_force") for m in range(20)]
        victim = office_accounts[10 + i]
        attacks += [ev(t, konto=victim, system="sys_x", place=OFFICE),
                    ev(t + pd.Timedelta(minutes=20), konto=victim, ip=f"41.0.0.{i}",
                       place=LAGOS, kanal="vpn", angriff="impossible_travel")]
        attacks.append(ev(start + pd.Timedelta(days=19 + i, hours=3), konto=admins[i % len(admins)],
                          ip=f"95.0.0.{i}", place=("Unbekannt", 50.0, 8.0), kanal="vpn",
                          angriff="off_hours_admin"))
        victim = office_accounts[20 + i]
        attacks += [ev(t + pd.Timedelta(days=1, minutes=5 * m), konto=victim, system=f"srv{m}",
                       angriff="lateral_movement") for m in range(8)]
    for i in range(2):
        t = start + pd.Timedelta(days=16 + 5 * i, hours=2)
        attacks += [ev(t + pd.Timedelta(seconds=30 * j), konto=konten[j], ip=f"45.0.0.{i}",
                       place=("Amsterdam", 52.37, 4.90), ereignis="login_fail", kanal="vpn",
                       angriff="password_spraying") for j in range(40)]
    log = pd.concat([log, pd.DataFrame(attacks)], ignore_index=True)
    return log.sort_values("zeit", kind="stable", ignore_index=True), accounts


@pytest.fixture(scope="module")
def month():
    log, accounts = make_log()
    return log, accounts, window_features(log, accounts, warmup="14D")


def test_detector_beats_random_and_rules_catch_their_types(month):
    log, accounts, f = month
    labels = f["label"]
    base_rate = (labels != "").mean()
    assert 0 < base_rate < 0.05
    det = AnomalyDetector(random_state=0).fit(f)
    scores = det.score_samples(f)
    assert np.array_equal(scores, AnomalyDetector(random_state=0).fit(f).score_samples(f))
    k = 120  # 92 attack windows, 80 of them from password spraying
    assert precision_at_k(scores, labels, k) > 10 * base_rate
    assert precision_at_k(scores, labels, 20) > 0.9
    assert recall_by_type(scores, labels, k)["caught"].all()

    hits = rule_hits(f)
    for kind in ["brute_force", "impossible_travel", "off_hours_admin", "lateral_movement"]:
        assert hits.loc[labels == kind, kind].all(), kind
    rule_score = rules(f)
    assert precision_at_k(rule_score, labels, int((rule_score > 0).sum())) > 0.5
    needed = alerts_needed(rule_score, labels)
    assert (needed.loc[["brute_force", "impossible_travel", "off_hours_admin",
                        "lateral_movement"], "alerts_all"] <= (rule_score > 0).sum()).all()
    s = source_features(log)
    s = s[s["window_start"] >= log["zeit"].min() + pd.Timedelta("14D")]
    spray = rule_hits(s)["password_spraying"]
    assert spray[s["label"] == "password_spraying"].all() and spray.sum() == 2


def test_detector_uses_no_label_and_default_features(month):
    _, _, f = month
    det = AnomalyDetector(random_state=1).fit(f)
    assert "label" not in det.feature_names_in_
    assert list(det.feature_names_in_) == FEATURE_COLUMNS
    with pytest.raises(DataError):
        det.score_samples(f.drop(columns="n_fail"))


def test_features_work_on_300k_events():
    log, accounts = make_log(n_accounts=1000, n_days=30, rate=10.0, seed=1)
    assert len(log) > 290_000
    f = window_features(log, accounts)
    assert len(source_features(log)) > 0
    assert len(f) > 50_000


def test_results_do_not_depend_on_row_order():
    """Pseudonyms with a fresh key reorder accounts; detector and metrics must not care."""
    rng = np.random.default_rng(3)
    feats = pd.DataFrame({c: rng.poisson(2, 400).astype(float) for c in
                          ("n_events", "n_fail", "n_distinct_systems", "n_new_systems")})
    labels = np.where(rng.random(400) < 0.05, "brute_force", "")
    perm = rng.permutation(400)
    cols = list(feats.columns)
    a = AnomalyDetector(cols, random_state=0).fit(feats).score_samples(feats)
    b = AnomalyDetector(cols, random_state=0).fit(feats.iloc[perm]).score_samples(feats)
    assert np.allclose(a, b)
    tied = feats["n_fail"].to_numpy()  # integer scores: many ties at any cutoff
    assert precision_at_k(tied, labels, 20) == pytest.approx(
        precision_at_k(tied[perm], labels[perm], 20))
    r1, r2 = recall_by_type(tied, labels, 20), recall_by_type(tied[perm], labels[perm], 20)
    assert np.allclose(r1["n_in_top_k"], r2["n_in_top_k"])
    # Hand example: scores 3, 2, 2, 1 with labels x, "", x, "": top 2 = the 3 and half of each 2.
    assert precision_at_k([3, 2, 2, 1], ["x", "", "x", ""], 2) == pytest.approx(0.75)
