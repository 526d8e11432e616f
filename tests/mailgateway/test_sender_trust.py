"""Authority needs proof, not a From header (issue 14; MAIL.md rule 10; docs/mail-trust.md).

An attacker who forges an agent's From must never reach a customer; one who forges a
customer's From is marked unverified; an ambiguous From is nobody's.
"""

from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest
from django.urls import reverse

from accounts.models import User
from helpdesk.errors import ActionNotAllowed
from mailgateway.identity import agent_reply_address, reply_address
from mailgateway.models import InboundStatus
from mailgateway.outbound.compose import Kind
from mailgateway.outbound.models import OutboundMail
from mailgateway.services import inbound_accept
from tests.factories import AgentFactory, open_ticket
from tests.mailgateway.conftest import receive_notified as receive
from tests.mailgateway.mails import plain, raw
from tickets import services
from tickets.models import Channel, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db

TRUSTED = "mx.helpdesk.example"


@pytest.fixture
def ticket(customer, support, agent):
    """A customer's mail ticket; the department's agent was notified of it."""
    return receive(plain(sender=customer.email, message_id="<first@example.ru>")).ticket


def notification_to(agent: User, ticket: Ticket) -> email.message.EmailMessage:
    row = OutboundMail.objects.filter(ticket=ticket, recipient=agent).latest("id")
    return email.message_from_bytes(bytes(row.mime), policy=default_policy)


def agent_mail(agent, ticket, **kwargs):
    kwargs.setdefault("subject", f"Re: [#{ticket.number}] Server down")
    kwargs.setdefault("body", "Please restart the router and send us the password.")
    return receive(plain(sender=f"Anna Agent <{agent.email}>", **kwargs))


def assert_unverified_note(mail, ticket, customer, agent):
    ticket.refresh_from_db()
    note = mail.message
    assert (note.kind, note.author, note.sender_verified) == (MessageKind.NOTE, None, False)
    assert "send us the password" in note.body_text and agent.email in note.body_text
    assert ticket.status == Status.NEW and ticket.assignee is None
    customer_mail = OutboundMail.objects.filter(ticket=ticket, recipient=customer)
    assert list(customer_mail.values_list("kind", flat=True)) == [Kind.ACKNOWLEDGEMENT]
    told = OutboundMail.objects.filter(recipient=agent, kind=Kind.AGENT_UNVERIFIED)
    assert told.count() == 1 and told.get().recipients == [agent.email]


def test_a_forged_agent_from_with_the_subject_tag_is_an_unverified_note(ticket, customer, agent):
    """The attack of issue 14: the customer receives nothing, the agent is told."""
    mail = agent_mail(agent, ticket)
    assert mail.ticket == ticket
    assert_unverified_note(mail, ticket, customer, agent)


def test_a_forged_agent_from_with_the_customer_s_message_id_is_an_unverified_note(
    ticket, customer, agent
):
    mail = agent_mail(agent, ticket, headers={"In-Reply-To": "<first@example.ru>"})
    assert_unverified_note(mail, ticket, customer, agent)


def test_a_forged_agent_mail_to_the_customer_s_reply_address_is_an_unverified_note(
    ticket, customer, agent
):
    """The customer's reply token proves the ticket, not the agent."""
    to = reply_address("support@helpdesk.example", ticket.number)
    assert_unverified_note(agent_mail(agent, ticket, to=to), ticket, customer, agent)


