"""Masking personal data in German text: names, addresses, contact data, IBANs, dates of birth."""

from __future__ import annotations

import pandas as pd
import pytest

from urbanki_helpers.errors import DataError, ParameterError
from urbanki_helpers.privacy import (
    CATEGORIES,
    MaskResult,
    PersonalDataMasker,
    PseudonymMapping,
    mask_personal_data,
)

LETTER = """Stadt Musterstadt · Bauordnungsamt

Frau
Sabine Schäfer
Hauptstraße 12-14
45879 Gelsenkirchen

Sehr geehrte Frau Schäfer,

vielen Dank für Ihren Antrag vom 12.03.2024 (Photovoltaik, 9,8 kWp). Die Gebühr von 1.500 Euro
überweisen Sie bitte auf DE89 3704 0044 0532 0130 00. Rückfragen an juergen.weiss@stadt.example
oder 0209 169-4711. Der Architekt Herr Koch hat die Pläne bereits eingereicht.

Mit freundlichen Grüßen
Jürgen Weiß-Hoffmann
"""

LETTER_MASKED = """Stadt Musterstadt · Bauordnungsamt

Frau
[PERSON-1]
[ADRESSE-1]

Sehr geehrte Frau [PERSON-1],

vielen Dank für Ihren Antrag vom 12.03.2024 (Photovoltaik, 9,8 kWp). Die Gebühr von 1.500 Euro
überweisen Sie bitte auf [IBAN-1]. Rückfragen an [E-MAIL-1]
oder [TELEFON-1]. Der Architekt Herr [PERSON-2] hat die Pläne bereits eingereicht.

Mit freundlichen Grüßen
[PERSON-3]
"""


def test_a_letter_with_several_categories():
    result = PersonalDataMasker().mask(LETTER)
    assert result.text == LETTER_MASKED
    assert dict(result.mapping) == {
        "[PERSON-1]": "Sabine Schäfer",
        "[ADRESSE-1]": "Hauptstraße 12-14\n45879 Gelsenkirchen",
        "[IBAN-1]": "DE89 3704 0044 0532 0130 00",
        "[E-MAIL-1]": "juergen.weiss@stadt.example",
        "[TELEFON-1]": "0209 169-4711",
        "[PERSON-2]": "Koch",
        "[PERSON-3]": "Jürgen Weiß-Hoffmann",
    }
    assert result.counts == {"PERSON": 4, "ADRESSE": 1, "E-MAIL": 1, "TELEFON": 1, "IBAN": 1,
                             "GEBURTSDATUM": 0, "AKTENZEICHEN": 0}
    assert list(result.counts) == list(CATEGORIES)
    assert mask_personal_data(LETTER) == LETTER_MASKED
    # the same letter with Windows line ends
    crlf = LETTER.replace("\n", "\r\n")
    assert mask_personal_data(crlf) == LETTER_MASKED.replace("\n", "\r\n")


def test_the_mapping_never_shows_up_in_a_repr():
    masker = PersonalDataMasker()
    result = masker.mask(LETTER)
    shown = repr(result) + str(result) + repr(result.mapping) + str(result.mapping) + repr(masker)
    for original in ("Schäfer", "Hauptstraße", "DE89", "juergen", "4711", "Koch", "Weiß"):
        assert original not in shown
    assert "[PERSON-1]" in repr(result) and "7 Einträge" in repr(result.mapping)
    assert isinstance(result, MaskResult) and isinstance(result.mapping, PseudonymMapping)
    frame = result.mapping.to_frame()
    assert list(frame.columns) == ["pseudonym", "kategorie", "original"]
    assert frame.set_index("pseudonym").loc["[E-MAIL-1]", "kategorie"] == "E-MAIL"


