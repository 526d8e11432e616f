"""`manage.py mail_listener`: the SMTP/LMTP listener an MTA delivers to (issue 5).

Postfix, for example: `transport_maps` pointing the helpdesk's domain at
`lmtp:inet:127.0.0.1:2525` with `--lmtp`, or `relay:[127.0.0.1]:2525` for SMTP.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand

from mailgateway.sources.listener import InboundHandler, ListenerController


class Command(BaseCommand):
    help = "Listens for SMTP (or LMTP) deliveries and stores each mail before answering 250."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP instead of SMTP")
        parser.add_argument(
            "--accept-any-recipient",
            action="store_true",
            help="accept mail for any address (default: 550 5.1.1 for unknown ones)",
        )

    def handle(self, *args, host: str, port: int, lmtp: bool, accept_any_recipient: bool, **o):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every line
        handler = InboundHandler(lmtp=lmtp, accept_any_recipient=accept_any_recipient)
        controller = ListenerController(handler, hostname=host, port=port)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        controller.start()
        self.stdout.write(f"{'LMTP' if lmtp else 'SMTP'} listener on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
