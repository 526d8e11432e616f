"""`make bench`: the pages people open, on PostgreSQL over the shared dataset (issue 17).

Loads BENCH_TICKETS tickets (default 10,000; the README's figures are of 1,000,000 or as
the README says) with tests/perf/loader.py, then requests each page with Django's test
client over the real database, DEBUG off and one persistent connection: a warm-up, then
BENCH_REPEAT requests (default 25), and prints the median, the p95 and the SQL queries of
one more request, with the target of issue 17 beside each. Also times the escalation scan
(in a transaction rolled back after each run) and a search's recall.

Signed in as an agent of every department (staff01), the manager, and the customer with
the most tickets. The ticket with 50 messages is one of the dataset's, given 44 more
through the services.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.loader import DEFAULT_URL, MANAGER_EMAIL, bench_database, when

ANCHOR = datetime.fromisoformat("2025-01-01T00:00:00+00:00")  # the dataset's "now"
AFTER = re.compile(r'[?&]after=([^"&]+)')
DEEP_PAGES = 20


class Rollback(Exception):
    pass


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def timed(call: Callable[[], object], repeat: int) -> tuple[list[float], int]:
    """Times of `repeat` calls after a warm-up, and the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    return times, len(queries)


def page(client, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def deep_url(client, url: str) -> str:
    """The queue's page DEEP_PAGES pages in, followed by its own "next" links."""
    for _ in range(DEEP_PAGES):
        html = client.get(url).content.decode()
        found = AFTER.search(html)
        if not found:
            break
        base = url.split("?")[0]
        query = url.split("?", 1)[1] if "?" in url else ""
        query = "&".join(p for p in query.split("&") if p and not p.startswith("after="))
        url = (
            f"{base}?{query}&after={found.group(1)}" if query else f"{base}?after={found.group(1)}"
        )
    return url.replace("&amp;", "&")


def long_ticket(number: int, agent) -> None:
    """Gives the ticket 44 more messages (50 in all), through the services."""
    from tickets import services
    from tickets.models import Ticket

    ticket = Ticket.objects.get(number=number)
    requester = ticket.requester
    for index in range(44):
        ticket.refresh_from_db()
        if index % 2:
            services.message_add_mail(
                actor=requester, ticket=ticket, body_text=f"Still broken, attempt {index}."
            )
        else:
            services.reply_add(
                actor=agent, ticket=ticket, body_text=f"We are looking at it ({index})."
            )


def scan(now: datetime) -> Callable[[], object]:
    """One escalation scan (a batch of SCAN_BATCH tickets), rolled back after."""
    from django.db import transaction

    from tickets.sla.escalation import escalations_scan

    def run() -> object:
        try:
            with transaction.atomic():
                escalations_scan(now=now)
                raise Rollback
        except Rollback:
            pass
        return None

    return run


def scan_query(now: datetime) -> Callable[[], object]:
    """The scan's one indexed query: which clocks are due."""
    from tickets.sla.escalation import SCAN_BATCH
    from tickets.sla.models import TicketClock

    def run() -> object:
        return list(
            TicketClock.objects.filter(next_check_at__lte=now)
            .order_by("next_check_at")
            .values_list("ticket_id", flat=True)[:SCAN_BATCH]
        )

    return run


def main() -> None:
    n = int(os.environ.get("BENCH_TICKETS", "10000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "25"))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    # DEBUG off serves static files by their hashed names, from a manifest collectstatic writes.
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="helpdesk-bench-static-")
    bench = bench_database(n, url)
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from tickets.models import Department, Ticket
    from tickets.services.common import FIRST_TICKET_NUMBER

    # The test client's host. Not setup_test_environment(): its instrumented rendering
    # copies every template's context for the client, which no real request pays.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    meta = bench.meta
    agent = User.objects.get(email=meta["staff"][0]["email"])
    manager = User.objects.get(email=MANAGER_EMAIL)
    busiest = (
        Ticket.objects.values("requester").annotate(n=Count("id")).order_by("-n").first() or {}
    )
    customer = User.objects.get(pk=busiest["requester"])
    detail = FIRST_TICKET_NUMBER - 1 + meta["detail_ticket_id"]
    long_number = detail + 1
    long_ticket(long_number, agent)
    support = Department.objects.get(slug="support")
    own = Ticket.objects.filter(requester=customer).order_by("-number").values("number")[0]
    own = own["number"]
    kvitantsiya = "/staff/search/?q=%D0%BA%D0%B2%D0%B8%D1%82%D0%B0%D0%BD%D1%86%D0%B8%D1%8F"
    year_end = when(meta["anchor"]).date()
    year = (
        f"start={year_end.replace(year=year_end.year - 1).isoformat()}&end={year_end.isoformat()}"
    )

    clients = {}
    for who, user in (("agent", agent), ("manager", manager), ("customer", customer)):
        client = Client()
        client.force_login(user)
        clients[who] = client
    staff = clients["agent"]
    filtered = f"/staff/queue/?department={support.pk}&status=open&priority=4"
    rows: list[tuple[str, str, Callable[[], object], float | None, str]] = [
        ("queue, first page (50 rows)", "agent", page(staff, "/staff/queue/"), 20, "p95"),
        ("queue, filtered", "agent", page(staff, filtered), 50, "p95"),
        (
            f"queue, keyset page {DEEP_PAGES + 1}",
            "agent",
            page(staff, deep_url(staff, "/staff/queue/")),
            50,
            "p95",
        ),
        ("queue, sorted by SLA due", "agent", page(staff, "/staff/queue/?sort=due"), 20, "p95"),
        (
            "queue, overdue (SLA)",
            "agent",
            page(staff, "/staff/queue/?sla=overdue&sort=due"),
            50,
            "p95",
        ),
        (
            "ticket page, 6 messages",
            "agent",
            page(staff, f"/staff/tickets/{detail}/"),
            12,
            "median",
        ),
        (
            "ticket page, 50 messages",
            "agent",
            page(staff, f"/staff/tickets/{long_number}/"),
            40,
            "median",
        ),
        ("dashboard", "agent", page(staff, "/staff/"), 50, "p95"),
        ("customer's ticket list", "customer", page(clients["customer"], "/tickets/"), 50, "p95"),
        (
            "customer's ticket page",
            "customer",
            page(clients["customer"], f"/tickets/{own}/"),
            50,
            "p95",
        ),
        ("search: firmware", "agent", page(staff, "/staff/search/?q=firmware"), 150, "p95"),
        ("search: квитанция", "agent", page(staff, kvitantsiya), 150, "p95"),
        (
            "search: firmware, dept + status",
            "agent",
            page(staff, f"/staff/search/?q=firmware&department={support.pk}&status=active"),
            150,
            "p95",
        ),
        (
            "reports over a year",
            "manager",
            page(clients["manager"], f"/staff/manage/reports/?{year}"),
            2000,
            "p95",
        ),
        (
            "escalations list",
            "manager",
            page(clients["manager"], "/staff/manage/escalations/"),
            50,
            "p95",
        ),
        ("escalation scan: due query", "-", scan_query(ANCHOR), 1000, "p95"),
        ("escalation scan: batch of 500", "-", scan(ANCHOR), 1000, "p95"),
    ]
    results = []
    for label, who, call, target, measure in rows:
        times, queries = timed(call, repeat)
        results.append((label, who, statistics.median(times), p95(times), queries, target, measure))
        sys.stderr.write(f"{label}: {statistics.median(times):.1f} ms\n")

    recall = search_recall(bench.path, agent)
    how = "from the cached template" if bench.cached else "loaded"
    print(
        f"\nPages on PostgreSQL, {n:,} tickets ({how} in {bench.seconds:.0f} s), "
        f"{repeat} requests each after warm-up, DEBUG off, persistent connection\n"
    )
    print("| page | as | median ms | p95 ms | queries | target | met |")
    print("|---|---|---:|---:|---:|---|---|")
    for label, who, median, high, queries, target, measure in results:
        value = median if measure == "median" else high
        met = "yes" if target is None or value <= target else "**no**"
        print(
            f"| {label} | {who} | {median:.1f} | {high:.1f} | {queries} | "
            f"{measure} <= {target:g} ms | {met} |"
        )
    for word, (truth, found) in recall.items():
        print(
            f"| recall of {word} | agent | {found}/{truth} tickets | | | 1.00 | "
            f"{'yes' if found == truth else '**no**'} |"
        )


def search_recall(path: Path, user) -> dict[str, tuple[int, int]]:
    """Every ticket whose messages hold the planted word, in any form, is found."""
    from tests.perf.bench_search import truth_read
    from tickets.search import query as search_query
    from tickets.search.selectors import search

    truth = truth_read(path)
    result = {}
    for word, form in {"firmware": "Firmwares", "квитанция": "КВИТАНЦИЮ"}.items():
        found = {t.number for t in search(user, search_query.parse(form)).tickets}
        result[word] = (len(truth[word]), len(found & truth[word]))
    return result


if __name__ == "__main__":
    main()
