"""The embedded sample: Bình Liêu district (Quảng Ninh, district code 198), periods 2022-2024, and
for 2025 the new communes that cover its former area (Xã Bình Liêu, Xã Hoành Mô, Xã Lục Hồn).

Why this module exists: the sample committed in `data/raw/<period>/` must be regenerable byte for
byte from reviewed code, so that nobody edits raw files by hand and a reviewer can see where every
number comes from. `python -m samplegen.sample data` rewrites the files; `tests/test_sample.py`
checks that the committed files equal what this module builds.

The data is SYNTHETIC (plausible, invented) except the 2024 district totals that equal the figures
published in the seed article (shared/seed/binh-lieu-child-care-article.vi.txt): 9,292 children
under 16, 8,824 ethnic-minority children, 2,973 under 6, 407 in special or difficult circumstances,
47 of 47 sponsored, 205,350,000 đồng of Children's Day gifts, 10 bicycles, 55 gift packages for
disabled and orphaned children, 40 Tết gifts for pupils, 80 case files received and 80 handled.

Only integer arithmetic: each district total is split across communes by fixed commune weights with
the largest-remainder method, so district totals are exact; rates are whole permille rounded half
up. Nothing is random, and output order comes from the reference list of communes (sorted by code)
and from the order of codes in `config/categories.yml`, never from iterating a dict of our own.
Commune codes and names are read from `pipelines.reference`, never typed here (weights are keyed
by code and checked against the reference list).

2025 (after the reform of 1 July 2025 abolished districts and merged communes): the 2024 sample is
re-based onto the new communes with `pipelines.crosswalk` (the package's conversion table; Vô Ngại,
divided between Xã Bình Liêu and Xã Tiên Yên, shared by the synthetic weights of
config/crosswalk.yml), keeping the new communes all of whose old communes are in Bình Liêu; then each
count moves by a small fixed change (children within ±2 %, gaps in coverage narrowing), every part
re-derived from its whole so that every rule of data/raw/README.md still holds. Xã Tiên Yên is left
out: most of it lies outside the former district, whose sample has no figures for it.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pandas as pd

from pipelines.intake.raw import categories, forms, period_dir
from pipelines.units.reference import communes_of, normalise_period

DISTRICT = "198"
LEGACY_PERIODS = ("2022", "2023", "2024")  # every table below holds one value per period, in this order
PERIODS = LEGACY_PERIODS + ("2025",)
PROVINCE = "22"  # Tỉnh Quảng Ninh: the unit of the 2025 list that Bình Liêu's communes belong to

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

# 2025, from the 2024 figures re-based onto the new communes (synthetic): each count as permille of
# its re-based 2024 value (1000 = unchanged). Births keep falling (under 6: -1.5 %, as 2022-2024),
# older cohorts grow a little; children in difficulty fall; case files and needs stay level.
GROWTH_2025 = {"children_under_6": 985, "children_6_to_10": 1007, "children_11_to_15": 1010,
               "children_under_5": 985, "children_under_1": 985, "live_births": 985, "children_aged_5": 985,
               "difficult": 975, "disabled": 1010, "policy_support": 1050, "events": 950}
# Gaps that narrow (a part within its whole): the part left out, as permille of its 2024 size.
GAP_2025 = {"children_supported": 700, "support": 900, "cases_handled": 500, "pupils_correct_age": 900,
            "pupils_two_sessions": 975, "health": 850, "children_aged_5_in_kindergarten": 750}
BAD_2025 = 960  # underweight and stunted children, permille of 2024
GIFTS_2025 = 1030  # Children's Day gifts: đồng per child supported, permille of 2024
# Schools recognised as meeting the national standard in 2025 (by the new commune where they are).
RECOGNISED_2025 = (("06841", "upper_secondary"), ("06856", "lower_secondary"))


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split a whole `total` in proportion to whole `weights` (largest remainder, ties to the first)."""
    whole = sum(weights)
    if total and not whole:
        raise ValueError(f"cannot split {total} over zero weights")
    if not total:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda k: (-(total * weights[k] % whole), k))
    for k in order[: total - sum(shares)]:
        shares[k] += 1
    return shares


