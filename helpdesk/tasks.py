from celery import shared_task


@shared_task(name="helpdesk.ping")
def ping() -> str:
    """Answers "pong": proves that a task round-trips through a worker."""
    return "pong"
