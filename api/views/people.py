"""Customers, organizations and customers' services (issue 13, W1): what a billing system
or a control panel keeps in step. Agents only; every change through accounts.services."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import services as accounts
from accounts.models import Organization, Role, Service, User, normalize_email
from api import serializers as s
from api.permissions import AgentsOnly, TokenScope
from api.views.common import ApiView, page_response
from tickets.keyset import SortKey
from tickets.selectors.common import contains_any_case

BY_ID = (SortKey("id"),)


def _int(value: str | None, field: str) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise exceptions.ValidationError({field: [_("A whole number is required.")]})
    return int(value)


def _customers() -> QuerySet[User]:
    return User.objects.filter(role=Role.CUSTOMER).select_related("organization")


def _found(queryset: QuerySet, pk: Any, field: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("Not found.")]})
    return found


def _get(queryset: QuerySet, pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.NotFound(_("Not found."))
    return found


class StaffView(ApiView):
    permission_classes = [TokenScope, AgentsOnly]


class CustomerListView(StaffView):
    @extend_schema(
        operation_id="customers_list",
        parameters=[
            OpenApiParameter("email", str, description="Look a customer up by address."),
            OpenApiParameter("organization", int),
            OpenApiParameter("cursor", str),
            OpenApiParameter("limit", int),
        ],
        responses=s.page_of(s.CustomerSerializer),
    )
    def get(self, request: Request) -> Response:
        customers = _customers()
        email = request.query_params.get("email")
        if email is not None:
            customers = customers.filter(email=normalize_email(email)[:254])
        organization = _int(request.query_params.get("organization"), "organization")
        if organization is not None:
            customers = customers.filter(organization_id=organization)
        return page_response(request, customers, BY_ID, s.CustomerSerializer)

    @extend_schema(request=s.CustomerWriteSerializer, responses={201: s.CustomerSerializer})
    def post(self, request: Request) -> Response:
        data = s.CustomerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        customer = accounts.customer_create(
            actor=self.user,
            email=fields["email"],
            name=fields.get("name", ""),
            organization=_found(
                Organization.objects.all(), fields.get("organization"), "organization"
            ),
            language=fields.get("language"),
        )
        return Response(s.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailView(StaffView):
    @extend_schema(responses=s.CustomerSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.CustomerSerializer(_get(_customers(), pk)).data)

    @extend_schema(request=s.CustomerWriteSerializer, responses=s.CustomerSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        customer = _get(_customers(), pk)
        data = s.CustomerWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if "email" in fields and normalize_email(fields["email"]) != customer.email:
            raise exceptions.ValidationError({"email": [_("The address cannot be changed.")]})
        changes: dict[str, Any] = {}
        if "name" in fields:
            changes["name"] = fields["name"]
        if "language" in fields:
            changes["language"] = fields["language"]
        if "organization" in fields:
            changes["organization"] = _found(
                Organization.objects.all(), fields["organization"], "organization"
            )
        customer = accounts.customer_update(actor=self.user, customer=customer, **changes)
        return Response(s.CustomerSerializer(customer).data)


class OrganizationListView(StaffView):
    @extend_schema(
        operation_id="organizations_list",
        parameters=[
            OpenApiParameter("name", str, description="Part of the name, any case."),
            OpenApiParameter("cursor", str),
            OpenApiParameter("limit", int),
        ],
        responses=s.page_of(s.OrganizationSerializer),
    )
    def get(self, request: Request) -> Response:
        organizations = Organization.objects.all()
        name = request.query_params.get("name")
        if name is not None:
            wanted = " ".join(name.split())[:200]
            organizations = organizations.filter(contains_any_case("name", wanted))
        return page_response(request, organizations, BY_ID, s.OrganizationSerializer)

    @extend_schema(request=s.OrganizationWriteSerializer, responses={201: s.OrganizationSerializer})
    def post(self, request: Request) -> Response:
        data = s.OrganizationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = accounts.organization_create(actor=self.user, **data.validated_data)
        return Response(s.OrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailView(StaffView):
    @extend_schema(responses=s.OrganizationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.OrganizationSerializer(_get(Organization.objects.all(), pk)).data)

    @extend_schema(request=s.OrganizationWriteSerializer, responses=s.OrganizationSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        organization = _get(Organization.objects.all(), pk)
        data = s.OrganizationWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organization = accounts.organization_update(
            actor=self.user, organization=organization, **data.validated_data
        )
        return Response(s.OrganizationSerializer(organization).data)


class ServiceListView(StaffView):
    @extend_schema(
        operation_id="services_list",
        parameters=[
            OpenApiParameter("customer", int),
            OpenApiParameter("organization", int),
            OpenApiParameter("cursor", str),
            OpenApiParameter("limit", int),
        ],
        responses=s.page_of(s.ServiceSerializer),
    )
    def get(self, request: Request) -> Response:
        found = Service.objects.all()
        customer = _int(request.query_params.get("customer"), "customer")
        organization = _int(request.query_params.get("organization"), "organization")
        if customer is not None:
            found = found.filter(Q(customer_id=customer))
        if organization is not None:
            found = found.filter(organization_id=organization)
        return page_response(request, found, BY_ID, s.ServiceSerializer)

    @extend_schema(request=s.ServiceWriteSerializer, responses={201: s.ServiceSerializer})
    def post(self, request: Request) -> Response:
        data = s.ServiceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        service = accounts.service_create(
            actor=self.user,
            name=fields["name"],
            kind=fields.get("kind", ""),
            customer=_found(_customers(), fields.get("customer"), "customer"),
            organization=_found(
                Organization.objects.all(), fields.get("organization"), "organization"
            ),
        )
        return Response(s.ServiceSerializer(service).data, status=status.HTTP_201_CREATED)


class ServiceDetailView(StaffView):
    @extend_schema(responses=s.ServiceSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ServiceSerializer(_get(Service.objects.all(), pk)).data)

    @extend_schema(request=s.ServiceWriteSerializer, responses=s.ServiceSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        service = _get(Service.objects.all(), pk)
        data = s.ServiceWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if "customer" in fields or "organization" in fields:
            raise exceptions.ValidationError(
                {"customer": [_("A service keeps its owner; make a new one instead.")]}
            )
        service = accounts.service_update(actor=self.user, service=service, **fields)
        return Response(s.ServiceSerializer(service).data)

    @extend_schema(responses=s.ServiceSerializer)
    def delete(self, request: Request, pk: int) -> Response:
        """Deactivates the service (its tickets keep it)."""
        service = _get(Service.objects.all(), pk)
        service = accounts.service_update(actor=self.user, service=service, is_active=False)
        return Response(s.ServiceSerializer(service).data)
