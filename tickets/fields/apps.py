from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketFieldsConfig(AppConfig):
    name = "tickets.fields"
    label = "ticketfields"
    verbose_name = _("Tags and custom fields")
