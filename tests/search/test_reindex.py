"""`manage.py search_reindex` rebuilds the index of every ticket, with a progress bar (R18)."""

import io

import pytest
from django.core.management import call_command

from tests.factories import open_ticket
from tickets.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def test_reindex_makes_every_ticket_findable_again(customer, agent, department, found):
    tickets = [open_ticket(customer, department, body=f"Rechnungen Nummer {n}") for n in range(3)]
    SearchDocument.objects.all().delete()
    assert found(agent, "rechnung") == set()
    out = io.StringIO()
    call_command("search_reindex", "--batch", "2", stdout=out)
    assert found(agent, "rechnung") == {ticket.number for ticket in tickets}
    assert "3/3" in out.getvalue() and "Indexed 3 tickets" in out.getvalue()
