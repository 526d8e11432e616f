"""Rejected mail that must never become a customer's ticket (issue 16, with MAIL.md rule
10 and loops rule 3): a mail from an unknown (ambiguous) sender would make an account for
a forged address, and a delivery report that proved nothing would make one for the
mailer daemon. Neither offers "Open a ticket from it", and the service refuses both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from helpdesk.errors import ActionNotAllowed
from mailgateway.models import InboundMail, InboundStatus
from mailgateway.services import inbound_accept
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tests.mailgateway.test_bounce_proof import dsn
from tickets.models import MailPolicy, Ticket

pytestmark = pytest.mark.django_db

ACCEPT_LABEL = "Open a ticket from it"


@pytest.fixture
def bounce(support):
    mail = receive(dsn("<copied@example.ru>", ["ivan@example.ru"], subject="Undelivered"))
    assert mail.status == InboundStatus.REJECTED
    return mail


@pytest.fixture
def unknown_sender(support):
    mail = receive(plain(sender='"ivan@example.ru" <attacker@evil.example>', subject="Invoice"))
    assert mail.status == InboundStatus.REJECTED
    return mail


@pytest.fixture
def stranger(support):
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    mail = receive(plain(sender="Пётр <petr@example.org>", subject="Хочу стать клиентом"))
    assert mail.status == InboundStatus.REJECTED
    return mail


def page(client, agent, mail: InboundMail) -> str:
    client.force_login(agent)
    return client.get(reverse("staff:rejected_mail", args=[mail.pk])).content.decode()


def test_a_rejected_bounce_cannot_be_accepted_into_a_ticket(bounce, agent):
    with pytest.raises(ActionNotAllowed):
        inbound_accept(actor=agent, mail=bounce)
    assert not Ticket.objects.exists()
    assert not User.objects.filter(email__iexact="mailer-daemon@mx.example.ru").exists()
    assert InboundMail.objects.get(pk=bounce.pk).status == InboundStatus.REJECTED


@pytest.mark.parametrize("name", ["bounce", "unknown_sender"])
def test_the_page_does_not_offer_to_open_a_ticket_and_says_why(client, agent, name, request):
    mail = request.getfixturevalue(name)
    html = page(client, agent, mail)
    assert ACCEPT_LABEL not in html
    assert reverse("staff:rejected_mail_accept", args=[mail.pk]) not in html
    assert "cannot become a customer" in html


@pytest.mark.parametrize("name", ["bounce", "unknown_sender"])
def test_posting_the_accept_form_anyway_opens_nothing(client, agent, name, request):
    mail = request.getfixturevalue(name)
    client.force_login(agent)
    response = client.post(reverse("staff:rejected_mail_accept", args=[mail.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot become a customer" in response.content.decode()
    assert not Ticket.objects.exists()
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.REJECTED


def test_a_stranger_s_mail_still_offers_to_open_a_ticket(client, agent, stranger):
    html = page(client, agent, stranger)
    assert ACCEPT_LABEL in html
    assert reverse("staff:rejected_mail_accept", args=[stranger.pk]) in html
