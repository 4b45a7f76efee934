"""Admin for the local mailbox: staff read the e-mails the site would have sent."""

from wagtail import hooks
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


register_permission_policy(LocalMail, ReadOnlyMailPolicy(LocalMail))


class LocalMailViewSet(ModelViewSet):
    model = LocalMail
    icon = "mail"
    menu_label = "Local mailbox"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["subject", "to", "sent_at"]
    search_fields = ["subject", "to", "text_body"]
    inspect_view_enabled = True
    inspect_view_fields = ["sent_at", "from_email", "to", "subject", "text_body"]
    form_fields = ["from_email", "to", "subject", "text_body", "html_body"]


@hooks.register("register_admin_viewset")
def register_local_mailbox():
    return LocalMailViewSet("local_mailbox")
