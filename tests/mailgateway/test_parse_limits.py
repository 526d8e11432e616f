"""A mail nested 1,000 levels deep or with 10,000 parts is filed cut short at the parser's
limits with a note for agents, never quarantined by a RecursionError (issue 14, "Limits in
the parser"; MAIL.md no-loss rule 4; R6).

The mails are built with the email package, as a hostile sender would.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from django.urls import reverse

from mailgateway import parse as parse_module
from mailgateway.models import InboundStatus
from mailgateway.parse import parse
from tests.mailgateway.conftest import receive
from tickets.models import INTERNAL_KINDS, MailPolicy

pytestmark = pytest.mark.django_db

DEEP = 1000
WIDE = 10_000


def _headers(mime, subject: str) -> None:
    mime["From"] = "Mallory <mallory@example.org>"
    mime["To"] = "support@helpdesk.example"
    mime["Subject"] = subject
    mime["Message-ID"] = f"<{subject}@example.org>"


def deep_multipart() -> bytes:
    """multipart/mixed inside multipart/mixed, 1,000 levels, the text at the bottom and a
    text part at the top. Written out with explicit boundaries, which as_bytes() could not
    do itself: the standard library's generator recurses too."""
    lines = []
    for level in range(DEEP):
        lines.append(f'Content-Type: multipart/mixed; boundary="level{level}"\n\n')
        lines.append(f"--level{level}\n")
        if level == 0:
            lines.append("Content-Type: text/plain\n\nThe top part.\n")
            lines.append("--level0\n")
    lines.append("Content-Type: text/plain\n\nThe bottom part.\n")
    lines += [f"--level{level}--\n" for level in reversed(range(DEEP))]
    head = (
        "From: Mallory <mallory@example.org>\nTo: support@helpdesk.example\n"
        "Subject: deep\nMessage-ID: <deep@example.org>\nMIME-Version: 1.0\n"
    )
    return (head + "".join(lines)).encode()


def deep_forwarded() -> bytes:
    """message/rfc822 inside message/rfc822, 1,000 levels (built without the generator)."""
    inner = "Content-Type: text/plain\nSubject: the innermost\n\nInnermost text.\n"
    for _level in range(DEEP):
        inner = f"Content-Type: message/rfc822\nSubject: forwarded\n\n{inner}"
    head = (
        "From: Mallory <mallory@example.org>\nTo: support@helpdesk.example\n"
        "Subject: forwarded\nMessage-ID: <forwarded@example.org>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="top"\n\n'
        "--top\nContent-Type: text/plain\n\nSee the forwarded mail.\n--top\n"
    )
    return (head + inner + "--top--\n").encode()


def wide() -> bytes:
    mime = MIMEMultipart("mixed")
    _headers(mime, "wide")
    for number in range(WIDE):
        mime.attach(MIMEText(f"Part number {number}.\n", "plain"))
    return mime.as_bytes()


def test_the_standard_parser_alone_fails_on_the_deep_mail():
    """What the cut protects against: Python's own parser recurses once per level."""
    import email

    with pytest.raises(RecursionError):
        email.message_from_bytes(deep_multipart())


def test_a_mail_nested_1000_levels_deep_parses_cut_at_the_depth_limit():
    mail = parse(deep_multipart())
    assert "The top part." in mail.text
    assert "The bottom part." not in mail.text
    assert parse_module.TOO_DEEP in mail.defects
    # The inner parts are kept whole as one attachment, not dropped.
    assert any(b"The bottom part." in a.content for a in mail.attachments)


def test_messages_forwarded_1000_levels_deep_parse_cut_at_the_depth_limit():
    mail = parse(deep_forwarded())
    assert "See the forwarded mail." in mail.text
    assert parse_module.TOO_DEEP in mail.defects
    [forwarded] = mail.attachments
    assert forwarded.content_type == "message/rfc822"
    assert b"Innermost text." in forwarded.content


def test_a_mail_with_10000_parts_keeps_the_parts_within_the_limit():
    mail = parse(wide())
    assert "Part number 0." in mail.text
    assert f"Part number {parse_module.MAX_PARTS - 1}." in mail.text
    assert f"Part number {parse_module.MAX_PARTS}." not in mail.text
    assert f"Part number {WIDE - 1}." not in mail.text
    assert parse_module.TOO_MANY in mail.defects


@pytest.mark.parametrize("build", [deep_multipart, deep_forwarded, wide])
def test_the_mail_becomes_a_ticket_with_a_note_for_agents(
    build, support, agent, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail = receive(build())
    assert mail.status == InboundStatus.DONE, mail.last_error
    assert "RecursionError" not in mail.last_error
    ticket = mail.ticket
    [note] = ticket.messages.filter(
        kind__in=INTERNAL_KINDS, body_text__contains="cut short at the parser's limits"
    )
    assert parse_module.TOO_DEEP in note.body_text or parse_module.TOO_MANY in note.body_text
    client.force_login(agent)
    page = client.get(reverse("staff:ticket", args=[ticket.number]))
    assert page.status_code == 200
    assert "cut short at the parser" in page.content.decode()


def test_the_admin_shows_the_cut_mail(admin_user, support, client):
    mail = receive(deep_multipart())
    client.force_login(admin_user)
    page = client.get(reverse("admin:mailgateway_inboundmail_change", args=[mail.pk]))
    assert page.status_code == 200
    raw = client.get(reverse("admin:mailgateway_inboundmail_raw", args=[mail.pk]))
    assert b"".join(raw.streaming_content if raw.streaming else [raw.content]) == deep_multipart()


def test_an_email_message_built_deep_by_the_email_package_is_cut_too():
    """The email package's own builder: 1,000 nested EmailMessage containers."""
    inner = EmailMessage()
    inner.set_content("Innermost words.")
    for _level in range(DEEP):
        outer = EmailMessage()
        outer.make_mixed()
        outer.attach(inner)
        inner = outer
    _headers(inner, "built")
    # Serialise level by level without recursion: each level's body is its child's bytes.
    raw = _serialise(inner)
    mail = parse(raw)
    assert parse_module.TOO_DEEP in mail.defects


def _serialise(message: EmailMessage) -> bytes:
    """The bytes of a deep chain of single-child multiparts, built iteratively."""
    chain = []
    while message.is_multipart():
        chain.append(message)
        message = message.get_payload()[0]
    body = message.as_bytes()
    for level, part in enumerate(reversed(chain)):
        boundary = f"chain{level}"
        head = "".join(
            f"{name}: {value}\n" for name, value in part.items() if name.lower() != "content-type"
        )
        body = (
            (
                f'{head}Content-Type: multipart/mixed; boundary="{boundary}"\n\n--{boundary}\n'
            ).encode()
            + body
            + f"\n--{boundary}--\n".encode()
        )
    return body


@pytest.mark.parametrize("build", [deep_multipart, deep_forwarded, wide])
def test_agents_see_a_rejected_deep_mail_decoded_and_can_accept_it(build, support, agent, client):
    """A registered-only department keeps a stranger's mail as rejected; the agent's
    decoded view parses it again, and accepting it files it: no RecursionError either."""
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    mail = receive(build())
    assert mail.status == InboundStatus.REJECTED, mail.last_error
    client.force_login(agent)
    page = client.get(reverse("staff:rejected_mail", args=[mail.pk]))
    assert page.status_code == 200
    client.post(reverse("staff:rejected_mail_accept", args=[mail.pk]))
    mail.refresh_from_db()
    assert mail.ticket is not None
