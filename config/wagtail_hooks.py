"""Admin for the local mailbox: staff read the e-mails the site would have sent, both parts as sent."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from config.models import LocalMail


class ReadOnlyMailPolicy(ModelPermissionPolicy):
    """Kept mail is a record of what the site sent: staff may read and clear it, never write or edit it."""

    WRITES = frozenset({"add", "change"})

    def user_has_permission(self, user, action):
        return action not in self.WRITES and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action not in self.WRITES])


mail_policy = ReadOnlyMailPolicy(LocalMail)
register_permission_policy(LocalMail, mail_policy)

# The HTML part is shown as sent, but as a document of its own that can run nothing, load nothing of ours, post
# nothing and reach no cookie: the policy sandboxes it even when opened outside the admin's iframe.
HTML_PART_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; font-src data: https:; "
    "form-action 'none'; frame-ancestors 'self'; "
    "sandbox allow-popups allow-popups-to-escape-sandbox"
)
# Links in the preview open in a new tab (a sandboxed frame would otherwise load the site inside itself).
LINK_TARGET = '<base target="_blank">'


class LocalMailInspectView(InspectView):
    """One e-mail: its headers, the text part (line breaks kept, addresses clickable) and the HTML part framed."""

    template_name = "config/local_mailbox_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mail"] = self.object
        return context


def html_part(request, pk):
    """The HTML part of one kept e-mail, sandboxed by its own Content-Security-Policy (and the iframe's)."""
    if not mail_policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    mail = get_object_or_404(LocalMail, pk=pk)
    response = HttpResponse(LINK_TARGET + mail.html_body, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_PART_POLICY
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class LocalMailViewSet(ModelViewSet):
    model = LocalMail
    icon = "mail"
    menu_label = "Local mailbox"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["subject", "to", Column("sent_at", label="Sent", sort_key="sent_at")]
    search_fields = ["subject", "to", "text_body"]
    inspect_view_enabled = True
    inspect_view_class = LocalMailInspectView
    inspect_view_fields = ["sent_at", "from_email", "to", "subject"]
    form_fields = ["from_email", "to", "subject", "text_body", "html_body"]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("inspect/<int:pk>/html/", html_part, name="html_part")]


@hooks.register("register_admin_viewset")
def register_local_mailbox():
    return LocalMailViewSet("local_mailbox")
