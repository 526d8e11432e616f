"""What callers need to fill in tickets: departments, categories, canned responses, and who
the caller is."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers as s
from api.authentication import request_token
from api.permissions import AgentsOnly, TokenScope
from api.views.common import ApiView, page_response
from tickets import selectors
from tickets.canned.access import responses_for
from tickets.keyset import SortKey

BY_ID = (SortKey("id"),)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()
    token = serializers.CharField(allow_null=True)
    read_only = serializers.BooleanField()
    departments = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class MeView(ApiView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        token = request_token(request)
        user = self.user
        limit = user.api_departments
        return Response(
            {
                "id": user.pk,
                "email": user.email,
                "name": user.name,
                "role": user.role,
                "token": token.name if token else None,
                "read_only": bool(token and token.read_only),
                "departments": sorted(limit) if limit is not None else None,
            }
        )


class DepartmentListView(ApiView):
    permission_classes = [TokenScope, AgentsOnly]

    @extend_schema(responses=s.page_of(s.DepartmentSerializer))
    def get(self, request: Request) -> Response:
        """Every active department (an agent may move a ticket to any of them)."""
        return page_response(request, selectors.active_departments(), BY_ID, s.DepartmentSerializer)


class CategoryListView(ApiView):
    @extend_schema(responses=s.page_of(s.CategorySerializer))
    def get(self, request: Request) -> Response:
        """The categories the portal offers (P2)."""
        return page_response(request, selectors.portal_categories(), BY_ID, s.CategorySerializer)


class CannedResponseListView(ApiView):
    permission_classes = [TokenScope, AgentsOnly]

    @extend_schema(responses=s.page_of(s.CannedResponseSerializer))
    def get(self, request: Request) -> Response:
        return page_response(request, responses_for(self.user), BY_ID, s.CannedResponseSerializer)
