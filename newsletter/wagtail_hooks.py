"""The newsletter in the Wagtail admin: issues (with the e-mail preview), subscribers, sends and their figures."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from newsletter import admin_views
from newsletter.models import NewsletterIssue, Send, Subscriber


class WithoutActions(ModelPermissionPolicy):
    """A model permission policy that refuses some actions to everyone, superusers included."""

    def __init__(self, model, *, refused: set[str]):
        super().__init__(model)
        self.refused = refused

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)


# Nobody ticks consent for someone else: subscribers come only from the person's own yes.
register_permission_policy(Subscriber, WithoutActions(Subscriber, refused={"add"}))
# A send starts only from an issue's "Send…" form (newsletter.sending.start), and its record stays as it was.
register_permission_policy(Send, WithoutActions(Send, refused={"add", "change", "delete"}))


class IssueViewSet(SnippetViewSet):
    model = NewsletterIssue
    icon = "mail"
    menu_label = "Issues"
    list_display = ["title", "subject", "updated_at"]
    panels = [FieldPanel("title"), FieldPanel("subject"), FieldPanel("preheader"), FieldPanel("body")]


class SubscriberViewSet(SnippetViewSet):
    """One page per person: consent and where it came from, withdrawal, and any bounce or complaint."""

    model = Subscriber
    # Nobody ticks consent for someone else: subscribers come only from the person's own yes.
    icon = "user"
    menu_label = "Subscribers"
    list_display = ["email", "status", "consent_source", "consent_at", "suppressed_at"]
    search_fields = ["email"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "email",
        "user",
        "status",
        "consent_at",
        "consent_source",
        "consent_text",
        "unsubscribed_at",
        "suppressed_at",
        "suppressed_reason",
        "suppressed_detail",
        "created_at",
    ]
    # Consent is the person's to give: the admin sees it and can only withdraw it (never tick it for them).
    panels = [
        FieldPanel("email", read_only=True),
        FieldPanel("consent_at", read_only=True),
        FieldPanel("consent_source", read_only=True),
        FieldPanel("unsubscribed_at"),
        FieldPanel("suppressed_at", read_only=True),
        FieldPanel("suppressed_reason", read_only=True),
        FieldPanel("suppressed_detail", read_only=True),
    ]


class SendViewSet(SnippetViewSet):
    model = Send
    # A send starts only from an issue's "Send…" form (newsletter.sending.start), and its record stays as it was.
    icon = "mail"
    menu_label = "Sends"
    url_namespace = "newsletter_send"
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = ["subject", "segment_label", "started_at", "finished_at", "figures_text"]
    inspect_view_fields = [
        "subject",
        "segment_label",
        "started_at",
        "finished_at",
        "started_by",
        "figures_text",
    ]


class NewsletterGroup(SnippetViewSetGroup):
    items = (IssueViewSet, SendViewSet, SubscriberViewSet)
    menu_label = "Newsletter"
    menu_icon = "mail"


register_snippet(NewsletterGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("newsletter/send/<int:pk>/", admin_views.send_issue, name="newsletter_send_issue")]


@hooks.register("register_snippet_listing_buttons")
def send_button(snippet, user, next_url=None):
    if isinstance(snippet, NewsletterIssue) and user.has_perm("newsletter.add_send"):
        yield Button("Send…", reverse("newsletter_send_issue", args=[snippet.pk]), icon_name="mail", priority=5)
