"""Fills an empty database with a demo helpdesk and prints the logins.

The history is written through the real services (so every ticket has its audit trail),
each step at a made-up moment of the past 60 days.
"""

from __future__ import annotations

import io
import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import DepartmentMembership, Organization, Role, Service, User
from tickets import services
from tickets.canned.demo import seed_canned_responses
from tickets.fields.demo import seed_tags_and_fields
from tickets.management.commands import _demo_content as content
from tickets.models import (
    Category,
    Department,
    DepartmentAddress,
    EventDelivery,
    Priority,
    RatingScore,
    Status,
    Ticket,
)
from tickets.sla.escalation import escalations_scan
from tickets.sla.models import Calendar, Holiday, Policy
from tickets.uploads import NewAttachment, check_upload

DEMO_PASSWORD = "demo"
TICKETS = 200
# Share of tickets left in each state.
DEMO_LOGINS = [
    ("admin@hosting.example", "administrator: everything, /admin/"),
    ("manager@hosting.example", "manager: all departments"),
    ("anna@hosting.example", "agent: Technical support"),
    ("boris@hosting.example", "agent: Technical support, Billing (Russian UI)"),
    ("clara@hosting.example", "agent: Sales (German UI)"),
    ("ivan.petrov@romashka.example", "customer, organization shares tickets (Russian)"),
    ("john.miller@northwind.example", "customer, organization does not share"),
    ("customer@example.com", "customer without organization"),
]
STATUS_MIX = [
    (Status.NEW, 0.12),
    (Status.OPEN, 0.22),
    (Status.PENDING, 0.14),
    (Status.SOLVED, 0.17),
    (Status.CLOSED, 0.35),
]


@contextmanager
def clock(at: datetime):
    """Makes the services believe it is `at`."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _png(text: str) -> bytes:
    image = Image.new("RGB", (640, 360), "#f4f5f7")
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 60, 600, 300], fill="#ffffff", outline="#c62828", width=3)
    draw.text((70, 90), "Error", fill="#c62828")
    draw.text((70, 130), text, fill="#222222")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _pdf(text: str) -> bytes:
    """A one-page PDF with one line of (ASCII) text, written by hand."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _attachment(kind: str, lang: str, n: int) -> NewAttachment:
    if kind == "screenshot":
        name = "скриншот ошибки.png" if lang == "ru" else "error-screenshot.png"
        data = _png(f"HTTP 50{n % 4}: the server did not answer in time")
    elif kind == "invoice":
        name = f"платёжное поручение №{n}.pdf" if lang == "ru" else f"bank-statement-{n}.pdf"
        data = _pdf(f"Payment order {n}: 4,990.00 EUR")
    else:
        name = "вывод-top.log" if lang == "ru" else "ssh-debug.log"
        data = (
            b"top - 10:31:02 up 41 days,  load average: 28.14, 30.02, 27.88\n"
            b"debug1: Connecting to 203.0.113.7 port 22.\n"
            b"debug1: connect to address 203.0.113.7 port 22: Connection refused\n"
        )
    return check_upload(io.BytesIO(data), name)


