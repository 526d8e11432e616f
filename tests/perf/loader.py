"""The benches' data: ../shared/bench/dataset.py's tickets in PostgreSQL by COPY (issue 17).

Every bench that needs tickets calls `bench_database()`. It generates (or reuses) the
dataset of BENCH_TICKETS tickets, and fills the bench database (BENCH_DATABASE_URL) with
what our services would have written had each ticket been worked through them, in this
order (`script()`, played for real by tests/perf/test_loader.py and compared row by row):

1. the customer's first message opens it by mail (`ticket_open_mail`), in the department of
   the dataset's queue;
2. the helpdesk sets the dataset's priority (`ticket_set_priority`, 1 -> urgent, 2 -> high,
   3 -> normal, 4 and 5 -> low);
3. the dataset's assignee takes it (`ticket_assign`);
4. each later follow-up is an agent's reply (`reply_add`) or the customer's mail
   (`message_add_mail`), at its own time;
5. a resolved ticket is set solved, a closed one closed, by its assignee
   (`ticket_set_status`) at the time of the last follow-up.

The rows are computed in Python by the same code the services' in-transaction subscribers
run (the SLA clock's `clock_step`, the search index's `document_build`) and written with
COPY: tickets, messages, audit events, search documents (with their tsvectors) and SLA
clocks. Each department has a round-the-clock SLA policy, so the due times, the clocks and
the reports have data. The people (20 agents in every department, a manager, the
customers) are few and made with the ORM.

A loaded database is kept as a PostgreSQL template named after the dataset's sha256, the
loader's code and the migrations; the next run with the same key copies it in seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT.parent / "shared" / "bench" / "dataset.py"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
MANAGER_EMAIL = "manager@bench.example"
PASSWORD = "bench-password"  # the agents', the manager's and the customers' (bench only)
STATUSES = {"open": None, "resolved": "solved", "closed": "closed"}
# dataset 1 (critical) .. 5 (very low) -> ours 4 (urgent) .. 1 (low)
PRIORITIES = {1: 4, 2: 3, 3: 2, 4: 1, 5: 1}
POLICY = {
    "first_response_minutes": 4 * 60,
    "next_response_minutes": 8 * 60,
    "resolution_minutes": 3 * 24 * 60,
    "warn_minutes": 30,
}
SUBMITTER = re.compile(r'"submitter":\s*"([^"]+)"')


# --- the dataset ----------------------------------------------------------------------


def dataset(n: int) -> tuple[Path, dict]:
    """The JSONL of n tickets and its meta (generated once per BENCH_DATA_DIR)."""
    folder = Path(os.environ.get("BENCH_DATA_DIR", tempfile.gettempdir())) / "helpdesk-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dataset-{n}.jsonl"
    meta = Path(f"{path}.meta.json")
    if not meta.exists():
        subprocess.run(
            [sys.executable, str(DATASET), "--n", str(n), "--out", str(path)], check=True
        )
    return path, json.loads(meta.read_text())


def tickets_read(path: Path, limit: int | None = None) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Progress:
    """A one-line progress bar on stderr: count, share, rate and time left."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.started = self.shown = time.monotonic()

    def step(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.5 or self.done >= self.total:
            self.shown = now
            rate = self.done / max(now - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate else 0
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            sys.stderr.write(
                f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done:,}/{self.total:,} {rate:,.0f}/s, {left:,.0f} s left  "
            )
            sys.stderr.flush()

    def close(self) -> None:
        took = time.monotonic() - self.started
        sys.stderr.write(f"\r{self.label}: {self.done:,} in {took:.0f} s" + " " * 40 + "\n")


# --- the people -----------------------------------------------------------------------


@dataclass
class Cast:
    """The departments, their policies and the people of a loaded dataset."""

    departments: dict[str, Any]  # slug -> Department
    policies: dict[int, Any]  # department id -> Policy
    staff: dict[str, Any]  # e-mail -> User (agent)
    customers: dict[str, Any] = field(default_factory=dict)  # e-mail -> User
    manager: Any = None


def people_create(meta: dict, submitters: list[str]) -> Cast:
    """Departments with their SLA policy, the agents (members of every department), a
    manager and the customers, in the order the dataset names them."""
    from accounts.models import DepartmentMembership, Role, User
    from tickets.models import Department, DepartmentAddress
    from tickets.sla.models import Policy

    password = _password_hash()
    departments = {}
    for queue in meta["queues"]:
        department = Department.objects.create(name=queue["title"], slug=queue["slug"])
        DepartmentAddress.objects.create(
            department=department, address=f"{queue['slug']}@helpdesk.example"
        )
        departments[queue["slug"]] = department
    policies = {d.pk: Policy.objects.create(department=d, **POLICY) for d in departments.values()}
    staff = {
        person["email"]: User.objects.create(
            email=person["email"],
            name=f"{person['first_name']} {person['last_name']}",
            role=Role.AGENT,
            password=password,
        )
        for person in meta["staff"]
    }
    DepartmentMembership.objects.bulk_create(
        DepartmentMembership(user=agent, department=department)
        for agent in staff.values()
        for department in departments.values()
    )
    manager = User.objects.create(
        email=MANAGER_EMAIL, name="Bench Manager", role=Role.MANAGER, password=password
    )
    made = User.objects.bulk_create(
        User(email=email, name=email.split("@")[0], role=Role.CUSTOMER, password=password)
        for email in submitters
    )
    return Cast(
        departments=departments,
        policies=policies,
        staff=staff,
        customers={user.email: user for user in made},
        manager=manager,
    )


def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def submitters_read(path: Path, limit: int | None = None) -> list[str]:
    """Every submitter, in the order of first appearance (a quick scan, no JSON parse)."""
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                break
            found = SUBMITTER.search(line)
            if found:
                seen.setdefault(found.group(1), None)
    return list(seen)


# --- what the services would do -------------------------------------------------------


@dataclass(frozen=True)
class Step:
    action: str  # open, priority, assign, reply, message, status
    at: datetime
    actor: Any  # User or None
    values: dict


def script(data: dict, cast: Cast) -> list[Step]:
    """The service calls that work one dataset ticket, in order (module docstring)."""
    requester = cast.customers[data["submitter"]]
    followups = data["followups"]
    opened = when(data["created"])
    steps = [
        Step(
            "open",
            opened,
            requester,
            {
                "department": cast.departments[data["queue"]],
                "subject": data["subject"],
                "body_text": followups[0]["text"],
            },
        )
    ]
    priority = PRIORITIES[data["priority"]]
    if priority != 2:
        steps.append(Step("priority", opened, None, {"priority": priority}))
    assignee = cast.staff.get(data["assignee"] or "")
    if assignee is not None:
        steps.append(Step("assign", opened, assignee, {"assignee": assignee}))
    for followup in followups[1:]:
        staff = cast.staff.get(followup["author"])
        at = when(followup["created"])
        if staff is not None:
            steps.append(Step("reply", at, staff, {"body_text": followup["text"]}))
        else:
            steps.append(Step("message", at, requester, {"body_text": followup["text"]}))
    status = STATUSES[data["status"]]
    if status is not None:
        steps.append(Step("status", when(followups[-1]["created"]), assignee, {"status": status}))
    return steps


def script_play(steps: list[Step]) -> Any:
    """Works one ticket through the real services, each call at its moment (the loader's
    check, tests/perf/test_loader.py). Returns the ticket."""
    import time_machine

    from tickets import services
    from tickets.models import Priority, Status

    ticket = None
    for step in steps:
        with time_machine.travel(step.at, tick=False):
            values = step.values
            if step.action == "open":
                ticket = services.ticket_open_mail(actor=step.actor, requester=step.actor, **values)
            elif step.action == "priority":
                services.ticket_set_priority(
                    actor=None, ticket=ticket, priority=Priority(values["priority"])
                )
            elif step.action == "assign":
                services.ticket_assign(actor=step.actor, ticket=ticket, **values)
            elif step.action == "reply":
                services.reply_add(actor=step.actor, ticket=ticket, **values)
            elif step.action == "message":
                services.message_add_mail(actor=step.actor, ticket=ticket, **values)
            else:
                services.ticket_set_status(
                    actor=step.actor, ticket=ticket, status=Status(values["status"])
                )
    return ticket


class Ids:
    """The next primary key of each table the loader writes."""

    def __init__(self, message: int = 1, event: int = 1):
        self.message, self.event = message, event


@dataclass
class Rows:
    ticket: Any
    messages: list
    events: list
    document: Any
    clock: Any


def script_rows(ticket_id: int, number: int, steps: list[Step], cast: Cast, ids: Ids) -> Rows:
    """What the services write for these steps, computed in memory (no query)."""
    from tickets.mail import message_id_new
    from tickets.models import (
        Channel,
        EventVerb,
        MessageKind,
        Priority,
        Status,
        Ticket,
    )
    from tickets.search.indexing import document_build
    from tickets.services.events import person_ref
    from tickets.services.opening import _clean_subject
    from tickets.sla.clock import TRACKED, Keeper, clock_step
    from tickets.sla.models import TicketClock

    messages: list = []
    events: list = []
    ticket: Any = None
    clock: Any = None

    def policy_for(t: Any) -> Any:
        return cast.policies.get(t.department_id)

    def event(verb: str, at: datetime, actor: Any, **extra: Any) -> None:
        wrote = extra.get("message")
        row = {
            "id": ids.event,
            "ticket_id": ticket.pk,
            "actor_id": actor.pk if actor else None,
            "verb": verb,
            "before": extra.get("before") or {},
            "after": extra.get("after") or {},
            "message_id": wrote.id if wrote else None,
            "created_at": at,
        }
        ids.event += 1
        events.append(row)
        if verb in TRACKED:
            # What clock_step reads of a TicketEvent (a model instance costs more to make).
            record: Any = SimpleNamespace(
                ticket=ticket,
                actor=actor,
                message=wrote,
                **row,  # type: ignore[arg-type]
            )
            keeper = Keeper(ticket, clock, at)
            clock_step(keeper, record, policy_for)
            keeper.settle()

    def message(
        kind: str, channel: str, author: Any, body: str, at: datetime, mid: str = ""
    ) -> Any:
        record = SimpleNamespace(
            id=ids.message,
            ticket_id=ticket.pk,
            author_id=author.pk if author else None,
            kind=kind,
            channel=channel,
            body_text=body,
            body_html="",
            message_id=mid,
            in_reply_to="",
            references="",
            sender_verified=True,
            split_to_id=None,
            time_spent=None,
            created_at=at,
        )
        ids.message += 1
        messages.append(record)
        return record

    def status_change(actor: Any, status: str, verb: str, at: datetime, with_reply: bool) -> None:
        before: dict = {"status": ticket.status}
        if with_reply:
            before["with_reply"] = True
        ticket.status = status
        ticket.updated_at = at
        if status == Status.SOLVED:
            ticket.solved_at = at
            ticket.waiting_since = None
        elif status == Status.CLOSED:
            ticket.closed_at = at
            ticket.solved_at = ticket.solved_at or at
            ticket.waiting_since = None
        else:
            ticket.solved_at = None
            ticket.closed_at = None
        event(verb, at, actor, before=before, after={"status": status})

    for step in steps:
        at, actor, values = step.at, step.actor, step.values
        if step.action == "open":
            department = values["department"]
            ticket = Ticket(
                id=ticket_id,
                number=number,
                subject=_clean_subject(values["subject"]),
                department=department,
                requester=actor,
                organization_id=actor.organization_id,
                priority=Priority.NORMAL,
                channel=Channel.EMAIL,
                status=Status.NEW,
                created_at=at,
                updated_at=at,
                last_customer_activity_at=at,
                waiting_since=at,
            )
            clock = TicketClock(ticket=ticket)
            first = message(MessageKind.CUSTOMER, Channel.EMAIL, actor, values["body_text"], at)
            event(
                EventVerb.OPENED,
                at,
                actor,
                after={
                    "department": department.name,
                    "channel": Channel.EMAIL,
                    "requester": person_ref(actor),
                    "linked_ticket": None,
                    "automatic": False,
                },
                message=first,
            )
        elif step.action == "priority":
            before = ticket.priority
            ticket.priority = values["priority"]
            ticket.updated_at = at
            event(
                EventVerb.PRIORITY_CHANGED,
                at,
                actor,
                before={"priority": int(before)},
                after={"priority": int(values["priority"])},
            )
        elif step.action == "assign":
            ticket.assignee = values["assignee"]
            ticket.updated_at = at
            event(
                EventVerb.ASSIGNED,
                at,
                actor,
                before=person_ref(None),
                after=person_ref(values["assignee"]),
            )
        elif step.action == "reply":
            new_status = Status.OPEN if ticket.status == Status.NEW else ticket.status
            reply = message(
                MessageKind.AGENT,
                Channel.WEB,
                actor,
                values["body_text"],
                at,
                message_id_new(ticket.number),
            )
            event(EventVerb.REPLIED, at, actor, after={"status": new_status}, message=reply)
            if ticket.assignee_id is None:
                ticket.assignee = actor
                event(
                    EventVerb.ASSIGNED, at, actor, before=person_ref(None), after=person_ref(actor)
                )
            if new_status != ticket.status:
                status_change(actor, new_status, EventVerb.STATUS_CHANGED, at, with_reply=True)
            ticket.first_response_at = ticket.first_response_at or at
            ticket.last_agent_activity_at = at
            ticket.waiting_since = None
            ticket.updated_at = at
        elif step.action == "message":
            wrote = message(MessageKind.CUSTOMER, Channel.EMAIL, actor, values["body_text"], at)
            event(EventVerb.MESSAGE_ADDED, at, actor, message=wrote, after={"automatic": False})
            if ticket.status == Status.PENDING:
                status_change(actor, Status.OPEN, EventVerb.STATUS_CHANGED, at, with_reply=False)
            ticket.last_customer_activity_at = at
            ticket.waiting_since = ticket.waiting_since or at
            ticket.updated_at = at
        else:
            status = values["status"]
            if status != ticket.status:
                verb = EventVerb.CLOSED if status == Status.CLOSED else EventVerb.STATUS_CHANGED
                status_change(actor, status, verb, at, with_reply=False)

    requester = ticket.requester
    who = f"{requester.name} {requester.email}"
    document = document_build(
        ticket_id=ticket.pk,
        subject=ticket.subject,
        people=[who, str(ticket.number)],
        requester=who,
        messages=[(m.kind, m.body_text, []) for m in messages],
    )
    return Rows(ticket=ticket, messages=messages, events=events, document=document, clock=clock)


# --- COPY -----------------------------------------------------------------------------


def _columns(model: Any) -> tuple[str, list[str], list[Any]]:
    fields = list(model._meta.concrete_fields)
    return model._meta.db_table, [f.column for f in fields], fields


class Writer:
    """One COPY per table, fed row by row."""

    def __init__(self, cursor: Any):
        from tickets.models import Message, Ticket, TicketEvent
        from tickets.sla.models import TicketClock

        self.cursor = cursor
        self.tables = {
            "ticket": _columns(Ticket),
            "message": _columns(Message),
            "event": _columns(TicketEvent),
            "clock": _columns(TicketClock),
        }
        self.buffers: dict[str, list[tuple]] = {name: [] for name in [*self.tables, "document"]}

    def add(self, rows: Rows) -> None:
        self.buffers["ticket"].append(self._row("ticket", rows.ticket))
        self.buffers["message"].extend(self._row("message", m) for m in rows.messages)
        events = self.tables["event"][2]
        self.buffers["event"].extend(
            tuple(
                json.dumps(row[f.attname]) if f.attname in ("before", "after") else row[f.attname]
                for f in events
            )
            for row in rows.events
        )
        self.buffers["clock"].append(self._row("clock", rows.clock))
        self.buffers["document"].append(_document_row(rows.document, rows.ticket.created_at))

    def _row(self, table: str, obj: Any) -> tuple:
        from django.db.models import JSONField

        values = []
        for f in self.tables[table][2]:
            value = getattr(obj, f.attname)
            if isinstance(f, JSONField):
                value = json.dumps(value)
            values.append(value)
        return tuple(values)

    def flush(self) -> None:
        order = ("ticket", "message", "event", "clock")
        for name in order:
            table, columns, _fields = self.tables[name]
            self._copy(table, columns, self.buffers[name])
        self._copy("search_document", DOCUMENT_COLUMNS, self.buffers["document"])

    def _copy(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{column}"' for column in columns)
        sql = f"COPY {table} ({names}) FROM STDIN"
        with self.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        rows.clear()


DOCUMENT_COLUMNS = [
    "ticket_id",
    "meta",
    "requester",
    "indexed_at",
    "subject_vector",
    "body_vector",
    "notes_vector",
]


def _document_row(document: Any, indexed_at: datetime) -> tuple:
    from tickets.search.backends import COLUMNS, tsvector_literal

    return (
        document.ticket_id,
        document.meta,
        document.requester,
        indexed_at,
        *(tsvector_literal(document.columns[name]) for name in COLUMNS),
    )


CHUNK = 2000  # tickets per COPY round (and per job of a worker process)
EVENTS_MAX = 16  # audit events one dataset ticket can make at most (event ids per ticket)
AUTHOR = b'"author"'  # one per follow-up; a quote inside a text is escaped in JSON


@dataclass(frozen=True)
class Job:
    offset: int  # where its first line starts in the file
    count: int
    message: int  # its first message id
    event: int  # its first event id


def jobs_plan(path: Path, limit: int | None, message: int, event: int) -> list[Job]:
    """Cuts the file in jobs of CHUNK tickets, with the ids each job starts at."""
    jobs = []
    offset = count = messages = 0
    start = 0
    with path.open("rb") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                break
            count += 1
            messages += line.count(AUTHOR)
            offset += len(line)
            if count == CHUNK:
                jobs.append(Job(start, count, message, event))
                message, event = message + messages, event + count * EVENTS_MAX
                start, count, messages = offset, 0, 0
    if count:
        jobs.append(Job(start, count, message, event))
    return jobs


def _job_load(path: Path, job: Job, first_ticket: int, cast: Cast, replica: bool) -> int:
    from django.db import connection

    from tickets.services.common import FIRST_TICKET_NUMBER

    ids = Ids(job.message, job.event)
    with connection.cursor() as wrapper:
        if replica:
            # No trigger (the foreign keys' checks): the rows refer to rows written first.
            wrapper.execute("SET session_replication_role = replica")
        writer = Writer(wrapper.cursor)
        with path.open("rb") as lines:
            lines.seek(job.offset)
            for _ in range(job.count):
                data = json.loads(lines.readline())
                number = FIRST_TICKET_NUMBER - 1 + data["id"]
                steps = script(data, cast)
                writer.add(script_rows(first_ticket + data["id"] - 1, number, steps, cast, ids))
        writer.flush()
    return job.count


_WORK: dict[str, Any] = {}  # what the forked worker processes inherit


def _job_run(job: Job) -> int:
    return _job_load(_WORK["path"], job, _WORK["first"], _WORK["cast"], replica=True)


def tickets_load(
    path: Path,
    cast: Cast,
    *,
    limit: int | None = None,
    total: int | None = None,
    workers: int = 1,
) -> int:
    """Computes and COPYs every ticket of the dataset (the first `limit`); returns how many.

    Ticket ids and numbers follow the dataset (number = 1000 + id, as the services number
    them from 1001); message and event ids continue after those the tables hold. With
    `workers` > 1, forked processes load the jobs side by side (each its own connection,
    foreign-key triggers off: the bench database only)."""
    import multiprocessing

    from django.db import connection, connections

    from tickets.models import Message, Ticket, TicketCounter, TicketEvent
    from tickets.services.common import FIRST_TICKET_NUMBER

    def next_id(model: Any) -> int:
        return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    first_ticket = next_id(Ticket)
    jobs = jobs_plan(path, limit, next_id(Message), next_id(TicketEvent))
    count = sum(job.count for job in jobs)
    progress = Progress("loading tickets", total or count)
    if workers > 1:
        _WORK.update(path=path, first=first_ticket, cast=cast)
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for done in pool.imap_unordered(_job_run, jobs):
                progress.step(done)
    else:
        for job in jobs:
            progress.step(_job_load(path, job, first_ticket, cast, replica=False))
    progress.close()
    with connection.cursor() as cursor:
        for model in (Ticket, Message, TicketEvent):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    TicketCounter.objects.update_or_create(
        name="ticket", defaults={"value": FIRST_TICKET_NUMBER - 1 + count}
    )
    return count


# --- the database and its template ----------------------------------------------------


def _admin_url(url: str) -> str:
    return urlsplit(url)._replace(path="/postgres").geturl()


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def template_key(meta: dict) -> str:
    """The dataset's sha256 and the code that computes the rows. New migrations are applied
    to a copy of the template (`bench_database`), as a deployment applies them."""
    digest = hashlib.sha256(meta["jsonl_sha256"].encode())
    sources = [Path(__file__), ROOT / "tickets" / "sla" / "clock.py"]
    sources += [ROOT / "tickets" / "search" / n for n in ("indexing.py", "text.py", "backends.py")]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def _execute(url: str, *statements: str) -> list:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        result: list = []
        for statement in statements:
            cursor = conn.execute(statement)
            if cursor.description:
                result = cursor.fetchall()
        return result


def _indexes_drop(cursor: Any, tables: list[str]) -> list[str]:
    """Drops the secondary indexes of these tables (not those of constraints); returns
    their definitions to build them again once the rows are in."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


@dataclass
class Bench:
    n: int
    path: Path
    meta: dict
    cached: bool
    seconds: float


def bench_database(n: int, url: str) -> Bench:
    """The bench database with the dataset of n tickets, from the template when it exists.

    Sets Django up on it (tests.perf.bench_ingest.setup_django)."""
    from tests.perf.bench_ingest import setup_django

    path, meta = dataset(n)
    name = _name(url)
    template = f"{name}_tpl_{n}_{template_key(meta)}"
    started = time.perf_counter()
    exists = _execute(url, f"SELECT 1 FROM pg_database WHERE datname = '{template}'")
    stale = _execute(
        url,
        f"SELECT datname FROM pg_database WHERE datname LIKE '{name}_tpl_{n}_%' "
        f"AND datname <> '{template}'",
    )
    for (old,) in stale:
        _execute(url, f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    _execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if exists:
        _execute(url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        setup_django(url, tempfile.mkdtemp(prefix="helpdesk-bench-media-"))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return Bench(n, path, meta, True, time.perf_counter() - started)

    _execute(url, f'CREATE DATABASE "{name}"')
    setup_django(url, tempfile.mkdtemp(prefix="helpdesk-bench-media-"))
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    cast = people_create(meta, submitters_read(path))
    from tickets.models import Message, Ticket, TicketEvent
    from tickets.search.models import SearchDocument
    from tickets.sla.models import TicketClock

    models = (Ticket, Message, TicketEvent, SearchDocument, TicketClock)
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        definitions = _indexes_drop(cursor, tables)
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", os.cpu_count() or 1))
    tickets_load(path, cast, total=meta["n_tickets"], workers=max(workers, 2))
    with connection.cursor() as cursor:
        progress = Progress("building indexes", len(definitions))
        for definition in definitions:
            cursor.execute(definition)
            progress.step()
        progress.close()
    connection.close()
    sys.stderr.write("vacuum analyze...\n")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    connections.close_all()
    _execute(url, f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
    return Bench(n, path, meta, False, time.perf_counter() - started)
