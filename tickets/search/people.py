"""The index follows renamed people, organizations and services (issue 9, R18).

A ticket's document holds its requester's and participants' names and addresses, its
organization's name and its service's name (indexing._people). Renaming them publishes no
ticket event: the preferences page, the admin and imports save the account rows directly.
So the search app listens to those rows being saved (Django's model signals: `accounts`
knows nothing of tickets) and, when a searched field really changed, rewrites the
documents of the tickets concerned after the commit, in batches, by a Celery task.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import Organization, Service, User
from tickets.models import Ticket, TicketParticipant
from tickets.search.indexing import tickets_reindex

# The fields of each row that a ticket's document reads, by the names the task takes.
SEARCHED: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "user": (User, ("name", "email")),
    "organization": (Organization, ("name",)),
    "service": (Service, ("name", "kind")),
}
KINDS = {model: kind for kind, (model, _fields) in SEARCHED.items()}
STALE = "_search_stale"
REINDEX_BATCH = 500


def tickets_naming(kind: str, pk: int) -> QuerySet[Ticket]:
    """The tickets whose document names this user, organization or service."""
    if kind == "user":
        followed = TicketParticipant.objects.filter(user_id=pk).values("ticket_id")
        return Ticket.objects.filter(Q(requester_id=pk) | Q(pk__in=followed))
    if kind == "organization":
        return Ticket.objects.filter(organization_id=pk)
    if kind == "service":
        return Ticket.objects.filter(service_id=pk)
    return Ticket.objects.none()


def _changed(instance: Model, fields: tuple[str, ...], update_fields: Any) -> bool:
    if instance.pk is None:
        return False  # a new row is in no ticket yet
    if update_fields is not None and not set(update_fields) & set(fields):
        return False  # a sign-in's last_login, a setting: no query at all
    old = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
    return old is not None and any(old[name] != getattr(instance, name) for name in fields)


@receiver(pre_save, sender=User, dispatch_uid="search.people.user.pre")
@receiver(pre_save, sender=Organization, dispatch_uid="search.people.organization.pre")
@receiver(pre_save, sender=Service, dispatch_uid="search.people.service.pre")
def _note_rename(sender: type[Model], instance: Model, update_fields=None, **kwargs) -> None:
    _model, fields = SEARCHED[KINDS[sender]]
    setattr(instance, STALE, _changed(instance, fields, update_fields))


@receiver(post_save, sender=User, dispatch_uid="search.people.user.post")
@receiver(post_save, sender=Organization, dispatch_uid="search.people.organization.post")
@receiver(post_save, sender=Service, dispatch_uid="search.people.service.post")
def _reindex_after_rename(sender: type[Model], instance: Model, **kwargs) -> None:
    if not getattr(instance, STALE, False):
        return
    setattr(instance, STALE, False)
    kind, pk = KINDS[sender], instance.pk
    transaction.on_commit(lambda: reindex_named.delay(kind, pk))


@shared_task(name="search.reindex_named")
def reindex_named(kind: str, pk: int, after: int = 0, batch: int = REINDEX_BATCH) -> int:
    """Rewrites the documents of the tickets that name a renamed user, organization or
    service, one batch per task (its own short transaction), then queues the next batch;
    a batch that runs again writes the same documents."""
    ids = list(
        tickets_naming(kind, pk)
        .filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    with transaction.atomic():
        done = tickets_reindex(ids)
    reindex_named.delay(kind, pk, ids[-1], batch)
    return done
