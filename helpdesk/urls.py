from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from helpdesk import views
from mailgateway import staff_urls as mail_staff_urls
from tickets.urls import staff as ticket_staff_urls

# The staff portal: its ticket pages and the mail gateway's rejected-mail pages, one
# namespace (`staff:`), so tickets need not import the mail gateway to mount them.
staff_urls = ticket_staff_urls.urlpatterns + mail_staff_urls.urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/settings/api-tokens/", include("api.pages_urls")),
    path("accounts/", include("accounts.urls")),
    # The JSON API (issue 13, W1; README, "API"), its OpenAPI schema and documentation.
    path("api/v1/", include("api.urls")),
    path(
        "api/schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"
    ),
    path(
        "api/docs/",
        # Swagger UI's stylesheet draws its icons as data: images; nothing else is relaxed.
        csp_update({"img-src": [SELF, "data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", permission_classes=[AllowAny]
            )
        ),
        name="api-docs",
    ),
    path("tickets/", include("tickets.urls.portal")),
    path("staff/manage/", include("tickets.sla.urls")),
    path("staff/canned/", include("tickets.canned.urls")),
    path("staff/live/", include("tickets.live.urls")),
    path("staff/", include((staff_urls, "staff"))),
    path("files/", include("tickets.urls.files")),
    path("mail/", include("mailgateway.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # One door for everyone: the admin's own form would skip throttling and the second factor.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login",
    ),
    # Outgoing mail became an app of its own (issue 16): old admin bookmarks still work.
    re_path(
        r"^admin/mailgateway/(?P<rest>(?:outboundmail|suppression)/.*)$",
        RedirectView.as_view(url="/admin/outbound/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
]
