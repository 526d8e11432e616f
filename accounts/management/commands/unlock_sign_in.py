"""Lifts a throttling lock: `manage.py unlock_sign_in anna@example.com 203.0.113.7`."""

from django.core.management.base import BaseCommand

from accounts import throttle
from accounts.models import normalize_email


class Command(BaseCommand):
    help = (
        "Lifts the sign-in, code and mail-request locks (and their counts) of e-mail "
        "addresses or client IP addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="+", help="e-mail addresses or IP addresses")

    def handle(self, *args, keys, **options):
        for key in keys:
            throttle.unlock(normalize_email(key) if "@" in key else key.strip())
            self.stdout.write(f"Unlocked {key}")
