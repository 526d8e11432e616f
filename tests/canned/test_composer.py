"""Canned responses in the reply box (R15, R13): the picker's list, inserting one filled in
for the ticket, and its files going out with the reply."""

from __future__ import annotations

import pytest
from django.core import mail, signing
from django.urls import reverse

from tests.canned.conftest import canned
from tests.factories import AgentFactory, upload
from tests.helpers import png_bytes
from tests.staff.conftest import seen
from tickets import services
from tickets.canned.files import file_ref
from tickets.canned.models import CannedResponse, Scope
from tickets.models import Message, MessageKind

pytestmark = pytest.mark.django_db


def picker(client, ticket, q=""):
    return client.get(reverse("canned:picker", args=[ticket.number]), {"q": q})


def use(client, response, ticket):
    return client.post(reverse("canned:use", args=[response.pk, ticket.number]))


def test_the_reply_box_offers_the_picker(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert 'class="canned-picker"' in html and 'role="listbox"' in html
    assert reverse("canned:picker", args=[ticket.number]) in html


def test_the_picker_lists_only_responses_for_this_tickets_department(
    client, agent, manager, admin_user, ticket, department, other_department
):
    mine = canned(agent, "Мой ответ")
    ours = canned(manager, "Support answer", scope=Scope.DEPARTMENT, department=department)
    canned(manager, "Sales answer", scope=Scope.DEPARTMENT, department=other_department)
    everyone = canned(admin_user, "Everyone", scope=Scope.GLOBAL)
    canned(manager, "Manager's own")
    CannedResponse.objects.filter(pk=everyone.pk).update(usage_count=5)
    client.force_login(agent)
    response = picker(client, ticket)
    assert response.context["responses"] == [everyone, ours, mine]
    assert f'data-use-url="{reverse("canned:use", args=[mine.pk, ticket.number])}"' in (
        response.content.decode()
    )
    assert [r.title for r in picker(client, ticket, "МОЙ").context["responses"]] == ["Мой ответ"]


@pytest.mark.parametrize("q", ["{{", "{% debug %}", "<script>", "x" * 10_000, "%_"])
def test_hostile_picker_queries_give_an_empty_list(client, agent, ticket, q):
    canned(agent)
    client.force_login(agent)
    response = picker(client, ticket, q)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_using_a_response_returns_it_filled_in_and_counts_it(client, agent, ticket):
    response = canned(
        agent,
        body="Hello {customer_name}",
        variants={"ru": "Здравствуйте, {customer_name}! №{ticket_number}"},
    )
    client.force_login(agent)
    result = use(client, response, ticket)
    assert result.status_code == 200
    assert result.json() == {
        "text": f"Здравствуйте, Иван Петров! №{ticket.number}",
        "language": "ru",
        "files": [],
    }
    response.refresh_from_db()
    assert response.usage_count == 1
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()  # nothing sent


def test_using_needs_a_post(client, agent, ticket):
    client.force_login(agent)
    response = canned(agent)
    assert client.get(reverse("canned:use", args=[response.pk, ticket.number])).status_code == 405


def test_a_response_of_another_department_cannot_be_used_on_the_ticket(
    client, manager, ticket, other_department
):
    sales = canned(manager, "Sales", scope=Scope.DEPARTMENT, department=other_department)
    client.force_login(manager)
    result = use(client, sales, ticket)
    assert result.status_code == 403 and result.json()["error"]
    sales.refresh_from_db()
    assert sales.usage_count == 0


def test_a_reply_carries_the_files_of_the_inserted_response(
    client, agent, ticket, django_capture_on_commit_callbacks
):
    """The files are copied: the reply's attachments are its own, mailed to the customer."""
    response = canned(agent, files=[upload(png_bytes(), "схема сети.png")])
    client.force_login(agent)
    files = use(client, response, ticket).json()["files"]
    assert [f["name"] for f in files] == ["схема сети.png"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("staff:ticket_reply", args=[ticket.number]),
            {
                "kind": "reply",
                "body": "См. схему.",
                "seen": seen(ticket),
                "canned_files": [f["token"] for f in files],
            },
        )
    assert sent.status_code == 302
    reply = Message.objects.get(kind=MessageKind.AGENT)
    attachment = reply.attachments.get()
    assert attachment.filename == "схема сети.png"
    assert attachment.file.name != response.attachments.get().file.name
    assert attachment.file.read() == png_bytes()
    assert [a[0] for a in mail.outbox[-1].attachments] == ["схема сети.png"]


def test_unticked_files_stay_behind_and_a_file_alone_is_a_reply(client, agent, ticket):
    response = canned(agent, files=[upload(png_bytes(), "a.png")])
    client.force_login(agent)
    token = use(client, response, ticket).json()["files"][0]["token"]
    url = reverse("staff:ticket_reply", args=[ticket.number])
    empty = client.post(url, {"kind": "reply", "body": "", "seen": seen(ticket)})
    assert empty.context["reply_form"].errors["body"]
    client.post(url, {"kind": "reply", "body": "", "seen": seen(ticket), "canned_files": token})
    assert Message.objects.get(kind=MessageKind.AGENT).attachments.count() == 1


FORGED_TOKENS = {
    "unsigned": lambda: "forged",
    "signed for something else": lambda: signing.dumps(
        {"u": 1, "a": 1, "f": "x", "s": 1}, salt="another.salt"
    ),
    "template code": lambda: "{{ settings.SECRET_KEY }}",
}


@pytest.mark.parametrize("kind", FORGED_TOKENS)
def test_a_forged_file_reference_is_refused_with_a_message(client, agent, ticket, kind):
    token = FORGED_TOKENS[kind]()
    client.force_login(agent)
    response = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "reply", "body": "Hi", "seen": seen(ticket), "canned_files": token},
    )
    assert response.status_code == 200
    assert response.context["reply_form"].errors["canned_files"]
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()


