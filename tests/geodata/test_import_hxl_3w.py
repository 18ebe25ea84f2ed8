"""3W/4W/5W sheets as partners send them: HXL 1.1 hashtags with attributes (https://hxlstandard.org/
standard/1-1final/dictionary/), the OCHA 3W template's columns, headers in English, French, Albanian and
Serbian, title rows above the header, multi-line headers, and cluster names for sectors."""

from __future__ import annotations

from collections import defaultdict

import pytest

from geodata.io.importers import preview_bytes
from geodata.io.importers.hxl import map_tags
from geodata.io.importers.mapping import ALIASES, header_key, map_header, normalise_communities, normalise_sector


def sheet(*rows: list[str]) -> bytes:
    return ("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n").encode()


# ---------------------------------------------------------------- HXL attribute precedence


@pytest.mark.parametrize(
    ("tags", "field", "winner"),
    [
        (["#org+acronym", "#org+name"], "implementing_org", 1),
        (["#org+impl+acronym", "#org+impl+name"], "implementing_org", 1),
        (["#org+acronym", "#org +impl"], "implementing_org", 1),
        (["#org+funder+acronym", "#org+funder+name"], "funder", 1),
        (["#sector+code", "#sector+name"], "sector", 1),
        (["#sector+code", "#sector+cluster"], "sector", 1),
        (["#adm2+code", "#adm2+name"], "municipality", 1),
        (["#adm2+pcode", "#adm2"], "municipality", 1),
        (["#date+month", "#date+start"], "start_date", 1),
        (["#value+usd", "#value"], "committed", 1),
    ],
)
def test_attribute_precedence_does_not_depend_on_column_order(tags, field, winner):
    assert map_tags(tags).get(winner) == field
    assert map_tags(list(reversed(tags))).get(len(tags) - 1 - winner) == field


def test_date_month_and_a_bare_date_are_never_project_dates():
    assert map_tags(["#date+month", "#date", "#date+reported"]) == {}


