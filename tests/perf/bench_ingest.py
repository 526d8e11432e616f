"""`make bench`: inbound mail throughput and memory (issue 5).

Generates N realistic mails (plain, multipart with HTML, Cyrillic in koi8-r and
windows-1251, the multilingual set of tests/mailgateway/data/charsets (CJK and other
legacy charsets, declared or not), attachments, replies to earlier tickets), stores
them raw and runs each through the whole pipeline (parse, classify, route, thread,
ticket services, commit) in this one process on PostgreSQL, and prints messages per
second. Then, in a fresh subprocess, ingests one mail with a 20 MB attachment and prints
the process's peak RSS.

It uses a database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/helpdesk_bench), dropped and created at each run.
Django is set up from main() once the database is chosen, so the project's modules are
imported inside the functions that run after it.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
MULTILINGUAL = ROOT / "tests" / "mailgateway" / "data" / "charsets"
THREAD_ROOT = "<thread-root@bench.example>"  # a tenth of the mixed mails answer it
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
RUSSIAN = (
    "Здравствуйте! С утра не открывается сайт, браузер пишет ошибку 502. "
    "Мы ничего не меняли, последний раз всё работало вчера вечером. Помогите, пожалуйста."
)
ENGLISH = (
    "Hello, since this morning our site answers with a 502 error. Nothing was changed on our "
    "side; it last worked yesterday evening. Could you please have a look?"
)


def setup_django(url: str, media: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "MEDIA_ROOT": media,
            # The worker's own work: parse, thread, store, and writing the outbox rows of
            # the acknowledgements. Sending them is another task, run by any worker; here
            # it is queued to an in-memory broker and not run.
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": "memory://",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def plain(
    i: int, sender: str, to: str, *, reply_to_id: str | None = None, message_id: str = ""
) -> bytes:
    message = MIMEText(
        f"{ENGLISH}\n\nTicket text number {i}.\n-- \nSent from my phone", "plain", "utf-8"
    )
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Site down #{i}" if reply_to_id is None else f"Re: Site down #{i}"
    message["Date"] = formatdate()
    message["Message-ID"] = message_id or make_msgid(domain="bench.example")
    if reply_to_id:
        message["In-Reply-To"] = reply_to_id
        message["References"] = reply_to_id
    return message.as_bytes()


def cyrillic(i: int, sender: str, to: str, charset: str) -> bytes:
    message = MIMEText(RUSSIAN, "plain", charset)
    message["From"] = Header("Иван Петров", charset).encode() + f" <{sender}>"
    message["To"] = to
    message["Subject"] = Header(f"Сайт не работает {i}", charset).encode()
    message["Message-ID"] = make_msgid(domain="bench.example")
    return message.as_bytes()


def multipart(i: int, sender: str, to: str, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Invoice question {i}"
    message["Message-ID"] = make_msgid(domain="bench.example")
    message.set_content(ENGLISH)
    message.add_alternative(
        f"<html><body><p>{ENGLISH}</p><p><b>#{i}</b></p></body></html>", subtype="html"
    )
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename=f"invoice-{i}.pdf"
        )
    return message.as_bytes()


def multilingual() -> list[bytes]:
    """The multilingual test set (issue 12): every language and charset of it."""
    return [path.read_bytes() for path in sorted(MULTILINGUAL.glob("*.eml"))]


def corpus(n: int, kind: str) -> list[bytes]:
    rng = random.Random(42)
    senders = [f"customer{k}@bench.example" for k in range(max(10, n // 5))]
    pdf = b"%PDF-1.4\n" + bytes(rng.getrandbits(8) for _ in range(50_000))
    mails: list[bytes] = []
    languages = multilingual()
    for i in range(n):
        sender = rng.choice(senders)
        to = rng.choice(["support@helpdesk.example", "sales@helpdesk.example"])
        if kind == "plain":
            mails.append(plain(i, sender, to, message_id=f"<plain-{i}@bench.example>"))
            continue
        if kind == "replies":
            # Customers answering the tickets "plain" opened (In-Reply-To their first mail).
            mails.append(plain(i, sender, to, reply_to_id=f"<plain-{i}@bench.example>"))
            continue
        roll = rng.random()
        if i == 0:
            mails.append(plain(i, senders[0], to, message_id=THREAD_ROOT))
        elif roll < 0.5:
            mails.append(plain(i, sender, to))
        elif roll < 0.7:
            mails.append(multipart(i, sender, to))
        elif roll < 0.75:
            mails.append(cyrillic(i, sender, to, rng.choice(["koi8-r", "windows-1251", "utf-8"])))
        elif roll < 0.8:
            # One of the multilingual set, made unique (the pipeline files a repeated
            # mail only once).
            mail = rng.choice(languages)
            mails.append(f"Message-ID: <lang-{i}@bench.example>\r\n".encode() + mail)
        elif roll < 0.9:
            mails.append(multipart(i, sender, to, attachment=pdf))
        else:
            mails.append(plain(i, senders[0], to, reply_to_id=THREAD_ROOT))
    return mails


def prepare() -> None:
    from tickets.models import Department, DepartmentAddress

    for name, slug in (("Technical support", "support"), ("Sales", "sales")):
        department = Department.objects.create(name=name, slug=slug)
        DepartmentAddress.objects.create(department=department, address=f"{slug}@helpdesk.example")


def ingest(mails: list[bytes]) -> tuple[float, float]:
    """Stores every mail, then processes each: (store seconds, process seconds)."""
    from mailgateway.models import InboundMail, InboundStatus, Source
    from mailgateway.pipeline import inbound_process
    from mailgateway.store import inbound_store

    started = time.perf_counter()
    ids = [inbound_store(raw=raw, source=Source.PIPE, enqueue=False)[0].pk for raw in mails]
    stored = time.perf_counter()
    for pk in ids:
        inbound_process(mail_id=pk)
    processed = time.perf_counter()
    bad = InboundMail.objects.filter(pk__in=ids).exclude(status=InboundStatus.DONE).count()
    assert bad == 0, f"{bad} mails were not filed"
    return stored - started, processed - stored


def parse_only(mails: list[bytes]) -> float:
    from mailgateway.classify import classify
    from mailgateway.parse import parse

    started = time.perf_counter()
    for raw in mails:
        classify(parse(raw))
    return time.perf_counter() - started


def peak_rss_kb() -> int:
    """The process's peak resident size. VmHWM starts afresh at exec, unlike getrusage's
    ru_maxrss, which Linux carries over from the parent that forked us."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def big_mail(path: Path) -> int:
    """A mail with a 20 MB PDF, written to a file as an MTA would hand it over."""
    data = base64.encodebytes(os.urandom(20 * 1024 * 1024)).replace(b"\n", b"\r\n")
    head = (
        b"From: Big Sender <big@bench.example>\r\nTo: support@helpdesk.example\r\n"
        b"Subject: =?utf-8?b?0JHQvtC70YzRiNC+0Lkg0YTQsNC50Ls=?=\r\n"
        b"Message-ID: <big@bench.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe scan is attached.\r\n--B\r\n"
        b"Content-Type: application/pdf; name=scan.pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename=scan.pdf\r\n\r\n"
    )
    path.write_bytes(head + data + b"--B--\r\n")
    return path.stat().st_size


