"""Settings for every environment, read from the environment first (and an optional .env)."""

import os
import sys
from pathlib import Path

import environ
from django.utils.csp import CSP
from wagtail.embeds import oembed_providers

from config.object_storage import ObjectStorageConfigError, ObjectStore

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit("SECRET_KEY is not set: set SECRET_KEY in the environment or .env (or DEBUG=1 locally).")
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - DEBUG only, never served publicly

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The APIs answer a failed CSRF check in their own JSON shapes (allauth's on /_allauth/); other pages get Django's page.
CSRF_FAILURE_VIEW = "config.api.errors.csrf_failure"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "config",
    "audience",
    "newsletter",
    "website",
    "courses",
    "shop",
    "core",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: an embedded SQLite file unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Each worker keeps its connection between requests (SQLite too: opening one and running its PRAGMAs cost more
# than a page-cache hit itself).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Concurrent writers (web, worker, scheduler) wait for each other instead of failing:
    # WAL lets readers run beside a writer, IMMEDIATE takes the write lock up front.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker of an install: Django's database cache (its table is made by `migrate`), or Redis
# shared by every server (CACHE_URL=redis://…). CACHE_KEY_PREFIX keeps installs that share one Redis apart.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}
if env.str("CACHE_KEY_PREFIX", default=""):
    CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX")
# Sessions live in the database, never only in the cache: restarting or flushing Redis signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Page cache (core/pagecache.py) ---
# Credential-free GET/HEAD answers that are the same for every reader, kept in the shared cache above and served
# before the rest of MIDDLEWARE (sessions, CSRF, auth, views); purged by editors' changes.
# PAGE_CACHE=0 renders every request (benchmarks).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "default"
# What every page of a site shows (settings, menu, site root paths), cached under the page cache's generation and
# read with one query per request (core/fragments.py). FRAGMENT_CACHE=0 builds them on every request.
FRAGMENT_CACHE_ENABLED = env.bool("FRAGMENT_CACHE", default=True)
# How long an entry lives in the app's cache without a purge, and what a CDN may keep (it cannot be purged).
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=3600)
PAGE_CACHE_SHARED_MAX_AGE = min(env.int("PAGE_CACHE_SHARED_MAX_AGE", default=60), 60)
PAGE_CACHE_BROTLI_QUALITY = 9
# The release the page cache keys its entries by (core/release.py): a deploy's git revision or build number; left
# empty, a hash of the project's code, templates, static files and installed packages, taken at start-up.
RELEASE = env.str("RELEASE", default="")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Django's default of 300 rows would cull pages (three copies each) long before a site this size is cached.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
# After SecurityMiddleware (an HTTPS redirect comes first) and WhiteNoise (static files never touch the cache).
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "core.pagecache.PageCacheMiddleware"
)
# Wagtail writes every rendition it looks up back to its cache: on the shared database cache that was a write
# transaction per picture per request. No rendition cache: pages fetch renditions from the database in bulk
# (one query per picture, none where prefetched), always right for every worker after an image changes.
CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Static files: hashed names served by WhiteNoise with far-future cache headers.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Paid files (guide PDFs, lesson attachments) live outside MEDIA_ROOT and are never URL-addressable.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "config.static_files.StaticFilesStorage"},
}
# Object storage (config/object_storage.py): with S3_BUCKET set, public media and private files live on an
# S3-compatible store (django-storages) instead of MEDIA_ROOT and PRIVATE_MEDIA_ROOT, so that several app servers
# share them. Private files go to S3_PRIVATE_BUCKET, or under their own prefix of S3_BUCKET.
S3_BUCKET = env.str("S3_BUCKET", default="")
OBJECT_STORE = None
if S3_BUCKET:
    OBJECT_STORE = ObjectStore(
        bucket=S3_BUCKET,
        private_bucket=env.str("S3_PRIVATE_BUCKET", default=""),
        media_prefix=env.str("S3_MEDIA_PREFIX", default="media"),
        private_prefix=env.str("S3_PRIVATE_PREFIX", default="private"),
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
        access_key_id=env.str("S3_ACCESS_KEY_ID", default=""),
        secret_access_key=env.str("S3_SECRET_ACCESS_KEY", default=""),
        addressing_style=env.str("S3_ADDRESSING_STYLE", default=""),
        media_acl=env.str("S3_MEDIA_ACL", default=""),
        custom_domain=env.str("S3_CUSTOM_DOMAIN", default=""),
    )
    try:
        STORAGES.update(OBJECT_STORE.storages())
    except ObjectStorageConfigError as error:
        sys.exit(str(error))
# Embedded mode (`make run`): Django serves uploaded media itself. Behind a real web server, off.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)