def test_an_ocha_3w_sheet_with_hxl_tags_in_awkward_order():
    data = sheet(
        ["3W Kosovo - partner report, Q2 2023", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["Org acronym", "Implementing Partner Name", "Donor Name", "Sector code", "Cluster", "Activity",
         "District code", "District", "Reporting month", "Start", "End", "Budget", "Currency"],
        ["#org+impl+acronym", "#org+impl+name", "#org+funder+name", "#sector+code", "#sector+name",
         "#activity+name", "#adm2+code", "#adm2+name", "#date+month", "#date+start", "#date+end", "#value",
         "#currency"],
        ["HNGO", "Health NGO", "Donor Ministry", "12220", "Health", "Clinic outreach", "XK-27", "Zvečan",
         "2023-06", "2023-01-15", "2023-12-31", "250.000", "EUR"],
        ["HNGO", "Health NGO", "Donor Ministry", "140", "WASH", "Water points", "XK-27", "Leposaviq",
         "2023-06", "2023-02-01", "", "2.000.000", "EUR"],
    )  # fmt: skip
    preview = preview_bytes(data, "3w.csv")
    f = preview.frame
    assert list(f["implementing_org"]) == ["Health NGO"] * 2
    assert list(f["funder"]) == ["Donor Ministry"] * 2
    assert list(f["sector"]) == ["health", "infrastructure"]
    assert list(f["municipality"]) == ["zvecan", "leposavic"]
    assert list(f["start_date"]) == ["2023-01-15", "2023-02-01"]
    assert list(f["committed"]) == [250000, 2000000]
    assert "sector as given: WASH" in f["source_note"].iloc[1]


def test_a_legacy_tag_falls_back_to_its_text_header():
    data = sheet(
        ["Project title", "Sector", "Municipality", "Status", "Start date", "Target group", "ID"],
        ["#activity_name", "#sector_name", "#adm2_name", "#status", "#date+start", "#group", "#activity+id"],
        ["School meals", "education", "Zvečan", "ongoing", "2022", "Roma", "L-1"],
    )
    preview = preview_bytes(data, "legacy.csv")
    assert preview.ok, preview.problems
    row = preview.frame.iloc[0]
    assert (row["title"], row["sector"], row["municipality"]) == ("School meals", "education", "zvecan")


# ---------------------------------------------------------------- header synonyms


def test_one_synonym_table_and_no_header_means_two_fields():
    fields = defaultdict(set)
    for field, names in ALIASES.items():
        for name in names:
            fields[header_key(name)].add(field)
    assert {k: v for k, v in fields.items() if len(v) > 1} == {}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # the 3W headers
        ("Implementing Partner Name", "implementing_org"),
        ("Donor Name", "funder"),
        ("Organization_Name", "implementing_org"),
        ("District", "municipality"),
        ("BAILLEUR", "funder"),
        ("DATE DEBUT", "start_date"),
        ("NOM ACTIVITE", "title"),
        # French
        ("Date de fin", "end_date"),
        ("Secteur", "sector"),
        ("Commune", "municipality"),
        ("Partenaire de mise en œuvre", "implementing_org"),
        ("Montant", "committed"),
        ("Devise", "currency"),
        ("Statut", "status"),
        ("Bénéficiaires", "beneficiaries_reached"),
        # Albanian
        ("Titulli", "title"),
        ("Sektori", "sector"),
        ("Komuna", "municipality"),
        ("Organizata zbatuese", "implementing_org"),
        ("Donatori", "funder"),
        ("Data e fillimit", "start_date"),
        ("Data e përfundimit", "end_date"),
        ("Statusi", "status"),
        ("Buxheti", "committed"),
        ("Valuta", "currency"),
        ("Përfituesit", "beneficiaries_reached"),
        ("Gjerësia", "lat"),
        ("Gjatësia", "lon"),
        # Serbian, Latin and Cyrillic
        ("Naziv projekta", "title"),
        ("Opština", "municipality"),
        ("Општина", "municipality"),
        ("Donator", "funder"),
        ("Datum početka", "start_date"),
        ("Datum završetka", "end_date"),
        ("Iznos", "committed"),
        ("Korisnici", "beneficiaries_reached"),
        ("Geografska širina", "lat"),
        ("Geografska dužina", "lon"),
        # multi-line and punctuation
        ("Communauté ciblée", "target_communities"),
        ("Komuniteti i synuar", "target_communities"),
        ("Implementing\nPartner Name", "implementing_org"),
        ("Start date (planned)", "start_date"),
    ],
)
def test_header_synonyms(header, field):
    assert map_header(header) == field


def test_name_alone_is_a_title_not_a_municipality():
    assert map_header("Name") == "title"


def test_a_french_3w_with_a_title_block_and_multi_line_headers():
    data = sheet(
        ["Matrice 3W - Kosovo", "", "", "", "", "", "", "", ""],
        ["Mise à jour : juin 2023", "", "", "", "", "", "", "", ""],
        ["CODE PROJET", "NOM ACTIVITE", "BAILLEUR", "PARTENAIRE\nDE MISE EN OEUVRE", "SECTEUR", "COMMUNE",
         "DATE DEBUT", "STATUT", "MONTANT", "DEVISE"],
        ["FR-1", "- Renforcer les capacités des associations RAE", "Ministère X", "ONG Y", "Protection",
         "Mitrovicë e Veriut", "01/03/2022", "En cours", "1 234,50", "EUR"],
    )  # fmt: skip
    preview = preview_bytes(data, "3w-fr.csv")
    row = preview.frame.iloc[0]
    assert row["title"].startswith("- Renforcer")
    assert (row["funder"], row["implementing_org"]) == ("Ministère X", "ONG Y")
    assert (row["sector"], row["municipality"], row["status"]) == ("social protection", "north-mitrovica", "ongoing")
    assert (row["start_date"], row["committed"], row["currency"]) == ("2022-03-01", 1234.5, "EUR")
    assert not [p for p in preview.problems if p.field == "title"]


