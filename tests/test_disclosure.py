"""Disclosure control over what the public edition publishes (issue 18, item 1): a count the public
edition hides ("< 5" or "x") is not published in any other form either.

Distinctive values are planted in every sensitive group of both breakdown forms, for two communes,
with the issue's reproduction among them: Lục Hồn (06856) has 12 children living with HIV in 2023
and 1 in 2024, so the outlier rule fires ("… dòng 81, cột children, xã Lục Hồn (06856): giá trị 1
thay đổi -91,7 % so với kỳ 2023 (12)"). Two kinds of check:

- differential: the public edition is rendered twice, with the hidden values of the two communes
  swapped (every row and column total the same), and every public file must be byte-identical: a
  hidden value that reached any byte (text in either language's number format, a chart, a PDF
  stream, a hash) makes the two differ, whatever its encoding;
- direct: no public file (HTML text, PDF text) holds the planted message's strings, and the
  sections say, in words, how many warnings they leave out, while the internal edition keeps them.

Rendering costs a kernel and a PDF per report, so the rendered runs make the public edition only,
in vi and en, of the scope's own report (district 198 in 2024, province 22 in 2025: fact sheets
off) and of Lục Hồn's fact sheet (2024, `--scope commune:06856`); the other fact sheets are
checked at the level of their sections, on data built without rendering. All rendered runs are
made once for the module (`rendered`) and marked slow.
"""

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import baocao, build_processed, copy_sample
from pipelines.core import datasets
from pipelines.intake import raw
from pipelines.report import context, factsheet, sections
from pipelines.units.period import Period
from test_corrections import CODE, _context

SENSITIVE_SPECIAL = ["hiv", "conflict_with_law", "drug_addicted", "violence", "exploited", "sexually_abused",
                     "trafficked"]
SENSITIVE_CASES = ["violence_abuse", "trafficking"]
# Two communes' hidden counts, group by group: all 1-4 ("< 5"), different in every group, with the
# same sum, so that swapping them changes no published total (commune, district, subtotal).
FIRST = {"special_circumstances": [1, 1, 1, 1, 4, 4, 4], "protection_cases": [1, 4]}
SECOND = {"special_circumstances": [2, 2, 2, 2, 3, 3, 2], "protection_cases": [4, 1]}
GROUPS = {"special_circumstances": SENSITIVE_SPECIAL, "protection_cases": SENSITIVE_CASES}
LUC_HON, HOANH_MO = "06856", "06841"
# Lục Hồn's HIV line in each period's special_circumstances.csv.
LINE = {"2024": 81, "2025": 36}


def planted_strings(period: str) -> list[str]:
    """What the reproduction's message says (vi, en), none of which a public file may hold."""
    before, line = int(period) - 1, LINE[period]
    return [f"dòng {line}", f"line {line}", f"kỳ {before} (12", f"period {before} (12", "giá trị 1 thay đổi",
            "value 1 changed", "-91,7", "-91.7"]
WITHHELD_VI = ("1 cảnh báo về số liệu của các nhóm trẻ em cần bảo vệ không được nêu chi tiết trong bản công "
               "khai; bản nội bộ có đầy đủ.")
WITHHELD_EN = ("1 warning about the figures of the protected groups of children is not detailed in the public "
               "edition; the internal edition has it in full.")
# The public appendix's sentence (vi, en) by period: in 2025 both count columns of Lục Hồn's HIV
# row were 12 the year before, so both warn.
WITHHELD = {"2024": (WITHHELD_VI, WITHHELD_EN),
            "2025": ("2 cảnh báo về số liệu của các nhóm trẻ em cần bảo vệ không được nêu chi tiết trong bản công khai; "
                     "bản nội bộ có đầy đủ.", "2 warnings about the figures of the protected groups of children are not "
                     "detailed in the public edition; the internal edition has them in full.")}
MESSAGE_VI = ("special_circumstances.csv dòng 81, cột children, xã Lục Hồn (06856): giá trị 1 thay đổi -91,7 % so "
              "với kỳ 2023 (12); kiểm tra lại")


