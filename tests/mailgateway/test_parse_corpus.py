"""Every message of the shared corpus parses, and matches the expectations that exist
(R4, R13; issue 5). Deliberate differences are listed, each with its reason."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mailgateway.html import html_to_text
from mailgateway.management.commands.parse_email import mail_summary
from mailgateway.parse import parse
from tests.mailgateway.corpus import CORPUS, expectations, manifest, needs_corpus, read

pytestmark = needs_corpus

SUMMARY_KEYS = {
    "from_email", "from_name", "to", "cc", "delivered_to", "subject", "date", "message_id",
    "in_reply_to", "references", "text", "html", "attachments", "classification", "defects",
}  # fmt: skip

# Where Stalwart's answer is its own parser's convention rather than the right one. For
# these, the test checks that nothing is lost: every expected body snippet is found in
# our text or in the bytes of an attachment we kept.
NESTED_BOUNDARY_CONFLICT = (
    "a nested multipart reuses or extends its parent's boundary; Python's MIME parser "
    "resolves the conflict differently from Dovecot/Stalwart, so parts fall on the other "
    "side of the body/attachment line (a part it cannot split is kept whole as an attachment)"
)
STALWART_DIFFERENCES = {
    "malformed_001.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_003.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_004.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_005.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_006.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_007.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_008.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_009.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_011.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_012.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_013.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_016.json": NESTED_BOUNDARY_CONFLICT,
    "malformed_017.json": (
        "the image's Content-Disposition is broken (';' then a folded filename): we still "
        "read its filename image001.png, Stalwart gives none"
    ),
    "malformed_019.json": (
        "headers are repeated and cut into each other; Stalwart shows the boundary lines as "
        "body text, we recover the subject and show the parts' text"
    ),
    "malformed_020.json": (
        "Stalwart finds no structure and shows raw MIME (boundaries, headers) as the body; "
        "we find the alternative parts and show their text"
    ),
    "malformed_021.json": "as malformed_020: we show the text, not the raw MIME",
    "rfc_004.json": (
        "parts of a multipart/digest without a Content-Type are message/rfc822 "
        "(RFC 2046 5.1.5); Stalwart calls them text/plain"
    ),
    "thirdparty_007.json": "multipart/digest parts default to message/rfc822 (RFC 2046 5.1.5)",
    "thirdparty_012.json": NESTED_BOUNDARY_CONFLICT,
    "thirdparty_002.json": (
        "text/plain parts without a file name after the first are body text under RFC 8621 "
        "4.1.4 (we append them to the text); Stalwart lists the last as an attachment"
    ),
    "thirdparty_015.json": (
        "three forwarded message/rfc822 parts each carry an unterminated inner multipart; "
        "Stalwart lets the first swallow the other two, we keep all three with their names"
    ),
}


def normalized(text: str) -> str:
    return " ".join((text or "").split())


def everything_readable(mail) -> str:
    """All the text a reader can reach: the body, the HTML's text, every attachment's bytes."""
    parts = [mail.text, html_to_text(mail.html or "")]
    parts += [a.content.decode("utf-8", "replace") for a in mail.attachments]
    return normalized("\n".join(parts))


@pytest.mark.parametrize("relative", manifest())
def test_every_corpus_message_parses_to_a_complete_summary(relative):
    summary = mail_summary(parse(read(relative)))
    assert set(summary) == SUMMARY_KEYS
    json.dumps(summary)  # serialisable as it is
    for attachment in summary["attachments"]:
        assert attachment["size"] >= 0 and len(attachment["sha256"]) == 64


def test_parse_email_command_prints_one_json_object_for_every_corpus_message():
    for relative in manifest():
        out = io.StringIO()
        call_command("parse_email", str(CORPUS / relative), "--json", stdout=out)
        assert json.loads(out.getvalue())["classification"]


def stalwart_cases() -> list[str]:
    if CORPUS is None:
        return []
    return sorted(p.name for p in (CORPUS / "stalwart" / "expected").glob("*.json"))


@pytest.mark.parametrize("name", stalwart_cases())
def test_stalwart_expectations(name):
    expected = expectations(f"stalwart/expected/{name}")
    mail = parse(read(f"stalwart/{expected['file']}"))
    different = name in STALWART_DIFFERENCES
    if "subject" in expected and name != "malformed_019.json":
        assert mail.subject == expected["subject"]
    if "from_email" in expected:
        assert mail.from_email == expected["from_email"]
    if "from_name" in expected:
        assert mail.from_name == expected["from_name"]
    if "to_emails" in expected and not different:
        assert list(mail.to) == expected["to_emails"]
    # Stalwart derives its body snippets from the HTML body where there is one.
    body = normalized(html_to_text(mail.html) if mail.html else mail.text)
    for snippet in expected.get("body_contains", []):
        if name in RAW_MIME_AS_BODY:
            continue  # Stalwart's snippets are raw MIME: see test_broken_alternative_*
        if different:
            assert normalized(snippet).split(" ")[0] in everything_readable(mail)
        else:
            assert normalized(snippet) in body or normalized(snippet) in normalized(mail.text)
    if expected.get("body_expected_empty") and not different:
        assert body == ""
    if "attachments" in expected and not different:
        wanted = [(a["filename"] or None, a["mime_type"]) for a in expected["attachments"]]
        assert [(a.filename, a.content_type) for a in mail.attachments] == wanted


RAW_MIME_AS_BODY = ("malformed_020.json", "malformed_021.json")


@pytest.mark.parametrize(
    ("relative", "html_text"),
    [("malformed/020.eml", "HTML Body"), ("malformed/021.eml", "áóúäöüß")],
)
def test_broken_alternative_shows_the_html_part_and_its_inline_image(relative, html_text):
    """The text/plain alternative's headers are glued to its parent's and its boundary is
    never closed: the HTML alternative and the image are shown, and the plain text, which
    the parser finds outside the parts, is kept as a text attachment."""
    mail = parse(read(f"stalwart/{relative}"))
    assert html_text in html_to_text(mail.html)
    assert 'src="cid:part1"' in mail.html
    kept = [(a.content_type, a.content_id) for a in mail.attachments]
    assert kept == [("text/plain", ""), ("image/png", "part1")]
    assert mail.attachments[0].content.decode().startswith(("Plain Text", "áóúäöüß"))


def test_every_documented_difference_is_a_real_stalwart_case():
    assert set(STALWART_DIFFERENCES) <= set(stalwart_cases())


def test_a_conflicting_boundary_loses_nothing():
    """The first of the differences, in detail: the body text is still in the mail."""
    mail = parse(read("stalwart/malformed/005.eml"))
    assert "body" in everything_readable(mail)
    assert "body2" in everything_readable(mail)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [(k, v) for k, v in expectations("expected-cyrillic.json").items() if not k.startswith("_")],
)
def test_cyrillic_expectations(relative, expected):
    """UTF-8 cut inside a character keeps every whole character and one U+FFFD (R4)."""
    mail = parse(read(relative))
    for key in ("subject", "from_email", "from_name"):
        if key in expected:
            assert getattr(mail, key) == expected[key]
    for snippet in expected.get("body_contains", []):
        assert snippet in mail.text
    if "attachments" in expected:
        assert [a.filename for a in mail.attachments] == expected["attachments"]


DJANGO_HELPDESK = "django-helpdesk/test_files/"


def test_django_helpdesk_czech_quoted_printable():
    """Their test also expects the HTML part as a follow-up attachment: that is their
    convention for HTML bodies; we keep it as the sanitized HTML body instead."""
    mail = parse(read(DJANGO_HELPDESK + "quoted_printable.eml"))
    assert mail.subject == "Český test"
    assert mail.text == "Tohle je test českých písmen odeslaných z gmailu."
    assert "Tohle je test českých písmen odeslaných z gmailu." in mail.html


def test_django_helpdesk_8bit_utf8():
    mail = parse(read(DJANGO_HELPDESK + "all-special-chars.eml"))
    assert (mail.subject, mail.text) == ("Testovácí email", "íářčšáíéřášč")


def test_django_helpdesk_undecodable_utf8_keeps_the_text():
    """The words are only in the HTML alternative: they expect them in the HTML kept as an
    attachment (their convention); we keep the sanitized HTML body."""
    mail = parse(read(DJANGO_HELPDESK + "utf-nondecodable.eml"))
    assert mail.subject == "Fwd: Cyklozaměstnavatel - změna vyhodnocení"
    assert "prosazuje lepší" in normalized(html_to_text(mail.html))
    assert "\ufffd" not in mail.text


def test_django_helpdesk_forwarded_message_keeps_the_forwarded_text():
    mail = parse(read(DJANGO_HELPDESK + "forwarded-message.eml"))
    assert mail.subject == "Test with original message from GitHub"
    assert "This is email body" in mail.text
    assert "Hello there!" in everything_readable(mail)


def test_django_helpdesk_blank_body_with_attachment():
    """Their title is cut to their model's length; ours keeps the subject whole (the ticket
    service shortens it to 255 characters when it opens the ticket)."""
    expected = expectations("django-helpdesk/expected.json")["blank-body-with-attachment.eml"]
    mail = parse(read(DJANGO_HELPDESK + "blank-body-with-attachment.eml"))
    assert mail.subject.startswith(expected["ticket.title_truncated_to_model_max_length"][:-3])
    assert mail.text == ""
    assert len(mail.attachments) == 1


def test_django_helpdesk_pgp_signed_mail_keeps_its_signature():
    mail = parse(read(DJANGO_HELPDESK + "pgp.eml"))
    assert "thanks for looking into this" in mail.text
    assert [a.content_type for a in mail.attachments] == ["application/pgp-signature"]
