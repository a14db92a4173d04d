"""The message files: every Vietnamese template has an English twin with the same placeholders,
so a report never renders half-translated or fails on a missing value in one language."""

from pathlib import Path

import pytest
import yaml

from pipelines.core import text

VI_FILES = sorted((text.LOCALES / "vi").glob("*.yml"))


def _keys(path: Path) -> dict[str, str]:
    return {key: str(value) for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def test_there_are_message_files():
    assert VI_FILES


@pytest.mark.parametrize("vi_file", VI_FILES, ids=[p.name for p in VI_FILES])
def test_every_vietnamese_file_has_an_english_twin_with_the_same_keys(vi_file):
    en_file = text.LOCALES / "en" / vi_file.name
    assert en_file.is_file(), f"{en_file} is missing"
    vi_keys, en_keys = _keys(vi_file), _keys(en_file)
    assert sorted(set(vi_keys) - set(en_keys)) == [], "keys missing in English"
    assert sorted(set(en_keys) - set(vi_keys)) == [], "keys missing in Vietnamese"


@pytest.mark.parametrize("vi_file", VI_FILES, ids=[p.name for p in VI_FILES])
def test_each_template_has_the_same_placeholders_in_both_languages(vi_file):
    vi_keys, en_keys = _keys(vi_file), _keys(text.LOCALES / "en" / vi_file.name)
    differ = {key: (text.placeholders(vi_keys[key]), text.placeholders(en_keys[key]))
              for key in vi_keys if key in en_keys and text.placeholders(vi_keys[key]) != text.placeholders(en_keys[key])}
    assert differ == {}


def test_no_english_file_without_a_vietnamese_one():
    assert sorted(p.name for p in (text.LOCALES / "en").glob("*.yml")) == [p.name for p in VI_FILES]


def test_both_languages_merge_without_duplicate_keys():
    assert set(text.messages("vi")) == set(text.messages("en"))


def test_a_missing_key_raises_key_error_naming_it():
    with pytest.raises(KeyError, match="no.such.key"):
        text.t("en", "no.such.key")


def test_a_template_is_filled_with_values():
    assert text.t("en", "chart.education.caption", number=1, name="Bình Liêu", period="2024") == (
        "Figure 1. Education indicators of Bình Liêu, 2024, against the targets")


def test_an_unknown_language_is_refused():
    with pytest.raises(text.UnknownLanguage):
        text.check_lang("fr")
    with pytest.raises(text.UnknownLanguage):
        text.t("fr", "chart.no_data")
