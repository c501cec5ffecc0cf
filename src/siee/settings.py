"""One settings module, configured by SIEE_* environment variables with safe development defaults."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from siee.lib.env import ConfigError, envbool, envint, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent.parent  # the checkout, when installed in editable mode

DATA_DIR = Path(envstr("SIEE_DATA_DIR") or (Path.cwd() / "data")).resolve()


def _default_reference_dir() -> Path | None:
    for candidate in (Path.cwd() / ".." / "shared" / "data", SOURCE_ROOT / ".." / "shared" / "data"):
        if candidate.is_dir():
            return candidate.resolve()
    return None


_ref = envstr("SIEE_REFERENCE_DIR")
# An empty SIEE_REFERENCE_DIR means "use only the built-in starter set".
REFERENCE_DIR: Path | None = (Path(_ref).resolve() if _ref else None) if _ref is not None else _default_reference_dir()

DEBUG = envbool("SIEE_DEBUG", True)
SECRET_KEY = envstr("SIEE_SECRET_KEY") or ("dev-insecure-key-change-me" if DEBUG else None)
if not SECRET_KEY:
    raise ConfigError("SIEE_SECRET_KEY is required when SIEE_DEBUG is false")
ALLOWED_HOSTS = [h.strip() for h in (envstr("SIEE_ALLOWED_HOSTS") or "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in (envstr("SIEE_CSRF_TRUSTED_ORIGINS") or "").split(",") if o]

DEFAULT_COUNTRY = (envstr("SIEE_COUNTRY") or "CO").upper()
DEMO_TERRITORY = envstr("SIEE_DEMO_TERRITORY") or "68001,68276,68307,68547"

IMPORT_MAX_BYTES = envint("SIEE_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Observatory: cells under this many people are never published; facts rebuilt when their sources gain rows.
SIEE_DISCLOSURE_THRESHOLD = max(1, envint("SIEE_DISCLOSURE_THRESHOLD", 5))
SIEE_OBSERVATORY_AUTO_REFRESH = envbool("SIEE_OBSERVATORY_AUTO_REFRESH", True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "siee.core",
    "siee.taxonomy",
    "siee.people",
    "siee.employers",
    "siee.matching",
    "siee.intermediation",
    "siee.observatory",
    "siee.training",
    "siee.enterprise",
    "siee.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "siee.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "siee.urls"
WSGI_APPLICATION = "siee.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "siee.web.context.navigation",
            ]
        },
    }
]

_db_url = envstr("SIEE_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'siee.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SIEE_TEST_SQLITE_NAME") or None}

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = envstr("SIEE_TIME_ZONE") or "America/Bogota"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SIEE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = envstr("SIEE_EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("SIEE_LOG_LEVEL") or "WARNING"},
}
