"""Fetching IMAP and POP3 mailboxes with the fetch protocol of MAIL.md (rule 3).

IMAP: UID commands only; sizes first (an oversize mail is recorded from its headers and
left on the server); `BODY.PEEK[]` so nothing is marked seen; store and commit; only then
`UID MOVE` to the processed folder, or `UID STORE \\Deleted` + `UID EXPUNGE` of that one
UID. Never a folder-wide EXPUNGE. POP3: RETR, store and commit, then DELE; QUIT commits the
deletions, and a crash before it only means the mail is fetched again, which the unique
source identity makes harmless (rule 5).

A mailbox with an OAuth2 account (Microsoft 365, Gmail) signs in with SASL XOAUTH2 and the
account's access token, refreshed first when it is about to expire; the others with their
password. A token that cannot be refreshed is an operator problem like a wrong password:
nothing is fetched, the mailbox records the failure, the mail waits on the server.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import poplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import cast

from django.conf import settings
from django.utils import timezone

from mailgateway import notices, oauth2
from mailgateway.errors import TemporaryStoreError
from mailgateway.models import InboundMail, Mailbox, Protocol, Security, Source
from mailgateway.store import inbound_store

logger = logging.getLogger("mailgateway")

TIMEOUT = 60
BATCH = 500  # messages per poll: a huge backlog drains over several polls
_FETCH_META = re.compile(rb"UID (\d+).*?RFC822\.SIZE (\d+)", re.I)
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)", re.I)


class MailboxError(Exception):
    """The mailbox cannot be reached, signed in to or read."""


def mailbox_poll(mailbox: Mailbox) -> int:
    """Fetches new mail of one mailbox; records its health. Returns how many were stored."""
    mailbox.last_polled_at = timezone.now()
    try:
        fetch = imap_fetch if mailbox.protocol == Protocol.IMAP else pop3_fetch
        stored = fetch(mailbox)
    except (
        OSError, imaplib.IMAP4.error, poplib.error_proto, MailboxError, EOFError,
        oauth2.TokenError,
    ) as exc:  # fmt: skip
        _record_failure(mailbox, f"{type(exc).__name__}: {exc}")
        return 0
    except TemporaryStoreError as exc:  # our database, not the mailbox: mail stays there
        logger.error("mailbox %s: could not store mail: %s", mailbox, exc)
        return 0
    mailbox.last_success_at = timezone.now()
    mailbox.failing_since = None
    mailbox.alerted_at = None
    mailbox.last_error = ""
    mailbox.save(
        update_fields=[
            "last_polled_at", "last_success_at", "failing_since", "alerted_at", "last_error"
        ]
    )  # fmt: skip
    return stored


def _record_failure(mailbox: Mailbox, error: str) -> None:
    logger.warning("mailbox %s failed: %s", mailbox, error)
    mailbox.last_error = error[:2000]
    mailbox.failing_since = mailbox.failing_since or timezone.now()
    mailbox.save(update_fields=["last_polled_at", "last_error", "failing_since"])
    mailbox_alert_check(mailbox)


def mailbox_alert_check(mailbox: Mailbox) -> None:
    """Alerts the administrators once when a mailbox keeps failing (MAIL.md rule 7).

    Not while its OAuth2 account cannot refresh its token: the account's own alert has told
    them already, naming this mailbox. Should the mailbox still fail once the account works
    again, this alert follows.
    """
    if mailbox.oauth2_account_id and oauth2.account_failing(mailbox.oauth2_account_id):
        return
    if mailbox.is_failing and mailbox.alerted_at is None:
        mailbox.alerted_at = timezone.now()
        mailbox.save(update_fields=["alerted_at"])
        notices.mailbox_failing(mailbox=mailbox)


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


def _token(mailbox: Mailbox) -> str | None:
    """The OAuth2 access token to sign in with, or None for a password mailbox."""
    account = mailbox.oauth2_account
    return None if account is None else oauth2.access_token(account)


def _refused(mailbox: Mailbox, error: Exception) -> MailboxError:
    """The server refused our token: take a fresh one next time, and say what happened."""
    if mailbox.oauth2_account is not None:
        oauth2.access_token_discard(mailbox.oauth2_account)
    return MailboxError(f"XOAUTH2 sign-in of {mailbox.username} refused: {error}")


# --- IMAP -------------------------------------------------------------------------------


@contextmanager
def imap_session(mailbox: Mailbox) -> Iterator[imaplib.IMAP4]:
    token = _token(mailbox)  # before connecting: no token, no connection
    conn: imaplib.IMAP4
    if mailbox.security == Security.SSL:
        conn = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=_tls(), timeout=TIMEOUT)
    else:
        conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
        if mailbox.security == Security.STARTTLS:
            conn.starttls(ssl_context=_tls())
    try:
        if token is not None:
            _imap_xoauth2(conn, mailbox, token)
        elif "AUTH=PLAIN" in conn.capabilities:
            # SASL PLAIN carries UTF-8: IMAP LOGIN only ASCII (a Cyrillic password fails).
            secret = f"\0{mailbox.username}\0{mailbox.password}".encode()
            conn.authenticate("PLAIN", lambda _challenge: secret)
        else:
            conn.login(mailbox.username, mailbox.password)
        # Servers announce more after login (MOVE, UIDPLUS); imaplib keeps the greeting's.
        status, data = conn.capability()
        if status == "OK" and data and data[-1]:
            conn.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())
        yield conn
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _imap_xoauth2(conn: imaplib.IMAP4, mailbox: Mailbox, token: str) -> None:
    if "AUTH=XOAUTH2" not in conn.capabilities:
        raise MailboxError("the server does not offer XOAUTH2 sign-in (no AUTH=XOAUTH2)")
    response = oauth2.xoauth2(mailbox.username, token).encode()
    try:
        # A refusal comes as a challenge (a JSON error) that awaits an empty answer.
        conn.authenticate("XOAUTH2", lambda challenge: b"" if challenge else response)
    except imaplib.IMAP4.error as exc:
        raise _refused(mailbox, exc) from exc


def _ok(response: tuple, what: str) -> list:
    status, data = response
    if status != "OK":
        raise MailboxError(f"{what}: {status} {data!r}")
    return data


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_fetch(mailbox: Mailbox) -> int:
    stored = 0
    with imap_session(mailbox) as conn:
        _ok(conn.select(_quote(mailbox.folder)), f"SELECT {mailbox.folder}")
        ok_lines = [r for r in conn.untagged_responses.get("OK", []) if isinstance(r, bytes)]
        validity = _UIDVALIDITY.search(b" ".join(ok_lines))
        uidvalidity = int(cast(bytes, conn.untagged_responses.get("UIDVALIDITY", [b"0"])[0]) or 0)
        if not uidvalidity and validity:
            uidvalidity = int(validity.group(1))
        found = _ok(conn.uid("SEARCH", "UNDELETED"), "UID SEARCH")
        uids = [int(u) for u in b" ".join(found).split()][:BATCH]
        if not uids:
            return 0
        sizes = _imap_sizes(conn, uids)
        known = set(
            InboundMail.objects.filter(
                mailbox=mailbox, uidvalidity=uidvalidity, uid__in=[str(u) for u in uids]
            ).values_list("uid", flat=True)
        )
        for uid in uids:
            size = sizes.get(uid, 0)
            if str(uid) in known:
                _imap_done(conn, mailbox, uid)  # stored before, the move did not happen
                continue
            if size > settings.MAIL_MAX_MESSAGE_SIZE:
                head = _imap_body(conn, uid, "BODY.PEEK[HEADER]")
                inbound_store(
                    raw=head, source=Source.IMAP, mailbox=mailbox, uidvalidity=uidvalidity,
                    uid=str(uid), too_large=size,
                )  # fmt: skip
                continue  # left on the server for the operator
            raw = _imap_body(conn, uid, "BODY.PEEK[]")
            inbound_store(
                raw=raw, source=Source.IMAP, mailbox=mailbox, uidvalidity=uidvalidity,
                uid=str(uid),
            )  # fmt: skip
            stored += 1
            _imap_done(conn, mailbox, uid)
    return stored


def _imap_sizes(conn: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    data = _ok(conn.uid("FETCH", ",".join(map(str, uids)), "(UID RFC822.SIZE)"), "UID FETCH")
    sizes = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        match = _FETCH_META.search(line or b"")
        if match:
            sizes[int(match.group(1))] = int(match.group(2))
    return sizes


def _imap_body(conn: imaplib.IMAP4, uid: int, item: str) -> bytes:
    data = _ok(conn.uid("FETCH", str(uid), f"({item})"), f"UID FETCH {uid}")
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            return part[1]
    raise MailboxError(f"UID FETCH {uid}: no message body in the answer")


def _imap_done(conn: imaplib.IMAP4, mailbox: Mailbox, uid: int) -> None:
    """The mail is stored: move it to the processed folder, or delete just this UID."""
    capabilities = {c.upper() for c in conn.capabilities}
    if mailbox.processed_folder:
        target = _quote(mailbox.processed_folder)
        if "MOVE" in capabilities:
            _ok(conn.uid("MOVE", str(uid), target), f"UID MOVE {uid}")
            return
        _ok(conn.uid("COPY", str(uid), target), f"UID COPY {uid}")
    _ok(conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), f"UID STORE {uid}")
    if "UIDPLUS" in capabilities:
        _ok(conn.uid("EXPUNGE", str(uid)), f"UID EXPUNGE {uid}")
    # Without UIDPLUS the mail stays flagged \Deleted (and is skipped: SEARCH UNDELETED);
    # a folder-wide EXPUNGE could remove mail someone else flagged.


# --- POP3 -------------------------------------------------------------------------------


@contextmanager
def pop3_session(mailbox: Mailbox) -> Iterator[poplib.POP3]:
    token = _token(mailbox)
    conn: poplib.POP3
    if mailbox.security == Security.SSL:
        conn = poplib.POP3_SSL(mailbox.host, mailbox.port, context=_tls(), timeout=TIMEOUT)
    else:
        conn = poplib.POP3(mailbox.host, mailbox.port, timeout=TIMEOUT)
        if mailbox.security == Security.STARTTLS:
            conn.stls(context=_tls())
    try:
        if token is not None:
            _pop3_xoauth2(conn, mailbox, token)
        else:
            conn.user(mailbox.username)
            conn.pass_(mailbox.password)
        yield conn
        conn.quit()  # commits the DELEs
    except BaseException:
        conn.close()  # no QUIT: the server keeps every message
        raise


def _pop3_xoauth2(conn: poplib.POP3, mailbox: Mailbox, token: str) -> None:
    """SASL AUTH (RFC 5034) with XOAUTH2; poplib has no public call for it, so this uses its
    command helper. The response goes after the "+" prompt, not in the command line, which
    RFC 5034 limits to 255 octets (a Microsoft 365 token alone is longer)."""
    shortcmd = conn._shortcmd  # type: ignore[attr-defined]  # private, absent from typeshed
    shortcmd("AUTH XOAUTH2")
    response = base64.b64encode(oauth2.xoauth2(mailbox.username, token).encode()).decode()
    try:
        answer = shortcmd(response)
        if not answer.startswith(b"+OK"):
            # A refusal comes as a "+ <JSON error>" challenge; the empty answer gets -ERR.
            shortcmd("")
            raise poplib.error_proto(answer)
    except poplib.error_proto as exc:
        raise _refused(mailbox, exc) from exc


def pop3_fetch(mailbox: Mailbox) -> int:
    stored = 0
    with pop3_session(mailbox) as conn:
        uidl = {}
        for line in conn.uidl()[1]:
            position, _, unique = line.decode("ascii", "replace").partition(" ")
            uidl[int(position)] = unique.strip()
        sizes = {}
        for line in conn.list()[1]:
            position, _, size = line.decode("ascii", "replace").partition(" ")
            sizes[int(position)] = int(size.split()[0] or 0)
        numbers = sorted(uidl)[:BATCH]
        known = set(
            InboundMail.objects.filter(
                mailbox=mailbox, uidvalidity=0, uid__in=[uidl[n] for n in numbers]
            ).values_list("uid", flat=True)
        )
        for number in numbers:
            unique = uidl[number]
            if unique in known:
                conn.dele(number)
                continue
            if sizes.get(number, 0) > settings.MAIL_MAX_MESSAGE_SIZE:
                head = b"\r\n".join(conn.top(number, 0)[1]) + b"\r\n"
                inbound_store(
                    raw=head, source=Source.POP3, mailbox=mailbox, uidvalidity=0, uid=unique,
                    too_large=sizes[number],
                )  # fmt: skip
                continue
            raw = b"\r\n".join(conn.retr(number)[1]) + b"\r\n"
            inbound_store(raw=raw, source=Source.POP3, mailbox=mailbox, uidvalidity=0, uid=unique)
            stored += 1
            conn.dele(number)
    return stored
