"""Which target applies to a unit: the national targets of the catalogue, overlaid by a local plan.

The catalogue (config/indicators.yml) holds targets that are true everywhere (Decision 23/QĐ-TTg).
A district or province may adopt its own plan; its targets are settings of that deployment
(`targets:` in <data-dir>/baocao.yml, pipelines.core.deployment), each naming the units it applies
to. A local target applies to the unit named and to every commune within it, and replaces a national
target of the same year. The target of a period is the nearest one not yet past.
"""

from __future__ import annotations

from pipelines.core import errors
from pipelines.core.deployment import LocalTarget
from pipelines.indicators.catalogue import Indicator, Target, entries
from pipelines.units.scope import Aggregate
from pipelines.core.text import failure


class UnknownIndicator(errors.UsageError):
    """A local target for an indicator the catalogue does not have."""


def by_unit(local: tuple[LocalTarget, ...], aggregates: list[Aggregate],
            communes: list[str]) -> dict[str, dict[str, tuple[Target, ...]]]:
    """unit code → indicator id → the local targets that apply to it (to a named unit and its communes)."""
    known = entries()
    members = {f"{agg.level}:{agg.code}": (agg.code, *agg.communes) for agg in aggregates}
    members.update({f"commune:{code}": (code,) for code in communes})
    found: dict[str, dict[str, list[Target]]] = {}
    for target in local:
        if target.indicator not in known:
            raise failure(UnknownIndicator, "report_data.unknown_indicator", indicator=target.indicator)
        for unit in target.units:
            for code in members.get(unit, ()):
                found.setdefault(code, {}).setdefault(target.indicator, []).append(
                    Target(target.year, target.value, target.comparison, target.source))
    return {code: {ind: tuple(ts) for ind, ts in per.items()} for code, per in found.items()}


def target_for(indicator: Indicator, year: int, local: tuple[Target, ...] = ()) -> Target | None:
    """The nearest target not yet past (the 2025 one in 2024, the 2030 one from 2026), local first."""
    merged = {t.year: t for t in indicator.targets} | {t.year: t for t in local}
    targets = [merged[y] for y in sorted(merged)]
    ahead = [t for t in targets if t.year >= year]
    return ahead[0] if ahead else (targets[-1] if targets else None)
