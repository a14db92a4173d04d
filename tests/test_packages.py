"""Packages for the level above (issue 20, item 3): `baocao export --format package` and `baocao import`.

The sample's 2024 district, published by the shared run `published`, is exported as a package (twice:
the two files are byte-identical) and imported into a province deployment of Quảng Ninh whose raw files
hold another district, Ba Chẽ (synthetic, `baocao sample`). That province's processed data must
be, byte for byte, those of the same province deployment holding the sample's raw files instead of the
package, plus the district's own row, equal in its parts to the district's own run. A package changed
by one byte, a package of a district outside the deployment's scope, and a package whose figures
contradict another package or the raw files are refused with one line each. Both province builds stop
before rendering (`build_processed`), in this process.
"""

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import REPO, SAMPLE, baocao_here, build_processed
from pipelines import cli
from pipelines.core import datasets
from pipelines.publish import package as package_module
from pipelines.publish.sample import make_sample
from pipelines.units.period import Period
from pipelines.units.scope import Scope

NAME = "district-198-2024.baocao.zip"
SAMPLE_COMMUNES = ["06838", "06841", "06844", "06847", "06853", "06856", "06859"]


@pytest.fixture(scope="module")
def exported(published, tmp_path_factory):
    """The package of the published 2024 district run, exported twice into two folders."""
    work = published[0]
    made = []
    for folder in ("one", "two"):
        out = tmp_path_factory.mktemp(f"package-{folder}")
        status = cli.main(["export", "--period", "2024", "--format", "package", "--out", str(out),
                           "--data-dir", str(work / "data"), "--reports-dir", str(work / "reports")])
        assert status == 0
        made.append(out / NAME)
    return made