@pytest.mark.parametrize("text, expected", [
    ("Herr Koch hat angerufen.", "Herr [PERSON-1] hat angerufen."),
    ("Sehr geehrte Frau Weber,", "Sehr geehrte Frau [PERSON-1],"),
    ("Rückruf an Herrn Wolf erbeten.", "Rückruf an Herrn [PERSON-1] erbeten."),
    ("Frau Dr. Fischer und Prof. Braun", "Frau Dr. [PERSON-1] und Prof. [PERSON-2]"),
    ("Dr.-Ing. Weber", "Dr.-Ing. [PERSON-1]"),
    ("gez. Schneider", "gez. [PERSON-1]"),
    ("i. A. Vogel", "i. A. [PERSON-1]"),
    ("Bauherrin Familie Hahn, Architekt Fuchs", "Bauherrin Familie [PERSON-1], Architekt [PERSON-2]"),
    ("Antragsteller: Herr Lange", "Antragsteller: Herr [PERSON-1]"),
    ("Frau Bürgermeisterin Klein", "Frau Bürgermeisterin [PERSON-1]"),
    ("HERRN KOCH", "HERRN [PERSON-1]"),
    ("Frank Koch kommt.", "[PERSON-1] kommt."),
    ("Anna Weber, geb. Müller", "[PERSON-1], geb. [PERSON-2]"),
    ("Teilnehmende: Weber, Anna", "Teilnehmende: [PERSON-1]"),
])
def test_names_that_are_common_words_are_masked_with_a_cue(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text", [
    "Der Koch kocht heute in der Kantine.",
    "Koch- und Backrezepte für die Mensa.",
    "Der Wolf im Wald wurde zweimal gesichtet, ein Fuchs auch.",
    "die weber und die schneider der Altstadt",
    "Lange Wartezeiten im Bürgerbüro, Jung und Alt beschweren sich.",
    "Braun ist die Farbe der Saison. Klein, aber fein.",
    "Im August will die Stadt Ernst machen.",
    "Eine Frau Mitte 40 fragte nach dem Herrn Pfarrer.",
    "Sehr geehrte Damen und Herren,",
])
def test_common_words_without_a_cue_stay(text):
    assert mask_personal_data(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Herr Jürgen Weiß", "Herr [PERSON-1]"),
    ("Frau Groß und Herr Strauß", "Frau [PERSON-1] und Herr [PERSON-2]"),
    ("Anna-Lena Müller-Lüdenscheidt", "[PERSON-1]"),
    ("Herrn Müller-Lüdenscheidt", "Herrn [PERSON-1]"),
    ("Jürgen Weiß-Hoffmann", "[PERSON-1]"),
    ("Hoffmann hat angerufen.", "[PERSON-1] hat angerufen."),
    ("Herr Kasimir Nowicki, bitte", "Herr [PERSON-1], bitte"),
    ("i. A. Kasimir Nowicki\nSachbearbeitung", "i. A. [PERSON-1]\nSachbearbeitung"),
    ("HERRN JÜRGEN WEISS\nBERLINER STRASSE 5", "HERRN [PERSON-1]\n[ADRESSE-1]"),
])
def test_umlauts_sharp_s_hyphens_and_capitals(text, expected):
    assert mask_personal_data(text) == expected


def test_pseudonyms_are_consistent_within_a_document():
    text = ("Herr Weber beschwert sich über Frau Schäfer. Weber sagt, Schäfer parke falsch. "
            "HERR WEBER ruft morgen wieder an. Jürgen Weiß schreibt auch; Jürgen ist Nachbar.")
    result = PersonalDataMasker().mask(text)
    assert result.text == (
        "Herr [PERSON-1] beschwert sich über Frau [PERSON-2]. [PERSON-1] sagt, [PERSON-2] parke "
        "falsch. HERR [PERSON-1] ruft morgen wieder an. [PERSON-3] schreibt auch; [PERSON-3] ist "
        "Nachbar.")
    assert result.counts["PERSON"] == 7
    assert result.mapping["[PERSON-3]"] == "Jürgen Weiß"


