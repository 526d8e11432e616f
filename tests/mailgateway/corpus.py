"""Where the shared mail corpus is: $MAIL_CORPUS when set, else ../shared/corpus beside the
project. A fresh clone has none: the corpus tests then skip, saying why; in CI (CI=true)
the run fails instead (tests/conftest.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def corpus_dir() -> Path | None:
    path = Path(os.environ.get("MAIL_CORPUS") or ROOT.parent / "shared" / "corpus")
    return path if (path / "MANIFEST.txt").is_file() else None


CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(
    CORPUS is None,
    reason="the shared mail corpus ($MAIL_CORPUS or ../shared/corpus) is not here",
)


def manifest() -> list[str]:
    if CORPUS is None:
        return []
    lines = (CORPUS / "MANIFEST.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def expectations(relative: str) -> dict:
    if CORPUS is None:
        return {}
    return json.loads((CORPUS / relative).read_text(encoding="utf-8"))


def read(relative: str) -> bytes:
    assert CORPUS is not None
    return (CORPUS / relative).read_bytes()
