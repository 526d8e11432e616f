from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ServiceError(Exception):
    """An action the rules do not allow. The message is translated and safe to show."""

    default_message = _("This action is not allowed.")

    def __init__(self, message: StrOrPromise | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class ActionNotAllowed(ServiceError):
    """The rules forbid it: the ticket life cycle (ARCHITECTURE.md), a duplicate account..."""


class NotPermitted(ServiceError):
    """The actor may not do this to this ticket."""

    default_message = _("You may not do this.")
