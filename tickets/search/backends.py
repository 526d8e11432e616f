"""The two full-text backends: PostgreSQL tsvector + GIN, SQLite FTS5 (R18, ARCHITECTURE.md).

Both receive terms already made by tickets.search.text, so that they agree: a term is a
phrase of one or more words, the last of which may be a prefix, searched in some of the
document's three columns (subject, body: public messages and people; notes: internal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

COLUMNS = ("subject", "body", "notes")
PUBLIC_COLUMNS = ("subject", "body")

# tsvector limits: positions up to 16383, 256 positions per lexeme, 1 MB in all.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 255
MAX_TERMS = 60_000
TSVECTOR_BUDGET = 900_000


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    prefix: bool = False


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(terms: Sequence[str]) -> str:
    """A tsvector written term by term: PostgreSQL's parser never splits our terms.

    Its size stays under PostgreSQL's 1 MB: past TSVECTOR_BUDGET bytes (a huge mail of
    random tokens), further new terms are left out; the terms already in keep counting.
    """
    positions: dict[str, list[int]] = defaultdict(list)
    for index, term in enumerate(terms[:MAX_TERMS], start=1):
        found = positions[term]
        position = min(index, MAX_POSITION)
        if len(found) < MAX_POSITIONS_PER_TERM and (not found or found[-1] != position):
            found.append(position)
    entries, size = [], 0
    for term, found in positions.items():
        # A lexeme's bytes, its entry (4), its positions (2 each) and their count (2).
        size += len(term.encode()) + 6 + 2 * len(found)
        if size > TSVECTOR_BUDGET:
            break
        entries.append(f"{_quote(term)}:{','.join(map(str, found))}")
    return " ".join(entries)


def tsquery_literal(phrase: Phrase) -> str:
    words = [_quote(word) for word in phrase.words]
    if phrase.prefix:
        words[-1] += ":*"
    return " <-> ".join(words)


def fts5_expression(phrase: Phrase, columns: Sequence[str]) -> str:
    text = '"' + " ".join(phrase.words) + '"' + (" *" if phrase.prefix else "")
    return "{" + " ".join(columns) + "} : " + text


@dataclass(frozen=True)
class Document:
    """What the index holds of one ticket."""

    ticket_id: int
    meta: str
    requester: str
    columns: dict[str, list[str]]


def _documents_sql(count: int, row: str, update: Sequence[str]) -> str:
    """One statement for a batch: INSERT ... ON CONFLICT (ticket_id) DO UPDATE."""
    names = ["ticket_id", "meta", "requester", "indexed_at", *update]
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in names[1:])
    return (
        f"INSERT INTO search_document ({', '.join(names)}) VALUES "  # noqa: S608 (our names)
        + ", ".join([row] * count)
        + f" ON CONFLICT (ticket_id) DO UPDATE SET {assignments}"
    )


def _now() -> datetime | str | None:
    """Now as the backend stores it: a datetime for PostgreSQL, text for SQLite."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


class PostgresBackend:
    def write(self, documents: Sequence[Document]) -> None:
        """One round trip for a batch of documents."""
        if not documents:
            return
        vectors = [f"{name}_vector" for name in COLUMNS]
        row = "(%s, %s, %s, %s, " + ", ".join(["%s::tsvector"] * len(COLUMNS)) + ")"
        params: list = []
        now = _now()
        for doc in documents:
            params += [doc.ticket_id, doc.meta, doc.requester, now]
            params += [tsvector_literal(doc.columns[name]) for name in COLUMNS]
        with connection.cursor() as cursor:
            cursor.execute(_documents_sql(len(documents), row, vectors), params)

    def matches(self, phrase: Phrase, columns: Sequence[str]) -> tuple[str, list]:
        """A condition on the search_document row `d`."""
        query = tsquery_literal(phrase)
        sql = " OR ".join(f"d.{name}_vector @@ %s::tsquery" for name in columns)
        return f"({sql})", [query] * len(columns)

    def ticket_matches(self, phrase: Phrase, columns: Sequence[str], ticket: str) -> tuple:
        """A condition on the ticket column `ticket` (the relevance of a result)."""
        sql, params = self.matches(phrase, columns)
        # Only column names of ours are formatted in; every value is a parameter.
        exists = f"EXISTS (SELECT 1 FROM search_document d WHERE d.ticket_id = {ticket} AND {sql})"  # noqa: S608
        return exists, params


class SqliteBackend:
    def write(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        now = _now()
        ids = [doc.ticket_id for doc in documents]
        with connection.cursor() as cursor:
            cursor.executemany(
                _documents_sql(1, "(%s, %s, %s, %s)", []),
                [(doc.ticket_id, doc.meta, doc.requester, now) for doc in documents],
            )
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
            cursor.executemany(
                "INSERT INTO search_fts (rowid, subject, body, notes) VALUES (%s, %s, %s, %s)",
                [
                    (doc.ticket_id, *(" ".join(doc.columns[n][:MAX_TERMS]) for n in COLUMNS))
                    for doc in documents
                ],
            )

    def matches(self, phrase: Phrase, columns: Sequence[str]) -> tuple[str, list]:
        return self.ticket_matches(phrase, columns, "d.ticket_id")

    def ticket_matches(self, phrase: Phrase, columns: Sequence[str], ticket: str) -> tuple:
        return (
            f"{ticket} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",  # noqa: S608
            [fts5_expression(phrase, columns)],
        )


def backend() -> PostgresBackend | SqliteBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
