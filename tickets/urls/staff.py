from django.urls import path

from tickets.views import staff

app_name = "staff"

urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("tickets/<int:number>/", staff.ticket_detail, name="ticket"),
]
