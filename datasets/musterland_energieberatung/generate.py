"""Generate the knowledge base and citizen questions of the energy-advice assistant ("SmartEnergie")
of the fictional Landkreis Musterland (Lower Saxony).

The knowledge base is HAND-WRITTEN (below, as data): short German answers on photovoltaics,
plug-in solar devices, batteries, heat pumps, the building energy act, subsidies, the solar
obligation, insulation, saving energy and advice services, checked against public sources on
2026-11-26 (see ``SOURCE.md``). Entries marked ``beispiel`` describe rules that vary by state or
municipality; municipal programmes are invented examples for the fictional Landkreis Musterland.

The questions are SYNTHETIC: hand-written paraphrases per entry (colloquial wording, compound
words, several questions in one), plus variants made by a seeded random generator (typos,
greetings, invented names, phone numbers and e-mail addresses) and off-topic questions that no
entry answers (``thema`` = ``sonstiges``). Running the script twice gives byte-identical files::

    python datasets/musterland_energieberatung/generate.py [--out DIR]

Files written (CSV, comma, UTF-8, ``\\n`` line ends):

- ``wissensbasis.csv``  knowledge base, one row per entry (``eintrag_id`` E001 ...)
- ``fragen.csv``        citizen questions with topic and the entry that answers them
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path
from typing import NamedTuple

from urbanki_helpers.atomic import write_bytes
from urbanki_helpers.data.synthetic import generator_main

SEED = 20261126
STAND = "2026-11-26"  # date on which every entry was checked
PERSONAL_SHARE = 0.22  # share of entries that get one extra question with invented personal data
PRUEFEN = "Änderungen angekündigt – bitte aktuellen Stand prüfen."
KB_COLUMNS = ("eintrag_id", "thema", "frage", "antwort", "rechtsgrundlage", "gueltig_ab", "stand",
              "beispiel")
Q_COLUMNS = ("frage_id", "frage", "thema", "eintrag_id")


class Entry(NamedTuple):
    """One hand-written entry; ``pruefen``: rule under political revision (see SOURCE.md)."""

    thema: str
    frage: str
    antwort: str
    recht: str
    ab: str
    beispiel: bool
    pruefen: bool
    varianten: tuple[str, ...]


def E(thema, frage, antwort, recht, ab, varianten, *, beispiel=False, pruefen=False) -> Entry:
    if pruefen:
        antwort = f"{antwort} Stand {STAND[8:]}.{STAND[5:7]}.{STAND[:4]}; {PRUEFEN}"
    return Entry(thema, frage, antwort, recht, ab, beispiel, pruefen, tuple(varianten))


# --- Knowledge base ------------------------------------------------------------------------------
# Written for this dataset (not copied). Facts as of 2026-11-26; sources in SOURCE.md.

ENTRIES: list[Entry] = [
    # --- photovoltaik ---------------------------------------------------------------------------
    E("photovoltaik", "Lohnt sich eine Photovoltaikanlage auf dem Einfamilienhaus?",
      "Meist ja, wenn ein großer Teil des Solarstroms im Haus selbst verbraucht wird: Jede selbst "
      "genutzte Kilowattstunde ersetzt teuren Netzstrom, während eingespeister Strom nur eine "
      "niedrige Vergütung bringt. Ohne Speicher nutzt ein Haushalt typischerweise 25 bis 35 "
      "Prozent des Solarstroms selbst, mit Wärmepumpe, E-Auto oder Speicher deutlich mehr. "
      "Lassen Sie sich eine Wirtschaftlichkeitsrechnung mit Ihrem Verbrauch erstellen.",
      "", STAND,
      ["Rechnet sich Solar auf dem Dach für ein normales Einfamilienhaus?",
       "Lohnt sich so ne PV-Anlage überhaupt noch, wo die Vergütung so niedrig ist?",
       "Ist eine Solaranlage aufm Hausdach wirtschaftlich sinnvoll?",
       "Wir überlegen, Photovoltaik aufs Dach zu machen. Zahlt sich das irgendwann aus?"]),
    E("photovoltaik", "Wie hoch ist die Einspeisevergütung für eine neue Photovoltaikanlage?",
      "Die Vergütung wird bei Inbetriebnahme für 20 Jahre (plus das Jahr der Inbetriebnahme) "
      "festgelegt. Für neue Anlagen sinkt sie jedes halbe Jahr (1. Februar und 1. August) um ein "
      "Prozent; für kleine Dachanlagen mit Eigenverbrauch liegt sie unter 8 Cent je "
      "Kilowattstunde, bei Volleinspeisung etwas höher. Die aktuellen Sätze veröffentlicht die "
      "Bundesnetzagentur.",
      "§ 48 und § 49 EEG", "2024-02-01",
      ["Wie viel Cent bekomme ich pro Kilowattstunde, wenn ich Solarstrom einspeise?",
       "Was zahlt der Netzbetreiber für eingespeisten PV-Strom?",
       "Einspeisevergütung 2026 – wie viel gibts da noch?",
       "Wieviel Geld krieg ich für den Strom, den meine Anlage ins Netz schickt, und wie lange?"],
      pruefen=True),
    E("photovoltaik", "Was ändert das Solarspitzengesetz für neue Photovoltaikanlagen?",
      "Für Anlagen, die seit dem 25.02.2025 in Betrieb gehen, gilt: Solange kein intelligentes "
      "Messsystem mit Steuerbox eingebaut ist, darf nur 60 Prozent der Modulleistung ins Netz "
      "eingespeist werden. In Zeiten negativer Börsenpreise gibt es keine Vergütung; diese Zeiten "
      "werden am Ende der 20 Jahre angehängt. Steckersolargeräte und ältere Anlagen sind nicht "
      "betroffen. Eigenverbrauch und Speicher werden dadurch wichtiger.",
      "§ 51 EEG; Solarspitzengesetz", "2025-02-25",
      ["Stimmt es, dass neue Solaranlagen nur noch 60 Prozent einspeisen dürfen?",
       "Was bedeutet das Solarspitzengesetz für meine neue PV?",
       "Bekomme ich bei negativen Strompreisen noch Geld für meinen Solarstrom?",
       "Warum wird meine neue Anlage auf 60 % gedrosselt?"]),
    E("photovoltaik", "Wo muss ich eine Photovoltaikanlage anmelden?",
      "Ihr Elektrofachbetrieb meldet die Anlage vor dem Anschluss beim örtlichen Netzbetreiber an. "
      "Sie selbst müssen die Anlage (und einen Speicher) innerhalb eines Monats nach der "
      "Inbetriebnahme im Marktstammdatenregister der Bundesnetzagentur registrieren. Ohne "
      "Registrierung kann die Vergütung gekürzt werden.",
      "§ 5 MaStRV", "2019-01-31",
      ["Welche Anmeldungen brauche ich für eine neue Solaranlage auf dem Dach?",
       "Muss ich meine PV-Anlage im Marktstammdatenregister eintragen?",
       "Wer meldet die Photovoltaik beim Netzbetreiber an, ich oder der Installateur?",
       "Anmeldung PV Anlage wo und bis wann?"]),
    E("photovoltaik", "Muss ich beim Kauf einer Photovoltaikanlage Mehrwertsteuer zahlen?",
      "Nein, für Lieferung und Montage von Photovoltaikanlagen bis 30 kWp auf oder in der Nähe von "
      "Wohngebäuden gilt seit dem 01.01.2023 ein Umsatzsteuersatz von 0 Prozent. Das umfasst "
      "Module, Wechselrichter, Speicher und wesentliche Komponenten. Der Installateur stellt "
      "direkt ohne Umsatzsteuer in Rechnung.",
      "§ 12 Abs. 3 UStG", "2023-01-01",
      ["Gibt es auf Solarmodule noch Mehrwertsteuer?",
       "Nullsteuersatz PV – gilt das auch für die Montage?",
       "Muss ich für meine Solaranlage 19 % Umsatzsteuer bezahlen?",
       "Zahl ich MwSt auf die Photovoltaik-Rechnung?"]),
    E("photovoltaik", "Muss ich für meine Photovoltaikanlage Einkommensteuer zahlen?",
      "Einnahmen aus Photovoltaikanlagen bis 30 kWp je Wohn- oder Gewerbeeinheit sind von der "
      "Einkommensteuer befreit, insgesamt bis 100 kWp je Person oder Mitunternehmerschaft. Die "
      "Grenze ist eine Freigrenze: Wird sie überschritten, ist der gesamte Gewinn steuerpflichtig. "
      "Die einheitliche 30-kWp-Grenze gilt für Anlagen, die seit 2025 angeschafft, in Betrieb "
      "genommen oder erweitert werden.",
      "§ 3 Nr. 72 EStG", "2025-01-01",
      ["Muss ich die Einnahmen aus der Einspeisung beim Finanzamt angeben?",
       "Ist meine Solaranlage steuerfrei?",
       "Einkommenssteuer auf PV-Gewinne, wie ist das geregelt?",
       "Bis wie viel kWp ist eine Photovoltaikanlage einkommensteuerfrei?"]),
    E("photovoltaik", "Welche Dachausrichtung eignet sich für Photovoltaik?",
      "Süddächer bringen den höchsten Ertrag, aber Ost-West-Dächer sind ebenfalls gut geeignet "
      "und verteilen die Erzeugung besser über den Tag. Norddächer lohnen sich nur bei geringer "
      "Neigung. In Norddeutschland erzeugt ein Kilowatt Modulleistung grob 850 bis 950 "
      "Kilowattstunden im Jahr. Wichtig ist, dass das Dach wenig verschattet ist.",
      "", STAND,
      ["Lohnt sich Solar auch auf einem Ost-West-Dach?",
       "Mein Dach zeigt nach Norden, kann ich trotzdem Photovoltaik machen?",
       "Wie viel Strom erzeugt ein kWp hier bei uns im Norden?",
       "Welche Himmelsrichtung ist für Solarmodule am besten?"]),
    E("photovoltaik", "Brauche ich eine Baugenehmigung für eine Photovoltaikanlage auf dem Dach?",
      "In Niedersachsen sind Solaranlagen auf Dächern in der Regel verfahrensfrei, Sie brauchen "
      "also keine Baugenehmigung. Steht das Gebäude unter Denkmalschutz oder in einem "
      "Denkmalensemble, ist eine Genehmigung der Denkmalschutzbehörde nötig. Die Regeln "
      "unterscheiden sich je nach Bundesland und Bebauungsplan; fragen Sie im Zweifel die "
      "Bauaufsicht Ihres Landkreises.",
      "§ 60 NBauO; § 10 NDSchG", "2012-11-01",
      ["Muss ich für Solarmodule auf dem Dach einen Bauantrag stellen?",
       "Brauch ich ne Genehmigung vom Bauamt für PV?",
       "Darf ich auf einem denkmalgeschützten Haus eine Solaranlage bauen?",
       "Ist eine Dach-PV genehmigungspflichtig?"],
      beispiel=True),
    E("photovoltaik", "Kann ich Solarstrom an die Mieter im Mehrfamilienhaus weitergeben?",
      "Ja. Seit dem Solarpaket I gibt es die gemeinschaftliche Gebäudeversorgung: Der Strom einer "
      "Anlage auf dem Haus kann an Mieter oder Wohnungseigentümer im selben Gebäude geliefert "
      "werden, ohne dass der Betreiber alle Pflichten eines Stromversorgers übernimmt. Den "
      "Reststrom beziehen die Teilnehmenden weiter von einem Lieferanten ihrer Wahl. Alternativ "
      "gibt es das Mieterstrommodell mit Zuschlag.",
      "§ 42b EnWG", "2024-05-16",
      ["Wie funktioniert gemeinschaftliche Gebäudeversorgung im Mehrfamilienhaus?",
       "Darf ich als Vermieter den Solarstrom vom Dach an meine Mieter verkaufen?",
       "Mieterstrom oder Gebäudestrom – was ist der Unterschied?",
       "Wir sind eine Eigentümergemeinschaft, können wir PV-Strom im Haus teilen?"]),
    # --- steckersolar ---------------------------------------------------------------------------
    E("steckersolar", "Wie groß darf ein Steckersolargerät (Balkonkraftwerk) sein?",
      "Ein Steckersolargerät darf einen Wechselrichter mit höchstens 800 Voltampere haben; die "
      "Module dürfen zusammen bis zu 2000 Watt Spitzenleistung haben. Diese Grenzen gelten seit "
      "dem Solarpaket I. Größere Anlagen gelten als normale Photovoltaikanlagen und brauchen eine "
      "Anmeldung beim Netzbetreiber durch einen Fachbetrieb.",
      "§ 3 Nr. 43 EEG", "2024-05-16",
      ["Wieviel Watt darf ein Balkonkraftwerk haben?",
       "Sind 800 Watt beim Balkonkraftwerk erlaubt oder nur 600?",
       "Wie viele Module darf ich an meinen Mikrowechselrichter hängen?",
       "Maximale Leistung Stecker-PV?"]),
    E("steckersolar", "Wo muss ich ein Balkonkraftwerk anmelden?",
      "Nur im Marktstammdatenregister der Bundesnetzagentur, in einer vereinfachten Eingabemaske "
      "mit wenigen Angaben. Die frühere zusätzliche Anmeldung beim Netzbetreiber entfällt; der "
      "Netzbetreiber erfährt über das Register von Ihrem Gerät. Die Registrierung ist kostenlos.",
      "§ 5 MaStRV; Solarpaket I", "2024-05-16",
      ["Muss ich mein Balkonkraftwerk beim Netzbetreiber anmelden?",
       "Anmeldung Balkonsolar – wo und wie?",
       "Brauch ich für so ein Steckersolargerät irgendeine Genehmigung oder Anmeldung?",
       "Wo registriere ich meine Mini-PV?"]),
    E("steckersolar", "Darf ich ein Balkonkraftwerk mit meinem alten Stromzähler betreiben?",
      "Ja. Sie dürfen das Gerät sofort nutzen, auch wenn noch ein alter Ferraris-Zähler ohne "
      "Rücklaufsperre eingebaut ist. Der Messstellenbetreiber tauscht den Zähler später gegen "
      "einen Zweirichtungszähler oder ein modernes Messgerät; Sie müssen nicht darauf warten.",
      "EEG 2023 (Solarpaket I)", "2024-05-16",
      ["Mein Zähler läuft rückwärts, darf ich das Balkonkraftwerk trotzdem anschließen?",
       "Muss ich auf den neuen Zähler warten, bevor ich die Stecker-PV einstecke?",
       "Brauche ich einen Zweirichtungszähler für mein Balkonkraftwerk?",
       "Alter Drehstromzähler und Mini-Solaranlage – geht das?"]),
    E("steckersolar", "Darf ich als Mieter ein Balkonkraftwerk anbringen?",
      "Mieter haben seit dem 17.10.2024 einen Anspruch darauf, dass der Vermieter ein "
      "Steckersolargerät erlaubt. Er darf nur ablehnen, wenn es ihm im Einzelfall nicht zumutbar "
      "ist, etwa wegen der Sicherheit der Befestigung; über das Wie (Ort, Befestigung) kann er "
      "mitreden. Holen Sie die Erlaubnis vor der Montage schriftlich ein.",
      "§ 554 Abs. 1 BGB", "2024-10-17",
      ["Kann mein Vermieter mir ein Balkonkraftwerk verbieten?",
       "Ich wohne zur Miete – darf ich Solarmodule ans Balkongeländer hängen?",
       "Brauche ich die Erlaubnis vom Vermieter für meine Balkon-PV?",
       "Vermieter sagt nein zum Balkonkraftwerk, was kann ich tun?"]),
    E("steckersolar", "Darf ich in einer Eigentumswohnung ein Balkonkraftwerk installieren?",
      "Ja. Steckersolargeräte sind seit dem 17.10.2024 eine privilegierte bauliche Veränderung: "
      "Jeder Wohnungseigentümer kann verlangen, dass die Gemeinschaft die Anbringung gestattet. "
      "Die Eigentümerversammlung kann aber über die Art der Durchführung beschließen, etwa über "
      "einheitliche Befestigung oder Farbe.",
      "§ 20 Abs. 2 Nr. 5 WEG", "2024-10-17",
      ["Muss die Eigentümergemeinschaft meinem Balkonkraftwerk zustimmen?",
       "WEG und Stecker-Solar: wer entscheidet?",
       "Kann die Eigentümerversammlung mein Balkonkraftwerk ablehnen?",
       "Ich hab ne Eigentumswohnung, darf ich einfach ein Balkonkraftwerk aufhängen?"]),
    E("steckersolar", "Darf ich ein Balkonkraftwerk mit einem normalen Schuko-Stecker anschließen?",
      "Seit Dezember 2025 gibt es eine eigene Produktnorm für Steckersolargeräte (DIN VDE V "
      "0126-95). Danach ist der Anschluss über eine normale Haushaltssteckdose zulässig, wenn das "
      "Gerät die dort beschriebenen Schutzmaßnahmen erfüllt und die Module zusammen höchstens 960 "
      "Watt haben. Für bis zu 2000 Watt ist eine spezielle Energiesteckvorrichtung nötig. "
      "Schließen Sie nie mehrere Geräte über eine Mehrfachsteckdose an.",
      "DIN VDE V 0126-95", "2025-12-01",
      ["Schukostecker oder Wieland-Steckdose beim Balkonkraftwerk?",
       "Kann ich die Balkon-PV einfach in die Steckdose stecken?",
       "Brauche ich einen Elektriker für den Anschluss vom Balkonkraftwerk?",
       "Ist ein normaler Stecker beim Steckersolargerät erlaubt?"]),
    E("steckersolar", "Lohnt sich ein Balkonkraftwerk?",
      "Meist ja. Ein Set mit zwei Modulen kostet oft wenige hundert Euro und erzeugt bei guter "
      "Ausrichtung rund 600 bis 900 Kilowattstunden im Jahr. Wirtschaftlich zählt der Teil, den "
      "Sie selbst verbrauchen (Grundlast wie Kühlschrank und Router); er spart Netzstrom. Häufig "
      "hat sich das Gerät nach vier bis acht Jahren bezahlt gemacht. Eine Vergütung für den "
      "eingespeisten Rest gibt es in der Regel nicht.",
      "", STAND,
      ["Lohnt sich so'n Balkonkraftwerk?",
       "Wie viel spart man mit einem Balkonkraftwerk im Jahr?",
       "Rechnet sich eine Mini-PV am Balkon?",
       "Nach wie vielen Jahren hat sich ein Steckersolargerät amortisiert?"]),
    E("steckersolar", "Gibt es eine Förderung für Balkonkraftwerke im Landkreis Musterland?",
      "Eine Bundesförderung gibt es nicht, aber für Steckersolargeräte fällt keine Umsatzsteuer "
      "an. Manche Länder, Städte und Kreise fördern Balkonkraftwerke; das unterscheidet sich stark "
      "von Ort zu Ort. Beispiel (fiktiv): Der Landkreis Musterland gibt 100 Euro je Gerät, solange "
      "Mittel vorhanden sind; der Antrag muss vor dem Kauf gestellt werden.",
      "§ 12 Abs. 3 UStG; Förderrichtlinie Steckersolar Landkreis Musterland (fiktiv)",
      "2026-01-01",
      ["Zuschuss für Balkonkraftwerk hier im Kreis?",
       "Bekomme ich Geld vom Landkreis, wenn ich mir eine Balkonsolaranlage kaufe?",
       "Gibts eine Balkonkraftwerkförderung?",
       "Fördert der Landkreis Steckersolar und muss ich vorher einen Antrag stellen?"],
      beispiel=True),
    E("steckersolar", "Wie montiere ich ein Balkonkraftwerk sicher?",
      "Befestigen Sie die Module so, dass sie auch Sturm standhalten: geeignete Halterungen, "
      "genug Schrauben, keine losen Kabelbinder. An der Balkonbrüstung dürfen Module nicht auf "
      "Passanten fallen können; schwere Module oberhalb von etwa vier Metern Höhe brauchen "
      "besondere Sicherungen. Kabel dürfen nicht geklemmt oder geknickt werden. Im Zweifel hilft "
      "ein Fachbetrieb.",
      "", STAND,
      ["Wie befestige ich die Solarmodule am Balkongeländer sturmsicher?",
       "Was muss ich bei der Montage von Stecker-PV beachten?",
       "Kann ein Balkonkraftwerk bei Sturm runterfallen? Wie sichere ich das?",
       "Balkonkraftwerk an der Fassade montieren – worauf achten?"]),
    # --- speicher -------------------------------------------------------------------------------
    E("speicher", "Lohnt sich ein Batteriespeicher zur Photovoltaikanlage?",
      "Ein Speicher erhöht den Eigenverbrauch oft von etwa 30 auf 60 bis 70 Prozent, weil "
      "Solarstrom vom Mittag abends genutzt wird. Ob er sich rechnet, hängt vom Preis je "
      "Kilowattstunde Speicherkapazität, vom Strompreis und von der Lebensdauer ab. Seit dem "
      "Solarspitzengesetz ist ein Speicher für neue Anlagen attraktiver, weil Einspeisung zur "
      "Mittagszeit weniger bringt.",
      "", STAND,
      ["Macht ein Stromspeicher zur Solaranlage finanziell Sinn?",
       "Batterie für die PV – lohnt sich das?",
       "Rechnet sich ein Solarspeicher überhaupt?",
       "Brauche ich unbedingt einen Akku zu meiner PV-Anlage?"]),
    E("speicher", "Wie groß sollte ein Batteriespeicher sein?",
      "Als Faustregel reicht etwa eine Kilowattstunde Speicherkapazität je 1000 Kilowattstunden "
      "Jahresverbrauch, höchstens etwa eine Kilowattstunde je kWp Modulleistung. Ein Haushalt mit "
      "4000 Kilowattstunden Verbrauch kommt also mit rund 4 bis 6 Kilowattstunden aus. Zu große "
      "Speicher werden im Winter kaum voll und rechnen sich schlechter.",
      "", STAND,
      ["Wie viele kWh Speicher brauche ich für ein Einfamilienhaus?",
       "Welche Speichergröße passt zu 10 kWp?",
       "Speicherkapazität richtig dimensionieren – gibts eine Faustformel?",
       "Ist ein 15 kWh Akku für 4000 kWh Verbrauch zu groß?"]),
    E("speicher", "Muss ich für einen Stromspeicher Mehrwertsteuer zahlen?",
      "Nein, wenn der Speicher zu einer Photovoltaikanlage bis 30 kWp an oder bei einem "
      "Wohngebäude gehört. Das gilt auch, wenn Sie ihn später nachrüsten. Der Nullsteuersatz gilt "
      "seit dem 01.01.2023 für Lieferung und Einbau.",
      "§ 12 Abs. 3 UStG", "2023-01-01",
      ["Gilt der Nullsteuersatz auch für den Batteriespeicher?",
       "Wenn ich nachträglich einen Akku einbaue, zahle ich dann Umsatzsteuer?",
       "Speicher nachrüsten ohne Mehrwertsteuer möglich?",
       "MwSt auf Solarbatterie?"]),
    E("speicher", "Muss ich einen Batteriespeicher anmelden?",
      "Ja. Ein Stromspeicher muss als eigene Einheit im Marktstammdatenregister registriert "
      "werden, innerhalb eines Monats nach der Inbetriebnahme. Ihr Installateur meldet ihn "
      "außerdem beim Netzbetreiber an.",
      "§ 5 MaStRV", "2019-01-31",
      ["Muss der Speicher ins Marktstammdatenregister?",
       "Anmeldung Stromspeicher – was muss ich tun?",
       "Wo melde ich meine Hausbatterie an?",
       "Ich hab einen Speicher nachgerüstet. Muss ich den irgendwo registrieren?"]),
    E("speicher", "Gibt es eine Förderung für Batteriespeicher?",
      "Einen Bundeszuschuss für private Speicher gibt es nicht. Die KfW finanziert Photovoltaik "
      "und Speicher mit einem zinsgünstigen Kredit (Programm 270). Manche Länder und Kommunen "
      "haben eigene Programme, die oft schnell ausgeschöpft sind. Beispiel (fiktiv): Der Landkreis "
      "Musterland fördert Speicher derzeit nicht.",
      "KfW 270", "2026-01-01",
      ["Zuschuss für Solarspeicher?",
       "Gibt es Geld vom Staat für einen Stromspeicher?",
       "Speicherförderung im Landkreis Musterland?",
       "Welche Förderprogramme gibts für PV-Batterien?"],
      beispiel=True),
    E("speicher", "Funktioniert mein Speicher bei einem Stromausfall?",
      "Die meisten Speicher schalten sich bei einem Netzausfall aus Sicherheitsgründen ab. Nur "
      "Systeme mit Ersatzstrom- oder Notstromfunktion und einer Netztrennung können das Haus "
      "weiter versorgen, meist nur einzelne Stromkreise. Klären Sie das vor dem Kauf mit dem "
      "Installateur.",
      "", STAND,
      ["Habe ich mit Batteriespeicher Strom, wenn das Netz ausfällt?",
       "Notstrom mit PV-Speicher möglich?",
       "Blackout – liefert mein Akku dann Strom ins Haus?",
       "Was ist Ersatzstrom beim Speicher?"]),
    E("speicher", "Darf der Netzbetreiber meinen Speicher steuern?",
      "Speicher, die Strom aus dem Netz beziehen können und eine Leistung über 4,2 Kilowatt haben "
      "und seit dem 01.01.2024 in Betrieb gehen, gelten als steuerbare Verbrauchseinrichtungen. "
      "Der Netzbetreiber darf ihren Bezug bei Engpässen vorübergehend drosseln; dafür zahlen Sie "
      "ein geringeres Netzentgelt. Das Laden mit eigenem Solarstrom ist davon nicht betroffen.",
      "§ 14a EnWG", "2024-01-01",
      ["Kann der Netzbetreiber meine Batterie abregeln?",
       "Gilt der 14a auch für Stromspeicher?",
       "Wird mein Speicher vom Netzbetreiber gedimmt?",
       "Steuerbare Verbrauchseinrichtung Speicher – was heißt das?"]),
    E("speicher", "Kann ich mein Elektroauto als Stromspeicher fürs Haus nutzen?",
      "Technisch geht das mit bidirektionalem Laden, wenn Fahrzeug und Wallbox es unterstützen. "
      "Bisher können das nur wenige Modelle, und die Regeln für Messung, Netzentgelte und Abgaben "
      "werden noch angepasst. Für die meisten Haushalte ist es derzeit eher ein Pilotthema.",
      "", STAND,
      ["Bidirektionales Laden – kann mein E-Auto das Haus versorgen?",
       "E-Auto als Hausspeicher nutzen, geht das schon?",
       "Vehicle to home: ist das erlaubt?",
       "Kann die Autobatterie den Solarstrom für die Nacht speichern?"],
      pruefen=True),
    E("speicher", "Wie lange hält ein Batteriespeicher?",
      "Moderne Lithium-Eisenphosphat-Speicher schaffen oft mehrere tausend Vollzyklen, also "
      "grob 10 bis 15 Jahre. Hersteller geben meist zehn Jahre Garantie auf eine Restkapazität "
      "von etwa 70 bis 80 Prozent. Kühle, trockene Aufstellung verlängert die Lebensdauer.",
      "", STAND,
      ["Wie viele Jahre hält so ein Solarakku?",
       "Lebensdauer Stromspeicher?",
       "Nach wie vielen Ladezyklen ist ein PV-Speicher kaputt?",
       "Wie lange Garantie gibts normalerweise auf eine Hausbatterie?"]),
    # --- waermepumpe ----------------------------------------------------------------------------
    E("waermepumpe", "Funktioniert eine Wärmepumpe auch im Altbau?",
      "Oft ja. Entscheidend ist, dass die Räume auch mit einer Vorlauftemperatur von höchstens "
      "etwa 55 Grad warm werden. Testen Sie im Winter, ob es mit abgesenkter Vorlauftemperatur "
      "reicht; einzelne größere Heizkörper oder eine Dämmung der obersten Geschossdecke helfen. "
      "Eine Heizlastberechnung durch einen Fachbetrieb gehört vor jede Entscheidung.",
      "", STAND,
      ["Geht ne Wärmepumpe auch in einem alten Haus ohne Fußbodenheizung?",
       "Ist mein Haus von 1965 für eine Wärmepumpe geeignet?",
       "Wärmepumpe mit normalen Heizkörpern – klappt das?",
       "Brauche ich eine Fußbodenheizung für eine Wärmepumpe?"]),
    E("waermepumpe", "Wie viel Strom verbraucht eine Wärmepumpe?",
      "Das hängt von der Jahresarbeitszahl ab: Sie gibt an, wie viel Wärme aus einer "
      "Kilowattstunde Strom entsteht. Eine Luft-Wasser-Wärmepumpe sollte mindestens 3 erreichen, "
      "eine Erdwärmepumpe 4. Braucht ein Haus 20.000 Kilowattstunden Wärme, sind das bei einer "
      "Jahresarbeitszahl von 3,3 rund 6.000 Kilowattstunden Strom.",
      "", STAND,
      ["Wieviel Strom braucht eine Wärmepumpe im Jahr?",
       "Was ist eine gute Jahresarbeitszahl?",
       "Stromkosten Wärmepumpe Einfamilienhaus?",
       "Wie effizient sind Luftwärmepumpen im Winter?"]),
    E("waermepumpe", "Wie laut darf eine Wärmepumpe sein und welchen Abstand brauche ich?",
      "Am Fenster des Nachbarn gelten die Richtwerte der TA Lärm, nachts zum Beispiel 35 dB(A) im "
      "reinen und 40 dB(A) im allgemeinen Wohngebiet. Stellen Sie das Außengerät nicht direkt vor "
      "Schlafzimmerfenster und nicht in Ecken, die den Schall verstärken. Ob das Gerät im "
      "Grenzabstand stehen darf, regelt die Landesbauordnung; das unterscheidet sich je nach Land.",
      "TA Lärm; Landesbauordnung", "1998-08-26",
      ["Wie weit muss die Wärmepumpe vom Nachbarn weg stehen?",
       "Mein Nachbar beschwert sich über den Lärm der Wärmepumpe – was gilt?",
       "Lärmschutz Luftwärmepumpe Außengerät?",
       "Darf das Außengerät direkt an der Grundstücksgrenze stehen?"],
      beispiel=True),
    E("waermepumpe", "Brauche ich eine Genehmigung für eine Erdwärmepumpe?",
      "Ja. Erdwärmesonden und Brunnen greifen ins Grundwasser ein und brauchen eine "
      "wasserrechtliche Erlaubnis oder Anzeige bei der Unteren Wasserbehörde des Landkreises. "
      "Bohrungen tiefer als 100 Meter sind zusätzlich bei der Bergbehörde anzuzeigen, in "
      "Niedersachsen beim Landesamt für Bergbau, Energie und Geologie. Die Verfahren "
      "unterscheiden sich je nach Land; Beispiel: Im Landkreis Musterland ist das Umweltamt "
      "zuständig.",
      "§§ 8, 9 WHG; § 127 BBergG", "2010-03-01",
      ["Muss ich Erdwärmebohrungen beim Landkreis anmelden?",
       "Genehmigung für Erdsonde, wo beantragen?",
       "Wasserrechtliche Erlaubnis für Grundwasserwärmepumpe?",
       "Wir wollen eine Sole-Wasser-Wärmepumpe mit Tiefenbohrung, was brauchen wir dafür?"],
      beispiel=True),
    E("waermepumpe", "Gibt es günstigeren Strom für Wärmepumpen?",
      "Ja. Wärmepumpen, die seit dem 01.01.2024 angeschlossen werden und mehr als 4,2 Kilowatt "
      "beziehen, muss der Netzbetreiber bei Engpässen drosseln dürfen (auf mindestens 4,2 "
      "Kilowatt). Dafür sinkt das Netzentgelt: entweder pauschal (Modul 1) oder um 60 Prozent des "
      "Arbeitspreises mit eigenem Zähler (Modul 2). Viele Versorger bieten zusätzlich "
      "Wärmepumpentarife an.",
      "§ 14a EnWG", "2024-01-01",
      ["Wärmepumpenstromtarif – lohnt sich ein zweiter Zähler?",
       "Was bringt das reduzierte Netzentgelt nach 14a für die Wärmepumpe?",
       "Darf der Netzbetreiber meine Wärmepumpe abschalten?",
       "Gibts billigeren Heizstrom für ne Wärmepumpe?"]),
    E("waermepumpe", "Kann ich meine Wärmepumpe mit Solarstrom betreiben?",
      "Teilweise. Im Frühling und Herbst deckt eine Photovoltaikanlage einen spürbaren Teil des "
      "Wärmepumpenstroms, im Winter, wenn am meisten geheizt wird, nur wenig. Realistisch sind "
      "etwa 20 bis 30 Prozent. Sinnvoll ist es, Warmwasser mittags mit Solarstrom zu bereiten.",
      "", STAND,
      ["Wärmepumpe und PV kombinieren – wie viel Strom kommt vom Dach?",
       "Kann die Solaranlage meine Wärmepumpe im Winter versorgen?",
       "Lohnt sich Photovoltaik zusammen mit einer Wärmepumpe?",
       "Heizen mit eigenem Solarstrom – realistisch?"]),
    E("waermepumpe", "Gibt es einen Bonus für Wärmepumpen mit natürlichem Kältemittel?",
      "Ja. In der Heizungsförderung erhöht der Effizienzbonus den Zuschuss um 5 Prozentpunkte, "
      "wenn die Wärmepumpe ein natürliches Kältemittel (zum Beispiel Propan, R290) nutzt oder "
      "Wasser, Erdreich oder Abwasser als Wärmequelle hat. Der Gesamtzuschuss bleibt auf 70 "
      "Prozent begrenzt.",
      "BEG EM (KfW 458)", "2024-01-01",
      ["Was ist der Effizienzbonus bei der Wärmepumpe?",
       "Bekomme ich mehr Förderung für eine Propan-Wärmepumpe?",
       "R290 Wärmepumpe Bonus?",
       "Gibts extra Zuschuss für Erdwärme statt Luftwärmepumpe?"],
      pruefen=True),
    E("waermepumpe", "Wie oft muss eine Wärmepumpe gewartet werden?",
      "Eine jährliche Sichtprüfung ist sinnvoll: Filter und Außengerät reinigen, Laub entfernen, "
      "Druck und Fehlermeldungen prüfen. Je nach Kältemittelmenge schreibt die "
      "EU-F-Gase-Verordnung regelmäßige Dichtheitsprüfungen durch Fachleute vor. Ein "
      "Wartungsvertrag kostet meist weniger als bei einer Gasheizung.",
      "Verordnung (EU) 2024/573", "2024-03-11",
      ["Braucht eine Wärmepumpe Wartung wie eine Gastherme?",
       "Wärmepumpe Wartungskosten pro Jahr?",
       "Was muss ich an der Wärmepumpe selbst sauber machen?",
       "Muss der Schornsteinfeger zur Wärmepumpe kommen?"]),
    E("waermepumpe", "Was ist eine Hybridheizung?",
      "Eine Hybridheizung kombiniert eine Wärmepumpe mit einem Gas- oder Ölkessel, der nur an sehr "
      "kalten Tagen zuspringt. Sie kann ein Übergang für schlecht gedämmte Häuser sein. Nach dem "
      "Gebäudeenergiegesetz zählt sie als Erfüllung der 65-Prozent-Regel, wenn die Wärmepumpe "
      "Vorrang hat und ausreichend groß ist.",
      "§ 71h GEG", "2024-01-01",
      ["Wärmepumpe plus Gastherme, ist das erlaubt?",
       "Lohnt sich eine Hybrid-Wärmepumpe?",
       "Was bringt eine Kombination aus Wärmepumpe und Ölheizung?",
       "Hybridheizung und Heizungsgesetz – passt das?"],
      pruefen=True),
    # --- heizungsgesetz -------------------------------------------------------------------------
    E("heizungsgesetz", "Muss ich meine funktionierende Öl- oder Gasheizung austauschen?",
      "Nein. Bestehende Heizungen dürfen weiter betrieben und repariert werden. Eine "
      "Austauschpflicht gilt nur für Konstanttemperaturkessel, die älter als 30 Jahre sind; "
      "Brennwert- und Niedertemperaturkessel sind ausgenommen, ebenso Eigentümer, die ihr Ein- "
      "oder Zweifamilienhaus schon seit dem 01.02.2002 selbst bewohnen.",
      "§ 72 GEG", "2024-01-01",
      ["Muss meine alte Gasheizung raus?",
       "Darf ich meine Ölheizung weiter nutzen?",
       "Zwingt mich das Heizungsgesetz, die Heizung zu tauschen?",
       "Unsere Heizung ist 32 Jahre alt, müssen wir die jetzt austauschen?"],
      pruefen=True),
    E("heizungsgesetz", "Was bedeutet die 65-Prozent-Regel im Gebäudeenergiegesetz?",
      "Neu eingebaute Heizungen müssen mindestens 65 Prozent der Wärme aus erneuerbaren Energien "
      "erzeugen, etwa mit Wärmepumpe, Fernwärme, Biomasse oder Hybridheizung. Das gilt seit dem "
      "01.01.2024 für Neubauten in Neubaugebieten. Für bestehende Gebäude greift die Regel erst "
      "nach den Fristen der kommunalen Wärmeplanung. Die Bundesregierung plant, die Regel mit dem "
      "Gebäudemodernisierungsgesetz abzuschaffen.",
      "§ 71 GEG", "2024-01-01",
      ["Was ist diese 65 % erneuerbare Energien Pflicht?",
       "Gilt die 65-Prozent-Vorgabe schon für mein altes Haus?",
       "Erklären Sie mir bitte das Heizungsgesetz kurz.",
       "Muss meine neue Heizung zu 65 % mit Erneuerbaren laufen?"],
      pruefen=True),
    E("heizungsgesetz", "Ab wann gilt die 65-Prozent-Regel in meiner Gemeinde?",
      "Für bestehende Gebäude ist die kommunale Wärmeplanung maßgeblich: In Gemeinden mit mehr als "
      "100.000 Einwohnern gilt die Regel nach dem 30.06.2026, in kleineren Gemeinden nach dem "
      "30.06.2028; früher nur, wenn die Gemeinde auf Grundlage des Wärmeplans ein Gebiet für "
      "Wärmenetze verbindlich ausweist. Beispiel: Alle Gemeinden im Landkreis Musterland haben "
      "weniger als 100.000 Einwohner, hier ist also der 30.06.2028 maßgeblich.",
      "§ 71 Abs. 8 GEG; § 4 WPG", "2024-01-01",
      ["Wann muss ich in unserem Dorf die 65 % einhalten?",
       "Welche Frist gilt für Gemeinden unter 100.000 Einwohnern?",
       "Was hat die Wärmeplanung mit meiner neuen Heizung zu tun?",
       "Stichtag Wärmeplanung 2026 oder 2028 – was gilt für uns im Landkreis?"],
      beispiel=True, pruefen=True),
    E("heizungsgesetz",
      "Was passiert, wenn meine Heizung kaputtgeht und nicht mehr repariert werden kann?",
      "Bei einem Heizungsausfall gibt es Übergangsfristen: Sie dürfen übergangsweise eine "
      "gebrauchte oder gemietete Heizung einbauen und haben in der Regel fünf Jahre Zeit, auf eine "
      "Heizung umzusteigen, die die 65-Prozent-Regel erfüllt. Ist ein Wärmenetzanschluss in Sicht, "
      "gelten längere Fristen.",
      "§ 71i GEG", "2024-01-01",
      ["Heizung defekt, was nun nach dem neuen Gesetz?",
       "Meine Gastherme ist kaputt – darf ich wieder eine Gasheizung einbauen?",
       "Havarie bei der Ölheizung, welche Übergangsfrist habe ich?",
       "Die Heizung ist im Winter ausgefallen und nicht mehr zu reparieren, was gilt jetzt?"],
      pruefen=True),
    E("heizungsgesetz", "Darf ich noch eine neue Gasheizung einbauen?",
      "Ja, bis die Fristen der Wärmeplanung ablaufen; die Frist hängt von der Größe der Gemeinde "
      "ab (Beispiel: im Landkreis Musterland bis zum 30.06.2028). "
      "Eine ab 2024 eingebaute Gas- oder Ölheizung muss aber ab 2029 steigende Anteile aus "
      "Biomasse oder Wasserstoff nutzen: 15 Prozent ab 2029, 30 Prozent ab 2035, 60 Prozent ab "
      "2040. Die Eckpunkte zum Gebäudemodernisierungsgesetz sehen stattdessen eine Bio-Treppe ab "
      "10 Prozent ab 2029 vor.",
      "§ 71 Abs. 9 GEG", "2024-01-01",
      ["Kann ich 2027 noch eine Gastherme kaufen?",
       "Ist eine neue Gasheizung noch erlaubt?",
       "Was ist die Biogas-Treppe bei neuen Gasheizungen?",
       "Neue Ölheizung einbauen – geht das noch und was muss ich beachten?"],
      beispiel=True, pruefen=True),
    E("heizungsgesetz", "Muss ich mich vor dem Einbau einer Gas- oder Ölheizung beraten lassen?",
      "Ja, nach dem geltenden Gebäudeenergiegesetz muss vor dem Einbau einer Heizung mit festen, "
      "flüssigen oder gasförmigen Brennstoffen eine Beratung durch eine fachkundige Person "
      "stattfinden (etwa Heizungsbauer, Schornsteinfeger oder Energieberater). Sie soll auf "
      "Kostenrisiken durch steigende CO2-Preise hinweisen. Die Koalition will diese Pflicht "
      "streichen.",
      "§ 71 Abs. 11 GEG", "2024-01-01",
      ["Pflichtberatung vor neuer Gasheizung?",
       "Wer darf die Beratung vor dem Heizungstausch machen?",
       "Brauche ich eine Energieberatung, bevor ich eine Ölheizung einbaue?",
       "Was ist die Beratungspflicht im GEG?"],
      pruefen=True),
    E("heizungsgesetz", "Bis wann dürfen Öl- und Gasheizungen betrieben werden?",
      "Nach dem geltenden Gebäudeenergiegesetz dürfen Heizkessel mit fossilen Brennstoffen "
      "längstens bis zum 31.12.2044 betrieben werden; ab 2045 müssen Heizungen vollständig mit "
      "erneuerbaren Energien laufen. Die geplante Neufassung soll pauschale Betriebsverbote "
      "streichen.",
      "§ 72 Abs. 4 GEG", "2024-01-01",
      ["Ab wann sind Gasheizungen verboten?",
       "Wie lange darf ich noch mit Öl heizen?",
       "Ist 2045 Schluss mit fossilen Heizungen?",
       "Endet der Betrieb von Gasthermen irgendwann per Gesetz?"],
      pruefen=True),
    E("heizungsgesetz", "Darf mein Vermieter die Kosten einer neuen Heizung auf die Miete umlegen?",
      "Ja, aber begrenzt. Nach einem Heizungstausch, der die Anforderungen des "
      "Gebäudeenergiegesetzes erfüllt, kann der Vermieter 10 Prozent der Kosten abzüglich "
      "erhaltener Förderung auf die Jahresmiete umlegen. Die Miete darf dadurch um höchstens 50 "
      "Cent je Quadratmeter und Monat steigen.",
      "§ 559e BGB", "2024-01-01",
      ["Wie viel darf die Miete nach einer neuen Heizung steigen?",
       "Modernisierungsumlage Wärmepumpe für Mieter?",
       "Ich bin Mieterin, der Vermieter baut eine Wärmepumpe ein. Was kommt auf mich zu?",
       "Mieterhöhung wegen Heizungstausch – gibt es eine Grenze?"],
      pruefen=True),
    E("heizungsgesetz", "Wird das Heizungsgesetz abgeschafft?",
      "Die Koalition aus CDU/CSU und SPD hat am 24.02.2026 Eckpunkte für ein "
      "Gebäudemodernisierungsgesetz vorgelegt, das das Gebäudeenergiegesetz ablösen soll: Die "
      "65-Prozent-Regel soll entfallen, neue Gas- und Ölheizungen sollen ab 2029 steigende Anteile "
      "klimafreundlicher Brennstoffe nutzen, die Förderung soll bleiben. Ob und in welcher Fassung "
      "das Gesetz in Kraft ist, konnten wir nicht bestätigen. Bis dahin gilt das bisherige Recht.",
      "Eckpunkte Gebäudemodernisierungsgesetz (24.02.2026)", "2026-02-24",
      ["Was ist das Gebäudemodernisierungsgesetz?",
       "Kommt das neue Heizungsgesetz und was ändert sich?",
       "Stimmt es, dass die 65-Prozent-Regel wegfällt?",
       "Soll ich mit dem Heizungstausch warten, bis das neue Gesetz da ist?"],
      pruefen=True),
    E("heizungsgesetz", "Darf ich eine wasserstofffähige Gasheizung einbauen?",
      "Eine als wasserstofffähig verkaufte Gasheizung erfüllt die 65-Prozent-Regel nur unter engen "
      "Bedingungen: Der Gasnetzbetreiber muss einen verbindlichen, von der Bundesnetzagentur "
      "geprüften Plan zur Umstellung des Netzes auf Wasserstoff haben. Solche Pläne gibt es bisher "
      "kaum. Ohne sie gilt die Heizung als normale Gasheizung.",
      "§ 71k GEG", "2024-01-01",
      ["H2-ready Gasheizung – ist das eine Lösung?",
       "Zählt eine Wasserstoff-Therme als erneuerbare Heizung?",
       "Kann ich eine Gastherme einbauen, die später mit Wasserstoff läuft?",
       "Was bringt mir eine wasserstofftaugliche Heizung?"],
      pruefen=True),
    # --- foerderung -----------------------------------------------------------------------------
    E("foerderung", "Wie hoch ist die Förderung für eine neue Heizung?",
      "Die KfW fördert klimafreundliche Heizungen (Wärmepumpe, Biomasse, Solarthermie, "
      "Wärmenetzanschluss) mit 30 Prozent Grundförderung. Dazu kommen bis zu 20 Prozent "
      "Klimageschwindigkeitsbonus, 30 Prozent Einkommensbonus und 5 Prozent Effizienzbonus, "
      "zusammen höchstens 70 Prozent. Förderfähig sind bis zu 30.000 Euro für die erste "
      "Wohneinheit, der Zuschuss beträgt also höchstens 21.000 Euro.",
      "BEG EM (KfW 458)", "2024-01-01",
      ["Wieviel Zuschuss gibt es für eine Wärmepumpe?",
       "Wärmepumpenförderung – wie viel Prozent?",
       "Heizungsförderung KfW, wie hoch maximal?",
       "Was bekomme ich vom Staat, wenn ich meine Ölheizung gegen eine Wärmepumpe tausche?"],
      pruefen=True),
    E("foerderung", "Wer bekommt den Klimageschwindigkeitsbonus?",
      "Selbstnutzende Eigentümer, die eine funktionierende Öl-, Kohle-, Gasetagen- oder "
      "Nachtspeicherheizung oder eine mindestens 20 Jahre alte Gas- oder Biomasseheizung ersetzen. "
      "Der Bonus beträgt 20 Prozent bis Ende 2028 und sinkt danach alle zwei Jahre um 3 "
      "Prozentpunkte. Für vermietete Wohnungen gibt es ihn nicht.",
      "BEG EM (KfW 458)", "2024-01-01",
      ["Was ist der Geschwindigkeitsbonus bei der Heizungsförderung?",
       "Bekomme ich die 20 % Bonus auch für eine 15 Jahre alte Gasheizung?",
       "Klimabonus für Vermieter?",
       "Bis wann gibts den Klima-Geschwindigkeitsbonus noch in voller Höhe?"],
      pruefen=True),
    E("foerderung", "Wer bekommt den Einkommensbonus bei der Heizungsförderung?",
      "Selbstnutzende Eigentümer mit einem zu versteuernden Haushaltseinkommen von höchstens "
      "40.000 Euro im Jahr erhalten zusätzlich 30 Prozent. Maßgeblich ist der Durchschnitt des "
      "zweiten und dritten Jahres vor der Antragstellung, nachgewiesen mit den "
      "Einkommensteuerbescheiden.",
      "BEG EM (KfW 458)", "2024-01-01",
      ["Einkommensbonus 30 Prozent – wer kriegt den?",
       "Welche Einkommensgrenze gilt für den Heizungsbonus?",
       "Wir sind Rentner mit wenig Einkommen. Gibts mehr Förderung für die Wärmepumpe?",
       "Welche Steuerbescheide brauche ich für den Einkommensbonus?"],
      pruefen=True),
    E("foerderung", "Wann muss ich den Förderantrag für die Heizung stellen?",
      "Vor Beginn der Arbeiten. Sie dürfen vorher einen Liefer- und Leistungsvertrag abschließen, "
      "wenn er eine aufschiebende oder auflösende Bedingung für die Förderzusage enthält. Für den "
      "Antrag im KfW-Portal brauchen Sie eine Bestätigung zum Antrag (BzA) vom Fachbetrieb oder "
      "Energieberater. Nach dem Einbau reichen Sie die Nachweise ein.",
      "BEG EM (KfW 458)", "2024-01-01",
      ["Muss ich den Antrag vor dem Auftrag stellen?",
       "Heizungsförderung beantragen, in welcher Reihenfolge?",
       "Darf ich schon einen Vertrag unterschreiben, bevor die Förderung bewilligt ist?",
       "Was ist eine BzA und wer stellt die aus?"]),
    E("foerderung", "Welche Förderung gibt es für Dämmung und neue Fenster?",
      "Das BAFA bezuschusst Maßnahmen an der Gebäudehülle (Dämmung, Fenster, Türen) mit 15 "
      "Prozent; mit individuellem Sanierungsfahrplan kommen 5 Prozent iSFP-Bonus hinzu. "
      "Förderfähig sind bis zu 30.000 Euro je Wohneinheit und Jahr, mit Sanierungsfahrplan 60.000 "
      "Euro. Die Arbeiten müssen technische Mindestanforderungen erfüllen, die ein "
      "Energieeffizienz-Experte bestätigt.",
      "BEG EM (BAFA)", "2024-01-01",
      ["Zuschuss für Fenstertausch?",
       "Gibt es Förderung für Fassadendämmung?",
       "Wie viel Prozent Förderung gibts für die Dachdämmung?",
       "BAFA Förderung Gebäudehülle und iSFP-Bonus – wie funktioniert das?"],
      pruefen=True),
    E("foerderung", "Kann ich energetische Sanierung von der Steuer absetzen?",
      "Ja. Bei selbst bewohnten Gebäuden, die älter als zehn Jahre sind, können 20 Prozent der "
      "Kosten über drei Jahre von der Einkommensteuer abgezogen werden, höchstens 40.000 Euro je "
      "Objekt. Ein Fachbetrieb muss die Arbeiten ausführen und bescheinigen. Für dieselbe Maßnahme "
      "dürfen Sie nicht zusätzlich einen Zuschuss der BEG nutzen.",
      "§ 35c EStG", "2020-01-01",
      ["Steuerbonus für Sanierung statt Förderung?",
       "Kann ich die neue Heizung in der Steuererklärung angeben?",
       "Wie funktioniert die steuerliche Förderung energetischer Maßnahmen?",
       "Dämmung von der Steuer absetzen – wie viel bringt das?"]),
    E("foerderung", "Gibt es einen günstigen Kredit für Sanierung und Heizungstausch?",
      "Ja. Wer eine Zusage für einen BEG-Zuschuss hat, kann bei der KfW einen Ergänzungskredit für "
      "die restlichen Kosten beantragen, bis zu 120.000 Euro je Wohneinheit. Haushalte mit einem "
      "zu versteuernden Einkommen bis 90.000 Euro erhalten einen zusätzlich verbilligten Zins.",
      "KfW 358/359", "2024-01-01",
      ["Ergänzungskredit KfW für Wärmepumpe?",
       "Ich hab nicht genug Erspartes für den Heizungstausch – gibts einen Förderkredit?",
       "Zinsgünstiges Darlehen für energetische Sanierung?",
       "Kann ich die Förderung und einen KfW-Kredit kombinieren?"],
      pruefen=True),
    E("foerderung", "Welche Förderprogramme hat der Landkreis Musterland?",
      "Beispiel (fiktiv): Der Landkreis Musterland fördert im Programm „Klimafit Musterland“ "
      "Steckersolargeräte mit 100 Euro, den Anschluss an ein Nahwärmenetz mit 1.000 Euro und "
      "übernimmt den Eigenanteil einer Energieberatung der Verbraucherzentrale. Echte kommunale "
      "Programme unterscheiden sich von Ort zu Ort und sind oft schnell ausgeschöpft.",
      "Förderrichtlinie Klimafit Musterland (fiktiv)", "2026-01-01",
      ["Was fördert der Landkreis selbst?",
       "Gibt es kommunale Zuschüsse hier bei uns?",
       "Förderprogramm Landkreis Musterland Klimaschutz?",
       "Zahlt die Gemeinde was dazu, wenn ich ans Nahwärmenetz gehe?"],
      beispiel=True),
    E("foerderung", "Gibt es eine Förderung für Photovoltaik?",
      "Einen Bundeszuschuss für private Dachanlagen gibt es nicht. Vorteile entstehen über den "
      "Nullsteuersatz bei der Umsatzsteuer, die Einkommensteuerbefreiung und die "
      "Einspeisevergütung. Die KfW bietet mit dem Programm 270 einen Kredit für Anlagen und "
      "Speicher. Einzelne Länder und Kommunen fördern zusätzlich.",
      "KfW 270; § 12 Abs. 3 UStG; § 3 Nr. 72 EStG", "2023-01-01",
      ["Zuschuss für Solaranlage vom Staat?",
       "PV-Förderung 2026, was gibt es noch?",
       "Gibt es Fördergeld für eine Photovoltaikanlage aufm Einfamilienhaus?",
       "KfW Kredit für Solar – wie heißt das Programm?"]),
    E("foerderung", "Kann ich mehrere Förderungen kombinieren?",
      "Teilweise. BEG-Zuschuss und Ergänzungskredit lassen sich kombinieren, ebenso Heizungs- und "
      "Hüllenförderung für verschiedene Maßnahmen. Für dieselbe Maßnahme schließen sich "
      "BEG-Zuschuss und Steuerbonus aus. Kommunale Programme sind oft zusätzlich möglich; prüfen "
      "Sie die Kumulierungsregeln in der jeweiligen Richtlinie.",
      "BEG EM; § 35c EStG", "2024-01-01",
      ["Darf ich BAFA und KfW gleichzeitig nutzen?",
       "Förderung vom Landkreis und vom Bund zusammen, geht das?",
       "Kann ich Zuschuss und Steuerermäßigung für die gleiche Dämmung bekommen?",
       "Doppelförderung erlaubt?"]),
    # --- solarpflicht ---------------------------------------------------------------------------
    E("solarpflicht", "Muss ich beim Neubau in Niedersachsen eine Solaranlage bauen?",
      "Ja. Für Gebäude mit mindestens 50 Quadratmetern Dachfläche, deren Bauantrag oder "
      "Bauanzeige nach dem 31.12.2024 eingereicht wurde, müssen mindestens 50 Prozent der "
      "Dachfläche mit Photovoltaik belegt werden. Für überwiegend gewerblich genutzte Neubauten "
      "gilt das schon seit 2023, für sonstige Nichtwohngebäude seit 2024. Die Solarpflicht ist "
      "Landesrecht und unterscheidet sich je nach Bundesland.",
      "§ 32a Abs. 1 NBauO", "2025-01-01",
      ["Gibt es eine PV-Pflicht für neue Einfamilienhäuser in Niedersachsen?",
       "Wir bauen neu, müssen wir Solar aufs Dach?",
       "Solarpflicht Neubau Niedersachsen – wie viel Prozent vom Dach?",
       "Gilt die Photovoltaikpflicht auch für Wohnhäuser?"],
      beispiel=True),
    E("solarpflicht", "Gilt die Solarpflicht auch, wenn ich mein Dach neu decke?",
      "In Niedersachsen ja: Wird die Dachhaut bis zur wasserführenden Schicht erneuert, das Haus "
      "aufgestockt oder angebaut und ist die neue oder erneuerte Dachfläche mindestens 50 "
      "Quadratmeter groß, müssen mindestens 50 Prozent dieser Fläche mit Photovoltaik belegt "
      "werden. Kleine Reparaturen lösen die Pflicht nicht aus. Andere Länder regeln das anders.",
      "§ 32a Abs. 2 NBauO", "2025-01-01",
      ["Dachsanierung und Solarpflicht – was gilt?",
       "Muss ich PV installieren, wenn ich neue Dachziegel bekomme?",
       "Wir erneuern das Dach komplett, sind wir dann zur Photovoltaik verpflichtet?",
       "Anbau mit neuem Dach – gilt die Solardachpflicht?"],
      beispiel=True),
    E("solarpflicht", "Gibt es eine Solarpflicht für Parkplätze?",
      "In Niedersachsen muss über neuen offenen Parkplätzen und Parkdecks mit mehr als 25 "
      "Einstellplätzen eine Photovoltaikanlage errichtet werden, ebenso wenn mindestens die Hälfte "
      "eines bestehenden Parkplatzes wesentlich erneuert wird. Parkstreifen entlang öffentlicher "
      "Straßen sind ausgenommen. Andere Länder regeln Parkplätze anders oder gar nicht.",
      "§ 32a Abs. 3 NBauO", "2025-01-01",
      ["PV-Pflicht über Stellplätzen?",
       "Unser Supermarkt baut einen neuen Parkplatz mit 40 Plätzen – brauchen wir Solar?",
       "Ab wie vielen Parkplätzen gilt die Solar-Carport-Pflicht?",
       "Solarpflicht Parkplatz Niedersachsen?"],
      beispiel=True),
    E("solarpflicht", "Welche Ausnahmen gibt es von der Solarpflicht?",
      "Die Pflicht entfällt, soweit sie anderen öffentlich-rechtlichen Pflichten widerspricht "
      "(etwa Denkmalschutz), technisch unmöglich ist (zum Beispiel Reetdach, zu geringe "
      "Tragfähigkeit) oder wirtschaftlich nicht vertretbar ist, also sich nicht in etwa 20 Jahren "
      "amortisiert. Eine Solarthermieanlage auf dem Dach wird angerechnet. So regelt es "
      "Niedersachsen; andere Länder haben eigene Ausnahmen.",
      "§ 32a Abs. 4 NBauO", "2025-01-01",
      ["Reetdach und Solarpflicht?",
       "Wann bin ich von der PV-Pflicht befreit?",
       "Mein Dach ist total verschattet, muss ich trotzdem Photovoltaik bauen?",
       "Zählt Solarthermie auch für die Solarpflicht?"],
      beispiel=True),
    E("solarpflicht", "Wie ist die Solarpflicht in Nordrhein-Westfalen geregelt?",
      "In NRW gilt die Pflicht für neue Nichtwohngebäude mit Bauantrag nach dem 01.01.2024 und für "
      "neue Wohngebäude mit Bauantrag nach dem 01.01.2025; bei vollständiger Erneuerung der "
      "Dachhaut, die nach dem 01.01.2026 beginnt, ebenfalls. Neubauten müssen mindestens 30 "
      "Prozent der Bruttodachfläche belegen, Einzelheiten regelt die Solaranlagen-Verordnung "
      "(SAN-VO). Das ist ein Vergleichsbeispiel; im Landkreis Musterland gilt "
      "niedersächsisches Recht.",
      "§ 42a BauO NRW; SAN-VO NRW", "2024-01-01",
      ["Solarpflicht NRW – was gilt da?",
       "Ich baue in Nordrhein-Westfalen, wie ist es dort mit der PV-Pflicht?",
       "Unterschied Solarpflicht NRW und Niedersachsen?",
       "Gilt in NRW die Solarpflicht auch bei Dachsanierung?"],
      beispiel=True),
    E("solarpflicht", "Gibt es eine bundesweite Solarpflicht?",
      "Nein, bisher regeln die Länder die Solarpflicht in ihren Bauordnungen oder Klimagesetzen, "
      "mit unterschiedlichen Stichtagen und Anteilen. Die EU-Gebäuderichtlinie (EU) 2024/1275 "
      "verlangt schrittweise Solaranlagen auf Gebäuden (neue öffentliche und Nichtwohngebäude "
      "über 250 m² ab Ende 2026, neue Wohngebäude ab Ende 2029); Deutschland muss das in "
      "nationales Recht umsetzen.",
      "Richtlinie (EU) 2024/1275, Art. 10", "2024-05-28",
      ["Kommt eine Solarpflicht für ganz Deutschland?",
       "Was sagt die EU zur Solarpflicht?",
       "Ist die PV-Pflicht Bundesrecht oder Landesrecht?",
       "Gilt die Solarpflicht in jedem Bundesland gleich?"],
      beispiel=True, pruefen=True),
    E("solarpflicht", "Wer prüft die Einhaltung der Solarpflicht?",
      "Zuständig ist die untere Bauaufsichtsbehörde, in kreisangehörigen Gemeinden meist der "
      "Landkreis. Die Solaranlage wird mit den Bauvorlagen geplant; wird sie nicht gebaut, kann "
      "die Behörde die Nachrüstung verlangen. Beispiel: Im Landkreis Musterland berät die "
      "Bauaufsicht zu Ausnahmen vor dem Bauantrag.",
      "§ 32a NBauO", "2025-01-01",
      ["Kontrolliert jemand, ob ich die Solarpflicht erfülle?",
       "An wen wende ich mich wegen einer Befreiung von der Solarpflicht?",
       "Was passiert, wenn ich die PV-Pflicht ignoriere?",
       "Welche Behörde ist für die Photovoltaikpflicht zuständig?"],
      beispiel=True),
    # --- daemmung -------------------------------------------------------------------------------
    E("daemmung", "Muss ich die oberste Geschossdecke dämmen?",
      "Ja, wenn sie an einen unbeheizten Dachraum grenzt und den Mindestwärmeschutz nicht erfüllt; "
      "dann muss sie so gedämmt werden, dass ein U-Wert von 0,24 W/(m²K) erreicht wird. Alternativ "
      "kann das Dach darüber gedämmt werden. Wer ein Ein- oder Zweifamilienhaus schon seit dem "
      "01.02.2002 selbst bewohnt, ist ausgenommen; bei einem Eigentümerwechsel gilt eine Frist von "
      "zwei Jahren.",
      "§ 47 GEG", "2020-11-01",
      ["Dämmpflicht für den Dachboden?",
       "Wir haben ein altes Haus gekauft, müssen wir jetzt die Decke zum Spitzboden dämmen?",
       "Nachrüstpflicht oberste Geschossdecke – gilt das für mich?",
       "Muss die Decke zum unbeheizten Dachboden gedämmt sein?"]),
    E("daemmung", "Welche Dämmwerte gelten, wenn ich Fassade, Dach oder Fenster erneuere?",
      "Werden mehr als 10 Prozent einer Bauteilfläche erneuert, gelten Höchstwerte für den "
      "Wärmedurchgang (U-Wert): zum Beispiel 0,24 W/(m²K) für Außenwand und Steildach, 0,20 für "
      "Flachdächer, 0,30 für die Kellerdecke und 1,3 W/(m²K) für neue Fenster. Für die Förderung "
      "sind strengere Werte nötig.",
      "§ 48 GEG; Anlage 7 GEG", "2020-11-01",
      ["Welchen U-Wert müssen neue Fenster haben?",
       "Gibt es Vorgaben, wenn ich die Fassade neu verputze?",
       "Welche Dämmstärke ist bei einer Dachsanierung Pflicht?",
       "Muss ich beim Fenstertausch bestimmte Werte einhalten?"]),
    E("daemmung", "Muss ich Heizungsrohre dämmen?",
      "Ja. Ungedämmte, zugängliche Warmwasser- und Heizungsleitungen in unbeheizten Räumen (etwa "
      "im Keller) müssen gedämmt werden; die Mindestdicken stehen im Gebäudeenergiegesetz. Das ist "
      "eine der günstigsten Sparmaßnahmen und lässt sich oft selbst erledigen.",
      "Anlage 8 GEG", "2020-11-01",
      ["Rohrdämmung im Keller Pflicht?",
       "Lohnt es sich, die Heizungsrohre zu isolieren?",
       "Wie dick muss die Dämmung an den Warmwasserleitungen sein?",
       "Kann ich Heizungsrohre selbst dämmen?"]),
    E("daemmung", "Soll ich zuerst dämmen oder zuerst die Heizung tauschen?",
      "Am besten planen Sie beides zusammen, etwa mit einem individuellen Sanierungsfahrplan. Wer "
      "zuerst dämmt, kann eine kleinere Heizung einbauen. Ist die Heizung kaputt oder sehr alt, "
      "kann der Tausch zuerst sinnvoll sein, wenn die neue Heizung zu späteren Dämmschritten "
      "passt.",
      "", STAND,
      ["Was kommt zuerst: Wärmepumpe oder Dämmung?",
       "Reihenfolge bei der Sanierung vom Altbau?",
       "Erst Fenster, dann Heizung oder umgekehrt?",
       "Lohnt es sich, vor der neuen Heizung das Haus einzupacken?"]),
    E("daemmung", "Kann ich zweischaliges Mauerwerk mit Klinker nachträglich dämmen?",
      "Ja, in Norddeutschland häufig: Bei zweischaligem Mauerwerk mit Luftschicht kann Dämmstoff "
      "(zum Beispiel Perlite, EPS-Granulat oder Mineralwolle) in den Hohlraum eingeblasen werden. "
      "Das ist vergleichsweise günstig und verändert die Fassade nicht. Ein Fachbetrieb prüft "
      "vorher mit einer Endoskopie, ob der Hohlraum geeignet ist.",
      "", STAND,
      ["Kerndämmung beim Klinkerhaus – geht das?",
       "Einblasdämmung in die Luftschicht, was kostet das ungefähr und lohnt es sich?",
       "Unser Haus hat eine Verblendfassade mit Luftspalt. Kann man da Dämmung reinblasen?",
       "Hohlschicht dämmen, ist das sinnvoll?"]),
    E("daemmung", "Bekomme ich nach dem Fenstertausch Schimmel?",
      "Neue, dichte Fenster verringern den Luftaustausch; ohne richtiges Lüften kann sich Feuchte "
      "an kalten Wänden niederschlagen. Werden in einem Einfamilienhaus mehr als ein Drittel der "
      "Fenster getauscht, verlangt die Norm DIN 1946-6 ein Lüftungskonzept. Regelmäßiges "
      "Stoßlüften oder eine Lüftungsanlage beugen Schimmel vor.",
      "DIN 1946-6", "2019-12-01",
      ["Schimmel nach neuen Fenstern, was tun?",
       "Brauche ich ein Lüftungskonzept beim Fenstertausch?",
       "Neue Fenster, jetzt beschlagen die Scheiben – woran liegt das?",
       "Wird mein Haus nach der Dämmung zu dicht?"]),
    E("daemmung", "Lohnt sich die Dämmung der Kellerdecke?",
      "Meist ja: Die Kellerdecke lässt sich mit Dämmplatten von unten einfach und günstig dämmen, "
      "oft in Eigenleistung. Das spart Heizenergie und sorgt für wärmere Fußböden im Erdgeschoss. "
      "Achten Sie auf ausreichende Raumhöhe im Keller und auf nicht brennbare Materialien in "
      "Heizungsräumen.",
      "", STAND,
      ["Kellerdecke dämmen sinnvoll?",
       "Kalte Füße im Erdgeschoss – hilft Kellerdeckendämmung?",
       "Kann ich die Kellerdecke selber dämmen?",
       "Wie dick sollte die Dämmung unter der Kellerdecke sein?"]),
    E("daemmung", "Wie dämme ich ein denkmalgeschütztes Haus?",
      "Bei Baudenkmalen brauchen Sie für Veränderungen eine Genehmigung der Denkmalbehörde, und "
      "die Anforderungen des Gebäudeenergiegesetzes können gelockert werden. Häufig kommen "
      "Innendämmung, Dämmung der obersten Geschossdecke und Fensterertüchtigung in Frage. Wegen "
      "des Feuchterisikos sollte ein Energieberater mit Denkmalerfahrung planen; für Denkmale gibt "
      "es eigene Förderstufen. Das Denkmalrecht ist Landesrecht und unterscheidet sich je nach "
      "Land.",
      "§ 105 GEG; NDSchG", "2020-11-01",
      ["Innendämmung im Fachwerkhaus unter Denkmalschutz?",
       "Dürfen wir unser Denkmal energetisch sanieren?",
       "Denkmalschutz und Dämmpflicht, wie passt das zusammen?",
       "Wer hilft bei der Sanierung eines Baudenkmals?"],
      beispiel=True),
    # --- energiesparen --------------------------------------------------------------------------
    E("energiesparen", "Wie viel spare ich, wenn ich die Raumtemperatur senke?",
      "Als Faustregel spart jedes Grad weniger etwa 6 Prozent Heizenergie. Empfohlen sind rund 20 "
      "Grad im Wohnzimmer, 18 in der Küche und 17 im Schlafzimmer. Die Stufe 3 am Thermostat "
      "entspricht meist etwa 20 Grad. Kühlen Sie Räume aber nicht so stark aus, dass sich Feuchte "
      "niederschlägt.",
      "", STAND,
      ["Ein Grad weniger heizen – wie viel bringt das?",
       "Welche Temperatur sollte das Schlafzimmer haben?",
       "Was bedeutet Stufe 3 am Heizkörperthermostat?",
       "Wie warm sollte es in der Wohnung sein, um Energie zu sparen?"]),
    E("energiesparen", "Wie lüfte ich richtig im Winter?",
      "Mehrmals täglich fünf bis zehn Minuten Stoß- oder Querlüften mit weit geöffneten Fenstern, "
      "Thermostate dabei zudrehen. Dauerhaft gekippte Fenster kühlen Wände aus und verschwenden "
      "viel Energie. Nach dem Duschen und Kochen sofort lüften.",
      "", STAND,
      ["Fenster auf Kipp oder Stoßlüften?",
       "Wie oft sollte man im Winter lüften?",
       "Verliere ich viel Wärme beim Lüften?",
       "Richtig lüften gegen Schimmel und Heizkosten?"]),
    E("energiesparen", "Was kann ich an meiner Heizung selbst optimieren?",
      "Heizkörper entlüften, wenn sie gluckern oder oben kalt bleiben, Möbel und Vorhänge nicht "
      "vor die Heizkörper stellen und die Nachtabsenkung nutzen. Ein Fachbetrieb kann die "
      "Heizkurve senken und einen hydraulischen Abgleich machen; das spart oft 5 bis 10 Prozent.",
      "", STAND,
      ["Heizkörper entlüften, wie geht das?",
       "Hydraulischer Abgleich – was bringt das?",
       "Meine Heizung gluckert, was kann ich tun?",
       "Wie stelle ich die Heizkurve richtig ein?"]),
    E("energiesparen", "Wie spare ich Energie beim Warmwasser?",
      "Duschen statt baden, ein Sparduschkopf halbiert den Wasserdurchfluss. Bei zentralen "
      "Warmwasserspeichern sollte die Temperatur wegen Legionellen nicht dauerhaft unter 60 Grad "
      "liegen; bei Durchlauferhitzern reichen 40 bis 45 Grad. Tropfende Hähne reparieren.",
      "", STAND,
      ["Sparduschkopf, lohnt sich das?",
       "Wie warm sollte der Warmwasserspeicher eingestellt sein?",
       "Duschen oder Baden – was ist günstiger?",
       "Legionellen – darf ich die Warmwassertemperatur runterdrehen?"]),
    E("energiesparen", "Wie viel Strom verbraucht Stand-by?",
      "Geräte im Bereitschaftsbetrieb können in einem Haushalt leicht 50 bis 100 Euro im Jahr "
      "kosten. Schaltbare Steckdosenleisten für Fernseher, Computer und Ladegeräte helfen. Ein "
      "Strommessgerät zeigt, welche Geräte dauerhaft Strom ziehen.",
      "", STAND,
      ["Lohnt es sich, Geräte ganz auszuschalten?",
       "Standby-Verbrauch Fernseher und Router – wie viel kostet das?",
       "Wie finde ich Stromfresser im Haushalt?",
       "Was bringt eine schaltbare Steckdosenleiste?"]),
    E("energiesparen", "Wie stelle ich Kühlschrank und Gefriergerät sparsam ein?",
      "Kühlschrank auf etwa 7 Grad, Gefriergerät auf minus 18 Grad; kälter kostet unnötig Strom. "
      "Gefriergeräte regelmäßig abtauen, Türdichtungen prüfen und die Geräte nicht neben Herd oder "
      "Heizung stellen. Sehr alte Geräte zu ersetzen kann sich lohnen.",
      "", STAND,
      ["Welche Temperatur für den Kühlschrank?",
       "Wie oft sollte ich die Gefriertruhe abtauen?",
       "Lohnt sich ein neuer Kühlschrank, meiner ist 20 Jahre alt?",
       "Kühlschrankstromverbrauch senken, wie?"]),
    E("energiesparen", "Wie spare ich Strom beim Waschen und Trocknen?",
      "Die Maschine voll beladen, bei 30 oder 40 Grad waschen und das Eco-Programm nutzen: Es "
      "dauert länger, braucht aber weniger Energie. Wäsche an der Luft trocknen; wenn ein Trockner "
      "nötig ist, ist ein Wärmepumpentrockner am sparsamsten.",
      "", STAND,
      ["Warum dauert das Eco-Programm so lange, spart das wirklich?",
       "Wäschetrockner Stromverbrauch senken?",
       "Bei wie viel Grad sollte ich waschen?",
       "Waschmaschine sparsam nutzen – Tipps?"]),
    E("energiesparen", "Wie viel Strom verbraucht ein durchschnittlicher Haushalt?",
      "Ein Ein-Personen-Haushalt in einer Wohnung braucht grob 1.500 Kilowattstunden im Jahr, zwei "
      "Personen etwa 2.500, vier Personen im Haus etwa 4.000 (ohne Warmwasser mit Strom, ohne "
      "Wärmepumpe und E-Auto). Vergleichen Sie Ihren Verbrauch zum Beispiel mit dem Stromspiegel.",
      "", STAND,
      ["Ist 3500 kWh für zwei Personen viel?",
       "Durchschnittlicher Stromverbrauch 4 Personen Haushalt?",
       "Wie erkenne ich, ob mein Stromverbrauch hoch ist?",
       "Was ist ein normaler Jahresverbrauch an Strom?"]),
    E("energiesparen", "Lohnt sich der Umstieg auf LED-Lampen?",
      "Ja. LED-Lampen brauchen rund 80 Prozent weniger Strom als Glühlampen und halten viel "
      "länger. Achten Sie auf die Lichtfarbe (warmweiß etwa 2700 Kelvin) und den Lichtstrom in "
      "Lumen statt auf die Wattzahl.",
      "", STAND,
      ["LED statt Halogen – wie viel spare ich?",
       "Welche LED-Birne ersetzt eine 60-Watt-Glühbirne?",
       "Lohnen sich LED-Leuchtmittel überhaupt?",
       "Was bedeutet Lumen bei Lampen?"]),
    # --- beratung -------------------------------------------------------------------------------
    E("beratung", "Wo bekomme ich eine unabhängige Energieberatung?",
      "Die Energieberatung der Verbraucherzentrale ist anbieterunabhängig und vom Bund gefördert; "
      "sie berät online, am Telefon, in Beratungsstellen und mit Energie-Checks vor Ort, kostenlos "
      "oder mit geringem Eigenanteil. Für eine ausführliche Gebäudeanalyse gibt es die geförderte "
      "Energieberatung durch Energieeffizienz-Experten.",
      "", STAND,
      ["Wo kann ich mich neutral zur Heizung beraten lassen?",
       "Gibt es kostenlose Energieberatung?",
       "Verbraucherzentrale Energieberatung – was kostet das?",
       "Wer berät mich unabhängig, ohne mir was verkaufen zu wollen?"]),
    E("beratung", "Was ist ein individueller Sanierungsfahrplan und was kostet er?",
      "Der individuelle Sanierungsfahrplan (iSFP) zeigt, wie ein Wohngebäude Schritt für Schritt "
      "saniert werden kann. Ein Energieeffizienz-Experte erstellt ihn nach einer Begehung. Das "
      "BAFA übernimmt 50 Prozent des Honorars, höchstens 650 Euro bei Ein- und Zweifamilienhäusern "
      "und 850 Euro ab drei Wohneinheiten. Wer danach saniert, erhält 5 Prozent iSFP-Bonus.",
      "Richtlinie Energieberatung für Wohngebäude (EBW)", "2024-08-07",
      ["iSFP – was ist das?",
       "Wie viel Zuschuss gibt es für einen Sanierungsfahrplan?",
       "Lohnt sich ein Sanierungsfahrplan vom Energieberater?",
       "Förderung Energieberatung BAFA 2026?"]),
    E("beratung", "Welche Energieberatung bietet der Landkreis Musterland an?",
      "Beispiel (fiktiv): Das Klimaschutzmanagement des Landkreises Musterland bietet im Projekt "
      "SmartEnergie eine kostenlose Erstberatung an, telefonisch oder im Kreishaus, nach "
      "Terminvereinbarung über das Bürgerportal. Komplexe Fragen werden an Energieberaterinnen "
      "und -berater weitergeleitet. Echte Angebote finden Sie auf der Internetseite Ihres Kreises.",
      "", "2026-01-01",
      ["Kann ich beim Landkreis einen Beratungstermin bekommen?",
       "Gibt es eine Energiesprechstunde im Kreishaus?",
       "Wie erreiche ich das Klimaschutzmanagement vom Landkreis?",
       "Bietet der Kreis eine persönliche Energieberatung an?"],
      beispiel=True),
    E("beratung", "Wann brauche ich einen Energieausweis?",
      "Beim Verkauf, bei der Vermietung und bei der Verpachtung eines Gebäudes oder einer Wohnung "
      "müssen Sie Interessenten einen gültigen Energieausweis vorlegen; die Kennwerte gehören "
      "schon in die Anzeige. Es gibt Bedarfs- und Verbrauchsausweise, beide gelten zehn Jahre. Für "
      "selbst genutzte Häuser ohne Verkauf ist keiner nötig.",
      "§ 80 GEG", "2020-11-01",
      ["Energieausweis beim Hausverkauf Pflicht?",
       "Verbrauchsausweis oder Bedarfsausweis – welcher ist für mich?",
       "Wie lange ist ein Energieausweis gültig?",
       "Brauche ich einen Energieausweis, wenn ich meine Wohnung vermiete?"]),
    E("beratung", "Muss ich mich beim Kauf eines Hauses energetisch beraten lassen?",
      "Wer ein Ein- oder Zweifamilienhaus kauft, muss ein informatorisches Beratungsgespräch mit "
      "einer Energieberaterin oder einem Energieberater führen, wenn es kostenlos angeboten wird, "
      "zum Beispiel von der Verbraucherzentrale. Das Gespräch hilft, Sanierungspflichten und "
      "Kosten realistisch einzuschätzen.",
      "§ 80 Abs. 4 GEG", "2020-11-01",
      ["Beratungspflicht beim Hauskauf?",
       "Wir kaufen ein altes Einfamilienhaus, was müssen wir energetisch beachten?",
       "Muss ich vor dem Hauskauf zum Energieberater?",
       "Hauskauf und Energieberatung – Pflicht oder freiwillig?"]),
    E("beratung", "Wie finde ich einen qualifizierten Energieberater?",
      "Für geförderte Beratungen und Förderanträge brauchen Sie Energieeffizienz-Experten aus der "
      "Expertenliste des Bundes (energie-effizienz-experten.de), die Sie nach Postleitzahl "
      "durchsuchen können. Fragen Sie nach Referenzen und lassen Sie sich ein schriftliches "
      "Angebot geben.",
      "", STAND,
      ["Energieeffizienz-Experten in meiner Nähe finden?",
       "Woran erkenne ich einen guten Energieberater?",
       "Liste zugelassener Energieberater?",
       "Brauche ich für den Förderantrag einen bestimmten Energieberater?"]),
    E("beratung", "Was passiert mit meinen Daten, wenn ich diesem Assistenten eine Frage stelle?",
      "Geben Sie bitte keine Namen, Adressen, Telefonnummern oder andere persönliche Daten ein; "
      "für eine allgemeine Antwort sind sie nicht nötig. Beispiel (fiktiv): Der Assistent des "
      "Landkreises Musterland entfernt erkannte persönliche Daten vor der Auswertung und speichert "
      "Fragen nur anonymisiert zur Verbesserung der Antworten.",
      "Art. 5 DSGVO", "2018-05-25",
      ["Werden meine Fragen gespeichert?",
       "Datenschutz beim Energie-Chatbot?",
       "Darf ich hier meine Adresse angeben?",
       "Wer liest meine Fragen an den Assistenten?"],
      beispiel=True),
    E("beratung", "Ist die Antwort des Assistenten eine Rechts- oder Fachberatung?",
      "Nein. Die Antworten sind allgemeine Informationen mit Stand und Quelle; sie ersetzen keine "
      "Energie-, Rechts- oder Steuerberatung und keinen Bescheid einer Behörde. Vor Investitionen "
      "sollten Sie Ihren Fall mit einer Fachperson besprechen; Fragen, die der Assistent nicht "
      "sicher beantworten kann, leitet er an die Beratung weiter.",
      "", STAND,
      ["Kann ich mich auf die Antworten verlassen?",
       "Ist das hier eine verbindliche Auskunft?",
       "Ersetzt der Chatbot einen Energieberater?",
       "Wer haftet, wenn die Antwort vom Assistenten falsch ist?"]),
    E("beratung", "Was kostet eine Thermografie meines Hauses?",
      "Eine Wärmebildaufnahme zeigt Wärmebrücken und undichte Stellen; sie gelingt nur bei "
      "deutlichem Temperaturunterschied, also im Winter. Private Anbieter verlangen meist einige "
      "hundert Euro. Beispiel (fiktiv): Der Landkreis Musterland bietet im Winter Thermografie-"
      "Aktionen mit Eigenanteil an; die Plätze werden nach Anmeldung vergeben.",
      "", "2026-01-01",
      ["Wärmebildkamera Aktion im Landkreis?",
       "Thermografie fürs Haus, was kostet das?",
       "Wann ist die beste Zeit für eine Wärmebildaufnahme?",
       "Wie finde ich Wärmebrücken in meinem Haus?"],
      beispiel=True),
]

# Questions that no entry answers: the assistant should forward them.
OFF_TOPIC = [
    "Wann wird bei uns die gelbe Tonne abgeholt?",
    "Wie beantrage ich einen neuen Personalausweis?",
    "Wo kann ich meinen Hund anmelden und was kostet die Hundesteuer?",
    "Fährt der Rufbus auch sonntags nach Musterhausen?",
    "Mein Nachbar lässt seine Hecke über den Zaun wachsen, was kann ich machen?",
    "Wie bekomme ich einen Kitaplatz für meine Tochter?",
    "Wo kann ich Sperrmüll anmelden?",
    "Ich möchte mein Auto ummelden, brauche ich einen Termin?",
    "Wann ist das Freibad geöffnet?",
    "Wer ist für Schlaglöcher in der Kreisstraße zuständig?",
    "Wie hoch ist die Grundsteuer für mein Haus ab 2025?",
    "Kann ich beim Landkreis einen Fischereischein machen?",
    "Wo gibt es den nächsten Impftermin?",
    "Wie beantrage ich Wohngeld?",
    "Mein Stromanbieter hat die Preise erhöht, darf der das?",
    "Wie kündige ich meinen Gasvertrag?",
    "Welche Bäume darf ich im Garten fällen?",
    "Wie melde ich eine Hochzeit beim Standesamt an?",
    "Gibt es einen Zuschuss für ein neues E-Bike?",
    "Wann sind die nächsten Kreistagswahlen?",
    "Darf ich im Garten ein Osterfeuer machen?",
    "Wer repariert die Straßenlaterne vor meinem Haus?",
    "Wie bekomme ich einen Schwerbehindertenausweis?",
    "Moin, kann man beim Kreis irgendwo Fahrräder leihen?",
    "Ist die Kfz-Zulassungsstelle samstags offen?",
    "Wo kann ich Bauschutt entsorgen?",
]

# Invented people and contact details for questions with personal data (clearly fictional;
# phone numbers in the unassigned 0123 range, e-mail addresses at example.org/example.net).
PEOPLE = [
    ("Petra", "Schäfer"), ("Jan", "Oltmanns"), ("Hauke", "Janssen"), ("Anke", "Gerdes"),
    ("Frauke", "Eilers"), ("Tobias", "Wiese"), ("Meike", "Harms"), ("Gerd", "Ihnen"),
    ("Sabine", "Folkerts"), ("Jürgen", "de Vries"), ("Elke", "Saathoff"), ("Rainer", "Büscher"),
]
STREETS = ["Lindenstraße", "Am Deich", "Mühlenweg", "Kirchstraße", "Heideweg", "Sielstraße",
           "Birkenallee", "Gartenweg", "Hafenstraße", "Schulstraße"]
PLACES = ["Musterhausen", "Neudorf-Siel", "Altenmoor", "Groß Heidefeld", "Wittkamp"]
GREETINGS = ["Moin, ", "Hallo, ", "Guten Tag, ", "Kurze Frage: ", "Hallo zusammen, ",
             "Sehr geehrte Damen und Herren, ", ""]
UMLAUTS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))


# --- Question variants ---------------------------------------------------------------------------


def _typo(text: str, rng: random.Random) -> str:
    """One typical typing error in a longer word, or umlauts/case lost."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 6]
    kind = rng.choice(["swap", "drop", "double", "umlaut", "lower"])
    if kind == "umlaut" and any(u in text for u, _ in UMLAUTS):
        for u, r in UMLAUTS:
            text = text.replace(u, r)
        return text
    if kind == "lower" or not long_words:
        return text.lower().rstrip("?") + "?"
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    if kind == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif kind == "drop":
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _from(street: str) -> str:
    """'aus der Lindenstraße 4', 'aus dem Mühlenweg 7', 'wohnhaft Am Deich 2'."""
    name = street.rsplit(" ", 1)[0]
    if name.endswith(("straße", "allee")):
        return f"aus der {street}"
    if name.endswith("weg"):
        return f"aus dem {street}"
    return f"wohnhaft {street}"


