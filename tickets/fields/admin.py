"""Custom fields per department are configured here by administrators (issue 11); tags are
listed (and can be deleted) but made by agents on tickets."""

from django.contrib import admin
from django.http import HttpRequest

from tickets.fields.models import FieldDefinition, Tag


@admin.register(FieldDefinition)
class FieldDefinitionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key",
        "department",
        "kind",
        "required",
        "visible_to_customer",
        "in_queue",
        "position",
        "is_active",
    ]
    list_filter = ["department", "kind", "visible_to_customer", "is_active"]
    search_fields = ["name", "key"]
    prepopulated_fields = {"key": ["name"]}
    list_select_related = ["department"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
