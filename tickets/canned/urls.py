from django.urls import path

from tickets.canned import views

app_name = "canned"

urlpatterns = [
    path("", views.canned_list, name="list"),
    path("new/", views.canned_new, name="new"),
    path("<int:pk>/", views.canned_edit, name="edit"),
    path("<int:pk>/delete/", views.canned_delete, name="delete"),
    path("picker/<int:number>/", views.canned_picker, name="picker"),
    path("<int:pk>/use/<int:number>/", views.canned_use, name="use"),
]
