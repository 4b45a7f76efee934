"""URLs of the shop app (mounted by config/urls.py)."""

app_name = "shop"
urlpatterns = []
