"""By mail, the same people may write into a ticket as on the web: `access.may_write`
(issue 16). An organization colleague's mail continues a shared ticket; trust still comes
from proof (docs/mail-trust.md rule 6), and nobody else gets in (MAIL.md rule 9; R6, R10).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mailgateway.models import InboundStatus
from tests.factories import CustomerFactory, OrganizationFactory
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets.models import MessageKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester(organization):
    return CustomerFactory(email="olga@romashka.example", organization=organization)


@pytest.fixture
def colleague(organization):
    return CustomerFactory(email="petr@romashka.example", organization=organization)


@pytest.fixture
def ticket(requester, support):
    """A ticket of the organization, opened by mail; its Message-ID is stored."""
    return receive(plain(sender=requester.email, message_id="<first@romashka.example>")).ticket


def mail_from(sender, ticket, **kwargs):
    kwargs.setdefault("subject", f"Re: [#{ticket.number}] Server down")
    kwargs.setdefault("headers", {"In-Reply-To": "<first@romashka.example>"})
    return receive(plain(sender=sender.email, **kwargs))


def test_a_colleague_s_answer_continues_the_shared_ticket(ticket, colleague):
    """As on the web (tests/portal/test_organizations.py): now by mail too."""
    mail = mail_from(colleague, ticket, body="У нас тоже не открывается.")
    assert (mail.status, mail.ticket) == (InboundStatus.DONE, ticket)
    message = mail.message
    assert (message.author, message.kind, message.sender_verified) == (
        colleague,
        MessageKind.CUSTOMER,
        True,
    )


def test_a_colleague_found_by_the_subject_tag_alone_is_appended_but_unverified(ticket, colleague):
    mail = mail_from(colleague, ticket, headers={})
    assert mail.ticket == ticket
    assert (mail.message.author, mail.message.sender_verified) == (colleague, False)


def test_a_colleague_s_copies_do_not_join_the_ticket(ticket, colleague):
    """Only the requester or an agent brings people in (MAIL.md rule 9)."""
    mail_from(
        colleague, ticket, headers={"In-Reply-To": "<first@romashka.example>", "Cc": "x@y.example"}
    )
    assert not ticket.participants.exists()


def test_without_sharing_a_colleague_is_a_stranger(ticket, colleague, organization):
    organization.shares_tickets = False
    organization.save()
    mail = mail_from(colleague, ticket)
    assert mail.ticket != ticket and mail.ticket.linked_ticket == ticket
    assert mail.ticket.requester == colleague and ticket.messages.count() == 1


def test_a_member_of_another_organization_is_a_stranger(ticket):
    outsider = CustomerFactory(organization=OrganizationFactory(shares_tickets=True))
    mail = mail_from(outsider, ticket)
    assert mail.ticket != ticket and mail.ticket.linked_ticket == ticket
    assert ticket.messages.count() == 1


def test_a_deactivated_requester_s_mail_is_not_added(ticket, requester):
    requester.is_active = False
    requester.save()
    mail = mail_from(requester, ticket)
    assert mail.status == InboundStatus.REJECTED and mail.ticket is None
    assert ticket.messages.count() == 1


def test_an_unverified_mail_past_the_reopen_window_stays_unverified_on_the_new_ticket(
    ticket, colleague, settings
):
    """The follow-up ticket's first message keeps the mail's trust (docs/mail-trust.md
    rule 6): before issue 16 it lost the unverified marker on the way."""
    settings.TICKET_REOPEN_DAYS = 30
    ticket.status, ticket.closed_at = Status.CLOSED, timezone.now() - timedelta(days=31)
    ticket.save()
    mail = mail_from(colleague, ticket, headers={})
    assert mail.ticket != ticket and mail.ticket.linked_ticket == ticket
    assert (mail.message.author, mail.message.sender_verified) == (colleague, False)
