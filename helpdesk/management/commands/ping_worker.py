"""`manage.py ping_worker`: sends a task through the broker and waits for a worker's answer."""

from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError

from helpdesk.tasks import ping


class Command(BaseCommand):
    help = "Sends a task through the broker and a worker and waits for it (needs a result backend)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, timeout: float, **options) -> None:
        try:
            answer = ping.delay().get(timeout=timeout)
        except CeleryTimeout as exc:
            raise CommandError(f"no worker answered within {timeout:g} s") from exc
        if answer != "pong":
            raise CommandError(f"unexpected answer: {answer!r}")
        self.stdout.write("pong")
