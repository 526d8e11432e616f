"""Bad input never makes a 500 nor reaches data outside the caller's reach (issue 13)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_malformed_json_is_400(as_agent, ticket):
    response = as_agent.generic(
        "PATCH", f"/api/v1/tickets/{ticket.number}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "data",
    [
        {"priority": "high"},
        {"priority": 99},
        {"status": "new"},
        {"status": ["open"]},
        {"assignee": "me"},
        {"assignee": 10**12},
        {"department": -1},
        {"department": {"id": 1}},
        {"colour": "red"},
    ],
)
def test_wrong_types_and_unknown_fields_are_400_with_the_field_named(as_agent, ticket, data):
    response = as_agent.patch(f"/api/v1/tickets/{ticket.number}/", data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    if "errors" in body:
        assert set(body["errors"]) == set(data)


def test_a_json_list_instead_of_an_object_is_400(as_agent, ticket):
    response = as_agent.patch(f"/api/v1/tickets/{ticket.number}/", [1, 2], format="json")
    assert response.status_code == 400


def test_an_unknown_content_type_is_415(as_agent, ticket):
    response = as_agent.generic(
        "POST", f"/api/v1/tickets/{ticket.number}/messages/", "body=x", content_type="text/plain"
    )
    assert response.status_code == 415


def test_a_huge_body_is_413_before_it_is_read(as_agent, ticket):
    response = as_agent.generic(
        "POST",
        f"/api/v1/tickets/{ticket.number}/messages/",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_a_forbidden_attachment_is_415_and_nothing_is_stored(as_agent, ticket):
    response = as_agent.post(
        f"/api/v1/tickets/{ticket.number}/messages/",
        {"body": "x", "attachments": [SimpleUploadedFile("a.png", b"MZ\x90\x00" * 100)]},
        format="multipart",
    )
    assert response.status_code == 415
    assert ticket.messages.count() == 1


def test_a_too_large_attachment_is_413(settings, as_agent, ticket, png):
    settings.ATTACHMENT_MAX_SIZE = 10
    response = as_agent.post(
        f"/api/v1/tickets/{ticket.number}/messages/",
        {"body": "x", "attachments": [SimpleUploadedFile("a.png", png)]},
        format="multipart",
    )
    assert response.status_code == 413


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "WzFd", "W251bGwsbnVsbF0", "x" * 3000])
def test_a_bad_cursor_is_400(as_agent, ticket, cursor):
    response = as_agent.get("/api/v1/tickets/", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


@pytest.mark.parametrize("limit", ["0", "101", "-5", "many", "1" * 30])
def test_a_page_size_past_the_limits_is_400(as_agent, limit):
    assert as_agent.get("/api/v1/tickets/", {"limit": limit}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"priority": "x"},
        {"department": "999999"},
        {"sort": "drop table"},
        {"view": "abc"},
        {"view": "999"},
        {"status": "weird"},
        {"created_after": "yesterday"},
    ],
)
def test_bad_filters_are_400(as_agent, params):
    assert as_agent.get("/api/v1/tickets/", params).status_code == 400


def test_customer_bad_filter_is_400(as_customer):
    assert as_customer.get("/api/v1/tickets/", {"status": "pending"}).status_code == 400


def test_another_customers_ticket_id_is_404_everywhere(as_other_customer, ticket):
    for method, url in [
        ("get", f"/api/v1/tickets/{ticket.number}/"),
        ("patch", f"/api/v1/tickets/{ticket.number}/"),
        ("get", f"/api/v1/tickets/{ticket.number}/messages/"),
        ("post", f"/api/v1/tickets/{ticket.number}/messages/"),
        ("get", f"/api/v1/attachments/{ticket.pk}/"),
    ]:
        response = getattr(as_other_customer, method)(url, {"body": "x"}, format="json")
        assert response.status_code == 404, (method, url)


def test_references_to_missing_objects_are_400(as_customer):
    response = as_customer.post(
        "/api/v1/tickets/",
        {"subject": "x", "body": "y", "category": 999999, "service": "abc"},
        format="json",
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_another_customers_service_is_refused(as_customer, other_customer, department):
    from tests.factories import ServiceFactory

    theirs = ServiceFactory(customer=other_customer)
    response = as_customer.post(
        "/api/v1/tickets/",
        {"subject": "x", "body": "y", "department": department.pk, "service": theirs.pk},
        format="json",
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_errors_are_translated(as_other_customer, customer, ticket):
    """R5, P8: errors come in the Accept-Language, else in the token owner's language."""
    url = f"/api/v1/tickets/{ticket.number}/"
    english = as_other_customer.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    russian = as_other_customer.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["detail"]
    assert english == "Not found." and russian != english
    from tests.api.conftest import token_client

    client = token_client(customer)  # Иван's language is Russian
    assert client.get("/api/v1/tickets/999999/").json()["detail"] == russian
