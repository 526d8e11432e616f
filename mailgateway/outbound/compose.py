"""Composing outgoing mail: one function per kind of mail (STYLE.md, healthchecks' emails module).

Each renders templates/emails/<kind>-subject.txt, -body.txt and -body.html in the
recipient's language and returns a Draft: the finished MIME message plus what the outbox
needs to know about it. Nothing here sends or writes to the database.

Messages are built with the standard library's email.mime classes: non-ASCII display
names and subjects become RFC 2047 encoded words (email.header.Header, told the header's
name so that the first line is folded right: Django 5.2's builder leaves "Subject:" empty
and puts the Cyrillic on a continuation line, which some readers show with a leading
blank), file names RFC 2231 parameters, non-ASCII bodies base64. The modern API
(policy.SMTP) does the same but parses every header it is given: two milliseconds a mail,
paid inside the transaction of every new ticket.

Headers follow MAIL.md: every mail carries our loop header and a signed Message-ID;
automatic mail also carries Auto-Submitted, X-Auto-Response-Suppress and Precedence; a
human agent's reply carries no Auto-Submitted, so the customer's auto-responder may answer
it (and our gateway then recognises the answer as automatic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.encoders import encode_base64
from email.header import Header
from email.message import Message as MimeMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import cast

from django.conf import settings
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from mailgateway import identity
from mailgateway.outbound.models import OutboundMail
from tickets.mail import MailKind as Kind
from tickets.mail import message_id_root
from tickets.models import INTERNAL_KINDS, Department, Message, Ticket

REFERENCES_MAX = 20


AUTOMATIC_KINDS = frozenset(
    {
        Kind.ACKNOWLEDGEMENT,
        Kind.SOLVED,
        Kind.REJECTED,
        Kind.AGENT_NEW_TICKET,
        Kind.AGENT_CUSTOMER_REPLY,
        Kind.AGENT_ASSIGNED,
        Kind.AGENT_DIGEST,
        Kind.OVERSIZE,
        Kind.AGENT_UNVERIFIED,
        Kind.MANAGER_ESCALATION,
        Kind.MANAGER_BAD_RATING,
    }
)
AGENT_KINDS = frozenset(
    {
        Kind.AGENT_NEW_TICKET,
        Kind.AGENT_CUSTOMER_REPLY,
        Kind.AGENT_ASSIGNED,
        Kind.AGENT_UNVERIFIED,
        Kind.MANAGER_ESCALATION,
        Kind.MANAGER_BAD_RATING,
    }
)
# Mail a person asked for (issue 14): outside the loop limit, with a cap of its own.
ACCOUNT_KINDS = frozenset(
    {"account-verify", "account-reset", "account-invitation", "account-exists"}
)


@dataclass
class Draft:
    kind: str
    mime: MimeMessage
    ticket: Ticket | None
    # The envelope: who the mail is from (bounces come back there) and to.
    sender: str
    recipients: list[str]
    message: Message | None = None
    # The person the mail is for, when it is one person (access is checked at send time).
    recipient: User | None = None
    automatic: bool = False

    @property
    def message_id(self) -> str:
        return str(self.mime["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.mime["Subject"])

    def as_bytes(self) -> bytes:
        return self.mime.as_bytes()

    def attach(self, filename: str, data: bytes, content_type: str) -> None:
        """Adds a file; the mail becomes multipart/mixed around its text and HTML."""
        if self.mime.get_content_subtype() != "mixed":
            mixed = MIMEMultipart("mixed")
            for name, value in self.mime.items():
                if name.lower() not in (
                    "content-type",
                    "mime-version",
                    "content-transfer-encoding",
                ):
                    mixed[name] = value
            body = self.mime
            for name in list(body.keys()):
                if name.lower() not in ("content-type", "content-transfer-encoding"):
                    del body[name]
            mixed.attach(body)
            self.mime = mixed
        maintype, _, subtype = content_type.partition("/")
        part = MIMEBase(maintype or "application", subtype or "octet-stream")
        part.set_payload(data)
        encode_base64(part)
        # Non-ASCII names as RFC 2231 parameters (charset, language, value).
        param: str | tuple[str, str, str] = (
            filename if filename.isascii() else ("utf-8", "", filename)
        )
        part.add_header("Content-Disposition", "attachment", filename=param)
        self.mime.attach(part)


def address_of(name: str, email: str) -> str:
    """ "Name <address>", the name as an RFC 2047 encoded word where it is not ASCII."""
    return formataddr((name or "", email), charset="utf-8")


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def sender(ticket: Ticket) -> tuple[str, str]:
    """The department's name (in the active language) and address (R12); the default sender
    when it has none."""
    department = ticket.department
    address = department.sender_address or settings.DEFAULT_FROM_EMAIL
    return department.local_sender_name or department.local_name, address


def reply_sender_name(ticket: Ticket, author: User | None) -> str:
    """ "Anna Kowalski, Hosting Example Support": who answered (R8), when the department
    shows its agents' names (Department.agent_name_in_mail)."""
    name = sender(ticket)[0]
    if author is None or not author.is_agent or not ticket.department.agent_name_in_mail:
        return name
    return f"{author.display_name}, {name}" if name else author.display_name


