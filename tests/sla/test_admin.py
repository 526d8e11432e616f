"""Django's admin configures the SLA too (issue 10): calendars with holidays, policies,
escalations and the configuration's audit trail; changes go through the SLA services
(audited, due times follow) and bad input is a form error."""

import json

import pytest
from django.urls import reverse

from tests.factories import open_ticket
from tests.helpers import committed
from tests.sla.conftest import moscow
from tickets.sla.models import Calendar, ConfigChange, Holiday, Policy

pytestmark = pytest.mark.django_db

PAGES = ["calendar", "policy", "escalation", "configchange"]


@pytest.mark.parametrize("model", PAGES)
def test_the_admin_lists_each_sla_model(client, admin_user, policy, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:sla_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", PAGES)
def test_agents_have_no_sla_admin(client, agent, model):
    client.force_login(agent)
    response = client.get(reverse(f"admin:sla_{model}_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _calendar_form(hours: object, holiday_day: str = "2026-01-01") -> dict:
    return {
        "name": "Ереван",
        "time_zone": "Asia/Yerevan",
        "hours": json.dumps(hours),
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-0-name": "Новый год",
        "holidays-0-first_day": holiday_day,
        "holidays-0-last_day": "2026-01-02",
        "holidays-0-yearly": "on",
    }


def test_an_admin_adds_a_calendar_with_a_holiday_and_it_is_audited(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_calendar_add"), _calendar_form({"0": [[540, 1080]]}))
    assert response.status_code == 302
    calendar = Calendar.objects.get(name="Ереван")
    assert calendar.hours == {"0": [[540, 1080]]}
    assert Holiday.objects.get(calendar=calendar).name == "Новый год"
    change = ConfigChange.objects.get(kind="calendar", object_id=calendar.pk)
    assert change.action == "created" and change.after["holidays"][0][0] == "Новый год"


@pytest.mark.parametrize(
    "hours",
    [
        {},
        {"0": []},
        {"7": [[540, 1080]]},
        {"0": [[1080, 540]]},
        {"0": [[540, 700], [600, 900]]},
        {"0": [[0, 1500]]},
        {"0": "09:00-18:00"},
        ["x"],
        {"0": [[540.5, 600]]},
    ],
)
def test_bad_hours_are_a_form_error(client, admin_user, hours):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_calendar_add"), _calendar_form(hours))
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Calendar.objects.exists()


def test_a_holiday_ending_before_it_starts_is_refused(client, admin_user):
    client.force_login(admin_user)
    form = _calendar_form({"0": [[540, 1080]]}, holiday_day="2026-01-05")
    response = client.post(reverse("admin:sla_calendar_add"), form)
    assert response.status_code == 200
    assert not Calendar.objects.exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"first_response_minutes": "0"}, "at least one minute"),
        ({"first_response_minutes": "-5"}, "at least one minute"),
        ({"first_response_minutes": "99999999"}, "at most a year"),
        (
            {"first_response_minutes": "", "next_response_minutes": "", "resolution_minutes": ""},
            "Set at least one target",
        ),
    ],
)
def test_bad_policies_in_the_admin_get_the_same_errors(
    client, admin_user, department, changes, error
):
    client.force_login(admin_user)
    form = {**policy_form(department), **changes}
    response = client.post(reverse("admin:sla_policy_add"), form)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Policy.objects.exists()


def policy_form(department, calendar=None) -> dict:
    return {
        "department": department.pk,
        "priority": "",
        "organization": "",
        "calendar": calendar.pk if calendar else "",
        "first_response_minutes": "60",
        "next_response_minutes": "240",
        "resolution_minutes": str(18 * 60),
        "warn_minutes": "30",
        "reassign_to": "",
        "is_active": "on",
    }


def test_a_policy_changed_in_the_admin_is_audited_and_moves_due_times(
    client, admin_user, clock, policy, office, customer, department
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    client.force_login(admin_user)
    form = policy_form(department, office)
    with committed():
        response = client.post(reverse("admin:sla_policy_change", args=[policy.pk]), form)
    assert response.status_code == 302
    change = ConfigChange.objects.get(kind="policy")
    assert (change.before["first_response_minutes"], change.after["first_response_minutes"]) == (
        120,
        60,
    )
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == moscow(2026, 3, 4, 11, 0)
    with committed():
        client.post(reverse("admin:sla_policy_delete", args=[policy.pk]), {"post": "yes"})
    assert not Policy.objects.exists()
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None
    assert ConfigChange.objects.filter(kind="policy", action="deleted").exists()
