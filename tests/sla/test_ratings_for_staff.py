"""Ratings for staff (issue 10, W4): the score and comment on the ticket's timeline, a bad
rating alerts the department's managers, and queues filter by rating."""

import pytest
from django.urls import reverse

from accounts.models import DepartmentMembership, MembershipRole
from mailgateway.outbound.models import OutboundMail
from tests.factories import AgentFactory, open_ticket
from tickets import services
from tickets.models import RatingScore, Status
from tickets.search.models import SavedView
from tickets.search.saved import saved_views_counted

pytestmark = pytest.mark.django_db


def rated(customer, department, agent, score, comment="", subject="Почта"):
    ticket = open_ticket(customer, department, subject=subject)
    services.reply_add(actor=agent, ticket=ticket, body_text="Готово.", status=Status.SOLVED)
    services.rating_set(actor=customer, ticket=ticket, score=score, comment=comment)
    return ticket


def test_the_score_and_comment_show_on_the_staff_timeline(client, customer, department, agent):
    ticket = rated(customer, department, agent, RatingScore.BAD, "Ответ не помог, сервер лежит")
    client.force_login(agent)
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "rated the answer: Bad, I am not satisfied" in page
    assert "Ответ не помог, сервер лежит" in page


def test_a_bad_rating_alerts_the_departments_managers_and_a_good_one_does_not(
    customer, department, agent, django_capture_on_commit_callbacks
):
    lead = AgentFactory(name="Лидия")
    DepartmentMembership.objects.create(
        user=lead, department=department, role=MembershipRole.MANAGER
    )
    with django_capture_on_commit_callbacks(execute=True):
        rated(customer, department, agent, RatingScore.GOOD, subject="Хорошо")
        rated(customer, department, agent, RatingScore.BAD, "Долго", subject="Плохо")
    alerts = OutboundMail.objects.filter(kind="manager_bad_rating")
    assert [(row.recipients, row.subject.endswith("Плохо")) for row in alerts] == [
        ([lead.email], True)
    ]


def test_the_queue_filters_by_rating(client, customer, department, agent):
    rated(customer, department, agent, RatingScore.GOOD, subject="Хороший ответ")
    rated(customer, department, agent, RatingScore.BAD, subject="Плохой ответ")
    client.force_login(agent)
    page = client.get(reverse("staff:queue"), {"status": "any", "rating": "bad"})
    html = page.content.decode()
    assert "Плохой ответ" in html and "Хороший ответ" not in html
    page = client.get(reverse("staff:queue"), {"status": "any", "rating": "nonsense"})
    assert page.status_code == 200


def test_a_saved_view_filters_by_rating_and_counts_only_those(client, customer, department, agent):
    """Ratings filter in saved views too (issue 10, W4; issue 9)."""
    rated(customer, department, agent, RatingScore.GOOD, subject="Хороший ответ")
    bad = rated(customer, department, agent, RatingScore.BAD, subject="Плохой ответ")
    client.force_login(agent)
    client.post("/staff/search/views/", {"name": "Плохие оценки", "query": "status=any&rating=bad"})
    view = SavedView.objects.get(name="Плохие оценки")
    counts = {c.view.name: c.count for c in saved_views_counted(agent)}
    assert counts["Плохие оценки"] == 1
    page = client.get("/staff/search/?" + view.query).content.decode()
    assert f"#{bad.number}" in page and "Хороший ответ" not in page
