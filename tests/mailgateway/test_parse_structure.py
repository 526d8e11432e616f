"""Bodies and attachments: HTML-only mail, inline images, forwarded mail, winmail.dat,
every attachment kept, parser limits, and no mail that makes the parser fail (R13; issue 5)."""

from __future__ import annotations

import hashlib
import io
import json
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from mailgateway import parse as parse_module
from mailgateway import payloads
from mailgateway.headers import MAX_HEADER_CHARS
from mailgateway.parse import parse
from tests.mailgateway.mails import plain, raw, with_attachments


def test_plain_mail_summary_fields():
    """The standard library (compat32) encodes this whole From header, address included,
    as one encoded word: real mail programs do it too, and the address is still found."""
    mail = parse(
        plain(
            sender='"Иван Петров" <Ivan.Petrov@Example.RU>',
            to="Support <SUPPORT@helpdesk.example>, sales@helpdesk.example",
            headers={
                "Cc": "Boss <boss@example.ru>",
                "In-Reply-To": "<a@x>",
                "References": "<r1@x> <a@x>",
                "Delivered-To": "support@helpdesk.example",
            },
            message_id="<abc@example.ru>",
        ),
        envelope_recipients=["support+t1@helpdesk.example"],
    )
    assert (mail.from_email, mail.from_name) == ("ivan.petrov@example.ru", "Иван Петров")
    assert mail.to == ("support@helpdesk.example", "sales@helpdesk.example")
    assert mail.cc == ("boss@example.ru",)
    assert mail.delivered_to == ("support+t1@helpdesk.example", "support@helpdesk.example")
    assert (mail.message_id, mail.in_reply_to, mail.references) == (
        "<abc@example.ru>",
        "<a@x>",
        ("<r1@x>", "<a@x>"),
    )
    assert mail.thread_ids == ("<a@x>", "<r1@x>")
    assert mail.date.isoformat() == "2023-11-14T22:13:20+00:00"


def test_html_only_mail_is_sanitized_and_gives_its_text():
    html = (
        "<html><head><style>body{color:red}</style><script>alert(1)</script></head><body>"
        "<p onclick='steal()'>Привет, <b>сервер</b> упал.</p><img src='https://tracker.example/x.gif'>"
        "<a href='javascript:alert(1)'>click</a><a href='https://ok.example/'>ok</a>"
        "<blockquote>old text</blockquote></body></html>"
    )
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content(html, subtype="html")
    mail = parse(message.as_bytes())
    assert "script" not in mail.html and "alert(1)" not in mail.html
    assert "onclick" not in mail.html and "tracker.example" not in mail.html
    assert "color:red" not in mail.html
    assert "<b>сервер</b>" in mail.html and 'href="https://ok.example/"' in mail.html
    assert mail.text.splitlines()[0] == "Привет, сервер упал."
    assert "> old text" in mail.text


def test_inline_images_keep_their_content_id_and_their_cid_reference():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("See the picture")
    message.add_alternative('<p>See <img src="cid:pic1@x"></p>', subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG...", "image", "png", cid="<pic1@x>")
    mail = parse(message.as_bytes())
    assert 'src="cid:pic1@x"' in mail.html
    [image] = mail.attachments
    assert (image.content_type, image.content_id, image.inline) == ("image/png", "pic1@x", True)
    assert mail.text == "See the picture"


def test_forwarded_messages_and_winmail_dat_are_kept_as_attachments():
    inner = plain(subject="Original", body="The forwarded text")
    outer = with_attachments(
        text="Forwarding this",
        files=[("winmail.dat", "application/ms-tnef", b"\x78\x9f\x3e\x22tnef")],
    )
    mail = parse(outer)
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("winmail.dat", "application/ms-tnef")
    ]
    forwarded = raw(
        "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: text/plain\n\nFYI\n--b\nContent-Type: message/rfc822\n\n"
        + inner.decode()
        + "\n--b--",
        b"",
    )
    mail = parse(forwarded)
    assert mail.text == "FYI"
    [attachment] = mail.attachments
    assert (attachment.filename, attachment.content_type) == (None, "message/rfc822")
    assert parse(attachment.content).text == "The forwarded text"
    assert attachment.storage_name() == "Original.eml"  # issue 12: named after its subject


