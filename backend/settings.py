"""Impulsa settings: one file, driven by environment variables with safe local defaults.

With DJANGO_DEBUG off (the default outside `make run`), a missing secret key or allowed
host stops start-up with a clear message rather than running insecurely.
"""

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IMPULSA_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG")
# pytest sets this up itself, so a bare `pytest` run never touches the real database or SMS.
TESTING = (
    envbool("IMPULSA_TESTING") or "pytest" in Path(sys.argv[0]).name or "pytest" in sys.argv[0]
)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. List the host names this server answers to, "
            "comma-separated (for example impulsa.example.org), or set DJANGO_DEBUG=1."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("IMPULSA_SITE_URL", "").rstrip("/")
if not SITE_URL:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "IMPULSA_SITE_URL is not set. Set it to the public address of this server (for "
            "example https://impulsa.example.org): certificate links and QR codes use it."
        )
    SITE_URL = "http://127.0.0.1:8000"

# Encrypts the private halves of the organisations' credential signing keys (docs/credentials.md).
# Falls back to SECRET_KEY; set it separately so that rotating SECRET_KEY keeps the keys readable.
IMPULSA_CREDENTIAL_KEY_SECRET = os.environ.get("IMPULSA_CREDENTIAL_KEY_SECRET", "") or SECRET_KEY

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    "backend.lib.tasks_app.TasksConfig",  # django_tasks_db, named in the admin's language
    "ninja",  # its Swagger UI template and assets, served from our own static files
    "backend.lib",
    "backend.accounts",
    "backend.programmes",
    "backend.sync",
    "backend.ventures",
    "backend.training",
    "backend.finance",
    "backend.finance.fund",
    "backend.outcomes",
    "backend.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "backend.sync.middleware.SyncGZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "backend.accounts.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "backend.accounts.middleware.HeadlessRateLimitStatusMiddleware",
    "backend.accounts.middleware.UserLanguageMiddleware",
    "backend.accounts.middleware.AbsoluteSessionLifetimeMiddleware",
    "backend.programmes.middleware.RequireMFAMiddleware",
    "backend.lib.http_errors.JsonErrorMiddleware",
]
# Test hook of the crash-and-retry run (backend/lib/faults.py): off unless asked for, and
# refused outside DEBUG and tests so that a production server can never kill itself.
IMPULSA_FAULT_KILL_AFTER_COMMIT = float(os.environ.get("IMPULSA_FAULT_KILL_AFTER_COMMIT") or 0)
if IMPULSA_FAULT_KILL_AFTER_COMMIT:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "IMPULSA_FAULT_KILL_AFTER_COMMIT is a test hook; unset it in production."
        )
    MIDDLEWARE.append("backend.lib.faults.KillAfterCommitMiddleware")

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers run beside the single writer; IMMEDIATE
# transactions take the write lock at BEGIN, so two writers queue on the busy timeout instead
# of failing with "database is locked" when one upgrades a read lock. synchronous=NORMAL is
# durable in WAL mode against application crashes; only an OS crash or power cut can lose the
# last transactions (set IMPULSA_SQLITE_SYNCHRONOUS=FULL where that matters more than speed).
SQLITE_SYNCHRONOUS = os.environ.get("IMPULSA_SQLITE_SYNCHRONOUS", "NORMAL").upper()
if SQLITE_SYNCHRONOUS not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
    raise ImproperlyConfigured("IMPULSA_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA.")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend whose threads queue for the write lock in turn
            # (backend/lib/sqlite/base.py), so no writer starves on the busy timeout.
            "ENGINE": "backend.lib.sqlite",
            "NAME": os.environ.get("IMPULSA_SQLITE_PATH", str(VAR_DIR / "impulsa.sqlite3")),
            # Each server thread keeps its connection: opening one (and running the pragmas
            # below) cost 1.5 ms of every request, a tenth of a ledger write.
            "CONN_MAX_AGE": envint("IMPULSA_SQLITE_CONN_MAX_AGE", 600),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("IMPULSA_SQLITE_TIMEOUT", 20),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    f"PRAGMA synchronous={SQLITE_SYNCHRONOUS};"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-32000;"
                    "PRAGMA temp_store=MEMORY;"
                ),
            },
            # Tests use a file too, not shared-cache memory: concurrency tests need SQLite's
            # real locking (WAL, busy timeout), which in-memory shared cache does not have.
            # One file per test process, so parallel runs never share one.
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"impulsa-test-{os.getpid()}.sqlite3")
            },
        }
    }
