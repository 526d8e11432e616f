"""The spam list in the staff portal: the list, one mail, "Not spam" and "Delete"
(issue 12, P7; R10).

Permission matrix: anonymous -> sign in; customer -> 403; agent of another department ->
404 for the mail and a list without it; agent of the department and manager -> the page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailgateway.models import InboundMail, InboundStatus
from mailgateway.outbound.models import OutboundMail
from tests.helpers import subscribers_run
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

# The spam URLs: (method, is it about one mail).
SPAM_MAIL_URLS = {
    "spam_mail_list": ("get", False),
    "spam_mail": ("get", True),
    "spam_mail_not_spam": ("post", True),
    "spam_mail_delete": ("post", True),
}
SUBJECT = "Дешёвые часы"


@pytest.fixture
def mail(department):
    sender = "Пётр Сидоров <petr@example.org>"
    mail = receive(plain(sender=sender, subject=SUBJECT, headers={"X-Spam-Flag": "YES"}))
    assert mail.status == InboundStatus.SPAM
    return mail


def call(client, name: str, mail: InboundMail, **kwargs):
    method, about_mail = SPAM_MAIL_URLS[name]
    url = reverse(f"staff:{name}", args=[mail.pk] if about_mail else [])
    return getattr(client, method)(url, **kwargs)


@pytest.mark.parametrize("name", SPAM_MAIL_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, name, mail):
    response = call(client, name, mail)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", SPAM_MAIL_URLS)
def test_customers_get_403_never_the_page(client, name, mail, customer):
    client.force_login(customer)
    assert call(client, name, mail).status_code == 403
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.SPAM


@pytest.mark.parametrize("name", ["spam_mail", "spam_mail_not_spam", "spam_mail_delete"])
def test_an_agent_of_another_department_gets_404_for_the_mail(
    client, name, mail, agent_other_department
):
    client.force_login(agent_other_department)
    assert call(client, name, mail).status_code == 404
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.SPAM


def test_the_list_of_an_agent_of_another_department_does_not_show_it(
    client, mail, agent_other_department
):
    client.force_login(agent_other_department)
    html = client.get(reverse("staff:spam_mail_list")).content.decode()
    assert SUBJECT not in html and "petr@example.org" not in html


@pytest.mark.parametrize("persona", ["agent", "manager"])
@pytest.mark.parametrize("name", ["spam_mail_list", "spam_mail"])
def test_agents_of_the_department_and_managers_get_the_page(request, client, name, persona, mail):
    client.force_login(request.getfixturevalue(persona))
    response = call(client, name, mail)
    assert response.status_code == 200
    html = response.content.decode()
    assert SUBJECT in html and "X-Spam-Flag" in html


def test_not_spam_files_the_mail_and_opens_its_ticket(client, agent, mail):
    client.force_login(agent)
    with subscribers_run():
        response = call(client, "spam_mail_not_spam", mail)
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    assert ticket.subject == SUBJECT and ticket.requester.email == "petr@example.org"
    assert OutboundMail.objects.filter(kind="acknowledgement").count() == 1
    assert call(client, "spam_mail", mail).status_code == 404


def test_delete_takes_it_off_the_list(client, agent, mail):
    client.force_login(agent)
    response = call(client, "spam_mail_delete", mail, follow=True)
    assert "The spam mail was deleted." in response.content.decode()
    assert SUBJECT not in call(client, "spam_mail_list", mail).content.decode()
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.IGNORED
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("name", ["spam_mail_not_spam", "spam_mail_delete"])
def test_the_actions_need_a_post(client, agent, mail, name):
    client.force_login(agent)
    assert client.get(reverse(f"staff:{name}", args=[mail.pk])).status_code == 405
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.SPAM


def test_the_rejected_mail_page_links_to_the_spam_list(client, agent):
    client.force_login(agent)
    html = client.get(reverse("staff:rejected_mail_list")).content.decode()
    assert reverse("staff:spam_mail_list") in html
