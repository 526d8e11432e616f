"""Thin Celery tasks of the outbox: they take ids and call mailgateway.outbound.outbox."""

from celery import shared_task

from mailgateway.outbound import digest, outbox


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


@shared_task(name="mailgateway.send_agent_digests")
def send_agent_digests() -> int:
    """Beat: one digest per agent whose held notifications waited a minute (issue 14)."""
    pks = digest.agent_digests_queue()
    for pk in pks:
        send_outbound.delay(pk)
    return len(pks)
