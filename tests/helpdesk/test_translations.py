"""The interface is complete in every language we ship (R5, P8): no untranslated or fuzzy
message in the catalogues, and msgfmt's format checks pass (placeholders intact)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext (msgfmt) is a prerequisite")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_is_complete_and_well_formed(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Мои заявки"), ("de", "Meine Tickets"), ("uk", "Мої заявки"), ("hy", "Իմ հայտերը")],
)
def test_every_language_is_served(language, expected):
    with translation.override(language):
        assert translation.gettext("My tickets") == expected