# A read replica (a PostgreSQL streaming standby) for report computation and exports: only
# reads inside `backend.lib.dbrouter.replica_reads()` go there, while it answers and lags less
# than IMPULSA_REPLICA_MAX_LAG seconds; otherwise they fall back to the primary and
# /api/v1/health says why. Every write, and every other read, stays on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
IMPULSA_REPLICA_MAX_LAG = float(os.environ.get("IMPULSA_REPLICA_MAX_LAG") or 30)
IMPULSA_REPLICA_CHECK_SECONDS = float(os.environ.get("IMPULSA_REPLICA_CHECK_SECONDS") or 5)
if DATABASE_REPLICA_URL:
    if not DATABASE_URL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL is set without DATABASE_URL: a replica needs a primary."
        )
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A standby that is down must not hold a report for the operating system's TCP timeout.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = envint(
        "IMPULSA_REPLICA_CONNECT_TIMEOUT", 3
    )
    # The tests' database is the primary's: the replica follows it, it is never created.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["backend.lib.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits) ----------------------------------------------------------------------
# A file cache is shared by every worker process on one machine; a scaled-out deployment sets
# IMPULSA_CACHE_URL to a shared Redis so that rate limits hold across servers.
CACHE_URL = os.environ.get("IMPULSA_CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Sessions live in the database (shared by every server). With IMPULSA_SESSION_CACHE=1 and a
# shared cache, reads are served from the cache and every write still reaches the database.
if envbool("IMPULSA_SESSION_CACHE") and CACHE_URL.startswith("redis://"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Background tasks -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "backend.accounts.adapter.AccountAdapter"
HEADLESS_ADAPTER = "backend.accounts.adapter.HeadlessAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# Phone or email (at least one, checked by allauth); staff accounts made by admins have no phone.
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1"]
ACCOUNT_SIGNUP_FORM_CLASS = "backend.accounts.forms.SignupRequirements"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = envint("IMPULSA_SMS_CODE_TIMEOUT", 10 * 60)
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = envint("IMPULSA_SMS_CODE_TIMEOUT", 10 * 60)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
# Asking for a sign-in code with neither a phone nor an email is invalid input, not a crash.
ACCOUNT_FORMS = {"request_login_code": "backend.accounts.headless.RequestLoginCodeForm"}
ACCOUNT_SESSION_REMEMBER = False
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# Every endpoint that sends an SMS is held to a few a minute per phone and per address:
# messages cost money and a flood of codes is an attack on the person who owns the phone.
ACCOUNT_RATE_LIMITS = {
    "login": "20/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip",
    "request_login_code": "3/m/ip,3/10m/key",
    "verify_phone": "1/30s/key,3/m/ip",
    "change_phone": "1/m/user",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "10/m/ip",
    "confirm_email": "1/3m/key",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
_PRODUCTION_RATE_LIMITS = dict(ACCOUNT_RATE_LIMITS)
if TESTING:
    ACCOUNT_RATE_LIMITS = {}  # one test (test_phone_flow) puts the real limits back
HEADLESS_CLIENTS = ("app",)
HEADLESS_ONLY = False
HEADLESS_SERVE_SPECIFICATION = True
# App session tokens keep the idle and absolute lifetimes of portal sessions (see below).
HEADLESS_TOKEN_STRATEGY = "backend.lib.sessions.AppSessionTokenStrategy"  # noqa: S105 (a class path)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Impulsa"
# Staff and donor viewers must have TOTP before they see any data. Only a DEBUG deployment may
# switch this off (never production); `make run` keeps it on and pre-enrolls the demo staff.
IMPULSA_MFA_REQUIRED = envbool("IMPULSA_MFA_REQUIRED", True) or not DEBUG

# Sessions: an idle lifetime (renewed on activity) and an absolute one, for portal cookies
# (middleware) and app session tokens (backend.lib.sessions.AppSessionTokenStrategy) alike.
SESSION_COOKIE_AGE = envint("IMPULSA_SESSION_IDLE_SECONDS", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
IMPULSA_SESSION_ABSOLUTE_SECONDS = envint("IMPULSA_SESSION_ABSOLUTE_SECONDS", 30 * 24 * 3600)

# --- SMS --------------------------------------------------------------------------------------
# "console" prints, "file" appends JSON lines to IMPULSA_SMS_FILE, anything else is a dotted
# path to a class with send(phone, message) (a real provider's adapter).
IMPULSA_SMS_BACKEND = os.environ.get("IMPULSA_SMS_BACKEND", "console")
IMPULSA_SMS_FILE = os.environ.get("IMPULSA_SMS_FILE", str(VAR_DIR / "sms.jsonl"))

# Local runs print mail to the console; production sends through SMTP.
MAILERS: dict[str, dict[str, Any]]
if DEBUG or TESTING or os.environ.get("DJANGO_EMAIL_BACKEND"):
    MAILERS = {
        "default": {
            "BACKEND": os.environ.get(
                "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
            )
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": envint("DJANGO_EMAIL_PORT", 25),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("DJANGO_EMAIL_USE_TLS", False),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Impulsa <no-reply@impulsa.invalid>"
)

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("pt-br", _("Brazilian Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "backend" / "static"]
STORAGES = {
    # Media is private: never under STATIC_ROOT, never served by a URL of its own; views that
    # check access stream it.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media"), "base_url": "/_private-media/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Object storage (any S3-compatible store) instead of the local disk: set IMPULSA_S3_BUCKET.
# Objects are private; nothing ever links to them: the same views that check access read the
# bytes from the bucket and stream them, so no public or pre-signed URL is ever handed out.
IMPULSA_S3_BUCKET = os.environ.get("IMPULSA_S3_BUCKET", "")
if IMPULSA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": IMPULSA_S3_BUCKET,
            "endpoint_url": os.environ.get("IMPULSA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("IMPULSA_S3_REGION") or None,
            # Empty keys: boto3's own chain (instance role, AWS_* variables) provides them.
            "access_key": os.environ.get("IMPULSA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("IMPULSA_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("IMPULSA_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_expire": 60,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("IMPULSA_MAX_BODY_BYTES", 2_621_440)
# A participant list uploaded on the portal's import pages (backend/programmes/onboarding.py).
IMPULSA_IMPORT_MAX_BYTES = envint("IMPULSA_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = [
    # Phone is a login method but optional at sign-up on purpose: staff accounts made by
    # admins sign in by email; participants sign up by phone (tested in test_phone_flow).
    "account.W001",
]
if not envbool("DJANGO_HSTS_PRELOAD", False):
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # preload is an opt-in commitment

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100
IMPULSA_API_THROTTLE_ANON = os.environ.get("IMPULSA_API_THROTTLE_ANON", "60/min")
IMPULSA_API_THROTTLE_USER = os.environ.get("IMPULSA_API_THROTTLE_USER", "600/min")
# How many proxies (load balancers) stand in front of the app servers; the client's address is
# the X-Forwarded-For entry the outermost one wrote; 0 ignores the header (lib/ratelimit.py).
IMPULSA_TRUSTED_PROXIES = envint("IMPULSA_TRUSTED_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = IMPULSA_TRUSTED_PROXIES
NINJA_NUM_PROXIES = IMPULSA_TRUSTED_PROXIES
# Tombstones of deleted or voided records are kept this long; a device that has not synced for
# longer must reset its local data (nothing on the server is lost).
IMPULSA_SYNC_TOMBSTONE_DAYS = envint("IMPULSA_SYNC_TOMBSTONE_DAYS", 180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IMPULSA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Disclosure control ---------------------------------------------------------------------
# Counts from 1 to K-1 are never shown to donor viewers. K may be raised, never set below 3.
IMPULSA_DISCLOSURE_K = envint("IMPULSA_DISCLOSURE_K", 5)
if IMPULSA_DISCLOSURE_K < 3:
    raise ImproperlyConfigured("IMPULSA_DISCLOSURE_K must be 3 or more.")

# --- Payments ------------------------------------------------------------------------------
# Without both keys the fund pages say plainly that online giving is not set up.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
