"""The manager's desk (issue 10, R17): who may open which page, escalations with
acknowledge, and configuration forms that refuse bad input with a clear error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import DepartmentMembership, MembershipRole
from tests.factories import AgentFactory, open_ticket
from tests.sla.conftest import moscow
from tickets.models import Priority
from tickets.sla.escalation import escalations_scan
from tickets.sla.models import Calendar, ConfigChange, Escalation, Policy
from tickets.sla.urls import urlpatterns

pytestmark = pytest.mark.django_db

# Every URL of the manager's desk: (method, needs an object).
SLA_URLS = {
    "escalations": ("get", None),
    "reports": ("get", None),
    "escalation_ack": ("post", "escalation"),
    "settings": ("get", None),
    "calendar_new": ("get", None),
    "calendar_edit": ("get", "calendar"),
    "policy_new": ("get", None),
    "policy_edit": ("get", "policy"),
    "policy_delete": ("post", "policy"),
}


@pytest.fixture
def lead(department):
    lead = AgentFactory(name="Лидия")
    DepartmentMembership.objects.create(
        user=lead, department=department, role=MembershipRole.MANAGER
    )
    return lead


@pytest.fixture
def objects(clock, policy, office, customer, department):
    clock(moscow(2026, 3, 4, 10, 0))
    open_ticket(customer, department, subject="Сервер упал")
    escalations_scan(now=moscow(2026, 3, 4, 12, 1))
    return {"escalation": Escalation.objects.get(), "calendar": office, "policy": policy}


def url(name, objects) -> str:
    kind = SLA_URLS[name][1]
    return reverse(f"sla:{name}", args=[objects[kind].pk] if kind else [])


def call(client, name, objects):
    return getattr(client, SLA_URLS[name][0])(url(name, objects))


def test_the_matrix_covers_every_url_of_the_managers_desk():
    assert {pattern.name for pattern in urlpatterns} == set(SLA_URLS)


@pytest.mark.parametrize("name", SLA_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, name, objects):
    response = call(client, name, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["customer", "agent"])
@pytest.mark.parametrize("name", SLA_URLS)
def test_customers_and_agents_who_manage_nothing_get_403(request, client, name, persona, objects):
    client.force_login(request.getfixturevalue(persona))
    assert call(client, name, objects).status_code == 403
    assert Policy.objects.exists() and not Escalation.objects.filter(acknowledged_at__isnull=False)


@pytest.mark.parametrize("name", [n for n, (_m, kind) in SLA_URLS.items() if kind != "calendar"])
def test_a_manager_of_another_department_never_reaches_its_objects(
    client, name, objects, other_department
):
    """Lists do not show them; single objects are 404 (shared calendars are the exception)."""
    other_lead = AgentFactory()
    DepartmentMembership.objects.create(
        user=other_lead, department=other_department, role=MembershipRole.MANAGER
    )
    client.force_login(other_lead)
    response = call(client, name, objects)
    if SLA_URLS[name][1]:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert "Сервер упал" not in response.content.decode()
    assert Policy.objects.exists() and not Escalation.objects.filter(acknowledged_at__isnull=False)


@pytest.mark.parametrize("persona", ["lead", "manager", "admin_user"])
@pytest.mark.parametrize("name", SLA_URLS)
def test_managers_get_the_page_and_act(request, client, name, persona, objects):
    client.force_login(request.getfixturevalue(persona))
    response = call(client, name, objects)
    assert response.status_code == (200 if SLA_URLS[name][0] == "get" else 302)


def test_the_escalation_list_shows_the_breach_and_acknowledging_removes_it(client, lead, objects):
    client.force_login(lead)
    page = client.get(reverse("sla:escalations")).content.decode()
    assert "Сервер упал" in page and "Overdue" in page
    client.post(url("escalation_ack", objects))
    assert Escalation.objects.get().acknowledged_by == lead
    assert "Сервер упал" not in client.get(reverse("sla:escalations")).content.decode()
    assert "Сервер упал" in client.get(reverse("sla:escalations") + "?show=all").content.decode()


def calendar_data(**changes) -> dict:
    data = {"name": "Ереван", "time_zone": "Asia/Yerevan", "holidays": ""}
    data.update({f"day_{day}": "09:00-18:00" for day in range(5)})
    data.update(changes)
    return data


def test_a_manager_creates_a_calendar_with_holidays_and_it_is_audited(client, lead):
    client.force_login(lead)
    data = calendar_data(
        holidays="2027-01-01..2027-01-07 Новогодние (yearly)\n2027-05-09 День Победы"
    )
    response = client.post(reverse("sla:calendar_new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = Calendar.objects.get(name="Ереван")
    assert calendar.hours["0"] == [[540, 1080]] and "5" not in calendar.hours
    assert [(h.name, h.yearly) for h in calendar.holidays.all()] == [
        ("Новогодние", True),
        ("День Победы", False),
    ]
    change = ConfigChange.objects.get()
    assert (change.actor, change.kind, change.action) == (lead, "calendar", "created")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({f"day_{d}": "" for d in range(7)}, "working hours on at least one day"),
        ({"day_0": "18:00-09:00"}, "Write hours as 09:00-18:00"),
        ({"holidays": "2027-05-01..2027-05-03 Май\n2027-05-03 Ещё"}, "overlap"),
        ({"holidays": "1 мая"}, "is not a holiday"),
        ({"holidays": "2027-05-09..2027-05-01 Назад"}, "ends before it starts"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_bad_calendars_get_a_clear_error(client, lead, changes, error):
    client.force_login(lead)
    response = client.post(reverse("sla:calendar_new"), calendar_data(**changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Calendar.objects.exists()


def policy_data(department, **changes) -> dict:
    data = {
        "department": department.pk,
        "priority": Priority.URGENT,
        "first_response_minutes": "30",
        "warn_minutes": "10",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_manager_creates_a_policy_for_his_department(client, lead, department):
    client.force_login(lead)
    response = client.post(reverse("sla:policy_new"), policy_data(department))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Policy.objects.get().first_response_minutes == 30
    assert ConfigChange.objects.get().action == "created"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"first_response_minutes": "0"}, "at least one minute"),
        ({"first_response_minutes": "-5"}, "at least one minute"),
        ({"first_response_minutes": ""}, "Set at least one target"),
        ({"first_response_minutes": "99999999"}, "at most a year"),
        ({"first_response_minutes": "abc"}, "Enter a whole number"),
    ],
)
def test_bad_policies_get_a_clear_error(client, lead, department, changes, error):
    client.force_login(lead)
    response = client.post(reverse("sla:policy_new"), policy_data(department, **changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Policy.objects.exists()


def test_a_manager_cannot_make_a_policy_for_a_department_he_does_not_manage(
    client, lead, other_department
):
    client.force_login(lead)
    response = client.post(reverse("sla:policy_new"), policy_data(other_department))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Policy.objects.exists()


def test_a_shared_calendar_is_changed_only_by_who_manages_every_department_using_it(
    client, lead, objects, other_department, office
):
    Policy.objects.create(department=other_department, calendar=office, first_response_minutes=60)
    client.force_login(lead)
    assert client.get(url("calendar_edit", objects)).status_code == 403
