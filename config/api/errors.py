"""The API's one error shape, the exception that carries it, and the handlers that turn every failure into it."""

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldError] = []
    reason: str | None = None  # locked lessons: the access rule's reason


class Error(Schema):
    """Every 4xx and 5xx answer of /api/ and /api/v2/: {"error": {"code", "message", "fields"}}."""

    error: ErrorBody


class ApiError(Exception):
    """Raised by endpoints to answer in the error shape: status, a stable code and a sentence for people."""

    def __init__(self, status: int, message: str, *, code: str | None = None, headers: dict | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def body(*, code: str, message: str, fields: list[dict] | None = None, **extra) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or [], **extra}}


def respond(status: int, message: str, *, code: str | None = None, fields=None, headers=None, **extra) -> JsonResponse:
    response = JsonResponse(
        body(code=code or CODES.get(status, "error"), message=message, fields=fields, **extra), status=status
    )
    response["Cache-Control"] = "private, no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# django-allauth's headless API (/_allauth/) has its own documented error shape, {"status", "errors": [{"code",
# "message"}]}; answers we give on its paths (rate limits, CSRF) use that shape so its clients read them alike.
ALLAUTH_PREFIX = "/_allauth/"


def allauth_respond(status: int, message: str, *, code: str, headers=None) -> JsonResponse:
    response = JsonResponse({"status": status, "errors": [{"code": code, "message": message}]}, status=status)
    response["Cache-Control"] = "private, no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: JSON for the APIs (allauth's shape on /_allauth/, ours on /api/), Django's page elsewhere."""
    message = "The CSRF token is missing or wrong: send the csrftoken cookie's value as X-CSRFToken."
    logger.info("CSRF check failed", extra={"path": request.path_info, "reason": reason})
    if request.path_info.startswith(ALLAUTH_PREFIX):
        return allauth_respond(403, message, code="csrf_failed")
    if request.path_info.startswith("/api/"):
        return respond(403, message, code="csrf_failed")
    return django_csrf_failure(request, reason=reason)


def _location(loc) -> str:
    # Ninja prefixes the part of the request ("body", "query", "path"); the rest names the field.
    parts = [str(part) for part in loc]
    return ".".join(parts) if parts else "request"


def responses(*statuses: int) -> dict[int, type]:
    """The documented error answers of an operation, in the one shape."""
    return dict.fromkeys(statuses, Error)


def domain_error(request: HttpRequest, exc) -> JsonResponse:
    """A domain error (core.errors.DomainError) in the error shape: its own status, code, message and details."""
    return respond(exc.status, exc.message, code=exc.code, **exc.details())


def install(api: NinjaAPI, *, domain_errors: type[Exception]) -> None:
    """Every failure in the one shape. `domain_errors` is the domain's error base: config.api.root passes it in,
    since this module imports no room."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError):
        return respond(exc.status, exc.message, code=exc.code, headers=exc.headers, **exc.extra)

    api.add_exception_handler(domain_errors, domain_error)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError):
        fields = [{"field": _location(item.get("loc", ())), "message": str(item.get("msg", ""))} for item in exc.errors]
        return respond(400, "The request is not valid; see fields.", code="invalid", fields=fields)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled):
        return respond(429, "Too many requests. Wait a little and try again.")

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError):
        message = exc.message if exc.message != "Unauthorized" else "Sign in first (session cookie or X-Session-Token)."
        return respond(401, message)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        return respond(exc.status_code, str(exc.message))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        return respond(404, "Not found.")

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception):
        # The traceback goes to the log: the answer says nothing about it, so the log is all there is.
        logger.error("API request failed", extra={"path": request.path}, exc_info=exc)
        return respond(500, "Something went wrong on our side. Please try again.", code="server_error")
