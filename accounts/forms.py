from __future__ import annotations

from email.utils import getaddresses
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.models import Organization, User, normalize_email, time_zone_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# One person per line of an invitation list; at most this many lines at once.
INVITATION_LINES_MAX = 200


class SignInForm(AuthenticationForm):
    """Sign in with the e-mail address, whatever its letter case."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Please confirm your e-mail address first: follow the link in the mail we sent "
            "you. No mail? Ask for a new link below."
        ),
    }

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])

    def clean(self) -> dict:
        """Failed attempts count per address tried and per client address (issue 14).

        A locked address or client is refused before the password is checked, with the
        same words whether or not an account exists.
        """
        assert self.request is not None, "the sign-in view always passes the request"
        keys = {
            throttle.sign_in_account(): [self.cleaned_data.get("username", "")],
            throttle.sign_in_address(): [throttle.client_address(self.request)],
        }
        until = max((throttle.locked_until(lim, vals) or 0 for lim, vals in keys.items()))
        if until:
            raise ValidationError(throttle.wait_message(until), code="throttled")
        try:
            data = super().clean()
        except ValidationError as error:
            if error.code != "invalid_login":
                raise
            until = max((throttle.hit(lim, vals) or 0 for lim, vals in keys.items()))
            if until:
                raise ValidationError(throttle.wait_message(until), code="throttled") from None
            raise
        throttle.forget(throttle.sign_in_account(), keys[throttle.sign_in_account()])
        return data

    def confirm_login_allowed(self, user: User) -> None:
        """Customers who signed up themselves sign in once they confirmed their address."""
        super().confirm_login_allowed(user)
        if user.is_customer and not user.email_verified:
            raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = _language_field()
    # Filled in by the browser (static/js/portal.js); the default time zone without it.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if "email" in data and not self.errors:
            # Per client address and per address signed up (issue 14), existing or not.
            values = [throttle.client_address(self.request), data["email"]]
            limit = throttle.mail_requests()
            until = throttle.locked_until(limit, values) or throttle.hit(limit, values)
            if until:
                raise ValidationError(throttle.wait_message(until), code="throttled")
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(email=data.get("email", ""), name=data.get("name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailForm(forms.Form):
    """An address to send a link to (password reset, a new confirmation link)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ThrottledEmailForm(EmailForm):
    """An address we mail a link to: limited per client address and per target address.

    Counted whether or not an account uses the address, so the limit tells nothing.
    """

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if "email" in data:
            values = [throttle.client_address(self.request), data["email"]]
            limit = throttle.mail_requests()
            until = throttle.locked_until(limit, values) or throttle.hit(limit, values)
            if until:
                raise ValidationError(throttle.wait_message(until), code="throttled")
        return data


class PasswordForm(SetPasswordForm):
    """The new password, twice, checked by the validators (the view calls the service)."""

    def save(self, commit: bool = True) -> User:
        raise NotImplementedError("accounts.services.password_set saves the password")


class PreferencesForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    language = _language_field()
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Every date and time is shown in this zone."),
    )


class NotificationsForm(forms.Form):
    """Which mails an agent gets about tickets (issue 6: each switchable per agent)."""

    new_ticket = forms.BooleanField(
        label=_("A new ticket arrives in one of my departments"), required=False
    )
    customer_reply = forms.BooleanField(
        label=_("A customer answers a ticket assigned to me"), required=False
    )
    assigned = forms.BooleanField(label=_("A ticket is assigned to me"), required=False)


class LiveSettingsForm(forms.Form):
    """How the staff pages signal new work (issue 11, W2), and the away switch."""

    sound_enabled = forms.BooleanField(
        label=_("Play a sound when a new ticket or message arrives"), required=False
    )
    sound_volume = forms.IntegerField(
        label=_("Sound volume"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"type": "range", "step": 5}),
        help_text=_("From 0 (silent) to 100 percent."),
    )
    desktop_notifications = forms.BooleanField(
        label=_("Show desktop notifications (the browser asks you to allow them)"),
        required=False,
    )
    is_away = forms.BooleanField(
        label=_("I am away: give me no new tickets by round-robin"), required=False
    )


def parse_people(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Lines of `Name <address>` (or a bare address) -> (name, address) pairs, bad lines.

    Names keep their script (Cyrillic, Armenian...). A line may list several people
    separated by commas or semicolons, as in a mail header; a line with anything that is
    not an address is reported whole and nobody on it is invited. An address given twice
    counts once.
    """
    people: list[tuple[str, str]] = []
    invalid: list[str] = []
    seen: set[str] = set()
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        pairs = [
            (" ".join(name.split()), normalize_email(address))
            for name, address in getaddresses([line.replace(";", ",")])
        ]
        try:
            if not pairs:
                raise ValidationError("empty")
            for _name, address in pairs:
                validate_email(address)
        except ValidationError:
            invalid.append(line.strip())
            continue
        for name, address in pairs:
            if address not in seen:
                seen.add(address)
                people.append((name, address))
    return people, invalid


class InvitationForm(forms.Form):
    people = forms.CharField(
        label=_("People to invite"),
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "Иван Петров <ivan.petrov@example.com>"}
        ),
        help_text=_("One person per line: Name <address>, or just the address."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("No organization"),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation and of the account"), choices=settings.LANGUAGES
    )

    def clean_people(self) -> list[tuple[str, str]]:
        text = self.cleaned_data["people"]
        if len(text.splitlines()) > INVITATION_LINES_MAX:
            raise ValidationError(
                _("At most %(count)d lines at once, please."),
                params={"count": INVITATION_LINES_MAX},
            )
        people, self.invalid_lines = parse_people(text)
        if not people:
            raise ValidationError(_("No valid e-mail address found."))
        return people


def _code_field(
    label: StrOrPromise, *, numeric: bool = True, autofocus: bool = False
) -> forms.CharField:
    attrs: dict[str, str | bool] = {
        "autocomplete": "one-time-code",
        "spellcheck": "false",
        "autocapitalize": "off",
    }
    if numeric:
        attrs.update(inputmode="numeric", pattern="[0-9 ]*", maxlength="8")
    if autofocus:
        attrs["autofocus"] = True
    return forms.CharField(label=label, max_length=20, widget=forms.TextInput(attrs=attrs))


class CodeForm(forms.Form):
    """The six digits the authenticator app shows now."""

    code = _code_field(_("Code from your authenticator app"), autofocus=True)


class RecoveryCodeForm(forms.Form):
    recovery_code = _code_field(_("Recovery code"), numeric=False)


class TwoFactorDisableForm(forms.Form):
    """Switching the second factor off takes the password and a code (issue 14)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(_("Code from your authenticator app or a recovery code"), numeric=False)
