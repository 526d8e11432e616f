"""A file held between two submits is removed once the message that took it is committed,
and kept when the change is refused: an after-commit reaction of the service that stores
it, so that views open no transaction for it (issue 16; R13, P2)."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage

from helpdesk.errors import ActionNotAllowed
from tests.helpers import committed
from tickets import held_uploads, services
from tickets.uploads import check_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(customer, png):
    return held_uploads.hold(customer, check_upload(io.BytesIO(png), "снимок.png"))


def open_with(customer, department, held):
    return services.ticket_open_web(
        actor=customer,
        subject="Screenshot",
        body_text="See the file",
        department=department,
        attachments=[held_uploads.take(held)],
    )


def test_a_held_file_is_removed_once_the_message_that_took_it_commits(customer, department, held):
    with committed():
        ticket = open_with(customer, department, held)
        assert default_storage.exists(held.path), "not before the commit"
    assert not default_storage.exists(held.path)
    [attachment] = ticket.messages.get().attachments.all()
    assert attachment.filename == "снимок.png" and attachment.file.read()


def test_a_refused_change_keeps_the_held_file_for_the_next_submit(customer, department, held):
    department.is_active = False
    department.save()
    with committed(), pytest.raises(ActionNotAllowed):
        open_with(customer, department, held)
    assert default_storage.exists(held.path)
    assert held_uploads.read(customer, held.token) is not None
