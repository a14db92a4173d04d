"""Unit types in every word (issue 19, item 4): a report, a message and `init` name a unit and its
communes by their type (quận, thị xã, thành phố; xã, phường, thị trấn, đặc khu), read from the
official name in the reference list, and a set of mixed types generically, counted by type.

The units are found in the reference list by type, not typed in; each test then checks it found the
unit it expects (code and name), so that the exact words asserted are those of a known unit. The
report sections are rendered from a small indicator table made here for the unit and its communes
(every indicator, fixed figures): what is tested is the words, not the figures.
"""

import dataclasses
import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from pipelines.core import datasets
from pipelines.indicators import catalogue
from pipelines.intake import reading
from pipelines.publish import setup
from pipelines.report import breakdown_tables, context, factsheet, narrative, sections
from pipelines.units import reference, scope, types
from pipelines.units.period import Period
from pipelines.validate import messages

FIGURES = {"children_under_16": 12244, "children_ethnic_minority": 1530, "ethnic_minority_share": 12.5,
           "children_under_6": 3911}
OPENING = {"vi": "có 12.244 trẻ em dưới 16 tuổi, trong đó trẻ em người dân tộc thiểu số là 1.530 trẻ (12,5 %); "
                 "trẻ em dưới 6 tuổi là 3.911 trẻ.",
           "en": "there are 12,244 children under 16, of whom 1,530 (12.5%) belong to ethnic minorities; "
                 "3,911 children are under 6."}


def _first(period: str, level: str, kind: str, communes: frozenset[str] | None = None) -> pd.Series:
    """The first unit (by code) of `level` and type `kind` whose communes' types are `communes`."""
    p = Period.parse(period)
    table = reference.units(p)
    for unit in table[table["level"] == level].itertuples():
        if types.unit_type(unit.name, level) != kind:
            continue
        found = set(types.kinds(reference.communes_of(p, unit.code, level)["name"], "commune"))
        if communes is None or found == communes:
            return table[(table["level"] == level) & (table["code"] == unit.code)].iloc[0]
    raise LookupError(kind)


def _context(period: str, level: str, code: str, lang: str, communes: list[str] | None = None,
             own: str | None = None) -> context.ReportContext:
    """A report on the unit (or, `own`, on one of its communes: a fact sheet) from an indicator table
    of the unit and its communes (`communes`: those codes only, as a 2025 province with data from
    some): every indicator 50, but the figures of section I."""
    p = Period.parse(period)
    aggregate = reference.unit(p, code, level)
    listed = reference.communes_of(p, code, level)
    if communes is not None:
        listed = listed[listed["code"].isin(communes)]
    units = [(level, code, aggregate["name"])] + list(zip(["commune"] * len(listed), listed["code"], listed["name"]))
    table = pd.DataFrame([{"indicator_id": i, "level": lv, "unit_code": c, "unit_name": n, "value": FIGURES.get(i, 50.0),
                           "target": math.nan, "target_year": math.nan, "target_comparison": None}
                          for i in catalogue.entries() for lv, c, n in units])
    trend = pd.DataFrame({"unit_code": [], "indicator_id": [], "status": []})
    history = pd.DataFrame({"unit_code": [], "period": [], "indicator_id": [], "value": [], "rebased": []})
    name = aggregate["name"] if own is None else listed.set_index("code").loc[own, "name"]
    return context.ReportContext(p, level if own is None else "commune", own or code, name, table, code, trend, history,
                                 lang)


def _text(html: str) -> str:
    words = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    return words.replace("( ", "(").replace(" )", ")")


def _heading(html: str) -> str:
    return BeautifulSoup(html, "html.parser").find("h2").get_text()


def _breakdowns(ctx: context.ReportContext, tmp_path) -> str:
    """The breakdown appendix of `ctx`, from a processed folder whose breakdown table has no row."""
    pd.DataFrame({"form": [], "measure": [], "unit_code": [], "code": [], "count": []}).to_parquet(
        tmp_path / datasets.BREAKDOWNS)
    return breakdown_tables.breakdown_html(dataclasses.replace(ctx, processed=tmp_path))


def _init(tmp_path, scope_text: str, period: str, lang: str) -> str:
    folder = tmp_path / lang
    return setup.init(scope.Scope.parse(scope_text), folder, Period.parse(period), lang)[0].replace(str(folder), "D")


