"""SDMX-CSV import, a round trip (issue 20): the sample's 2024 district exported as SDMX-CSV with its
structure (the writer `baocao export --format sdmx-csv` uses, on processed data made without
rendering) and imported into a province deployment of Quảng Ninh that has no raw file: the district's
communes and the district itself get the figures of the district's own run, read back with pysdmx.
A file of another period, of a district outside the scope, without its structure, or contradicting
the raw files is refused in one line each (exit 2), and nothing is stored."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLE, baocao_here, build_processed, copy_sample
from pipelines import cli
from pipelines.core import datasets
from pipelines.publish.exports import rows, sdmx
from pipelines.units.period import Period
from pipelines.units.scope import Scope

COMMUNES = ["06838", "06841", "06844", "06847", "06853", "06856", "06859"]
PARTS = ["numerator", "denominator", "value", "communes_expected", "communes_included", "complete"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(the district's processed indicators, the folder holding indicators.sdmx.csv and structure.sdmx.xml)."""
    data = copy_sample(tmp_path_factory.mktemp("district"), ("2024",)) / "data"
    processed = build_processed(data, "2024")
    found = rows.load(processed, Period.parse("2024"), Scope.parse("district:198"), "internal")
    sent = tmp_path_factory.mktemp("sent")
    for name, content in sdmx.write_csv(found).items():
        (sent / name).write_bytes(content)
    return pd.read_parquet(processed / datasets.INDICATORS), sent


def _deployment(root: Path, scope: str = "province:22") -> Path:
    data = root / "data"
    assert cli.main(["init", "--scope", scope, "--data-dir", str(data), "--period", "2024"]) == 0
    return data


@pytest.fixture(scope="module")
def province(exported, tmp_path_factory):
    data = _deployment(tmp_path_factory.mktemp("province"))
    assert cli.main(["import", "--period", "2024", str(exported[1] / sdmx.DATA_CSV), "--data-dir", str(data)]) == 0
    return data, build_processed(data, "2024")


def test_the_imported_sdmx_csv_gives_the_district_figures(exported, province):
    own = exported[0].set_index(["unit_code", "indicator_id"])
    data, processed = province
    table = pd.read_parquet(processed / datasets.INDICATORS)
    assert sorted(set(table["unit_code"])) == [*COMMUNES, "198", "22"]
    mine = table[table["unit_code"] != "22"].set_index(["unit_code", "indicator_id"])
    pd.testing.assert_frame_equal(mine[PARTS], own.loc[mine.index, PARTS])
    children = table[table["indicator_id"] == "children_under_16"].set_index("unit_code")
    assert int(children.loc["22", "numerator"]) == int(children.loc["198", "numerator"]) == 9292
    assert sorted(p.name for p in (data / "packages" / "2024").iterdir()) == [
        "district-198-2024.sdmx.csv", "district-198-2024.structure.sdmx.xml"]
    assert (data / "packages" / "2024" / "district-198-2024.sdmx.csv").read_bytes() == \
        (exported[1] / sdmx.DATA_CSV).read_bytes()


def test_the_appendix_names_the_sdmx_file_with_its_date(province):
    import json

    used = json.loads((province[1] / datasets.PACKAGES).read_text(encoding="utf-8"))
    assert [(u["level"], u["code"], u["name"], u["date"], u["manifest_sha256"], u["file"]) for u in used] == [
        ("district", "198", "Huyện Bình Liêu", "2024-12-31T00:00:00Z", "", "district-198-2024.sdmx.csv")]


def _refused(capsys, data: Path, period: str, *files: Path, lang: str = "vi") -> str:
    done = baocao_here(capsys, "import", "--period", period, *files, "--data-dir", data, "--lang", lang)
    assert done.returncode == 2 and done.stdout == ""
    assert not (data / "packages").exists()
    return done.stderr


def test_another_period_and_a_unit_outside_the_scope_are_refused_in_one_line(exported, tmp_path, capsys):
    csv = exported[1] / sdmx.DATA_CSV
    assert _refused(capsys, _deployment(tmp_path / "a"), "2023", csv) == \
        "indicators.sdmx.csv: gói của kỳ 2024, không phải kỳ 2023\n"
    assert _refused(capsys, _deployment(tmp_path / "b", "province:01"), "2024", csv, lang="en") == \
        "indicators.sdmx.csv: Huyện Bình Liêu (district:198) is not within this deployment's scope province:01\n"


def test_a_file_without_its_structure_is_refused(exported, tmp_path, capsys):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy2(exported[1] / sdmx.DATA_CSV, alone / "district-198.sdmx.csv")
    assert _refused(capsys, _deployment(tmp_path), "2024", alone / "district-198.sdmx.csv") == (
        "district-198.sdmx.csv: thiếu thông điệp cấu trúc SDMX bên cạnh (structure.sdmx.xml, hoặc "
        "structure.<ngôn ngữ>.sdmx.xml của lần xuất)\n")


def test_a_file_contradicting_the_raw_files_is_refused_naming_both(exported, tmp_path, capsys):
    data = _deployment(tmp_path)
    for path in sorted((SAMPLE / "2024").iterdir()):
        shutil.copy2(path, data / "raw" / "2024" / path.name)
    sent = tmp_path / "sent"
    shutil.copytree(exported[1], sent)
    text = (sent / sdmx.DATA_CSV).read_text(encoding="utf-8")
    line = "dataflow,BAOCAO:DF_CHILDREN(1.0),I,CHILDREN_UNDER_16,06838,2024,2044.0,PERSONS,2044,"
    assert line in text
    (sent / sdmx.DATA_CSV).write_text(text.replace(line, line.replace(",2044,", ",2045,")), encoding="utf-8")
    assert _refused(capsys, data, "2024", sent / sdmx.DATA_CSV) == (
        f"indicators.sdmx.csv: số liệu của xã 06838 khác với số liệu gốc của xã trong {data / 'raw' / '2024'}\n")
    done = baocao_here(capsys, "import", "--period", "2024", exported[1] / sdmx.DATA_CSV, "--data-dir", data)
    assert done.returncode == 0  # the same figures as the raw files: accepted
