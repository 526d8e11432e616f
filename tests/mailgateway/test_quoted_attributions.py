"""The attribution lines of mail.ru, Yandex, Gmail and Outlook in Russian, Ukrainian and
German start the quoted history, so it folds (issue 12, R7). Nothing is ever dropped."""

from __future__ import annotations

import pytest

from mailgateway.quotes import split_quoted

REPLY = "Спасибо, всё заработало."
QUOTED = "> Перезапустите, пожалуйста, сервер."

ATTRIBUTIONS = [
    # mail.ru (Russian, Ukrainian)
    "Четверг, 3 декабря 2026, 9:15 +03:00 от Иван Петров <ivan@example.ru>:",
    "Четвер, 3 грудня 2026, 9:15 +02:00 від Іван Петренко <ivan@example.ua>:",
    "Четверг, 3 декабря 2026, 9:15 +03:00 от ivan@example.ru:",
    # Yandex
    '03.12.2026, 09:15, "Иван Петров" <ivan@example.ru>:',
    "03.12.2026, 09:15, Служба поддержки <support@helpdesk.example>:",
    "3 декабря 2026 г., в 9:15, Иван Петров <ivan@example.ru> написал:",
    # Gmail in Russian, Ukrainian, German
    "чт, 3 дек. 2026 г. в 09:15, Иван Петров <ivan@example.ru>:",
    "чт, 3 груд. 2026 р. о 09:15 Іван Петренко <ivan@example.ua> пише:",
    "Am Do., 3. Dez. 2026 um 09:15 Uhr schrieb Jürgen Müller <juergen@example.de>:",
    # Thunderbird, Apple Mail and others
    "Иван Петров пишет:",
    "Іван Петренко написав:",
    "Оксана Петренко написала:",
    "03.12.2026 09:15, Иван Петров пишет:",
    "03.12.2026 о 09:15 Іван Петренко пише:",
    "Am 03.12.2026 um 09:15 schrieb Jürgen Müller:",
    "Jürgen Müller <juergen@example.de> schrieb am Do., 3. Dez. 2026, 09:15:",
]


@pytest.mark.parametrize("attribution", ATTRIBUTIONS)
def test_the_attribution_line_starts_the_quoted_history(attribution):
    """Issue 12: recognised, so the history below folds."""
    text = f"{REPLY}\n\n{attribution}\n{QUOTED}"
    assert split_quoted(text) == (REPLY, f"{attribution}\n{QUOTED}")


@pytest.mark.parametrize(
    "headers",
    [
        "От: Иван Петров <ivan@example.ru>\nОтправлено: 3 декабря 2026 г. 9:15\n"
        "Кому: support@helpdesk.example\nТема: Сайт не работает",
        "Від: Іван Петренко <ivan@example.ua>\nНадіслано: 3 грудня 2026 р. 9:15\n"
        "Кому: support@helpdesk.example\nТема: Сайт не працює",
        "Von: Jürgen Müller <juergen@example.de>\nGesendet: Donnerstag, 3. Dezember 2026 09:15\n"
        "An: support@helpdesk.example\nBetreff: Störung",
    ],
)
def test_outlooks_header_block_starts_the_quoted_history(headers):
    """Issue 12: Outlook in Russian, Ukrainian and German."""
    text = f"{REPLY}\n\n{headers}\n\nСтарый текст"
    assert split_quoted(text) == (REPLY, f"{headers}\n\nСтарый текст")


@pytest.mark.parametrize(
    "line",
    [
        "Я написал вам вчера: сервер не отвечает.",
        "Письмо от бухгалтерии пришло, счёт в приложении:",
        "Der Kollege schrieb gestern, dass alles läuft.",
    ],
)
def test_sentences_that_only_look_like_attributions_are_not_folded(line):
    text = f"{REPLY}\n\n{line}\nИ ещё одна строка текста."
    assert split_quoted(text) == (text, "")
