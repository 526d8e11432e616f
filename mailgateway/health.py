"""The mail gateway's entries in the health report (MAIL.md rule 7; helpdesk/health.py)."""

from helpdesk import health
from mailgateway.selectors import mail_health


@health.register("mail")
def mail() -> dict:
    """Mail pending too long, failed, quarantined, failing mailboxes: a person must look."""
    counts = mail_health()
    return {"state": health.ATTENTION if any(counts.values()) else health.OK, **counts}
