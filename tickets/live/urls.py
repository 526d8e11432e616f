from django.urls import path

from tickets.live import views

app_name = "live"

urlpatterns = [
    path("poll/", views.live_poll, name="poll"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read"),
    path("take-next/", views.take_next, name="take_next"),
    path("away/", views.away, name="away"),
]
