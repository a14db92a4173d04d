"""`baocao sample`: a synthetic data folder any command accepts, marked as synthetic, never written
over. The figures themselves are tested in test_synthetic.py."""

import pytest

from pipelines import cli
from pipelines.publish import sample
from pipelines.sample.generate import SampleRefused
from pipelines.units.period import Period
from pipelines.units.scope import Scope


def test_a_commune_sample_makes_a_data_folder_marked_synthetic(tmp_path, capsys):
    data = tmp_path / "thu"
    assert cli.main(["sample", "--scope", "commune:06847", "--period", "2024", "--data-dir", str(data), "--seed", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Đã tạo số liệu GIẢ LẬP kỳ 2024 cho 1 xã (commune:06847, hạt giống 5): 7 biểu trong {data}/raw/2024"
    assert out[1] == f"Đã tạo {data}/baocao.yml cho Xã Đồng Văn (commune:06847), 1 xã"
    assert sorted(p.name for p in (data / "raw" / "2024").iterdir()) == [
        "early_childhood.csv", "education.csv", "health.csv", "population.csv", "protection_cases.csv",
        "special_circumstances.csv", "support.csv"]
    assert (data / "raw" / "notes.yml").read_text(encoding="utf-8").splitlines()[1] == (
        'vi: "Số liệu tổng hợp (giả lập) do lệnh baocao sample tạo ra (hạt giống 5), không phải số liệu thật."')
    assert '"legacy": "commune:06847"' in (data / "baocao.yml").read_text(encoding="utf-8")


def test_raw_data_is_never_written_over(tmp_path, capsys):
    data = tmp_path / "thu"
    args = ["sample", "--scope", "commune:06847", "--period", "2024", "--data-dir", str(data)]
    assert cli.main(args) == 0
    before = (data / "raw" / "2024" / "population.csv").read_bytes()
    capsys.readouterr()
    assert cli.main([*args[:-2], "--data-dir", str(data), "--seed", "9"]) == cli.EXIT_FAILED
    assert capsys.readouterr().err == (f"LỖI: thư mục {data}/raw/2024 đã có dữ liệu; dữ liệu thô không bao giờ bị ghi đè: "
                                       "chọn một kỳ khác hoặc một thư mục dữ liệu khác\n")
    assert (data / "raw" / "2024" / "population.csv").read_bytes() == before


def test_a_national_sample_covers_every_commune_and_defaults_to_the_whole_country(tmp_path, capsys):
    data = tmp_path / "ca-nuoc"
    assert cli.main(["sample", "--scope", "national", "--period", "2024", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (f"Đã tạo {data}/baocao.yml cho Toàn quốc (national), "
                                                       "10.035 đơn vị hành chính cấp xã: 7.692 xã, 1.726 phường, 617 thị trấn")
    lines = (data / "raw" / "2024" / "population.csv").read_text(encoding="utf-8").splitlines()
    assert len({line.split(",")[0] for line in lines[1:]}) == 10_035
    assert '"legacy": "national"' in (data / "baocao.yml").read_text(encoding="utf-8")


def test_the_sample_command_speaks_english(tmp_path):
    """Its words come from pipelines/locales/*/sample.yml; the notes file has every language."""
    data = tmp_path / "thu"
    data.mkdir()
    (data / "baocao.yml").write_text("# settings already there\n", encoding="utf-8")  # so init says nothing
    said = sample.make_sample(Scope.parse("district:198"), Period.parse("2024"), data, seed=2, lang="en")
    assert said == [f"Made SYNTHETIC figures for period 2024 for 7 commune-level units (district:198, seed 2): 7 forms in {data}/raw/2024",
                    f"Wrote {data}/raw/notes.yml: every report made from this folder says that its figures are synthetic",
                    f"Next: baocao validate --period 2024 --data-dir {data}, then baocao run --period 2024 --data-dir {data}"]
    assert (data / "raw" / "notes.yml").read_text(encoding="utf-8") == (
        "# What this dataset is, printed in the methodology appendix of every report made from it.\n"
        'vi: "Số liệu tổng hợp (giả lập) do lệnh baocao sample tạo ra (hạt giống 2), không phải số liệu thật."\n'
        'en: "Synthetic figures made by the baocao sample command (seed 2), not real data."\n')
    with pytest.raises(SampleRefused) as refused:
        sample.make_sample(Scope.parse("district:198"), Period.parse("2024"), data, lang="en")
    assert str(refused.value) == (f"the folder {data}/raw/2024 already holds data; raw data is never overwritten: "
                                  "choose another period or another data folder")
