"""Forms of the staff portal: they parse what agents send and return real values."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Role, User
from tickets import access, selectors
from tickets.canned.fields import CannedFilesField
from tickets.fields.models import TAG_MAX_LENGTH, FieldDefinition, FieldKind
from tickets.fields.selectors import department_fields, user_fields
from tickets.fields.values import Typed, tag_name_clean, tag_names_split, value_parse
from tickets.forms.widgets import selects_quicken
from tickets.models import Channel, Department, Message, Priority, RatingScore, Status, Ticket
from tickets.services.bulk import MergeInto
from tickets.services.common import TIME_SPENT_MAX
from tickets.uploads import NewAttachment, allowed_kinds_label, check_upload

SUBJECT_MAX = 255
# What an agent may set a ticket to: any status but new (ARCHITECTURE.md, life cycle).
AGENT_STATUSES = [(s.value, s.label) for s in Status if s != Status.NEW]


# --- attachments --------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _attachments_help() -> str:
    return gettext("Up to %(count)s files: %(kinds)s.") % {
        "count": settings.ATTACHMENT_MAX_FILES,
        "kinds": allowed_kinds_label(),
    }


def attachments_field() -> MultipleFileField:
    # The help text is worded when shown, in the reader's language.
    return MultipleFileField(label=_("Attachments"), help_text=lazy(_attachments_help, str)())


def checked_attachments(files: list) -> list[NewAttachment]:
    """Every file checked on its bytes (tickets.uploads); all errors reported at once."""
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            ngettext(
                "Attach at most %(count)d file.",
                "Attach at most %(count)d files.",
                settings.ATTACHMENT_MAX_FILES,
            )
            % {"count": settings.ATTACHMENT_MAX_FILES}
        )
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload, upload.name))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked


# --- queue ---------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The filters of a queue, read from the query string (so that a queue is a link)."""

    STATUS_CHOICES = [
        ("active", _("New, open, pending")),
        *Status.choices,
        ("done", _("Solved and closed")),
        ("any", _("Any status")),
    ]
    SORT_CHOICES = [
        ("activity", _("Last activity")),
        ("waiting", _("Waiting longest")),
        ("priority", _("Priority")),
        ("created", _("Newest")),
        ("due", _("Due soonest")),
    ]
    SLA_CHOICES = [
        ("", _("Any")),
        ("overdue", _("Overdue")),
        ("1", _("Due within 1 hour")),
        ("4", _("Due within 4 hours")),
        ("24", _("Due within 24 hours")),
    ]
    RATING_CHOICES = [("", _("Any")), *RatingScore.choices, ("rated", _("Rated"))]

    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("All my departments")
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("Any priority")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )
    sla = forms.ChoiceField(label=_("Service level"), choices=SLA_CHOICES, required=False)
    rating = forms.ChoiceField(label=_("Rating"), choices=RATING_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    tag = forms.CharField(
        label=_("Tag"),
        required=False,
        max_length=TAG_MAX_LENGTH,
        widget=forms.TextInput(attrs={"list": "tag-suggestions", "autocomplete": "off"}),
    )
    requester = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.CUSTOMER), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user: User, colleagues: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        selects_quicken(self)
        self.user = user
        self.colleagues = {str(agent.pk): agent for agent in colleagues}
        departments = access.departments_for(user).order_by("name")
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments
        current = [(pk, a.display_name) for pk, a in self.colleagues.items() if a.is_active]
        former = [(pk, a.display_name) for pk, a in self.colleagues.items() if not a.is_active]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Unassigned")),
            (_("Agents"), current),
            *([(_("Former agents"), former)] if former else []),
        ]

    def filters(self) -> selectors.QueueFilters:
        """The valid filters; an invalid one (a department not his, say) is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        assignee_choice = data.get("assignee") or ""
        assignee = self.user if assignee_choice == "me" else self.colleagues.get(assignee_choice)
        return selectors.QueueFilters(
            department=data.get("department"),
            status=data.get("status") or "active",
            assignee=assignee,
            unassigned=assignee_choice == "none",
            priority=data.get("priority"),
            channel=data.get("channel") or "",
            requester=data.get("requester"),
            sort=data.get("sort") or "activity",
            sla=data.get("sla") or "",
            rating=data.get("rating") or "",
            tag=(data.get("tag") or "").strip(),
        )


class TicketNumbersField(forms.Field):
    """The ticket numbers ticked in a list (checkboxes named `ticket`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        numbers = []
        for raw in value or []:
            try:
                numbers.append(int(raw))
            except (TypeError, ValueError):
                raise ValidationError(_("Unknown ticket number.")) from None
        return numbers


# The field that carries each action's value, in the bulk form and in the ticket's controls.
ACTION_FIELDS = {
    "assign": "assignee",
    "status": "status",
    "priority": "priority",
    "move": "department",
    "tags": "tags",
    "fields": "fields",
}


def tag_names_field_clean(raw: str) -> list[str]:
    """The tags typed in a box, comma-separated: each checked, every error at once."""
    names, errors = [], []
    for part in tag_names_split(raw):
        try:
            names.append(tag_name_clean(part))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return names


def tags_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"list": "tag-suggestions", "autocomplete": "off", **attrs})


