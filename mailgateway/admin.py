"""Admin of the mail gateway: mailboxes and their health, the raw mail, the quarantine with
its reprocess button (MAIL.md rules 6 and 7), the OAuth2 accounts both halves sign in with."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from helpdesk.forms import SecretField, SecretInput
from mailgateway.models import InboundMail, InboundStatus, Mailbox, OAuth2Account
from mailgateway.selectors import COUNT_CAP, gateway_checks, mail_health
from mailgateway.services import inbound_reprocess
from mailgateway.store import raw_load
from mailgateway.tasks import poll_mailbox

RETRYABLE = (InboundStatus.FAILED, InboundStatus.QUARANTINED)


class MailboxForm(forms.ModelForm):
    password = SecretField(
        label=capfirst(_("password")),
        help_text=_("Leave empty to keep the current password. Not needed with an OAuth2 account."),
    )

    class Meta:
        model = Mailbox
        fields = ["name", "protocol", "host", "port", "security", "username", "password",
                  "oauth2_account", "folder", "processed_folder", "default_department",
                  "is_active"]  # fmt: skip

    def clean_password(self) -> str:
        return self.cleaned_data["password"] or (self.instance.password if self.instance else "")

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("oauth2_account"):
            cleaned["password"] = ""  # the token signs in; no password is kept beside it
        elif "password" in cleaned and not cleaned["password"]:
            self.add_error(
                "password", _("Enter the password, or choose an OAuth2 account to sign in with.")
            )
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "protocol", "host", "folder", "default_department", "is_active",
                    "health", "last_success_at"]  # fmt: skip
    list_filter = ["is_active", "protocol"]
    readonly_fields = ["last_polled_at", "last_success_at", "failing_since", "alerted_at",
                       "last_error"]  # fmt: skip
    actions = ["fetch_now"]

    @admin.display(description=_("health"))
    def health(self, mailbox: Mailbox) -> str:
        if mailbox.failing_since is None:
            return format_html('<span class="health-ok">{}</span>', _("OK"))
        label = _("FAILING, administrators alerted") if mailbox.is_failing else _("errors")
        return format_html(
            '<strong class="health-failing">{}</strong><br><small>{}</small>',
            label,
            mailbox.last_error[:200],
        )

    @admin.action(description=_("Fetch now"))
    def fetch_now(self, request: HttpRequest, queryset) -> None:
        for mailbox in queryset.filter(is_active=True):
            poll_mailbox.delay(mailbox.pk)
        self.message_user(request, _("Fetching queued."), messages.SUCCESS)


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*InboundStatus.choices, ("attention", _("failed or quarantined"))]

    def queryset(self, request, queryset):
        if self.value() == "attention":
            return queryset.filter(status__in=RETRYABLE)
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    """Read-only: mail changes through the pipeline, which runs the ticket services."""

    list_display = ["id", "received_at", "status", "classification", "from_email", "subject",
                    "ticket_link"]  # fmt: skip
    list_display_links = ["id", "subject"]
    list_filter = [StatusFilter, "source", "classification", "mailbox"]
    search_fields = ["=id", "from_email", "subject", "message_id_header", "sha256"]
    list_select_related = ["ticket"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    actions = ["reprocess"]
    change_list_template = "admin/mailgateway/inboundmail/change_list.html"
    change_form_template = "admin/mailgateway/inboundmail/change_form.html"
    fields = readonly_fields = (
        "status", "error_kind", "last_error", "attempts", "classification", "source", "mailbox",
        "uidvalidity", "uid", "source_id", "envelope_sender", "envelope_recipients", "from_email",
        "subject", "message_id_header", "size", "sha256", "department", "ticket", "message",
        "duplicate_of", "received_at", "processed_at",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("ticket"))
    def ticket_link(self, mail: InboundMail) -> str:
        return f"#{mail.ticket.number}" if mail.ticket else "—"

    @admin.action(description=_("Reprocess the selected failed or quarantined mail"))
    def reprocess(self, request: HttpRequest, queryset) -> None:
        done = 0
        for pk in queryset.filter(status__in=RETRYABLE).values_list("pk", flat=True):
            inbound_reprocess(mail_id=pk)
            done += 1
        self.message_user(request, _("%(count)d mail reprocessed.") % {"count": done})

    def get_urls(self):
        return [
            path(
                "<int:pk>/reprocess/",
                self.admin_site.admin_view(require_POST(self.reprocess_view)),
                name="mailgateway_inboundmail_reprocess",
            ),
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="mailgateway_inboundmail_raw",
            ),
            *super().get_urls(),
        ]

    def reprocess_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        mail = get_object_or_404(InboundMail, pk=pk, status__in=RETRYABLE)
        mail = inbound_reprocess(mail_id=mail.pk)
        level = messages.SUCCESS if mail.status not in RETRYABLE else messages.ERROR
        self.message_user(
            request, _("Reprocessed: %(status)s") % {"status": mail.get_status_display()}, level
        )
        return HttpResponseRedirect(reverse("admin:mailgateway_inboundmail_change", args=[pk]))

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The mail exactly as received, as a download (never rendered in the browser)."""
        mail = get_object_or_404(InboundMail, pk=pk)
        response = HttpResponse(raw_load(mail.pk), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="inbound-{pk}.eml"'
        return response

    def changelist_view(self, request, extra_context=None):
        extra = {
            "mail_health": mail_health(),
            "gateway_checks": gateway_checks(),
            "count_cap": COUNT_CAP,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        mail = get_object_or_404(InboundMail, pk=object_id)
        extra = {"can_reprocess": mail.status in RETRYABLE, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)


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
