"""`make bench`: how long sanitizing mail HTML takes, per message (issue 16).

Takes the HTML parts of the shared mail corpus (MAIL_CORPUS, default ../shared/corpus;
left out when it is not there) and a few large real-world-like messages made here (a
newsletter of tables and inline styles, a long thread of nested quotes, Outlook HTML with
its conditional comments and style blocks), then times, for each message:

- on arrival: `sanitize()` of the HTML as the mail brought it;
- on the page without the cache: splitting off the quoted history and sanitizing both
  halves for showing (what `{% mail_body %}` does on a cache miss);
- on the page from the cache: the same tag once its result is cached (CACHE_URL, the
  local-memory cache by default).

Prints the median, 95th percentile and maximum of each, in milliseconds. No database.
"""

from __future__ import annotations

import email
import email.policy
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH = (
    "Здравствуйте! После вчерашнего обновления панель <b>VPS cs1234</b> отвечает ошибкой "
    '502. See <a href="https://panel.example.net/login?next=%2F&amp;lang=ru">the panel</a>.'
)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def corpus_html() -> list[str]:
    """The HTML parts of the corpus's messages (each text once: some parts repeat), decoded
    as the mail declares."""
    folder = Path(os.environ.get("MAIL_CORPUS") or ROOT.parent / "shared" / "corpus")
    if not (folder / "MANIFEST.txt").is_file():
        print(f"  (no corpus at {folder}: only the made-up messages)")
        return []
    found = []
    for line in (folder / "MANIFEST.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        message = email.message_from_bytes(
            (folder / line.strip()).read_bytes(), policy=email.policy.compat32
        )
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if part.get_content_type() == "text/html" and payload:
                found.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return list(dict.fromkeys(found))


def newsletter(rows: int) -> str:
    """Table layout, inline styles on every cell, images (inline and remote), links."""
    row = (
        '<tr><td style="padding: 8px; font-family: Arial; color: #333333" width="120">'
        '<img src="cid:product{i}@shop" alt="Product {i}" width="120" height="90"></td>'
        '<td style="padding: 8px; background-color: rgb(250, 250, 250)"><h3 style="margin: 0">'
        'Offer {i}</h3><p style="font-size: 14px">{p}</p><a href="https://shop.example/{i}" '
        'style="color: #0066cc" target="_blank">Buy</a><img src="https://t.example/{i}.gif" '
        'width="1" height="1"></td></tr>'
    )
    body = "".join(row.format(i=i, p=PARAGRAPH) for i in range(rows))
    return f'<html><body><table width="600" cellpadding="0">{body}</table></body></html>'


def long_thread(replies: int) -> str:
    """A reply over a thread where every earlier mail is quoted inside the next."""
    html = f"<p>{PARAGRAPH}</p>"
    for i in range(replies):
        html = (
            f"<div><p>{PARAGRAPH} ({i})</p><div><p>On Mon, 1 Jan 2024 at 10:{i % 60:02} "
            f"Support &lt;support@helpdesk.example&gt; wrote:</p><blockquote>{html}"
            "</blockquote></div></div>"
        )
    return html


def outlook(paragraphs: int) -> str:
    """Word's HTML: a head with styles, conditional comments, o:p tags, spans in spans."""
    head = (
        "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>"
        + "p.MsoNormal { margin: 0cm; font-size: 11pt; font-family: Calibri }" * 50
        + "</style><!--[if gte mso 9]><xml><o:shapedefaults v:ext='edit'/></xml><![endif]-->"
        "</head><body lang=RU link='#0563C1'><div class=WordSection1>"
    )
    para = (
        '<p class=MsoNormal><span style=\'font-size:11.0pt;font-family:"Calibri",sans-serif;'
        "mso-fareast-language:EN-US'>{p}<o:p></o:p></span></p>"
    )
    return head + "".join(para.format(p=PARAGRAPH) for _ in range(paragraphs)) + "</div></body>"


def made_up() -> list[str]:
    return [
        newsletter(50),
        newsletter(400),
        long_thread(40),
        long_thread(200),
        outlook(300),
        outlook(3000),
        "<p>" + "x<b>y</b> " * 25_000 + "</p>",  # 250 kB of tiny tags
    ]


def timed(function: Callable[[str], object], messages: list[str]) -> list[float]:
    times = []
    for html in messages:
        start = time.perf_counter()
        function(html)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"  {label:32} median {statistics.median(ordered):8.2f} ms   p95 {p95:8.2f} ms   "
        f"max {ordered[-1]:8.2f} ms"
    )


def main() -> None:
    setup_django()
    from django.core.cache import cache
    from django.utils import translation

    from mailgateway.html import sanitize
    from mailgateway.templatetags import mail_body

    translation.activate("en")
    urls = {f"product{i}@shop": f"/files/{i}/" for i in range(400)}

    def page(html: str) -> object:
        return mail_body._html_context(html, urls)

    for name, messages in (("corpus", corpus_html()), ("large", made_up())):
        if not messages:
            continue
        size = sum(len(html) for html in messages) / len(messages) / 1024
        print(f"Sanitizing mail HTML: {name}, {len(messages)} HTML parts of {size:.0f} kB average")
        report("on arrival (sanitize)", timed(sanitize, messages))
        stored = [sanitize(html) for html in messages]
        cache.clear()
        report("on the page, not cached", timed(page, stored))
        report("on the page, from the cache", timed(page, stored))
        cache.clear()


if __name__ == "__main__":
    main()
