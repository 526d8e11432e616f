"""The reports' filters (issue 10, W3): a clear error for a range that ends before it
starts or is too long, an unknown agent or a department out of reach."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import STAFF_ROLES, User
from tickets.models import Channel, Department
from tickets.sla.reports import Scope

RANGE_DAYS_MAX = 2 * 366
DEFAULT_DAYS = 30


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("All my departments")
    )
    agent: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Agent"), queryset=None, required=False, empty_label=_("Every agent")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )

    def __init__(self, data, *, departments, **kwargs) -> None:
        """Without dates: the last DEFAULT_DAYS days, shown in the form."""
        data = data.copy()
        today = timezone.localdate()
        data.setdefault("end", today.isoformat())
        data.setdefault("start", (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat())
        super().__init__(data, **kwargs)
        self.departments = departments
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments.order_by(
            "name"
        )
        cast(forms.ModelChoiceField, self.fields["agent"]).queryset = agents_of(departments)
        for name in ("start", "end"):
            self.fields[name].widget.input_type = "date"

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        end, start = data.get("end"), data.get("start")
        if end is None or start is None:
            return data  # the field says what is wrong
        if end < start:
            raise ValidationError(_("The range ends before it starts."))
        if (end - start).days >= RANGE_DAYS_MAX:
            raise ValidationError(_("A report covers at most two years."))
        return data

    def scope(self) -> Scope | None:
        """The report's scope; None when the filters are not valid (an empty report)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        department = data.get("department")
        departments = self.departments.filter(pk=department.pk) if department else self.departments
        return Scope(
            start=data["start"],
            end=data["end"],
            departments=departments,
            agent=data.get("agent"),
            channel=data.get("channel") or "",
        )


def agents_of(departments):
    return (
        User.objects.filter(role__in=STAFF_ROLES, memberships__department__in=departments)
        .distinct()
        .order_by("name", "email")
    )
