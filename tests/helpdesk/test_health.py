"""The health endpoint for load balancers (issue 2)."""

from contextlib import contextmanager

import pytest

from helpdesk.celery import app as celery_app

pytestmark = pytest.mark.django_db


@contextmanager
def broker(url: str):
    old = {"task_always_eager": True, "broker_url": celery_app.conf.broker_url}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    try:
        yield
    finally:
        celery_app.conf.update(old)


def test_health_is_ok_when_database_and_broker_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "ok"


@pytest.mark.redis
def test_health_reports_a_real_broker(client):
    with broker("redis://127.0.0.1:6379/15"):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_health_is_503_when_the_broker_is_down(client):
    with broker("redis://127.0.0.1:1/0"):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "broker": "unavailable",
        "status": "unavailable",
        "ms": response.json()["ms"],
    }


def test_health_needs_no_sign_in_and_is_never_cached(client):
    response = client.get("/health/")
    assert "no-cache" in response["Cache-Control"]
