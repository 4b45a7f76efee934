"""Wagtail API v2 fields every room's pages share: JSON-LD and SEO meta. Imported by page models' api_fields."""

from rest_framework.fields import Field as DrfField


class StructuredDataField(DrfField):
    """The page's schema.org JSON-LD objects (the same the HTML page embeds), ready for a <script> tag."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        request = self.context.get("request")
        answer = getattr(page, "structured_data", None)
        return answer(request._request if hasattr(request, "_request") else request) if answer else []


class SeoField(DrfField):
    """Title, description and share picture for <head>, with the fallbacks the HTML page uses."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        image = getattr(page, "social_image", None)
        share = None
        if image is not None:
            from wagtail.images.models import SourceImageIOError  # a models module: imported once apps are ready

            try:
                rendition = image.get_rendition("fill-1200x630|format-jpeg")
            except SourceImageIOError:  # its file is missing from storage: no share picture rather than a 500
                rendition = None
            if rendition is not None:
                share = {"url": rendition.full_url, "width": rendition.width, "height": rendition.height}
        return {
            "title": page.seo_title or page.title,
            "description": page.search_description or getattr(page, "search_summary", "") or "",
            "share_image": share,
        }


class SortedNamesField(DrfField):
    """The names of a list the page already holds (`attribute`, e.g. an article's `topic_list`), sorted by name as
    Wagtail's TagsField sorts them, without a query of its own."""

    def __init__(self, attribute: str, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)
        self.attribute = attribute

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        return sorted(item.name for item in getattr(page, self.attribute))
