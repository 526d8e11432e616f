from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "tickets.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        # Subscribes the due-time keeper to the event stream (the managers' alert mails are
        # mailgateway.outbound.manager_alerts).
        from tickets.sla import clock  # noqa: F401