def test_an_albanian_sheet():
    data = sheet(
        ["Kodi", "Titulli", "Sektori", "Komuna", "Organizata zbatuese", "Donatori", "Data e fillimit", "Statusi",
         "Buxheti", "Valuta"],
        ["SQ-1", "Riparimi i shtëpive", "Strehim", "Zveçan", "OJQ Z", "Donatori A", "2021-05", "Në vazhdim",
         "15.000,00", "EUR"],
    )  # fmt: skip
    preview = preview_bytes(data, "sq.csv")
    row = preview.frame.iloc[0]
    assert (row["title"], row["sector"], row["municipality"]) == ("Riparimi i shtëpive", "housing", "zvecan")
    assert (row["implementing_org"], row["funder"], row["status"]) == ("OJQ Z", "Donatori A", "ongoing")
    assert row["committed"] == 15000 and row["committed_usd"] > 0


# ---------------------------------------------------------------- cluster vocabularies


@pytest.mark.parametrize(
    ("cluster", "sector"),
    [
        ("WASH", "infrastructure"),
        ("Water, Sanitation and Hygiene", "infrastructure"),
        ("Health", "health"),
        ("Education", "education"),
        ("Protection", "social protection"),
        ("Shelter/NFI", "housing"),
        ("Shelter & NFI", "housing"),
        ("Food Security", "other"),
        ("Livelihoods/Early Recovery", "economic development"),
        ("Early Recovery", "economic development"),
        ("Nutrition", "health"),
        ("CCCM", "other"),
        ("Logistics", "other"),
    ],
)
def test_cluster_names_map_to_our_sectors_or_other(cluster, sector):
    assert normalise_sector(cluster) == sector


def test_an_other_cluster_keeps_its_name():
    data = sheet(
        ["project_id", "title", "cluster", "municipality", "status", "start_date", "target_communities"],
        ["c-1", "Camp management support", "CCCM", "Zvečan", "ongoing", "2022", "Roma"],
    )
    preview = preview_bytes(data, "c.csv")
    assert preview.ok, preview.problems
    row = preview.frame.iloc[0]
    assert row["sector"] == "other" and "sector as given: CCCM" in row["source_note"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Rom", "Roma"),
        ("Roms, Égyptiens", "Roma;Egyptian"),
        ("Romë dhe Ashkalinj", "Roma;Ashkali"),
        ("Romi, Aškalije i Egipćani", "Roma;Ashkali;Egyptian"),
    ],
)
def test_community_names_in_french_albanian_and_serbian(cell, expected):
    assert normalise_communities(cell) == expected


def test_albanian_activity_title_header_and_statuses_with_their_article():
    """A Kosovo partner's 3W sheet writes "Titulli i aktivitetit" and statuses such as "i përfunduar"."""
    from geodata.io.importers.mapping import map_header
    from geodata.io.importers.vocabularies import normalise_status

    assert map_header("Titulli i aktivitetit") == "title"
    assert map_header("Emri i aktivitetit") == "title"
    assert normalise_status("i përfunduar") == "completed"
    assert normalise_status("E përfunduar") == "completed"
    assert normalise_status("i anuluar") == "cancelled"
    assert normalise_status("në vazhdim") == "ongoing"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("në zbatim", "ongoing"),  # Albanian, "in implementation": an Albanian 3W sheet's word for ongoing
        ("Në Zbatim", "ongoing"),
        ("planifikuar", "pipeline"),
        ("I planifikuar", "pipeline"),
        ("u realizaciji", "ongoing"),  # Serbian
        ("planirano", "pipeline"),
        ("planifié", "pipeline"),  # French
        ("achevé", "completed"),
        ("në pritje të fondeve", "në pritje të fondeve"),  # unknown: kept as written, so validation names it
    ],
)
def test_status_words_of_albanian_serbian_and_french_sheets(cell, expected):
    from geodata.io.importers.vocabularies import normalise_status

    assert normalise_status(cell) == expected


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Shuma e zotuar", "committed"),
        ("Vlera e zotuar", "committed"),
        ("Shuma e disbursuar", "disbursed"),
        ("Shuma e angazhuar", "committed"),
        ("Data e mbarimit", "end_date"),
    ],
)
def test_albanian_amount_headers_are_read(header, field):
    """A 3W sheet's "Shuma e zotuar" (the committed amount) was ignored, and its rows imported without amounts;
    so were "Shuma e angazhuar" and "Data e mbarimit" (end date), the words another Albanian sheet used."""
    from geodata.io.importers.mapping import map_header

    assert map_header(header) == field


