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
import unicodedata
from pathlib import Path, PurePath
from typing import Callable

import yaml

from pipelines.core import errors

LANGS = ("vi", "en")
LOCALES = Path(__file__).parent.parent / "locales"
# The store's own defects, for whoever edits its files: they cannot be told in words from the store
# (a missing key would hide the message about it), so these two stay here, in Vietnamese.
DUPLICATE_KEY = "{file}: khóa '{key}' đã có trong tệp khác"
MISSING_KEY = "pipelines/locales/{lang}: thiếu khóa '{key}'"


# What a terminal or a reader cannot see as it is: control characters (an escape sequence moves the
# cursor, a line break in a value prints a line of its own), format characters (zero-width space,
# joiners, direction overrides, soft hyphen, BOM) and every space but the plain one (no-break, thin…),
# plus the line and paragraph separators. Decided by Unicode category, not by a list typed here.
_HIDDEN = ("Cc", "Cf", "Zl", "Zp")


class Said(str):
    """Text the product wrote (a filled template): used as a value of another template, it goes in as
    it is, line breaks included. Any other text is a value from outside and is made `visible`."""


def hidden(char: str) -> bool:
    category = unicodedata.category(char)
    return category in _HIDDEN or (category == "Zs" and char != " ")


def visible(value: object, keep: str = "") -> str:
    """`value` as text with each hidden character (see `_HIDDEN`) but those of `keep` written as
    `<U+XXXX>`: a commune name holding ESC [2J or a line break cannot clear the screen or print a
    line of its own ("Xong: đã công bố"), and "Xã Đồng\u200bVăn" reads "Xã Đồng<U+200B>Văn", not as
    the official name it is refused against. Plain text comes back unchanged (and as fast)."""
    written = str(value)
    if written.isascii() and written.isprintable():
        return written
    return "".join(f"<U+{ord(c):04X}>" if c not in keep and hidden(c) else c for c in written)


def _from_outside(value: object) -> bool:
    """A value a template shows as `visible`: text, a path or an error (which quote files and users),
    unless the product wrote it (`Said`) or it is HTML already escaped for a report (`__html__`)."""
    return isinstance(value, (str, PurePath, BaseException)) and not isinstance(value, Said) and not hasattr(
        value, "__html__")


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


def t(lang: str, key: str, /, **values: object) -> Said:
    """The template `key` in `lang`, filled with `values`. Text from outside (a file name, a cell, a
    name typed with `--by`) is made `visible` as it goes in, here, the one place every message is
    filled; numbers, product text (`Said`, which this returns) and report HTML go in as they are."""
    try:
        template = messages(lang)[key]
    except KeyError:
        raise KeyError(MISSING_KEY.format(lang=lang, key=key)) from None
    return Said(template.format(**{name: visible(value) if _from_outside(value) else value
                                   for name, value in values.items()}))


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


def _shown(char: str | None, lang: str) -> str:
    if char is None:
        return t(lang, "text.differs.end")
    return visible(char) if hidden(char) else f'"{char}" (U+{ord(char):04X})'


def _alike(found: str, expected: str) -> bool:
    """Two names a reader takes for one: equal once hidden characters are dropped, compatibility
    forms folded and spaces evened out (a no-break space is a space, one at the end is not seen), or
    as long with one character changed (Ð for Đ)."""
    def skeleton(name: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", "".join(c for c in name if not hidden(c) or c.isspace())).split())
    changed = [a != b for a, b in zip(found, expected)]
    return skeleton(found) == skeleton(expected) or (len(found) == len(expected) and sum(changed) == 1)


def differs(lang: str, found: str, expected: str) -> Said:
    """Where a name refused against the reference list departs from the official one, when the two
    would read alike (`_alike`): " (khác từ ký tự thứ 8: <U+200B> thay vì " " (U+0020))"; otherwise
    nothing, as two plainly different names need no pointer."""
    found, expected = str(found), str(expected)
    if found == expected or not _alike(found, expected):
        return Said("")
    at = next((i for i, (a, b) in enumerate(zip(found, expected)) if a != b), min(len(found), len(expected)))
    here = lambda name: name[at] if at < len(name) else None  # noqa: E731
    return t(lang, "text.differs", position=at + 1, found=Said(_shown(here(found), lang)),
             expected=Said(_shown(here(expected), lang)))
