"""Rejected mail in the staff portal: the list, one mail, and opening a ticket from it
(issue 5, senders: "stored and shown to agents as rejected"; P7, R10).

Permission matrix: anonymous -> sign in; customer -> 403; agent of another department ->
404 for the mail and a list without it; agent of the department and manager -> the page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mailgateway import selectors
from mailgateway.models import InboundMail, InboundStatus
from tests.helpers import png_bytes
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import HOSTILE, HOSTILE_LEFTOVERS, html_mail
from tests.mailgateway.mails import plain, with_attachments
from tickets.models import MailPolicy, Ticket

pytestmark = pytest.mark.django_db

# The rejected-mail URLs: (method, is it about one mail). The ticket matrix of
# test_permissions.py covers the others.
REJECTED_MAIL_URLS = {
    "rejected_mail_list": ("get", False),
    "rejected_mail": ("get", True),
    "rejected_mail_accept": ("post", True),
}
STRANGER = "Пётр Сидоров <petr@example.org>"


@pytest.fixture
def registered_only(department):
    department.mail_policy = MailPolicy.REGISTERED
    department.save()
    return department


@pytest.fixture
def mail(registered_only):
    mail = receive(plain(sender=STRANGER, subject="Хочу стать клиентом"))
    assert mail.status == InboundStatus.REJECTED
    return mail


def call(client, name: str, mail: InboundMail):
    method, about_mail = REJECTED_MAIL_URLS[name]
    return getattr(client, method)(reverse(f"staff:{name}", args=[mail.pk] if about_mail else []))


@pytest.mark.parametrize("name", REJECTED_MAIL_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, name, mail):
    response = call(client, name, mail)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", REJECTED_MAIL_URLS)
def test_customers_get_403_never_the_page(client, name, mail, customer):
    client.force_login(customer)
    assert call(client, name, mail).status_code == 403
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.REJECTED


@pytest.mark.parametrize("name", ["rejected_mail", "rejected_mail_accept"])
def test_an_agent_of_another_department_gets_404_for_the_mail(
    client, name, mail, agent_other_department
):
    client.force_login(agent_other_department)
    assert call(client, name, mail).status_code == 404
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.REJECTED
    assert not Ticket.objects.exists()


def test_the_list_of_an_agent_of_another_department_does_not_show_it(
    client, mail, agent_other_department
):
    client.force_login(agent_other_department)
    html = client.get(reverse("staff:rejected_mail_list")).content.decode()
    assert "Хочу стать клиентом" not in html and "petr@example.org" not in html
    assert '<span class="nav-count">' not in html


@pytest.mark.parametrize("persona", ["agent", "manager"])
@pytest.mark.parametrize("name", ["rejected_mail_list", "rejected_mail"])
def test_agents_of_the_department_and_managers_get_the_page(request, client, name, persona, mail):
    client.force_login(request.getfixturevalue(persona))
    response = call(client, name, mail)
    assert response.status_code == 200
    assert "Хочу стать клиентом" in response.content.decode()


@pytest.mark.parametrize("persona", ["agent", "manager"])
def test_agents_of_the_department_and_managers_open_a_ticket_from_it(
    request, client, persona, mail
):
    client.force_login(request.getfixturevalue(persona))
    response = call(client, "rejected_mail_accept", mail)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    assert ticket.requester.email == "petr@example.org"
    assert InboundMail.objects.get(pk=mail.pk).status == InboundStatus.DONE
    page = client.get(response["Location"]).content.decode()
    assert f"Ticket #{ticket.number} opened for Пётр Сидоров." in page
    # Done mail is no longer listed, and the detail page is gone.
    assert call(client, "rejected_mail", mail).status_code == 404
    assert "Хочу стать клиентом" not in call(client, "rejected_mail_list", mail).content.decode()


def test_the_page_needs_a_post_to_open_a_ticket(client, agent, mail):
    client.force_login(agent)
    response = client.get(reverse("staff:rejected_mail_accept", args=[mail.pk]))
    assert response.status_code == 405
    assert not Ticket.objects.exists()


def test_a_refusal_comes_back_on_the_mail_s_page(client, agent, registered_only):
    """The sender is an agent: no ticket, the reason shown."""
    mail = receive(plain(sender=agent.email, subject="From a colleague"))
    assert mail.status == InboundStatus.REJECTED
    client.force_login(agent)
    response = client.post(reverse("staff:rejected_mail_accept", args=[mail.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:rejected_mail", args=[mail.pk])
    assert "Agents answer tickets; they do not open them by mail." in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_list_shows_sender_subject_department_date_and_reason_newest_first(
    client, agent, registered_only
):
    older = receive(plain(sender="old@example.org", subject="Older one"))
    newer = receive(plain(sender="new@example.org", subject="Newer one"))
    InboundMail.objects.filter(pk=older.pk).update(received_at=timezone.now() - timedelta(days=2))
    client.force_login(agent)
    html = client.get(reverse("staff:rejected_mail_list")).content.decode()
    assert html.index("Newer one") < html.index("Older one")
    row = html[html.index("new@example.org") :]
    row = row[: row.index("</tr>")]
    assert "Newer one" in row and "Technical support" in row
    assert "accepts mail from registered customers only" in row
    assert reverse("staff:rejected_mail", args=[newer.pk]) in row


def test_the_list_goes_page_by_page(client, agent, registered_only, monkeypatch):
    monkeypatch.setattr("mailgateway.views.rejected_mail.REJECTED_PAGE", 2)
    subjects = [f"Mail {n}" for n in range(5)]
    for subject in subjects:
        receive(plain(sender="someone@example.org", subject=subject))
    client.force_login(agent)
    seen, url = [], reverse("staff:rejected_mail_list")
    while url:
        response = client.get(url)
        page = response.context["page"]
        seen += [mail.subject for mail in page.items]
        url = (
            f"{reverse('staff:rejected_mail_list')}?after={page.next_cursor}"
            if page.has_next
            else ""
        )
    assert seen == list(reversed(subjects))


def test_the_list_costs_the_same_queries_for_any_number_of_mails(
    client, agent, registered_only, django_assert_num_queries
):
    receive(plain(sender="one@example.org"))
    client.force_login(agent)
    # session, user, the navigation's count, the page of mail (departments in a subquery),
    # whether he manages a department (issue 10), the bell's count and the newest event the
    # live poll starts from (issue 11)
    with django_assert_num_queries(7):
        client.get(reverse("staff:rejected_mail_list"))
    for n in range(6):
        receive(plain(sender=f"more{n}@example.org"))
    with django_assert_num_queries(7):
        response = client.get(reverse("staff:rejected_mail_list"))
    assert len(response.context["page"].items) == 7


def test_the_navigation_counts_recent_rejected_mail_up_to_a_cap(
    client, agent, registered_only, monkeypatch
):
    client.force_login(agent)
    assert '<span class="nav-count">' not in client.get(reverse("staff:dashboard")).content.decode()
    for n in range(3):
        receive(plain(sender=f"s{n}@example.org"))
    old = receive(plain(sender="old@example.org"))
    InboundMail.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - timedelta(days=selectors.REJECTED_RECENT_DAYS + 1)
    )
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert '<span class="nav-count">3<span class="visually-hidden"> in the last 7 days' in html
    monkeypatch.setattr(selectors, "REJECTED_COUNT_CAP", 3)
    html = client.get(reverse("staff:queue")).content.decode()
    assert '<span class="nav-count">2+<span' in html


def test_the_count_is_one_capped_query(agent, registered_only, django_assert_num_queries):
    for n in range(4):
        receive(plain(sender=f"s{n}@example.org"))
    with django_assert_num_queries(1) as queries:
        assert selectors.rejected_mail_recent_count(agent) == 4
    assert "LIMIT 100" in queries.captured_queries[0]["sql"]


def test_the_mail_page_shows_the_parsed_text_and_lists_the_files(client, agent, registered_only):
    raw = with_attachments(
        sender="petr@example.org",
        subject="Договор",
        text="Добрый день! Высылаю договор.\n\nOn Mon, Anna wrote:\n> old",
        files=[
            ("договор.pdf", "application/pdf", b"%PDF-1.4 x"),
            ("фото.png", "image/png", png_bytes()),
        ],
    )
    mail = receive(raw)
    client.force_login(agent)
    html = client.get(reverse("staff:rejected_mail", args=[mail.pk])).content.decode()
    assert "Добрый день! Высылаю договор." in html
    assert '<details class="quoted">' in html
    assert "договор.pdf" in html and "фото.png" in html
    assert "/files/" not in html, "nothing of a rejected mail is served"
    assert 'action="' + reverse("staff:rejected_mail_accept", args=[mail.pk]) in html


def test_the_mail_page_shows_html_sanitized_with_placeholders_for_images(
    client, agent, registered_only
):
    mail = receive(html_mail(sender="petr@example.org", html=HOSTILE))
    client.force_login(agent)
    html = client.get(reverse("staff:rejected_mail", args=[mail.pk])).content.decode()
    body = html[html.index('<div class="body html">') : html.index("</article>")]
    for leftover in HOSTILE_LEFTOVERS:
        assert leftover not in body.lower(), leftover
    assert "VISIBLE-TEXT" in body and "<img" not in body


def test_a_copy_already_filed_in_another_department_is_said_so(
    client, department, other_department, agent_other_department
):
    """Sales accepts registered customers only and rejected its copy; support's copy of
    the same mail opened a ticket there, which a Sales agent cannot see (R10)."""
    other_department.mail_policy = MailPolicy.REGISTERED
    other_department.save()
    raw = plain(sender=STRANGER, to="sales@helpdesk.example, support@helpdesk.example")
    sales_copy = receive(raw, envelope_recipients=["sales@helpdesk.example"])
    support_copy = receive(raw, envelope_recipients=["support@helpdesk.example"])
    assert sales_copy.status == InboundStatus.REJECTED and support_copy.ticket is not None
    client.force_login(agent_other_department)
    response = client.post(reverse("staff:rejected_mail_accept", args=[sales_copy.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:rejected_mail_list")
    number = support_copy.ticket.number
    assert f"This mail is already ticket #{number} in another department." in (
        response.content.decode()
    )
    sales_copy.refresh_from_db()
    assert (sales_copy.status, sales_copy.duplicate_of) == (InboundStatus.IGNORED, support_copy)


def test_the_mail_page_shows_sent_file_names_sanitised(client, agent, registered_only):
    """Issue 14: a bidi override (U+202E) cannot make "gnp.exe" look like "exe.png"."""
    raw = with_attachments(
        sender="petr@example.org", files=[("photo\u202egnp.exe", "image/png", png_bytes())]
    )
    mail = receive(raw)
    client.force_login(agent)
    html = client.get(reverse("staff:rejected_mail", args=[mail.pk])).content.decode()
    assert "photognp.exe" in html and "\u202e" not in html