def test_every_unit_of_both_lists_has_a_type_of_its_level():
    """Every name of both lists starts with a type word of its level (a few are spelt "Thị Xã …",
    "Thành Phố …"); "Thành phố" is a centrally-run city at province level, a provincial one below."""
    for period, expected in (("2024", {("province", "province"): 57, ("province", "central_city"): 6,
                                       ("district", "district"): 508, ("district", "urban_district"): 49,
                                       ("district", "town"): 52, ("district", "city"): 87,
                                       ("commune", "commune"): 7692, ("commune", "ward"): 1726,
                                       ("commune", "township"): 617}),
                             ("2025", {("province", "province"): 28, ("province", "central_city"): 6,
                                       ("commune", "commune"): 2621, ("commune", "ward"): 687,
                                       ("commune", "special_zone"): 13})):
        table = reference.units(Period.parse(period))
        found = pd.Series([(lv, types.unit_type(n, lv)) for lv, n in zip(table["level"], table["name"])]).value_counts()
        assert found.to_dict() == expected
    assert types.unit_type("Thành phố Hà Nội", "province") == "central_city"
    assert types.unit_type("Thành Phố Bắc Kạn", "district") == "city"
    assert reference.unit_name("Đặc khu Vân Đồn", "en", "message") == "Vân Đồn special zone"
    assert reference.unit_name("Thị Xã Mường Lay", "vi", "lower") == "thị xã Mường Lay"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_set_words_one_type_and_mixed(lang):
    """One type: its word, singular or plural by CLDR's rule; mixed: the level's word, counted by type."""
    wards = ["Phường Phúc Xá"] * 8
    mixed = ["Xã Hạ Long", "Đặc khu Vân Đồn", "Xã Quảng La"]
    words = {"vi": ("8 phường", "1 phường", "3 đơn vị hành chính cấp xã: 2 xã, 1 đặc khu",
                    "3 đơn vị hành chính cấp xã (2 xã, 1 đặc khu)", "3 đơn vị hành chính cấp xã", "phường", "đơn vị cấp xã"),
             "en": ("8 wards", "1 ward", "3 commune-level units: 2 communes, 1 special zone",
                    "3 commune-level units (2 communes, 1 special zone)", "3 commune-level units", "wards",
                    "commune-level units")}[lang]
    assert (types.counted(lang, wards, "commune"), types.counted(lang, wards[:1], "commune"),
            types.counted(lang, mixed, "commune"), types.counted(lang, mixed, "commune", "inline"),
            types.counted(lang, mixed, "commune", "plain"), types.set_noun(lang, wards, "commune"),
            types.set_noun(lang, mixed, "commune")) == words


# One unit of every type: (found by, code, name, scope's word in section I, communes' words) ---------

