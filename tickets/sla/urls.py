from django.urls import path

from tickets.sla import report_views, views

app_name = "sla"

urlpatterns = [
    path("escalations/", views.escalation_list, name="escalations"),
    path("escalations/<int:pk>/acknowledge/", views.escalation_ack, name="escalation_ack"),
    path("reports/", report_views.report, name="reports"),
    path("sla/", views.settings_overview, name="settings"),
    path("sla/calendars/new/", views.calendar_new, name="calendar_new"),
    path("sla/calendars/<int:pk>/", views.calendar_edit, name="calendar_edit"),
    path("sla/policies/new/", views.policy_new, name="policy_new"),
    path("sla/policies/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("sla/policies/<int:pk>/delete/", views.policy_remove, name="policy_delete"),
]
