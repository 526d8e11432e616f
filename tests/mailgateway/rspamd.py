"""A real Rspamd for the spam tests (issue 12, P7), with a config of its own: Debian's
/etc/rspamd with a local.d in a temporary folder (loopback, free high ports, no proxy, no
network lookups, logging to the console), started in the foreground, stopped by its pid.
Loading its rules takes a while on a busy machine: the fixture waits for /ping."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailgateway.listener import free_port

RSPAMD = shutil.which("rspamd") or "/usr/bin/rspamd"
STARTUP_SECONDS = 600
needs_rspamd = pytest.mark.skipif(
    not os.path.exists(RSPAMD), reason="Rspamd is not installed (Debian: rspamd)"
)
# The anti-spam test string every filter knows (GTUBE): Rspamd rejects a mail holding it.
GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

LOCAL = {
    "worker-normal.inc": 'bind_socket = "127.0.0.1:NORMAL";\n',
    "worker-controller.inc": 'bind_socket = "127.0.0.1:CONTROLLER";\n',
    "worker-proxy.inc": "enabled = false;\n",
    "worker-fuzzy.inc": "enabled = false;\n",
    # Offline, the DNS checks fail and add a few points: an ordinary mail stays below
    # these; GTUBE is rejected whatever the scores.
    "actions.conf": "add_header = 100;\nrewrite_subject = 110;\ngreylist = 90;\nreject = 150;\n",
    "logging.inc": 'type = "console";\nlevel = "error";\n',
    # No DNS (the tests run offline) and no Hyperscan compilation (minutes on a busy CI).
    "options.inc": (
        'dns { nameserver = ["127.0.0.1:1"]; timeout = 0.1s; retransmits = 0; }\n'
        "disable_hyperscan = true;\n"
    ),
}


@pytest.fixture(scope="session")
def rspamd_url() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="hd-rspamd-"))
    ports = {"normal": free_port(), "controller": free_port()}
    for sub in ("local.d", "db", "run"):
        (folder / sub).mkdir()
    for name, text in LOCAL.items():  # read from $LOCAL_CONFDIR/local.d/
        text = text.replace("NORMAL", str(ports["normal"]))
        (folder / "local.d" / name).write_text(text.replace("CONTROLLER", str(ports["controller"])))
    user = ["-i", "-u", "root", "-g", "root"] if os.geteuid() == 0 else []
    command = [
        RSPAMD, "-f", *user, "-c", "/etc/rspamd/rspamd.conf",
        f"--var=LOCAL_CONFDIR={folder}", f"--var=DBDIR={folder / 'db'}",
        f"--var=RUNDIR={folder / 'run'}", f"--var=LOGDIR={folder}",
    ]  # fmt: skip
    log = (folder / "rspamd.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{ports['normal']}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(url + "/ping", timeout=5) as response:
                    if response.read().strip() == b"pong":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Rspamd did not start: " + (folder / "rspamd.log").read_text()[-2000:])
            time.sleep(1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
