"""Smoke test of the production stack, without Docker.

Reads docker-compose.yml and starts its migrate, web, worker and beat services with the
same commands and the same environment (.env.example standing in for .env), against the
machine's PostgreSQL and Redis. The only rewrites: the service host names (db, redis)
become 127.0.0.1, the web server binds to 127.0.0.1 on a free port, the database and its
role get names of this run's own (hd_smoke_<pid>), and the var and media folders are
temporary ones. Then it checks the health endpoint, a page and a static file through
gunicorn, a task round trip through the worker, and that beat keeps running. At the end,
passed or failed, it drops the database and the role and removes its temporary folder.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APP_SERVICES = ["migrate", "web", "worker", "beat", "mailin"]
RUNNING = ["web", "worker", "beat", "mailin"]
HOSTS = {"db": "127.0.0.1", "redis": "127.0.0.1"}
# This run's own database and role, so that runs on one machine never meet.
NAME = f"hd_smoke_{os.getpid()}"


def resolve(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME:-default} and ${NAME} interpolation."""

    def sub(match: re.Match) -> str:
        name, default = match.group(1), match.group(3) or ""
        return env.get(name) or default

    return re.sub(r"\$\{(\w+)(:-([^}]*))?\}", sub, str(value))


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rewrite_hosts(value: str) -> str:
    for name, address in HOSTS.items():
        value = re.sub(rf"(@|//){name}:", rf"\g<1>{address}:", value)
    return value


def own_database(url: str) -> str:
    """postgres://helpdesk:pw@db:5432/helpdesk -> postgres://hd_smoke_<pid>:pw@db:5432/hd_smoke_<pid>."""
    return re.sub(r"^(postgres://)\w+(:[^@]*@[^/]+/)\w+", rf"\g<1>{NAME}\g<2>{NAME}", url)


def service_env(compose: dict, name: str, base: dict[str, str], tmp: Path) -> dict[str, str]:
    service = compose["services"][name]
    env = dict(base)
    for key, value in (service.get("environment") or {}).items():
        env[key] = rewrite_hosts(resolve(value, {**base, **os.environ}))
    env["DATABASE_URL"] = own_database(env["DATABASE_URL"])
    env["MEDIA_ROOT"] = str(tmp / "media")
    env["HELPDESK_VAR_DIR"] = str(tmp / "var")
    env["STATIC_ROOT"] = str(tmp / "static")
    env["PATH"] = f"{BIN}:{os.environ['PATH']}"
    return env


def command(compose: dict, name: str, port: int) -> list[str]:
    text = compose["services"][name]["command"]
    text = text.replace("0.0.0.0:8000", f"127.0.0.1:{port}")
    text = text.replace("--host 0.0.0.0 --port 2525", f"--host 127.0.0.1 --port {port + 1}")
    return shlex.split(text)


def psql(sql: str, *, check: bool = True) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=check,
    )


def prepare_database(env: dict[str, str]) -> None:
    """The role and database of DATABASE_URL, fresh, as the postgres image would create them."""
    match = re.match(r"postgres://(\w+):([^@]*)@[^/]+/(\w+)", env["DATABASE_URL"])
    assert match, env["DATABASE_URL"]
    user, password, database = match.groups()
    assert user == database == NAME, env["DATABASE_URL"]
    psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    psql(f"DROP ROLE IF EXISTS {user}")
    psql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
    psql(f"CREATE DATABASE {database} OWNER {user}")


def drop_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)", check=False)
    psql(f"DROP ROLE IF EXISTS {NAME}", check=False)


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:
            last = exc
        time.sleep(0.5)
    raise SystemExit(f"smoke: {what} did not come up within {timeout:g} s ({last})")


def get(url: str, host: str) -> tuple[int, bytes]:
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read()


