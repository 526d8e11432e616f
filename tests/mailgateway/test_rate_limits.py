"""The per-address loop limit protects customers and strangers; agents' notifications and
account mail have limits of their own (issue 14, "Rate limits"; MAIL.md, the rate limits
paragraph of "Loops..."; P6, P7)."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from accounts import mails as account_mails
from accounts.models import DepartmentMembership
from mailgateway.outbound import compose, mailer, outbox
from mailgateway.outbound.digest import agent_digests_queue
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from mailgateway.outbound.tasks import send_agent_digests
from tests.factories import CustomerFactory, open_ticket
from tests.helpers import subscribers_run
from tickets import services
from tickets.models import Status

pytestmark = pytest.mark.django_db


def rows(kind):
    return list(OutboundMail.objects.filter(kind=kind).order_by("id"))


def deliver_all(kind):
    for row in rows(kind):
        outbox.deliver(row.pk)
    return rows(kind)


@pytest.fixture
def limits(settings):
    settings.MAIL_RATE_AGENT_PER_MINUTE = 3
    settings.MAIL_RATE_RECIPIENT_LIMIT = 2
    settings.MAIL_RATE_TICKET_LIMIT = 2
    settings.MAIL_RATE_ACCOUNT_PER_HOUR = 2
    return settings


def open_many(department, count):
    with subscribers_run():
        return [
            open_ticket(
                CustomerFactory(email=f"customer{n}@example.com"),
                department,
                subject=f"Problem {n}",
            )
            for n in range(count)
        ]


def pass_the_minute():
    """The held notifications' minute is over (no waiting: their rows are made older)."""
    OutboundMail.objects.update(created_at=F("created_at") - timedelta(minutes=2))


def test_agent_notifications_are_not_withheld_by_the_per_address_limit(agent, department, limits):
    open_many(department, 3)
    statuses = [row.status for row in deliver_all("agent_new_ticket")]
    assert statuses == [OutboundStatus.SENT] * 3  # more than MAIL_RATE_RECIPIENT_LIMIT


def test_past_the_per_minute_limit_an_agents_notifications_are_held_not_withheld(
    agent, department, limits
):
    open_many(department, 7)
    statuses = [row.status for row in deliver_all("agent_new_ticket")]
    assert statuses == [OutboundStatus.SENT] * 3 + [OutboundStatus.HELD] * 4
    assert not OutboundMail.objects.filter(status=OutboundStatus.WITHHELD, kind="agent_new_ticket")


def test_the_digest_sent_after_the_minute_lists_every_held_ticket(
    agent, department, limits, smtp_server
):
    tickets = open_many(department, 7)
    deliver_all("agent_new_ticket")
    smtp_server.received.clear()
    assert agent_digests_queue() == []  # the minute has not passed yet
    pass_the_minute()
    assert send_agent_digests.delay().get() == 1
    [digest] = rows("agent_digest")
    assert digest.status == OutboundStatus.SENT and digest.recipients == [agent.email]
    [received] = smtp_server.received
    assert received.rcpt_tos == [agent.email]
    assert received.message["Auto-Submitted"] == "auto-generated"
    text = received.message.get_body(("plain",)).get_content()
    for ticket in tickets[3:]:
        assert f"[#{ticket.number}] Problem" in text
        assert reverse("staff:ticket", args=[ticket.number]) in text
    for ticket in tickets[:3]:
        assert f"[#{ticket.number}]" not in text  # those went out on their own
    held = OutboundMail.objects.filter(kind="agent_new_ticket", status=OutboundStatus.DIGESTED)
    assert held.count() == 4
    assert all(digest.message_id in row.last_error for row in held)
    # Run again: nothing is sent twice.
    assert send_agent_digests.delay().get() == 0


def test_the_digest_leaves_out_tickets_the_agent_can_no_longer_see(agent, department, limits):
    open_many(department, 5)
    deliver_all("agent_new_ticket")
    DepartmentMembership.objects.filter(user=agent).delete()
    pass_the_minute()
    assert agent_digests_queue() == []
    held = OutboundMail.objects.filter(kind="agent_new_ticket").exclude(status=OutboundStatus.SENT)
    assert {row.status for row in held} == {OutboundStatus.WITHHELD}


def test_agent_notifications_do_not_use_up_a_tickets_limit_for_the_customer(
    agent, customer, department, limits
):
    with subscribers_run():
        ticket = open_ticket(customer, department)  # the acknowledgement: one of two
    for _n in range(3):
        mailer.post(compose.agent_notification(compose.Kind.AGENT_ASSIGNED, ticket, agent))
    with subscribers_run():
        services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    for row in OutboundMail.objects.order_by("id"):
        outbox.deliver(row.pk)
    [solved] = rows("solved")
    assert solved.status == OutboundStatus.SENT, solved.last_error


def test_account_mail_is_not_withheld_by_the_loop_limit(customer, department, limits):
    for n in range(2):
        with subscribers_run():
            open_ticket(customer, department, subject=f"question {n}")
    deliver_all("acknowledgement")
    account_mails.password_reset(customer)
    [reset] = deliver_all("account-reset")
    assert reset.status == OutboundStatus.SENT  # the address already had its two


def test_account_mail_has_its_own_cap_per_account_and_hour(customer, limits):
    limits.MAIL_RATE_ACCOUNT_PER_HOUR = 3  # above the loop limit of two
    for _n in range(4):
        account_mails.password_reset(customer)
    account_mails.verification(customer)
    statuses = [row.status for row in deliver_all("account-reset")]
    assert statuses == [OutboundStatus.SENT] * 3 + [OutboundStatus.WITHHELD]
    assert "rate limit" in rows("account-reset")[-1].last_error
    [verify] = deliver_all("account-verify")
    assert verify.status == OutboundStatus.WITHHELD  # the same account's hourly cap
