"""Mail attachments are kept whatever their kind, but judged from their bytes: stored under
the judged kind's extension (`.bin` for kinds we do not know), never the sender's, and
only raster images are ever shown in the browser (issue 14 "Uploads"; R13; ARCHITECTURE.md
"Attachments")."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from tests.helpers import png_bytes
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import with_attachments

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PHP = b"<?php system($_GET['c']); ?>\n"
BAT = b"@echo off\r\ndel /q C:\\*\r\n"


def attachments_of(files):
    mail = receive(with_attachments(files=files))
    return {a.filename: a for a in mail.ticket.messages.get().attachments.all()}


@pytest.mark.parametrize(
    ("name", "declared", "data", "judged", "extension", "downloaded_as"),
    [
        ("invoice.pdf.html", "text/html", HTML, "text/html", ".bin", "invoice.pdf.html.bin"),
        ("shell.phtml", "application/x-httpd-php", PHP, "text/plain", ".txt", "shell.phtml.txt"),
        ("notes.svg", "image/svg+xml", SVG, "image/svg+xml", ".bin", "notes.svg.bin"),
        ("run.bat", "application/x-msdownload", BAT, "text/plain", ".txt", "run.bat.txt"),
        ("invoice.pdf.html", "text/html", png_bytes(), "image/png", ".png", "invoice.pdf.html.png"),
        ("photo.jpg", "image/jpeg", PDF, "application/pdf", ".pdf", "photo.jpg.pdf"),
    ],
)
def test_an_attachment_is_stored_under_the_extension_of_its_real_kind(
    support, name, declared, data, judged, extension, downloaded_as
):
    attachment = attachments_of([(name, declared, data)])[name]
    assert attachment.content_type == judged
    assert PurePath(attachment.file.name).suffix == extension
    assert attachment.download_name == downloaded_as
    with attachment.file.open("rb") as stored:
        assert stored.read() == data  # kept as it came


def test_opaque_data_keeps_the_declared_kind_unless_it_claims_to_be_shown(support):
    files = attachments_of(
        [
            ("data.7z", "application/x-7z-compressed", b"\x00\x01\x02\x03" * 64),
            ("fake.png", "image/png", b"\x00\x01\x02\x03" * 64),
        ]
    )
    assert files["data.7z"].content_type == "application/x-7z-compressed"
    assert files["fake.png"].content_type == "application/octet-stream"
    assert not files["fake.png"].is_image


@pytest.mark.parametrize(
    ("name", "declared", "data"),
    [
        ("notes.svg", "image/svg+xml", SVG),
        ("page.html", "text/html", HTML),
        ("a.pdf", "application/pdf", PDF),
    ],
)
def test_only_raster_images_are_ever_served_inline(client, support, name, declared, data):
    attachment = attachments_of([(name, declared, data)])[name]
    client.force_login(attachment.message.ticket.requester)
    response = client.get(f"/files/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_path_and_a_bidi_override_in_the_sent_name_are_removed(support):
    [attachment] = attachments_of(
        [("..\\..\\evil\u202egnp.exe", "image/png", png_bytes())]
    ).values()
    assert attachment.filename == "evilgnp.exe"
    assert attachment.download_name == "evilgnp.exe.png"