def _province(root: Path, with_sample_raw: bool) -> Path:
    """A province deployment (province:22) with synthetic raw files of 2024 for Ba Chẽ (`baocao sample`,
seed 1), and the sample's too if asked."""
    data = root / "data"
    assert cli.main(["init", "--scope", "province:22", "--data-dir", str(data), "--period", "2024"]) == 0
    settings = yaml.safe_load((data / "baocao.yml").read_text(encoding="utf-8"))
    settings["commune_reports"] = {key: False for key in settings["commune_reports"]}
    (data / "baocao.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    other = root / "ba-che" / "data"
    list(make_sample(Scope.parse("district:202"), Period.parse("2024"), other, seed=1))
    for path in sorted((other / "raw" / "2024").iterdir()):
        content = path.read_bytes()
        if with_sample_raw:  # the sample's rows after Ba Chẽ's, one header
            content = content.rstrip(b"\n") + b"\n" + (SAMPLE / "2024" / path.name).read_bytes().split(b"\n", 1)[1]
        (data / "raw" / "2024" / path.name).write_bytes(content)
    return data


@pytest.fixture(scope="module")
def provinces(exported, tmp_path_factory):
    """(from raw, from package): the processed data of the two province deployments."""
    from_raw = _province(tmp_path_factory.mktemp("province-raw"), with_sample_raw=True)
    from_package = _province(tmp_path_factory.mktemp("province-package"), with_sample_raw=False)
    assert cli.main(["import", "--period", "2024", str(exported[0]), "--data-dir", str(from_package)]) == 0
    return build_processed(from_raw, "2024"), build_processed(from_package, "2024")


def test_two_exports_of_one_run_are_byte_identical(exported):
    one, two = exported
    assert one.read_bytes() == two.read_bytes()
    digest = hashlib.sha256(one.read_bytes()).hexdigest()
    assert (one.parent / (NAME + ".sha256")).read_text(encoding="utf-8") == f"{digest}  {NAME}\n"


def test_the_package_lists_its_members_scope_period_list_and_manifest(exported, published):
    work = published[0]
    with zipfile.ZipFile(exported[0]) as archive:
        infos = archive.infolist()
        meta = json.loads(archive.read("package.json"))
        assert [info.filename for info in infos] == sorted(info.filename for info in infos)
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        for name, digest in meta["members"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    manifest = (work / "reports" / "2024" / "manifest.json").read_bytes()
    assert meta["unit"] == {"level": "district", "code": "198", "name": "Huyện Bình Liêu"}
    assert (meta["period"], meta["unit_list"], meta["communes"]) == ("2024", "legacy", SAMPLE_COMMUNES)
    assert meta["manifest"] == {"sha256": hashlib.sha256(manifest).hexdigest(),
                                "date": json.loads(manifest)["started"]}
    processed = work / "data" / "processed" / "2024"
    assert set(meta["members"]) == {"manifest.json", "sdmx/indicators.sdmx.csv", "sdmx/structure.sdmx.xml",
                                    *(f"processed/{p.relative_to(processed).as_posix()}"
                                      for p in processed.rglob("*") if p.is_file())}


def test_the_package_carries_the_sdmx_csv_export_of_the_same_figures(exported, published, tmp_path):
    work = published[0]
    assert cli.main(["export", "--period", "2024", "--format", "sdmx-csv", "--out", str(tmp_path),
                     "--data-dir", str(work / "data"), "--reports-dir", str(work / "reports")]) == 0
    with zipfile.ZipFile(exported[0]) as archive:
        for name in ("indicators.sdmx.csv", "structure.sdmx.xml"):
            assert archive.read(f"sdmx/{name}") == (tmp_path / name).read_bytes()


def test_a_package_is_never_public(published, capsys):
    work = published[0]
    done = baocao_here(capsys, "export", "--period", "2024", "--format", "package", "--edition", "public",
                       "--data-dir", work / "data", "--reports-dir", work / "reports")
    assert done.returncode == 3
    assert done.stderr == ("LỖI: gói chứa số liệu nội bộ đã xử lý, không bao giờ công khai: "
                           "bỏ --edition public\n")


@pytest.mark.slow
def test_a_province_from_the_package_has_the_rows_of_one_from_the_raw_files(provinces, published):
    from_raw, from_package = provinces
    raw_rows = pd.read_parquet(from_raw / datasets.INDICATORS)
    package_rows = pd.read_parquet(from_package / datasets.INDICATORS)
    district = package_rows["level"] == "district"
    assert set(package_rows.loc[district, "unit_code"]) == {"198"}
    assert set(raw_rows["unit_code"]) >= set(SAMPLE_COMMUNES) | {"22"}

    def as_bytes(frame):
        stream = io.BytesIO()
        frame.reset_index(drop=True).to_parquet(stream, index=False)
        return stream.getvalue()

    assert as_bytes(package_rows[~district]) == as_bytes(raw_rows)  # every commune and the province, byte for byte
    mine = package_rows[district].set_index("indicator_id")
    own = pd.read_parquet(published[0] / "data" / "processed" / "2024" / datasets.INDICATORS)
    own = own[own["level"] == "district"].set_index("indicator_id")
    parts = ["numerator", "denominator", "value", "communes_expected", "communes_included", "complete"]
    pd.testing.assert_frame_equal(mine[parts], own.loc[mine.index, parts])
    used = json.loads((from_package / datasets.PACKAGES).read_text(encoding="utf-8"))
    manifest = (published[0] / "reports" / "2024" / "manifest.json").read_bytes()
    assert [(u["level"], u["code"], u["name"], u["manifest_sha256"]) for u in used] == [
        ("district", "198", "Huyện Bình Liêu", hashlib.sha256(manifest).hexdigest())]
    assert not (from_raw / datasets.PACKAGES).exists()
    public = json.loads((from_package / datasets.PUBLIC / datasets.PACKAGES).read_text(encoding="utf-8"))
    assert public == [{"level": "district", "code": "198", "name": "Huyện Bình Liêu", "date": used[0]["date"]}]


@pytest.mark.slow
def test_the_appendix_names_each_package_and_the_public_one_no_hash(provinces, published):
    from pipelines.report import context, sections

    data = provinces[1].parent.parent
    digest = hashlib.sha256((published[0] / "reports" / "2024" / "manifest.json").read_bytes()).hexdigest()
    day = json.loads((published[0] / "reports" / "2024" / "manifest.json").read_text())["started"][:10]
    internal = sections.methodology_html(context.load("2024", "", data, processed_dir=provinces[1]))
    public = sections.methodology_html(context.load("2024", "", data, edition="public", processed_dir=provinces[1]))
    assert f"Huyện Bình Liêu (district:198): công bố ngày {day}; SHA-256 manifest của nơi lập" in internal
    assert digest in internal
    assert f"Huyện Bình Liêu (district:198): công bố ngày {day}</li>" in public and digest not in public


def _copy(package: Path, folder: Path, name: str = NAME) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(package, folder / name)
    (folder / (name + ".sha256")).write_text(f"{hashlib.sha256(package.read_bytes()).hexdigest()}  {name}\n")
    return folder / name


def _deployment(root: Path, scope: str) -> Path:
    data = root / "data"
    assert cli.main(["init", "--scope", scope, "--data-dir", str(data), "--period", "2024"]) == 0
    return data


def test_a_package_changed_by_one_byte_is_refused_in_one_line(exported, tmp_path, capsys):
    package = _copy(exported[0], tmp_path / "sent")
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    package.write_bytes(bytes(data))
    told = hashlib.sha256(exported[0].read_bytes()).hexdigest()
    found = hashlib.sha256(bytes(data)).hexdigest()
    done = baocao_here(capsys, "import", "--period", "2024", package, "--data-dir", _deployment(tmp_path, "province:22"))
    assert done.returncode == 2
    assert done.stderr == (f"{NAME}: SHA-256 của gói ({found[:12]}…) khác SHA-256 ghi trong {NAME}.sha256 "
                           f"({told[:12]}…): gói đã bị thay đổi hoặc hỏng\n")
    assert not (tmp_path / "data" / "packages").exists()


def test_a_district_outside_the_scope_is_refused_in_one_line(exported, tmp_path, capsys):
    done = baocao_here(capsys, "import", "--period", "2024", exported[0], "--data-dir", _deployment(tmp_path, "province:01"),
                       "--lang", "en")
    assert done.returncode == 2
    assert done.stderr == f"{NAME}: Huyện Bình Liêu (district:198) is not within this deployment's scope province:01\n"


def _altered(package: Path, folder: Path, name: str) -> Path:
    """A package of the same district whose first commune has one more child under 16."""
    with zipfile.ZipFile(package) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    meta = json.loads(members.pop("package.json"))
    table = pd.read_parquet(io.BytesIO(members["processed/indicators.parquet"]))
    first = (table["unit_code"] == "06838") & (table["indicator_id"] == "children_under_16")
    table.loc[first, "numerator"] += 1
    stream = io.BytesIO()
    table.to_parquet(stream, index=False)
    members["processed/indicators.parquet"] = stream.getvalue()
    meta["members"] = {key: hashlib.sha256(value).hexdigest() for key, value in sorted(members.items())}
    members["package.json"] = json.dumps(meta).encode()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(package_module._zip(members))
    (folder / (name + ".sha256")).write_text(hashlib.sha256(path.read_bytes()).hexdigest() + f"  {name}\n")
    return path


def test_a_package_that_contradicts_one_already_there_is_refused_naming_both(exported, tmp_path, capsys):
    data = _deployment(tmp_path, "province:22")
    assert baocao_here(capsys, "import", "--period", "2024", exported[0], "--data-dir", data).returncode == 0
    other = _altered(exported[0], tmp_path / "sent", "district-198-2024-lan-2.baocao.zip")
    done = baocao_here(capsys, "import", "--period", "2024", other, "--data-dir", data)
    assert done.returncode == 2
    assert done.stderr == (f"district-198-2024-lan-2.baocao.zip: số liệu của xã 06838 khác với gói đã có {NAME} "
                           "(gói đã sửa của cùng đơn vị: nhập lại với --replace)\n")
    assert sorted(p.name for p in (data / "packages" / "2024").iterdir()) == [NAME, NAME + ".sha256"]


def test_a_corrected_package_of_the_same_unit_replaces_the_stored_one_when_asked(exported, tmp_path, capsys):
    data = _deployment(tmp_path, "province:22")
    assert baocao_here(capsys, "import", "--period", "2024", exported[0], "--data-dir", data).returncode == 0
    other = _altered(exported[0], tmp_path / "sent", "district-198-2024-lan-2.baocao.zip")
    done = baocao_here(capsys, "import", "--period", "2024", other, "--replace", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    stored = data / "packages" / "2024"
    assert sorted(p.name for p in stored.iterdir()) == ["district-198-2024-lan-2.baocao.zip",
                                                        "district-198-2024-lan-2.baocao.zip.sha256"]
    assert (stored / "district-198-2024-lan-2.baocao.zip").read_bytes() == other.read_bytes()


def test_a_package_that_contradicts_the_raw_files_is_refused_naming_both(exported, tmp_path, capsys):
    data = _deployment(tmp_path, "province:22")
    for path in sorted((SAMPLE / "2024").iterdir()):
        shutil.copy2(path, data / "raw" / "2024" / path.name)
    other = _altered(exported[0], tmp_path / "sent", NAME)
    done = baocao_here(capsys, "import", "--period", "2024", other, "--data-dir", data)
    assert done.returncode == 2
    assert done.stderr == f"{NAME}: số liệu của xã 06838 khác với số liệu gốc của xã trong {data / 'raw' / '2024'}\n"
    assert baocao_here(capsys, "import", "--period", "2024", exported[0], "--data-dir", data).returncode == 0  # the same figures
