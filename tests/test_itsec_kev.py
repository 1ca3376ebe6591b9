"""KEV matching: normalisation, tricky pairs, quality on a labelled sample, priority, action list."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.itsec import kev as K

TODAY = "2025-09-01"

# Vendor/product strings exactly as in the real catalogue (one CVE each, invented ids).
KEV_ROWS = [
    ("Microsoft", "Exchange Server", "Known", "2021-03-03", "2021-04-16"),
    ("Microsoft", "Exchange", "Unknown", "2022-03-28", "2022-04-18"),
    ("Microsoft", "Windows", "Unknown", "2025-08-20", "2025-09-10"),
    ("Citrix", "NetScaler ADC and NetScaler Gateway", "Known", "2023-07-19", "2023-08-09"),
    ("Citrix", "Application Delivery Controller (ADC) and Gateway", "Known", "2022-01-10",
     "2022-07-10"),
    ("Fortinet", "FortiOS", "Known", "2024-02-09", "2024-02-16"),
    ("Ivanti", "Pulse Connect Secure", "Known", "2021-11-03", "2021-11-17"),
    ("VMware", "vCenter Server", "Unknown", "2025-08-01", "2025-09-30"),
    ("Cisco", "IOS and IOS XE Software", "Unknown", "2022-03-03", "2022-03-17"),
    ("Apache", "Log4j2", "Known", "2021-12-10", "2021-12-24"),
    ("Apache", "Tomcat", "Unknown", "2022-05-25", "2022-06-15"),
]


@pytest.fixture
def kev():
    rows = []
    for i, (vendor, product, ransom, added, due) in enumerate(KEV_ROWS):
        rows.append({"cveID": f"CVE-2099-{1000 + i}", "vendorProject": vendor,
                     "product": product, "vulnerabilityName": f"{product} Vulnerability",
                     "dateAdded": pd.Timestamp(added), "shortDescription": "",
                     "requiredAction": "Apply mitigations per vendor instructions.",
                     "dueDate": pd.Timestamp(due), "knownRansomwareCampaignUse": ransom})
    frame = pd.DataFrame(rows)
    frame["ransomware"] = frame["knownRansomwareCampaignUse"] == "Known"
    return frame


def inventory(rows):
    frame = pd.DataFrame(rows, columns=["asset_id", "vendor", "product"])
    frame["version"] = ""
    frame["exposure"] = "intern"
    frame["criticality"] = "mittel"
    frame["department"] = "IT"
    return frame


# --- normalise_name ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("MS Exchange Server 2019", "microsoft exchange"),
    ("Microsoft Corporation", "microsoft"),
    ("MSFT Windows Server 2012 R2", "microsoft windows"),
    ("Citrix ADC 13.1", "netscaler adc"),
    ("Application Delivery Controller (ADC)", "netscaler adc"),
    ("FortiGate 60F FortiOS 7.2.4", "fortios"),
    ("Pulse Secure VPN", "pulse connect secure vpn"),
    ("vCenter Server 8.0 U2", "vcenter"),
    ("Citrix Systems GmbH", "citrix"),
    ("Bürgerbüro-Software v2", "buergerbuero"),
    ("VOIS|MESO", "vois meso"),
    ("OK.EWO", "ok ewo"),
    ("ProSoz 14", "prosoz"),
    ("Log4j 2.14", "log4j"),
    ("Log4j2", "log4j"),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
])
def test_normalise_name(text, expected):
    assert K.normalise_name(text) == expected


def test_vendor_key_follows_acquisitions():
    assert K.vendor_key("Pulse Secure") == "ivanti"
    assert K.vendor_key("Ivanti") == "ivanti"
    assert K.vendor_key("MS") == "microsoft"


# --- match_inventory on tricky pairs --------------------------------------------------------

@pytest.mark.parametrize(("vendor", "product", "kev_vendor", "kev_product"), [
    ("Microsoft", "MS Exchange 2019", "Microsoft", "Exchange Server"),
    ("MS", "Exchange Server 2016 CU23", "Microsoft", "Exchange Server"),
    ("", "Microsoft Exchange 2013", "Microsoft", "Exchange Server"),
    ("Citrix", "Citrix ADC 13.1", "Citrix", "NetScaler ADC and NetScaler Gateway"),
    ("Citrix", "Citrix ADC 13.1", "Citrix", "Application Delivery Controller (ADC) and Gateway"),
    ("Fortinet", "FortiGate 60F FortiOS 7.2", "Fortinet", "FortiOS"),
    ("Pulse Secure", "Pulse Secure VPN", "Ivanti", "Pulse Connect Secure"),
    ("VMware", "vCenter 7", "VMware", "vCenter Server"),
    ("Cisco", "IOS XE 17.3", "Cisco", "IOS and IOS XE Software"),
    ("Apache Software Foundation", "Log4j 2.14", "Apache", "Log4j2"),
])
def test_tricky_pairs_match(kev, vendor, product, kev_vendor, kev_product):
    matches = K.match_inventory(inventory([("A1", vendor, product)]), kev)
    row = matches[(matches["kev_vendor"] == kev_vendor) & (matches["kev_product"] == kev_product)]
    assert len(row) == 1, matches
    assert row["status"].iat[0] == "match"
    assert row["score"].iat[0] >= K.DEFAULT_THRESHOLD


@pytest.mark.parametrize(("vendor", "product", "wrong_product"), [
    ("Microsoft", "Microsoft Exchange", "Windows"),
    ("Microsoft", "Windows 11", "Exchange Server"),
    ("Cisco", "Cisco Webex", "IOS and IOS XE Software"),
    ("Apache", "Apache Tomcat 9", "Log4j2"),
    ("Apache", "Log4j 2.17", "Tomcat"),
    ("Fortinet", "FortiGate 60F", "NetScaler ADC and NetScaler Gateway"),
])
def test_wrong_products_do_not_match(kev, vendor, product, wrong_product):
    matches = K.match_inventory(inventory([("A1", vendor, product)]), kev)
    assert wrong_product not in set(matches["kev_product"])


@pytest.mark.parametrize(("vendor", "product"), [
    ("HSH", "VOIS|MESO"), ("Kommunix", "OK.EWO"), ("Sozialwerk", "ProSoz 14"),
    ("Cisco", "Webex Meetings"), ("Microsoft", "Teams"),
])
def test_municipal_and_unrelated_products_match_nothing(kev, vendor, product):
    assert K.match_inventory(inventory([("A1", vendor, product)]), kev).empty


def test_product_match_with_other_vendor_does_not_pass(kev):
    # Same product words, different vendor: vendor agreement is required.
    matches = K.match_inventory(inventory([("A1", "Acme", "Exchange Server"),
                                           ("A2", "Juniper", "FortiOS")]), kev)
    assert matches.empty


def test_review_band_and_columns(kev):
    matches = K.match_inventory(inventory([("A1", "Pulse Secure", "Pulse Secure VPN")]), kev,
                                threshold=0.95, review_band=0.1)
    assert list(matches.columns) == ["asset_id", "vendor", "product", "kev_vendor",
                                     "kev_product", "score", "status", "method", "n_cves",
                                     "inventory_key", "kev_key", "explanation"]
    assert matches["status"].tolist() == ["pruefen"]
    assert 0.85 <= matches["score"].iat[0] < 0.95
    assert "Prüfbereich" in matches["explanation"].iat[0]
    assert matches["method"].iat[0] == "tfidf"
    exact = K.match_inventory(inventory([("A1", "VMware", "vCenter 7")]), kev)
    assert exact["method"].tolist() == ["exakt"] and exact["score"].tolist() == [1.0]


@pytest.mark.parametrize(("threshold", "band"), [(0, 0.1), (1.2, 0.1), (0.8, 0.8), (0.8, -0.1),
                                                 ("0.8", 0.1)])
def test_bad_threshold_is_rejected(kev, threshold, band):
    with pytest.raises(ParameterError):
        K.match_inventory(inventory([("A1", "MS", "Exchange")]), kev, threshold=threshold,
                          review_band=band)


# --- matching_quality ------------------------------------------------------------------------

def test_matching_quality_hand_computed():
    matches = pd.DataFrame([
        # A1 correct (other KEV spelling of the labelled family), A2 wrong product,
        # A3 predicted but labelled "no KEV product", A4 only in review, A6 not labelled.
        ("A1", "Microsoft", "Exchange", 1.0, "match", 1),
        ("A2", "Microsoft", "Windows", 0.9, "match", 150),
        ("A3", "Cisco", "IOS XR", 0.85, "match", 6),
        ("A4", "VMware", "vCenter Server", 0.75, "pruefen", 9),
        ("A6", "Fortinet", "FortiOS", 1.0, "match", 8),
    ], columns=["asset_id", "kev_vendor", "kev_product", "score", "status", "n_cves"])
    labels = pd.DataFrame([
        ("A1", "Microsoft", "Exchange Server"),
        ("A2", "Microsoft", "Exchange Server"),
        ("A3", "", ""),
        ("A4", "VMware", "vCenter Server"),
        ("A5", None, None),
    ], columns=["asset_id", "kev_vendor", "kev_product"])
    quality = K.matching_quality(matches, labels)
    # tp: A1; fp: A2 (wrong), A3 (no label); fn: A2, A4. A5 true negative, A6 ignored.
    assert (quality["tp"], quality["fp"], quality["fn"]) == (1, 2, 2)
    assert quality["precision"] == pytest.approx(1 / 3)
    assert quality["recall"] == pytest.approx(1 / 3)
    assert quality["f1"] == pytest.approx(1 / 3)
    assert quality["n_assets"] == 5


def test_matching_quality_takes_best_row_per_asset():
    matches = pd.DataFrame([
        ("A1", "Cisco", "IOS XR", 0.82, "match", 6),
        ("A1", "Cisco", "IOS and IOS XE Software", 1.0, "match", 14),
    ], columns=["asset_id", "kev_vendor", "kev_product", "score", "status", "n_cves"])
    labels = pd.DataFrame([("A1", "Cisco", "IOS XE Software")],
                          columns=["asset_id", "kev_vendor", "kev_product"])
    assert K.matching_quality(matches, labels)["tp"] == 1
    empty = K.matching_quality(matches.iloc[:0], labels)
    assert (empty["precision"], empty["recall"], empty["fn"]) == (0.0, 0.0, 1)


# --- real catalogue --------------------------------------------------------------------------

# Hand-labelled sample of messy inventory rows: asset, vendor, product, KEV vendor, KEV product.
SAMPLE = [
    ("A01", "Microsoft", "MS Exchange 2019", "Microsoft", "Exchange Server"),
    ("A02", "MS", "Exchange Server 2016 CU23", "Microsoft", "Exchange Server"),
    ("A03", "Citrix", "Citrix ADC 13.1", "Citrix", "NetScaler ADC and NetScaler Gateway"),
    ("A04", "Citrix Systems GmbH", "NetScaler ADC 14.1-12.35", "Citrix",
     "NetScaler ADC and NetScaler Gateway"),
    ("A05", "Fortinet", "FortiGate 60F FortiOS 7.2", "Fortinet", "FortiOS"),
    ("A06", "Fortinet Inc.", "FortiOS 7.0.12", "Fortinet", "FortiOS"),
    ("A07", "Pulse Secure", "Pulse Secure VPN", "Ivanti", "Pulse Connect Secure"),
    ("A08", "VMware", "vCenter 7", "VMware", "vCenter Server"),
    ("A09", "VMware, Inc.", "vCenter Server 8.0 U2", "VMware", "vCenter Server"),
    ("A10", "VMware", "ESXi 7.0", "VMware", "ESXi"),
    ("A11", "HSH", "VOIS|MESO", "", ""),
    ("A12", "Kommunix", "OK.EWO", "", ""),
    ("A13", "Sozialwerk", "ProSoz 14", "", ""),
    ("A14", "Microsoft", "Windows Server 2019", "Microsoft", "Windows"),
    ("A15", "Microsoft", "Windows 10 Enterprise 22H2", "Microsoft", "Windows"),
    ("A16", "Cisco", "Webex Meetings", "", ""),
    ("A17", "Cisco", "IOS XE 17.3", "Cisco", "IOS XE Software"),
    ("A18", "Apache", "Tomcat 9.0.65", "Apache", "Tomcat"),
    ("A19", "Apache Software Foundation", "Log4j 2.14", "Apache", "Log4j2"),
    ("A20", "Microsoft", "SharePoint Server 2019", "Microsoft", "SharePoint"),
    ("A21", "Microsoft", "Office 365 Apps", "Microsoft", "Office"),
    ("A22", "Adobe", "Acrobat Reader DC", "Adobe", "Acrobat and Reader"),
    ("A23", "Mozilla", "Firefox ESR 115", "Mozilla", "Firefox"),
    ("A24", "Google", "Chrome 126", "Google", "Chrome"),
    ("A25", "Sophos", "Sophos Firewall XGS", "Sophos", "Firewall"),
    ("A26", "Dataport", "OpenR@thaus", "", ""),
    ("A27", "Datev", "DATEV Arbeitsplatz", "", ""),
    ("A28", "SAP", "NetWeaver 7.5", "SAP", "NetWeaver"),
    ("A29", "Oracle", "WebLogic Server 12c", "Oracle", "WebLogic Server"),
    ("A30", "Atlassian", "Confluence Data Center 7.19", "Atlassian",
     "Confluence Data Center and Server"),
    ("A31", "Zimbra", "Zimbra Collaboration Suite 9", "Synacor",
     "Zimbra Collaboration Suite (ZCS)"),
    ("A32", "Microsoft", "Exchange Online", "", ""),  # cloud service, patched by Microsoft
    ("A33", "Ivanti", "Endpoint Manager 2022", "Ivanti", "Endpoint Manager (EPM)"),
    ("A34", "Veeam", "Backup & Replication 12", "Veeam", "Backup & Replication"),
    ("A35", "Paessler", "PRTG Network Monitor", "Paessler", "PRTG Network Monitor"),
    ("A36", "Cisco", "ASA 5506-X", "Cisco", "Adaptive Security Appliance (ASA)"),
    ("A37", "Microsoft", "SQL Server 2019", "Microsoft", "SQL Server"),
    ("A38", "Microsoft", "Teams", "", ""),
    ("A39", "Citrix", "Citrix Workspace App", "Citrix",
     "Workspace Application and Receiver for Windows"),
    ("A40", "Palo Alto Networks", "PAN-OS 10.2", "Palo Alto Networks", "PAN-OS"),
    ("A41", "SonicWall", "SonicOS 7", "SonicWall", "SonicOS"),
    ("A42", "Apple", "iOS 17", "Apple", "iOS"),
    ("A43", "Zyxel", "USG FLEX 200", "", ""),
    ("A44", "Materna", "Fachverfahren Meldewesen", "", ""),
    ("A45", "", "Microsoft Exchange 2013", "Microsoft", "Exchange Server"),
    ("A46", "Apache", "HTTP Server 2.4.49", "Apache", "HTTP Server"),
]


@pytest.fixture(scope="module")
def real_kev(realdata):
    return K.load_kev(realdata / "cisa_kev" / "known_exploited_vulnerabilities.csv")


@pytest.fixture(scope="module")
def sample():
    inv = inventory([row[:3] for row in SAMPLE])
    labels = pd.DataFrame([(r[0], r[3], r[4]) for r in SAMPLE],
                          columns=["asset_id", "kev_vendor", "kev_product"])
    return inv, labels


def test_load_kev_real(real_kev):
    assert len(real_kev) == 1404
    assert pd.api.types.is_datetime64_any_dtype(real_kev["dateAdded"])
    assert pd.api.types.is_datetime64_any_dtype(real_kev["dueDate"])
    assert real_kev["ransomware"].dtype == bool
    assert int(real_kev["ransomware"].sum()) == 293
    assert real_kev["cveID"].str.fullmatch(r"CVE-\d{4}-\d{4,}").all()


def test_load_kev_default_uses_catalogue(realdata, monkeypatch):
    monkeypatch.setenv("URBANKI_DATA_DIR", str(realdata))
    assert len(K.load_kev()) == 1404


def test_sample_labels_are_real_kev_strings(real_kev, sample):
    pairs = set(zip(real_kev["vendorProject"], real_kev["product"], strict=True))
    labelled = {(v, p) for _, v, p in sample[1].itertuples(index=False) if p}
    assert labelled <= pairs


def test_quality_on_labelled_sample_with_real_kev(real_kev, sample):
    inv, labels = sample
    matches = K.match_inventory(inv, real_kev)
    quality = K.matching_quality(matches, labels)
    # 36 assets have a KEV product; 3 land in the review band (Office 365 Apps, Acrobat Reader
    # DC, Sophos Firewall XGS), none is matched wrongly.
    assert (quality["tp"], quality["fp"], quality["fn"]) == (33, 0, 3)
    assert quality["precision"] == 1.0
    assert quality["recall"] == pytest.approx(33 / 36)
    review = set(matches.loc[matches["status"] == "pruefen", "asset_id"])
    assert {"A21", "A22", "A25", "A32"} <= review  # misses and Exchange Online
    matched = set(matches.loc[matches["status"] == "match", "asset_id"])
    assert not matched & {"A11", "A12", "A13", "A16", "A26", "A27", "A32", "A38", "A43", "A44"}


def test_threshold_choice_on_labelled_sample(real_kev, sample):
    inv, labels = sample

    def quality(threshold):
        return K.matching_quality(K.match_inventory(inv, real_kev, threshold=threshold,
                                                    review_band=0.0), labels)

    low, chosen, high = quality(0.7), quality(K.DEFAULT_THRESHOLD), quality(0.9)
    assert low["fp"] > 0 and chosen["fp"] == 0  # 0.7 lets Exchange Online through
    assert chosen["recall"] > high["recall"]  # 0.9 loses Endpoint Manager and Zimbra
    # The rule: the lowest threshold without false matches (highest recall at precision 1);
    # 0.7 names the wrong product for two assets (Exchange Online, Sophos).
    grid = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)
    clean = [t for t in grid if quality(t)["fp"] == 0]
    assert min(clean) == K.DEFAULT_THRESHOLD


# --- findings, priority, action list ---------------------------------------------------------

def test_findings_columns_and_values(kev):
    inv = inventory([("A1", "Microsoft", "MS Exchange 2019"), ("A2", "HSH", "VOIS|MESO"),
                     ("A3", "VMware", "vCenter 7")])
    found = K.findings(K.match_inventory(inv, kev), inv, kev, today=TODAY)
    assert list(found.columns) == K.FINDING_COLUMNS
    # Exchange matches both KEV spellings (2 CVEs, newest first), vCenter one, VOIS nothing.
    assert found["asset_id"].tolist() == ["A1", "A1", "A3"]
    assert found["kev_product"].tolist() == ["Exchange", "Exchange Server", "vCenter Server"]
    assert found["ransomware"].tolist() == [False, True, False]
    assert found["age_days"].tolist() == [(pd.Timestamp(TODAY) - pd.Timestamp(d)).days
                                          for d in ("2022-03-28", "2021-03-03", "2025-08-01")]
    assert found["days_past_due"].tolist()[-1] == -29  # due 2025-09-30


def test_fuzzy_sibling_of_exact_match_goes_to_review(kev):
    siblings = pd.concat([kev, kev.iloc[[3]].assign(product="SD-WAN and NetScaler",
                                                    cveID="CVE-2019-12991")])
    matches = K.match_inventory(inventory([("A1", "Citrix", "Citrix ADC 13.1")]), siblings)
    status = dict(zip(matches["kev_product"], matches["status"], strict=True))
    assert status["NetScaler ADC and NetScaler Gateway"] == "match"
    assert status["SD-WAN and NetScaler"] == "pruefen"
    without_exact = K.match_inventory(inventory([("A1", "Citrix", "NetScaler 13.1")]), siblings)
    assert "match" in set(without_exact["status"])


def test_findings_ignore_review_rows(kev):
    inv = inventory([("A1", "Pulse Secure", "Pulse Secure VPN")])
    matches = K.match_inventory(inv, kev, threshold=0.95)
    assert set(matches["status"]) == {"pruefen"}
    assert K.findings(matches, inv, kev, today=TODAY).empty


def one_finding(exposure, criticality, ransomware, due, added="2025-08-20"):
    return {"asset_id": "A1", "cveID": "CVE-2099-1", "exposure": exposure,
            "criticality": criticality, "ransomware": ransomware,
            "dateAdded": pd.Timestamp(added), "dueDate": pd.Timestamp(due)}


def test_priority_components_and_explanation():
    frame = pd.DataFrame([one_finding("internet", "hoch", True, "2025-08-01", "2025-07-01"),
                          one_finding("intern", "niedrig", False, "2025-12-01", "2023-01-01")])
    scored = K.priority_score(frame, today=TODAY)
    top, bottom = scored.iloc[0], scored.iloc[1]
    assert (top.points_ransomware, top.points_exposure, top.points_criticality,
            top.points_overdue) == (30, 25, 20, 15)
    # Added 62 days before today: 10 * (1 - (62 - 30) / 335), rounded to 0.1.
    assert top.points_recency == pytest.approx(9.0)
    assert top.priority == pytest.approx(99.0)
    assert bottom.priority == 0
    assert "Ransomware-Nutzung bekannt (+30)" in top.explanation
    assert "seit 31 Tagen überschritten" in top.explanation
    assert "noch 91 Tage" in bottom.explanation
    assert scored["priority"].between(0, 100).all()


def test_priority_is_monotone():
    exposures = ["intern", "internet"]
    levels = ["niedrig", "mittel", "hoch"]
    dues = ["2025-12-31", "2025-08-01"]  # not yet due, overdue
    combos = list(itertools.product(range(2), range(3), range(2), range(2)))
    rows = [one_finding(exposures[e], levels[c], bool(r), dues[d]) for e, c, r, d in combos]
    frame = pd.DataFrame(rows)
    frame["cveID"] = [f"CVE-2099-{i}" for i in range(len(frame))]
    scored = K.priority_score(frame, today=TODAY).set_index("cveID")["priority"]
    score = {combo: scored[f"CVE-2099-{i}"] for i, combo in enumerate(combos)}
    for combo in combos:
        for axis, top in enumerate((1, 2, 1, 1)):
            if combo[axis] < top:
                higher = list(combo)
                higher[axis] += 1
                assert score[tuple(higher)] > score[combo], (combo, axis)
    assert len(set(score.values())) > 10


def test_priority_rejects_unknown_values():
    frame = pd.DataFrame([one_finding("dmz", "hoch", True, "2025-08-01")])
    with pytest.raises(DataError) as info:
        K.priority_score(frame, today=TODAY)
    assert "dmz" in info.value.message_de
    with pytest.raises(ParameterError):
        K.priority_score(frame, today="gestern")


def test_action_list(kev):
    inv = inventory([("A1", "Microsoft", "MS Exchange 2019"), ("A2", "VMware", "vCenter 7"),
                     ("A3", "Fortinet", "FortiGate 60F FortiOS 7.2")])
    inv.loc[2, ["exposure", "criticality", "department"]] = ["internet", "hoch", "Hauptamt"]
    scored = K.priority_score(K.findings(K.match_inventory(inv, kev), inv, kev, today=TODAY),
                              today=TODAY)
    actions = K.action_list(scored)
    assert list(actions.columns) == K.ACTION_COLUMNS
    assert actions["Rang"].tolist() == [1, 2, 3, 4]
    assert actions["Punkte"].is_monotonic_decreasing
    first = actions.iloc[0]
    assert (first["Asset"], first["Fachbereich"], first["Ransomware"]) == ("A3", "Hauptamt", "ja")
    assert first["Produkt"] == "Fortinet FortiGate 60F FortiOS 7.2"
    assert first["IT-Grundschutz-Baustein"] == "NET.3.2 Firewall"
    assert first["Maßnahme (CISA)"].startswith("Apply mitigations")
    modules = dict(zip(actions["Asset"], actions["IT-Grundschutz-Baustein"], strict=False))
    assert modules["A1"] == "APP.5.2 Microsoft Exchange und Outlook"
    assert modules["A2"] == "SYS.1.5 Virtualisierung"
    assert K.action_list(scored, top=2)["Asset"].tolist() == actions["Asset"].tolist()[:2]
    with pytest.raises(ParameterError):
        K.action_list(scored, top=0)


@pytest.mark.parametrize(("vendor", "product", "inventory_product", "module"), [
    ("Microsoft", "Exchange Server", "MS Exchange 2019", "APP.5.2 Microsoft Exchange und Outlook"),
    ("Ivanti", "Pulse Connect Secure", "Pulse Secure VPN", "NET.3.3 VPN"),
    ("Citrix", "NetScaler ADC and NetScaler Gateway", "Citrix ADC", "NET.3.3 VPN"),
    ("Fortinet", "FortiOS", "FortiGate", "NET.3.2 Firewall"),
    ("VMware", "ESXi", "ESXi 7", "SYS.1.5 Virtualisierung"),
    ("Apache", "Tomcat", "Tomcat 9", "APP.3.2 Webserver"),
    ("Microsoft", "Windows", "Windows Server 2019", "SYS.1.1 Allgemeiner Server"),
    ("Microsoft", "Windows", "Windows 11", "SYS.2.1 Allgemeiner Client"),
    ("Apple", "iOS", "iPhone", K.GRUNDSCHUTZ_FALLBACK),
    ("SAP", "NetWeaver", "NetWeaver 7.5", "OPS.1.1.3 Patch- und Änderungsmanagement"),
])
def test_grundschutz_module(vendor, product, inventory_product, module):
    assert K.grundschutz_module(vendor, product, inventory_product) == module