def test_a_bare_surname_joins_the_full_name_and_numbering_follows_first_appearance():
    text = "Weber meldete sich. Erst später schrieb Anna Weber, dann Herr Neumann."
    assert mask_personal_data(text) == (
        "[PERSON-1] meldete sich. Erst später schrieb [PERSON-1], dann Herr [PERSON-2].")
    # "Weber" alone (an ambiguous name) is masked because "Anna Weber" is in the same document
    two = "Anna Weber und Jan Weber: Weber"
    assert mask_personal_data(two) == "[PERSON-1] und [PERSON-2]: [PERSON-3]"


def test_a_new_call_is_a_new_document_unless_the_masker_is_reused():
    assert mask_personal_data("Herr Kowalski") == "Herr [PERSON-1]"
    assert mask_personal_data("Frau Nowak") == "Frau [PERSON-1]"
    masker = PersonalDataMasker()
    first = masker.mask("Herr Kowalski schreibt an Frau Nowak.")
    second = masker.mask("Frau Nowak antwortet Herrn Schmidt.")
    assert first.text == "Herr [PERSON-1] schreibt an Frau [PERSON-2]."
    assert second.text == "Frau [PERSON-2] antwortet Herrn [PERSON-3]."
    assert dict(second.mapping) == {"[PERSON-2]": "Nowak", "[PERSON-3]": "Schmidt"}
    assert len(masker.mapping) == 3
    masker.reset()
    assert masker.mask("Herr Schmidt").text == "Herr [PERSON-1]"


@pytest.mark.parametrize("number", [
    "0209 123456", "0209/12 34 56", "(0209) 123-456", "+49 209 123456", "+49 (0) 209 123456",
    "0151 23456789", "0049 209 123456", "0209-123456", "+49-209-123456", "0209123456",
    "030 12345678", "+31 20 1234567",
])
def test_phone_numbers(number):
    assert mask_personal_data(f"Tel. {number}, erreichbar ab 8 Uhr.") == \
        "Tel. [TELEFON-1], erreichbar ab 8 Uhr."


def test_the_same_phone_number_in_different_formats_is_one_pseudonym():
    text = "Büro 0209 123456, mobil 0151 23456789, international +49 209 123456 oder 0049 209 123456"
    assert mask_personal_data(text) == (
        "Büro [TELEFON-1], mobil [TELEFON-2], international [TELEFON-1] oder [TELEFON-1]")


def test_ibans_with_and_without_spaces():
    text = ("Konto DE89 3704 0044 0532 0130 00 bzw. DE89370400440532013000; Tippfehler "
            "DE88 3704 0044 0532 0130 00; Ausland GB82 WEST 1234 5698 7654 32. "
            "Kein Konto: XY12 3456 7890 1234.")
    assert mask_personal_data(text) == (
        "Konto [IBAN-1] bzw. [IBAN-1]; Tippfehler [IBAN-2]; Ausland [IBAN-3]. "
        "Kein Konto: XY12 3456 7890 1234.")


@pytest.mark.parametrize("text, expected", [
    ("Hauptstraße 12-14", "[ADRESSE-1]"),
    ("Ecke Hauptstraße 12–14 und Bahnhofstr. 3", "Ecke [ADRESSE-1] und [ADRESSE-2]"),
    ("wohnt in der Karl-Marx-Straße 12 a, 45879 Gelsenkirchen.", "wohnt in der [ADRESSE-1]."),
    ("Berliner Straße 7\n45879 Gelsenkirchen", "[ADRESSE-1]"),
    ("Lindenallee 3a, Ringstraße 5, Am Stadtgarten 5, 45879 Gelsenkirchen",
     "[ADRESSE-1], [ADRESSE-2], [ADRESSE-3]"),
    ("An der Kirche 3\nWeg 7", "[ADRESSE-1]\nWeg 7"),
    ("Alte Landstraße 112, 60311 Frankfurt am Main", "[ADRESSE-1]"),
    ("Lange Straße 4; Alter Markt 1", "[ADRESSE-1]; [ADRESSE-2]"),
    ("in der Straße 5 Häuser, Platz 2 im Ranking", "in der Straße 5 Häuser, Platz 2 im Ranking"),
])
def test_street_addresses_with_house_numbers(text, expected):
    assert mask_personal_data(text) == expected


