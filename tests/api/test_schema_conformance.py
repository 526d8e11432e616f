"""The answers agree with the OpenAPI schema, and no input the schema's operations can be
sent makes a server error (issue 13): every documented operation, with every body field
given a value of each wrong type, and odd path parameters."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from tests.factories import ServiceFactory, open_ticket, upload
from tickets import services

pytestmark = pytest.mark.django_db

SCHEMA = None


def schema() -> dict[str, Any]:
    global SCHEMA
    if SCHEMA is None:
        SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
    return SCHEMA


def json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` in JSON Schema's words."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def validate(response, path: str, method: str) -> None:
    content = schema()["paths"][path][method]["responses"][str(response.status_code)]["content"]
    body_schema = content["application/json"]["schema"]
    root = {**json_schema(body_schema), "components": json_schema(schema()["components"])}
    errors = list(Draft202012Validator(root).iter_errors(response.json()))
    assert not errors, (path, method, [e.message for e in errors[:3]])


@pytest.fixture
def world(customer, department, agent, organization, png):
    ticket = open_ticket(customer, department)
    reply = services.reply_add(
        actor=agent, ticket=ticket, body_text="Файл", attachments=[upload(png, "a.png")]
    )
    services.note_add(actor=agent, ticket=ticket, body_text="Заметка")
    return {
        "number": ticket.number,
        "id": {
            "customers": customer.pk,
            "organizations": organization.pk,
            "services": ServiceFactory(customer=customer).pk,
            "attachments": reply.attachments.get().pk,
        },
    }


def concrete(path: str, world: dict) -> str:
    url = path.replace("{number}", str(world["number"]))
    for name, pk in world["id"].items():
        url = url.replace(f"/{name}/{{id}}/", f"/{name}/{pk}/")
    return url


def reads() -> list[str]:
    return [
        path
        for path, operations in schema()["paths"].items()
        if "get" in operations and "attachments" not in path
    ]


@pytest.mark.parametrize("persona", ["as_agent", "as_customer"])
def test_every_answer_read_agrees_with_the_schema(request, world, persona):
    client = request.getfixturevalue(persona)
    checked = 0
    for path in reads():
        response = client.get(concrete(path, world))
        if response.status_code == 200:
            validate(response, path, "get")
            checked += 1
        else:
            assert response.status_code in (403, 404), (path, response.status_code)
    assert checked >= (len(reads()) if persona == "as_agent" else 5)


def test_the_answers_of_writes_agree_with_the_schema(as_agent, world, department):
    response = as_agent.post(
        "/api/v1/tickets/",
        {"subject": "S", "body": "B", "department": department.pk, "customer_email": "n@x.org"},
        format="json",
    )
    validate(response, "/api/v1/tickets/", "post")
    path = "/api/v1/tickets/{number}/"
    validate(as_agent.patch(concrete(path, world), {"priority": 3}, format="json"), path, "patch")
    path = "/api/v1/tickets/{number}/messages/"
    validate(as_agent.post(concrete(path, world), {"body": "x"}, format="json"), path, "post")


WRONG_VALUES = [None, True, -1, 2**63, 1.5, "", "x" * 5000, "\x00", "😀", [], [1], {}, {"a": 1}]


def body_fields(operation: dict) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    return schema()["components"]["schemas"][ref].get("properties", {})


def operations() -> list[tuple[str, str]]:
    return [
        (path, method)
        for path, ops in schema()["paths"].items()
        for method in ops
        if method in ("post", "patch")
    ]


@pytest.mark.parametrize(("path", "method"), operations())
def test_wrong_values_in_every_field_never_make_a_server_error(as_manager, world, path, method):
    fields = body_fields(schema()["paths"][path][method])
    assert fields
    url = concrete(path, world)
    for field in fields:
        for value in WRONG_VALUES:
            response = getattr(as_manager, method)(url, {field: value}, format="json")
            assert response.status_code < 500, (path, field, value)
            assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "bad", ["0", "-1", "99999999999999999999", "abc", "1.5", "%00", "..%2F..", "💥"]
)
def test_odd_path_parameters_are_404_never_500(as_manager, world, bad):
    for path in schema()["paths"]:
        if "{" not in path:
            continue
        url = path.replace("{number}", bad).replace("{id}", bad)
        response = as_manager.get(url)
        assert response.status_code == 404, (url, response.status_code)
