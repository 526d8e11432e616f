"""The mail gateway's entries in the health report (MAIL.md rule 7; helpdesk/health.py)."""

from helpdesk import health
from mailgateway.selectors import listener_health, mail_health, retry_health, storage_health


@health.register("mail")
def mail() -> dict:
    """Mail pending too long, failed, quarantined, failing mailboxes: a person must look."""
    counts = mail_health()
    return {"state": health.ATTENTION if any(counts.values()) else health.OK, **counts}


# Issue 18: a listener refusing mail, storage nearly full, mail waiting for retry. None is
# critical: a load balancer must not take the web servers out for them; monitoring with
# HEALTH_TOKEN sees "attention".
health.register("mail_listener")(listener_health)
health.register("mail_storage")(storage_health)
health.register("mail_retry")(retry_health)
