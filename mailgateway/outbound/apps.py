from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboundConfig(AppConfig):
    """The outbound half of the mail gateway: the outbox, composing and sending mail,
    bounces and suppression. An app of its own (label `outbound`), so its models register
    like any app's and the inbound half never needs them (issue 16)."""

    name = "mailgateway.outbound"
    label = "outbound"
    verbose_name = _("Outgoing mail")
    default_auto_field = "django.db.models.BigAutoField"
