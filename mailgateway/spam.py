"""Is a stranger's mail spam? (P7, issue 12) The verdict of a trusted upstream filter,
read from its headers, and optionally a local Rspamd's, asked over its HTTP API.

Spam makes no ticket: the pipeline files it on the agents' spam list (status `spam`), with
the raw mail kept, never acknowledged and never notified; "Not spam" files it normally.
Mail from a registered, verified customer is never filtered (the pipeline decides that:
P7 trusts the personal account).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.utils.translation import gettext as _

logger = logging.getLogger("mailgateway")

# Rspamd's actions that mean spam ("greylist" and "soft reject" ask to retry, "no action"
# is clean).
SPAM_ACTIONS = ("reject", "add header", "rewrite subject")
ACTION_HEADERS = ("x-spam-action", "x-rspamd-action")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class SpamSettings:
    headers: bool = True
    score_header: str = ""
    threshold: float = 5.0
    rspamd_url: str = ""
    rspamd_timeout: float = 10.0


def headers_of(raw: bytes) -> Message:
    """The top-level header block only (what the filters write), read leniently."""
    return BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])


def header_verdict(headers: Message, config: SpamSettings) -> str:
    """Why the upstream filter's headers say spam, or "" when they do not."""
    if config.headers:
        if str(headers.get("x-spam-flag", "")).strip().lower() == "yes":
            return _("The upstream filter marked it: X-Spam-Flag: YES.")
        status = str(headers.get("x-spam-status", "")).strip().lower()
        if status.startswith("yes"):
            return _("The upstream filter marked it: X-Spam-Status: Yes.")
        for name in ACTION_HEADERS:
            action = " ".join(str(headers.get(name, "")).split()).lower()
            if action in SPAM_ACTIONS:
                return _("The upstream filter marked it: %(header)s: %(action)s.") % {
                    "header": headers_name(name),
                    "action": action,
                }
    if config.score_header:
        value = str(headers.get(config.score_header, ""))
        match = _NUMBER.search(value)
        if match and float(match.group().replace(",", ".")) >= config.threshold:
            return _("%(header)s is %(score)s, at or above %(threshold)s.") % {
                "header": config.score_header,
                "score": match.group(),
                "threshold": config.threshold,
            }
    return ""


def headers_name(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def rspamd_verdict(raw: bytes, config: SpamSettings, *, sender: str = "") -> str:
    """Why the local Rspamd calls it spam, or "". Rspamd unreachable or confused: not spam
    (the mail goes its normal way; a warning is logged), never a lost mail."""
    if not config.rspamd_url:
        return ""
    request = urllib.request.Request(  # noqa: S310 (an http URL the administrator set)
        config.rspamd_url.rstrip("/") + "/checkv2",
        data=raw,
        method="POST",
        headers={"From": sender} if sender else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=config.rspamd_timeout) as response:  # noqa: S310
            result = json.loads(response.read(1024 * 1024))
    except (OSError, ValueError, urllib.error.URLError) as exc:
        logger.warning("Rspamd at %s did not answer: %s", config.rspamd_url, exc)
        return ""
    action = str(result.get("action", "")).lower()
    if action in SPAM_ACTIONS:
        return _("Rspamd scored it %(score)s of %(required)s: %(action)s.") % {
            "score": result.get("score", "?"),
            "required": result.get("required_score", "?"),
            "action": action,
        }
    return ""


def spam_verdict(raw: bytes, config: SpamSettings, *, sender: str = "") -> str:
    """Why this mail is spam, or "": the upstream headers first, then Rspamd."""
    return header_verdict(headers_of(raw), config) or rspamd_verdict(raw, config, sender=sender)
