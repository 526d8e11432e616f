"""A mail to one of our addresses becomes a ticket in the right department (R6, R9, R13;
issue 5; MAIL.md no-loss rules 2 and 5)."""

from __future__ import annotations

from email.header import Header

import pytest

from accounts.models import Role, User
from mailgateway.models import InboundMail, InboundStatus, Mailbox, Source
from mailgateway.pipeline import inbound_process
from tests.factories import DepartmentFactory
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain, with_attachments
from tickets.models import Channel, DepartmentAddress, MailPolicy, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


def test_a_stranger_s_mail_opens_a_ticket_and_makes_him_a_customer(support):
    mail = receive(plain(sender="Пётр Сидоров <Petr@Example.RU>", subject="Сайт не работает"))
    assert mail.status == InboundStatus.DONE
    ticket = mail.ticket
    assert (ticket.subject, ticket.department, ticket.channel) == (
        "Сайт не работает",
        support,
        Channel.EMAIL,
    )
    assert ticket.status == Status.NEW
    requester = ticket.requester
    assert (requester.email, requester.name, requester.role) == (
        "petr@example.ru",
        "Пётр Сидоров",
        Role.CUSTOMER,
    )
    message = ticket.messages.get()
    assert mail.message == message and message.inbound_mail == mail
    assert message.kind == MessageKind.CUSTOMER and message.channel == Channel.EMAIL
    assert message.message_id == mail.message_id_header


def test_a_known_customer_is_matched_case_insensitively(support, customer):
    mail = receive(plain(sender="IVAN@Example.RU"))
    assert mail.ticket.requester == customer
    assert User.objects.filter(email__iexact="ivan@example.ru").count() == 1


def test_cyrillic_in_koi8_r_arrives_exactly(support):
    body = "Добрый день! Не открывается панель управления."
    subject = Header("Панель управления", "koi8-r").encode()
    mail = receive(plain(body=body, subject=subject, charset="koi8-r"))
    assert mail.ticket.subject == "Панель управления"
    assert mail.ticket.messages.get().body_text == body


@pytest.mark.parametrize(
    ("kwargs", "slug"),
    [
        ({"to": "sales@helpdesk.example"}, "sales"),
        ({"to": "Sales <SALES+invoices@helpdesk.example>"}, "sales"),
        ({"to": "someone@else.example", "headers": {"Cc": "sales@helpdesk.example"}}, "sales"),
        (
            {
                "to": "support@helpdesk.example",
                "headers": {"Delivered-To": "sales@helpdesk.example"},
            },
            "sales",
        ),
    ],
)
def test_the_department_follows_the_address_it_was_sent_to(support, sales, kwargs, slug):
    assert receive(plain(**kwargs)).ticket.department.slug == slug


def test_the_envelope_recipient_comes_first(support, sales):
    mail = receive(
        plain(to="support@helpdesk.example"), envelope_recipients=["sales@helpdesk.example"]
    )
    assert mail.ticket.department == sales


def test_aliases_route_to_their_department(support, sales):
    DepartmentAddress.objects.create(department=sales, address="billing@helpdesk.example")
    assert receive(plain(to="billing@helpdesk.example")).ticket.department == sales


def test_mail_to_no_address_of_ours_goes_to_the_mailbox_default(support, sales):
    mailbox = Mailbox.objects.create(
        name="catch-all", host="x", username="u", default_department=sales
    )
    mail = receive(
        plain(to="nobody@elsewhere.example"),
        source=Source.IMAP,
        mailbox=mailbox,
        uidvalidity=1,
        uid="1",
    )
    assert mail.ticket.department == sales


def test_mail_with_no_department_fails_for_the_operator_and_is_kept(support):
    mail = receive(plain(to="nobody@elsewhere.example"))
    assert mail.status == InboundStatus.FAILED
    assert mail.error_kind == "operator"
    assert "nobody@elsewhere.example" in mail.last_error
    assert Ticket.objects.count() == 0
    DepartmentAddress.objects.create(department=support, address="nobody@elsewhere.example")
    assert (
        InboundMail.objects.get(pk=inbound_process(mail_id=mail.pk).pk).status == InboundStatus.DONE
    )


