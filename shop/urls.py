"""URLs of the shop app (mounted by config/urls.py)."""

from django.urls import path

from shop import views

app_name = "shop"
urlpatterns = [
    path("download/<str:token>/", views.download, name="download"),
]
