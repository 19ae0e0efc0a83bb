"""Settings for the test suite: production settings, minus what tests cannot have."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from newsroom.settings import *  # noqa: F403
from newsroom.settings import DATABASES, STORAGES

# No collectstatic before tests: serve static files without a manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SITE_URL = "http://testserver"
REDACTIE_EMAIL = "redactie@kopij.test"
SITE_NAME = "Kopij"
# Static files straight from the app folders (also for the live server of browser tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process unless a test starts a real worker (the `celery_worker` fixture).
CELERY_TASK_ALWAYS_EAGER = True
# Uploads of the tests go to a throw-away folder, never to the project's media/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="kopij-test-media-")
# Tests change rows directly and read the page again: the page cache is on only in its own tests.
PAGE_CACHE_SECONDS = 0
# A file, not SQLite's shared-cache memory database: there, a real worker thread writing while
# the test thread reads gets "database table is locked" at once (shared-cache locks ignore the
# busy timeout). A file in WAL mode waits its turn like the dev server does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.mkdtemp(prefix="kopij-test-db-"), "test.sqlite3")
    }
