"""Agents see on the ticket what became of each mail to the customer (issue 6)."""

import pytest
from django.urls import reverse

from mailgateway.outbound import outbox
from tests.factories import open_ticket
from tests.helpers import subscribers_run
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    with subscribers_run():
        return open_ticket(customer, department)


def page(client, user, ticket) -> str:
    client.force_login(user)
    return client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()


def test_the_reply_and_the_acknowledgement_show_their_delivery(
    client, agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_add(actor=agent, ticket=ticket, body_text="Готово")
    html = page(client, agent, ticket)
    assert html.count("delivery-sent") == 1  # the reply
    # The acknowledgement's task never ran here (the ticket was opened outside the capture).
    assert html.count("delivery-queued") == 1
    assert f"to {ticket.requester.email}" in html


def test_a_deferred_reply_says_why_and_when_it_is_tried_again(
    client, agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.answer_with("451 4.7.1 Greylisted, try again later")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_add(actor=agent, ticket=ticket, body_text="hello")
    html = page(client, agent, ticket)
    assert "delivery-deferred" in html and "Greylisted" in html and "will try again at" in html


def test_a_failed_reply_and_a_later_bounce_are_shown(
    client, agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.answer_with("550 5.1.1 <ivan@example.ru>: Recipient address rejected")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_add(actor=agent, ticket=ticket, body_text="hello")
    html = page(client, agent, ticket)
    assert "delivery-failed" in html and "Recipient address rejected" in html
    smtp_server.answer_with(None)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_add(actor=agent, ticket=ticket, body_text="again")
    html = page(client, agent, ticket)
    assert "delivery-withheld" in html and "suppressed" in html


def test_bounces_show_on_the_message_they_bounced(
    client, agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_add(actor=agent, ticket=ticket, body_text="hello")
    outbox.bounces_record(
        message_ids=[reply.message_id],
        addresses=[ticket.requester.email],
        reason="550 5.2.1 Mailbox disabled",
    )
    html = page(client, agent, ticket)
    assert "delivery-bounced" in html and "Mailbox disabled" in html


def test_customers_never_see_delivery_details(
    client, agent, customer, ticket, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_add(actor=agent, ticket=ticket, body_text="hello")
    client.force_login(customer)
    html = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "delivery-" not in html
