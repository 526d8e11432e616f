"""Placeholders of canned responses (R15): a fixed set, filled in as plain text, never run.

Issue 11, "Bad input": unknown or malformed placeholders are refused with a clear message.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from helpdesk.errors import ActionNotAllowed
from tests.canned.conftest import canned
from tickets import services
from tickets.canned.models import BODY_MAX, Scope
from tickets.canned.placeholders import (
    PLACEHOLDERS,
    placeholder_values,
    placeholders_check,
    placeholders_fill,
)
from tickets.canned.services import CannedContent, canned_response_create


@pytest.mark.parametrize(
    "text",
    [
        "Hello {customer_name}, ticket #{ticket_number}.",
        "No placeholder at all.",
        "<script>alert(1)</script> is only text here.",
        "{agent_name}{department}{ticket_link}{ticket_subject}{customer_email}",
        "{customer_name}" * (BODY_MAX // len("{customer_name}")),
    ],
)
def test_known_placeholders_and_plain_text_are_accepted(text):
    placeholders_check(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hello {{ customer.name }}", "malformed_placeholder"),
        ("{% if customer %}Hi{% endif %}", "unknown_placeholder"),
        ("{% load static %}", "unknown_placeholder"),
        ("Hello {customer_name", "malformed_placeholder"),
        ("Hello customer_name}", "malformed_placeholder"),
        ("Hello {{customer_name}}", "malformed_placeholder"),
        ("Hello {Customer_Name}", "unknown_placeholder"),
        ("Hello {customer.name}", "unknown_placeholder"),
        ("Hello {}", "unknown_placeholder"),
        ("Hello {password}", "unknown_placeholder"),
        ("{__class__}", "unknown_placeholder"),
    ],
)
def test_unknown_and_malformed_placeholders_are_refused_with_a_clear_message(text, code):
    with pytest.raises(ValidationError) as refused:
        placeholders_check(text)
    assert code in [error.code for error in refused.value.error_list]
    assert all(error.message for error in refused.value.error_list)


def test_the_message_names_the_unknown_placeholder_and_lists_the_known_ones():
    with pytest.raises(ValidationError) as refused:
        placeholders_check("Dear {client_name}, {client_name}")
    message = refused.value.messages[0]
    assert message.count("{client_name}") == 1
    assert all("{" + name + "}" in message for name in PLACEHOLDERS)


def test_a_10000_character_placeholder_name_is_refused_and_shown_shortened():
    with pytest.raises(ValidationError) as refused:
        placeholders_check("{" + "x" * 10_000 + "}")
    assert len(refused.value.messages[0]) < 500


def test_the_service_refuses_what_the_form_would_refuse(agent):
    """No path (admin, script, API) stores a response that could not be filled in."""
    for body in ["{{ customer.name }}", "{% csrf_token %}", "{nope}", "x" * (BODY_MAX + 1)]:
        with pytest.raises(ActionNotAllowed):
            canned_response_create(
                actor=agent, content=CannedContent(title="T", body=body, scope=Scope.PERSONAL)
            )
    with pytest.raises(ActionNotAllowed):
        canned(agent, body="Fine", variants={"de": "Hallo {{kunde}}"})


def test_filling_puts_the_ticket_values_in_place(ticket, agent, settings):
    settings.SITE_URL = "https://help.example"
    values = placeholder_values(ticket, agent)
    text = placeholders_fill(
        "{customer_name} <{customer_email}>: #{ticket_number} «{ticket_subject}» "
        "{ticket_link} — {agent_name}, {department}",
        values,
    )
    assert text == (
        f"Иван Петров <ivan@example.ru>: #{ticket.number} «Сервер не отвечает» "
        f"https://help.example/tickets/{ticket.number}/ — Anna Agent, Technical support"
    )


def test_values_are_filled_in_one_pass_and_never_evaluated(ticket, agent):
    """A customer called "{agent_name}" or "{{ settings.SECRET_KEY }}" stays as written."""
    ticket.requester.name = "{agent_name} {{ settings.SECRET_KEY }} {% debug %}"
    text = placeholders_fill("Hi {customer_name}", placeholder_values(ticket, agent))
    assert text == "Hi {agent_name} {{ settings.SECRET_KEY }} {% debug %}"


def test_values_are_one_line_of_plain_text_without_control_characters(ticket, agent):
    ticket.requester.name = "Eve\r\nBcc: all@example.com\x00\u202e" + "x" * 1000
    value = placeholder_values(ticket, agent)["customer_name"]
    assert value.startswith("Eve Bcc: all@example.com ")
    assert "\n" not in value and "\x00" not in value and "\u202e" not in value
    assert len(value) <= 300


def test_a_name_with_markup_stays_text_and_is_escaped_where_the_reply_is_shown(
    client, ticket, agent
):
    """The reply is plain text: markup from a value is shown, never run (R15)."""
    ticket.requester.name = "<script>alert('x')</script>"
    ticket.requester.save()
    text = placeholders_fill("Hello {customer_name}", placeholder_values(ticket, agent))
    assert text == "Hello <script>alert('x')</script>"
    services.reply_add(actor=agent, ticket=ticket, body_text=text)
    client.force_login(agent)
    html = client.get(f"/staff/tickets/{ticket.number}/").content.decode()
    assert "Hello &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert('x')</script>" not in html
