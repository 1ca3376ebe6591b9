"""Generate the synthetic IT inventory and login logs of the fictional city of Musterstadt (NRW).

All data is SYNTHETIC: assets, accounts, IP addresses and login events come from a random
generator with a fixed seed. Real are only the vendor and product names of the CISA Known
Exploited Vulnerabilities catalogue (KEV) used in the labels, typed in below (the generator does
not read the KEV file, so it runs offline), and the NRW public holiday 2024-11-01 (Allerheiligen).
Running the script twice gives byte-identical files::

    python datasets/musterstadt_it/generate.py [--out DIR]

Files written (times are local wall-clock times in Europe/Berlin without offset):

- ``inventar.csv``           IT inventory (excerpt): 300 assets with messy vendor/product names
- ``inventar_labels.csv``    hand-labelled sample: the exact KEV vendorProject/product per asset
                             (both empty when the product is not in KEV)
- ``konten.csv``             300 accounts with department, role and home area
- ``anmeldungen.csv.gz``     authentication and VPN events 2024-10-07 .. 2024-11-17 with injected,
                             labelled attacks (column ``angriff``)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

from urbanki_helpers.atomic import gzip_bytes, write_bytes
from urbanki_helpers.data.synthetic import generator_main

SEED = 20241007
FIRST_DAY = dt.date(2024, 10, 7)  # Monday
N_DAYS = 42  # six weeks, up to Sunday 2024-11-17
HOLIDAYS = {dt.date(2024, 11, 1)}  # Allerheiligen (NRW)
N_ASSETS = 300
LABEL_SHARE_OTHERS = 0.25  # share of the non-KEV assets that are hand-labelled as well

# --- Inventory ----------------------------------------------------------------------------------
# (KEV vendorProject, KEV product, asset_type, probability of exposure 'internet', criticalities,
#  number of assets, departments (None = IT), spelling variants (vendor, product, version)).
# The KEV strings are the exact ones of the CISA catalogue (cisagov/kev-data, 2025-08-25).
KEV_TEMPLATES = [
    ("Microsoft", "Exchange Server", "server", 0.67, ("hoch",), 3, None, [
        ("Microsoft", "Exchange Server 2019", "CU14"), ("MS", "Exchange 2019", "15.2.1544"),
        ("Msft", "MS Exchange 2016 CU23", ""), ("microsoft", "exchange srv", "2019 CU13")]),
    ("Microsoft", "Windows", "server", 0.0, ("hoch", "mittel"), 12, None, [
        ("Microsoft", "Windows Server 2019 Standard", ""), ("MS", "Win Srv 2016", "1607"),
        ("Microsoft", "Windows Server", "2022 Datacenter"),
        ("Microsoft Corp.", "Windows Server 2012 R2", ""),
        ("Msft", "Windows Svr 2019 Std", "10.0.17763")]),
    ("Microsoft", "Windows", "client", 0.0, ("mittel", "niedrig"), 14, "all", [
        ("Microsoft", "Windows 10 Enterprise", "22H2"), ("MS", "Win10 Ent 21H2", ""),
        ("Microsoft", "Windows 11 Pro", "23H2"), ("microsoft", "windows 10 pro", ""),
        ("Microsoft", "Windos 10 Enterprise LTSC", "2019")]),
    ("Microsoft", "Active Directory", "server", 0.0, ("hoch",), 2, None, [
        ("Microsoft", "Active Directory Domänencontroller", "Server 2019"),
        ("MS", "AD DS (DC)", "2016")]),
    ("Microsoft", "SharePoint Server", "server", 0.0, ("mittel",), 2, None, [
        ("Microsoft", "SharePoint Server 2016", ""), ("MS", "Sharepoint 2019", "16.0.10337")]),
    ("Microsoft", "SQL Server", "server", 0.0, ("hoch",), 3, None, [
        ("Microsoft", "SQL Server 2016 SP3", ""), ("MS", "MSSQL 2019", "15.0.4335"),
        ("Microsoft", "SQL Server Standard", "2017")]),
    ("Microsoft", "Office", "client", 0.0, ("niedrig",), 3, "all", [
        ("Microsoft", "Office 2016 Professional Plus", ""), ("MS", "Office LTSC 2021", "16.0"),
        ("Microsoft", "MS Office 2019", "")]),
    ("Microsoft", "Internet Explorer", "client", 0.0, ("niedrig",), 2, "all", [
        ("Microsoft", "Internet Explorer 11", ""),
        ("MS", "IE11 (Fachverfahren-Kompatibilität)", "")]),
    ("Microsoft", "Remote Desktop Services", "server", 1.0, ("hoch",), 1, None, [
        ("Microsoft", "Remotedesktopdienste Gateway", "2019")]),
    ("Citrix", "NetScaler ADC and NetScaler Gateway", "vpn", 1.0, ("hoch",), 2, None, [
        ("Citrix", "Citrix ADC 13.1", "13.1-49.15"), ("Citrix Systems", "NetScaler Gateway VPX", ""),
        ("citrix", "Netscaler ADC Appliance", "14.1")]),
    ("Citrix", "Workspace Application and Receiver for Windows", "client", 0.0, ("niedrig",), 2,
     "all", [("Citrix", "Workspace App", "2203 LTSR"),
             ("Citrix", "Citrix Receiver für Windows", "4.9")]),
    ("Fortinet", "FortiOS", "sicherheit", 0.75, ("hoch",), 4, None, [
        ("Fortinet", "FortiGate 60F FortiOS 7.2", ""), ("Fortinet Inc.", "Fortigate 100F", "FortiOS 7.0.12"),
        ("fortinet", "FortiGate-VM64", "v7.4.1"), ("Fortinet", "FortiGate Firewall Schulnetz", "6.4.9")]),
    ("Ivanti", "Pulse Connect Secure", "vpn", 1.0, ("hoch",), 1, None, [
        ("Pulse Secure", "PCS 9.1R11", ""), ("Ivanti", "Pulse Connect Secure VPN Appliance", "9.1R14")]),
    ("VMware", "vCenter Server", "server", 0.0, ("hoch",), 2, None, [
        ("VMware", "vCenter Server Appliance", "7.0 U3"), ("VMWare", "vCenter 8", "8.0.1")]),
    ("VMware", "ESXi", "server", 0.0, ("hoch",), 4, None, [
        ("VMware", "ESXi", "7.0.3"), ("vmware", "ESXi Host (vSphere 7)", ""),
        ("VMware Inc.", "VMware ESXi 8.0 U1", "")]),
    ("Atlassian", "Confluence Server and Data Center", "server", 0.0, ("mittel",), 1, None, [
        ("Atlassian", "Confluence (IT-Wiki)", "7.13.7")]),
    ("Cisco", "IOS and IOS XE Software", "netzwerk", 0.0, ("mittel",), 6, None, [
        ("Cisco", "Catalyst 9300 IOS-XE 17.3", ""), ("Cisco Systems", "Catalyst 2960-X", "IOS 15.2(7)E"),
        ("cisco", "C9200L Switch", "IOS XE 17.6"), ("Cisco", "ISR 4331 Router", "IOS XE 16.9")]),
    ("Cisco", "Adaptive Security Appliance (ASA)", "sicherheit", 1.0, ("hoch",), 1, None, [
        ("Cisco", "ASA 5516-X Firewall", "9.8(4)")]),
    ("Oracle", "WebLogic Server", "server", 0.0, ("mittel",), 1, ["Bürgeramt/Meldewesen"], [
        ("Oracle", "Weblogic 12c", "12.2.1.4")]),
    ("Oracle", "Java SE", "client", 0.0, ("niedrig",), 3, "all", [
        ("Oracle", "Java 8 Update 381", ""), ("Oracle Corporation", "JRE", "1.8.0_351")]),
    ("SAP", "NetWeaver", "server", 0.0, ("hoch",), 1, ["Kämmerei"], [
        ("SAP", "SAP NetWeaver AS Java", "7.50")]),
    ("Apache", "Log4j2", "server", 0.0, ("mittel",), 2, None, [
        ("Apache", "log4j 2.14.1 (eingebettet)", ""), ("Apache Software Foundation", "Log4j", "2.17.1")]),
    ("Apache", "HTTP Server", "server", 1.0, ("mittel",), 2, None, [
        ("Apache", "httpd", "2.4.49"),
        ("Apache Software Foundation", "Apache HTTP Server (Bürgerportal)", "2.4.57")]),
    ("Apache", "Tomcat", "server", 0.5, ("mittel",), 2, None, [
        ("Apache", "Tomcat 9", "9.0.65"), ("apache", "Apache Tomcat Server", "8.5")]),
    ("Synacor", "Zimbra Collaboration Suite (ZCS)", "server", 1.0, ("mittel",), 1, ["Schulen"], [
        ("Zimbra", "Zimbra Collaboration 8.8.15", "")]),
    ("Palo Alto Networks", "PAN-OS", "sicherheit", 1.0, ("hoch",), 2, None, [
        ("Palo Alto", "PA-3220 PAN-OS 10.2", ""), ("PaloAlto Networks", "PA-850 Firewall", "PAN-OS 11.0.2")]),
    ("SonicWall", "SMA100 Appliances", "vpn", 1.0, ("hoch",), 1, ["Schulen"], [
        ("SonicWall", "SMA 200 Appliance", "10.2.1")]),
    ("Veeam", "Backup & Replication", "server", 0.0, ("hoch",), 1, None, [
        ("Veeam", "Veeam B&R 12", "12.0.0.1420")]),
    ("Progress", "MOVEit Transfer", "server", 1.0, ("hoch",), 1, None, [
        ("Progress", "MOVEit Transfer 2023.0", "")]),
    ("Sophos", "XG Firewall", "sicherheit", 1.0, ("hoch",), 1, ["Schulen"], [
        ("Sophos", "XG 330 Firewall Appliance", "SFOS 19.0")]),
    ("Adobe", "Acrobat and Reader", "client", 0.0, ("niedrig",), 3, "all", [
        ("Adobe", "Acrobat Reader DC", "2023.006"), ("Adobe Systems", "Adobe Reader XI", "11.0.23"),
        ("adobe", "Acrobat Pro 2020", "")]),
    ("Mozilla", "Firefox", "client", 0.0, ("niedrig",), 2, "all", [
        ("Mozilla", "Firefox ESR", "115.4"), ("Mozilla Foundation", "Mozilla Firefox 118", "")]),
    ("Roundcube", "Roundcube Webmail", "server", 1.0, ("mittel",), 1, ["Schulen"], [
        ("Roundcube", "Roundcube Webmail", "1.6.1")]),
    ("Zoho", "ManageEngine ServiceDesk Plus (SDP)", "server", 0.0, ("mittel",), 1, None, [
        ("ManageEngine", "ServiceDesk Plus", "11.0 Build 11138")]),
    ("TeamViewer", "Desktop", "client", 0.0, ("niedrig",), 2, None, [
        ("TeamViewer", "TeamViewer 15", "15.45"), ("Teamviewer GmbH", "TeamViewer Host", "")]),
    ("RARLAB", "WinRAR", "client", 0.0, ("niedrig",), 2, "all", [
        ("RARLAB", "WinRAR 6.22", ""), ("win.rar GmbH", "WinRAR", "6.11")]),
    ("7-Zip", "7-Zip", "client", 0.0, ("niedrig",), 2, "all", [
        ("Igor Pavlov", "7-Zip 22.01 (x64)", ""), ("7-zip.org", "7zip", "23.01")]),
    ("F5", "BIG-IP", "netzwerk", 1.0, ("hoch",), 1, None, [("F5 Networks", "BIG-IP LTM", "15.1.8")]),
    ("QNAP", "Network Attached Storage (NAS)", "server", 0.0, ("mittel",), 1, ["Bauordnung"], [
        ("QNAP", "TS-453D NAS (Scans Bauakten)", "QTS 5.0")]),
    ("Juniper", "Junos OS", "netzwerk", 0.0, ("mittel",), 2, None, [
        ("Juniper", "EX3400 Switch", "Junos 21.4R3"), ("Juniper Networks", "SRX300", "JunOS 20.2")]),
    ("Samsung", "MagicINFO 9 Server", "server", 0.0, ("niedrig",), 1, ["Bürgeramt/Meldewesen"], [
        ("Samsung", "MagicInfo Server (Wartenummernanzeige)", "9.0")]),
    ("Hikvision", "Security cameras web server", "netzwerk", 0.0, ("niedrig",), 3, None, [
        ("Hikvision", "DS-2CD2143G2 IP-Kamera", ""), ("HIKVISION", "IP Camera Tiefgarage", "V5.5.0")]),
    ("GitLab", "GitLab CE/EE", "server", 0.0, ("mittel",), 1, None, [("GitLab", "GitLab CE", "16.1.2")]),
]

# Products that are NOT in the KEV catalogue (Fachverfahren, printers, phones, near misses such
# as another product of a KEV vendor). (key, asset_type, p_internet, criticalities, count,
# departments, variants). ``key`` is a distinctive name that occurs in no KEV entry.
OTHER_TEMPLATES = [
    ("VOIS", "fachverfahren", 0.0, ("hoch",), 2, ["Bürgeramt/Meldewesen"], [
        ("HSH", "VOIS|MESO", "5.4"), ("HSH Soft- und Hardware", "VOIS MESO Meldewesen", "")]),
    ("OK.EWO", "fachverfahren", 0.0, ("hoch",), 1, ["Bürgeramt/Meldewesen"], [
        ("AKDB", "OK.EWO", "8.1 (Altverfahren)")]),
    ("OK.VERKEHR", "fachverfahren", 0.0, ("mittel",), 1, ["Ordnungsamt"], [
        ("AKDB", "AKDB OK.VERKEHR", "4.2")]),
    ("ProSoz", "fachverfahren", 0.0, ("hoch",), 2, ["Sozialamt"], [
        ("ProSoz Herten", "ProSoz 14", "14.2"), ("Prosoz", "PROSOZ 14 Sozialhilfe", "")]),
    ("ProBAUG", "fachverfahren", 0.0, ("mittel",), 1, ["Bauordnung"], [
        ("ProSoz Herten", "ProBAUG", "2023")]),
    ("Infoma", "fachverfahren", 0.0, ("hoch",), 2, ["Kämmerei"], [
        ("Axians Infoma", "Infoma newsystem", "2023.1"), ("Infoma", "newsystem Finanzwesen", "")]),
    ("Finanz+", "fachverfahren", 0.0, ("hoch",), 1, ["Kämmerei"], [("", "Finanz+", "")]),
    ("LOGA", "fachverfahren", 0.0, ("hoch",), 1, ["Personal/Besoldung"], [
        ("P&I", "LOGA3 Personalabrechnung", "")]),
    ("ALLRIS", "fachverfahren", 1.0, ("mittel",), 1, ["Hauptamt"], [
        ("CC e-gov", "ALLRIS Ratsinformationssystem", "4.0")]),
    ("regisafe", "fachverfahren", 0.0, ("mittel",), 1, ["Hauptamt"], [
        ("regisafe", "regisafe DMS", "")]),
    ("eOCS", "fachverfahren", 0.0, ("hoch",), 1, ["Feuerwehr-Leitstelle"], [
        ("Eurofunk", "eOCS Einsatzleitsystem", "")]),
    ("SchILD", "fachverfahren", 0.0, ("mittel",), 1, ["Schulen"], [
        ("MSB NRW", "SchILD-NRW", "3.0")]),
    ("ArcGIS", "server", 0.0, ("mittel",), 1, ["Bauordnung"], [("ESRI", "ArcGIS Enterprise", "10.9")]),
    ("Kyocera", "drucker", 0.0, ("niedrig",), 24, "all", [
        ("Kyocera", "ECOSYS M3145dn", ""), ("KYOCERA Document Solutions", "TASKalfa 3253ci", "")]),
    ("LaserJet", "drucker", 0.0, ("niedrig",), 18, "all", [
        ("HP", "LaserJet Pro M404dn", ""), ("Hewlett-Packard", "HP Color LaserJet MFP M479fdw", "")]),
    ("Ricoh", "drucker", 0.0, ("niedrig",), 10, "all", [("Ricoh", "IM C3000", ""), ("RICOH", "MP C3004", "")]),
    ("bizhub", "drucker", 0.0, ("niedrig",), 8, "all", [("Konica Minolta", "bizhub C300i", "")]),
    ("Brother", "drucker", 0.0, ("niedrig",), 6, "all", [("Brother", "MFC-L8900CDW", "")]),
    ("OpenScape", "client", 0.0, ("niedrig",), 24, "all", [
        ("Unify", "OpenScape Desk Phone CP400", "V1 R7"), ("Atos Unify", "OpenScape CP600 Telefon", "")]),
    ("Snom", "client", 0.0, ("niedrig",), 10, "all", [("Snom", "D785 Tischtelefon", "10.1")]),
    ("Gigaset", "netzwerk", 0.0, ("niedrig",), 2, None, [("Gigaset", "N870 IP PRO DECT-Basis", "")]),
    ("Lancom", "netzwerk", 0.0, ("mittel",), 12, None, [
        ("LANCOM", "1790VA Router (Außenstelle)", "10.50"), ("Lancom Systems", "LW-600 Access Point", "")]),
    ("Aruba", "netzwerk", 0.0, ("mittel",), 12, None, [
        ("HPE Aruba", "2930F Switch", "WC.16.10"), ("Aruba", "Aruba 6100 Switch", "")]),
    ("Securepoint", "sicherheit", 1.0, ("hoch",), 2, ["Schulen"], [
        ("Securepoint", "Securepoint UTM", "12.6")]),
    ("Intercept", "sicherheit", 0.0, ("mittel",), 1, None, [("Sophos", "Intercept X Endpoint", "2023.2")]),
    ("ESET", "sicherheit", 0.0, ("mittel",), 1, None, [("ESET", "ESET PROTECT", "11.0")]),
    ("MailStore", "server", 0.0, ("mittel",), 1, None, [("MailStore", "MailStore Server", "23.2")]),
    ("baramundi", "server", 0.0, ("mittel",), 1, None, [
        ("baramundi software", "baramundi Management Suite", "2023 R1")]),
    ("Horizon", "client", 0.0, ("niedrig",), 2, "all", [("VMware", "Horizon Client", "2306")]),
    ("Teams", "client", 0.0, ("niedrig",), 5, "all", [("Microsoft", "Teams", "1.6"),
                                                       ("MS", "Microsoft Teams (neu)", "")]),
    ("LibreOffice", "client", 0.0, ("niedrig",), 5, "all", [("The Document Foundation", "LibreOffice", "7.5")]),
    ("KeePass", "client", 0.0, ("niedrig",), 2, None, [("Dominik Reichl", "KeePass Password Safe", "2.55")]),
    ("PowerEdge", "server", 0.0, ("hoch",), 10, None, [
        ("Dell", "PowerEdge R740", ""), ("DELL", "PowerEdge R650 Server", "iDRAC 6.10")]),
    ("ProLiant", "server", 0.0, ("hoch",), 8, None, [("HPE", "ProLiant DL380 Gen10", "")]),
    ("IGEL", "client", 0.0, ("niedrig",), 6, "all", [("IGEL", "UD3 Thin Client", "IGEL OS 11.08")]),
    ("Smart-UPS", "netzwerk", 0.0, ("mittel",), 4, None, [
        ("APC", "Smart-UPS SRT 3000 USV", "NMC 2"), ("Schneider Electric APC", "USV Serverraum", "")]),
    ("MOBOTIX", "netzwerk", 0.0, ("niedrig",), 2, None, [("Mobotix", "M16 Außenkamera", "")]),
    ("Synology", "server", 0.0, ("mittel",), 1, ["Schulen"], [("Synology", "RS1221+", "DSM 7.2")]),
    ("Nextcloud", "server", 1.0, ("mittel",), 1, ["Schulen"], [("Nextcloud", "Nextcloud Hub 5", "27.1")]),
    ("Univention", "server", 0.0, ("mittel",), 1, ["Schulen"], [
        ("Univention", "Univention Corporate Server", "5.0")]),
]

DEPARTMENTS = [  # (department, share of the staff, own server)
    ("Bürgeramt/Meldewesen", 0.14, "SRV-MELDE-01"),
    ("Personal/Besoldung", 0.06, "SRV-PERS-01"),
    ("Bauordnung", 0.10, "SRV-BAU-01"),
    ("Kämmerei", 0.10, "SRV-FIN-01"),
    ("Ordnungsamt", 0.10, "SRV-OWI-01"),
    ("Schulen", 0.10, "SRV-SCHUL-01"),
    ("Sozialamt", 0.16, "SRV-SOZ-01"),
    ("Hauptamt", 0.14, "SRV-DMS-01"),
    ("IT", 0.04, "SRV-FILE-01"),
    ("Feuerwehr-Leitstelle", 0.06, "SRV-LST-01"),
]
COMMON_SERVERS = ["SRV-FILE-01", "SRV-FILE-02", "SRV-MAIL-01", "SRV-DMS-01", "SRV-INTRA-01"]
ADMIN_SERVERS = [
    "SRV-DC-01", "SRV-DC-02", "SRV-FILE-01", "SRV-FILE-02", "SRV-MAIL-01", "SRV-SQL-01",
    "SRV-BACKUP-01", "SRV-VCENTER-01", "SRV-WSUS-01", "SRV-AV-01", "SRV-MON-01", "SRV-PRINT-01",
    "SRV-MELDE-01", "SRV-FIN-01", "SRV-SOZ-01", "VPN-GW-01", "FW-01",
]
ALL_SERVERS = sorted({d[2] for d in DEPARTMENTS} | set(COMMON_SERVERS) | set(ADMIN_SERVERS)
                     | {"SRV-GIS-01", "SRV-PERS-01", "SRV-BAU-01", "SRV-SCHUL-01", "SRV-LST-01"})

# Places (name as geolocated, lat, lon). The first one is the town hall network.
HOME = ("Musterstadt, DE", 51.54, 7.13)
COMMUTER_TOWNS = [  # (place, lat, lon, share of staff living there)
    (HOME, 0.50), (("Gelsenkirchen, DE", 51.5177, 7.0857), 0.08),
    (("Herne, DE", 51.5369, 7.2009), 0.07), (("Recklinghausen, DE", 51.6141, 7.1979), 0.07),
    (("Gladbeck, DE", 51.5713, 6.9857), 0.05), (("Bochum, DE", 51.4818, 7.2162), 0.06),
    (("Herten, DE", 51.5952, 7.1411), 0.05), (("Castrop-Rauxel, DE", 51.5550, 7.3117), 0.04),
    (("Dortmund, DE", 51.5136, 7.4653), 0.04), (("Marl, DE", 51.6567, 7.0903), 0.04),
    (("Essen, DE", 51.4556, 7.0116), 0.04),
]
TRIP_PLACES = [("Berlin, DE", 52.5200, 13.4050), ("München, DE", 48.1372, 11.5755),
               ("Hamburg, DE", 53.5511, 9.9937), ("Düsseldorf, DE", 51.2277, 6.7735),
               ("Köln, DE", 50.9375, 6.9603)]
ATTACK_PLACES = [("Lagos, NG", 6.5244, 3.3792), ("Moskau, RU", 55.7558, 37.6173),
                 ("Singapur, SG", 1.3521, 103.8198), ("São Paulo, BR", -23.5505, -46.6333),
                 ("Amsterdam, NL", 52.3676, 4.9041), ("Bukarest, RO", 44.4268, 26.1025),
                 ("Ashburn, US", 39.0438, -77.4874), ("Frankfurt am Main, DE", 50.1109, 8.6821)]

SURNAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann",
    "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller",
    "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank",
    "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster",
    "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt",
    "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas",
    "Yilmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Nowak", "Kowalski",
    "Wiśniewski", "Kamińska", "Popescu", "Ivanova", "Petrović", "Rossi", "Nguyen", "Haddad",
    "Kuhlmann", "Bergmann", "Brinkmann", "Wilms", "Kowalczyk", "Szymański", "Grabowski",
]
GIVEN_INITIALS = "aabcdefghijklmmnoprsssttuvwy"
TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ş": "s", "ç": "c",
                          "ı": "i", "ś": "s", "ń": "n", "ć": "c"})

# Service accounts: (account, source server, target systems, minutes of the day when they run)
SERVICES = [
    ("svc_backup", "SRV-BACKUP-01",
     ["SRV-FILE-01", "SRV-FILE-02", "SRV-MELDE-01", "SRV-FIN-01", "SRV-SQL-01", "SRV-MAIL-01"],
     [22 * 60]),
    ("svc_monitoring", "SRV-MON-01", ["SRV-DC-01", "SRV-FILE-01", "SRV-MAIL-01"],
     list(range(0, 1440, 30))),
    ("svc_sql", "SRV-FIN-01", ["SRV-SQL-01"], list(range(5, 1440, 60))),
    ("svc_ewo_sync", "SRV-MELDE-01", ["SRV-SQL-01"], list(range(6 * 60, 20 * 60 + 1, 30))),
    ("svc_wsus", "SRV-WSUS-01", ["SRV-DC-01"], [3 * 60]),
    ("svc_av", "SRV-AV-01", ["SRV-FILE-01", "SRV-FILE-02"], list(range(60, 1440, 240))),
    ("svc_scan", "SRV-PRINT-01", ["SRV-FILE-02"], list(range(6 * 60, 19 * 60, 15))),
    ("svc_gis", "SRV-GIS-01", ["SRV-SQL-01", "SRV-BAU-01"], [2 * 60 + 15]),
    ("svc_dms", "SRV-DMS-01", ["SRV-FILE-02"], list(range(10, 1440, 30))),
    ("svc_lst_sync", "SRV-LST-01", ["SRV-DC-02"], list(range(2, 1440, 20))),
    ("svc_mailjournal", "SRV-MAIL-01", ["SRV-DMS-01"], list(range(15, 1440, 60))),
    ("svc_print", "SRV-PRINT-01", ["SRV-DC-01"], list(range(7 * 60, 18 * 60, 60))),
]
N_ADMINS = 10
N_SHIFT = 26  # Ordnungsamt (night patrols) and Feuerwehr-Leitstelle
N_ACCOUNTS = 300


def _day(i: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=i)


# --- Inventory ----------------------------------------------------------------------------------


def make_inventory(rng: np.random.Generator):
    """Return (rows, labels): inventory rows and the true KEV (vendor, product) per asset."""
    dept_names = [d[0] for d in DEPARTMENTS]
    entries = []
    for kev_v, kev_p, atype, p_int, crits, n, depts, variants in KEV_TEMPLATES:
        entries += [((kev_v, kev_p), atype, p_int, crits, depts, variants)] * n
    for _key, atype, p_int, crits, n, depts, variants in OTHER_TEMPLATES:
        entries += [(("", ""), atype, p_int, crits, depts, variants)] * n
    if len(entries) != N_ASSETS:
        raise RuntimeError(f"the templates add up to {len(entries)} assets, not {N_ASSETS}")
    order = rng.permutation(len(entries))
    rows, truth = [], []
    for k, idx in enumerate(order):
        kev, atype, p_int, crits, depts, variants = entries[idx]
        vendor, product, version = variants[rng.integers(len(variants))]
        if depts is None:
            dept = "IT"
        elif depts == "all":
            dept = dept_names[rng.integers(len(dept_names))]
        else:
            dept = depts[rng.integers(len(depts))]
        exposure = "internet" if rng.uniform() < p_int else "intern"
        crit = crits[rng.integers(len(crits))]
        rows.append((f"A{k + 1:04d}", vendor, product, version, exposure, crit, dept, atype))
        truth.append(kev)
    return rows, truth


def make_labels(rng: np.random.Generator, rows, truth):
    kev = [i for i, t in enumerate(truth) if t[0]]
    others = [i for i, t in enumerate(truth) if not t[0]]
    chosen = rng.choice(others, size=round(LABEL_SHARE_OTHERS * len(others)), replace=False)
    picked = sorted(set(kev) | {int(i) for i in chosen})
    return [(rows[i][0], truth[i][0], truth[i][1]) for i in picked]


# --- Accounts ------------------------------------------------------------------------------------


def make_accounts(rng: np.random.Generator):
    """Accounts: list of dicts with konto, abteilung, rolle, home place index and coordinates."""
    towns = [t for t, _ in COMMUTER_TOWNS]
    town_p = np.array([p for _, p in COMMUTER_TOWNS])
    town_p = town_p / town_p.sum()
    used: set[str] = set()

    def name(prefix_initial: bool, prefix: str = "") -> str:
        while True:
            surname = SURNAMES[rng.integers(len(SURNAMES))].lower().translate(TRANSLIT)
            base = (f"{GIVEN_INITIALS[rng.integers(len(GIVEN_INITIALS))]}.{surname}"
                    if prefix_initial else f"{prefix}{surname}")
            cand, k = base, 2
            while cand in used:
                cand, k = f"{base}{k}", k + 1
            if cand == base or rng.uniform() < 0.5:
                used.add(cand)
                return cand

    accounts = []

    def add(konto, abteilung, rolle):
        t = rng.choice(len(towns), p=town_p)
        place = towns[t]
        accounts.append({
            "konto": konto, "abteilung": abteilung, "rolle": rolle, "town": int(t),
            "lat": round(place[1] + rng.normal(0, 0.012), 3),
            "lon": round(place[2] + rng.normal(0, 0.018), 3),
        })

    for svc, *_ in SERVICES:
        accounts.append({"konto": svc, "abteilung": "IT", "rolle": "dienstkonto", "town": 0,
                         "lat": HOME[1], "lon": HOME[2]})
    for _ in range(N_ADMINS):
        add(name(False, "adm_"), "IT", "admin")
    for k in range(N_SHIFT):
        add(name(True), "Feuerwehr-Leitstelle" if k < 16 else "Ordnungsamt", "schichtdienst")
    office_depts = [d for d in DEPARTMENTS if d[0] != "Feuerwehr-Leitstelle"]
    shares = np.array([d[1] for d in office_depts])
    shares = shares / shares.sum()
    while len(accounts) < N_ACCOUNTS:
        d = office_depts[rng.choice(len(office_depts), p=shares)][0]
        add(name(True), d, "mitarbeiter")
    return accounts


# --- Login events --------------------------------------------------------------------------------


class Log:
    """Collects events as tuples (seconds since FIRST_DAY 00:00, konto, system, ip, place, ...)."""

    def __init__(self):
        self.events = []

    def add(self, t, konto, system, ip, place, ok=True, kanal="intern", angriff=""):
        self.events.append((int(t), konto, system, ip, place, "login_ok" if ok else "login_fail",
                            kanal, angriff))


def _public_ip(rng, prefix=None) -> str:
    if prefix is None:
        prefix = f"{rng.integers(77, 95)}.{rng.integers(0, 256)}"
    return f"{prefix}.{rng.integers(0, 256)}.{rng.integers(1, 255)}"


def make_logins(rng: np.random.Generator, accounts):
    log = Log()
    towns = [t for t, _ in COMMUTER_TOWNS]
    dept_server = {d[0]: d[2] for d in DEPARTMENTS}
    workdays = [i for i in range(N_DAYS) if _day(i).weekday() < 5 and _day(i) not in HOLIDAYS]
    staff = [a for a in accounts if a["rolle"] in ("mitarbeiter", "admin")]
    for k, a in enumerate(accounts):
        a["ws"] = f"WS-{k + 1:04d}"
        a["ws_ip"] = f"10.20.{(k + 1) // 250}.{(k + 1) % 250 + 2}"
        a["home_prefix"] = f"{rng.integers(77, 95)}.{rng.integers(0, 256)}"
    server_ip = {s: f"10.10.1.{10 + i}" for i, s in enumerate(ALL_SERVERS)}

    def home_place(a):
        return towns[a["town"]]

    # -- office staff and admins
    office_day = {}  # (konto, day) -> (first login in s, working from home?)
    for a in staff:
        start_mean = rng.uniform(6.75, 8.75) * 3600
        length = rng.uniform(7.5, 8.8) * 3600
        homeoffice_days = rng.choice(5, size=rng.choice([0, 0, 1, 2]), replace=False)
        absent = set(rng.choice(workdays, size=rng.integers(0, 6), replace=False).tolist())
        servers = [dept_server[a["abteilung"]]] + COMMON_SERVERS
        if a["rolle"] == "admin":
            servers = ADMIN_SERVERS
        n_per_day = 18 if a["rolle"] == "admin" else 10
        for d in workdays:
            if d in absent:
                continue
            wd = _day(d).weekday()
            if wd == 4 and rng.uniform() < 0.25:  # many have Friday off (flexitime)
                continue
            start = d * 86400 + start_mean + rng.normal(0, 1200)
            end = start + length * (0.7 if wd == 4 else 1.0) + rng.normal(0, 1800)
            at_home = wd in homeoffice_days
            events = []
            if at_home:
                place, ip = home_place(a), _public_ip(rng, a["home_prefix"])
                vpn_ip = f"10.99.{rng.integers(0, 4)}.{rng.integers(2, 250)}"
                if rng.uniform() < 0.03:
                    log.add(start - rng.integers(5, 40), a["konto"], "VPN-GW-01", ip, place,
                            ok=False, kanal="vpn")
                log.add(start, a["konto"], "VPN-GW-01", ip, place, kanal="vpn")
                events.append(start)
                src, kanal = vpn_ip, "vpn"
            else:
                place, src, kanal = HOME, a["ws_ip"], "intern"
                if rng.uniform() < 0.04:
                    log.add(start - rng.integers(3, 30), a["konto"], a["ws"], src, place, ok=False)
                log.add(start, a["konto"], a["ws"], src, place)
                # unlock after lunch
                lunch = start + rng.uniform(4, 5) * 3600
                if lunch < end:
                    log.add(lunch, a["konto"], a["ws"], src, place)
            k = rng.poisson(n_per_day)
            for t in np.sort(rng.uniform(start + 60, max(end, start + 120), size=k)):
                system = servers[rng.integers(len(servers))] if rng.uniform() < 0.9 else \
                    servers[0]
                ok = rng.uniform() > 0.01
                log.add(t, a["konto"], system, src, place, ok=ok, kanal=kanal)
                events.append(t)
            office_day[(a["konto"], d)] = (start, at_home)
        # a rare Saturday session from home (catching up)
        if a["rolle"] == "mitarbeiter" and rng.uniform() < 0.04:
            d = int(rng.choice([i for i in range(N_DAYS) if _day(i).weekday() == 5]))
            t = d * 86400 + rng.uniform(9, 15) * 3600
            place, ip = home_place(a), _public_ip(rng, a["home_prefix"])
            log.add(t, a["konto"], "VPN-GW-01", ip, place, kanal="vpn")
            log.add(t + rng.integers(30, 300), a["konto"], servers[0],
                    f"10.99.0.{rng.integers(2, 250)}", place, kanal="vpn")

    # Patch evening: admins work on the second Tuesday of the month in the evening (legitimate).
    admins = [a for a in accounts if a["rolle"] == "admin"]
    for day in (dt.date(2024, 10, 8), dt.date(2024, 11, 12)):
        d = (day - FIRST_DAY).days
        for a in admins[:3]:
            t0 = d * 86400 + 19 * 3600 + rng.uniform(0, 1800)
            for j, system in enumerate(rng.choice(ADMIN_SERVERS, size=8, replace=False)):
                log.add(t0 + j * rng.uniform(300, 900), a["konto"], str(system), a["ws_ip"], HOME)

    # Business trips: no office login that day, VPN from a hotel in another city.
    trip_staff = rng.choice([a for a in staff if a["rolle"] == "mitarbeiter"], size=8,
                            replace=False)
    for a in trip_staff:
        d = int(rng.choice(workdays))
        place = TRIP_PLACES[rng.integers(len(TRIP_PLACES))]
        for k in range(2):  # two days away
            dd = d + k
            if dd >= N_DAYS:
                break
            office_day.pop((a["konto"], dd), None)
            lo, hi = dd * 86400, (dd + 1) * 86400
            log.events = [e for e in log.events if not (e[1] == a["konto"] and lo <= e[0] < hi)]
            t = dd * 86400 + rng.uniform(17, 21) * 3600
            ip = _public_ip(rng)
            log.add(t, a["konto"], "VPN-GW-01", ip, place, kanal="vpn")
            log.add(t + rng.integers(60, 600), a["konto"], "SRV-MAIL-01",
                    f"10.99.1.{rng.integers(2, 250)}", place, kanal="vpn")

    # -- shift workers: three shifts (06-14, 14-22, 22-06), five days on, two off, rotating
    shift_ws = [f"WS-LST-{k:02d}" for k in range(1, 9)]
    for j, a in enumerate(a for a in accounts if a["rolle"] == "schichtdienst"):
        offset = int(rng.integers(7))
        shift = int(rng.integers(3))
        server = dept_server[a["abteilung"]]
        for d in range(N_DAYS):
            if (d + offset) % 7 >= 5:
                continue
            s = (shift + (d + offset) // 7) % 3  # the shift changes every week
            start = d * 86400 + (6 + 8 * s) * 3600 - rng.uniform(0, 900)
            ws = shift_ws[(j + d) % len(shift_ws)]
            log.add(start, a["konto"], ws, f"10.30.0.{10 + shift_ws.index(ws)}", HOME)
            for t in np.sort(rng.uniform(start + 300, start + 8 * 3600, size=rng.poisson(8))):
                log.add(t, a["konto"], server, f"10.30.0.{10 + shift_ws.index(ws)}", HOME)

    # -- service accounts: fixed times, same systems, every day
    for svc, source, targets, minutes in SERVICES:
        for d in range(N_DAYS):
            for m in minutes:
                for j, system in enumerate(targets):
                    t = d * 86400 + m * 60 + j * 7 + rng.integers(0, 4)
                    # 2024-10-22 10:00-11:30: svc_scan's password was changed on the server but
                    # not in the scanner configuration (operational failure, not an attack).
                    fail = svc == "svc_scan" and d == 15 and 600 <= m <= 690
                    log.add(t, svc, system, server_ip[source], HOME, ok=not fail)

    _inject_attacks(rng, log, accounts, office_day, workdays, server_ip)
    return log.events


def _inject_attacks(rng, log, accounts, office_day, workdays, server_ip):
    people = [a for a in accounts if a["rolle"] == "mitarbeiter"]
    names = [a["konto"] for a in accounts if a["rolle"] in ("mitarbeiter", "admin", "schichtdienst")]

    # Password spraying: one external IP, many accounts, one or two attempts each, at night.
    for k, d in enumerate((10, 24, 37)):
        place = ATTACK_PLACES[[4, 1, 7][k]]
        ip = _public_ip(rng, f"{[185, 45, 194][k]}.{rng.integers(0, 256)}")
        t = d * 86400 + rng.uniform(0.5, 4.5) * 3600
        targets = rng.choice(names, size=int(rng.integers(60, 110)), replace=False)
        for j, konto in enumerate(targets):
            for _ in range(1 if rng.uniform() < 0.7 else 2):
                t += rng.uniform(4, 40)
                ok = k == 1 and j == 17  # one weak password is found in the second incident
                log.add(t, str(konto), "VPN-GW-01", ip, place, ok=ok, kanal="vpn",
                        angriff="password_spraying")

    # Brute force: many failures against one account, the last incident ends with a success.
    for k, d in enumerate((8, 21, 33)):
        konto = people[int(rng.integers(len(people)))]["konto"]
        place = ATTACK_PLACES[[5, 3, 6][k]]
        ip = _public_ip(rng, f"{[103, 77, 23][k]}.{rng.integers(0, 256)}")
        t = d * 86400 + rng.uniform(0, 23) * 3600
        n = int(rng.integers(80, 250))
        for j in range(n):
            t += rng.uniform(1, 8)
            ok = k == 2 and j == n - 1
            log.add(t, konto, "VPN-GW-01", ip, place, ok=ok, kanal="vpn", angriff="brute_force")

    # Impossible travel: an office login, minutes later a VPN login from far away.
    keys = sorted(k for k in office_day if not office_day[k][1])
    picked = rng.choice(len(keys), size=5, replace=False)
    for n, i in enumerate(picked):
        konto, d = keys[int(i)]
        start = office_day[(konto, d)][0]
        place = ATTACK_PLACES[[0, 2, 3, 1, 5][n]]
        t = start + rng.uniform(5, 45) * 60
        ip = _public_ip(rng, f"{[102, 43, 177, 91, 82][n]}.{rng.integers(0, 256)}")
        log.add(t, konto, "VPN-GW-01", ip, place, kanal="vpn", angriff="impossible_travel")
        for j in range(int(rng.integers(1, 4))):
            log.add(t + 60 * (j + 1) + rng.integers(0, 50), konto,
                    ["SRV-MAIL-01", "SRV-FILE-02", "SRV-DMS-01"][j], f"10.99.3.{rng.integers(2, 250)}",
                    place, kanal="vpn", angriff="impossible_travel")

    # Off-hours admin: an admin account at about 03:00 on a Sunday from an unusual IP.
    admins = [a for a in accounts if a["rolle"] == "admin"]
    sundays = [i for i in range(N_DAYS) if _day(i).weekday() == 6]
    for n, d in enumerate((sundays[1], sundays[3], sundays[5])):
        a = admins[int(rng.integers(len(admins)))]
        place = ATTACK_PLACES[[5, 4, 1][n]]
        ip = _public_ip(rng, f"{[89, 185, 5][n]}.{rng.integers(0, 256)}")
        t = d * 86400 + rng.uniform(2.5, 3.5) * 3600
        log.add(t, a["konto"], "VPN-GW-01", ip, place, kanal="vpn", angriff="off_hours_admin")
        for system in rng.choice(["SRV-DC-01", "SRV-BACKUP-01", "SRV-VCENTER-01", "SRV-SQL-01",
                                  "SRV-FILE-01"], size=int(rng.integers(3, 6)), replace=False):
            t += rng.uniform(40, 400)
            log.add(t, a["konto"], str(system), f"10.99.2.{rng.integers(2, 250)}", place,
                    kanal="vpn", angriff="off_hours_admin")

    # Lateral movement: a compromised office account suddenly touches many systems.
    targets_all = ALL_SERVERS + [f"WS-{k:04d}" for k in range(1, 301)]
    for _ in range(2):
        while True:
            a = people[int(rng.integers(len(people)))]
            d = int(rng.choice(workdays))
            if (a["konto"], d) in office_day and not office_day[(a["konto"], d)][1]:
                break
        t = office_day[(a["konto"], d)][0] + rng.uniform(2, 5) * 3600
        for system in rng.choice(targets_all, size=int(rng.integers(25, 45)), replace=False):
            t += rng.uniform(5, 90)
            log.add(t, a["konto"], str(system), a["ws_ip"], HOME, ok=rng.uniform() > 0.35,
                    angriff="lateral_movement")


# --- Output -------------------------------------------------------------------------------------


def _csv_field(value) -> str:
    s = str(value)
    if any(c in s for c in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def _csv(header: list[str], rows) -> bytes:
    lines = [",".join(header)] + [",".join(_csv_field(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")






def generate(out: Path) -> list[Path]:
    """Write all files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    seq = np.random.SeedSequence(SEED)
    rng_inv, rng_lab, rng_acc, rng_log = (np.random.default_rng(s) for s in seq.spawn(4))

    rows, truth = make_inventory(rng_inv)
    labels = make_labels(rng_lab, rows, truth)
    accounts = make_accounts(rng_acc)
    events = make_logins(rng_log, accounts)

    paths = [out / "inventar.csv"]
    write_bytes(paths[-1], _csv(["asset_id", "vendor", "product", "version", "exposure", "criticality",
                            "department", "asset_type"], rows))
    paths.append(out / "inventar_labels.csv")
    write_bytes(paths[-1], _csv(["asset_id", "kev_vendor", "kev_product"], labels))
    paths.append(out / "konten.csv")
    write_bytes(paths[-1], _csv(["konto", "abteilung", "rolle", "heimat_lat", "heimat_lon"],
                           [(a["konto"], a["abteilung"], a["rolle"], f"{a['lat']:.3f}",
                             f"{a['lon']:.3f}") for a in accounts]))

    base = dt.datetime.combine(FIRST_DAY, dt.time())
    events = [e for e in events if 0 <= e[0] < N_DAYS * 86400]
    events.sort(key=lambda e: (e[0], e[1], e[2], e[5]))
    rows = []
    for t, konto, system, ip, place, ereignis, kanal, angriff in events:
        zeit = (base + dt.timedelta(seconds=t)).isoformat()
        rows.append((zeit, konto, system, ip, place[0], f"{place[1]:.4f}", f"{place[2]:.4f}",
                     ereignis, kanal, angriff))
    paths.append(out / "anmeldungen.csv.gz")
    write_bytes(paths[-1], gzip_bytes(_csv(["zeit", "konto", "system", "quelle_ip", "ort", "lat", "lon",
                                  "ereignis", "kanal", "angriff"], rows)))
    return paths


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
