"""Account mails: one function per kind, each rendering templates/emails/<name>-subject.txt,
-body.txt and -body.html in the recipient's language.

They go through the outbox like every other mail (issue 6): written in the caller's
transaction, sent by the worker after commit, retried when the mail server is down.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts import tokens
from accounts.models import User
from mailgateway.outbound import compose, mailer


def _link(name: str, *args: str) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _send(name: str, user: User, context: dict) -> None:
    """Into the outbox, in the caller's transaction: a rolled-back sign-up sends nothing."""
    mailer.post(compose.account(name, user, context))


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
