"""URLs of the courses app (mounted by config/urls.py at /learn/)."""

from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("", views.student_dashboard, name="dashboard"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("lessons/<int:lesson_id>/undo/", views.undo_lesson, name="undo"),
    path("lessons/<int:lesson_id>/files/<int:file_id>/", views.lesson_file, name="lesson_file"),
    path("lessons/<int:lesson_id>/files/<int:file_id>/<str:filename>", views.lesson_file, name="lesson_file_named"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify_certificate"),
]
