"""Synthetic sample, stage 2: whole numbers in the forms contract, every rule kept by construction.

Why a module of its own: the dataset `baocao sample` writes must pass validation as it stands, for
any seed and any set of communes, without a correcting pass that could hide a mistake. Each count is
its expected value from stage 1 (pipelines.sample.latent) rounded down or up by a draw
(so its mean is kept): a draw fixed for the commune for what is there at the end of the period, a
new one each period for what happens during it (births, deaths, injuries, case files). Then a part
is capped by its whole, a total is the sum of its parts, and the rules across forms are built in:
the primary-age population of education.csv is the commune's children aged 6-10, its preschool
population and pupils contain the 5-year-olds and those in kindergarten of early_childhood.csv,
health.csv's children under 5 are fewer than population.csv's under 6. So data/raw/README.md, the
suites of pipelines/expectations/ and config/validation.yml hold whatever the draws. Rows come in
the order of the contract: commune code, then the codes of config/categories.yml.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.core import errors
from pipelines.core.schema import categories, forms
from pipelines.core.text import failure
from pipelines.sample.latent import Columns, Draws
from pipelines.units.period import Period

# Value of support per child supported, in đồng: a step times a whole number drawn once per commune
# from [lowest, highest]; sponsorship is paid by the year (a half or a quarter gets its share).
VALUES = {
    "sponsorship": (500_000, 8, 16, True),
    "childrens_day_gifts": (50_000, 2, 6, False),
    "bicycles": (500_000, 3, 5, False),
    "disability_orphan_gifts": (500_000, 1, 2, False),
    "tet_gifts_pupils": (500_000, 1, 2, False),
}


def _whole(latent: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Expected value → whole number >= 0: floor(x + u) with u uniform on [0, 1) has mean x."""
    return np.floor(np.maximum(latent, 0.0) + offset).astype(np.int64)


Counts = dict[str, dict[str, np.ndarray]]  # form name → count column → commune × breakdown code


def _rounded(draws: Columns, whole: np.ndarray, *parts: np.ndarray) -> list[np.ndarray]:
    """`whole` and its `parts` rounded with one and the same draw, so that where a small whole rounds
    up to 1, its part of share s does too about s of the time (independent draws would make 2 case
    files handled of 10 received where the expected values are 0.2 and 0.19). Parts are not capped."""
    u = draws.take(*whole.shape[1:])
    return [_whole(x, u) for x in (whole, *parts)]


def counts(latent: dict[str, np.ndarray], d: Draws, period: Period) -> Counts:
    """Form name → count column → whole numbers, one row per commune of `d` and one column per code of
    the form's breakdown. `latent` (stage 1) and `d` (the communes' own draws) in the same row order.
    What is there at the end of the period is rounded with draws fixed for the commune, what happened
    during it with draws new each period."""
    fixed, moving = Columns(d.fixed), Columns(d.offsets)
    cap, x = np.minimum, latent
    out = {}

    ages, = _rounded(fixed, x["ages"])  # commune, sex, (under 6, 6-10, 11-15)
    under_16, under_6 = ages.sum(axis=2), ages[:, :, 0]
    minority, = _rounded(fixed, x["minority"])
    out["population"] = {"children_under_16": under_16, "children_under_6": under_6,
                         "children_6_to_10": ages[:, :, 1], "children_11_to_15": ages[:, :, 2],
                         "children_ethnic_minority": cap(minority, under_16)}

    children, supported = _rounded(fixed, x["circumstance"], x["circumstance_supported"])
    out["special_circumstances"] = {"children": children, "children_supported": cap(supported, children)}

    need, supported = _rounded(fixed, x["need"], x["supported"])
    supported = cap(supported, need)
    out["support"] = {"children_in_need": need, "children_supported": supported,
                      "value_dong": supported * _unit_values(fixed, period)}

    received, handled = _rounded(moving, x["received"], x["handled"])
    out["protection_cases"] = {"cases_received": received, "cases_handled": cap(handled, received)}

    aged_5, kindergarten = _rounded(fixed, x["aged_5"], x["aged_5_kindergarten"])
    aged_5 = cap(aged_5, under_6)
    kindergarten = cap(kindergarten, aged_5)
    out["early_childhood"] = {"children_aged_5": aged_5, "children_aged_5_in_kindergarten": kindergarten}
    out["education"] = _education(x, fixed, ages, aged_5, kindergarten)

    under_5, registered, weighed, underweight, stunted = _rounded(
        fixed, x["children_under_5"], x["children_under_5_birth_registered"], x["children_under_5_weighed"],
        x["children_under_5_underweight"], x["children_under_5_stunted"])
    under_5 = cap(under_5, np.maximum(under_6 - 1, 0))  # always fewer than the under 6
    weighed = cap(weighed, under_5)
    under_1, vaccinated = _rounded(fixed, x["children_under_1"], x["children_under_1_fully_vaccinated"])
    under_1 = cap(under_1, under_5)
    births, = _rounded(moving, x["live_births"])
    deaths_5, deaths_1 = _rounded(moving, x["deaths_under_5"], x["deaths_under_1"])
    injuries, injury_deaths = _rounded(moving, x["child_injuries"], x["child_injury_deaths"])
    out["health"] = {
        "children_under_5": under_5,
        "children_under_5_birth_registered": cap(registered, under_5),
        "children_under_1": under_1,
        "children_under_1_fully_vaccinated": cap(vaccinated, under_1),
        "children_under_5_weighed": weighed,
        "children_under_5_underweight": cap(underweight, weighed),
        "children_under_5_stunted": cap(stunted, weighed),
        "live_births": births,
        "deaths_under_1": cap(deaths_1, deaths_5),
        "deaths_under_5": deaths_5,
        "child_injuries": injuries,
        "child_injury_deaths": cap(injury_deaths, injuries),
    }
    return out


