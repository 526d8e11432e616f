"""Tickets through the API (issue 13, W1): list, create, read, update, all through the
services and scoped by tickets.access."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import CategoryFactory, CustomerFactory, ServiceFactory, open_ticket
from tests.helpers import committed
from tickets import services
from tickets.models import Channel, EventVerb, Message, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


def test_customer_lists_only_his_own_tickets(as_customer, ticket, other_customer, department):
    """W1, P1: a customer sees his tickets, as in the portal; never another customer's."""
    open_ticket(other_customer, department, subject="Чужой тикет")
    response = as_customer.get("/api/v1/tickets/")
    assert response.status_code == 200
    assert [t["number"] for t in response.json()["results"]] == [ticket.number]
    shown = response.json()["results"][0]
    assert shown["priority"] is None and shown["department"] is None  # as in the portal


def test_agent_lists_the_tickets_of_his_departments(as_agent, ticket, other_department, customer):
    """R10: the agent's list is his departments' tickets."""
    open_ticket(customer, other_department, subject="Sales question")
    numbers = [t["number"] for t in as_agent.get("/api/v1/tickets/").json()["results"]]
    assert numbers == [ticket.number]


def test_agent_list_takes_the_search_query_language(as_agent, customer, department, ticket):
    """R18, issue 9: the same query language as the staff search."""
    other = open_ticket(customer, department, subject="Invoice question", body="Счёт 42")
    found = as_agent.get("/api/v1/tickets/", {"q": "счёт"}).json()["results"]
    assert [t["number"] for t in found] == [other.number]
    found = as_agent.get("/api/v1/tickets/", {"q": "status:new"}).json()["results"]
    assert {t["number"] for t in found} == {ticket.number, other.number}


def test_agent_list_takes_the_queue_filters_and_saved_views(as_agent, agent, customer, department):
    """Issue 9: a saved view's filters apply by its id."""
    mine = open_ticket(customer, department, subject="Mine")
    open_ticket(customer, department, subject="Nobody's")
    services.ticket_assign(actor=agent, ticket=mine, assignee=agent)
    from tickets.search.saved import saved_view_create

    view = saved_view_create(actor=agent, name="Mine", query="assignee=me&status=active")
    found = as_agent.get("/api/v1/tickets/", {"view": view.pk}).json()["results"]
    assert [t["number"] for t in found] == [mine.number]
    found = as_agent.get("/api/v1/tickets/", {"assignee": "none"}).json()["results"]
    assert [t["subject"] for t in found] == ["Nobody's"]


def test_someone_elses_saved_view_is_refused(as_agent, agent_other_department):
    from tickets.search.saved import saved_view_create

    view = saved_view_create(actor=agent_other_department, name="His", query="status=any")
    response = as_agent.get("/api/v1/tickets/", {"view": view.pk})
    assert response.status_code == 400
    assert "view" in response.json()["errors"]


def test_list_pages_with_a_cursor(as_agent, customer, department):
    """Keyset pages: every ticket once, whatever the page size."""
    made = {open_ticket(customer, department, subject=f"T{n}").number for n in range(5)}
    seen, url, pages = [], "/api/v1/tickets/?limit=2", 0
    while url:
        body = as_agent.get(url).json()
        seen += [t["number"] for t in body["results"]]
        url, pages = body["next"], pages + 1
    assert sorted(seen) == sorted(made) and pages == 3


