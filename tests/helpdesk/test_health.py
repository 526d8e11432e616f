"""The health endpoint (issues 2 and 14): load balancers and anonymous callers get a bare
ok/fail; monitoring with HEALTH_TOKEN, and administrators, get every check as JSON."""

import json
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command

from helpdesk import health
from helpdesk.celery import app as celery_app
from mailgateway.models import InboundMail, InboundStatus

pytestmark = pytest.mark.django_db
TOKEN = "monitoring-token-5d1f0c"


@contextmanager
def broker(url: str):
    old = {"task_always_eager": True, "broker_url": celery_app.conf.broker_url}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    try:
        yield
    finally:
        celery_app.conf.update(old)


@pytest.fixture
def token(settings):
    settings.HEALTH_TOKEN = TOKEN
    return TOKEN


def quarantined_mail() -> InboundMail:
    return InboundMail.objects.create(
        source="pipe", raw=b"x", size=1, sha256="0" * 64, dedupe_key="sha:x",
        status=InboundStatus.QUARANTINED,
    )  # fmt: skip


def test_anonymous_callers_get_a_bare_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_anonymous_callers_get_a_bare_fail_when_the_broker_is_down(client):
    with broker("redis://127.0.0.1:1/0"):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.content == b"fail"


def test_anonymous_callers_learn_nothing_of_mail_waiting_for_a_person(client, token):
    """Issue 14: the counters are monitoring's business, not the internet's."""
    quarantined_mail()
    response = client.get("/health/")
    assert (response.status_code, response.content) == (200, b"ok")


def test_the_token_as_a_bearer_header_gives_every_check(client, token):
    response = client.get("/health/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert set(report["checks"]) >= {"database", "broker", "cache", "mail"}
    assert report["checks"]["database"]["state"] == "ok"
    assert report["checks"]["broker"] == {"state": "ok", "mode": "eager", "critical": True}
    assert report["checks"]["mail"] == {
        "state": "ok", "pending_too_long": 0, "failed": 0, "quarantined": 0,
        "mailboxes_failing": 0, "critical": False,
    }  # fmt: skip


def test_the_token_in_the_query_string_gives_the_detail_too(client, token):
    response = client.get(f"/health/?token={TOKEN}")
    assert response.json()["checks"]["database"]["state"] == "ok"


@pytest.mark.parametrize(
    "headers,query",
    [
        ({"Authorization": "Bearer wrong-token"}, ""),
        ({"Authorization": f"Bearer {TOKEN}x"}, ""),
        ({}, "?token=wrong"),
        ({"Authorization": f"Basic {TOKEN}"}, ""),
    ],
)
def test_a_wrong_token_gets_the_bare_answer(client, token, headers, query):
    response = client.get(f"/health/{query}", headers=headers)
    assert (response.status_code, response.content) == (200, b"ok")


def test_without_a_configured_token_an_empty_one_opens_nothing(client, settings):
    settings.HEALTH_TOKEN = ""
    response = client.get("/health/?token=", headers={"Authorization": "Bearer "})
    assert response.content == b"ok"


def test_a_signed_in_administrator_sees_the_detail(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/health/").json()["status"] == "ok"


def test_a_signed_in_agent_gets_the_bare_answer(client, agent):
    client.force_login(agent)
    assert client.get("/health/").content == b"ok"


@pytest.mark.redis
def test_the_detail_reports_a_real_broker(client, token):
    with broker("redis://127.0.0.1:6379/15"):
        response = client.get(f"/health/?token={TOKEN}")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"state": "ok", "critical": True}


def test_the_detail_is_503_and_names_the_broker_when_it_is_down(client, token):
    with broker("redis://127.0.0.1:1/0"):
        response = client.get(f"/health/?token={TOKEN}")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "fail"
    assert report["checks"]["broker"]["state"] == "fail"
    assert report["checks"]["database"]["state"] == "ok"


def test_mail_waiting_for_a_person_is_attention_not_failure(client, token):
    quarantined_mail()
    response = client.get(f"/health/?token={TOKEN}")
    assert response.status_code == 200
    assert response.json()["status"] == "attention"
    assert response.json()["checks"]["mail"]["quarantined"] == 1
    assert response.json()["checks"]["mail"]["state"] == "attention"


def test_a_check_of_another_app_plugs_into_the_report(client, token, monkeypatch):
    """The way "mail under faults" adds its checks: health.register in its own module."""
    monkeypatch.setattr(health, "_checks", dict(health._checks))

    @health.register("storage")
    def storage() -> dict:
        raise OSError("disk 97% full")

    response = client.get(f"/health/?token={TOKEN}")
    assert response.status_code == 200
    assert response.json()["status"] == "attention"
    assert response.json()["checks"]["storage"] == {
        "state": "fail", "error": "disk 97% full", "critical": False
    }  # fmt: skip
    assert client.get("/health/").content == b"ok"


def test_a_critical_check_of_another_app_decides_the_bare_answer(client, token, monkeypatch):
    monkeypatch.setattr(health, "_checks", dict(health._checks))

    @health.register("listener", critical=True)
    def listener() -> dict:
        raise ConnectionRefusedError("the listener refuses mail")

    response = client.get("/health/")
    assert (response.status_code, response.content) == (503, b"fail")
    assert client.get(f"/health/?token={TOKEN}").json()["status"] == "fail"


def test_health_needs_no_sign_in_and_is_never_cached(client):
    response = client.get("/health/")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_the_healthcheck_command_passes_on_the_bare_ok(live_server, capsys, settings):
    """docker-compose's container health check (issue 2) keeps working."""
    settings.HEALTH_TOKEN = ""
    call_command("healthcheck", url=f"{live_server.url}/health/")
    assert capsys.readouterr().out.strip() == "ok"


@pytest.mark.django_db(transaction=True)
def test_the_healthcheck_command_sends_the_token_and_prints_the_detail(
    live_server, capsys, settings
):
    settings.HEALTH_TOKEN = TOKEN
    call_command("healthcheck", url=f"{live_server.url}/health/")
    assert json.loads(capsys.readouterr().out)["checks"]["database"]["state"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_the_healthcheck_command_fails_on_a_503(live_server):
    with broker("redis://127.0.0.1:1/0"), pytest.raises(CommandError, match="503"):
        call_command("healthcheck", url=f"{live_server.url}/health/")


def test_the_detail_includes_the_mail_gateway_checks_of_issue_18(client, token):
    """Issue 18 "Health": /health/ for monitoring reports the listener, the storage and
    mail waiting for retry."""
    checks = client.get(f"/health/?token={TOKEN}").json()["checks"]
    for name in ("mail_listener", "mail_storage", "mail_retry"):
        assert checks[name]["critical"] is False
        assert checks[name]["state"] in ("ok", "attention")
