"""Admin of the outbound half: outgoing mail, suppressed addresses, OAuth2 accounts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mailgateway.outbound.backends import readable
from mailgateway.outbound.models import OAuth2Account, OutboundMail, Suppression


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """Read-only: what went out, to whom, and what became of it."""

    list_display = ["created_at", "kind", "subject", "recipients", "status", "attempts", "ticket"]
    list_filter = ["status", "kind", "automatic"]
    search_fields = ["subject", "message_id", "rate_address", "ticket__number"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ["ticket"]
    readonly_fields = [
        "kind",
        "ticket",
        "ticket_message",
        "recipient",
        "sender",
        "recipients",
        "subject",
        "message_id",
        "automatic",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "updated_at",
        "sent_at",
        "decoded",
        "rendered",
    ]
    exclude = ["mime", "rate_address"]

    @admin.display(description=_("the mail, decoded"))
    def decoded(self, obj: OutboundMail) -> str:
        return readable(bytes(obj.mime))

    @admin.display(description=_("rendered mail"))
    def rendered(self, obj: OutboundMail) -> str:
        return bytes(obj.mime).decode("utf-8", "replace")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Delete a row to mail the address again before it expires."""

    list_display = ["address", "reason", "created_at", "expires_at"]
    search_fields = ["address"]
    readonly_fields = ["outbound"]


@admin.register(OAuth2Account)
class OAuth2AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "username", "expires_at", "last_refresh_at", "failing_since"]
    readonly_fields = ["expires_at", "last_refresh_at", "last_error", "failing_since"]
    search_fields = ["name", "username"]