def test_every_attachment_is_kept_whatever_its_type():
    files = [
        ("setup.exe", "application/x-msdownload", b"MZ\x90\x00"),
        ("Архив.zip", "application/zip", b"PK\x03\x04"),
        (
            "report.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
        ("notes.txt", "text/plain", "Заметки".encode()),
    ]
    mail = parse(with_attachments(files=files))
    assert [(a.filename, a.content_type, a.content) for a in mail.attachments] == [
        (name, ctype, data) for name, ctype, data in files
    ]
    assert mail.attachments[1].sha256 == hashlib.sha256(b"PK\x03\x04").hexdigest()


def test_deep_nesting_is_cut_at_the_limit_without_failing(monkeypatch):
    monkeypatch.setattr(parse_module, "MAX_DEPTH", 5)
    head = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n"
    body = ""
    for level in range(1, 12):
        body += f"--b{level - 1}\nContent-Type: multipart/mixed; boundary=b{level}\n\n"
    body += "--b11\nContent-Type: text/plain\n\ndeep text\n"
    mail = parse(raw(head + body, b""))
    assert any("nesting deeper" in d for d in mail.defects)


def test_too_many_parts_stop_at_the_limit(monkeypatch):
    monkeypatch.setattr(parse_module, "MAX_PARTS", 10)
    files = [(f"f{i}.txt", "application/octet-stream", b"x") for i in range(30)]
    mail = parse(with_attachments(files=files))
    assert len(mail.attachments) < 10
    assert any("MIME parts" in d for d in mail.defects)


def test_decoded_size_limit_drops_attachments_visibly(monkeypatch):
    monkeypatch.setattr(payloads, "MAX_DECODED_BYTES", 1000)
    files = [
        ("small.bin", "application/octet-stream", b"x" * 100),
        ("big.bin", "application/octet-stream", b"y" * 5000),
    ]
    mail = parse(with_attachments(files=files))
    assert [a.filename for a in mail.attachments] == ["small.bin"]
    assert mail.dropped == ("big.bin",)


def test_address_lists_are_capped():
    many = ", ".join(f"p{i}@example.com" for i in range(600))
    mail = parse(raw(f"From: a@example.com\nTo: {many}"))
    assert len(mail.to) == 500
    assert any("more than 500 addresses" in d for d in mail.defects)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\xff\xfe garbage \x80\x81",
        b"Subject: =?utf-8?B?####?=\n\n",
        b"Content-Type: multipart/mixed\n\nno boundary at all",
        b"Content-Type: text/plain; charset=no-such-charset\n\n\xd0\x9f\xd1\x80\xd0\xb8",
        b'From: <<<@@@>>>, "unterminated\nDate: yesterday\n\nbody',
        b"Content-Type: multipart/mixed; boundary=x\n\n--x\n"
        b"Content-Type: message/rfc822\n\n\xff\n--x--",
    ],
)
def test_malformed_mail_never_makes_the_parser_fail(data):
    mail = parse(data)
    assert isinstance(mail.text, str)


def test_parse_email_prints_the_summary_as_json(tmp_path):
    path = tmp_path / "m.eml"
    path.write_bytes(plain(subject="Привет", body="Текст"))
    out = io.StringIO()
    call_command("parse_email", str(path), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["subject"], summary["text"], summary["html"]) == ("Привет", "Текст", None)
    assert summary["classification"] == "normal"


def test_parse_email_fails_only_on_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("parse_email", str(tmp_path / "missing.eml"), "--json")


def test_a_large_attachment_decodes_exactly_through_the_lazy_path():
    data = bytes(range(256)) * 8192  # 2 MB
    mail = parse(with_attachments(files=[("big.bin", "application/octet-stream", data)]))
    assert mail.attachments[0].content == data
    assert mail.text == "See the attached files."


def test_a_large_attachment_inside_a_forwarded_mail_is_kept_whole():
    """The base64 run sits inside a message/rfc822 part: the lazy path gives way to a plain
    parse and the forwarded mail keeps its attachment."""
    data = bytes(range(256)) * 8192
    inner = with_attachments(files=[("big.bin", "application/octet-stream", data)])
    outer = raw(
        "From: a@example.com\nContent-Type: multipart/mixed; boundary=outer\n\n--outer\n"
        "Content-Type: text/plain\n\nFYI\n--outer\nContent-Type: message/rfc822\n\n",
        inner + b"\n--outer--\n",
    )
    mail = parse(outer)
    [forwarded] = mail.attachments
    assert parse(forwarded.content).attachments[0].content == data


def test_huge_headers_are_cut_at_the_limit():
    mail = parse(raw(f"From: a@example.com\nSubject: {'Ж' * 70000}\nX-Junk: {'x' * 300000}"))
    assert len(mail.subject) == MAX_HEADER_CHARS // 2  # Ж is two raw bytes
    assert "header value too long: truncated" in mail.defects
    assert "headers larger than the limit: long values truncated" in mail.defects
