"""Every change to canned responses (R15): create, update, delete, and using one on a ticket.

The forms check the same rules first and show them next to the fields; the services
check again, so the admin, a script or a later API cannot store a response with an
unknown placeholder or outside the author's reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets.canned import access
from tickets.canned.models import (
    BODY_MAX,
    CannedAttachment,
    CannedResponse,
    CannedVariant,
    Scope,
)
from tickets.canned.placeholders import placeholder_values, placeholders_check, placeholders_fill
from tickets.models import Department, Ticket
from tickets.uploads import NewAttachment


@dataclass(frozen=True)
class CannedContent:
    """What an author writes: the default text, texts per language, folder and scope."""

    title: str
    body: str
    scope: Scope
    department: Department | None = None
    folder: str = ""
    variants: dict[str, str] | None = None


@dataclass(frozen=True)
class CannedText:
    """A response filled in for one ticket: the text to insert and the files to attach."""

    text: str
    language: str
    attachments: list[CannedAttachment]


def search_text(*parts: str) -> str:
    return "\n".join(parts).casefold()


def _require_valid(content: CannedContent) -> None:
    if not content.title.strip():
        raise ActionNotAllowed(_("Give the response a title."))
    texts = [content.body, *(content.variants or {}).values()]
    if not content.body.strip():
        raise ActionNotAllowed(_("Write the text of the response."))
    for text in texts:
        if len(text) > BODY_MAX:
            raise ActionNotAllowed(
                _("A text may be up to %(max)d characters long.") % {"max": BODY_MAX}
            )
        try:
            placeholders_check(text)
        except ValidationError as error:
            raise ActionNotAllowed(" ".join(error.messages)) from error


def _require_scope(actor: User, content: CannedContent) -> None:
    if content.scope not in access.scopes_for(actor):
        raise NotPermitted(_("You may not create responses for this audience."))
    if content.scope == Scope.DEPARTMENT:
        department = content.department
        if (
            department is None
            or not access.managed_departments(actor).filter(pk=department.pk).exists()
        ):
            raise NotPermitted(_("You may manage the responses of your own departments only."))


def _write(
    *,
    actor: User,
    response: CannedResponse,
    content: CannedContent,
    attachments_add: Iterable[NewAttachment],
) -> CannedResponse:
    response.title = content.title.strip()
    response.folder = content.folder.strip()
    response.body = content.body
    response.scope = content.scope
    response.owner = actor if content.scope == Scope.PERSONAL else None
    response.department = content.department if content.scope == Scope.DEPARTMENT else None
    variants = {lang: text for lang, text in (content.variants or {}).items() if text.strip()}
    response.search_text = search_text(
        response.title, response.folder, response.body, *variants.values()
    )
    response.updated_at = timezone.now()
    response.save()
    response.variants.exclude(language__in=variants).delete()
    for language, text in variants.items():
        CannedVariant.objects.update_or_create(
            response=response, language=language, defaults={"body": text}
        )
    attachments_add = list(attachments_add)
    if response.attachments.count() + len(attachments_add) > settings.ATTACHMENT_MAX_FILES:
        raise ActionNotAllowed(
            _("A response may carry up to %(count)d files.")
            % {"count": settings.ATTACHMENT_MAX_FILES}
        )
    for new in attachments_add:
        attachment = CannedAttachment(
            response=response,
            filename=new.filename,
            content_type=new.content_type,
            size=new.size,
            sha256=new.sha256,
        )
        new.content.seek(0)
        attachment.file.save(new.filename, File(new.content), save=False)
        attachment.save()
    return response


@transaction.atomic
def canned_response_create(
    *, actor: User, content: CannedContent, attachments: Iterable[NewAttachment] = ()
) -> CannedResponse:
    _require_scope(actor, content)
    _require_valid(content)
    return _write(
        actor=actor, response=CannedResponse(), content=content, attachments_add=attachments
    )


def _files_delete(files: Iterable[CannedAttachment]) -> None:
    """Rows go now; the stored files once the transaction commits (never a dangling row)."""
    for attachment in list(files):
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def canned_response_update(
    *,
    actor: User,
    response: CannedResponse,
    content: CannedContent,
    attachments_add: Iterable[NewAttachment] = (),
    attachments_remove: Iterable[int] = (),
) -> CannedResponse:
    """Changes a response the actor manages; a personal one stays his own."""
    if not access.can_manage(actor, response):
        raise NotPermitted()
    _require_scope(actor, content)
    _require_valid(content)
    _files_delete(response.attachments.filter(pk__in=list(attachments_remove)))
    return _write(actor=actor, response=response, content=content, attachments_add=attachments_add)


@transaction.atomic
def canned_response_delete(*, actor: User, response: CannedResponse) -> None:
    if not access.can_manage(actor, response):
        raise NotPermitted()
    _files_delete(response.attachments.all())
    response.delete()


def variant_for(response: CannedResponse, language: str) -> tuple[str, str]:
    """The text in the customer's language, or the default text; and the language used."""
    for variant in response.variants.all():
        if variant.language == language:
            return variant.body, variant.language
    return response.body, ""


@transaction.atomic
def canned_response_use(*, actor: User, response: CannedResponse, ticket: Ticket) -> CannedText:
    """Fills the response in for this ticket, in its customer's language, and counts the use.

    The agent edits the text before sending: using a response sends nothing.
    """
    if not access.responses_for_ticket(actor, ticket).filter(pk=response.pk).exists():
        raise NotPermitted()
    CannedResponse.objects.filter(pk=response.pk).update(usage_count=F("usage_count") + 1)
    body, language = variant_for(response, ticket.requester.language)
    return CannedText(
        text=placeholders_fill(body, placeholder_values(ticket, actor)),
        language=language,
        attachments=list(response.attachments.all()),
    )
