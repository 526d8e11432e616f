from django.urls import path

from tickets.search import views as search
from tickets.views.staff import (
    controls,
    customers,
    dashboard,
    links,
    presence,
    queue,
    workspace,
)

app_name = "staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("queue/", queue.queue, name="queue"),
    path("queue/bulk/", queue.queue_bulk, name="queue_bulk"),
    path("search/", search.search, name="search"),
    path("search/views/", search.saved_view_save, name="saved_view_save"),
    path("search/views/<int:pk>/delete/", search.saved_view_delete, name="saved_view_delete"),
    path("tickets/new/", customers.ticket_new, name="ticket_new"),
    path("customers/", customers.customer_search, name="customer_search"),
    path("tickets/<int:number>/", workspace.ticket_detail, name="ticket"),
    path("tickets/<int:number>/reply/", workspace.ticket_reply, name="ticket_reply"),
    # The ticket's controls, one view: staff:ticket_take, _assign, _status, _priority, ...
    *(
        path(
            f"tickets/<int:number>/{control}/",
            controls.ticket_control,
            {"control": control},
            name=f"ticket_{control}",
        )
        for control in controls.CONTROLS
    ),
    path("tickets/<int:number>/split/", links.ticket_split, name="ticket_split"),
    path("tickets/<int:number>/merge/", links.ticket_merge, name="ticket_merge"),
    path("tickets/<int:number>/update/", controls.ticket_update_view, name="ticket_update"),
    path("tickets/<int:number>/presence/", presence.ticket_presence, name="ticket_presence"),
    path(
        "tickets/<int:number>/requester-language/",
        controls.requester_language,
        name="ticket_requester_language",
    ),
]
