"""Text parts and headers of outgoing mail are plain text, HTML parts stay escaped
(issue 14, "Subjects in outgoing mail are plain text"; R6, P6).

Every kind of outgoing mail carries `Can't pay <invoice> & "more"` in its subject, the
names, the signature and the body: the decoded Subject and the text part show it exactly
as written, the HTML part shows it escaped (no injection).
"""

import email
from email import policy
from email.utils import getaddresses

import pytest

from accounts import mails
from mailgateway.outbound import compose
from tests.factories import AgentFactory, CustomerFactory, DepartmentFactory, open_ticket
from tickets import services

pytestmark = pytest.mark.django_db

TRICKY = 'Can\'t pay <invoice> & "more"'
ESCAPED = "Can&#x27;t pay &lt;invoice&gt; &amp; &quot;more&quot;"


@pytest.fixture
def department(db):
    return DepartmentFactory(
        name=f"Billing {TRICKY}",
        sender_name=f"Billing {TRICKY}",
        sender_address="billing@hosting.example",
        signature=f"--\nSigned: {TRICKY}",
    )


@pytest.fixture
def customer(db):
    return CustomerFactory(name=f"Jo {TRICKY}", email="jo@example.com", language="en")


@pytest.fixture
def agent(department):
    return AgentFactory(name=f"Ann {TRICKY}", departments=[department], language="en")


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department, subject=TRICKY, body=f"Body: {TRICKY}")


def read(draft) -> email.message.EmailMessage:
    return email.message_from_bytes(draft.as_bytes(), policy=policy.default)


def assert_plain_and_escaped(draft, *, in_subject=True, in_text=True) -> None:
    message = read(draft)
    if in_subject:
        assert TRICKY in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    if in_text:
        assert TRICKY in text
        assert ESCAPED in html
    for escaped in ("&#x27;", "&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#34;"):
        assert escaped not in text
        assert escaped not in str(message["Subject"])
    assert "<invoice>" not in html


def test_the_acknowledgement_is_plain_text_in_its_subject_text_and_signature(ticket):
    draft = compose.acknowledgement(ticket, ticket.messages.get())
    assert_plain_and_escaped(draft)
    text = read(draft).get_body(("plain",)).get_content()
    assert f"Signed: {TRICKY}" in text and f"Hello Jo {TRICKY}" in text


def test_an_agent_reply_is_plain_text_with_names_in_from_and_to(ticket, agent, customer):
    reply = services.reply_add(actor=agent, ticket=ticket, body_text=f"Answer: {TRICKY}")
    draft = compose.reply(reply, to=customer)
    assert_plain_and_escaped(draft)
    message = read(draft)
    assert f"Answer: {TRICKY}" in message.get_body(("plain",)).get_content()
    assert getaddresses([str(message["From"])]) == [
        (f"{agent.display_name}, Billing {TRICKY}", "billing@hosting.example")
    ]
    assert getaddresses([str(message["To"])]) == [(f"Jo {TRICKY}", "jo@example.com")]


@pytest.mark.parametrize(
    "kind",
    [
        compose.Kind.AGENT_NEW_TICKET,
        compose.Kind.AGENT_CUSTOMER_REPLY,
        compose.Kind.AGENT_ASSIGNED,
    ],
)
def test_agent_notifications_are_plain_text(ticket, agent, kind):
    draft = compose.agent_notification(kind, ticket, agent, message=ticket.messages.get())
    assert_plain_and_escaped(draft)
    text = read(draft).get_body(("plain",)).get_content()
    assert f"Body: {TRICKY}" in text and f"Jo {TRICKY}" in text


def test_the_solved_mail_is_plain_text(ticket):
    draft = compose.solved(ticket, rate_good_url="https://x/good", rate_bad_url="https://x/bad")
    assert_plain_and_escaped(draft)


def test_the_rejected_mail_is_plain_text(department):
    draft = compose.rejected(
        address="stranger@example.org",
        name=f"Stranger {TRICKY}",
        subject=TRICKY,
        in_reply_to="",
        department=department,
    )
    assert_plain_and_escaped(draft)
    message = read(draft)
    assert getaddresses([str(message["To"])]) == [(f"Stranger {TRICKY}", "stranger@example.org")]


@pytest.mark.parametrize(
    "send",
    [
        mails.verification,
        mails.password_reset,
        mails.account_exists,
        lambda user: mails.invitation(user, invited_by=user),
    ],
    ids=["verify", "reset", "exists", "invitation"],
)
def test_account_mails_are_plain_text(customer, monkeypatch, send):
    drafts = []
    monkeypatch.setattr(mails.mailer, "post", drafts.append)
    send(customer)
    [draft] = drafts
    assert_plain_and_escaped(draft, in_subject=False)
    assert f"Hello Jo {TRICKY}" in read(draft).get_body(("plain",)).get_content()


def test_the_agents_digest_is_plain_text(ticket, agent):
    subject = f"New ticket: [#{ticket.number}] {TRICKY}"
    draft = compose.agent_digest(agent, [(subject, ticket), (subject, ticket)])
    assert_plain_and_escaped(draft, in_subject=False)
    assert read(draft).get_body(("plain",)).get_content().count(subject) == 2


def test_the_oversize_notice_is_plain_text(department):
    draft = compose.oversize(
        address="stranger@example.org",
        name=f"Stranger {TRICKY}",
        subject=TRICKY,
        in_reply_to="",
        department=department,
        language="en",
    )
    assert_plain_and_escaped(draft)
    text = read(draft).get_body(("plain",)).get_content()
    assert f"Hello Stranger {TRICKY}," in text and f"Signed: {TRICKY}" in text
