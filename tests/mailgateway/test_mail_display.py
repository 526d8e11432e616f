"""How a mail body is shown (issue 5 "Parsing"): sanitized twice, nothing remote loads,
inline images only from the message's own files, quoted history of the common mail
programs folded and never lost."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import translation

from mailgateway.html import html_to_text, sanitize, sanitize_for_page
from mailgateway.parse import parse
from mailgateway.templatetags import mail_body
from mailgateway.templatetags.mail_body import listed_attachments, split_quoted_html
from tests.factories import open_ticket
from tests.mailgateway.html_mails import html_mail
from tickets.models import Attachment

BODY = Template("{% load mail_body %}{% mail_body message %}")
PARSED = Template("{% load mail_body %}{% parsed_mail_body parsed %}")


@pytest.mark.parametrize("clean", [sanitize, sanitize_for_page], ids=["on arrival", "on the page"])
@pytest.mark.parametrize(
    "style",
    [
        "width: expression(alert(1))",
        "background-color: url(https://track.example/p.gif)",
        "color: URL( 'https://track.example/p.gif' )",
        "margin: calc(100vh + var(--x))",
        "font-family: image-set('https://track.example/p.gif' 1x)",
        "color: rgb(0, 0, url(https://track.example/p.gif))",
    ],
)
def test_styles_that_load_or_compute_anything_are_dropped(clean, style):
    html = clean(f'<p style="color: red; {style}">text</p>')
    assert html == '<p style="color: red;">text</p>'


def test_colours_written_as_functions_stay():
    assert 'style="color: rgb(10,20,30);"' in sanitize('<p style="color: rgb(10,20,30)">x</p>')


@pytest.mark.parametrize(
    ("html", "reply", "quoted"),
    [
        pytest.param(
            "<div><p>Thanks, that fixed it.</p><div><p><b>From:</b> Support "
            "&lt;support@x&gt;<br><b>Sent:</b> Monday<br><b>To:</b> Ivan<br><b>Subject:</b> "
            "Re: x</p></div><p>old text</p></div>",
            "Thanks, that fixed it.",
            "old text",
            id="outlook",
        ),
        pytest.param(
            '<div dir="ltr">Works now!</div><br><div class="gmail_quote"><div dir="ltr">On Mon, '
            "Jan 1, 2024 at 10:00 AM Bob &lt;bob@x.com&gt; wrote:<br></div><blockquote>"
            "<div>old text</div></blockquote></div>",
            "Works now!",
            "old text",
            id="gmail",
        ),
        pytest.param(
            '<div>Спасибо!</div><div>26.06.2014, 14:41, "Alexander L" &lt;abc@example.com&gt;:'
            "</div><blockquote><div>old text</div></blockquote>",
            "Спасибо!",
            "old text",
            id="yandex",
        ),
        pytest.param(
            "<p>Hello</p><p>-----Original Message-----<br>From: a@b<br>old text</p>",
            "Hello",
            "old text",
            id="original message",
        ),
        pytest.param(
            "<p>Answer<br>Am 13.12.2017 21:11 schrieb Hans &lt;h@x.de&gt;:<br>old text</p>",
            "Answer",
            "old text",
            id="within a paragraph",
        ),
    ],
)
def test_the_quoted_history_of_common_mail_programs_is_folded(html, reply, quoted):
    shown, history = split_quoted_html(sanitize(html))
    assert html_to_text(shown) == reply
    assert quoted in html_to_text(history)
    words = html_to_text(sanitize(html)).split()
    assert (html_to_text(shown) + " " + html_to_text(history)).split() == words, "nothing lost"


def test_a_signature_s_image_stays_with_the_reply():
    html = sanitize(
        '<p>Thanks<br>Ivan<br><img src="cid:logo@x" alt="Logo"></p><div><p><b>From:</b> a@b'
        "<br><b>Sent:</b> Monday<br><b>To:</b> c@d<br><b>Subject:</b> x</p></div><p>old</p>"
    )
    shown, history = split_quoted_html(html)
    assert 'alt="Logo"' in shown and "From:" in history


@pytest.mark.parametrize(
    "html",
    [
        "<p>Just a <b>message</b></p><p>From: here to there is far</p>",
        "<div>On Monday we wrote the new config:</div><p>listen 443;</p>",
        "<blockquote>Only a quote</blockquote>",
    ],
)
def test_text_that_only_looks_like_a_quote_is_not_folded(html):
    _shown, history = split_quoted_html(sanitize(html))
    assert history == ""


@pytest.mark.django_db
def test_images_keep_only_addresses_of_the_message_s_own_files(customer, department):
    ticket = open_ticket(
        customer,
        department,
        body="x",
        body_html=(
            '<p><img src="cid:Own@X" alt="own"><img src="cid:missing@x" alt="gone">'
            '<img src="/files/999/" alt=\'a "quoted" <b>\'><img src="" width="1"></p>'
        ),
    )
    message = ticket.messages.get()
    own = Attachment.objects.create(
        message=message, file="a.png", filename="a.png", content_type="image/png", size=1,
        sha256="0" * 64, content_id="<own@x>",
    )  # fmt: skip
    html = BODY.render(Context({"message": message}))
    assert f'<img src="/files/{own.pk}/" alt="own">' in html
    assert '<span class="image-blocked" title="Image not loaded">gone</span>' in html
    assert "/files/999/" not in html
    assert 'a "quoted" &lt;b&gt;</span>' in html, "the text of the alt attribute, escaped"
    assert html.count("<img") == 1 and html.count("image-blocked") == 2


@pytest.mark.django_db
def test_the_list_leaves_out_only_images_shown_in_place(customer, department):
    ticket = open_ticket(
        customer, department, body="x", body_html='<p><img src="cid:pic@x"><img src="cid:doc@x">'
    )
    message = ticket.messages.get()

    def attach(name, content_type, cid):
        return Attachment.objects.create(
            message=message, file=name, filename=name, content_type=content_type, size=1,
            sha256="0" * 64, content_id=cid,
        )  # fmt: skip

    attach("pic.png", "image/png", "pic@x")
    doc = attach("doc.pdf", "application/pdf", "doc@x")
    other = attach("other.png", "image/png", "other@x")
    assert listed_attachments(message) == [doc, other]


def test_a_rejected_mail_shows_its_inline_images_as_placeholders():
    parsed = parse(html_mail())
    html = PARSED.render(Context({"parsed": parsed}))
    assert "<img" not in html
    assert '<span class="image-blocked" title="Image not loaded">снимок экрана</span>' in html
    assert '<details class="quoted">' in html and "QUOTED-HISTORY" in html


def test_a_plain_rejected_mail_is_text_with_links():
    parsed = parse(html_mail(html="<p>x</p>").replace(b"text/html", b"text/plain"))
    html = PARSED.render(Context({"parsed": parsed}))
    assert html.startswith('<div class="body text">')


def test_broken_css_is_dropped_without_an_error():
    assert sanitize('<p style="color: red; ;;{x} bad; margin: 0">x</p>') == (
        '<p style="color: red; margin: 0;">x</p>'
    )


@pytest.mark.django_db
def test_a_body_is_sanitized_once_then_read_from_the_cache(customer, department, monkeypatch):
    cache.clear()
    html = "<p>Hi <b>there</b></p><p>On Mon, Bob wrote:</p><blockquote>old</blockquote>"
    message = open_ticket(customer, department, body="x", body_html=html).messages.get()
    splits = []
    split = mail_body.split_quoted_html
    monkeypatch.setattr(mail_body, "split_quoted_html", lambda h: splits.append(h) or split(h))
    first = BODY.render(Context({"message": message}))
    assert BODY.render(Context({"message": message})) == first
    assert len(splits) == 1
    with translation.override("ru"):
        BODY.render(Context({"message": message}))
    assert len(splits) == 2, "each language has its own entry"
