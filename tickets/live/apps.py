from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "tickets.live"
    label = "live"
    verbose_name = _("Live updates and notifications")

    def ready(self) -> None:
        # Subscribes round-robin (in the transaction) and the bell's notifications (after
        # the commit) to the event stream.
        from tickets.live import notify, round_robin, signals  # noqa: F401
