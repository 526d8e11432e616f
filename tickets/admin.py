"""Configuration in Django's admin (issue 4): departments, categories; tickets read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import STAFF_ROLES, DepartmentMembership, User
from tickets.models import Category, Department, DepartmentAddress, Ticket, TicketEvent


class DepartmentAddressInline(admin.TabularInline):
    model = DepartmentAddress
    extra = 1


class DepartmentMembershipInline(admin.TabularInline):
    """The agents of the department (R10); also editable on each user."""

    model = DepartmentMembership
    extra = 0
    verbose_name = _("agent")
    verbose_name_plural = _("agents")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role__in=STAFF_ROLES).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sender_name", "sender_address", "mail_policy", "is_active"]
    list_filter = ["is_active", "mail_policy"]
    search_fields = ["name", "slug", "sender_address", "addresses__address"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_active"]}),
        (_("Outgoing mail"), {"fields": ["sender_name", "sender_address", "signature"]}),
        (_("Incoming mail"), {"fields": ["mail_policy"]}),
        (_("Assignment"), {"fields": ["round_robin", "round_robin_cap"]}),
    ]
    inlines = [DepartmentAddressInline, DepartmentMembershipInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "default_department", "position", "is_active"]
    list_filter = ["is_active", "default_department"]
    list_editable = ["position", "is_active"]
    list_select_related = ["default_department"]
    search_fields = ["name", "guidance"]
    autocomplete_fields = ["default_department"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "actor", "verb", "before", "after")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change through the staff portal, which runs the services."""

    list_display = [
        "number",
        "subject",
        "department",
        "status",
        "priority",
        "requester",
        "updated_at",
    ]
    list_filter = ["status", "priority", "channel", "department", "assignee"]
    search_fields = ["=number", "subject", "requester__email", "requester__name"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ["department", "requester"]
    raw_id_fields = ["requester", "assignee", "organization", "service", "linked_ticket"]
    inlines = [TicketEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