def permille(n: int, rate: int) -> int:
    """n × rate / 1000, rounded half up, never below 0."""
    return max(0, (n * rate + 500) // 1000)


def _jitter(weights: list[int], salt: int) -> list[int]:
    """Deterministic variation of weights, so that small counts do not always land in one commune."""
    return [w * (10 + (3 * k + 7 * salt) % 9) for k, w in enumerate(weights)]


def _frame(form: str, rows: list[list]) -> pd.DataFrame:
    spec = forms()[form]
    frame = pd.DataFrame(rows, columns=list(spec.columns))
    for column in spec.counts:
        frame[column] = frame[column].astype("int64")
    return frame


def build_sample(period: str) -> dict[str, pd.DataFrame]:
    """Form name -> frame with the columns of `config/forms.yml`, one row per commune and code."""
    period = normalise_period(period)
    if period not in PERIODS:
        raise ValueError(f"the sample covers {', '.join(PERIODS)}, not {period}")
    if period not in LEGACY_PERIODS:
        return _build_2025()
    i, back = LEGACY_PERIODS.index(period), len(LEGACY_PERIODS) - 1 - LEGACY_PERIODS.index(period)
    units = communes_of(period, DISTRICT, "district")
    codes = [str(c) for c in units["code"]]
    names = [unicodedata.normalize("NFC", str(n)) for n in units["name"]]
    if sorted(codes) != sorted(WEIGHTS):
        raise ValueError(f"reference communes of district {DISTRICT} differ from the sample weights: {codes}")
    w = [WEIGHTS[c] for c in codes]
    lag = [p[5] for p in w]
    cats = {name: list(categories()[name]) for name in ("sex", "circumstance", "support_type", "case_type", "level")}
    out: dict[str, pd.DataFrame] = {}

    # Population: age groups split into sexes, total = sum of the age groups.
    u16 = allocate(POPULATION["under_16"][i], [p[0] for p in w])
    age = {"under_6": allocate(POPULATION["under_6"][i], [p[1] for p in w]),
           "6_to_10": allocate(POPULATION["6_to_10"][i], [p[2] for p in w])}
    age["11_to_15"] = [t - a - b for t, a, b in zip(u16, age["under_6"], age["6_to_10"])]
    kinh = allocate(POPULATION["non_minority"][i], [p[3] for p in w])
    rows = []
    for k, (code, name) in enumerate(zip(codes, names)):
        whole = [age[a][k] for a in ("under_6", "6_to_10", "11_to_15")] + [kinh[k]]
        boys = [permille(n, w[k][4]) for n in whole]
        split = {"M": boys, "F": [n - b for n, b in zip(whole, boys)]}
        for sex in cats["sex"]:
            *parts, not_minority = split[sex]
            rows.append([code, name, sex, sum(parts), *parts, sum(parts) - not_minority])
    out["population"] = _frame("population", rows)

    # Special circumstances: more in remote communes; support share falls with lag and in earlier years.
    need = {c: allocate(CIRCUMSTANCES[c][i], _jitter([p[0] * (4 + p[5]) for p in w], j))
            for j, c in enumerate(cats["circumstance"])}
    out["special_circumstances"] = _frame("special_circumstances", [
        [code, name, c, need[c][k], permille(need[c][k], 965 - 40 * lag[k] - 15 * back)]
        for k, (code, name) in enumerate(zip(codes, names)) for c in cats["circumstance"]])

    # Support: needs follow the children in difficulty and without carers; supported within need.
    hardship = [a + b + c for a, b, c in zip(need["difficult"], need["orphaned"], need["no_carer"])]
    cells = {}
    for j, t in enumerate(cats["support_type"]):
        in_need, supported, unit = SUPPORT[t]
        if in_need is None:
            counts = [a + b for a, b in zip(need["orphaned"], need["disabled"])]
        elif t == "childrens_day_gifts":
            counts = allocate(in_need[i], [p[0] * (4 + p[5]) for p in w])
        else:
            counts = allocate(in_need[i], _jitter(hardship, j))
        got = allocate(supported[i], counts)
        if unit is None:
            total = VALUE_TOTAL[t][i]
            assert total % VALUE_STEP == 0
            value = [VALUE_STEP * v for v in allocate(total // VALUE_STEP, got)]
        else:
            value = [unit * g for g in got]
        cells[t] = (counts, got, value)
    out["support"] = _frame("support", [
        [code, name, t, cells[t][0][k], cells[t][1][k], cells[t][2][k]]
        for k, (code, name) in enumerate(zip(codes, names)) for t in cats["support_type"]])

    # Protection case files, split like the children; handled within received.
    cases = {}
    for j, t in enumerate(cats["case_type"]):
        received, handled = CASES[t][i]
        got = allocate(received, _jitter([p[0] for p in w], j + i))
        cases[t] = (got, allocate(handled, got))
    out["protection_cases"] = _frame("protection_cases", [
        [code, name, t, cases[t][0][k], cases[t][1][k]]
        for k, (code, name) in enumerate(zip(codes, names)) for t in cats["case_type"]])

    # Education: pupils by commune of residence, schools by location.
    later = {(c, lv) for p in LEGACY_PERIODS[i + 1:] for c, lv in RECOGNISED.get(p, ())}
    rows = []
    for k, (code, name) in enumerate(zip(codes, names)):
        for li, level in enumerate(cats["level"]):
            (base, share), (net, net_lag, net_back), extra, (two, two_lag, two_back) = LEVELS[level]
            pop = permille(age[base][k], share)
            correct = permille(pop, min(1000, net - net_lag * lag[k] - net_back * back))
            outside = age["under_6"][k] - pop if level == "preschool" else pop
            enrolled = correct + permille(outside, extra)
            schools = SCHOOLS[code][li]
            standard = STANDARD_2024[code][li] - ((code, level) in later)
            rows.append([code, name, level, pop, enrolled, correct, schools, standard,
                         permille(enrolled, min(1000, two - two_lag * lag[k] - two_back * back))])
    out["education"] = _frame("education", rows)

    # Health: cells (commune, sex) in the order of the population rows; every part drawn from its whole.
    cells = [(k, sex) for k in range(len(codes)) for sex in cats["sex"]]
    under_6 = [int(v) for v in out["population"]["children_under_6"]]
    under_16 = [int(v) for v in out["population"]["children_under_16"]]
    rate = {c: [r + r_lag * lag[k] + r_back * back for k, _ in cells] for c, (r, r_lag, r_back) in HEALTH_RATES.items()}
    h = {"children_under_5": [permille(n, r) for n, r in zip(under_6, rate["children_under_5"])]}
    for column, whole in (("children_under_1", "children_under_5"), ("live_births", "children_under_1"),
                          ("children_under_5_birth_registered", "children_under_5"),
                          ("children_under_1_fully_vaccinated", "children_under_1"),
                          ("children_under_5_weighed", "children_under_5"),
                          ("children_under_5_underweight", "children_under_5_weighed"),
                          ("children_under_5_stunted", "children_under_5_weighed")):
        h[column] = [permille(n, r) for n, r in zip(h[whole], rate[column])]  # r <= 1000 but for births
    # Deaths are more frequent where services lag; under-1 deaths are a part of under-5 deaths, cell by cell.
    births = sum(h["live_births"])
    h["deaths_under_5"] = allocate(permille(births, DEATHS_PERMILLE["deaths_under_5"][i]),
                                   _jitter([b * (4 + lag[k]) for b, (k, _) in zip(h["live_births"], cells)], 3 + i))
    h["deaths_under_1"] = allocate(permille(births, DEATHS_PERMILLE["deaths_under_1"][i]), h["deaths_under_5"])
    # Injuries of children under 16: boys more often, remote communes more often; deaths among the injured.
    h["child_injuries"] = allocate(INJURIES["child_injuries"][i], _jitter(
        [n * (4 + lag[k]) * (12 if sex == "M" else 9) for n, (k, sex) in zip(under_16, cells)], 5 + i))
    h["child_injury_deaths"] = allocate(INJURIES["child_injury_deaths"][i], h["child_injuries"])
    out["health"] = _frame("health", [[codes[k], names[k], sex, *(h[c][j] for c in forms()["health"].counts)]
                                      for j, (k, sex) in enumerate(cells)])

    # Early childhood: 5-year-olds (part of the under 6) and those in kindergarten.
    aged_5 = [permille(n, AGED_5) for n in under_6]
    absent = allocate(sum(aged_5) - permille(sum(aged_5), KINDERGARTEN_AGE_5[i]),
                      _jitter([n * (1 + lag[k]) for n, (k, _) in zip(aged_5, cells)], 7 + i))
    out["early_childhood"] = _frame("early_childhood", [[codes[k], names[k], sex, n, n - a]
                                                        for (k, sex), n, a in zip(cells, aged_5, absent)])
    return out


def sample_units(period: str) -> pd.DataFrame:
    """The communes of the sample for a period (code, name, from pipelines.reference): Bình Liêu's
    seven before 1 July 2025; after it, the new communes the 2024 sample re-bases onto in full."""
    period = normalise_period(period)
    if period in LEGACY_PERIODS:
        return communes_of(period, DISTRICT, "district")[["code", "name"]]
    codes = list(_build_2025()["population"]["commune_code"].unique())
    units = communes_of(period, PROVINCE, "province")
    return units[units["code"].isin(codes)][["code", "name"]].reset_index(drop=True)


def _scale(n: int, new: int, old: int) -> int:
    """n × new / old, rounded half up (n unchanged when old is 0)."""
    return (2 * n * new + old) // (2 * old) if old else n


def _narrow(whole: int, whole_before: int, part_before: int, gap: int) -> int:
    """A part within its whole whose shortfall (whole - part in 2024) shrinks to `gap` permille."""
    return whole - min(whole, permille(max(0, whole_before - part_before), gap))


def _build_2025() -> dict[str, pd.DataFrame]:
    """The 2025 forms of the new communes, from the re-based 2024 sample (see the module docstring)."""
    from pipelines.units.crosswalk import rebase

    legacy = build_sample(LEGACY_PERIODS[-1])
    base = {name: frame.astype({c: "int64" for c in forms()[name].counts}).to_dict("records")
            for name, frame in rebase(legacy, LEGACY_PERIODS[-1], PERIODS[-1], PROVINCE).items()}
    g, gap, out = GROWTH_2025, GAP_2025, {}

    def frame(form: str, rows: list[dict]) -> pd.DataFrame:
        return _frame(form, [[row[c] for c in forms()[form].columns] for row in rows])

    pop = []
    for r in base["population"]:
        ages = {c: permille(r[c], g[c]) for c in ("children_under_6", "children_6_to_10", "children_11_to_15")}
        total = sum(ages.values())
        pop.append({**r, **ages, "children_under_16": total,
                    "children_ethnic_minority": total - (r["children_under_16"] - r["children_ethnic_minority"])})
    out["population"] = frame("population", pop)
    per_commune = {}
    for before, now in zip(base["population"], pop):
        sums = per_commune.setdefault(now["commune_code"], {})
        for c in ("children_under_6", "children_6_to_10", "children_11_to_15"):
            sums[c] = sums.get(c, 0) + now[c]
            sums["old_" + c] = sums.get("old_" + c, 0) + before[c]

    special = []
    for r in base["special_circumstances"]:
        n = permille(r["children"], g.get(r["circumstance"], 1000))
        special.append({**r, "children": n,
                        "children_supported": _narrow(n, r["children"], r["children_supported"], gap["children_supported"])})
    out["special_circumstances"] = frame("special_circumstances", special)
    orphan_disabled = {}
    for r in special:
        if r["circumstance"] in ("orphaned", "disabled"):
            orphan_disabled[r["commune_code"]] = orphan_disabled.get(r["commune_code"], 0) + r["children"]

    support = []
    for r in base["support"]:
        t = r["support_type"]
        unit = SUPPORT[t][2]
        need = orphan_disabled[r["commune_code"]] if t == "disability_orphan_gifts" else r["children_in_need"]
        got = _narrow(need, r["children_in_need"], r["children_supported"], gap["support"])
        if unit is None:  # đồng per child as in 2024, raised a little, in steps of VALUE_STEP
            value = VALUE_STEP * permille(_scale(r["value_dong"], got, r["children_supported"]) // VALUE_STEP, GIFTS_2025)
        else:
            value = unit * got
        support.append({**r, "children_in_need": need, "children_supported": got, "value_dong": value})
    out["support"] = frame("support", support)

    cases = []
    for r in base["protection_cases"]:
        n = permille(r["cases_received"], g.get(r["case_type"], 1000))
        cases.append({**r, "cases_received": n,
                      "cases_handled": _narrow(n, r["cases_received"], r["cases_handled"], gap["cases_handled"])})
    out["protection_cases"] = frame("protection_cases", cases)

    education = []
    for r in base["education"]:
        s, old = per_commune[r["commune_code"]], r["population_official_age"]
        base_column = "children_under_6" if r["level"] == "preschool" else "children_11_to_15"
        n = _scale(old, s[base_column], s["old_" + base_column])
        n = {"primary": s["children_6_to_10"], "lower_secondary": min(n, s["children_11_to_15"])}.get(r["level"], n)
        correct = _narrow(n, old, r["pupils_correct_age"], gap["pupils_correct_age"])
        enrolled = correct + r["pupils_enrolled"] - r["pupils_correct_age"]
        two = _narrow(enrolled, r["pupils_enrolled"], r["pupils_two_sessions"], gap["pupils_two_sessions"])
        standard = r["schools_national_standard"] + ((r["commune_code"], r["level"]) in RECOGNISED_2025)
        education.append({**r, "population_official_age": n, "pupils_correct_age": correct, "pupils_enrolled": enrolled,
                          "pupils_two_sessions": two if r["pupils_two_sessions"] else 0,
                          "schools_national_standard": min(standard, r["schools"])})
    out["education"] = frame("education", education)

    health, old = [], base["health"]
    for r in old:
        h = {c: permille(r[c], g[c]) for c in ("children_under_5", "children_under_1", "live_births")}
        for part, whole in (("children_under_5_birth_registered", "children_under_5"),
                            ("children_under_1_fully_vaccinated", "children_under_1"),
                            ("children_under_5_weighed", "children_under_5")):
            h[part] = _narrow(h[whole], r[whole], r[part], gap["health"])
        for bad in ("children_under_5_underweight", "children_under_5_stunted"):
            h[bad] = min(h["children_under_5_weighed"], permille(r[bad], BAD_2025))
        health.append({**r, **h})
    # Events: under-5 deaths and injuries fall by 5 %, under-1 deaths by 5 % rounded down, injury deaths
    # stay (2): each split over the cells like in 2024, a part never above its whole in a cell.
    for whole, part in (("deaths_under_5", "deaths_under_1"), ("child_injuries", "child_injury_deaths")):
        wholes = allocate(permille(sum(r[whole] for r in old), g["events"]), [r[whole] for r in old])
        within = [min(r[part], w) for r, w in zip(old, wholes)]
        total = sum(r[part] for r in old) * (g["events"] if part == "deaths_under_1" else 1000) // 1000
        for r, w, p in zip(health, wholes, allocate(min(total, sum(within)), within)):
            r[whole], r[part] = w, p
    out["health"] = frame("health", health)

    # The few 5-year-olds not in kindergarten: the total narrows, split over the cells that had them.
    old = base["early_childhood"]
    absent = [r["children_aged_5"] - r["children_aged_5_in_kindergarten"] for r in old]
    absent = allocate(permille(sum(absent), gap["children_aged_5_in_kindergarten"]), absent)
    early = []
    for r, a in zip(old, absent):
        n = permille(r["children_aged_5"], g["children_aged_5"])
        early.append({**r, "children_aged_5": n, "children_aged_5_in_kindergarten": n - min(n, a)})
    out["early_childhood"] = frame("early_childhood", early)
    return {name: out[name] for name in forms()}


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The committed form of a frame: UTF-8 without BOM, comma, `\\n`, header row, no index."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_sample(data_dir: Path | str, periods: tuple[str, ...] = PERIODS) -> list[Path]:
    """Write `<data_dir>/raw/<period>/<form file>` for every period; return the paths written."""
    written = []
    for period in periods:
        folder = period_dir(data_dir, period)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in build_sample(period).items():
            path = folder / forms()[name].file
            path.write_bytes(csv_bytes(frame))
            written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_sample(sys.argv[1] if len(sys.argv) > 1 else "data"):
        print(written_path)
