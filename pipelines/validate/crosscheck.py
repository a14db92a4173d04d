"""Rules across forms and across periods, configured in config/validation.yml.

GX suites check one form of one period (`expectations/`); these compare a form with another form of
the same period (`cross_form`), or each count with the same commune's value in the previous period
(`outliers`: a change of more than the threshold is a warning, as DHIS2's outlier checks do). Both
run on forms that passed their own suites, so every count is a whole number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.core import settings
from pipelines.core.errors import UsageError
from pipelines.core.text import failure
from pipelines.intake import raw
from pipelines.units import reference
from pipelines.units.period import Period, same_kind_before
from pipelines.validate import messages
from pipelines.validate.problems import SEVERITIES, Problem


def config() -> dict:
    spec = settings.load("validation.yml")
    for rule in [spec["outliers"], *spec.get("cross_form", [])]:
        if rule.get("severity", "error") not in SEVERITIES:
            raise failure(UsageError, "checks.severity", severity=rule["severity"])
    return spec


def previous_period(period: Period, data_dir: Path | str | None = None) -> Period | None:
    """The latest earlier period of the same kind (2024 → 2023; 2025-H1 → 2024-H2; 2024-Q3 → 2024-Q2).
    With `data_dir`, the latest such period whose folder is present under `raw/` (None if none)."""
    if data_dir is None:
        return period.previous
    earlier = same_kind_before(raw.periods(data_dir), period)
    return earlier[-1] if earlier else None


def previous_frames(data_dir: Path | str, period: Period) -> tuple[Period | None, dict[str, pd.DataFrame] | None]:
    """The previous period present under `data_dir/raw/` and its forms as text frames, for
    `validation.validate_period(..., previous=frames, previous_period=name)`. A form whose file is
    missing or unreadable there is left out (its counts are then not compared); (None, None) if there
    is no earlier period."""
    before = previous_period(period, data_dir)
    if before is None:
        return None, None
    frames = {}
    for name, form in raw.forms().items():
        try:
            frames[name] = raw.read_form(raw.period_dir(data_dir, before) / form.file)
        except raw.RawDataError:
            continue
    return before, frames


def comparable(previous: dict[str, pd.DataFrame], period_before: Period, period: Period, names: dict[str, str],
               lang: str = "vi") -> tuple[dict[str, pd.DataFrame], str | messages.Words]:
    """The previous period's forms on the units of `period`, and how messages name that period.

    Across the reform of 1 July 2025 the same code can name different units (a township's code can
    name, after it, the new commune that also took in its neighbours), so comparing code by
    code would warn about every merged commune. The old period is re-based onto the new communes
    (`crosswalk.rebase`, by the provinces of the communes reported) and named "2024 (số liệu quy đổi
    ...)", a part of the message written in the language shown (`lang` is unused, kept for callers).
    Only forms whose counts are all whole numbers >= 0 are re-based; a form or province that
    cannot be (unknown code, divided commune without reviewed shares) is left out: this check only
    warns, it never blocks a period."""
    if reference.list_in_force(period_before) == reference.list_in_force(period):
        return previous, period_before
    label = messages.Words.of("rebased", period=period_before, date=messages.ReformDate())
    if reference.list_in_force(period) != "2025":
        return {}, label
    from pipelines.units import crosswalk

    usable = {}
    for name, frame in previous.items():
        form = raw.forms().get(name)
        if form is None or not set(form.columns) <= set(frame.columns) or frame["commune_code"].isna().any():
            continue
        counts = frame[list(form.counts)].apply(pd.to_numeric, errors="coerce")
        if not (counts.notna() & (counts >= 0) & (counts % 1 == 0)).all().all():
            continue
        usable[name] = raw.typed(name, frame)
    table = reference.units(period)
    provinces = sorted(set(table[(table["level"] == "commune") & table["code"].isin(list(names))]["province_code"]))
    parts: dict[str, list[pd.DataFrame]] = {}
    for province in provinces:
        codes = set(crosswalk.conversion(province)["legacy_code"])
        subset = {n: f[f["commune_code"].isin(codes)] for n, f in usable.items()}
        if not any(len(f) for f in subset.values()):
            continue
        try:
            rebased = crosswalk.rebase(subset, period_before, period, province)
        except crosswalk.CrosswalkError:
            continue
        for name, frame in rebased.items():
            parts.setdefault(name, []).append(frame)
    return {n: pd.concat(f, ignore_index=True).astype("string") for n, f in parts.items()}, label


def _counts(frame: pd.DataFrame, columns) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            found = raw.whole_numbers(out[column])
            out[column] = found if found is not None else pd.to_numeric(out[column], errors="coerce")
    return out


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A count column as float64 (exact for whole numbers), NaN where it is not a number."""
    found = raw.whole_numbers(frame[column])
    found = found if found is not None else pd.to_numeric(frame[column], errors="coerce")
    return found.to_numpy(dtype="float64", na_value=np.nan)