# HTTPS: one switch for production behind TLS (redirect, secure cookies, HSTS).
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Proxies in front of the app that append to X-Forwarded-For (a CDN before a load balancer is 2): the client is
# the address this many entries from the right. Every limiter, allauth's and ours, keys on that address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview shows the page in a same-origin frame, so DENY would break the editor.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (Django's own middleware). Public pages run no inline script or style at all,
# so a cached page never needs a nonce; JSON-LD is data and runs under any policy.
# Video embeds come from YouTube and Vimeo only: the embed finders and frame-src name the same providers.
EMBED_FRAME_SOURCES = ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]
WAGTAILEMBEDS_FINDERS = [
    {
        "class": "wagtail.embeds.finders.oembed",
        "providers": [oembed_providers.youtube, oembed_providers.vimeo],
    }
]
# Chrome applies form-action to the redirect after a POST too, and buying redirects to Stripe's page.
STRIPE_CHECKOUT_ORIGIN = env.str("STRIPE_CHECKOUT_ORIGIN", default="https://checkout.stripe.com")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-src": EMBED_FRAME_SOURCES,
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF, STRIPE_CHECKOUT_ORIGIN],
}
if OBJECT_STORE:
    SECURE_CSP["img-src"] += OBJECT_STORE.media_origins()
# Wagtail's editor writes inline scripts and styles: the admin keeps every other limit.
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [*SECURE_CSP["img-src"], "blob:", "https:"],
    "frame-src": [CSP.SELF, *EMBED_FRAME_SOURCES],
    "form-action": [CSP.SELF],
}
# Path prefix → policy, first match wins (config.headers.SecurityHeadersMiddleware); the rest get SECURE_CSP.
CSP_PATH_POLICIES = [("/admin/", ADMIN_CSP)]
# Browser features no page uses are switched off; embedded players may still go full screen.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self", *EMBED_FRAME_SOURCES],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
# Swagger UI without a CDN and under the site's policy: django-ninja's templates and static files serve
# /api/docs, and allauth's specification page uses the same files through a template of ours.
INSTALLED_APPS.append("ninja")
HEADLESS_SPECIFICATION_TEMPLATE_NAME = "config/allauth_openapi.html"
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE[_after_security:_after_security] = [
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.headers.SecurityHeadersMiddleware",
]

# E-mail. The default keeps every message in a local mailbox that staff read in the admin,
# so nothing leaves the machine until production names a real backend.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Stephen O'Dwyer <hello@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
LOCAL_MAILBOX_BACKEND = "config.mail.LocalMailboxBackend"
MAILERS = {
    "default": {
        "BACKEND": env.str("EMAIL_BACKEND", default=LOCAL_MAILBOX_BACKEND),
        "OPTIONS": env.json("EMAIL_OPTIONS", default={}),
    }
}
ANYMAIL = env.json("ANYMAIL", default={})
# django-anymail's tracking webhooks (/anymail/<provider>/tracking/) report bounces and complaints to the newsletter.
INSTALLED_APPS.append("anymail")

# Background work: Django's task framework, stored in the database and run by `db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic commands run by `manage.py scheduler`: (command, arguments, every N seconds).
SCHEDULED_COMMANDS = [
    ("publish_scheduled", [], 60),
]

