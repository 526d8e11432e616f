from django.urls import path

from tickets.views.portal import new, ratings, tickets

app_name = "portal"

urlpatterns = [
    path("", tickets.ticket_list, name="tickets"),
    path("new/", new.ticket_new, name="ticket_new"),
    path("new/hints/", new.ticket_hints, name="ticket_hints"),
    path("<int:number>/", tickets.ticket_detail, name="ticket"),
    path("<int:number>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("<int:number>/close/", tickets.ticket_close, name="ticket_close"),
    path("<int:number>/rating/", ratings.ticket_rate, name="ticket_rate"),
    path("rating/<str:token>/", ratings.ticket_rate_link, name="rate_link"),
]