class CustomFieldChoice(forms.ModelChoiceField):
    """Custom fields of several departments: each named with its department."""

    def label_from_instance(self, obj: FieldDefinition) -> str:
        return f"{obj.department.name}: {obj.name}"


class BulkActionForm(forms.Form):
    """One change for every ticked ticket: assign, status, priority or department."""

    ACTIONS = [
        ("assign", _("Assign")),
        ("status", _("Set status")),
        ("priority", _("Set priority")),
        ("move", _("Move to department")),
        ("merge", _("Merge into ticket")),
        ("tag_add", _("Add tags")),
        ("tag_remove", _("Remove tags")),
        ("field", _("Set a custom field")),
    ]

    ticket = TicketNumbersField(
        label=_("Tickets"), error_messages={"required": _("Tick at least one ticket.")}
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *AGENT_STATUSES], required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", "—"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label="—"
    )
    merge_into = forms.IntegerField(
        label=_("Into ticket number"), required=False, min_value=1, max_value=2_000_000_000
    )
    confirm_organizations = forms.BooleanField(
        label=_("Merge even when the requesters belong to different organizations"),
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags, separated by commas"), required=False, max_length=2000, widget=tags_input()
    )
    custom_field: forms.ModelChoiceField[FieldDefinition] = CustomFieldChoice(
        label=_("Custom field"), queryset=None, required=False, empty_label="—"
    )
    field_value = forms.CharField(label=_("Value"), required=False, max_length=500)
    # The queue's query string, to go back to the same queue afterwards.
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, colleagues: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        selects_quicken(self)
        self.user = user
        # Work goes to active agents only.
        self.colleagues = {str(agent.pk): agent for agent in colleagues if agent.is_active}
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", "—"),
            ("me", _("Me")),
            ("none", _("Unassigned")),
            (_("Agents"), [(pk, agent.display_name) for pk, agent in self.colleagues.items()]),
        ]
        departments = selectors.active_departments()
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments
        cast(forms.ModelChoiceField, self.fields["custom_field"]).queryset = user_fields(user)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        action = data.get("action")
        if action in ("tag_add", "tag_remove"):
            try:
                data["value"] = tag_names_field_clean(data.get("tags") or "")
            except ValidationError as error:
                self.add_error("tags", error)
            else:
                if not data["value"]:
                    self.add_error("tags", _("Type at least one tag."))
        elif action == "field":
            field = data.get("custom_field")
            if field is None:
                self.add_error("custom_field", _("Choose the field."))
            else:
                try:
                    data["value"] = (field, value_parse(field, data.get("field_value") or ""))
                except ValidationError as error:
                    self.add_error("field_value", error)
        if action == "assign":
            choice = data.get("assignee")
            if not choice:
                self.add_error("assignee", _("Choose who gets the tickets."))
            elif choice == "me":
                data["value"] = self.user
            elif choice == "none":
                data["value"] = None
            else:
                data["value"] = self.colleagues[choice]
        elif action in ("status", "priority", "move"):
            field = ACTION_FIELDS[action]
            if data.get(field) in (None, ""):
                self.add_error(field, _("Choose the new value."))
            else:
                data["value"] = data[field]
        elif action == "merge":
            self._clean_merge(data)
        return data

    def _clean_merge(self, data: dict) -> None:
        """The target, found among the tickets the agent may see; it is left out of the
        ticked tickets (merging them into one of themselves is the usual way)."""
        try:
            target = merge_target_field(self.user, data.get("merge_into"))
        except ValidationError as error:
            self.add_error("merge_into", error)
            return
        numbers = [number for number in data.get("ticket") or [] if number != target.number]
        if not numbers:
            self.add_error("ticket", _("Tick the tickets to merge, besides the target."))
            return
        data["ticket"] = numbers
        data["value"] = MergeInto(target, bool(data.get("confirm_organizations")))


