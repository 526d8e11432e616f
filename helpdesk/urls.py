from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from helpdesk import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("tickets/", include("tickets.urls.portal")),
    path("staff/canned/", include("tickets.canned.urls")),
    path("staff/", include("tickets.urls.staff")),
    path("files/", include("tickets.urls.files")),
    path("mail/", include("mailgateway.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # One door for everyone: the admin's own form would skip throttling and the second factor.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
]
