"""The signed link that lets a customer rate the answer to one ticket without signing in (W4).

The outbound-mail issue puts `rating_url(ticket)` into the "your ticket is solved" mail.
The token names one ticket and nothing else; it is signed with SECRET_KEY and its own
salt, so that it cannot be forged or used for another ticket. Whether the ticket can
still be rated is decided by tickets.services.ratings, not by the link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tickets.models import RatingScore, Ticket

SALT = "tickets.rating-link"


def rating_token(ticket: Ticket) -> str:
    return signing.Signer(salt=SALT).sign(str(ticket.number))


def rating_token_number(token: str) -> int | None:
    """The number of the ticket a token names, or None for a forged or damaged token."""
    try:
        return int(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def rating_url(ticket: Ticket, score: str | None = None) -> str:
    """The absolute address of the rating page; `score` (good/bad) preselects the answer."""
    url = settings.SITE_URL + reverse("portal:rate_link", args=[rating_token(ticket)])
    if score in RatingScore.values:
        url += f"?score={score}"
    return url
