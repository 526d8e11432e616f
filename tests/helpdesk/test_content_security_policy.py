"""A strict Content-Security-Policy on every page (issue 14): scripts and styles from our
own origin only, no inline script or handler anywhere in our templates; only a page that
shows a mail's sanitised HTML lets style attributes be. The browser side is
tests/e2e/test_csp.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import open_ticket
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import html_mail

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_page_sends_the_strict_policy(client, customer, agent):
    assert directives(client.get("/accounts/login/")["Content-Security-Policy"]) == directives(
        STRICT
    )
    client.force_login(customer)
    assert directives(client.get("/tickets/")["Content-Security-Policy"]) == directives(STRICT)
    client.force_login(agent)
    assert directives(client.get("/staff/queue/")["Content-Security-Policy"]) == directives(STRICT)


def test_a_page_showing_html_mail_also_allows_its_style_attributes_and_nothing_else(
    client, department
):
    mail = receive(html_mail(html='<p style="color: red">Hello</p>'))
    ticket = mail.ticket
    client.force_login(ticket.requester)
    policy = directives(client.get(f"/tickets/{ticket.number}/")["Content-Security-Policy"])
    assert policy == {**directives(STRICT), "style-src-attr": "'unsafe-inline'"}


def test_a_ticket_page_with_plain_text_mail_stays_strict(client, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    assert directives(
        client.get(f"/tickets/{ticket.number}/")["Content-Security-Policy"]
    ) == directives(STRICT)


def template_files() -> list[Path]:
    # Mail templates are read by mail clients, not under our policy.
    return [p for p in TEMPLATES.rglob("*.html") if "emails" not in p.relative_to(TEMPLATES).parts]


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("inline <script>", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
        ("on* handler", re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)),
        ("style attribute", re.compile(r"<[^>]*\sstyle\s*=", re.I)),
        ("<style> element", re.compile(r"<style\b", re.I)),
        ("hx-on attribute", re.compile(r"\shx-on", re.I)),
        ("javascript: URL", re.compile(r"javascript:", re.I)),
    ],
)
def test_no_template_holds_what_the_policy_forbids(what, pattern):
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:60]}"
        for path in template_files()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"{what} in templates"


def test_the_sign_in_page_loads_the_script_that_replaced_the_inline_handler(client):
    page = client.get("/accounts/login/").content.decode()
    assert "/static/js/helpdesk.js" in page
    assert 'name="language" data-submit-on-change' in page


def test_the_admin_sends_the_policy_too(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(STRICT)
