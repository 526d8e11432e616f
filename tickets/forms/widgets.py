"""Widgets that list pages render many times (issue 17)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A <select> written in Python, the same markup as Django's templates give it.

    Django renders every option through a template of its own: the queue's filters and
    its bulk bar (about a hundred options, the agents listed twice) cost more than its
    fifty rows. This widget writes the same elements directly.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            items = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], flatatt(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            if group_name:
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, items))
            else:
                parts.append(items)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # each part escaped by format_html
        )


def selects_quicken(form: forms.BaseForm) -> None:
    """Gives the form's plain selects the quick widget; call it before setting choices."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            quick = QuickSelect(attrs=field.widget.attrs)
            quick.choices = field.widget.choices
            quick.is_required = field.widget.is_required
            field.widget = quick
