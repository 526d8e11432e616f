"""One ticket: its whole history (R7, R8, R16), the requester, replies and notes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from accounts.models import User
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, selectors, services
from tickets.canned.files import files_take
from tickets.fields import selectors as fields_selectors
from tickets.forms.staff import AGENT_STATUSES, ReplyForm
from tickets.models import Message, Priority, Ticket, TicketEvent
from tickets.services.presence import PRESENCE_POLL_SECONDS, presence_touch


def render_workspace(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    stale: list[TicketEvent] | None = None,
    files_dropped: bool = False,
    control_error: str = "",
) -> HttpResponse:
    """The ticket page; also re-rendered with a form's errors or the collision warning."""
    seen = selectors.ticket_last_event_id(ticket)
    assignees = list(selectors.assignable_agents(ticket))
    # The composer stays in the mode of the last submit (issue 11); on a closed ticket only
    # a note can be written until it is reopened, and the box says so before any typing.
    note_mode = ticket.is_closed or request.GET.get("kind") == ReplyForm.KIND_NOTE
    kind = ReplyForm.KIND_NOTE if note_mode else ReplyForm.KIND_REPLY
    context = {
        "nav": "ticket",
        "ticket": ticket,
        "timeline": selectors.ticket_timeline(request.user, ticket),
        "card": selectors.requester_card(request.user, ticket),
        "reply_form": reply_form or ReplyForm(initial={"seen": seen, "kind": kind}),
        "may_reopen": ticket.is_closed and access.may_reopen(request.user, ticket),
        "assignees": assignees,
        # A former or outside assignee is shown, but cannot be chosen again.
        "assignee_elsewhere": ticket.assignee is not None and ticket.assignee not in assignees,
        "statuses": AGENT_STATUSES,
        "priorities": Priority.choices,
        "departments": list(selectors.active_departments()),
        "viewers": presence_touch(actor=request.user, ticket=ticket),
        "seen": seen,
        "stale": stale or [],
        "files_dropped": files_dropped,
        "control_error": control_error,
        "poll_seconds": PRESENCE_POLL_SECONDS,
        "languages": settings.LANGUAGES,
        "links": selectors.ticket_links(request.user, ticket),
        "splittable": selectors.splittable_messages(ticket),
        "tags": fields_selectors.ticket_tags(ticket),
        "tag_suggestions": fields_selectors.tag_suggestions(request.user),
        "custom_fields": fields_selectors.ticket_fields(ticket),
        "time_spent": fields_selectors.ticket_time_spent(ticket),
    }
    return render(request, "staff/ticket_detail.html", context)


@agent_required
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """A merged ticket's page sends the agent to the ticket it was merged into (issue 11)."""
    ticket = access.ticket_for(request.user, number)
    target = access.merge_target_for(request.user, ticket)
    if target is not None:
        messages.info(
            request,
            _("Ticket #%(source)s was merged into #%(target)s.")
            % {"source": ticket.number, "target": target.number},
        )
        return redirect("staff:ticket", target.number)
    return render_workspace(request, ticket)


def _send(actor: User, ticket: Ticket, form: ReplyForm) -> Message:
    data = form.cleaned_data
    canned = files_take(actor=actor, ticket=ticket, refs=data["canned_files"])
    attachments = [*data["attachments"], *canned]
    if form.is_note:
        return services.note_add(
            actor=actor,
            ticket=ticket,
            body_text=data["body"],
            attachments=attachments,
            time_spent=data["time_spent"],
        )
    return services.reply_add(
        actor=actor,
        ticket=ticket,
        body_text=data["body"],
        attachments=attachments,
        status=data["then"] or None,
        time_spent=data["time_spent"],
    )


def _hold_back(
    request: AuthenticatedHttpRequest, ticket: Ticket, form: ReplyForm, stale: list
) -> HttpResponse:
    """The page again, with what is new and what he wrote; the next click sends."""
    data = form.cleaned_data
    again = ReplyForm(
        initial={
            "kind": data["kind"],
            "body": data["body"],
            "seen": stale[-1].pk,
            "canned_files": data["canned_files"],
            "time_spent": data["time_spent"],
        }
    )
    return render_workspace(
        request, ticket, reply_form=again, stale=stale, files_dropped=bool(data["attachments"])
    )


@agent_required
@require_POST
def ticket_reply(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """A reply (optionally setting pending or solved) or an internal note.

    If someone else wrote or changed the ticket since the page was loaded, nothing is sent:
    the page comes back with what is new, and a second click sends.
    """
    ticket = access.ticket_for(request.user, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_workspace(request, ticket, reply_form=form)
    seen = form.cleaned_data["seen"] or 0
    stale = selectors.ticket_events_since(ticket, seen, exclude=request.user)
    if stale:
        return _hold_back(request, ticket, form, stale)
    try:
        message = _send(request.user, ticket, form)
    except ServiceError as error:
        form.add_error(None, error.message)
        return render_workspace(request, ticket, reply_form=form)
    mode = "?kind=note" if form.is_note else ""
    return redirect(reverse("staff:ticket", args=[ticket.number]) + f"{mode}#message-{message.pk}")
