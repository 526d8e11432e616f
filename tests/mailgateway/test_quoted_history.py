"""Quoted history is folded on the page, never deleted; HTML bodies show their inline
images (issue 5). Checked against the talon fixtures and the reply-parser corpora."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template

from mailgateway.html import html_to_text
from mailgateway.parse import parse
from mailgateway.quotes import split_quoted
from tests.factories import open_ticket
from tests.mailgateway.corpus import CORPUS, needs_corpus, read
from tickets.models import Attachment

TALON = json.loads((CORPUS / "talon" / "expected.json").read_text()) if CORPUS else {}


def normalized(text: str) -> str:
    return " ".join(text.split())


@needs_corpus
@pytest.mark.parametrize("name", sorted(TALON.get("standard_replies", {})))
def test_talon_standard_replies(name):
    expected = TALON["standard_replies"][name]["expected_reply_text"]
    text = parse(read(f"talon/fixtures/standard_replies/{name}")).text
    reply, quoted = split_quoted(text)
    assert reply.strip() == expected.strip()
    assert quoted.strip()


@needs_corpus
@pytest.mark.parametrize("name", sorted(TALON.get("html_replies", {})))
def test_talon_html_replies(name):
    expected = TALON["html_replies"][name]["expected_reply_text_whitespace_insensitive"]
    html = read(f"talon/fixtures/html_replies/{name}").decode("utf-8", "replace")
    reply, _quoted = split_quoted(html_to_text(html))
    assert normalized(reply) == normalized(expected)


def reply_parser_fixtures() -> list[str]:
    if CORPUS is None:
        return []
    root = CORPUS / "reply-parsers"
    return sorted(str(p.relative_to(CORPUS)) for p in root.rglob("*.txt"))


@needs_corpus
@pytest.mark.parametrize("relative", reply_parser_fixtures())
def test_splitting_never_loses_a_line(relative):
    text = read(relative).decode("utf-8", "replace")
    reply, quoted = split_quoted(text)

    def lines(value: str) -> list[str]:
        return sorted(line.strip() for line in value.split("\n") if line.strip())

    assert lines(f"{reply}\n{quoted}") == lines(text)


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "email_tricky_1_on_false_positive.txt",
        "email_tricky_2_url_with_wrote.txt",
        "email_tricky_4_from_in_body.txt",
        "email_tricky_8_sent_from_in_content.txt",
    ],
)
def test_text_that_only_looks_like_a_quote_header_is_not_folded(name):
    text = read(f"reply-parsers/crisp/fixtures/{name}").decode()
    assert split_quoted(text) == (text, "")


@needs_corpus
@pytest.mark.parametrize(
    "name", ["email_german.txt", "email_zoho.txt", "email_danish_dash_separator.txt"]
)
def test_localised_and_dashed_quote_headers_are_found(name):
    reply, quoted = split_quoted(read(f"reply-parsers/crisp/fixtures/{name}").decode())
    assert reply and quoted


def test_russian_attribution_and_outlook_headers():
    text = "Спасибо, заработало!\n\n25.11.2025 10:00, Поддержка пишет:\n> Перезапустите сервер."
    assert split_quoted(text) == (
        "Спасибо, заработало!",
        "25.11.2025 10:00, Поддержка пишет:\n> Перезапустите сервер.",
    )
    outlook = "Ok\n\nFrom: Support <s@x>\nSent: Monday\nTo: me\nSubject: Re: x\n\nold"
    assert split_quoted(outlook)[0] == "Ok"


RENDER = Template("{% load mail_body %}{% mail_body message %}")


@pytest.mark.django_db
def test_the_partial_folds_the_quoted_text(customer, department):
    ticket = open_ticket(customer, department, body="Спасибо!\n\nOn Mon, Bob wrote:\n> old text")
    html = RENDER.render(Context({"message": ticket.messages.get()}))
    assert html.startswith('<div class="body text">Спасибо!<details class="quoted">')
    assert "&gt; old text" in html and "Show quoted text" in html


@pytest.mark.django_db
def test_the_partial_shows_html_with_inline_images_and_folds_blockquotes(customer, department):
    ticket = open_ticket(
        customer,
        department,
        body="x",
        body_html='<p>See <img src="cid:Pic1@X"></p><blockquote><p>old</p></blockquote>',
    )
    message = ticket.messages.get()
    image = Attachment.objects.create(
        message=message, file="a.png", filename="a.png", content_type="image/png", size=1,
        sha256="0" * 64, content_id="pic1@x",
    )  # fmt: skip
    html = RENDER.render(Context({"message": message}))
    assert f'<img src="/files/{image.pk}/">' in html
    assert '<details class="quoted"><summary>Show quoted text</summary><blockquote>' in html


@pytest.mark.django_db
def test_the_partial_sanitizes_again_whatever_wrote_the_html(customer, department):
    ticket = open_ticket(
        customer,
        department,
        body="x",
        body_html='<p onclick="x()">Hi<script>alert(1)</script><img src="https://t.example/p.gif"></p>',
    )
    html = RENDER.render(Context({"message": ticket.messages.get()}))
    assert "onclick" not in html and "<script" not in html and "t.example" not in html
    assert "Hi" in html
