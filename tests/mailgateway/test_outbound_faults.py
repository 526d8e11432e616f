"""An auto-responder that answers every mail, even our acknowledgements, without saying it
is automatic: a bounded number of mails, then silence (issue 6; MAIL.md, rate limits)."""

from __future__ import annotations

import subprocess

import pytest

from mailgateway.outbound.models import OutboundMail, OutboundStatus
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


@pytest.mark.django_db
def test_an_auto_responder_that_answers_everything_gets_a_bounded_number_of_mails(
    support, smtp_server, settings, django_capture_on_commit_callbacks
):
    """It writes a new mail (new subject, no Auto-Submitted, no In-Reply-To) to support@ for
    every mail it gets: each opens a ticket, each ticket is acknowledged... until the rate
    limit holds; then it gets nothing more and the loop ends."""
    settings.MAIL_RATE_RECIPIENT_LIMIT = 10
    robot = "info@shop.example"
    answered = 0
    with django_capture_on_commit_callbacks(execute=True):
        receive(plain(sender=robot, subject="Question about my order"))
    for _ in range(50):  # far more rounds than the limit allows
        to_robot = [r for r in smtp_server.received if r.rcpt_tos == [robot]]
        if answered == len(to_robot):
            break  # silence: nothing new was sent to it
        for _mail in to_robot[answered:]:
            answered += 1
            with django_capture_on_commit_callbacks(execute=True):
                receive(plain(sender=robot, subject=f"We got your message #{answered}"))
    sent_to_robot = [r for r in smtp_server.received if r.rcpt_tos == [robot]]
    assert len(sent_to_robot) == settings.MAIL_RATE_RECIPIENT_LIMIT
    withheld = OutboundMail.objects.filter(status=OutboundStatus.WITHHELD, rate_address=robot)
    assert withheld.count() == 1 and "rate limit" in withheld.get().last_error
