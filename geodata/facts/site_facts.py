"""Sourced facts about the camps, the hazard sites, the documented assistance
and the Trust Fund, as plain records. ``build.py`` turns them into layer files.

No source gives a point location for any camp. Each point below is placed from
the best sourced description; ``location_derivation`` says how, and
``location_uncertainty_m`` says how far off it may be.

Why one module: about 490 lines of records rather than code; every sourced fact sits beside its source, in
one file a reviewer reads from top to bottom.
"""

from __future__ import annotations

import json

from geodata.facts.sources import urls

# Town coordinates at arc-minute precision (about +/- 1-2 km), from the fact base.
MITROVICA = (42 + 53 / 60, 20 + 52 / 60)  # MIW, NMW: 42°53'N 20°52'E
ZVECAN = (42 + 54 / 60, 20 + 50 / 60)  # ZVW: 42°54'N 20°50'E
ZVECAN_ALT = (42 + 55 / 60, 20 + 51 / 60)  # ZVA: 42°55'N 20°51'E
LEPOSAVIC = (43 + 6 / 60, 20 + 48 / 60)  # LEPW: 43°06'N 20°48'E
TREPCA_MINE = (42.93917, 20.91806)  # TRP: 42°56'21"N 20°55'05"E

_KM_LAT = 1 / 111.0  # degrees of latitude per km
_KM_LON = 1 / 81.5  # degrees of longitude per km at 43°N


