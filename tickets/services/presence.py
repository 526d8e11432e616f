"""Who has a ticket open right now: a heartbeat in the cache (the collision warning).

Each open ticket page calls `presence_touch` when it renders and then every
PRESENCE_POLL_SECONDS; an agent whose heartbeat is older than PRESENCE_TTL_SECONDS is
gone. Production runs several web processes, so CACHE_URL must point at a shared cache
(Redis, as docker-compose sets it); the default local-memory cache only sees one process.

Two heartbeats at the same instant may overwrite each other's entry; the next beat
writes it again, so a viewer disappears for one poll at most.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import User
from tickets.models import Ticket

PRESENCE_POLL_SECONDS = 15
PRESENCE_TTL_SECONDS = 45


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    composing: bool


def _key(ticket: Ticket) -> str:
    return f"helpdesk:presence:ticket:{ticket.pk}"


def presence_touch(*, actor: User, ticket: Ticket, composing: bool = False) -> list[Viewer]:
    """Records that `actor` is looking at the ticket; returns the other agents looking at it."""
    now = time.time()
    entries = cache.get(_key(ticket)) or {}
    entries = {
        user_id: entry
        for user_id, entry in entries.items()
        if now - entry["at"] < PRESENCE_TTL_SECONDS and user_id != actor.pk
    }
    others = [
        Viewer(user_id=user_id, name=entry["name"], composing=entry["composing"])
        for user_id, entry in sorted(entries.items(), key=lambda item: item[1]["name"])
    ]
    entries[actor.pk] = {"name": actor.display_name, "composing": composing, "at": now}
    cache.set(_key(ticket), entries, PRESENCE_TTL_SECONDS)
    return others
