"""Smoke test of the production stack, without Docker.

Starts docker-compose.yml's migrate, web, worker, beat and mailin services with the same
commands and environment against the machine's PostgreSQL and Redis (tests/perf/stack.py
says what it rewrites), then checks the health endpoint, a page and a static file through
gunicorn, a task round trip through the worker, a mail through the SMTP listener, and that
beat keeps running. At the end, passed or failed, it drops the run's database and role and
removes its temporary folder.
"""

from __future__ import annotations

import re
import smtplib
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.perf.stack import Stack, stack, wait_for

RUNNING = ["web", "worker", "beat", "mailin"]


def deliver_a_mail(run: Stack) -> None:
    """A department with an address, a mail to it through mailin, a ticket from the worker."""
    setup = (
        "from tickets.models import Department, DepartmentAddress; "
        "d, _ = Department.objects.get_or_create(slug='smoke', defaults={'name': 'Smoke'}); "
        "DepartmentAddress.objects.get_or_create(department=d, address='smoke@hosting.example')"
    )
    run.manage("shell", "-c", setup, check=True)
    wait_for(
        lambda: socket.create_connection(("127.0.0.1", run.smtp_port), timeout=1).close() or True,
        30,
        "the SMTP listener",
    )
    message = (
        "From: Smoke Test <smoke-customer@example.com>\r\nTo: smoke@hosting.example\r\n"
        "Subject: =?utf-8?b?0J/RgNC+0LLQtdGA0LrQsA==?=\r\nMessage-ID: <smoke@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHello from the smoke test.\r\n"
    )
    with smtplib.SMTP("127.0.0.1", run.smtp_port, timeout=30) as client:
        client.sendmail("smoke-customer@example.com", ["smoke@hosting.example"], message)
    check = (
        "from tickets.models import Ticket; "
        "print(Ticket.objects.filter(subject='Проверка', department__slug='smoke').count())"
    )

    def filed() -> bool:
        result = run.manage("shell", "-c", check, capture_output=True, text=True)
        return result.stdout.strip().endswith("1")

    wait_for(filed, 60, "the ticket from the mail")


def smoke(run: Stack) -> None:
    run.start(RUNNING)
    try:
        wait_for(run.healthy, 180, "the health endpoint")  # slow on a loaded machine
        status, body = run.get("/accounts/login/")
        assert status == 200 and b'name="username"' in body, "the sign-in page"
        css = re.search(rb'href="(/static/css/helpdesk\.[0-9a-f]+\.css)"', body)
        assert css, "the stylesheet is served under its hashed name"
        status, _ = run.get(css.group(1).decode())
        assert status == 200, "the stylesheet through whitenoise"
        print("smoke: sign-in page and stylesheet served by gunicorn")

        result = run.manage(
            "ping_worker", "--timeout", "60", service="worker", capture_output=True, text=True
        )
        assert result.returncode == 0, f"task round trip: {result.stderr}"
        print("smoke: a task round-tripped through the worker:", result.stdout.strip())

        deliver_a_mail(run)
        print("smoke: a mail delivered to the SMTP listener became a ticket through the worker")

        wait_for(lambda: "beat: Starting" in run.log("beat"), 30, "beat")
        for name, process in run.processes.items():
            assert process.poll() is None, f"{name} exited with {process.returncode}"
        print("smoke: web, worker, beat and mailin running; all good")
    except BaseException:
        for name in RUNNING:
            print(f"----- {name} log -----\n{run.log(name)[-4000:]}")
        raise


if __name__ == "__main__":
    with stack("smoke") as running:
        smoke(running)
