"""`make bench`: search on PostgreSQL over the shared benchmark dataset (issue 9, R18).

Loads ../shared/bench/dataset.py's tickets (BENCH_TICKETS, default 10,000) with the benches'
loader (tests/perf/loader.py: COPY, rows as the services write them, a cached template),
times `search_reindex` over them (BENCH_REINDEX=0 skips it, the default past 100,000
tickets), then runs one-word searches of the two planted words in several forms and letter
cases, without and with a department + status filter, as a manager, and prints p95 times
and the recall against the planted ground truth (every ticket with the word in any
message).

It uses a database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/helpdesk_bench), copied from the loaded template.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.loader import DEFAULT_URL, MANAGER_EMAIL, bench_database

REPEAT = 5
WORDS = {
    "firmware": ("firmware", "Firmware", "FIRMWARE", "firmwares"),
    "квитанция": ("квитанция", "Квитанцию", "КВИТАНЦИИ", "квитанций"),
}
NUMBER = re.compile(r'^\{"id":(\d+)')


def truth_read(path: Path) -> dict[str, set[int]]:
    """The ticket numbers whose messages hold each planted word (only texts can: the
    generator's other fields never contain them)."""
    from tickets.services.common import FIRST_TICKET_NUMBER

    truth: dict[str, set[int]] = {word: set() for word in WORDS}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            folded = line.casefold()
            for word in WORDS:
                if word in folded:
                    found = NUMBER.match(line)
                    assert found
                    truth[word].add(FIRST_TICKET_NUMBER - 1 + int(found.group(1)))
    return truth


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
    n = int(os.environ.get("BENCH_TICKETS", "10000"))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    reindex = os.environ.get("BENCH_REINDEX", "1" if n <= 100_000 else "0") == "1"
    bench = bench_database(n, url)
    from django.core.management import call_command

    from accounts.models import User
    from tickets.models import Department
    from tickets.search import query as search_query
    from tickets.search.selectors import search

    path = bench.path
    truth = truth_read(path)
    manager = User.objects.get(email=MANAGER_EMAIL)
    reindexed = None
    if reindex:
        started = time.perf_counter()
        call_command("search_reindex", "--batch", "1000", stdout=io.StringIO())
        reindexed = time.perf_counter() - started

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
    how = "from the cached template" if bench.cached else "loaded with COPY"
    print(f"\nSearch on PostgreSQL, {n:,} tickets ({lines:,} in the dataset)")
    took = f"{reindexed:.0f} s" if reindexed is not None else "not timed (BENCH_REINDEX=0)"
    print(f"database: {how} in {bench.seconds:.0f} s; search_reindex: {took}\n")
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
