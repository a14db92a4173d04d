"""Synthetic sample, stage 1: what each commune is expected to report, as real numbers.

Why a module of its own: `baocao sample` (issue 12) writes a plausible dataset for up to ten thousand
communes, the same bytes for the same seed. Every count starts here as an expected value made from
the commune's character, which is drawn once from the seed and the commune code (never from the
period, so that periods generated with one seed make a history), moved by a slow trend, by a small
bounded change from one period to the next (well inside the outlier check of config/validation.yml,
a 50 % change) and, for what happens during a period (births, deaths, injuries, case files, gifts),
scaled by its length. Expected values of several communes add up, which is how a commune of the
2025 list gets its figures from the old communes it was made of (pipelines.sample.generate). Whole
numbers, and the rules between them, are made afterwards: pipelines.sample.forms.

Rates are plausible for Viet Nam and of the order of the embedded Bình Liêu sample (data/raw/2024);
none is a published figure. Support (sponsorship, gifts) does not move between periods of one
kind: each is paid in steps of 500.000 đồng or more, so one child more or less in a small commune
would move its value by more than half.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from pipelines.core import errors
from pipelines.core.schema import categories
from pipelines.core.text import failure
from pipelines.units.period import Period

NORMALS, FIXED, NOISE, OFFSETS = 80, 128, 48, 48  # draws per commune (see Draws); the code uses fewer
BASE_YEAR = 2024.0  # the character describes the commune at the end of 2024; trends run from there

# Children in each circumstance per 1,000 children under 16 (a stock), before the hardship factor.
CIRCUMSTANCES = {
    "orphaned": 1.5, "abandoned": 0.15, "no_carer": 0.25, "disabled": 7.5, "hiv": 0.08,
    "conflict_with_law": 0.25, "drug_addicted": 0.04, "left_school_to_work": 0.5, "violence": 0.15,
    "exploited": 0.06, "sexually_abused": 0.15, "trafficked": 0.03, "serious_illness": 1.7,
    "migrant_no_carer": 0.02, "difficult": 21.0,
}
# Support: children in need per child under 16 (per year when it is given during the period), the
# share not reached (base, and more with remoteness), and whether the children are a stock.
SUPPORT = {
    "sponsorship": (0.004, 0.02, 0.08, True),
    "childrens_day_gifts": (0.10, 0.01, 0.05, False),
    "bicycles": (0.0012, 0.20, 0.20, False),
    "disability_orphan_gifts": (0.009, 0.25, 0.25, False),
    "tet_gifts_pupils": (0.005, 0.10, 0.20, False),
}
# Case files received per 1,000 children under 16 per year.
CASES = {"violence_abuse": 0.6, "neglect_abandonment": 0.3, "trafficking": 0.08, "child_labour": 0.4,
         "policy_support": 5.5, "other": 0.8}
# Per school level: share of the official-age population not enrolled at its age (base, more with
# remoteness), pupils outside the official age per child of it, pupils not on two sessions a day
# (base, more with remoteness), children under 16 per school.
LEVELS = {
    "preschool": ((0.010, 0.040), 0.0, (0.01, 0.04), 1300.0),
    "primary": ((0.002, 0.012), 0.015, (0.02, 0.15), 1500.0),
    "lower_secondary": ((0.015, 0.070), 0.030, (0.55, 0.35), 2400.0),
    "upper_secondary": ((0.120, 0.300), 0.025, (0.92, 0.07), 7000.0),
}


@dataclass(frozen=True)
class Draws:
    """Random numbers per commune (one row each): `normals` and `fixed` (uniform) never change for the
    commune; `noise` (stage 1) and `offsets` (stage 2: rounding of what happens during the period)
    are new each period."""
    normals: np.ndarray
    fixed: np.ndarray
    noise: np.ndarray
    offsets: np.ndarray


def _generator(*words: object) -> np.random.Generator:
    """A generator seeded from the text of `words` through SHA-256: the same on every run and machine
    (Python's hash() is salted per process), independent of the other communes asked for."""
    digest = hashlib.sha256(":".join(map(str, words)).encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def draws(seed: int, unit_list: str, codes: list[str], period: Period) -> Draws:
    """The draws of each commune of `codes` (a code of one unit list: the same code can name another
    unit in the other list, so the list is part of the seed)."""
    n = len(codes)
    normals, fixed = np.empty((n, NORMALS)), np.empty((n, FIXED))
    moving = np.empty((n, NOISE + OFFSETS))
    for i, code in enumerate(codes):
        own = _generator(seed, unit_list, code)
        normals[i], fixed[i] = own.standard_normal(NORMALS), own.random(FIXED)
        moving[i] = _generator(seed, unit_list, code, period).random(NOISE + OFFSETS)
    return Draws(normals, fixed, moving[:, :NOISE], moving[:, NOISE:])


class Columns:
    """Consecutive columns of a matrix of draws, handed out in the order the code asks for them."""

    def __init__(self, matrix: np.ndarray):
        self._matrix, self._at = matrix, 0

    def take(self, *shape: int) -> np.ndarray:
        k = int(np.prod(shape, dtype=int))
        if self._at + k > self._matrix.shape[1]:
            raise failure(errors.RunError, "defects.sample_draws", asked=self._at + k, drawn=self._matrix.shape[1])
        out = self._matrix[:, self._at:self._at + k]
        self._at += k
        return out.reshape(len(self._matrix), *shape)


# How urban a commune-level unit is, by the level word that begins its official name. Data, not words
# of the locale store: the official names are Vietnamese in every language, and these are read in them.
URBAN_BY_LEVEL_WORD = {"Phường": 1.0, "Thị trấn": 0.5}


def urban(names: list[str]) -> np.ndarray:
    """1 for a ward (phường), 0.5 for a township (thị trấn), 0 for a rural commune (xã, đặc khu)."""
    return np.array([next((share for word, share in URBAN_BY_LEVEL_WORD.items() if n.startswith(word)), 0.0)
                     for n in names])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _share(gap: np.ndarray, t: float = 0.0, gain: float = 0.0) -> np.ndarray:
    """The share reached, 1 - `gap`, improving by `gain` a year on the log-odds scale: a small share
    grows and a large one closes its gap by about that fraction a year, never leaving (0, 1)."""
    reached = 1.0 - np.clip(gap, 0.002, 0.998)
    return _sigmoid(np.log(reached / (1.0 - reached)) + gain * t)


def expected(town: np.ndarray, period: Period, d: Draws) -> dict[str, np.ndarray]:
    """Expected counts of each commune (rows of `d`, `town` from `urban`) for `period`, by name: arrays
    of one row per commune (then sex, or breakdown code in the order of config/categories.yml)."""
    z, v = Columns(d.normals), Columns(d.noise)
    t, length = period.elapsed_years - BASE_YEAR, period.months / 12

    def normal(*shape: int, limit: float = 2.5) -> np.ndarray:
        return np.clip(z.take(*shape), -limit, limit)

    def noise(amplitude: float, *shape: int) -> np.ndarray:  # a bounded change, new each period
        return np.exp(amplitude * (2.0 * v.take(*shape) - 1.0))

    col = lambda x: x[:, None]  # noqa: E731 - per commune, against a breakdown
    size = 1800.0 * np.exp(0.5 * normal(limit=2.3)) * (1.0 + 0.35 * town)  # children under 16
    remote = _sigmoid(1.3 * normal()) * (1.0 - 0.85 * town)
    minority = np.clip(remote ** 2 * (0.6 + 0.4 * _sigmoid(2.0 * normal())) * 1.1, 0.0, 0.99)
    boys = 0.519 + 0.006 * normal(limit=2.0)
    under_6 = 0.335 + 0.04 * (remote - 0.5) + 0.01 * normal(limit=2.0)
    aged_6 = 0.325 + 0.01 * normal(limit=2.0)
    hardship = 0.6 + 0.8 * remote

    out: dict[str, np.ndarray] = {}
    sexes = np.stack([boys, 1.0 - boys], axis=1)[:, :, None]
    ages = np.stack([under_6, aged_6, 1.0 - under_6 - aged_6], axis=1)[:, None, :]
    births_fall = np.exp(np.array([-0.015, 0.007, 0.010]) * t)  # fewer under 6, more older children
    pop = size[:, None, None] * sexes * ages * births_fall * noise(0.02, 2, 3)
    out["ages"], under_16 = pop, pop.sum(axis=2)
    out["minority"] = under_16 * col(minority)
    children = under_16.sum(axis=1)

    per_child = np.array([CIRCUMSTANCES[c] for c in categories()["circumstance"]]) / 1000.0
    k = len(per_child)
    out["circumstance"] = col(children * hardship) * per_child * np.exp(0.35 * normal(k) - 0.03 * t) * noise(0.06, k)
    out["circumstance_supported"] = out["circumstance"] * col(
        _share(0.03 + 0.10 * remote + 0.02 * normal(), t, 0.05))

    need, base, more, stock = (np.array(x) for x in zip(*(SUPPORT[s] for s in categories()["support_type"])))
    scale = np.where(stock, 1.0, length)
    out["need"] = col(size * hardship * np.exp(0.25 * normal())) * need * scale
    out["supported"] = out["need"] * _share((base + more * col(remote)) * np.exp(0.2 * normal(len(base))))

    per_child = np.array([CASES[c] for c in categories()["case_type"]]) / 1000.0
    k = len(per_child)
    out["received"] = (col(children * np.exp(0.3 * normal())) * per_child * np.exp(0.15 * normal(k)) * length
                       * noise(0.07, k))
    out["handled"] = out["received"] * col(_share(0.02 + 0.06 * remote + 0.02 * normal()))

    young = pop[:, :, 0]  # under 6, by sex
    out["aged_5"] = young * 0.165
    out["aged_5_kindergarten"] = out["aged_5"] * col(
        _share((0.004 + 0.02 * remote) * np.exp(0.3 * normal()), t, 0.05))
    levels = [LEVELS[c] for c in categories()["level"]]
    older = pop[:, :, 2].sum(axis=1)
    # Official-age population: ages 3-4 (the 5-year-olds are added from early_childhood), 6-10, 11-14, 15-17.
    out["level_population"] = np.stack([young.sum(axis=1) * 0.34, pop[:, :, 1].sum(axis=1), older * 0.8,
                                        older * 0.59], axis=1)
    net = np.array([lv[0] for lv in levels])
    out["level_correct"] = out["level_population"] * _share(
        np.minimum((net[:, 0] + net[:, 1] * col(remote)) * np.exp(0.2 * normal(len(levels))), 0.6), t, 0.08)
    nursery = young.sum(axis=1) * 0.495 * 0.25 * (1.0 - 0.3 * remote) * np.exp(0.2 * normal())
    outside = np.array([lv[1] for lv in levels])
    out["level_outside"] = out["level_population"] * outside * np.exp(0.2 * normal(len(levels)))
    out["level_outside"][:, 0] = nursery
    pupils = out["level_correct"] + out["level_outside"]
    pupils[:, 0] += out["aged_5_kindergarten"].sum(axis=1)
    two = np.array([lv[2] for lv in levels])
    out["level_two_sessions"] = pupils * _share(
        (two[:, 0] + two[:, 1] * col(remote)) * np.exp(0.2 * normal(len(levels))), t, 0.1)
    per_school = np.array([lv[3] for lv in levels])
    out["schools"] = col(size) / per_school * np.exp(0.3 * normal(len(levels)))
    out["schools"][:, -1] *= 1.0 + town  # upper secondary schools stand in towns
    out["schools_standard"] = out["schools"] * _share(
        np.clip(0.45 - 0.2 * col(0.5 - remote) - 0.1 * normal(len(levels)), 0.05, 0.95), t, 0.1)

    under_5, under_1 = young * 0.83, young * 0.83 * 0.195
    births = under_1 * 1.02 * length  # before this period's change
    slow = lambda base, per_remote, spread, trend: col(  # noqa: E731 - a rate of the commune, moving slowly
        (base + per_remote * remote) * np.exp(spread * normal() + trend * t))
    gap = lambda base, per_remote: col((base + per_remote * remote) * np.exp(0.3 * normal()))  # noqa: E731
    weighed = under_5 * _share(gap(0.01, 0.06), t, 0.05)
    deaths = births * slow(0.010, 0.018, 0.2, -0.03) * noise(0.07, 2)
    injuries = under_16 * 0.0055 * np.array([1.15, 0.85]) * slow(1.0, 0.0, 0.3, -0.02) * length * noise(0.07, 2)
    out.update({
        "children_under_5": under_5,
        "children_under_5_birth_registered": under_5 * _share(gap(0.004, 0.02), t, 0.05),
        "children_under_1": under_1,
        "children_under_1_fully_vaccinated": under_1 * _share(gap(0.01, 0.05), t, 0.05),
        "children_under_5_weighed": weighed,
        "children_under_5_underweight": weighed * slow(0.05, 0.09, 0.2, -0.03) * noise(0.06, 2),
        "children_under_5_stunted": weighed * slow(0.10, 0.15, 0.2, -0.03) * noise(0.06, 2),
        "live_births": births * noise(0.07, 2),
        "deaths_under_1": deaths * 0.7,
        "deaths_under_5": deaths,
        "child_injuries": injuries,
        "child_injury_deaths": injuries * 0.03,
    })
    return out
