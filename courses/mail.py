"""Course e-mails leave through the shop's durable outbox: one key, one e-mail, whatever the retries."""

import logging

from core import outbox

logger = logging.getLogger(__name__)


def send(
    *, key: str, to: str, subject: str, template: str, context: dict, headers: dict[str, str] | None = None
) -> bool:
    """Queue one e-mail under a unique key; False when that key was queued before."""
    return outbox.enqueue_email(key=key, to=to, subject=subject, template=template, context=context, headers=headers)
