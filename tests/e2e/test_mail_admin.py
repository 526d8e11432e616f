"""The mail gateway's admin pages in a real browser, desktop and phone (issue 5, MAIL.md 7)."""

import pytest

from mailgateway.models import InboundMail, InboundStatus
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets.models import DepartmentAddress

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_reprocesses_a_quarantined_mail(page, screenshot, admin_user, department):
    receive(plain(subject="Сервер не отвечает"))
    mail = receive(plain(to="nobody@elsewhere.example", subject="Куда это письмо?"))
    InboundMail.objects.filter(pk=mail.pk).update(status=InboundStatus.QUARANTINED)
    sign_in(page, admin_user.email, PASSWORD)
    page.goto("/admin/mailgateway/inboundmail/")
    page.get_by_role("link", name="Quarantined: 1").wait_for()
    screenshot(page, "inbound-mail-list")
    page.get_by_role("link", name="Quarantined: 1").click()
    assert page.url.endswith("?status=quarantined")
    page.get_by_role("link", name="Куда это письмо?").first.click()
    page.get_by_role("button", name="Reprocess this mail").wait_for()
    screenshot(page, "quarantined-mail")
    DepartmentAddress.objects.create(department=department, address="nobody@elsewhere.example")
    page.get_by_role("button", name="Reprocess this mail").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "after-reprocess")
    assert page.get_by_text("Reprocessed: done").is_visible()


def test_the_inbound_mail_list_on_a_phone(phone, screenshot, admin_user, department):
    receive(plain(subject="Письмо с телефона"))
    sign_in(phone, admin_user.email, PASSWORD)
    phone.goto("/admin/mailgateway/inboundmail/")
    phone.get_by_text("Письмо с телефона").first.wait_for()
    screenshot(phone, "inbound-mail-list-phone")
