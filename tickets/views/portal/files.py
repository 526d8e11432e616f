"""Thumbnails of image attachments, for whoever may read the message (R13)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from tickets import access, thumbnails


@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    """A small JPEG of an image attachment; 404 for non-images and for other people's files."""
    attachment = access.attachment_for(request.user, pk)
    try:
        path = thumbnails.thumbnail_for(attachment)
    except thumbnails.NoThumbnail as error:
        raise Http404 from error
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
