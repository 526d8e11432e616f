"""Agents invite customers, one or a whole list; the link sets a password once (issue 3)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts import services, tokens
from accounts.forms import parse_people
from accounts.models import Role, User
from helpdesk.errors import NotPermitted
from tests.factories import CustomerFactory
from tests.portal.pages import mail_links, unlabelled_fields

pytestmark = pytest.mark.django_db

LIST = """Ольга Смирнова <Olga@Romashka.example>
not an address
Արմեն Սարգսյան <armen@romashka.example>, petr@romashka.example
"""


def invite(client, capture, people=LIST, **fields):
    with capture(execute=True):
        return client.post("/accounts/invite/", {"people": people, "language": "ru", **fields})


def test_an_agent_invites_an_organizations_list(
    client, agent, organization, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    response = invite(client, django_capture_on_commit_callbacks, organization=organization.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "not an address" in page, "the invalid line is reported"
    olga = User.objects.get(email="olga@romashka.example")
    assert olga.name == "Ольга Смирнова" and olga.organization == organization
    assert olga.role == Role.CUSTOMER and olga.language == "ru"
    assert not olga.has_usable_password()
    assert User.objects.get(email="armen@romashka.example").name == "Արմեն Սարգսյան"
    assert sorted(m.recipients()[0] for m in mailoutbox) == [
        "armen@romashka.example",
        "olga@romashka.example",
        "petr@romashka.example",
    ]
    assert all("/accounts/invitation/" in mail_links(m)[0] for m in mailoutbox)
    assert "Anna Agent" in mailoutbox[0].body


def test_people_with_an_account_are_left_alone(
    client, agent, customer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    response = invite(client, django_capture_on_commit_callbacks, people=customer.email)
    assert "already uses an account" in response.content.decode()
    assert mailoutbox == []


def test_an_invited_customer_who_did_not_accept_is_invited_again(
    agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.customers_invite(actor=agent, people=[("Olga", "olga@example.com")])
        [again] = services.customers_invite(actor=agent, people=[("Olga", "olga@example.com")])
    assert again.outcome == services.InvitationOutcome.INVITED_AGAIN
    assert len(mailoutbox) == 2


def test_the_invitation_link_sets_a_password_and_signs_in_once(
    client, agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.customers_invite(actor=agent, people=[("Olga", "olga@example.com")])
    link = mail_links(mailoutbox[0])[0].replace("http://127.0.0.1:8000", "")
    form_url = client.get(link)["Location"]
    page = client.get(form_url).content.decode()
    assert "Olga" in page and unlabelled_fields(page) == []
    password = "Ромашка-цветёт-2026"
    assert (
        client.post(form_url, {"new_password1": password, "new_password2": password})["Location"]
        == "/"
    )
    olga = User.objects.get(email="olga@example.com")
    assert olga.check_password(password) and olga.email_verified
    client.logout()
    assert client.get(link).status_code == 400


def test_the_invitation_link_expires(client, agent, settings):
    user = CustomerFactory(email="late@example.com")
    user.set_unusable_password()
    user.save()
    token = tokens.invitation_tokens.make_token(user)
    later = timezone.now().replace(tzinfo=None) + timedelta(
        seconds=settings.ACCOUNTS_INVITATION_TIMEOUT + 1
    )
    with mock.patch.object(tokens.LinkTokenGenerator, "_now", return_value=later):
        response = client.get(f"/accounts/invitation/{tokens.uid_encode(user)}/{token}/")
    assert response.status_code == 400


def test_the_invitation_page_is_for_agents_only(client, customer, agent):
    assert client.get("/accounts/invite/")["Location"].startswith("/accounts/login/")
    client.force_login(customer)
    assert client.get("/accounts/invite/").status_code == 403
    client.force_login(agent)
    response = client.get("/accounts/invite/")
    assert response.status_code == 200
    assert unlabelled_fields(response.content.decode()) == []


def test_customers_cannot_invite(customer):
    with pytest.raises(NotPermitted):
        services.customers_invite(actor=customer, people=[("X", "x@example.com")])


def test_an_administrator_invites_from_the_admin(
    client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    waiting, _ = services.customer_get_or_create(email="waiting@example.com")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/accounts/user/",
            {"action": "send_invitation", "_selected_action": [waiting.pk]},
        )
    assert response.status_code == 302
    assert [m.recipients() for m in mailoutbox] == [["waiting@example.com"]]


def test_lines_are_read_as_mail_addresses():
    people, invalid = parse_people(
        '"Doe, John" <John@X.example>; ann@x.example\nbroken <line\n\nann@x.example'
    )
    assert people == [("Doe, John", "john@x.example"), ("", "ann@x.example")]
    assert invalid == ["broken <line"]
