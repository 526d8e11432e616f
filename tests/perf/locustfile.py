"""The load test's users (issue 17), run by tests/perf/loadtest.py with Locust, headless.

A realistic mix on the production stack: agents browse the queue and tickets, reply, add
notes and assign; customers list and read their tickets, open tickets with an attachment
and reply; mail arrives through the SMTP listener (new tickets and replies); and, at a low
rate, hostile traffic: sign-ins with a wrong password, an upload over the size limit,
malformed mail. Any 5xx (or a refused mail) is a failure; the hostile requests pass when
they get a clear refusal (a form error, 403, 413 or 429), never an error page.

LOADTEST_DATA names the JSON the seed wrote (tests/perf/load_seed.py); LOADTEST_SITE the
host name the site answers to; LOADTEST_SMTP the listener's port; LOADTEST_RECORD a file
where the run writes what it created, for the checks after the run.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import secrets
import smtplib
import time
import uuid
from email.message import EmailMessage
from email.utils import make_msgid

from locust import HttpUser, User, between, events, task
from PIL import Image

DATA = json.load(open(os.environ["LOADTEST_DATA"], encoding="utf-8"))  # noqa: SIM115
SITE = os.environ["LOADTEST_SITE"]
SMTP_PORT = int(os.environ["LOADTEST_SMTP"])
RECORD = os.environ["LOADTEST_RECORD"]
MAX_UPLOAD_MB = int(os.environ.get("ATTACHMENT_MAX_SIZE_MB", "20"))
# What the run created, checked after it: mail accepted by the listener, web tickets.
created: dict[str, list[str]] = {"mail_ids": [], "web_subjects": []}
DESCRIPTION = (
    "С сегодняшнего утра сайт shop.example.ru отдаёт ошибку 502 на странице оплаты.\n"
    "Что делал: очистил кеш, перезапустил php-fpm в панели. Ошибка осталась.\n"
    "Время: около 09:40 по Москве. Скриншот приложен."
)


def _png() -> bytes:
    """A small real picture (the upload check opens images with Pillow)."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def form_errors(page: str) -> str:
    """The form's error messages on a page that came back instead of a redirect."""
    found = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', page, re.S)
    found = found or re.findall(r'role="alert"[^>]*>(.*?)</', page, re.S)
    found = found or re.findall(r"<title>(.*?)</title>", page, re.S)
    return " / ".join(re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in found)[:200]


@events.test_stop.add_listener
def record(**_kwargs) -> None:
    with open(RECORD, "w", encoding="utf-8") as out:
        json.dump(created, out)


