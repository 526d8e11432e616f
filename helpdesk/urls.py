from django.contrib import admin
from django.urls import include, path

from helpdesk import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("tickets/", include("tickets.urls.portal")),
    path("staff/", include("tickets.urls.staff")),
    path("files/", include("tickets.urls.files")),
    path("mail/", include("mailgateway.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
