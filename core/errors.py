"""The one base for errors the domain raises to the person asking, and the page that shows one.

A domain module (checkout, downloads, enrolment, progress, certificates…) raises a `DomainError` subclass that
carries its HTTP status, a stable code and a sentence safe to show. HTML views show it with
`shows_domain_errors`; the API answers it in its error shape (config.api.errors). Nobody reads the status
out of the message.
"""

import functools

from django.shortcuts import render

DEFAULT_TEMPLATE = "core/domain_error.html"


class DomainError(Exception):
    """Something the person asked for cannot be done; `message` says why, in words for them."""

    status: int = 400
    code: str = "bad_request"
    title: str = "We could not do that"
    message: str = "This request could not be completed."

    def __init__(self, message: str | None = None, *, status: int | None = None):
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def details(self) -> dict:
        """Machine-readable facts beyond status, code and message, for the API's error body."""
        return {}


def domain_error_page(request, error: DomainError, *, template: str = DEFAULT_TEMPLATE, **context):
    """The page a person sees for a domain error: its title and message, with its status, never cached.

    A view that offers a way on (a "Try again" button, say) passes its own template and context.
    """
    context = {"title": error.title, "message": error.message, **context}
    response = render(request, template, context, status=error.status)
    response["Cache-Control"] = "private, no-store"
    return response


def shows_domain_errors(view=None, *, template: str = DEFAULT_TEMPLATE):
    """Decorate a view so a DomainError it lets through becomes `domain_error_page`, not a 500.

    Use bare (`@shows_domain_errors`) or with the room's message template (`@shows_domain_errors(template=…)`).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                return domain_error_page(request, error, template=template)

        return wrapped

    return decorate(view) if view is not None else decorate
