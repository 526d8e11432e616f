"""A real Dovecot (IMAP and POP3) for the tests, with a config of its own (MAIL.md, last
section): loopback, free high ports, ssl = no, plain auth, a passwd-file user, a Maildir in
a temporary folder. Started with `dovecot -c config`, stopped with `dovecot -c config stop`."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.mailgateway.listener import free_port

USER = "helpdesk"
PASSWORD = "s3cret-пароль"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

needs_dovecot = pytest.mark.skipif(
    not os.path.exists(DOVECOT),
    reason="Dovecot is not installed (Debian: dovecot-imapd dovecot-pop3d)",
)

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
pop3_uidl_format = %08Xu%08Xv
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Processed {{
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
"""


class Dovecot:
    def __init__(self, extra_config: str = "") -> None:
        # A short path: Dovecot's sockets live under base_dir (108 characters at most).
        self.root = Path(tempfile.mkdtemp(prefix="hd-dovecot-"))
        self.root.chmod(0o755)  # Dovecot's auth process reads the passwd file as its own user
        self.imap_port = free_port()
        self.pop3_port = free_port()
        if os.getuid() == 0:
            self.uid, self.gid = 65534, 65534  # nobody: Dovecot refuses to run mail as root
            internal, login = "dovecot", "dovenull"
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            internal = login = pwd.getpwuid(self.uid).pw_name
        self.config = self.root / "dovecot.conf"
        self.maildir = self.root / "mail" / USER
        for folder in ("run", "state", "mail"):
            (self.root / folder).mkdir()
        for sub in ("new", "cur", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
        self.config.write_text(
            CONFIG.format(
                root=self.root,
                uid=self.uid,
                gid=self.gid,
                internal=internal,
                login=login,
                imap_port=self.imap_port,
                pop3_port=self.pop3_port,
            )
            + extra_config,
            encoding="utf-8",
        )
        self._own(self.root / "mail")

    def _own(self, path: Path) -> None:
        if os.getuid() == 0:
            for item in [path, *path.rglob("*")]:
                os.chown(item, self.uid, self.gid)

    def start(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.config)], check=True, timeout=30)
        deadline = time.monotonic() + 15
        for port in (self.imap_port, self.pop3_port):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(self.log()) from None
                    time.sleep(0.05)

    def stop(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.config), "stop"], timeout=30, check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def deliver(self, raw: bytes, folder: str = "") -> Path:
        """Drops a mail into the Maildir as an MDA would: written in tmp/, renamed to new/."""
        base = self.maildir / (f".{folder}" if folder else "")
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.test"
        temporary = base / "tmp" / name
        temporary.write_bytes(raw)
        self._own(temporary)
        final = base / "new" / name
        temporary.rename(final)
        return final

    def messages(self, folder: str = "") -> list[Path]:
        base = self.maildir / (f".{folder}" if folder else "")
        return [
            p for sub in ("new", "cur") if (base / sub).exists() for p in (base / sub).iterdir()
        ]
