"""Kopij settings, read from the environment (12-factor).

Defaults are safe for a first run on a laptop (`make run`); with DEBUG off the
settings refuse to start without a real SECRET_KEY and ALLOWED_HOSTS and switch
every security setting to its strict value. The README lists every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import parse_admins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(at least 50 random characters), or DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Set it to the comma-separated host names this "
            "site is served on, e.g. ALLOWED_HOSTS=www.example.nl."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Kopij")
REDACTIE_EMAIL = env.str("REDACTIE_EMAIL", default="redactie@example.nl")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_prose_editor",
    "newsroom",
    "articles",
    "newsletters",
    "feedback",
    "edge",
    "proofing",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy, also on pages from the page cache.
    "newsroom.security.SecurityHeadersMiddleware",
    # A NUL byte in a query parameter is a 400 before any view or the page cache reads it.
    "newsroom.nulbytes.NulByteMiddleware",
    # Before sessions and auth: a page-cache hit is answered without touching the database.
    "edge.middleware.EdgeCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, nearest the views: a view that cannot reach the database answers 503, not 500.
    "newsroom.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
            "libraries": {"links": "newsroom.links"},
        },
    },
]

# Database: SQLite in the project by default, PostgreSQL (psycopg 3) in production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kopij.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool replaces persistent connections. With health checks on,
    # Django has the pool test each connection before handing it out, so a
    # restarted database server costs no 500.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        # How long a request waits for a connection: with the database down, readers get
        # the 503 (newsroom.unavailable) after this many seconds instead of psycopg's 30.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=3),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the dev server and an eager task write
        # concurrently without "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://kopij")}
# Reader forms keep working when the cache (and so the rate-limit count) is down.
RATELIMIT_FAIL_OPEN = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first. The public site is Dutch only (no LocaleMiddleware), so a page is
# the same for every reader and can be cached whole.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The paper's date formats (newsroom/formats/nl/formats.py), before Django's own.
FORMAT_MODULE_PATH = ["newsroom.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Not /media/: that is the Media section. This first segment is reserved for uploads
# (articles.sections.RESERVED_SLUGS), which the TLS proxy serves from MEDIA_ROOT.
MEDIA_URL = "/uploads/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: SMTP when EMAIL_HOST is set; otherwise a folder (EMAIL_FILE_PATH) or the console.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@example.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets a mail for every unhandled error (500) when DEBUG is off; the 500 page says
# "the editors have been notified" only when this is set.
ADMINS = parse_admins(env.str("ADMINS", default=""))
# Date headers in Amsterdam time with its offset, as readers' clients show them.
EMAIL_USE_LOCALTIME = True
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
elif env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery: without a broker every task runs eagerly, in process (make run).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Handing a task to the broker never keeps a reader waiting: a short connect timeout and
# at most one quick retry; the outbox sweep hands over again what failed (newsroom.outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 2,
}
CELERY_BEAT_SCHEDULE: dict = {
    # Marks due scheduled articles as published; readers see them on time regardless.
    "articles-publish-due": {"task": "articles.tasks.publish_due_articles", "schedule": 60.0},
    # Purges the home page when a pinned story's time is up (readers' reads skip it already).
    "articles-expire-front-page": {"task": "articles.tasks.expire_front_page", "schedule": 60.0},
    # Background work the broker did not take (it was down) or no worker finished.
    "newsroom-outbox-sweep": {"task": "newsroom.tasks.sweep_outbox", "schedule": 60.0},
    # crontab() is read in CELERY_TIMEZONE, Europe/Amsterdam.
    "newsletters-assemble-edition": {
        "task": "newsletters.tasks.assemble_edition",
        "schedule": crontab(
            day_of_week=env.str("NEWSLETTER_ASSEMBLE_DAY", default="fri"),
            hour=env.int("NEWSLETTER_ASSEMBLE_HOUR", default=6),
            minute=env.int("NEWSLETTER_ASSEMBLE_MINUTE", default=0),
        ),
    },
    "newsletters-send-due-editions": {
        "task": "newsletters.tasks.send_due_editions",
        "schedule": crontab(minute="*/5"),
    },
    # Every minute: a batch a crashed worker left is sent again at most a minute after
    # NEWSLETTER_SWEEP_AFTER_MINUTES (the sweep itself is two indexed queries when idle).
    "newsletters-sweep-stuck-deliveries": {
        "task": "newsletters.tasks.sweep_stuck_deliveries",
        "schedule": 60.0,
    },
    "jobs-forget-old-task-runs": {
        "task": "jobs.tasks.forget_old_task_runs",
        "schedule": crontab(hour=3, minute=45),
    },
    "newsletters-purge-unconfirmed": {
        "task": "newsletters.tasks.purge_unconfirmed_signups",
        "schedule": crontab(hour=3, minute=30),
    },
}

# The outbox of background work (README: "Background work"). The sweep hands over again
# tasks the broker did not take after this many seconds,
OUTBOX_SWEEP_AFTER_SECONDS = env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=30)
# and tasks it took that no worker finished after this many minutes (longer than the
# retries of any task: a task in its retries is not lost),
OUTBOX_REQUEUE_AFTER_MINUTES = env.float("OUTBOX_REQUEUE_AFTER_MINUTES", default=60)
# at most this many times.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)

# Failing background work (README: "When background work fails"). A task message started this
# many times without ending (its worker died in it each time) is set aside, not run again;
JOBS_MAX_STARTS = env.int("JOBS_MAX_STARTS", default=3)
# the counter of a message that never came back is dropped after this many days.
JOBS_FORGET_RUNS_AFTER_DAYS = env.int("JOBS_FORGET_RUNS_AFTER_DAYS", default=7)

# The weekly newsletter (README: "The weekly newsletter").
# An assembled edition goes out this many minutes later unless an editor holds it.
NEWSLETTER_SEND_AFTER_MINUTES = env.int("NEWSLETTER_SEND_AFTER_MINUTES", default=60)
NEWSLETTER_EDITION_SIZE = env.int("NEWSLETTER_EDITION_SIZE", default=12)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=500)
# Chains of batch tasks a send runs at once: set it to the worker processes that send.
NEWSLETTER_SEND_CHAINS = env.int("NEWSLETTER_SEND_CHAINS", default=1)
# Deliveries "sending" longer than this are taken as lost in a crash and sent again;
# it must exceed the time one batch can take. Fractions are allowed (the crash test uses seconds).
NEWSLETTER_SWEEP_AFTER_MINUTES = env.float("NEWSLETTER_SWEEP_AFTER_MINUTES", default=15)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=5)
# Transient SMTP errors are retried after this many seconds, doubling each attempt (max 1 h).
NEWSLETTER_RETRY_SECONDS = env.int("NEWSLETTER_RETRY_SECONDS", default=60)
# An unreachable mail server makes the whole send wait NEWSLETTER_RETRY_SECONDS, doubling,
# at most this long; keep it under NEWSLETTER_SWEEP_AFTER_MINUTES.
NEWSLETTER_OUTAGE_MAX_SECONDS = env.int("NEWSLETTER_OUTAGE_MAX_SECONDS", default=600)
NEWSLETTER_BOUNCE_THRESHOLD = env.int("NEWSLETTER_BOUNCE_THRESHOLD", default=2)
NEWSLETTER_CONFIRM_DAYS = env.int("NEWSLETTER_CONFIRM_DAYS", default=7)
NEWSLETTER_SIGNUP_RATE = env.str("NEWSLETTER_SIGNUP_RATE", default="10/h")
NEWSLETTER_UNSUBSCRIBE_EMAIL = env.str(
    "NEWSLETTER_UNSUBSCRIBE_EMAIL", default="afmelden@example.nl"
)

# Security: strict whenever DEBUG is off (production); each can be relaxed by env.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
if SECURE_PROXY_SSL_HEADER:
    # Rate limits per reader, not per proxy: the client address the proxy forwards.
    RATELIMIT_IP_META_KEY = "newsroom.ratelimits.forwarded_client_ip"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4, newsroom.security): reader pages load nothing but
# our own files, run no inline script and take no inline style; every asset is ours.
_OWN_ORIGIN_ONLY = {
    "default-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _OWN_ORIGIN_ONLY}
# The admin and its body editor (django-prose-editor): its import map is an inline script
# with the response's nonce; Django's admin and the editor set inline styles.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_OWN_ORIGIN_ONLY,
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
    }
}
# Powerful browser features no page of ours uses, off for every page and frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

# Public pages may be cached this long by browsers and shared caches (seconds).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)
# The edge (README: "Edge cache"): Varnish nodes and CDNs keep tagged reader pages this long
# and are purged by tag on every change; they may serve a stale copy this long when the site fails.
EDGE_CACHE_SECONDS = env.int("EDGE_CACHE_SECONDS", default=86400)
EDGE_STALE_SECONDS = env.int("EDGE_STALE_SECONDS", default=86400)
# Where purges go: each Varnish node's address, e.g. http://10.0.0.5:6081/ (none: nothing sent).
CACHE_PURGE_URLS = env.list("CACHE_PURGE_URLS", default=[])
# A failed purge is retried after this many seconds, doubling, six times.
CACHE_PURGE_RETRY_SECONDS = env.float("CACHE_PURGE_RETRY_SECONDS", default=1)
# Whole reader pages kept in CACHES["default"] (0 turns the page cache off).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# How long a shared preview link of an unpublished article works (hours).
PREVIEW_LINK_HOURS = env.int("PREVIEW_LINK_HOURS", default=48)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's error reporting: unhandled errors of requests, mailed to ADMINS.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
}
# The pages of the 500 and of a refused form: no database, the shared error base.
CSRF_FAILURE_VIEW = "newsroom.errors.csrf_failure"

# The pre-publish check (proofing): a time budget per check, of which suggestions may use a
# part, and the most text it reads; beyond these it says what it skipped.
PROOFING_SECONDS = env.float("PROOFING_SECONDS", default=1.0)
PROOFING_SUGGESTION_SECONDS = env.float("PROOFING_SUGGESTION_SECONDS", default=0.3)
PROOFING_MAX_WORDS = env.int("PROOFING_MAX_WORDS", default=20_000)
PROOFING_MAX_CHARACTERS = env.int("PROOFING_MAX_CHARACTERS", default=200_000)
