"""The reports' admin pages: each renders one report (charts beside their tables) or one of its tables as CSV.

Revenue, buyers' conversions and article figures are business records: only staff who may see orders
(`shop.view_order`) open them.
"""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from audience import reports

VIEW_PERMISSION = "shop.view_order"
# Spreadsheet programs run cells that start with these as formulas; a page title could.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def may_view(user) -> bool:
    return user.has_perm(VIEW_PERMISSION)


def _csv_cell(value) -> str:
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv(report: reports.Report, table: reports.Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-{table.name}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response


@require_GET
def report(request, slug: str):
    if not may_view(request.user):
        raise PermissionDenied
    build = reports.REPORTS.get(slug)
    if build is None:
        raise Http404
    filters = reports.filters_from(request.GET)
    built = build(filters)
    if request.GET.get("format") == "csv":
        table = built.table(request.GET.get("table", ""))
        if table is None:
            raise Http404
        return _csv(built, table)
    context = {
        "report": built,
        "filters": filters,
        "periods": list(reports.PERIODS),
        "reports": reports.TITLES,
    }
    return TemplateResponse(request, "audience/admin/report.html", context)
