"""The writing hints are pure rules: subject, description, per kind of category (P2, issue 3)."""

import pytest

from tickets import quality
from tickets.models import CategoryKind

TECH, BILLING = CategoryKind.TECHNICAL, CategoryKind.BILLING
GOOD_REPORT = (
    "Since 8:00 today our site shop.example.org shows “502 Bad Gateway”. We did not change "
    "anything on the server. Restarting nginx did not help; the nginx error.log says "
    "upstream timed out. Chrome 131 and Firefox 133 show the same. Screenshot attached."
)


def codes(hints):
    return [hint.code for hint in hints]


def test_a_long_subject_gets_a_hint():
    assert codes(quality.subject_hints("x" * 81)) == ["subject_long"]
    assert quality.subject_hints("x" * 80) == []


@pytest.mark.parametrize(
    "text",
    [
        "Hello, my server is down again, what happened?",
        "Hi team! Site not working. Please help!!!",
        "Здравствуйте! Сервер опять не работает, что случилось?",
        "Добрый день. Сайт лежит, помогите",
    ],
)
def test_a_greeting_and_a_vague_question_are_vague(text):
    assert codes(quality.description_hints(text)) == ["vague"]


@pytest.mark.parametrize(
    "text",
    ["Invoice 1042 was charged twice to my card.", "Счёт 1098 оплачен переводом, но не зачислен."],
)
def test_a_short_but_precise_description_is_only_short(text):
    assert codes(quality.description_hints(text)) == ["short"]


def test_a_full_description_gets_no_hint():
    assert quality.description_hints(GOOD_REPORT) == []
    assert quality.description_hints("") == []


def test_the_description_threshold_counts_words_in_any_script():
    fourteen = " ".join(["слово"] * 14)
    assert codes(quality.description_hints(fourteen)) == ["short"]
    assert quality.description_hints(fourteen + " слово") == []


def test_a_slow_server_asks_for_ping_and_traceroute():
    hints = quality.category_hints(TECH, "Since yesterday the server cs1234 is very slow")
    assert "tech_network" in codes(hints)
    with_ping = "Since yesterday cs1234 is slow. ping: 340 ms, traceroute attached."
    assert "tech_network" not in codes(quality.category_hints(TECH, with_ping))


def test_an_http_error_means_the_network_is_fine():
    hints = quality.category_hints(TECH, "Сайт example.ru не открывается с утра, ошибка 502")
    assert "tech_network" not in codes(hints) and "tech_logs" in codes(hints)


def test_a_disk_problem_asks_for_smart_data():
    hints = quality.category_hints(TECH, "Since today the disk on cs1234 makes errors")
    assert "tech_disk" in codes(hints)


def test_a_page_problem_asks_for_the_browser_and_a_screenshot():
    text = "Since the update this morning the page example.com/cart is blank"
    assert codes(quality.category_hints(TECH, text)) == ["tech_browser", "tech_screenshot"]
    assert "tech_screenshot" not in codes(quality.category_hints(TECH, text, has_attachments=True))


def test_which_server_is_not_asked_when_a_service_is_picked():
    text = "It stopped working after the update yesterday"
    assert "tech_which" in codes(quality.category_hints(TECH, text))
    assert "tech_which" not in codes(quality.category_hints(TECH, text, has_service=True))


def test_a_how_to_question_is_not_asked_when_it_started():
    hints = quality.category_hints(TECH, "Как настроить бэкап PostgreSQL на cs1234?")
    assert "tech_when" not in codes(hints)


def test_at_most_three_category_hints_at_once():
    text = "Server down, page broken, error, disk slow"
    assert len(quality.category_hints(TECH, text)) == quality.CATEGORY_HINTS_MAX


def test_billing_asks_for_the_invoice_number_and_how_one_paid():
    hints = quality.category_hints(BILLING, "My payment did not arrive")
    assert codes(hints) == ["billing_invoice", "billing_payment"]
    complete = "Оплатили счёт №1098 банковским переводом, платёжное поручение во вложении."
    assert quality.category_hints(BILLING, complete) == []


def test_a_bank_transfer_without_attachment_asks_for_the_payment_order():
    hints = quality.category_hints(BILLING, "Invoice 2231 paid by bank transfer on Monday")
    assert codes(hints) == ["billing_payment_order"]
    assert (
        quality.category_hints(
            BILLING, "Invoice 2231 paid by bank transfer on Monday", has_attachments=True
        )
        == []
    )


def test_other_kinds_get_no_category_hints():
    assert quality.category_hints(CategoryKind.SALES, "Server down, error") == []
    assert quality.category_hints(None, "Server down, error") == []


def test_ticket_hints_put_the_description_first():
    hints = quality.ticket_hints(
        subject="y" * 100, description="my server is down, what happened?", kind=TECH
    )
    assert codes(hints)[:2] == ["vague", "subject_long"]


@pytest.mark.parametrize(
    ("new", "existing"),
    [
        ("SSH connection refused again", "Cannot connect over SSH: Connection refused"),
        ("Сайт опять не открывается", "Сайт не открывается, ошибка 500"),
        ("Почта не приходит", "Не приходит почта на ящики домена romashka.example"),
        ("Invoice charged twice", "Invoice 1672 charged twice"),
        ("СЕРВЕР cs1234 ТОРМОЗИТ", "Сервер cs1234 тормозит, высокая нагрузка"),
        ("cs1234", "VPS cs1234 down"),
    ],
)
def test_subjects_about_the_same_problem_are_similar(new, existing):
    assert quality.subjects_similar(new, existing)


@pytest.mark.parametrize(
    ("new", "existing"),
    [
        ("My server is down", "Disk almost full on the database server"),
        ("Server slow", "Offer for 3 dedicated servers with DDoS protection"),
        ("Need an invoice for March", "Invoice 1672 charged twice"),
        ("Проблема, помогите", "Проблема с оплатой, помогите"),
        ("", "Anything"),
    ],
)
def test_sharing_a_common_word_is_not_enough(new, existing):
    assert not quality.subjects_similar(new, existing)


def test_stop_words_and_short_words_do_not_count():
    assert quality.significant_stems("The problem is with my VPS, please help") == {"vps"}
    assert quality.significant_stems("Ошибка 500 и 42") == {"ошибк", "500"}
