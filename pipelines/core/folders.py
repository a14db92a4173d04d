"""The folders of a deployment, resolved and checked once, before anything runs.

A run only reads `<data>/raw/`, replaces folders under `<data>/processed/` and under the reports
folder. Pointed at each other by a typo (`--reports-dir data/raw`), or through a symbolic link, a
run would replace raw files with reports. So the three are resolved (symbolic links followed) and
none may be, or be inside, another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.core import errors


class FolderError(errors.UsageError):
    """Folders that would let one part of a run overwrite another's files."""


WHAT = {"raw": "dữ liệu thô", "processed": "dữ liệu đã xử lý", "reports": "báo cáo"}


@dataclass(frozen=True)
class Folders:
    data: Path       # holds baocao.yml, raw/ and processed/
    reports: Path | None  # None for a command that publishes nothing (ingest)

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @classmethod
    def checked(cls, data_dir: Path | str, reports_dir: Path | str | None = None) -> "Folders":
        """Resolved folders, or FolderError naming the two that overlap and the option to change."""
        data = Path(data_dir).expanduser().resolve()
        if not data.is_dir():
            raise FolderError(f"--data-dir {data_dir}: không có thư mục này ({data}); kiểm tra lại đường dẫn, "
                              "hoặc tạo nơi triển khai mới bằng baocao init")
        if reports_dir is None:
            return cls(data, None)
        folders = cls(data, Path(reports_dir).expanduser().resolve())
        places = {"reports": folders.reports, "raw": folders.raw.resolve(), "processed": folders.processed.resolve()}
        for name, place in places.items():
            for other, other_place in places.items():
                if name != other and (place == other_place or other_place in place.parents):
                    where = "là" if place == other_place else "nằm trong"
                    raise FolderError(
                        f"thư mục {WHAT[name]} {place} {where} thư mục {WHAT[other]} {other_place}: "
                        f"một lần chạy sẽ ghi đè lên tệp của nhau. Chọn --reports-dir ngoài {folders.data}/raw "
                        f"và {folders.data}/processed (mặc định: reports)")
        return folders
