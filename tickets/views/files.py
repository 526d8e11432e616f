"""Attachments and their thumbnails, for whoever may read the message (R13); both portals."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, thumbnails

# The site-wide policy (helpdesk.settings, CONTENT_SECURITY_POLICY) is left alone for these.
FILE_POLICY = "default-src 'none'; img-src 'self'; sandbox"


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, filename: str = ""
) -> FileResponse:
    """Serves an attachment to whoever may read its message; raster images inline, the rest
    (PDFs, SVG, HTML, anything) as a download of application/octet-stream (issue 14).

    The stored content type was judged from the bytes; the download name's extension agrees
    with it. nosniff and a sandboxing CSP keep the browser from running anything in it.
    """
    attachment = access.attachment_for(request.user, pk)
    inline = attachment.shown_inline and "download" not in request.GET
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.download_name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    return _locked_down(response, max_age=3600)


@login_required
def attachment_thumbnail(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A small JPEG of an image attachment; 404 for non-images and for other people's files."""
    attachment = access.attachment_for(request.user, pk)
    try:
        path = thumbnails.thumbnail_for(attachment)
    except thumbnails.NoThumbnail as error:
        raise Http404 from error
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    return _locked_down(response, max_age=86400)


def _locked_down(response: FileResponse, *, max_age: int) -> FileResponse:
    """A file opened on its own runs nothing: no sniffing, a sandboxed document, no plugins."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response
