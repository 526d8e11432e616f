"""Keyset pages: every row exactly once, in order, for every queue sort (ARCHITECTURE.md, Scale)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import open_ticket
from tickets import selectors
from tickets.keyset import SortKey, keyset_page, query_without_cursor
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer, department):
    """Eleven tickets with ties on every sort key and some without a waiting time."""
    moment = timezone.now() - timedelta(days=1)
    made = []
    for index in range(11):
        ticket = open_ticket(customer, department, subject=f"Ticket {index}")
        Ticket.objects.filter(pk=ticket.pk).update(
            updated_at=moment + timedelta(minutes=index // 3),
            created_at=moment + timedelta(minutes=index // 2),
            waiting_since=None if index % 4 == 0 else moment + timedelta(minutes=index // 3),
            priority=1 + index % 3,
        )
        made.append(ticket)
    return made


def walk(queryset, keys, per_page):
    """Follows the cursors from the first page to the last."""
    seen, cursor, pages = [], None, 0
    while True:
        page = keyset_page(queryset, keys, cursor, per_page=per_page)
        seen.extend(ticket.pk for ticket in page.items)
        pages += 1
        if not page.has_next:
            return seen, pages
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", selectors.QUEUE_SORTS)
@pytest.mark.parametrize("per_page", [1, 2, 4, 50])
def test_following_the_pages_gives_every_ticket_once_in_the_sorted_order(tickets, sort, per_page):
    keys = selectors.QUEUE_SORTS[sort]
    queryset = Ticket.objects.all()
    expected = list(
        queryset.order_by(*(key.order_by() for key in keys)).values_list("pk", flat=True)
    )
    seen, pages = walk(queryset, keys, per_page)
    assert seen == expected
    assert pages == max(1, -(-len(expected) // per_page))


def test_tickets_without_a_waiting_time_come_last_when_sorting_by_waiting(tickets):
    page = keyset_page(Ticket.objects.all(), selectors.QUEUE_SORTS["waiting"], None, per_page=50)
    waiting = [ticket.waiting_since for ticket in page.items]
    assert waiting[-3:] == [None, None, None]
    assert waiting[:-3] == sorted(waiting[:-3])


def test_a_page_asks_for_one_row_more_and_never_counts(tickets):
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(Ticket.objects.all(), selectors.QUEUE_SORTS["activity"], None, 4)
    assert len(page.items) == 4 and page.has_next
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "LIMIT 5" in sql and "COUNT(" not in sql and "OFFSET" not in sql


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4IiwxXQ", "!!!", "WzEsMiwzLDQsNV0"])
def test_a_cursor_that_does_not_decode_starts_at_the_first_page(tickets, cursor):
    page = keyset_page(Ticket.objects.all(), selectors.QUEUE_SORTS["activity"], cursor, 50)
    assert page.is_first and len(page.items) == 11


def test_a_null_where_none_may_be_is_refused():
    keys = (SortKey("updated_at", descending=True), SortKey("id", descending=True))
    page = keyset_page(Ticket.objects.all(), keys, "W251bGwsbnVsbF0", 5)  # [null,null]
    assert page.is_first


def test_the_query_of_a_list_keeps_its_filters_and_drops_only_the_cursor():
    """Shared by the queue, the search, bulk actions and saved views (issue 9)."""
    params = QueryDict("q=%D1%81%D0%B5%D1%80%D0%B2%D0%B5%D1%80&status=open&after=WzFd&tag=a&tag=b")
    assert query_without_cursor(params) == (
        "q=%D1%81%D0%B5%D1%80%D0%B2%D0%B5%D1%80&status=open&tag=a&tag=b"
    )
    assert query_without_cursor(QueryDict("after=x&after=y")) == ""
