from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from accounts.selectors import has_two_factor


class UserPreferencesMiddleware:
    """Shows every page in the signed-in person's language and time zone (P8)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(ZoneInfo(user.time_zone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# Pages a signed-in person reaches before his second factor: setting it up, entering a
# code, signing out, changing the language; static files and the health check.
TWO_FACTOR_OPEN_URL_NAMES = {
    "accounts:two_factor",
    "accounts:two_factor_qr",
    "accounts:recovery_codes",
    "accounts:login",
    "accounts:login_code",
    "accounts:logout",
    "set_language",
    "health",
}


class TwoFactorMiddleware:
    """Second factor before any page (issue 14).

    A signed-in person with a confirmed device whose session has not yet been verified
    (signed in elsewhere before the device existed, or through the admin's form) enters
    a code first. With `ACCOUNTS_STAFF_2FA_REQUIRED`, agents, managers and administrators
    without a device set one up before they reach any staff page or the admin.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.is_verified() or self._open(request):
            return self.get_response(request)
        if has_two_factor(user):
            # Verify it: sign out of this session and sign in again with the code.
            return redirect_to_login(request.get_full_path(), reverse("accounts:login_code"))
        if settings.ACCOUNTS_STAFF_2FA_REQUIRED and user.is_agent:
            return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in TWO_FACTOR_OPEN_URL_NAMES
