"""A folder without settings (issue 19, item 5): `validate` and `run` infer the scope from the
communes of the period's data when they all belong to one unit of the list in force, say so and
print the `init` command that records it, with the real folder; otherwise they name the exact
`--scope` choices, in levels of the period's own list (no district after 1 July 2025)."""

import shlex
import shutil

import pytest
import yaml

from conftest import SAMPLE, baocao_here
from pipelines.publish import run
from pipelines.units.period import Period
from pipelines.units.scope import Scope


def _folder(tmp_path, *periods):
    """The sample's raw data of `periods` in a folder whose name needs quoting in a shell, no baocao.yml."""
    data = tmp_path / "số liệu huyện"
    for period in periods:
        shutil.copytree(SAMPLE / period, data / "raw" / period)
    return data


def _add_rows(data, period, rows):
    """Rows of other communes appended to the period's population form (the roll of communes)."""
    path = data / "raw" / period / "population.csv"
    path.write_text(path.read_text(encoding="utf-8") + "".join(row + "\n" for row in rows), encoding="utf-8")


def test_validate_infers_the_district_of_the_2024_data_and_prints_the_init_command(tmp_path, capsys):
    data = _folder(tmp_path, "2024")
    quoted = shlex.quote(str(data))
    assert quoted == f"'{data}'"
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data)
    assert done.returncode in (0, 1), done.stderr  # the data are valid (warnings at most)
    assert done.stdout.splitlines()[:2] == [
        f"Kiểm tra dữ liệu thô kỳ 2024 từ {data / 'raw' / '2024'}",
        "Không có baocao.yml: phạm vi suy ra từ số liệu là huyện Bình Liêu (district:198) — ghi lại bằng: "
        f"baocao init --scope district:198 --data-dir {quoted} --period 2024"]
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data, "--lang", "en")
    assert done.stdout.splitlines()[1] == (
        "No baocao.yml: the scope inferred from the data is Bình Liêu district (district:198) — record it with: "
        f"baocao init --scope district:198 --data-dir {quoted} --period 2024")
    assert not (data / "baocao.yml").exists()  # inferring writes nothing


def test_the_printed_init_command_records_the_scope(tmp_path, capsys):
    data = _folder(tmp_path, "2024")
    line = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data).stdout.splitlines()[1]
    command = shlex.split(line.split(" — ghi lại bằng: ")[1])
    assert command[0] == "baocao"
    assert baocao_here(capsys, *command[1:]).returncode == 0
    settings = yaml.safe_load((data / "baocao.yml").read_text(encoding="utf-8"))
    assert settings["default_scope"] == {"legacy": "district:198"}
    again = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data)
    assert "baocao.yml" not in again.stdout  # the settings decide now: nothing inferred, nothing said


def test_validate_infers_the_province_of_the_2025_data(tmp_path, capsys):
    data = _folder(tmp_path, "2025")
    done = baocao_here(capsys, "validate", "--period", "2025", "--data-dir", data)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.splitlines()[1] == (
        "Không có baocao.yml: phạm vi suy ra từ số liệu là tỉnh Quảng Ninh (province:22) — ghi lại bằng: "
        f"baocao init --scope province:22 --data-dir {shlex.quote(str(data))} --period 2025")


def test_a_run_infers_its_scope_too_and_says_it(tmp_path):
    data = _folder(tmp_path, "2024")
    said = []
    req = run.request(Period(2024), data, tmp_path / "reports", public_dir=tmp_path / "public", say=said.append)
    assert req.scope == Scope("district", "198")
    assert said == ["Không có baocao.yml: phạm vi suy ra từ số liệu là huyện Bình Liêu (district:198) — ghi lại bằng: "
                    f"baocao init --scope district:198 --data-dir {shlex.quote(str(data))} --period 2024"]
    said.clear()
    given = run.request(Period(2024), data, tmp_path / "reports", scope=Scope("commune", "06838"),
                        public_dir=tmp_path / "public", say=said.append)
    assert given.scope == Scope("commune", "06838") and said == []  # --scope wins, nothing inferred


def test_the_data_of_one_commune_is_that_commune(tmp_path):
    """A commune's own deployment: its district would expect the six other communes."""
    data = tmp_path / "data"
    (data / "raw" / "2024").mkdir(parents=True)
    header, *rows = (SAMPLE / "2024" / "population.csv").read_text(encoding="utf-8").splitlines()
    own = [row for row in rows if row.startswith("06841,")]
    (data / "raw" / "2024" / "population.csv").write_text("\n".join([header, *own]) + "\n", encoding="utf-8")
    said = []
    req = run.request(Period(2024), data, tmp_path / "reports", public_dir=tmp_path / "public", say=said.append)
    assert req.scope == Scope("commune", "06841")
    assert said == ["Không có baocao.yml: phạm vi suy ra từ số liệu là xã Hoành Mô (commune:06841) — ghi lại bằng: "
                    f"baocao init --scope commune:06841 --data-dir {data} --period 2024"]


def test_data_of_two_provinces_in_2025_names_the_choices_without_districts(tmp_path, capsys):
    data = _folder(tmp_path, "2025")
    _add_rows(data, "2025", ["20194,Phường Hải Vân,M,10,3,3,4,0", "20194,Phường Hải Vân,F,10,3,3,4,0"])
    quoted = shlex.quote(str(data))
    done = baocao_here(capsys, "validate", "--period", "2025", "--data-dir", data)
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"LỖI: không có baocao.yml trong {data}, và 4 xã có số liệu kỳ 2025 không cùng thuộc một "
        "đơn vị nào nhỏ hơn toàn quốc, nên không suy ra được phạm vi; chọn một trong:",
        "  --scope province:22: tỉnh Quảng Ninh (3 xã có số liệu)",
        "  --scope province:48: thành phố Đà Nẵng (1 xã có số liệu)",
        "  --scope national: toàn quốc (cả 4 xã có số liệu)",
        f"rồi ghi lại bằng: baocao init --scope <phạm vi> --data-dir {quoted} --period 2025"]
    assert "district" not in done.stderr
    done = baocao_here(capsys, "validate", "--period", "2025", "--data-dir", data, "--lang", "en")
    assert done.stderr.splitlines()[1:4] == [
        "  --scope province:22: Quảng Ninh province (data from 3 of its communes)",
        "  --scope province:48: Đà Nẵng city (data from 1 of its communes)",
        "  --scope national: the whole country (data from all 4 communes)"]


