"""Account pages: sign-up, address confirmation, password links, preferences, invitations.

Pages that send a link answer the same whatever the address (no account enumeration).
"""

from __future__ import annotations

import textwrap
import time
from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import django_otp
import qrcode
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from accounts import selectors, services, throttle, tokens
from accounts.decorators import View, agent_required
from accounts.forms import (
    CodeForm,
    InvitationForm,
    LiveSettingsForm,
    NotificationsForm,
    PasswordForm,
    PreferencesForm,
    RecoveryCodeForm,
    SignInForm,
    SignUpForm,
    ThrottledEmailForm,
    TwoFactorDisableForm,
)
from accounts.models import User
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest

# The token of a password link moves from the URL into the session before the form shows,
# so that it cannot leak through the Referer header (as Django's own reset view does).
LINK_SESSION_KEY = "_account_link_token"
FORM_STEP = "set-password"


# A password accepted for an account with a second factor waits here for the code.
PENDING_SESSION_KEY = "_two_factor_pending"
PENDING_SECONDS = 300
RECOVERY_SESSION_KEY = "_recovery_codes"


def _sign_in(request: HttpRequest, user, next_url: str = "") -> HttpResponse:
    """Signs in, or asks for the second factor first when the account has one (issue 14)."""
    if selectors.has_two_factor(user, cached=False):
        request.session.cycle_key()
        request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "at": time.time(),
        }
        url = reverse("accounts:login_code")
        if next_url:
            url += "?" + urlencode({"next": next_url})
        return redirect(url)
    auth.login(request, user)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        return _sign_in(self.request, form.get_user(), self.get_redirect_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = _throttled_status(form)
        return response

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "allow_signup": settings.ACCOUNTS_ALLOW_SIGNUP,
        }


def _throttled_status(form, otherwise: int = 200) -> int:
    """429 Too Many Requests for a form refused by the throttle."""
    return 429 if form.has_error(NON_FIELD_ERRORS, "throttled") else otherwise


def _refused_while_locked(keys: dict, form) -> bool:
    """Wrong passwords and codes on the settings pages count as failed sign-ins too: a
    borrowed session must not become a way to guess them."""
    until = _locked_until(keys)
    if until:
        form.add_error(None, ValidationError(throttle.wait_message(until), code="throttled"))
    return bool(until)


def _sign_in_keys(request: HttpRequest, user) -> dict:
    """A code or password of this person counts as a sign-in of his account and address."""
    return {
        throttle.sign_in_account(): [user.email],
        throttle.sign_in_address(): [throttle.client_address(request)],
    }


def _locked_until(keys: dict) -> float:
    return max(throttle.locked_until(limit, values) or 0 for limit, values in keys.items())


def _count_failure(keys: dict, form=None) -> float:
    """Counts a wrong password or code; a lock it causes is said on the form."""
    until = max(throttle.hit(limit, values) or 0 for limit, values in keys.items())
    if until and form is not None:
        form.add_error(None, ValidationError(throttle.wait_message(until), code="throttled"))
    return until


def _pending_user(request: HttpRequest):
    """Who is entering a code: a password just accepted, or a session not yet verified."""
    if request.user.is_authenticated:
        return request.user
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


@never_cache
@sensitive_post_parameters("code", "recovery_code")
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code (used once)."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(next_url or "home")
    recovery = "recovery_code" in request.POST
    form = CodeForm(None if recovery else request.POST or None)
    recovery_form = RecoveryCodeForm(request.POST if recovery else None)
    status = 200
    if request.method == "POST":
        bound = recovery_form if recovery else form
        keys = _sign_in_keys(request, user)
        until = _locked_until(keys)
        device = None
        if not until and bound.is_valid():
            field = "recovery_code" if recovery else "code"
            device = services.two_factor_device(
                user=user, code=bound.cleaned_data[field], recovery=recovery
            )
            if device is None:
                until = _count_failure(keys)
                if not until:
                    bound.add_error(field, _("This code is not right. Please try again."))
        if until:
            bound.add_error(None, throttle.wait_message(until))
            status = 429
        elif device is not None:
            throttle.forget(throttle.sign_in_account(), [user.email])
            request.session.pop(PENDING_SESSION_KEY, None)
            if not request.user.is_authenticated:
                auth.login(request, user)
            django_otp.login(request, device)
            if recovery:
                messages.warning(
                    request,
                    _("You used a recovery code; it does not work again. Codes left: %(n)d.")
                    % {"n": device.token_set.count()},
                )
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    context = {"form": form, "recovery_form": recovery_form, "next": next_url}
    return render(request, "accounts/login_code.html", context, status=status)


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    """Self-registration (P1); the account works once the address is confirmed."""
    if not settings.ACCOUNTS_ALLOW_SIGNUP:
        return render(request, "accounts/signup_closed.html", status=404)
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None, initial={"language": get_language()}, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.customer_signup(
            email=data["email"],
            name=data["name"],
            password=data["password1"],
            language=data["language"],
            time_zone=data["time_zone"],
        )
        request.session["signup_address"] = data["email"]
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=_throttled_status(form))


