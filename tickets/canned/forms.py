"""Forms of canned responses: the editor, the list's search, and the files in a reply."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.canned import access
from tickets.canned.models import BODY_MAX, FOLDER_MAX, TITLE_MAX, CannedResponse, Scope
from tickets.canned.placeholders import placeholders_check
from tickets.canned.services import CannedContent
from tickets.forms.staff import attachments_field, checked_attachments
from tickets.models import Department
from tickets.uploads import NewAttachment

SEARCH_MAX = 100


def _variant_field(code: str) -> str:
    return f"body_{code}"


class CannedResponseForm(forms.Form):
    """Title, folder, audience, the default text, a text per language, and files."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    folder = forms.CharField(
        label=_("Folder"),
        max_length=FOLDER_MAX,
        required=False,
        help_text=_("Responses with the same folder are listed together."),
        widget=forms.TextInput(attrs={"list": "canned-folders"}),
    )
    scope = forms.ChoiceField(label=_("For"))
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        help_text=_("For a department's response: whose agents use it."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Used when the customer's language has no text of its own below."),
    )
    attachments = attachments_field()
    remove = forms.MultipleChoiceField(
        label=_("Remove files"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user: User, response: CannedResponse | None = None, **kwargs) -> None:
        if response is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": response.title,
                "folder": response.folder,
                "scope": response.scope,
                "department": response.department,
                "body": response.body,
                **{_variant_field(v.language): v.body for v in response.variants.all()},
            }
        super().__init__(*args, **kwargs)
        scopes = access.scopes_for(user)
        cast(forms.ChoiceField, self.fields["scope"]).choices = [
            (scope.value, scope.label) for scope in scopes
        ]
        if Scope.DEPARTMENT in scopes:
            cast(
                forms.ModelChoiceField, self.fields["department"]
            ).queryset = access.managed_departments(user)
        else:
            del self.fields["department"]
        cast(forms.ChoiceField, self.fields["remove"]).choices = [
            (str(f.pk), f.filename) for f in (response.attachments.all() if response else [])
        ]
        for code, name in settings.LANGUAGES:
            self.fields[_variant_field(code)] = forms.CharField(
                label=name,
                max_length=BODY_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code}),
            )

    @property
    def variant_fields(self) -> list[forms.BoundField]:
        return [self[_variant_field(code)] for code, _name in settings.LANGUAGES]

    def _clean_text(self, name: str) -> str:
        text = self.cleaned_data.get(name) or ""
        try:
            placeholders_check(text)
        except ValidationError as error:
            self.add_error(name, error)
        return text

    def clean_attachments(self) -> list[NewAttachment]:
        return checked_attachments(self.cleaned_data.get("attachments") or [])

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        for name in ["body", *(_variant_field(code) for code, _name in settings.LANGUAGES)]:
            self._clean_text(name)
        if data.get("scope") == Scope.DEPARTMENT and not data.get("department"):
            self.add_error("department", gettext("Choose the department whose agents use it."))
        return data

    def content(self) -> CannedContent:
        data = self.cleaned_data
        return CannedContent(
            title=data["title"],
            folder=data["folder"],
            scope=Scope(data["scope"]),
            department=data.get("department"),
            body=data["body"],
            variants={code: data[_variant_field(code)] for code, _name in settings.LANGUAGES},
        )

    def removed_files(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["remove"]]


class CannedSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=SEARCH_MAX, required=False)
    folder = forms.CharField(label=_("Folder"), max_length=FOLDER_MAX, required=False)


class PickerForm(forms.Form):
    """The composer's picker: which ticket, and what the agent typed after `#`."""

    q = forms.CharField(max_length=SEARCH_MAX, required=False, strip=True)
