"""The content API: the Wagtail API v2 at /api/v2/ (pages, authors, images, documents, draft preview) and the
/api/preview-tokens endpoint. config.api.root mounts `v2_router` and adds `router` to the Ninja API.
"""

import logging
from urllib.parse import urlencode

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404
from django.urls import path
from django.utils.cache import patch_vary_headers
from ninja import Field, Router, Schema
from rest_framework import exceptions as drf_exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.fields import Field as DrfField
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.utils import get_full_url
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageParentField
from wagtail.api.v2.serializers import PageSerializer as WagtailPageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.serializers import ImageSerializer
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page

from config.api import security
from config.api.errors import ApiError, responses
from config.api.types import WholeNumber
from core import fragments, privacy, renditions
from core.models import AuthorProfile
from courses.api_fields import PRIVATE_FLAG, GatedField

logger = logging.getLogger(__name__)

PREVIEW_SALT = "website.api.preview"
MAX_ID = 2_147_483_647
INTEGER_PARAMETERS = ("limit", "offset", "child_of", "ancestor_of", "descendant_of", "translation_of", "id")
# Every header that can carry a caller's credentials; every v2 answer varies on all of them.
CREDENTIAL_HEADERS = ("Cookie", "Authorization", "X-Session-Token")
# The standard challenge for a 401: send the session token as a Bearer token (X-Session-Token works too).
AUTHENTICATE_CHALLENGE = 'Bearer realm="api"'


def preview_token(*, page, revision, user) -> str:
    """A signed, expiring token that shows one revision of one page to a headless frontend."""
    return signing.dumps({"p": page.pk, "r": revision.pk, "u": user.pk}, salt=PREVIEW_SALT)


def read_preview_token(token: str) -> dict:
    return signing.loads(token, salt=PREVIEW_SALT, max_age=settings.API_PREVIEW_MAX_AGE)


