"""Stand-ins for Microsoft 365 and Gmail, which are out of reach here (issue 6):

- `TokenEndpoint`: a small OAuth2 authorization server of the tests (a thread on loopback).
  Its token endpoint trades the refresh token it knows for access-token-1, access-token-2...
  and its introspection endpoint (RFC 7662) tells which of those are valid and whose they
  are, as a provider's would.
- `OAuth2Dovecot`: the real Dovecot of `tests.mailgateway.dovecot` with the `oauth2` passdb
  (XOAUTH2 and OAUTHBEARER, IMAP and POP3), which asks that introspection endpoint about
  every token it is given.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.mailgateway.dovecot import USER, Dovecot


class TokenEndpoint:
    """Issues access-token-1, access-token-2... for the refresh token it knows."""

    def __init__(self, *, username: str = USER) -> None:
        self.requests: list[dict] = []  # token requests, as posted
        self.introspections: list[str] = []  # tokens asked about
        self.refresh_token = "refresh-1"
        self.broken = False
        self.username = username  # whose mailbox the tokens open
        self.revoked: set[str] = set()  # access tokens the introspection calls inactive
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path.endswith("/introspect"):
                    self._json(200, endpoint._introspect(form.get("token", "")))
                else:
                    self._json(*endpoint._token(form))

            def do_GET(self):
                # introspection_mode = auth (a bearer header) or get (the token in the URL)
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                token = bearer or query.get("token", "")
                self._json(200, endpoint._introspect(token))

            def _json(self, status: int, body: dict) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        base = f"http://127.0.0.1:{self.server.server_port}/tenant/oauth2/v2.0"
        self.url = f"{base}/token"
        self.introspection_url = f"{base}/introspect"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _token(self, form: dict) -> tuple[int, dict]:
        self.requests.append(form)
        if self.broken or form.get("refresh_token") != self.refresh_token:
            return 400, {"error": "invalid_grant", "error_description": "AADSTS70000"}
        return 200, {
            "access_token": f"access-token-{len(self.requests)}",
            "expires_in": 3599,
            "token_type": "Bearer",
        }

    def _introspect(self, token: str) -> dict:
        self.introspections.append(token)
        if token not in self.issued() or token in self.revoked:
            return {"active": False}
        return {"active": True, "username": self.username, "token_type": "Bearer"}

    def issued(self) -> set[str]:
        return {f"access-token-{n}" for n in range(1, len(self.requests) + 1)}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


OAUTH2_PASSDB = """
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {args}
}}
"""

# Dovecot 2.3's oauth2 passdb (doc: PasswordDatabase.oauth2): no tokeninfo_url, so every
# token goes to the introspection endpoint; only an answer with "active": true and our
# user's name lets the client in.
OAUTH2_ARGS = """
introspection_url = {url}
introspection_mode = {mode}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
"""


class OAuth2Dovecot(Dovecot):
    """Dovecot whose passdb accepts XOAUTH2 tokens the introspection endpoint vouches for
    (and still the password of the passwd-file user, for PLAIN and LOGIN)."""

    def __init__(self, introspection_url: str, mode: str = "post") -> None:
        super().__init__()
        args = self.root / "dovecot-oauth2.conf.ext"
        args.write_text(OAUTH2_ARGS.format(url=introspection_url, mode=mode), encoding="utf-8")
        with self.config.open("a", encoding="utf-8") as config:
            config.write(OAUTH2_PASSDB.format(args=args))
