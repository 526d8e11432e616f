"""Reports for managers and administrators (issue 10, W3, W4): tables, CSV, SVG charts."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from helpdesk.http import AuthenticatedHttpRequest
from tickets.sla import charts, reports
from tickets.sla.models import Target
from tickets.sla.report_forms import ReportForm, agents_of
from tickets.sla.scope import managed_departments
from tickets.sla.views import manager_required

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _agents(scope: reports.Scope) -> list:
    return [scope.agent] if scope.agent else list(agents_of(scope.departments))


def _report(scope: reports.Scope) -> dict:
    days = reports.department_days(scope)
    hours = reports.busiest_hours(scope)
    return {
        "agents": reports.agent_rows(scope, _agents(scope)),
        "days": days,
        "compliance": reports.sla_compliance(scope),
        "hours": hours,
        "organizations": reports.organization_rows(scope),
        "flow_chart": charts.bar_chart(
            _("Tickets in and out per day"),
            [formats.date_format(day.day, "MONTH_DAY_FORMAT") for day in days],
            [[day.opened for day in days], [day.solved for day in days]],
            every=max(len(days) // 10, 1),
        ),
        "backlog_chart": charts.bar_chart(
            _("Backlog at the end of the day"),
            [formats.date_format(day.day, "MONTH_DAY_FORMAT") for day in days],
            [[day.backlog for day in days]],
            every=max(len(days) // 10, 1),
        ),
        "hours_chart": charts.bar_chart(
            _("Tickets opened per hour of the day"), [f"{h:02d}" for h in range(24)], [hours], 2
        ),
    }


@manager_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(request.GET, departments=managed_departments(request.user))
    scope = form.scope()
    data = _report(scope) if scope else {}
    export = request.GET.get("export", "")
    if scope and export in EXPORTS:
        return _csv(export, data, scope)
    return render(request, "sla/reports.html", {"nav": "reports", "form": form, **data})


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


EXPORTS = {
    "agents": lambda d: [
        [
            _("Agent"),
            _("Tickets answered"),
            _("Tickets solved"),
            _("Messages sent"),
            _("Median first response (hours)"),
            _("Average first response (hours)"),
            _("Median resolution (hours)"),
            _("Ratings"),
            _("Good (%)"),
            _("Last comments"),
            _("Time spent (minutes)"),
        ],
        *[
            [
                r.agent.display_name,
                r.answered,
                r.solved,
                r.messages,
                _hours(r.first_response_median),
                _hours(r.first_response_avg),
                _hours(r.resolution_median),
                r.ratings,
                r.good_percent,
                " | ".join(r.comments),
                r.time_spent,
            ]
            for r in d["agents"]
        ],
    ],
    "days": lambda d: [
        [_("Day"), _("Opened"), _("Solved"), _("Backlog")],
        *[[r.day.isoformat(), r.opened, r.solved, r.backlog] for r in d["days"]],
    ],
    "compliance": lambda d: [
        [_("Target"), _("Tickets with the target"), _("Met"), _("Met (%)")],
        *[[Target(r.target).label, r.measured, r.met, r.percent] for r in d["compliance"]],
    ],
    "hours": lambda d: [
        [_("Hour"), _("Tickets opened")],
        *[[f"{h:02d}:00", n] for h, n in enumerate(d["hours"])],
    ],
    "organizations": lambda d: [
        [_("Organization"), _("Tickets"), _("Ratings"), _("Good (%)")],
        *[[r.organization.name, r.tickets, r.ratings, r.good_percent] for r in d["organizations"]],
    ],
}


def _csv(name: str, data: dict, scope: reports.Scope) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Cyrillic right."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in EXPORTS[name](data):
        writer.writerow([_cell(value) for value in row])
    return response
