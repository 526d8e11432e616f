"""Admin of the outbound app: outgoing mail and suppressed addresses."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from mailgateway.outbound.backends import readable
from mailgateway.outbound.models import OutboundMail, Suppression


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
        "delivery_per_recipient",
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
    exclude = ["mime", "rate_address", "recipient_states"]

    @admin.display(description=_("delivery per recipient"))
    def delivery_per_recipient(self, obj: OutboundMail) -> str:
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} {}",
            ((d.address, d.get_state_display(), d.detail) for d in obj.recipient_deliveries),
        )

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
