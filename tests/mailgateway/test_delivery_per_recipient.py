"""Every recipient gets the mail once (issue 18; R6, P6; MAIL.md outbox rule 8): a server
that greylists one recipient of a reply and accepts the other; the refused one is retried
alone, the accepted one never gets it twice; a permanent refusal bounces that recipient
only; past MAIL_RETRY_HOURS a recipient still refused is given up and shown.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus, Suppression
from mailgateway.outbound.tasks import sweep_outbound
from tests.factories import CustomerFactory, open_ticket
from tests.helpers import postgres_only, subscribers_run, wait_for
from tests.workers import celery_worker
from tickets import services


@pytest.fixture
def ticket(customer, department):
    ticket = open_ticket(customer, department)
    services.participants_add(actor=customer, ticket=ticket, users=[CustomerFactory()])
    OutboundMail.objects.all().delete()  # the acknowledgement
    return ticket


def reply(agent, ticket) -> OutboundMail:
    with subscribers_run():
        services.reply_add(actor=agent, ticket=ticket, body_text="Готово")
    # With a real worker, the worker composes it after the commit (issue 16).
    wait_for(lambda: OutboundMail.objects.filter(kind="reply").exists(), what="the reply's mail")
    return OutboundMail.objects.get(kind="reply")


def states(row: OutboundMail) -> dict[str, str]:
    row.refresh_from_db()
    return {address: entry["state"] for address, entry in row.recipient_states.items()}


def addresses(ticket) -> tuple[str, str]:
    colleague = ticket.participants.exclude(pk=ticket.requester_id).get()
    return ticket.requester.email, colleague.email


@pytest.mark.parametrize(
    "_pg",
    [pytest.param(None, marks=[*postgres_only, pytest.mark.django_db(transaction=True)])],
)
def test_a_greylisted_recipient_gets_the_reply_after_the_retry_and_the_other_only_once(
    _pg, smtp_server, agent, ticket
):
    requester, colleague = addresses(ticket)
    smtp_server.received.clear()
    smtp_server.handler.greylist = {colleague.lower()}
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
    }
    with celery_worker(extra_env=env):
        row = reply(agent, ticket)
        wait_for(lambda: OutboundMail.objects.get(pk=row.pk).status == "deferred", what="451")
        assert states(row) == {requester: "sent", colleague: "deferred"}
        assert "Greylisted" in row.recipient_states[colleague]["detail"]
        assert (
            len(smtp_server.handler.mailbox(requester)),
            len(smtp_server.handler.mailbox(colleague)),
        ) == (1, 0)
        # Its back-off over, the sweeper sends it again: to the greylisted recipient alone.
        OutboundMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert sweep_outbound.delay().get(timeout=30) == 1
        wait_for(lambda: OutboundMail.objects.get(pk=row.pk).status == "sent", what="the retry")
    assert states(row) == {requester: "sent", colleague: "sent"}
    assert len(smtp_server.handler.mailbox(requester)) == 1
    assert len(smtp_server.handler.mailbox(colleague)) == 1
    assert smtp_server.received[-1].rcpt_tos == [colleague]


@pytest.mark.django_db
def test_a_recipient_refused_for_good_is_bounced_alone_and_the_other_gets_the_reply(
    smtp_server, agent, ticket, django_capture_on_commit_callbacks, admin_client
):
    requester, colleague = addresses(ticket)
    smtp_server.handler.rcpt_answers = {colleague.lower(): "550 5.1.1 No such user here"}
    smtp_server.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = reply(agent, ticket)
    assert states(row) == {requester: "sent", colleague: "bounced"}
    assert row.status == OutboundStatus.SENT and "5.1.1" in row.last_error
    assert list(Suppression.objects.values_list("address", flat=True)) == [colleague.lower()]
    assert len(smtp_server.handler.mailbox(requester)) == 1
    page = admin_client.get(reverse("admin:outbound_outboundmail_change", args=[row.pk]))
    assert f"{colleague}: Refused permanently 550 5.1.1" in page.content.decode()


@pytest.mark.django_db
def test_a_recipient_still_refused_after_the_retry_time_is_given_up_and_shown(
    client, smtp_server, agent, ticket, django_capture_on_commit_callbacks, settings
):
    requester, colleague = addresses(ticket)
    smtp_server.handler.rcpt_answers = {colleague.lower(): "451 4.7.1 Greylisted"}
    with django_capture_on_commit_callbacks(execute=True):
        row = reply(agent, ticket)
    assert states(row) == {requester: "sent", colleague: "deferred"}
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "recipient-sent" in html and "recipient-deferred" in html
    assert "Not delivered yet, will try again" in html
    OutboundMail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now(),
        created_at=timezone.now() - timedelta(hours=settings.MAIL_RETRY_HOURS + 1),
    )
    smtp_server.received.clear()
    outbox.deliver(row.pk)
    assert states(row) == {requester: "sent", colleague: "failed"}
    assert row.status == OutboundStatus.SENT and "gave up" in row.last_error
    assert [r.rcpt_tos for r in smtp_server.received] == []  # the requester had it already
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "recipient-failed" in html and "Gave up retrying" in html