class Browser(HttpUser):
    """A signed-in person behind the proxy: own address, session and CSRF cookies."""

    abstract = True
    session_key = ""

    def on_start(self) -> None:
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        self.address = (
            f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        )

    def headers(self, post: bool = False) -> dict[str, str]:
        cookies = f"csrftoken={self.csrf}"
        if self.session_key:
            cookies += f"; sessionid={self.session_key}"
        headers = {
            "Host": SITE,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Cookie": cookies,
        }
        if post:
            headers.update({"Origin": f"https://{SITE}", "X-CSRFToken": self.csrf})
        return headers

    def page(self, path: str, name: str) -> None:
        with self.client.get(
            path, headers=self.headers(), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    def post(self, path: str, name: str, data: dict, files=None, ok=(302, 303)) -> bool:
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(
            path, data=data, files=files, headers=self.headers(post=True), name=name,
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code not in ok:
                response.failure(f"{response.status_code} {form_errors(response.text)}")
            return response.status_code in ok


class Agent(Browser):
    weight = 4
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        me = random.choice(DATA["agents"])
        self.session_key, self.me = me["session"], me["id"]

    def ticket(self) -> int:
        return random.choice(DATA["tickets"])

    @task(6)
    def queue(self) -> None:
        self.page("/staff/queue/", "staff: queue")

    @task(2)
    def dashboard(self) -> None:
        self.page("/staff/", "staff: dashboard")

    @task(6)
    def ticket_page(self) -> None:
        self.page(f"/staff/tickets/{self.ticket()}/", "staff: ticket")

    def write(self, kind: str, text: str) -> None:
        """Opens the ticket, then sends what the agent wrote with the page's stale-check
        value, as the composer does (a reply made stale meanwhile is refused, not lost)."""
        number = self.ticket()
        page = self.client.get(
            f"/staff/tickets/{number}/", headers=self.headers(), name="staff: ticket"
        )
        seen = re.search(r'name="seen" value="(\d+)"', page.text)
        form = {"kind": kind, "body": text, "then": "", "seen": seen.group(1) if seen else ""}
        self.post(f"/staff/tickets/{number}/reply/", f"staff: {kind}", form)

    @task(2)
    def reply(self) -> None:
        self.write("reply", "Проверили: сервер снова отвечает.")

    @task(2)
    def note(self) -> None:
        self.write("note", "Смотрю логи nginx.")

    @task(1)
    def assign(self) -> None:
        self.post(f"/staff/tickets/{self.ticket()}/assign/", "staff: assign", {"assignee": self.me})


class Customer(Browser):
    weight = 5
    wait_time = between(3, 8)

    def on_start(self) -> None:
        super().on_start()
        self.me = random.choice(DATA["customers"])
        self.session_key = self.me["session"]

    @task(4)
    def tickets(self) -> None:
        self.page("/tickets/", "portal: my tickets")

    @task(4)
    def ticket_page(self) -> None:
        if self.me["tickets"]:
            self.page(f"/tickets/{random.choice(self.me['tickets'])}/", "portal: ticket")

    @task(1)
    def open_ticket(self) -> None:
        subject = f"Load {uuid.uuid4().hex}"
        form = {
            "category": DATA["category"],
            "subject": subject,
            "description": DESCRIPTION,
            "confirmed": "1",  # the writing hints were read (P3)
        }
        files = {"attachments": ("screen.png", PNG, "image/png")}
        if self.post("/tickets/new/", "portal: new ticket", form, files):
            created["web_subjects"].append(subject)

    @task(2)
    def reply(self) -> None:
        if self.me["tickets"]:
            number = random.choice(self.me["tickets"])
            form = {"body": "Спасибо, жду ответа."}
            self.post(f"/tickets/{number}/reply/", "portal: reply", form)


class Mailer(User):
    """A mail server delivering customers' mail to the listener."""

    weight = 1
    wait_time = between(2, 5)

    def send(self, name: str, message: EmailMessage | bytes, sender: str) -> bool:
        started = time.perf_counter()
        error = None
        try:
            with smtplib.SMTP("127.0.0.1", SMTP_PORT, timeout=30) as smtp:
                raw = message if isinstance(message, bytes) else message.as_bytes()
                smtp.sendmail(sender, [DATA["address"]], raw)
        except Exception as exc:  # a refusal or a broken connection
            error = exc
        events.request.fire(
            request_type="SMTP", name=name, response_time=(time.perf_counter() - started) * 1000,
            response_length=0, exception=error, context={},
        )  # fmt: skip
        return error is None

    @task(3)
    def new_ticket(self) -> None:
        customer = random.choice(DATA["customers"])
        message = EmailMessage()
        message["From"] = f"Клиент <{customer['email']}>"
        message["To"] = DATA["address"]
        message["Subject"] = "Не работает почта на домене"
        message["Message-ID"] = make_msgid(domain="example.ru")
        message.set_content("Здравствуйте! Письма не доходят с утра.\n")
        if self.send("mail: new ticket", message, customer["email"]):
            created["mail_ids"].append(message["Message-ID"])

    @task(2)
    def reply(self) -> None:
        customer = random.choice([c for c in DATA["customers"] if c["tickets"]])
        message = EmailMessage()
        message["From"] = customer["email"]
        message["To"] = DATA["address"]
        message["Subject"] = f"Re: Сервер не отвечает [#{random.choice(customer['tickets'])}]"
        message["Message-ID"] = make_msgid(domain="example.ru")
        message.set_content("Всё ещё не работает.\n")
        if self.send("mail: reply", message, customer["email"]):
            created["mail_ids"].append(message["Message-ID"])


class Hostile(Browser):
    """Bad input at a low rate: none of it may produce a server error."""

    weight = 1
    wait_time = between(10, 20)

    @task(4)
    def wrong_password(self) -> None:
        form = {"username": random.choice(DATA["customers"])["email"], "password": "wrong"}
        self.post("/accounts/login/", "hostile: wrong password", form, ok=(200, 403, 429))

    @task(1)
    def oversized_upload(self) -> None:
        self.session_key = random.choice(DATA["customers"])["session"]
        big = b"%PDF-1.4\n" + os.urandom((MAX_UPLOAD_MB + 1) * 1024 * 1024)
        form = {"category": DATA["category"], "subject": "Big", "description": "Big file."}
        files = {"attachments": ("big.pdf", big, "application/pdf")}
        self.post("/tickets/new/", "hostile: upload over the limit", form, files, ok=(200, 413))
        self.session_key = ""

    @task(2)
    def malformed_mail(self) -> None:
        raw = (
            b"From \xff\xfe broken\r\nSubject: =?koi8-r?B?broken?=\r\n"
            b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n\x00\x01garbage\r\n"
        )
        started = time.perf_counter()
        error = None
        try:
            with smtplib.SMTP("127.0.0.1", SMTP_PORT, timeout=30) as smtp:
                smtp.sendmail("junk@example.net", [DATA["address"]], raw)
        except Exception as exc:
            error = exc
        events.request.fire(
            request_type="SMTP", name="hostile: malformed mail",
            response_time=(time.perf_counter() - started) * 1000, response_length=0,
            exception=error, context={},
        )  # fmt: skip
