"""The inbound half of the mail gateway never imports the outbound app's models (issue 16,
"the mail gateway's own house"): it asks the outbox through mailgateway.outbound.sent or
reacts through events. Read from the source with `ast`, so an import inside a function
counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import mailgateway

GATEWAY = Path(mailgateway.__file__).parent
OUTBOUND_MODELS = "mailgateway.outbound.models"


def inbound_modules() -> list[Path]:
    return [
        path
        for path in sorted(GATEWAY.rglob("*.py"))
        if not {"outbound", "migrations"} & set(path.relative_to(GATEWAY).parts)
    ]


def imported(tree: ast.AST) -> set[str]:
    """Every module an import names, `from a.b import c` as both a.b and a.b.c."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_the_scan_sees_the_inbound_modules():
    scanned = {path.relative_to(GATEWAY).as_posix() for path in inbound_modules()}
    assert {"pipeline.py", "reports.py", "trust.py", "selectors.py", "admin.py"} <= scanned
    assert not any(name.startswith("outbound/") for name in scanned)


def test_no_inbound_module_imports_the_outbound_models():
    offenders = [
        path.relative_to(GATEWAY).as_posix()
        for path in inbound_modules()
        if any(
            name == OUTBOUND_MODELS or name.startswith(OUTBOUND_MODELS + ".")
            for name in imported(ast.parse(path.read_text(), filename=str(path)))
        )
    ]
    assert offenders == []


def test_the_scan_would_catch_an_import_inside_a_function():
    source = "def f():\n    from mailgateway.outbound import models\n"
    assert OUTBOUND_MODELS in imported(ast.parse(source))
