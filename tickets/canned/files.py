"""A canned response's files on their way into a reply (R13, R15).

Using a response puts its files in the reply form as signed references, one per file,
valid for the agent who used it; the agent may untick them. When he sends, each file is
copied from the response into the reply as the reply's own attachment, checked again on
its bytes, and only if the response is still his to use on this ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets.canned import access
from tickets.canned.models import CannedAttachment
from tickets.models import Ticket
from tickets.uploads import NewAttachment, check_upload

SALT = "tickets.canned.file"
VALID_SECONDS = 24 * 3600


@dataclass(frozen=True)
class CannedFileRef:
    token: str
    user_id: int
    attachment_id: int
    filename: str
    size: int


def file_ref(user: User, attachment: CannedAttachment) -> CannedFileRef:
    token = signing.dumps(
        {"u": user.pk, "a": attachment.pk, "f": attachment.filename, "s": attachment.size},
        salt=SALT,
    )
    return CannedFileRef(token, user.pk, attachment.pk, attachment.filename, attachment.size)


def file_ref_read(token: str) -> CannedFileRef | None:
    """The reference a token carries, if the server signed it within VALID_SECONDS."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_SECONDS)
        return CannedFileRef(token, int(data["u"]), int(data["a"]), str(data["f"]), int(data["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def files_take(
    *, actor: User, ticket: Ticket, refs: Iterable[CannedFileRef]
) -> list[NewAttachment]:
    """The referenced files as new attachments of the reply; ServiceError if one is gone."""
    refs = list(refs)
    if not refs:
        return []
    usable = {
        attachment.pk: attachment
        for attachment in CannedAttachment.objects.filter(
            pk__in=[ref.attachment_id for ref in refs],
            response__in=access.responses_for_ticket(actor, ticket),
        )
    }
    taken = []
    for ref in refs:
        attachment = usable.get(ref.attachment_id)
        if ref.user_id != actor.pk or attachment is None:
            raise NotPermitted(
                _("The file “%(name)s” of a canned response is no longer available.")
                % {"name": ref.filename}
            )
        try:
            taken.append(check_upload(attachment.file.open("rb"), attachment.filename))
        except (ValidationError, FileNotFoundError) as error:
            raise ActionNotAllowed(
                _("The file “%(name)s” of a canned response cannot be attached.")
                % {"name": ref.filename}
            ) from error
    return taken