def offset(point: tuple[float, float], north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    """A point moved by a distance in km (small offsets only), rounded to 1e-5 degrees."""
    lat, lon = point
    return (round(lat + north_km * _KM_LAT, 5), round(lon + east_km * _KM_LON, 5))


def observations(*rows: tuple[str, int, str, str]) -> str:
    """Population observations (date, figure, unit, source key) as the JSON the layer stores."""
    return json.dumps(
        [{"date": d, "figure": f, "unit": u, "source": urls(k)} for d, f, u, k in rows],
        ensure_ascii=False,
    )


#: The Mitrovica camps' cluster point: the point 500 m inside the North Mitrovica polygon (geoBoundaries)
#: nearest to "1 km north of the Mitrovica town coordinate", i.e. in the north of the city, north of the Ibar.
#: 0.4 km from that first placement; the 3 km uncertainty covers both and the sources' west/east disagreement.
CESMIN_LUG = (42.89593, 20.86502)

CAMPS: list[dict] = [
    {
        "site_id": "cesmin-lug",
        "name_en": "Česmin Lug",
        "name_sq": "Çesmin Llug",
        "name_sr": "Česmin Lug",
        "municipality": "north-mitrovica",
        "site_type": "camp",
        "opened": "1999-10",
        "opened_alternatives": "1999-10 (HRW09); 2000-01 (KIT05, KMEG)",
        "closed": "2010-09",
        "closed_alternatives": "2010-09 (MC13); 2010-10 (KL13)",
        "population_observations": observations(
            ("2005-08", 267, "people", "KIT05"),
            ("2009-02", 480, "people, with Osterode (about)", "RT09"),
            ("2009-04", 560, "people, with Osterode", "GFBV09"),
        ),
        "operator": "Built by UNHCR with its partner ACT (KIT05); transferred to UNMIK in 2001 (DEW)",
        "lead_findings": "Soil 359.5 times the recommended level (WHO, Oct 2004, per ERRC-ECHR). CDC: among the "
        "'most highly contaminated' sites, to 'close immediately' (CDC07). Children tested in April 2008 (RR08).",
        "location_description": "Next to Kablare, between the railway and the Trepča slag heaps; west of north "
        "Mitrovica (KIT05) or east of it (BP); within 200 yards of waste mounds (NYT06)",
        "location_precision": 2,
        "location_uncertainty_m": 3000,
        "location_derivation": "Placed in the north of the city, north of the Ibar: the point 500 m inside the "
        "North Mitrovica polygon (geoBoundaries) nearest to 1 km north of the Mitrovica town coordinate 42°53'N "
        "20°52'E (MIW, NMW). The sources disagree on west or east of the city, so the 3 km uncertainty covers both",
        "sources": urls(
            "KIT05", "BP", "HRW09", "MC13", "KL13", "RT09", "GFBV09", "DEW", "ERRC-ECHR", "CDC07", "RR08", "NYT06"
        ),
        "_point": CESMIN_LUG,
    },
    {
        "site_id": "kablare",
        "name_en": "Kablare",
        "name_sq": "Kablar",
        "name_sr": "Kablare",
        "municipality": "north-mitrovica",
        "site_type": "camp",
        "opened": "1999",
        "opened_alternatives": "1999 (ERRC06); 2000-01 (KIT05)",
        "closed": "2006-04-02",
        "closed_alternatives": "dismantled 2 Apr 2006 (C339)",
        "population_observations": observations(("2005", 55, "people", "KIT05")),
        "operator": "UNMIK and the municipality in 2005 (KIT05); a former army barracks occupied by IDPs "
        "on their own (HRW09)",
        "lead_findings": "WHO: 'exceedingly high' blood lead in Česmin Lug, Kablar and Žitkovac (UNICEF06). "
        "Informal smelting at the closed camp (CDC07).",
        "location_description": "Next to Česmin Lug (KIT05)",
        "location_precision": 2,
        "location_uncertainty_m": 3000,
        "location_derivation": "Drawn 0.45 km west of the Česmin Lug point only to separate the symbols; the "
        "sources say only that the two camps adjoined, so its position is that of Česmin Lug (same uncertainty)",
        "sources": urls("KIT05", "HRW09", "ERRC06", "C339", "UNICEF06", "CDC07"),
        "_point": offset(CESMIN_LUG, east_km=-0.45),
    },
    {
        "site_id": "osterode",
        "name_en": "Osterode",
        "name_sq": "Osterode",
        "name_sr": "Osterode",
        "municipality": "north-mitrovica",
        "site_type": "camp",
        "opened": "2006-01-09",
        "opened_alternatives": "",
        "closed": "2012-12",
        "closed_alternatives": "Dec 2012 (KL13, MC13)",
        "population_observations": observations(
            ("2006-04-20", 290, "people moved in (about)", "C339"),
            ("2006-07", 450, "people, of 530 planned", "C599"),
            ("2012", 90, "families rehoused (the last)", "MC13"),
        ),
        "operator": "UNMIK refurbished it; Norwegian Church Aid managed it until Jan 2009 (SG08)",
        "lead_findings": "April 2008: 51 children tested, 13 above the meter's range (RR08). Aberystwyth "
        "University, 2010: close 'as a matter of urgency' (ABER).",
        "location_description": "Former French KFOR base, concrete-covered (OMB); about 50 m from the old camp (TAZ)",
        "location_precision": 2,
        "location_uncertainty_m": 3000,
        "location_derivation": "Drawn 0.35 km south-west of the Česmin Lug point only to separate the symbols: "
        "the sources put it beside the old camp, so its position is that of Česmin Lug (same uncertainty)",
        "sources": urls("RW06", "OMB", "TAZ", "UNICEF06", "C339", "C599", "MC13", "KL13", "SG08", "RR08", "ABER"),
        "_point": offset(CESMIN_LUG, north_km=-0.35, east_km=-0.25),
    },
    {
        "site_id": "zitkovac",
        "name_en": "Žitkovac",
        "name_sq": "Zhitkoc",
        "name_sr": "Žitkovac",
        "municipality": "zvecan",
        "site_type": "camp",
        "opened": "1999-09",
        "opened_alternatives": "tents Sep-Oct 1999 (KMEG, HRW09)",
        "closed": "",
        "closed_alternatives": "residents moving to Osterode in Apr 2006 (C339); exact closure date not sourced",
        "population_observations": observations(
            ("2005-05", 180, "people (40 families)", "ERRC06"),
            ("2005-08", 183, "people", "KIT05"),
            ("2006-06", 300, "Roma (about)", "OSCE-Zv06"),
        ),
        "operator": "UNHCR and ACT (KIT05)",
        "lead_findings": "23 of 26 children under 6 above 65 µg/dL, the analyser's maximum (WHO, via PI05). "
        "Soil 100.5 times the recommended level (ERRC-ECHR). Built on a contaminated dump (KMEG).",
        "location_description": "2 km from the mine, 7 km from the other camps (KIT05, ERRC06); a few km north "
        "of Zvečan town (BP)",
        "location_precision": 2,
        "location_uncertainty_m": 2000,
        "location_derivation": "Placed inside the Zvečan polygon (geoBoundaries), 300 m from its edge, where the "
        "sourced distances are best met together: 2.2 km from the Trepča mine complex (TRP coordinates; no point "
        "of Zvečan municipality is nearer than 1.8 km to it), 6.4 km from the Mitrovica camps (7 km sourced: not "
        "reachable inside Zvečan at 2 km from the mine) and 7.4 km north-east of Zvečan town in a straight line "
        '(its ZVW coordinate; "a few km north" sourced). The 2 km uncertainty covers what the sources leave '
        "open",
        "sources": urls("KIT05", "ERRC06", "BP", "KMEG", "HRW09", "C339", "OSCE-Zv06", "EUN", "PI05", "ERRC-ECHR"),
        "_point": (42.94901, 20.894),
    },
    {
        "site_id": "leposavic-camp",
        "name_en": "Leposavić camp",
        "name_sq": "Kampi i Leposaviqit",
        "name_sr": "Kamp Leposavić",
        "municipality": "leposavic",
        "site_type": "camp",
        "opened": "1999",
        "opened_alternatives": "",
        "closed": "2013-12-17",
        "closed_alternatives": "main building closed 17 Dec 2013; 4 families remained (KL13)",
        "population_observations": observations(
            ("2013-12", 35, "families (31 moved, 4 remained)", "KL13"),
        ),
        "operator": "Not sourced; the closure was an EU-funded EUR 1.53m project (KL13)",
        "lead_findings": "No lead findings found in the sources; the only camp not near Trepča (HRW09, KMEG, BP).",
        "location_description": 'Former army barracks/warehouse in the town, "45 km from Mitrovica" (HRW09, KMEG, '
        "BP): the town lies about 25 km from Mitrovica in a straight line, so the 45 km is a distance by road "
        "(the sources do not say)",
        "location_precision": 2,
        "location_uncertainty_m": 2000,
        "location_derivation": "Placed at the Leposavić town coordinate 43°06'N 20°48'E (LEPW), arc-minute precision",
        "sources": urls("HRW09", "KMEG", "BP", "KL13", "LEPW"),
        "_point": LEPOSAVIC,
    },
    {
        "site_id": "roma-mahalla",
        "name_en": "Roma Mahalla",
        "name_sq": "Mahalla e Romëve",
        "name_sr": "Romska mahala",
        "municipality": "south-mitrovica",
        "site_type": "return site",
        "opened": "2007-03",
        "opened_alternatives": "returns from Mar 2007 (UNHCR07); neighbourhood burned "
        "21 Jun 1999 (ERRCT; 16 Jun per KIT05)",
        "closed": "",
        "closed_alternatives": "",
        "population_observations": observations(
            ("1999-06", 8000, "people before 1999 (about 750 houses)", "HRW09"),
            ("2007-03", 118, "people returned (19 families)", "UNHCR07"),
            ("2007-10", 107, "people returned (24 families)", "UNN07"),
            ("2013-12", 179, "families resettled from the northern camps, here and elsewhere", "KL13"),
        ),
        "operator": "Returns by the municipality, UNHCR, OSCE, UNMIK and DRC (UNHCR07); Mercy Corps with "
        "USAID/EU funding (MC13)",
        "lead_findings": "2010-17: highest mean blood lead (23.6 µg/dL) of Mitrovica's districts; 331 children "
        "surveyed (THM).",
        "location_description": "South bank of the Ibar (BP)",
        "location_precision": 2,
        "location_uncertainty_m": 1500,
        "location_derivation": "Drawn 0.5 km south of the Mitrovica town coordinate (MIW), on the south bank",
        "sources": urls("BP", "HRW09", "ERRCT", "KIT05", "UNHCR07", "UNN07", "KL13", "MC13", "THM"),
        "_point": offset(MITROVICA, north_km=-0.5),
    },
]

HAZARDS: list[dict] = [
    {
        "hazard_id": "zvecan-smelter",
        "name_en": "Zvečan lead smelter (Trepča)",
        "name_sq": "Shkritorja e Zveçanit",
        "name_sr": "Topionica Zvečan",
        "hazard_type": "smelter",
        "municipality": "zvecan",
        "description": "Lead smelting/refining plant founded 1939 (CORE); a 306 m building with chimneys, up to "
        "4,000 workers (PF); halted by KFOR in Aug 2000 at 200 times WHO emission norms (GP00); the likeliest "
        "lead source (ABER)",
        "area_ha": None,
        "location_precision": 2,
        "location_uncertainty_m": 2000,
        "location_derivation": "Point coordinates not sourced: placed at the Zvečan town coordinate 42°54'N "
        "20°50'E (ZVW), 3.5 km NW of Mitrovica (PF); another copy gives 42°55'N 20°51'E (ZVA)",
        "sources": urls("CORE", "PF", "GP00", "ABER", "ZVW", "ZVA"),
        "_point": ZVECAN,
    },
    {
        "hazard_id": "trepca-mine",
        "name_en": "Trepča mine complex",
        "name_sq": "Kompleksi i minierave Trepça",
        "name_sr": "Rudnik Trepča",
        "hazard_type": "mine",
        "municipality": "south-mitrovica",
        "description": "Trepča Mines complex, 9 km NE of Mitrovica (TRP); not the Zvečan smelter",
        "area_ha": None,
        "location_precision": 1,
        "location_uncertainty_m": 500,
        "location_derivation": "Sourced coordinate 42°56'21\"N 20°55'05\"E (TRP); the complex spans some hundreds "
        "of metres",
        "sources": urls("TRP"),
        "_point": TREPCA_MINE,
    },
    {
        "hazard_id": "mitrovica-waste-mounds",
        "name_en": "Waste mounds by the camps",
        "name_sq": "Grumbujt e mbetjeve",
        "name_sr": "Jalovišta",
        "hazard_type": "tailings",
        "municipality": "north-mitrovica",
        "description": "'Three huge mounds of industrial waste' by the camps; all camps within 200 yards of "
        "them (NYT06); Česmin Lug lay between the railway and the Trepča slag heaps (KIT05)",
        "area_ha": None,
        "location_precision": 2,
        "location_uncertainty_m": 3000,
        "location_derivation": "Drawn 0.3 km west of the Česmin Lug point: the sources place the mounds beside "
        "the camps, without coordinates",
        "sources": urls("NYT06", "KIT05"),
        "_point": offset(CESMIN_LUG, east_km=-0.3),
    },
    {
        "hazard_id": "gornji-krnjin-tailings",
        "name_en": "Gornji Krnjin tailings",
        "name_sq": "Deponia e Krnjinit",
        "name_sr": "Jalovište Gornji Krnjin",
        "hazard_type": "tailings",
        "municipality": "leposavic",
        "description": "Tailings pond of 7 ha, used 1972-79 (NEA)",
        "area_ha": 7.0,
        "location_precision": 5,
        "location_uncertainty_m": 5000,
        "location_derivation": "By the village of Gornji Krnjin near Leposavić (NEA), no coordinates: drawn "
        "1.5 km south-west of the Leposavić town coordinate",
        "sources": urls("NEA"),
        "_point": offset(LEPOSAVIC, north_km=-1.0, east_km=-1.1),
    },
    {
        "hazard_id": "bostaliste-tailings",
        "name_en": "Bostalište tailings",
        "name_sq": "Deponia e Bostalishtës",
        "name_sr": "Jalovište Bostalište",
        "hazard_type": "tailings",
        "municipality": "leposavic",
        "description": "Tailings pond of 30 ha, in use since 1979 (NEA)",
        "area_ha": 30.0,
        "location_precision": 5,
        "location_uncertainty_m": 5000,
        "location_derivation": "Near Leposavić (NEA), no coordinates: drawn 1.5 km south-east of the "
        "Leposavić town coordinate",
        "sources": urls("NEA"),
        "_point": offset(LEPOSAVIC, north_km=-1.0, east_km=1.1),
    },
]

#: ECB euro reference rate, annual average 2013 (USD per EUR), for the one documented EUR amount.
EUR_USD_2013 = 1.3281
_FX_2013 = "converted at the ECB annual average reference rate for 2013, 1 EUR = 1.3281 USD"

_DOC_COMMON = {
    "is_sample": False,
    "dataset": "documented",
    "location_uncertainty_m": None,
    "beneficiaries_targeted": None,
    "beneficiaries_reached": None,
    "households_reached": None,
    "beneficiaries_by_community": "",
    "committed": None,
    "disbursed": None,
    "committed_usd": None,
    "disbursed_usd": None,
    "currency": None,
    "fx_note": "",
}

DOCUMENTED_PROJECTS: list[dict] = [
    {
        **_DOC_COMMON,
        "project_id": "doc-2006-osterode-relocation",
        "title": "Relocation of Kablare and Žitkovac residents to Osterode",
        "description": "UNMIK refurbished the former KFOR base at Osterode and moved residents there from "
        "9 January 2006 (RW06): Kablare was dismantled on 2 April 2006 and Žitkovac's residents were moving in "
        "that month (C339); Česmin Lug stayed open until 2010 (MC13, KL13). Norwegian Church Aid managed the camp "
        "until January 2009 (SG08). Osterode itself lay in the contaminated area: researchers urged its closure "
        "in 2010 (ABER).",
        "sector": "housing",
        "sectors": "housing",
        "target_communities": "Roma;Ashkali;Egyptian",
        "municipality": "north-mitrovica",
        "site_id": "osterode",
        "location_precision": 2,
        "location_note": "at the Osterode camp point (see the camps layer for its precision)",
        "implementing_org": "UNMIK; Norwegian Church Aid",
        "funder": "UNMIK",
        "start_date": "2006-01-09",
        "end_date": "2009-01",
        "status": "completed",
        "beneficiaries_reached": 450,
        "source_note": "450 of 530 residents had moved in by July 2006 (C599); no amounts sourced",
        "sources": urls("RW06", "C339", "C599", "SG08", "ABER", "MC13", "KL13"),
    },
    {
        **_DOC_COMMON,
        "project_id": "doc-2007-mahalla-returns",
        "title": "Roma Mahalla reconstruction and returns",
        "description": "Rebuilding of the Roma Mahalla on the south bank of the Ibar in South Mitrovica (BP), "
        "burned in June 1999 (ERRCT), and return of families from the camps, by the municipality, UNHCR, OSCE, "
        "UNMIK and the Danish Refugee Council (UNHCR07).",
        "sector": "housing",
        "sectors": "housing",
        "target_communities": "Roma;Ashkali;Egyptian",
        "municipality": "south-mitrovica",
        "site_id": "roma-mahalla",
        "location_precision": 2,
        "location_note": "at the Roma Mahalla point (see the camps layer for its precision)",
        "implementing_org": "Municipality of Mitrovica; UNHCR; OSCE; UNMIK; Danish Refugee Council",
        "funder": "UNHCR and partners (amounts not sourced)",
        "start_date": "2007-03",
        "end_date": "2007-10",
        "status": "completed",
        "beneficiaries_reached": 225,
        "households_reached": 43,
        "source_note": "118 people (19 families) in March 2007 (UNHCR07) and 107 people (24 families) in "
        "October 2007 (UNN07); later returns are not itemised in the sources",
        "sources": urls("UNHCR07", "UNN07", "ERRCT", "BP"),
    },
    {
        **_DOC_COMMON,
        "project_id": "doc-2012-osterode-closure",
        "title": "Resettlement of the last Osterode families",
        "description": "Mercy Corps, with USAID and EU funding, rehoused the last 90 families of Osterode, "
        "which closed in December 2012 (MC13, KL13).",
        "sector": "housing",
        "sectors": "housing",
        "target_communities": "Roma;Ashkali;Egyptian",
        "municipality": "north-mitrovica",
        "site_id": "osterode",
        "location_precision": 2,
        "location_note": "at the Osterode camp point; families moved to the Roma Mahalla and other places",
        "implementing_org": "Mercy Corps",
        "funder": "USAID; European Union",
        "start_date": "2012",
        "end_date": "2012-12",
        "status": "completed",
        "households_reached": 90,
        "source_note": "90 families (MC13); people and amounts not sourced",
        "sources": urls("MC13", "KL13"),
    },
    {
        **_DOC_COMMON,
        "project_id": "doc-2013-leposavic-closure",
        "title": "Closure of the Leposavić camp and resettlement of 31 families",
        "description": "EU-funded project that closed the main building of the Leposavić camp on "
        "17 December 2013 and resettled 31 RAE families; 4 families remained.",
        "sector": "housing",
        "sectors": "housing",
        "target_communities": "Roma;Ashkali;Egyptian",
        "municipality": "leposavic",
        "site_id": "leposavic-camp",
        "location_precision": 2,
        "location_note": "at the Leposavić camp point (see the camps layer for its precision)",
        "implementing_org": "Not sourced",
        "funder": "European Union",
        "currency": "EUR",
        "committed": 1530000.0,
        "committed_usd": round(1530000 * EUR_USD_2013, 2),
        "fx_note": _FX_2013,
        "start_date": "2013",
        "end_date": "2013-12-17",
        "status": "completed",
        "households_reached": 31,
        "source_note": "EUR 1.53m, 31 families moved (KL13); disbursement not sourced",
        "sources": urls("KL13"),
    },
]

TRUST_FUND: list[dict] = [
    {
        "observation_id": "tf-2017-05-26",
        "date": "2017-05-26",
        "date_precision": "day",
        "event": "Trust Fund announced by the Secretary-General, with 'profound regret'; no apology or "
        "individual compensation. Purpose: community-based assistance (health, economic development, "
        "infrastructure), primarily in North Mitrovica, South Mitrovica and Leposavić",
        "target_usd": 5_000_000.0,
        "received_usd": None,
        "status": "announced",
        "quote": "profound regret",
        "sources": urls("TF", "SGFR", "HRW17"),
    },
    {
        "observation_id": "tf-2017-09",
        "date": "2017-09",
        "date_precision": "month",
        "event": "Nothing received towards the USD 5 million target",
        "target_usd": 5_000_000.0,
        "received_usd": 0.0,
        "status": "unfunded",
        "quote": "",
        "sources": urls("AFP17"),
    },
    {
        "observation_id": "tf-2019-03-14",
        "date": "2019-03-14",
        "date_precision": "day",
        "event": "Not a single contribution received",
        "target_usd": 5_000_000.0,
        "received_usd": 0.0,
        "status": "unfunded",
        "quote": "not a single contribution",
        "sources": urls("BI19"),
    },
    {
        "observation_id": "tf-2020-09-04",
        "date": "2020-09-04",
        "date_precision": "day",
        "event": "UN Special Rapporteur Baskut Tuncak calls the fund 'inoperative and fundamentally flawed' "
        "(A/HRC/45/CRP.10)",
        "target_usd": 5_000_000.0,
        "received_usd": None,
        "status": "unfunded",
        "quote": "inoperative and fundamentally flawed",
        "sources": urls("CRP10", "OHCHR19"),
    },
    {
        "observation_id": "tf-2023-09-14",
        "date": "2023-09-14",
        "date_precision": "day",
        "event": "UN Special Rapporteur Fabián Salvioli: the fund is 'unfunded and non-operational'",
        "target_usd": 5_000_000.0,
        "received_usd": None,
        "status": "unfunded",
        "quote": "unfunded and non-operational",
        "sources": urls("AA23"),
    },
    {
        "observation_id": "tf-2024",
        "date": "2024",
        "date_precision": "year",
        "event": "Human rights organisations write to the UN: the fund is 'largely unfunded'",
        "target_usd": 5_000_000.0,
        "received_usd": None,
        "status": "largely unfunded",
        "quote": "largely unfunded",
        "sources": urls("RKS"),
    },
]
