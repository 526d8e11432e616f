"""Configuration in Django's admin (issue 4): departments, categories; tickets read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import STAFF_ROLES, DepartmentMembership, User
from helpdesk.forms import translation_field_names, translations_form
from tickets import events
from tickets.models import (
    Category,
    Department,
    DepartmentAddress,
    EventDelivery,
    Ticket,
    TicketEvent,
)


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
    form = translations_form(Department)
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_active"]}),
        (
            _("Outgoing mail"),
            {"fields": ["sender_name", "sender_address", "signature", "agent_name_in_mail"]},
        ),
        (_("Incoming mail"), {"fields": ["mail_policy"]}),
        (
            _("In other languages"),
            {"fields": translation_field_names(Department), "classes": ["collapse"]},
        ),
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
    form = translations_form(Category)
    fieldsets = [
        (None, {"fields": ["name", "guidance", "kind", "default_department"]}),
        (None, {"fields": ["position", "is_active"]}),
        (_("In other languages"), {"fields": translation_field_names(Category)}),
    ]


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


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    """After-commit reactions still pending (issue 16): normally none for long. A stuck or
    failing one shows its last error here (and in the health report); "Retry now" queues it
    again once its cause is mended."""

    list_display = ["subscriber", "ticket_number", "verb", "queued_at", "attempts", "last_error"]
    list_filter = ["subscriber"]
    list_select_related = ["event__ticket"]
    readonly_fields = ["event", "subscriber", "queued_at", "attempts", "last_error"]
    actions = ["retry_now"]
    show_full_result_count = False

    @admin.display(description=_("ticket"))
    def ticket_number(self, obj: EventDelivery) -> str:
        return f"#{obj.event.ticket.number}"

    @admin.display(description=_("event"))
    def verb(self, obj: EventDelivery) -> str:
        return obj.event.get_verb_display()

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        events.deliveries_enqueue(ids)
        message = ngettext(
            "%(count)d delivery queued again.", "%(count)d deliveries queued again.", len(ids)
        )
        self.message_user(request, message % {"count": len(ids)})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
