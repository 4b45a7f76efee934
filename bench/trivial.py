"""The yardstick of `make bench`: a bare Django project that answers "ok", with no middleware and no database.

Served by the same gunicorn configuration as the site (config/gunicorn.conf.py), in its own process, so that
the site's ratio to it measures what the site adds and nothing else.
"""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(40),
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]

application = get_wsgi_application()