def deliver_a_mail(port: int, env: dict[str, str]) -> None:
    """A department with an address, a mail to it through mailin, a ticket from the worker."""
    setup = (
        "from tickets.models import Department, DepartmentAddress; "
        "d, _ = Department.objects.get_or_create(slug='smoke', defaults={'name': 'Smoke'}); "
        "DepartmentAddress.objects.get_or_create(department=d, address='smoke@hosting.example')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", setup], cwd=ROOT, env=env, check=True
    )
    wait_for(
        lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() or True,
        30,
        "the SMTP listener",
    )
    message = (
        "From: Smoke Test <smoke-customer@example.com>\r\nTo: smoke@hosting.example\r\n"
        "Subject: =?utf-8?b?0J/RgNC+0LLQtdGA0LrQsA==?=\r\nMessage-ID: <smoke@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHello from the smoke test.\r\n"
    )
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail("smoke-customer@example.com", ["smoke@hosting.example"], message)
    check = (
        "from tickets.models import Ticket; "
        "print(Ticket.objects.filter(subject='Проверка', department__slug='smoke').count())"
    )

    def filed() -> bool:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", check],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip().endswith("1")

    wait_for(filed, 60, "the ticket from the mail")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="helpdesk-smoke-"))
    try:
        smoke(tmp)
    finally:
        drop_database()
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"smoke: dropped database and role {NAME}, removed {tmp}")


def smoke(tmp: Path) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    base = read_env_file(ROOT / ".env.example")
    port = free_port()
    envs = {name: service_env(compose, name, base, tmp) for name in APP_SERVICES}
    prepare_database(envs["migrate"])
    site_host = re.sub(r"^https?://", "", base["SITE_URL"]).rstrip("/")

    # The image's build steps (Dockerfile): static files collected, translations compiled.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=envs["web"],
        check=True,
    )
    print("smoke: migrate:", " ".join(command(compose, "migrate", port)))
    subprocess.run(command(compose, "migrate", port), cwd=ROOT, env=envs["migrate"], check=True)

    processes: dict[str, subprocess.Popen] = {}
    logs = {name: (tmp / f"{name}.log").open("w+") for name in RUNNING}
    try:
        for name in RUNNING:
            print(f"smoke: {name}:", " ".join(command(compose, name, port)))
            processes[name] = subprocess.Popen(
                command(compose, name, port),
                cwd=ROOT,
                env=envs[name],
                stdout=logs[name],
                stderr=subprocess.STDOUT,
            )
        health_url = f"http://127.0.0.1:{port}/health/"

        def healthy() -> bool:
            result = subprocess.run(
                [sys.executable, "manage.py", "healthcheck", "--url", health_url],
                cwd=ROOT,
                env=envs["web"],
                capture_output=True,
                text=True,
            )
            if result.returncode == 0:
                print("smoke: health:", result.stdout.strip())
            return result.returncode == 0

        wait_for(healthy, 60, "the health endpoint")
        status, body = get(f"http://127.0.0.1:{port}/accounts/login/", site_host)
        assert status == 200 and b'name="username"' in body, "the sign-in page"
        css = re.search(rb'href="(/static/css/helpdesk\.[0-9a-f]+\.css)"', body)
        assert css, "the stylesheet is served under its hashed name"
        status, _ = get(f"http://127.0.0.1:{port}{css.group(1).decode()}", site_host)
        assert status == 200, "the stylesheet through whitenoise"
        print("smoke: sign-in page and stylesheet served by gunicorn")

        result = subprocess.run(
            [sys.executable, "manage.py", "ping_worker", "--timeout", "60"],
            cwd=ROOT,
            env=envs["worker"],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"task round trip: {result.stderr}"
        print("smoke: a task round-tripped through the worker:", result.stdout.strip())

        deliver_a_mail(port + 1, envs["web"])
        print("smoke: a mail delivered to the SMTP listener became a ticket through the worker")

        beat_log = tmp / "beat.log"
        wait_for(lambda: "beat: Starting" in beat_log.read_text(encoding="utf-8"), 30, "beat")
        for name, process in processes.items():
            assert process.poll() is None, f"{name} exited with {process.returncode}"
        print("smoke: web, worker, beat and mailin running; all good")
    except BaseException:
        for name, log in logs.items():
            log.flush()
            text = (tmp / f"{name}.log").read_text(encoding="utf-8")
            print(f"----- {name} log -----\n{text[-4000:]}")
        raise
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()


if __name__ == "__main__":
    main()