def test_the_same_mail_twice_makes_one_ticket_message(support):
    raw = plain(message_id="<once@example.ru>")
    first = receive(raw)
    second = receive(raw)
    assert second.status == InboundStatus.IGNORED and second.duplicate_of == first
    assert Ticket.objects.count() == 1 and first.ticket.messages.count() == 1


def test_a_mail_to_two_of_our_addresses_makes_one_ticket(support, sales):
    raw = plain(to="support@helpdesk.example, sales@helpdesk.example", message_id="<two@x>")
    first = receive(raw, envelope_recipients=["support@helpdesk.example"])
    second = receive(raw, envelope_recipients=["sales@helpdesk.example"])
    assert (first.status, second.status) == (InboundStatus.DONE, InboundStatus.IGNORED)
    assert Ticket.objects.count() == 1


def test_without_a_message_id_the_same_bytes_are_the_same_mail(support):
    raw = plain().replace(b"Message-ID", b"X-Old-Id")
    receive(raw)
    assert receive(raw).status == InboundStatus.IGNORED
    assert Ticket.objects.count() == 1


def test_processing_a_mail_again_changes_nothing(support):
    mail = receive(plain())
    inbound_process(mail_id=mail.pk)
    assert Ticket.objects.count() == 1 and mail.ticket.messages.count() == 1


def test_registered_only_department_rejects_strangers_and_keeps_their_mail(support):
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    mail = receive(plain(sender="stranger@example.com"))
    assert mail.status == InboundStatus.REJECTED
    assert mail.department == support and "registered" in mail.last_error
    assert not User.objects.filter(email="stranger@example.com").exists()
    assert Ticket.objects.count() == 0


def test_registered_only_department_accepts_its_customers(support, customer):
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    assert receive(plain(sender=customer.email)).ticket.requester == customer


def test_our_internal_headers_change_nothing(support, sales):
    """MAIL.md loops rule 8 (RT CVE-2023-41259): an outsider cannot pick department or priority."""
    headers = {
        "X-Helpdesk-Department": "sales",
        "X-Helpdesk-Priority": "4",
        "X-Helpdesk-Ticket": "1",
    }
    ticket = receive(plain(headers=headers)).ticket
    assert ticket.department == support and ticket.priority == 2


def test_attachments_of_any_kind_are_stored_with_their_names(support):
    files = [
        ("Счёт №5.pdf", "application/pdf", b"%PDF-1.4"),
        ("logs.zip", "application/zip", b"PK\x03\x04"),
    ]
    message = receive(with_attachments(files=files)).ticket.messages.get()
    stored = [(a.filename, a.content_type, a.size) for a in message.attachments.all()]
    assert stored == [("Счёт №5.pdf", "application/pdf", 8), ("logs.zip", "application/zip", 4)]
    assert message.attachments.first().file.read() == b"%PDF-1.4"


def test_copied_people_follow_the_new_ticket(support, other_customer):
    raw = plain(
        to="support@helpdesk.example, colleague@example.ru",
        headers={"Cc": f"Jane <{other_customer.email}>"},
    )
    ticket = receive(raw).ticket
    emails = set(ticket.participants.values_list("email", flat=True))
    assert emails == {"colleague@example.ru", other_customer.email}


def test_an_agent_cannot_open_a_ticket_by_mail(support, agent):
    mail = receive(plain(sender=agent.email))
    assert mail.status == InboundStatus.REJECTED and Ticket.objects.count() == 0


def test_a_mail_from_our_own_address_opens_nothing(support, sales):
    mail = receive(plain(sender="sales@helpdesk.example"))
    assert mail.status == InboundStatus.IGNORED and Ticket.objects.count() == 0


def test_a_new_agent_department_factory_is_independent(db):
    DepartmentFactory(name="Billing", slug="billing")
    assert receive(plain(to="billing@helpdesk.example")).ticket.department.slug == "billing"
