from celery import shared_task
from django.utils import timezone

from tickets.sla import clock
from tickets.sla.escalation import escalations_scan

REFRESH_BATCH = 500


@shared_task(name="sla.escalate")
def escalate() -> int:
    """Escalates SLA warnings and breaches (beat, every minute, R17)."""
    return escalations_scan()


@shared_task(name="sla.clocks_refresh")
def clocks_refresh(
    departments: list[int] | None = None, after: int = 0, batch: int = REFRESH_BATCH
) -> int:
    """Brings the clocks of the open tickets of these departments (None: all) up to date
    with the policies, one batch per task, then queues the next batch (issue 10). A batch
    that already ran changes nothing when it runs again."""
    ids = clock.open_ticket_ids(departments=departments, after=after, batch=batch)
    if not ids:
        return 0
    changed = clock.clocks_refresh(ids, timezone.now())
    clocks_refresh.delay(departments, ids[-1], batch)
    return changed
