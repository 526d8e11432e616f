"""What a browser submits from an admin add or change page: every field of the form and of
its inlines (with their management forms), as the page shows them (issue 14: admin tests
submit the forms, not only open them)."""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet


def _field_data(bound: forms.BoundField) -> dict[str, object]:
    widget, value = bound.field.widget, bound.value()
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        return {bound.html_name: ""}  # the page never holds a password
    if isinstance(widget, forms.CheckboxInput):
        return {bound.html_name: "on"} if value else {}
    if isinstance(widget, forms.MultiWidget):  # the admin's date and time inputs
        parts = widget.decompress(value) if value else [None] * len(widget.widgets)
        return {
            f"{bound.html_name}{suffix}": part.isoformat() if part else ""
            for suffix, part in zip(widget.widgets_names, parts, strict=True)
        }
    if isinstance(widget, forms.SelectMultiple):
        return {bound.html_name: [str(v) for v in value or []]}
    return {bound.html_name: "" if value is None else str(value)}


def form_data(form: forms.Form) -> dict[str, object]:
    data: dict[str, object] = {}
    for bound in form:
        data.update(_field_data(bound))
    return data


def formset_data(formset: BaseFormSet) -> dict[str, object]:
    """The saved rows of an inline, and no extra blank form."""
    initial = formset.initial_form_count()
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(initial),
        f"{formset.prefix}-INITIAL_FORMS": str(initial),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for form in formset.forms[:initial]:
        data.update(form_data(form))
    return data


def admin_page_data(response) -> dict[str, object]:
    """The payload of an admin add/change page as rendered (secrets come back empty)."""
    assert response.status_code == 200
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(formset_data(inline.formset))
    return data


def inline_rows(prefix: str, rows: list[dict[str, object]], initial: int = 0) -> dict:
    """Management form and fields of new inline rows (a browser's "Add another")."""
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": str(initial + len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows, start=initial):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data
