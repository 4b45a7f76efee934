"""URL map: plumbing, Wagtail admin and documents, the apps, then Wagtail's page serving."""

from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import views
from config.api.root import api, v2_urls
from newsletter import tracking

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    re_path(r"^media/(?P<path>.*)$", views.media),
    path("accounts/", include("allauth.urls")),
    path("api/v2/", v2_urls()),
    path("api/", api.urls),
    path("_allauth/", include("allauth.headless.urls")),
    path("shop/", include("shop.urls")),
    path("audience/", include("audience.urls")),
    path("learn/", include("courses.urls")),
    path("account/", include("courses.account_urls")),
    path("newsletter/", include("newsletter.urls")),
    path("anymail/", include(tracking.anymail_urls())),
    path("", include("website.urls")),
    path("", include(wagtail_urls)),
]
