"""Settings for Bilateral, all read from the environment (see .env.example)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)

_INSECURE_DEV_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", _INSECURE_DEV_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

if IS_PRODUCTION:
    # A production server that starts with the development key signs sessions anyone can forge.
    if SECRET_KEY == _INSECURE_DEV_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY to a random string of 50+ characters.")
    if not env("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names this server answers to.")

INSTALLED_APPS = [
    # Before the admin: its template adds the "Events" (audit trail) button to every change form.
    "pghistory.admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "agreements.apps.AuditTrailConfig",  # django-pghistory
    "agreements",
]

MIDDLEWARE = [
    "bilateral.middleware.RequestIdMiddleware",
    "bilateral.middleware.RefuseNulBytesMiddleware",
    "bilateral.middleware.AdminNumberTooLargeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "agreements.audit_events.AuditContextMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "bilateral.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "bilateral.wsgi.application"

# PostgreSQL only. DATABASE_URL points at a real server; without it, an embedded PostgreSQL is
# started in a git-ignored folder of the project (development and tests on a fresh machine).
if env("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True
        )
    }
    # An unreachable server fails the request in seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        env("DATABASE_CONNECT_TIMEOUT", "5")
    )
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
else:
    from bilateral.embedded_db import start as start_embedded_postgres

    DATABASES = {"default": start_embedded_postgres(BASE_DIR / ".embedded-postgres")}

# A request that fails half-way leaves the database as it was.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Requests run short queries; starting parallel workers for them costs more than it saves (the
# busiest pair's list at 1M instruments: 69 ms with them, 31 ms without; docs/performance.md).
# The server-side cursors (CSV exports, choice lists) are read to the end: plan them for all
# their rows, not for the first tenth (the CSV of 10,000 recently changed instruments at 1M:
# 1.9 s planned for the first rows, walking the list's order index; docs/performance.md).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    "-c max_parallel_workers_per_gather=0 -c cursor_tuple_fraction=1"
)

# The cache every process shares (throttles, remembered counts, cached API answers;
# bilateral/cache.py, docs/deploy.md): Redis when CACHE_URL names one (redis://host:6379/0),
# otherwise a table in the same PostgreSQL (`migrate` creates it), so that one command still
# runs everything and N processes still count one throttle.
CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "bilateral.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that does not answer costs a request a quarter of a second, once.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bilateral_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# British English: dates read "27 Jan 2026" everywhere (admin, pages, messages), the calendar
# widget's week starts on Monday. What is typed into a date field is ISO first (2026-01-27, which
# the calendar widget writes and no reader misreads), see bilateral/formats/.
LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["bilateral.formats"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# With DEBUG off nothing else serves them: whitenoise does (compressed, cached forever under
# hashed names in production, after `collectstatic`; straight from the apps' folders otherwise, for
# a staging server or a look at the 404 page that never ran `collectstatic`).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Documents (the texts attached to instruments and meetings, agreements/documents/): a folder
# of the project by default (git-ignored; a volume in docker-compose.yml), an S3-compatible bucket
# when DOCUMENTS_S3_BUCKET is set. Either way they are never served from a public URL: only the
# download view streams them, to logged-in users allowed to read them (MEDIA_URL is not served).
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")
DOCUMENTS_S3_BUCKET = env("DOCUMENTS_S3_BUCKET")
if DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            # Any S3-compatible service (MinIO, Ceph, a cloud's object storage): its address.
            "endpoint_url": env("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": env("DOCUMENTS_S3_REGION") or None,
            # Unset: boto3 finds credentials itself (instance role, AWS_* variables, ~/.aws).
            "access_key": env("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            "location": env("DOCUMENTS_S3_PREFIX", "documents"),
            # Private objects; two uploads never overwrite each other.
            "default_acl": "private",
            "file_overwrite": False,
            "addressing_style": env("DOCUMENTS_S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "documents", "file_permissions_mode": 0o640},
    }
# The largest document accepted, in bytes.
DOCUMENT_MAX_BYTES = int(env("DOCUMENT_MAX_MB", "25")) * 1_000_000

# The largest register (CSV or Excel) `import_register` and the admin's Import accept.
REGISTER_IMPORT_MAX_BYTES = int(env("REGISTER_IMPORT_MAX_MB", "20")) * 1_000_000

LOGIN_URL = "admin:login"
# After logging in without a `next` (or with one refused as off-site): the managers' home page,
# not Django's /accounts/profile/, which does not exist here.
LOGIN_REDIRECT_URL = "home"

# The ministry's own state (ISO 3166-1 alpha-2, optional): first in every pair's name.
HOME_STATE = env("HOME_STATE").strip().upper()
if HOME_STATE and not (len(HOME_STATE) == 2 and HOME_STATE.isascii() and HOME_STATE.isalpha()):
    raise ImproperlyConfigured("HOME_STATE is an ISO 3166-1 alpha-2 code, such as KZ.")

# Where links in e-mails point to.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The worker (manage.py run_worker) sends the digest on this weekday (0 = Monday), from this hour.
DIGEST_WEEKDAY = int(env("DIGEST_WEEKDAY", "0"))
DIGEST_HOUR = int(env("DIGEST_HOUR", "7"))

# The radar (agreements/radar.py): a signed or provisionally applied instrument not in force after
# this many months is listed as stalled.
STALLED_AFTER_MONTHS = int(env("STALLED_AFTER_MONTHS", "12"))

# The state whose relationships the coverage grid shows first (an ISO 3166-1 alpha-2 code, such
# as KZ); empty: the page asks which.
HOME_STATE = env("HOME_STATE").upper()

# E-mail (the weekly digest): printed to the console unless an SMTP server is configured.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "bilateral@localhost")
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

REST_FRAMEWORK = {
    # Programs send "Authorization: Token <key>" (knox: hashed at rest, expiring, revocable);
    # a browser logged in to the admin uses its session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agreements.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["agreements.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "agreements.api.filtering.FilterBackend",
        "agreements.api.ordering_tie_break.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "agreements.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "agreements.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "agreements.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Programs send JSON; the browsable forms of DRF are not offered.
    "DEFAULT_PARSER_CLASSES": ["agreements.api.parsers.JSONParser"],
    # JSON out (and CSV on the lists): the schema's `format` lists exactly these, and any other
    # `?format=` (DRF's browsable `api` included) answers 404.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Per user (or per address, for anonymous requests and for failed tokens): enough for a
    # program syncing the data, too little for guessing.
    "DEFAULT_THROTTLE_CLASSES": [
        "agreements.api.throttles.AnonRateThrottle",
        "agreements.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "60/minute"),
        "user": env("API_THROTTLE_USER", "1200/minute"),
        "failed_token": env("API_THROTTLE_FAILED_TOKEN", "20/hour"),
    },
}

REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=int(env("API_TOKEN_TTL_DAYS", "90"))),
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bilateral API",
    "DESCRIPTION": (
        "What two states agree to and whether it happens: instruments from intent to in force, "
        "the meetings where they are agreed, and the follow-ups promised there."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The docs page loads Swagger UI from this server (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "agreements.api.schema.document_errors",
    ],
    # Three lifecycles share field names (status, from_status, to_status): name each choice set.
    "ENUM_NAME_OVERRIDES": {
        "InstrumentStatusEnum": "agreements.models.Instrument.Status",
        "MeetingStatusEnum": "agreements.models.Meeting.Status",
        "MeetingKindEnum": "agreements.models.Meeting.Kind",
        "InstrumentKindEnum": "agreements.models.Instrument.Kind",
        "DocumentKindEnum": "agreements.models.Document.Kind",
        "FollowUpStatusEnum": "agreements.models.FollowUpAction.Status",
        "StateCodeEnum": "agreements.lists.pairs.STATE_CODES",
    },
}

# Brute force on the login page (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# user name from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
# The page says when the user may try again (bilateral/lockout.py); trying while locked out does
# not restart the cool-off, or that time would be a lie and a user retrying stays locked forever.
AXES_LOCKOUT_CALLABLE = "bilateral.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# The client's address, for the lockout and every API throttle alike (bilateral/client_address.py):
# the connection's, or with N trusted proxies in front the N-th X-Forwarded-For entry from the
# right. Unset or 0: X-Forwarded-For is ignored, since anyone can write it.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT") or "0")
AXES_CLIENT_IP_CALLABLE = "bilateral.client_address.client_address"
# DRF's own reading, for anything of DRF's that still asks: the same count.
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

# The audit trail (django-pghistory) groups the writes of a request; reads record nothing.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The admin's "Events" page (analysts and managers): who, from which URL, and what changed.
PGHISTORY_ADMIN_MODEL = "pghistory.MiddlewareEvents"
PGHISTORY_ADMIN_CLASS = "agreements.audit_events.AuditEventsAdmin"

# A strict Content-Security-Policy everywhere (not only in production, so that development and
# the browser tests meet it): no inline script or style, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    # The application serves its own static files whenever Django's development server does not.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    WHITENOISE_USE_FINDERS = not IS_PRODUCTION

if IS_PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers and container health checks ask over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Logs: readable lines in development, one JSON object per line in production, each with the
# id of the request it belongs to (also sent back in the X-Request-ID header).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bilateral.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if IS_PRODUCTION or env_bool("LOG_JSON") else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # The embedded development server narrates every start and stop.
    # django-axes tells of every login at INFO; failures and lockouts come at WARNING.
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
