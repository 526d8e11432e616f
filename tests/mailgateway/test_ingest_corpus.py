"""Every message of the shared corpus goes through ingestion without an unhandled
exception (issue 5): each ends done, ignored (loops, bounces about nothing of ours,
duplicates) or, for mail without a usable sender, quarantined as the sender's fault."""

from __future__ import annotations

import pytest

from mailgateway.models import ErrorKind, InboundStatus
from tests.mailgateway.conftest import receive
from tests.mailgateway.corpus import manifest, needs_corpus, read

pytestmark = [needs_corpus, pytest.mark.django_db]

HANDLED = (InboundStatus.DONE, InboundStatus.IGNORED, InboundStatus.REJECTED)


def test_every_corpus_message_is_ingested_without_an_unhandled_error(support):
    outcomes = {}
    for relative in manifest():
        mail = receive(read(relative), envelope_recipients=["support@helpdesk.example"])
        outcomes[relative] = (mail.status, mail.error_kind, mail.last_error[:300])
    unhandled = {
        name: outcome
        for name, outcome in outcomes.items()
        if outcome[0] not in HANDLED
        and not (outcome[0] == InboundStatus.QUARANTINED and outcome[1] == ErrorKind.SENDER)
    }
    assert unhandled == {}
    done = [name for name, outcome in outcomes.items() if outcome[0] == InboundStatus.DONE]
    assert len(done) > 150
    ignored = {o[2][:30] for o in outcomes.values() if o[0] == InboundStatus.IGNORED}
    # Test corpora reuse Message-IDs (the same mail twice: one ticket message) and hold
    # delivery reports about mail that was never ours.
    assert ignored <= {
        "The same mail was already rece",
        "A delivery report or receipt a",
        "Our own mail came back (mail l",
    }
