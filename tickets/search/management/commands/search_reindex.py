"""Rebuilds the search index of every ticket (after an upgrade or an import), in batches.

Each batch is its own short transaction over a range of ticket ids, so the site keeps
working: no table lock, and a ticket changed meanwhile is indexed by its own service.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tickets.models import Ticket
from tickets.search.indexing import tickets_reindex
from tickets.search.models import SearchDocument

BAR = 30


class Command(BaseCommand):
    help = "Rebuilds the search index of every ticket, in batches (issue 9)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="tickets per transaction")

    def handle(self, *args, batch: int, **options) -> None:
        total = Ticket.objects.count()
        done, last_id, started = 0, 0, time.monotonic()
        while True:
            ids = list(
                Ticket.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            with transaction.atomic():
                done += tickets_reindex(ids)
            last_id = ids[-1]
            self._progress(done, total, started)
        self._purge_orphans()
        seconds = time.monotonic() - started
        self.stdout.write(f"\nIndexed {done} tickets in {seconds:.1f} s.")

    def _progress(self, done: int, total: int, started: float) -> None:
        share = done / total if total else 1
        filled = int(BAR * min(share, 1))
        rate = done / max(time.monotonic() - started, 1e-6)
        line = f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} ({rate:.0f}/s)"
        self.stdout.write(line, ending="")
        if not sys.stdout.isatty():
            self.stdout.flush()

    def _purge_orphans(self) -> None:
        """SQLite's FTS table has no foreign key: rows of deleted tickets go here."""
        SearchDocument.objects.filter(ticket__isnull=True).delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM search_fts WHERE rowid NOT IN (SELECT id FROM tickets_ticket)"
                )
