"""Courses in the Wagtail admin: the lesson files snippet, the enrolment report and the shared files report."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses import report, sharing


@permission_required("wagtailadmin.access_admin")
def course_report(request):
    return render(request, "courses/admin/course_report.html", {"rows": report.figures()})


@permission_required("wagtailadmin.access_admin")
def shared_files_report(request):
    return render(request, "courses/admin/shared_files_report.html", {"shared": sharing.shared_files()})


@hooks.register("register_admin_urls")
def register_course_report_url():
    return [
        path("reports/courses/", course_report, name="courses_report"),
        path("reports/shared-lesson-files/", shared_files_report, name="courses_shared_files_report"),
    ]


@hooks.register("register_reports_menu_item")
def register_course_report_menu_item():
    return MenuItem("Course enrolments", reverse("courses_report"), icon_name="group", order=700)


@hooks.register("register_reports_menu_item")
def register_shared_files_report_menu_item():
    return MenuItem("Shared lesson files", reverse("courses_shared_files_report"), icon_name="doc-full", order=710)
