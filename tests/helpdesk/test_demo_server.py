"""`make run` serves the demo with DEBUG off (issue 14): static files through WhiteNoise, a
wrong address answered by the helpdesk's own translated 404 page, never Django's debug page.

The test runs the very command line `make run` starts the demo with (`make -n` prints it),
with the run's own var folder, and asks the server over HTTP.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import wait_for
from tests.mailgateway.listener import free_port

ROOT = Path(__file__).resolve().parents[2]


def demo_command(host: str) -> str:
    venv = Path(sys.executable).parent.parent
    plan = subprocess.run(
        ["make", "-n", "-s", "run", f"HOST={host}", f"VENV={venv}"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DEBUG", "SITE_URL"}},
        capture_output=True,
        text=True,
        check=True,
    )
    [line] = [line for line in plan.stdout.splitlines() if "manage.py rundemo" in line]
    return line


def fetch(url: str, language: str = "en") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def answers(url: str) -> bool:
    try:
        fetch(url)
    except OSError:
        return False
    return True


@pytest.fixture
def demo(tmp_path):
    host = f"127.0.0.1:{free_port()}"
    line = demo_command(host)
    assert "DEBUG=false" in line
    ignored = {"DATABASE_URL", "DEBUG", "SITE_URL", "STATIC_ROOT", "MEDIA_ROOT", "EMAIL_FILE_PATH"}
    env = {k: v for k, v in os.environ.items() if k not in ignored and not k.startswith("CELERY")}
    env["HELPDESK_VAR_DIR"] = str(tmp_path / "var")
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        ["sh", "-c", f"exec env {line}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: process.poll() is not None or answers(f"http://{host}/health/"), 60)
        assert process.poll() is None, (tmp_path / "demo.log").read_text()
        yield f"http://{host}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_the_demo_answers_a_wrong_address_with_the_helpdesks_own_translated_404(demo):
    status, html = fetch(f"{demo}/no-such-page/", language="ru")
    assert status == 404
    assert "Страница не найдена" in html and '<a class="brand" href="/">' in html
    assert "Django" not in html and "URLconf" not in html


def test_the_demo_serves_its_collected_static_files_through_whitenoise(demo):
    _, html = fetch(f"{demo}/accounts/login/")
    stylesheet = re.search(r'href="(/static/css/helpdesk\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the stylesheet under its hashed name: collected, DEBUG off"
    status, css = fetch(f"{demo}{stylesheet.group(1)}")
    assert status == 200 and css.strip()
