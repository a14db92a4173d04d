"""Which units a run covers and which it reports on, by period.

Until 30 June 2025 a run covers a district: its communes and the district they add up to. From
1 July 2025 there are no districts: a run covers the communes of a province that are present in
the period's data, and the province figure is the sum of those communes only (the report says
which). `--scope commune:06838` reports on one commune; `province:22` or `district:198` on the
aggregate (and, where project.yml asks, on each of its communes too). `--scope national` covers,
like a province after the reform, every commune of the list in force present in the data, and adds
them up to the whole country (issue 12: one run for the ministry, validated and computed at once).
Nothing about units is hard-coded: names and hierarchy come from pipelines.reference for the
period; the country's name, which no list of units holds, from the locale files (`unit.national`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from pipelines.core import text
from pipelines.core.deployment import FILE, Deployment
from pipelines.core.errors import UsageError
from pipelines.units import crosswalk, reference, types
from pipelines.units.period import Period

LEVELS = ("commune", "district", "province")
NATIONAL = "national"  # the whole country: a scope without a code


@dataclass(frozen=True)
class Aggregate:
    """A unit above the commune (district, province) and the communes it adds up."""
    level: str
    code: str
    name: str
    communes: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    level: str
    code: str

    @classmethod
    def parse(cls, value: str) -> "Scope":
        """`commune:06838`, `district:198`, `province:22`, or `national` (no code)."""
        if str(value).strip() == NATIONAL:
            return cls(NATIONAL, "")
        level, _, code = str(value).partition(":")
        if level not in LEVELS or not code.isdigit():
            raise text.failure(UsageError, "errors.scope.invalid", value=value)
        return cls(level, code)

    def __str__(self) -> str:
        return NATIONAL if self.level == NATIONAL else f"{self.level}:{self.code}"


def national_name(lang: str = "vi") -> str:
    """The name of the whole country as a unit of a report ("Toàn quốc"): no list of units has it."""
    return text.t(lang, f"unit.{NATIONAL}")


@dataclass(frozen=True)
class Coverage:
    """The communes a run computes, the aggregate they add up to, and the units to report on."""
    communes: pd.DataFrame          # code, name
    aggregate: Aggregate            # the unit the communes add up to (district, or province after the reform)
    reports: tuple[tuple[str, str, str], ...]  # (level, code, name)
    above: tuple[Aggregate, ...] = ()  # higher units, partly covered: the province of a legacy district
    left_out: tuple[tuple[str, str], ...] = ()  # (code, name): expected communes without data, past their due date

    @property
    def aggregates(self) -> list[Aggregate]:
        return [self.aggregate, *self.above]

    @property
    def expected(self) -> pd.DataFrame:
        """The communes the scope expects (code, name): those computed and those left out."""
        if not self.left_out:
            return self.communes
        gone = pd.DataFrame(list(self.left_out), columns=["code", "name"])
        return pd.concat([self.communes, gone], ignore_index=True).sort_values("code").reset_index(drop=True)

    def without(self, codes: list[str]) -> "Coverage":
        """The run without the expected communes `codes`, which sent nothing: they are not computed and
        get no fact sheet, but the aggregates still count them (so they are marked incomplete:
        pipelines.indicators.compute) and `left_out` names them."""
        gone = self.communes["code"].isin(list(codes))
        left = tuple(zip(self.communes.loc[gone, "code"], self.communes.loc[gone, "name"]))
        return Coverage(self.communes[~gone].reset_index(drop=True), self.aggregate,
                        tuple(r for r in self.reports if not (r[0] == "commune" and r[1] in set(codes))),
                        self.above, tuple(sorted({*self.left_out, *left})))

    def same_units(self) -> "Coverage":
        """The run with its aggregates on the communes present only: what an earlier period is
        computed on, so that a trend compares the same units (pipelines.indicators.history)."""
        if not self.left_out:
            return self
        gone = {code for code, _ in self.left_out}

        def kept(agg: Aggregate) -> Aggregate:
            return Aggregate(agg.level, agg.code, agg.name, tuple(c for c in agg.communes if c not in gone))
        return Coverage(self.communes, kept(self.aggregate), self.reports, tuple(map(kept, self.above)), self.left_out)


def default(period: Period, deployment: Deployment) -> Scope:
    """The scope a run of `period` reports on without `--scope`: the deployment's, for the unit list
    in force (a district before 1 July 2025 is not a unit after it)."""
    entry = deployment.default_scope.get(period.unit_list)
    if not entry:
        where = deployment.path or (lambda lang: text.t(lang, "errors.scope.settings_file", file=FILE))
        raise text.failure(UsageError, "errors.scope.no_default", period=period, unit_list=period.unit_list, where=where,
                           levels=lambda lang: text.t(lang, f"errors.scope.levels.{period.unit_list}"))
    return Scope.parse(entry)


def provinces_of(period: Period, communes) -> list[str]:
    """The codes of the provinces the communes `communes` (codes) belong to, under the list in force
    for `period`, sorted: the conversion table of the 2025 reform is by province."""
    table = reference.units(period)
    return sorted(set(table[(table["level"] == "commune") & table["code"].isin(list(communes))]["province_code"].tolist()))


def earlier_communes(cover: Coverage, period: Period, earlier: Period, reported: list[str]) -> pd.DataFrame:
    """The communes an earlier period's data is checked against, for a run that covers `cover`.

    Under the same unit list they are the run's own communes (for an earlier period, those it left
    out too: pipelines.indicators.coverage). Before the 2025 reform, for a run after
    it, they are the old communes of the earlier data that became (wholly or in part) one of the
    run's communes: the ones whose figures are re-based onto the run's units."""
    if earlier.unit_list == period.unit_list:  # a commune left out of this period is one of an earlier one's
        return cover.communes if earlier == period else cover.expected
    wanted = set(cover.communes["code"])
    old = reference.units(earlier)
    old = old[(old["level"] == "commune") & old["code"].isin(reported)]
    if cover.aggregate.level == NATIONAL:  # the conversion table a province at a time, not a lookup per commune
        pairs = pd.concat([crosswalk.conversion(province) for province in provinces_of(period, wanted)], ignore_index=True)
        keep = set(pairs.loc[pairs["new_code"].isin(list(wanted)), "legacy_code"].tolist())
    else:
        keep = [code for code in old["code"] if wanted & {new for new, _ in crosswalk.successor(code)}]
    return old[old["code"].isin(list(keep))][["code", "name"]].reset_index(drop=True)


def coverage(period: Period, scope: Scope, reported_codes: list[str], commune_reports: bool = False) -> Coverage:
    """Resolve a scope against the list in force; `reported_codes` are the commune codes the
    period's data holds (used after the reform, when a province is covered commune by commune);
    `commune_reports`: a fact sheet for each commune besides the scope's own report."""
    legacy = period.unit_list == "legacy"
    if scope.level == NATIONAL:
        return _national(period, reported_codes, commune_reports)
    if scope.level == "district" and not legacy:
        raise text.failure(UsageError, "errors.scope.no_district", period=period)
    own = reference.unit(period, scope.code, scope.level)
    if scope.level == "commune":
        parent_level = "district" if legacy else "province"
        parent = reference.unit(period, own["parent_code"], parent_level)
    else:
        parent = own
    if parent["level"] == "district":
        communes = listed = reference.communes_of(period, parent["code"], "district")
    else:
        listed = reference.communes_of(period, parent["code"], "province")
        communes = listed[listed["code"].isin(reported_codes)]
    if communes.empty:  # "no data for any ward of …": the types of the communes listed under the parent
        units = functools.partial(types.set_noun, names=tuple(listed["name"]), level="commune", count=1)
        raise text.failure(UsageError, "errors.scope.no_communes_in", period=period, parent=parent["name"], units=units)
    communes = communes[["code", "name"]].reset_index(drop=True)
    aggregate = Aggregate(str(parent["level"]), str(parent["code"]), str(parent["name"]), tuple(communes["code"]))
    reports = [(str(own["level"]), str(own["code"]), str(own["name"]))]
    if scope.level != "commune" and commune_reports:
        reports += [("commune", c, n) for c, n in zip(communes["code"], communes["name"])]
    above = ()
    if parent["level"] == "district":  # the province too: commune → district → province, marked incomplete
        province = reference.unit(period, parent["province_code"], "province")
        members = reference.communes_of(period, province["code"], "province")["code"]
        above = (Aggregate("province", str(province["code"]), str(province["name"]), tuple(members)),)
    return Coverage(communes, aggregate, tuple(reports), above)


