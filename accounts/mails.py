"""Account mails: one function per kind, each rendering templates/emails/<name>-subject.txt,
-body.txt and -body.html in the recipient's language.

Mails leave after the transaction commits (a rolled-back sign-up sends nothing). The
outbound-mail issue will route them through the outbox; sending stays in this module.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import tokens
from accounts.models import User
from mailgateway.identity import LOOP_HEADER, instance_id

logger = logging.getLogger(__name__)


def _headers() -> dict[str, str]:
    """Automatic mail: no auto-replies to it, and our loop header (MAIL.md)."""
    return {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "bulk",
        LOOP_HEADER: instance_id(),
    }


def _link(name: str, *args: str) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _deliver(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception:  # a mail server that is down must not turn a saved change into a 500
        logger.exception("account mail to %s could not be sent", message.to)


def _send(name: str, user: User, context: dict) -> None:
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    with translation.override(user.language):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=_headers(),
    )
    message.attach_alternative(html, "text/html")
    transaction.on_commit(lambda: _deliver(message))


def verification(user: User) -> None:
    """After sign-up: confirm that the address is yours."""
    token = tokens.verification_tokens.make_token(user)
    _send(
        "account-verify",
        user,
        {
            "link": _link("accounts:verify", tokens.uid_encode(user), token),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def password_reset(user: User) -> None:
    """A link to choose a new password."""
    token = tokens.password_reset_tokens.make_token(user)
    _send(
        "account-reset",
        user,
        {
            "link": _link("accounts:reset", tokens.uid_encode(user), token),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def invitation(user: User, *, invited_by: User) -> None:
    """An agent created the account: a link to set the first password."""
    token = tokens.invitation_tokens.make_token(user)
    _send(
        "account-invitation",
        user,
        {
            "link": _link("accounts:invitation", tokens.uid_encode(user), token),
            "invited_by": invited_by,
            "days": settings.ACCOUNTS_INVITATION_TIMEOUT // (24 * 3600),
        },
    )


def account_exists(user: User) -> None:
    """Someone signed up with an address that has an account: tell its owner, not the form."""
    token = tokens.password_reset_tokens.make_token(user)
    _send(
        "account-exists",
        user,
        {
            "link": _link("accounts:reset", tokens.uid_encode(user), token),
            "login_link": _link("accounts:login"),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )
