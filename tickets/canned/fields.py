"""The files of a used canned response in the reply form: ticked boxes, signed references."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tickets.canned.files import CannedFileRef, file_ref_read


class CannedFilesWidget(forms.Widget):
    """Ticked boxes, one per file of the responses the agent inserted; he may untick them.

    The container is always there: the picker's script adds the boxes of a response."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def render(self, name, value, attrs=None, renderer=None):
        refs = [ref for ref in (_as_ref(item) for item in value or []) if ref is not None]
        boxes = format_html_join(
            "",
            '<label class="canned-file" data-file="{}">'
            '<input type="checkbox" name="{}" value="{}" checked> {}</label>',
            ((ref.attachment_id, name, ref.token, ref.filename) for ref in refs),
        )
        return format_html(
            '<div class="canned-files" id="canned-files" data-name="{}" aria-live="polite">'
            "{}</div>",
            name,
            boxes,
        )


def _as_ref(item: str | CannedFileRef) -> CannedFileRef | None:
    return item if isinstance(item, CannedFileRef) else file_ref_read(str(item))


class CannedFilesField(forms.Field):
    """Signed references to files of canned responses (tickets.canned.files)."""

    widget = CannedFilesWidget

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Files of canned responses"))
        super().__init__(**kwargs)

    def to_python(self, value) -> list[CannedFileRef]:
        refs = [_as_ref(item) for item in value or []]
        valid = [ref for ref in refs if ref is not None]
        if len(valid) != len(refs):
            raise ValidationError(
                _("A file of a canned response has expired; insert the response again."),
                code="bad_canned_file",
            )
        return valid
