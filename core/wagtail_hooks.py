"""Wagtail hooks of the bottom room: pages that passed their view restrictions are marked for the page cache."""

from wagtail import hooks

from core import pagecache


@hooks.register("before_serve_page", order=100)
def mark_page_public(page, request, serve_args, serve_kwargs):
    """Wagtail's own restriction check runs first (order 0) and answers instead when a page is private, so a
    request that reaches this hook without credentials gets what every anonymous reader gets. The page may still
    answer `private` itself (lessons, course pages), which the page cache honours."""
    pagecache.mark_public(request)
