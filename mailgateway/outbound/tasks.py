"""Thin Celery tasks of the outbox: they take ids and call mailgateway.outbound.outbox."""

from celery import shared_task

from mailgateway.outbound import outbox


@shared_task(name="mailgateway.send_outbound", acks_late=True, ignore_result=True)
def send_outbound(pk: int) -> str:
    """Sends one outbox row; a second run for the same row does nothing."""
    return outbox.deliver(pk)


@shared_task(name="mailgateway.sweep_outbound")
def sweep_outbound() -> int:
    """Re-enqueues mail left queued, deferred past its time, or stuck mid-send (beat)."""
    pks = outbox.stuck()
    for pk in pks:
        send_outbound.delay(pk)
    return len(pks)