def outliers(frames: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame], period_before: str | messages.Part,
             names: dict[str, str], lang: str, sources: dict[str, tuple[str, str | None]]) -> list[Problem]:
    """One warning per count whose change from the previous period is above the threshold, by form,
    line and column. `lang` is only the language `Problem.message` is written in. The rows of both
    periods are matched on their key at once (a lookup per row and column took minutes for the
    country); only the warnings are written one by one."""
    spec, out = config()["outliers"], []
    threshold, minimum = float(spec["threshold"]), float(spec["min_previous"])
    severity = spec.get("severity", "warning")
    for name, frame in frames.items():
        form, before = raw.forms()[name], previous.get(name)
        if before is None or not set(form.key) <= set(before.columns):
            continue
        file, sheet = sources[name]
        key, columns = list(form.key), [c for c in form.counts if c in before.columns]
        old = before[before[key].notna().all(axis=1)].drop_duplicates(key)  # a blank key matches nothing
        now = frame.reset_index(names="line").assign(_row=np.arange(len(frame)))
        now = now[now[key].notna().all(axis=1)]
        matched = now[[*key, "line", "_row"]].merge(old[key].assign(_old=np.arange(len(old))), on=key, how="inner",
                                                   validate="many_to_one")
        rows, lines, olds = (matched[c].to_numpy() for c in ("_row", "line", "_old"))
        hits = []
        for order, column in enumerate(columns):
            value, prev = _numbers(frame, column)[rows], _numbers(old, column)[olds]
            with np.errstate(divide="ignore", invalid="ignore"):
                flagged = ~np.isnan(value) & ~np.isnan(prev) & (prev >= minimum) & (np.abs(value - prev) / prev > threshold)
            hits += [(int(rows[k]), order, k, float((value[k] - prev[k]) / prev[k])) for k in np.flatnonzero(flagged)]
        for row, order, k, change in sorted(hits):
            column = columns[order]
            code = _text(frame["commune_code"].iloc[row])
            shown = _text(frame[column].iloc[row])
            out.append(Problem(file, int(lines[k]), column, code or None, names.get(code),
                               "change_from_previous_period", shown, severity, "outlier", messages.facts(
                                   value=shown, previous=_text(old[column].iloc[int(olds[k])]),
                                   change=messages.Change(change), previous_period=period_before), sheet, lang))
    return out


def cross_form(frames: dict[str, pd.DataFrame], names: dict[str, str], lang: str,
               sources: dict[str, tuple[str, str | None]]) -> list[Problem]:
    """The `cross_form` rules of config/validation.yml, on forms that are both present and valid. `lang`
    is only the language `Problem.message` is written in. Each rule compares every row at once; only
    the rows breaking it are written one by one."""
    out = []
    for rule in config().get("cross_form", []):
        other = rule["other"]
        if rule["form"] not in frames or other["form"] not in frames or rule["form"] not in sources:
            continue
        frame, file, sheet = frames[rule["form"]], *sources[rule["form"]]
        totals = _counts(frames[other["form"]], [other["column"]]).groupby("commune_code")[other["column"]].sum()
        picked = _counts(frame, [rule["column"]])
        for column, value in (rule.get("where") or {}).items():
            picked = picked[picked[column] == value]
        codes = picked["commune_code"].fillna("").astype(str).tolist()
        total = totals.reindex(codes).fillna(0).to_numpy(dtype="float64")
        value = picked[rule["column"]].to_numpy(dtype="float64", na_value=np.nan)
        fine = (value == total) | ((value <= total) if rule["compare"] == "<=" else False)
        for k in np.flatnonzero(~fine):
            line, code = picked.index[k], codes[k]
            shown = _text(frame.at[line, rule["column"]])
            out.append(Problem(file, int(line), rule["column"], code or None, names.get(code), rule["id"], shown,
                               rule.get("severity", "error"), "cross_form", messages.facts(
                                   value=shown, rule=messages.Rule.of(rule), other_column=other["column"],
                                   other_value=str(int(total[k]))), sheet, lang))
    return out
