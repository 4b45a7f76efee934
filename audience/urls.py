"""The audience's public URLs (mounted at /audience/ by config/urls.py)."""

from django.urls import path

from audience import views

app_name = "audience"
urlpatterns = [path("view/", views.page_view, name="page_view")]
