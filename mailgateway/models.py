"""Inbound mail: the mailboxes we fetch from, and every raw mail we received (MAIL.md);
the OAuth2 accounts both halves sign in with (IMAP here, SMTP in the outbound app).

The raw bytes live in the database (`InboundMail.raw`, a bytea on PostgreSQL): the
commit that stores them is the acknowledgement point of every source (SMTP 250, IMAP
move, pipe exit 0), and only a database commit makes "stored" and "recorded" one atomic
fact: a file beside a row can exist without the row, or the row without a file that a
crash never flushed. Lists never load the bytes (`InboundMail.objects` defers them).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.fields import EncryptedTextField


class Protocol(models.TextChoices):
    IMAP = "imap", "IMAP"
    POP3 = "pop3", "POP3"


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (only on a trusted network)")


class OAuth2Account(models.Model):
    """OAuth2 credentials for XOAUTH2 sign-in to Microsoft 365 or Gmail (SMTP and IMAP).

    The refresh token is exchanged for short-lived access tokens at the token endpoint,
    shortly before each one expires. Microsoft 365:
    https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token with the scopes
    https://outlook.office.com/SMTP.Send and https://outlook.office.com/IMAP.AccessAsUser.All
    (plus offline_access); Gmail: https://oauth2.googleapis.com/token with the scope
    https://mail.google.com/.
    """

    name = models.SlugField(_("name"), unique=True)
    username = models.EmailField(_("mailbox address"))
    token_url = models.URLField(_("token endpoint"))
    client_id = models.CharField(_("client ID"), max_length=255)
    # Secrets at rest are Fernet tokens (issue 14, helpdesk/crypto.py).
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    refresh_token = EncryptedTextField(_("refresh token"))
    scope = models.CharField(_("scope"), max_length=1000, blank=True)
    access_token = EncryptedTextField(_("access token"), blank=True, editable=False)
    expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)
    last_refresh_at = models.DateTimeField(_("last refresh"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OAuth2 account")
        verbose_name_plural = _("OAuth2 accounts")

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"


class Mailbox(models.Model):
    """A mailbox the helpdesk fetches mail from, with its health (MAIL.md rules 3 and 7)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    protocol = models.CharField(
        _("protocol"), max_length=8, choices=Protocol.choices, default=Protocol.IMAP
    )
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=16, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user"), max_length=255)
    password = EncryptedTextField(_("password"), blank=True)
    # Microsoft 365 and Gmail: XOAUTH2 with the account's access token instead of the password.
    oauth2_account = models.ForeignKey(
        "mailgateway.OAuth2Account",
        verbose_name=_("OAuth2 account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mailboxes",
        help_text=_(
            "Sign in with XOAUTH2 and this account's token (Microsoft 365, Gmail) instead of "
            "a password."
        ),
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    processed_folder = models.CharField(
        _("move processed mail to"),
        max_length=255,
        blank=True,
        help_text=_("IMAP folder for fetched mail; leave empty to delete it from the server."),
    )
    default_department = models.ForeignKey(
        "tickets.Department",
        verbose_name=_("default department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For mail sent to none of the departments' addresses."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    alerted_at = models.DateTimeField(_("administrators alerted"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name

    @property
    def is_failing(self) -> bool:
        """Failing for longer than MAIL_MAILBOX_ALERT_MINUTES: administrators are told."""
        if self.failing_since is None:
            return False
        limit = timedelta(minutes=settings.MAIL_MAILBOX_ALERT_MINUTES)
        return timezone.now() - self.failing_since >= limit


class Source(models.TextChoices):
    IMAP = "imap", "IMAP"
    POP3 = "pop3", "POP3"
    SMTP = "smtp", "SMTP"
    LMTP = "lmtp", "LMTP"
    PIPE = "pipe", _("pipe")
    WEBHOOK = "webhook", _("webhook")


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSING = "processing", _("processing")
    DONE = "done", _("done")
    IGNORED = "ignored", _("ignored")
    REJECTED = "rejected", _("rejected")
    SPAM = "spam", _("spam")
    FAILED = "failed", _("failed (will retry)")
    QUARANTINED = "quarantined", _("quarantined")


# Statuses that are final: processing again changes nothing.
FINAL_STATUSES = (
    InboundStatus.DONE,
    InboundStatus.IGNORED,
    InboundStatus.REJECTED,
    InboundStatus.SPAM,
)


class ErrorKind(models.TextChoices):
    SENDER = "sender", _("the sender's fault")
    OPERATOR = "operator", _("an operator problem")


class InboundMailQuerySet(models.QuerySet):
    def with_first_copy(self):
        """Annotates `first_copy`: the earlier row of the same mail that already made a
        ticket message (MAIL.md rule 5), read in the same query that locks the row."""
        earlier = (
            self.model.objects.filter(dedupe_key=OuterRef("dedupe_key"), message__isnull=False)
            .exclude(pk=OuterRef("pk"))
            .order_by("id")
            .values("pk")[:1]
        )
        return self.annotate(first_copy=Subquery(earlier))

    def stale(self, minutes: int | None = None):
        minutes = settings.MAIL_STALE_MINUTES if minutes is None else minutes
        cutoff = timezone.now() - timedelta(minutes=minutes)
        pending = (InboundStatus.PENDING, InboundStatus.PROCESSING, InboundStatus.FAILED)
        return self.filter(status__in=pending, received_at__lt=cutoff)


_InboundMailManagerBase = models.Manager.from_queryset(InboundMailQuerySet)


class InboundMailManager(_InboundMailManagerBase):
    def get_queryset(self):
        return super().get_queryset().defer("raw")


class InboundMail(models.Model):
    """One received message, stored raw before anything else (MAIL.md no-loss rule 2)."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mails",
    )
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    uid = models.CharField(_("UID"), max_length=255, blank=True)
    source_id = models.CharField(
        _("source reference"),
        max_length=255,
        blank=True,
        help_text=_("SMTP queue id, pipe run or provider event id."),
    )
    # None when the source does not know it; "" for a null sender (<>): a bounce sign.
    envelope_sender = models.CharField(  # noqa: DJ001 - unknown and empty differ
        _("envelope sender"), max_length=998, null=True, blank=True
    )
    envelope_recipients = models.JSONField(_("envelope recipients"), default=list, blank=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    message_id_header = models.CharField(_("Message-ID"), max_length=998, blank=True)
    # Same Message-ID (or, without one, same bytes) = same mail: it makes one ticket message.
    dedupe_key = models.CharField(max_length=80, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InboundStatus.choices, default=InboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    error_kind = models.CharField(
        _("error kind"), max_length=16, choices=ErrorKind.choices, blank=True
    )
    classification = models.CharField(_("classification"), max_length=16, blank=True)
    # An agent said "not spam": processed again, it is never filtered (issue 12, P7).
    not_spam = models.BooleanField(_("not spam"), default=False)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    department = models.ForeignKey(
        "tickets.Department",
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mails",
    )
    message = models.OneToOneField(
        "tickets.Message",
        verbose_name=_("ticket message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    objects = InboundMailManager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        constraints = [
            # A re-fetch of the same IMAP/POP3 message is the same row (MAIL.md rule 2).
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"],
                condition=Q(mailbox__isnull=False),
                name="inbound_mailbox_uid_unique",
            ),
            # A replayed webhook or a retried pipe run is the same row.
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="inbound_source_id_unique",
            ),
            # One ticket message per mail, however often it arrives (MAIL.md rule 5).
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(message__isnull=False),
                name="inbound_one_message_per_mail",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbound_status_received"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} {self.subject or self.message_id_header}"