def merge_target_field(user: User, number: int | None) -> Ticket:
    """The ticket to merge into, by its number, if the agent may see it."""
    if number is None:
        raise ValidationError(_("Give the number of the ticket to merge into."))
    target = access.tickets_for(user).filter(number=number).first()
    if target is None:
        raise ValidationError(
            _("There is no ticket #%(number)s in your departments.") % {"number": number}
        )
    return target


# --- the ticket workspace -------------------------------------------------------------


class ReplyForm(forms.Form):
    """A public reply or an internal note (R16), with files, optionally setting a status."""

    KIND_REPLY, KIND_NOTE = "reply", "note"
    THEN_CHOICES = [("", ""), (Status.PENDING.value, ""), (Status.SOLVED.value, "")]

    kind = forms.ChoiceField(
        label=_("Write"),
        choices=[(KIND_REPLY, _("Public reply")), (KIND_NOTE, _("Internal note"))],
        widget=forms.RadioSelect,
        initial=KIND_REPLY,
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = attachments_field()
    # Files of the canned responses the agent inserted (R15), copied into the reply.
    canned_files = CannedFilesField()
    # Set by the button pressed: "Send", "Send and set pending", "Send and set solved".
    then = forms.ChoiceField(choices=THEN_CHOICES, required=False)
    # The latest audit event the agent had seen when he wrote (the stale-page check).
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    time_spent = forms.IntegerField(
        label=_("Time spent (minutes)"),
        required=False,
        min_value=0,
        max_value=TIME_SPENT_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "minutes"}),
    )

    def clean_attachments(self) -> list[NewAttachment]:
        return checked_attachments(self.cleaned_data.get("attachments") or [])

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        files = data.get("attachments") or data.get("canned_files")
        if not (data.get("body") or "").strip() and not files:
            self.add_error("body", _("Write a message or attach a file."))
        if data.get("kind") == self.KIND_NOTE and data.get("then"):
            raise ValidationError(
                _("An internal note does not change the status; send a reply or use the status.")
            )
        return data

    @property
    def is_note(self) -> bool:
        return self.cleaned_data.get("kind") == self.KIND_NOTE


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Unassigned")
    )

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agents = selectors.assignable_agents(ticket)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = agents
        self.fields["assignee"].initial = ticket.assignee_id


