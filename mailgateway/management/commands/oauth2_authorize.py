"""`manage.py oauth2_authorize NAME [--device]`: the administrator's one-off consent that gives
an OAuth2 account (Microsoft 365, Gmail) its first refresh token (issue 6).

Without --device (Microsoft 365 and Gmail): the authorization code flow with PKCE. The
command prints the provider's sign-in address; after the consent the browser is sent to
the redirect address (http://localhost by default, where nothing needs to listen: the page
may fail to load) and the administrator pastes that address back. This works from a
server without a browser. With --device (Microsoft 365 only; Google's device flow does not
grant mail access): a code to enter at the provider's page, on any device.
"""

from __future__ import annotations

import secrets
import time

from django.core.management.base import BaseCommand, CommandError

from mailgateway import oauth2
from mailgateway.models import OAuth2Account

DEFAULT_INTERVAL = 5  # seconds between polls when the provider does not say (RFC 8628)


class Command(BaseCommand):
    help = (
        "Signs an OAuth2 account in once, as its mailbox (Microsoft 365, Gmail), and stores "
        "the refresh token it gets."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the name of the OAuth2 account in the admin")
        parser.add_argument(
            "--device",
            action="store_true",
            help="device code flow: enter a code at the provider's page (Microsoft 365)",
        )
        parser.add_argument(
            "--redirect-uri",
            default="http://localhost",
            help="redirect address registered for the app (default: http://localhost)",
        )
        parser.add_argument(
            "--authorize-url", default="", help="authorization endpoint of another provider"
        )
        parser.add_argument(
            "--device-url", default="", help="device code endpoint of another provider"
        )

    def handle(self, *args, name: str, device: bool, redirect_uri: str, **options):
        account = OAuth2Account.objects.filter(name=name).first()
        if account is None:
            raise CommandError(f"There is no OAuth2 account named {name!r}.")
        authorize_url, device_url = oauth2.provider_urls(account.token_url)
        try:
            if device:
                payload = self._device_flow(account, options["device_url"] or device_url)
            else:
                authorize_url = options["authorize_url"] or authorize_url
                payload = self._browser_flow(account, authorize_url, redirect_uri)
            oauth2.account_authorize(account=account, payload=payload)
        except oauth2.TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"The refresh token of {account} is stored: the mailboxes and the SMTP "
                "sending that use this account sign in with it from now on."
            )
        )

    def _browser_flow(self, account: OAuth2Account, authorize_url: str, redirect_uri: str):
        if not authorize_url:
            raise CommandError("Unknown provider: give its --authorize-url.")
        state = secrets.token_urlsafe(16)
        verifier, challenge = oauth2.pkce_pair()
        url = oauth2.authorization_url(
            account,
            authorize_url=authorize_url,
            redirect_uri=redirect_uri,
            state=state,
            challenge=challenge,
        )
        self.stdout.write(
            f"1. Open this address in a browser and sign in as {account.username}:\n\n"
            f"{url}\n\n"
            f"2. After the consent the browser goes to {redirect_uri}..., which may not load. "
            "Copy that whole address from the address bar and paste it here."
        )
        self.stdout.flush()
        address = input("Address: ")
        code = oauth2.code_from_redirect(address, state=state)
        return oauth2.code_exchange(
            account, code=code, redirect_uri=redirect_uri, verifier=verifier
        )

    def _device_flow(self, account: OAuth2Account, device_url: str) -> dict:
        if not device_url:
            raise CommandError(
                "No device code endpoint is known for this provider (Google's device flow "
                "does not grant mail access): run without --device, or give --device-url."
            )
        start = oauth2.device_start(account, device_url=device_url)
        self.stdout.write(
            start.get("message")
            or f"Open {start.get('verification_uri')} and enter the code {start['user_code']}."
        )
        self.stdout.write(f"Sign in as {account.username}. Waiting...")
        self.stdout.flush()
        interval = int(start.get("interval", DEFAULT_INTERVAL))
        deadline = time.monotonic() + int(start.get("expires_in", 900))
        while time.monotonic() < deadline:
            time.sleep(interval)
            try:
                return oauth2.device_poll(account, device_code=start["device_code"])
            except oauth2.TokenError as exc:
                if exc.error == "slow_down":
                    interval += DEFAULT_INTERVAL
                elif exc.error != "authorization_pending":
                    raise
        raise CommandError("The code expired before the sign-in was completed.")
