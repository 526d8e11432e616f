"""Web uploads: kind from the bytes, size limit, sound images, names kept (R13, issue 2)."""

import io

import pytest
from django.core.exceptions import ValidationError

from tests.helpers import png_bytes
from tickets.uploads import check_upload, clean_filename

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def check(data: bytes, name: str):
    return check_upload(io.BytesIO(data), name)


def test_a_png_is_accepted_with_its_type_from_the_bytes():
    result = check(png_bytes(), "screen.png")
    assert result.content_type == "image/png"
    assert result.size == len(png_bytes())
    assert len(result.sha256) == 64


def test_a_png_named_like_a_pdf_is_stored_as_what_it_is():
    assert check(png_bytes(), "invoice.pdf").content_type == "image/png"


def test_html_named_png_is_rejected():
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    with pytest.raises(ValidationError) as error:
        check(html, "cute-cat.png")
    assert error.value.code == "type_not_allowed"
    assert "cute-cat.png" in error.value.messages[0]


def test_svg_is_rejected_even_though_it_is_text():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    with pytest.raises(ValidationError):
        check(svg, "logo.txt")


def test_a_broken_image_is_rejected():
    data = png_bytes()[:40]
    with pytest.raises(ValidationError) as error:
        check(data, "half.png")
    assert error.value.code in {"bad_image", "type_not_allowed"}


def test_an_oversized_file_is_rejected_with_a_clear_message(settings):
    settings.ATTACHMENT_MAX_SIZE = 1024
    with pytest.raises(ValidationError) as error:
        check(b"x" * 2048, "big.log")
    assert error.value.code == "too_large"
    assert error.value.messages == [
        "“big.log” is too large (2.0\xa0KB); files may be up to 1.0\xa0KB."
    ]


def test_the_size_message_is_translated(settings):
    from django.utils import translation

    settings.ATTACHMENT_MAX_SIZE = 1024
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        check(b"x" * 2048, "big.log")
    assert "слишком" in error.value.messages[0]


def test_empty_files_are_rejected():
    with pytest.raises(ValidationError):
        check(b"", "empty.txt")


def test_pdf_and_logs_are_accepted():
    assert check(PDF, "счёт.pdf").content_type == "application/pdf"
    log = b"2026-11-25 10:00:01 ERROR upstream timed out (110: Connection timed out)\n"
    assert check(log, "nginx-error.log").content_type == "text/plain"


def test_the_allowed_kinds_are_a_setting(settings):
    settings.ATTACHMENT_ALLOWED_TYPES = ["pdf"]
    with pytest.raises(ValidationError):
        check(png_bytes(), "screen.png")


def test_cyrillic_and_armenian_file_names_are_kept_exactly():
    assert check(png_bytes(), "Скриншот ошибки №2 (сервер).png").filename == (
        "Скриншот ошибки №2 (сервер).png"
    )
    assert clean_filename("Հաշիվ.pdf") == "Հաշիվ.pdf"


def test_file_names_lose_paths_and_control_characters():
    assert clean_filename("C:\\Users\\ivan\\отчёт.txt") == "отчёт.txt"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\r\n.txt") == "ab.txt"
    assert clean_filename("   ") == "attachment"
    long = "я" * 300 + ".pdf"
    assert len(clean_filename(long)) == 255 and clean_filename(long).endswith(".pdf")


def test_decompression_bombs_are_rejected(settings):
    from PIL import Image

    big = png_bytes(size=(4000, 4000), color="white")
    original = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = 1_000_000
    try:
        with pytest.raises(ValidationError):
            check(big, "bomb.png")
    finally:
        Image.MAX_IMAGE_PIXELS = original