class TagsForm(forms.Form):
    """The ticket's tags, comma-separated: what the box holds becomes the ticket's tags."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        widget=tags_input(id="control-tags"),
        help_text=_("Separated by commas."),
    )

    def clean_tags(self) -> list[str]:
        return tag_names_field_clean(self.cleaned_data.get("tags") or "")


def _custom_form_field(field: FieldDefinition) -> forms.Field:
    """A form field for the kind; the values are judged by value_parse() in clean()."""
    kind = FieldKind(field.kind)
    if kind == FieldKind.CHECKBOX:
        return forms.BooleanField(label=field.name, required=False)
    if kind == FieldKind.CHOICE:
        choices = [("", "—"), *((choice, choice) for choice in field.choice_list)]
        return forms.ChoiceField(label=field.name, required=False, choices=choices)
    widgets = {
        FieldKind.DATE: forms.DateInput(attrs={"type": "date"}),
        FieldKind.NUMBER: forms.TextInput(attrs={"inputmode": "decimal"}),
    }
    return forms.CharField(
        label=field.name, required=False, max_length=500, widget=widgets.get(kind, forms.TextInput)
    )


class FieldsForm(forms.Form):
    """The custom fields of the ticket's department; each value checked by its kind."""

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = {
            f"field_{field.pk}": field for field in department_fields(ticket.department_id)
        }
        for name, field in self.definitions.items():
            self.fields[name] = _custom_form_field(field)
            if field.required and field.kind != FieldKind.CHECKBOX:
                self.fields[name].widget.attrs["aria-required"] = "true"

    def clean(self) -> dict:
        super().clean()
        values: dict[FieldDefinition, Typed] = {}
        for name, field in self.definitions.items():
            if name not in self.cleaned_data:
                continue
            try:
                value = value_parse(field, self.cleaned_data[name])
            except ValidationError as error:
                self.add_error(name, error)
                continue
            if value is None and field.required and field.kind != FieldKind.CHECKBOX:
                self.add_error(name, gettext("%(field)s is required.") % {"field": field.name})
                continue
            values[field] = value
        self.cleaned_data["fields"] = values
        return self.cleaned_data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AGENT_STATUSES)


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)


class WorkspaceForm(forms.Form):
    """The ticket's one form (issue 11): assignee, status, priority and department together.

    `changes()` gives only what differs from the ticket, as TICKET_ACTIONS' names. An
    assignee field that was not sent (a former agent's disabled choice) changes nothing.
    """

    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Unassigned")
    )
    status = forms.ChoiceField(label=_("Status"), choices=AGENT_STATUSES, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, empty_value=None, required=False
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False
    )

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = selectors.assignable_agents(ticket)
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = selectors.active_departments()

    def changes(self) -> dict[str, object]:
        data, ticket = self.cleaned_data, self.ticket
        found: dict[str, object] = {}
        if "assignee" in self.data and data.get("assignee") != ticket.assignee:
            found["assign"] = data.get("assignee")
        if data.get("status") and data["status"] != ticket.status:
            found["status"] = data["status"]
        if data.get("priority") is not None and data["priority"] != ticket.priority:
            found["priority"] = data["priority"]
        if data.get("department") is not None and data["department"].pk != ticket.department_id:
            found["move"] = data["department"]
        return found


class MoveForm(forms.Form):
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = selectors.active_departments()
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments


class RequesterLanguageForm(forms.Form):
    """The requester card's language switch (issue 12)."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class MergeForm(forms.Form):
    """Merge this ticket into another (issue 11), from the ticket's page."""

    merge_into = forms.IntegerField(
        label=_("Into ticket number"), min_value=1, max_value=2_000_000_000
    )
    confirm_organizations = forms.BooleanField(
        label=_("Merge even when the requesters belong to different organizations"),
        required=False,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_merge_into(self) -> Ticket:
        return merge_target_field(self.user, self.cleaned_data.get("merge_into"))


class SplitForm(forms.Form):
    """One customer message of the ticket into a new ticket (R14)."""

    message: forms.ModelChoiceField[Message] = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This message is not part of the ticket.")},
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, required=False)

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        messages = Message.objects.filter(ticket=ticket)
        cast(forms.ModelChoiceField, self.fields["message"]).queryset = messages
        departments = selectors.active_departments()
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments


# --- tickets for customers -------------------------------------------------------------


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a customer"), min_length=2, max_length=100)


class TicketForCustomerForm(forms.Form):
    """A ticket an agent opens for a customer on the phone: existing account or a new one."""

    customer_email = forms.EmailField(
        label=_("Customer's e-mail address"),
        help_text=_("Search above, or type the address of a new customer."),
    )
    customer_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For a new customer; an existing account keeps its name."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("No organization"),
        help_text=_("For a new customer."),
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), queryset=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("What the customer says"), widget=forms.Textarea(attrs={"rows": 8})
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    attachments = attachments_field()

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = access.departments_for(user).filter(is_active=True).order_by("name")
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments
        if len(departments) == 1:
            self.fields["department"].initial = departments[0].pk

    def clean_attachments(self) -> list[NewAttachment]:
        return checked_attachments(self.cleaned_data.get("attachments") or [])
