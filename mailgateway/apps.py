from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailGatewayConfig(AppConfig):
    name = "mailgateway"
    verbose_name = _("Mail gateway")

    def ready(self) -> None:
        # Registers the Celery tasks in every process (web, commands), not only in workers
        # (the sources queue them by name), and the receiver of anymail's inbound signal.
        from mailgateway import tasks  # noqa: F401
        from mailgateway.sources import webhooks  # noqa: F401