def big_one(path: str) -> None:
    """Runs in a fresh subprocess: reads, stores and files one big mail, then the peak RSS."""
    from mailgateway.models import InboundStatus, Source
    from mailgateway.pipeline import inbound_process
    from mailgateway.store import inbound_store

    baseline = peak_rss_kb()
    raw = Path(path).read_bytes()
    mail, _ = inbound_store(raw=raw, source=Source.PIPE, enqueue=False)
    del raw
    mail = inbound_process(mail_id=mail.pk)
    assert mail.status == InboundStatus.DONE, mail.last_error
    attachment = mail.message.attachments.get()
    assert attachment.size == 20 * 1024 * 1024
    print(f"{baseline} {peak_rss_kb()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_MAILS", "1000")))
    parser.add_argument("--big-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    media = tempfile.mkdtemp(prefix="hd-bench-")
    if args.big_one:
        setup_django(url, media)
        big_one(args.big_one)
        return
    recreate_database(url)
    setup_django(url, media)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    prepare()
    print(f"Inbound mail benchmark on {urlsplit(url).hostname}{urlsplit(url).path}, one process")
    # plain: new tickets (each acknowledged: the outbox row is written in the transaction);
    # replies: answers to those tickets, threaded by In-Reply-To; mixed: both, multipart,
    # Cyrillic charsets and attachments.
    for kind in ("plain", "replies", "mixed"):
        mails = corpus(args.n, kind)
        parse_seconds = parse_only(mails)
        store_seconds, process_seconds = ingest(mails)
        total = store_seconds + process_seconds
        print(
            f"  {kind:5} x{args.n}: {args.n / total:7.1f} msg/s end to end "
            f"(store {args.n / store_seconds:7.1f}/s, process {args.n / process_seconds:6.1f}/s; "
            f"parse+classify alone {parse_seconds / args.n * 1000:.2f} ms/msg)"
        )
    path = Path(media) / "big.eml"
    size = big_mail(path)
    result = subprocess.run(
        [sys.executable, __file__, "--big-one", str(path)],
        env={**os.environ, "BENCH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    baseline, peak = map(int, result.stdout.split()[-2:])
    print(
        f"  one mail of {size / 1024 / 1024:.1f} MB (20 MB attachment), stored and filed: peak "
        f"RSS {peak / 1024:.0f} MB (process at start {baseline / 1024:.0f} MB; target under 200 MB)"
    )


if __name__ == "__main__":
    main()
