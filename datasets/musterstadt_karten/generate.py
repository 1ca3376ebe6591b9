"""Generate the synthetic facilities ("Einrichtungen") of the fictional town "Musterstadt" (NRW).

All data is SYNTHETIC. The facilities are placed inside the 9 Stadtteile of the dataset
``musterstadt_basis`` (read from ``datasets/musterstadt_basis``), most of them in grid cells
drawn with probability proportional to their residents, so they are denser where people live.
Running the script twice gives byte-identical files::

    python datasets/musterstadt_karten/generate.py [--out DIR]

File written (coordinates in EPSG:25832, whole metres):

- ``einrichtungen.geojson``  facilities (points): einrichtung_id, art, name, stadtteil_id,
  oeffnungszeiten (text or null), plaetze (capacity or null)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from shapely.geometry import Point, shape

from urbanki_helpers.atomic import write_bytes
from urbanki_helpers.data.synthetic import generator_main

SEED = 20240712
CRS_URN = "urn:ogc:def:crs:EPSG::25832"
BASIS = Path(__file__).resolve().parent.parent / "musterstadt_basis"
CENTRE_X = 370_000.0  # town centre (Markt), EPSG:25832 easting in m (as musterstadt_basis)
CENTRE_Y = 5_712_000.0  # town centre (Markt), EPSG:25832 northing in m
CELL_M = 100.0  # size of a population grid cell in m

# Number of facilities per kind ("art"), in the order they are written.
COUNTS = {
    "buergerbuero": 1,
    "feuerwache": 3,
    "krankenhaus": 2,
    "schule": 20,
    "kita": 25,
    "pflegeheim": 8,
    "arzt": 40,
    "defibrillator": 40,
    "toilette_barrierefrei": 10,
}
# Facilities at fixed places: offsets from the centre in m (town-local), name, capacity.
FIXED = {
    "buergerbuero": [((60, -40), "Bürgerbüro im Rathaus", None)],
    "feuerwache": [
        ((700, 150), "Feuer- und Rettungswache 1 (Hauptwache)", None),
        ((-1_600, 600), "Feuer- und Rettungswache 2 West", None),
        ((900, -1_800), "Feuer- und Rettungswache 3 Süd", None),
    ],
    "krankenhaus": [
        ((-350, 700), "St.-Marien-Hospital Musterstadt", 320),
        ((1_500, 1_200), "Städtisches Klinikum Musterstadt", 480),
    ],
}
OPENING_HOURS = {
    "buergerbuero": ["Mo 8–18, Di–Mi 8–13, Do 8–18, Fr 8–12"],
    "toilette_barrierefrei": ["Mo–So 0–24 (Euroschlüssel)", "Mo–Sa 7–20", "Mo–So 6–22"],
    "arzt": [
        "Mo–Fr 8–12, Mo, Di, Do 15–18",
        "Mo–Fr 8–13, Di und Do 14–18",
        "Mo, Di, Do 8–12 und 14–17, Mi und Fr 8–12",
        "Mo–Do 7:30–12 und 15–18, Fr 7:30–13",
    ],
}
# Capacity ("plaetze") ranges for drawn facilities.
CAPACITY = {"schule": (180, 900, 10), "kita": (40, 120, 5), "pflegeheim": (60, 140, 5)}

STREETS = [
    "Lindenallee", "Rosenweg", "Gartenstraße", "Bergstraße", "Mühlenweg", "Kirchstraße",
    "Schulstraße", "Goethestraße", "Schillerstraße", "Marktstraße", "Ringstraße", "Birkenweg",
    "Eichendorffstraße", "Jahnstraße", "Ahornweg", "Buchenring", "Wiesenstraße", "Mozartstraße",
    "Lessingplatz", "Kastanienallee", "Fliederstraße", "Weidenstraße", "Am Stadtpark",
    "Brunnenplatz", "Hafenstraße", "Heideweg", "Dorfstraße", "Kapellenweg", "Am Bach",
]
SCHOOL_TYPES = ["Grundschule", "Grundschule", "Grundschule", "Gemeinschaftsgrundschule",
                "Katholische Grundschule", "Realschule", "Gymnasium", "Gesamtschule",
                "Förderschule"]
KITA_NAMES = ["Sonnenschein", "Regenbogen", "Pusteblume", "Löwenzahn", "Kunterbunt",
              "Wirbelwind", "Sternschnuppe", "Spatzennest", "Zwergenland", "Arche Noah",
              "Villa Kunterbunt", "Schatzkiste", "Purzelbaum", "Marienkäfer", "Abenteuerland"]
KITA_CARRIERS = ["Städtische Kita", "Ev. Kita", "Kath. Kita St. Josef –", "AWO-Kita",
                 "DRK-Kita", "Elterninitiative"]
CARE_NAMES = ["Seniorenzentrum St. Josef", "Haus Lindenhof", "Altenheim Am Stadtpark",
              "Pflegezentrum Sonnenhof", "AWO-Seniorenheim", "Caritas-Altenzentrum St. Anna",
              "Diakonie-Pflegeheim Haus Bethanien", "Seniorenresidenz Am Hafen"]
SURNAMES = ["Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann",
            "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange",
            "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier",
            "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs",
            "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel"]
SPECIALITIES = ["Allgemeinmedizin", "Allgemeinmedizin", "Allgemeinmedizin", "Innere Medizin",
                "Kinder- und Jugendmedizin", "Frauenheilkunde", "Augenheilkunde",
                "Hals-Nasen-Ohren-Heilkunde", "Orthopädie", "Dermatologie", "Zahnmedizin",
                "Zahnmedizin", "Neurologie"]
AED_PLACES = ["Sparkasse, Filiale", "Apotheke", "Sporthalle", "Supermarkt", "Volksbank",
              "Gemeindezentrum", "Hallenbad", "Seniorentreff", "Tankstelle", "Bäckerei-Café",
              "Kirche (Eingang)", "Turnverein, Vereinsheim", "Fitnessstudio", "Hotel",
              "Polizeiwache", "Stadtbibliothek", "Bahnhof (Eingangshalle)", "Einkaufszentrum"]
TOILET_PLACES = ["Marktplatz", "Busbahnhof", "Stadtpark", "Friedhof", "Bahnhof", "Rathaus",
                 "Sportpark", "Hafenpromenade", "Dorfplatz", "Stadthalle"]


def _town(xy):
    """Town-local offsets (m) to EPSG:25832 coordinates (m)."""
    return (CENTRE_X + xy[0], CENTRE_Y + xy[1])


def load_basis() -> tuple[list[tuple[str, str, object]], np.ndarray, np.ndarray, np.ndarray,
                          np.ndarray]:
    """Stadtteile (id, name, polygon) and the population grid of ``musterstadt_basis``."""
    data = json.loads((BASIS / "stadtteile.geojson").read_text(encoding="utf-8"))
    districts = [(f["properties"]["stadtteil_id"], f["properties"]["name"],
                  shape(f["geometry"])) for f in data["features"]]
    lines = (BASIS / "bevoelkerung_100m.csv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split(",") for line in lines]
    gx = np.array([float(r[0]) for r in rows])
    gy = np.array([float(r[1]) for r in rows])
    residents = np.array([float(r[2]) for r in rows])
    ids = np.array([r[3] for r in rows])
    return districts, gx, gy, residents, ids


def _district_of(districts, x: float, y: float) -> str | None:
    p = Point(x, y)
    for district_id, _name, poly in districts:
        if poly.contains(p):
            return district_id
    return None


def place(rng, districts, gx, gy, weights, ids, taken: set) -> tuple[int, int, str]:
    """A point in a grid cell drawn by ``weights``, strictly inside the cell's Stadtteil."""
    prob = weights / weights.sum()
    while True:
        k = int(rng.choice(len(gx), p=prob))
        x = round(gx[k] + rng.uniform(-0.45, 0.45) * CELL_M)
        y = round(gy[k] + rng.uniform(-0.45, 0.45) * CELL_M)
        district = _district_of(districts, x, y)
        if district == ids[k] and (x, y) not in taken:
            taken.add((x, y))
            return x, y, district