def _error(status: int, code: str, message: str):
    response = Response({"error": {"code": code, "message": message, "fields": []}}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def depends_on_caller(request) -> bool:
    """Whether a v2 answer may differ from what an anonymous caller gets for the same URL.

    Gated fields say so themselves; beyond them, any caller who presents credentials (a session cookie,
    an Authorization header, an app token) may pass view restrictions on pages and collections.
    """
    if getattr(request, PRIVATE_FLAG, False):
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    if "Authorization" in request.headers or "X-Session-Token" in request.headers:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def cache_headers(request, response) -> None:
    """private for answers that depend on the caller, public only for anonymous-identical ones."""
    if response.has_header("Cache-Control"):
        return
    if depends_on_caller(request):
        response["Cache-Control"] = "private, no-cache"
    elif response.status_code == 200:
        response["Cache-Control"] = f"public, max-age={settings.API_PUBLIC_MAX_AGE}"
    else:
        response["Cache-Control"] = "no-store"
    patch_vary_headers(response, CREDENTIAL_HEADERS)


class StrictTokenAuthentication(XSessionTokenAuthentication):
    """The session token as X-Session-Token or `Authorization: Bearer`; one that does not resolve is refused (401),
    not quietly treated as anonymous. Other Authorization schemes (HTTP Basic in front of a staging site) are
    ignored."""

    def get_session_token(self, request) -> str | None:
        return security.presented_token(request.headers)

    def authenticate(self, request):
        token = self.get_session_token(request)
        if token is None:
            return None
        found = super().authenticate(request) if token and len(token) <= security.MAX_TOKEN_LENGTH else None
        if found is None or not found[0].is_active:
            raise drf_exceptions.AuthenticationFailed("The session token is not valid or has expired.")
        return found

    def authenticate_header(self, request):
        return AUTHENTICATE_CHALLENGE


class Guarded:
    """What every v2 endpoint adds: JSON only, the API's error shape, checked numbers, cache headers."""

    renderer_classes = [JSONRenderer]
    authentication_classes = [StrictTokenAuthentication, SessionAuthentication]
    permission_classes = []

    def check_query_parameters(self, queryset):
        for name in INTEGER_PARAMETERS:
            value = self.request.GET.get(name)
            if value is None or (name in {"child_of", "descendant_of"} and value == "root"):
                continue
            if not value.isdigit() or int(value) > MAX_ID:
                raise BadRequestError(f"{name} must be a whole number from 0 to {MAX_ID}")
        for value in self.request.GET.values():
            if "\x00" in value:
                raise BadRequestError("null characters are not allowed")
        super().check_query_parameters(queryset)

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is not None and int(pk) > MAX_ID:
            raise Http404("not found")
        return super().get_object()

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        fields = super().get_available_fields(model, db_fields_only=db_fields_only)
        if not db_fields_only:
            return fields
        # Gated fields may be shown but never filtered or ordered on: that would reveal a paid body.
        gated = {f.name for f in cls.get_body_fields(model) if isinstance(f.serializer, GatedField)}
        return [name for name in fields if name not in gated]

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return _error(404, "not_found", "Not found.")
        if isinstance(exc, BadRequestError):
            return _error(400, "bad_request", str(exc))
        if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
            response = _error(401, "not_authenticated", str(exc.detail))
            response["WWW-Authenticate"] = AUTHENTICATE_CHALLENGE
            return response
        if isinstance(exc, drf_exceptions.APIException):
            return _error(exc.status_code, exc.default_code, str(exc.detail))
        if isinstance(exc, ValueError | OverflowError):
            return _error(400, "bad_request", "A parameter is out of range.")
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        cache_headers(request, response)
        return response


VISIBLE_PARENT = "_visible_parent"


class VisibleParentField(PageParentField):
    """The page's parent when the caller may see it, as Wagtail's field answers; taken from the detail view when it
    already found it (PagesEndpoint.get_object)."""

    def get_attribute(self, instance):
        if VISIBLE_PARENT in instance.__dict__:
            return instance.__dict__[VISIBLE_PARENT]
        return super().get_attribute(instance)


class PageSerializer(WagtailPageSerializer):
    parent = VisibleParentField(read_only=True)


class PagesEndpoint(Guarded, PagesAPIViewSet):
    base_serializer_class = PageSerializer

    def get_base_queryset(self):
        # Wagtail leaves out restricted sections but not aliases of their pages: list, detail and find
        # all start from this queryset. Built once per request (Wagtail asks for it again for the serializer's
        # context, and building it reads the restrictions and the site).
        if getattr(self, "_base_queryset", None) is None:
            # The site and Wagtail's site root paths (every URL in the answer) with the site's frame, in one cache
            # read, on the request Wagtail's lookups reach through DRF's wrapper (core.fragments).
            fragments.load(self.request._request)
            self._base_queryset = privacy.visible(super().get_base_queryset(), request=self.request)
        return self._base_queryset.all()

    def get_object(self):
        page = super().get_object()
        if VISIBLE_PARENT in page.__dict__:  # prepared by an earlier call for this request
            return page
        # Every picture of the answer (hero sizes, share card, JSON-LD, author photo) with one query.
        renditions.prefetch(renditions.images_in([page], shown=page))
        # Wagtail's serializer asks the page and its parent for URLs without the request: hand both the site root
        # paths read with the frame (else each reads Wagtail's cache entry, a query on the database cache). The
        # parent is fetched now, as the serializer's "parent" field would, and kept on the page (get_parent).
        root_paths = fragments.load(self.request._request)["site_root_paths"]
        page._wagtail_cached_site_root_paths = root_paths
        # The "parent" field shows the parent only when the caller may see it: found among those pages at once
        # (Wagtail's field fetches the parent, then asks whether it is among them).
        parent = None
        if page.depth > 1:
            parent = self.get_base_queryset().filter(path=page.path[: -page.steplen]).first()
        page.__dict__[VISIBLE_PARENT] = parent
        if parent is not None:
            parent._wagtail_cached_site_root_paths = root_paths
        return page

    @classmethod
    def get_urlpatterns(cls):

        return [
            *super().get_urlpatterns(),
            path("preview/", cls.as_view({"get": "preview_view"}), name="preview"),
        ]

    def preview_view(self, request):
        """The latest revision of a page, for an editor's signed preview link (no cookie needed)."""
        token = request.GET.get("token", "")
        try:
            data = read_preview_token(token[:500])
            page = Page.objects.get(pk=int(data["p"])).specific
            revision = page.revisions.get(pk=int(data["r"]))
            editor = get_user_model().objects.get(pk=int(data["u"]), is_active=True)
        except signing.SignatureExpired:
            return _error(410, "gone", "This preview link has expired; open the preview again in the admin.")
        except (signing.BadSignature, KeyError, TypeError, ValueError, Page.DoesNotExist) as error:
            logger.info("Refused a preview token", extra={"error": type(error).__name__})
            return _error(404, "not_found", "Not found.")
        except get_user_model().DoesNotExist:
            return _error(404, "not_found", "Not found.")
        if not page.permissions_for_user(editor).can_edit():
            return _error(404, "not_found", "Not found.")
        draft = revision.as_object()
        self.action = "detail_view"
        serializer_class = self._get_serializer_class(request.wagtailapi_router, type(draft), [], show_details=True)
        context = {**self.get_serializer_context(), "preview_user": editor}
        response = Response(serializer_class(draft, context=context).data)
        response["Cache-Control"] = "private, no-store"
        return response


class AuthorsEndpoint(Guarded, BaseAPIViewSet):
    name = "authors"
    model = AuthorProfile
    body_fields = [
        *BaseAPIViewSet.body_fields,
        "name",
        "slug",
        "credentials",
        "role",
        "biography",
        "links",
        "photo",
    ]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "name", "slug", "credentials", "role"]
    nested_default_fields = [*BaseAPIViewSet.nested_default_fields, "name", "slug", "credentials", "role"]

    @classmethod
    def get_body_fields(cls, model):
        fields = super().get_body_fields(model)

        return [
            *fields,
            APIField("photo_thumbnail", serializer=ImageRenditionField("fill-480x480|format-webp", source="photo")),
        ]

    def get_queryset(self):
        return AuthorProfile.objects.select_related("photo").order_by("name", "pk")