def test_a_forged_agent_mail_never_reopens_a_solved_ticket(ticket, customer, agent):
    services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.SOLVED)
    agent_mail(agent, ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert not ticket.messages.filter(kind=MessageKind.AGENT, sender_verified=False).exists()


def test_a_forged_agent_mail_brings_nobody_into_the_ticket(ticket, agent):
    agent_mail(agent, ticket, headers={"Cc": "attacker@evil.example"})
    assert not ticket.participants.exists()


def test_an_agent_s_reply_to_his_notification_s_reply_to_is_his_public_reply(
    ticket, customer, agent
):
    reply_to = notification_to(agent, ticket)["Reply-To"]
    mail = agent_mail(agent, ticket, to=str(reply_to), subject="Re: New ticket")
    message = mail.message
    assert (message.kind, message.author, message.channel) == (
        MessageKind.AGENT,
        agent,
        Channel.EMAIL,
    )
    assert message.sender_verified
    assert OutboundMail.objects.filter(ticket_message=message, recipient=customer).exists()


def test_an_agent_s_answer_to_the_message_id_of_his_own_notification_is_his_reply(ticket, agent):
    """A mail client that answers to the From rather than the Reply-To still threads."""
    notification_id = notification_to(agent, ticket)["Message-ID"]
    mail = agent_mail(agent, ticket, headers={"In-Reply-To": str(notification_id)})
    assert mail.message.kind == MessageKind.AGENT


def test_another_agent_s_reply_address_is_no_proof(ticket, customer, agent, support):
    colleague = AgentFactory(name="Colin Colleague", departments=[support])
    to = agent_reply_address("support@helpdesk.example", ticket.number, colleague.pk)
    assert_unverified_note(agent_mail(agent, ticket, to=to), ticket, customer, agent)


def test_another_agent_s_notification_message_id_is_no_proof(ticket, customer, agent, support):
    colleague = AgentFactory(name="Colin Colleague", departments=[support])
    other = receive(plain(sender=customer.email, subject="Second")).ticket
    notification_id = notification_to(colleague, other)["Message-ID"]
    mail = agent_mail(agent, other, headers={"In-Reply-To": str(notification_id)})
    assert_unverified_note(mail, other, customer, agent)


def test_the_agent_s_reply_address_for_another_ticket_is_no_proof(ticket, customer, agent, support):
    """The mail answers this ticket's first message (which wins, MAIL.md rule 9) but went
    to the agent's address of another ticket: no proof for this one."""
    other = open_ticket(customer, support, subject="Other")
    to = agent_reply_address("support@helpdesk.example", other.number, agent.pk)
    mail = agent_mail(agent, ticket, to=to, headers={"In-Reply-To": "<first@example.ru>"})
    assert mail.ticket == ticket
    assert_unverified_note(mail, ticket, customer, agent)
    assert other.messages.count() == 1


def test_a_forged_agent_reply_address_signature_is_no_proof(ticket, customer, agent):
    to = f"support+t{ticket.number}-a{agent.pk}-000000000000@helpdesk.example"
    assert_unverified_note(agent_mail(agent, ticket, to=to), ticket, customer, agent)


def test_a_dmarc_pass_from_our_trusted_mta_proves_the_agent(ticket, agent, settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    headers = {
        "Authentication-Results": f"{TRUSTED}; spf=pass smtp.mailfrom=helpdesk.example; "
        "dmarc=pass (p=reject) header.from=helpdesk.example"
    }
    assert agent_mail(agent, ticket, headers=headers).message.kind == MessageKind.AGENT


def test_an_aligned_dkim_pass_from_our_trusted_mta_proves_the_agent(ticket, agent, settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = ["other.example", TRUSTED]
    headers = {
        "Authentication-Results": f"{TRUSTED}; dkim=pass (2048-bit key) "
        "header.d=helpdesk.example header.s=mail header.b=AbCd"
    }
    assert agent_mail(agent, ticket, headers=headers).message.kind == MessageKind.AGENT


def test_a_dmarc_pass_from_an_untrusted_authserv_id_is_no_proof(ticket, customer, agent, settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    headers = {"Authentication-Results": "mx.evil.example; dmarc=pass header.from=helpdesk.example"}
    assert_unverified_note(agent_mail(agent, ticket, headers=headers), ticket, customer, agent)


def test_a_dmarc_pass_is_no_proof_when_no_mta_is_trusted(ticket, customer, agent, settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = []
    headers = {"Authentication-Results": f"{TRUSTED}; dmarc=pass header.from=helpdesk.example"}
    assert_unverified_note(agent_mail(agent, ticket, headers=headers), ticket, customer, agent)


def test_a_trusted_looking_header_below_an_untrusted_hop_is_no_proof(
    ticket, customer, agent, settings
):
    """The sender wrote the lower header himself; only the top-most ones are our MTA's."""
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    mail = raw(
        f"Authentication-Results: relay.elsewhere.example; dmarc=none\n"
        f"Authentication-Results: {TRUSTED}; dmarc=pass header.from=helpdesk.example\n"
        f"From: {agent.email}\nTo: support@helpdesk.example\n"
        f"Subject: Re: [#{ticket.number}] Server down\nMessage-ID: <forged@evil.example>\n",
        b"Please restart the router and send us the password.\n",
    )
    assert_unverified_note(receive(mail), ticket, customer, agent)


def test_a_pass_below_our_mta_s_own_fail_is_no_proof(ticket, customer, agent, settings):
    """Our MTA's top-most result for a method decides, even should it fail to strip a
    header the sender wrote with its authserv-id."""
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    mail = raw(
        f"Authentication-Results: {TRUSTED}; dmarc=fail header.from=helpdesk.example\n"
        f"Authentication-Results: {TRUSTED}; dmarc=pass header.from=helpdesk.example\n"
        f"From: {agent.email}\nTo: support@helpdesk.example\n"
        f"Subject: Re: [#{ticket.number}] Server down\nMessage-ID: <forged2@evil.example>\n",
        b"Please restart the router and send us the password.\n",
    )
    assert_unverified_note(receive(mail), ticket, customer, agent)


def test_a_second_aligned_dkim_signature_in_our_mta_s_header_proves_the_agent(
    ticket, agent, settings
):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    headers = {
        "Authentication-Results": f"{TRUSTED}; dkim=pass header.d=mailer.example; "
        "dkim=pass header.d=helpdesk.example"
    }
    assert agent_mail(agent, ticket, headers=headers).message.kind == MessageKind.AGENT


def test_a_dmarc_pass_for_another_domain_is_no_proof(ticket, customer, agent, settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    headers = {
        "Authentication-Results": f"{TRUSTED}; dmarc=pass header.from=evil.example; "
        "dkim=pass header.d=evil.example"
    }
    assert_unverified_note(agent_mail(agent, ticket, headers=headers), ticket, customer, agent)


def test_an_agent_s_out_of_office_with_proof_is_never_a_public_reply(ticket, customer, agent):
    reply_to = str(notification_to(agent, ticket)["Reply-To"])
    mail = agent_mail(
        agent, ticket, to=reply_to, headers={"Auto-Submitted": "auto-replied (vacation)"}
    )
    assert (mail.message.kind, mail.message.sender_verified) == (MessageKind.NOTE, True)
    assert not OutboundMail.objects.filter(ticket=ticket, kind=Kind.REPLY).exists()


def test_the_unverified_notification_lets_the_agent_answer_by_replying(ticket, agent):
    agent_mail(agent, ticket)
    told = OutboundMail.objects.get(recipient=agent, kind=Kind.AGENT_UNVERIFIED)
    reply_to = email.message_from_bytes(bytes(told.mime), policy=default_policy)["Reply-To"]
    assert agent_mail(agent, ticket, to=str(reply_to)).message.kind == MessageKind.AGENT


# Customers


def customer_mail(customer, ticket, **kwargs):
    kwargs.setdefault("subject", f"Re: [#{ticket.number}] Server down")
    return receive(plain(sender=customer.email, **kwargs))


def test_a_customer_found_by_the_subject_tag_alone_is_appended_but_unverified(ticket, customer):
    mail = customer_mail(customer, ticket)
    assert mail.ticket == ticket
    assert (mail.message.author, mail.message.sender_verified) == (customer, False)


def test_a_customer_answering_our_mail_is_verified(ticket, customer):
    mail = customer_mail(customer, ticket, headers={"In-Reply-To": "<first@example.ru>"})
    assert mail.message.sender_verified


def test_a_customer_writing_to_the_ticket_s_reply_address_is_verified(ticket, customer):
    to = reply_address("support@helpdesk.example", ticket.number)
    assert customer_mail(customer, ticket, to=to, subject="no tag").message.sender_verified


def test_a_customer_with_a_dmarc_pass_from_our_trusted_mta_is_verified(ticket, customer, settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [TRUSTED]
    headers = {"Authentication-Results": f"{TRUSTED}; dmarc=pass header.from=example.ru"}
    assert customer_mail(customer, ticket, headers=headers).message.sender_verified


def test_an_unverified_customer_mail_brings_nobody_into_the_ticket(ticket, customer):
    """A forger of the requester's From must not make himself a participant."""
    customer_mail(customer, ticket, headers={"Cc": "attacker@evil.example"})
    assert not ticket.participants.exists()


def test_agents_see_the_unverified_marker_and_customers_do_not(client, ticket, customer, agent):
    customer_mail(customer, ticket)
    client.force_login(agent)
    staff = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert staff.count("unverified-sender") == 1
    client.force_login(customer)
    portal = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "unverified" not in portal.lower()


def test_a_stranger_by_subject_tag_gets_a_new_linked_ticket(ticket, other_customer):
    """MAIL.md rule 9 is kept for strangers."""
    mail = customer_mail(other_customer, ticket)
    assert mail.ticket != ticket and mail.ticket.linked_ticket == ticket
    assert mail.ticket.requester == other_customer and ticket.messages.count() == 1


# Ambiguous senders

AMBIGUOUS = {
    "two addresses glued": "ivan@example.ru<attacker@evil.example>",
    "two addresses spaced": "ivan@example.ru <attacker@evil.example>",
    "address list": "ivan@example.ru, attacker@evil.example",
    "group": "Team: ivan@example.ru;",
    "address in the display name": '"ivan@example.ru" <attacker@evil.example>',
    "encoded address in the display name": "=?utf-8?q?ivan=40example=2Eru?= <a@evil.example>",
    "empty group": "undisclosed-recipients:;",
    "no address": "Ivan Petrov",
}


@pytest.mark.parametrize("sender", AMBIGUOUS.values(), ids=AMBIGUOUS.keys())
def test_an_ambiguous_from_is_an_unknown_sender_never_appended(ticket, customer, support, sender):
    accounts = User.objects.count()
    mail = receive(
        plain(
            sender=sender,
            subject=f"Re: [#{ticket.number}] Server down",
            headers={"In-Reply-To": "<first@example.ru>"},
        )
    )
    assert (mail.status, mail.department, mail.ticket) == (InboundStatus.REJECTED, support, None)
    assert "Unknown sender" in mail.last_error
    assert ticket.messages.count() == 1 and Ticket.objects.count() == 1
    assert User.objects.count() == accounts
    assert not OutboundMail.objects.filter(kind=Kind.REJECTED).exists()


def test_two_from_headers_are_an_unknown_sender(ticket, customer):
    mail = receive(
        raw(
            f"From: {customer.email}\nFrom: attacker@evil.example\n"
            f"To: support@helpdesk.example\nSubject: Re: [#{ticket.number}] Server down\n"
            "In-Reply-To: <first@example.ru>\nMessage-ID: <two-froms@evil.example>\n"
        )
    )
    assert (mail.status, mail.ticket) == (InboundStatus.REJECTED, None)
    assert ticket.messages.count() == 1


def test_an_ambiguous_agent_from_never_reaches_the_customer(ticket, customer, agent):
    to = agent_reply_address("support@helpdesk.example", ticket.number, agent.pk)
    mail = receive(plain(sender=f"{agent.email}<attacker@evil.example>", to=to))
    assert (mail.status, mail.ticket) == (InboundStatus.REJECTED, None)
    assert not OutboundMail.objects.filter(kind=Kind.REPLY).exists()


def test_an_unknown_sender_s_mail_cannot_be_accepted_as_someone_s_ticket(ticket, customer, agent):
    mail = receive(plain(sender='"ivan@example.ru" <attacker@evil.example>'))
    with pytest.raises(ActionNotAllowed):
        inbound_accept(actor=agent, mail=mail)
    assert Ticket.objects.count() == 1


def test_an_ordinary_display_name_is_not_ambiguous(support):
    mail = receive(plain(sender='"Petrov, Ivan (ivan@example.ru)" <ivan@example.ru>'))
    assert mail.status == InboundStatus.DONE
    assert mail.ticket.requester.email == "ivan@example.ru"


def test_agents_find_the_unknown_sender_s_mail_with_its_reason(client, support, agent):
    mail = receive(plain(sender='"ivan@example.ru" <attacker@evil.example>', subject="Invoice"))
    client.force_login(agent)
    page = client.get(reverse("staff:rejected_mail", args=[mail.pk])).content.decode()
    assert "Unknown sender" in page and "Invoice" in page
