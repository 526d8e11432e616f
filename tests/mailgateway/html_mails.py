"""HTML mails as mail programs send them, for the tests of how bodies are shown (issue 5)."""

from __future__ import annotations

from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

from tests.helpers import png_bytes

# An Outlook-style reply: the answer, then the quoted mail under a header block.
REPLY_WITH_INLINE_IMAGE = """<html><body>
<p>Здравствуйте! После обновления панель показывает ошибку, вот снимок экрана:</p>
<p><img src="cid:{cid}" alt="снимок экрана" width="320" height="200"></p>
<p>Спасибо, Иван</p>
<div style="border-top: solid #e1e1e1 1pt">
<p><b>From:</b> Support &lt;support@helpdesk.example&gt;<br>
<b>Sent:</b> Monday, 1 January 2024 10:00<br>
<b>To:</b> Ivan Petrov<br>
<b>Subject:</b> Re: Panel</p>
</div>
<p>QUOTED-HISTORY: please send us a screenshot of the error.</p>
</body></html>"""


def html_mail(
    *,
    html: str = REPLY_WITH_INLINE_IMAGE,
    subject: str = "Панель управления: ошибка",
    sender: str = "Иван Петров <ivan@example.ru>",
    to: str = "support@helpdesk.example",
    image: bytes | None = None,
    text: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """An HTML mail (HTML only, or with a text alternative) whose HTML shows an inline image
    by cid:, plus file attachments (filename, content type, bytes)."""
    cid = make_msgid(domain="example.ru")[1:-1]
    related = MIMEMultipart("related")
    body = MIMEText(html.replace("{cid}", cid), "html", "utf-8")
    if text is not None:
        alternative = MIMEMultipart("alternative")
        alternative.attach(MIMEText(text, "plain", "utf-8"))
        alternative.attach(body)
        related.attach(alternative)
    else:
        related.attach(body)
    picture = MIMEImage(image or png_bytes((320, 200), "steelblue"), "png")
    picture["Content-ID"] = f"<{cid}>"
    picture.add_header("Content-Disposition", "inline", filename="image001.png")
    related.attach(picture)
    if attachments:
        message = MIMEMultipart("mixed")
        message.attach(related)
        for filename, content_type, data in attachments:
            maintype, subtype = content_type.split("/", 1)
            part = (
                MIMEImage(data, subtype)
                if maintype == "image"
                else MIMEText(data.decode(), subtype, "utf-8")
            )
            part.add_header("Content-Disposition", "attachment", filename=filename)
            message.attach(part)
    else:
        message = related
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(1700000000, localtime=False)
    message["Message-ID"] = make_msgid(domain="example.ru")
    return message.as_bytes()


# Everything a hostile sender may try in HTML (issue 5: sanitized, nothing remote loads).
HOSTILE = """<html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<style>body { background: url(https://track.example/style.gif) }</style>
<link rel="stylesheet" href="https://track.example/sheet.css">
</head><body onload="alert('onload')">
<p style="color: red; width: expression(alert('expression')); background-color: url(https://track.example/bg.gif)">VISIBLE-TEXT</p>
<script>alert('script')</script>
<img src="https://track.example/pixel.gif" width="1" height="1" alt="">
<img src="https://cdn.example/logo.png" alt="Company logo">
<img src="x" onerror="alert('onerror')">
<a href="javascript:alert('link')">JS-LINK</a>
<a href="JaVaScRiPt:alert('link2')">JS-LINK-2</a>
<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">DATA-LINK</a>
<a href="https://ok.example/page">SAFE-LINK</a>
<iframe src="https://evil.example/frame"></iframe>
<form action="https://evil.example/form"><input name="password"></form>
<svg onload="alert('svg')"><image href="https://track.example/svg.gif"/></svg>
<object data="https://evil.example/object"></object>
<table background="https://track.example/table.gif"><tr><td background="https://track.example/td.gif">CELL</td></tr></table>
<video poster="https://track.example/poster.gif" src="https://track.example/v.mp4"></video>
<div style="position: fixed; top: 0; left: 0; z-index: 9999">OVERLAY</div>
</body></html>"""

# What none of the hostile mail may leave on a page.
HOSTILE_LEFTOVERS = (
    "<script", "onload", "onerror", "javascript:", "expression(", "url(", "track.example",
    "evil.example", "<iframe", "<form", "<input", "<svg", "<object", "<video", "<meta",
    "<base", "<link", "<style", "position: fixed", "data:text",
)  # fmt: skip
