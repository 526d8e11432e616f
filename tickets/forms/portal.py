"""Forms of the customer portal: a new ticket, a reply, a rating (P2, R13, W4)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from tickets import held_uploads, selectors
from tickets.held_uploads import HeldUpload
from tickets.models import RatingScore
from tickets.services.opening import SUBJECT_MAX
from tickets.services.ratings import COMMENT_MAX
from tickets.uploads import NewAttachment, allowed_kinds_label, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none were chosen)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(f, initial) for f in files) if f]


def _attachments_help() -> str:
    return _("Up to %(count)d files of %(size)d MB each: %(kinds)s.") % {
        "count": settings.ATTACHMENT_MAX_FILES,
        "size": settings.ATTACHMENT_MAX_SIZE // (1024 * 1024),
        "kinds": allowed_kinds_label(),
    }


class AttachmentsForm(forms.Form):
    """Files checked on their bytes (tickets.uploads), plus the ones held from the last submit.

    The files that passed are in `checked_uploads` even when the form has errors, so that
    the view can hold them for the next submit (tickets.held_uploads).
    """

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["attachments"].help_text = _attachments_help()
        # Limits for the browser's early warnings (static/js/portal.js); the server decides.
        self.fields["attachments"].widget.attrs.update(
            {
                "data-max-size": settings.ATTACHMENT_MAX_SIZE,
                "data-max-files": settings.ATTACHMENT_MAX_FILES,
            }
        )
        self.checked_uploads: list[NewAttachment] = []
        tokens = self.data.getlist("held") if hasattr(self.data, "getlist") else []
        self.held: list[HeldUpload] = [
            held
            for token in tokens[: settings.ATTACHMENT_MAX_FILES]
            if (held := held_uploads.read(user, token))
        ]

    def clean_attachments(self) -> list:
        files = self.cleaned_data["attachments"]
        errors = []
        for upload in files:
            try:
                self.checked_uploads.append(check_upload(upload, upload.name))
            except ValidationError as error:
                errors.extend(error.messages)
        count = len(self.checked_uploads) + len(self.held)
        if count > settings.ATTACHMENT_MAX_FILES:
            errors.append(
                ngettext(
                    "At most %(max)d file per message, please.",
                    "At most %(max)d files per message, please.",
                    settings.ATTACHMENT_MAX_FILES,
                )
                % {"max": settings.ATTACHMENT_MAX_FILES}
            )
        if errors:
            raise ValidationError(errors)
        return files

    @property
    def has_attachments(self) -> bool:
        return bool(self.checked_uploads or self.held)

    def hold_uploads(self) -> list[HeldUpload]:
        """Keeps the checked files for the next submit; every file the page should list."""
        newly_held = [held_uploads.hold(self.user, upload) for upload in self.checked_uploads]
        self.checked_uploads = []
        self.held = [*self.held, *newly_held]
        return self.held

    def new_attachments(self) -> list[NewAttachment]:
        """The files to store with the message. Call inside the transaction of the change."""
        attachments = list(self.checked_uploads)
        for held in self.held:
            try:
                attachments.append(held_uploads.take(held))
            except ValidationError:
                continue  # the allowed kinds changed since it was held
        return attachments


def _lines(text: str) -> str:
    """Browsers send CRLF line breaks; we store LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _description_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Line breaks are kept. Links become clickable."),
    )


class NewTicketForm(AttachmentsForm):
    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=selectors.portal_categories(),
        empty_label=_("Choose…"),
    )
    service = forms.ModelChoiceField(
        label=_("Product or service"),
        queryset=None,
        required=False,
        empty_label=_("Not related to a product or service"),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        help_text=_("A short title, e.g. “Site example.com shows error 502”."),
    )
    description = _description_field(_("Description"))

    field_order = ["category", "service", "subject", "description", "attachments"]

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["category"].queryset = selectors.portal_categories()
        self.fields["service"].queryset = selectors.portal_services(user)

    def clean_description(self) -> str:
        return _lines(self.cleaned_data["description"])

    @property
    def has_services(self) -> bool:
        return self.fields["service"].queryset.exists()


class AddToTicketForm(AttachmentsForm):
    """The new ticket's text goes into an existing ticket instead (P4)."""

    subject = forms.CharField(required=False, max_length=SUBJECT_MAX)
    description = _description_field(_("Description"))

    def body_text(self) -> str:
        subject = self.cleaned_data["subject"].strip()
        description = _lines(self.cleaned_data["description"])
        return f"{subject}\n\n{description}" if subject else description


class ReplyForm(AttachmentsForm):
    body = forms.CharField(
        label=_("Your message"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean_body(self) -> str:
        return _lines(self.cleaned_data["body"])

    def clean(self) -> dict:
        data = super().clean()
        empty = not (data.get("body") or "").strip() and not self.has_attachments
        if empty and "attachments" not in self.errors:
            self.add_error("body", _("Write a message or attach a file."))
        return data


class RatingForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How was our answer?"), choices=RatingScore.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything to add?"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was good, what could we do better? Our team reads every comment."),
    )
