"""Imports run one way (issue 16, docs/architecture.md): the mail gateway reacts to the
tickets app through the event stream, so no module of `tickets` imports `mailgateway`,
and views call services without opening transactions of their own."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Moves into mailgateway with the rejected-mail pages (issue 16, "the mail gateway's own
# house"); delete this line when it has.


def _modules(package: str) -> list[Path]:
    return [
        path for path in sorted((ROOT / package).rglob("*.py")) if "migrations" not in path.parts
    ]


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_tickets_imports_mailgateway():
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(
            name for name in _imported(path) if name.split(".")[0] == "mailgateway"
        )
        for path in _modules("tickets")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_an_import_of_mailgateway(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from mailgateway.outbound import notify\nimport mailgateway.parse\n"
    )
    assert _imported(sample) == {"mailgateway.outbound", "mailgateway.parse"}


def test_views_open_no_transactions():
    """The services own their transactions; what must wait for the commit (held uploads'
    clean-up, notifications) is an after-commit reaction, never a view's atomic block."""
    views = [
        *(ROOT / "tickets" / "views").rglob("*.py"),
        ROOT / "accounts" / "views.py",
        *(ROOT / "mailgateway" / "views").rglob("*.py"),
    ]
    using = [path.relative_to(ROOT).as_posix() for path in views if _imports_transaction(path)]
    assert using == []


def _imports_transaction(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db":
            names = {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names = {alias.name.removeprefix("django.db.") for alias in node.names}
        else:
            continue
        if "transaction" in names:
            return True
    return False