@pytest.mark.parametrize(
    ("cell", "sector"),
    [
        ("Infrastrukturë", "infrastructure"),
        ("Zhvillimi ekonomik", "economic development"),
        ("Mbrojtja sociale", "social protection"),
        ("Mjedis", "environment/remediation"),
        ("Banimi", "housing"),
    ],
)
def test_albanian_sector_names_with_and_without_their_article(cell, sector):
    from geodata.io.importers.vocabularies import normalise_sector

    assert normalise_sector(cell) == sector


def test_a_french_3w_sheet_with_its_amount_and_sector_names():
    """A French partner's 3W sheet: "Montant engagé" was left out as an unknown column (the rows imported without
    an amount) and "Développement économique" refused as an unknown sector. Semicolons, comma decimals with dot
    thousands, day-first dates, and a currency column, as such sheets come."""
    data = (
        "Organisation;Titre du projet;Secteur;Communauté;Commune;Statut;Date de début;Date de fin;"
        "Montant engagé;Devise\n"
        "Voice of Roma;Dépistage du plomb chez les enfants;Santé;Roms;Mitrovicë e Veriut;en cours;"
        "15/03/2024;31/12/2025;250.000,00;EUR\n"
        "Caritas;Formation professionnelle des jeunes;Développement économique;Ashkali;Leposavić;terminé;"
        "01/02/2023;30/06/2024;1.800.000,50;CHF\n"
        "Caritas;Logements rénovés;Logement;Égyptiens;Leposavić;terminé;01/02/2023;30/06/2024;75.500;EUR\n"
    ).encode()
    preview = preview_bytes(data, "3w_partenaire.csv")
    assert preview.ok, preview.problems
    frame = preview.frame
    assert list(frame["sector"]) == ["health", "economic development", "housing"]
    assert [float(v) for v in frame["committed"]] == [250_000.0, 1_800_000.5, 75_500.0]
    assert list(frame["currency"]) == ["EUR", "CHF", "EUR"]
    assert preview.ignored == [] and preview.mapping["Montant engagé"] == "committed"  # no column left out


@pytest.mark.parametrize(
    "cell, code",
    [
        ("Mitrovica-Nord", "north-mitrovica"),
        ("Mitrovica Nord", "north-mitrovica"),
        ("Mitrovica-Sud", "south-mitrovica"),
        ("mitrovica sud", "south-mitrovica"),
    ],
)
def test_french_names_of_the_two_mitrovicas_match_in_a_french_3w_sheet(cell, code):
    """French partner sheets write the two Mitrovicas as "Mitrovica-Nord" and "Mitrovica-Sud" (refused before,
    with a did-you-mean naming both)."""
    data = (
        "Organisation;Titre du projet;Secteur;Communauté;Commune;Statut;Date de début;Date de fin;"
        "Montant engagé;Devise\n"
        f"Voice of Roma;Dépistage du plomb;Santé;Roms;{cell};en cours;15/03/2024;31/12/2025;250.000,00;EUR\n"
    ).encode()
    preview = preview_bytes(data, "3w_partenaire.csv")
    assert preview.ok, preview.problems
    assert list(preview.frame["municipality"]) == [code]
