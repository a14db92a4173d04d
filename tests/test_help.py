"""`baocao --help` and the reasons for a refused option, in the language `--lang` asks for: the
parser is built before --lang is parsed, so the command line looks for it first
(pipelines.cli.parser.language_asked); Vietnamese by default."""

import pytest

from pipelines import cli
from pipelines.cli.parser import language_asked


@pytest.mark.parametrize("argv, lang", [
    (["run", "--period", "2024"], "vi"),
    (["run", "--help", "--lang", "en"], "en"),
    (["run", "--lang=en", "--help"], "en"),
    (["run", "--lang", "en,vi"], "en"),
    (["run", "--lang", "vi,en"], "vi"),
    (["validate", "--lang", "fr"], "vi"),  # argparse refuses it, in Vietnamese
    (["run", "--lang"], "vi"),
])
def test_the_language_asked_is_the_first_of_lang(argv, lang):
    assert language_asked(argv) == lang


def test_help_in_english_with_lang_en(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.main(["run", "--help", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "--force               redo everything, even when inputs, code and parameters are unchanged\n" in out
    assert "[--param NAME=VALUE]" in out and "[--wait SECONDS]" in out


def test_help_in_vietnamese_by_default(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--force               làm lại tất cả, kể cả khi đầu vào, mã nguồn và tham số không đổi\n" in out
    assert "[--param TÊN=GIÁ_TRỊ]" in out and "[--wait GIÂY]" in out


def test_a_refused_option_in_the_language_asked(capsys):
    assert cli.main(["run", "--period", "2024", "--jobs", "0", "--lang", "en"]) == 3
    assert capsys.readouterr().err.endswith("baocao run: error: argument --jobs: '0': a whole number of 1 or more is needed\n")
    assert cli.main(["validate", "--period", "2024-Q5", "--lang", "en"]) == 3
    assert capsys.readouterr().err.endswith(
        "baocao validate: error: argument --period: reporting period '2024-Q5' is not valid: use a year (2024), "
        "a half (2024-H1, 2024-H2) or a quarter (2024-Q1 … 2024-Q4)\n")
