from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        # The webhooks' after-commit subscriber and their Celery task, in every process;
        # the OpenAPI description of our authentication class.
        from api import schema, tasks, webhooks  # noqa: F401
