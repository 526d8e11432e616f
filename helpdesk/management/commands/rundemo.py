"""`manage.py rundemo`: the quick start's processes, a Celery worker (with beat) and the web server.

The worker uses the broker of the settings: by default a folder of files under var/, so
nothing but Python is needed; beat keeps its schedule under var/ too. The static files are
collected first (into STATIC_ROOT, var/static) for WhiteNoise. Ctrl-C stops both.
"""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from api.demo import print_demo_token
from tickets.management.commands.seed_demo import print_logins


class Command(BaseCommand):
    help = "Runs a Celery worker with beat and the development web server; prints URL and logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Run tasks in-process.")

    def handle(self, *args, addrport: str, no_worker: bool, **options) -> None:
        # WhiteNoise serves the collected files (DEBUG off, as in production): var/static.
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "helpdesk",
                    "worker",
                    "--beat",
                    "--pool=solo",
                    "--loglevel=WARNING",
                    f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
                ]
            )
        # A SIGTERM (a process manager, `kill`) stops the worker too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(self.style.SUCCESS(f"\nThe helpdesk runs at http://{host}/"))
        print_logins(self.stdout)
        print_demo_token(self.stdout)
        self.stdout.write(f"Outgoing mail is written to {settings.EMAIL_FILE_PATH}/\n")
        try:
            call_command("runserver", host, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=20)
