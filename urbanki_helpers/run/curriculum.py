"""The curriculum: the introduction and the nine URBAN.KI use cases, in order."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from urbanki_helpers.errors import RunError
from urbanki_helpers.paths import notebooks_dir


@dataclass(frozen=True)
class UseCase:
    """One notebook of the curriculum and the URBAN.KI use case it follows."""

    id: str
    stem: str
    title: str  # German title
    field: str  # German field (Handlungsfeld)
    municipality: str
    prototype: str = ""
    key_results: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return notebooks_dir() / f"{self.stem}.ipynb"

    @property
    def available(self) -> bool:
        """True when the notebook exists (use cases are added issue by issue)."""
        return self.path.is_file()


CURRICULUM: tuple[UseCase, ...] = (
    UseCase("00", "00_einfuehrung", "Einführung: Wie ein Notebook des Lernlabors aufgebaut ist",
            "Grundlagen", "Musterstadt (fiktiv)", "",
            ("erreichbarkeit.anteil", "model.test.mae", "baseline.test.mae")),
    UseCase("01", "01_versiegelung_luftbild",
            "Versiegelung, Gründächer und Solaranlagen aus Luftbildern", "Umwelt und Klima",
            "Kreis Recklinghausen", "",
            ("model.test.f1_macro", "baseline.test.f1_macro")),
    UseCase("02", "02_luftbild_pipeline", "Universelle Luftbild-Pipeline", "Geodaten",
            "Kreis Unna", "Aviary"),
    UseCase("03", "03_on_demand_nachfrage", "Nachfrageprognose On-Demand-Verkehr", "Mobilität",
            "Landkreis Osnabrück", "AIMOS",
            ("model.test.mae", "baseline.test.mae", "model.test.daily_mae",
             "baseline.test.daily_mae", "expansion.top_candidate")),
    UseCase("04", "04_solarpflicht", "Solarpflicht-Prüfung", "Energie und Bauen", "Stadt Herten",
            "", ("pflicht.ja", "pflicht.nein", "pflicht.pruefen", "rows.invalid",
                 "change.model.f1", "change.baseline.f1", "inspection.rows")),
    UseCase("05", "05_energieberatung", "KI-gestützte Energieberatung", "Bürgerservice",
            "Landkreis Wittmund", "SmartEnergie",
            ("retrieval.test.top1", "baseline.retrieval.test.top1", "retrieval.test.mrr",
             "routing.test.accuracy", "baseline.routing.test.accuracy")),
    UseCase("06", "06_it_sicherheit", "IT-Sicherheit", "IT-Sicherheit", "Stadt Solingen",
            "UrbanShieldAI",
            ("kev.matched_assets", "kev.ransomware_matches", "kev.internet_facing_matches",
             "anomaly.precision_at_20", "rules.precision_at_20", "kev.available")),
    UseCase("07", "07_schadstoffwarnung", "Schadstoffwarnung im Bevölkerungsschutz",
            "Bevölkerungsschutz", "Stadt Schwerte", "AirGuardAI",
            ("affected.level1.einwohner", "affected.level2.einwohner",
             "affected.level3.einwohner", "affected.level1.einrichtungen",
             "model.test.mae", "baseline.test.mae")),
    UseCase("08", "08_karten_chatbot", "Karten-Chatbot", "Bürgerservice",
            "Stadt Leipzig", "MapChat",
            ("intent.test.accuracy", "intent.baseline.accuracy", "answer.test.accuracy",
             "question.answer_text", "coverage.aed_500m")),
    UseCase("09", "09_digitale_bauakten", "Digitale Bauakten", "Bauverwaltung",
            "Stadt Heiligenhaus", "",
            ("type.model.f1_macro", "type.baseline.f1_macro", "privacy.names_leaked_share",
             "projects.model.pairwise_f1")),
)


def use_case(key: str) -> UseCase:
    """Find a use case by id (``"03"`` or ``"3"``) or file stem (``"03_on_demand_nachfrage"``)."""
    key = str(key).strip()
    if key.isdigit():
        key = key.zfill(2)
    for uc in CURRICULUM:
        if key in (uc.id, uc.stem, f"{uc.stem}.ipynb"):
            return uc
    known = [uc.id for uc in CURRICULUM] + [uc.stem for uc in CURRICULUM]
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    hint_de = f" Meinten Sie '{close[0]}'?" if close else ""
    raise RunError(
        f"No notebook '{key}' in the curriculum. Known ids: "
        f"{', '.join(uc.id for uc in CURRICULUM)} (see 'urbanki list').{hint}",
        message_de=f"Kein Notebook '{key}' im Lehrplan. Bekannte Nummern: "
        f"{', '.join(uc.id for uc in CURRICULUM)} (siehe 'urbanki list').{hint_de}",
    )


def resolve_notebook(target: str) -> tuple[Path, UseCase | None]:
    """Resolve an id, a stem or a path to a notebook file (and its use case, if registered)."""
    path = Path(target).expanduser()
    if path.suffix == ".ipynb" or path.exists():
        if not path.is_file():
            raise RunError(
                f"The notebook file '{target}' does not exist.",
                message_de=f"Die Notebook-Datei '{target}' gibt es nicht.",
            )
        path = path.resolve()
        registered = next((uc for uc in CURRICULUM if uc.path.resolve() == path), None)
        return path, registered
    uc = use_case(target)
    if not uc.available:
        raise RunError(
            f"Notebook {uc.id} ({uc.title}) is part of the curriculum but not written yet.",
            message_de=f"Notebook {uc.id} ({uc.title}) gehört zum Lehrplan, ist aber noch nicht "
            "erstellt.",
        )
    return uc.path, uc
