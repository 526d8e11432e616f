"""Posting a composed mail: into the outbox now, to the sending task on commit."""

from django.db import transaction

from mailgateway.outbound import outbox
from mailgateway.outbound.compose import Draft
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from mailgateway.outbound.tasks import send_outbound


def post(draft: Draft) -> OutboundMail:
    row = outbox.queue(draft)
    if row.status == OutboundStatus.QUEUED:
        transaction.on_commit(lambda: send_outbound.delay(row.pk))
    return row
