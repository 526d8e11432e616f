from celery import shared_task

from tickets import events, services


@shared_task(name="tickets.tasks.close_solved_tickets")
def close_solved_tickets() -> int:
    """Closes tickets that stayed solved for TICKET_AUTOCLOSE_DAYS (beat, hourly)."""
    return services.tickets_close_solved()


@shared_task(
    name="tickets.deliver_event",
    bind=True,
    max_retries=8,
    retry_backoff=30,
    retry_backoff_max=3600,
)
def deliver_event(self, delivery_id: int) -> None:
    """Runs one after-commit subscriber for one event (tickets/events.py); retried with
    back-off on failure. After the last retry the delivery stays pending and the beat
    sweep tries again later."""
    try:
        events.deliver(delivery_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600)) from exc


@shared_task(name="tickets.requeue_event_deliveries")
def requeue_event_deliveries() -> int:
    """Enqueues after-commit deliveries whose task was lost (beat, every minute)."""
    return events.deliveries_requeue()