RENDITIONS = [
    ("thumbnail", "fill-400x300|format-webp"),
    ("medium", "max-1200x1200|format-webp"),
    ("large", "max-2000x2000|format-webp"),
]


class AbsoluteDownloadUrl(DrfField):
    """The original image's address, absolute like every other URL in the API (Wagtail's own is a path)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, image):
        return get_full_url(self.context["request"], image.file.url)


class AbsoluteImageSerializer(ImageSerializer):
    download_url = AbsoluteDownloadUrl()


class ImagesEndpoint(Guarded, ImagesAPIViewSet):
    base_serializer_class = AbsoluteImageSerializer

    @classmethod
    def get_body_fields(cls, model):

        extra = [APIField(name, serializer=ImageRenditionField(spec, source="*")) for name, spec in RENDITIONS]
        return [*super().get_body_fields(model), *extra]


class DocumentsEndpoint(Guarded, DocumentsAPIViewSet):
    """Public documents only: restricted collections stay out (paid files are not Wagtail documents)."""


v2_router = WagtailAPIRouter("wagtailapi")
v2_router.register_endpoint("pages", PagesEndpoint)
v2_router.register_endpoint("authors", AuthorsEndpoint)
v2_router.register_endpoint("images", ImagesEndpoint)
v2_router.register_endpoint("documents", DocumentsEndpoint)


# /api/preview-tokens: editors get a signed link that shows a draft in the headless frontend.
router = Router(tags=["preview"])


class PreviewIn(Schema):
    model_config = {"extra": "forbid"}

    page_id: WholeNumber = Field(..., ge=1, le=MAX_ID)


class PreviewOut(Schema):
    token: str
    api_url: str = Field(description="GET it for the draft as v2 JSON (valid for API_PREVIEW_MAX_AGE seconds).")
    frontend_url: str | None = Field(description="HEADLESS_PREVIEW_URL with the token, when configured.")


@router.post(
    "/preview-tokens",
    response={201: PreviewOut, **responses(400, 401, 403, 404)},
    auth=security.SIGNED_IN,
    summary="Editors only: a signed token that shows a page's latest draft through /api/v2/pages/preview/",
)
def create_preview_token(request, payload: PreviewIn):

    page = Page.objects.filter(pk=payload.page_id).first()
    if page is None or not page.permissions_for_user(request.auth).can_edit():
        raise ApiError(404, "No such page you may edit.")
    page = page.specific
    revision = page.latest_revision or page.save_revision(user=request.auth)
    token = preview_token(page=page, revision=revision, user=request.auth)
    query = urlencode({"token": token})
    frontend = settings.HEADLESS_PREVIEW_URL
    return 201, {
        "token": token,
        "api_url": request.build_absolute_uri(f"/api/v2/pages/preview/?{query}"),
        "frontend_url": f"{frontend}{'&' if '?' in frontend else '?'}{query}" if frontend else None,
    }
