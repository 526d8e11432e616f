from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-your-mail/", views.signup_done, name="signup_done"),
    path("confirm/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("confirm/again/", views.verification_resend, name="verification_resend"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_link,
        {"kind": "reset"},
        name="reset",
    ),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.password_link,
        {"kind": "invitation"},
        name="invitation",
    ),
    path("settings/", views.preferences, name="preferences"),
    path("settings/notifications/", views.notifications, name="notifications"),
    path("settings/live/", views.live_settings, name="live_settings"),
    path("settings/two-factor/", views.two_factor, name="two_factor"),
    path("settings/two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path(
        "settings/two-factor/recovery-codes/new/",
        views.two_factor_regenerate,
        name="two_factor_regenerate",
    ),
    path("settings/two-factor/off/", views.two_factor_disable, name="two_factor_disable"),
    path("settings/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("invite/", views.invite, name="invite"),
]
