"""Files the helpdesk writes are private: 0640 files in 0750 folders by default, whatever
the process's umask, and configurable (issue 14 "file modes"; R13)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.factories import open_ticket, upload
from tests.helpers import png_bytes
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import with_attachments
from tickets import thumbnails

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_umask():
    """The most careless umask: every mode below comes from the settings, not from it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(settings, name: str, file_mode: int, folder_mode: int) -> None:
    root = Path(settings.MEDIA_ROOT)
    path = root / name
    assert mode(path) == file_mode, oct(mode(path))
    folder = path.parent
    while folder != root.parent:
        assert mode(folder) == folder_mode, (folder, oct(mode(folder)))
        folder = folder.parent


def test_a_web_upload_and_its_folders_get_private_modes(settings, customer, department):
    ticket = open_ticket(customer, department, attachments=[upload(png_bytes(), "shot.png")])
    attachment = ticket.messages.get().attachments.get()
    assert_private(settings, attachment.file.name, 0o640, 0o750)


def test_an_inbound_mail_attachment_written_from_memory_gets_private_modes(settings, department):
    mail = receive(
        with_attachments(files=[("report.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")])
    )
    attachment = mail.ticket.messages.get().attachments.get()
    assert_private(settings, attachment.file.name, 0o640, 0o750)


def test_a_thumbnail_made_in_memory_gets_private_modes(settings, customer, department):
    ticket = open_ticket(customer, department, attachments=[upload(png_bytes(), "shot.png")])
    path = thumbnails.thumbnail_for(ticket.messages.get().attachments.get())
    assert_private(settings, path, 0o640, 0o750)


def test_the_modes_are_configurable(settings, customer, department):
    settings.FILE_UPLOAD_PERMISSIONS = 0o600
    settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
    ticket = open_ticket(customer, department, attachments=[upload(png_bytes(), "shot.png")])
    assert_private(settings, ticket.messages.get().attachments.get().file.name, 0o600, 0o700)


def test_captured_mail_files_are_private(
    settings, tmp_path, customer, department, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "mailgateway.outbound.backends.ReadableFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(customer, department)
    written = sorted((tmp_path / "mail").iterdir())
    assert [p.suffix for p in written] == [".eml", ".txt"]
    assert {mode(p) for p in written} == {0o640}
    assert mode(tmp_path / "mail") == 0o750
