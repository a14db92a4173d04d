"""Old communes (before 1 July 2025) → the communes in force from 1 July 2025; figures re-based onto them.

Why: on 1 July 2025 the district level was abolished and communes were merged. Reports from the 2025
annual period on are by new commune or province, while leaders still want the trend since 2022, so
earlier figures must be re-stated on the new communes: summed where old communes merged whole, shared
where one old commune was divided between several new ones.

Where the mapping comes from: the official conversion table shipped with `vietnamadminunits` (MIT),
`data/converter_2025.json`, joined to codes through the package's SQLite `data/dataset.db`; no unit is
typed here. `DICT_PROVINCE_WARD_NO_DIVIDED` lists, per new commune, the old communes that went into it
whole; `DICT_PROVINCE_WARD_DIVIDED` the old communes divided between several new ones (one flagged as
the default). How a divided commune's figures are shared is not in the package: it is a reviewed
assumption, `config/crosswalk.yml` (by default the child population shares of the parts).

Re-based figures are estimates for trends, not raw data: a divided commune's counts are shared by
largest remainder, cell by cell, so that they stay whole numbers and its parts add up exactly to what it
reported. A total the form defines as the sum of other columns (children_under_16) is re-summed from
its shared parts, so that rule still holds. With two parts (every divided commune of the sample) the
largest remainder is monotone, so a part stays within its whole (supported <= children); with three or
more parts, or across forms (education primary population = population aged 6-10 of both sexes), a
shared cell can be one unit off. The caller says in the report that figures were re-based.
"""

from __future__ import annotations

import json
import math
import sqlite3
from fractions import Fraction
from functools import lru_cache
from importlib import resources

import pandas as pd

from pipelines.core import errors, settings
from pipelines.core import schema
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.core.text import failure, t

# A period under each list, to ask pipelines.reference for the whole list (it decides by period end).
LAST_LEGACY_PERIOD, FIRST_NEW_PERIOD = Period(2025, "half", 1), Period(2025, "half", 2)
COLUMNS = ["legacy_code", "legacy_name", "new_code", "new_name", "weight", "split", "weight_source"]


class CrosswalkError(errors.UsageError):
    """A conversion that cannot be made with certainty (unknown code, unreviewed split, missing commune)."""


