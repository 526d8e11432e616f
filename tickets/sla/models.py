"""Calendars, SLA policies, each ticket's SLA clock and its escalations (issue 10, R17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Department, Priority, Ticket


class Calendar(models.Model):
    """Working days and hours in a time zone, with holidays; departments may share one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # {"0": [[540, 1080]], ...}: per weekday (Monday = 0), local minutes [start, end).
    hours = models.JSONField(_("working hours"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business-hours calendar")
        verbose_name_plural = _("business-hours calendars")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="holidays"
    )
    name = models.CharField(_("name"), max_length=100)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    yearly = models.BooleanField(_("every year"), default=False)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="holiday_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Target(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


POLICY_EXISTS = _("A policy for this department, priority and organization exists already.")


class Policy(models.Model):
    """Targets for a department's tickets of one priority (or any), optionally for one
    organization with a contract; the most specific active policy applies."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        help_text=_("Without a calendar the clock runs round the clock."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response within (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True
    )
    warn_minutes = models.PositiveIntegerField(_("warn this many minutes before"), default=30)
    raise_priority = models.BooleanField(_("raise the priority on a breach"), default=False)
    reassign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reassign to on a breach"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department__name", "organization__name", "-priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        # One policy per department, priority and organization, "any" (NULL) included:
        # one partial constraint per combination, as SQLite has no NULLS NOT DISTINCT.
        constraints = [
            models.UniqueConstraint(
                fields=fields,
                condition=models.Q(priority__isnull=no_priority)
                & models.Q(organization__isnull=no_organization),
                name=name,
                violation_error_message=POLICY_EXISTS,
            )
            for fields, no_priority, no_organization, name in (
                (["department", "priority", "organization"], False, False, "sla_policy_unique"),
                (["department", "priority"], False, True, "sla_policy_unique_no_org"),
                (["department", "organization"], True, False, "sla_policy_unique_any_priority"),
                (["department"], True, True, "sla_policy_unique_department"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} / {self.get_priority_display() or '*'}"

    def target_seconds(self, target: str) -> int | None:
        minutes = getattr(self, f"{target}_minutes")
        return minutes * 60 if minutes else None


class TicketClock(models.Model):
    """A ticket's SLA state beside the due times on the ticket itself.

    While the clock is stopped (pending, solved, closed) `paused` keeps, per target, the
    working seconds left and the due time it had. `next_check_at` is the next moment the
    escalation scan must look at the ticket (a warning or a breach): its index is the scan.
    """

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="sla_clock"
    )
    policy = models.ForeignKey(Policy, on_delete=models.SET_NULL, null=True, related_name="+")
    stopped = models.BooleanField(default=False)
    paused = models.JSONField(default=dict, blank=True)
    # The policy's targets and calendar the due times were computed with (clock.targets_of):
    # when the policy changes, the working time spent is measured against these.
    targets = models.JSONField(default=dict, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    # Working time it took (reports, W3): set when the target is met.
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_met = models.BooleanField(null=True)
    resolution_met = models.BooleanField(null=True)
    # Who met them: the author of the first reply; the assignee when it was solved.
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="sla_clock_next_check",
            )
        ]

    def __str__(self) -> str:
        return f"clock of {self.ticket_id}"


class Level(models.TextChoices):
    WARNING = "warning", _("Due soon")
    BREACH = "breach", _("Overdue")


class Escalation(models.Model):
    """One warning or breach of one target's due time: exactly one row, ever (R17)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="escalations"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(_("target"), max_length=16, choices=Target.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("escalated"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "level", "due_at"], name="escalation_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["department", "acknowledged_at", "-created_at"], name="escalation_list"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.target} {self.level}"


class ConfigChange(models.Model):
    """The audit trail of SLA configuration: who changed which calendar or policy, how."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=16)
    object_id = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=16)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SLA configuration change")
        verbose_name_plural = _("SLA configuration changes")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.action}"
