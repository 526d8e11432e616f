"""SLA configuration in Django's admin (issue 10): calendars with their holidays and
policies, changed through the same services as the staff portal's manager pages (audited;
a policy change moves the open tickets' due times); escalations and the configuration's
audit trail to read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tickets.models import Department
from tickets.sla import services
from tickets.sla.forms import PolicyForm, zone_choices
from tickets.sla.models import Calendar, ConfigChange, Escalation, Holiday, Policy

DAY_MINUTES = 24 * 60


def _ranges(value: Any) -> list[list[int]]:
    if not isinstance(value, list):
        raise ValueError
    ranges = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(m) is int for m in pair)):
            raise ValueError
        start, end = pair
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValueError
        ranges.append([start, end])
    ranges.sort()
    if any(ranges[i][1] > ranges[i + 1][0] for i in range(len(ranges) - 1)):
        raise ValueError
    return ranges


class CalendarAdminForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("time zone"), choices=zone_choices)

    class Meta:
        model = Calendar
        fields = ["name", "time_zone", "hours"]
        help_texts = {
            "hours": _(
                'Per weekday (Monday is "0"), working ranges in minutes after midnight: '
                '{"0": [[540, 1080]]} is Monday 09:00-18:00.'
            )
        }

    def clean_hours(self) -> dict[str, list[list[int]]]:
        value = self.cleaned_data["hours"]
        message = _(
            'Write the hours as {"0": [[540, 1080]]}: weekdays 0-6, ranges that do not overlap.'
        )
        if not isinstance(value, dict):
            raise forms.ValidationError(message)
        week = {}
        for day, ranges in value.items():
            if day not in {str(d) for d in range(7)}:
                raise forms.ValidationError(message)
            try:
                week[day] = _ranges(ranges)
            except ValueError:
                raise forms.ValidationError(message) from None
        if not any(week.values()):
            raise forms.ValidationError(_("A calendar needs working hours on at least one day."))
        return {day: ranges for day, ranges in sorted(week.items()) if ranges}


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarAdminForm
    list_display = ["name", "time_zone"]
    search_fields = ["name"]
    inlines = [HolidayInline]

    def save_model(self, request: HttpRequest, obj: Calendar, form, change: bool) -> None:
        old = Calendar.objects.filter(pk=obj.pk).first() if change else None
        # Kept on this request's form (the admin object is shared by every request).
        form.audit_before = services.calendar_state(old) if old else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.calendar_audit(
            actor=request.user,  # type: ignore[arg-type]  # the admin is for signed-in admins
            calendar=form.instance,
            before=form.audit_before,
            action="changed" if change else "created",
        )

    def delete_model(self, request: HttpRequest, obj: Calendar) -> None:
        before = services.calendar_state(obj)
        services.calendar_audit(
            actor=request.user,  # type: ignore[arg-type]
            calendar=obj,
            before=before,
            action="deleted",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Calendar]) -> None:
        for calendar in queryset:
            self.delete_model(request, calendar)


class PolicyAdminForm(PolicyForm):
    """The manager pages' checks (targets of at least a minute and at most a year, at
    least one target, a reassignee of the department) over every department."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, departments=Department.objects.all(), **kwargs)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = [
        "department",
        "priority",
        "organization",
        "calendar",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "is_active",
    ]
    list_filter = ["is_active", "department", "priority", "calendar"]
    list_select_related = ["department", "organization", "calendar"]

    def save_model(self, request: HttpRequest, obj: Policy, form, change: bool) -> None:
        before = Policy.objects.filter(pk=obj.pk).first() if change else None
        services.policy_save(actor=request.user, policy=obj, before=before)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Policy) -> None:
        services.policy_delete(actor=request.user, policy=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Policy]) -> None:
        for policy in queryset:
            self.delete_model(request, policy)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "department",
        "target",
        "level",
        "due_at",
        "created_at",
        "acknowledged_at",
    ]
    list_filter = ["level", "target", "department", "acknowledged_at"]
    list_select_related = ["ticket", "department"]
    search_fields = ["=ticket__number"]
    date_hierarchy = "created_at"


@admin.register(ConfigChange)
class ConfigChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "kind", "object_id", "action"]
    list_filter = ["kind", "action"]
    list_select_related = ["actor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
