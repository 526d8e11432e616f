"""Outgoing mail as a real SMTP server receives it (R4, R6, R12, R13, R16)."""

from email.utils import getaddresses

import pytest

from mailgateway import identity
from mailgateway.outbound import compose, transport
from tests.factories import AgentFactory, CustomerFactory, DepartmentFactory, open_ticket, upload
from tests.helpers import png_bytes
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db):
    return DepartmentFactory(
        name="Техподдержка",
        sender_name="Поддержка «Ромашки»",
        sender_address="support@hosting.example",
        signature="--\nСлужба поддержки\n+7 495 000-00-00",
    )


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Иван Петров", email="ivan@example.ru", language="ru")


@pytest.fixture
def agent(department):
    return AgentFactory(name="Anna Agent", departments=[department])


@pytest.fixture
def ticket(customer, department):
    return open_ticket(
        customer,
        department,
        subject="Сервер cs1234 не отвечает — ошибка 502",
        message_id="<CAF123@mail.example.ru>",
    )


def send(draft) -> None:
    transport.send_raw(draft.as_bytes(), sender=draft.sender, recipients=draft.recipients)


def test_an_agent_reply_reaches_the_customer_as_ordinary_mail(smtp_server, ticket, agent):
    services.note_add(actor=agent, ticket=ticket, body_text="SECRET NOTE: customer owes money")
    reply = services.reply_add(
        actor=agent,
        ticket=ticket,
        body_text="Здравствуйте, Иван!\nПерезапустили nginx, сайт работает.",
        attachments=[upload(png_bytes(), "скриншот графика нагрузки.png")],
    )
    send(compose.reply(reply, to=ticket.requester))
    [received] = smtp_server.received
    assert received.rcpt_tos == ["ivan@example.ru"]
    message = received.message
    assert message["Subject"] == f"Re: Сервер cs1234 не отвечает — ошибка 502 [#{ticket.number}]"
    assert getaddresses([message["From"]]) == [
        (f"{agent.display_name}, Поддержка «Ромашки»", "support@hosting.example")
    ]
    assert getaddresses([message["To"]]) == [("Иван Петров", "ivan@example.ru")]
    assert identity.reply_token_ticket(message["Reply-To"]) == ticket.number
    assert identity.message_id_ticket(message["Message-ID"]) == ticket.number
    assert message["In-Reply-To"] == "<CAF123@mail.example.ru>"
    assert message["References"] == "<CAF123@mail.example.ru>"
    assert message[identity.LOOP_HEADER] == identity.instance_id()
    assert message["Auto-Submitted"] is None  # a human's answer
    assert message["Bcc"] is None
    text = message.get_body(("plain",)).get_content()
    assert "Перезапустили nginx, сайт работает." in text
    assert "+7 495 000-00-00" in text  # the department's signature (R12)
    html = message.get_body(("html",)).get_content()
    assert "Перезапустили nginx" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "скриншот графика нагрузки.png"
    assert attachment.get_content() == png_bytes()
    assert b"SECRET NOTE" not in received.data


def test_raw_headers_are_encoded_as_rfc_2047_and_2231(smtp_server, ticket, agent):
    reply = services.reply_add(
        actor=agent,
        ticket=ticket,
        body_text="Ответ",
        attachments=[upload(png_bytes(), "график.png")],
    )
    send(compose.reply(reply, to=ticket.requester))
    raw = smtp_server.received[0].data
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(byte < 128 for byte in head), "headers are 7-bit"
    assert b"\r\nSubject: =?utf-8?b?" in head
    assert b"filename*=utf-8''%D0%B3%D1%80%D0%B0%D1%84%D0%B8%D0%BA.png" in raw


