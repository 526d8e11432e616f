"""`make bench`: search on PostgreSQL over the shared benchmark dataset (issue 9, R18).

Generates (or reuses) ../shared/bench/dataset.py's tickets (BENCH_TICKETS, default
100,000), imports them through a bulk path (bulk_create in batches, not the services one by
one), times `search_reindex`, then runs one-word searches of the two planted words in
several forms and letter cases, without and with a department + status filter, as a
manager, and prints p95 times and the recall against the planted ground truth (every
ticket with the word in any message).

It uses a database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/helpdesk_bench), dropped and created at each run.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.bench_ingest import DEFAULT_URL, ROOT, recreate_database, setup_django

DATASET = ROOT.parent / "shared" / "bench" / "dataset.py"
BATCH = 2000
REPEAT = 5
WORDS = {
    "firmware": ("firmware", "Firmware", "FIRMWARE", "firmwares"),
    "квитанция": ("квитанция", "Квитанцию", "КВИТАНЦИИ", "квитанций"),
}
STATUSES = {"open": "open", "resolved": "solved", "closed": "closed"}


def dataset(n: int) -> tuple[Path, dict]:
    folder = Path(os.environ.get("BENCH_DATA_DIR", tempfile.gettempdir())) / "helpdesk-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dataset-{n}.jsonl"
    meta = Path(f"{path}.meta.json")
    if not meta.exists():
        subprocess.run(
            [sys.executable, str(DATASET), "--n", str(n), "--out", str(path)], check=True
        )
    return path, json.loads(meta.read_text())


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def import_dataset(path: Path, meta: dict) -> tuple[dict[str, set[int]], object]:
    """Bulk import; returns the truth (ticket numbers per planted word) and a manager."""
    from accounts.models import Role, User
    from tickets.models import Channel, Department, Message, MessageKind, Ticket, TicketCounter

    departments = {
        queue["slug"]: Department.objects.create(name=queue["title"], slug=queue["slug"])
        for queue in meta["queues"]
    }
    staff = {
        person["email"]: User.objects.create(
            email=person["email"],
            name=f"{person['first_name']} {person['last_name']}",
            role=Role.AGENT,
            password="!",
        )
        for person in meta["staff"]
    }
    manager = User.objects.create(email="manager@bench.example", role=Role.MANAGER, password="!")
    customers: dict[str, int] = {}
    truth: dict[str, set[int]] = {word: set() for word in WORDS}
    tickets: list[dict] = []

    def flush() -> None:
        new = {t["submitter"] for t in tickets} - customers.keys()
        made = User.objects.bulk_create(
            [User(email=e, name=e.split("@")[0], role=Role.CUSTOMER, password="!") for e in new]
        )
        customers.update({user.email: user.pk for user in made})
        rows = Ticket.objects.bulk_create(
            [
                Ticket(
                    number=t["id"],
                    subject=t["subject"][:255],
                    department=departments[t["queue"]],
                    requester_id=customers[t["submitter"]],
                    assignee=staff.get(t["assignee"]),
                    status=STATUSES[t["status"]],
                    priority=min(t["priority"], 4),
                    channel=Channel.EMAIL,
                    created_at=_when(t["created"]),
                    updated_at=_when(t["followups"][-1]["created"]),
                )
                for t in tickets
            ]
        )
        by_number = {row.number: row.pk for row in rows}
        Message.objects.bulk_create(
            [
                Message(
                    ticket_id=by_number[t["id"]],
                    author_id=staff[f["author"]].pk
                    if f["author"] in staff
                    else customers[t["submitter"]],
                    kind=MessageKind.AGENT if f["author"] in staff else MessageKind.CUSTOMER,
                    channel=Channel.EMAIL,
                    body_text=f["text"],
                    created_at=_when(f["created"]),
                )
                for t in tickets
                for f in t["followups"]
            ],
            batch_size=BATCH,
        )
        tickets.clear()

    with path.open(encoding="utf-8") as lines:
        for line in lines:
            ticket = json.loads(line)
            for word in WORDS:
                if any(word in f["text"].casefold() for f in ticket["followups"]):
                    truth[word].add(ticket["id"])
            tickets.append(ticket)
            if len(tickets) >= BATCH:
                flush()
    if tickets:
        flush()
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": meta["n_tickets"]})
    return truth, manager


def timed_search(manager, text: str, params: dict) -> tuple[float, list]:
    from django.http import QueryDict

    from tickets import selectors
    from tickets.keyset import keyset_page
    from tickets.search import query as search_query
    from tickets.search.forms import SearchForm
    from tickets.search.selectors import SEARCH_SORTS, staff_search
    from tickets.search.snippets import snippets_attach

    started = time.perf_counter()
    colleagues = list(selectors.staff_colleagues(manager, active_only=False))
    data = QueryDict(mutable=True)
    data.update({"q": text, **params})
    form = SearchForm(data, user=manager, colleagues=colleagues)
    query = search_query.parse(text)
    found = staff_search(manager, query, form.search_filters(), "relevance")
    page = keyset_page(found.tickets, SEARCH_SORTS["relevance"], None, per_page=50)
    snippets_attach(manager, page.items, query)
    return (time.perf_counter() - started) * 1000, page.items


def main() -> None:
    n = int(os.environ.get("BENCH_TICKETS", "100000"))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    path, meta = dataset(n)
    recreate_database(url)
    setup_django(url, tempfile.mkdtemp(prefix="helpdesk-bench-media-"))
    from django.core.management import call_command
    from django.db import connection

    from tickets.models import Department
    from tickets.search import query as search_query
    from tickets.search.selectors import search

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    truth, manager = import_dataset(path, meta)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    call_command("search_reindex", "--batch", "1000", stdout=io.StringIO())
    reindexed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    support = Department.objects.get(slug="support")
    filtered = {"department": str(support.pk), "status": "active"}
    rows = []
    for word, forms in WORDS.items():
        expected = truth[word]
        for text in forms:
            found = {t.number for t in search(manager, search_query.parse(text)).tickets}
            recall = len(found & expected) / len(expected) if expected else 1.0
            timed_search(manager, text, {})  # warm: caches of the stemmer and the database
            plain = [timed_search(manager, text, {})[0] for _ in range(REPEAT)]
            narrow = [timed_search(manager, text, filtered)[0] for _ in range(REPEAT)]
            rows.append((text, len(expected), len(found), recall, plain, narrow))

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

    lines = sum(1 for _ in path.open(encoding="utf-8"))
    print(f"\nSearch on PostgreSQL, {n:,} tickets ({lines:,} in the dataset)")
    print(f"import (bulk): {imported:.0f} s; search_reindex: {reindexed:.0f} s\n")
    print("| query | truth | found | recall | p95 ms | p95 ms, dept + status |")
    print("|---|---:|---:|---:|---:|---:|")
    for text, expected, found, recall, plain, narrow in rows:
        figures = [
            text,
            expected,
            found,
            f"{recall:.2f}",
            f"{p95(plain):.0f}",
            f"{p95(narrow):.0f}",
        ]
        print("| " + " | ".join(map(str, figures)) + " |")
    every = [f"{min(r[3] for r in rows):.2f}"] + [
        f"{p95([v for row in rows for v in row[column]]):.0f}" for column in (4, 5)
    ]
    print("| every one-word search | | | " + " | ".join(every) + " |")


if __name__ == "__main__":
    main()
