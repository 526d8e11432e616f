from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import normalize_email


class SignInForm(AuthenticationForm):
    """Sign in with the e-mail address, whatever its letter case."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])
