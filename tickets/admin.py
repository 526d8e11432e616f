from django.contrib import admin

from tickets.models import Category, Department, DepartmentAddress, Ticket, TicketEvent


class DepartmentAddressInline(admin.TabularInline):
    model = DepartmentAddress
    extra = 1


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sender_address", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "addresses__address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DepartmentAddressInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "default_department", "position", "is_active"]
    list_filter = ["is_active", "default_department"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "verb", "before", "after"]
    readonly_fields = fields

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
    list_filter = ["status", "priority", "channel", "department"]
    search_fields = ["=number", "subject", "requester__email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ["department", "requester"]
    inlines = [TicketEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
