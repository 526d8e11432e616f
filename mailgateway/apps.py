from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailGatewayConfig(AppConfig):
    name = "mailgateway"
    verbose_name = _("Mail gateway")