def _with_person(text: str, rng: random.Random) -> str:
    """The question the way citizens write it, with invented name and contact details."""
    first, last = rng.choice(PEOPLE)
    street = f"{rng.choice(STREETS)} {rng.randint(1, 48)}"
    phone = f"0123 {rng.randint(100000, 999999)}"
    mail = f"{first.lower()}.{last.lower().replace(' ', '')}@example.org".translate(
        str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"}))
    style = rng.randrange(3)
    if style == 0:
        return f"Hallo, ich bin {first} {last} {_from(street)}. {text}"
    if style == 1:
        return (f"{rng.choice(GREETINGS[:3])}{text[0].lower()}{text[1:]} Rufen Sie mich gerne "
                f"zurück unter {phone}. "
                f"Gruß {first} {last}")
    return (f"Guten Tag, mein Name ist {first} {last} ({street}, {rng.choice(PLACES)}). {text} "
            f"Antwort bitte an {mail}")


def make_questions(rng: random.Random) -> list[tuple[str, str, str]]:
    """(frage, thema, eintrag_id) for every entry and the off-topic questions, shuffled."""
    rows: list[tuple[str, str, str]] = []
    for k, entry in enumerate(ENTRIES, start=1):
        eid = f"E{k:03d}"
        seen = set()
        for text in entry.varianten:
            rows.append((text, entry.thema, eid))
            seen.add(text)
        # one question with a typo, sometimes with a greeting in front
        typo = _typo(rng.choice(entry.varianten), rng)
        if rng.random() < 0.4:
            typo = rng.choice(GREETINGS) + typo[0].lower() + typo[1:]
        if typo not in seen:
            rows.append((typo, entry.thema, eid))
            seen.add(typo)
        if rng.random() < PERSONAL_SHARE:
            text = _with_person(rng.choice(entry.varianten), rng)
            if text not in seen:
                rows.append((text, entry.thema, eid))
    for text in OFF_TOPIC:
        rows.append((text, "sonstiges", ""))
        if rng.random() < 0.25:
            rows.append((_with_person(text, rng), "sonstiges", ""))
    rng.shuffle(rows)
    return rows


# --- Output --------------------------------------------------------------------------------------


def _csv(header: tuple[str, ...], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def knowledge_rows() -> list[tuple[str, ...]]:
    return [(f"E{k:03d}", e.thema, e.frage, e.antwort, e.recht, e.ab, STAND,
             "true" if e.beispiel else "false") for k, e in enumerate(ENTRIES, start=1)]


def generate(out: Path) -> list[Path]:
    """Write both files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    questions = make_questions(rng)
    paths = [out / "wissensbasis.csv", out / "fragen.csv"]
    write_bytes(paths[0], _csv(KB_COLUMNS, knowledge_rows()))
    write_bytes(paths[1], _csv(Q_COLUMNS, [(f"F{i:04d}", *row)
                                           for i, row in enumerate(questions, start=1)]))
    return paths


def main(argv: list[str] | None = None) -> int:
    return generator_main(generate, __doc__, Path(__file__).resolve().parent, argv)


if __name__ == "__main__":
    sys.exit(main())
