"""Agents see and change a customer's language in the requester card (issue 12, P8); his
mail follows it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from helpdesk.errors import NotPermitted
from mailgateway.outbound import compose
from tickets import services

pytestmark = pytest.mark.django_db


def url(ticket) -> str:
    return reverse("staff:ticket_requester_language", args=[ticket.number])


def test_the_card_shows_the_language_switch(client, ticket, agent):
    client.force_login(agent)
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert 'id="requester-language"' in page
    assert '<option value="ru" selected>' in page


def test_an_agent_changes_the_customers_language_and_his_mail_follows(
    client, ticket, agent, customer
):
    client.force_login(agent)
    response = client.post(url(ticket), {"language": "de"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.language == "de"
    message = services.reply_add(actor=agent, ticket=ticket, body_text="Erledigt.")
    text = compose.reply(message, to=customer).mime.get_payload()[0].get_payload(decode=True)
    footer = "Ticket #%(number)s: answer this mail to reply, or see the whole conversation at"
    with translation.override("de"):
        german = gettext(footer) % {"number": ticket.number}
    assert german != footer % {"number": ticket.number}
    assert german in text.decode("utf-8")


@pytest.mark.parametrize("language", ["xx", "", "ru-RU; DROP TABLE", "<b>de</b>", "e" * 500])
def test_an_unknown_language_is_refused(client, ticket, agent, customer, language):
    client.force_login(agent)
    response = client.post(url(ticket), {"language": language})
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.language == "ru"


def test_an_agent_of_another_department_cannot(ticket, agent_other_department, customer):
    with pytest.raises(NotPermitted):
        services.requester_language_set(actor=agent_other_department, ticket=ticket, language="de")
    customer.refresh_from_db()
    assert customer.language == "ru"


def test_an_agents_own_language_is_not_changed_here(ticket, agent, customer):
    """Agents choose their own language in their settings."""
    customer.role = Role.AGENT
    customer.save()
    with pytest.raises(NotPermitted):
        services.requester_language_set(actor=agent, ticket=ticket, language="de")
