"""Who gets mail when (P6, issue 6), and the loop safety of automatic mail (MAIL.md)."""

import pytest

from accounts.models import DepartmentMembership
from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from tests.factories import AgentFactory, CustomerFactory, open_ticket
from tests.helpers import committed
from tickets import services

pytestmark = pytest.mark.django_db


def mails(kind=None):
    rows = OutboundMail.objects.order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def sent(kind=None):
    """Runs the send task for every queued mail, as the worker would, and returns them."""
    for row in mails(kind):
        outbox.deliver(row.pk)
    return mails(kind)


def test_a_new_ticket_is_acknowledged_with_its_number(
    customer, department, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer, department)
    [ack] = mails("acknowledgement")
    assert ack.recipients == [customer.email] and ack.automatic
    message = smtp_server.received[0].message
    assert f"#{ticket.number}" in message["Subject"]
    assert str(ticket.number) in message.get_body(("plain",)).get_content()


def test_the_departments_agents_hear_of_new_tickets_if_they_want(
    customer, department, other_department
):
    wants = AgentFactory(departments=[department])
    AgentFactory(departments=[department], notify_new_ticket=False)
    AgentFactory(departments=[other_department])
    AgentFactory(departments=[department], is_active=False)
    with committed():
        open_ticket(customer, department)
    assert [m.recipients for m in mails("agent_new_ticket")] == [[wants.email]]


def test_the_agent_who_opens_a_ticket_for_a_customer_is_not_told_about_it(
    agent, customer, department
):
    with committed():
        open_ticket(customer, department, actor=agent)
    assert [m.recipients for m in mails("agent_new_ticket")] == []
    assert len(mails("acknowledgement")) == 1


def test_the_assignee_hears_when_his_customer_answers(agent, customer, department):
    with committed():
        ticket = open_ticket(customer, department)
        services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
        services.message_add_web(actor=customer, ticket=ticket, body_text="ещё вопрос")
    [note] = mails("agent_customer_reply")
    assert note.recipients == [agent.email] and note.ticket_message.body_text == "ещё вопрос"


def test_an_agent_hears_of_tickets_others_assign_to_him(agent, customer, department):
    colleague = AgentFactory(departments=[department])
    with committed():
        ticket = open_ticket(customer, department)
        services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    assert mails("agent_assigned") == []
    with committed():
        services.ticket_assign(actor=agent, ticket=ticket, assignee=colleague)
    assert [m.recipients for m in mails("agent_assigned")] == [[colleague.email]]


def test_replies_go_to_the_requester_with_participants_in_copy(agent, customer, department):
    from tickets.models import TicketParticipant

    colleague = CustomerFactory(email="olga@example.ru")
    ticket = open_ticket(customer, department)
    TicketParticipant.objects.create(ticket=ticket, user=colleague)
    with committed():
        services.reply_add(actor=agent, ticket=ticket, body_text="hi")
    assert mails("reply")[0].recipients == [customer.email, colleague.email]


def test_internal_notes_are_never_mailed(agent, customer, department):
    with committed():
        ticket = open_ticket(customer, department)
    count = OutboundMail.objects.count()
    with committed():
        services.note_add(actor=agent, ticket=ticket, body_text="secret")
    assert OutboundMail.objects.count() == count


def test_notifications_check_access_when_they_leave(
    customer, department, smtp_server, django_capture_on_commit_callbacks
):
    agent = AgentFactory(departments=[department])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        open_ticket(customer, department)
    with django_capture_on_commit_callbacks(execute=False) as sending:
        for callback in callbacks:
            callback()  # the mail is composed after the ticket's commit
    DepartmentMembership.objects.filter(user=agent).delete()  # moved to another team meanwhile
    for callback in sending:
        callback()
    [note] = mails("agent_new_ticket")
    note.refresh_from_db()
    assert note.status == OutboundStatus.WITHHELD and "access" in note.last_error
    assert [r.rcpt_tos for r in smtp_server.received] == [[customer.email]]


def test_automatic_mail_to_one_address_is_capped(department, settings):
    settings.MAIL_RATE_RECIPIENT_LIMIT = 3
    settings.MAIL_ACK_TICKETS_PER_HOUR = 100
    loud = CustomerFactory(email="loud@example.com")
    for n in range(5):
        with committed():
            open_ticket(loud, department, subject=f"problem {n}")
    statuses = [m.status for m in sent("acknowledgement")]
    assert statuses == [OutboundStatus.SENT] * 3 + [OutboundStatus.WITHHELD] * 2
    assert "rate limit" in mails("acknowledgement")[-1].last_error


def test_a_flood_of_new_tickets_stops_acknowledgements(department, settings, caplog):
    settings.MAIL_ACK_TICKETS_PER_HOUR = 2
    flood = CustomerFactory(email="flood@example.com")
    for n in range(4):
        with committed():
            open_ticket(flood, department, subject=f"spam {n}")
    statuses = [m.status for m in sent("acknowledgement")]
    assert statuses == [OutboundStatus.SENT] * 2 + [OutboundStatus.WITHHELD] * 2
    assert "acknowledgements stopped" in caplog.text


@pytest.mark.parametrize(
    "address",
    [
        "mailer-daemon@example.com",
        "postmaster@example.com",
        "noreply@example.com",
        "no-reply@shop.example",
        "do-not-reply@bank.example",
    ],
)
def test_automatic_mail_never_goes_to_addresses_that_do_not_read(department, address):
    robot = CustomerFactory(email=address)
    with committed():
        open_ticket(robot, department)
    [ack] = sent("acknowledgement")
    assert ack.status == OutboundStatus.WITHHELD and "does not read mail" in ack.last_error


def test_nothing_is_ever_mailed_to_our_own_addresses(department):
    ours = CustomerFactory(email=department.sender_address)
    with committed():
        open_ticket(ours, department)
    [ack] = sent("acknowledgement")
    assert ack.status == OutboundStatus.WITHHELD and "our own" in ack.last_error


def test_mail_is_written_in_the_recipients_language(
    customer, department, smtp_server, django_capture_on_commit_callbacks
):
    english = CustomerFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(english, department)
        open_ticket(customer, department)  # Russian
    texts = [r.message.get_body(("plain",)).get_content() for r in smtp_server.received]
    assert "we received your request" in texts[0]
    assert "мы получили" in texts[1].lower()


def test_a_reply_that_solves_the_ticket_carries_the_rating_links(agent, customer, department):
    import email
    from email import policy

    from tickets.models import Status
    from tickets.rating_links import rating_url

    with committed():
        ticket = open_ticket(customer, department)
        services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.SOLVED)
    [reply] = mails("reply")
    assert mails("solved") == []  # one mail, not two
    mime = email.message_from_bytes(bytes(reply.mime), policy=policy.default)
    text = mime.get_body(("plain",)).get_content()
    assert rating_url(ticket, "good") in text and rating_url(ticket, "bad") in text


def test_solving_without_an_answer_sends_the_rating_mail(
    agent, customer, department, smtp_server, django_capture_on_commit_callbacks
):
    from tickets.models import Status
    from tickets.rating_links import rating_url

    ticket = open_ticket(customer, department)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    # Its subject is the conversation's (issue 12): it is the mail with the rating links.
    [(solved, text)] = [
        (received, body)
        for received in smtp_server.received
        if rating_url(ticket, "good")
        in (body := received.message.get_body(("plain",)).get_content())
    ]
    assert rating_url(ticket, "good") in text and rating_url(ticket, "bad") in text
    assert solved.message["Auto-Submitted"] == "auto-generated"
