from django.urls import path

from tickets.views import files

app_name = "files"

urlpatterns = [
    path("<int:pk>/", files.attachment_download, name="attachment"),
    path("<int:pk>/thumbnail/", files.attachment_thumbnail, name="thumbnail"),
    path("<int:pk>/<str:filename>", files.attachment_download, name="attachment_named"),
]
