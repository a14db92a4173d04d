"""The annual forms of Bình Liêu district (2022-2024) from the tables of `samplegen.weights`.

Why a module of its own: this is the one place that turns the reviewed district totals into commune
rows. Each district total is split across the seven communes by fixed weights with the largest
remainder method, so district totals are exact (the 2024 ones equal the seed article); every part
is then drawn from its whole (supported from children, correct-age pupils from population, under-1
from under-5, ...), so every rule of data/raw/README.md holds by construction, not by correction.
Nothing is random; rows come in the order of the reference list of communes (sorted by code) and
of the codes in `config/categories.yml`, never from iterating a dict of our own. Commune codes and
names are read from `pipelines.units.reference`, never typed here.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from pipelines.core.schema import categories, forms
from pipelines.units.period import Period
from pipelines.units.reference import communes_of
from samplegen.arith import allocate, jitter, permille
from samplegen.files import to_frame
from samplegen.weights import (AGED_5, CASES, CIRCUMSTANCES, DEATHS_PERMILLE, DISTRICT, HEALTH_RATES, INJURIES,
                               KINDERGARTEN_AGE_5, LEGACY_PERIODS, LEVELS, POPULATION, RECOGNISED, SCHOOLS,
                               STANDARD_2024, SUPPORT, VALUE_STEP, VALUE_TOTAL, WEIGHTS)


def build_legacy(period: str) -> dict[str, pd.DataFrame]:
    """Form name -> frame for one of `LEGACY_PERIODS`, one row per commune and breakdown code."""
    i, back = LEGACY_PERIODS.index(period), len(LEGACY_PERIODS) - 1 - LEGACY_PERIODS.index(period)
    units = communes_of(Period.parse(period), DISTRICT, "district")  # a sample folder name: parsed here
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
    out["population"] = to_frame("population", rows)

    # Special circumstances: more in remote communes; support share falls with lag and in earlier years.
    need = {c: allocate(CIRCUMSTANCES[c][i], jitter([p[0] * (4 + p[5]) for p in w], j))
            for j, c in enumerate(cats["circumstance"])}
    out["special_circumstances"] = to_frame("special_circumstances", [
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
            counts = allocate(in_need[i], jitter(hardship, j))
        got = allocate(supported[i], counts)
        if unit is None:
            total = VALUE_TOTAL[t][i]
            assert total % VALUE_STEP == 0
            value = [VALUE_STEP * v for v in allocate(total // VALUE_STEP, got)]
        else:
            value = [unit * g for g in got]
        cells[t] = (counts, got, value)
    out["support"] = to_frame("support", [
        [code, name, t, cells[t][0][k], cells[t][1][k], cells[t][2][k]]
        for k, (code, name) in enumerate(zip(codes, names)) for t in cats["support_type"]])

    # Protection case files, split like the children; handled within received.
    cases = {}
    for j, t in enumerate(cats["case_type"]):
        received, handled = CASES[t][i]
        got = allocate(received, jitter([p[0] for p in w], j + i))
        cases[t] = (got, allocate(handled, got))
    out["protection_cases"] = to_frame("protection_cases", [
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
    out["education"] = to_frame("education", rows)

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
                                   jitter([b * (4 + lag[k]) for b, (k, _) in zip(h["live_births"], cells)], 3 + i))
    h["deaths_under_1"] = allocate(permille(births, DEATHS_PERMILLE["deaths_under_1"][i]), h["deaths_under_5"])
    # Injuries of children under 16: boys more often, remote communes more often; deaths among the injured.
    h["child_injuries"] = allocate(INJURIES["child_injuries"][i], jitter(
        [n * (4 + lag[k]) * (12 if sex == "M" else 9) for n, (k, sex) in zip(under_16, cells)], 5 + i))
    h["child_injury_deaths"] = allocate(INJURIES["child_injury_deaths"][i], h["child_injuries"])
    out["health"] = to_frame("health", [[codes[k], names[k], sex, *(h[c][j] for c in forms()["health"].counts)]
                                         for j, (k, sex) in enumerate(cells)])

    # Early childhood: 5-year-olds (part of the under 6) and those in kindergarten.
    aged_5 = [permille(n, AGED_5) for n in under_6]
    absent = allocate(sum(aged_5) - permille(sum(aged_5), KINDERGARTEN_AGE_5[i]),
                      jitter([n * (1 + lag[k]) for n, (k, _) in zip(aged_5, cells)], 7 + i))
    out["early_childhood"] = to_frame("early_childhood", [[codes[k], names[k], sex, n, n - a]
                                                           for (k, sex), n, a in zip(cells, aged_5, absent)])
    return out
