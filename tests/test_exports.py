"""Exports (issue 20): SDMX read back with pysdmx against the exported structure, DHIS2 JSON parsed
field by field, periods of every format for a year, a half and a quarter, the public edition, and
the structure's names in each language (tests/test_exports_published.py: `baocao export` on a
published period, recorded in the manifest so that `verify --quick` still passes)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from pysdmx.io import get_datasets

from conftest import build_processed, copy_sample
from pipelines.core import datasets
from pipelines.indicators import catalogue
from pipelines.publish.exports import WRITERS, adx, dhis2, periods, rows, sdmx
from pipelines.units.period import Period
from pipelines.units.scope import Scope

MAPPING = {"dhis2": {"data_elements": {i: f"DE_{i.upper()}"[:50] for i in catalogue.entries()},
                     "category_option_combos": {"total": "HllvX50cXC0"}, "org_units": "code"}}


@pytest.mark.parametrize("text, sdmx_period, dhis2_period, adx_period", [
    ("2024", "2024", "2024", "2024-01-01/P1Y"),
    ("2024-H1", "2024-S1", "2024S1", "2024-01-01/P6M"),
    ("2024-H2", "2024-S2", "2024S2", "2024-07-01/P6M"),
    ("2024-Q3", "2024-Q3", "2024Q3", "2024-07-01/P3M"),
])
def test_periods_in_each_notation(text, sdmx_period, dhis2_period, adx_period):
    period = Period.parse(text)
    assert (periods.sdmx(period), periods.dhis2(period), periods.adx(period)) == (sdmx_period, dhis2_period, adx_period)


@pytest.fixture(scope="module")
def district(processed_sample):
    return rows.load(processed_sample / "processed" / "2024", Period.parse("2024"), Scope.parse("district:198"),
                     "internal", MAPPING)


def test_rows_are_the_district_and_its_communes_with_hand_checked_figures(district):
    table = district.table
    assert sorted(set(table["unit_code"])) == ["06838", "06841", "06844", "06847", "06853", "06856", "06859", "198"]
    share = table[(table["indicator_id"] == "ethnic_minority_share") & (table["unit_code"] == "198")].iloc[0]
    assert (share["numerator"], share["denominator"], share["value"], share["completeness"]) == (8824, 9292, 94.9634, 100.0)
    assert table[(table["indicator_id"] == "children_under_16") & (table["unit_code"] == "198")]["value"].item() == 9292


def _expected(district) -> pd.DataFrame:
    return sdmx.frame(district).sort_values(["INDICATOR", "REF_AREA"]).reset_index(drop=True)


def _same(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    found = found.sort_values(["INDICATOR", "REF_AREA"]).reset_index(drop=True)
    assert len(found) == len(expected) == 224
    for column in expected.columns:
        want = [None if v is None else v for v in expected[column]]
        got = [None if pd.isna(v) or v == "" else v for v in found[column]]  # pysdmx reads a missing text as ""
        if column in ("OBS_VALUE", "COMPLETENESS", "TARGET"):
            assert [None if v is None else float(v) for v in got] == want, column
        elif column in ("NUMERATOR", "DENOMINATOR", "TARGET_YEAR"):
            assert [None if v is None else int(v) for v in got] == want, column
        else:
            assert [None if v is None else str(v) for v in got] == want, column


def test_sdmx_ml_reads_back_with_pysdmx_every_value_equal(district, tmp_path):
    files = sdmx.write_ml(district)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    [found] = get_datasets(tmp_path / sdmx.DATA_ML, tmp_path / sdmx.STRUCTURE)
    assert found.structure.id == sdmx.FLOW
    _same(found.data, _expected(district))


def test_sdmx_csv_reads_back_with_pysdmx_every_value_equal(district, tmp_path):
    files = sdmx.write_csv(district)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    [found] = get_datasets(tmp_path / sdmx.DATA_CSV, tmp_path / sdmx.STRUCTURE)
    # pysdmx 1.21 reads SDMX-CSV with pandas' type guessing: 06838 comes back 6838; the codelist of
    # the exported structure gives each back its code (the file itself holds 06838: checked below)
    areas = {int(code.id): code.id for code in found.structure.components["REF_AREA"].local_codes}
    data = found.data.assign(REF_AREA=[areas[int(v)] for v in found.data["REF_AREA"]])
    _same(data, _expected(district))
    text = files[sdmx.DATA_CSV].decode()
    first = next(csv.DictReader(io.StringIO(text)))
    assert (first["STRUCTURE"], first["STRUCTURE_ID"], first["ACTION"], first["REF_AREA"], first["TIME_PERIOD"]) == \
        ("dataflow", "BAOCAO:DF_CHILDREN(1.0)", "I", "06838", "2024")


def test_every_format_is_byte_identical_on_rerun(district):
    assert all(writer(district) == writer(district) for writer in WRITERS.values())


def test_dhis2_json_has_the_documented_fields(district):
    values = json.loads(dhis2.write_json(district)[dhis2.JSON])["dataValues"]
    assert len(values) == 224
    for value in values:
        assert set(value) == {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value", "comment"}
        assert value["period"] == "2024" and value["categoryOptionCombo"] == "HllvX50cXC0"
        assert value["dataElement"].startswith("DE_") and isinstance(value["value"], str)
        assert value["orgUnit"] in {"06838", "06841", "06844", "06847", "06853", "06856", "06859", "198"}
    share = next(v for v in values if v["dataElement"] == "DE_ETHNIC_MINORITY_SHARE" and v["orgUnit"] == "198")
    assert (share["value"], share["comment"]) == ("94.9634", "numerator=8824;denominator=9292;completeness=100")
    registered = next(v for v in values if v["dataElement"] == "DE_BIRTH_REGISTRATION_UNDER_5" and v["orgUnit"] == "198")
    assert registered["comment"].endswith(";target=>=98.5@2025")
    lines = dhis2.write_csv(district)[dhis2.CSV].decode().splitlines()
    assert lines[0] == ",".join(dhis2.CSV_COLUMNS) and len(lines) == 225


def test_a_missing_data_element_is_refused_in_one_line_naming_it(district):
    mapping = {"dhis2": {"data_elements": {k: v for k, v in MAPPING["dhis2"]["data_elements"].items()
                                           if k != "stunting_under_5"}}}
    with pytest.raises(dhis2.MappingError) as refused:
        dhis2.write_json(rows.Rows(district.period, district.scope, "internal", district.table, mapping))
    assert str(refused.value) == ("baocao.yml: chưa có mã phần tử dữ liệu DHIS2 (exchange.dhis2.data_elements) "
                                  "cho chỉ tiêu stunting_under_5")
    assert "\n" not in str(refused.value)


def test_adx_groups_by_unit_with_the_iso_period(district):
    root = ET.fromstring(adx.write(district)[adx.FILE])
    ns = {"adx": adx.NAMESPACE}
    assert root.tag == f"{{{adx.NAMESPACE}}}adx" and root.get("exported") == "2024-12-31T00:00:00Z"
    groups = root.findall("adx:group", ns)
    assert [g.get("orgUnit") for g in groups] == ["06838", "06841", "06844", "06847", "06853", "06856", "06859", "198"]
    assert {g.get("period") for g in groups} == {"2024-01-01/P1Y"}
    assert sum(len(g.findall("adx:dataValue", ns)) for g in groups) == 224


def test_public_edition_leaves_out_a_suppressed_or_small_sensitive_value(district):
    table = district.table.assign(level="commune")
    planted = pd.DataFrame([{**table.iloc[0].to_dict(), "indicator_id": "children_under_16", "unit_code": "06847",
                             "value": float("nan"), "numerator": 3}])
    raw = pd.concat([table.assign(communes_expected=1, communes_included=1, complete=True),
                     planted.assign(communes_expected=1, communes_included=1, complete=True)], ignore_index=True)
    raw = raw[raw["unit_code"] == "06847"].drop(columns=["completeness"])
    shown = rows.select(raw, Scope.parse("commune:06847"), "public")
    assert len(shown) == len(raw) - 1  # the planted cell, without a value, is absent
    assert not ((shown["indicator_id"] == "children_under_16") & (shown["numerator"] == 3)).any()


def _names(structure: bytes, codelist: str) -> dict[str, tuple[str, str]]:
    """{code: (xml:lang, name)} of one code list of a structure message."""
    root = ET.fromstring(structure)
    found = {}
    for element in root.iter():
        if element.tag.endswith("}Codelist") and element.get("id") == codelist:
            for code in element:
                if code.tag.endswith("}Code"):
                    name = next(child for child in code if child.tag.endswith("}Name"))
                    found[code.get("id")] = (name.get("{http://www.w3.org/XML/1998/namespace}lang"), name.text)
    return found


def test_structure_names_are_in_the_exports_language_units_by_their_official_name(district):
    vi = sdmx.write_ml(district)
    en = sdmx.write_ml(rows.Rows(district.period, district.scope, "internal", district.table, district.exchange, "en"))
    assert sorted(vi) == ["indicators.sdmx.xml", "structure.sdmx.xml"]
    assert sorted(en) == ["indicators.sdmx.xml", "structure.en.sdmx.xml"]
    assert vi["indicators.sdmx.xml"] == en["indicators.sdmx.xml"]  # the data carry codes only
    assert _names(vi["structure.sdmx.xml"], "CL_INDICATOR")["CHILDREN_UNDER_16"] == ("vi", "Số trẻ em dưới 16 tuổi")
    assert _names(en["structure.en.sdmx.xml"], "CL_INDICATOR")["CHILDREN_UNDER_16"] == ("en", "Children under 16")
    assert _names(vi["structure.sdmx.xml"], "CL_AREA")["06847"] == ("vi", "Xã Đồng Văn")
    assert _names(en["structure.en.sdmx.xml"], "CL_AREA")["06847"] == ("en", "Xã Đồng Văn")
    assert _names(vi["structure.sdmx.xml"], "CL_UNIT_MEASURE")["PT"] == ("vi", "Phần trăm")
    assert 'xml:lang="en"' not in vi["structure.sdmx.xml"].decode()


# A suppressed count planted in a real run's input: Lục Hồn's (06856) children living with HIV go
# from 1 to 3 and its drug-addicted children from 0 to 4 (both columns), taken from its children with
# disabilities (12 → 6, supported 11 → 5), so that every total the public edition publishes is the
# sample's and only hidden cells differ.
PLANTED = {"hiv": (3, 3), "drug_addicted": (4, 4), "disabled": (6, 5)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The 2024 processed data (both editions) of the sample with PLANTED, built as a run builds them."""
    work = copy_sample(tmp_path_factory.mktemp("planted-export"), ("2022", "2023", "2024", "2025"))
    path = work / "data" / "raw" / "2024" / "special_circumstances.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        cells = line.rstrip("\n").split(",")
        if cells[0] == "06856" and cells[2] in PLANTED:
            lines[i] = ",".join(cells[:3] + [str(n) for n in PLANTED[cells[2]]]) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return build_processed(work / "data", "2024")


