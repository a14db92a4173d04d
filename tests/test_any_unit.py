"""Any unit, any period: a second district and sub-annual periods, end to end through the real CLI.

The second district is the sample remapped onto Huyện Ba Chẽ (202, Quảng Ninh: the other district of
the province with seven communes), its own deployment started with `baocao init`. It must give the
sample's figures, trends and statuses under its own codes, and nothing it publishes may name the
sample district. Sub-annual data (quarters and halves made from the sample by samplegen) must give
trends over periods of their own kind, in order. The second district's run renders one report and the
catalogue (`commune_reports: false` in the deployment), to keep the suite fast; the sample's own
figures are those of the shared processed data `processed_sample` (a run stopped before rendering).
Sub-annual periods are built the same way and their trend table read from the report's section.
"""

import shutil

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO, baocao, build_processed
from pipelines import cli
from pipelines.report import context, narrative
from samplegen.remap import write_remapped
from samplegen.subannual import write_subannual

SAMPLE_TO_BA_CHE = dict(zip(["198", "06838", "06841", "06844", "06847", "06853", "06856", "06859"],
                            ["202", "06970", "06973", "06976", "06979", "06982", "06985", "06988"]))
SAMPLE_TO_BA_CHE["22"] = "22"


def _settings(data, default_scope: str, plan_units: list[str]) -> None:
    """The deployment's settings: `init`'s file, one report per run, the sample's plan for `plan_units`."""
    path = data / "baocao.yml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    sample = yaml.safe_load((REPO / "data" / "baocao.yml").read_text(encoding="utf-8"))
    settings["commune_reports"] = {key: False for key in settings["commune_reports"]}
    settings["targets"] = [{**t, "units": plan_units, "source": "Kế hoạch số 12/KH-UBND"} for t in sample["targets"]]
    assert settings["default_scope"] == {"legacy": default_scope}
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def ba_che(tmp_path_factory):
    work = tmp_path_factory.mktemp("ba-che")
    write_remapped(REPO / "data", work / "data", "202")
    assert cli.main(["init", "--scope", "district:202", "--data-dir", str(work / "data"), "--period", "2024"]) == 0
    _settings(work / "data", "district:202", ["district:202"])
    done = baocao("run", "--period", "2024", "--data-dir", work / "data", "--reports-dir", work / "reports")
    assert done.returncode == 0, done.stderr
    return work, done


def _processed(data, name: str, remap: bool = False) -> pd.DataFrame:
    table = pd.read_parquet(data / "processed" / "2024" / name)
    table = table.drop(columns=[c for c in ("unit_name",) if c in table])
    if remap:
        table["unit_code"] = table["unit_code"].map(SAMPLE_TO_BA_CHE).astype(table["unit_code"].dtype)
    return table.sort_values(["period", "unit_code", "indicator_id"]).reset_index(drop=True)


@pytest.mark.parametrize("name", ["indicators.parquet", "history.parquet", "trends.parquet"])
def test_second_district_gives_the_sample_figures_trends_and_statuses(ba_che, processed_sample, name):
    other, sample = _processed(ba_che[0] / "data", name), _processed(processed_sample, name, remap=True)
    pd.testing.assert_frame_equal(other, sample)
    if name == "trends.parquet":  # the trends are there: three periods, statuses, six off track as in the sample
        district = other[other["unit_code"] == "202"]
        assert set(district["previous_period"].dropna()) == {"2023"} and set(district["base_period"].dropna()) == {"2022"}
        assert (district["status"] == "off_track").sum() == (sample[sample["unit_code"] == "202"]["status"] == "off_track").sum()
        assert (district["status"] == "off_track").sum() >= 6


def test_nothing_the_second_district_publishes_names_the_sample_district(ba_che):
    work, done = ba_che
    assert "Bình Liêu" not in done.stdout + done.stderr and "kỳ 2023: dữ liệu có lỗi" not in done.stdout
    published = [p for p in (work / "reports").rglob("*") if p.is_file()] + \
                [p for p in (work / "data" / "processed").rglob("*") if p.is_file()]
    for path in published:
        if path.suffix == ".pdf":
            body = "".join(page.extract_text() for page in PdfReader(path).pages)
        else:
            body = path.read_bytes().decode("utf-8", errors="replace")
        assert "Bình Liêu" not in body and "BÌNH LIÊU" not in body and "198" not in path.name, path
    html = (work / "reports" / "2024" / "bao-cao-tre-em-2024-huyen-202.html").read_text(encoding="utf-8")
    assert "Ba Chẽ" in html and "Số liệu mẫu" not in html  # the sample's notes file is not in this dataset


def test_init_refuses_to_overwrite_and_checks_the_code(tmp_path, capsys):
    assert cli.main(["init", "--scope", "district:202", "--data-dir", str(tmp_path), "--period", "2024"]) == 0
    out = capsys.readouterr().out
    assert "Huyện Ba Chẽ (district:202), 7 đơn vị hành chính cấp xã: 6 xã, 1 thị trấn" in out and (tmp_path / "raw" / "2024").is_dir()
    assert cli.main(["init", "--scope", "district:202", "--data-dir", str(tmp_path)]) == 3
    assert "baocao.yml đã có; không ghi đè" in capsys.readouterr().err
    assert cli.main(["init", "--scope", "district:999", "--data-dir", str(tmp_path / "x"), "--period", "2024"]) == 3
    assert "mã đơn vị '999' không có trong danh mục" in capsys.readouterr().err


@pytest.fixture(scope="module")
def subannual(tmp_path_factory):
    """Quarters of 2024, halves of 2023-2024 and the annual 2023-2024 in one dataset of the sample district."""
    work = tmp_path_factory.mktemp("subannual")
    write_subannual(work / "data", "quarter")
    write_subannual(work / "data", "half")
    for period in ("2023", "2024"):
        shutil.copytree(REPO / "data" / "raw" / period, work / "data" / "raw" / period)
    assert cli.main(["init", "--scope", "district:198", "--data-dir", str(work / "data"), "--period", "2024"]) == 0
    _settings(work / "data", "district:198", ["district:198"])
    for period in ("2024-Q4", "2024-H2"):
        build_processed(work / "data", period)
    return work


@pytest.mark.parametrize("period, earlier", [("2024-Q4", ["2024-Q1", "2024-Q2", "2024-Q3"]),
                                             ("2024-H2", ["2023-H1", "2023-H2", "2024-H1"])])
def test_sub_annual_periods_trend_over_their_own_kind_in_order(subannual, period, earlier):
    processed = subannual / "data" / "processed" / period
    history = pd.read_parquet(processed / "history.parquet")
    assert sorted(set(history["period"])) == sorted([*earlier, period])  # no year mixed into the trend
    trend = pd.read_parquet(processed / "trends.parquet")
    district = trend[trend["unit_code"] == "198"].set_index("indicator_id")
    assert district.loc["children_under_16", "previous_period"] == earlier[-1]
    assert district.loc["children_under_16", "base_period"] == earlier[0]
    assert district["status"].notna().sum() > 10
    html = narrative.trend_html(context.load(period, "198", subannual / "data"))
    heads = [html.index(f">{p}</th>") for p in [*earlier, period]]
    assert heads == sorted(heads)  # the trend table's columns in time order
