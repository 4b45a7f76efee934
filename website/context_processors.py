"""Template context for every page: the site settings, loaded lazily once per request."""

from django.utils.functional import SimpleLazyObject

from website import seo


def website(request):
    return {"site_settings": SimpleLazyObject(lambda: seo.site_settings(request))}
