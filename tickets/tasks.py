from celery import shared_task

from tickets import services


@shared_task(name="tickets.tasks.close_solved_tickets")
def close_solved_tickets() -> int:
    """Closes tickets that stayed solved for TICKET_AUTOCLOSE_DAYS (beat, hourly)."""
    return services.tickets_close_solved()
