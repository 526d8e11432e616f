"""Factories for the test suite: people, departments and tickets made the way the app makes them."""

from __future__ import annotations

import io

import factory
from django.utils.text import slugify

from accounts.models import DepartmentMembership, Organization, Role, Service, User
from tickets import services
from tickets.models import Category, Channel, Department, DepartmentAddress, Priority, Ticket
from tickets.uploads import check_upload

PASSWORD = "correct horse battery staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    shares_tickets = False


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.CUSTOMER
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        for department in extracted or ():
            DepartmentMembership.objects.create(user=self, department=department)
        self.save()


class CustomerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"customer{n}@example.com")


class AgentFactory(UserFactory):
    email = factory.Sequence(lambda n: f"agent{n}@helpdesk.example")
    role = Role.AGENT


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.LazyAttribute(lambda d: slugify(d.name))
    sender_name = factory.LazyAttribute(lambda d: d.name)
    sender_address = factory.LazyAttribute(lambda d: f"{d.slug}@helpdesk.example")
    signature = "--\nThe team"

    @factory.post_generation
    def addresses(self, create, extracted, **kwargs):
        for address in extracted or [self.sender_address]:
            DepartmentAddress.objects.create(department=self, address=address)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    default_department = factory.SubFactory(DepartmentFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"VPS cs{1000 + n}")
    kind = "VPS"


def open_ticket(
    requester: User,
    department: Department,
    *,
    subject: str = "Server does not answer",
    body: str = "Since this morning the server does not answer on port 443.",
    actor: User | None = None,
    channel: Channel = Channel.WEB,
    priority: Priority = Priority.NORMAL,
    message_id: str = "",
    **kwargs,
) -> Ticket:
    """Opens a ticket through the entry point of its channel, as the portal, the phone or
    the mail gateway would: an agent's ticket is a phone call; one with mail's parts
    (`message_id`, `body_html`, a linked ticket) or for someone else than the actor came
    by mail; any other the customer opened in the portal. Customers choose no priority: a
    test that wants another has it set afterwards, as an agent's triage would."""
    actor = actor or requester
    first = {"subject": subject, "body_text": body, "department": department, **kwargs}
    if actor.is_agent:
        return services.ticket_open_phone(
            actor=actor, customer_email=requester.email, priority=priority, **first
        )
    mail_parts = {"body_html", "linked_ticket"} & kwargs.keys()
    if channel == Channel.EMAIL or message_id or mail_parts or actor.pk != requester.pk:
        ticket = services.ticket_open_mail(
            actor=actor,
            requester=requester,
            mail=services.MailThreading(message_id=message_id),
            **first,
        )
    else:
        ticket = services.ticket_open_web(actor=actor, **first)
    if priority != Priority.NORMAL:
        Ticket.objects.filter(pk=ticket.pk).update(priority=priority)
        ticket.priority = priority
    return ticket


def upload(data: bytes, name: str):
    """A checked attachment made from bytes, as a web form would hand it over."""
    return check_upload(io.BytesIO(data), name)
