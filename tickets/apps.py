from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from tickets import (
            checks,  # noqa: F401  (registers the system checks)
            health,  # noqa: F401  (the event stream's health entry)
        )
