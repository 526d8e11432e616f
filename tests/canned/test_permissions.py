"""Who may open which canned-response URL: the permission matrix of R15 (with R10).

anonymous -> sign in; customer -> 403; a colleague's personal response -> 404, as if it
did not exist; a response the agent only uses (global, his department's) -> 403 to edit or
delete; the picker and "use" of a ticket outside his departments -> 404; otherwise the page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.canned.conftest import canned
from tests.factories import AgentFactory
from tickets.canned.models import CannedResponse, Scope
from tickets.canned.urls import urlpatterns

pytestmark = pytest.mark.django_db

# Every canned URL: (method, what it names: nothing, a response, a ticket, or both).
CANNED_URLS = {
    "list": ("get", ()),
    "new": ("get", ()),
    "edit": ("get", ("response",)),
    "delete": ("post", ("response",)),
    "picker": ("get", ("ticket",)),
    "use": ("post", ("response", "ticket")),
}


def call(client, name, *, response=None, ticket=None):
    method, names = CANNED_URLS[name]
    values = {"response": response.pk if response else 0, "ticket": ticket.number if ticket else 0}
    return getattr(client, method)(reverse(f"canned:{name}", args=[values[n] for n in names]))


def test_the_matrix_covers_every_canned_url():
    assert {pattern.name for pattern in urlpatterns} == set(CANNED_URLS)


@pytest.mark.parametrize("name", CANNED_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, name, agent, ticket):
    result = call(client, name, response=canned(agent), ticket=ticket)
    assert result.status_code == 302
    assert result["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", CANNED_URLS)
def test_customers_get_403_never_the_page(client, name, agent, customer, ticket):
    response = canned(agent)
    client.force_login(customer)
    assert call(client, name, response=response, ticket=ticket).status_code == 403
    assert CannedResponse.objects.get().usage_count == 0


@pytest.mark.parametrize("name", ["edit", "delete", "use"])
def test_a_colleagues_personal_response_is_a_404(client, name, agent, admin_user, ticket):
    response = canned(AgentFactory(departments=[ticket.department]))
    for actor in (agent, admin_user):
        client.force_login(actor)
        assert call(client, name, response=response, ticket=ticket).status_code == 404
    assert CannedResponse.objects.get().usage_count == 0


@pytest.mark.parametrize("name", ["picker", "use"])
def test_an_agent_of_another_department_gets_404_for_the_ticket(
    client, name, admin_user, agent_other_department, ticket
):
    response = canned(admin_user, scope=Scope.GLOBAL)
    client.force_login(agent_other_department)
    assert call(client, name, response=response, ticket=ticket).status_code == 404
    assert CannedResponse.objects.get().usage_count == 0


@pytest.mark.parametrize("name", ["edit", "delete"])
def test_responses_an_agent_only_uses_are_403_to_change(
    client, name, agent, manager, admin_user, department, ticket
):
    shared = [
        canned(admin_user, scope=Scope.GLOBAL),
        canned(manager, scope=Scope.DEPARTMENT, department=department),
    ]
    client.force_login(agent)
    for response in shared:
        assert call(client, name, response=response).status_code == 403
        assert call(client, "use", response=response, ticket=ticket).status_code == 200
    assert CannedResponse.objects.count() == 2


def test_a_response_of_a_department_the_agent_is_not_in_is_a_404(
    client, agent, manager, other_department
):
    sales = canned(manager, scope=Scope.DEPARTMENT, department=other_department)
    client.force_login(agent)
    assert call(client, "edit", response=sales).status_code == 404


@pytest.mark.parametrize(
    ("persona", "scope", "status"),
    [
        ("agent", Scope.PERSONAL, 200),
        ("department_manager", Scope.DEPARTMENT, 200),
        ("manager", Scope.DEPARTMENT, 200),
        ("manager", Scope.GLOBAL, 403),
        ("admin_user", Scope.DEPARTMENT, 200),
        ("admin_user", Scope.GLOBAL, 200),
    ],
)
def test_who_manages_which_response(
    request, client, persona, scope, status, admin_user, department, ticket
):
    actor = request.getfixturevalue(persona)
    author = actor if scope == Scope.PERSONAL else admin_user
    response = canned(author, scope=scope, department=department if scope == "department" else None)
    client.force_login(actor)
    assert call(client, "edit", response=response).status_code == status
    for name in ("list", "new", "picker"):
        assert call(client, name, ticket=ticket).status_code == 200
