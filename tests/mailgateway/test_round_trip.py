"""End to end through real processes (issue 6, R6, R9, R12, P6; MAIL.md rule 9).

A customer mails support@ through our SMTP listener; a real Celery worker on Redis files
the ticket in the right department and sends the acknowledgement to a real SMTP server;
an agent answers in the staff portal; the answer arrives with the department's sender,
signature, subject tag and threading headers; the customer's answer to it, built from
it, lands on the same ticket.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

import pytest
from django.urls import reverse

from mailgateway import identity
from tests.factories import AgentFactory, CustomerFactory, DepartmentFactory
from tests.helpers import postgres_only, wait_for
from tests.mailgateway.listener import mail_listener
from tests.workers import QUEUE, REDIS, celery_worker, database_url
from tickets.models import MessageKind, Status, Ticket

pytestmark = [
    *postgres_only,
    pytest.mark.services,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def to_customer(sink) -> list:
    return [r for r in sink.received if r.rcpt_tos == ["ivan@example.ru"]]


def send(port: int, message: EmailMessage, recipients: list[str]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.send_message(message, to_addrs=recipients)


def test_a_conversation_by_mail_round_trips_through_the_helpdesk(client, smtp_server, settings):
    support = DepartmentFactory(
        name="Техподдержка",
        slug="support",
        sender_name="Поддержка Hosting Example",
        sender_address="support@hosting.example",
        signature="--\nСлужба поддержки, +7 495 000-00-00",
        addresses=["support@hosting.example"],
    )
    DepartmentFactory(name="Sales", slug="sales", addresses=["sales@hosting.example"])
    agent = AgentFactory(name="Anna Agent", departments=[support], language="en")
    customer = CustomerFactory(name="Иван Петров", email="ivan@example.ru", language="ru")
    services_env = {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS,
        "CELERY_RESULT_BACKEND": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": "https://help.hosting.example",
        "HELPDESK_MAIL_DOMAIN": "help.hosting.example",
    }
    settings.SITE_URL = "https://help.hosting.example"
    settings.HELPDESK_MAIL_DOMAIN = "help.hosting.example"
    with celery_worker(extra_env=services_env), mail_listener(env=services_env) as port:
        # 1. The customer writes to support@.
        first = EmailMessage()
        first["From"] = "Иван Петров <ivan@example.ru>"
        first["To"] = "support@hosting.example"
        first["Subject"] = "Сайт не открывается"
        first["Message-ID"] = make_msgid(domain="example.ru")
        first.set_content("Здравствуйте! С утра сайт отдаёт 502.")
        send(port, first, ["support@hosting.example"])
        wait_for(lambda: Ticket.objects.exists(), what="the ticket")
        ticket = Ticket.objects.get()
        assert (ticket.department, ticket.requester, ticket.subject) == (
            support,
            customer,
            "Сайт не открывается",
        )
        wait_for(lambda: len(to_customer(smtp_server)) >= 1, what="the acknowledgement")
        ack = to_customer(smtp_server)[0].message
        assert str(ticket.number) in ack["Subject"]
        assert ack["Auto-Submitted"] == "auto-generated"
        assert ack["In-Reply-To"] == first["Message-ID"]

        # 2. The agent answers in the staff portal.
        client.force_login(agent)
        response = client.post(
            reverse("staff:ticket_reply", args=[ticket.number]),
            {"kind": "reply", "body": "Перезапустили nginx, проверьте, пожалуйста.",
             "then": "pending", "seen": "999999999"},
        )  # fmt: skip
        assert response.status_code in (200, 302)
        wait_for(lambda: len(to_customer(smtp_server)) >= 2, what="the reply")
        reply = to_customer(smtp_server)[1].message
        # The customer sees who answered (R8) and one conversation (issue 12).
        assert getaddresses([reply["From"]]) == [
            (f"{agent.display_name}, Поддержка Hosting Example", "support@hosting.example")
        ]
        assert reply["Subject"] == f"Re: Сайт не открывается [#{ticket.number}]"
        assert reply["In-Reply-To"] == first["Message-ID"]
        assert first["Message-ID"] in reply["References"]
        assert identity.message_id_ticket(reply["Message-ID"]) == ticket.number
        assert identity.reply_token_ticket(reply["Reply-To"]) == ticket.number
        assert reply["Auto-Submitted"] is None
        body = reply.get_body(("plain",)).get_content()
        assert "Перезапустили nginx" in body and "+7 495 000-00-00" in body
        ticket.refresh_from_db()
        assert ticket.status == Status.PENDING

        # 3. The customer answers that mail, from his mail client.
        answer = EmailMessage()
        answer["From"] = "Иван Петров <ivan@example.ru>"
        answer["To"] = reply["Reply-To"]
        answer["Subject"] = "Re: " + reply["Subject"]
        answer["Message-ID"] = make_msgid(domain="example.ru")
        answer["In-Reply-To"] = reply["Message-ID"]
        answer["References"] = f"{reply['References']} {reply['Message-ID']}"
        answer.set_content("Заработало, спасибо!\n\n> Перезапустили nginx, проверьте, пожалуйста.")
        send(port, answer, [reply["Reply-To"]])
        wait_for(lambda: ticket.messages.count() == 3, what="the answer on the ticket")
        # The agent, assignee since he answered, hears that his customer wrote back.
        wait_for(lambda: len(smtp_server.received) == 4, what="the assignee's notification")

    # The agent heard of the new ticket and of the answer; nobody else was mailed.
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        agent.email,
        agent.email,
        "ivan@example.ru",
        "ivan@example.ru",
    ]
    assert Ticket.objects.count() == 1
    last = ticket.messages.order_by("-created_at").first()
    assert last.kind == MessageKind.CUSTOMER and last.author == customer
    assert "Заработало" in last.body_text
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the customer answered a pending ticket
