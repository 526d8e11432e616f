"""The staff pages of canned responses (R15): list, search, folders, create, edit, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.canned.conftest import canned
from tests.factories import upload
from tests.helpers import png_bytes
from tickets.canned.models import CannedResponse, Scope

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    return {
        "title": "Перезапуск",
        "folder": "Хостинг",
        "scope": "personal",
        "body": "Hi",
        **changes,
    }


def test_the_staff_navigation_links_to_the_canned_responses(client, agent):
    client.force_login(agent)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert f'href="{reverse("canned:list")}"' in html


def test_the_list_groups_by_folder_with_the_most_used_first(client, agent, admin_user):
    canned(agent, "Rarely", folder="Billing")
    often = canned(agent, "Often", folder="Billing")
    CannedResponse.objects.filter(pk=often.pk).update(usage_count=7)
    canned(admin_user, "For everyone", scope=Scope.GLOBAL)
    client.force_login(agent)
    response = client.get(reverse("canned:list"))
    titles = [r.title for r in response.context["responses"]]
    assert titles == ["For everyone", "Often", "Rarely"]
    html = response.content.decode()
    assert html.index("Billing") < html.index("Often") < html.index("Rarely")


def test_search_finds_cyrillic_words_in_any_case_and_folders_filter(client, agent):
    canned(agent, "Перезагрузка сервера", body="Мы ПЕРЕЗАПУСТИЛИ сервер", folder="Хостинг")
    canned(agent, "Оплата", body="Счёт оплачен", folder="Оплата")
    client.force_login(agent)
    found = client.get(reverse("canned:list"), {"q": "перезапустили"}).context["responses"]
    assert [r.title for r in found] == ["Перезагрузка сервера"]
    by_folder = client.get(reverse("canned:list"), {"folder": "Оплата"}).context["responses"]
    assert [r.title for r in by_folder] == ["Оплата"]


@pytest.mark.parametrize("query", ["<script>", "%", "_", "' OR 1=1 --", "x" * 101, "\x00"])
def test_hostile_searches_give_a_page_never_an_error(client, agent, query):
    canned(agent)
    client.force_login(agent)
    response = client.get(reverse("canned:list"), {"q": query, "folder": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]


def test_an_agent_creates_a_response_with_a_translation_and_a_file(client, agent):
    client.force_login(agent)
    data = form_data(
        body="Hello {customer_name}",
        body_ru="Здравствуйте, {customer_name}",
        attachments=SimpleUploadedFile("схема.png", png_bytes()),
    )
    response = client.post(reverse("canned:new"), data)
    assert response.status_code == 302
    saved = CannedResponse.objects.get()
    assert (saved.title, saved.folder, saved.owner, saved.scope) == (
        "Перезапуск",
        "Хостинг",
        agent,
        Scope.PERSONAL,
    )
    assert saved.variants.get().body == "Здравствуйте, {customer_name}"
    assert saved.attachments.get().filename == "схема.png"


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("body", "Hello {{ customer.name }}"),
        ("body", "{% if 1 %}yes{% endif %}"),
        ("body", "Hello {customer_nmae}"),
        ("body_de", "Hallo {kunde}"),
        ("body", "x" * 10_001),
    ],
)
def test_bad_placeholders_are_refused_next_to_the_field_and_nothing_is_saved(
    client, agent, field, text
):
    client.force_login(agent)
    response = client.post(reverse("canned:new"), form_data(**{field: text}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not CannedResponse.objects.exists()


def test_an_agent_cannot_choose_an_audience_beyond_his_role(client, agent, department):
    client.force_login(agent)
    for scope in ("department", "global", "nonsense"):
        response = client.post(
            reverse("canned:new"), form_data(scope=scope, department=department.pk)
        )
        assert response.status_code == 200 and response.context["form"].errors["scope"]
    assert not CannedResponse.objects.exists()


def test_a_department_manager_must_name_one_of_his_departments(
    client, department_manager, department, other_department
):
    client.force_login(department_manager)
    missing = client.post(reverse("canned:new"), form_data(scope="department"))
    assert missing.context["form"].errors["department"]
    foreign = client.post(
        reverse("canned:new"), form_data(scope="department", department=other_department.pk)
    )
    assert foreign.context["form"].errors["department"]
    client.post(reverse("canned:new"), form_data(scope="department", department=department.pk))
    assert CannedResponse.objects.get().department == department


def test_editing_changes_the_text_and_removes_a_ticked_file(client, agent):
    response = canned(agent, files=[upload(png_bytes(), "a.png")])
    client.force_login(agent)
    page = client.get(reverse("canned:edit", args=[response.pk]))
    assert page.context["form"]["title"].value() == "Greeting"
    result = client.post(
        reverse("canned:edit", args=[response.pk]),
        form_data(title="Changed", remove=[response.attachments.get().pk]),
    )
    assert result.status_code == 302
    response.refresh_from_db()
    assert response.title == "Changed" and not response.attachments.exists()


def test_deleting_asks_first_then_deletes(client, agent):
    response = canned(agent)
    client.force_login(agent)
    assert client.get(reverse("canned:delete", args=[response.pk])).status_code == 200
    assert CannedResponse.objects.exists()
    assert client.post(reverse("canned:delete", args=[response.pk])).status_code == 302
    assert not CannedResponse.objects.exists()


def test_the_list_offers_edit_only_for_responses_the_agent_manages(client, agent, admin_user):
    mine = canned(agent, "Mine")
    shared = canned(admin_user, "Shared", scope=Scope.GLOBAL)
    client.force_login(agent)
    html = client.get(reverse("canned:list")).content.decode()
    assert reverse("canned:edit", args=[mine.pk]) in html
    assert reverse("canned:edit", args=[shared.pk]) not in html


def test_the_list_makes_a_fixed_number_of_queries(
    client, agent, admin_user, django_assert_max_num_queries
):
    for n in range(15):
        canned(agent, f"Mine {n}", folder=f"F{n % 3}", variants={"ru": "Привет"})
    client.force_login(agent)
    client.get(reverse("canned:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("canned:list"))
