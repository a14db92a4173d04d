"""A synthetic but plausible dataset in the raw forms, for any communes of the reference list (issue 12).

Why this module exists: the embedded sample covers one district (samplegen/, a repository tool).
Trying the product on a province or on the whole country (its speed, its reports, its checks on
data of that size) needs data for every commune of the list in force: the 10,035 communes of the
legacy list (before 1 July 2025) or the 3,321 of the 2025 list. `baocao sample` writes it with
`write_synthetic`; nothing of it is real, and it is never written over raw data already there.

What it promises:
- Deterministic: the same period, communes and seed give the same bytes. Every random number comes
  from a generator seeded by SHA-256 of the seed and one commune code, so a commune's figures do not
  depend on which other communes are asked for (a district's rows are those of the national set).
- A history: a commune's size and character come from the seed and its code only; periods generated
  with one seed follow each other with small changes (pipelines.sample.latent).
- Across the reform: a commune of the 2025 list reports the sum of what the old communes it was made
  of would have reported (an old commune divided between new ones in equal pieces), as the product's
  re-basing of earlier periods does; the few new units with no old commune (island special zones)
  are drawn from their own code.
- Valid by construction (pipelines.sample.forms): every rule of data/raw/README.md, of the
  suites in pipelines/expectations/ and of config/validation.yml.
- Bytes as data/raw/README.md fixes them, written by the raw files' one writer
  (pipelines.intake.csvfile): header in the column order of config/forms.yml, rows by commune code
  then the codes of config/categories.yml.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.core.errors import UsageError
from pipelines.core.schema import categories, forms
from pipelines.core.text import t
from pipelines.intake import csvfile, raw
from pipelines.sample.forms import Counts, counts, frames
from pipelines.sample.latent import Draws, draws, expected, urban
from pipelines.units import crosswalk, reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope

SHOWN = 5  # unknown commune codes named in a refusal; the rest are counted


class SampleRefused(UsageError):
    """Nothing was generated or written; the message says why (a seed, the communes or the folder)."""


def communes_for(period: Period, scope: Scope) -> pd.DataFrame:
    """The communes (code, name) of `scope` in the list in force for `period`, sorted by code: the
    national scope is every commune of that list; any other is `reference.communes_of`."""
    if scope.level == NATIONAL:
        table = reference.units(period)
        picked = table[table["level"] == "commune"]
    else:
        picked = reference.communes_of(period, scope.code, scope.level)
    return picked[["code", "name"]].sort_values("code").reset_index(drop=True)


def build_synthetic(period: Period, communes: pd.DataFrame, seed: int = 0, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """Form name → frame with exactly the columns of config/forms.yml, in order: one row per commune of
    `communes` (its `code` column; names are the official ones of the list in force) and breakdown code."""
    seed = _seed(seed, lang)
    codes, names = _official(period, communes, lang)
    if period.unit_list == "legacy":
        table = _drawn(codes, names, period, seed, "legacy")
    else:
        table = _from_old_communes(codes, names, period, seed)
    return frames(codes, names, table)


def write_synthetic(data_dir: Path | str, period: Period, communes: pd.DataFrame, seed: int = 0,
                    lang: str = "vi") -> list[Path]:
    """Write `<data_dir>/raw/<period>/<form file>` for every form; return the paths, in the order of
    config/forms.yml. Refused (SampleRefused, nothing written) when that folder already holds
    anything: raw data is never overwritten."""
    folder = raw.period_dir(data_dir, period)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SampleRefused(t(lang, "sample.not_empty", folder=folder))
    return csvfile.write_forms(folder, build_synthetic(period, communes, seed, lang))


def _seed(seed: object, lang: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise SampleRefused(t(lang, "sample.seed", seed=repr(seed)))
    return int(seed)


def _official(period: Period, communes: pd.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    """The communes' codes, sorted and unique, and their official names (NFC) in the list in force."""
    codes = sorted({str(c) for c in communes["code"]})
    if not codes:
        raise SampleRefused(t(lang, "sample.no_communes"))
    table = reference.units(period)
    table = table[table["level"] == "commune"]
    official = dict(zip(table["code"].astype(str), table["name"].astype(str)))
    unknown = [c for c in codes if c not in official]
    if unknown:
        shown = ", ".join(unknown[:SHOWN])
        if len(unknown) > SHOWN:
            shown = t(lang, "sample.codes_and_more", codes=shown, n=len(unknown) - SHOWN)
        raise SampleRefused(t(lang, "sample.unknown_communes", period=period, codes=shown))
    return codes, [unicodedata.normalize("NFC", official[c]) for c in codes]


def _drawn(codes: list[str], names: list[str], period: Period, seed: int, unit_list: str) -> Counts:
    """The counts of communes drawn from their own codes (in `unit_list`)."""
    d = draws(seed, unit_list, codes, period)
    return counts(expected(urban(names), period, d), d, period)


def _from_old_communes(codes: list[str], names: list[str], period: Period, seed: int) -> Counts:
    """The counts of communes of the 2025 list: the sum of what the old communes they were made of
    would report for this period (drawn as under the legacy list), an old commune divided between
    several new ones cut into equal pieces before rounding. So a new commune's figures are those the
    product's re-basing (pipelines.units.crosswalk.rebase) gives from the old communes, and every rule,
    kept by each piece, holds for the sums. New units with no old commune are drawn from their own code."""
    row = {code: i for i, code in enumerate(codes)}
    pairs = [(old, row[new], 1.0 / len(news)) for old, news in sorted(crosswalk.successor_codes().items())
             for new in news if new in row]
    table = {form: {column: np.zeros((len(codes), len(categories()[_breakdown(form)])), dtype=np.int64)
                    for column in spec.counts} for form, spec in forms().items()}
    if pairs:
        olds = sorted({old for old, _, _ in pairs})
        where = {code: i for i, code in enumerate(olds)}
        units = reference.units(crosswalk.LAST_LEGACY_PERIOD)
        units = units[units["level"] == "commune"]
        old_names = dict(zip(units["code"].astype(str), units["name"].astype(str)))
        d = draws(seed, "legacy", olds, period)
        latent = expected(urban([old_names[c] for c in olds]), period, d)
        take = np.array([where[old] for old, _, _ in pairs], dtype=np.intp)
        into = np.array([new for _, new, _ in pairs], dtype=np.intp)
        weight = np.array([w for _, _, w in pairs])
        pieces = {k: v[take] * weight.reshape(-1, *[1] * (v.ndim - 1)) for k, v in latent.items()}
        rows = Draws(*(m[take] for m in (d.normals, d.fixed, d.noise, d.offsets)))
        for form, columns in counts(pieces, rows, period).items():
            for column, values in columns.items():
                np.add.at(table[form][column], into, values)
    alone = sorted(set(range(len(codes))) - {new for _, new, _ in pairs})
    if alone:  # island special zones: no old commune, drawn from their own code
        drawn = _drawn([codes[i] for i in alone], [names[i] for i in alone], period, seed, "2025")
        for form, columns in drawn.items():
            for column, values in columns.items():
                table[form][column][alone] = values
    return table


def _breakdown(form: str) -> str:
    return [c for c in forms()[form].key if c != "commune_code"][0]
