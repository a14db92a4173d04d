"""One catalogue of paths: no path under the data or reports folder is spelled outside
pipelines/core/folders.py (pipelines.core.datasets may name the processed files inside a period's
folder). A path spelled by hand in a second place is how a moved folder leaves a reader behind.

Read from the code itself (docstrings and comments may describe the layout): `… / "raw"`,
`Path("processed")`, a string starting `raw/`, `processed/` or `reports/`, or naming the locks,
cache, approvals, logs, publication journals or staging places."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

CATALOGUE = REPO / "pipelines" / "core" / "folders.py"
# not "reports": the reports folder itself (default `reports`) is under no other
TOPS = {"raw", "processed", ".locks", ".cache", "approvals", "logs", "index.html", "signed", ".keys", ".receipts"}
PREFIXES = ("raw/", "processed/", "reports/", "public/", ".locks/", ".cache/", "approvals/", "logs/", "signed/", ".keys/", ".receipts/")
PIECES = (".staging-", ".previous-", ".publish-", ".index.lock")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def spellings(path: Path, root: Path = REPO) -> list[str]:
    """'<file>:<line>: <what>' for every path spelled by hand in one module, by line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, found = _docstrings(tree), []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and _text(node.right) in TOPS:
            what = f'/ "{_text(node.right)}"'
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Path" and node.args \
                and _text(node.args[0]) in TOPS:
            what = f'Path("{_text(node.args[0])}")'
        elif _text(node) is not None and id(node) not in skip:
            value = _text(node)
            if value.startswith(PREFIXES) or any(piece in value for piece in PIECES):
                what = repr(value)
        if what:
            found.append((node.lineno, node.col_offset, f"{path.relative_to(root)}:{node.lineno}: {what}"))
    return [line for *_, line in sorted(found)]


def test_no_path_under_data_or_reports_is_spelled_outside_the_catalogue():
    modules = sorted([*(REPO / "pipelines").rglob("*.py"), *(REPO / "samplegen").rglob("*.py")])
    assert [line for path in modules if path != CATALOGUE for line in spellings(path)] == []


def test_the_check_sees_a_path_spelled_by_hand(tmp_path):
    module = tmp_path / "spelled.py"
    module.write_text('"""Doc: raw/2024 is fine here."""\nfrom pathlib import Path\n\n'
                      'def f(data, period):\n    return data / "raw" / str(period), f"reports/{period}", '
                      'Path(".cache")\n', encoding="utf-8")
    assert spellings(module, tmp_path) == ['spelled.py:5: / "raw"', "spelled.py:5: 'reports/'",
                                           'spelled.py:5: Path(".cache")']
