from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "tickets.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        # Subscribes the due-time keeper and the managers' alerts to the event stream.
        from tickets.sla import alerts, clock  # noqa: F401
