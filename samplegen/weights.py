"""The invented figures of the legacy sample (Bình Liêu district, 2022-2024), as reviewed tables.

Why a module of its own: these tables are the whole of what is made up about 2022-2024, and what a
reviewer changes to change the sample; the code that turns them into forms (`samplegen.legacy`)
has no number of its own beyond rounding. Every table holds one value per period of
`LEGACY_PERIODS`, in that order. Commune codes are checked against `pipelines.units.reference`,
never trusted from here: the names always come from the reference list.

The 2024 district totals equal the seed article's figures (see `data/raw/README.md`); everything
else here is synthetic but plausible for a poor mountainous district.
"""

from __future__ import annotations

DISTRICT = "198"  # Huyện Bình Liêu, Tỉnh Quảng Ninh (22)
LEGACY_PERIODS = ("2022", "2023", "2024")  # every table below holds one value per period, in this order

# Per commune, by official code: weights of children under 16, under 6, aged 6-10 and of children
# who are not ethnic minority (mostly Kinh, in the district seat); boys per 1,000 children; and a
# lag 0-3 (remoteness: how far services there trail the district).
#                 u16 u6 6-10 kinh boys lag
WEIGHTS = {
    "06838": (22, 19, 22, 60, 512, 0),  # Thị trấn Bình Liêu: district seat, most Kinh
    "06841": (12, 12, 12, 8, 515, 1),   # Hoành Mô: border gate
    "06844": (11, 11, 11, 6, 508, 1),   # Đồng Tâm
    "06847": (14, 15, 14, 5, 514, 2),   # Đồng Văn
    "06853": (18, 18, 18, 10, 510, 1),  # Vô Ngại
    "06856": (15, 16, 15, 7, 511, 2),   # Lục Hồn
    "06859": (8, 9, 8, 4, 517, 3),      # Húc Động: smallest, most remote
}

# District totals (2024 from the seed article). Non-minority children = under 16 - ethnic minority.
POPULATION = {"under_16": (9186, 9248, 9292), "non_minority": (471, 468, 468),
              "under_6": (3068, 3021, 2973), "6_to_10": (3170, 3205, 3228)}
# Children by circumstance; 2024 sums to 407 (151 in the 14 legal groups + 256 in difficulty).
CIRCUMSTANCES = {
    "orphaned": (16, 17, 18), "abandoned": (1, 2, 2), "no_carer": (3, 2, 3), "disabled": (88, 90, 92),
    "hiv": (1, 1, 1), "conflict_with_law": (2, 4, 3), "drug_addicted": (0, 1, 0),
    "left_school_to_work": (9, 8, 6), "violence": (3, 1, 2), "exploited": (0, 1, 1),
    "sexually_abused": (1, 2, 2), "trafficked": (1, 0, 0), "serious_illness": (19, 20, 21),
    "migrant_no_carer": (0, 0, 0), "difficult": (275, 262, 256),
}
# Support: (children in need or None = orphaned + disabled children, children supported,
# đồng per child supported or None = district total value in VALUE_TOTAL).
SUPPORT = {
    "sponsorship": ((44, 46, 47), (40, 44, 47), 6_000_000),
    "childrens_day_gifts": ((1105, 1130, 1180), (1060, 1102, 1180), None),
    "bicycles": ((12, 15, 14), (8, 12, 10), 2_000_000),
    "disability_orphan_gifts": (None, (48, 50, 55), 500_000),
    "tet_gifts_pupils": ((50, 52, 52), (35, 38, 40), 500_000),
}
VALUE_TOTAL = {"childrens_day_gifts": (182_600_000, 194_150_000, 205_350_000)}
VALUE_STEP = 50_000  # a total value is split across communes in steps of 50,000 đồng
# Case files: (received, handled) per period; 2024 sums to 80 and 80.
CASES = {
    "violence_abuse": ((5, 5), (4, 4), (6, 6)), "neglect_abandonment": ((2, 2), (3, 3), (3, 3)),
    "trafficking": ((1, 1), (0, 0), (1, 1)), "child_labour": ((3, 3), (4, 4), (4, 4)),
    "policy_support": ((47, 45), (53, 51), (58, 58)), "other": ((7, 6), (8, 8), (8, 8)),
}
# Education, per level: population of official age as permille of a population column (preschool
# 3-5 of under 6; lower secondary 11-14 and upper secondary 15-17 of 11-15); net rate permille
# (2024 value, less per lag step, less per year before 2024); pupils outside the official age as
# permille (preschool: of 0-2 year-olds in nursery groups; else of the official-age population);
# two sessions a day as permille of pupils (2024, per lag step, per year before 2024).
LEVELS = {
    "preschool": (("under_6", 510), (987, 8, 5), 220, (1000, 10, 8)),
    "primary": (("6_to_10", 1000), (997, 3, 2), 15, (1000, 12, 6)),
    "lower_secondary": (("11_to_15", 800), (979, 12, 8), 30, (320, 60, 20)),
    "upper_secondary": (("11_to_15", 590), (805, 45, 20), 25, (0, 0, 0)),
}
# Schools by location per commune (preschool, primary, lower secondary, upper secondary), those
# meeting the national standard in 2024, and the schools recognised in a year (not yet before it).
SCHOOLS = {"06838": (2, 2, 1, 2), "06841": (1, 1, 1, 1), "06844": (1, 1, 1, 0), "06847": (1, 1, 1, 0),
           "06853": (1, 1, 1, 0), "06856": (1, 1, 1, 0), "06859": (1, 1, 1, 0)}
STANDARD_2024 = {"06838": (2, 2, 1, 1), "06841": (1, 1, 1, 0), "06844": (1, 1, 1, 0), "06847": (0, 1, 1, 0),
                 "06853": (1, 1, 1, 0), "06856": (1, 1, 0, 0), "06859": (0, 1, 0, 0)}
RECOGNISED = {"2023": (("06838", "preschool"), ("06841", "primary")),
              "2024": (("06844", "lower_secondary"), ("06853", "preschool"))}
# Health, per (commune, sex) cell, as permille of a count of the same cell (2024 value, change per
# lag step, change per year before 2024): under 5 of population's under 6, under 1 of under 5, live
# births of under 1, registered of under 5, fully vaccinated of under 1, weighed of under 5,
# underweight and stunted of weighed. Plausible for a poor mountainous district (synthetic).
HEALTH_RATES = {
    "children_under_5": (832, 0, 0), "children_under_1": (200, 0, 0), "live_births": (1020, 0, 0),
    "children_under_5_birth_registered": (990, -5, -3), "children_under_1_fully_vaccinated": (972, -6, -4),
    "children_under_5_weighed": (960, -15, -5), "children_under_5_underweight": (100, 5, 4),
    "children_under_5_stunted": (190, 10, 8),
}
# District totals of events per period, as permille of district live births (deaths) or as counts
# (injuries of children under 16 and deaths from injury), split across cells by largest remainder.
DEATHS_PERMILLE = {"deaths_under_5": (25, 23, 21), "deaths_under_1": (18, 16, 14)}
INJURIES = {"child_injuries": (62, 58, 54), "child_injury_deaths": (3, 2, 2)}
# 5-year-olds as permille of population's under 6 (the cohorts born before births fell), and the
# district permille of them in kindergarten per period; the few not attending live mostly in remote
# communes (a per-cell rate would round them all away).
AGED_5 = 175
KINDERGARTEN_AGE_5 = (986, 990, 993)
