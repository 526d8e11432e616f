"""The benches' loader writes what the services write (issue 17).

The first 200 tickets of a small dataset are worked through the real services, each call
at its moment; then the same tickets are loaded with COPY by tests/perf/loader.py; every
row of the tickets, messages, audit events, search documents and SLA clocks must agree
field by field, ids and the index's own timestamp aside.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import postgres_only
from tests.perf import loader
from tickets.models import Message, Ticket, TicketEvent
from tickets.sla.models import TicketClock

pytestmark = [*postgres_only, pytest.mark.django_db]

# A reply's Message-ID carries a random nonce and its signature: only its form is compared.
REPLY_ID = re.compile(r"^<hd\.(\d+)\.[0-9a-f]+\.[^@>]+@[^>]+>$")


def _dataset(folder: Path, n: int) -> tuple[Path, dict]:
    path = folder / f"dataset-{n}.jsonl"
    subprocess.run(
        [sys.executable, str(loader.DATASET), "--n", str(n), "--out", str(path)],
        check=True,
        capture_output=True,
    )
    return path, json.loads(Path(f"{path}.meta.json").read_text())


def _fields(obj: object, skip: set[str]) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields  # type: ignore[attr-defined]
        if f.attname not in skip
    }


def _message_id(value: str, number: int) -> str:
    found = REPLY_ID.match(value)
    if found:
        assert int(found.group(1)) == number, value
        return "<reply>"
    return value


def snapshot() -> dict[int, dict]:
    """Every row of every ticket, by ticket number, without ids and noise."""
    tickets = {}
    for ticket in Ticket.objects.order_by("number"):
        messages = list(Message.objects.filter(ticket=ticket).order_by("created_at", "id"))
        position = {m.pk: index for index, m in enumerate(messages)}
        events = TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT meta, requester, subject_vector::text, body_vector::text, "
                "notes_vector::text FROM search_document WHERE ticket_id = %s",
                [ticket.pk],
            )
            document = cursor.fetchone()
        clock = TicketClock.objects.get(ticket=ticket)
        tickets[ticket.number] = {
            "ticket": _fields(ticket, {"id"}),
            "messages": [
                {
                    **_fields(m, {"id", "ticket_id", "message_id"}),
                    "message_id": _message_id(m.message_id, ticket.number),
                }
                for m in messages
            ],
            "events": [
                {
                    **_fields(e, {"id", "ticket_id", "message_id"}),
                    "message": position.get(e.message_id),  # type: ignore[arg-type]
                }
                for e in events
            ],
            "document": document,
            "clock": _fields(clock, {"ticket_id"}),
        }
    return tickets


def _played_and_loaded(path: Path, meta: dict, limit: int) -> tuple[dict, dict]:
    cast = loader.people_create(meta, loader.submitters_read(path, limit))
    for data in loader.tickets_read(path, limit):
        loader.script_play(loader.script(data, cast))
    played = snapshot()
    Ticket.objects.all().delete()
    loaded_count = loader.tickets_load(path, cast, limit=limit)
    assert loaded_count == len(played)
    return played, snapshot()


def _assert_same(played: dict, loaded: dict) -> None:
    assert played.keys() == loaded.keys()
    for number, rows in played.items():
        for part, value in rows.items():
            assert loaded[number][part] == value, f"ticket {number}, {part}"


def test_loaded_rows_are_the_rows_the_services_write(tmp_path):
    """Issue 17: 200 tickets of the shared dataset, played through the services and loaded
    with COPY, give the same tickets, messages, events, search documents and SLA clocks."""
    path, meta = _dataset(tmp_path, 200)
    played, loaded = _played_and_loaded(path, meta, 200)
    assert len(played) == 200
    statuses = {rows["ticket"]["status"] for rows in played.values()}
    assert statuses == {"new", "open", "solved", "closed"}
    assert sum(len(rows["events"]) for rows in played.values()) > 600
    _assert_same(played, loaded)


def test_hostile_text_survives_the_copy_as_it_survives_the_services(tmp_path):
    """Issue 17, R4: tabs, newlines, backslashes, COPY's own null marker, quotes, ё and an
    overlong subject load exactly as the services store them."""
    path, meta = _dataset(tmp_path, 3)
    lines = path.read_text(encoding="utf-8").splitlines()
    hostile = json.loads(lines[0])
    hostile["subject"] = "\t Счёт\\N  №1 'quoted' \"twice\"\n" + "x" * 300
    hostile["status"] = "resolved"
    hostile["assignee"] = meta["staff"][0]["email"]
    for followup in hostile["followups"]:
        followup["text"] = "Tab\there, back\\slash, \\N, new\r\nline, ЁЛКА ёлка 'it''s' \x7f end"
    lines[0] = json.dumps(hostile, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    played, loaded = _played_and_loaded(path, meta, 3)
    first = min(played)
    assert played[first]["ticket"]["subject"].startswith("Счёт\\N №1")
    assert "back\\slash" in played[first]["messages"][0]["body_text"]
    _assert_same(played, loaded)
