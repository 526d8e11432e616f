"""Split (R14, issue 11): a customer's message becomes the first message of a new ticket."""

from __future__ import annotations

import pytest

from mailgateway.outbound.models import OutboundMail
from tests.factories import AgentFactory, CustomerFactory, open_ticket, upload
from tests.helpers import subscribers_run
from tickets import services
from tickets.models import Attachment, EventVerb, Message, MessageKind, Status, TicketEvent
from tickets.search.query import parse as search_parse
from tickets.search.selectors import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает")


@pytest.fixture
def second(customer, ticket, png):
    """A second problem in the same conversation, with a screenshot."""
    return services.message_add_web(
        actor=customer,
        ticket=ticket,
        body_text="И ещё: счёт №4711 выставлен дважды.",
        attachments=[upload(png, "счёт.png")],
    )


def split(agent, ticket, message, department, **kwargs):
    return services.ticket_split(
        actor=agent, ticket=ticket, message=message, department=department, **kwargs
    )


def test_the_message_with_its_files_opens_a_new_ticket_of_the_same_requester(
    agent, customer, ticket, second, other_department
):
    """R14: same requester, the department the agent chose, the message and its files."""
    new = split(agent, ticket, second, other_department, subject="Двойной счёт")
    assert new.requester == customer and new.department == other_department
    assert new.subject == "Двойной счёт" and new.status == Status.NEW
    first = new.messages.get()
    assert first.body_text == second.body_text and first.kind == MessageKind.CUSTOMER
    assert first.author == customer and first.created_at == second.created_at
    copied, original = first.attachments.get(), second.attachments.get()
    assert copied.filename == "счёт.png" and copied.sha256 == original.sha256
    assert copied.file.name != original.file.name
    with copied.file.open("rb") as handle:
        assert handle.read() == original.file.open("rb").read()


def test_the_old_ticket_keeps_its_conversation_and_both_are_linked(
    agent, ticket, second, department
):
    new = split(agent, ticket, second, department)
    second.refresh_from_db()
    assert ticket.messages.count() == 2 and second.split_to == new.messages.get()
    assert new.split_from == ticket and list(ticket.splits.all()) == [new]
    assert new.subject == ticket.subject  # no subject given: the old one


def test_both_tickets_record_an_event(agent, ticket, second, department):
    new = split(agent, ticket, second, department)
    opened = TicketEvent.objects.get(ticket=new, verb=EventVerb.OPENED)
    assert opened.actor == agent and opened.after["split_from"] == ticket.number
    event = TicketEvent.objects.get(ticket=ticket, verb=EventVerb.SPLIT)
    assert event.after == {
        "ticket": new.number,
        "message": second.pk,
        "department": department.name,
    }


def test_deleting_one_ticket_leaves_the_other_s_files(agent, ticket, second, department):
    """The files were copied, not shared: a ticket's clean-up cannot take the other's."""
    new = split(agent, ticket, second, department)
    copied = new.messages.get().attachments.get()
    original = second.attachments.get()
    original.file.delete(save=False)
    Attachment.objects.filter(pk=original.pk).delete()
    with copied.file.open("rb") as handle:
        assert handle.read()[:4] == b"\x89PNG"


def test_the_new_ticket_is_found_by_search_at_once(agent, ticket, second, department):
    """Indexed in the split's own transaction (tickets/search/indexing.py)."""
    new = split(agent, ticket, second, department, subject="Двойной счёт")
    found = search(agent, search_parse("двойной"))
    assert list(found.tickets) == [new]


def test_the_customer_gets_no_acknowledgement_but_agents_hear_of_it(
    agent, ticket, second, department
):
    """He opened nothing new: his first news of the new ticket is the agent's reply."""
    colleague = AgentFactory(departments=[department], notify_new_ticket=True)
    with subscribers_run():
        new = split(agent, ticket, second, department)
    sent = OutboundMail.objects.filter(ticket=new)
    assert not sent.filter(kind="acknowledgement").exists()
    assert list(sent.filter(kind="agent_new_ticket").values_list("recipient", flat=True)) == [
        colleague.pk
    ]


def test_a_participant_s_message_keeps_its_author_who_joins_the_new_ticket(
    agent, customer, ticket, department
):
    colleague = CustomerFactory()
    services.participants_add(actor=customer, ticket=ticket, users=[colleague])
    message = services.message_add_web(actor=colleague, ticket=ticket, body_text="Мой вопрос")
    new = split(agent, ticket, message, department)
    assert new.requester == customer and new.messages.get().author == colleague
    assert list(new.participants.all()) == [colleague]


# --- bad input: a clear message, nothing changed ---------------------------------------


def _nothing_changed(ticket, counts):
    assert (Message.objects.count(), TicketEvent.objects.count()) == counts
    assert not ticket.splits.exists()


@pytest.fixture
def counts():
    return lambda: (Message.objects.count(), TicketEvent.objects.count())


def test_the_only_message_cannot_be_split(agent, ticket, department, counts):
    before = counts()
    with pytest.raises(services.ActionNotAllowed, match="only message"):
        split(agent, ticket, ticket.messages.get(), department)
    _nothing_changed(ticket, before)


def test_the_opening_message_can_be_split_when_others_follow(agent, ticket, second, department):
    new = split(agent, ticket, ticket.messages.earliest("created_at"), department)
    assert new.messages.get().body_text == ticket.messages.earliest("created_at").body_text


def test_agent_replies_and_notes_cannot_be_split(agent, ticket, second, department, counts):
    reply = services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим")
    note = services.note_add(actor=agent, ticket=ticket, body_text="Внутреннее")
    before = counts()
    for message in (reply, note):
        with pytest.raises(services.ActionNotAllowed, match="customer"):
            split(agent, ticket, message, department)
    _nothing_changed(ticket, before)


def test_a_message_is_split_once(agent, ticket, second, department):
    split(agent, ticket, second, department)
    second.refresh_from_db()
    with pytest.raises(services.ActionNotAllowed, match="already"):
        split(agent, ticket, second, department)
    assert ticket.splits.count() == 1


def test_a_message_of_another_ticket_is_refused(agent, customer, ticket, second, department):
    other = open_ticket(customer, department, subject="Other")
    with pytest.raises(services.ActionNotAllowed, match="not part"):
        split(agent, other, second, department)


def test_an_agent_who_cannot_work_the_ticket_cannot_split_it(
    agent_other_department, ticket, second, other_department, counts
):
    before = counts()
    with pytest.raises(services.NotPermitted):
        split(agent_other_department, ticket, second, other_department)
    _nothing_changed(ticket, before)


def test_an_inactive_department_is_refused(agent, ticket, second, other_department, counts):
    other_department.is_active = False
    other_department.save()
    before = counts()
    with pytest.raises(services.ActionNotAllowed, match="not active"):
        split(agent, ticket, second, other_department)
    _nothing_changed(ticket, before)


def test_a_long_hostile_subject_is_cut_and_kept_as_text(agent, ticket, second, department):
    new = split(agent, ticket, second, department, subject="<script>x</script>\n" * 40)
    assert len(new.subject) <= 255 and "\n" not in new.subject