def set_counts(folder: Path, form: str, commune: str, counts: dict[str, int]) -> None:
    """Write `counts` (group → count) into both count columns of the commune's rows of a raw form
    (children = supported, cases received = handled, so every cross-column rule still holds)."""
    path = folder / f"{form}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        cells = line.rstrip("\n").split(",")
        if cells[0] == commune and cells[2] in counts:
            lines[i] = ",".join(cells[:3] + [str(counts[cells[2]])] * 2) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def plant(folder: Path, swapped: bool) -> None:
    """The two communes' hidden counts of every sensitive group (swapped between them or not)."""
    one, two = (SECOND, FIRST) if swapped else (FIRST, SECOND)
    for form, groups in GROUPS.items():
        set_counts(folder, form, LUC_HON, dict(zip(groups, one[form])))
        set_counts(folder, form, HOANH_MO, dict(zip(groups, two[form])))


def reproduction(data: Path, period: str, swapped: bool = False) -> None:
    """Lục Hồn's HIV count of the period before is 12 (the outlier rule fires on this period's 1,
    or 2 swapped), and the planted counts of this period."""
    before = str(int(period) - 1)
    path = data / "raw" / before / "special_circumstances.csv"
    text = path.read_text(encoding="utf-8")
    row = re.search(rf"^{LUC_HON},[^,\n]*,hiv,\d+,\d+$", text, re.M)
    cells = row.group(0).split(",")
    path.write_text(text.replace(row.group(0), ",".join(cells[:3] + ["12", cells[4] if period == "2024" else "12"])),
                    encoding="utf-8")
    plant(data / "raw" / period, swapped)


def public_files(public: Path) -> list[Path]:
    """Every file the public edition publishes: every file of the public tree (reports, index,
    manifest)."""
    return sorted(p for p in public.rglob("*") if p.is_file())


def readable(path: Path) -> str:
    """What a reader of the file sees: an HTML page's text with entities decoded, a PDF's text
    (pdftotext when installed, else pypdf), any other file as text."""
    if path.suffix == ".pdf":
        if shutil.which("pdftotext"):
            return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout
        import pypdf
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    return html.unescape(path.read_text(encoding="utf-8", errors="replace"))


# The sections, on data built without rendering (cheap) ---------------------------------------------

@pytest.fixture(scope="module")
def planted_2024(tmp_path_factory):
    """The 2024 processed data of the reproduction (built as a run builds them, not rendered)."""
    work = copy_sample(tmp_path_factory.mktemp("planted"))
    reproduction(work / "data", "2024")
    build_processed(work / "data", "2024")
    return work / "data"


def _ctx(data, unit, lang, edition):
    return context.load("2024", unit, data, lang, edition)


def test_internal_edition_keeps_the_message(planted_2024):

    district = _ctx(planted_2024, "198", "vi", "internal")
    assert f"<li>{html.escape(MESSAGE_VI, quote=True)}</li>" in sections.data_quality_html(district)
    commune = _ctx(planted_2024, LUC_HON, "vi", "internal")
    assert html.escape(MESSAGE_VI, quote=True) in factsheet.data_quality_html(commune, sections.validation_warnings(commune))


@pytest.mark.parametrize("lang, withheld", [("vi", WITHHELD_VI), ("en", WITHHELD_EN)], ids=["vi", "en"])
def test_public_sections_count_the_warning_without_detail(planted_2024, lang, withheld):

    district = _ctx(planted_2024, "198", lang, "public")
    quality = sections.data_quality_html(district)
    assert f"<p>{withheld}</p>" in quality and "<li>" not in quality
    commune = _ctx(planted_2024, LUC_HON, lang, "public")
    sheet = factsheet.data_quality_html(commune, sections.validation_warnings(commune))
    assert sheet.endswith(f"\n<p>{withheld}</p></section>") and "<li>" not in sheet
    other = _ctx(planted_2024, HOANH_MO, lang, "public")
    assert "<p>" + withheld not in factsheet.data_quality_html(other, sections.validation_warnings(other))
    for text in (quality, sheet):
        assert not [s for s in planted_strings("2024") if s in html.unescape(text)]


def test_public_provenance_has_no_hash_of_a_raw_file(planted_2024):

    hashes = dict(raw.file_hashes(planted_2024, Period.parse("2024")))
    public = sections.methodology_html(_ctx(planted_2024, "198", "vi", "public"), list(hashes.items()))
    internal = sections.methodology_html(_ctx(planted_2024, "198", "vi", "internal"), list(hashes.items()))
    assert "special_circumstances.csv" in hashes and "population.csv" in hashes
    for name in hashes:
        assert hashes[name] in internal and hashes[name] not in public
        assert f"<li><code>{name}</code>: mã SHA-256 chỉ ghi trong bản nội bộ (số liệu gốc không công khai)</li>" in public


