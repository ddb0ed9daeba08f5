"""Leerpad's one settings file.

Every setting comes from the environment (or a `.env` file beside the checkout) with a
safe local default, so `make run` needs no configuration. `.env.example` documents each
variable. `LEERPAD_ENV=production` switches on the hardening that
`manage.py check --deploy` asks for.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where local state lives: the SQLite database, uploads, backups, the generated secret key.
VAR_DIR = Path(env.str("LEERPAD_VAR_DIR", default=str(BASE_DIR / "var")))

LEERPAD_ENV = env.str("LEERPAD_ENV", default="local")
PRODUCTION = LEERPAD_ENV == "production"
DEBUG = env.bool("LEERPAD_DEBUG", default=False)


def _secret_key() -> str:
    """The secret key from the environment, or one generated once per local install.

    Production must set it explicitly; a local install keeps a generated key in VAR_DIR
    so sessions survive restarts without anyone having to invent a key.
    """
    configured: str = env.str("LEERPAD_SECRET_KEY", default="")
    if configured or PRODUCTION:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS: list[str] = env.list("LEERPAD_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("LEERPAD_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL: str = env.str("LEERPAD_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # For its static files: the API docs page uses the Swagger UI it ships (no CDN).
    "ninja",
    # Leerpad's own apps, in dependency order: core <- accounts <- domain apps.
    "leerpad.core",
    "leerpad.accounts",
    "leerpad.lrs",
    "leerpad.skills",
    "leerpad.search",
    "leerpad.catalog",
    "leerpad.quizzes",
    "leerpad.paths",
    "leerpad.recommend",
    "leerpad.privacy",
    "leerpad.analytics",
    "leerpad.campaigns",
    # The LD&M team's workspace (issue 8).
    "leerpad.intake",
    "leerpad.initiatives",
    "leerpad.voice",
    "leerpad.sparks",
    "leerpad.assets",
    "leerpad.reports",
]

MIDDLEWARE = [
    "leerpad.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees failed logins from every view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leerpad.urls"
WSGI_APPLICATION = "leerpad.wsgi.application"
ASGI_APPLICATION = "leerpad.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "leerpad" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leerpad.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default; PostgreSQL (or any Django backend) through DATABASE_URL.
_sqlite_path = VAR_DIR / "leerpad.sqlite3"
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{_sqlite_path}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Writers wait for each other instead of failing with "database is locked".
        "timeout": env.int("LEERPAD_SQLITE_TIMEOUT", default=20),
        # IMMEDIATE takes the write lock at BEGIN, so concurrent transactions queue
        # rather than deadlock when they upgrade from read to write.
        "transaction_mode": "IMMEDIATE",
        # WAL lets readers run while one writer writes; NORMAL sync is safe under WAL.
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
            # A checkpoint (copying the WAL into the database file and syncing it) runs
            # once the WAL holds this many 4 KiB pages. With SQLite's default of 1,000, a
            # batch of statements (hundreds of scattered index pages) caused a sync every
            # other batch; at 10,000 (40 MiB) a page is synced once however many batches
            # changed it in between (docs/lrs.md).
            "PRAGMA wal_autocheckpoint=10000;"
        ),
    }
# Keeping connections open spares each request the connect (and SQLite's PRAGMAs):
# measured, it nearly doubles single-statement xAPI writes.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("LEERPAD_DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and login -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out person before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Rate limiting: after this many failures for one e-mail address from one IP address,
# that pair is locked out for the cool-off period.
AXES_FAILURE_LIMIT = env.int("LEERPAD_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LEERPAD_LOGIN_COOLOFF_HOURS", default=0.25)
# Our login form posts the e-mail address in the field "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env.bool("LEERPAD_LOGIN_RATE_LIMIT", default=True)
# Behind a reverse proxy, the client address comes from X-Forwarded-For.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env.bool("LEERPAD_BEHIND_PROXY", False)
    else ["REMOTE_ADDR"]
)

SESSION_COOKIE_AGE = env.int("LEERPAD_SESSION_AGE_SECONDS", default=14 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# --- E-mail -------------------------------------------------------------------------------
# Local default prints mails to the console log; production sets an SMTP URL.
_email = env.email_url("LEERPAD_EMAIL_URL", default="consolemail://")
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST: str = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT: int = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER: str = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD: str = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS: bool = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL: bool = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("LEERPAD_FROM_EMAIL", default="Leerpad <leerpad@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages ----------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LEERPAD_DEFAULT_LANGUAGE", default="nl")
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "leerpad" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("LEERPAD_TIME_ZONE", default="Europe/Brussels")
LANGUAGE_COOKIE_NAME = "leerpad_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    # Installed by npm at setup (package.json), served by Leerpad itself: no CDN.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
]
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
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- Leerpad -------------------------------------------------------------------------------
# Analytics show aggregates only for groups of at least this many people.
LEERPAD_MIN_GROUP_SIZE = env.int("LEERPAD_MIN_GROUP_SIZE", default=5)
# Largest HR export accepted by the people import, in bytes.
LEERPAD_IMPORT_MAX_BYTES = env.int("LEERPAD_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Largest xAPI request accepted (a batch of statements with attachments), in bytes.
LEERPAD_LRS_MAX_BODY_BYTES = env.int("LEERPAD_LRS_MAX_BODY_BYTES", default=20 * 1024 * 1024)
# The xAPI version named in answers to requests that name none (errors only: every
# valid request names its version).
LEERPAD_LRS_DEFAULT_VERSION = env.str("LEERPAD_LRS_DEFAULT_VERSION", default="2.0.0")
LEERPAD_BACKUP_DIR = Path(env.str("LEERPAD_BACKUP_DIR", default="") or VAR_DIR / "backups")
LEERPAD_DEMO_PASSWORD = env.str("LEERPAD_DEMO_PASSWORD", default="leerpad-demo")

# --- Catalogue and search ---------------------------------------------------------------------
# Largest file L&D may upload to the catalogue (videos, packages), in bytes.
LEERPAD_UPLOAD_MAX_BYTES = env.int("LEERPAD_UPLOAD_MAX_BYTES", default=500 * 1024 * 1024)
# Largest bulk import file (CSV or JSON), in bytes.
LEERPAD_CATALOG_IMPORT_MAX_BYTES = env.int(
    "LEERPAD_CATALOG_IMPORT_MAX_BYTES", default=50 * 1024 * 1024
)
# Where the search index lives; it is rebuilt from the database whenever it is missing.
LEERPAD_SEARCH_DIR = Path(env.str("LEERPAD_SEARCH_DIR", default="") or VAR_DIR / "search")
# Where the analytics store keeps its Parquet files, fed from the LRS by `sync_analytics`;
# it can always be rebuilt from the LRS (`leerpad analytics rebuild`).
LEERPAD_ANALYTICS_DIR = Path(env.str("LEERPAD_ANALYTICS_DIR", default="") or VAR_DIR / "analytics")
# The analytics engine: "duckdb" (Parquet files above) or "clickhouse" (the scale tier at
# LEERPAD_CLICKHOUSE_URL, this installation's rows under LEERPAD_TENANT); docs/analytics.md.
LEERPAD_ANALYTICS_ENGINE = env.str("LEERPAD_ANALYTICS_ENGINE", default="duckdb")
LEERPAD_CLICKHOUSE_URL = env.str("LEERPAD_CLICKHOUSE_URL", default="")
LEERPAD_TENANT = env.str("LEERPAD_TENANT", default="default")
# A local folder with a sentence-embedding model (sentence-transformers format): when set,
# search fuses lexical and semantic rankings. Never downloaded at run time.
LEERPAD_SEARCH_MODEL = env.str("LEERPAD_SEARCH_MODEL", default="")
# Limits for unpacking an e-learning package (SCORM, cmi5): total bytes and number of files.
LEERPAD_PACKAGE_MAX_UNPACKED_BYTES = env.int(
    "LEERPAD_PACKAGE_MAX_UNPACKED_BYTES", default=2 * 1024 * 1024 * 1024
)
LEERPAD_PACKAGE_MAX_FILES = env.int("LEERPAD_PACKAGE_MAX_FILES", default=20_000)

# --- Campaigns ---------------------------------------------------------------------------------
# At most this many campaign messages reach a person in any 7 days, across all campaigns.
LEERPAD_CAMPAIGN_CAP_PER_WEEK = env.int("LEERPAD_CAMPAIGN_CAP_PER_WEEK", default=2)
# Incoming webhooks campaigns post to (empty: the channel fails visibly in the campaign log).
LEERPAD_SLACK_WEBHOOK_URL = env.str("LEERPAD_SLACK_WEBHOOK_URL", default="")
LEERPAD_TEAMS_WEBHOOK_URL = env.str("LEERPAD_TEAMS_WEBHOOK_URL", default="")

# --- Background work --------------------------------------------------------------------------
# Tasks (text extraction, search indexing) queue in the database; `leerpad db_worker` runs
# them (`leerpad serve` starts one). "immediate" runs them inside the request instead.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env.str("LEERPAD_TASKS", default="database")
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"LEERPAD_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {_tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend]}}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("LEERPAD_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("LEERPAD_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("LEERPAD_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a one-way door; staying off the preload list is a deliberate default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # Load balancers probe /healthz over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ----------------------------------------------------------------------------------
LOG_FORMAT = env.str("LEERPAD_LOG_FORMAT", default="") or ("json" if PRODUCTION else "console")
LOG_LEVEL = env.str("LEERPAD_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "leerpad.core.logging.formatter_factory",
            "format": LOG_FORMAT,
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Our own request log replaces Django's per-request lines.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
