"""Django's SMTP backend, signing in with XOAUTH2 (Microsoft 365, Gmail) instead of a password.

EMAIL_BACKEND=mailgateway.outbound.smtp.OAuth2EmailBackend and EMAIL_OAUTH2_ACCOUNT=<name of
an OAuth2 account in the admin>; EMAIL_HOST, EMAIL_PORT and EMAIL_USE_TLS as usual
(smtp.office365.com:587 or smtp.gmail.com:587 with STARTTLS).
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend

from mailgateway import oauth2
from mailgateway.models import OAuth2Account


class OAuth2EmailBackend(EmailBackend):
    def open(self) -> bool | None:
        if self.connection:
            return False
        account = OAuth2Account.objects.get(name=settings.EMAIL_OAUTH2_ACCOUNT)
        token = oauth2.access_token(account)
        # Connect (and STARTTLS) without the password login, then authenticate by token.
        self.username, self.password = "", ""
        opened = super().open()
        if not opened:
            return opened
        assert self.connection is not None, "open() connected"
        self.connection.ehlo_or_helo_if_needed()
        try:
            self.connection.auth(
                "XOAUTH2",
                # After a failure the server sends a JSON challenge and awaits an empty line.
                lambda challenge=None: "" if challenge else oauth2.xoauth2(account.username, token),
            )
        except smtplib.SMTPAuthenticationError:
            oauth2.access_token_discard(account)  # refused: the next attempt takes a fresh one
            self.close()
            raise
        except Exception:
            self.close()
            raise
        return True