URBAN_DISTRICT = ("2024", "district", "urban_district", frozenset({"ward"}))
TOWN = ("2024", "district", "town", None)
CITY = ("2024", "district", "city", None)
EXPECTED = {
    URBAN_DISTRICT: ("001", "Quận Ba Đình", {
        "vi": ("Toàn quận", "IV. Các phường cần quan tâm", "Phụ lục: Số liệu theo phường", "13 phường",
               "Phụ lục: Trẻ em và hồ sơ theo nhóm, theo phường"),
        "en": ("In the urban district", "IV. Wards needing attention", "Appendix: Figures by ward", "13 wards",
               "Appendix: Children and case files by group and by ward")}),
    TOWN: ("088", "Thị xã Sa Pa", {
        "vi": ("Toàn thị xã", "IV. Các đơn vị cấp xã cần quan tâm", "Phụ lục: Số liệu theo đơn vị cấp xã",
               "16 đơn vị hành chính cấp xã: 10 xã, 6 phường",
               "Phụ lục: Trẻ em và hồ sơ theo nhóm, theo đơn vị cấp xã"),
        "en": ("In the town", "IV. Commune-level units needing attention", "Appendix: Figures by commune-level unit",
               "16 commune-level units: 10 communes, 6 wards",
               "Appendix: Children and case files by group and by commune-level unit")}),
    CITY: ("024", "Thành phố Hà Giang", {
        "vi": ("Toàn thành phố", "IV. Các đơn vị cấp xã cần quan tâm", "Phụ lục: Số liệu theo đơn vị cấp xã",
               "8 đơn vị hành chính cấp xã: 3 xã, 5 phường",
               "Phụ lục: Trẻ em và hồ sơ theo nhóm, theo đơn vị cấp xã"),
        "en": ("In the city", "IV. Commune-level units needing attention", "Appendix: Figures by commune-level unit",
               "8 commune-level units: 3 communes, 5 wards",
               "Appendix: Children and case files by group and by commune-level unit")}),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("found_by", list(EXPECTED), ids=["quan", "thi-xa", "thanh-pho-thuoc-tinh"])
def test_a_district_level_unit_of_each_type(found_by, lang, tmp_path):
    """A quận of wards, a thị xã and a thành phố thuộc tỉnh (their communes mix xã and phường): section
    I, the heading of IV, the appendices' headings and `init` say the unit's and the communes' types."""
    code, name, words = EXPECTED[found_by]
    unit = _first(*found_by)
    assert (unit["code"], unit["name"]) == (code, name)
    where, attention, appendix, count, breakdowns = words[lang]
    ctx = _context("2024", "district", code, lang)
    assert _text(narrative.general_situation_html(ctx)) == (
        f"{'I. Tình hình chung' if lang == 'vi' else 'I. General situation'} {where} {OPENING[lang]}")
    assert _heading(sections.attention_html(ctx)) == attention
    assert _heading(sections.commune_table_html(ctx)) == appendix
    created = {"vi": f"Đã tạo D/baocao.yml cho {name} (district:{code}), {count}",
               "en": f"Created D/baocao.yml for {name} (district:{code}), {count}"}
    assert _init(tmp_path, f"district:{code}", "2024", lang) == created[lang]
    assert _heading(_breakdowns(ctx, tmp_path)) == breakdowns


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_ward_of_a_quan(lang):
    """A ward's fact sheet: ranked among the quận's wards, sent to the quận's People's Committee; a
    message naming it says "phường"."""
    ctx = _context("2024", "district", "001", lang, own="00001")
    html = factsheet.attention_html(ctx, lagging=["children_under_16"])
    rank = BeautifulSoup(html, "html.parser").find_all("th")[2].get_text()
    assert rank == {"vi": "Thứ hạng trong 13 phường", "en": "Place among 13 wards"}[lang]
    closing = _text(sections.closing_html(ctx))
    assert closing.split(" - ")[1] == {"vi": "UBND quận (b/c);", "en": "Urban District People's Committee (for reporting);"}[lang]
    missing = messages.Words.of("missing_commune", commune=messages.Commune("00001", "Phường Phúc Xá")).text(lang)
    assert missing == {"vi": "thiếu số liệu của phường Phúc Xá (00001)", "en": "no data from Phúc Xá ward (00001)"}[lang]
    intake = reading.Context(Period.parse("2024"), lang, None, {"00001": "Phường Phúc Xá"}, frozenset())
    assert intake.msg("conflict_batch", file="b.csv", form="population", commune=intake.commune("00001"), other="a.csv") == {
        "vi": "b.csv: biểu population của phường Phúc Xá (00001) khác với tệp a.csv gửi cùng lượt",
        "en": "b.csv: form population of Phúc Xá ward (00001) differs from a.csv"}[lang]
    wards = reference.communes_of(Period.parse("2024"), "001", "district")["name"]
    rows = messages.Words.of("too_many_rows", rows=30, communes=messages.Communes(tuple(wards)), categories=2,
                             column="sex", expected=26, extra=3).text(lang)
    assert rows.startswith({"vi": "30 dòng số liệu: kỳ này có 13 phường × 2 giá trị sex = 26 dòng",
                            "en": "30 rows of figures: this period has 13 wards × 2 values of sex = 26 rows"}[lang])


# A 2025 province whose communes mix xã, phường and đặc khu ---------------------------------------

@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_2025_province_of_xa_phuong_and_dac_khu(lang, tmp_path):
    """Tỉnh Quảng Ninh (22), the first province of the 2025 list with all three types, with data from
    two xã, one phường and one đặc khu: section I counts them by type and names them; headings use
    the generic word; `init` counts the province's 54 communes by type; the messages say "đặc khu"."""
    province = _first("2025", "province", "province", {"commune", "ward", "special_zone"})
    assert (province["code"], province["name"]) == ("22", "Tỉnh Quảng Ninh")
    listed = reference.communes_of(Period.parse("2025"), "22", "province")
    picked = {kind: [c for c, n in zip(listed["code"], listed["name"]) if types.unit_type(n, "commune") == kind]
              for kind in ("commune", "ward", "special_zone")}
    codes = picked["commune"][:2] + picked["ward"][:1] + picked["special_zone"][:1]
    assert codes == ["06724", "06733", "06652", "06994"]
    ctx = _context("2025", "province", "22", lang, communes=codes)
    opening = {"vi": "I. Tình hình chung Trên địa bàn 4 đơn vị hành chính cấp xã (2 xã, 1 phường, 1 đặc khu) có số liệu "
                     "(Phường Hà Tu, Xã Hải Sơn, Xã Hải Ninh, Đặc khu Vân Đồn)",
               "en": "I. General situation In the 4 commune-level units (2 communes, 1 ward, 1 special zone) with data "
                     "(Hà Tu Ward, Hải Sơn Commune, Hải Ninh Commune, Vân Đồn Special Zone)"}
    assert _text(narrative.general_situation_html(ctx)) == f"{opening[lang]} {OPENING[lang]}"
    assert _heading(sections.attention_html(ctx)) == {"vi": "IV. Các đơn vị cấp xã cần quan tâm",
                                                      "en": "IV. Commune-level units needing attention"}[lang]
    assert _heading(sections.commune_table_html(ctx)) == {"vi": "Phụ lục: Số liệu theo đơn vị cấp xã",
                                                          "en": "Appendix: Figures by commune-level unit"}[lang]
    assert _init(tmp_path, "province:22", "2025", lang) == {
        "vi": "Đã tạo D/baocao.yml cho Tỉnh Quảng Ninh (province:22), 54 đơn vị hành chính cấp xã: 22 xã, 30 phường, 2 đặc khu",
        "en": "Created D/baocao.yml for Tỉnh Quảng Ninh (province:22), 54 commune-level units: 22 communes, 30 wards, "
              "2 special zones"}[lang]
    with pytest.raises(scope.UsageError) as refused:
        scope.coverage(Period.parse("2025"), scope.Scope.parse("province:22"), [])
    assert refused.value.text(lang) == {"vi": "kỳ 2025: không có số liệu của đơn vị cấp xã nào thuộc Tỉnh Quảng Ninh",
                                        "en": "period 2025: no data for any commune-level unit of Tỉnh Quảng Ninh"}[lang]
    missing = messages.Words.of("missing_commune", commune=messages.Commune("06994", "Đặc khu Vân Đồn")).text(lang)
    assert missing == {"vi": "thiếu số liệu của đặc khu Vân Đồn (06994)",
                       "en": "no data from Vân Đồn special zone (06994)"}[lang]
    fact_sheet = _context("2025", "province", "22", lang, communes=codes, own="06994")
    assert _text(sections.closing_html(fact_sheet)).split(" - ")[1] == {
        "vi": "UBND tỉnh (b/c);", "en": "Provincial People's Committee (for reporting);"}[lang]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_centrally_run_city_and_its_wards(lang):
    """Thành phố Hà Nội (01, the first centrally-run city of the 2025 list) with data from wards only:
    "Trên địa bàn 2 phường", "Các phường cần quan tâm"; a ward's fact sheet goes to "UBND thành phố"."""
    city = _first("2025", "province", "central_city")
    assert (city["code"], city["name"]) == ("01", "Thành phố Hà Nội")
    listed = reference.communes_of(Period.parse("2025"), "01", "province")
    wards = [c for c, n in zip(listed["code"], listed["name"]) if types.unit_type(n, "commune") == "ward"][:2]
    ctx = _context("2025", "province", "01", lang, communes=wards)
    assert _text(narrative.general_situation_html(ctx)).split(" có ")[0].split(" with data")[0] == {
        "vi": "I. Tình hình chung Trên địa bàn 2 phường", "en": "I. General situation In the 2 wards"}[lang]
    assert _heading(sections.attention_html(ctx)) == {"vi": "IV. Các phường cần quan tâm",
                                                      "en": "IV. Wards needing attention"}[lang]
    sheet = _context("2025", "province", "01", lang, communes=wards, own=wards[0])
    assert _text(sections.closing_html(sheet)).split(" - ")[1] == {
        "vi": "UBND thành phố (b/c);", "en": "City People's Committee (for reporting);"}[lang]
