import pytest

from tickets.search import query as search_query
from tickets.search.selectors import search


@pytest.fixture
def found():
    """The numbers of the tickets a user finds with a query (the service, not a page)."""

    def find(user, text: str) -> set[int]:
        return {ticket.number for ticket in search(user, search_query.parse(text)).tickets}

    return find
