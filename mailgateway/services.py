"""Every change of state of inbound mail that a person or the worker asks for (issue 16):
an agent opens a ticket from rejected mail, an operator reprocesses failed or quarantined
mail, the worker gives up on mail that keeps failing. Processing a mail as it arrives is
the pipeline's (mailgateway.pipeline); the admin, the staff pages, the management
commands and the tasks call these functions.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import customer_get_or_create
from helpdesk.errors import ActionNotAllowed, NotPermitted, ServiceError
from mailgateway import notices
from mailgateway.addresses import our_addresses
from mailgateway.classify import Classification, classify
from mailgateway.convert import sender_address
from mailgateway.errors import OperatorError, SenderError
from mailgateway.filing import mail_open
from mailgateway.language import mail_language
from mailgateway.models import InboundMail, InboundStatus
from mailgateway.outcome import Outcome, outcome_record
from mailgateway.parse import ParsedMail, parse
from mailgateway.pipeline import inbound_process
from mailgateway.route import delivery_addresses, thread_find
from mailgateway.store import raw_load
from tickets import access
from tickets.models import Ticket


def inbound_accept(*, actor: User, mail: InboundMail) -> Ticket:
    """An agent opens a ticket from mail his department rejected (issue 5, senders: kept
    and shown to agents as rejected). The sender gets a customer account if he has none,
    and the mail goes the pipeline's own way from there: the ticket message keeps the
    Message-ID and the attachments, people in Cc join, and the mail is marked done with
    its link to the message. The audit trail names the agent as the one who opened it.
    """
    with transaction.atomic():
        mail = (
            InboundMail.objects.select_for_update(of=("self",))
            .with_first_copy()
            .select_related("department")
            .get(pk=mail.pk)
        )
        if mail.status != InboundStatus.REJECTED:
            raise ActionNotAllowed(_("This mail was already dealt with."))
        department = mail.department
        if department is None or not access.can_work_department(actor, department):
            raise NotPermitted(_("You do not work in the department of this mail."))
        first_copy: int | None = getattr(mail, "first_copy", None)  # with_first_copy()
        if first_copy:
            first = InboundMail.objects.select_related("ticket").get(pk=first_copy)
            outcome_record(
                mail,
                Outcome(
                    InboundStatus.IGNORED,
                    _("The same mail was already received (#%(id)s).") % {"id": first.pk},
                    ticket=first.ticket,
                    duplicate_of=first,
                ),
            )
            ticket = first.ticket
            assert ticket is not None, "a copy that made a ticket message has its ticket"
            return ticket
        outcome = _accepted(
            mail, parse(raw_load(mail.pk), envelope_recipients=mail.envelope_recipients), actor
        )
        outcome_record(mail, outcome)
    assert outcome.ticket is not None, "a done outcome opened its ticket"
    return outcome.ticket


# Delivery reports and receipts come from mail servers, not from anyone to open a ticket for.
REPORTS = (Classification.BOUNCE, Classification.READ_RECEIPT)


def inbound_accept_refusal(mail: InboundMail, parsed: ParsedMail) -> str | None:
    """Why this rejected mail can never become a customer's ticket, or None: an unknown
    (ambiguous) sender would get an account for a forged address (docs/mail-trust.md rule
    7), a delivery report one for a mailer daemon (MAIL.md loops rule 3). The staff page
    offers to open a ticket only when this is None."""
    if classify(parsed, envelope_sender=mail.envelope_sender) in REPORTS:
        return _(
            "This is a delivery report or a receipt from a mail server: it cannot become "
            "a customer's ticket."
        )
    if parsed.sender_problem:
        return _(
            "The sender of this mail is ambiguous: it cannot become a customer's ticket. "
            "Open a ticket for the right customer yourself."
        )
    return None


def _accepted(mail: InboundMail, parsed: ParsedMail, actor: User) -> Outcome:
    refusal = inbound_accept_refusal(mail, parsed)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    kind = classify(parsed, envelope_sender=mail.envelope_sender)
    try:
        sender = sender_address(parsed)
        user, _created = customer_get_or_create(
            email=sender, name=parsed.from_name, language=mail_language(parsed)
        )
        thread = thread_find(parsed, delivery_addresses(mail, parsed))
        linked = thread.ticket if thread is not None else None
        department = mail.department
        assert department is not None, "inbound_accept checked the department"
        outcome = mail_open(
            mail, parsed, kind, user, sender, department, linked, our_addresses(),
            accepted_by=actor,
        )  # fmt: skip
    except (SenderError, OperatorError) as exc:
        raise ActionNotAllowed(exc.reason) from exc
    except ServiceError as exc:
        raise ActionNotAllowed(exc.message) from exc
    if outcome.status != InboundStatus.DONE:
        raise ActionNotAllowed(outcome.reason)
    return outcome


def _spam_locked(actor: User, mail: InboundMail) -> InboundMail:
    mail = (
        InboundMail.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=mail.pk)
    )
    if mail.status != InboundStatus.SPAM:
        raise ActionNotAllowed(_("This mail was already dealt with."))
    if mail.department is None or not access.can_work_department(actor, mail.department):
        raise NotPermitted(_("You do not work in the department of this mail."))
    return mail


def inbound_not_spam(*, actor: User, mail: InboundMail) -> InboundMail:
    """An agent says a mail on the spam list is not spam (issue 12, P7): it is marked so
    and processed again, the normal way (a ticket, its acknowledgement, the agents'
    notifications), and never filtered again."""
    with transaction.atomic():
        mail = _spam_locked(actor, mail)
        mail.not_spam = True
        mail.status = InboundStatus.PENDING
        mail.last_error = _("Not spam, said %(agent)s.") % {"agent": actor.display_name}
        mail.save(update_fields=["not_spam", "status", "last_error"])
    return inbound_process(mail_id=mail.pk)


def inbound_spam_delete(*, actor: User, mail: InboundMail) -> None:
    """An agent deletes a mail from the spam list: it leaves the list for good. The raw
    mail stays stored (MAIL.md: never drop, store and flag) for an administrator."""
    with transaction.atomic():
        mail = _spam_locked(actor, mail)
        mail.status = InboundStatus.IGNORED
        mail.last_error = _("Spam, deleted by %(agent)s.") % {"agent": actor.display_name}
        mail.save(update_fields=["status", "last_error"])


def inbound_quarantine(*, mail_id: int, reason: str) -> None:
    """Gives up on a mail that kept failing: it waits in quarantine for an operator."""
    updated = InboundMail.objects.filter(pk=mail_id, status=InboundStatus.FAILED).update(
        status=InboundStatus.QUARANTINED, last_error=reason[:10000]
    )
    if updated:
        notices.mail_quarantined(mail_id=mail_id, reason=reason)


def inbound_reprocess(*, mail_id: int) -> InboundMail:
    """An operator retries a failed or quarantined mail (admin button, reprocess_mail)."""
    InboundMail.objects.filter(
        pk=mail_id, status__in=(InboundStatus.FAILED, InboundStatus.QUARANTINED)
    ).update(status=InboundStatus.PENDING, last_error="", error_kind="")
    return inbound_process(mail_id=mail_id)
