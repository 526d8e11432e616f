from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        # The webhooks' after-commit subscriber and their Celery task, in every process;
        # the OpenAPI description of our authentication class.
        from django.db.models.signals import post_delete, post_save

        from api import schema, tasks, webhooks  # noqa: F401

        # The cached "is any webhook active" is dropped when a webhook changes.
        for signal in (post_save, post_delete):
            signal.connect(webhooks.webhooks_changed, sender="api.Webhook", dispatch_uid="webhooks")
