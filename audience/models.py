"""Anonymous page view counts: one row per view until the daily roll-up folds them into per-page, per-day totals.

Neither table holds anything about the reader: no address, no cookie, no session, no time finer than the day.
"""

from django.db import models


class PageView(models.Model):
    """One anonymous view, appended by the beacon (one INSERT, no read, no lock on a shared row); `rollup` folds
    these into PageViewDay and deletes them. The page id is checked at roll-up, not on the reader's request."""

    page_id = models.PositiveIntegerField()
    day = models.DateField()

    def __str__(self):
        return f"page {self.page_id} on {self.day}"


class PageViewDay(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="audience_one_count_per_page_and_day")]
        ordering = ["-day", "page"]

    def __str__(self):
        return f"{self.page_id} on {self.day}: {self.views}"
