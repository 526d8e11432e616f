"""The live poll (issue 11, W2): "anything newer than X in my departments?" answered with
204 when nothing changed, else the news and the bell's count; it notes the agent as seen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import open_ticket
from tests.helpers import committed
from tickets import services
from tickets.live.selectors import NEWS_MAX, live_latest_event_id

pytestmark = pytest.mark.django_db


def poll(client, after, unread=0):
    return client.get(reverse("live:poll"), {"after": after, "unread": unread})


def test_nothing_new_is_a_204(client, agent, customer, department):
    open_ticket(customer, department)
    client.force_login(agent)
    assert poll(client, live_latest_event_id()).status_code == 204


def test_a_new_ticket_and_a_customers_message_of_my_departments_are_news(
    client, agent, customer, department
):
    after = live_latest_event_id()
    ticket = open_ticket(customer, department, subject="Сайт <b>лежит</b>")
    services.message_add_web(actor=customer, ticket=ticket, body_text="Ещё раз.")
    client.force_login(agent)
    data = poll(client, after).json()
    assert [item["what"] for item in data["news"]] == [
        f"New ticket #{ticket.number}",
        f"The customer wrote on #{ticket.number}",
    ]
    assert data["news"][0]["subject"] == "Сайт <b>лежит</b>"  # text; the script sets textContent
    assert data["news"][0]["url"] == reverse("staff:ticket", args=[ticket.number])
    assert data["after"] > after
    assert poll(client, data["after"]).status_code == 204


def test_other_departments_and_my_own_doing_are_not_news(
    client, agent, agent_other_department, customer, department, other_department
):
    after = live_latest_event_id()
    open_ticket(customer, other_department)
    ticket = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим.")
    services.note_add(actor=agent, ticket=ticket, body_text="note")
    client.force_login(agent)
    assert [item["number"] for item in poll(client, after).json()["news"]] == [ticket.number]
    client.force_login(agent_other_department)
    news = poll(client, after).json()["news"]
    assert [item["number"] for item in news] != [ticket.number] and len(news) == 1


def test_a_changed_bell_count_is_news_too(client, agent, customer, department):
    ticket = open_ticket(customer, department)
    services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    with committed():
        services.message_add_web(actor=customer, ticket=ticket, body_text="?")
    client.force_login(agent)
    after = live_latest_event_id()
    data = poll(client, after, unread=0).json()
    assert (data["news"], data["unread"], data["unread_label"]) == ([], 1, "1")
    assert poll(client, after, unread=1).status_code == 204


def test_news_come_in_bounded_batches(client, agent, customer, department):
    after = live_latest_event_id()
    for n in range(NEWS_MAX + 3):
        open_ticket(customer, department, subject=f"№{n}")
    client.force_login(agent)
    first = poll(client, after).json()
    assert len(first["news"]) == NEWS_MAX
    second = poll(client, first["after"]).json()
    assert len(second["news"]) == 3


@pytest.mark.parametrize(
    "after", ["", "abc", "-5", "1e9", "9" * 40, "１２", "0x10", "<script>", "1;DROP TABLE"]
)
def test_hostile_parameters_read_as_from_the_start(client, agent, customer, department, after):
    open_ticket(customer, department)
    client.force_login(agent)
    response = client.get(reverse("live:poll"), {"after": after, "unread": after})
    assert response.status_code == 200
    assert len(response.json()["news"]) == 1


def test_the_poll_costs_the_same_few_queries_however_many_tickets(
    client, agent, customer, department, django_assert_max_num_queries
):
    for _ in range(5):
        open_ticket(customer, department)
    client.force_login(agent)
    client.get(reverse("staff:dashboard"))
    with django_assert_max_num_queries(8):
        poll(client, 0)


def test_polling_notes_the_agent_as_seen_about_once_a_minute(client, agent):
    client.force_login(agent)
    poll(client, 0)
    agent.refresh_from_db()
    first = agent.last_seen_at
    assert first is not None and timezone.now() - first < timedelta(minutes=1)
    poll(client, 0)
    agent.refresh_from_db()
    assert agent.last_seen_at == first


def test_signing_out_ends_the_presence(client, agent):
    client.force_login(agent)
    poll(client, 0)
    client.post(reverse("accounts:logout"))
    agent.refresh_from_db()
    assert agent.last_seen_at is None


def test_every_staff_page_carries_the_bell_and_the_script(client, agent):
    client.force_login(agent)
    html = client.get(reverse("staff:queue")).content.decode()
    assert 'id="bell"' in html and f'data-poll-url="{reverse("live:poll")}"' in html
    assert "js/live.js" in html and "sounds/new-message.wav" in html
    assert 'data-sound="on"' in html and 'data-volume="0.60"' in html
