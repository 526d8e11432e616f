"""Department names and signatures, categories and their guidance, services' kinds are
written per language and shown in the reader's language, falling back to the default
(issue 12, R5, R12, P2, P8)."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.translations import translated, translations_clean
from mailgateway.outbound.models import OutboundMail
from tests.factories import AgentFactory, CategoryFactory, ServiceFactory, open_ticket
from tests.helpers import committed
from tickets.mail import MailKind
from tickets.models import Category, Department

pytestmark = pytest.mark.django_db

GUIDANCE_RU = "Укажите сайт, время начала и что вы уже пробовали."
GUIDANCE_DE = "Nennen Sie die Website, seit wann und was Sie versucht haben."


@pytest.fixture
def translated_department(department):
    department.translations = {
        "ru": {"name": "Техподдержка", "signature": "--\nКоманда техподдержки"},
        "de": {"name": "Technischer Support"},
    }
    department.save()
    return department


@pytest.fixture
def category(translated_department):
    return CategoryFactory(
        name="Technical problem",
        guidance="Tell us the site, since when, and what you tried.",
        default_department=translated_department,
        translations={
            "ru": {"name": "Техническая проблема", "guidance": GUIDANCE_RU},
            "de": {"name": "Technisches Problem", "guidance": GUIDANCE_DE},
        },
    )


def test_the_active_language_is_shown_and_the_default_where_none_is_written(category):
    with translation.override("ru"):
        assert (
            category.local_name == "Техническая проблема" and str(category) == category.local_name
        )
    with translation.override("de-at"):
        assert category.local_guidance == GUIDANCE_DE
    with translation.override("uk"):
        assert category.local_name == "Technical problem"
    with translation.override("en"):
        assert category.local_name == "Technical problem"
    assert translated(category, "name", "ru") == "Техническая проблема"


def test_empty_or_malformed_translations_fall_back(department):
    department.translations = {"ru": {"name": "   "}, "de": "not a dict", "hy": {"name": 42}}
    for language in ("ru", "de", "hy", "xx"):
        assert translated(department, "name", language) == department.name


def test_translations_clean_keeps_only_our_languages_and_fields():
    dirty = {
        "ru": {"name": " Техподдержка ", "guidance": "", "evil": "<script>"},
        "xx": {"name": "?"},
        "en": {"name": "the default is the field itself"},
        "de": ["no"],
    }
    assert translations_clean(dirty, ("name", "guidance")) == {"ru": {"name": "Техподдержка"}}
    assert translations_clean("junk", ("name",)) == {}


@pytest.mark.parametrize(
    ("language", "name", "guidance"),
    [
        ("ru", "Техническая проблема", GUIDANCE_RU),
        ("de", "Technisches Problem", GUIDANCE_DE),
        ("uk", "Technical problem", "Tell us the site, since when, and what you tried."),
    ],
)
def test_the_portal_shows_categories_in_the_customers_language(
    client, customer, category, language, name, guidance
):
    customer.language = language
    customer.save()
    client.force_login(customer)
    page = client.get(reverse("portal:ticket_new")).content.decode()
    assert name in page and guidance in page


def test_the_portal_ticket_page_shows_the_category_in_russian(client, customer, category):
    ticket = open_ticket(customer, category.default_department, category=category)
    client.force_login(customer)
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Техническая проблема" in page


def test_the_staff_pages_show_the_department_and_service_kind_in_the_agents_language(
    client, customer, category, translated_department
):
    clara = AgentFactory(name="Clara", departments=[translated_department], language="de")
    ServiceFactory(
        customer=customer,
        kind="Dedicated server",
        translations={"de": {"kind": "Dedizierter Server"}},
    )
    ticket = open_ticket(customer, translated_department, category=category)
    client.force_login(clara)
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "Technischer Support" in page
    assert "Technisches Problem" in page
    assert "Dedizierter Server" in page
    queue = client.get(reverse("staff:queue")).content.decode()
    assert "Technischer Support" in queue


def test_the_acknowledgement_speaks_the_customers_language(customer, translated_department):
    with committed():
        ticket = open_ticket(customer, translated_department)
    row = OutboundMail.objects.get(ticket=ticket, kind=MailKind.ACKNOWLEDGEMENT)
    text = email.message_from_bytes(bytes(row.mime), policy=policy.default).get_body(("plain",))
    content = text.get_content()
    assert "Техподдержка" in content and "Команда техподдержки" in content
    assert "Technical support" not in content


def test_the_admin_edits_the_translations(client, admin_user, category):
    client.force_login(admin_user)
    url = reverse("admin:tickets_category_change", args=[category.pk])
    page = client.get(url).content.decode()
    assert 'name="name__ru"' in page and GUIDANCE_RU in page
    data = {
        "name": category.name,
        "guidance": category.guidance,
        "kind": category.kind,
        "default_department": category.default_department_id,
        "position": 0,
        "is_active": "on",
        "name__ru": "  Сломалось  ",
        "guidance__ru": "",
        "name__de": "Kaputt",
        "guidance__de": "<script>alert(1)</script>",
        "name__hy": "   ",
        "translations": '{"xx": {"name": "injected"}}',
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    category.refresh_from_db()
    assert category.translations == {
        "ru": {"name": "Сломалось"},
        "de": {"name": "Kaputt", "guidance": "<script>alert(1)</script>"},
    }
    with translation.override("de"):
        assert category.local_guidance == "<script>alert(1)</script>"


def test_the_portal_escapes_translated_guidance(client, customer, category):
    Category.objects.filter(pk=category.pk).update(
        translations={"ru": {"name": "<b>x</b>", "guidance": "<script>alert(1)</script>"}}
    )
    client.force_login(customer)
    page = client.get(reverse("portal:ticket_new")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_department_admin_has_the_translations_and_the_agent_name_switch(
    client, admin_user, translated_department
):
    client.force_login(admin_user)
    url = reverse("admin:tickets_department_change", args=[translated_department.pk])
    page = client.get(url).content.decode()
    assert 'name="signature__ru"' in page and "Команда техподдержки" in page
    assert 'name="agent_name_in_mail"' in page
    assert Department.objects.get(pk=translated_department.pk).agent_name_in_mail
