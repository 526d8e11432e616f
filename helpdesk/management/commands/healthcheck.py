"""`manage.py healthcheck`: asks the health endpoint, for container health checks."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Exits 0 when the web server's health endpoint answers 200, 1 otherwise; prints the "
        "answer (the detailed report when HEALTH_TOKEN is set)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/health/")
        parser.add_argument("--timeout", type=float, default=5.0)

    def handle(self, *args, url: str, timeout: float, **options) -> None:
        # The request names the public host, as a browser would (ALLOWED_HOSTS).
        headers = {"Host": urlsplit(settings.SITE_URL).netloc}
        if settings.HEALTH_TOKEN:
            headers["Authorization"] = f"Bearer {settings.HEALTH_TOKEN}"
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body = response.read(100_000)
        except urllib.error.HTTPError as exc:
            raise CommandError(f"unhealthy: HTTP {exc.code} {exc.read()[:2000]!r}") from exc
        except OSError as exc:
            raise CommandError(f"unreachable: {exc}") from exc
        self.stdout.write(body.decode("utf-8", "replace"))
