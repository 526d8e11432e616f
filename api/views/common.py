"""What every endpoint shares: the body-size guard, keyset pages, uploaded files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.errors import PayloadTooLarge
from tickets.keyset import SortKey, cursor_valid, keyset_page
from tickets.uploads import NewAttachment, check_upload

# Text of a request beyond its files: the JSON or the form fields.
TEXT_MAX = 1024 * 1024


def body_max() -> int:
    return settings.ATTACHMENT_MAX_SIZE * settings.ATTACHMENT_MAX_FILES + TEXT_MAX


class ApiView(APIView):
    """A request larger than the files it may carry is refused before it is read (413)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_max():
            raise PayloadTooLarge(_("The request is too large."))
        super().initial(request, *args, **kwargs)

    @property
    def user(self) -> User:
        return self.request.user


class PageQuery(serializers.Serializer):
    cursor = serializers.CharField(required=False, max_length=2000)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=settings.API_PAGE_MAX)


def page_response(
    request: Request,
    queryset: QuerySet,
    keys: Sequence[SortKey],
    serializer: type[serializers.Serializer],
    context: dict[str, Any] | None = None,
) -> Response:
    """One page in keyset order; a cursor that does not decode is a 400, a limit past the
    maximum too: the cost of a page never depends on what the caller asks."""
    params = PageQuery(data=request.query_params)
    params.is_valid(raise_exception=True)
    cursor = params.validated_data.get("cursor")
    if cursor is not None and not cursor_valid(cursor, queryset.model, keys):
        raise exceptions.ValidationError({"cursor": [_("This cursor is not valid.")]})
    limit = params.validated_data.get("limit") or settings.API_PAGE_SIZE
    page = keyset_page(queryset, keys, cursor, per_page=limit)
    next_url = None
    if page.next_cursor:
        query = request.query_params.copy()
        query["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(request.path + "?" + query.urlencode())
    return Response(
        {
            "results": serializer(page.items, many=True, context=context or {}).data,
            "next_cursor": page.next_cursor,
            "next": next_url,
        }
    )


class UnsupportedFile(exceptions.APIException):
    status_code = 415
    default_code = "unsupported_file"


def checked_files(files: list) -> list[NewAttachment]:
    """The uploaded files, checked on their bytes like the web's (R13): a forbidden kind is
    415, a file too large 413, an empty or broken one 400."""
    checked = []
    for upload in files:
        try:
            checked.append(check_upload(upload, upload.name or ""))
        except ValidationError as error:
            message = error.messages[0]
            if error.code == "type_not_allowed":
                raise UnsupportedFile(message) from error
            if error.code == "too_large":
                raise PayloadTooLarge(message) from error
            raise exceptions.ValidationError({"attachments": [message]}) from error
    return checked
