"""E-mail backend for embedded mode: stores each message as a LocalMail row instead of sending it."""

from django.core.mail.backends.base import BaseEmailBackend


class LocalMailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from config.models import LocalMail

        stored = 0
        for message in email_messages:
            html = next(
                (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                "",
            )
            LocalMail.objects.create(
                from_email=message.from_email,
                to="\n".join(message.recipients()),
                subject=message.subject,
                text_body=message.body,
                html_body=html,
            )
            stored += 1
        return stored
