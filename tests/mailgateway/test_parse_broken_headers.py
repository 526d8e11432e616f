"""Broken mail is still read: the sender, subject, date and body come back whenever a
person could read them from the raw text (issue 12, R6). Each repair is a defect."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailgateway.parse import parse

DATE = "Date: Thu, 03 Dec 2026 09:15:00 +0000"
WHEN = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)


def mail(text: str, *, newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return text.replace("\n", newline).encode(encoding)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_fold_without_its_leading_space_stays_in_its_header(newline):
    """Issue 12: the next line is a header, so the bare line was a fold."""
    raw = mail(
        f"From: Ivan Petrov <ivan@example.ru>\nSubject: The site answers with an error\n"
        f"since this morning, please look\n{DATE}\n\nIt last worked yesterday.\n",
        newline=newline,
    )
    parsed = parse(raw)
    assert parsed.subject == "The site answers with an error since this morning, please look"
    assert (parsed.date, parsed.text) == (WHEN, "It last worked yesterday.")
    assert "a folded header line without its leading space joined" in parsed.defects


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_body_without_the_blank_line_before_it_is_the_body(newline):
    """Issue 12: no header follows the bare line, so the body starts there."""
    raw = mail(
        f"From: Ivan Petrov <ivan@example.ru>\nSubject: Сайт не работает\n{DATE}\n"
        "Здравствуйте!\nСайт не открывается с утра.\n",
        newline=newline,
    )
    parsed = parse(raw)
    assert (parsed.from_email, parsed.subject, parsed.date) == (
        "ivan@example.ru",
        "Сайт не работает",
        WHEN,
    )
    assert parsed.text == "Здравствуйте!\nСайт не открывается с утра."
    assert "no blank line between the headers and the body" in parsed.defects


def test_raw_8bit_headers_without_a_blank_line_in_windows_1251():
    """Issue 12: several breakages at once, in a legacy charset."""
    raw = mail(
        f"From: Иван Петров <ivan@example.ru>\nSubject: Привет\n{DATE}\nТекст письма\n",
        encoding="cp1251",
    )
    parsed = parse(raw)
    assert (parsed.from_name, parsed.subject, parsed.text) == (
        "Иван Петров",
        "Привет",
        "Текст письма",
    )


@pytest.mark.parametrize(
    "first_line",
    ["From ivan@example.ru Thu Dec  3 09:15:00 2026", ">>> exported by MailStore 7", "\ufeffjunk"],
)
def test_an_envelope_or_junk_first_line_loses_nothing(first_line):
    """Issue 12: mbox's envelope line or junk before the headers."""
    raw = mail(f"{first_line}\nFrom: Ivan <ivan@example.ru>\nSubject: Hello\n{DATE}\n\nBody\n")
    parsed = parse(raw)
    assert (parsed.from_email, parsed.subject, parsed.date, parsed.text) == (
        "ivan@example.ru",
        "Hello",
        WHEN,
        "Body",
    )


@pytest.mark.parametrize(
    ("headers", "name", "source"),
    [
        (
            "Sender: Ivan Petrov <ivan@example.ru>\nReply-To: other@example.com",
            "Ivan Petrov",
            "Sender",
        ),
        (
            "Reply-To: Ivan Petrov <ivan@example.ru>\nReturn-Path: <x@example.com>",
            "Ivan Petrov",
            "Reply-To",
        ),
        ("Return-Path: <ivan@example.ru>", "", "Return-Path"),
    ],
)
def test_without_from_the_sender_comes_from_sender_reply_to_or_return_path(headers, name, source):
    """Issue 12: in that order, marked as a defect; never a known sender (trust rules)."""
    parsed = parse(mail(f"{headers}\nSubject: Hello\n\nBody\n"))
    assert (parsed.from_name, parsed.from_email) == (name, "ivan@example.ru")
    assert f"no From address: the sender taken from {source}" in parsed.defects
    assert parsed.sender_problem == "no-address"


def test_a_from_header_without_any_address_says_so():
    parsed = parse(mail("From: Ivan\nSubject: Hello\n\nBody\n"))
    assert (parsed.from_name, parsed.from_email) == ("Ivan", "")
    assert "no From address" in parsed.defects


def test_of_two_from_headers_the_first_is_read_and_the_sender_stays_unknown():
    """Issue 12, MAIL.md rule 10: recovered for reading, still ambiguous for trust."""
    parsed = parse(
        mail("From: Ivan <ivan@example.ru>\nFrom: Eve <eve@example.com>\nSubject: Hi\n\nBody\n")
    )
    assert (parsed.from_name, parsed.from_email) == ("Ivan", "ivan@example.ru")
    assert parsed.sender_problem == "several-from"
    assert "several From headers: the first kept" in parsed.defects


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Petrov, Ivan <ivan@example.ru>", "Petrov, Ivan"),
        ("Петров, Иван <ivan@example.ru>", "Петров, Иван"),
        ("ivan@example.com <ivan@example.ru>", "ivan@example.com"),
        ("Ivan Petrov ivan@example.com <ivan@example.ru>", "Ivan Petrov ivan@example.com"),
    ],
)
def test_a_display_name_with_a_comma_or_an_address_is_read_whole(value, name):
    """Issue 12: the address is the bracketed one; the trust check still calls it
    ambiguous (docs/mail-trust.md rule 7)."""
    parsed = parse(mail(f"From: {value}\nSubject: Hello\n\nBody\n"))
    assert (parsed.from_name, parsed.from_email) == (name, "ivan@example.ru")
    assert parsed.sender_problem in ("several-addresses", "address-in-name")


def test_a_sound_header_block_is_left_alone():
    raw = mail(f"From: Ivan <ivan@example.ru>\nSubject: Hello\n world\n{DATE}\n\nBody: text\n")
    parsed = parse(raw)
    assert (parsed.subject, parsed.text, parsed.defects) == ("Hello world", "Body: text", ())
