"""Where a buyer or student came from: the one page a promotion link names (`?from=<page id>`) and the UTM values
they arrived with. The shop's orders and the courses' enrolments store it (AttributedModel); buy and enrol views
read it from the request with `from_request`. One page and five strings per order: never a reading history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import models

FROM_PARAMETER = "from"
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
UTM_MAX_LENGTH = 100
# core.pagecache strips utm_* before any view runs (the cache key ignores them); it leaves them here.
TRACKING_ATTRIBUTE = "tracking_parameters"


@dataclass(frozen=True)
class Source:
    page_id: int | None = None
    utm: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.page_id is not None or bool(self.utm)

    def fields(self) -> dict:
        """The model fields of AttributedModel, for `create(**source.fields())`."""
        return {"source_page_id": self.page_id, **{name: self.utm.get(name, "") for name in UTM_FIELDS}}

    def parameters(self) -> list[tuple[str, str]]:
        """As query or form parameters, in a fixed order (hidden inputs, links)."""
        pairs = [(FROM_PARAMETER, str(self.page_id))] if self.page_id is not None else []
        return pairs + [(name, self.utm[name]) for name in UTM_FIELDS if self.utm.get(name)]

    def query(self) -> str:
        return urlencode(self.parameters())

    def payload(self) -> dict:
        """A compact dict for signed tokens (the free course's confirmation link)."""
        return dict(self.parameters())


NO_SOURCE = Source()


def _page_id(value) -> int | None:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number < 2**31 else None


def _clean(value) -> str:
    text = "".join(char for char in str(value or "") if char.isprintable()).strip()
    return text[:UTM_MAX_LENGTH]


def from_parameters(parameters: Mapping) -> Source:
    """A Source from query or form parameters (or a token's payload); anything malformed is dropped."""
    utm = {name: cleaned for name in UTM_FIELDS if (cleaned := _clean(parameters.get(name)))}
    return Source(page_id=_page_id(parameters.get(FROM_PARAMETER)), utm=utm)


def from_request(request) -> Source:
    """The source a buy or enrol request carries: its form fields on POST, else its query string (including the
    utm_* values the page cache took out of it)."""
    if request.method == "POST":
        return from_parameters(request.POST)
    parameters = {**getattr(request, TRACKING_ATTRIBUTE, {}), **request.GET.dict()}
    return from_parameters(parameters)


def existing(source: Source) -> Source:
    """The same source without a page id that names no page (one query; before storing it)."""
    from wagtail.models import Page

    if source.page_id is None or Page.objects.filter(pk=source.page_id).exists():
        return source
    return Source(page_id=None, utm=source.utm)


class AttributedModel(models.Model):
    """The page a promotion link named and the UTM values the visitor arrived with; set once, never a history."""

    source_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page whose promotion link led here (the article), if any.",
    )
    utm_source = models.CharField(max_length=UTM_MAX_LENGTH, blank=True)
    utm_medium = models.CharField(max_length=UTM_MAX_LENGTH, blank=True)
    utm_campaign = models.CharField(max_length=UTM_MAX_LENGTH, blank=True)
    utm_term = models.CharField(max_length=UTM_MAX_LENGTH, blank=True)
    utm_content = models.CharField(max_length=UTM_MAX_LENGTH, blank=True)

    class Meta:
        abstract = True
