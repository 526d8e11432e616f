"""Where the words were found: a short excerpt of a message, its matching words marked.

An excerpt is a list of (text, matched) parts; the template escapes every part and wraps
the matched ones in <mark>, so no user text is ever marked safe. Only messages the user
may read are looked at: never internal notes for customers (R16).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from accounts.models import User
from tickets.models import INTERNAL_KINDS, Message, Ticket
from tickets.search import text
from tickets.search.query import Query

WORDS_AROUND = 12
MAX_PARTS_TEXT = 400
SCANNED_CHARS = 20_000

SPACES = re.compile(r"\s+")

Snippet = list[tuple[str, bool]]


def _wanted(query: Query) -> tuple[set[str], tuple[str, ...]]:
    whole, prefixes = set(), []
    for term in query.positive:
        *words, last = term.phrase.words
        whole.update(words)
        (prefixes.append(last) if term.phrase.prefix else whole.add(last))
    return whole, tuple(prefixes)


def snippet(body: str, whole: set[str], prefixes: tuple[str, ...]) -> Snippet | None:
    """The words around the first match in `body`, or None when no word matches."""
    body = body[:SCANNED_CHARS]
    spans = list(text.word_spans(body))
    hits = [
        index
        for index, (_start, _end, word) in enumerate(spans)
        if text.stem(word) in whole or (prefixes and word.startswith(prefixes))
    ]
    if not hits:
        return None
    first = max(hits[0] - WORDS_AROUND, 0)
    last = min(hits[0] + WORDS_AROUND, len(spans) - 1)
    marked = set(hits)
    parts: Snippet = [("… ", False)] if first > 0 else []
    position = spans[first][0]
    for index in range(first, last + 1):
        start, end, _word = spans[index]
        if start < position:  # a word folding split in two: one span
            continue
        parts.append((body[position:start], False))
        parts.append((body[start:end], index in marked))
        position = end
    if last < len(spans) - 1:
        parts.append((" …", False))
    merged: Snippet = []
    for part, hit in parts:
        part = SPACES.sub(" ", part)
        if merged and not hit and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + part, False)
        elif part:
            merged.append((part, hit))
    return merged


def snippets_attach(user: User, tickets: Iterable[Ticket], query: Query) -> None:
    """Sets `ticket.snippet` on each ticket of a page (one query for the page)."""
    tickets = list(tickets)
    found = _snippets(user, tickets, query)
    for ticket in tickets:
        # An attribute of the page for the template, not a field of the model.
        ticket.snippet = found.get(ticket.pk)  # type: ignore[attr-defined]


def _snippets(user: User, tickets: list[Ticket], query: Query) -> dict[int, Snippet | None]:
    """Each ticket's snippet from its first message that matches."""
    found: dict[int, Snippet | None] = {}
    whole, prefixes = _wanted(query)
    if not tickets or not (whole or prefixes):
        return found
    messages = Message.objects.filter(ticket__in=tickets).order_by("created_at", "id")
    if not user.is_agent:
        messages = messages.exclude(kind__in=INTERNAL_KINDS)
    elif query.in_notes:
        messages = messages.filter(kind__in=INTERNAL_KINDS)
    for ticket_id, body in messages.values_list("ticket_id", "body_text"):
        if found.get(ticket_id) is None:
            found[ticket_id] = snippet(body, whole, prefixes)
    return found
