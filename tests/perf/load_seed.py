"""The load test's data (issue 17), made inside the stack's Django by
`manage.py shell -c "from tests.perf.load_seed import seed; seed(PATH, TICKETS)"`.

One department with an inbound address, 20 agents with a confirmed second factor (staff
need one in production settings), 200 customers and a number of tickets opened through the
services, as the portal would. Everyone gets a signed-in session of the configured session
engine, as after a real sign-in with the second factor; the load test sends those cookies
(signing in is exercised too, by the wrong-password traffic). Writes what the locustfile
needs as JSON. `figures()` checks afterwards what the run created.
"""

from __future__ import annotations

import json
import random
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import DepartmentMembership, Role, User
from mailgateway.models import InboundMail, InboundStatus
from tickets import services
from tickets.models import Category, Department, DepartmentAddress, Message, Ticket

ADDRESS = "load@hosting.example"
AGENTS = 20
CUSTOMERS = 200


def session_for(user: User, device: TOTPDevice | None = None) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def seed(path: str, tickets: int) -> None:
    department = Department.objects.create(name="Load", slug="load")
    DepartmentAddress.objects.create(department=department, address=ADDRESS)
    category = Category.objects.create(
        name="Load test", guidance="", default_department=department, position=0
    )
    agents = []
    for i in range(AGENTS):
        agent = User.objects.create_user(
            f"agent{i:02d}@hosting.example", None, name=f"Agent {i:02d}",
            role=Role.AGENT, email_verified=True,
        )  # fmt: skip
        DepartmentMembership.objects.create(user=agent, department=department, role="agent")
        device = TOTPDevice.objects.create(user=agent, name="load", confirmed=True)
        agents.append({"id": agent.pk, "session": session_for(agent, device)})
    customers = []
    rng = random.Random(17)
    numbers = []
    for i in range(CUSTOMERS):
        customer = User.objects.create_user(
            f"customer{i:03d}@example.ru", None, name=f"Клиент {i:03d}", email_verified=True
        )
        customers.append({"email": customer.email, "session": session_for(customer), "tickets": []})
    for i in range(tickets):
        owner = customers[rng.randrange(CUSTOMERS)]
        customer = User.objects.get(email=owner["email"])
        ticket = services.ticket_open_web(
            actor=customer,
            subject=f"Сервер не отвечает {i}",
            body_text="С утра сервер не отвечает на порту 443. Проверьте, пожалуйста.",
            category=category,
        )
        owner["tickets"].append(ticket.number)
        numbers.append(ticket.number)
    data = {
        "agents": agents,
        "customers": customers,
        "tickets": numbers,
        "category": category.pk,
        "address": ADDRESS,
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out)
    print(f"seeded {AGENTS} agents, {CUSTOMERS} customers, {tickets} tickets")


def figures(record_path: str) -> None:
    """Prints, as JSON, what became of what the run created (the locustfile's record): mail
    still being processed, mail accepted by the listener but not stored or not filed, or
    stored or filed twice; tickets sent from the portal missing or doubled."""
    with open(record_path, encoding="utf-8") as record_file:
        record = json.load(record_file)
    ids = record["mail_ids"]
    busy = [InboundStatus.PENDING, InboundStatus.PROCESSING, InboundStatus.FAILED]
    stored = list(
        InboundMail.objects.filter(message_id_header__in=ids).values_list(
            "message_id_header", flat=True
        )
    )
    bare = [i.strip("<>") for i in ids]
    filed = list(
        Message.objects.filter(message_id__in=bare + ids).values_list("message_id", flat=True)
    )
    subjects = record["web_subjects"]
    tickets = list(Ticket.objects.filter(subject__in=subjects).values_list("subject", flat=True))
    result = {
        "pending": InboundMail.objects.filter(status__in=busy).count(),
        "quarantined": InboundMail.objects.filter(status=InboundStatus.QUARANTINED).count(),
        "mail_sent": len(ids),
        "mail_stored": len(set(stored)),
        "mail_stored_twice": len(stored) - len(set(stored)),
        "mail_filed": len(set(filed)),
        "mail_filed_twice": len(filed) - len(set(filed)),
        "web_sent": len(subjects),
        "web_tickets": len(set(tickets)),
        "web_twice": len(tickets) - len(set(tickets)),
    }
    print(json.dumps(result))
