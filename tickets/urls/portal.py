from django.urls import path

from tickets.views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.ticket_list, name="tickets"),
    path("<int:number>/", portal.ticket_detail, name="ticket"),
]
