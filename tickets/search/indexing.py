"""Index upkeep: each ticket's document is rebuilt inside the transaction that changed it.

An in-transaction subscriber of the event stream (tickets/events.py): a ticket is found the
moment it is saved, and a failure of the index rolls the change back. Tags and the text of
custom fields are indexed with the internal notes (agents only). Every verb that may
change searched text rebuilds the document (verbs added later, such as a subject edit,
a split or a merge, do so too); verbs that change only a ticket's state leave it as is.
`tickets_reindex()` is also what `manage.py search_reindex` runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch

from tickets import events
from tickets.models import INTERNAL_KINDS, EventVerb, Message, Ticket, TicketEvent
from tickets.search import text
from tickets.search.backends import Document, backend

# Verbs that change no searched text: status, assignee, priority, department, rating.
STATE_ONLY_VERBS = frozenset(
    {
        EventVerb.ASSIGNED,
        EventVerb.STATUS_CHANGED,
        EventVerb.PRIORITY_CHANGED,
        EventVerb.MOVED,
        EventVerb.CLOSED,
        EventVerb.REOPENED,
        EventVerb.RATED,
        EventVerb.REQUESTER_LANGUAGE_CHANGED,
    }
)


def tickets_for_indexing(ids: Iterable[int] | None = None):
    """Tickets with everything their document reads, in a fixed number of queries."""
    tickets = Ticket.objects.select_related("requester", "organization", "service")
    if ids is not None:
        tickets = tickets.filter(pk__in=list(ids))
    return tickets.prefetch_related(
        "participants",
        "tag_links__tag",
        "field_values__field",
        Prefetch(
            "messages",
            queryset=Message.objects.only("ticket_id", "kind", "body_text", "created_at")
            .prefetch_related("attachments")
            .order_by("created_at", "id"),
        ),
    )


def _people(ticket: Ticket) -> list[str]:
    people = [ticket.requester, *ticket.participants.all()]
    parts = [f"{person.name} {person.email}" for person in people]
    if ticket.organization is not None:
        parts.append(ticket.organization.name)
    if ticket.service is not None:
        parts.append(f"{ticket.service.name} {ticket.service.kind}")
    return [*parts, str(ticket.number)]


def document(ticket: Ticket) -> Document:
    """The ticket's document; `ticket` must come from tickets_for_indexing()."""
    messages = [
        (message.kind, message.body_text, [a.filename for a in message.attachments.all()])
        for message in ticket.messages.all()
    ]
    # Tags and custom field values are the agents' (issue 11): searched with the notes,
    # which customers never search.
    agent_terms = [link.tag.name for link in ticket.tag_links.all()]
    agent_terms += [
        value.text for value in ticket.field_values.all() if value.text and value.field.is_active
    ]
    return document_build(
        ticket_id=ticket.pk,
        subject=ticket.subject,
        people=_people(ticket),
        requester=f"{ticket.requester.name} {ticket.requester.email}",
        messages=messages,
        agent_terms=agent_terms,
    )


def document_build(
    *,
    ticket_id: int,
    subject: str,
    people: list[str],
    requester: str,
    messages: Iterable[tuple[str, str, list[str]]],
    agent_terms: Iterable[str] = (),
) -> Document:
    """A document from plain values: `people` as _people() lists them, `messages` as
    (kind, text, file names) in order, `agent_terms` (tags, custom field values) searched
    with the notes. The bench's loader builds its rows with it too."""
    public, notes, public_files = [], [], []
    for kind, body_text, files in messages:
        if kind in INTERNAL_KINDS:
            notes.extend([body_text, *files])
        else:
            public.append(body_text)
            public_files.extend(files)
    notes.extend(agent_terms)
    meta = [*people, *public_files]
    return Document(
        ticket_id=ticket_id,
        meta=text.fold("\n".join(meta)),
        requester=text.fold(requester),
        columns={
            "subject": text.terms(subject),
            "body": text.terms("\n".join([*public, *meta])),
            "notes": text.terms("\n".join(notes)),
        },
    )


def tickets_reindex(ids: Iterable[int]) -> int:
    """Rewrites the documents of these tickets: a few reads and one write per batch."""
    documents = [document(ticket) for ticket in tickets_for_indexing(ids)]
    backend().write(documents)
    return len(documents)


@events.subscribe(phase=events.IN_TRANSACTION, name="search.index")
def index_on_event(event: TicketEvent) -> None:
    if event.verb in STATE_ONLY_VERBS:
        return
    tickets_reindex([event.ticket_id])
