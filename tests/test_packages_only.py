"""A deployment that receives only packages (issue 20): the ministry from province packages.

The sample's 2025 data is a province (Quảng Ninh, 22) of the 34-province list. Its processed data are
made as a run makes them, stopped before rendering (`build_processed`), with the manifest a run would
publish beside them (no report: the package holds the processed data and the manifest, not the
reports), and exported as a package by the real command. A national deployment with no raw file
imports it and runs: nothing to validate (said in the run's lines), and its national, province and
commune rows are, byte for byte, those of a national deployment built from the province's raw files,
and so are its history and trends, taken from the package's history (2022-2024, re-based by its maker).
Without raw files nor package, the run stops with the message it always gave.
"""

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import baocao_here, build_processed, copy_sample
from pipelines import cli
from pipelines.core import datasets
from pipelines.core.folders import Folders
from pipelines.publish import manifest
from pipelines.units.period import Period

NATIONAL = 'default_scope:\n  legacy: "national"\n  "2025": "national"\nperiod: year\ntargets: []\n'
NAME = "province-22-2025.baocao.zip"


def _published_province(root: Path) -> Path:
    """The sample (2022-2025) with 2025 processed and a manifest, as a run of province:22 leaves
    them; returns the work folder (data/, reports/)."""
    data = copy_sample(root, ("2022", "2023", "2024", "2025")) / "data"
    processed = build_processed(data, "2025")
    period, folders = Period.parse("2025"), Folders.at(data, root / "reports")
    record = manifest.Manifest("2025", "province:22", [], {}, [("vi", "internal")], {}, "", manifest.inputs(data, period),
                               manifest.folder_hashes(processed, Folders.name_of_processed(period)), {}, 0,
                               manifest.code(), manifest.versions(), {"errors": 0, "warnings": 0},
                               started="2026-01-20T01:02:03+00:00")
    manifest.write(folders.reports_of(period), record)
    return root


def _national(data: Path) -> Path:
    (data / "baocao.yml").write_text(NATIONAL, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    work = _published_province(tmp_path_factory.mktemp("province-2025"))
    out = tmp_path_factory.mktemp("sent")
    assert cli.main(["export", "--period", "2025", "--format", "package", "--out", str(out),
                     "--data-dir", str(work / "data"), "--reports-dir", str(work / "reports")]) == 0
    return out / NAME


@pytest.fixture(scope="module")
def ministries(package, tmp_path_factory):
    """(from raw, from the package, the package run's lines): two national deployments of 2025."""
    from_raw = _national(copy_sample(tmp_path_factory.mktemp("national-raw"), ("2022", "2023", "2024", "2025")) / "data")
    from_package = tmp_path_factory.mktemp("national-package") / "data"
    assert cli.main(["init", "--scope", "national", "--period", "2025", "--data-dir", str(from_package)]) == 0
    _national(from_package)
    assert cli.main(["import", "--period", "2025", str(package), "--data-dir", str(from_package)]) == 0
    lines = []
    return build_processed(from_raw, "2025"), build_processed(from_package, "2025", say=lines.append), lines


def _bytes(frame: pd.DataFrame) -> bytes:
    stream = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(stream, index=False)
    return stream.getvalue()


@pytest.mark.slow
def test_a_national_run_from_province_packages_alone_gives_the_same_figures(ministries):
    from_raw, from_package, _ = ministries
    raw_rows = pd.read_parquet(from_raw / datasets.INDICATORS)
    package_rows = pd.read_parquet(from_package / datasets.INDICATORS)
    assert list(raw_rows.drop_duplicates(["level", "unit_code"])["level"].value_counts().sort_index().items()) == [
        ("commune", len(set(raw_rows.loc[raw_rows["level"] == "commune", "unit_code"]))), ("national", 1), ("province", 1)]
    national = package_rows[package_rows["level"] != "commune"].set_index(["unit_code", "indicator_id"])
    assert int(national.loc[("", "children_under_16"), "numerator"]) == int(national.loc[("22", "children_under_16"), "numerator"])
    assert _bytes(package_rows) == _bytes(raw_rows)  # national, province and communes: values, numerators, denominators
    used = json.loads((from_package / datasets.PACKAGES).read_text(encoding="utf-8"))
    assert [(u["level"], u["code"], u["name"], u["file"]) for u in used] == [("province", "22", "Tỉnh Quảng Ninh", NAME)]


@pytest.mark.slow
def test_history_and_trends_come_from_the_package_history(ministries):
    from_raw, from_package, _ = ministries
    for name in (datasets.HISTORY, datasets.TRENDS):
        raw_rows, package_rows = pd.read_parquet(from_raw / name), pd.read_parquet(from_package / name)
        assert _bytes(package_rows) == _bytes(raw_rows), name
    history = pd.read_parquet(from_package / datasets.HISTORY)
    assert sorted(set(zip(history["period"], history["rebased"]))) == [
        ("2022", True), ("2023", True), ("2024", True), ("2025", False)]


@pytest.mark.slow
def test_the_run_says_there_is_nothing_to_validate(ministries):
    lines = ministries[2]
    assert (f"[2/6] Kỳ 2025 không có biểu số liệu gốc của xã nào: không có gì để kiểm tra; số liệu lấy từ 1 gói đã nhập, "
            f"mỗi gói đã được nơi lập kiểm tra: {NAME}") in lines
    assert not any("Great Expectations" in line for line in lines)
    assert pd.read_parquet(ministries[1] / datasets.validation_problems("vi")).empty


def test_without_raw_files_nor_package_the_run_stops_as_ever(tmp_path, capsys):
    data = tmp_path / "data"
    assert cli.main(["init", "--scope", "national", "--period", "2025", "--data-dir", str(data)]) == 0
    _national(data)
    done = baocao_here(capsys, "run", "--period", "2025", "--data-dir", data, "--reports-dir", tmp_path / "reports")
    assert done.returncode == 2
    assert done.stderr == f"LỖI: population.csv: không tìm thấy tệp (cần {data / 'raw' / '2025' / 'population.csv'})\n"
    (data / "raw" / "2025").rmdir()
    done = baocao_here(capsys, "run", "--period", "2025", "--data-dir", data, "--reports-dir", tmp_path / "reports")
    assert done.returncode == 2
    assert done.stderr == f"LỖI: không có dữ liệu thô cho kỳ 2025: thiếu thư mục {data / 'raw' / '2025'}\n"


@pytest.mark.slow
def test_the_report_and_the_validation_page_say_nothing_was_validated(ministries):
    from pipelines.report import context, sections
    from pipelines.validate.gx_page import validation_page
    from pipelines.validate.problems import ValidationOutcome

    from_raw, from_package, _ = ministries
    quality = sections.data_quality_html(context.load("2025", "", from_package.parent.parent, processed_dir=from_package))
    assert ("<p>Không có biểu số liệu gốc của xã nào kỳ 2025 ở cấp này: số liệu lấy từ các gói của đơn vị cấp dưới "
            "(nêu trong phụ lục phương pháp), mỗi gói đã được nơi lập kiểm tra trước khi công bố; ở đây không có gì "
            "để kiểm tra.</p>") in quality
    assert "đạt mọi quy tắc" not in quality
    assert "đạt mọi quy tắc" in sections.data_quality_html(context.load("2025", "", from_raw.parent.parent,
                                                                        processed_dir=from_raw))
    page = validation_page(ValidationOutcome([], []), "2025")
    assert ("<b>Không có biểu số liệu gốc của xã nào để kiểm tra: số liệu của kỳ lấy từ các gói đã nhập, mỗi gói "
            "đã được nơi lập kiểm tra.</b>") in page
