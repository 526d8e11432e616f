"""The event stream's entry in the health report (issue 16; helpdesk/health.py).

After-commit reactions (notification mail, manager alerts) are retried by Celery and
requeued by beat; a delivery still pending long after its event, or one that keeps
failing, means a broken subscriber or a worker that does not run: a person must look.
"""

from datetime import timedelta

from django.utils import timezone

from helpdesk import health
from tickets.models import EventDelivery

# Beyond three requeue rounds (tickets.events.REQUEUE_AFTER) a delivery counts as stuck.
STUCK_AFTER = timedelta(minutes=15)
FAILING_ATTEMPTS = 3


@health.register("event_deliveries")
def event_deliveries() -> dict:
    """Pending deliveries whose event is older than STUCK_AFTER, and those that failed
    FAILING_ATTEMPTS times or more (with the last error of one of them)."""
    pending = EventDelivery.objects
    stuck = pending.filter(event__created_at__lt=timezone.now() - STUCK_AFTER).count()
    failing = pending.filter(attempts__gte=FAILING_ATTEMPTS)
    failing_count = failing.count()
    result: dict = {
        "state": health.ATTENTION if stuck or failing_count else health.OK,
        "stuck": stuck,
        "failing": failing_count,
    }
    if failing_count:
        last = failing.order_by("-pk").values_list("subscriber", "last_error").first()
        if last:
            result["last_error"] = f"{last[0]}: {last[1]}"[:300]
    return result