@lru_cache(maxsize=1)
def _package() -> dict[str, tuple[tuple[str, bool], ...]]:
    """Old commune code → ((new commune code, is the package's default part), ...), default part first,
    then the package's order. Keys of the JSON are joined to codes through dataset.db."""
    data = reference.package_data()
    table = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    with resources.as_file(data / "dataset.db") as path:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            old = {f"{p}_{d}_{w}": code for p, d, w, code in con.execute(
                "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy WHERE wardCode IS NOT NULL")}
            new = {(p, w): code for p, w, code in con.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
        finally:
            con.close()
    parts: dict[str, tuple[tuple[str, bool], ...]] = {}

    def add(old_key: str, value: tuple[tuple[str, bool], ...]) -> None:
        if old_key not in old:  # the 5 island districts listed without a commune: no code to convert
            return
        if old[old_key] in parts:
            raise failure(CrosswalkError, "crosswalk.listed_twice", code=old[old_key])
        parts[old[old_key]] = value

    for province, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for old_key in olds:
                add(old_key, ((new[(province, ward)], True),))
    for province, olds in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, pieces in olds.items():
            ordered = sorted(pieces, key=lambda piece: not piece["isDefaultNewWard"])  # stable sort
            add(old_key, tuple((new[(province, p["newWardKey"])], bool(p["isDefaultNewWard"])) for p in ordered))
    return parts


def _communes(period: Period) -> pd.DataFrame:
    table = reference.units(period)
    return table[table["level"] == "commune"].set_index("code")


def _label(code: str, names: pd.DataFrame) -> str:
    return f"{names.at[code, 'name']} ({code})" if code in names.index else code


@lru_cache(maxsize=1)
def _reviewed() -> dict[str, dict[str, Fraction]]:
    """config/crosswalk.yml checked against the package: old code → {new code: exact share}."""
    old_names, out = _communes(LAST_LEGACY_PERIOD), {}
    for code, entry in (settings.load("crosswalk.yml").get("splits") or {}).items():
        code = str(code)
        where = lambda lang, code=code: t(lang, "crosswalk.where", code=code)  # noqa: E731 - in the failure's language
        parts = [c for c, _default in _package().get(code, ())]
        if len(parts) < 2:
            raise failure(CrosswalkError, "crosswalk.not_divided", where=where)
        if entry.get("name") != old_names.at[code, "name"]:
            raise failure(CrosswalkError, "crosswalk.wrong_name", where=where, name=entry.get("name"),
                          expected=old_names.at[code, "name"])
        weights = {str(k): Fraction(str(v)) for k, v in (entry.get("weights") or {}).items()}
        if sorted(weights) != sorted(parts):
            given = ", ".join(sorted(weights))
            raise failure(CrosswalkError, "crosswalk.wrong_parts", where=where, parts=", ".join(parts),
                          given=given or (lambda lang: t(lang, "crosswalk.no_parts")))
        if any(w < 0 for w in weights.values()) or sum(weights.values()) != 1:
            raise failure(CrosswalkError, "crosswalk.bad_weights", where=where)
        out[code] = weights
    return out


def conversion(province_code: str) -> pd.DataFrame:
    """Every old commune whose area is now (wholly or partly) in the province → its new commune(s).

    One row per (old commune, new commune): weight 1.0 for an old commune merged whole; for a divided
    one (`split` True) its share from config/crosswalk.yml (`weight_source` "config") or, if it is not
    listed there, 1.0 for the package's default part and 0.0 for the others (`weight_source`
    "default": not reviewed, refused by `rebase`). Sorted by old code, default part first."""
    province_code = str(province_code)
    old, new = _communes(LAST_LEGACY_PERIOD), _communes(FIRST_NEW_PERIOD)
    if province_code not in set(new["province_code"]):
        raise failure(CrosswalkError, "crosswalk.unknown_province", code=province_code)
    reviewed, rows = _reviewed(), []
    for code, parts in sorted(_package().items()):
        if not any(new.at[c, "province_code"] == province_code for c, _default in parts):
            continue
        split = len(parts) > 1
        source = "whole" if not split else "config" if code in reviewed else "default"
        for new_code, default in parts:
            weight = reviewed[code][new_code] if source == "config" else Fraction(int(default))
            if new.at[new_code, "province_code"] == province_code:
                rows.append([code, old.at[code, "name"], new_code, new.at[new_code, "name"], float(weight),
                             split, source])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({c: "string" for c in ("legacy_code", "legacy_name", "new_code", "new_name", "weight_source")})


def successor(legacy_code: str) -> list[tuple[str, str]]:
    """The new commune(s) an old commune became, as (code, official name): one for a whole merge,
    several for a divided commune (the package's default part first)."""
    parts = _package().get(str(legacy_code))
    if not parts:
        raise failure(CrosswalkError, "crosswalk.unknown_commune", code=legacy_code)
    new = _communes(FIRST_NEW_PERIOD)
    return [(code, str(new.at[code, "name"])) for code, _default in parts]


def successor_codes() -> dict[str, tuple[str, ...]]:
    """Every old commune code → the code(s) of the new commune(s) it became (the package's default part
    first), for the whole country at once: `successor` looks up one old commune with its names and
    `conversion` one province with its shares, both far too slow to call ten thousand times (the
    synthetic national sample, pipelines.sample.generate)."""
    return {old: tuple(code for code, _default in parts) for old, parts in _package().items()}


def allocate(count: int, weights: list[Fraction]) -> list[int]:
    """Share a whole `count` by exact `weights` (summing to 1): largest remainder, ties to the first part."""
    exact = [count * w for w in weights]
    shares = [math.floor(x) for x in exact]
    for k in sorted(range(len(weights)), key=lambda k: (shares[k] - exact[k], k))[: count - sum(shares)]:
        shares[k] += 1
    return shares


@lru_cache(maxsize=None)
def _total_rules(form: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(total column, its parts) from the form's values suite: the rules rebase must keep."""
    path = resources.files("pipelines") / "expectations" / f"{form}.values.json"
    rules = [e["kwargs"] for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]
             if e["type"] == "expect_multicolumn_total_to_equal_sum_of_parts"]
    return tuple((k["total_column"], tuple(c for c in k["column_list"] if c != k["total_column"])) for k in rules)


def rebase(frames: dict[str, pd.DataFrame], from_period: Period, to_period: Period, province_code: str,
           keep: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Typed forms (`raw.typed`) of a period under the old list, re-stated on the new communes of
    `province_code` in force for `to_period`: same columns, rows keyed by the new commune code and
    official name, counts summed over the old communes merged into it (shared by weight for a divided
    one). `keep`: the new communes wanted; default: every new commune all of whose old communes are
    in the data (one that also takes in old communes absent from the data, such as Xã Tiên Yên for a
    sample district, would be incomplete; asking for it by `keep` is an error naming what is missing)."""
    if reference.list_in_force(from_period) != "legacy" or reference.list_in_force(to_period) != "2025":
        raise failure(CrosswalkError, "crosswalk.direction", source=from_period, target=to_period)
    table, old = conversion(province_code), _communes(LAST_LEGACY_PERIOD)
    new_names = dict(zip(_communes(to_period).index, _communes(to_period)["name"]))
    shares: dict[str, list[tuple[str, Fraction]]] = {}
    for row in table.itertuples(index=False):
        shares.setdefault(row.legacy_code, []).append((row.new_code, Fraction(str(row.weight))))
    source = dict(zip(table["legacy_code"], table["weight_source"]))
    present = sorted({str(c) for f in frames.values() for c in f["commune_code"].dropna()})
    unknown = [c for c in present if c not in shares]
    if unknown:
        raise failure(CrosswalkError, "crosswalk.unconvertible", province=province_code,
                      communes=", ".join(_label(c, old) for c in unknown))
    sources: dict[str, set[str]] = {}
    for row in table.itertuples(index=False):
        sources.setdefault(row.new_code, set()).add(row.legacy_code)
    complete = sorted(n for n, olds in sources.items() if olds <= set(present))
    kept = complete if keep is None else sorted(str(k) for k in keep)
    for code in kept:
        if code not in sources:
            raise failure(CrosswalkError, "crosswalk.not_new_commune", code=code, province=province_code)
        if code not in complete:
            missing = ", ".join(_label(c, old) for c in sorted(sources[code] - set(present)))
            raise failure(CrosswalkError, "crosswalk.incomplete", name=new_names[code], code=code, missing=missing)
    unreviewed = [c for c in present if source[c] == "default" and any(n in kept for n, _w in shares[c])]
    if unreviewed:
        raise failure(CrosswalkError, "crosswalk.unreviewed", communes=", ".join(_label(c, old) for c in unreviewed))
    return {name: _rebase_form(name, frame, shares, set(kept), new_names) for name, frame in frames.items()}


def _rebase_form(name: str, frame: pd.DataFrame, shares: dict[str, list[tuple[str, Fraction]]], kept: set[str],
                 new_names: dict[str, str]) -> pd.DataFrame:
    form = schema.forms()[name]
    breakdown = [k for k in form.key if k != "commune_code"]
    counts, sums = list(form.counts), {}
    for record in frame[list(form.columns)].to_dict("records"):
        code, values = str(record["commune_code"]), [record[c] for c in counts]
        if any(pd.isna(v) for v in values):
            raise failure(CrosswalkError, "crosswalk.blank_cell", file=form.file, code=code)
        parts, values = shares[code], [int(v) for v in values]
        pieces = list(zip(*(allocate(v, [w for _c, w in parts]) for v in values)))  # one tuple per part
        if len(parts) > 1:
            for total, of in _total_rules(name):
                t, idx = counts.index(total), [counts.index(c) for c in of]
                if values[t] == sum(values[i] for i in idx):
                    pieces = [tuple(sum(p[i] for i in idx) if j == t else v for j, v in enumerate(p)) for p in pieces]
        for (new_code, _w), piece in zip(parts, pieces):
            if new_code in kept:
                key = (new_code, *(str(record[b]) for b in breakdown))
                sums[key] = [a + b for a, b in zip(sums.get(key, [0] * len(counts)), piece)]
    ranks = [{code: i for i, code in enumerate(schema.categories().get(b, {}))} for b in breakdown]
    order = sorted(sums, key=lambda k: (k[0], *((r.get(v, len(r)), v) for r, v in zip(ranks, k[1:]))))
    rows = [{"commune_code": k[0], "commune_name": new_names[k[0]], **dict(zip(breakdown, k[1:])),
             **dict(zip(counts, sums[k]))} for k in order]
    out = pd.DataFrame(rows, columns=list(form.columns))
    for column in form.text:
        out[column] = out[column].astype(frame[column].dtype if column in frame else "string")
    return out.astype({c: "Int64" for c in counts})
