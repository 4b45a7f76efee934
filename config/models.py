"""The local mailbox (e-mail kept on this machine), rate-limit counters, the shared cache's table, health alerts
and the scheduler's claimed runs."""

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


class RateLimitCounter(models.Model):
    """Attempts of one caller in one fixed window of one limit (config.api.ratelimit counts them).

    The count only grows through `UPDATE ... SET count = count + 1`, which the database applies atomically,
    so every worker of an install shares one exact count.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class CacheEntry(models.Model):
    """The table of Django's database cache (`CACHE_URL=dbcache://django_cache`, the default).

    Declared here so `migrate` creates it everywhere (make run, tests, deploys) with the columns
    `createcachetable` would give it; only the cache backend reads and writes it.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "django_cache"
        verbose_name_plural = "cache entries"

    def __str__(self):
        return self.cache_key


class HealthAlert(models.Model):
    """The one row that remembers what the admins were last told about the site's health.

    `check_health` compares the current problems with it, so a problem that keeps failing e-mails once when it
    has lasted long enough, and once more when it is over (config.health).
    """

    failing_since = models.DateTimeField(null=True, blank=True, help_text="When the current problems were first seen.")
    alerted_at = models.DateTimeField(null=True, blank=True, help_text="When the admins were told (None: not yet).")
    problems = models.JSONField(default=list, blank=True)
    episodes = models.PositiveIntegerField(default=0, help_text="How many alerts were sent so far.")
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return "failing" if self.failing_since else "healthy"


class ScheduledRun(models.Model):
    """One scheduled command's run in one tick (config.scheduling claims it): the unique key lets only one of
    several schedulers insert the row, so the command runs once per tick however many schedulers run."""

    command = models.CharField(max_length=200, help_text="The command and its arguments, as scheduled.")
    every = models.PositiveIntegerField(help_text="Its interval in seconds.")
    tick = models.BigIntegerField(help_text="Seconds since 1970 divided by the interval, rounded down.")
    started_at = models.DateTimeField(db_index=True)
    scheduler = models.CharField(max_length=200, blank=True, help_text="The host and process that ran it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["command", "every", "tick"], name="one_run_per_tick")]

    def __str__(self):
        return f"{self.command} #{self.tick} at {self.started_at:%Y-%m-%d %H:%M:%S}"
