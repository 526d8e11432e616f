"""Finding the thread, and who may add to it: MAIL.md rule 9, exactly (R6, P4; issue 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mailgateway.identity import agent_reply_address, message_id_new, reply_address
from mailgateway.models import InboundStatus
from mailgateway.parse import parse
from mailgateway.route import thread_for_ids
from tests.factories import CustomerFactory, open_ticket
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets import services
from tickets.models import Channel, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, support):
    """A ticket opened by mail, whose first message has a Message-ID we stored."""
    return receive(plain(sender=customer.email, message_id="<first@example.ru>")).ticket


def reply(customer, **kwargs):
    kwargs.setdefault("sender", customer.email)
    kwargs.setdefault("subject", "Re: Server down")
    return receive(plain(**kwargs))


def test_in_reply_to_a_stored_message_threads(ticket, customer):
    mail = reply(customer, headers={"In-Reply-To": "<first@example.ru>"})
    assert mail.ticket == ticket and ticket.messages.count() == 2


def test_references_thread_when_in_reply_to_is_unknown(ticket, customer):
    headers = {"In-Reply-To": "<unknown@x>", "References": "<first@example.ru> <unknown@x>"}
    assert reply(customer, headers=headers).ticket == ticket


def test_a_signed_message_id_of_ours_threads(ticket, customer):
    mid = message_id_new(ticket.number)
    assert reply(customer, headers={"In-Reply-To": mid}).ticket == ticket


def test_the_reply_token_in_the_recipient_threads(ticket, customer):
    to = reply_address("support@helpdesk.example", ticket.number)
    assert reply(customer, to=to, subject="no tag").ticket == ticket


def test_a_forged_reply_token_does_not_thread(ticket, customer):
    to = f"support+t{ticket.number}-000000000000@helpdesk.example"
    mail = reply(customer, to=to, subject="no tag")
    assert mail.ticket != ticket and mail.ticket.linked_ticket is None


def test_the_subject_tag_threads(ticket, customer):
    assert reply(customer, subject=f"Re: [#{ticket.number}] Server down").ticket == ticket


def test_the_first_hit_wins(ticket, customer, support):
    other = open_ticket(customer, support, subject="Other")
    mail = reply(
        customer, subject=f"[#{other.number}]", headers={"In-Reply-To": "<first@example.ru>"}
    )
    assert mail.ticket == ticket


def test_a_stranger_cannot_write_into_someone_else_s_ticket(ticket, customer, other_customer):
    """He copied the subject tag and the Message-ID: he gets his own ticket, linked."""
    mail = reply(
        customer,
        sender=other_customer.email,
        subject=f"Re: [#{ticket.number}] Server down",
        headers={"In-Reply-To": "<first@example.ru>"},
    )
    assert mail.ticket != ticket
    assert mail.ticket.requester == other_customer and mail.ticket.linked_ticket == ticket
    assert ticket.messages.count() == 1


def test_a_participant_may_write_into_the_ticket(ticket, customer, other_customer):
    services.participants_add(actor=customer, ticket=ticket, users=[other_customer])
    mail = reply(
        customer, sender=other_customer.email, headers={"In-Reply-To": "<first@example.ru>"}
    )
    assert mail.ticket == ticket
    assert mail.message.author == other_customer


def test_an_agent_s_mail_to_his_ticket_is_a_reply(ticket, customer, agent):
    """With proof since issue 14: sent to the reply address of his own notification (a
    From header alone makes an unverified note: tests/mailgateway/test_sender_trust.py)."""
    to = agent_reply_address("support@helpdesk.example", ticket.number, agent.pk)
    mail = reply(customer, sender=agent.email, to=to, headers={"In-Reply-To": "<first@example.ru>"})
    assert mail.ticket == ticket
    assert (mail.message.kind, mail.message.author, mail.message.channel) == (
        MessageKind.AGENT,
        agent,
        Channel.EMAIL,
    )


def test_an_agent_of_another_department_is_a_stranger(ticket, customer, agent_other_department):
    mail = reply(
        customer, sender=agent_other_department.email, headers={"In-Reply-To": "<first@example.ru>"}
    )
    assert mail.status == InboundStatus.REJECTED
    assert ticket.messages.count() == 1


def test_a_reply_to_a_solved_ticket_reopens_it(ticket, customer, agent):
    services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.SOLVED)
    reply(customer, headers={"In-Reply-To": "<first@example.ru>"})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_reply_to_a_closed_ticket_within_the_window_reopens_it(ticket, customer):
    services.ticket_close(actor=customer, ticket=ticket)
    assert reply(customer, headers={"In-Reply-To": "<first@example.ru>"}).ticket == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_reply_to_a_ticket_closed_long_ago_opens_a_linked_one(ticket, customer, settings):
    services.ticket_close(actor=customer, ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(days=90))
    mail = reply(customer, headers={"In-Reply-To": "<first@example.ru>"})
    assert mail.ticket != ticket and mail.ticket.linked_ticket == ticket
    assert mail.status == InboundStatus.DONE


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied", "Subject": "Out of office"},
        {"X-Autoreply": "yes"},
        {"Auto-Submitted": "auto-replied (vacation)"},
        {"X-MS-Exchange-Inbox-Rules-Loop": "ivan@example.ru"},
    ],
)
def test_an_automatic_reply_never_reopens_or_changes_the_ticket(ticket, customer, agent, headers):
    services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.SOLVED)
    headers = {"In-Reply-To": "<first@example.ru>", **headers}
    subject = headers.pop("Subject", "Automatic reply")
    mail = reply(customer, subject=subject, headers=headers)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert mail.status == InboundStatus.DONE and mail.ticket == ticket
    assert mail.classification in ("auto_reply", "out_of_office")


def test_an_out_of_office_reply_to_nothing_opens_nothing(support, customer):
    mail = reply(
        customer, subject="Out of office", headers={"Auto-Submitted": "auto-replied (vacation)"}
    )
    assert mail.status == InboundStatus.IGNORED and Ticket.objects.count() == 0


def test_the_requester_s_cc_joins_the_ticket_but_a_stranger_s_does_not(
    ticket, customer, other_customer
):
    reply(customer, headers={"In-Reply-To": "<first@example.ru>", "Cc": "boss@example.ru"})
    assert list(ticket.participants.values_list("email", flat=True)) == ["boss@example.ru"]
    reply(
        customer,
        sender=other_customer.email,
        headers={"Cc": "friend@example.com", "In-Reply-To": "<x@y>"},
    )
    assert not ticket.participants.filter(email="friend@example.com").exists()


def test_copied_people_are_capped(ticket, customer):
    cc = ", ".join(f"p{i}@example.com" for i in range(30))
    reply(customer, headers={"In-Reply-To": "<first@example.ru>", "Cc": cc})
    assert ticket.participants.count() == 10


def test_a_new_sender_needs_no_account_to_be_matched_twice(support):
    CustomerFactory(email="known@example.com")
    first = receive(plain(sender="Known@Example.com"))
    assert first.ticket.requester.email == "known@example.com"


def test_a_long_references_header_costs_one_query(ticket, django_assert_max_num_queries):
    references = " ".join(f"<unknown{i}@x>" for i in range(99)) + " <first@example.ru>"
    parsed = parse(plain(headers={"References": references}))
    with django_assert_max_num_queries(1):
        assert thread_for_ids(parsed.thread_ids) == ticket