# Wagtail
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Stephen O'Dwyer · Lower Back Pain Relief")
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Wagtail's database backend, handed only the words of a query (config/search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "config.search"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"png": "webp", "jpeg": "webp"}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILADMIN_COMMENTS_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One handler for Django's own loggers too, so nothing is printed twice.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# --- Website ---
TEMPLATES[0]["OPTIONS"]["context_processors"].append("website.context_processors.website")
# Pictures: AVIF and WebP through <picture>; AVIF a little lighter on the CPU than the default.
WAGTAILIMAGES_AVIF_QUALITY = 60
WAGTAILIMAGES_WEBP_QUALITY = 80
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# --- Shop and accounts ---
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
MIDDLEWARE.append("allauth.account.middleware.AccountMiddleware")
MIDDLEWARE.append("config.staff_2fa.StaffSecondFactorMiddleware")
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Buyers sign in with a one-time code sent to their e-mail; a password is optional. Sign-up proves the
# address with a code before any account exists for it, and answers the same whether or not it has one.
# Staff never sign in by code or link (core.account_adapter); they use a password and may enrol TOTP.
ACCOUNT_ADAPTER = "core.account_adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# A buyer opens the thank-you page, then their mail: allauth's 3 minutes ran out before many got there.
# Ten minutes, still with allauth's three tries per code.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
# A new address replaces the old one only once a code sent to it is typed back (allauth's /accounts/email/).
ACCOUNT_CHANGE_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("SITE_NAME", default="Stephen O'Dwyer · Lower Back Pain Relief")
# Editor accounts are made by an administrator, so allauth never verified their address.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_FORMS = {"activate_totp": "config.staff_2fa.ActivateTOTPForm"}
# 1: the Wagtail admin opens only to staff who enrolled TOTP and passed it in this session.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
LOGIN_URL = "/accounts/login/"
# Private pages send strangers to our sign-in (codes for readers, password + TOTP for staff), not Wagtail's.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# The one signed-in home (guides, courses, certificates) where sign-in lands; the shop's old /shop/library/
# address redirects here.
LOGIN_REDIRECT_URL = "/learn/"
# Stripe: the secret key, the webhook signing secret and the API address (tests point it at a fake).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_TAX = env.bool("STRIPE_TAX", default=False)
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# Seconds each call to Stripe may take. With the retries above the worst case (3 x 8 s plus the SDK's short
# pauses) stays under gunicorn's 30 s worker timeout, so a slow Stripe gets our error page, not a dropped line.
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=8.0)
# Our buy page records the immediate-delivery consent and Stripe's page states the waiver (custom_text).
# STRIPE_TERMS_CONSENT=1 also makes Stripe ask for the terms of sale; only switch it on once the terms URL
# is set in Stripe's public details, or Stripe refuses to open checkout. Stripe Tax when STRIPE_TAX=1.
STRIPE_TERMS_CONSENT = env.bool("STRIPE_TERMS_CONSENT", default=False)
STRIPE_TAX_BEHAVIOR = env.str("STRIPE_TAX_BEHAVIOR", default="inclusive")
STRIPE_TAX_CODE_GUIDE = env.str("STRIPE_TAX_CODE_GUIDE", default="txcd_10302000")
STRIPE_TAX_CODE_COURSE = env.str("STRIPE_TAX_CODE_COURSE", default="txcd_10010001")
# Demo payments (written by `make run`): a local checkout page, no Stripe account, no real money.
SHOP_DEMO = env.bool("SHOP_DEMO", default=False)
SHOP_DOWNLOAD_LINK_MAX_AGE = env.int("SHOP_DOWNLOAD_LINK_MAX_AGE", default=7 * 24 * 3600)
# The seller printed on every receipt (the shop's legal identity: set by whoever deploys, not by editors).
# SHOP_SELLER_ADDRESS takes "\n" or " | " between lines. Receipts are numbered in SHOP_RECEIPT_SERIES without gaps.
SHOP_SELLER_NAME = env.str("SHOP_SELLER_NAME", default="Stephen O'Dwyer")
SHOP_SELLER_ADDRESS = env.str("SHOP_SELLER_ADDRESS", default="")
SHOP_SELLER_VAT_ID = env.str("SHOP_SELLER_VAT_ID", default="")
SHOP_SELLER_EMAIL = env.str("SHOP_SELLER_EMAIL", default="")
SHOP_RECEIPT_SERIES = env.str("SHOP_RECEIPT_SERIES", default="BC-R")
SCHEDULED_COMMANDS.append(("send_outbox", [], 60))

# Publish webhooks (core.publish_webhooks): receivers told, signed, when readers' content changes.
PUBLISH_WEBHOOK_URLS = env.list("PUBLISH_WEBHOOK_URLS", default=[])
PUBLISH_WEBHOOK_SECRET = env.str("PUBLISH_WEBHOOK_SECRET", default="")
PUBLISH_WEBHOOK_TIMEOUT = env.float("PUBLISH_WEBHOOK_TIMEOUT", default=5.0)
PUBLISH_WEBHOOK_MAX_ATTEMPTS = env.int("PUBLISH_WEBHOOK_MAX_ATTEMPTS", default=10)
SCHEDULED_COMMANDS.append(("send_webhooks", [], 60))
SCHEDULED_COMMANDS.append(("reconcile_stripe", ["--since", "3d"], 3600))

# --- Courses ---
# Queue the "your next lesson is open" e-mails every five minutes (each goes once per student and lesson).
SCHEDULED_COMMANDS.append(("send_due_lessons", [], 300))

# --- Newsletter ---
# At most this many newsletter e-mails a second (the provider's sending rate), written to the outbox in batches.
NEWSLETTER_RATE = env.float("NEWSLETTER_RATE", default=5.0)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=50)
# The scheduler runs commands one after another, so each run sends for at most 45 seconds of the minute.
SCHEDULED_COMMANDS.append(("send_newsletters", ["--max-seconds", "45"], 60))

# --- Accounts people run themselves (/account/) ---
# Orders of a deleted account keep the e-mail, amounts, country and consent this many years (tax records),
# then `anonymise_old_orders` (daily) removes the address and the links to Stripe's records.
ORDER_RETENTION_YEARS = env.int("ORDER_RETENTION_YEARS", default=10)
SCHEDULED_COMMANDS.append(("anonymise_old_orders", [], 24 * 3600))

