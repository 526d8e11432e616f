"""The search page's form: the words, and the queue's filters plus a few more (R18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets import access
from tickets.forms.staff import QueueFilterForm
from tickets.models import Department
from tickets.search.selectors import SearchFilters

PERIODS = {"1d": 1, "7d": 7, "30d": 30, "365d": 365}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class SearchForm(QueueFilterForm):
    STATUS_CHOICES = [("any", _("Any status")), *QueueFilterForm.STATUS_CHOICES[:-1]]
    SORT_CHOICES = [("relevance", _("Relevance")), *QueueFilterForm.SORT_CHOICES]
    PERIOD_CHOICES = [
        ("", _("Any time")),
        ("1d", _("Last 24 hours")),
        ("7d", _("Last 7 days")),
        ("30d", _("Last 30 days")),
        ("365d", _("Last year")),
    ]

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    replied_by = forms.ChoiceField(label=_("Agent who replied"), required=False)
    organization = forms.CharField(label=_("Organization"), required=False, max_length=200)
    created_after = forms.DateField(label=_("Created from"), required=False, widget=DateInput())
    created_before = forms.DateField(label=_("Created until"), required=False, widget=DateInput())
    period = forms.ChoiceField(label=_("Last activity"), choices=PERIOD_CHOICES, required=False)
    active_after = forms.DateField(label=_("Active from"), required=False, widget=DateInput())
    active_before = forms.DateField(label=_("Active until"), required=False, widget=DateInput())

    field_order = ["q"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agents = [(pk, agent.display_name) for pk, agent in self.colleagues.items()]
        cast(forms.ChoiceField, self.fields["replied_by"]).choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            *agents,
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def search_filters(self) -> SearchFilters:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        queue = self.filters()
        data = getattr(self, "cleaned_data", {})
        replied = data.get("replied_by") or ""
        active_after = data.get("active_after")
        period = PERIODS.get(data.get("period") or "")
        if period is not None:
            since = timezone.localdate() - timedelta(days=period)
            active_after = max(active_after, since) if active_after else since
        return SearchFilters(
            queue=replace(queue, status=data.get("status") or "any"),
            replied_by=self.user if replied == "me" else self.colleagues.get(replied),
            organization=(data.get("organization") or "").strip(),
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
            active_after=active_after,
            active_before=data.get("active_before"),
        )

    def chosen_sort(self) -> str:
        return getattr(self, "cleaned_data", {}).get("sort") or "relevance"


class SavedViewForm(forms.Form):
    """Saves the search on the page: a name, and a department to share it with (managers)."""

    name = forms.CharField(label=_("Name of the view"), max_length=100)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Share with"), queryset=None, required=False, empty_label=_("Only me")
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.sees_all_departments:
            cast(
                forms.ModelChoiceField, self.fields["department"]
            ).queryset = access.departments_for(user).order_by("name")
        else:
            del self.fields["department"]
