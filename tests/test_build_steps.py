"""The build's seam before rendering and the language of its steps: `build(..., render=False)`
stages the processed data and the validation page of a period and renders nothing; its steps are
printed in the request's language (`baocao run --lang en`)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from conftest import copy_sample
from pipelines.core import datasets
from pipelines.publish import build, run
from pipelines.units.period import Period
from pipelines.units.scope import Scope


def _staged(tmp_path, lang):
    work = copy_sample(tmp_path, periods=("2023", "2024"))
    req = run.request(Period.parse("2024"), work / "data", work / "reports", lang, Scope("district", "198"),
                      ("vi",), ("internal",))
    said = []
    built = build.build(dataclasses.replace(req, fresh=True), said.append, render=False)
    return work, built, said


def test_a_build_stopped_before_rendering_stages_the_processed_data_and_the_validation_page_only(tmp_path):
    work, built, said = _staged(tmp_path, "vi")
    assert built.manifest is None and built.processed == (work / "data" / "processed" / ".staging-2024").resolve()
    assert sorted(p.relative_to(built.processed).as_posix() for p in built.processed.rglob("*.parquet")) == sorted([
        datasets.BREAKDOWNS, datasets.CORRECTIONS, datasets.HISTORY, datasets.INDICATORS, datasets.TRENDS,
        "validation-problems.parquet", f"public/{datasets.BREAKDOWNS}", f"public/{datasets.INDICATORS}",
        f"public/{datasets.TRENDS}"])
    assert sorted(p.name for p in built.reports.iterdir()) == ["status.html", "validation-problems.csv", "validation.html"]
    history = pd.read_parquet(built.processed / datasets.HISTORY)
    assert sorted(history["period"].unique()) == ["2023", "2024"]
    assert [line[:5] for line in said] == ["[1/6]", "[2/6]", "[3/6]"]
    assert said[1] == "[2/6] Kiểm tra dữ liệu bằng Great Expectations (7 biểu, 7 đơn vị hành chính cấp xã của Huyện Bình Liêu)"
    assert not (work / "data" / "processed" / "2024").exists() and not (work / "reports" / "2024").exists()
    build.discard(built.moves)
    assert not built.processed.exists() and not built.reports.exists()


def test_the_steps_are_printed_in_the_language_of_the_request(tmp_path):
    work, built, said = _staged(tmp_path, "en")
    assert said[0] == f"[1/6] Reading the raw data of 2024 from {(work / 'data' / 'raw' / '2024').resolve()}"
    assert said[1] == "[2/6] Validating the data with Great Expectations (7 forms, 7 commune-level units of Huyện Bình Liêu)"
    assert said[2].startswith("[3/6] Computing ") and said[2].endswith(
        " indicators for each commune-level unit and Huyện Bình Liêu, and the trends on earlier periods")


def test_where_reports_are_rendered_is_said_in_the_language_of_the_request():
    from pipelines.publish import fanout

    assert build.where_rendered(fanout.Pool(), 9, "en") == "1 process"  # a small run: the run's own process
    assert build.where_rendered(fanout.Pool(jobs=2), 9, "en") == "2 processes"
    assert build.where_rendered(fanout.Pool(jobs=2), 9, "vi") == "2 tiến trình"
    assert build.where_rendered(fanout.Pool(scheduler="tcp://127.0.0.1:8786"), 9, "en") == "tcp://127.0.0.1:8786"


def test_a_manifest_is_written_and_read_back_in_one_place(tmp_path):
    from pipelines.core.folders import Folders
    from pipelines.publish import manifest

    folders = Folders.at(tmp_path / "data", tmp_path / "reports")
    record = manifest.Manifest("2024", "district:198", ["a"], {}, [("vi", "internal")], {"number": "12"}, "k" * 64,
                               {"raw/2024/population.csv": "1" * 64}, {"reports/2024/a.pdf": "2" * 64},
                               {"a": manifest.ReportEntry("r" * 64, ["reports/2024/a.pdf"])}, 0, {"fingerprint": "f"},
                               {"python": "3.11"}, {"errors": 0, "warnings": 1}, "2025-01-05T00:00:00+00:00",
                               {"read": 1.0}, manifest.LOG)
    manifest.write(folders.reports_of(Period.parse("2024")), record)
    assert manifest.read(folders, Period.parse("2024")) == record
    written = (tmp_path / "reports" / "2024" / "manifest.json").read_text(encoding="utf-8")
    assert written.startswith('{\n "code": {\n  "fingerprint": "f"\n },\n "exports": [],\n "failed": {},\n "inputs": {')
    assert manifest.read(folders, Period.parse("2023")) is None


def test_the_public_manifest_holds_the_public_files_only_and_verify_compares_it(tmp_path):
    """The internal manifest lists the raw and processed hashes (which a reader could test guesses
    against) and every file of both trees; the public one, the public files only."""
    import json

    from pipelines.core.folders import Folders
    from pipelines.publish import manifest, public

    folders = Folders.at(tmp_path / "data", tmp_path / "reports", tmp_path / "www")
    outputs = {"processed/2024/breakdowns.parquet": "1" * 64, "reports/2024/a.pdf": "2" * 64,
               "public/2024/a-cong-khai.pdf": "3" * 64, "public/2024/a-cong-khai.html": "4" * 64}
    record = manifest.Manifest("2024", "district:198", ["a", "a-cong-khai"], {}, [("vi", "internal"), ("vi", "public")],
                               {}, "k" * 64, {"raw/2024/population.csv": "5" * 64}, outputs, {}, 0,
                               {"fingerprint": "f", "git_commit": "c" * 40, "git_dirty": False}, {"python": "3.11"},
                               {"errors": 0, "warnings": 1})
    folder = folders.public_of(Period.parse("2024"))
    folder.mkdir(parents=True)
    public.write(folder, record)
    written = (folder / "manifest.json").read_text(encoding="utf-8")
    assert json.loads(written) == {
        "period": "2024", "scope": "district:198", "code": {"fingerprint": "f", "git_commit": "c" * 40, "git_dirty": False},
        "files": {"public/2024/a-cong-khai.html": "4" * 64, "public/2024/a-cong-khai.pdf": "3" * 64}}
    for digest in ("1" * 64, "2" * 64, "5" * 64):
        assert digest not in written
    assert public.check(folders, record) == []
    edited = json.loads(written)
    edited["files"]["public/2024/a-cong-khai.pdf"], edited["scope"] = "6" * 64, "district:199"
    (folder / "manifest.json").write_text(json.dumps(edited), encoding="utf-8")
    path = folder / "manifest.json"
    assert public.check(folders, record) == [
        f"{path}: mục scope khác manifest nội bộ",
        f"{path}: public/2024/a-cong-khai.pdf: khác (SHA-256 666666666666…, manifest ghi 333333333333…)"]
    path.unlink()
    assert public.check(folders, record, "en") == [f"{path}: missing (the public tree's manifest)"]