class Command(BaseCommand):
    help = "Creates demo departments, people and about 200 tickets, then prints the logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, no_logins: bool = False, **options) -> None:
        if Ticket.objects.exists():
            self.stdout.write("The database already holds tickets: demo data not added.")
        else:
            self.random = random.Random(2026)
            with transaction.atomic():
                self._build()
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {TICKETS} tickets."))
        if not no_logins:
            print_logins(self.stdout)

    # --- configuration ---------------------------------------------------------------

    def _build(self) -> None:
        self.departments = {}
        for spec in content.DEPARTMENTS:
            department = Department.objects.create(
                name=spec["name"],
                slug=spec["slug"],
                sender_name=spec["sender_name"],
                sender_address=spec["addresses"][0],
                signature=spec["signature"],
                translations=content.DEPARTMENT_TRANSLATIONS.get(spec["slug"], {}),
            )
            for address in spec["addresses"]:
                DepartmentAddress.objects.create(department=department, address=address)
            self.departments[spec["slug"]] = department
        self.categories = {}
        for position, (key, spec) in enumerate(content.CATEGORIES.items()):
            self.categories[key] = Category.objects.create(
                name=spec["name"],
                guidance=spec["guidance"],
                translations=content.CATEGORY_TRANSLATIONS.get(key, {}),
                kind=spec["kind"],
                default_department=self.departments[spec["department"]],
                position=position,
            )
        self.agents: dict[str, list[User]] = {slug: [] for slug in self.departments}
        inactive = []
        for email, name, role, slugs, language, active in content.STAFF:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                name=name,
                role=role,
                language=language,
                email_verified=True,
            )
            for slug in slugs:
                DepartmentMembership.objects.create(
                    user=user,
                    department=self.departments[slug],
                    role="manager" if role == Role.MANAGER else "agent",
                )
                if role == Role.AGENT:
                    self.agents[slug].append(user)
            if not active:
                inactive.append(user)
        self.customers: list[tuple[User, list[Service], str]] = []
        for spec in content.ORGANIZATIONS:
            organization = Organization.objects.create(
                name=spec["name"], shares_tickets=spec["shares_tickets"]
            )
            org_services = [
                Service.objects.create(
                    name=name,
                    kind=kind,
                    organization=organization,
                    translations=content.SERVICE_KIND_TRANSLATIONS.get(kind, {}),
                )
                for name, kind in spec["services"]
            ]
            for email, name, language in spec["members"]:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    name=name,
                    language=language,
                    organization=organization,
                    email_verified=True,
                )
                self.customers.append((user, org_services, spec["domain"]))
        for email, name, language, own in content.INDIVIDUALS:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, name=name, language=language, email_verified=True
            )
            own_services = [
                Service.objects.create(
                    name=sname,
                    kind=kind,
                    customer=user,
                    translations=content.SERVICE_KIND_TRANSLATIONS.get(kind, {}),
                )
                for sname, kind in own
            ]
            self.customers.append((user, own_services, email.split("@")[1]))
        self._service_levels()
        self._tickets()
        seed_tags_and_fields(self.agents)
        seed_canned_responses(
            check_upload(io.BytesIO(_pdf("SSH: ssh root@your-server")), "ssh-guide.pdf")
        )
        escalations_scan()
        # The demo's history is in the past: nothing reacts to it after the commit (no
        # mail is sent); what reacts inside the transaction (search, SLA) has run.
        EventDelivery.objects.all().delete()
        # An agent who left: his replies keep his name (R8).
        User.objects.filter(pk__in=[u.pk for u in inactive]).update(is_active=False)

    def _service_levels(self) -> None:
        """A Moscow office calendar shared by support and billing, policies per priority,
        and sales round the clock (issue 10)."""
        office = Calendar.objects.create(
            name="Moscow office",
            time_zone="Europe/Moscow",
            hours={str(day): [[9 * 60, 19 * 60]] for day in range(5)},
        )
        year = timezone.now().year
        for name, first, last in content.HOLIDAYS:
            Holiday.objects.create(
                calendar=office,
                name=name,
                first_day=first.replace(year=year),
                last_day=last.replace(year=year),
                yearly=True,
            )
        for slug, priority, calendar, first_response, following, resolution in (
            ("technical-support", None, office, 120, 240, 3 * 10 * 60),
            ("technical-support", Priority.URGENT, None, 30, 60, 8 * 60),
            ("billing", None, office, 240, 480, 5 * 10 * 60),
            ("sales", None, None, 8 * 60, 24 * 60, None),
        ):
            Policy.objects.create(
                department=self.departments[slug],
                priority=priority,
                calendar=calendar,
                first_response_minutes=first_response,
                next_response_minutes=following,
                resolution_minutes=resolution,
                raise_priority=priority is None and slug == "technical-support",
            )

    def _rate(self, index: int, customer: User, ticket: Ticket, lang: str) -> None:
        """Two solved tickets in three get a rating; one rating in five is bad (W4)."""
        if index % 3 == 2 or ticket.status != Status.SOLVED:
            return
        score = RatingScore.BAD if index % 5 == 0 else RatingScore.GOOD
        comment = self.random.choice([*content.RATING_COMMENTS[lang][score.value], ""])
        services.rating_set(actor=customer, ticket=ticket, score=score, comment=comment)

    # --- tickets ---------------------------------------------------------------------

    def _status_for(self, index: int) -> Status:
        point = (index * 0.6180339887) % 1.0
        for status, share in STATUS_MIX:
            if point < share:
                return status
            point -= share
        return Status.CLOSED

    def _tickets(self) -> None:
        now = timezone.now()
        by_language = {
            "ru": [c for c in self.customers if c[0].language == "ru"],
            "en": [c for c in self.customers if c[0].language != "ru"],
        }
        for index in range(TICKETS):
            scenario = content.SCENARIOS[index % len(content.SCENARIOS)]
            lang = scenario.get("lang", "en")
            customer, owned, domain = self.random.choice(by_language[lang])
            status = self._status_for(index)
            if status == Status.NEW:
                start = now - timedelta(hours=self.random.uniform(0.2, 30))
            elif status in (Status.OPEN, Status.PENDING):
                start = now - timedelta(days=self.random.uniform(0.5, 10))
            else:
                start = now - timedelta(days=self.random.uniform(9, 60))
            self._conversation(index, scenario, lang, customer, owned, domain, status, start)

    def _conversation(self, index, scenario, lang, customer, owned, domain, status, start):
        category = self.categories[scenario["category"]]
        department = category.default_department
        agents = self.agents[department.slug] or self.agents["technical-support"]
        agent = agents[index % len(agents)]
        service = owned[index % len(owned)] if owned and index % 3 else None
        values = {
            "name": customer.name.split()[0],
            "service": service.name if service else "our server",
            "domain": domain,
            "n": 1000 + index * 7,
        }
        steps = scenario["steps"]
        if status == Status.NEW:
            steps = steps[:1]
        at = start
        ticket = None
        for position, (who, template) in enumerate(steps):
            text = template.format(**values)
            with clock(at):
                if ticket is None:
                    attachments = []
                    if scenario.get("attachment"):
                        attachments = [_attachment(scenario["attachment"], lang, values["n"])]
                    first = {
                        "actor": customer,
                        "subject": scenario["subject"].format(**values),
                        "body_text": text,
                        "attachments": attachments,
                    }
                    if index % 4 == 0:  # a quarter of them came by mail
                        ticket = services.ticket_open_mail(
                            requester=customer, department=department, **first
                        )
                    else:
                        ticket = services.ticket_open_web(
                            category=category, service=service, **first
                        )
                elif who == "c":
                    services.message_add_web(actor=customer, ticket=ticket, body_text=text)
                elif who == "n":
                    # Time spent (issue 11): minutes on some notes and replies.
                    services.note_add(
                        actor=agent, ticket=ticket, body_text=text, time_spent=(index % 4) * 10
                    )
                else:
                    reply_status = None
                    if position == len(steps) - 1:
                        reply_status = {
                            Status.PENDING: Status.PENDING,
                            Status.SOLVED: Status.SOLVED,
                            Status.CLOSED: Status.SOLVED,
                        }.get(status)
                    services.reply_add(
                        actor=agent,
                        ticket=ticket,
                        body_text=text + "\n\n" + department.signature,
                        status=reply_status,
                        time_spent=(index + position) % 3 * 5,
                    )
            at += timedelta(hours=self.random.uniform(0.3, 20))
            if at > timezone.now():
                at = timezone.now() - timedelta(minutes=len(steps) - position)
        assert ticket is not None, "every scenario starts with the customer's first message"
        if status == Status.CLOSED:
            with clock(at):
                if ticket.status != Status.SOLVED:
                    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
                self._rate(index, customer, ticket, lang)
                services.ticket_close(actor=customer, ticket=ticket)
        elif status == Status.SOLVED:
            with clock(at):
                if ticket.status != Status.SOLVED:
                    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
                self._rate(index, customer, ticket, lang)
        elif status == Status.PENDING and ticket.status != Status.PENDING:
            with clock(at):
                services.ticket_set_status(actor=agent, ticket=ticket, status=Status.PENDING)
        if index % 9 == 0:
            with clock(at):
                if not ticket.is_closed:
                    services.ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)


def print_logins(out) -> None:
    out.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for email, what in DEMO_LOGINS:
        out.write(f"  {email:34} {what}")
