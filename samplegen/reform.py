"""The 2025 sample: the 2024 sample re-based onto the new communes of the reform of 1 July 2025.

Why a module of its own: after the reform the district level is gone and Bình Liêu's seven communes
lie in four new ones, so 2025 cannot be split from district totals like 2022-2024. Instead the
2024 forms are re-based with `pipelines.units.crosswalk.rebase` (the package's official conversion
table; Vô Ngại, divided between Xã Bình Liêu and Xã Tiên Yên, is shared by the synthetic weights of
config/crosswalk.yml), keeping the new communes all of whose old communes are in Bình Liêu; then
each count moves by a small fixed change (children within ±2 %, gaps in coverage narrowing), every
part re-derived from its whole so that every rule of data/raw/README.md still holds. Xã Tiên Yên is
left out: most of it lies outside the former district, whose sample has no figures for it.
"""

from __future__ import annotations

import pandas as pd

from pipelines.core.schema import forms
from samplegen.arith import allocate, narrow, permille, scale
from samplegen.files import records_frame
from samplegen.legacy import build_legacy
from samplegen.weights import LEGACY_PERIODS, SUPPORT, VALUE_STEP

PERIOD = "2025"
PROVINCE = "22"  # Tỉnh Quảng Ninh: the unit of the 2025 list that Bình Liêu's communes belong to

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


def build_2025() -> dict[str, pd.DataFrame]:
    """The 2025 forms of the new communes, from the re-based 2024 sample (see the module docstring)."""
    from pipelines.units.crosswalk import rebase
    from pipelines.units.period import Period

    legacy = build_legacy(LEGACY_PERIODS[-1])
    base = {name: frame.astype({c: "int64" for c in forms()[name].counts}).to_dict("records")
            for name, frame in rebase(legacy, Period.parse(LEGACY_PERIODS[-1]), Period.parse(PERIOD), PROVINCE).items()}
    g, gap, out = GROWTH_2025, GAP_2025, {}

    pop = []
    for r in base["population"]:
        ages = {c: permille(r[c], g[c]) for c in ("children_under_6", "children_6_to_10", "children_11_to_15")}
        total = sum(ages.values())
        pop.append({**r, **ages, "children_under_16": total,
                    "children_ethnic_minority": total - (r["children_under_16"] - r["children_ethnic_minority"])})
    out["population"] = records_frame("population", pop)
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
                        "children_supported": narrow(n, r["children"], r["children_supported"], gap["children_supported"])})
    out["special_circumstances"] = records_frame("special_circumstances", special)
    orphan_disabled = {}
    for r in special:
        if r["circumstance"] in ("orphaned", "disabled"):
            orphan_disabled[r["commune_code"]] = orphan_disabled.get(r["commune_code"], 0) + r["children"]

    support = []
    for r in base["support"]:
        t = r["support_type"]
        unit = SUPPORT[t][2]
        need = orphan_disabled[r["commune_code"]] if t == "disability_orphan_gifts" else r["children_in_need"]
        got = narrow(need, r["children_in_need"], r["children_supported"], gap["support"])
        if unit is None:  # đồng per child as in 2024, raised a little, in steps of VALUE_STEP
            value = VALUE_STEP * permille(scale(r["value_dong"], got, r["children_supported"]) // VALUE_STEP, GIFTS_2025)
        else:
            value = unit * got
        support.append({**r, "children_in_need": need, "children_supported": got, "value_dong": value})
    out["support"] = records_frame("support", support)

    cases = []
    for r in base["protection_cases"]:
        n = permille(r["cases_received"], g.get(r["case_type"], 1000))
        cases.append({**r, "cases_received": n,
                      "cases_handled": narrow(n, r["cases_received"], r["cases_handled"], gap["cases_handled"])})
    out["protection_cases"] = records_frame("protection_cases", cases)

    education = []
    for r in base["education"]:
        s, old = per_commune[r["commune_code"]], r["population_official_age"]
        base_column = "children_under_6" if r["level"] == "preschool" else "children_11_to_15"
        n = scale(old, s[base_column], s["old_" + base_column])
        n = {"primary": s["children_6_to_10"], "lower_secondary": min(n, s["children_11_to_15"])}.get(r["level"], n)
        correct = narrow(n, old, r["pupils_correct_age"], gap["pupils_correct_age"])
        enrolled = correct + r["pupils_enrolled"] - r["pupils_correct_age"]
        two = narrow(enrolled, r["pupils_enrolled"], r["pupils_two_sessions"], gap["pupils_two_sessions"])
        standard = r["schools_national_standard"] + ((r["commune_code"], r["level"]) in RECOGNISED_2025)
        education.append({**r, "population_official_age": n, "pupils_correct_age": correct, "pupils_enrolled": enrolled,
                          "pupils_two_sessions": two if r["pupils_two_sessions"] else 0,
                          "schools_national_standard": min(standard, r["schools"])})
    out["education"] = records_frame("education", education)

    health, old = [], base["health"]
    for r in old:
        h = {c: permille(r[c], g[c]) for c in ("children_under_5", "children_under_1", "live_births")}
        for part, whole in (("children_under_5_birth_registered", "children_under_5"),
                            ("children_under_1_fully_vaccinated", "children_under_1"),
                            ("children_under_5_weighed", "children_under_5")):
            h[part] = narrow(h[whole], r[whole], r[part], gap["health"])
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
    out["health"] = records_frame("health", health)

    # The few 5-year-olds not in kindergarten: the total narrows, split over the cells that had them.
    old = base["early_childhood"]
    absent = [r["children_aged_5"] - r["children_aged_5_in_kindergarten"] for r in old]
    absent = allocate(permille(sum(absent), gap["children_aged_5_in_kindergarten"]), absent)
    early = []
    for r, a in zip(old, absent):
        n = permille(r["children_aged_5"], g["children_aged_5"])
        early.append({**r, "children_aged_5": n, "children_aged_5_in_kindergarten": n - min(n, a)})
    out["early_childhood"] = records_frame("early_childhood", early)
    return {name: out[name] for name in forms()}
