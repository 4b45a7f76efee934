"""URLs of the courses app (mounted by config/urls.py at /learn/)."""

from django.urls import path, register_converter

from courses import views


class RowIdConverter:
    """A database id: at most 18 digits, so an id no column can hold is a 404, never an overflow (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowIdConverter, "courses_pk")

app_name = "courses"
urlpatterns = [
    path("", views.student_dashboard, name="dashboard"),
    path("lessons/<courses_pk:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("lessons/<courses_pk:lesson_id>/undo/", views.undo_lesson, name="undo"),
    path("lessons/<courses_pk:lesson_id>/files/<courses_pk:file_id>/", views.lesson_file, name="lesson_file"),
    path(
        "lessons/<courses_pk:lesson_id>/files/<courses_pk:file_id>/<str:filename>",
        views.lesson_file,
        name="lesson_file_named",
    ),
    path("courses/<courses_pk:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<courses_pk:course_id>/certificate/", views.certificate_page, name="certificate_page"),
    path("courses/<courses_pk:course_id>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("certificates/name/", views.certificate_name, name="certificate_name"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify_certificate"),
]
