"""The production stack without Docker, for the smoke test (.ci/smoke.py) and the load test
(tests/perf/loadtest.py).

Reads docker-compose.yml and starts its services with the same commands and the same
environment (.env.example standing in for .env), against the machine's PostgreSQL and
Redis. The only rewrites: the service host names (db, redis) become 127.0.0.1, the web
server binds to 127.0.0.1 on a free port (the SMTP listener on the next one), the database
and its role get a name of the run's own, and the var and media folders are temporary.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOSTS = {"db": "127.0.0.1", "redis": "127.0.0.1"}


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
    """A free port whose successor is free too (the web server's and the SMTP listener's)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def rewrite_hosts(value: str) -> str:
    for name, address in HOSTS.items():
        value = re.sub(rf"(@|//){name}:", rf"\g<1>{address}:", value)
    return value


def psql(sql: str, *, check: bool = True) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=check,
    )


def wait_for(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:
            last = exc
        time.sleep(0.5)
    raise SystemExit(f"{what} did not come up within {timeout:g} s ({last})")


@dataclass
class Stack:
    """The compose services of one run: `name` is its database and role (hd_<tag>_<pid>)."""

    name: str
    tmp: Path
    port: int
    compose: dict
    base: dict[str, str]
    env_overrides: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def smtp_port(self) -> int:
        return self.port + 1

    @property
    def site_host(self) -> str:
        return re.sub(r"^https?://", "", self.base["SITE_URL"]).rstrip("/")

    def env(self, service: str) -> dict[str, str]:
        env = dict(self.base)
        for key, value in (self.compose["services"][service].get("environment") or {}).items():
            env[key] = rewrite_hosts(resolve(value, {**self.base, **os.environ}))
        env["DATABASE_URL"] = re.sub(
            r"^(postgres://)\w+(:[^@]*@[^/]+/)\w+", rf"\g<1>{self.name}\g<2>{self.name}",
            env["DATABASE_URL"],
        )  # fmt: skip
        env["MEDIA_ROOT"] = str(self.tmp / "media")
        env["HELPDESK_VAR_DIR"] = str(self.tmp / "var")
        env["STATIC_ROOT"] = str(self.tmp / "static")
        env["PATH"] = f"{BIN}:{os.environ['PATH']}"
        env.update(self.env_overrides)
        return env

    def command(self, service: str) -> list[str]:
        text = self.compose["services"][service]["command"]
        text = text.replace("0.0.0.0:8000", f"127.0.0.1:{self.port}")
        listener = f"--host 127.0.0.1 --port {self.smtp_port}"
        text = text.replace("--host 0.0.0.0 --port 2525", listener)
        return shlex.split(text)

    def manage(self, *args: str, service: str = "web", **kwargs) -> subprocess.CompletedProcess:
        """`manage.py ARGS` in a service's environment."""
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(service), **kwargs
        )

    def prepare(self) -> None:
        """The role and database, fresh, as the postgres image would create them; then the
        image's build steps (static files collected) and the migrate service."""
        url = self.env("migrate")["DATABASE_URL"]
        match = re.match(r"postgres://(\w+):([^@]*)@[^/]+/(\w+)", url)
        assert match, "DATABASE_URL"
        user, password, database = match.groups()
        assert user == database == self.name
        self.drop_database()
        psql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
        psql(f"CREATE DATABASE {database} OWNER {user}")
        self.manage("collectstatic", "--noinput", "-v0", check=True)
        print(f"{self.name}: migrate:", " ".join(self.command("migrate")))
        subprocess.run(self.command("migrate"), cwd=ROOT, env=self.env("migrate"), check=True)

    def drop_database(self) -> None:
        psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", check=False)
        psql(f"DROP ROLE IF EXISTS {self.name}", check=False)

    def start(self, services: list[str]) -> None:
        for service in services:
            print(f"{self.name}: {service}:", " ".join(self.command(service)))
            log = (self.tmp / f"{service}.log").open("w")
            self.processes[service] = subprocess.Popen(
                self.command(service),
                cwd=ROOT,
                env=self.env(service),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()  # the child has its own descriptor

    def log(self, service: str) -> str:
        return (self.tmp / f"{service}.log").read_text(encoding="utf-8", errors="replace")

    def healthy(self) -> bool:
        result = self.manage(
            "healthcheck", "--url", f"{self.url}/health/", capture_output=True, text=True
        )
        return result.returncode == 0

    def get(self, path: str) -> tuple[int, bytes]:
        headers = {"Host": self.site_host, "X-Forwarded-Proto": "https"}
        request = urllib.request.Request(f"{self.url}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def stack(tag: str, env_overrides: dict[str, str] | None = None) -> Iterator[Stack]:
    """A prepared stack (database migrated, nothing running yet); on the way out its
    processes stop, its database and role are dropped and its folder removed."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix=f"helpdesk-{tag}-"))
    run = Stack(
        name=f"hd_{tag}_{os.getpid()}",
        tmp=tmp,
        port=free_port(),
        compose=compose,
        base=read_env_file(ROOT / ".env.example"),
        env_overrides=env_overrides or {},
    )
    try:
        run.prepare()
        yield run
    finally:
        run.stop()
        run.drop_database()
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"{run.name}: dropped the database and role, removed {tmp}")
