"""Configuration in Django's admin (issue 4): people, roles, memberships, organizations."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import DepartmentMembership, Organization, Service, User
from helpdesk.errors import ServiceError
from helpdesk.forms import translation_field_names, translations_form


class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["department"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["name", "kind", "is_active"]


class UserAdminForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = [
            "email",
            "name",
            "role",
            "organization",
            "language",
            "time_zone",
            "is_active",
            "email_verified",
            "notify_new_ticket",
            "notify_customer_reply",
            "notify_assigned",
            "is_away",
        ]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        elif not user.pk:
            user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["email", "name", "role", "organization", "is_active", "last_login"]
    list_filter = ["role", "is_active", "memberships__department", "language", "organization"]
    list_select_related = ["organization"]
    search_fields = ["email", "name", "organization__name"]
    ordering = ["email"]
    autocomplete_fields = ["organization"]
    # Shown, not edited; the password is set through new_password and never shown.
    readonly_fields = ["last_login", "last_seen_at", "date_joined"]
    inlines = [MembershipInline, ServiceInline]
    actions = ["send_invitation"]

    @admin.action(description=_("Send an invitation (a link to set a password)"))
    def send_invitation(self, request, queryset) -> None:
        """For customers without a password; lists of people: /accounts/invite/."""
        sent, refused = 0, []
        for user in queryset:
            try:
                services.customer_invite(actor=request.user, user=user)
                sent += 1
            except ServiceError as error:
                refused.append(str(error))
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent)
                % {"count": sent},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "shares_tickets", "created_at"]
    list_filter = ["shares_tickets"]
    search_fields = ["name"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "customer", "organization", "is_active"]
    list_filter = ["is_active", "kind"]
    list_select_related = ["customer", "organization"]
    search_fields = ["name", "customer__email", "organization__name"]
    autocomplete_fields = ["customer", "organization"]
    form = translations_form(Service)
    fieldsets = [
        (None, {"fields": ["name", "kind", "customer", "organization", "is_active", "created_at"]}),
        (_("In other languages"), {"fields": translation_field_names(Service)}),
    ]


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["department", "role"]
    list_select_related = ["user", "department"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user", "department"]
