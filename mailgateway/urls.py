"""Mounted at /mail/: the providers' inbound webhooks (anymail) and the mail health."""

from django.urls import include, path

from mailgateway import views

app_name = "mailgateway"

urlpatterns = [
    # e.g. /mail/webhooks/mailgun/inbound_mime/, /mail/webhooks/sendgrid/inbound/,
    # /mail/webhooks/postmark/inbound/
    path("webhooks/", include("anymail.urls")),
    path("health/", views.health, name="health"),
]
