"""What kind of mail this is, before any side effect (MAIL.md, loops, bounces, auto-replies).

Pure: it reads only the parsed mail and this installation's identity. The order matters:
our own mail first, then delivery reports and receipts, then out-of-office before the
wider auto-reply and bulk signals (an out-of-office is an auto-reply that must never
reopen a ticket).
"""

from __future__ import annotations

import re
from enum import StrEnum

from mailgateway.identity import instance_id, message_id_ticket
from mailgateway.parse import ParsedMail


class Classification(StrEnum):
    NORMAL = "normal"
    AUTO_REPLY = "auto_reply"
    OUT_OF_OFFICE = "out_of_office"
    BOUNCE = "bounce"
    READ_RECEIPT = "read_receipt"
    BULK = "bulk"
    OWN_LOOP = "own_loop"


# Automatic mail: never acknowledged, never reopens (MAIL.md, loops 5 and 6).
AUTOMATIC = frozenset(
    {
        Classification.AUTO_REPLY,
        Classification.OUT_OF_OFFICE,
        Classification.BULK,
        Classification.BOUNCE,
        Classification.READ_RECEIPT,
        Classification.OWN_LOOP,
    }
)

DAEMON_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
AUTOREPLY_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-autoreply-from",
    "x-mail-autoreply",
    "x-autoresponse",
)
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
OOF_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesenheit|"
    r"автоответ|автоматический ответ|нет на месте|в отпуске|отсутств)",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery (status|failure|has failed)|returned mail|mail delivery failed|"
    r"failure notice|non[- ]?delivery|недоставлен|не доставлен)",
    re.IGNORECASE,
)


def _is_own_loop(mail: ParsedMail) -> bool:
    if mail.header("x-helpdesk-loop").strip() == instance_id():
        return True
    # A Message-ID we signed arriving as a new message: our own mail come back.
    return bool(mail.message_id) and message_id_ticket(mail.message_id) is not None


def has_null_return_path(mail: ParsedMail, envelope_sender: str | None = None) -> bool:
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return True
    return mail.has_header("return-path") and mail.header("return-path").strip() in ("<>", "")


def _is_bounce(mail: ParsedMail, envelope_sender: str | None) -> bool:
    if mail.report_type == "delivery-status" or "message/delivery-status" in mail.part_types:
        return True
    if mail.has_header("x-failed-recipients") or DAEMON_SENDERS.match(mail.from_email):
        return True
    # A bounce-like subject alone never decides; with a null return path it does.
    return has_null_return_path(mail, envelope_sender) and bool(BOUNCE_SUBJECT.search(mail.subject))


def _is_receipt(mail: ParsedMail) -> bool:
    return (
        mail.report_type in ("disposition-notification", "feedback-report")
        or "message/disposition-notification" in mail.part_types
        or "message/feedback-report" in mail.part_types
    )


def _auto_submitted(mail: ParsedMail) -> str:
    value = mail.header("auto-submitted").strip().lower()
    return "" if value in ("", "no") else value


def _is_out_of_office(mail: ParsedMail, automatic: bool) -> bool:
    if mail.has_header("x-ms-exchange-inbox-rules-loop"):
        return True
    if "vacation" in _auto_submitted(mail):
        return True
    # Outlook marks its out-of-office replies with X-Auto-Response-Suppress including OOF.
    suppress = mail.header("x-auto-response-suppress").lower()
    return automatic and ("oof" in suppress or bool(OOF_SUBJECT.search(mail.subject)))


def _is_auto_reply(mail: ParsedMail) -> bool:
    if _auto_submitted(mail):
        return True
    if mail.header("precedence").strip().lower() == "auto_reply":
        return True
    if mail.header("x-precedence").strip().lower() == "auto_reply":
        return True
    if any(mail.has_header(name) for name in AUTOREPLY_HEADERS):
        return True
    suppress = {v.strip().lower() for v in mail.header("x-auto-response-suppress").split(",")}
    if suppress & {"all", "autoreply", "oof"}:
        return True
    return mail.has_header("x-loop")


def _is_bulk(mail: ParsedMail) -> bool:
    precedence = {
        mail.header("precedence").strip().lower(),
        mail.header("x-precedence").strip().lower(),
    }
    if precedence & BULK_PRECEDENCE:
        return True
    return mail.has_header("list-id") or mail.has_header("list-unsubscribe")


def classify(mail: ParsedMail, *, envelope_sender: str | None = None) -> Classification:
    """One of the classes of MAIL.md; `normal` for a person writing.

    `envelope_sender` is the SMTP MAIL FROM where the source knows it ("" for a null one).
    """
    if _is_own_loop(mail):
        return Classification.OWN_LOOP
    if _is_receipt(mail):
        return Classification.READ_RECEIPT
    if _is_bounce(mail, envelope_sender):
        return Classification.BOUNCE
    automatic = _is_auto_reply(mail)
    if _is_out_of_office(mail, automatic):
        return Classification.OUT_OF_OFFICE
    if automatic:
        return Classification.AUTO_REPLY
    if _is_bulk(mail):
        return Classification.BULK
    return Classification.NORMAL


def permanent_failures(mail: ParsedMail) -> list[str]:
    """Recipients a bounce reports as permanently failed: status 5.x.x, or "failed" without
    a status. A 4.x.x (an MTA that gave up retrying) may work again: not permanent."""
    return [
        report.recipient
        for report in mail.delivery_reports
        if report.recipient
        and (
            report.status.startswith("5")
            or (report.action == "failed" and not report.status.startswith("4"))
        )
    ]
