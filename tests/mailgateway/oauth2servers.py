"""Stand-ins for Microsoft 365 and Gmail, which are out of reach here (issue 6):

- `TokenEndpoint`: a small OAuth2 authorization server of the tests (a thread on loopback).
  Its token endpoint trades the refresh token it knows for access-token-1, access-token-2...
  and its introspection endpoint (RFC 7662) tells which of those are valid and whose they
  are, as a provider's would. For the first refresh token it has an authorization endpoint
  (authorization code with PKCE, RFC 7636) and a device code endpoint (RFC 8628), laid out
  as Microsoft's: .../oauth2/v2.0/{token,authorize,devicecode}.
- `OAuth2Dovecot`: the real Dovecot of `tests.mailgateway.dovecot` with the `oauth2` passdb
  (XOAUTH2 and OAUTHBEARER, IMAP and POP3), which asks that introspection endpoint about
  every token it is given.
"""

from __future__ import annotations

import base64
import hashlib
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
        self.consent = "granted"  # what the person at the sign-in page answers ("denied")
        self.codes: dict[str, dict] = {}  # authorization codes given, with their request
        # Device flow: the errors the first polls get, before the person has signed in.
        self.device_answers = ["authorization_pending", "authorization_pending"]
        self.device_polls = 0
        self.device_scope = ""
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path.endswith("/introspect"):
                    self._json(200, endpoint._introspect(form.get("token", "")))
                elif self.path.endswith("/devicecode"):
                    self._json(200, endpoint._devicecode(form))
                else:
                    self._json(*endpoint._token(form))

            def do_GET(self):
                if urllib.parse.urlsplit(self.path).path.endswith("/authorize"):
                    self.send_response(302)  # the browser goes back to the redirect address
                    self.send_header("Location", endpoint._authorize(self.path))
                    self.end_headers()
                    return
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
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def _token(self, form: dict) -> tuple[int, dict]:
        self.requests.append(form)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._code_grant(form)
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            return self._device_grant(form)
        if self.broken or form.get("refresh_token") != self.refresh_token:
            return 400, {"error": "invalid_grant", "error_description": "AADSTS70000"}
        return 200, self._tokens()

    def _tokens(self, *, refresh: bool = False) -> dict:
        tokens = {
            "access_token": f"access-token-{len(self.requests)}",
            "expires_in": 3599,
            "token_type": "Bearer",
        }
        if refresh:  # a consent: a new refresh token, the only one valid from now on
            self.refresh_token = f"refresh-consented-{len(self.requests)}"
            tokens["refresh_token"] = self.refresh_token
        return tokens

    def _authorize(self, path: str) -> str:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        back = {"state": query.get("state", "")}
        if self.consent != "granted":
            back.update(error="access_denied", error_description="The user declined.")
        else:
            code = f"code-{len(self.codes) + 1}"
            self.codes[code] = query
            back["code"] = code
        return query["redirect_uri"] + "?" + urllib.parse.urlencode(back)

    def _code_grant(self, form: dict) -> tuple[int, dict]:
        asked = self.codes.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if (
            asked is None
            or asked["redirect_uri"] != form.get("redirect_uri")
            or asked["client_id"] != form.get("client_id")
            or asked["code_challenge"] != challenge.decode()
        ):
            return 400, {"error": "invalid_grant", "error_description": "AADSTS54005"}
        return 200, self._tokens(refresh="offline_access" in asked.get("scope", ""))

    def _devicecode(self, form: dict) -> dict:
        self.device_scope = form.get("scope", "")
        return {
            "device_code": "device-code-1",
            "user_code": "HD7-QX2",
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": 5,
            "message": "To sign in, open https://microsoft.com/devicelogin, enter HD7-QX2.",
        }

    def _device_grant(self, form: dict) -> tuple[int, dict]:
        if form.get("device_code") != "device-code-1":
            return 400, {"error": "invalid_grant"}
        self.device_polls += 1
        if self.device_answers:
            return 400, {"error": self.device_answers.pop(0)}
        if self.consent != "granted":
            return 400, {"error": "access_denied"}
        return 200, self._tokens(refresh="offline_access" in self.device_scope)

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
