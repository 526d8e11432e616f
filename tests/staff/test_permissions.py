"""Who may open which staff page: the permission matrix over every staff URL (R10, issue 4).

anonymous -> the sign-in page; customer -> 403, never the page; agent of another
department -> 404 for anything of a ticket outside his departments, and lists that do
not contain it; agent of the department -> the page; manager -> the page.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from helpdesk.urls import staff_urls as urlpatterns
from tests.canned.test_permissions import CANNED_URLS
from tests.factories import open_ticket
from tests.live.test_permissions import LIVE_URLS
from tests.search.test_saved_views import SAVED_VIEW_URLS
from tests.sla.test_manager_pages import SLA_URLS
from tests.staff.conftest import seen
from tests.staff.test_rejected_mail_pages import REJECTED_MAIL_URLS
from tests.staff.test_spam_pages import SPAM_MAIL_URLS
from tickets import services
from tickets.fields.models import FieldDefinition
from tickets.models import MessageKind, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

# Every staff URL: (method, is it about one ticket).
STAFF_URLS = {
    "dashboard": ("get", False),
    "queue": ("get", False),
    "queue_bulk": ("post", False),
    "ticket_new": ("get", False),
    "customer_search": ("get", False),
    "search": ("get", False),
    "ticket": ("get", True),
    "ticket_reply": ("post", True),
    "ticket_take": ("post", True),
    "ticket_assign": ("post", True),
    "ticket_status": ("post", True),
    "ticket_priority": ("post", True),
    "ticket_move": ("post", True),
    "ticket_reopen": ("post", True),
    "ticket_update": ("post", True),
    "ticket_presence": ("get", True),
    "ticket_requester_language": ("post", True),
    "ticket_split": ("post", True),
    "ticket_merge": ("post", True),
    "ticket_tags": ("post", True),
    "ticket_fields": ("post", True),
}
TICKET_URLS = [name for name, (_method, about_ticket) in STAFF_URLS.items() if about_ticket]
LIST_URLS = [name for name, (_method, about_ticket) in STAFF_URLS.items() if not about_ticket]


def url(name: str, ticket) -> str:
    args = [ticket.number] if STAFF_URLS[name][1] else []
    return reverse(f"staff:{name}", args=args)


def _plan_field(ticket) -> FieldDefinition:
    """A custom field of the ticket's department (issue 11)."""
    field, _created = FieldDefinition.objects.get_or_create(
        department=ticket.department, key="plan", defaults={"name": "Plan", "kind": "text"}
    )
    return field


def valid_data(name: str, ticket, *, colleague, other_department) -> dict:
    """What the page's own form would send, so that the action succeeds."""
    if name == "ticket_split":
        message = ticket.messages.filter(kind=MessageKind.CUSTOMER).last()
        return {"message": message.pk, "department": ticket.department_id}
    if name == "ticket_merge":
        target = Ticket.objects.filter(subject=MERGE_TARGET).first()
        return {"merge_into": target.number if target else 1}
    if name == "ticket_fields":
        return {f"field_{_plan_field(ticket).pk}": "VPS cs1234"}
    return {
        "queue_bulk": {"ticket": [ticket.number], "action": "priority", "priority": 4},
        "ticket_reply": {"kind": "reply", "body": "Проверяем.", "seen": seen(ticket)},
        "ticket_assign": {"assignee": colleague.pk},
        "ticket_status": {"status": Status.PENDING},
        "ticket_priority": {"priority": 3},
        "ticket_move": {"department": other_department.pk},
        "ticket_requester_language": {"language": "de"},
        "ticket_update": {"assignee": colleague.pk, "status": Status.PENDING, "priority": 3},
        "ticket_tags": {"tags": "vip, сервер"},
        "customer_search": {"q": "Ив"},
        "search": {"q": "сервер"},
    }.get(name, {})


def call(client, name: str, ticket, data=None):
    method = STAFF_URLS[name][0]
    return getattr(client, method)(url(name, ticket), data or {})


MERGE_TARGET = "The ticket to merge into"


