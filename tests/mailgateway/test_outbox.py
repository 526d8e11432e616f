"""The outbox: mail written with its change, sent once, retried, failed visibly (MAIL.md rule 8)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus, Suppression
from mailgateway.outbound.tasks import send_outbound, sweep_outbound
from tests.factories import open_ticket
from tests.helpers import subscribers_run
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department, settings):
    ticket = open_ticket(customer, department)
    OutboundMail.objects.all().delete()  # the acknowledgement: not what these tests look at
    return ticket


def reply(agent, ticket, capture, text="Перезапустили сервер."):
    with capture(execute=True):
        return services.reply_add(actor=agent, ticket=ticket, body_text=text)


def test_a_reply_and_its_mail_are_written_together(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.kind == "reply" and row.message_id == message.message_id
    assert row.recipients == [ticket.requester.email]
    assert row.status == OutboundStatus.SENT and row.sent_at is not None
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0].message["Message-ID"] == message.message_id


def test_a_failed_reply_leaves_no_mail_behind(agent, ticket, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("tickets.services.messages.event_record", boom)
    with pytest.raises(RuntimeError):
        services.reply_add(actor=agent, ticket=ticket, body_text="hello")
    assert not OutboundMail.objects.exists()


def test_sending_twice_sends_once(agent, ticket, smtp_server, django_capture_on_commit_callbacks):
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert send_outbound.delay(row.pk).get() == "skipped"
    assert len(smtp_server.received) == 1


def test_a_server_that_is_down_defers_and_the_sweeper_sends_later_exactly_once(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.stop()
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.status == OutboundStatus.DEFERRED
    assert row.attempts == 1 and "Connection refused" in row.last_error
    assert row.next_attempt_at > timezone.now()
    # Not yet due: the sweeper leaves it alone.
    assert sweep_outbound.delay().get() == 0
    smtp_server.start()
    OutboundMail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert sweep_outbound.delay().get() == 1
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT and row.attempts == 2
    assert sweep_outbound.delay().get() == 0
    assert len(smtp_server.received) == 1


def test_a_temporary_error_answer_defers(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.answer_with("451 4.3.0 Mailbox temporarily unavailable")
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.status == OutboundStatus.DEFERRED and "451" in row.last_error


def test_a_permanent_error_fails_and_suppresses_the_address(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.answer_with("550 5.1.1 No such user here")
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.status == OutboundStatus.FAILED and "550" in row.last_error
    assert Suppression.objects.filter(address=ticket.requester.email).exists()
    # The next answer is not even tried, and says why.
    smtp_server.answer_with(None)
    second = reply(agent, ticket, django_capture_on_commit_callbacks, text="Second try")
    row = OutboundMail.objects.get(ticket_message=second)
    assert row.status == OutboundStatus.WITHHELD and "suppressed" in row.last_error
    assert smtp_server.received == []


def test_retries_end_after_the_configured_hours(
    agent, ticket, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_RETRY_HOURS = 1
    smtp_server.stop()
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    OutboundMail.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(hours=2), next_attempt_at=timezone.now()
    )
    sweep_outbound.delay().get()
    row.refresh_from_db()
    assert row.status == OutboundStatus.FAILED and "gave up" in row.last_error


def test_a_mail_left_mid_send_by_a_dead_worker_goes_once(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    with subscribers_run():
        message = services.reply_add(actor=agent, ticket=ticket, body_text="hi")
    row = OutboundMail.objects.get(ticket_message=message)
    # The worker claimed it and died before the server confirmed anything.
    OutboundMail.objects.filter(pk=row.pk).update(
        status=OutboundStatus.SENDING, attempts=1, updated_at=timezone.now() - timedelta(minutes=11)
    )
    assert sweep_outbound.delay().get() == 1
    assert sweep_outbound.delay().get() == 0
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    assert len(smtp_server.received) == 1


def test_a_lost_task_is_found_by_the_sweeper(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    with subscribers_run():  # the broker lost the sending task
        message = services.reply_add(actor=agent, ticket=ticket, body_text="hi")
    OutboundMail.objects.filter(ticket_message=message).update(
        updated_at=timezone.now() - timedelta(minutes=3)
    )
    assert sweep_outbound.delay().get() == 1
    assert len(smtp_server.received) == 1


def test_bounces_recorded_by_the_gateway_suppress_the_address(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    assert (
        outbox.bounces_record(
            message_ids=[message.message_id],
            addresses=[ticket.requester.email],
            reason="550 5.1.1 user unknown",
        )
        == 1
    )
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.status == OutboundStatus.BOUNCED
    assert Suppression.objects.get(address=ticket.requester.email).outbound == row


def test_expired_suppressions_no_longer_block(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    outbox.suppression_add(address=ticket.requester.email, reason="old bounce")
    Suppression.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    assert OutboundMail.objects.get(ticket_message=message).status == OutboundStatus.SENT


def test_a_rejected_content_fails_without_suppressing_the_customer(
    agent, ticket, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.answer_with("554 5.7.1 Message rejected as spam")
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.status == OutboundStatus.FAILED and "5.7.1" in row.last_error
    assert not Suppression.objects.exists()


def test_our_own_authentication_problem_is_retried_and_suppresses_nobody(
    agent, ticket, smtp_server, settings, django_capture_on_commit_callbacks
):
    # The server offers no AUTH on a plain connection: logging in fails on our side.
    settings.EMAIL_HOST_USER = "helpdesk"
    settings.EMAIL_HOST_PASSWORD = "wrong"
    message = reply(agent, ticket, django_capture_on_commit_callbacks)
    row = OutboundMail.objects.get(ticket_message=message)
    assert row.status == OutboundStatus.DEFERRED
    assert not Suppression.objects.exists()
