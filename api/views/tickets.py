"""Tickets and their conversation (issue 13, W1): the queue's filters, the search query
language and saved views for agents; the portal's tickets for customers."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Service, User, normalize_email
from api import serializers as s
from api import services as api_services
from api.errors import PreconditionFailed
from api.views.common import ApiView, checked_files, page_response
from tickets import access, selectors, services
from tickets.keyset import SortKey
from tickets.models import Category, Channel, Department, Message, Priority, Status, Ticket
from tickets.search import query as search_query
from tickets.search.forms import SearchForm
from tickets.search.saved import saved_views_for
from tickets.search.selectors import SEARCH_SORTS, portal_search, staff_search
from tickets.selectors import QUEUE_SORTS
from tickets.views.files import FILE_POLICY

LIST_RELATED = ("department", "category", "requester", "organization", "assignee", "service")
PORTAL_SORT = (SortKey("search_rank", descending=True), *QUEUE_SORTS["activity"])
MESSAGE_SORT = (SortKey("created_at"), SortKey("id"))
CUSTOMER_STATUSES = {"open": ("new", "open", "pending"), "closed": ("solved", "closed")}


def ticket_data(user: User, ticket: Ticket) -> dict[str, Any]:
    return s.TicketSerializer(ticket, context={"user": user}).data


def etag(ticket: Ticket) -> str:
    """Changes whenever the ticket does: every service touches `updated_at` or a field."""
    state = (
        f"{ticket.pk}|{ticket.updated_at.isoformat()}|{ticket.status}|{ticket.priority}"
        f"|{ticket.assignee_id}|{ticket.department_id}"
    )
    return '"' + hashlib.sha256(state.encode()).hexdigest()[:32] + '"'


def _agent_filters(request: Request, user: User) -> tuple[QueryDict, str]:
    """The staff search's parameters, under those of a saved view (`view=<id>`)."""
    params = QueryDict(mutable=True)
    view_id = request.query_params.get("view")
    if view_id:
        if not view_id.isdigit():
            raise exceptions.ValidationError({"view": [_("Not a saved view.")]})
        view = saved_views_for(user).filter(pk=int(view_id)).first()
        if view is None:
            raise exceptions.ValidationError({"view": [_("Not a saved view.")]})
        params.update(QueryDict(view.query))
    for key, values in request.query_params.lists():
        if key not in {"view", "cursor", "limit"}:
            params.setlist(key, values)
    return params, request.query_params.get("q", "")


def _agent_tickets(request: Request, user: User) -> tuple[QuerySet[Ticket], tuple]:
    params, _q = _agent_filters(request, user)
    colleagues = list(selectors.staff_colleagues(user, active_only=False))
    form = SearchForm(params, user=user, colleagues=colleagues)
    if not form.is_valid():
        raise exceptions.ValidationError(form.errors)
    query = search_query.parse(form.cleaned_data.get("q") or "")
    sort = form.cleaned_data.get("sort") or ("relevance" if query.terms else "activity")
    found = staff_search(user, query, form.search_filters(), sort)
    if found.errors:
        raise exceptions.ValidationError({"q": found.errors})
    return found.tickets, SEARCH_SORTS[sort]


def _customer_tickets(request: Request, user: User) -> tuple[QuerySet[Ticket], tuple]:
    wanted = request.query_params.get("status", "")
    if wanted and wanted not in CUSTOMER_STATUSES:
        raise exceptions.ValidationError({"status": [_("Use open or closed.")]})
    text = " ".join(request.query_params.get("q", "").split())[:100]
    if text:
        found = portal_search(user, search_query.parse(text))
        if found.errors:
            raise exceptions.ValidationError({"q": found.errors})
        tickets, keys = found.tickets, PORTAL_SORT
    else:
        tickets, keys = access.tickets_for(user), QUEUE_SORTS["activity"]
    if wanted:
        tickets = tickets.filter(status__in=CUSTOMER_STATUSES[wanted])
    return tickets, keys


TICKET_LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Search query language (README, Search)."),
    OpenApiParameter(
        "status",
        str,
        description="Agents: active, done, any or a status; customers: open or closed.",
    ),
    OpenApiParameter("department", int),
    OpenApiParameter("assignee", str, description="me, none or an agent's id."),
    OpenApiParameter("priority", int),
    OpenApiParameter("channel", str),
    OpenApiParameter(
        "sort", str, description="relevance, activity, waiting, priority, created, due."
    ),
    OpenApiParameter("view", int, description="A saved view's id: its filters apply."),
    OpenApiParameter("cursor", str),
    OpenApiParameter("limit", int),
]


