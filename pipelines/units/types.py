"""The type of an administrative unit, and the words for one unit or a set of units.

A level (province, district, commune) is not a type: a district-level unit is a huyện, a quận, a
thị xã or a thành phố thuộc tỉnh, and a report on a quận that says "Toàn huyện" or "Các xã cần quan
tâm" of its wards is wrong where a leader reads it. The type is the prefix of the unit's official
name in the reference list (pipelines.units.reference.LEVEL_WORDS), read together with the level
because "Thành phố" is a centrally-run city at province level and a provincial city at district
level. A set of units of one type is named by that type ("8 phường"); a set of mixed types by its
level, generically, and counted by type ("3 đơn vị hành chính cấp xã: 2 xã, 1 đặc khu"). The words
are in locales/<lang>/units.yml, in singular and plural (`.one` / `.other`, chosen by CLDR's plural
rule of the language through Babel, as for every counted word of a report).
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from babel import Locale

from pipelines.core import formats, text
from pipelines.units import reference

# The types of each level, in the order a mixed set counts them; "city" is a provincial city (level
# district), "central_city" a centrally-run one (level province). Keys of unit_type.<type> in units.yml.
TYPES = {"province": ("province", "central_city"),
         "district": ("district", "urban_district", "town", "city"),
         "commune": ("commune", "ward", "township", "special_zone")}


class Noun(text.Said):
    """A unit-type word a template fills in; `{units:start}` writes it with a capital first letter,
    for a language whose sentence or heading begins with it ("Wards needing attention")."""

    def __format__(self, spec: str) -> str:
        if spec == "start":
            return self[:1].upper() + self[1:]
        return str.__format__(str(self), spec)


def unit_type(name: str, level: str) -> str | None:
    """`("Quận Ba Đình", "district")` → "urban_district"; `("Thành phố Hà Nội", "province")` →
    "central_city"; None for a name whose prefix is not a type of its level."""
    key = reference.name_type(name)
    if key == "city" and level == "province":
        key = "central_city"
    return key if key in TYPES.get(level, ()) else None


def _plural(lang: str, count: int) -> str:
    return Locale.parse(formats.LOCALES[lang]).plural_form(count)


def noun(lang: str, kind: str | None, level: str, count: int = 1, short: bool = True) -> Noun:
    """The word for `count` units of type `kind` ("phường" / "wards"); `kind` None: the level's
    generic word, short ("đơn vị cấp xã", for headings) or full ("đơn vị hành chính cấp xã")."""
    key = f"unit_type.{kind}" if kind else f"unit_type.level.{level}" + (".short" if short else "")
    return Noun(text.t(lang, f"{key}.{_plural(lang, count)}"))


def own_noun(lang: str, name: str, level: str) -> Noun:
    """The word for one unit by its official name: "quận" for Quận Ba Đình ("Toàn quận")."""
    return noun(lang, unit_type(name, level), level)


def kinds(names: Iterable[str], level: str) -> Counter:
    """How many units of each type (None: a name of no known type) the official `names` hold."""
    return Counter(unit_type(name, level) for name in names)


def set_noun(lang: str, names: Iterable[str], level: str, count: int = 2) -> Noun:
    """The word for a set of units: its one type ("phường"), or the level's short generic word when
    the types are mixed ("đơn vị cấp xã"); plural by default, as headings speak of them all."""
    found = kinds(names, level)
    return noun(lang, next(iter(found)) if len(found) == 1 else None, level, count)


def counted(lang: str, names: Iterable[str], level: str, style: str = "") -> Noun:
    """A set of units counted: "8 phường"; mixed, "3 đơn vị hành chính cấp xã: 2 xã, 1 đặc khu"
    (`style` "inline", inside a sentence: "3 đơn vị hành chính cấp xã (2 xã, 1 đặc khu)"; "plain",
    where the count by type would not fit, a progress line: "3 đơn vị hành chính cấp xã")."""
    found = kinds(list(names), level)
    total = sum(found.values())
    number = formats.number(total, 0, lang)
    if len(found) <= 1 or style == "plain":
        kind = next(iter(found), None) if len(found) == 1 else None
        return Noun(text.t(lang, "unit_type.counted", count=number, units=noun(lang, kind, level, total, short=False)))
    order = [*TYPES[level], None]
    parts = text.t(lang, "unit_type.separator").join(
        text.t(lang, "unit_type.counted", count=formats.number(found[kind], 0, lang),
               units=noun(lang, kind, level, found[kind], short=False))
        for kind in sorted(found, key=order.index))
    key = "unit_type.counted.mixed" + (".inline" if style == "inline" else "")
    return Noun(text.t(lang, key, count=number, units=noun(lang, None, level, total, short=False), parts=parts))
