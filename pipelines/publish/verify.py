"""`baocao verify` and `baocao approve`: proof that a published document is what its inputs give.

`verify` checks two things against the published manifest: that every published file still has
the hash the manifest lists (nobody edited a PDF after the run), and that building the period
again from the raw files, with the code installed now, gives the same bytes; it builds into the
run's staging places and throws the build away, so nothing published is touched. `approve`
records the hash of the document a leader signed, in `<data>/approvals/<period>.jsonl`
(append-only, beside the data: a later run replaces the reports folder, never this record);
`verify` then also says whether each signed document is still the one published.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Callable

from pipelines.core.folders import Folders
from pipelines.publish import build, manifest
from pipelines.units.period import Period
from pipelines.units.scope import Scope
from pipelines.core import errors


class NotVerifiable(errors.UsageError):
    """No manifest to verify against, or a document that is not a published output."""


def approvals_path(data_dir: Path, period: Period) -> Path:
    return data_dir / "approvals" / f"{period}.jsonl"


def _record(folders: Folders, period: Period) -> dict:
    record = manifest.read(folders.reports, period)
    if record is None:
        raise NotVerifiable(f"kỳ {period} chưa có {folders.reports / str(period) / manifest.NAME}: "
                            f"chạy baocao run --period {period} trước")
    return record


def published_hashes(folders: Folders, period: Period) -> dict[str, str]:
    """{name: hash} of what is published now, named as in the manifest."""
    found = {}
    if (folders.processed / str(period)).is_dir():
        found.update(manifest.folder_hashes(folders.processed / str(period), f"processed/{period}"))
    if (folders.reports / str(period)).is_dir():
        found.update(manifest.folder_hashes(folders.reports / str(period), f"reports/{period}",
                                            skip=(manifest.NAME, manifest.LOG)))
    return found


def verify(period: Period, data_dir: Path | str, reports_dir: Path | str, say: Callable[[str], None] = print,
           lang: str = "vi", rebuild: bool = True) -> bool:
    """True when the published files, a fresh build (unless not `rebuild`: a quick daily check)
    and every approval agree with the manifest."""
    folders = Folders.checked(data_dir, reports_dir)
    record = _record(folders, period)
    expected = record["outputs"]
    changed = manifest.differences(expected, published_hashes(folders, period))
    say(f"[1/3] Tệp đã công bố so với manifest: {len(expected) - len(changed)}/{len(expected)} tệp khớp")
    for line in changed:
        say(f"      đã công bố {line}")

    missing = record.get("failed", {})
    for stem, reason in missing.items():  # published with --publish-partial: the period is not whole
        say(f"      THIẾU {stem}: không làm được khi chạy ({reason})")
    rebuilt = _rebuild(folders, period, record, say, lang) if rebuild else []
    approvals = read_approvals(folders.data, period)
    say(f"[3/3] Văn bản đã ký duyệt: {len(approvals)}")
    stale = 0
    for entry in approvals:
        path = manifest.path_of(entry["file"], folders.data, folders.reports)
        same = path.is_file() and manifest.sha256(path) == entry["sha256"]
        stale += not same
        say(f"      {entry['file']} (ký duyệt bởi {entry['by']}, {entry['at']}): "
            + ("đúng bản đang công bố" if same else "ĐÃ THAY ĐỔI hoặc không còn: không phải bản đã ký"))
    return not changed and not rebuilt and not stale and not missing


def _rebuild(folders: Folders, period: Period, record: dict, say: Callable[[str], None], lang: str) -> list[str]:
    """Build the period again into the staging places, compare, throw the build away."""
    expected = record["outputs"]
    say(f"[2/3] Làm lại kỳ {period} từ dữ liệu thô (không công bố) và so từng tệp")
    inputs_now = manifest.inputs(folders.data, period)
    for line in manifest.differences(record["inputs"], inputs_now):
        say(f"      đầu vào {line}")
    if record["code"]["fingerprint"] != manifest.code()["fingerprint"]:
        say(f"      mã nguồn khác lần chạy (commit lúc chạy: {record['code']['git_commit'] or 'không rõ'})")
    req = build.Request(period, folders, Scope.parse(record["scope"]), [tuple(v) for v in record["variants"]],
                        record["parameters"], lang, fresh=True, publish_partial=bool(record.get("failed")))
    built = build.build(req, lambda line: say("      " + line), inputs=inputs_now)
    try:
        rebuilt = manifest.differences(expected, built.record["outputs"])
    finally:
        build.discard(built.moves)
    say(f"      làm lại: {len(expected) - len(rebuilt)}/{len(expected)} tệp khớp")
    for line in rebuilt:
        say(f"      làm lại {line}")
    return rebuilt


def read_approvals(data_dir: Path, period: Period) -> list[dict]:
    path = approvals_path(data_dir, period)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def approve(period: Period, document: Path | str, by: str, data_dir: Path | str, reports_dir: Path | str) -> str:
    """Record that `by` signed `document` (a published file of `period`) as it is now."""
    folders = Folders.checked(data_dir, reports_dir)
    record = _record(folders, period)
    path = Path(document).expanduser().resolve()
    folder = folders.reports / str(period)
    name = f"reports/{period}/{path.relative_to(folder).as_posix()}" if folder in path.parents else None
    if name is None or name not in record["outputs"]:
        raise NotVerifiable(f"{document}: không phải một tệp đã công bố của kỳ {period} (trong {folder})")
    digest = manifest.sha256(path)
    if digest != record["outputs"][name]:
        raise NotVerifiable(f"{document}: đã khác bản công bố (SHA-256 không khớp manifest); chạy baocao verify")
    if not by.strip():
        raise NotVerifiable("--by: cần tên người ký duyệt")
    entry = {"file": name, "sha256": digest, "by": by.strip(), "run_key": record["key"],
             "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    target = approvals_path(folders.data, period)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return f"Đã ghi: {name} (SHA-256 {digest[:12]}…) ký duyệt bởi {entry['by']} vào {target}"