def _national(period: Period, reported_codes: list[str], commune_reports: bool) -> Coverage:
    """Every commune of the list in force present in the period's data, adding up to the country,
    and to each province (`above`: the national report's table by province, issue 20). As for a
    province after the reform, a commune absent from the data is not expected: the national and
    each province's figure are the sums of the communes reported (the report counts them against
    the list in force). One level up from a district's commune fact sheets, `commune_reports` gives
    a fact sheet per province: ten thousand commune sheets are nobody's reading at the ministry."""
    table = reference.units(period)
    listed = table[table["level"] == "commune"]
    communes = listed[listed["code"].isin(list(reported_codes))].drop_duplicates("code").sort_values("code")
    if communes.empty:
        raise text.failure(UsageError, "errors.scope.no_communes", period=period)
    names = table[table["level"] == "province"].drop_duplicates("code").set_index("code")["name"]
    provinces = tuple(Aggregate("province", str(code), str(names[code]), tuple(members["code"]))
                      for code, members in communes.groupby("province_code", sort=True))
    communes = communes[["code", "name"]].reset_index(drop=True)
    name = national_name()
    reports = [(NATIONAL, "", name)]
    if commune_reports:
        reports += [("province", p.code, p.name) for p in provinces]
    return Coverage(communes, Aggregate(NATIONAL, "", name, tuple(communes["code"])), tuple(reports), provinces)
