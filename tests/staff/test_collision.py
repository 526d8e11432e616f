"""Collision warning: who else looks at the ticket, and news before sending (issue 4)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from tests.factories import AgentFactory
from tests.staff.conftest import seen
from tickets import services
from tickets.models import Message, MessageKind
from tickets.services.presence import PRESENCE_TTL_SECONDS, presence_touch

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(department):
    return AgentFactory(name="Boris Colleague", departments=[department])


def presence(client, ticket, **params):
    return client.get(reverse("staff:ticket_presence", args=[ticket.number]), params)


def test_an_agent_sees_who_else_has_the_ticket_open(client, agent, colleague, ticket):
    client.force_login(colleague)
    client.get(reverse("staff:ticket", args=[ticket.number]))
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "Also looking at this ticket:" in html and "Boris Colleague" in html


def test_the_poll_says_when_the_other_is_writing(client, agent, colleague, ticket):
    client.force_login(colleague)
    presence(client, ticket, composing="1")
    client.force_login(agent)
    html = presence(client, ticket).content.decode()
    assert "Boris Colleague</strong> (writing)" in html
    assert 'hx-trigger="every 15s"' in html


def test_nobody_else_means_no_warning(client, agent, ticket):
    client.force_login(agent)
    assert "Also looking" not in presence(client, ticket).content.decode()
    assert "Also looking" not in presence(client, ticket).content.decode()


def test_an_agent_who_left_is_forgotten_after_the_ttl(agent, colleague, ticket):
    with mock.patch("tickets.services.presence.time.time", return_value=1_000_000.0):
        presence_touch(actor=colleague, ticket=ticket)
        assert [v.name for v in presence_touch(actor=agent, ticket=ticket)] == ["Boris Colleague"]
    later = 1_000_000.0 + PRESENCE_TTL_SECONDS + 1
    with mock.patch("tickets.services.presence.time.time", return_value=later):
        assert presence_touch(actor=agent, ticket=ticket) == []


def test_the_poll_reports_what_others_did_since_the_page_was_loaded(
    client, agent, colleague, customer, ticket
):
    loaded = seen(ticket)
    services.reply_add(actor=colleague, ticket=ticket, body_text="I have answered already.")
    services.message_add_web(actor=customer, ticket=ticket, body_text="Thanks")
    client.force_login(agent)
    html = presence(client, ticket, seen=loaded).content.decode()
    assert "New since you opened this page:" in html
    assert "Boris Colleague replied" in html and "Иван Петров wrote a message" in html
    assert "New since" not in presence(client, ticket, seen=seen(ticket)).content.decode()


def test_his_own_changes_are_no_news(client, agent, ticket):
    loaded = seen(ticket)
    services.note_add(actor=agent, ticket=ticket, body_text="Mine")
    client.force_login(agent)
    assert "New since" not in presence(client, ticket, seen=loaded).content.decode()


def test_a_reply_on_a_stale_page_is_held_back_with_the_news_then_sent_on_the_second_click(
    client, agent, colleague, ticket
):
    loaded = seen(ticket)
    services.reply_add(actor=colleague, ticket=ticket, body_text="Boris's answer.")
    client.force_login(agent)
    url = reverse("staff:ticket_reply", args=[ticket.number])
    first = client.post(url, {"kind": "reply", "body": "Моё мнение", "seen": loaded})
    assert first.status_code == 200
    html = first.content.decode()
    assert "Not sent yet: something new happened on this ticket" in html
    assert "Boris&#x27;s answer." in html or "Boris's answer." in html
    assert "Моё мнение" in html  # what he wrote is kept
    assert not Message.objects.filter(author=agent).exists()
    again = first.context["reply_form"].initial["seen"]
    assert again == seen(ticket)
    second = client.post(url, {"kind": "reply", "body": "Моё мнение", "seen": again})
    assert second.status_code == 302
    assert Message.objects.filter(author=agent, kind=MessageKind.AGENT).count() == 1


def test_a_note_on_a_stale_page_is_held_back_too(client, agent, customer, ticket):
    loaded = seen(ticket)
    services.message_add_web(actor=customer, ticket=ticket, body_text="Ещё вопрос")
    client.force_login(agent)
    url = reverse("staff:ticket_reply", args=[ticket.number])
    response = client.post(url, {"kind": "note", "body": "Note", "seen": loaded})
    assert "Ещё вопрос" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.NOTE).exists()


def test_his_own_earlier_changes_do_not_hold_back_his_reply(client, agent, ticket):
    loaded = seen(ticket)
    client.force_login(agent)
    client.post(reverse("staff:ticket_priority", args=[ticket.number]), {"priority": 3})
    response = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "reply", "body": "Answer", "seen": loaded},
    )
    assert response.status_code == 302


def test_the_outsider_learns_nothing_from_the_poll(client, agent_other_department, ticket):
    client.force_login(agent_other_department)
    assert presence(client, ticket).status_code == 404
