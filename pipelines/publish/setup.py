"""`baocao init`: start a new deployment for any commune, district or province.

A deployment is a data folder with its settings file (`baocao.yml`, pipelines.core.deployment) and
one folder per reporting period under `raw/`. `init` checks the scope against the reference list
in force for the first period (so a mistyped code is caught before any data is collected), writes
the settings with that scope as the default, creates the empty period folder, and says what to run
next. It never overwrites: an existing settings file is refused with its path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines.core import deployment, formats
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope, national_name
from pipelines.core import errors


class InitRefused(errors.UsageError):
    """Nothing was written; the message says why."""


def init(scope: Scope, data_dir: Path | str, period: Period | None = None) -> list[str]:
    """Write `<data_dir>/baocao.yml` and `<data_dir>/raw/<period>/`; return what to tell the user."""
    period = period or Period(dt.date.today().year)
    data_dir = Path(data_dir)
    settings_file = data_dir / deployment.FILE
    if settings_file.exists():
        raise InitRefused(f"{settings_file} đã có; không ghi đè (sửa trực tiếp tệp này nếu cần)")
    if scope.level == "district" and period.unit_list != "legacy":
        raise InitRefused(f"kỳ {period}: cấp huyện không còn từ 01/07/2025; dùng province:<mã tỉnh> hoặc commune:<mã xã>")
    if scope.level == NATIONAL:  # the whole country: every commune of the list in force
        name, units = national_name(), reference.units(period)
        communes = units[units["level"] == "commune"]
    else:
        name = reference.unit(period, scope.code, scope.level)["name"]  # UnknownUnit names the code and the period
        communes = reference.communes_of(period, scope.code, scope.level)
    folder = data_dir / "raw" / str(period)
    folder.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(deployment.new_settings(str(scope), period.unit_list, str(name)), encoding="utf-8")
    first = communes["code"].iloc[0]
    return [f"Đã tạo {settings_file} cho {name} ({scope}), {formats.number(len(communes))} xã",
            f"Đã tạo thư mục {folder}",
            f"Tiếp theo: baocao template --period {period} --unit {first} (biểu mẫu cho từng xã), "
            f"baocao ingest --period {period} --data-dir {data_dir} <tệp>, rồi baocao run --period {period} --data-dir {data_dir}"]
