"""Admin for the local mailbox: staff read the e-mails the site would have sent."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from config.models import LocalMail


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