def make_facilities(rng, districts, gx, gy, residents, ids) -> list[dict]:
    names_by_id = {d: n for d, n, _p in districts}
    taken: set = set()
    facilities = []
    pools = {
        "kita": list(rng.permutation(KITA_NAMES)),
        "pflegeheim": list(rng.permutation(CARE_NAMES)),
        "arzt": list(rng.permutation(SURNAMES)),
    }
    used_names: set = set()
    for art, count in COUNTS.items():
        for k in range(count):
            hours = None
            capacity = None
            if art in FIXED:
                offset, name, capacity = FIXED[art][k]
                x, y = (round(v) for v in _town(offset))
                district = _district_of(districts, x, y)
                taken.add((x, y))
            else:
                x, y, district = place(rng, districts, gx, gy, residents, ids, taken)
                where = names_by_id[district]
                street = str(rng.choice(STREETS))
                if art == "schule":
                    name = f"{rng.choice(SCHOOL_TYPES)} {street}"
                elif art == "kita":
                    name = f"{rng.choice(KITA_CARRIERS)} {pools['kita'][k % len(KITA_NAMES)]}"
                elif art == "pflegeheim":
                    name = str(pools["pflegeheim"][k])
                elif art == "arzt":
                    field = str(rng.choice(SPECIALITIES))
                    title = "Dr. med. dent." if field == "Zahnmedizin" else "Dr. med."
                    name = f"Praxis {title} {pools['arzt'][k]} ({field})"
                elif art == "defibrillator":
                    name = f"AED {rng.choice(AED_PLACES)} {street}"
                else:  # toilette_barrierefrei
                    name = f"Barrierefreie Toilette {TOILET_PLACES[k]}"
                if name in used_names:
                    name = f"{name} ({where})"
                if art in CAPACITY:
                    low, high, step = CAPACITY[art]
                    capacity = int(rng.integers(low // step, high // step + 1)) * step
            used_names.add(name)
            if art in OPENING_HOURS:
                options = OPENING_HOURS[art]
                hours = options[0] if len(options) == 1 else str(rng.choice(options))
            facilities.append({
                "art": art, "name": name, "stadtteil_id": district,
                "oeffnungszeiten": hours, "plaetze": capacity, "x": x, "y": y,
            })
    facilities.sort(key=lambda f: (f["stadtteil_id"], f["art"], f["name"]))
    return facilities


def _geojson(name: str, facilities: list[dict]) -> str:
    """A FeatureCollection in EPSG:25832 (legacy 'crs' member, which GDAL reads)."""
    features = []
    for k, f in enumerate(facilities):
        props = {"einrichtung_id": f"E{k + 1:03d}", "art": f["art"], "name": f["name"],
                 "stadtteil_id": f["stadtteil_id"], "oeffnungszeiten": f["oeffnungszeiten"],
                 "plaetze": f["plaetze"]}
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [f["x"], f["y"]]}})
    out = {"type": "FeatureCollection", "name": name,
           "crs": {"type": "name", "properties": {"name": CRS_URN}}, "features": features}
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    return text.replace('{"type":"Feature",', '\n{"type":"Feature",') + "\n"


def generate(out: Path) -> list[Path]:
    """Write all files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    districts, gx, gy, residents, ids = load_basis()
    facilities = make_facilities(rng, districts, gx, gy, residents, ids)
    path = out / "einrichtungen.geojson"
    write_bytes(path, _geojson("einrichtungen", facilities).encode("utf-8"))
    return [path]


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
