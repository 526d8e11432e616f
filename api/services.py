"""The API's changes of state: tokens, and a ticket update of several fields in one go.

Tickets themselves change only through `tickets.services`; `ticket_update` calls them one
after another in one transaction, so a PATCH applies all its fields or none.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from api.models import ApiToken, IdempotentCreate
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets import access, services
from tickets.models import Department, Priority, Status, Ticket

TOKEN_PREFIX = "hd_"  # noqa: S105 (not a secret: what every token starts with)
# A token's last use is written at most this often: one UPDATE per token and interval,
# not one per request.
LAST_USE_EVERY = timedelta(minutes=5)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _token_departments(owner: User, departments: list[Department]) -> list[Department]:
    if not departments:
        return []
    reach = set(access.departments_for(owner).values_list("pk", flat=True))
    if any(department.pk not in reach for department in departments):
        raise NotPermitted(_("A token can only be limited to departments its user works in."))
    return departments


@transaction.atomic
def token_create(
    *,
    actor: User,
    name: str,
    user: User | None = None,
    read_only: bool = False,
    departments: list[Department] | None = None,
    expires_at: datetime | None = None,
) -> NewToken:
    """A token for the actor himself, or (administrators) for another account: a service
    account of billing or monitoring. The secret is returned once."""
    owner = user or actor
    if owner.pk != actor.pk and actor.role != Role.ADMIN:
        raise NotPermitted()
    if not owner.is_active:
        raise ActionNotAllowed(_("This account is deactivated."))
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ActionNotAllowed(_("Give the token a name."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ActionNotAllowed(_("The expiry must be in the future."))
    chosen = _token_departments(owner, departments or [])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        read_only=read_only,
        limited=bool(chosen),
        created_by=actor,
        expires_at=expires_at,
    )
    token.departments.set(chosen)
    return NewToken(token, secret)


def tokens_for(user: User) -> QuerySet[ApiToken]:
    """The tokens a user sees on his settings page: his own; an administrator's also those
    he made for service accounts."""
    tokens = ApiToken.objects.filter(user=user)
    if user.role == Role.ADMIN:
        tokens = ApiToken.objects.filter(user=user) | ApiToken.objects.filter(created_by=user)
    return tokens.select_related("user").prefetch_related("departments")


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not (token.user_id == actor.pk or actor.role == Role.ADMIN):
        raise NotPermitted()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret, its user narrowed to the token's departments;
    None for an unknown, revoked or expired token or a deactivated account."""
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.limited:
        token.user.api_departments = frozenset(token.departments.values_list("pk", flat=True))
    if token.last_used_at is None or token.last_used_at < now - LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Tickets ----------------------------------------------------------------------------

UNSET = object()


@transaction.atomic
def ticket_update(
    *,
    actor: User,
    ticket: Ticket,
    status: Status | None = None,
    priority: Priority | None = None,
    assignee: User | object | None = UNSET,
    department: Department | None = None,
) -> Ticket:
    """Several changes of one ticket, all or none; each through its own service, so each
    records and publishes its own event. The move comes last: after it the actor may no
    longer work the ticket."""
    if not access.can_work(actor, ticket):
        raise NotPermitted()
    if status is not None:
        if status == Status.CLOSED:
            services.ticket_close(actor=actor, ticket=ticket)
        elif ticket.status in (Status.SOLVED, Status.CLOSED) and status == Status.OPEN:
            services.ticket_reopen(actor=actor, ticket=ticket)
        else:
            services.ticket_set_status(actor=actor, ticket=ticket, status=status)
    if priority is not None:
        services.ticket_set_priority(actor=actor, ticket=ticket, priority=priority)
    if assignee is not UNSET:
        chosen = assignee if isinstance(assignee, User) else None
        services.ticket_assign(actor=actor, ticket=ticket, assignee=chosen)
    if department is not None:
        if actor.api_departments is not None and department.pk not in actor.api_departments:
            raise NotPermitted(_("This token does not reach that department."))
        services.ticket_move(actor=actor, ticket=ticket, department=department)
    return ticket


def idempotent_ticket(user: User, key: str) -> Ticket | None:
    """The ticket an earlier request with this Idempotency-Key made, if any."""
    found = IdempotentCreate.objects.filter(user=user, key=key).select_related("ticket").first()
    return found.ticket if found else None


def ticket_open_once(*, actor: User, key: str, **fields: Any) -> tuple[Ticket, bool]:
    """Opens a ticket through the API; with an Idempotency-Key, a retried request (or two
    racing ones) makes one ticket, and the repeat answers it. True: it was made now."""
    if key:
        existing = idempotent_ticket(actor, key)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            ticket = services.ticket_open_api(actor=actor, **fields)
            if key:
                IdempotentCreate.objects.create(user=actor, key=key, ticket=ticket)
    except IntegrityError:
        existing = idempotent_ticket(actor, key) if key else None
        if existing is None:
            raise
        return existing, False
    return ticket, True
