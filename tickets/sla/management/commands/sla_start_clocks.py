"""Starts the SLA clocks of open tickets that have none (tickets from before the SLA was
deployed, or imported), in batches; with --all, refreshes every open ticket's clock
against today's policies. Each batch is its own short transaction; running it twice
changes nothing the second time (issue 10, R17)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from tickets.sla import clock


class Command(BaseCommand):
    help = "Starts SLA clocks for open tickets without one (--all: refresh every open ticket)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="tickets per transaction")
        parser.add_argument(
            "--all", action="store_true", help="also refresh the clocks tickets already have"
        )

    def handle(self, *args, batch: int, all: bool, **options) -> None:
        seen = changed = last = 0
        while ids := clock.open_ticket_ids(after=last, batch=max(batch, 1), clockless=not all):
            changed += clock.clocks_refresh(ids, timezone.now())
            seen += len(ids)
            last = ids[-1]
            self.stdout.write(
                f"\r{seen} tickets looked at, {changed} clocks started or changed", ending=""
            )
        self.stdout.write(f"\r{seen} tickets looked at, {changed} clocks started or changed.")
