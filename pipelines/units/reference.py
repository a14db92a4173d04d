"""Administrative units in force for a reporting period.

Units are reference data, never typed into code: they come from the `vietnamadminunits` package
(MIT), whose packaged SQLite database holds the legacy three-level list (63 provinces, 681
districts, 10,040 communes, before 1 July 2025) and the two-level list in force from 1 July 2025
(34 provinces, 3,321 communes). Which list applies is decided by the end date of the period.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from functools import lru_cache
from importlib import resources, util
from pathlib import Path

import pandas as pd

from pipelines.units.period import Period
from pipelines.core import errors, text

LEVELS = ("province", "district", "commune")


class UnknownUnit(errors.UsageError):
    """A unit code that is not in the list in force for the period."""


def list_in_force(period: Period) -> str:
    """`legacy` (province–district–commune) before 1 July 2025, `2025` (province–commune) after."""
    return period.unit_list


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def package_data() -> Path:
    """The `data` folder of `vietnamadminunits`, found without importing the package: its address
    parsers, which the product does not use, take 0.3 s of CPU to import in each process."""
    return Path(util.find_spec("vietnamadminunits").origin).parent / "data"


@lru_cache(maxsize=2)
def _read_units(list_name: str) -> pd.DataFrame:
    db = package_data() / "dataset.db"
    with resources.as_file(db) as path, sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        if list_name == "legacy":
            rows = con.execute(
                "SELECT province, provinceCode, district, districtCode, ward, wardCode FROM admin_units_legacy"
            ).fetchall()
        else:
            rows = con.execute("SELECT province, provinceCode, ward, wardCode FROM admin_units").fetchall()
    records: dict[tuple[str, str], dict] = {}
    for row in rows:
        if list_name == "legacy":
            prov, prov_code, dist, dist_code, ward, ward_code = map(_nfc, row)
            chain = [("province", prov_code, prov, ""), ("district", dist_code, dist, prov_code),
                     ("commune", ward_code, ward, dist_code)]
        else:
            prov, prov_code, ward, ward_code = map(_nfc, row)
            chain = [("province", prov_code, prov, ""), ("commune", ward_code, ward, prov_code)]
        for level, code, name, parent in chain:
            if code:
                records[(level, code)] = {"level": level, "code": code, "name": name,
                                          "parent_code": parent, "province_code": prov_code}
    frame = pd.DataFrame(sorted(records.values(), key=lambda r: (LEVELS.index(r["level"]), r["code"])))
    return frame.astype("string")


def units(period: Period) -> pd.DataFrame:
    """Every unit in force for the period: level, code, name, parent_code, province_code."""
    return _read_units(list_in_force(period))


def unit(period: Period, code: str, level: str | None = None) -> pd.Series:
    """One unit by code (and level, since a 3-digit district and a 5-digit commune never clash)."""
    table = units(period)
    hits = table[(table["code"] == code) & ((table["level"] == level) if level else True)]
    if hits.empty:
        raise text.failure(UnknownUnit, "errors.unknown_unit", code=code, period=period)
    return hits.iloc[0]


def communes_of(period: Period, code: str, level: str) -> pd.DataFrame:
    """The communes that make up a unit (a commune is made of itself), sorted by code."""
    table = units(period)
    communes = table[table["level"] == "commune"]
    if level == "commune":
        picked = communes[communes["code"] == code]
    elif level == "district":
        picked = communes[communes["parent_code"] == code]
    else:
        picked = communes[communes["province_code"] == code]
    if picked.empty:
        unit(period, code, level)  # raises UnknownUnit with the reason
    return picked.reset_index(drop=True)


# Type words that start an official name, and the key of its words (unit.<type> in locales/<lang>/units.yml;
# "Thành phố" is told apart by level in pipelines.units.types). Data, not words: they are matched
# against the official names of vietnamadminunits to parse them, in the names' own language whatever
# the language of the report. "Đặc khu" (special zone) is a commune-level type from 1 July 2025.
LEVEL_WORDS = {"Thị trấn ": "township", "Xã ": "commune", "Phường ": "ward", "Huyện ": "district",
               "Thị xã ": "town", "Thành phố ": "city", "Quận ": "urban_district", "Tỉnh ": "province",
               "Đặc khu ": "special_zone"}


def _level(name: str) -> tuple[str | None, str]:
    """`Xã Đồng Văn` → ("commune", "Đồng Văn"); a name without a level word → (None, name). The case
    of the level word is not looked at: the list spells a few names "Thị Xã Mường Lay", "Thị Trấn Prao"."""
    for prefix, level in LEVEL_WORDS.items():
        if name[:len(prefix)].lower() == prefix.lower():
            return level, name[len(prefix):]
    return None, name


def name_type(name: str) -> str | None:
    """The key of the type word an official name starts with (`Phường Phúc Xá` → "ward"), or None."""
    return _level(name)[0]


def short_name(name: str) -> str:
    """`Xã Đồng Văn` → `Đồng Văn`, for tables and charts where the level is understood."""
    return _level(name)[1]


def unit_name(name: str, lang: str = "vi", form: str = "") -> str:
    """An official name in `lang`: the proper name stays, the level word is translated. The one
    translator of unit names, for reports and messages alike. `form` "" is the name as a title
    ("Huyện Ba Chẽ" / "Ba Chẽ District"), "lower" the form inside a report's sentence ("huyện Ba Chẽ" /
    "Ba Chẽ District"), "message" inside a validation or intake message ("huyện Ba Chẽ" / "Ba Chẽ district")."""
    level, proper = _level(name)
    if level is None:
        return name
    return text.t(lang, f"unit.{level}" + (f".{form}" if form else ""), name=proper)