def test_dates_of_birth_only_with_a_cue():
    text = ("Herr Kowalski, geb. 01.02.1980, geboren am 3. März 1975, Geburtsdatum: 1980-02-01, "
            "* 12.03.1950; Antrag vom 12.03.2024, Frist bis 3. März 2025.")
    assert mask_personal_data(text) == (
        "Herr [PERSON-1], geb. [GEBURTSDATUM-1], geboren am [GEBURTSDATUM-2], Geburtsdatum: "
        "[GEBURTSDATUM-3], * [GEBURTSDATUM-4]; Antrag vom 12.03.2024, Frist bis 3. März 2025.")


def test_file_numbers_only_where_configured():
    text = "Ihr Zeichen BA-2024/0815 (Wohngeld WG-12345), Bescheid vom 01.04.2024"
    assert mask_personal_data(text) == text
    masker = PersonalDataMasker(file_number_patterns=[r"WG-\d{5}", r"BA-\d{4}/\d{4}"])
    result = masker.mask(text + ", erneut WG-12345")
    assert result.text == ("Ihr Zeichen [AKTENZEICHEN-1] (Wohngeld [AKTENZEICHEN-2]), "
                           "Bescheid vom 01.04.2024, erneut [AKTENZEICHEN-2]")
    assert result.counts["AKTENZEICHEN"] == 3
    with pytest.raises(ParameterError) as err:
        PersonalDataMasker(file_number_patterns=["WG-(\\d"])
    assert "regulärer Ausdruck" in err.value.message_de


def test_extra_names_from_the_caller():
    text = "Kowalczyk und Brzęczyszczykiewicz waren da."
    assert mask_personal_data(text) == "[PERSON-1] und Brzęczyszczykiewicz waren da."
    masker = PersonalDataMasker(names=["Brzęczyszczykiewicz"])
    assert masker.mask(text).text == "[PERSON-1] und [PERSON-2] waren da."
    with pytest.raises(ParameterError):
        PersonalDataMasker(names=["Weber", " "])


NO_PERSONAL_DATA = [
    "Am 12.03.2024 gingen 1.500 Euro Fördermittel für 9,8 kWp auf dem Rathausdach ein.",
    "Die Hauptstraße ist vom 01.04. bis 30.06.2024 zwischen 7:00 und 18:00 Uhr gesperrt.",
    "Im Jahr 2024 wurden 12 Anträge nach § 34 BauGB gestellt, 3 davon im Stadtteil Buer.",
    "Postleitzahlen 45879 und 01067; Az. 63/2024/0815 und BV-2024-00123 sind in Bearbeitung.",
    "Parkplatz 3 ist frei. Im Durchschnitt 12 Fahrten pro Tag, Quote 0,5 % (Vorjahr 0,7 %).",
    "Die Anlage leistet 29,6 kWp; Einspeisung 2023: 25.300 kWh. Tel.-Nr. folgt.",
    "Mit freundlichen Grüßen\nIhr Stadtplanungsamt",
    "Anträge pro Monat: Im Januar 12, im Februar 9. Im Durchschnitt 10.",
    "Einwohnerzahl +12 345 seit 2020, Anteil 0,5 % bei 0 Fällen.",
    "Die E-Mail-Adresse wird nachgereicht. Weitere Infos unter www.stadt.example/solar.",
    "Sankt Martin und Mariä Himmelfahrt sind Feiertage? Nur in manchen Ländern.",
]


@pytest.mark.parametrize("text", NO_PERSONAL_DATA)
def test_text_without_personal_data_comes_back_unchanged(text):
    result = PersonalDataMasker().mask(text)
    assert result.text == text
    assert sum(result.counts.values()) == 0 and len(result.mapping) == 0


def test_bad_input():
    with pytest.raises(DataError) as err:
        mask_personal_data(None)
    assert "Text" in err.value.message_de
    with pytest.raises(DataError):
        PersonalDataMasker().mask(b"Herr Koch")
    assert mask_personal_data("") == ""


