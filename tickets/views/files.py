"""Attachments and their thumbnails, for whoever may read the message (R13); both portals."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from tickets import access, thumbnails


@login_required
def attachment_download(request: HttpRequest, pk: int, filename: str = "") -> FileResponse:
    """Serves an attachment to whoever may read its message; images and PDFs inline.

    The stored content type was sniffed from the bytes; nosniff and a sandboxing CSP keep
    the browser from running anything in it.
    """
    attachment = access.attachment_for(request.user, pk)
    inline = attachment.shown_inline and "download" not in request.GET
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if attachment.content_type != "application/pdf" or not inline:
        # Chromium's PDF viewer does not run in a sandboxed document.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


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