def test_armenian_names_survive(smtp_server, department, agent):
    armen = CustomerFactory(name="Արմեն Սարգսյան", email="armen@example.am", language="hy")
    ticket = open_ticket(armen, department, subject="Կայքը չի աշխատում")
    reply = services.reply_add(actor=agent, ticket=ticket, body_text="Բարև Ձեզ")
    send(compose.reply(reply, to=armen))
    message = smtp_server.received[0].message
    assert getaddresses([message["To"]]) == [("Արմեն Սարգսյան", "armen@example.am")]
    assert message["Subject"].endswith(f"Կայքը չի աշխատում [#{ticket.number}]")
    assert "Բարև Ձեզ" in message.get_body(("plain",)).get_content()


def test_the_thread_references_every_public_message(smtp_server, ticket, agent, customer):
    first = services.reply_add(actor=agent, ticket=ticket, body_text="one")
    first.message_id = identity.message_id_new(ticket.number)
    first.save()
    answer = services.message_add_mail(
        actor=customer,
        ticket=ticket,
        body_text="two",
        mail=services.MailThreading(message_id="<answer-2@mail.example.ru>"),
    )
    services.note_add(actor=agent, ticket=ticket, body_text="note")
    second = services.reply_add(actor=agent, ticket=ticket, body_text="three")
    send(compose.reply(second, to=customer))
    message = smtp_server.received[0].message
    assert message["In-Reply-To"] == answer.message_id
    assert message["References"].split() == [
        "<CAF123@mail.example.ru>",
        first.message_id,
        answer.message_id,
    ]


def test_participants_are_copied(smtp_server, ticket, agent):
    colleague = CustomerFactory(name="Ольга", email="olga@example.ru")
    reply = services.reply_add(actor=agent, ticket=ticket, body_text="hi")
    send(compose.reply(reply, to=ticket.requester, cc=[colleague]))
    received = smtp_server.received[0]
    assert sorted(received.rcpt_tos) == ["ivan@example.ru", "olga@example.ru"]
    assert getaddresses([received.message["Cc"]]) == [("Ольга", "olga@example.ru")]


def test_automatic_mail_is_marked_as_such_in_the_recipients_language(smtp_server, ticket):
    send(compose.acknowledgement(ticket, ticket.messages.get()))
    message = smtp_server.received[0].message
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Precedence"] == "bulk"
    assert message[identity.LOOP_HEADER] == identity.instance_id()
    assert str(ticket.number) in message["Subject"]
    assert (
        "Здравствуйте" in message.get_body(("plain",)).get_content()
        or str(ticket.number) in message.get_body(("plain",)).get_content()
    )


def test_agent_notifications_link_to_the_staff_portal(smtp_server, ticket, agent):
    send(compose.agent_notification(compose.Kind.AGENT_NEW_TICKET, ticket, agent))
    message = smtp_server.received[0].message
    assert f"/staff/tickets/{ticket.number}/" in message.get_body(("plain",)).get_content()
    assert message["Auto-Submitted"] == "auto-generated"


def test_api_providers_get_the_same_mail_as_parts(settings, ticket, agent):
    """django-anymail backends take parts, not MIME: nothing is lost on the way."""
    from django.core import mail as django_mail

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {"TEST_SEND_DEFAULTS": {}}
    reply = services.reply_add(
        actor=agent,
        ticket=ticket,
        body_text="Ответ с вложением",
        attachments=[upload(png_bytes(), "график.png")],
    )
    draft = compose.reply(reply, to=ticket.requester)
    transport.send_raw(draft.as_bytes(), sender=draft.sender, recipients=draft.recipients)
    [sent] = django_mail.outbox
    assert sent.subject == draft.subject
    assert "Ответ с вложением" in sent.body
    assert sent.alternatives[0][1] == "text/html"
    assert sent.extra_headers["Message-ID"] == draft.message_id
    assert sent.extra_headers["In-Reply-To"] == "<CAF123@mail.example.ru>"
    assert getaddresses(sent.to) == [("Иван Петров", "ivan@example.ru")]
    assert sent.attachments[0][0] == "график.png" and sent.attachments[0][1] == png_bytes()
