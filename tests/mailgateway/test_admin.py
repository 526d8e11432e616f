"""The mail gateway's admin: health counts, the quarantine with its reprocess button, the
raw mail download, mailboxes and their health (MAIL.md rules 6 and 7; issue 5)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mailgateway.models import InboundMail, InboundStatus, Mailbox
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets.models import DepartmentAddress

pytestmark = pytest.mark.django_db

LIST = "/admin/mailgateway/inboundmail/"


@pytest.fixture
def quarantined(support):
    mail = receive(plain(to="nobody@elsewhere.example", subject="Потерянное"))
    InboundMail.objects.filter(pk=mail.pk).update(status=InboundStatus.QUARANTINED)
    return mail


def test_the_list_shows_health_counts_and_filters_by_status(client, admin_user, quarantined):
    client.force_login(admin_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Quarantined: <strong>1</strong>" in response.content.decode()
    filtered = client.get(LIST, {"status": "attention"}).content.decode()
    assert "Потерянное" in filtered
    assert "Потерянное" not in client.get(LIST, {"status": "done"}).content.decode()


def test_the_list_does_not_grow_in_queries_with_more_mail(
    client, admin_user, support, django_assert_max_num_queries
):
    for i in range(3):
        receive(plain(subject=f"mail {i}"))
    client.force_login(admin_user)
    with django_assert_max_num_queries(14):
        client.get(LIST)
    for i in range(10):
        receive(plain(subject=f"more {i}"))
    with django_assert_max_num_queries(14):
        client.get(LIST)


def test_the_reprocess_button_files_a_fixed_mail(client, admin_user, support, quarantined):
    client.force_login(admin_user)
    page = client.get(f"{LIST}{quarantined.pk}/change/").content.decode()
    assert "Reprocess this mail" in page
    DepartmentAddress.objects.create(department=support, address="nobody@elsewhere.example")
    response = client.post(f"{LIST}{quarantined.pk}/reprocess/")
    assert response.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.DONE and quarantined.ticket is not None


def test_the_reprocess_action(client, admin_user, support, quarantined):
    client.force_login(admin_user)
    DepartmentAddress.objects.create(department=support, address="nobody@elsewhere.example")
    client.post(LIST, {"action": "reprocess", "_selected_action": [quarantined.pk]})
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.DONE


def test_the_raw_mail_downloads_exactly_as_received(client, admin_user, support):
    raw = plain(subject="Как есть")
    mail = receive(raw)
    client.force_login(admin_user)
    response = client.get(f"{LIST}{mail.pk}/raw/")
    assert response.content == raw
    assert response["Content-Type"] == "application/octet-stream"
    assert "attachment;" in response["Content-Disposition"]


def test_agents_and_customers_cannot_reach_the_gateway_admin(client, agent, customer, quarantined):
    for person in (agent, customer):
        client.force_login(person)
        assert client.get(f"{LIST}{quarantined.pk}/raw/").status_code == 302
        assert client.post(f"{LIST}{quarantined.pk}/reprocess/").status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.status == InboundStatus.QUARANTINED


def test_the_mailbox_list_shows_a_failing_mailbox(client, admin_user, settings):
    settings.MAIL_MAILBOX_ALERT_MINUTES = 0
    Mailbox.objects.create(
        name="Support inbox", host="imap.example.com", username="u", password="p",
        failing_since=timezone.now(), last_error="AUTHENTICATIONFAILED",
    )  # fmt: skip
    client.force_login(admin_user)
    page = client.get("/admin/mailgateway/mailbox/").content.decode()
    assert "FAILING, administrators alerted" in page and "AUTHENTICATIONFAILED" in page


def test_the_mailbox_password_is_kept_when_left_empty(client, admin_user, support):
    mailbox = Mailbox.objects.create(name="Box", host="h", username="u", password="secret")
    client.force_login(admin_user)
    page = client.get(f"/admin/mailgateway/mailbox/{mailbox.pk}/change/").content.decode()
    assert "secret" not in page
    data = {
        "name": "Box", "protocol": "imap", "host": "h", "port": 993, "security": "ssl",
        "username": "u", "password": "", "folder": "INBOX", "processed_folder": "",
        "default_department": support.pk, "is_active": "on",
    }  # fmt: skip
    assert client.post(f"/admin/mailgateway/mailbox/{mailbox.pk}/change/", data).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.password == "secret" and mailbox.default_department == support
