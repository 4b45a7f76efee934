"""Editorial pages and the author profile."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from website.blocks import ArticleBodyBlock


@register_snippet
class AuthorProfile(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=60, blank=True, help_text="Post-nominal letters, e.g. CNMT.")
    role = models.CharField(max_length=160, blank=True, help_text="One line under the name.")
    photo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    biography = RichTextField(blank=True, features=["bold", "italic", "link"])

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("biography"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class HomePage(Page):
    introduction = models.TextField(blank=True, help_text="A short welcome under the site name.")

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = (
            ArticlePage.objects.live().public().select_related("author__photo").order_by("-first_published_at")[:6]
        )
        return context


class ArticleIndexPage(Page):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ArticlePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = (
            ArticlePage.objects.child_of(self).live().public().select_related("author").order_by("-first_published_at")
        )
        return context


class ArticlePage(Page):
    standfirst = models.TextField(help_text="One or two sentences under the headline; also the meta description.")
    author = models.ForeignKey(AuthorProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    body = StreamField(ArticleBodyBlock())

    content_panels = [*Page.content_panels, FieldPanel("standfirst"), FieldPanel("author"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("standfirst", boost=2), index.SearchField("body")]
    parent_page_types = ["website.ArticleIndexPage"]
    subpage_types = []
