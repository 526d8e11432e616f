from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.translations import TranslationsField, translated
from tickets.uploads import download_name, storage_extension

if TYPE_CHECKING:
    from accounts.models import User


class MailPolicy(models.TextChoices):
    """Whose mail may open tickets in a department (P7)."""

    ANYONE = "anyone", _("Anyone: unknown senders become customers")
    REGISTERED = "registered", _("Registered customers only")


class Department(models.Model):
    """A team with its own queue, inbound addresses, sender identity and signature (R9, R12)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    sender_address = models.EmailField(_("sender address"), blank=True)
    signature = models.TextField(_("signature"), blank=True)
    agent_name_in_mail = models.BooleanField(
        _("agent's name in replies"),
        default=True,
        help_text=_(
            "An agent's reply is sent as “Anna Kowalski, <sender name>” and signed with "
            "the agent's name above the department's signature."
        ),
    )
    translations = TranslationsField()
    is_active = models.BooleanField(_("active"), default=True)
    mail_policy = models.CharField(
        _("mail from"),
        max_length=16,
        choices=MailPolicy.choices,
        default=MailPolicy.ANYONE,
        help_text=_(
            "With registered customers only, mail from unknown senders is kept and shown "
            "to agents as rejected instead of opening a ticket."
        ),
    )
    # Round-robin (issue 11): new tickets go in turn to the department's agents who are
    # signed in and not away, each holding fewer open tickets than the cap.
    round_robin = models.BooleanField(
        _("assign new tickets by round-robin"),
        default=False,
        help_text=_(
            "Each new ticket goes to the agent of this department with the fewest open "
            "tickets among those signed in and not away."
        ),
    )
    round_robin_cap = models.PositiveSmallIntegerField(
        _("round-robin cap"),
        default=20,
        help_text=_("An agent with this many open tickets gets no more by round-robin."),
    )
    # Whom round-robin chose last: the next tie goes to the agent after him.
    round_robin_last = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    TRANSLATED = ("name", "sender_name", "signature")

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return translated(self, "name")

    @property
    def local_sender_name(self) -> str:
        return translated(self, "sender_name")

    @property
    def local_signature(self) -> str:
        return translated(self, "signature")


class DepartmentAddress(models.Model):
    """An address whose mail lands in the department (R9); plus-addressed forms route too."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    address = models.EmailField(_("address"), unique=True)

    class Meta:
        ordering = ["address"]
        verbose_name = _("inbound address")
        verbose_name_plural = _("inbound addresses")
        constraints = [
            models.UniqueConstraint(Lower("address"), name="department_address_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.address


class CategoryKind(models.TextChoices):
    """Which writing hints the portal gives for a category (tickets/quality.py)."""

    TECHNICAL = "technical", _("Technical problem")
    BILLING = "billing", _("Billing and payments")
    SALES = "sales", _("Sales and orders")
    OTHER = "other", _("Other")


class Category(models.Model):
    """What customers pick in the portal (P2): it brings guidance and a default department."""

    name = models.CharField(_("name"), max_length=100)
    guidance = models.TextField(
        _("guidance"),
        blank=True,
        help_text=_("Shown to the customer when the category is picked: what to include."),
    )
    kind = models.CharField(
        _("kind of request"),
        max_length=16,
        choices=CategoryKind.choices,
        default=CategoryKind.OTHER,
        help_text=_(
            "Chooses the hints the portal gives while the customer writes "
            "(ping and logs for technical problems, the invoice number for billing...)."
        ),
    )
    default_department = models.ForeignKey(
        Department,
        verbose_name=_("default department"),
        on_delete=models.PROTECT,
        related_name="categories",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    translations = TranslationsField()

    TRANSLATED = ("name", "guidance")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return translated(self, "name")

    @property
    def local_guidance(self) -> str:
        return translated(self, "guidance")


class Status(models.TextChoices):
    """The ticket life cycle of ARCHITECTURE.md."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)
DONE_STATUSES = (Status.SOLVED, Status.CLOSED)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    PHONE = "phone", _("Phone")


class Ticket(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=255)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    participants: models.ManyToManyField[User, TicketParticipant] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        through="TicketParticipant",
        through_fields=("ticket", "user"),
        related_name="participating_tickets",
        blank=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    service = models.ForeignKey(
        "accounts.Service",
        verbose_name=_("product or service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    linked_ticket = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    # Split (R14, issue 11): the ticket one of whose messages this ticket was made from.
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="splits",
    )
    # Merge (issue 11): the ticket this one was merged into; its messages live there now,
    # and mail, web replies and pages of this ticket go there. Always the final target:
    # merging a ticket moves the tickets merged into it along.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_tickets",
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last activity"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    last_customer_activity_at = models.DateTimeField(
        _("last customer message"), null=True, blank=True
    )
    last_agent_activity_at = models.DateTimeField(_("last agent reply"), null=True, blank=True)
    # Set while the customer waits for an answer (his message is the latest public one).
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # SLA targets (kept on the ticket so that one indexed query finds breaches, R17).
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The earliest of the three due times above: what the queue sorts and filters by.
    sla_due_at = models.DateTimeField(_("next due"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Queues: a department's tickets by status, newest activity first.
            models.Index(fields=["department", "status", "-updated_at"], name="ticket_dept_status"),
            models.Index(
                fields=["assignee", "status", "-updated_at"], name="ticket_assignee_status"
            ),
            models.Index(fields=["requester", "status", "-updated_at"], name="ticket_requester"),
            models.Index(
                fields=["organization", "status", "-updated_at"], name="ticket_org_status"
            ),
            models.Index(fields=["department", "waiting_since"], name="ticket_dept_waiting"),
            models.Index(fields=["status", "solved_at"], name="ticket_status_solved"),
            models.Index(fields=["-updated_at"], name="ticket_updated"),
            # Staff queues (issue 4): each sort of the tickets still needing work reads its
            # index in order and stops after a page, instead of sorting every open ticket.
            models.Index(
                fields=["waiting_since", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_open_waiting",
            ),
            models.Index(
                fields=["-priority", "-updated_at", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_open_priority",
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES, assignee__isnull=True),
                name="ticket_open_unassigned",
            ),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            # SLA (issue 10): the "due" sort and the overdue / due-within filters of queues.
            models.Index(
                fields=["sla_due_at", "id"],
                condition=models.Q(sla_due_at__isnull=False),
                name="ticket_sla_due",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class TicketParticipant(models.Model):
    """Someone besides the requester who follows the ticket (a colleague in Cc)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participant_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.ticket}"


class TicketCounter(models.Model):
    """One row per sequence; incremented under the row lock to number tickets safely."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    AGENT = "agent", _("Agent reply")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System message")


# Messages customers never see (R16).
INTERNAL_KINDS = (MessageKind.NOTE, MessageKind.SYSTEM)


class Message(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    body_text = models.TextField(_("text"), blank=True)
    # Sanitized HTML (bleach) for mail that came as HTML; empty for plain text.
    body_html = models.TextField(_("HTML"), blank=True)
    # RFC 5322 threading: our Message-ID for what we send, the sender's for what we receive.
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    # False for mail whose From carried no proof (docs/mail-trust.md): an agent's address
    # without his token or a DMARC pass (filed as a note), a customer found by the
    # subject tag alone. Agents see it marked "unverified sender".
    sender_verified = models.BooleanField(_("sender verified"), default=True)
    # Split (R14): the copy of this message that opened a new ticket. Mail answering this
    # message's Message-ID threads to the copy's ticket (mailgateway/route.py).
    split_to = models.OneToOneField(
        "self",
        verbose_name=_("split into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="split_source",
    )
    # Minutes the agent spent on this reply or note (issue 11), when he said so.
    time_spent = models.PositiveIntegerField(_("time spent (minutes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket.number}"

    @property
    def is_internal(self) -> bool:
        return self.kind in INTERNAL_KINDS


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files are stored under random names with the extension of their judged kind, never
    the sender's ("shell.phtml" that is a PNG is stored as ….png, an unknown kind as ….bin);
    the original name lives in the database."""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{storage_extension(instance.content_type)}"


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Content-ID of an inline image (cid:), so that the HTML body can show it in place.
    content_id = models.CharField(_("content ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/gif", "image/jpeg", "image/webp"}

    @property
    def shown_inline(self) -> bool:
        """Only raster images are ever shown in the browser; PDFs and the rest download.

        A PDF can carry script and forms; shown inline it would run in our origin, and
        Chromium's viewer does not open PDFs in a sandboxed document (issue 14).
        """
        return self.is_image

    @property
    def download_name(self) -> str:
        """The name the file downloads under: the original, its extension agreeing with its kind."""
        return download_name(self.filename, self.content_type)


class EventVerb(models.TextChoices):
    OPENED = "opened", _("opened the ticket")
    MESSAGE_ADDED = "message_added", _("wrote a message")
    REPLIED = "replied", _("replied")
    NOTE_ADDED = "note_added", _("added an internal note")
    ASSIGNED = "assigned", _("changed the assignee")
    STATUS_CHANGED = "status_changed", _("changed the status")
    PRIORITY_CHANGED = "priority_changed", _("changed the priority")
    MOVED = "moved", _("moved the ticket")
    CLOSED = "closed", _("closed the ticket")
    REOPENED = "reopened", _("reopened the ticket")
    RATED = "rated", _("rated the answer")
    PARTICIPANT_ADDED = "participant_added", _("added a participant")
    # An SLA due time came close or passed (issue 10, R17); the actor is the helpdesk.
    ESCALATED = "escalated", _("escalated the ticket")
    # An agent changed the language of the ticket's customer (issue 12).
    REQUESTER_LANGUAGE_CHANGED = "requester_language", _("changed the requester's language")
    # Split and merge (issue 11, R14).
    SPLIT = "split", _("split a message into a new ticket")
    MERGED = "merged", _("merged the ticket into another")
    MERGED_FROM = "merged_from", _("merged another ticket into this one")
    # Tags and custom fields (issue 11).
    TAGS_CHANGED = "tags_changed", _("changed the tags")
    FIELDS_CHANGED = "fields_changed", _("changed the custom fields")


class TicketEvent(models.Model):
    """The audit trail: who changed what, from what, to what, when."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(_("what"), max_length=32, choices=EventVerb.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self) -> str:
        return f"#{self.ticket.number} {self.verb}"


class RatingScore(models.TextChoices):
    GOOD = "good", _("Good, I am satisfied")
    BAD = "bad", _("Bad, I am not satisfied")


class Rating(models.Model):
    """The customer's verdict on the answer to his ticket (W4): one per ticket.

    Given once the ticket is solved, changeable until it is closed; its changes are in the
    ticket's audit trail (TicketEvent, verb `rated`).
    """

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.CharField(_("rating"), max_length=8, choices=RatingScore.choices)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The agent whose answer was rated: the author of the last reply (reports per agent, W3).
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            models.Index(fields=["agent", "created_at"], name="rating_agent_created"),
            models.Index(fields=["created_at"], name="rating_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket.number} {self.score}"


class EventDelivery(models.Model):
    """An after-commit subscriber's pending reaction to one event (tickets/events.py).

    Written in the same transaction as the event and deleted in the same transaction as
    the reaction's own writes, so a reaction is neither lost nor done twice.
    """

    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(_("subscriber"), max_length=200)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending event delivery")
        verbose_name_plural = _("pending event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["queued_at"], name="delivery_queued")]

    def __str__(self) -> str:
        return f"{self.subscriber} <- {self.event_id}"
