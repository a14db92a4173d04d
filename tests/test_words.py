"""No sentence a user reads is written in Python code: words live in pipelines/locales/<lang>/*.yml.

Every module of the package is parsed (`ast`) and every string literal outside a docstring that holds
a Vietnamese letter fails the test, named by file, line and the start of the string. A few literals
are data, not words: they are allowed by the module-level name (or function) that holds them, each
with the reason, so that a sentence added beside them still fails. English sentences have no letter
to tell them from identifiers; review keeps them out (issue 17)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import pipelines

PACKAGE = Path(pipelines.__file__).parent
MODULES = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py"))
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)

# "<module>:<name>" → why its Vietnamese literals are data, not words a reader is shown.
ALLOWED = {
    "intake/template.py:HEADINGS": "form headings: the column headings of the workbook template, which intake "
                                   "reads back in place of the column names (issue 17 keeps form headings)",
    "intake/tcvn3.py:_RUNS": "the TCVN3 (VN3) code table: byte → Vietnamese letter",
    "intake/tcvn3.py:LETTERS": "the Vietnamese vowels and đ, the letters a decoded text may hold",
    "intake/tcvn3.py:plain": "the comparison key folds đ/Đ to d/D (a letter, not a word)",
    "units/reference.py:LEVEL_WORDS": "level words matched at the start of official names to parse them",
    "sample/latent.py:URBAN_BY_LEVEL_WORD": "level words matched at the start of official names (ward, township)",
    "core/text.py:DUPLICATE_KEY": "the locale store's own defect message: it cannot be looked up in the store it reports on",
    "core/text.py:MISSING_KEY": "the locale store's own defect message: it cannot be looked up in the store it reports on",
    "report/charts.py:RATE": "first words of the catalogue's Vietnamese names, dropped from chart titles",
    "report/charts.py:RATIO": "first words of the catalogue's Vietnamese names, dropped from chart titles",
    "report/definitions.py:UNIT_KEYS": "the catalogue's units as indicators.yml writes them (keys, not text shown)",
    "report/narrative.py:CHANGE_UNITS": "the catalogue's units as indicators.yml writes them (keys, not text shown)",
    "core/formats.py:value_with_unit": "the catalogue's unit 'đồng' as indicators.yml writes it, compared, not shown",
    "publish/exports/sdmx.py:UNITS": "the catalogue's units as indicators.yml writes them → SDMX codes (keys, not "
                                     "text shown: the names are exchange.unit.<code> in the locale store)",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _owner(statement: ast.stmt) -> str:
    """The module-level name a top-level statement defines: a function, a class or one assigned name."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return statement.name
    targets = statement.targets if isinstance(statement, ast.Assign) else (
        [statement.target] if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) else [])
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    return names[0] if len(names) == 1 and len(targets) == 1 else ""


def vietnamese_literals(source: str) -> list[tuple[int, str, str]]:
    """(line, owner, text) of every string literal with a Vietnamese letter outside docstrings; owner:
    the module-level name whose statement holds it ("" if none)."""
    tree = ast.parse(source)
    docs, found = _docstrings(tree), []
    for statement in tree.body:
        owner = _owner(statement)
        for node in ast.walk(statement):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and VIETNAMESE.search(node.value)):
                found.append((node.lineno, owner, node.value))
    return sorted(found, key=lambda literal: literal[0])  # by line; within a line, as ast walks them


def words_in_code(module: str, source: str) -> list[str]:
    """`module:line: 'start of the string'` for every literal not allowed as data."""
    return [f"pipelines/{module}:{line}: {text[:60]!r}" for line, owner, text in vietnamese_literals(source)
            if f"{module}:{owner}" not in ALLOWED]


@pytest.mark.parametrize("module", MODULES)
def test_no_vietnamese_words_in_code(module):
    assert words_in_code(module, (PACKAGE / module).read_text(encoding="utf-8")) == []


def test_every_allowed_name_still_holds_vietnamese_data():
    """An entry of ALLOWED whose name no longer holds a Vietnamese literal is stale: it would let a
    sentence written there later pass unseen."""
    held = {f"{module}:{owner}" for module in MODULES
            for _line, owner, _text in vietnamese_literals((PACKAGE / module).read_text(encoding="utf-8"))}
    assert sorted(set(ALLOWED) - held) == []


def test_the_check_catches_a_vietnamese_string_in_code():
    source = '''"""Tài liệu của mô-đun: a docstring, not code."""
LEVELS = {"Xã ": "commune"}


def warn(count):
    """Cảnh báo: a docstring again."""
    label = "ok"
    return f"có {count} lỗi" + label
'''
    assert vietnamese_literals(source) == [(2, "LEVELS", "Xã "), (8, "warn", "có "), (8, "warn", " lỗi")]
    assert words_in_code("x/y.py", source) == ["pipelines/x/y.py:2: 'Xã '", "pipelines/x/y.py:8: 'có '",
                                               "pipelines/x/y.py:8: ' lỗi'"]
    assert words_in_code("units/reference.py", 'LEVEL_WORDS = {"Xã ": "commune"}\n') == []  # allowed data
    assert words_in_code("units/reference.py", 'OTHER = "Xã "\n') == ["pipelines/units/reference.py:1: 'Xã '"]
