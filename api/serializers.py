"""What the API shows and accepts. Reading shapes are plain; writing shapes validate input
(types, unknown fields, sizes) and hand the services typed values, never model writes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Organization, Service, User
from tickets.canned.models import CannedResponse
from tickets.models import Attachment, Category, Department, Message, Priority, Status, Ticket

BODY_MAX = 100_000


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a typo must not be silently ignored."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            known = set(self.fields)
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TicketSerializer(serializers.ModelSerializer):
    """A ticket. Customers get what the portal shows them: the fields of agents' work
    (`STAFF_ONLY`: department, priority, assignee, SLA...) are null for them."""

    STAFF_ONLY = (
        "priority",
        "channel",
        "department",
        "requester_email",
        "organization",
        "assignee",
        "first_response_at",
        "sla_due_at",
    )

    priority = serializers.IntegerField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    department = NamedSerializer(allow_null=True)
    category = NamedSerializer(allow_null=True)
    requester = PersonSerializer()
    requester_email = serializers.EmailField(source="requester.email", allow_null=True)
    organization = NamedSerializer(allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    service = NamedSerializer(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    sla_due_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "number",
            "subject",
            "status",
            "priority",
            "channel",
            "department",
            "category",
            "requester",
            "requester_email",
            "organization",
            "assignee",
            "service",
            "created_at",
            "updated_at",
            "first_response_at",
            "solved_at",
            "closed_at",
            "sla_due_at",
        ]

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context.get("user")
        if user is None or not user.is_agent:
            data.update(dict.fromkeys(self.STAFF_ONLY))
        return data


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return reverse("api:attachment", args=[attachment.pk])


class MessageSerializer(serializers.ModelSerializer):
    author = PersonSerializer(allow_null=True)
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "channel", "author", "body_text", "created_at", "attachments"]


class FilesField(serializers.ListField):
    child = serializers.FileField()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", settings.ATTACHMENT_MAX_FILES)
        super().__init__(**kwargs)


class TicketCreateSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=255)
    body = serializers.CharField(max_length=BODY_MAX)
    category = serializers.IntegerField(required=False, allow_null=True)
    department = serializers.IntegerField(required=False, allow_null=True)
    service = serializers.IntegerField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    customer_email = serializers.EmailField(required=False, max_length=254)
    customer_name = serializers.CharField(required=False, max_length=200, allow_blank=True)
    attachments = FilesField()


class TicketUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    department = serializers.IntegerField(required=False)


class MessageCreateSerializer(StrictSerializer):
    body = serializers.CharField(max_length=BODY_MAX)
    internal = serializers.BooleanField(
        required=False, default=False, help_text="Agents: an internal note instead of a reply."
    )
    status = serializers.ChoiceField(
        choices=[Status.OPEN, Status.PENDING, Status.SOLVED],
        required=False,
        help_text="Agents: the status the reply leaves the ticket in.",
    )
    attachments = FilesField()


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "shares_tickets", "created_at"]
        read_only_fields = ["id", "created_at"]


class OrganizationWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    shares_tickets = serializers.BooleanField(required=False)


class CustomerSerializer(serializers.ModelSerializer):
    organization = NamedSerializer(allow_null=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "language", "organization", "is_active", "date_joined"]


class CustomerWriteSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.IntegerField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "kind", "customer", "organization", "is_active", "created_at"]


class ServiceWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.CharField(max_length=100, required=False, allow_blank=True)
    customer = serializers.IntegerField(required=False, allow_null=True)
    organization = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "slug", "is_active"]


class CategorySerializer(serializers.ModelSerializer):
    default_department = serializers.IntegerField(source="default_department_id")

    class Meta:
        model = Category
        fields = ["id", "name", "kind", "guidance", "default_department"]


class CannedResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedResponse
        fields = ["id", "title", "folder", "scope", "department", "body", "updated_at"]


def page_of(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one page of a list: its items and the cursor of the next page."""

    class Page(serializers.Serializer):
        results = serializer(many=True)
        next_cursor = serializers.CharField(allow_null=True)
        next = serializers.CharField(allow_null=True)

    Page.__name__ = f"{serializer.__name__.removesuffix('Serializer')}Page"
    return Page
