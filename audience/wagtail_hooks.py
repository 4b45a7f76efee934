"""The audience in the Wagtail admin: one Reports menu item per report, and a dashboard panel of the last 30 days."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from audience import admin_views, reports


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_view(request.user)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/audience/<slug:slug>/", admin_views.report, name="audience_report")]


def _menu_item(slug: str, icon: str, order: int):
    def register():
        return ReportMenuItem(
            reports.TITLES[slug], reverse("audience_report", args=[slug]), icon_name=icon, order=order
        )

    register.__name__ = f"register_{slug}_report_menu_item"
    return register


for _order, (_slug, _icon) in enumerate(
    [("revenue", "tag"), ("refunds", "undo"), ("signups", "user"), ("articles", "doc-full"), ("funnel", "list-ol")]
):
    hooks.register("register_reports_menu_item", _menu_item(_slug, _icon, 600 + _order))


class SummaryPanel(Component):
    name = "audience_summary"
    order = 120
    template_name = "audience/admin/summary_panel.html"

    def get_context_data(self, parent_context):
        return {"summary": reports.summary(), "reports": reports.TITLES}


@hooks.register("construct_homepage_panels")
def add_summary_panel(request, panels):
    if admin_views.may_view(request.user):
        panels.append(SummaryPanel())