def _object(queryset: QuerySet, pk: Any, field: str) -> Any:
    """A referenced object by id, or a 400 naming the field (never a 500 on a wrong type)."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("Not found.")]})
    return found


class TicketListView(ApiView):
    @extend_schema(
        operation_id="tickets_list",
        parameters=TICKET_LIST_PARAMETERS,
        responses=s.page_of(s.TicketSerializer),
    )
    def get(self, request: Request) -> Response:
        user = self.user
        finder = _agent_tickets if user.is_agent else _customer_tickets
        tickets, keys = finder(request, user)
        return page_response(
            request,
            tickets.select_related(*LIST_RELATED),
            keys,
            s.TicketSerializer,
            context={"user": user},
        )

    @extend_schema(
        request={
            "application/json": s.TicketCreateSerializer,
            "multipart/form-data": s.TicketCreateSerializer,
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: s.TicketSerializer, 200: s.TicketSerializer},
    )
    def post(self, request: Request) -> Response:
        user = self.user
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = request.headers.get("Idempotency-Key", "")[:100]
        if user.is_agent and not fields.get("customer_email"):
            raise exceptions.ValidationError({"customer_email": [_("This field is required.")]})
        if not user.is_agent:
            email = fields.get("customer_email")
            if (email and normalize_email(email) != user.email) or "priority" in fields:
                raise exceptions.PermissionDenied(
                    _("Customers open tickets for themselves, without a priority.")
                )
        ticket, made = api_services.ticket_open_once(
            actor=user,
            key=key,
            subject=fields["subject"],
            body_text=fields["body"],
            department=_object(
                Department.objects.filter(is_active=True), fields.get("department"), "department"
            ),
            category=_object(
                Category.objects.filter(is_active=True), fields.get("category"), "category"
            ),
            service=_object(
                Service.objects.filter(is_active=True), fields.get("service"), "service"
            ),
            customer_email=fields.get("customer_email", ""),
            customer_name=fields.get("customer_name", ""),
            priority=Priority(fields.get("priority", Priority.NORMAL)),
            attachments=checked_files(fields.get("attachments", [])),
        )
        shown = access.ticket_for(user, ticket.number)
        response = Response(
            ticket_data(user, shown),
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )
        response["Location"] = request.build_absolute_uri(f"/api/v1/tickets/{ticket.number}/")
        return response


class TicketDetailView(ApiView):
    @extend_schema(responses=s.TicketSerializer)
    def get(self, request: Request, number: int) -> Response:
        ticket = access.ticket_for(self.user, number)
        response = Response(ticket_data(self.user, ticket))
        response["ETag"] = etag(ticket)
        return response

    @extend_schema(
        request=s.TicketUpdateSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
        responses=s.TicketSerializer,
    )
    def patch(self, request: Request, number: int) -> Response:
        user = self.user
        ticket = access.ticket_for(user, number)
        if not access.can_work(user, ticket):
            raise exceptions.PermissionDenied(_("Only agents of its department change a ticket."))
        expected = request.headers.get("If-Match")
        if expected and expected != "*" and expected != etag(ticket):
            raise PreconditionFailed(_("The ticket changed since you read it; read it again."))
        data = s.TicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        changes: dict[str, Any] = {}
        if "status" in fields:
            changes["status"] = Status(fields["status"])
        if "priority" in fields:
            changes["priority"] = Priority(fields["priority"])
        if "assignee" in fields:
            changes["assignee"] = _object(
                User.objects.filter(is_active=True), fields["assignee"], "assignee"
            )
        if "department" in fields:
            changes["department"] = _object(
                Department.objects.all(), fields["department"], "department"
            )
        api_services.ticket_update(actor=user, ticket=ticket, **changes)
        ticket = access.tickets_for(user).filter(pk=ticket.pk).first() or ticket
        response = Response(ticket_data(user, ticket))
        response["ETag"] = etag(ticket)
        return response


class MessageListView(ApiView):
    @extend_schema(
        operation_id="tickets_messages_list",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("limit", int)],
        responses=s.page_of(s.MessageSerializer),
    )
    def get(self, request: Request, number: int) -> Response:
        ticket = access.ticket_for(self.user, number)
        messages = (
            access.messages_for(self.user, ticket)
            .select_related("author")
            .prefetch_related("attachments")
        )
        return page_response(request, messages, MESSAGE_SORT, s.MessageSerializer)

    @extend_schema(
        request={
            "application/json": s.MessageCreateSerializer,
            "multipart/form-data": s.MessageCreateSerializer,
        },
        responses={201: s.MessageSerializer},
    )
    def post(self, request: Request, number: int) -> Response:
        user = self.user
        ticket = access.ticket_for(user, number)
        data = s.MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        files = checked_files(fields.get("attachments", []))
        message: Message
        if not user.is_agent:
            if fields.get("internal") or fields.get("status"):
                raise exceptions.PermissionDenied(_("Only agents write notes or set a status."))
            message = services.message_add_api(
                actor=user, ticket=ticket, body_text=fields["body"], attachments=files
            )
        elif fields.get("internal"):
            message = services.note_add(
                actor=user,
                ticket=ticket,
                body_text=fields["body"],
                attachments=files,
                channel=Channel.API,
            )
        else:
            message = services.reply_add(
                actor=user,
                ticket=ticket,
                body_text=fields["body"],
                attachments=files,
                status=Status(fields["status"]) if fields.get("status") else None,
                channel=Channel.API,
            )
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
class AttachmentView(ApiView):
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = access.attachment_for(self.user, pk)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.download_name,
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = FILE_POLICY
        response["Cache-Control"] = "private, no-store"
        return response