def _unit_values(fixed: Columns, period: Period) -> np.ndarray:
    """Đồng per child supported, by commune and support type (drawn once for the commune)."""
    spec = [VALUES[s] for s in categories()["support_type"]]
    step, low, high, yearly = (np.array(x, dtype=np.int64) for x in zip(*spec))
    multiple = low + np.floor(fixed.take(len(spec)) * (high - low + 1)).astype(np.int64)
    months = np.where(yearly, period.months, 12)
    return step * multiple * months // 12  # steps of 500.000 đồng a year are whole đồng for a quarter


def _education(x: dict[str, np.ndarray], fixed: Columns, ages: np.ndarray, aged_5: np.ndarray,
               kindergarten: np.ndarray) -> dict[str, np.ndarray]:
    """Levels in the order of categories.yml (preschool, primary, lower and upper secondary)."""
    cap = np.minimum
    population, correct = _rounded(fixed, x["level_population"], x["level_correct"])  # preschool: aged 3-4 so far
    correct = cap(correct, population)
    population[:, 0] += aged_5.sum(axis=1)  # 5-year-olds of early_childhood.csv are preschool age
    correct[:, 0] += kindergarten.sum(axis=1)  # and those in kindergarten are pupils of the correct age
    population[:, 1] = ages[:, :, 1].sum(axis=1)  # primary age = children aged 6-10 of population.csv
    population[:, 2] = cap(population[:, 2], ages[:, :, 2].sum(axis=1))  # 11-14 within 11-15
    correct[:, 1:] = cap(correct[:, 1:], population[:, 1:])
    outside, = _rounded(fixed, x["level_outside"])
    enrolled = correct + outside
    two_sessions, = _rounded(fixed, x["level_two_sessions"])
    schools, standard = _rounded(fixed, x["schools"], x["schools_standard"])
    schools[:, :3] = np.maximum(schools[:, :3], 1)  # a kindergarten, a primary and a lower secondary school in each
    return {"population_official_age": population, "pupils_enrolled": enrolled, "pupils_correct_age": correct,
            "schools": schools, "schools_national_standard": cap(standard, schools),
            "pupils_two_sessions": cap(two_sessions, enrolled)}


def frames(codes: list[str], names: list[str], table: Counts) -> dict[str, pd.DataFrame]:
    """Form name → frame with exactly the columns of config/forms.yml, one row per commune (in the order
    given: sorted by code) and code of the form's breakdown (in the order of config/categories.yml),
    from `counts` (or sums of it) in the same commune order."""
    out = {}
    for name, form in forms().items():
        columns = table[name]
        if set(columns) != set(form.counts):
            raise failure(errors.RunError, "defects.sample_columns", name=name, columns=sorted(columns), expected=list(form.counts))
        breakdown = [c for c in form.key if c != "commune_code"][0]
        values = list(categories()[breakdown])
        data = {"commune_code": np.repeat(np.array(codes, dtype=object), len(values)),
                "commune_name": np.repeat(np.array(names, dtype=object), len(values)),
                breakdown: np.tile(np.array(values, dtype=object), len(codes))}
        for column in form.counts:
            if columns[column].shape != (len(codes), len(values)):
                raise failure(errors.RunError, "defects.sample_shape", name=name, column=column, shape=columns[column].shape)
            data[column] = columns[column].reshape(-1)
        out[name] = pd.DataFrame(data, columns=list(form.columns))
    return out
