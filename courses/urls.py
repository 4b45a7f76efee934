"""URLs of the courses app (mounted by config/urls.py)."""

app_name = "courses"
urlpatterns = []
