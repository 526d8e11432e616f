"""Stored and served file names follow the kind judged from the bytes, never the name a
person gave (issue 14 "Uploads" and "PDFs"; R13).

A PNG called "invoice.pdf.html" is stored as ….png and downloads as ….png; the page shows
the name it was given, sanitised; PDFs and everything else that is not a raster image
download as application/octet-stream; every file response carries nosniff.
"""

from __future__ import annotations

import io
from pathlib import PurePath

import pytest
from PIL import Image

from tests.factories import open_ticket, upload
from tests.helpers import png_bytes
from tickets.models import Attachment
from tickets.uploads import clean_filename, download_name

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ISSUE_NAMES = ["invoice.pdf.html", "shell.phtml", "notes.svg", "run.bat"]


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, kind)
    return buffer.getvalue()


def stored(customer, department, data: bytes, name: str) -> Attachment:
    ticket = open_ticket(customer, department, attachments=[upload(data, name)])
    return ticket.messages.get().attachments.get()


def served(client, attachment: Attachment):
    response = client.get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    return response


@pytest.mark.parametrize("name", ISSUE_NAMES)
def test_an_allowed_png_with_a_dangerous_name_is_stored_and_served_as_png(
    client, customer, department, name
):
    attachment = stored(customer, department, png_bytes(), name)
    assert PurePath(attachment.file.name).suffix == ".png"
    assert attachment.filename == name  # kept, to show
    client.force_login(customer)
    response = served(client, attachment)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="{name}.png"'
    page = client.get(f"/tickets/{attachment.message.ticket.number}/").content.decode()
    assert f">{name}</span>" in page


@pytest.mark.parametrize(
    ("data", "name", "extension", "content_type"),
    [
        (png_bytes(), "photo.jpg", ".png", "image/png"),
        (image_bytes("GIF"), "animation.png", ".gif", "image/gif"),
        (image_bytes("JPEG"), "scan.gif", ".jpg", "image/jpeg"),
        (PDF, "contract.png", ".pdf", "application/pdf"),
        (PDF, "contract.exe", ".pdf", "application/pdf"),
    ],
)
def test_a_file_that_claims_another_extension_is_stored_under_its_real_one(
    customer, department, data, name, extension, content_type
):
    attachment = stored(customer, department, data, name)
    assert (PurePath(attachment.file.name).suffix, attachment.content_type) == (
        extension,
        content_type,
    )
    assert attachment.download_name == name + extension


def test_a_name_that_agrees_with_the_kind_is_kept(customer, department):
    attachment = stored(customer, department, image_bytes("JPEG"), "Фото.jpeg")
    assert PurePath(attachment.file.name).suffix == ".jpg"
    assert attachment.download_name == "Фото.jpeg"


def test_a_pdf_is_always_a_download_of_octet_stream(client, customer, department):
    attachment = stored(customer, department, PDF, "счёт.pdf")
    client.force_login(customer)
    response = served(client, attachment)
    assert response["Content-Type"] == "application/octet-stream"
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%D1%81%D1%87%D1%91%D1%82.pdf"
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_the_page_links_a_pdf_as_a_download(client, customer, department):
    attachment = stored(customer, department, PDF, "report.pdf")
    client.force_login(customer)
    page = client.get(f"/tickets/{attachment.message.ticket.number}/").content.decode()
    assert f'/files/{attachment.pk}/report.pdf?download=1" download>' in page


def test_every_file_response_is_sandboxed_and_nosniff(client, customer, department):
    attachment = stored(customer, department, png_bytes(), "shot.png")
    client.force_login(customer)
    for url in (f"/files/{attachment.pk}/", f"/files/{attachment.pk}/thumbnail/"):
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


def test_a_bidi_override_cannot_disguise_the_extension():
    """U+202E shows "invoice‮gpj.exe" as "invoiceexe.jpg"."""
    assert clean_filename("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert clean_filename("a\u200bb\u2066c\u2069.txt") == "abc.txt"


def test_an_overlong_name_keeps_its_judged_extension_on_download():
    name = download_name("я" * 300 + ".html", "image/png")
    assert len(name) == 255 and name.endswith(".html.png")


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("page.html", "text/html", "page.html.bin"),
        ("logo.svg", "image/svg+xml", "logo.svg.bin"),
        ("setup.exe", "application/x-dosexec", "setup.exe.bin"),
        ("run.bat", "text/plain", "run.bat.txt"),
        ("error.log", "text/plain", "error.log"),
        ("Договор.docx", "application/zip", "Договор.docx"),
        ("archive.7z", "application/x-7z-compressed", "archive.7z"),
    ],
)
def test_download_names_never_end_in_an_active_extension(name, content_type, expected):
    assert download_name(name, content_type) == expected
