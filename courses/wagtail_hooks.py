"""Courses in the Wagtail admin: the lesson files snippet and the enrolment and completion report."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses import report


@permission_required("wagtailadmin.access_admin")
def course_report(request):
    return render(request, "courses/admin/course_report.html", {"rows": report.figures()})


@hooks.register("register_admin_urls")
def register_course_report_url():
    return [path("reports/courses/", course_report, name="courses_report")]


@hooks.register("register_reports_menu_item")
def register_course_report_menu_item():
    return MenuItem("Course enrolments", reverse("courses_report"), icon_name="group", order=700)
