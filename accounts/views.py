"""Account pages: sign-up, address confirmation, password links, preferences, invitations.

Pages that send a link answer the same whatever the address (no account enumeration).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import services, tokens
from accounts.decorators import agent_required
from accounts.forms import (
    EmailForm,
    InvitationForm,
    NotificationsForm,
    PasswordForm,
    PreferencesForm,
    SignInForm,
    SignUpForm,
)

# The token of a password link moves from the URL into the session before the form shows,
# so that it cannot leak through the Referer header (as Django's own reset view does).
LINK_SESSION_KEY = "_account_link_token"
FORM_STEP = "set-password"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "allow_signup": settings.ACCOUNTS_ALLOW_SIGNUP,
        }


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    """Self-registration (P1); the account works once the address is confirmed."""
    if not settings.ACCOUNTS_ALLOW_SIGNUP:
        return render(request, "accounts/signup_closed.html", status=404)
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None, initial={"language": get_language()})
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
    return render(request, "accounts/signup.html", {"form": form})


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
    form = EmailForm(request.POST or None)
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
    return render(request, "accounts/verification_resend.html", {"form": form})


def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
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
    return render(request, "accounts/password_reset.html", {"form": form})


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
        auth.login(request, user)
        messages.success(request, _("Your password is set. Welcome!"))
        return redirect("home")
    return render(
        request, "accounts/password_set.html", {"form": form, "kind": kind, "person": user}
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Name, language and time zone (P8); the middleware applies them on every page."""
    user = request.user
    initial = {"name": user.name, "language": user.language, "time_zone": user.time_zone}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_preferences_set(actor=user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:preferences")
    context = {"form": form, "nav": "preferences"}
    if user.is_agent:
        context["notifications"] = NotificationsForm(
            initial={
                "new_ticket": user.notify_new_ticket,
                "customer_reply": user.notify_customer_reply,
                "assigned": user.notify_assigned,
            }
        )
    return render(request, "accounts/preferences.html", context)


@require_POST
@agent_required
def notifications(request: HttpRequest) -> HttpResponse:
    """An agent switches his mail notifications on and off."""
    form = NotificationsForm(request.POST)
    if form.is_valid():
        services.agent_notifications_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
    return redirect("accounts:preferences")


@agent_required
def invite(request: HttpRequest) -> HttpResponse:
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
