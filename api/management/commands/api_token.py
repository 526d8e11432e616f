"""`manage.py api_token EMAIL --name NAME`: an API token for an account, printed once
(issue 13): for scripts, service accounts and the demo."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User, normalize_email
from api import services
from helpdesk.errors import ServiceError


class Command(BaseCommand):
    help = "Makes an API token for the account with this address and prints it once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--read-only", action="store_true")

    def handle(self, *args, email: str, name: str, read_only: bool, **options) -> None:
        user = User.objects.filter(email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"No account for {email}.")
        try:
            made = services.token_create(actor=user, name=name, read_only=read_only)
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(made.secret)
