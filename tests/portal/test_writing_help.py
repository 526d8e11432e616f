"""Help to write a good ticket, on the page: live hints, "Send anyway", similar tickets (P2, P4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, open_ticket
from tickets import selectors, services
from tickets.models import Message, Status, Ticket

pytestmark = pytest.mark.django_db

VAGUE = "Hello, my server is down again, what happened?"


def submit(client, category, **fields):
    data = {"category": category.pk, "subject": "Server down", "description": VAGUE, **fields}
    return client.post("/tickets/new/", data)


def test_the_first_submit_with_hints_comes_back_with_them_and_send_anyway(
    client, customer, technical
):
    client.force_login(customer)
    response = submit(client, technical)
    assert response.status_code == 200 and not Ticket.objects.exists()
    page = response.content.decode()
    assert 'data-hint="vague"' in page
    assert 'name="confirmed"' in page
    submit(client, technical, confirmed="1")
    assert Ticket.objects.get().messages.get().body_text == VAGUE


def test_hints_already_seen_live_do_not_stop_the_submit(client, customer, technical):
    client.force_login(customer)
    live = client.post(
        "/tickets/new/hints/",
        {"category": technical.pk, "subject": "Server down", "description": VAGUE},
    )
    seen = live.context["hints"].codes
    submit(client, technical, hints_seen=" ".join(seen))
    assert Ticket.objects.count() == 1


def test_a_new_hint_still_stops_the_submit(client, customer, technical):
    client.force_login(customer)
    response = submit(client, technical, hints_seen="subject_long", subject="x" * 90)
    assert response.status_code == 200 and not Ticket.objects.exists()


def test_a_good_ticket_opens_at_once(client, customer, technical):
    client.force_login(customer)
    description = (
        "Since 09:15 today the server cs1234 answers every request with “502 Bad Gateway”. "
        "Nothing was changed before; restarting nginx did not help, the error.log says "
        "upstream timed out. Chrome 131, screenshot in the next message."
    )
    submit(client, technical, description=description, subject="cs1234: 502 Bad Gateway")
    assert Ticket.objects.count() == 1


def test_the_live_hints_show_advice_and_similar_tickets(client, customer, technical, department):
    mine = open_ticket(customer, department, subject="Server cs1234 is down")
    open_ticket(CustomerFactory(), department, subject="Server cs1234 is down too")
    client.force_login(customer)
    response = client.post(
        "/tickets/new/hints/",
        {
            "category": technical.pk,
            "subject": "cs1234 server down again",
            "description": VAGUE,
            "has_files": "0",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page, "a fragment for htmx"
    assert 'data-hint="vague"' in page and 'data-hint="tech_network"' in page
    assert f'name="add_to" value="{mine.number}"' in page
    assert [t.number for t in response.context["hints"].similar] == [mine.number]


def test_the_live_hints_skip_the_screenshot_hint_when_files_are_attached(
    client, customer, technical
):
    client.force_login(customer)
    text = "Since this morning the page example.com/cart shows an error"
    data = {"category": technical.pk, "subject": "Cart", "description": text}
    without = client.post("/tickets/new/hints/", {**data, "has_files": "0"}).context["hints"]
    with_files = client.post("/tickets/new/hints/", {**data, "has_files": "1"}).context["hints"]
    assert "tech_screenshot" in without.codes and "tech_screenshot" not in with_files.codes


def test_the_live_hints_are_for_signed_in_customers_and_post_only(client, customer):
    assert client.post("/tickets/new/hints/", {})["Location"].startswith("/accounts/login/")
    client.force_login(customer)
    assert client.get("/tickets/new/hints/").status_code == 405


def test_similar_tickets_are_open_or_recently_solved_ones(customer, agent, department):
    open_one = open_ticket(customer, department, subject="Mail to example.com bounces")
    solved = open_ticket(customer, department, subject="Mail to example.com bounces again")
    services.ticket_set_status(actor=agent, ticket=solved, status=Status.SOLVED)
    old = open_ticket(customer, department, subject="Mail to example.com bounces, old")
    services.ticket_set_status(actor=agent, ticket=old, status=Status.SOLVED)
    Ticket.objects.filter(pk=old.pk).update(solved_at=timezone.now() - timedelta(days=31))
    similar = selectors.portal_similar_tickets(customer, "example.com mail bounces")
    assert {t.number for t in similar} == {open_one.number, solved.number}


def test_add_to_puts_the_message_into_the_similar_ticket_and_reopens_it(
    client, customer, agent, technical, department
):
    earlier = open_ticket(customer, department, subject="Server cs1234 is down")
    services.reply_add(actor=agent, ticket=earlier, body_text="Rebooted.", status=Status.SOLVED)
    client.force_login(customer)
    response = submit(client, technical, add_to=str(earlier.number), subject="Down again")
    assert response["Location"].startswith(f"/tickets/{earlier.number}/#message-")
    earlier.refresh_from_db()
    assert earlier.status == Status.OPEN
    assert Ticket.objects.count() == 1
    last = Message.objects.filter(ticket=earlier).last()
    assert last.body_text == f"Down again\n\n{VAGUE}" and last.author == customer


def test_add_to_another_customers_ticket_is_a_404(
    client, customer, other_customer, technical, department
):
    theirs = open_ticket(other_customer, department)
    client.force_login(customer)
    assert submit(client, technical, add_to=str(theirs.number)).status_code == 404
    assert submit(client, technical, add_to="nonsense").status_code == 404
    assert theirs.messages.count() == 1
