"""The words of validation messages, written in Vietnamese (default) or English when shown.

A `Problem` is stored without language: where it is (file, sheet, line, column, commune) and what it
is (a template key of `locales/<lang>/validation.yml` and its values). `render` writes it as one line,
`<where>: <what>`, in the language asked, so a run validates once and shows the same problems in
every language of its reports. A value that reads differently by language (a rule text, a unit name,
a date, a percentage, a nested sentence) is kept as a `Part` and written only then.

Fixed words and sentence shapes live in the locale files with the rest of the report's words (one
translation store, checked by tests/test_text.py); rule texts live with the rules (`meta.rule_vi` /
`meta.rule_en` in the suites, `rule_vi` / `rule_en` in config/validation.yml). Numbers in Vietnamese
use vi_VN (62,3 %), rounded half up like every figure of a report.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pipelines.core import formats
from pipelines.core import text as locale
from pipelines.core.text import check_lang
from pipelines.units import reference, types
from pipelines.units.period import REFORM_DATE

PREFIX = "validation."  # the keys of locales/<lang>/validation.yml
# Templates whose sentence names the commune itself ("thiếu số liệu của xã Húc Động"): their place doesn't.
_COMMUNE_IN_SENTENCE = {"missing_commune"}


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def text(lang: str, key: str, **values) -> str:
    """The template `validation.<key>` of `lang`, filled with `values` already written in `lang`."""
    return locale.t(lang, PREFIX + key, **values)


# Parts written when shown ------------------------------------------------------------------------

class Part:
    """A value of a message that reads differently by language; `text(lang)` writes it."""

    def text(self, lang: str) -> str:  # pragma: no cover - every part overrides it
        raise NotImplementedError


def written(value: Any, lang: str) -> str:
    return value.text(lang) if isinstance(value, Part) else value if isinstance(value, str) else str(value)


def facts(**values: Any) -> tuple[tuple[str, Any], ...]:
    """The values of a message as stored in a Problem: sorted pairs, so equal problems compare equal."""
    return tuple(sorted(values.items(), key=lambda item: item[0]))


@dataclass(frozen=True)
class Words(Part):
    """A sentence of validation.yml inside another (a code of the other list, a re-based period)."""
    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> "Words":
        return cls(key, facts(**values))

    def text(self, lang: str) -> str:
        return text(lang, self.key, **{name: written(value, lang) for name, value in self.values})


@dataclass(frozen=True)
class Rule(Part):
    """A rule text kept with the rule (rule_en falls back to rule_vi), with `{unit}`-like placeholders
    replaced (not `format`ted: a rule text may hold other braces)."""
    vi: str
    en: str | None = None
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, meta: dict, **values: Any) -> "Rule":
        return cls(meta["rule_vi"], meta.get("rule_en"), facts(**values))

    def text(self, lang: str) -> str:
        rule = (self.en or self.vi) if lang != "vi" else self.vi
        for key, value in self.values:
            rule = rule.replace("{" + key + "}", written(value, lang))
        return rule


@dataclass(frozen=True)
class Unit(Part):
    """An official name inside a sentence: `huyện Ba Chẽ` / `Ba Chẽ district`."""
    name: str

    def text(self, lang: str) -> str:
        return unit_name(self.name, lang)


@dataclass(frozen=True)
class Official(Part):
    """An official name as written in the list (`Xã Đồng Tâm`); in English `Đồng Tâm commune`."""
    name: str

    def text(self, lang: str) -> str:
        return nfc(self.name) if lang == "vi" else unit_name(nfc(self.name), lang)


@dataclass(frozen=True)
class Commune(Part):
    code: str | None
    name: str | None

    def text(self, lang: str) -> str:
        return commune(self.code, self.name, lang)


@dataclass(frozen=True)
class Communes(Part):
    """The communes of a scope counted by type: `7 phường` / `7 wards`, mixed `7 đơn vị hành chính cấp
    xã` / `7 commune-level units` (pipelines.units.types.counted)."""
    names: tuple[str, ...]

    def text(self, lang: str) -> str:
        return types.counted(lang, self.names, "commune", "plain")


@dataclass(frozen=True)
class Change(Part):
    ratio: float

    def text(self, lang: str) -> str:
        return percent_change(self.ratio, lang)


@dataclass(frozen=True)
class Differs(Part):
    """Where a name that reads like the official one departs from it (pipelines.core.text.differs)."""
    found: str
    expected: str | None

    def text(self, lang: str) -> str:
        return locale.differs(lang, self.found, self.expected) if self.expected else locale.Said("")


@dataclass(frozen=True)
class Count(Part):
    """A number of lines or values left out or repeated: `5.000` (vi) / `5,000` (en)."""
    n: int

    def text(self, lang: str) -> str:
        return formats.number(self.n, 0, lang)


@dataclass(frozen=True)
class ReformDate(Part):
    def text(self, lang: str) -> str:
        return reform_date(lang)


@dataclass(frozen=True)
class Joined(Part):
    """Parts joined by "và" / "and"."""
    items: tuple[Any, ...]

    def text(self, lang: str) -> str:
        return text(lang, "and").join(written(item, lang) for item in self.items)


# Writing a problem -------------------------------------------------------------------------------

def render(problem: Any, lang: str = "vi") -> str:
    """One problem as one line in `lang`: `<where>: <what>`."""
    lang = check_lang(lang)
    code = problem.commune_code
    label = commune(code, problem.commune_name, lang) if code and problem.key not in _COMMUNE_IN_SENTENCE else ""
    place = where(lang, problem.file, problem.sheet, problem.line, problem.column, label)
    return f"{locale.visible(place)}: {Words(problem.key, problem.values).text(lang)}"  # a column named as typed


def unit_name(name: str, lang: str) -> str:
    """An official name inside a sentence: `thị trấn Ba Chẽ` (level word in lower case) or, in
    English, `Ba Chẽ township` (pipelines.units.reference.unit_name)."""
    return reference.unit_name(name, lang, "message")


def commune(code: str | None, name: str | None, lang: str) -> str:
    """`xã Đồng Văn (06847)` / `Đồng Văn commune (06847)`; a code not in the list: `mã xã 99999`."""
    if name:
        return f"{unit_name(name, lang)} ({code})"
    return text(lang, "commune_code", code=code) if code else ""


def where(lang: str, file: str, sheet: str | None = None, line: int | None = None, column: str | None = None,
          commune_label: str = "") -> str:
    """`education.csv dòng 7, cột pupils_enrolled, xã Đồng Văn (06847)`; without a line:
    `population.csv, cột sex, ...`; without a column: `population.csv`."""
    head = file + (f" ({text(lang, 'sheet')} {sheet})" if sheet else "")
    if line is not None:
        head += f" {text(lang, 'line')} {line}"
    parts = [head] + ([f"{text(lang, 'column')} {column}"] if column else []) + ([commune_label] if commune_label else [])
    return ", ".join(parts)


def percent_change(change: float, lang: str) -> str:
    """0.6220 → `+62,2 %` (vi) / `+62.2%` (en); rounded half up to one decimal."""
    sign = "+" if change > 0 else "-" if change < 0 else ""
    if lang == "en":
        return f"{sign}{formats.round_half_up(abs(change) * 100, 1)}%"
    return f"{sign}{formats.number(abs(change) * 100, 1)} %"


def reform_date(lang: str) -> str:
    """The day the 2025 list of units came into force: `01/07/2025` (vi) / `1 July 2025` (en)."""
    return f"{REFORM_DATE:%d/%m/%Y}" if lang == "vi" else formats.date(REFORM_DATE, "en")


def rule_text(meta: dict, lang: str, **values) -> str:
    """The rule in the language asked for (rule_en falls back to rule_vi), placeholders filled."""
    return Rule.of(meta, **values).text(lang)
