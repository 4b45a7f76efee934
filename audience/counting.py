"""Counting page views without knowing the reader: the beacon view calls `record`, the scheduler `rollup`.

Nothing about the reader is kept or read: no cookie, no session, no address, no user agent. Under Do-Not-Track
or Global Privacy Control (`refused`) nothing is written at all.
"""

import logging
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from wagtail.models import Page

from audience.models import PageView, PageViewDay

logger = logging.getLogger(__name__)


def refused(meta) -> bool:
    """The reader's browser asked not to be tracked (DNT: 1) or sent Global Privacy Control (Sec-GPC: 1)."""
    return meta.get("HTTP_DNT", "").strip() == "1" or meta.get("HTTP_SEC_GPC", "").strip() == "1"


def page_id_from(value) -> int | None:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number < 2**31 else None


def record(*, page_id: int, day: date | None = None) -> None:
    """One view of a page: a single INSERT (the only write of the request)."""
    PageView.objects.create(page_id=page_id, day=day or timezone.localdate())


def rollup() -> int:
    """Fold every recorded view into the per-day totals and delete them; returns how many were folded.

    One transaction: a crash folds all or nothing, and running it twice counts nothing twice. Views of ids that
    name no page (made up by a script, or a page deleted since) are dropped.
    """
    with transaction.atomic():
        last = PageView.objects.aggregate(last=Max("pk"))["last"]
        if last is None:
            return 0
        pending = PageView.objects.filter(pk__lte=last)
        groups = list(pending.values("page_id", "day").annotate(views=Count("pk")).order_by())
        known = set(Page.objects.filter(pk__in={group["page_id"] for group in groups}).values_list("pk", flat=True))
        folded = 0
        for group in groups:
            if group["page_id"] not in known:
                continue
            updated = PageViewDay.objects.filter(page_id=group["page_id"], day=group["day"]).update(
                views=F("views") + group["views"]
            )
            if not updated:
                PageViewDay.objects.create(page_id=group["page_id"], day=group["day"], views=group["views"])
            folded += group["views"]
        pending.delete()
    logger.info("Page views rolled up", extra={"views": folded, "groups": len(groups)})
    return folded
