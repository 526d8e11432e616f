"""The saved views are the staff sidebar of every page with the queue's list: the queue,
the dashboard and the search, each view with its capped count (issue 9, R18)."""

import pytest
from django.urls import reverse

from tests.factories import open_ticket
from tickets import selectors
from tickets.search.models import SavedView
from tickets.search.saved import DEFAULT_VIEWS

pytestmark = pytest.mark.django_db

LIST_PAGES = ["staff:queue", "staff:dashboard", "staff:search"]


@pytest.fixture(autouse=True)
def default_views(db):
    for position, (name, query) in enumerate(DEFAULT_VIEWS):
        SavedView.objects.get_or_create(
            name=name, owner=None, department=None, defaults={"query": query, "position": position}
        )


def sidebar(html: str) -> str:
    start = html.index('<nav class="saved-views card"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize("page", LIST_PAGES)
def test_every_list_page_shows_the_saved_views_with_their_counts(
    client, agent, customer, department, page
):
    open_ticket(customer, department)
    SavedView.objects.create(name="Моя почта", query="q=почта", owner=agent)
    client.force_login(agent)
    response = client.get(reverse(page))
    nav = sidebar(response.content.decode())
    assert "Unassigned in my departments" in nav and "Моя почта" in nav
    counts = {counted.view.name: counted.count for counted in response.context["views"]}
    assert counts["Unassigned in my departments"] == 1 and counts["My open tickets"] == 0
    assert 'href="/staff/search/?assignee=none&amp;status=active"' in nav


@pytest.mark.parametrize("page", LIST_PAGES)
def test_the_sidebar_counts_stop_at_the_cap(client, agent, customer, department, page, monkeypatch):
    monkeypatch.setattr(selectors.staff, "COUNT_CAP", 3)
    for index in range(4):
        open_ticket(customer, department, subject=f"Ticket {index}")
    client.force_login(agent)
    nav = sidebar(client.get(reverse(page)).content.decode())
    assert "2+</span>" in nav


@pytest.mark.parametrize("page", LIST_PAGES)
def test_the_sidebar_never_shows_others_views_or_counts_others_tickets(
    client, agent, agent_other_department, customer, department, other_department, page
):
    open_ticket(customer, other_department)
    SavedView.objects.create(name="Чужой", query="", owner=agent_other_department)
    SavedView.objects.create(name="Продажи", query="", department=other_department)
    SavedView.objects.create(name="Поддержка", query="status=any", department=department)
    client.force_login(agent)
    response = client.get(reverse(page))
    nav = sidebar(response.content.decode())
    assert "Чужой" not in nav and "Продажи" not in nav and "Поддержка" in nav
    counts = {counted.view.name: counted.count for counted in response.context["views"]}
    assert counts["Поддержка"] == 0 and counts["Unassigned in my departments"] == 0


def test_only_the_search_page_offers_to_save_a_view(client, agent):
    client.force_login(agent)
    assert 'class="save-view"' not in client.get(reverse("staff:queue")).content.decode()
    found = client.get(reverse("staff:search"), {"q": "сервер"}).content.decode()
    assert 'class="save-view"' in found


def test_a_view_with_a_hostile_query_still_shows(client, agent):
    """A saved query the form refuses (a bad date, an unknown department) counts nothing
    wrong and never breaks the page."""
    SavedView.objects.create(
        name="Broken", query="created_after=31.02.2026&department=999999&q=%22%28%21", owner=agent
    )
    client.force_login(agent)
    for page in LIST_PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 200 and "Broken" in sidebar(response.content.decode())