# --- API ---
# The headless API: Ninja at /api/, Wagtail API v2 at /api/v2/, django-allauth's headless sign-in at /_allauth/.
INSTALLED_APPS += ["corsheaders", "allauth.headless", "wagtail.api.v2"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware"
)
MIDDLEWARE.insert(MIDDLEWARE.index("corsheaders.middleware.CorsMiddleware"), "config.api.ratelimit.RateLimitMiddleware")
# Cross-origin browser clients: none unless listed (e.g. https://app.backcare.example), cookies allowed for those.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|_allauth)/.*$"
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = ["accept", "content-type", "x-csrftoken", "x-session-token", "authorization"]
CORS_EXPOSE_HEADERS = ["Retry-After"]
CSRF_TRUSTED_ORIGINS += [origin for origin in CORS_ALLOWED_ORIGINS if origin not in CSRF_TRUSTED_ORIGINS]
HEADLESS_CLIENTS = ("browser", "app")
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_FRONTEND_URLS = env.json("HEADLESS_FRONTEND_URLS", default={})
if env.str("WAGTAILAPI_BASE_URL", default=""):
    WAGTAILAPI_BASE_URL = env.str("WAGTAILAPI_BASE_URL")
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 50
API_PUBLIC_MAX_AGE = env.int("API_PUBLIC_MAX_AGE", default=300)
API_PREVIEW_MAX_AGE = env.int("API_PREVIEW_MAX_AGE", default=3600)
HEADLESS_PREVIEW_URL = env.str("HEADLESS_PREVIEW_URL", default="")
# "N/s|m|h|d" per client IP (sign-in codes also per e-mail address); empty switches a limit off.
API_RATE_LIMITS = {
    "sign_in_code": env.str("API_RATE_SIGN_IN_CODE", default="5/m"),
    "login": env.str("API_RATE_LOGIN", default="10/m"),
    "checkout": env.str("API_RATE_CHECKOUT", default="10/m"),
}

# --- Knowing when something stopped (config.health: /healthz and the admins' alert) ---
# The scheduler beats every minute and queues a heartbeat task that only a working task worker runs.
SCHEDULED_COMMANDS.insert(0, ("heartbeat", [], 60))
# /healthz answers 503 past these limits (0 switches a check off). A heartbeat never seen counts only once
# the install (its first migration) is older than the limit, so a fresh install has time to start its processes.
HEALTHZ_HEARTBEAT_MAX_AGE = env.int("HEALTHZ_HEARTBEAT_MAX_AGE", default=600)
HEALTHZ_OUTBOX_MAX_AGE = env.int("HEALTHZ_OUTBOX_MAX_AGE", default=900)
# Unresolved failures allowed (failed webhooks, payments to refund, tasks failed in the window); -1 switches it off.
HEALTHZ_MAX_FAILURES = env.int("HEALTHZ_MAX_FAILURES", default=0)
HEALTHZ_FAILED_TASK_WINDOW = env.int("HEALTHZ_FAILED_TASK_WINDOW", default=24 * 3600)
# Who hears about it: ADMINS (comma-separated addresses), else every active superuser with an address. One
# e-mail once problems have lasted HEALTH_ALERT_AFTER seconds, one when they are over.
ADMINS = env.list("ADMINS", default=[])
HEALTH_ALERT_AFTER = env.int("HEALTH_ALERT_AFTER", default=600)
SCHEDULED_COMMANDS.append(("check_health", [], 60))

# --- Backups (core.backups; `make backup`, `make restore FILE=...`) ---
# BACKUP_KEY: 32 random bytes in URL-safe base64 (`manage.py backup --new-key` prints one). Keep a copy away
# from the backups: without it they cannot be read. With BACKUP_KEY and BACKUP_DIR both set, the scheduler
# takes a backup once a day into BACKUP_DIR and keeps the newest BACKUP_KEEP.
BACKUP_KEY = env.str("BACKUP_KEY", default="")
BACKUP_DIR = env.str("BACKUP_DIR", default="")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)
if BACKUP_KEY and BACKUP_DIR:
    SCHEDULED_COMMANDS.append(("backup", ["--scheduled"], 3600))

# --- Audience (audience/: anonymous view counts and the admin's reports) ---
# Each page view sends one anonymous beacon (no cookie, no session; nothing under DNT or GPC), folded into
# per-page daily totals by `rollup_page_views`. AUDIENCE_COUNT_VIEWS=0 switches the beacon off.
AUDIENCE_COUNT_VIEWS = env.bool("AUDIENCE_COUNT_VIEWS", default=True)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("audience.context_processors.view_beacon")
SCHEDULED_COMMANDS.append(("rollup_page_views", [], 24 * 3600))
