"""An agent opens a ticket from mail his department rejected (issue 5, senders; P6, P7,
R10, R13): the pipeline's own way, so the message keeps its Message-ID, its files and the
link to the raw mail, and the mail is done."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from mailgateway.models import InboundMail, InboundStatus
from mailgateway.outbound.models import OutboundMail
from mailgateway.services import inbound_accept
from tests.factories import AgentFactory, CustomerFactory, open_ticket
from tests.helpers import png_bytes, subscribers_run
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import html_mail
from tests.mailgateway.mails import plain
from tickets.models import Channel, EventVerb, MailPolicy, MessageKind, Status, TicketEvent

pytestmark = pytest.mark.django_db

STRANGER = "Пётр Сидоров <petr@example.org>"


@pytest.fixture
def registered_only(support):
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    return support


def rejected(raw: bytes) -> InboundMail:
    mail = receive(raw)
    assert mail.status == InboundStatus.REJECTED, mail.last_error
    return mail


def test_accepting_makes_the_sender_a_customer_and_files_the_mail_as_the_pipeline_would(
    registered_only, agent
):
    raw = html_mail(sender=STRANGER, attachments=[("отчёт.png", "image/png", png_bytes())])
    mail = rejected(raw)
    OutboundMail.objects.all().delete()  # the polite rejection
    with subscribers_run():
        ticket = inbound_accept(actor=agent, mail=mail)

    requester = User.objects.get(email="petr@example.org")
    assert (requester.name, requester.role) == ("Пётр Сидоров", Role.CUSTOMER)
    assert (ticket.requester, ticket.department, ticket.channel, ticket.status) == (
        requester,
        registered_only,
        Channel.EMAIL,
        Status.NEW,
    )
    assert ticket.subject == "Панель управления: ошибка"
    message = ticket.messages.get()
    assert (message.kind, message.author, message.channel) == (
        MessageKind.CUSTOMER,
        requester,
        Channel.EMAIL,
    )
    assert message.message_id == mail.message_id_header
    assert "<img" in message.body_html and "После обновления" in message.body_text
    names = sorted(message.attachments.values_list("filename", flat=True))
    assert names == ["image001.png", "отчёт.png"]
    assert message.attachments.exclude(content_id="").count() == 1

    mail.refresh_from_db()
    assert mail.status == InboundStatus.DONE
    assert (mail.ticket, mail.message) == (ticket, message)
    opened = TicketEvent.objects.get(ticket=ticket, verb=EventVerb.OPENED)
    assert opened.actor == agent, "the audit trail names the agent who accepted it"
    ack = OutboundMail.objects.get(kind="acknowledgement")
    assert ack.recipients == ["petr@example.org"] and ack.ticket == ticket  # P6


def test_copied_people_join_as_they_would_have(registered_only, agent, customer):
    raw = plain(sender=STRANGER, headers={"Cc": f"Иван <{customer.email}>"})
    ticket = inbound_accept(actor=agent, mail=rejected(raw))
    assert list(ticket.participants.all()) == [customer]


def test_a_reply_to_someone_else_s_ticket_opens_a_linked_one(registered_only, agent, customer):
    """MAIL.md rule 9: a stranger never writes into another's ticket, even once accepted."""
    theirs = open_ticket(customer, registered_only, subject="Private")
    raw = plain(sender=STRANGER, subject=f"Re: [#{theirs.number}] Private")
    ticket = inbound_accept(actor=agent, mail=rejected(raw))
    assert ticket != theirs and ticket.linked_ticket == theirs
    assert theirs.messages.count() == 1


def test_a_manager_may_accept_too(registered_only, manager):
    ticket = inbound_accept(actor=manager, mail=rejected(plain(sender=STRANGER)))
    assert ticket.department == registered_only


def test_an_agent_of_another_department_may_not(registered_only, agent_other_department):
    mail = rejected(plain(sender=STRANGER))
    with pytest.raises(NotPermitted):
        inbound_accept(actor=agent_other_department, mail=mail)
    mail.refresh_from_db()
    assert mail.status == InboundStatus.REJECTED
    assert not User.objects.filter(email="petr@example.org").exists()


def test_a_mail_is_accepted_once(registered_only, agent):
    mail = rejected(plain(sender=STRANGER))
    first = inbound_accept(actor=agent, mail=mail)
    with pytest.raises(ActionNotAllowed):
        inbound_accept(actor=agent, mail=mail)
    assert first.messages.count() == 1
    assert InboundMail.objects.get(pk=mail.pk).ticket == first


def test_the_second_copy_of_the_same_mail_points_at_the_first_ticket(registered_only, agent):
    """MAIL.md rule 5: one mail, one ticket message, however often it came."""
    raw = plain(sender=STRANGER, message_id="<same@example.org>")
    one, two = rejected(raw), rejected(raw)
    ticket = inbound_accept(actor=agent, mail=one)
    assert inbound_accept(actor=agent, mail=two) == ticket
    two.refresh_from_db()
    assert (two.status, two.duplicate_of, two.message) == (InboundStatus.IGNORED, one, None)
    assert ticket.messages.count() == 1


def test_an_agent_s_own_address_stays_rejected_with_the_reason(registered_only, agent):
    colleague = AgentFactory(email="colleague@example.org", departments=[registered_only])
    mail = rejected(plain(sender=colleague.email))
    with pytest.raises(ActionNotAllowed, match="Agents answer tickets"):
        inbound_accept(actor=agent, mail=mail)
    mail.refresh_from_db()
    assert mail.status == InboundStatus.REJECTED


def test_a_deactivated_customer_stays_rejected(registered_only, agent):
    CustomerFactory(email="petr@example.org", is_active=False)
    mail = rejected(plain(sender=STRANGER))
    with pytest.raises(ActionNotAllowed):
        inbound_accept(actor=agent, mail=mail)
