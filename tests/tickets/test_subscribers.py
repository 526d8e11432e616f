"""Every reaction to the event stream, listed: adding one is a conscious act (issue 16).

A new subscriber (search index, SLA due times, live updates, webhooks...) adds its line
here and its description to docs/events.md. Renaming an after-commit subscriber orphans
its pending deliveries (tickets/events.py), so the names are part of the contract.
"""

from api.webhooks import WEBHOOK_VERBS
from tickets import events
from tickets.models import EventVerb
from tickets.sla.clock import TRACKED

EXPECTED = {
    # name: (phase, verbs); no verbs = every verb
    "mail.ticket_opened": (events.AFTER_COMMIT, {EventVerb.OPENED}),
    "mail.reply_added": (events.AFTER_COMMIT, {EventVerb.REPLIED}),
    "mail.customer_wrote": (events.AFTER_COMMIT, {EventVerb.MESSAGE_ADDED}),
    "mail.ticket_assigned": (events.AFTER_COMMIT, {EventVerb.ASSIGNED}),
    "mail.ticket_solved": (events.AFTER_COMMIT, {EventVerb.STATUS_CHANGED}),
    "mail.agent_unverified": (events.AFTER_COMMIT, {EventVerb.NOTE_ADDED}),
    # Issue 10: the due times move with the ticket; managers hear of escalations and
    # bad ratings.
    "sla.clock": (events.IN_TRANSACTION, set(TRACKED)),
    # Issue 9: the search index is rewritten for every verb, in the service's transaction.
    "search.index": (events.IN_TRANSACTION, set()),
    "sla.escalation_mail": (events.AFTER_COMMIT, {EventVerb.ESCALATED}),
    "sla.bad_rating_mail": (events.AFTER_COMMIT, {EventVerb.RATED}),
    # Issue 11: round-robin assigns a new ticket in its opening's transaction; the bell's
    # notifications are written after the commit.
    "live.round_robin": (events.IN_TRANSACTION, {EventVerb.OPENED}),
    "live.notifications": (
        events.AFTER_COMMIT,
        {
            EventVerb.ASSIGNED,
            EventVerb.MESSAGE_ADDED,
            EventVerb.NOTE_ADDED,
            EventVerb.ESCALATED,
        },
    ),
    # Issue 13: registered webhooks hear of what happened, signed, after the commit.
    "webhooks.deliveries": (events.AFTER_COMMIT, set(WEBHOOK_VERBS)),
}


def test_the_subscribers_are_exactly_the_expected_ones():
    """Issue 16: a test lists every subscriber (name, phase, verbs)."""
    registered = {s.name: (s.phase, set(s.verbs)) for s in events.subscribers()}
    assert registered == EXPECTED


def test_every_subscriber_listens_to_verbs_that_exist():
    for subscriber in events.subscribers():
        assert subscriber.verbs <= set(EventVerb.values), subscriber.name
