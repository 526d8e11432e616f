"""Words are found in their other forms, whatever the case, in every language (R18, R4).

The same queries run on SQLite (FTS5) and on PostgreSQL (tsvector + GIN): the terms are
made in Python for both, so the results agree.
"""

import pytest

from tests.factories import open_ticket
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(other_customer, agent, department):
    customer = other_customer  # Jane Roe: her name is in none of the words searched
    made = {
        "ru": open_ticket(
            customer, department, subject="Проблема", body="Серверы не отвечают с утра."
        ),
        "uk": open_ticket(
            customer, department, subject="Питання", body="Немає доступу до серверів."
        ),
        "en": open_ticket(
            customer, department, subject="Billing", body="Two invoices are missing."
        ),
        "de": open_ticket(customer, department, subject="Frage", body="Wo sind die Rechnungen?"),
        "names": open_ticket(customer, department, subject="Пётр Петров звонил", body="ИВАН тоже."),
        "hy": open_ticket(customer, department, subject="Հարց", body="Սերվերը չի աշխատում"),
        "zh": open_ticket(customer, department, subject="问题", body="服务器无法访问"),
        "ja": open_ticket(customer, department, subject="質問", body="サーバーが落ちました"),
    }
    services.reply_add(actor=agent, ticket=made["en"], body_text="Mr Petrov, the invoice is sent.")
    return {key: ticket.number for key, ticket in made.items()}


def test_russian_and_ukrainian_words_find_their_other_forms(found, agent, tickets):
    for word in ("сервер", "серверы", "сервера", "СЕРВЕРАМИ"):
        assert found(agent, word) == {tickets["ru"], tickets["uk"]}, word


def test_english_and_german_words_find_their_other_forms(found, agent, tickets):
    assert found(agent, "invoice") == {tickets["en"]}
    assert found(agent, "INVOICES") == {tickets["en"]}
    assert found(agent, "Rechnung") == {tickets["de"]}
    assert found(agent, "rechnungen") == {tickets["de"]}


def test_case_and_yo_never_matter(found, agent, tickets):
    assert found(agent, "петр") == {tickets["names"]}
    assert found(agent, "ПЁТР") == {tickets["names"]}
    assert found(agent, "петрова") == {tickets["names"]}
    assert found(agent, "иван") == {tickets["names"]}
    assert found(agent, "petrov") == {tickets["en"]}
    assert found(agent, "PETROV") == {tickets["en"]}


def test_armenian_chinese_and_japanese_are_found_by_their_words(found, agent, tickets):
    assert found(agent, "սերվերը") == {tickets["hy"]}
    assert found(agent, "Սերվեր*") == {tickets["hy"]}
    assert found(agent, "服务器") == {tickets["zh"]}
    assert found(agent, "サーバー") == {tickets["ja"]}


def test_a_mixed_language_message_is_found_in_each_language(
    found, agent, other_customer, department
):
    mixed = open_ticket(
        other_customer, department, subject="Mixed", body="Счета и invoices, Rechnungen"
    )
    for word in ("счёт", "invoice", "rechnung"):
        assert found(agent, word) == {mixed.number}, word


def test_a_huge_message_of_random_words_is_still_saved_and_found(
    found, agent, other_customer, department
):
    """PostgreSQL's tsvector holds at most 1 MB: the index keeps what fits, never fails."""
    words = " ".join(f"1{n:039d}" for n in range(30_000))  # 1.4 MB as a tsvector
    ticket = open_ticket(other_customer, department, subject="Лог", body=f"Начало лога {words}")
    assert found(agent, "начало") == {ticket.number}
