"""Mail follows a split message and a merged ticket (issue 11, R14; MAIL.md rule 9)."""

from __future__ import annotations

import pytest

from mailgateway.identity import agent_reply_address, message_id_new, reply_address
from mailgateway.models import InboundStatus
from tests.factories import OrganizationFactory
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets import services
from tickets.models import MessageKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, support):
    """Opened by mail; the customer then wrote about a second problem, also by mail."""
    first = receive(plain(sender=customer.email, message_id="<first@example.ru>"))
    receive(
        plain(
            sender=customer.email,
            subject="Re: Server down",
            body="Второй вопрос: счёт выставлен дважды.",
            message_id="<second@example.ru>",
            headers={"In-Reply-To": "<first@example.ru>"},
        )
    )
    assert first.ticket.messages.count() == 2
    return first.ticket


def answer(customer, **kwargs):
    kwargs.setdefault("sender", customer.email)
    kwargs.setdefault("subject", "Re: Server down")
    return receive(plain(**kwargs))


# --- split ------------------------------------------------------------------------------


@pytest.fixture
def split(ticket, agent, sales):
    message = ticket.messages.get(message_id="<second@example.ru>")
    return services.ticket_split(actor=agent, ticket=ticket, message=message, department=sales)


def test_an_answer_to_the_split_message_lands_in_the_new_ticket(customer, ticket, split):
    mail = answer(customer, headers={"In-Reply-To": "<second@example.ru>"})
    assert mail.status == InboundStatus.DONE and mail.ticket == split
    assert split.messages.count() == 2 and ticket.messages.count() == 2


def test_references_naming_the_split_message_lead_to_the_new_ticket(customer, split):
    headers = {"References": "<first@example.ru> <second@example.ru>"}
    headers["In-Reply-To"] = "<second@example.ru>"
    assert answer(customer, headers=headers).ticket == split


def test_an_answer_to_the_rest_of_the_thread_stays_in_the_old_ticket(customer, ticket, split):
    assert answer(customer, headers={"In-Reply-To": "<first@example.ru>"}).ticket == ticket


def test_answers_to_our_mail_about_the_new_ticket_land_there(
    customer, agent_other_department, split
):
    reply = services.reply_add(actor=agent_other_department, ticket=split, body_text="Исправим.")
    mail = answer(customer, headers={"In-Reply-To": reply.message_id})
    assert mail.ticket == split
    to = reply_address("sales@helpdesk.example", split.number)
    assert answer(customer, to=to, subject="no tag").ticket == split


def test_a_stranger_quoting_the_split_message_gets_his_own_ticket(other_customer, split):
    mail = answer(other_customer, headers={"In-Reply-To": "<second@example.ru>"})
    assert mail.ticket != split and mail.ticket.linked_ticket == split


# --- merge ------------------------------------------------------------------------------


@pytest.fixture
def target(customer, support, agent):
    return receive(
        plain(sender=customer.email, subject="Site down", message_id="<target@example.ru>")
    ).ticket


@pytest.fixture
def merged(agent, ticket, target):
    services.ticket_merge(actor=agent, source=ticket, target=target)
    ticket.refresh_from_db()
    return ticket


def test_mail_with_the_source_s_subject_tag_lands_in_the_target(customer, merged, target):
    mail = answer(customer, subject=f"Re: [#{merged.number}] Server down")
    assert mail.ticket == target and mail.message.kind == MessageKind.CUSTOMER
    merged.refresh_from_db()
    assert merged.status == Status.CLOSED and not merged.messages.exists()


def test_mail_to_the_source_s_reply_token_lands_in_the_target(customer, merged, target):
    to = reply_address("support@helpdesk.example", merged.number)
    mail = answer(customer, to=to, subject="no tag")
    assert mail.ticket == target and mail.message.sender_verified


def test_mail_answering_our_mail_about_the_source_lands_in_the_target(customer, merged, target):
    mail = answer(customer, headers={"In-Reply-To": message_id_new(merged.number)})
    assert mail.ticket == target


def test_mail_answering_a_moved_message_lands_in_the_target(customer, merged, target):
    mail = answer(customer, headers={"In-Reply-To": "<first@example.ru>"})
    assert mail.ticket == target and target.messages.count() == 4


def test_an_agent_s_reply_to_his_notification_about_the_source_is_a_reply_in_the_target(
    customer, agent, merged, target
):
    to = agent_reply_address("support@helpdesk.example", merged.number, agent.pk)
    mail = answer(customer, sender=agent.email, to=to, subject="no tag")
    assert mail.ticket == target
    assert (mail.message.kind, mail.message.author) == (MessageKind.AGENT, agent)


def test_the_source_s_requester_of_another_organization_writes_into_the_target(
    agent, customer, other_customer, support
):
    """He joined the target as a participant when the agent confirmed the merge."""
    customer.organization = OrganizationFactory()
    customer.save()
    target = receive(plain(sender=customer.email, message_id="<t@example.ru>")).ticket
    source = receive(plain(sender=other_customer.email, message_id="<s@example.ru>")).ticket
    services.ticket_merge(actor=agent, source=source, target=target, confirm_organizations=True)
    mail = answer(other_customer, subject=f"Re: [#{source.number}] Server down")
    assert mail.ticket == target and mail.message.author == other_customer


def test_a_stranger_with_the_source_s_tag_gets_his_own_ticket(other_customer, merged, target):
    mail = answer(other_customer, subject=f"Re: [#{merged.number}] Server down")
    assert mail.ticket not in (merged, target) and mail.ticket.linked_ticket == target