def signup_done(request: HttpRequest) -> HttpResponse:
    address = request.session.get("signup_address", "")
    return render(request, "accounts/signup_done.html", {"address": address})


@never_cache
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the confirmation mail. It does not sign in: a mail scanner may follow it."""
    user = tokens.user_from_link(uidb64, token, tokens.verification_tokens)
    if user is None:
        return render(request, "accounts/link_invalid.html", {"kind": "verify"}, status=400)
    services.email_verify(user=user)
    messages.success(request, _("Thank you, your e-mail address is confirmed. Please sign in."))
    return redirect("accounts:login")


def verification_resend(request: HttpRequest) -> HttpResponse:
    form = ThrottledEmailForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.verification_resend(email=form.cleaned_data["email"])
        messages.info(
            request,
            _(
                "If an account waits for confirmation at this address, we have sent it a new "
                "link. Please check your mailbox."
            ),
        )
        return redirect("accounts:login")
    return render(
        request, "accounts/verification_resend.html", {"form": form}, status=_throttled_status(form)
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    form = ThrottledEmailForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        messages.info(
            request,
            _(
                "If an account uses this address, we have sent it a link to choose a new "
                "password. Please check your mailbox."
            ),
        )
        return redirect("accounts:login")
    return render(
        request, "accounts/password_reset.html", {"form": form}, status=_throttled_status(form)
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def password_link(request: HttpRequest, uidb64: str, token: str, kind: str) -> HttpResponse:
    """A reset or invitation link: choose a password, then you are signed in."""
    link_tokens = tokens.invitation_tokens if kind == "invitation" else tokens.password_reset_tokens
    if token != FORM_STEP:
        if tokens.user_from_link(uidb64, token, link_tokens) is None:
            return render(request, "accounts/link_invalid.html", {"kind": kind}, status=400)
        request.session[LINK_SESSION_KEY] = token
        return redirect(reverse(f"accounts:{kind}", args=[uidb64, FORM_STEP]))
    user = tokens.user_from_link(uidb64, request.session.get(LINK_SESSION_KEY, ""), link_tokens)
    if user is None:
        return render(request, "accounts/link_invalid.html", {"kind": kind}, status=400)
    form = PasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=user, password=form.cleaned_data["new_password1"])
        del request.session[LINK_SESSION_KEY]
        messages.success(request, _("Your password is set. Welcome!"))
        # A link proves the mailbox, not the second factor: that is still asked for.
        user.backend = settings.AUTHENTICATION_BACKENDS[0]
        return _sign_in(request, user)
    return render(
        request, "accounts/password_set.html", {"form": form, "kind": kind, "person": user}
    )


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Name, language and time zone (P8); the middleware applies them on every page."""
    user = request.user
    initial = {"name": user.name, "language": user.language, "time_zone": user.time_zone}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_preferences_set(actor=user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:preferences")
    context = {"form": form, "nav": "preferences", "two_factor_on": selectors.has_two_factor(user)}
    if user.is_agent:
        context["notifications"] = NotificationsForm(
            initial={
                "new_ticket": user.notify_new_ticket,
                "customer_reply": user.notify_customer_reply,
                "assigned": user.notify_assigned,
            }
        )
        context["live"] = LiveSettingsForm(
            initial={
                "sound_enabled": user.sound_enabled,
                "sound_volume": user.sound_volume,
                "desktop_notifications": user.desktop_notifications,
                "is_away": user.is_away,
            }
        )
    return render(request, "accounts/preferences.html", context)


@require_POST
@agent_required
def live_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An agent's sound, volume, desktop notifications and away switch (issue 11, W2)."""
    form = LiveSettingsForm(request.POST)
    if form.is_valid():
        services.agent_live_settings_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your live update settings are saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("accounts:preferences") + "#live")