def test_another_agents_file_reference_or_a_deleted_file_is_not_attached(
    client, agent, admin_user, ticket
):
    response = canned(admin_user, scope=Scope.GLOBAL, files=[upload(png_bytes(), "a.png")])
    foreign = file_ref(admin_user, response.attachments.get())
    client.force_login(agent)
    url = reverse("staff:ticket_reply", args=[ticket.number])
    refused = client.post(
        url, {"kind": "reply", "body": "Hi", "seen": seen(ticket), "canned_files": foreign.token}
    )
    assert "no longer available" in refused.content.decode()
    own = file_ref(agent, response.attachments.get())
    response.attachments.all().delete()
    gone = client.post(
        url, {"kind": "reply", "body": "Hi", "seen": seen(ticket), "canned_files": own.token}
    )
    assert "no longer available" in gone.content.decode()
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()


def test_the_files_survive_a_form_error(client, agent, ticket):
    response = canned(agent, files=[upload(png_bytes(), "схема.png")])
    client.force_login(agent)
    token = use(client, response, ticket).json()["files"][0]["token"]
    page = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "note", "then": "solved", "body": "x", "canned_files": token},
    )
    html = page.content.decode()
    assert f'value="{token}" checked> схема.png' in html


def test_the_files_survive_the_collision_warning(client, agent, ticket):
    """Someone wrote meanwhile: nothing is sent, the text and the ticked files come back."""
    response = canned(agent, files=[upload(png_bytes(), "схема.png")])
    client.force_login(agent)
    token = use(client, response, ticket).json()["files"][0]["token"]
    loaded = seen(ticket)
    colleague = AgentFactory(departments=[ticket.department])
    services.note_add(actor=colleague, ticket=ticket, body_text="Звонил клиент")
    page = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "reply", "body": "Схема во вложении", "seen": loaded, "canned_files": token},
    )
    assert page.context["stale"]
    assert "checked> схема.png" in page.content.decode()
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()