def prepare(name: str, ticket, actor) -> None:
    """Reopening needs a solved ticket; splitting a message, a second one (issue 11)."""
    if name == "ticket_reopen":
        services.ticket_set_status(actor=actor, ticket=ticket, status=Status.SOLVED)
    if name == "ticket_split":
        services.message_add_web(actor=ticket.requester, ticket=ticket, body_text="Второе")
    if name == "ticket_merge":
        open_ticket(ticket.requester, ticket.department, subject=MERGE_TARGET)


def test_the_matrix_covers_every_staff_url():
    """Rejected mail and spam have their own matrices (test_rejected_mail_pages.py,
    test_spam_pages.py), saved views theirs."""
    expected = (
        set(STAFF_URLS) | set(REJECTED_MAIL_URLS) | set(SPAM_MAIL_URLS) | set(SAVED_VIEW_URLS)
    )
    assert {pattern.name for pattern in urlpatterns} == expected


def test_every_url_under_staff_is_in_a_matrix():
    """Features mounted under /staff/ bring their matrix: canned responses (R15) in
    tests/canned/test_permissions.py, the managers' pages (issue 10) in
    tests/sla/test_manager_pages.py, live updates and the bell (issue 11) in
    tests/live/test_permissions.py."""
    under_staff = {
        f"{include.namespace}:{pattern.name}"
        for include in get_resolver().url_patterns
        if str(include.pattern).startswith("staff/")
        for pattern in include.url_patterns
    }
    staff = {
        f"staff:{name}"
        for name in [*STAFF_URLS, *REJECTED_MAIL_URLS, *SPAM_MAIL_URLS, *SAVED_VIEW_URLS]
    }
    canned = {f"canned:{name}" for name in CANNED_URLS}
    manage = {f"sla:{name}" for name in SLA_URLS}
    live = {f"live:{name}" for name in LIVE_URLS}
    assert under_staff == staff | canned | manage | live


@pytest.mark.parametrize("name", STAFF_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, name, ticket):
    response = call(client, name, ticket)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", STAFF_URLS)
def test_customers_get_403_never_the_page(client, name, ticket, customer):
    client.force_login(customer)
    events = TicketEvent.objects.count()
    response = call(client, name, ticket, {"body": "x", "status": "solved", "priority": 4})
    assert response.status_code == 403
    assert TicketEvent.objects.count() == events


@pytest.mark.parametrize("name", TICKET_URLS)
def test_an_agent_of_another_department_gets_404_for_the_ticket(
    client, name, ticket, agent, agent_other_department, other_department
):
    prepare(name, ticket, agent)
    client.force_login(agent_other_department)
    events = TicketEvent.objects.count()
    data = valid_data(name, ticket, colleague=agent, other_department=other_department)
    response = call(client, name, ticket, data)
    assert response.status_code == 404
    assert TicketEvent.objects.count() == events


@pytest.mark.parametrize("name", LIST_URLS)
def test_lists_of_an_agent_of_another_department_do_not_contain_the_ticket(
    client, name, ticket, sales_ticket, agent, agent_other_department, other_department
):
    client.force_login(agent_other_department)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    data = valid_data(name, ticket, colleague=agent, other_department=other_department)
    response = call(client, name, ticket, data)
    if STAFF_URLS[name][0] == "post":
        assert response.status_code == 302
        response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.subject not in html and f"#{ticket.number}<" not in html
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_counters_of_an_agent_of_another_department_do_not_count_the_ticket(
    client, ticket, agent_other_department
):
    client.force_login(agent_other_department)
    lists = client.get(reverse("staff:dashboard")).context["lists"]
    assert [lists[key].count for key in ("mine", "unassigned", "waiting")] == [0, 0, 0]
    assert lists["recent"].tickets == []


@pytest.mark.parametrize("persona", ["agent", "manager"])
@pytest.mark.parametrize("name", STAFF_URLS)
def test_agents_of_the_department_and_managers_get_the_page_and_act(
    request, client, name, persona, ticket, agent, other_department
):
    actor = request.getfixturevalue(persona)
    prepare(name, ticket, actor)
    client.force_login(actor)
    events = TicketEvent.objects.filter(ticket=ticket).count()
    data = valid_data(name, ticket, colleague=agent, other_department=other_department)
    response = call(client, name, ticket, data)
    if STAFF_URLS[name][0] == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        # Every action through a view writes its audit event.
        assert TicketEvent.objects.filter(ticket=ticket).count() > events
