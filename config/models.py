"""The local mailbox: e-mail kept on this machine instead of sent (embedded mode)."""

from django.db import models


class LocalMail(models.Model):
    """One message the local mailbox backend received, readable by staff in the admin."""

    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField(max_length=320)
    to = models.TextField(help_text="Recipients, one per line.")
    subject = models.CharField(max_length=998)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "local e-mail"
        verbose_name_plural = "local mailbox"

    def __str__(self):
        return f"{self.subject} → {self.to.replace(chr(10), ', ')}"
