from celery import shared_task

from tickets.sla.escalation import escalations_scan


@shared_task(name="sla.escalate")
def escalate() -> int:
    """Escalates SLA warnings and breaches (beat, every minute, R17)."""
    return escalations_scan()
