"""The acknowledgement, every reply and the solved mail of a ticket are one conversation
in the customer's mail program: one subject, one References chain from the customer's
first mail (or, for a web ticket, a stable synthetic root); the agent's name in the From
and the signature (issue 12, R6, R8, R12, P6)."""

from __future__ import annotations

import email
from email import policy
from email.utils import getaddresses

import pytest

from mailgateway.identity import message_id_ticket
from mailgateway.outbound import compose
from mailgateway.outbound.models import OutboundMail
from tests.factories import open_ticket
from tests.helpers import committed
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets import services
from tickets.mail import MailKind, message_id_root
from tickets.models import Status

pytestmark = pytest.mark.django_db


def _mails(ticket) -> list[email.message.EmailMessage]:
    rows = OutboundMail.objects.filter(ticket=ticket, recipient=ticket.requester).order_by("id")
    return [email.message_from_bytes(bytes(row.mime), policy=policy.default) for row in rows]


def _conversation(ticket, agent) -> list[email.message.EmailMessage]:
    """Acknowledgement, two replies and the solved mail, as the customer gets them."""
    with committed():
        services.reply_add(actor=agent, ticket=ticket, body_text="First answer.")
    with committed():
        services.reply_add(actor=agent, ticket=ticket, body_text="Second answer.")
    with committed():
        services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    return _mails(ticket)


def test_a_web_tickets_mails_share_one_root_and_one_subject(customer, department, agent):
    with committed():
        ticket = open_ticket(customer, department, subject="Сайт не открывается")
    ack, first, second, solved = _conversation(ticket, agent)
    root = message_id_root(ticket.number)
    assert ack["Message-ID"] == root and ack["In-Reply-To"] is None
    assert message_id_ticket(root) == ticket.number  # signed: the gateway threads answers
    for mail in (first, second, solved):
        assert mail["References"].split()[0] == root
        assert mail["Subject"] == f"Re: Сайт не открывается [#{ticket.number}]"
    assert ack["Subject"] == f"Сайт не открывается [#{ticket.number}]"
    assert first["In-Reply-To"] == root
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"].split() == [root, first["Message-ID"]]
    assert solved["References"].split() == [root, first["Message-ID"], second["Message-ID"]]


def test_the_root_is_stable_and_belongs_to_one_ticket(customer, department):
    ticket = open_ticket(customer, department)
    assert message_id_root(ticket.number) == message_id_root(ticket.number)
    assert message_id_root(ticket.number) != message_id_root(ticket.number + 1)


def test_a_mail_tickets_mails_start_from_the_customers_first_mail(customer, department, agent):
    with committed():
        mail = receive(plain(sender=customer.email, message_id="<first@mail.example.ru>"))
    ticket = mail.ticket
    ack, first, second, solved = _conversation(ticket, agent)
    assert ack["In-Reply-To"] == "<first@mail.example.ru>"
    for later in (first, second, solved):
        assert later["References"].split()[0] == "<first@mail.example.ru>"
    subjects = {m["Subject"] for m in (ack, first, second, solved)}
    assert subjects == {f"Re: Server down [#{ticket.number}]"}


def test_an_answer_to_a_web_tickets_acknowledgement_threads(customer, department):
    with committed():
        ticket = open_ticket(customer, department)
    root = message_id_root(ticket.number)
    mail = receive(
        plain(sender=customer.email, subject="Re: whatever", headers={"In-Reply-To": root})
    )
    assert mail.ticket == ticket


def test_the_reply_names_the_agent_in_from_and_signature(customer, department, agent):
    department.sender_name = "Hosting Example Support"
    department.save()
    ticket = open_ticket(customer, department)
    message = services.reply_add(actor=agent, ticket=ticket, body_text="Done.")
    mime = email.message_from_bytes(
        compose.reply(message, to=customer).as_bytes(), policy=policy.default
    )
    assert getaddresses([str(mime["From"])]) == [
        ("Anna Agent, Hosting Example Support", department.sender_address)
    ]
    assert "Anna Agent\n--\nThe team" in mime.get_body(("plain",)).get_content()


def test_a_department_may_keep_its_agents_names_out_of_mail(customer, department, agent):
    department.sender_name = "Hosting Example Support"
    department.agent_name_in_mail = False
    department.save()
    ticket = open_ticket(customer, department)
    message = services.reply_add(actor=agent, ticket=ticket, body_text="Done.")
    mime = email.message_from_bytes(
        compose.reply(message, to=customer).as_bytes(), policy=policy.default
    )
    assert getaddresses([str(mime["From"])]) == [
        ("Hosting Example Support", department.sender_address)
    ]
    assert "Anna Agent" not in mime.get_body(("plain",)).get_content()


def test_agents_notifications_come_from_the_configured_address(
    customer, department, agent, settings
):
    settings.MAIL_NOTIFY_FROM = "notify@hosting.example"
    ticket = open_ticket(customer, department)
    draft = compose.agent_notification(MailKind.AGENT_NEW_TICKET, ticket, agent)
    assert draft.sender == "notify@hosting.example"
    assert getaddresses([str(draft.mime["From"])])[0][1] == "notify@hosting.example"


def test_agents_notifications_default_to_the_departments_address(customer, department, agent):
    ticket = open_ticket(customer, department)
    draft = compose.agent_notification(MailKind.AGENT_NEW_TICKET, ticket, agent)
    assert draft.sender == department.sender_address


def test_agents_notifications_never_come_from_localhost(customer, department, agent, settings):
    settings.DEFAULT_FROM_EMAIL = "helpdesk@localhost"
    settings.HELPDESK_MAIL_DOMAIN = "help.example"
    department.sender_address = ""
    department.save()
    ticket = open_ticket(customer, department)
    draft = compose.agent_notification(MailKind.AGENT_NEW_TICKET, ticket, agent)
    assert draft.sender == "helpdesk@help.example"
    assert "localhost" not in str(draft.mime["From"])
