"""The helpdesk's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from helpdesk.urls import urlpatterns as helpdesk_urlpatterns


def fails(request):
    raise RuntimeError("a failing view")


urlpatterns = [*helpdesk_urlpatterns, path("fails/", fails)]
