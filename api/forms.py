from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from tickets import access
from tickets.models import Department

EXPIRY_CHOICES = [
    ("", _("Never")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “billing sync” or “monitoring”."),
    )
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("For the account"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Myself"),
        help_text=_("Administrators make tokens for service accounts."),
    )
    read_only = forms.BooleanField(label=_("Read only"), required=False)
    departments: forms.ModelMultipleChoiceField[Department] = forms.ModelMultipleChoiceField(
        label=_("Only these departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every department of the account."),
    )
    expires = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.role == Role.ADMIN:
            cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
                is_active=True
            ).exclude(pk=user.pk)
        else:
            del self.fields["user"]
        if user.is_agent:
            cast(
                forms.ModelMultipleChoiceField, self.fields["departments"]
            ).queryset = access.departments_for(user).order_by("name")
        else:
            del self.fields["departments"]

    def token_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        days = data.get("expires")
        return {
            "name": data["name"],
            "user": data.get("user"),
            "read_only": data["read_only"],
            "departments": list(data.get("departments") or []),
            "expires_at": timezone.now() + timedelta(days=int(days)) if days else None,
        }
