"""The placeholders of canned responses: a fixed, documented set, filled in as plain values.

A placeholder is a known name in single braces, `{customer_name}`. This is not a
template language: nothing in a response is ever evaluated. Saving refuses an unknown
name and any brace that is not part of a placeholder (`{{ customer.name }}`, `{% if %}`,
a lone `{`), so what an agent sees in the editor is exactly what can be filled in.

Filling is one pass of substitution: a value that itself looks like a placeholder (a
customer called "{agent_name}") stays as it is. Values are single lines of plain text
(no control characters), which is the format of a reply; the pages and the mail that show
the reply escape it like any other text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Ticket

# A pair of braces with no brace inside; the name inside is checked against PLACEHOLDERS.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
VALUE_MAX = 300
NAME_SHOWN_MAX = 40


@dataclass(frozen=True)
class Placeholder:
    label: Promise
    value: Callable[[Ticket, User], str]


def _ticket_link(ticket: Ticket, agent: User) -> str:
    return settings.SITE_URL + reverse("portal:ticket", args=[ticket.number])


PLACEHOLDERS: dict[str, Placeholder] = {
    "customer_name": Placeholder(
        _("the customer's name"), lambda ticket, agent: ticket.requester.display_name
    ),
    "customer_email": Placeholder(
        _("the customer's e-mail address"), lambda ticket, agent: ticket.requester.email
    ),
    "ticket_number": Placeholder(
        _("the ticket's number"), lambda ticket, agent: str(ticket.number)
    ),
    "ticket_subject": Placeholder(_("the ticket's subject"), lambda ticket, agent: ticket.subject),
    "ticket_link": Placeholder(_("the link to the ticket in the customer's account"), _ticket_link),
    "agent_name": Placeholder(_("your name"), lambda ticket, agent: agent.display_name),
    "department": Placeholder(
        _("the ticket's department"), lambda ticket, agent: ticket.department.local_name
    ),
}


def placeholder_help() -> list[tuple[str, Promise]]:
    """What the editor lists: `{name}` and what it becomes."""
    return [("{" + name + "}", spec.label) for name, spec in PLACEHOLDERS.items()]


def _shown(name: str) -> str:
    name = name if len(name) <= NAME_SHOWN_MAX else name[:NAME_SHOWN_MAX] + "…"
    return "{" + name + "}"


def placeholders_check(text: str) -> None:
    """Refuses unknown placeholders and stray braces with a translated ValidationError."""
    errors = []
    unknown = [match[1] for match in PLACEHOLDER.finditer(text) if match[1] not in PLACEHOLDERS]
    if unknown:
        errors.append(
            ValidationError(
                gettext("Unknown placeholder: %(names)s. Known placeholders: %(known)s.")
                % {
                    "names": ", ".join(dict.fromkeys(_shown(name) for name in unknown)),
                    "known": ", ".join(code for code, _label in placeholder_help()),
                },
                code="unknown_placeholder",
            )
        )
    rest = PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        errors.append(
            ValidationError(
                gettext(
                    "Braces are only for placeholders, one name in single braces such as "
                    "%(example)s; this text has a brace that does not form one."
                )
                % {"example": "{customer_name}"},
                code="malformed_placeholder",
            )
        )
    if errors:
        raise ValidationError(errors)


def _plain(value: str) -> str:
    """One line of text: control characters become spaces, runs of spaces one, capped."""
    value = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value or "")
    value = " ".join(value.split())
    return value if len(value) <= VALUE_MAX else value[: VALUE_MAX - 1] + "…"


def placeholder_values(ticket: Ticket, agent: User) -> dict[str, str]:
    return {name: _plain(spec.value(ticket, agent)) for name, spec in PLACEHOLDERS.items()}


def placeholders_fill(text: str, values: dict[str, str]) -> str:
    """Each known placeholder replaced by its value, in one pass; anything else kept as is."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)
