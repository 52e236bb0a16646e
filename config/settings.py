"""Passerelle settings: one module, read from the environment.

Embedded default (nothing set): SQLite, Celery tasks run eagerly in-process, local-memory cache,
e-mail printed on the console. Real services when configured: DATABASE_URL (PostgreSQL),
REDIS_URL (Celery broker and cache), EMAIL_HOST (SMTP).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used with DEBUG on, on a developer's machine (make demo).
    SECRET_KEY = "django-insecure-local-demo-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    # Before django.forms: its widget templates (checkbox and radio groups) replace Django's.
    "dsfr",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",  # French country names (beneficiaries: nationalities)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_guid",
    "effects",
    "partners",
    "beneficiaries",
    "referrals",
    "governance",
    "exchange",
    "web",
]
# Development data (load_demo, bench_bilan, the tests' builder): never installed in production.
if DEBUG or env_bool("DEVDATA"):
    INSTALLED_APPS.append("devdata")

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "config.headers.NoStoreMiddleware",  # no-store on every signed-in and API answer
    "csp.middleware.CSPMiddleware",
    "config.errors.FrenchErrorPagesMiddleware",
    "config.errors.RejectNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.logs.UserIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partners.middleware.ActiveMembershipMiddleware",
    "partners.sessions.SessionTimeoutMiddleware",
    "partners.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "config.context_processors.site",
            ],
        },
    }
]
# Forms render with the DSFR field templates (django-dsfr ships them).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
DSFR_MARK_OPTIONAL_FIELDS = True

# --- Database ---------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {
                # A Celery worker may write beside the web process: take the write lock at the
                # start of each transaction and wait for it rather than failing at once.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Paris"
# An unacknowledged task comes back after this delay; task time limits stay below it.
BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
if BROKER_VISIBILITY_TIMEOUT < 600:
    # kombu looks for unacknowledged tasks every 10 s but scans only one look in 10 (every
    # 100 s): with a short visibility timeout (drills, tests), scan at every look, more often.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "unacked_restore_interval": max(1, min(10, BROKER_VISIBILITY_TIMEOUT // 5)),
        "unacked_restore_throttle": 1,
    }
# The annual bilan task (governance/tasks.py): hard time limit in seconds, below the visibility
# timeout so that a running task is never handed to a second worker by the broker.
BILAN_TIME_LIMIT = int(os.environ.get("BILAN_TIME_LIMIT", "900"))
if BILAN_TIME_LIMIT >= BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("BILAN_TIME_LIMIT must stay below BROKER_VISIBILITY_TIMEOUT.")
# A worker renews its claim on a report at each step; another worker takes the report over once
# the claim has expired (its worker died). Longer than the hard time limit.
BILAN_CLAIM_SECONDS = int(os.environ.get("BILAN_CLAIM_SECONDS", "0")) or BILAN_TIME_LIMIT + 30
if BILAN_CLAIM_SECONDS <= BILAN_TIME_LIMIT:
    raise ImproperlyConfigured("BILAN_CLAIM_SECONDS must exceed BILAN_TIME_LIMIT.")
# When the bilan of the past year is requested for each agreement in force (15 January, 6:00).
BILAN_SCHEDULE_MONTH = int(os.environ.get("BILAN_SCHEDULE_MONTH", "1"))
BILAN_SCHEDULE_DAY = int(os.environ.get("BILAN_SCHEDULE_DAY", "15"))
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "partners.tasks.heartbeat", "schedule": 60.0},
    "beneficiaries-retention": {
        "task": "beneficiaries.tasks.apply_retention",
        "schedule": 24 * 60 * 60.0,
    },
    "referral-reminders": {"task": "referrals.tasks.send_overdue_reminders", "schedule": 3600.0},
    "referral-escalation": {"task": "referrals.tasks.escalate_unanswered", "schedule": 3600.0},
    "referral-person-reminders": {"task": "referrals.tasks.remind_people", "schedule": 3600.0},
    "referral-documents-erasure": {
        "task": "referrals.tasks.erase_expired_documents",
        "schedule": 24 * 60 * 60.0,
    },
    "yearly-draft-bilans": {
        "task": "governance.tasks.request_yearly_bilans",
        "schedule": crontab(
            minute=0,
            hour=6,
            day_of_month=BILAN_SCHEDULE_DAY,
            month_of_year=BILAN_SCHEDULE_MONTH,
        ),
    },
    "requeue-stale-bilans": {"task": "governance.tasks.requeue_stale_bilans", "schedule": 600.0},
    "effects-relay": {"task": "effects.tasks.relay", "schedule": 60.0},
    "news-digest": {
        "task": "governance.tasks.send_news_digests",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
    "stuck-imports": {"task": "beneficiaries.tasks.fail_stuck_imports", "schedule": 120.0},
    "purge-audit": {"task": "partners.tasks.purge_audit", "schedule": crontab(minute=30, hour=3)},
    "purge-exports": {"task": "partners.tasks.purge_exports", "schedule": 3600.0},
}
# The beat process records its own heartbeat (/health/ reports it apart from the worker's).
CELERY_BEAT_SCHEDULER = "config.celery:HeartbeatScheduler"
# Broker down: publishing gives up within a second (the outbox row waits for the relay) instead
# of holding the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# --- Outbox (effects/outbox.py) ---------------------------------------------------------------
# A failed effect (e-mail) is tried again after 1, 2, 4… times EFFECT_RETRY_SECONDS, at most
# EFFECT_MAX_ATTEMPTS times in all; then it is listed as failed in the admin.
EFFECT_RETRY_SECONDS = int(os.environ.get("EFFECT_RETRY_SECONDS", "60"))
EFFECT_MAX_ATTEMPTS = int(os.environ.get("EFFECT_MAX_ATTEMPTS", "8"))
# The relay hands over again an effect the broker refused after this grace period, and one the
# broker took but no worker ran after EFFECT_RESEND_SECONDS (a broker restarted empty).
EFFECT_RELAY_GRACE_SECONDS = int(os.environ.get("EFFECT_RELAY_GRACE_SECONDS", "30"))
EFFECT_RESEND_SECONDS = int(os.environ.get("EFFECT_RESEND_SECONDS", "900"))
EFFECT_RUNNING_SECONDS = int(os.environ.get("EFFECT_RUNNING_SECONDS", "600"))
EFFECT_RELAY_BATCH = 500
# An import whose worker gave no sign of life for this long is failed and its text erased.
IMPORT_STALE_SECONDS = int(os.environ.get("IMPORT_STALE_SECONDS", "300"))
# /health/: the worker and beat heartbeats older than this count as down.
HEALTH_HEARTBEAT_MAX_AGE = int(os.environ.get("HEALTH_HEARTBEAT_MAX_AGE", "180"))

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # French passwords people choose (azertyuiop12, motdepasse123…): partners/passwords.py.
    {"NAME": "partners.passwords.FrenchCommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 3600  # the reset link expires within an hour

# Failed logins are throttled per account (not per IP: many counsellors share an office
# address), with a cool-off rather than a permanent lockout.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# One counter per account however its address is written (case, spaces): partners/accounts.py.
AXES_USERNAME_CALLABLE = "partners.accounts.axes_username"
AXES_WHITELIST_CALLABLE = "partners.accounts.axes_not_counted"
AXES_LOCKOUT_CALLABLE = "partners.accounts.lockout_response"  # JSON 429 for the API
AXES_VERBOSE = False
# axes.W006 asks for the IP address too; deliberately not: counsellors of one agency share one
# public address, and a lock per address would let one person's typos lock out a whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after 30 minutes without a request and 12 hours after sign-in, whatever happens
# (partners/sessions.py); the cookie lasts no longer than the absolute limit.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
# Password-reset requests: at most this many per address and per IP address an hour (the same
# answer beyond, and for an unknown address).
PASSWORD_RESET_PER_ADDRESS = 3
PASSWORD_RESET_PER_IP = 20

# API tokens (partners/tokens.py): stored hashed, shown once, valid this many days.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# Second factor (django-otp, partners/second_factor.py): TOTP with recovery codes, required for
# platform admins and coordinators, offered to everyone. No switch: required everywhere.
OTP_TOTP_ISSUER = "Passerelle"

# ProConnect (OpenID Connect, partners/proconnect.py): a login option once configured.
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")
# The provider's base URL, e.g. https://auth.agentconnect.gouv.fr/api/v2 (its endpoints follow).
PROCONNECT_BASE_URL = os.environ.get("PROCONNECT_BASE_URL", "").rstrip("/")
PROCONNECT_ENABLED = bool(PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET and PROCONNECT_BASE_URL)
OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = PROCONNECT_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROCONNECT_BASE_URL}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{PROCONNECT_BASE_URL}/token"
OIDC_OP_USER_ENDPOINT = f"{PROCONNECT_BASE_URL}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{PROCONNECT_BASE_URL}/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email given_name usual_name uid"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # accounts are linked by an admin's invitation, never created here
OIDC_AUTHENTICATION_CALLBACK_URL = "proconnect_callback"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/connexion/"
if PROCONNECT_ENABLED:
    AUTHENTICATION_BACKENDS.append("partners.proconnect.ProConnectBackend")

# The audit log: rows older than this are purged every night (partners.tasks.purge_audit).
AUDIT_RETENTION_MONTHS = int(os.environ.get("AUDIT_RETENTION_MONTHS", "12"))

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.logs.LoggedTokenAuthentication",  # hashed, expiring tokens (partners/tokens.py)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Pages by number; by cursor on (updated_at, id) with ``updated_since`` (incremental sync).
    "DEFAULT_PAGINATION_CLASS": "partners.api_sync.SyncPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api_guards.FailOpenAnonRateThrottle",
        "config.api_guards.FailOpenUserRateThrottle",
    ],
    # The browsable API's HTML forms list related records: never in production.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": [
        "config.api_guards.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "30/minute"),
        "user": os.environ.get("API_USER_RATE", "2000/hour"),
    },
    "UNAUTHENTICATED_USER": None,
}
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
API_MAX_JSON_DEPTH = 20
SPECTACULAR_SETTINGS = {
    "TITLE": "Passerelle API",
    "DESCRIPTION": (
        "Échange automatisé de données entre les partenaires de l'accord (axe 3). Guide, "
        "synchronisation, webhooks et CHANGELOG : docs/api.md. Les champs sont ajoutés, "
        "jamais renommés."
    ),
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Served from our own static files: no third-party CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per shared choice set (drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "referrals.models.Status",
        "RefusalReasonEnum": "referrals.models.RefusalReason",
        "OutcomeEnum": "referrals.models.Outcome",
        "ReferralDocumentKindEnum": "referrals.models.Document.Kind",
        "WebhookEventEnum": "exchange.models.Event",
    },
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Uploaded documents (amendments…): checked by content, at most this size (core/uploads.py).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible storage for bilans and uploads (django-storages reads AWS_* variables).
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, which boto3 reads itself.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- E-mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Passerelle <ne-pas-repondre@passerelle.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp): our own scripts and styles only, no inline script, handler
# or style (static/js/, static/css/). Images and fonts may be data: URIs (DSFR's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging: JSON lines with a request id and a user id, never a name (config/logs.py) --------
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # "text" for a developer's console
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "config.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "config.logs.ScrubbingJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(user_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {
            "()": "config.logs.ScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        # runserver's request lines: through the same scrubbing handler, not Django's own.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# One id per request, taken from a valid incoming X-Request-ID (the reverse proxy's) or made here,
# returned in the response and written on every log line.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "RETURN_HEADER": True}

# Error tracking (Sentry or a compatible service such as GlitchTip), off unless SENTRY_DSN is set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    from .logs import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- Domain settings --------------------------------------------------------------------------
PASSERELLE_SITE_TITLE = "Passerelle"
REFERRAL_ANSWER_WORKING_DAYS = int(os.environ.get("REFERRAL_ANSWER_WORKING_DAYS", "10"))
RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))

# Exports (issue "Scale"): above this many rows a list is exported by a background job, whose
# file its requester may download for EXPORT_FILE_HOURS.
EXPORT_JOB_THRESHOLD = int(os.environ.get("EXPORT_JOB_THRESHOLD", "5000"))
EXPORT_FILE_HOURS = int(os.environ.get("EXPORT_FILE_HOURS", "24"))
# Fault injection for the worker-crash test only (tests/bilan/test_worker_services.py):
# "<step>:<seconds>" makes the bilan task sleep once it has reached that step. Empty in production.
BILAN_FAULT_PAUSE = os.environ.get("BILAN_FAULT_PAUSE", "")
