"""Opening a ticket: category and guidance, own services, attachments (P2, P3, R13)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Service
from helpdesk.errors import NotPermitted
from tests.factories import CategoryFactory, CustomerFactory, ServiceFactory
from tests.helpers import png_bytes
from tests.portal.pages import unlabelled_fields
from tickets import services
from tickets.models import Attachment, Channel, EventVerb, Ticket

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "Since 8:00 today the site shop.example.org answers “502 Bad Gateway”.\n"
    "We changed nothing; restarting nginx did not help. The error.log says: upstream timed "
    "out (110: Connection timed out). Chrome 131 shows the same, screenshot attached."
)


def post(client, category, **fields):
    data = {
        "category": category.pk,
        "subject": "Site shows 502",
        "description": DESCRIPTION,
        "confirmed": "1",
        **fields,
    }
    return client.post("/tickets/new/", data)


def png_file(name="скриншот ошибки.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_the_form_shows_every_categorys_guidance_and_labels_every_field(
    client, customer, technical, billing, vps
):
    client.force_login(customer)
    response = client.get("/tickets/new/")
    page = response.content.decode()
    assert response.status_code == 200 and unlabelled_fields(page) == []
    assert technical.guidance in page and billing.guidance in page
    assert f'data-category="{technical.pk}"' in page
    assert "Не относится к продукту или услуге" in page and "VPS cs1234" in page  # Russian customer


def test_only_the_customers_and_his_organizations_services_are_offered(
    client, customer, organization, technical
):
    customer.organization = organization
    customer.save()
    ServiceFactory(name="Own VPS", customer=customer)
    ServiceFactory(name="Company hosting", customer=None, organization=organization)
    ServiceFactory(name="Someone else's", customer=CustomerFactory())
    ServiceFactory(name="Retired", customer=customer, is_active=False)
    client.force_login(customer)
    form = client.get("/tickets/new/").context["form"]
    assert {s.name for s in form.fields["service"].queryset} == {"Own VPS", "Company hosting"}


def test_a_customer_opens_a_ticket_with_attachments(client, customer, technical, vps):
    client.force_login(customer)
    log = SimpleUploadedFile("журнал nginx.log", b"upstream timed out\n", "text/plain")
    response = post(client, technical, service=vps.pk, attachments=[png_file(), log])
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/"
    assert ticket.requester == customer and ticket.channel == Channel.WEB
    assert ticket.category == technical and ticket.department == technical.default_department
    assert ticket.service == vps and ticket.subject == "Site shows 502"
    message = ticket.messages.get()
    assert message.body_text == DESCRIPTION, "line breaks are kept"
    assert sorted(a.filename for a in message.attachments.all()) == [
        "журнал nginx.log",
        "скриншот ошибки.png",
    ]
    assert ticket.events.filter(verb=EventVerb.OPENED).exists()
    assert f"#{ticket.number}" in client.get(response["Location"]).content.decode()


def test_not_related_to_a_product_is_a_valid_choice(client, customer, technical, vps):
    client.force_login(customer)
    post(client, technical, service="")
    assert Ticket.objects.get().service is None


def test_another_customers_service_is_refused(client, customer, technical):
    foreign = ServiceFactory(customer=CustomerFactory())
    client.force_login(customer)
    response = post(client, technical, service=foreign.pk)
    assert response.status_code == 200 and "service" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_an_inactive_category_is_refused(client, customer, technical):
    technical.is_active = False
    technical.save()
    client.force_login(customer)
    response = post(client, technical)
    assert "category" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_subject_and_description_are_required(client, customer, technical):
    client.force_login(customer)
    response = post(client, technical, subject="", description="   ")
    assert set(response.context["form"].errors) == {"subject", "description"}


def test_a_file_of_a_refused_kind_is_explained_and_the_good_ones_are_kept(
    client, customer, technical
):
    client.force_login(customer)
    bad = SimpleUploadedFile("отчёт.html", b"<html><script>x</script></html>", "text/html")
    response = post(client, technical, attachments=[png_file(), bad])
    assert not Ticket.objects.exists()
    page = response.content.decode()
    [error] = response.context["form"].errors["attachments"]
    assert "отчёт.html" in error and error in page
    [held] = response.context["held"]
    assert held.filename == "скриншот ошибки.png" and 'name="held"' in page
    response = post(client, technical, held=[held.token])
    ticket = Ticket.objects.get()
    assert [a.filename for a in Attachment.objects.filter(message__ticket=ticket)] == [
        "скриншот ошибки.png"
    ]


def test_held_files_of_another_person_are_ignored(client, customer, other_customer, technical):
    client.force_login(other_customer)
    response = post(client, technical, subject="", attachments=[png_file("theirs.png")])
    token = response.context["held"][0].token
    client.force_login(customer)
    post(client, technical, held=[token])
    assert not Attachment.objects.exists()


def test_too_many_files_are_refused(client, customer, technical, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    client.force_login(customer)
    response = post(client, technical, attachments=[png_file(f"{n}.png") for n in range(3)])
    assert response.context["form"].has_error("attachments")
    assert not Ticket.objects.exists()


def test_customers_only(client, agent, technical):
    assert client.get("/tickets/new/")["Location"].startswith("/accounts/login/")
    client.force_login(agent)
    assert client.get("/tickets/new/")["Location"] == "/staff/"


def test_csrf_is_required(customer, technical):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert post(client, technical).status_code == 403
    assert not Ticket.objects.exists()


def test_services_are_checked_by_the_service_layer_too(customer, technical):
    foreign = Service.objects.create(name="x", customer=CustomerFactory())
    with pytest.raises(NotPermitted):
        services.ticket_open_web(
            actor=customer,
            subject="s",
            body_text="b",
            category=technical,
            service=foreign,
        )


def test_a_ticket_can_be_opened_in_any_active_category(client, customer, billing):
    other = CategoryFactory(default_department=billing.default_department)
    client.force_login(customer)
    post(client, other)
    assert Ticket.objects.get().category == other
