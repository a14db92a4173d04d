"""The words of a report in each language, looked up by key from the message files.

Reports are written in Vietnamese first; `--lang en` renders the same notebook in English. Every
sentence, heading, caption and label a reader sees is a template in `pipelines/locales/<lang>/*.yml`
(one file per part of the report, merged), filled with figures already formatted for that language.
Indicator and category names come from the catalogue (`name_vi`/`name_en`), not from these files.
A key missing in one language, or a template whose placeholders differ between languages, is a
defect that tests/test_text.py catches before a report is rendered half-translated.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Callable

import yaml

from pipelines.core import errors

LANGS = ("vi", "en")
LOCALES = Path(__file__).parent.parent / "locales"
# The store's own defects, for whoever edits its files: they cannot be told in words from the store
# (a missing key would hide the message about it), so these two stay here, in Vietnamese.
DUPLICATE_KEY = "{file}: khóa '{key}' đã có trong tệp khác"
MISSING_KEY = "pipelines/locales/{lang}: thiếu khóa '{key}'"


class UnknownLanguage(errors.UsageError):
    """A language with no message files."""


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise failure(UnknownLanguage, "errors.unknown_language", lang=lang, langs=", ".join(LANGS))
    return lang


@functools.cache
def messages(lang: str) -> dict[str, str]:
    """Every template of `lang`: the files of locales/<lang>/ merged; a key defined twice is an error."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / check_lang(lang)).glob("*.yml")):
        for key, template in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(DUPLICATE_KEY.format(file=path.name, key=key))
            merged[key] = str(template)
    return merged


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def t(lang: str, key: str, /, **values: object) -> str:
    """The template `key` in `lang`, filled with `values`."""
    try:
        template = messages(lang)[key]
    except KeyError:
        raise KeyError(MISSING_KEY.format(lang=lang, key=key)) from None
    return template.format(**values)


def speaker(say: Callable[[str], None], lang: str) -> Callable[..., None]:
    """`say(key, **values)`: the template `key` in `lang`, filled and said (a command's steps)."""
    return lambda key, /, **values: say(t(lang, key, **values))


def _written(key: str, values: dict[str, object], lang: str) -> str:
    return t(lang, key, **{name: value(lang) if callable(value) else value for name, value in values.items()})


def failure(kind: type[errors.BaocaoError], key: str, /, **values: object) -> errors.BaocaoError:
    """A failure of class `kind` whose message is the template `key`: Vietnamese as `str`, in any
    language by `error.text(lang)`. A value that reads differently by language is a function of it.
    With plain values the failure pickles (its writer is a partial of a module function), so one
    raised in a Dask worker travels back to the run and is written there in the run's language."""
    written = functools.partial(_written, key, values)
    error = kind(written("vi"))
    error.key, error.values, error.written = key, values, written
    return error
