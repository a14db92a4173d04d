"""One reporting period end to end: read, validate, compute, render, publish.

Order matters for the promise that nothing is lost: raw files are only read; validation runs on
every form before anything is computed and a blocking problem stops the run before any output is
touched; processed data and reports are built in staging folders and swapped in together at the
end, and if anything fails after the processed data was swapped in, it is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines import editions, indicators, notebooks, outputs, raw, reference, settings, trends

LEVEL_SLUG = {"commune": "xa", "district": "huyen", "province": "tinh"}
CATALOGUE_STEM = "danh-muc-chi-tieu"


class ValidationFailed(RuntimeError):
    """Blocking data problems: the run stops and nothing is published."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} lỗi dữ liệu; không công bố báo cáo")


@dataclass(frozen=True)
class Published:
    html: Path
    pdf: Path
    notebook: Path
    validation_page: Path
    indicators: Path


def default_scope(period: str) -> tuple[str, str]:
    """(level, code) of the unit reported on by default, from config/project.yml."""
    scope = settings.load("project.yml")["default_scope"].get(reference.list_in_force(period))
    if not scope:
        raise ValueError(f"chưa cấu hình đơn vị báo cáo mặc định cho kỳ {period}")
    return scope["level"], str(scope["code"])


def report_stem(period: str, level: str, code: str) -> str:
    return f"bao-cao-tre-em-{period}-{LEVEL_SLUG[level]}-{code}"


def _scope(period: str) -> tuple[str, str, pd.Series, pd.DataFrame]:
    level, code = default_scope(period)
    return level, code, reference.unit(period, code, level), reference.communes_of(period, code, level)[["code", "name"]]


def _history(data_dir: Path | str, period: str, say: Callable[[str], None]) -> list[pd.DataFrame]:
    """Indicators of every earlier period present in raw/ that passes validation, for trends."""
    from pipelines import validation

    tables = []
    for earlier in [p for p in raw.periods(data_dir) if p < period and reference.list_in_force(p) == reference.list_in_force(period)]:
        level, code, unit, communes = _scope(earlier)
        frames = raw.read_period(data_dir, earlier)
        if not validation.validate_period(frames, earlier, communes).ok:
            say(f"      kỳ {earlier}: dữ liệu có lỗi, không dùng cho xu hướng (chạy: baocao validate --period {earlier})")
            continue
        typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
        tables.append(indicators.compute(typed, earlier, communes, (level, code, str(unit["name"]))))
    return tables


def _validate(period: str, data_dir: Path | str, frames: dict, communes: pd.DataFrame, lang: str):
    """Validation of the period, with the previous period present for the outlier check."""
    from pipelines import crosscheck, validation  # imports Great Expectations (slow): only when needed

    before, previous = crosscheck.previous_frames(data_dir, period)
    return validation.validate_period(frames, period, communes, previous=previous, previous_period=before, lang=lang)


def _render(staged: Path, notebook: str, parameters: dict, stem: str, title: str) -> None:
    """Execute one notebook and keep it, its HTML and its PDF in the staged reports folder."""
    from pipelines import render

    nb = outputs.scrub_run_times(notebooks.execute(notebook, parameters))
    outputs.write_notebook(nb, staged / "notebooks" / f"{stem}.ipynb")
    html = render.notebook_to_html(nb, title=title)
    outputs.write_text(staged / f"{stem}.html", html)
    outputs.write_bytes(staged / f"{stem}.pdf", render.html_to_pdf(html))


def run_period(period: object, data_dir: Path | str = "data", reports_dir: Path | str = "reports",
               say: Callable[[str], None] = print, lang: str = "vi") -> Published:
    period = reference.normalise_period(period)
    say(f"[1/6] Đọc dữ liệu thô kỳ {period} từ {raw.period_dir(data_dir, period)}")
    frames = raw.read_period(data_dir, period)
    level, code, unit, communes = _scope(period)

    say(f"[2/6] Kiểm tra dữ liệu bằng Great Expectations ({len(frames)} biểu, {len(communes)} xã của {unit['name']})")
    outcome = _validate(period, data_dir, frames, communes, lang)
    if not outcome.ok:
        raise ValidationFailed(outcome.errors)
    for warning in outcome.warnings:
        say(f"      cảnh báo: {warning.message}")

    say(f"[3/6] Tính {len(indicators.catalogue())} chỉ tiêu cho từng xã và toàn {unit['name']}, và xu hướng các kỳ trước")
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    table = indicators.compute(typed, period, communes, (level, code, str(unit["name"])))
    history = pd.concat([*_history(data_dir, period, say), table], ignore_index=True)
    trend = trends.trend_table(history, period)
    breakdown = editions.breakdowns(typed, period, communes, (level, code, str(unit["name"])))
    public_breakdown = editions.public_edition(breakdown)

    processed = outputs.Staging(Path(data_dir) / "processed" / period)
    reports = outputs.Staging(Path(reports_dir) / period)
    stem = report_stem(period, level, code)
    from pipelines import validation

    try:
        staged_data = processed.open()
        outputs.write_parquet(table, staged_data / "indicators.parquet")
        outputs.write_parquet(history, staged_data / "history.parquet")
        outputs.write_parquet(trend, staged_data / "trends.parquet")
        outputs.write_parquet(breakdown, staged_data / "breakdowns.parquet")
        outputs.write_parquet(validation.problems_frame(outcome), staged_data / "validation-problems.parquet")
        # public edition: small sensitive counts suppressed; indicators and trends hold no such counts
        outputs.write_parquet(table, staged_data / "public" / "indicators.parquet")
        outputs.write_parquet(trend, staged_data / "public" / "trends.parquet")
        outputs.write_parquet(public_breakdown, staged_data / "public" / "breakdowns.parquet")
        staged = reports.open()
        outputs.write_text(staged / "validation.html", validation.validation_page(outcome, period))
        outputs.write_text(staged / "validation-problems.csv", "\ufeff" + validation.problems_csv(outcome))
        processed.swap_in()  # the notebooks read processed data through pipelines, like an analyst would

        say(f"[4/6] Chạy notebook báo cáo bằng papermill (đơn vị {code}) và xuất HTML (nbconvert), PDF (WeasyPrint)")
        _render(staged, settings.load("project.yml")["report"]["notebook"],
                {"period": period, "unit": code, "data_dir": str(data_dir)}, stem,
                f"Báo cáo trẻ em năm {period} – {unit['name']}")
        say("[5/6] Danh mục chỉ tiêu: định nghĩa, công thức, mục tiêu, nguồn")
        _render(staged, settings.load("project.yml")["report"]["catalogue_notebook"], {"period": period},
                CATALOGUE_STEM, f"Danh mục chỉ tiêu – kỳ {period}")

        say(f"[6/6] Công bố vào {reports.final} và {processed.final}")
        reports.publish()
        processed.commit()
    except BaseException:
        processed.rollback()
        reports.discard()
        raise
    final = reports.final
    return Published(final / f"{stem}.html", final / f"{stem}.pdf", final / "notebooks" / f"{stem}.ipynb",
                     final / "validation.html", processed.final / "indicators.parquet")


def validate_only(period: object, data_dir: Path | str = "data", reports_dir: Path | str = "reports",
                  say: Callable[[str], None] = print, lang: str = "vi"):
    """`baocao validate`: the validation step alone; publishes nothing."""
    period = reference.normalise_period(period)
    say(f"Kiểm tra dữ liệu thô kỳ {period} từ {raw.period_dir(data_dir, period)}")
    return _validate(period, data_dir, raw.read_period(data_dir, period), _scope(period)[3], lang)
