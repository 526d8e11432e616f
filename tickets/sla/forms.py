"""Forms of the SLA configuration and the escalation list (issue 10): every bad input is a
clear form error (no working hours, overlapping holidays, zero or negative targets)."""

from __future__ import annotations

import re
from datetime import date
from typing import cast
from zoneinfo import available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import STAFF_ROLES, Organization, User
from tickets.models import Priority
from tickets.sla import hours
from tickets.sla.models import Calendar, Policy

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
HOLIDAY_LINE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:\s*\.\.\s*(\d{4}-\d{2}-\d{2}))?\s+(.+?)\s*(\((?:yearly)\))?$"
)
HOLIDAY_DAYS_MAX = 366
HOLIDAYS_MAX = 200
# A year of working time is the longest target anyone means (and keeps the arithmetic short).
TARGET_MINUTES_MAX = 365 * 24 * 60


def zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones())]


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line: 2027-05-01 Labour Day, or a range 2027-01-01..2027-01-08 New Year "
            "holidays. Add (yearly) at the end for the same dates every year."
        ),
    )

    def __init__(self, *args, instance: Calendar | None = None, **kwargs) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = calendar_initial(instance)
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=_("For example 09:00-18:00, or 09:00-13:00, 14:00-18:00; empty: closed."),
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Calendar.objects.filter(name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("A calendar with this name exists already."))
        return name

    def clean_holidays(self) -> list[tuple[str, date, date, bool]]:
        lines = [line.strip() for line in self.cleaned_data["holidays"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > HOLIDAYS_MAX:
            raise ValidationError(_("At most %(count)d holidays.") % {"count": HOLIDAYS_MAX})
        parsed = [_holiday(line) for line in lines]
        for i, (name, first, last, yearly) in enumerate(parsed):
            one = hours.Holiday(first, last, yearly)
            for other_name, other_first, other_last, other_yearly in parsed[i + 1 :]:
                if one.overlaps(hours.Holiday(other_first, other_last, other_yearly)):
                    raise ValidationError(
                        _("The holidays “%(first)s” and “%(second)s” overlap.")
                        % {"first": name, "second": other_name}
                    )
        return parsed

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        week = {}
        for day in range(7):
            try:
                week[str(day)] = [
                    list(pair) for pair in hours.parse_ranges(data.get(f"day_{day}", ""))
                ]
            except ValueError:
                self.add_error(
                    f"day_{day}", _("Write hours as 09:00-18:00; ranges must not overlap.")
                )
        if not self.errors and not any(week.values()):
            raise ValidationError(_("A calendar needs working hours on at least one day."))
        data["hours"] = {day: ranges for day, ranges in week.items() if ranges}
        return data


def _holiday(line: str) -> tuple[str, date, date, bool]:
    match = HOLIDAY_LINE.match(line)
    error = ValidationError(
        _("“%(line)s” is not a holiday: write 2027-05-01 Labour Day.") % {"line": line[:80]}
    )
    if not match:
        raise error
    try:
        first = date.fromisoformat(match.group(1))
        last = date.fromisoformat(match.group(2)) if match.group(2) else first
    except ValueError:
        raise error from None
    if last < first:
        raise ValidationError(_("“%(line)s” ends before it starts.") % {"line": line[:80]})
    if (last - first).days >= HOLIDAY_DAYS_MAX:
        raise ValidationError(_("“%(line)s” is longer than a year.") % {"line": line[:80]})
    return match.group(3)[:100], first, last, bool(match.group(4))


def calendar_initial(calendar: Calendar) -> dict:
    initial = {"name": calendar.name, "time_zone": calendar.time_zone}
    for day in range(7):
        initial[f"day_{day}"] = hours.format_ranges(calendar.hours.get(str(day), []))
    initial["holidays"] = "\n".join(
        f"{h.first_day.isoformat()}"
        + (f"..{h.last_day.isoformat()}" if h.last_day != h.first_day else "")
        + f" {h.name}"
        + (" (yearly)" if h.yearly else "")
        for h in calendar.holidays.all()
    )
    return initial


def _target_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, help_text=_("Working minutes; empty: no target.")
    )


class PolicyForm(forms.ModelForm):
    first_response_minutes = _target_field(_("First response within (minutes)"))
    next_response_minutes = _target_field(_("Next response within (minutes)"))
    resolution_minutes = _target_field(_("Resolution within (minutes)"))

    class Meta:
        model = Policy
        fields = [
            "department",
            "priority",
            "organization",
            "calendar",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "warn_minutes",
            "raise_priority",
            "reassign_to",
            "is_active",
        ]

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(forms.ModelChoiceField, fields["department"]).queryset = departments.order_by("name")
        cast(forms.ChoiceField, fields["priority"]).choices = [
            ("", _("Any priority")),
            *Priority.choices,
        ]
        organization = cast(forms.ModelChoiceField, fields["organization"])
        organization.queryset = Organization.objects.order_by("name")
        organization.empty_label = _("Every customer")
        cast(forms.ModelChoiceField, fields["calendar"]).empty_label = _("Round the clock (24/7)")
        reassign_to = cast(forms.ModelChoiceField, fields["reassign_to"])
        reassign_to.queryset = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by(
            "name"
        )
        reassign_to.empty_label = _("Nobody")

    def _clean_target(self, name: str) -> int | None:
        value = self.cleaned_data.get(name)
        if value is not None and value <= 0:
            raise ValidationError(
                _("A target must be at least one minute; leave it empty for none.")
            )
        if value is not None and value > TARGET_MINUTES_MAX:
            raise ValidationError(_("A target can be at most a year."))
        return value

    def clean_first_response_minutes(self) -> int | None:
        return self._clean_target("first_response_minutes")

    def clean_next_response_minutes(self) -> int | None:
        return self._clean_target("next_response_minutes")

    def clean_resolution_minutes(self) -> int | None:
        return self._clean_target("resolution_minutes")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        targets = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
        if not self.errors and not any(data.get(name) for name in targets):
            raise ValidationError(_("Set at least one target."))
        assignee, department = data.get("reassign_to"), data.get("department")
        if (
            assignee
            and department
            and not (
                assignee.sees_all_departments
                or assignee.memberships.filter(department=department).exists()
            )
        ):
            self.add_error("reassign_to", _("This agent does not work in the department."))
        return data
