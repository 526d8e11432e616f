"""Settings, read once from the environment (and an optional `.env` file).

Every variable read here is listed in `.env.example` and in the README; a test checks
that docker-compose.yml and `.env.example` set nothing this module does not read.
"""

import contextlib
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the quick start keeps its SQLite database, captured mail, uploads and broker files.
VAR_DIR = Path(env.path("HELPDESK_VAR_DIR", default=str(BASE_DIR / "var")))
# A read-only image sets every path below from the environment instead.
with contextlib.suppress(OSError):
    VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core ---------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
# The default key is only good for a laptop: `check --deploy` reports it (security.W009).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-key-only")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
SITE_IS_HTTPS = _site.scheme == "https"
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[_site.hostname or "localhost", "localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "helpdesk",
    "accounts",
    "tickets",
    "tickets.sla",
    "tickets.canned",
    "tickets.search",
    "tickets.live",
    "tickets.fields",
    "mailgateway",
    "mailgateway.outbound",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "helpdesk.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The quick start runs a web server and a Celery worker on one SQLite file: WAL lets
    # readers go on while one writes, IMMEDIATE takes the write lock up front so two
    # writers queue instead of failing with "database is locked" half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- Accounts -----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
# Customers may create their own account in the portal (P1); off: only invited customers,
# those an agent or the billing system registers, and senders of mail get accounts.
ACCOUNTS_ALLOW_SIGNUP = env.bool("ACCOUNTS_ALLOW_SIGNUP", default=True)
# How long the links of account mails work: address confirmation and password reset
# (Django reads PASSWORD_RESET_TIMEOUT), and invitations to set a first password.
PASSWORD_RESET_TIMEOUT = env.int("ACCOUNTS_LINK_HOURS", default=72) * 3600
ACCOUNTS_INVITATION_TIMEOUT = env.int("ACCOUNTS_INVITATION_DAYS", default=14) * 24 * 3600
# Throttling (accounts/throttle.py, issue 14): failed sign-ins (or second-factor codes)
# per account and per client address before a lock of ACCOUNTS_LOCK_MINUTES, which
# doubles with each further lock; password-reset, confirmation and sign-up mails per
# client address and per target address in an hour.
ACCOUNTS_SIGNIN_FAILURES = env.int("ACCOUNTS_SIGNIN_FAILURES", default=5)
ACCOUNTS_SIGNIN_ADDRESS_FAILURES = env.int("ACCOUNTS_SIGNIN_ADDRESS_FAILURES", default=20)
ACCOUNTS_LOCK_MINUTES = env.int("ACCOUNTS_LOCK_MINUTES", default=5)
ACCOUNTS_MAIL_REQUESTS_PER_HOUR = env.int("ACCOUNTS_MAIL_REQUESTS_PER_HOUR", default=5)
# Reverse proxies in front of the helpdesk that append to X-Forwarded-For; 0: none, the
# client address is REMOTE_ADDR and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Two-factor authentication (django-otp): agents, managers and administrators must set
# it up before reaching any staff page or the admin.
ACCOUNTS_STAFF_2FA_REQUIRED = env.bool("ACCOUNTS_STAFF_2FA_REQUIRED", default=False)
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = _site.hostname or "Helpdesk"
# accounts/throttle.py counts wrong codes with the passwords (its lock says how long to
# wait); django-otp's own silent delay would refuse a right code without saying why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- Internationalisation (R4, R5, P8) ------------------------------------------------

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("de", _("German")),
    ("uk", _("Ukrainian")),
    ("hy", _("Armenian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Our short date forms (ISO order) before Django's per-language ones (issue 12).
FORMAT_MODULE_PATH = ["helpdesk.formats"]

# --- Static files and uploads ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.path("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.path("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Attachments are never served from MEDIA_URL: only through the permission-checked view.
MEDIA_URL = "/media-not-served/"
# Modes of the files and folders written under MEDIA_ROOT (attachments, thumbnails, held
# uploads) and EMAIL_FILE_PATH: private to the app's user and group, whatever the umask.
FILE_UPLOAD_PERMISSIONS = int(env.str("FILE_UPLOAD_PERMISSIONS", default="0640"), 8)
FILE_UPLOAD_DIRECTORY_PERMISSIONS = int(
    env.str("FILE_UPLOAD_DIRECTORY_PERMISSIONS", default="0750"), 8
)

MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Web and API uploads: allowed kinds (checked on the bytes) and the size limit (R13).
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES", default=["png", "gif", "jpg", "pdf", "txt", "log"]
)
ATTACHMENT_MAX_SIZE = env.int("ATTACHMENT_MAX_SIZE_MB", default=20) * 1024 * 1024
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Ticket life cycle ----------------------------------------------------------------

# A customer's message reopens a closed ticket within this many days of closing; later
# it opens a new ticket linked to the old one (P4).
TICKET_REOPEN_DAYS = env.int("TICKET_REOPEN_DAYS", default=30)
# Solved tickets close by themselves after this many days (ARCHITECTURE.md life cycle).
TICKET_AUTOCLOSE_DAYS = env.int("TICKET_AUTOCLOSE_DAYS", default=7)

# --- Live updates and assignment (issue 11, W2) -----------------------------------------

# Staff pages ask the server this often whether anything new arrived (new tickets,
# customers' messages, the bell); W2 wants news within 5 seconds.
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=4)
# Round-robin gives new tickets to agents whose staff pages were open this recently.
ROUND_ROBIN_SEEN_MINUTES = env.int("ROUND_ROBIN_SEEN_MINUTES", default=10)

# --- Mail -----------------------------------------------------------------------------

# The quick start writes every outgoing mail to var/mail: the .eml and a decoded .txt.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="mailgateway.outbound.backends.ReadableFileBackend"
)
EMAIL_FILE_PATH = Path(env.path("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# With EMAIL_BACKEND=mailgateway.outbound.smtp.OAuth2EmailBackend: the OAuth2 account (admin)
# whose token signs in to SMTP (Microsoft 365, Gmail).
EMAIL_OAUTH2_ACCOUNT = env.str("EMAIL_OAUTH2_ACCOUNT", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="helpdesk@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# The domain of the Message-IDs we sign (MAIL.md): our mail recognises itself by them.
HELPDESK_MAIL_DOMAIN = env.str("HELPDESK_MAIL_DOMAIN", default=_site.hostname or "localhost")
# Loop backstops for automatic mail (MAIL.md): per recipient in a window, per ticket in
# ten minutes; then a permanent bounce suppresses an address for some days; temporary
# failures are retried with back-off for some hours.
# The sender of agents' notifications (issue 12); empty: the ticket department's sender
# address, else DEFAULT_FROM_EMAIL, and never an address @localhost (the mail domain's
# helpdesk@ instead).
MAIL_NOTIFY_FROM = env.str("MAIL_NOTIFY_FROM", default="")
MAIL_RATE_RECIPIENT_LIMIT = env.int("MAIL_RATE_RECIPIENT_LIMIT", default=10)
MAIL_RATE_RECIPIENT_MINUTES = env.int("MAIL_RATE_RECIPIENT_MINUTES", default=180)
MAIL_RATE_TICKET_LIMIT = env.int("MAIL_RATE_TICKET_LIMIT", default=10)
# Agents' notifications have their own limit (issue 14): past this many to one agent
# within a minute, the rest wait and go out as one digest when the minute has passed.
MAIL_RATE_AGENT_PER_MINUTE = env.int("MAIL_RATE_AGENT_PER_MINUTE", default=5)
# Account mail a person asked for (password reset, verification, invitation): per account.
MAIL_RATE_ACCOUNT_PER_HOUR = env.int("MAIL_RATE_ACCOUNT_PER_HOUR", default=5)
MAIL_SUPPRESSION_DAYS = env.int("MAIL_SUPPRESSION_DAYS", default=30)
MAIL_RETRY_HOURS = env.int("MAIL_RETRY_HOURS", default=48)
# Past this many new tickets from one sender within an hour, stop acknowledging them.
MAIL_ACK_TICKETS_PER_HOUR = env.int("MAIL_ACK_TICKETS_PER_HOUR", default=20)
# Sender trust (docs/mail-trust.md): the authserv-ids of the MTAs whose
# Authentication-Results headers we believe (DMARC/DKIM pass proves an agent's or a
# customer's mail); empty: no such header is believed.
MAIL_TRUSTED_AUTHSERV_IDS = env.list("MAIL_TRUSTED_AUTHSERV_IDS", default=[])
# VERP: with an address here, every outgoing mail is sent from bounces+o<id>-<signature>@
# its domain, so that a delivery report proves which mail it is about. Empty: off.
MAIL_BOUNCE_ADDRESS = env.str("MAIL_BOUNCE_ADDRESS", default="")
# Provider credentials for django-anymail (sending through an API, inbound webhooks).
ANYMAIL = env.dict("ANYMAIL", default={})

# Inbound mail (MAIL.md). Larger mail is refused by the listener (552) and quarantined
# by the other sources.
MAIL_MAX_MESSAGE_SIZE = env.int("MAIL_MAX_MESSAGE_MB", default=50) * 1024 * 1024
# How often Celery beat polls each active IMAP/POP3 mailbox.
MAIL_POLL_SECONDS = env.int("MAIL_POLL_SECONDS", default=60)
# A mailbox failing to connect or sign in for this long raises an alert to administrators.
MAIL_MAILBOX_ALERT_MINUTES = env.int("MAIL_MAILBOX_ALERT_MINUTES", default=30)
# Mail still unprocessed after this long counts as "pending too long" on the health page.
MAIL_STALE_MINUTES = env.int("MAIL_STALE_MINUTES", default=15)
# Attempts (with back-off) at a mail that fails for an operator's reason before quarantine.
MAIL_PROCESS_ATTEMPTS = env.int("MAIL_PROCESS_ATTEMPTS", default=5)
# Spam (P7, issue 12): mail a trusted upstream filter marked (X-Spam-Flag: YES,
# X-Spam-Status: Yes, X-Spam-Action/X-Rspamd-Action) goes to the agents' spam list; off:
# those headers are not read. A header of your own filter with a number in it, and the
# score from which that number means spam. A local Rspamd's HTTP API (its controller or
# normal worker, e.g. http://127.0.0.1:11333) that scores every stranger's mail; empty: none.
MAIL_SPAM_HEADERS = env.bool("MAIL_SPAM_HEADERS", default=True)
MAIL_SPAM_SCORE_HEADER = env.str("MAIL_SPAM_SCORE_HEADER", default="")
MAIL_SPAM_SCORE_THRESHOLD = env.float("MAIL_SPAM_SCORE_THRESHOLD", default=5.0)
MAIL_RSPAMD_URL = env.str("MAIL_RSPAMD_URL", default="")
MAIL_RSPAMD_TIMEOUT = env.float("MAIL_RSPAMD_TIMEOUT", default=10.0)
# Health reports the storage as nearly full below this much free space (media, SQLite).
STORAGE_MIN_FREE_PERCENT = env.int("STORAGE_MIN_FREE_PERCENT", default=10)

# --- Background work ------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server, for the quick start: messages are files.
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # A task that is not acknowledged within this time is delivered again (Redis).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The queue tasks are sent to (workers consume it with -Q); tasks a worker queues go there too.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "close-solved-tickets": {"task": "tickets.tasks.close_solved_tickets", "schedule": 3600.0},
    # After-commit reactions to ticket events whose task a broker lost (tickets/events.py).
    "requeue-event-deliveries": {"task": "tickets.requeue_event_deliveries", "schedule": 60.0},
    "sweep-outbound-mail": {"task": "mailgateway.sweep_outbound", "schedule": 60.0},
    # SLA warnings and breaches reach the managers (issue 10, R17).
    "escalate-sla": {"task": "sla.escalate", "schedule": 60.0},
    # Agents' notifications held past their per-minute limit go out as one digest.
    "send-agent-digests": {"task": "mailgateway.send_agent_digests", "schedule": 30.0},
    # Enqueues one fetch task per active mailbox (MAIL.md rule 3).
    "poll-mailboxes": {
        "task": "mailgateway.tasks.poll_mailboxes",
        "schedule": float(MAIL_POLL_SECONDS),
    },
    # Re-enqueues mail whose task a broker lost, and raises mailbox alerts.
    "sweep-inbound-mail": {"task": "mailgateway.tasks.sweep_inbound", "schedule": 300.0},
    # Webhook deliveries whose task a broker lost (issue 13, api/webhooks.py).
    "requeue-webhook-deliveries": {"task": "api.requeue_webhook_deliveries", "schedule": 600.0},
}

# --- Security -------------------------------------------------------------------------

# Secure defaults follow SITE_URL: an https site gets secure cookies, HSTS and redirects.
_https = SITE_IS_HTTPS and not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
# Load balancers probe the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_https)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_https)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy on every response (issue 14; README, "Security
# headers"): our own scripts and styles only, no inline script or handler, no eval, no
# plugins, no framing. Pages showing a mail's HTML also allow its sanitised style=""
# attributes (helpdesk/csp.py); attachments send a sandboxing policy of their own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Secrets at rest (mailbox passwords, OAuth2 secrets and tokens): Fernet keys, comma-separated;
# the first encrypts, all decrypt (rotation: README, "Security"). Only a laptop (DEBUG) or
# the tests (Django's "django-insecure-" development SECRET_KEY) fall back to a key derived
# from SECRET_KEY; a production without a key gets a system check warning (helpdesk.W001).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_ENCRYPTION_KEYS_DERIVED = not FIELD_ENCRYPTION_KEYS and (
    DEBUG or SECRET_KEY.startswith("django-insecure-")
)
if FIELD_ENCRYPTION_KEYS_DERIVED:
    from helpdesk.crypto import development_key

    FIELD_ENCRYPTION_KEYS = [development_key(SECRET_KEY)]
# Monitoring's token for the detailed health report (GET /health/ with "Authorization:
# Bearer <token>" or ?token=); without it only signed-in administrators see the detail.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

# --- API (issue 13, W1; README, "API") -----------------------------------------------

# Requests per token (or signed-in session) and minute, before 429 with Retry-After.
API_RATE_PER_MINUTE = env.int("API_RATE_PER_MINUTE", default=120)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_PAGE_MAX = 100
# Webhooks: a delivery is tried this many times (back-off from 30 s, doubling, at most an
# hour); after WEBHOOK_DISABLE_AFTER deliveries failed in a row the webhook is switched off.
WEBHOOK_ATTEMPTS = env.int("WEBHOOK_ATTEMPTS", default=8)
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=10)
WEBHOOK_TIMEOUT = env.int("WEBHOOK_TIMEOUT", default=10)
# Webhooks to loopback, private, link-local or reserved addresses are refused (SSRF) unless
# this is on: only for a receiver on the helpdesk's own network (and the tests).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        # The pages' own requests: the session, with Django's CSRF check.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": f"{API_RATE_PER_MINUTE}/min"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "Tickets, messages, customers and their services (README, API).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Status.choices",
        "ReplyStatusEnum": ["open", "pending", "solved"],
    },
}

# --- Logging --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
