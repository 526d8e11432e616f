"""Every error as JSON with a translated message (issue 13): `{"detail": ..., "code": ...}`,
and for invalid input the message of each field, `{"errors": {"field": [...]}}`.

The services' refusals become 400 (the rules forbid it) or 403 (not yours to do); a
ticket outside the caller's reach is a 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from helpdesk.errors import ActionNotAllowed, NotPermitted


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, NotPermitted):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, ActionNotAllowed):
        exc = exceptions.ValidationError({"detail": str(exc)})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(_("The request is too large."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict) and set(data) == {"detail"}:
            detail = data["detail"]
            message = detail[0] if isinstance(detail, list) and detail else detail
            response.data = {"detail": str(message), "code": "invalid"}
        else:
            response.data = {
                "detail": _("The request is not valid; see the errors of each field."),
                "code": "invalid",
                "errors": data if isinstance(data, dict) else {"non_field_errors": data},
            }
    elif isinstance(exc, exceptions.APIException):
        response.data = {"detail": str(exc.detail), "code": exc.get_codes()}
    return response
