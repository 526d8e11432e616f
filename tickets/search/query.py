"""The query language, parsed into a structure both backends search (R18).

    words            every word must be found, in any of its forms (stemmed)
    "exact phrase"   the words next to each other, in this order
    -word, -"a b"    tickets without it
    word*            words beginning with it
    from:petrov      the requester's name or address contains it
    assignee:me      me, none, or a name or address
    dept:billing     a department by name or slug
    status:open      new, open, pending, solved, closed (active, done, any)
    priority:high    low, normal, high, urgent
    channel:email    web, email, api, phone
    after:2026-01-31, before:31.01.2026, after:7d   created after/before (days, weeks, months ago)
    has:attachment   with an attached file
    is:note          the words in internal notes (agents)
    tag:vip          tickets with this tag, any case (agents; issue 11)
    field:os=linux   a custom field's value, by the field's key (field:os: any value)
    #123 or 123      the ticket with this number, opened directly when it is in reach

Never raises: whatever is typed, the result is a query, possibly with `errors` (translated
messages about what was left out) and possibly empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.search import text
from tickets.search.backends import Phrase

MAX_LENGTH = 500
MAX_TERMS = 20

TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
NUMBER = re.compile(r"#?(\d{1,9})")
RELATIVE = re.compile(r"(\d{1,4})([dwmy])")
RELATIVE_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y.%m.%d")

OPERATORS = {
    *("from", "assignee", "dept", "status", "priority", "channel"),
    *("before", "after", "has", "is", "tag", "field"),
}


@dataclass(frozen=True)
class Term:
    """A word or phrase: stemmed words for the full text, the folded raw text for substrings."""

    phrase: Phrase
    raw: str
    negated: bool = False
    quoted: bool = False


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    number: int | None = None
    requester: list[str] = field(default_factory=list)
    assignee: list[str] = field(default_factory=list)
    department: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    after: date | None = None
    before: date | None = None
    has_attachment: bool = False
    in_notes: bool = False
    tags: list[str] = field(default_factory=list)
    # (field key, wanted value; "" for any value)
    fields: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def positive(self) -> list[Term]:
        return [term for term in self.terms if not term.negated]

    @property
    def is_empty(self) -> bool:
        return self == Query(errors=self.errors)


def parse_date(value: str, today: date | None = None) -> date | None:
    """A calendar date, `today`, `yesterday`, or a time ago (7d, 2w, 3m, 1y); None if invalid."""
    today = today or timezone.localdate()
    value = value.strip().lower()
    if value in {"today", "сегодня", "heute", "сьогодні"}:
        return today
    if value in {"yesterday", "вчера", "gestern", "вчора"}:
        return today - timedelta(days=1)
    relative = RELATIVE.fullmatch(value)
    if relative:
        return today - timedelta(days=int(relative[1]) * RELATIVE_DAYS[relative[2]])
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _term(value: str, *, negated: bool, quoted: bool) -> Term | None:
    prefix = not quoted and value.endswith("*")
    words = [word for _start, _end, word in text.word_spans(value)]
    if not words:
        return None
    stems = [text.stem(word) for word in words[:-1]]
    stems.append(text.prefix_term(words[-1]) if prefix else text.stem(words[-1]))
    return Term(
        phrase=Phrase(tuple(stems), prefix=prefix),
        raw=text.fold(value.rstrip("*")).strip(),
        negated=negated,
        quoted=quoted,
    )


def _operator(query: Query, name: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    if name in {"before", "after"}:
        day = parse_date(value)
        if day is None:
            query.errors.append(_("“%(value)s” is not a valid date.") % {"value": value})
        else:
            setattr(query, name, day)
    elif name == "has":
        if value.lower() in {"attachment", "attachments", "file", "files"}:
            query.has_attachment = True
        else:
            query.errors.append(_("Unknown has: value “%(value)s”.") % {"value": value})
    elif name == "tag":
        query.tags.append(value)
    elif name == "field":
        key, _sep, wanted = value.partition("=")
        if not key.strip():
            query.errors.append(
                _("Write field:key=value, for example field:os=linux: “%(value)s”.")
                % {"value": value}
            )
        else:
            query.fields.append((key.strip().lower(), wanted.strip()))
    elif name == "is":
        if value.lower() in {"note", "notes"}:
            query.in_notes = True
        else:
            query.errors.append(_("Unknown is: value “%(value)s”.") % {"value": value})
    else:
        target = {"from": query.requester, "dept": query.department}.get(name)
        (target if target is not None else getattr(query, name)).append(text.fold(value))


def parse(raw: str) -> Query:
    query = Query()
    raw = raw or ""
    if len(raw) > MAX_LENGTH:
        query.errors.append(
            _("Only the first %(count)d characters were searched.") % {"count": MAX_LENGTH}
        )
        raw = raw[:MAX_LENGTH]
    raw = raw.replace("\x00", " ").strip()
    number = NUMBER.fullmatch(raw)
    if number:
        query.number = int(number[1])
    for match in TOKEN.finditer(raw):
        negated, name, quoted, bare = match[1] == "-", (match[2] or "").lower(), match[3], match[4]
        value = quoted if quoted is not None else bare
        if name in OPERATORS and not negated:
            _operator(query, "requester" if name == "from" else name, value or "")
            continue
        if name:  # not an operator: "error:5" or "http://..." are words
            value = f"{match[2]}:{value}"
        term = _term(value or "", negated=bool(negated), quoted=quoted is not None)
        if term is None:
            continue
        if len(query.terms) >= MAX_TERMS:
            query.errors.append(
                _("Only the first %(count)d words were searched.") % {"count": MAX_TERMS}
            )
            break
        query.terms.append(term)
    return query
