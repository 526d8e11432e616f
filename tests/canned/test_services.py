"""The services of canned responses (R15): who creates and changes which, variants, files,
usage counts."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from helpdesk.errors import NotPermitted
from tests.canned.conftest import canned
from tests.factories import AgentFactory, open_ticket, upload
from tests.helpers import png_bytes
from tickets.canned.models import CannedResponse, Scope
from tickets.canned.services import (
    CannedContent,
    canned_response_delete,
    canned_response_update,
    canned_response_use,
)

pytestmark = pytest.mark.django_db


def test_an_agent_creates_personal_responses_only(agent, department):
    response = canned(agent)
    assert (response.scope, response.owner, response.department) == (Scope.PERSONAL, agent, None)
    with pytest.raises(NotPermitted):
        canned(agent, scope=Scope.DEPARTMENT, department=department)
    with pytest.raises(NotPermitted):
        canned(agent, scope=Scope.GLOBAL)


def test_a_department_manager_creates_responses_for_his_department_only(
    department_manager, department, other_department
):
    response = canned(department_manager, scope=Scope.DEPARTMENT, department=department)
    assert response.department == department and response.owner is None
    with pytest.raises(NotPermitted):
        canned(department_manager, scope=Scope.DEPARTMENT, department=other_department)
    with pytest.raises(NotPermitted):
        canned(department_manager, scope=Scope.GLOBAL)


def test_managers_manage_every_department_and_admins_the_global_ones(
    manager, admin_user, other_department
):
    canned(manager, scope=Scope.DEPARTMENT, department=other_department)
    with pytest.raises(NotPermitted):
        canned(manager, scope=Scope.GLOBAL)
    assert canned(admin_user, scope=Scope.GLOBAL).scope == Scope.GLOBAL


def test_nobody_changes_or_deletes_a_colleagues_personal_response(agent, admin_user, department):
    colleague = AgentFactory(departments=[department])
    response = canned(colleague)
    content = CannedContent(title="Mine now", body="x", scope=Scope.PERSONAL)
    for actor in (agent, admin_user):
        with pytest.raises(NotPermitted):
            canned_response_update(actor=actor, response=response, content=content)
        with pytest.raises(NotPermitted):
            canned_response_delete(actor=actor, response=response)
    response.refresh_from_db()
    assert response.title == "Greeting" and response.owner == colleague


def test_an_update_replaces_the_texts_and_keeps_only_the_filled_in_variants(agent):
    response = canned(agent, variants={"ru": "Привет", "de": "Hallo"})
    canned_response_update(
        actor=agent,
        response=response,
        content=CannedContent(
            title="Hi",
            folder=" Greetings ",
            body="Hi {customer_name}",
            scope=Scope.PERSONAL,
            variants={"ru": "Здравствуйте, {customer_name}", "de": "  ", "uk": ""},
        ),
    )
    response.refresh_from_db()
    assert (response.title, response.folder) == ("Hi", "Greetings")
    assert dict(response.variants.values_list("language", "body")) == {
        "ru": "Здравствуйте, {customer_name}"
    }


def test_the_customers_language_is_chosen_and_the_default_text_otherwise(
    agent, ticket, other_customer, department
):

    response = canned(
        agent, body="Hello {customer_name}", variants={"ru": "Здравствуйте, {customer_name}"}
    )
    russian = canned_response_use(actor=agent, response=response, ticket=ticket)
    assert (russian.text, russian.language) == ("Здравствуйте, Иван Петров", "ru")
    other_customer.language = "de"
    other_customer.save()
    german_ticket = open_ticket(other_customer, department)
    fallback = canned_response_use(actor=agent, response=response, ticket=german_ticket)
    assert (fallback.text, fallback.language) == ("Hello Jane Roe", "")


def test_each_use_is_counted_and_the_most_used_come_first(agent, ticket):
    rare, frequent = canned(agent, "A rare one"), canned(agent, "Z frequent one")
    for _ in range(3):
        canned_response_use(actor=agent, response=frequent, ticket=ticket)
    canned_response_use(actor=agent, response=rare, ticket=ticket)
    assert list(CannedResponse.objects.values_list("title", "usage_count")) == [
        ("Z frequent one", 3),
        ("A rare one", 1),
    ]


def test_a_response_is_used_only_on_tickets_of_its_department(
    manager, ticket, agent_other_department, other_department, agent
):
    response = canned(manager, scope=Scope.DEPARTMENT, department=other_department)
    with pytest.raises(NotPermitted):
        canned_response_use(actor=agent, response=response, ticket=ticket)
    with pytest.raises(NotPermitted):
        canned_response_use(actor=agent_other_department, response=canned(agent), ticket=ticket)
    assert CannedResponse.objects.filter(usage_count__gt=0).count() == 0


def test_files_are_stored_with_the_response_and_removed_with_it(
    agent, django_capture_on_commit_callbacks
):
    png = png_bytes()
    response = canned(
        agent, files=[upload(png, "схема.png"), upload(b"%PDF-1.4\n%%EOF\n", "a.pdf")]
    )
    names = [a.file.name for a in response.attachments.all()]
    assert [a.filename for a in response.attachments.all()] == ["схема.png", "a.pdf"]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        canned_response_update(
            actor=agent,
            response=response,
            content=CannedContent(title="T", body="b", scope=Scope.PERSONAL),
            attachments_remove=[response.attachments.get(filename="a.pdf").pk],
        )
    assert not default_storage.exists(names[1]) and default_storage.exists(names[0])
    with django_capture_on_commit_callbacks(execute=True):
        canned_response_delete(actor=agent, response=response)
    assert not default_storage.exists(names[0])
    assert not CannedResponse.objects.exists()
