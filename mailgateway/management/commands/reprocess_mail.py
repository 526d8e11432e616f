"""`manage.py reprocess_mail [--status quarantined|failed] [ids]`: retry mail an operator fixed
the cause of (MAIL.md no-loss rule 6)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mailgateway.models import InboundMail, InboundStatus
from mailgateway.services import inbound_reprocess

RETRYABLE = (InboundStatus.QUARANTINED, InboundStatus.FAILED)


class Command(BaseCommand):
    help = "Processes failed or quarantined inbound mail again, now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="inbound mail ids (default: all)")
        parser.add_argument(
            "--status",
            choices=[s.value for s in RETRYABLE],
            help="only mail in this status (default: failed and quarantined)",
        )

    def handle(self, *args, ids: list[int], status: str | None, **options):
        mails = InboundMail.objects.filter(status__in=[status] if status else RETRYABLE)
        if ids:
            mails = mails.filter(pk__in=ids)
            missing = set(ids) - set(mails.values_list("pk", flat=True))
            if missing:
                raise CommandError(
                    "not failed or quarantined: " + ", ".join(map(str, sorted(missing)))
                )
        for pk in mails.order_by("pk").values_list("pk", flat=True):
            mail = inbound_reprocess(mail_id=pk)
            self.stdout.write(
                f"{pk}: {mail.status}" + (f" ({mail.last_error[:200]})" if mail.last_error else "")
            )
