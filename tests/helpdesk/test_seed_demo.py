"""The demo data command (issue 2): departments, people, 200 tickets in every status."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from accounts.models import Role, User
from tickets import access
from tickets.models import (
    Attachment,
    Department,
    Message,
    MessageKind,
    Rating,
    RatingScore,
    Status,
    Ticket,
)
from tickets.sla.models import Calendar, Escalation, Policy

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """The demo's files: a folder of the test run, never the repository's var/ (issue 14)."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """Seeded once for the module, in a transaction rolled back afterwards."""
    with (
        override_settings(MEDIA_ROOT=demo_media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_it_prints_the_logins_that_work(demo, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert "manager@hosting.example" in demo and "password for all: demo" in demo
    for email in ("admin@hosting.example", "anna@hosting.example", "customer@example.com"):
        assert authenticate(username=email, password="demo") is not None


def test_it_makes_three_departments_and_every_role(demo):
    assert set(Department.objects.values_list("name", flat=True)) == {
        "Technical support",
        "Sales",
        "Billing",
    }
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.MANAGER, Role.AGENT, Role.CUSTOMER}


def test_it_makes_about_200_tickets_in_every_status(demo):
    assert Ticket.objects.count() == 200
    counts = dict(Ticket.objects.values_list("status").annotate(n=Count("id")))
    assert set(counts) == set(Status.values)
    assert min(counts.values()) >= 10


def test_conversations_are_in_english_and_russian_with_notes_and_files(demo):
    assert Message.objects.filter(body_text__contains="Здравствуйте").exists()
    assert Message.objects.filter(body_text__contains="Hello").exists()
    assert Message.objects.filter(kind=MessageKind.NOTE).count() >= 20
    assert Attachment.objects.filter(filename="скриншот ошибки.png").exists()
    assert Attachment.objects.filter(content_type="application/pdf").exists()


def test_agents_are_restricted_to_their_departments(demo):
    anna = User.objects.get(email="anna@hosting.example")
    manager = User.objects.get(email="manager@hosting.example")
    assert set(access.departments_for(anna).values_list("name", flat=True)) == {"Technical support"}
    assert 0 < access.tickets_for(anna).count() < access.tickets_for(manager).count() == 200


def test_a_deactivated_agent_keeps_his_replies(demo):
    former = User.objects.get(email="former@hosting.example")
    assert not former.is_active
    assert Message.objects.filter(author=former, kind=MessageKind.AGENT).exists()


def test_history_lies_in_the_past_and_in_order(demo):
    for ticket in Ticket.objects.all()[:50]:
        times = list(ticket.messages.values_list("created_at", flat=True))
        assert times == sorted(times)
        assert ticket.created_at == times[0]


def test_running_it_again_adds_nothing(demo):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "already holds tickets" in out.getvalue()
    assert Ticket.objects.count() == 200


def test_its_files_are_written_to_the_test_runs_folder(demo, demo_media):
    names = list(Attachment.objects.values_list("file", flat=True))
    assert names and all((demo_media / name).is_file() for name in names)


def test_it_sets_up_service_levels_with_escalations_and_ratings(demo):
    """Issue 10: a manager sees escalations, SLA state and reports on the demo data."""
    assert Calendar.objects.get().holidays.count() == 3
    assert Policy.objects.count() == 4
    open_tickets = Ticket.objects.filter(status__in=[Status.NEW, Status.OPEN])
    assert open_tickets.filter(sla_due_at__isnull=False).exists()
    assert Escalation.objects.exists()
    assert Rating.objects.filter(score=RatingScore.BAD).exists()
    assert Rating.objects.exclude(comment="").exists()
