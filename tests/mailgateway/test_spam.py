"""Spam from strangers goes to the agents' spam list: no ticket, no acknowledgement, no
notification; "Not spam" files it normally, "Delete" takes it off the list; the raw mail
is always kept; a verified customer's mail is never filtered (issue 12, P7)."""

from __future__ import annotations

import pytest

from helpdesk.errors import ActionNotAllowed, NotPermitted
from mailgateway.models import InboundStatus
from mailgateway.outbound.models import OutboundMail
from mailgateway.selectors import spam_mail_for
from mailgateway.services import inbound_not_spam, inbound_spam_delete
from mailgateway.store import raw_load
from tests.factories import CustomerFactory
from tests.helpers import subscribers_run
from tests.mailgateway.conftest import receive_notified
from tests.mailgateway.mails import plain
from tests.mailgateway.rspamd import GTUBE, needs_rspamd
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

STRANGER = "Spam King <king@spam.example>"
UPSTREAM_MARKS = [
    {"X-Spam-Flag": "YES"},
    {"X-Spam-Status": "Yes, score=12.3 required=5.0 tests=GTUBE"},
    {"X-Spam-Action": "add header"},
    {"X-Rspamd-Action": "rewrite subject"},
    {"X-Rspamd-Action": "reject"},
]
NOT_SPAM_MARKS = [
    {"X-Spam-Flag": "NO"},
    {"X-Spam-Status": "No, score=0.1 required=5.0"},
    {"X-Rspamd-Action": "no action"},
    {"X-Spam-Action": "greylist"},
]


def spam(headers: dict[str, str], sender: str = STRANGER) -> bytes:
    return plain(sender=sender, subject="Cheap watches", body="Buy now!", headers=headers)


@pytest.mark.parametrize("headers", UPSTREAM_MARKS)
def test_mail_the_upstream_filter_marked_goes_to_the_spam_list(support, agent, headers):
    """Issue 12 (P7): kept, listed for the department's agents, nothing mailed."""
    mail = receive_notified(spam(headers))
    assert mail.status == InboundStatus.SPAM
    assert mail.department == support and mail.ticket is None
    assert "upstream filter" in mail.last_error
    assert list(spam_mail_for(agent)) == [mail]
    assert not Ticket.objects.exists()
    assert not OutboundMail.objects.exists(), "never acknowledged, no agent notified"
    assert raw_load(mail.pk).startswith(b"Content-Type"), "the raw mail stays stored"


@pytest.mark.parametrize("headers", NOT_SPAM_MARKS)
def test_clean_verdicts_file_the_mail_normally(support, headers):
    mail = receive_notified(spam(headers))
    assert mail.status == InboundStatus.DONE and mail.ticket is not None


def test_headers_are_not_read_when_switched_off(support, settings):
    settings.MAIL_SPAM_HEADERS = False
    assert receive_notified(spam({"X-Spam-Flag": "YES"})).status == InboundStatus.DONE


@pytest.mark.parametrize(("score", "status"), [("7.5", "spam"), ("4.99", "done"), ("x", "done")])
def test_a_configured_score_header_and_threshold(support, settings, score, status):
    """Issue 12: a header of one's own filter and the score from which it means spam."""
    settings.MAIL_SPAM_SCORE_HEADER = "X-Filter-Score"
    settings.MAIL_SPAM_SCORE_THRESHOLD = 5.0
    assert receive_notified(spam({"X-Filter-Score": score})).status == status


def test_a_verified_customer_s_mail_is_never_filtered(support):
    """P7: the personal account's owner is trusted."""
    CustomerFactory(email="king@spam.example", email_verified=True)
    mail = receive_notified(spam({"X-Spam-Flag": "YES"}))
    assert mail.status == InboundStatus.DONE


def test_an_unverified_account_is_filtered_like_a_stranger(support):
    CustomerFactory(email="king@spam.example", email_verified=False)
    assert receive_notified(spam({"X-Spam-Flag": "YES"})).status == InboundStatus.SPAM


def test_not_spam_files_it_normally_and_it_is_never_filtered_again(support, agent):
    """Issue 12: a ticket, the acknowledgement (P6), and reprocessing keeps it."""
    mail = receive_notified(spam({"X-Spam-Flag": "YES"}, sender="Ivan <ivan@example.ru>"))
    with subscribers_run():
        filed = inbound_not_spam(actor=agent, mail=mail)
    assert filed.status == InboundStatus.DONE and filed.not_spam
    ticket = filed.ticket
    assert ticket is not None and ticket.requester.email == "ivan@example.ru"
    assert OutboundMail.objects.filter(kind="acknowledgement", ticket=ticket).exists()
    assert list(spam_mail_for(agent)) == []
    with pytest.raises(ActionNotAllowed):
        inbound_not_spam(actor=agent, mail=filed)


def test_delete_takes_it_off_the_list_and_keeps_the_raw_mail(support, agent):
    mail = receive_notified(spam({"X-Spam-Flag": "YES"}))
    inbound_spam_delete(actor=agent, mail=mail)
    mail.refresh_from_db()
    assert mail.status == InboundStatus.IGNORED
    assert list(spam_mail_for(agent)) == []
    assert raw_load(mail.pk)


def test_agents_of_other_departments_can_do_nothing_with_it(support, agent_other_department):
    mail = receive_notified(spam({"X-Spam-Flag": "YES"}))
    assert list(spam_mail_for(agent_other_department)) == []
    with pytest.raises(NotPermitted):
        inbound_not_spam(actor=agent_other_department, mail=mail)
    with pytest.raises(NotPermitted):
        inbound_spam_delete(actor=agent_other_department, mail=mail)


def test_an_unreachable_rspamd_loses_no_mail(support, settings):
    """Issue 12: Rspamd down is no reason to hold mail back: it is filed normally."""
    settings.MAIL_RSPAMD_URL = "http://127.0.0.1:9"
    settings.MAIL_RSPAMD_TIMEOUT = 2
    assert receive_notified(spam({})).status == InboundStatus.DONE


@needs_rspamd
def test_a_real_rspamd_scores_the_mail(support, settings, rspamd_url):
    """Issue 12 (P7): Rspamd's HTTP API; GTUBE is rejected, an ordinary mail is not."""
    settings.MAIL_RSPAMD_URL = rspamd_url
    settings.MAIL_RSPAMD_TIMEOUT = 60
    rejected = receive_notified(plain(sender=STRANGER, subject="Offer", body=f"Buy!\n{GTUBE}\n"))
    assert rejected.status == InboundStatus.SPAM
    assert "Rspamd" in rejected.last_error and "reject" in rejected.last_error
    ordinary = receive_notified(plain(sender="Ivan <ivan@example.ru>"))
    assert ordinary.status == InboundStatus.DONE
