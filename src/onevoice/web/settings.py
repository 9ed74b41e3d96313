"""Django settings for OneVoice; the environment-dependent part comes from :mod:`.config`.

Security choices: Argon2id first among the password hashers; CSRF middleware on; a
Content-Security-Policy on every response (:mod:`.security`); cookies HttpOnly and
SameSite=Lax, and Secure whenever debug is off; ``X-Frame-Options: DENY``; no external
CSS, JavaScript or fonts.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

from onevoice.web.config import build_settings

_env = build_settings(os.environ)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR: Path = _env["DATA_DIR"]
SECRET_KEY: str = _env["SECRET_KEY"]
DEBUG: bool = _env["DEBUG"]
ALLOWED_HOSTS: list[str] = _env["ALLOWED_HOSTS"]
DATABASES = _env["DATABASES"]
#: The DuckDB analytic store the pages read (read-only), or None.
ONEVOICE_STORE: Path | None = _env["ONEVOICE_STORE"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "onevoice.web.accounts",
    "onevoice.web.audit",
    "onevoice.web.cases",
    "django_tasks",
    "django_tasks_db",
    "onevoice.web.jobs",
    "onevoice.web.taxii",
    # The public G20 hub (issue 7): Wagtail on the same Django, mounted at /hub/ and /cms/.
    "onevoice.hub",
    "django.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "onevoice.web.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Activates the language of the /<lang>/hub/ prefix (and Accept-Language elsewhere).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onevoice.web.urls"
WSGI_APPLICATION = "onevoice.web.wsgi.application"

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
                "onevoice.web.roles.roles_context",
            ],
            "builtins": ["onevoice.web.templatetags"],
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Cookies and headers. Secure cookies come from config (off only in debug).
SESSION_COOKIE_SECURE: bool = _env["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE: bool = _env["CSRF_COOKIE_SECURE"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en"
#: The G20 languages: the interface and the hub's content locales.
LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("zh-hans", "Simplified Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("id", "Indonesian"),
    ("tr", "Turkish"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Wagtail (the hub's editorial part). Pages exist per locale; Wagtail's database search
# backend (no external service); the admin lives at /cms/.
WAGTAIL_SITE_NAME = "G20 Hub"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_BASE_URL = os.environ.get("ONEVOICE_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The admin's time-zone menu: Debian's tzdata also lists "localtime" (a link to
# /etc/localtime), which browsers reject (a script error on the account page).
WAGTAIL_USER_TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})
# Reviewers hold no publish permission: an approved workflow publishes on its own authority.
WAGTAIL_FINISH_WORKFLOW_ACTION = "onevoice.hub.publishing.publish_after_review"
# An edit during review restarts the review: what is published is what was approved.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background jobs (django-tasks; the database backend of django-tasks-db, run by
# ``onevoice worker``). ``ONEVOICE_TASKS=immediate`` runs them inside the request instead.
TASKS = _env["TASKS"]

# Uploads: every uploaded file is streamed in 64 KiB chunks to DATA_DIR/uploads/.partial,
# hashed while it is written and refused past MAX_UPLOAD_BYTES (ONEVOICE_MAX_UPLOAD_MB);
# never held whole in memory, whatever its size.
MAX_UPLOAD_BYTES: int = _env["MAX_UPLOAD_BYTES"]
UPLOAD_DIR: Path = DATA_DIR / "uploads"
FILE_UPLOAD_HANDLERS = ["onevoice.web.jobs.uploads.StreamingUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_PERMISSIONS = 0o600

# django-ninja serves Swagger UI from its bundled static files ("ninja" is installed above),
# never from a CDN.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