def test_customer_opens_a_ticket_in_a_category(as_customer, customer, department):
    """P2, W1: the category brings the department; the channel is the API."""
    category = CategoryFactory(default_department=department)
    service = ServiceFactory(customer=customer)
    with committed():
        response = as_customer.post(
            "/api/v1/tickets/",
            {
                "subject": "Не работает",
                "body": "С утра.",
                "category": category.pk,
                "service": service.pk,
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert (ticket.department, ticket.channel, ticket.requester) == (
        department,
        Channel.API,
        customer,
    )
    assert ticket.events.filter(verb=EventVerb.OPENED).exists()
    assert any(f"#{ticket.number}" in m.subject for m in mail.outbox)  # P6, as from the web


def test_agent_opens_a_ticket_for_a_new_customer(as_agent, department):
    """W1: a monitoring alert opens a ticket for a customer by address."""
    response = as_agent.post(
        "/api/v1/tickets/",
        {
            "subject": "Disk full",
            "body": "94%",
            "department": department.pk,
            "customer_email": "New@Example.com",
            "priority": 4,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.requester.email == "new@example.com" and ticket.priority == 4


def test_agent_cannot_open_in_a_department_he_does_not_work(as_agent, other_department):
    response = as_agent.post(
        "/api/v1/tickets/",
        {
            "subject": "X",
            "body": "Y",
            "department": other_department.pk,
            "customer_email": "a@example.com",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_idempotency_key_makes_one_ticket(as_customer, department):
    """Issue 13: a retried POST with the same key answers the same ticket."""
    data = {"subject": "Once", "body": "Only once", "department": department.pk}
    first = as_customer.post("/api/v1/tickets/", data, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = as_customer.post("/api/v1/tickets/", data, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1


def test_customer_reads_his_ticket_and_not_another(as_customer, as_other_customer, ticket):
    """Another customer's ticket is a 404, as one that does not exist."""
    assert as_customer.get(f"/api/v1/tickets/{ticket.number}/").status_code == 200
    assert as_other_customer.get(f"/api/v1/tickets/{ticket.number}/").status_code == 404


def test_agent_of_another_department_gets_404(as_agent_other_department, ticket):
    """R10."""
    response = as_agent_other_department.get(f"/api/v1/tickets/{ticket.number}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_agent_updates_status_priority_assignee_and_department(
    as_agent, agent, ticket, other_department
):
    """W1, R11: each change through its service, each with its event."""
    url = f"/api/v1/tickets/{ticket.number}/"
    etag = as_agent.get(url)["ETag"]
    response = as_agent.patch(
        url,
        {"status": "pending", "priority": 3, "assignee": agent.pk},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (Status.PENDING, 3, agent)
    verbs = set(ticket.events.values_list("verb", flat=True))
    assert {EventVerb.STATUS_CHANGED, EventVerb.PRIORITY_CHANGED, EventVerb.ASSIGNED} <= verbs
    response = as_agent.patch(url, {"department": other_department.pk}, format="json")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.department == other_department


def test_a_stale_etag_is_refused(as_agent, ticket):
    """Issue 13: If-Match keeps two clients from overwriting each other blindly."""
    url = f"/api/v1/tickets/{ticket.number}/"
    etag = as_agent.get(url)["ETag"]
    assert (
        as_agent.patch(url, {"priority": 3}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    )
    response = as_agent.patch(url, {"priority": 4}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    ticket.refresh_from_db()
    assert ticket.priority == 3


def test_a_change_of_several_fields_is_all_or_nothing(as_agent, ticket, agent_other_department):
    """The assignee must work in the department: nothing of the PATCH stays."""
    response = as_agent.patch(
        f"/api/v1/tickets/{ticket.number}/",
        {"priority": 4, "assignee": agent_other_department.pk},
        format="json",
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == 2 and ticket.assignee is None


def test_customer_cannot_update_a_ticket(as_customer, ticket):
    response = as_customer.patch(
        f"/api/v1/tickets/{ticket.number}/", {"priority": 4}, format="json"
    )
    assert response.status_code == 403


def test_customer_writes_and_never_sees_notes(as_customer, agent, ticket):
    """R16: the portal's conversation, without internal notes."""
    services.note_add(actor=agent, ticket=ticket, body_text="Секрет")
    response = as_customer.post(
        f"/api/v1/tickets/{ticket.number}/messages/", {"body": "Ещё вопрос"}, format="json"
    )
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["id"]).channel == Channel.API
    bodies = [
        m["body_text"]
        for m in as_customer.get(f"/api/v1/tickets/{ticket.number}/messages/").json()["results"]
    ]
    assert bodies == ["С утра 502.", "Ещё вопрос"]


def test_customer_cannot_write_a_note(as_customer, ticket):
    response = as_customer.post(
        f"/api/v1/tickets/{ticket.number}/messages/",
        {"body": "x", "internal": True},
        format="json",
    )
    assert response.status_code == 403
    assert not Message.objects.filter(kind=MessageKind.NOTE).exists()


def test_agent_replies_with_an_attachment_and_notes(as_agent, agent, ticket, png):
    """R13, R16, R6: a reply is mailed after the commit; a note never."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/api/v1/tickets/{ticket.number}/messages/"
    with committed():
        response = as_agent.post(
            url,
            {
                "body": "Исправили",
                "status": "solved",
                "attachments": [SimpleUploadedFile("скрин.png", png, "image/png")],
            },
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "agent" and body["attachments"][0]["filename"] == "скрин.png"
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert [m.to for m in mail.outbox if "Исправили" in m.body]
    note = as_agent.post(url, {"body": "внутреннее", "internal": True}, format="json")
    assert note.json()["kind"] == "note"


def test_attachment_download_follows_the_message_scope(
    as_customer, as_other_customer, as_agent, agent, ticket, png
):
    from tests.factories import upload

    reply = services.reply_add(
        actor=agent, ticket=ticket, body_text="см.", attachments=[upload(png, "a.png")]
    )
    note = services.note_add(
        actor=agent, ticket=ticket, body_text="n", attachments=[upload(png, "n.png")]
    )
    public, internal = reply.attachments.get(), note.attachments.get()
    response = as_customer.get(f"/api/v1/attachments/{public.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png
    assert as_customer.get(f"/api/v1/attachments/{internal.pk}/").status_code == 404
    assert as_other_customer.get(f"/api/v1/attachments/{public.pk}/").status_code == 404
    assert as_agent.get(f"/api/v1/attachments/{internal.pk}/").status_code == 200


def test_organization_colleague_sees_shared_tickets(organization, department):
    """Organizations that share tickets: the colleague's token reaches them, as the portal."""
    from tests.api.conftest import token_client

    alice = CustomerFactory(organization=organization)
    bob = CustomerFactory(organization=organization)
    shared = open_ticket(alice, department)
    assert token_client(bob).get(f"/api/v1/tickets/{shared.number}/").status_code == 200


@pytest.mark.parametrize("extra", [{"customer_email": "jane@example.com"}, {"priority": 4}])
def test_customer_opens_only_for_himself_without_a_priority(as_customer, department, extra):
    response = as_customer.post(
        "/api/v1/tickets/",
        {"subject": "x", "body": "y", "department": department.pk, **extra},
        format="json",
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()
