"""Every admin offers every field that exists (issue 14: Department.mail_policy, the agents'
notification switches were missing): each editable model field of each registered
ModelAdmin and inline is in its form, shown read-only, or listed below with the reason."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Role, User
from helpdesk.forms import translation_field_names

# Left out on purpose, with the reason.
NOT_OFFERED = {
    ("accounts.User", "password"): "set through the form's new_password, never shown",
    # On a person's page a service belongs to him; on an organization's, to it (one owner).
    ("accounts.Service", "customer"): "the inline's other owner",
    ("accounts.Service", "organization"): "the inline's other owner",
    ("accounts.Service", "created_at"): "inlines take the default; the Service admin offers it",
    # Issue 12: the inline shows a service's kind in the default language; the Service
    # admin edits its other languages (helpdesk/forms.py, field by field).
    ("accounts.Service", "translations"): "the Service admin offers it, language by language",
    # Issue 11: how an agent's own browser signals new work is his choice, on his settings
    # page; the administrator sees whether he is away and when he was last seen.
    ("accounts.User", "sound_enabled"): "the agent's own setting (accounts:preferences)",
    ("accounts.User", "sound_volume"): "the agent's own setting (accounts:preferences)",
    ("accounts.User", "desktop_notifications"): "the agent's own setting (accounts:preferences)",
    # django-otp's own admins: its verification state, kept by django-otp itself.
    ("otp_totp.TOTPDevice", "last_t"): "django-otp's replay guard, set on each verified code",
    (
        "otp_totp.TOTPDevice",
        "throttling_failure_timestamp",
    ): "django-otp's throttle (ours replaces it)",
    ("otp_totp.TOTPDevice", "throttling_failure_count"): "django-otp's throttle (ours replaces it)",
    (
        "otp_static.StaticDevice",
        "throttling_failure_timestamp",
    ): "django-otp's throttle (ours replaces it)",
    (
        "otp_static.StaticDevice",
        "throttling_failure_count",
    ): "django-otp's throttle (ours replaces it)",
}


def editable_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "editable", False) and not f.auto_created and (f.concrete or f.many_to_many)
    ]


def administrator_request():
    request = RequestFactory().get("/admin/")
    request.user = User(role=Role.ADMIN, is_active=True)
    return request


def editable_admins():
    request = administrator_request()
    return [
        pytest.param(model_admin, id=model._meta.label)
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_change_permission(request)
    ]


def missing(model, form_fields, readonly) -> list[str]:
    return [
        name
        for name in editable_fields(model)
        if name not in form_fields
        and name not in readonly
        and (model._meta.label, name) not in NOT_OFFERED
        and not (name == "translations" and set(translation_field_names(model)) <= set(form_fields))
    ]


@pytest.mark.parametrize("model_admin", editable_admins())
def test_every_editable_field_is_offered(model_admin):
    request = administrator_request()
    for obj in (None, model_admin.model()):  # the add page and a change page
        form = model_admin.get_form(request, obj)
        readonly = model_admin.get_readonly_fields(request, obj)
        assert missing(model_admin.model, form.base_fields, readonly) == []
        for inline in model_admin.get_inline_instances(request, obj):
            formset = inline.get_formset(request, obj)
            readonly = [*inline.get_readonly_fields(request, obj), formset.fk.name]
            assert missing(inline.model, formset.form.base_fields, readonly) == [], inline
