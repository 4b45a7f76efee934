"""Wagtail hooks of the bottom room: pages that passed their view restrictions are marked for the page cache; the
publish webhook receivers editors add and the deliveries are under Settings."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core import fragments, pagecache, privacy
from core.models import WebhookDelivery, WebhookReceiver


@hooks.register("before_serve_page", order=-100)
def share_request_lookups(page, request, serve_args, serve_kwargs):
    """Wagtail's restriction check (an on_serve_page hook, after every before_serve_page hook) and the page's own
    listings find the private sections once for this request (core.privacy); the site's frame and Wagtail's site
    root paths come with one cache read (core.fragments) before anything asks for a page's URL."""
    privacy.serving(page, request)
    fragments.load(request)


@hooks.register("before_serve_page", order=100)
def mark_page_public(page, request, serve_args, serve_kwargs):
    """Wagtail's own restriction check wraps the page's serve (an `on_serve_page` hook, run after every
    `before_serve_page` hook) and answers instead when a page is private: with a login redirect or a password form
    marked never-cache, neither of which the page cache stores (it keeps 200s that allow shared caching only). So
    what is stored for a request without credentials is what every anonymous reader gets. The page may still
    answer `private` itself (lessons, course pages), which the page cache honours."""
    pagecache.mark_public(request)


class SeeOnlyPolicy(ModelPermissionPolicy):
    """Deliveries are written by the code alone: staff who may view them can list and inspect, never edit."""

    def user_has_permission(self, user, action):
        return action in {"view", "inspect"} and super().user_has_permission(user, "view")


class WebhookDeliveryViewSet(ModelViewSet):
    """Settings > Webhook deliveries: every publish notice, filterable to the ones that keep failing."""

    model = WebhookDelivery
    icon = "resubmit"
    menu_label = "Webhook deliveries"
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["event", "url", "state", "attempts", "next_attempt_at", "last_error", "created_at"]
    list_filter = ["event", "failed_at", "done_at"]
    form_fields = ["url"]


register_permission_policy(WebhookDelivery, SeeOnlyPolicy(WebhookDelivery))


class WebhookReceiverViewSet(ModelViewSet):
    """Settings > Webhook receivers: frontends to tell about content changes. The address is checked on save (public
    https only); the signing secret is made by the site and shown on the inspect page."""

    model = WebhookReceiver
    icon = "link-external"
    menu_label = "Webhook receivers"
    add_to_settings_menu = True
    inspect_view_enabled = True
    inspect_view_fields = ["url", "description", "active", "secret", "created_at"]
    copy_view_enabled = False
    list_display = ["url", "description", "active", "created_at"]
    list_filter = ["active"]
    form_fields = ["url", "description", "active"]


@hooks.register("register_admin_viewset")
def register_webhook_deliveries():
    return WebhookDeliveryViewSet("webhook_deliveries")


@hooks.register("register_admin_viewset")
def register_webhook_receivers():
    return WebhookReceiverViewSet("webhook_receivers")