def test_public_exports_do_not_depend_on_a_suppressed_count(planted, processed_sample):
    """The planted counts are hidden in the public edition, and every public export of the planted
    run is byte for byte the sample's: no hidden count reached any byte, whatever its encoding."""
    breakdowns = {edition: pd.read_parquet(datasets.in_folder(planted, datasets.BREAKDOWNS, edition))
                  for edition in ("internal", "public")}
    for edition, table in breakdowns.items():
        cells = table[(table["unit_code"] == "06856") & table["code"].isin(["hiv", "drug_addicted"])
                      & (table["measure"] == "children")]
        assert [None if pd.isna(v) else int(v) for v in cells["count"]] == \
            ([3, 4] if edition == "internal" else [None, None]), edition
    sample = processed_sample / "processed" / "2024"
    period, scope = Period.parse("2024"), Scope.parse("district:198")
    for name, writer in WRITERS.items():
        ours = writer(rows.load(planted, period, scope, "public", MAPPING))
        theirs = writer(rows.load(sample, period, scope, "public", MAPPING))
        assert ours == theirs, name


def test_a_run_makes_the_settings_formats_for_each_variant_and_every_recorded_export():
    from conftest import REPO
    from pipelines.core import deployment, errors
    from pipelines.publish.exports import publish

    site = dataclasses.replace(deployment.load(REPO / "data"), exchange={"formats": ["sdmx-csv", "adx"]})
    chosen = [("vi", "internal"), ("en", "internal"), ("vi", "public")]
    recorded = [["dhis2-json", "public", ""], ["sdmx-ml", "internal"]]  # an entry of two items: Vietnamese
    assert publish.wanted(site, chosen, recorded) == [
        ("adx", "internal", ""), ("adx", "public", ""), ("dhis2-json", "public", ""), ("sdmx-csv", "internal", "en"),
        ("sdmx-csv", "internal", "vi"), ("sdmx-csv", "public", "vi"), ("sdmx-ml", "internal", "vi")]
    wrong = dataclasses.replace(site, exchange={"formats": ["xlsx"]})
    with pytest.raises(errors.UsageError) as refused:
        publish.wanted(wrong, chosen)
    assert str(refused.value) == ("baocao.yml: mục 'exchange.formats' chỉ nhận các định dạng "
                                  "sdmx-csv, sdmx-ml, dhis2-json, dhis2-csv, adx")
