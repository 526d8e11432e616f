"""Saved views: personal, shared with a department by managers, the defaults; capped counts
(issue 9, R18)."""

import pytest

from tests.factories import AgentFactory, open_ticket
from tickets.search.models import SavedView
from tickets.search.saved import DEFAULT_VIEWS, saved_views_counted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_views(db):
    """As migration 0003 made them (a browser test's flush may have removed them)."""
    for position, (name, query) in enumerate(DEFAULT_VIEWS):
        SavedView.objects.get_or_create(
            name=name, owner=None, department=None, defaults={"query": query, "position": position}
        )


def names(user) -> dict[str, int]:
    return {counted.view.name: counted.count for counted in saved_views_counted(user)}


def test_the_default_views_are_saved_views_with_counts(agent, customer, department):
    open_ticket(customer, department)
    views = names(agent)
    assert views["Unassigned in my departments"] == 1
    assert views["My open tickets"] == 0
    assert {"Waiting on customer", "Recently solved"} <= set(views)


def test_an_agent_saves_a_personal_view_others_do_not_see(client, agent, department):
    client.force_login(agent)
    response = client.post("/staff/search/views/", {"name": "Почта", "query": "q=почта&after=x"})
    assert response.status_code == 302
    view = SavedView.objects.get(name="Почта")
    assert view.owner == agent and view.query == "q=%D0%BF%D0%BE%D1%87%D1%82%D0%B0"
    colleague = AgentFactory(departments=[department])
    assert "Почта" in names(agent) and "Почта" not in names(colleague)


def test_an_agent_cannot_share_a_view(client, agent, department):
    client.force_login(agent)
    client.post(
        "/staff/search/views/", {"name": "Shared", "query": "", "department": department.pk}
    )
    assert SavedView.objects.get(name="Shared").department is None, "saved as his own"


def test_a_manager_shares_a_view_with_a_department(
    client, manager, agent, agent_other_department, department
):
    client.force_login(manager)
    client.post(
        "/staff/search/views/",
        {"name": "Urgent", "query": "priority=4", "department": department.pk},
    )
    assert SavedView.objects.get(name="Urgent").department == department
    assert "Urgent" in names(agent) and "Urgent" not in names(agent_other_department)


def test_counts_stop_at_the_cap(client, agent, customer, department):
    for n in range(101):
        open_ticket(customer, department, subject=f"Ticket {n}")
    client.force_login(agent)
    html = client.get("/staff/search/", {"q": "ticket"}).content.decode()
    assert "99+" in html


def test_only_the_owner_deletes_a_personal_view(client, agent, department):
    view = SavedView.objects.create(name="Mine", owner=agent)
    colleague = AgentFactory(departments=[department])
    client.force_login(colleague)
    assert client.post(f"/staff/search/views/{view.pk}/delete/").status_code == 404
    default = SavedView.objects.get(name="My open tickets")
    client.post(f"/staff/search/views/{default.pk}/delete/")
    assert SavedView.objects.filter(pk=default.pk).exists(), "defaults stay"
    client.force_login(agent)
    client.post(f"/staff/search/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()


# The saved-view URLs, outside the staff permission matrix (tests/staff/test_permissions.py).
SAVED_VIEW_URLS = {"saved_view_save", "saved_view_delete"}


def test_customers_and_strangers_cannot_save_or_delete_views(client, customer, agent):
    view = SavedView.objects.create(name="Mine", owner=agent)
    urls = ["/staff/search/views/", f"/staff/search/views/{view.pk}/delete/"]
    for url in urls:
        assert client.post(url, {"name": "x"})["Location"].startswith("/accounts/login/")
    client.force_login(customer)
    for url in urls:
        assert client.post(url, {"name": "x"}).status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert not SavedView.objects.filter(name="x").exists()