def notification_sender(ticket: Ticket | None) -> str:
    """Where agents' notifications come from (issue 12): MAIL_NOTIFY_FROM, else the
    department's sender address, else DEFAULT_FROM_EMAIL; never an address @localhost,
    which many mail servers refuse and no agent can answer."""
    address = settings.MAIL_NOTIFY_FROM or (
        ticket.department.sender_address if ticket is not None else ""
    )
    address = address or settings.DEFAULT_FROM_EMAIL
    local, _, domain = address.rpartition("@")
    if domain.lower() in ("localhost", "localhost.localdomain", ""):
        address = f"{local or 'helpdesk'}@{settings.HELPDESK_MAIL_DOMAIN}"
    return address


def thread_root(ticket: Ticket, first_id: str | None) -> str:
    """The first Message-ID of the ticket's one conversation (issue 12): the customer's
    first mail when a mail opened the ticket, else the ticket's stable synthetic root
    (tickets.mail.message_id_root), which the acknowledgement of a web ticket carries."""
    if first_id and identity.message_id_ticket(first_id) is None:
        return first_id
    return message_id_root(ticket.number)


def _public_ids(ticket: Ticket) -> list[str]:
    return list(
        ticket.messages.exclude(kind__in=INTERNAL_KINDS)
        .exclude(message_id="")
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )


def _thread(ticket: Ticket, ids: list[str]) -> dict[str, str]:
    root = thread_root(ticket, ids[0] if ids else None)
    chain = [root, *(mid for mid in ids if mid != root)]
    references = chain[:1] + chain[1:][-(REFERENCES_MAX - 1) :]
    return {"In-Reply-To": chain[-1], "References": " ".join(references)}


def thread_headers(ticket: Ticket, answering: Message | None) -> dict[str, str]:
    """In-Reply-To the message answered (the latest public one that has an ID) and References
    from the thread's root through its IDs, so that mail clients show one conversation and
    our gateway threads the answer."""
    ids = _public_ids(ticket)
    if answering is not None and answering.message_id in ids:
        ids = ids[: ids.index(answering.message_id) + 1]
    return _thread(ticket, ids)


def _headers(ticket: Ticket | None, automatic: bool, message_id: str = "") -> dict[str, str]:
    headers = {
        "Message-ID": message_id or identity.message_id_new(ticket.number if ticket else 0),
        identity.LOOP_HEADER: identity.instance_id(),
    }
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
        headers["Precedence"] = "bulk"
    return headers