def test_data_of_two_districts_of_one_province_in_2024_infers_the_province(tmp_path, capsys):
    data = _folder(tmp_path, "2024")
    _add_rows(data, "2024", ["06970,Thị trấn Ba Chẽ,M,10,3,3,4,0", "06970,Thị trấn Ba Chẽ,F,10,3,3,4,0"])
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data)
    assert done.stdout.splitlines()[1] == (
        "Không có baocao.yml: phạm vi suy ra từ số liệu là tỉnh Quảng Ninh (province:22) — ghi lại bằng: "
        f"baocao init --scope province:22 --data-dir {shlex.quote(str(data))} --period 2024")
    assert done.returncode == 2  # Ba Chẽ sent its population form only: validation names the other six
    assert done.stderr.splitlines()[0] == "early_childhood.csv: thiếu số liệu của thị trấn Ba Chẽ (06970)"
    ran = baocao_here(capsys, "run", "--period", "2024", "--data-dir", data, "--reports-dir", tmp_path / "reports",
                      "--public-dir", tmp_path / "public")
    assert ran.returncode == 2 and ran.stdout.splitlines()[0] == done.stdout.splitlines()[1]  # said first, then stopped
    assert not (tmp_path / "reports" / "2024").exists()


def test_data_of_two_provinces_in_2024_names_each_district_and_province(tmp_path, capsys):
    data = _folder(tmp_path, "2024")
    _add_rows(data, "2024", ["20194,Phường Hòa Hiệp Bắc,M,10,3,3,4,0", "20194,Phường Hòa Hiệp Bắc,F,10,3,3,4,0"])
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data)
    assert done.returncode == 3
    assert done.stderr.splitlines()[1:6] == [
        "  --scope district:198: huyện Bình Liêu (7 xã có số liệu)",
        "  --scope district:490: quận Liên Chiểu (1 xã có số liệu)",
        "  --scope province:22: tỉnh Quảng Ninh (7 xã có số liệu)",
        "  --scope province:48: thành phố Đà Nẵng (1 xã có số liệu)",
        "  --scope national: toàn quốc (cả 8 xã có số liệu)"]


def test_no_data_names_the_levels_of_the_period_and_the_folder(tmp_path, capsys):
    data = tmp_path / "mới"
    data.mkdir()
    done = baocao_here(capsys, "run", "--period", "2025", "--data-dir", data)
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"LỖI: không có baocao.yml trong {data}, và số liệu kỳ 2025 chưa có xã nào của danh mục "
        "đơn vị hành chính áp dụng cho kỳ này để suy ra phạm vi; chạy với --scope commune:<mã xã>, province:<mã tỉnh> "
        "hoặc national (từ 01/07/2025 không còn cấp huyện), hoặc tạo cấu hình: baocao init --scope <phạm vi> "
        f"--data-dir {shlex.quote(str(data))} --period 2025"]


def test_settings_without_a_default_for_the_list_name_the_file_and_the_levels(tmp_path, capsys):
    data = _folder(tmp_path, "2025")
    (data / "baocao.yml").write_text('default_scope:\n  legacy: "district:198"\n', encoding="utf-8")
    done = baocao_here(capsys, "validate", "--period", "2025", "--data-dir", data, "--lang", "en")
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"ERROR: period 2025: {data / 'baocao.yml'} has no default reporting unit for the list '2025' (entry "
        "default_scope); run with --scope commune:<commune code>, province:<province code> or national (districts are "
        "no longer units from 1 July 2025), or add that entry to the file"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_message_of_the_scope_keeps_a_placeholder_for_the_folder(lang):
    from pipelines.core import text

    for key, template in text.messages(lang).items():
        if key.startswith(("errors.scope.", "run.scope_")) and key != "errors.scope.settings_file":
            assert "<thư mục dữ liệu>" not in template and "<data folder>" not in template, key


def test_data_of_the_whole_country_names_each_level_by_its_count_not_unit_by_unit(tmp_path):
    """More than ten units of a level are counted, not listed: 691 districts would be a page."""
    from pipelines.core.deployment import Deployment
    from pipelines.core.errors import UsageError
    from pipelines.publish import scoping
    from pipelines.units import reference

    units = reference.units(Period(2024))
    every = list(units[units["level"] == "commune"]["code"])
    with pytest.raises(UsageError) as stopped:
        scoping.scope_of(Period(2024), tmp_path, Deployment(None), None, "vi", print, lambda: every)
    assert str(stopped.value).splitlines()[1:4] == [
        "  --scope district:<mã huyện>: một trong 691 huyện có số liệu",
        "  --scope province:<mã tỉnh>: một trong 63 tỉnh có số liệu",
        "  --scope national: toàn quốc (cả 10.035 xã có số liệu)"]
    assert stopped.value.text("en").splitlines()[1:4] == [
        "  --scope district:<district code>: one of 691 districts with data",
        "  --scope province:<province code>: one of 63 provinces with data",
        "  --scope national: the whole country (data from all 10,035 communes)"]
