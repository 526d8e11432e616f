"""Where the shared mail corpus is: ../shared/corpus beside the project, $HELPDESK_CORPUS,
or /work/shared/corpus. A fresh clone has none: the corpus tests then skip, saying why."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def corpus_dir() -> Path | None:
    candidates = [ROOT.parent / "shared" / "corpus"]
    if os.environ.get("HELPDESK_CORPUS"):
        candidates.append(Path(os.environ["HELPDESK_CORPUS"]))
    candidates.append(Path("/work/shared/corpus"))
    return next((path for path in candidates if (path / "MANIFEST.txt").is_file()), None)


CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(
    CORPUS is None,
    reason="the shared mail corpus (../shared/corpus or $HELPDESK_CORPUS) is not here",
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
