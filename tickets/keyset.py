"""Keyset ("seek") pagination: the next page starts after the last row seen, not at an offset.

The cost of a page does not grow with its depth, and nothing counts the table
(ARCHITECTURE.md, Scale). The cursor carries the sort values of the last row of a page;
the last sort key must be unique (the primary key) so that ties never lose or repeat rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q, QuerySet
from django.http import QueryDict

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.db.models import ForeignObjectRel

T = TypeVar("T")

# The query-string parameter that carries the cursor of a list page.
CURSOR = "after"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False
    # Nullable keys sort their NULLs last, in both directions.
    nullable: bool = False

    def order_by(self):
        expression = F(self.field)
        if self.nullable:
            return (
                expression.desc(nulls_last=True)
                if self.descending
                else expression.asc(nulls_last=True)
            )
        return expression.desc() if self.descending else expression.asc()

    def beyond(self, value: Any) -> Q | None:
        """Rows strictly after `value` on this key alone (None: nothing sorts after)."""
        if value is None:
            return None  # NULLs come last: only more NULLs follow, ordered by the next key
        after = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        return after | Q(**{f"{self.field}__isnull": True}) if self.nullable else after

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})

    def at_or_beyond(self, value: Any) -> Q:
        """A range on the first key alone, so that the database can seek in its index."""
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        at = Q(**{f"{self.field}__{'lte' if self.descending else 'gte'}": value})
        return at | Q(**{f"{self.field}__isnull": True}) if self.nullable else at


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    items: list[T]
    next_cursor: str | None
    is_first: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _field(
    model: type[models.Model], name: str
) -> models.Field | ForeignObjectRel | GenericForeignKey:
    """The model field a key sorts by; an annotation (a search's relevance) is a number."""
    if name in ("pk", "id"):
        return model._meta.pk
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return models.IntegerField()


def _decode(cursor: str, model: type[models.Model], keys: Sequence[SortKey]) -> list[Any] | None:
    """The sort values in a cursor, typed like the model's fields; None for a bad cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    typed: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        field = _field(model, key.field)
        if value is None:
            if not key.nullable:
                return None
            typed.append(None)
            continue
        try:
            if isinstance(field, models.DateTimeField):
                typed.append(datetime.fromisoformat(value))
            elif isinstance(field, models.IntegerField):
                typed.append(int(value))
            else:
                typed.append(str(value))
        except (TypeError, ValueError):
            return None
    return typed


def cursor_valid(cursor: str, model: type[models.Model], keys: Sequence[SortKey]) -> bool:
    """Whether a cursor decodes for this order: the API refuses a bad one (400) where the
    pages quietly start again at the first page."""
    return _decode(cursor, model, keys) is not None


def _after(keys: Sequence[SortKey], values: list[Any]) -> Q:
    """Rows that sort after the row with these values: (k1 > v1) or (k1 = v1 and k2 > v2)..."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value)
        if beyond is not None:
            condition |= equal_so_far & beyond
        equal_so_far &= key.equal(value)
    return keys[0].at_or_beyond(values[0]) & condition


def query_without_cursor(params: QueryDict) -> str:
    """A list page's query string (its filters, search and sort) without the cursor: the
    link to its first page, a saved view's query, where a bulk action returns."""
    query = params.copy()
    query.pop(CURSOR, None)
    return query.urlencode()


def keyset_page(
    queryset: QuerySet, keys: Sequence[SortKey], cursor: str | None, per_page: int = 50
) -> KeysetPage:
    """One page of `queryset` in the order of `keys`, starting after `cursor`.

    Fetches one row more than a page to know whether another follows. A cursor that does
    not decode starts again at the first page.
    """
    values = _decode(cursor, queryset.model, keys) if cursor else None
    ordered = queryset.order_by(*(key.order_by() for key in keys))
    if values is not None:
        ordered = ordered.filter(_after(keys, values))
    rows = list(ordered[: per_page + 1])
    items = rows[:per_page]
    next_cursor = None
    if len(rows) > per_page:
        last = items[-1]
        next_cursor = _encode([getattr(last, key.field) for key in keys])
    return KeysetPage(items=items, next_cursor=next_cursor, is_first=values is None)
