from django.urls import path

from api.views import people, reference, tickets

app_name = "api"

urlpatterns = [
    path("me/", reference.MeView.as_view(), name="me"),
    path("tickets/", tickets.TicketListView.as_view(), name="tickets"),
    path("tickets/<int:number>/", tickets.TicketDetailView.as_view(), name="ticket"),
    path("tickets/<int:number>/messages/", tickets.MessageListView.as_view(), name="messages"),
    path("attachments/<int:pk>/", tickets.AttachmentView.as_view(), name="attachment"),
    path("customers/", people.CustomerListView.as_view(), name="customers"),
    path("customers/<int:pk>/", people.CustomerDetailView.as_view(), name="customer"),
    path("organizations/", people.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<int:pk>/", people.OrganizationDetailView.as_view(), name="organization"),
    path("services/", people.ServiceListView.as_view(), name="services"),
    path("services/<int:pk>/", people.ServiceDetailView.as_view(), name="service"),
    path("departments/", reference.DepartmentListView.as_view(), name="departments"),
    path("categories/", reference.CategoryListView.as_view(), name="categories"),
    path("canned-responses/", reference.CannedResponseListView.as_view(), name="canned"),
]
