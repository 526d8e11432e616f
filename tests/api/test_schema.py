"""The OpenAPI 3 schema (issue 13): valid, complete, and its documentation page served from
our own static files under the strict CSP."""

from __future__ import annotations

import re

import pytest
import yaml
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_validates_against_the_openapi_3_specification():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/tickets/{number}/messages/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_schema_is_served_to_anyone(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert len(ops) == sum(len(path) for path in schema["paths"].values())  # unique ids


def test_the_documentation_loads_only_our_own_files(client: Client):
    """No CDN, no inline script or style (helpdesk/csp.py)."""
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert "<style" not in html and not re.search(r"<script>(?!</script>)", html)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = client.get(next(src for src in sources if "script" in src and "?" in src))
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
