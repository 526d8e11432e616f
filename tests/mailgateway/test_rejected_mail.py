"""Mail a department rejects is kept and listed for that department's agents only
(issue 5, senders; R10). The polite reply comes with the outbound issue (notices.py)."""

from __future__ import annotations

import pytest

from mailgateway import notices
from mailgateway.models import InboundStatus
from mailgateway.selectors import rejected_mail_for
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets.models import MailPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(support, monkeypatch):
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    told = []
    monkeypatch.setattr(notices, "sender_rejected", lambda **kw: told.append(kw["mail"].pk))
    mail = receive(plain(sender="stranger@example.com", subject="Пустите"))
    assert mail.status == InboundStatus.REJECTED
    assert told == [mail.pk]  # the outbound issue's polite reply is called from here
    return mail


def test_the_department_s_agents_see_rejected_mail(rejected, agent, manager):
    assert list(rejected_mail_for(agent)) == [rejected]
    assert list(rejected_mail_for(manager)) == [rejected]


def test_other_departments_and_customers_do_not(rejected, agent_other_department, customer):
    assert list(rejected_mail_for(agent_other_department)) == []
    assert list(rejected_mail_for(customer)) == []