def test_mask_texts_treats_every_text_as_a_document_and_counts_per_category():
    from urbanki_helpers.privacy import CATEGORIES, mask_texts

    texts = pd.Series(["Herr Koch fragt nach der Wärmepumpe.", None,
                       "Lohnt sich ein Speicher?", "Frau Weber, Tel. 0209 123456"],
                      index=[5, 6, 7, 8], name="frage")
    masked, counts = mask_texts(texts)
    assert masked.index.tolist() == [5, 6, 7, 8] and masked.name == "frage"
    assert masked[5] == "Herr [PERSON-1] fragt nach der Wärmepumpe."
    assert masked[8] == "Frau [PERSON-1], Tel. [TELEFON-1]"  # numbering restarts per text
    assert pd.isna(masked[6]) and masked[7] == texts[7]
    assert list(counts.columns) == list(CATEGORIES)
    assert counts.loc[8, "PERSON"] == 1 and counts.loc[8, "TELEFON"] == 1
    assert counts.loc[7].sum() == 0 and counts.loc[6].sum() == 0


@pytest.mark.parametrize("text, expected", [
    ("Hallo, ich bin Jan Oltmanns aus dem Ort.", "Hallo, ich bin [PERSON-1] aus dem Ort."),
    ("Mein Name ist Gesa Janssen-Ukena, ich habe eine Frage.",
     "Mein Name ist [PERSON-1], ich habe eine Frage."),
    ("Ich bin Rentnerin und wohne zur Miete.", "Ich bin Rentnerin und wohne zur Miete."),
    ("Ich bin Eigentümer Schmidt.", "Ich bin Eigentümer [PERSON-1]."),
])
def test_self_introductions_are_a_cue_for_two_word_names(text, expected):
    assert mask_personal_data(text) == expected


def test_keep_leaves_a_category_in_the_text():
    from urbanki_helpers.privacy import PersonalDataMasker

    text = "Bauherr: Otto Griesenbeck, Baugrundstück Lindenweg 12-14, Tel. 0209 123456"
    kept = PersonalDataMasker(keep=("ADRESSE",)).mask(text)
    assert kept.text == "Bauherr: [PERSON-1], Baugrundstück Lindenweg 12-14, Tel. [TELEFON-1]"
    assert kept.counts["ADRESSE"] == 0 and kept.counts["PERSON"] == 1
    with pytest.raises(ParameterError, match="keep"):
        PersonalDataMasker(keep=("ANSCHRIFT",))


def test_leaked_names_finds_what_the_masking_missed():
    from urbanki_helpers.privacy import leaked_names

    masked = ["Bauherr: [PERSON-1]", "Architekt Juffernbruch, Irmgard", "ohne Namen"]
    names = ["Otto Griesenbeck", "Irmgard Juffernbruch; Jo Lu", None]
    table = leaked_names(masked, names)
    assert table["name"].tolist() == ["Otto Griesenbeck", "Irmgard Juffernbruch", "Jo Lu"]
    assert table["leaked"].tolist() == [False, True, False]  # "Jo", "Lu": too short to check
    assert table["text"].tolist() == [0, 1, 1]
    with pytest.raises(DataError):
        leaked_names(masked, names[:2])


@pytest.mark.parametrize("text, expected", [
    ("Aktenzeichen BV 0368/1980 vom 3.4.80", "Aktenzeichen BV 0368/1980 vom 3.4.80"),
    ("Az. 0898/81", "Az. 0898/81"),
    ("Ihr Schreiben 0414/1986 erhalten", "Ihr Schreiben 0414/1986 erhalten"),
    ("Tel. 0209/1980", "Tel. [TELEFON-1]"),
    ("Rückruf unter 04462/123456", "Rückruf unter [TELEFON-1]"),
])
def test_old_file_numbers_are_not_taken_for_phone_numbers(text, expected):
    assert mask_personal_data(text) == expected