@require_POST
@agent_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An agent switches his mail notifications on and off."""
    form = NotificationsForm(request.POST)
    if form.is_valid():
        services.agent_notifications_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
    return redirect("accounts:preferences")


@agent_required
def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Agents invite one customer or an organization's list; each gets a set-password link."""
    form = InvitationForm(request.POST or None, initial={"language": settings.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        results = services.customers_invite(
            actor=request.user,
            people=form.cleaned_data["people"],
            organization=form.cleaned_data["organization"],
            language=form.cleaned_data["language"],
        )
        context = {
            "form": InvitationForm(initial=form.initial),
            "results": results,
            "invalid_lines": form.invalid_lines,
            "nav": "invite",
        }
        return render(request, "accounts/invite.html", context)
    return render(request, "accounts/invite.html", {"form": form, "nav": "invite"})


def _two_factor_page(request: AuthenticatedHttpRequest, status: int = 200, **forms) -> HttpResponse:
    """Settings > Two-factor authentication: the setup, or the forms once it is on."""
    user = request.user
    required = settings.ACCOUNTS_STAFF_2FA_REQUIRED and user.is_agent
    context = {"nav": "preferences", "required": required, **forms}
    if "form" in forms:
        device = services.totp_device_pending(actor=user)
        # In groups of four, easier to copy by hand; apps ignore the spaces.
        context["secret"] = " ".join(textwrap.wrap(b32encode(device.bin_key).decode(), 4))
    else:
        context.setdefault("regenerate", _regenerate_form())
        context.setdefault("disable", TwoFactorDisableForm())
        context["active"] = True
        context["recovery_left"] = StaticToken.objects.filter(device__user=user).count()
    return render(request, "accounts/two_factor.html", context, status=status)


def _regenerate_form(data=None) -> CodeForm:
    form = CodeForm(data, prefix="regenerate")
    form.fields["code"].widget.attrs.pop("autofocus", None)  # not the page's first field
    return form


def _two_factor_verified(view: View) -> View:
    """Changes to a second factor that is on need a session that proved it."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        if not selectors.has_two_factor(request.user, cached=False):
            return redirect("accounts:two_factor")
        if not request.user.is_verified():
            return redirect_to_login(request.get_full_path(), reverse("accounts:login_code"))
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan, confirm with a code, see the recovery codes."""
    if selectors.has_two_factor(request.user, cached=False):
        return _two_factor_verified(_two_factor_page)(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device_pending(actor=request.user)
        codes = services.two_factor_enable(
            actor=request.user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            django_otp.login(request, device)
            request.session[RECOVERY_SESSION_KEY] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("This code is not right. Please try again."))
    return _two_factor_page(request, 400 if form.is_bound else 200, form=form)


@require_POST
@login_required
@_two_factor_verified
@sensitive_post_parameters("regenerate-code")
def two_factor_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes for a code from the app; the old ones stop working."""
    form = _regenerate_form(request.POST)
    keys = _sign_in_keys(request, request.user)
    if not _refused_while_locked(keys, form) and form.is_valid():
        if services.two_factor_device(user=request.user, code=form.cleaned_data["code"]):
            codes = services.recovery_codes_regenerate(actor=request.user)
            request.session[RECOVERY_SESSION_KEY] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("This code is not right. Please try again."))
        _count_failure(keys, form)
    return _two_factor_page(request, _throttled_status(form, 400), regenerate=form)


@require_POST
@login_required
@_two_factor_verified
@sensitive_post_parameters("password", "code")
def two_factor_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switching the second factor off takes the password and a code (or a recovery code)."""
    user = request.user
    form = TwoFactorDisableForm(request.POST)
    keys = _sign_in_keys(request, user)
    if not _refused_while_locked(keys, form) and form.is_valid():
        code = form.cleaned_data["code"]
        if not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("This password is not right."))
        elif not (
            services.two_factor_device(user=user, code=code)
            or services.two_factor_device(user=user, code=code, recovery=True)
        ):
            form.add_error("code", _("This code is not right. Please try again."))
        else:
            try:
                services.two_factor_disable(actor=user)
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:two_factor")
        _count_failure(keys, form)
    return _two_factor_page(request, _throttled_status(form, 400), disable=form)


@never_cache
@login_required
def two_factor_qr(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The QR code of the secret being set up, drawn here (no third party sees the secret)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10, border=2)
    return HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")


@never_cache
@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once."""
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    context = {"codes": codes, "nav": "preferences"}
    return render(request, "accounts/recovery_codes.html", context)
