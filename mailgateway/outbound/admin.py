"""Admin of the outbound half: outgoing mail, suppressed addresses, OAuth2 accounts."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import SecretField, SecretInput
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


class OAuth2AccountForm(forms.ModelForm):
    """The secrets are never shown again; left empty, they stay as they are."""

    token_url = forms.URLField(
        label=capfirst(_("token endpoint")),
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        # The admin shows help texts as HTML: no angle brackets.
        help_text=_(
            "Microsoft 365: https://login.microsoftonline.com/(tenant ID)/oauth2/v2.0/token; "
            "Gmail: https://oauth2.googleapis.com/token"
        ),
    )
    client_secret = SecretField(
        label=capfirst(_("client secret")),
        widget=SecretInput(attrs={"class": "vTextField"}),
        help_text=_("Leave empty to keep the current one; none for a public client."),
    )
    refresh_token = SecretField(
        label=capfirst(_("refresh token")),
        widget=SecretInput(attrs={"class": "vTextField"}),
        help_text=_(
            "Leave empty to keep the current one. The first one: save the account, then run "
            "manage.py oauth2_authorize with its name."
        ),
    )

    class Meta:
        model = OAuth2Account
        fields = ["name", "username", "token_url", "client_id", "client_secret",
                  "refresh_token", "scope"]  # fmt: skip
        help_texts = {
            "name": _("Referred to by EMAIL_OAUTH2_ACCOUNT and by manage.py oauth2_authorize."),
            "username": _("The address that signs in: the mailbox, or the sender for SMTP."),
            "scope": _(
                "Microsoft 365: https://outlook.office.com/IMAP.AccessAsUser.All "
                "https://outlook.office.com/POP.AccessAsUser.All "
                "https://outlook.office.com/SMTP.Send offline_access; "
                "Gmail: https://mail.google.com/"
            ),
        }

    def clean_client_secret(self) -> str:
        return self.cleaned_data["client_secret"] or self.instance.client_secret

    def clean_refresh_token(self) -> str:
        return self.cleaned_data["refresh_token"] or self.instance.refresh_token


@admin.register(OAuth2Account)
class OAuth2AccountAdmin(admin.ModelAdmin):
    form = OAuth2AccountForm
    list_display = ["name", "username", "expires_at", "last_refresh_at", "failing_since"]
    readonly_fields = ["expires_at", "last_refresh_at", "last_error", "failing_since"]
    search_fields = ["name", "username"]
