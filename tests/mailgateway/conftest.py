"""Helpers of the mail gateway tests: store a mail as a source would, then process it."""

from __future__ import annotations

import pytest

from mailgateway.models import InboundMail, Source
from mailgateway.pipeline import inbound_process
from mailgateway.store import inbound_store
from tests.helpers import subscribers_run
from tests.mailgateway.rspamd import rspamd_url  # noqa: F401 - a session fixture


def receive(raw: bytes, *, source: Source = Source.PIPE, **kwargs) -> InboundMail:
    """Stores the mail and processes it, as the worker would; returns the row reloaded."""
    mail, _created = inbound_store(raw=raw, source=source, enqueue=False, **kwargs)
    inbound_process(mail_id=mail.pk)
    return InboundMail.objects.get(pk=mail.pk)


def receive_notified(raw: bytes, **kwargs) -> InboundMail:
    """`receive`, then the event stream's after-commit subscribers that the worker's commit
    sets off: the notifications are composed and wait in the outbox (issue 16)."""
    with subscribers_run():
        return receive(raw, **kwargs)


@pytest.fixture
def support(department):
    """The Technical support department; its address is support@helpdesk.example."""
    return department


@pytest.fixture
def sales(other_department):
    """Sales, at sales@helpdesk.example."""
    return other_department