def render_plain(template_name: str, context: dict) -> str:
    """A text/plain part or a header: rendered with autoescape off, whatever the template
    says, so that `Can't pay <invoice> & "more"` reaches the reader as written (issue 14).
    HTML parts go through render_to_string and stay escaped."""
    template = cast(DjangoTemplate, get_template(template_name)).template
    return template.render(Context(context, autoescape=False))


def _render(name: str, context: dict) -> tuple[str, str, str]:
    subject = " ".join(render_plain(f"emails/{name}-subject.txt", context).split())
    text = render_plain(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    return subject, text, html


def _text(content: str, subtype: str) -> MIMEText:
    """Plain ASCII goes as it is; anything else as UTF-8 in base64, safe through any relay."""
    return MIMEText(content, subtype, "us-ascii" if content.isascii() else "utf-8")


def _header(name: str, value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8", header_name=name)


def _mime(
    *,
    subject: str,
    text: str,
    html: str,
    from_address: str,
    to: list[str],
    cc: Sequence[str] = (),
    reply_to: str = "",
    headers: dict[str, str],
) -> MimeMessage:
    mime = MIMEMultipart("alternative")
    # A Header object (encoded words) is what compat32 messages take; typeshed says str.
    mime["Subject"] = _header("Subject", subject)  # type: ignore[assignment]
    mime["From"] = from_address
    mime["To"] = ", ".join(to)
    if cc:
        mime["Cc"] = ", ".join(cc)
    if reply_to:
        mime["Reply-To"] = reply_to
    mime["Date"] = format_datetime(timezone.now())
    for name, value in headers.items():
        mime[name] = value
    mime.attach(_text(text, "plain"))
    mime.attach(_text(html, "html"))
    return mime


def ticket_subject(ticket: Ticket) -> str:
    """[#1042] Subject: the tag our gateway and people recognise (MAIL.md rule 9c)."""
    return f"[#{ticket.number}] {ticket.subject}"


def conversation_subject(ticket: Ticket, *, root: bool = False) -> str:
    """The one subject of every mail a customer gets about a ticket (issue 12): "Re:
    Subject [#1042]", so that mail programs that thread by subject keep the
    acknowledgement, the replies and the solved mail with the customer's first mail. The
    root of a web ticket's thread (its acknowledgement) has no "Re:"."""
    tagged = f"{ticket.subject} [#{ticket.number}]"
    return tagged if root else f"Re: {tagged}"


def _customer_mail(
    *,
    kind: str,
    ticket: Ticket,
    recipient: User,
    context: dict,
    cc: Sequence[User] = (),
    thread: dict[str, str],
    message: Message | None = None,
    message_id: str = "",
    author: User | None = None,
) -> Draft:
    """A mail to the customer, in his language, in the ticket's one conversation."""
    automatic = kind in AUTOMATIC_KINDS
    with translation.override(recipient.language):
        name, from_email = sender(ticket)
        if author is not None:
            name = reply_sender_name(ticket, author)
        root = bool(message_id) and message_id == message_id_root(ticket.number)
        subject, text, html = _render(
            kind,
            {
                "ticket": ticket,
                "recipient": recipient,
                "department": ticket.department,
                "ticket_url": site_link(reverse("portal:ticket", args=[ticket.number])),
                "subject_line": conversation_subject(ticket, root=root),
                **context,
            },
        )
    headers = {**_headers(ticket, automatic, message_id), **thread}
    mime = _mime(
        subject=subject,
        text=text,
        html=html,
        from_address=address_of(name, from_email),
        to=[address_of(recipient.name, recipient.email)],
        cc=[address_of(person.name, person.email) for person in cc],
        reply_to=identity.reply_address(from_email, ticket.number),
        headers=headers,
    )
    return Draft(
        kind=kind,
        mime=mime,
        ticket=ticket,
        sender=from_email,
        recipients=[recipient.email, *(person.email for person in cc)],
        message=message,
        recipient=recipient,
        automatic=automatic,
    )


def reply(
    message: Message, *, to: User, cc: Sequence[User] = (), rating: dict[str, str] | None = None
) -> Draft:
    """An agent's public answer, as ordinary correspondence (R6, R8, R12, R13); `rating`
    holds the rating links when the answer solves the ticket. The mail carries the
    Message-ID the reply service gave the message, and threads below the message it
    answers (none of the messages written after it, nor the reply itself)."""
    answering = (
        message.ticket.messages.filter(created_at__lte=message.created_at)
        .exclude(kind__in=INTERNAL_KINDS)
        .exclude(pk=message.pk)
        .exclude(message_id="")
        .order_by("-created_at", "-id")
        .first()
    )
    ticket = message.ticket
    author = message.author
    signer = (
        author.display_name
        if author is not None and author.is_agent and ticket.department.agent_name_in_mail
        else ""
    )
    draft = _customer_mail(
        kind=Kind.REPLY,
        ticket=ticket,
        recipient=to,
        cc=list(cc),
        context={"message": message, "author": author, "signer": signer, **(rating or {})},
        thread=(
            thread_headers(ticket, answering) if answering is not None else _thread(ticket, [])
        ),
        message=message,
        message_id=message.message_id,
        author=author,
    )
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as stored:
            draft.attach(attachment.download_name, stored.read(), attachment.content_type)
    return draft


def acknowledgement(ticket: Ticket, first: Message) -> Draft:
    """Confirmation of receipt with the ticket's number (P6). It answers the customer's
    first mail; a ticket opened on the web has none, so its acknowledgement is the root of
    the conversation and carries the ticket's synthetic root Message-ID (issue 12)."""
    root = thread_root(ticket, first.message_id)
    if root == first.message_id:
        thread, message_id = {"In-Reply-To": root, "References": root}, ""
    elif not OutboundMail.objects.filter(message_id=root).exists():
        thread, message_id = {}, root
    else:  # acknowledged once already (a ticket re-filed): still in the thread
        thread, message_id = {"In-Reply-To": root, "References": root}, ""
    return _customer_mail(
        kind=Kind.ACKNOWLEDGEMENT,
        ticket=ticket,
        recipient=ticket.requester,
        context={"first_message": first},
        thread=thread,
        message=first,
        message_id=message_id,
    )


def solved(ticket: Ticket, *, rate_good_url: str, rate_bad_url: str) -> Draft:
    """The ticket is solved: one-click rating links (W4)."""
    return _customer_mail(
        kind=Kind.SOLVED,
        ticket=ticket,
        recipient=ticket.requester,
        context={"rate_good_url": rate_good_url, "rate_bad_url": rate_bad_url},
        thread=thread_headers(ticket, None),
    )


def agent_notification(
    kind: str,
    ticket: Ticket,
    agent: User,
    *,
    message: Message | None = None,
    extra: dict | None = None,
) -> Draft:
    """New ticket in my department, a customer answered my ticket, a ticket was assigned to
    me, mail from my address was filed as unverified.

    Its Reply-To is the department's address with a token signed for this ticket and this
    agent: a reply sent there is the agent's proof (docs/mail-trust.md rule 3)."""
    assert kind in AGENT_KINDS
    from_email = notification_sender(ticket)
    with translation.override(agent.language):
        department_name = ticket.department.local_name
        subject, text, html = _render(
            kind,
            {
                "ticket": ticket,
                "recipient": agent,
                "message": message,
                "ticket_url": site_link(reverse("staff:ticket", args=[ticket.number])),
                "subject_line": ticket_subject(ticket),
                **(extra or {}),
            },
        )
    mime = _mime(
        subject=subject,
        text=text,
        html=html,
        from_address=address_of(department_name, from_email),
        to=[address_of(agent.name, agent.email)],
        reply_to=identity.agent_reply_address(sender(ticket)[1], ticket.number, agent.pk),
        headers=_headers(ticket, automatic=True),
    )
    return Draft(
        kind=kind,
        mime=mime,
        ticket=ticket,
        sender=from_email,
        recipients=[agent.email],
        message=message,
        recipient=agent,
        automatic=True,
    )


@dataclass
class DigestItem:
    """One held notification in a digest: its subject line and the ticket's staff page."""

    subject: str
    url: str


def agent_digest(agent: User, held: list[tuple[str, Ticket]]) -> Draft:
    """The notifications held past an agent's per-minute limit, in one mail (issue 14):
    `held` gives each one's subject line and ticket."""
    items = [
        DigestItem(subject, site_link(reverse("staff:ticket", args=[ticket.number])))
        for subject, ticket in held
    ]
    with translation.override(agent.language):
        subject, text, html = _render(
            Kind.AGENT_DIGEST, {"recipient": agent, "items": items, "subject_line": ""}
        )
    mime = _mime(
        subject=subject,
        text=text,
        html=html,
        from_address=address_of("", notification_sender(None)),
        to=[address_of(agent.name, agent.email)],
        headers=_headers(None, automatic=True),
    )
    return Draft(
        kind=Kind.AGENT_DIGEST,
        mime=mime,
        ticket=None,
        sender=notification_sender(None),
        recipients=[agent.email],
        recipient=agent,
        automatic=True,
    )


def account(name: str, user: User, context: dict) -> Draft:
    """An account mail (address confirmation, password reset, invitation): automatic."""
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    with translation.override(user.language):
        subject, text, html = _render(name, context)
    mime = _mime(
        subject=subject,
        text=text,
        html=html,
        from_address=address_of("", settings.DEFAULT_FROM_EMAIL),
        to=[address_of(user.name, user.email)],
        headers=_headers(None, automatic=True),
    )
    return Draft(
        kind=name,
        mime=mime,
        ticket=None,
        sender=settings.DEFAULT_FROM_EMAIL,
        recipients=[user.email],
        recipient=user,
        automatic=True,
    )


def rejected(
    *, address: str, name: str, subject: str, in_reply_to: str, department: Department
) -> Draft:
    """To a sender the department does not accept: where to register or whom to ask."""
    context = {
        "name": name,
        "subject": subject,
        "department": department,
        "signup_url": site_link(reverse("accounts:signup")),
    }
    with translation.override(settings.LANGUAGE_CODE):
        rendered = _render(Kind.REJECTED, context)
    return _notice(Kind.REJECTED, rendered, department, name, address, in_reply_to)


def oversize(
    *,
    address: str,
    name: str,
    subject: str,
    in_reply_to: str,
    department: Department | None,
    language: str,
) -> Draft:
    """To the sender of a mail kept in quarantine for its size (MAIL.md rule 9)."""
    context = {
        "name": name,
        "subject": subject,
        "department": department,
        "limit_mb": settings.MAIL_MAX_MESSAGE_SIZE // (1024 * 1024),
    }
    with translation.override(language):
        rendered = _render(Kind.OVERSIZE, context)
    return _notice(Kind.OVERSIZE, rendered, department, name, address, in_reply_to)


def _notice(
    kind: str,
    rendered: tuple[str, str, str],
    department: Department | None,
    name: str,
    address: str,
    in_reply_to: str,
) -> Draft:
    """An automatic notice to the sender of a mail we did not file, answering that mail,
    from its department (or the helpdesk's own address when it has none)."""
    if department is not None:
        sender_name = department.local_sender_name or department.local_name
        from_email = department.sender_address or settings.DEFAULT_FROM_EMAIL
    else:
        sender_name, from_email = "", settings.DEFAULT_FROM_EMAIL
    subject_line, text, html = rendered
    headers = _headers(None, automatic=True)
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    mime = _mime(
        subject=subject_line,
        text=text,
        html=html,
        from_address=address_of(sender_name, from_email),
        to=[address_of(name, address)],
        headers=headers,
    )
    return Draft(
        kind=kind,
        mime=mime,
        ticket=None,
        sender=from_email,
        recipients=[address],
        automatic=True,
    )
