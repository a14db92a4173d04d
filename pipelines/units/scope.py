"""Which units a run covers and which it reports on, by period.

Until 30 June 2025 a run covers a district: its communes and the district they add up to. From
1 July 2025 there are no districts: a run covers the communes of a province that are present in
the period's data, and the province figure is the sum of those communes only (the report says
which). `--scope commune:06838` reports on one commune; `province:22` or `district:198` on the
aggregate (and, where project.yml asks, on each of its communes too). Nothing about units is
hard-coded: names and hierarchy come from pipelines.reference for the period.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.core import settings
from pipelines.units import reference

LEVELS = ("commune", "district", "province")


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
    def parse(cls, text: str) -> "Scope":
        """`commune:06838`, `district:198`, `province:22`."""
        level, _, code = str(text).partition(":")
        if level not in LEVELS or not code.isdigit():
            raise ValueError(f"phạm vi '{text}' không hợp lệ: dùng commune:<mã xã>, district:<mã huyện> hoặc province:<mã tỉnh>")
        return cls(level, code)

    def __str__(self) -> str:
        return f"{self.level}:{self.code}"


@dataclass(frozen=True)
class Coverage:
    """The communes a run computes, the aggregate they add up to, and the units to report on."""
    communes: pd.DataFrame          # code, name
    aggregate: Aggregate            # the unit the communes add up to (district, or province after the reform)
    reports: tuple[tuple[str, str, str], ...]  # (level, code, name)
    above: tuple[Aggregate, ...] = ()  # higher units, partly covered: the province of a legacy district

    @property
    def aggregates(self) -> list[Aggregate]:
        return [self.aggregate, *self.above]


def default(period: str) -> Scope:
    entry = settings.load("project.yml")["default_scope"].get(reference.list_in_force(period))
    if not entry:
        raise ValueError(f"chưa cấu hình đơn vị báo cáo mặc định cho kỳ {period}")
    return Scope(entry["level"], str(entry["code"]))


def coverage(period: str, scope: Scope, reported_codes: list[str]) -> Coverage:
    """Resolve a scope against the list in force; `reported_codes` are the commune codes the
    period's data holds (used after the reform, when a province is covered commune by commune)."""
    legacy = reference.list_in_force(period) == "legacy"
    if scope.level == "district" and not legacy:
        raise ValueError(f"kỳ {period}: cấp huyện không còn từ 01/07/2025; dùng province:<mã tỉnh> hoặc commune:<mã xã>")
    own = reference.unit(period, scope.code, scope.level)
    if scope.level == "commune":
        parent_level = "district" if legacy else "province"
        parent = reference.unit(period, own["parent_code"], parent_level)
    else:
        parent = own
    if parent["level"] == "district":
        communes = reference.communes_of(period, parent["code"], "district")
    else:
        communes = reference.communes_of(period, parent["code"], "province")
        communes = communes[communes["code"].isin(reported_codes)]
    if communes.empty:
        raise ValueError(f"kỳ {period}: không có số liệu của xã nào thuộc {parent['name']}")
    communes = communes[["code", "name"]].reset_index(drop=True)
    aggregate = Aggregate(str(parent["level"]), str(parent["code"]), str(parent["name"]), tuple(communes["code"]))
    reports = [(str(own["level"]), str(own["code"]), str(own["name"]))]
    each = settings.load("project.yml").get("commune_reports", {}).get(reference.list_in_force(period), False)
    if scope.level != "commune" and each:
        reports += [("commune", c, n) for c, n in zip(communes["code"], communes["name"])]
    above = ()
    if parent["level"] == "district":  # the province too: commune → district → province, marked incomplete
        province = reference.unit(period, parent["province_code"], "province")
        members = reference.communes_of(period, province["code"], "province")["code"]
        above = (Aggregate("province", str(province["code"]), str(province["name"]), tuple(members)),)
    return Coverage(communes, aggregate, tuple(reports), above)
