"""Webhooks, their delivery log and API tokens in Django's admin (issue 13)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services, webhooks
from api.models import ApiToken, Webhook, WebhookDelivery


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made on the settings page (administrators there for service accounts):
    the secret is shown once, so the admin only lists and revokes them."""

    list_display = ["name", "prefix", "user", "read_only", "created_at", "last_used_at", "state"]
    list_filter = ["read_only"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "read_only",
        "departments",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        messages.success(request, _("The tokens are revoked."))


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    verbs = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(verb.value, verb.label) for verb in webhooks.WEBHOOK_VERBS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event."),
    )

    class Meta:
        model = Webhook
        fields = ["url", "secret", "verbs", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhooks.url_target(url)
        except webhooks.WebhookRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["created_at", "verb", "state", "attempts", "response_code", "error"]
    # The whole delivery is read only; the log shows the columns above (payload: its page).
    readonly_fields = [
        "created_at",
        "verb",
        "state",
        "attempts",
        "response_code",
        "error",
        "event",
        "payload",
        "attempted_at",
    ]
    ordering = ["-created_at"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return super().get_queryset(request).order_by("-created_at")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["url", "is_active", "failures", "disabled_at", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["failures", "disabled_at", "created_at"]
    actions = ["send_test"]
    inlines = [DeliveryInline]

    @admin.action(description=_("Send a test delivery"))
    def send_test(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for hook in queryset:
            webhooks.webhook_test(webhook=hook)
        count = queryset.count()
        messages.success(
            request,
            ngettext(
                "A test delivery is on its way; its result shows in the log.",
                "%(count)d test deliveries are on their way; their results show in the log.",
                count,
            )
            % {"count": count},
        )

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        if obj.is_active and obj.disabled_at is not None:
            obj.disabled_at = None
            obj.failures = 0
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "webhook", "verb", "state", "attempts", "response_code"]
    list_filter = ["state", "verb"]
    readonly_fields = [
        "uuid",
        "webhook",
        "event",
        "verb",
        "payload",
        "state",
        "attempts",
        "response_code",
        "error",
        "created_at",
        "attempted_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
