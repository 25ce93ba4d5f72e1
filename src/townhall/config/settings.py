"""Townhall settings: one module, configured only from the environment.

Safe local defaults let `make run` work on a fresh machine. `TOWNHALL_ENV=production` turns the
defaults off and refuses to start while anything unsafe remains (see `_refuse_unsafe_production`).
"""

from __future__ import annotations

import json
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from townhall.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src" / "townhall"
VAR_DIR = Path(env_str("TOWNHALL_VAR_DIR", str(BASE_DIR / "var")))

TOWNHALL_ENV = env_str("TOWNHALL_ENV", "development")
if TOWNHALL_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"TOWNHALL_ENV must be development, test or production, not {TOWNHALL_ENV!r}."
    )
PRODUCTION = TOWNHALL_ENV == "production"

_INSECURE_DEFAULT_KEY = "django-insecure-townhall-local-development-only"
SECRET_KEY = env_str("TOWNHALL_SECRET_KEY", _INSECURE_DEFAULT_KEY)
SECRET_KEY_FALLBACKS = env_list("TOWNHALL_SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("TOWNHALL_DEBUG", False)
# Fernet keys for personal data at rest (answers, attachments, addresses in the outbox), newest
# first: the first encrypts, all decrypt, so a key rotates by putting a new one in front and
# running `townhall encryption rotate`. Outside production a fixed development key is used.
_INSECURE_DEFAULT_ENCRYPTION_KEY = "dG93bmhhbGwtbG9jYWwtZGV2ZWxvcG1lbnQtb25seSE="
ENCRYPTION_KEYS = env_list("TOWNHALL_ENCRYPTION_KEYS", [_INSECURE_DEFAULT_ENCRYPTION_KEY])
ALLOWED_HOSTS = env_list(
    "TOWNHALL_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("TOWNHALL_CSRF_TRUSTED_ORIGINS", [])


def _refuse_unsafe_production() -> None:
    problems = []
    if SECRET_KEY == _INSECURE_DEFAULT_KEY or len(SECRET_KEY) < 50:
        problems.append(
            "set TOWNHALL_SECRET_KEY to a random value of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
        )
    if not ENCRYPTION_KEYS or _INSECURE_DEFAULT_ENCRYPTION_KEY in ENCRYPTION_KEYS:
        problems.append(
            "set TOWNHALL_ENCRYPTION_KEYS to one or more Fernet keys, newest first "
            "(python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        )
    else:
        try:
            for key in ENCRYPTION_KEYS:
                Fernet(key.encode("ascii"))
        except ValueError:
            problems.append(
                "TOWNHALL_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded "
                "bytes), comma-separated"
            )
    if DEBUG:
        problems.append("set TOWNHALL_DEBUG=false (debug pages leak personal data)")
    if not ALLOWED_HOSTS:
        problems.append("set TOWNHALL_ALLOWED_HOSTS to the host names you serve, comma-separated")
    if problems:
        raise ImproperlyConfigured(
            "Townhall refuses to start in production: " + "; ".join(problems) + "."
        )


if PRODUCTION:
    _refuse_unsafe_production()

INSTALLED_APPS = [
    "townhall.identity.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "townhall.core",
    "townhall.tenancy",
    "townhall.identity",
    "townhall.patterns",
    "townhall.services",
    "townhall.notifications",
    "townhall.submissions",
    "townhall.casework",
    "townhall.runner",
    "townhall.api",
    "townhall.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "townhall.identity.middleware.StaffSessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "townhall.config.urls"
WSGI_APPLICATION = "townhall.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "townhall.web.jinja.environment",
            "context_processors": ["django.template.context_processors.csp"],
        },
    },
    {
        # Only Django's own admin (the platform operators' console) uses Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) under var/ is the embedded default; DATABASE_URL selects PostgreSQL in production.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'townhall.sqlite3'}")
# Persistent connections: a new connection per request cost SQLite POSTs two thirds of their speed.
# Health checks (a `SELECT 1` before each request's first query on PostgreSQL) let a worker
# survive a database restart without a failed request; TOWNHALL_DB_HEALTH_CHECKS=false trades
# that request for one round trip less per request (compared in bench/).
_database = dj_database_url.parse(
    DATABASE_URL,
    conn_max_age=env_int("TOWNHALL_DB_CONN_MAX_AGE", 600),
    conn_health_checks=env_bool("TOWNHALL_DB_HEALTH_CHECKS", True),
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        # IMMEDIATE stops two writers deadlocking on lock upgrade; timeout waits for the other.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that polls the idle socket before sending SELECT 1
    # (core/postgresql/base.py).
    _database["ENGINE"] = "townhall.core.postgresql"
    # Server-side parameters, and psycopg's prepared statements, which Django turns off unless
    # asked for the sake of transaction-pooling proxies (PgBouncer before 1.21): a statement run
    # a fifth time on a connection is prepared, so PostgreSQL parses and plans the ones every
    # request repeats (a resident's journey, a signed-in session) once per connection.
    # TOWNHALL_DB_PREPARED_STATEMENTS=false for such a proxy.
    _database["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5 if env_bool("TOWNHALL_DB_PREPARED_STATEMENTS", True) else None,
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
_redis_url = env_str("TOWNHALL_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TOWNHALL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Staff accounts and sessions --------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "identity:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("TOWNHALL_SESSION_MAX_AGE_SECONDS", 8 * 60 * 60)
TOWNHALL_STAFF_IDLE_SECONDS = env_int("TOWNHALL_STAFF_IDLE_SECONDS", 30 * 60)
TOWNHALL_SIGN_IN_MAX_FAILURES = env_int("TOWNHALL_SIGN_IN_MAX_FAILURES", 5)
TOWNHALL_SIGN_IN_LOCKOUT_SECONDS = env_int("TOWNHALL_SIGN_IN_LOCKOUT_SECONDS", 15 * 60)
TOWNHALL_INVITATION_DAYS = env_int("TOWNHALL_INVITATION_DAYS", 7)
# Requests one API key may make per fixed window; over it the API answers 429 with Retry-After.
TOWNHALL_API_RATE_LIMIT = env_int("TOWNHALL_API_RATE_LIMIT", 600)
TOWNHALL_API_RATE_WINDOW_SECONDS = env_int("TOWNHALL_API_RATE_WINDOW_SECONDS", 60)
# A resident's unfinished answers are deleted after this long without a request.
TOWNHALL_JOURNEY_IDLE_SECONDS = env_int("TOWNHALL_JOURNEY_IDLE_SECONDS", 60 * 60)
# "Save and come back later" links work until the end of the day this many days after sending.
TOWNHALL_SAVE_RETURN_DAYS = env_int("TOWNHALL_SAVE_RETURN_DAYS", 7)
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _redis_url
    else "townhall.core.sessions"  # Django's `db` backend, with a faster load
)
OTP_TOTP_ISSUER = "Townhall"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# --- Security headers -----------------------------------------------------------------------
CSRF_FAILURE_VIEW = "townhall.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS is only ever sent on HTTPS responses, so it is safe to default on.
SECURE_HSTS_SECONDS = env_int("TOWNHALL_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_SSL_REDIRECT = env_bool("TOWNHALL_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("TOWNHALL_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Email ----------------------------------------------------------------------------------
# Local development prints email to the terminal so a newcomer can follow invitation links.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_email_backend = env_str(
    "TOWNHALL_EMAIL_BACKEND",
    _SMTP_BACKEND if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
_email_options: dict[str, object] = {}
if _email_backend == _SMTP_BACKEND:
    _email_options = {
        "host": env_str("TOWNHALL_EMAIL_HOST", "localhost"),
        "port": env_int("TOWNHALL_EMAIL_PORT", 25),
        "username": env_str("TOWNHALL_EMAIL_HOST_USER", ""),
        "password": env_str("TOWNHALL_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("TOWNHALL_EMAIL_USE_TLS", False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("TOWNHALL_EMAIL_FROM", "Townhall <no-reply@townhall.localhost>")
TOWNHALL_BASE_URL = env_str("TOWNHALL_BASE_URL", "http://127.0.0.1:8000")
# GOV.UK Notify instead of SMTP for the outbox's emails: an API key, and a JSON object mapping
# template names (or `name.cy` for the Welsh version) to Notify template ids. Templates without
# an id still go by SMTP.
NOTIFY_API_KEY = env_str("TOWNHALL_NOTIFY_API_KEY", "")
try:
    NOTIFY_TEMPLATE_IDS: dict[str, str] = json.loads(
        env_str("TOWNHALL_NOTIFY_TEMPLATE_IDS", "") or "{}"
    )
except ValueError as _error:
    raise ImproperlyConfigured(
        f"TOWNHALL_NOTIFY_TEMPLATE_IDS must be a JSON object of template name to id: {_error}"
    ) from None
if not isinstance(NOTIFY_TEMPLATE_IDS, dict):
    raise ImproperlyConfigured("TOWNHALL_NOTIFY_TEMPLATE_IDS must be a JSON object.")
NOTIFY_BASE_URL = env_str("TOWNHALL_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# Webhooks may be sent over plain http and to private, loopback or link-local addresses (an
# internal network, the metadata service) only when this is true: never by default in production.
TOWNHALL_WEBHOOKS_ALLOW_PRIVATE = env_bool("TOWNHALL_WEBHOOKS_ALLOW_PRIVATE", not PRODUCTION)
# How long a sender holds an email or a webhook delivery it has claimed: a worker killed mid-send
# leaves it to be sent again by the sweep once this has passed. Longer than one try can take.
TOWNHALL_OUTBOX_LEASE_SECONDS = env_int("TOWNHALL_OUTBOX_LEASE_SECONDS", 10 * 60)
TOWNHALL_WEBHOOK_LEASE_SECONDS = env_int("TOWNHALL_WEBHOOK_LEASE_SECONDS", 2 * 60)
if TOWNHALL_OUTBOX_LEASE_SECONDS < 60 or TOWNHALL_WEBHOOK_LEASE_SECONDS < 30:
    raise ImproperlyConfigured(
        "TOWNHALL_OUTBOX_LEASE_SECONDS must be at least 60 and TOWNHALL_WEBHOOK_LEASE_SECONDS at "
        "least 30: a shorter lease lets a second worker send what the first is still sending."
    )

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

# --- Uploaded files -------------------------------------------------------------------------
# Residents' uploads: a folder under TOWNHALL_VAR_DIR (one machine, or a disk they all share), or
# an S3-compatible bucket. S3 credentials come from the standard AWS_* variables (or the machine's
# role), which django-storages and boto3 read themselves: secrets never sit in settings.
# Either way the files are encrypted with TOWNHALL_ENCRYPTION_KEYS before they are stored
# (`townhall.core.storage`, ADR 0009): the folder or bucket alone reveals nothing.
MEDIA_ROOT = VAR_DIR / "media"
_FILE_STORAGE = env_str("TOWNHALL_STORAGE", "filesystem")
if _FILE_STORAGE == "filesystem":
    _default_storage: dict[str, object] = {
        "BACKEND": "townhall.core.storage.EncryptedFileSystemStorage"
    }
elif _FILE_STORAGE == "s3":
    _bucket = env_str("TOWNHALL_S3_BUCKET", "")
    if not _bucket:
        raise ImproperlyConfigured("TOWNHALL_STORAGE=s3 needs TOWNHALL_S3_BUCKET, the bucket name.")
    _default_storage = {
        "BACKEND": "townhall.core.storage.EncryptedS3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Empty for AWS itself; the address of any other S3-compatible service.
            "endpoint_url": env_str("TOWNHALL_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("TOWNHALL_S3_REGION", "") or None,
            # Private objects (the bucket's own policy), never overwritten in place.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(f"TOWNHALL_STORAGE must be filesystem or s3, not {_FILE_STORAGE!r}.")
# Residents' files are personal data: readable by the app's own user (and group) only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The most one request's uploaded files may hold together; larger uploads are not kept and the
# resident is told the file is too big (runner/upload_handlers.py).
TOWNHALL_UPLOAD_MAX_REQUEST_MB = env_int("TOWNHALL_UPLOAD_MAX_REQUEST_MB", 100)
# An uploaded file is held in memory up to this size while a request is read, then in an
# anonymous temporary file, so memory per request stays small whatever is uploaded.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Only the runner's question pages take files (through their own limited handler); every other
# form throws uploaded files away unread, so nothing posted there lands on disk or in memory.
FILE_UPLOAD_HANDLERS = ["townhall.runner.upload_handlers.NoFilesUploadHandler"]
# The most a form's other fields may hold (Django answers more with 400): the longest answer the
# pattern format allows (100,000 characters, at most 12 bytes each URL-encoded) fits with room.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TOWNHALL_STATIC_MANIFEST", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
        # Static files are public and a web server in front (nginx) serves them as its own user,
        # unlike residents' uploads (FILE_UPLOAD_PERMISSIONS above).
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TOWNHALL_LOG_LEVEL", "INFO")},
    # Never below WARNING, whatever TOWNHALL_LOG_LEVEL says: at DEBUG both log residents' answers
    # (SQL parameters; the CEL evaluator logs every activation, answers included).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celpy": {"level": "WARNING"},
    },
}

if TOWNHALL_ENV == "test":
    # Hashing cost is not what tests are about; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
