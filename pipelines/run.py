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

from pipelines import indicators, notebooks, outputs, raw, reference, settings

LEVEL_SLUG = {"commune": "xa", "district": "huyen", "province": "tinh"}


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


def run_period(period: object, data_dir: Path | str = "data", reports_dir: Path | str = "reports",
               say: Callable[[str], None] = print, lang: str = "vi") -> Published:
    period = reference.normalise_period(period)
    say(f"[1/6] Đọc dữ liệu thô kỳ {period} từ {raw.period_dir(data_dir, period)}")
    frames = raw.read_period(data_dir, period)
    level, code = default_scope(period)
    unit = reference.unit(period, code, level)
    communes = reference.communes_of(period, code, level)[["code", "name"]]

    say(f"[2/6] Kiểm tra dữ liệu bằng Great Expectations ({len(frames)} biểu, {len(communes)} xã của {unit['name']})")
    from pipelines import validation  # imports Great Expectations (slow): only when a run needs it
    outcome = validation.validate_period(frames, period, communes)
    if not outcome.ok:
        raise ValidationFailed(outcome.problems)

    say(f"[3/6] Tính {len(indicators.catalogue())} chỉ tiêu cho từng xã và toàn {unit['name']}")
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    table = indicators.compute(typed, period, communes, (level, code, str(unit["name"])))

    processed = outputs.Staging(Path(data_dir) / "processed" / period)
    reports = outputs.Staging(Path(reports_dir) / period)
    stem = report_stem(period, level, code)
    try:
        outputs.write_parquet(table, processed.open() / "indicators.parquet")
        staged = reports.open()
        outputs.write_text(staged / "validation.html", validation.validation_page(outcome, period))
        processed.swap_in()  # the notebook reads processed data through pipelines, like an analyst would

        say(f"[4/6] Chạy notebook báo cáo bằng papermill (đơn vị {code})")
        from pipelines import render
        nb = outputs.scrub_run_times(notebooks.execute(settings.load("project.yml")["report"]["notebook"],
                                                       {"period": period, "unit": code, "data_dir": str(data_dir)}))
        outputs.write_notebook(nb, staged / "notebooks" / f"{stem}.ipynb")

        say("[5/6] Xuất HTML (nbconvert) và PDF (WeasyPrint)")
        html = render.notebook_to_html(nb, title=f"Báo cáo trẻ em năm {period} – {unit['name']}")
        outputs.write_text(staged / f"{stem}.html", html)
        outputs.write_bytes(staged / f"{stem}.pdf", render.html_to_pdf(html))

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
    frames = raw.read_period(data_dir, period)
    level, code = default_scope(period)
    communes = reference.communes_of(period, code, level)[["code", "name"]]
    from pipelines import validation

    return validation.validate_period(frames, period, communes)
