"""Every attachment has a useful name, and winmail.dat's text is the message's text when
the mail has none of its own (issue 12, R13)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mailgateway.parse import parse
from tests.mailgateway.corpus import CORPUS, read
from tests.mailgateway.mails import plain, raw


def multipart(*parts: str) -> bytes:
    body = "".join(f"--b\n{part}\n" for part in parts) + "--b--\n"
    head = "From: a@example.com\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
    return raw(head + "--b\nContent-Type: text/plain\n\nsee the parts\n" + body, b"")


def names(data: bytes) -> list[str]:
    return [a.storage_name() for a in parse(data).attachments]


@pytest.mark.parametrize(
    ("part", "name"),
    [
        ("Content-Type: image/gif\nContent-Disposition: attachment\n\nGIF89a", "image.gif"),
        ("Content-Type: text/html\nContent-Disposition: attachment\n\n<p>x</p>", "document.html"),
        ("Content-Type: application/pdf\n\n%PDF-1.4", "document.pdf"),
        ("Content-Type: audio/mpeg\n\nID3", "audio.mp3"),
        ("Content-Type: application/octet-stream\n\n\x00\x01", "attachment.bin"),
    ],
)
def test_a_nameless_part_is_named_after_its_type(part, name):
    """Issue 12: image.gif, document.html, never a nameless file."""
    assert names(multipart(part)) == [name]


@pytest.mark.parametrize(
    ("description", "content_type", "name"),
    [
        ("Screenshot of the error", "image/png", "Screenshot of the error.png"),
        ("=?utf-8?B?0KHRh9C10YI=?=", "application/pdf", "Счет.pdf"),
        ("report.xlsx", "application/octet-stream", "report.xlsx"),
        ("invoice.pdf", "application/pdf", "invoice.pdf"),
    ],
)
def test_a_nameless_part_is_named_after_its_description(description, content_type, name):
    """Issue 12: Content-Description, decoded, with the type's extension when it has none."""
    part = f"Content-Type: {content_type}\nContent-Description: {description}\n\ndata"
    assert names(multipart(part)) == [name]


def test_a_description_that_is_a_sentence_is_not_a_name():
    part = "Content-Type: image/png\nContent-Description: " + "very long " * 20 + "\n\ndata"
    assert names(multipart(part)) == ["image.png"]


def test_the_name_the_mail_gives_wins_over_the_description():
    part = 'Content-Type: image/png; name="error.png"\nContent-Description: Screenshot\n\nx'
    mail = parse(multipart(part))
    assert [(a.filename, a.storage_name()) for a in mail.attachments] == [
        ("error.png", "error.png")
    ]


def test_an_attached_mail_is_named_after_its_subject():
    """Issue 12: <subject>.eml, the subject decoded; a subject-less one message.eml."""
    inner = plain(subject="=?utf-8?B?0KHQsNC50YIg0L3QtSDRgNCw0LHQvtGC0LDQtdGC?=").decode()
    untitled = "From: b@example.com\n\nno subject here"
    data = multipart(
        f"Content-Type: message/rfc822\n\n{inner}", f"Content-Type: message/rfc822\n\n{untitled}"
    )
    assert names(data) == ["Сайт не работает.eml", "message.eml"]


def test_the_parts_of_a_delivery_report_are_named_for_what_they_hold():
    """Issue 12: delivery-status.txt, and the returned headers."""
    report = raw(
        "From: MAILER-DAEMON@example.com\nSubject: Undelivered\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
        "--r\nContent-Type: text/plain\n\nYour mail could not be delivered.\n"
        "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
        "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n\n"
        "--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: <x@helpdesk.example>\n--r--\n",
        b"",
    )
    assert names(report) == ["delivery-status.txt", "headers.txt"]


def winmail_only(stream: bytes) -> bytes:
    """Outlook's way: no text part at all, only the winmail.dat."""
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "Outlook"
    message.add_attachment(
        stream, maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    return message.as_bytes()


@pytest.mark.skipif(CORPUS is None, reason="the shared mail corpus is not here")
@pytest.mark.parametrize(
    ("stream", "start", "is_html"),
    [
        ("rtf.tnef", "aafgag'alga'kgk", False),  # compressed RTF only
        ("long-filename.tnef", "I've attached a temp. license for QARun 4.7.", False),
        ("body.tnef", "THE BILL OF RIGHTS", True),  # an HTML body
        ("triples.tnef", "Sample description", False),  # a plain body
    ],
)
def test_the_text_inside_winmail_dat_is_the_message_text_when_the_mail_has_none(
    stream, start, is_html
):
    """Issue 12: the RTF or HTML body of winmail.dat becomes the text."""
    mail = parse(winmail_only(read(f"mimekit/tnef/{stream}")))
    assert mail.text.startswith(start)
    assert "\x00" not in mail.text
    assert (mail.html is not None) == is_html
    assert mail.attachments[0].filename == "winmail.dat"


@pytest.mark.skipif(CORPUS is None, reason="the shared mail corpus is not here")
def test_a_mail_with_its_own_text_keeps_it_beside_winmail_dat():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("My own words")
    message.add_attachment(
        read("mimekit/tnef/rtf.tnef"),
        maintype="application",
        subtype="ms-tnef",
        filename="winmail.dat",
    )
    assert parse(message.as_bytes()).text == "My own words"
