from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MailGatewayConfig(AppConfig):
    name = "mailgateway"
    verbose_name = _("Mail gateway")

    def ready(self) -> None:
        # Registers the Celery tasks in every process (web, commands), not only in workers
        # (the sources queue them by name), and the receiver of anymail's inbound signal.
        from mailgateway import health, tasks  # noqa: F401  (health: its report entries)
        from mailgateway.addresses import forget_addresses

        # The event stream's mail subscribers: customers' and agents' notices, managers' alerts.
        from mailgateway.outbound import manager_alerts, notify  # noqa: F401
        from mailgateway.outbound.deliveries import with_deliveries
        from mailgateway.sources import webhooks  # noqa: F401
        from tickets.selectors import message_extra_register

        # The cached list of our addresses is dropped when a department or address changes.
        for model in ("tickets.Department", "tickets.DepartmentAddress"):
            post_save.connect(forget_addresses, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(forget_addresses, sender=model, dispatch_uid=f"forget-d-{model}")
        # Agents see beside each message the delivery of the mail that carried it.
        message_extra_register("mail.deliveries", with_deliveries)