def test_public_appendix_counts_a_correction_of_a_protected_form(tmp_path):
    """A correction's lines name the group and its reason is free text: in the public edition a
    correction of a protected form is counted, one of another form listed as before."""

    row = {"submission": "1", "submitted_at": "2025-03-04T08:30:00Z", "file": "special_circumstances.csv",
           "first_line": 92, "last_line": 106, "commune_code": CODE, "rows": 15, "source": "bao-cao-06847.xlsx",
           "sha256": "0" * 64, "by": "Nguyễn Thị Hoa", "reason": "HIV: 12, không phải 1", "supersedes": ""}
    pd.DataFrame([{**row, "form": "special_circumstances"},
                  {**row, "form": "population", "file": "population.csv", "submission": "2", "first_line": 16,
                   "last_line": 17, "reason": "Nhầm số trẻ em nam"}]).to_parquet(tmp_path / datasets.CORRECTIONS)
    internal = sections.data_quality_html(_context(tmp_path))
    assert "(special_circumstances.csv dòng 92–106) thay bản gửi đầu tiên; lý do: HIV: 12, không phải 1" in internal
    public = sections.data_quality_html(_context(tmp_path, "public"))
    assert ("<h3>Số liệu đã được xã gửi bản sửa</h3>\n<ul><li>Biểu population của Xã Đồng Văn: bản sửa ngày 04 tháng 03 "
            "năm 2025 (population.csv dòng 16–17) thay bản gửi đầu tiên; lý do: Nhầm số trẻ em nam</li></ul><p>1 lần sửa "
            "số liệu của các nhóm trẻ em cần bảo vệ không được nêu chi tiết trong bản công khai; bản nội bộ có đầy đủ."
            "</p></section>") in public
    assert "special_circumstances" not in public and "HIV" not in public


# The rendered public edition, twice, with the hidden values swapped ----------------------------------

def _render(root: Path, period: str, swapped: bool, scope: str = "") -> Path:
    """A copy of the sample with the planted values, run for `period`: the public edition of the
    scope's own report (the default scope's, or a commune's fact sheet), vi and en. Returns the
    public tree."""
    work = copy_sample(root, ("2022", "2023", "2024", "2025") if period == "2025" else ("2022", "2023", "2024"))
    settings = work / "data" / "baocao.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(": true\n", ": false\n"), encoding="utf-8")
    reproduction(work / "data", period, swapped)
    done = baocao("run", "--period", period, "--lang", "vi,en", "--edition", "public", "--data-dir", "data",
                  "--reports-dir", "reports", "--public-dir", "public", *(["--scope", scope] if scope else []), cwd=work)
    assert done.returncode == 0, done.stderr
    return work / "public"


# What the rendered runs make: the district's report of 2024, the province's of 2025, and the fact
# sheet of the reproduction's commune (2024).
RUNS = {"2024": "", "2025": "", "2024-06856": f"commune:{LUC_HON}"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """{run: (reports as planted, reports with the hidden values swapped)} for each of RUNS."""
    return {run: tuple(_render(tmp_path_factory.mktemp(f"swap-{run}-{int(s)}"), run[:4], s, scope) for s in (False, True))
            for run, scope in RUNS.items()}


@pytest.mark.slow
@pytest.mark.parametrize("run", list(RUNS))
def test_public_files_do_not_depend_on_hidden_values(rendered, run):
    planted, swapped = rendered[run]
    names = [p.relative_to(planted) for p in public_files(planted)]
    assert names == [p.relative_to(swapped) for p in public_files(swapped)]
    assert sorted(p.suffix for p in names) == [".html", ".html", ".html", ".json", ".pdf", ".pdf"]  # 2 reports, index, manifest
    differ = [str(n) for n in names if (planted / n).read_bytes() != (swapped / n).read_bytes()]
    assert differ == []


@pytest.mark.slow
@pytest.mark.parametrize("run", list(RUNS))
def test_public_files_hold_no_planted_message(rendered, run):
    planted, period = rendered[run][0], run[:4]
    for path in public_files(planted):
        text = readable(path)
        assert not [s for s in planted_strings(period) if s in text], path.name
        if path.suffix == ".html" and path.name != "index.html":
            assert WITHHELD[period][path.stem.endswith("-en")] in text, path.name

