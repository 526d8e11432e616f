"""The gateway's two kinds of failure (STYLE.md): the sender's fault and an operator's problem."""

from __future__ import annotations


class MailError(Exception):
    """Processing a mail went wrong; `reason` is for the admin page and the log."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class SenderError(MailError):
    """The mail itself is the problem (no usable sender, too large...): logged at info, the
    raw mail kept; retrying changes nothing."""


class TooLarge(SenderError):
    """The mail is over MAIL_MAX_MESSAGE_MB: kept in quarantine, its sender told once a day
    (MAIL.md rule 9)."""


class OperatorError(MailError):
    """Something an operator must fix (no department for an address, the database down):
    logged as an error, the mail retried with back-off and then quarantined."""


class TemporaryStoreError(Exception):
    """The raw mail could not be stored: the source must not acknowledge it (SMTP 4xx,
    pipe exit 75, IMAP left on the server). `no_space` when a disk or quota is full
    (SMTP 452 4.3.1 rather than 451 4.3.0; issue 18)."""

    def __init__(self, reason: str, *, no_space: bool = False) -> None:
        self.no_space = no_space
        super().__init__(reason)
