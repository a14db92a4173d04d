"""The indicator catalogue (config/indicators.yml): what each figure is, its formula and targets.

Every figure in a report is numerator / denominator × factor, with both parts sums of raw counts.
Communes are computed from their own rows; an aggregate unit (district, province) sums the
numerators and the denominators of its communes and divides once: a mean of commune rates would
weigh a commune of 300 children like one of 3.000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from pipelines.core import errors, settings
from pipelines.intake import raw
from pipelines.core.text import failure

ENTRY_KEYS = {"id", "name_vi", "short_vi", "name_en", "short_en", "definition_vi", "definition_en", "numerator", "denominator",
              "factor", "unit", "disaggregations", "direction", "targets", "source", "sensitive", "codes"}
# Official codes an entry may name (`codes:`), each scheme with the form of its code (issue 20).
CODE_SCHEMES = {"tt13": r"^\d{4}$",                      # Thông tư 13/2021/TT-BLĐTBXH, Phụ lục I
                "sdg": r"^[A-Z]{2}_[A-Z0-9]+(_[A-Z0-9]+)*$",  # SDG series (SG_REG_BRTH)
                "unicef": r"^[A-Z]{2}_[A-Z0-9]+(_[A-Z0-9]+)*$"}
SDG_INDICATOR = r"^\d{1,2}\.[a-z0-9]{1,2}\.\d$"  # 16.9.1
RESULT_COLUMNS = ["period", "level", "unit_code", "unit_name", "indicator_id", "numerator", "denominator",
                  "factor", "value", "unit", "target", "target_year", "target_comparison", "communes_expected",
                  "communes_included", "complete"]


class CatalogueError(errors.UsageError):
    """An entry of the catalogue that does not make sense against the forms."""


@dataclass(frozen=True)
class Term:
    """A sum of one raw field over the rows whose breakdown codes are in `where`."""
    form: str
    field: str
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def sum_by_commune(self, frames: dict[str, pd.DataFrame], codes: list[str]) -> pd.Series:
        """Sum per commune code; <NA> for a commune with no rows in the form (did not report).
        One groupby for all the communes: a lookup per commune took seconds for a country."""
        rows = frames[self.form]
        present = set(rows["commune_code"].dropna().unique().tolist())  # a set: pandas' isin on text
        reported = [code in present for code in codes]                   # walks the values in Python
        for column, wanted in self.where:
            rows = rows[rows[column].isin(wanted)]
        sums = rows.groupby("commune_code", sort=True)[self.field].sum()
        found = pd.Series(sums.reindex(codes, fill_value=0).to_numpy(dtype="int64"), index=codes, dtype="Int64")
        return found.where(reported, pd.NA)


@dataclass(frozen=True)
class Target:
    year: int
    value: float
    comparison: str  # ">=" (at least) or "<" (below)
    source: str

    def met_by(self, value: float) -> bool:
        return value >= self.value if self.comparison == ">=" else value < self.value


@dataclass(frozen=True)
class OfficialCode:
    """An official indicator the entry matches by definition: scheme, code, (SDG) indicator number, cited source."""
    scheme: str
    code: str
    indicator: str
    source: str


@dataclass(frozen=True)
class Indicator:
    id: str
    name_vi: str
    short_vi: str
    name_en: str
    short_en: str
    definition_vi: str
    definition_en: str
    numerator: Term
    denominator: Term | None
    factor: int
    unit: str
    disaggregations: tuple[str, ...]
    direction: str | None
    targets: tuple[Target, ...]
    source: str
    sensitive: bool
    codes: tuple[OfficialCode, ...] = ()

    def target_for(self, year: int) -> Target | None:
        """The nearest target not yet past (the 2025 one in 2024, the 2030 one from 2026)."""
        ahead = [t for t in self.targets if t.year >= year]
        return min(ahead, key=lambda t: t.year) if ahead else (self.targets[-1] if self.targets else None)


def _term(spec: dict, entry: str) -> Term:
    forms, categories = raw.forms(), raw.categories()
    if set(spec) - {"form", "field", "where"} or spec.get("form") not in forms:
        raise CatalogueError(f"{entry}: term {spec} must name a form of forms.yml with form/field/where")
    form = forms[spec["form"]]
    if spec.get("field") not in form.counts:
        raise CatalogueError(f"{entry}: {spec['form']} has no count column '{spec.get('field')}'")
    where = []
    for column, wanted in sorted((spec.get("where") or {}).items()):
        known = categories.get(column, {})
        if column not in form.text or not known:
            raise CatalogueError(f"{entry}: {spec['form']} has no breakdown column '{column}'")
        if isinstance(wanted, dict):
            codes = [code for code, attrs in known.items() if all(attrs.get(k) == v for k, v in wanted.items())]
        else:
            codes = [wanted] if isinstance(wanted, str) else list(wanted)
        unknown = [c for c in codes if c not in known]
        if unknown or not codes:
            raise CatalogueError(f"{entry}: codes {unknown or wanted} are not codes of '{column}'")
        where.append((column, tuple(codes)))
    return Term(spec["form"], spec["field"], tuple(where))


def _codes(entries: object, name: str) -> tuple[OfficialCode, ...]:
    """`codes:`: each with a known scheme, a code of its form, an SDG indicator number for `sdg`, a source."""
    found = []
    for spec in entries or []:
        if not isinstance(spec, dict) or set(spec) - {"scheme", "code", "indicator", "source"}:
            raise CatalogueError(f"{name}: codes take scheme, code, indicator, source")
        scheme, code, number = str(spec.get("scheme")), str(spec.get("code", "")), str(spec.get("indicator") or "")
        if scheme not in CODE_SCHEMES or not re.match(CODE_SCHEMES[scheme], code) or not str(spec.get("source") or "").strip() \
                or (scheme == "sdg") != bool(re.match(SDG_INDICATOR, number)):
            raise CatalogueError(f"{name}: code {spec} is not a well-formed {sorted(CODE_SCHEMES)} code with its source")
        found.append(OfficialCode(scheme, code, number, str(spec["source"])))
    return tuple(found)


def _indicator(entry: dict) -> Indicator:
    name = entry.get("id", "?")
    missing = {"id", "name_vi", "name_en", "definition_vi", "definition_en", "numerator", "factor", "unit",
               "source"} - set(entry)
    if missing or set(entry) - ENTRY_KEYS:
        raise CatalogueError(f"{name}: missing {sorted(missing)} or unknown keys {sorted(set(entry) - ENTRY_KEYS)}")
    denominator = entry.get("denominator")
    if (denominator is None) != (entry["factor"] == 1 and entry["unit"] not in ("%", "‰")):
        raise CatalogueError(f"{name}: a count has no denominator and factor 1; a rate has both")
    form = raw.forms().get(entry["numerator"].get("form"))
    bad = [d for d in entry.get("disaggregations") or [] if form is None or d not in form.text]
    if bad:
        raise CatalogueError(f"{name}: cannot be split by {bad}: not breakdown columns of its form")
    if entry.get("direction") not in (None, "higher", "lower"):
        raise CatalogueError(f"{name}: direction must be higher or lower")
    targets = tuple(Target(int(t["year"]), float(t["value"]), t["comparison"], t["source"])
                    for t in entry.get("targets") or [])
    if any(t.comparison not in (">=", "<") for t in targets):
        raise CatalogueError(f"{name}: target comparison must be '>=' or '<'")
    return Indicator(id=name, name_vi=entry["name_vi"], short_vi=entry.get("short_vi", entry["name_vi"]),
                     name_en=entry["name_en"], short_en=entry.get("short_en", entry["name_en"]),
                     definition_vi=entry["definition_vi"],
                     definition_en=entry["definition_en"],
                     numerator=_term(entry["numerator"], name),
                     denominator=_term(denominator, name) if denominator else None,
                     factor=int(entry["factor"]), unit=entry["unit"],
                     disaggregations=tuple(entry.get("disaggregations") or ()), direction=entry.get("direction"),
                     targets=targets, source=entry["source"], sensitive=bool(entry.get("sensitive", False)),
                     codes=_codes(entry.get("codes"), name))


@lru_cache(maxsize=1)
def entries() -> dict[str, Indicator]:
    """Every catalogue entry, checked against the forms; a bad entry raises, never skipped."""
    indicators = [_indicator(e) for e in settings.load("indicators.yml")]
    ids = [i.id for i in indicators]
    if len(set(ids)) != len(ids):
        raise failure(CatalogueError, "defects.duplicate_indicators", ids=sorted({i for i in ids if ids.count(i) > 1}))
    return {i.id: i for i in indicators}


