"""Configuration read from environment variables, validated once at start."""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

STATIC_DIR = Path(__file__).resolve().parent / "static"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable application."""


def _instance_secret_key(instance_path: Path) -> str:
    # Development only: keep one generated key per checkout so sessions
    # survive restarts without anyone having to export a variable.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Route plain postgres:// URLs through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def trusted_hosts(setting, public_host: str, production: bool) -> list[str] | None:
    """The host names requests may carry, or None for any (Flask answers 400 to the others)."""
    if isinstance(setting, str):
        setting = [host.strip().lower() for host in setting.split(",") if host.strip()]
    if setting:
        return None if setting == ["*"] else list(setting)
    # Development: also what `make run` and the test client use.
    return [public_host] if production else list(dict.fromkeys([public_host, "localhost", "127.0.0.1"]))


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    env = os.environ
    overrides = dict(overrides or {})
    production = (overrides.get("ENV") or env.get("CRM_ENV", "development")) == "production"
    config = {
        "ENV": "production" if production else "development",
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'crm.sqlite3'}"
        ),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "BABEL_DEFAULT_LOCALE": env.get("CRM_DEFAULT_LOCALE", "en"),
        "BABEL_DEFAULT_TIMEZONE": env.get("CRM_DEFAULT_TIMEZONE", "UTC"),
        "PER_PAGE": int(env.get("CRM_PER_PAGE", "25")),
        "MAX_CONTENT_LENGTH": int(env.get("CRM_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "ATTACHMENTS_DIR": str(Path(env.get("CRM_ATTACHMENTS_DIR") or instance_path / "attachments").resolve()),
        # Where attachments and emblems are kept (crm.storage): "local", the folder ATTACHMENTS_DIR, or "s3", an
        # S3-compatible object store (credentials as boto3 finds them: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
        "STORAGE": env.get("CRM_STORAGE", "local").strip().lower(),
        "S3_BUCKET": env.get("CRM_S3_BUCKET") or None,
        "S3_ENDPOINT_URL": env.get("CRM_S3_ENDPOINT_URL") or None,  # none: AWS itself
        "S3_REGION": env.get("CRM_S3_REGION") or None,
        "S3_PREFIX": env.get("CRM_S3_PREFIX", ""),  # keys under this prefix, e.g. "crm/" (a shared bucket)
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": None,
        # Outgoing mail: SMTP when MAIL_SERVER is set, else .eml files in MAIL_OUTBOX.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "Sister City CRM <no-reply@localhost>"),
        "MAIL_OUTBOX": env.get("MAIL_OUTBOX") or str(instance_path / "outbox"),
        "GUEST_INVITATION_DAYS": int(env.get("CRM_INVITATION_DAYS", "7")),
        "PDF_TIMEOUT_SECONDS": float(env.get("CRM_PDF_TIMEOUT_SECONDS", "60")),
        "PDF_MEMORY_MB": int(env.get("CRM_PDF_MEMORY_MB", "2048")),
        # Rate limits are counted in Redis when REDIS_URL is set, so every worker shares them.
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        # Caches every host shares are kept in REDIS_URL's Redis (crm/redis_client.py) under keys with this prefix.
        "REDIS_PREFIX": env.get("CRM_REDIS_PREFIX", "crm:"),
        "RATELIMIT_ENABLED": env.get("CRM_RATELIMIT_ENABLED", "true").lower() in ("1", "true", "yes"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Requests each API token may make, across every /api/v1 endpoint.
        "API_RATE_LIMIT": env.get("CRM_API_RATE_LIMIT", "120 per minute"),
        # The public face (issue 23): how long browsers and proxies may keep an anonymous visitor's public page or
        # feed (seconds), and the requests each address may make to them (Flask-Limiter notation).
        "PUBLIC_MAX_AGE": int(env.get("CRM_PUBLIC_MAX_AGE", "300")),
        "PUBLIC_RATE_LIMIT": env.get("CRM_PUBLIC_RATE_LIMIT", "300 per minute"),
        # Writes each guest (and each user creating API tokens) may make, per user; Flask-Limiter notation.
        "GUEST_ENGAGEMENT_LIMIT": env.get("CRM_GUEST_ENGAGEMENT_LIMIT", "30 per hour; 200 per day"),
        "GUEST_COMMENT_LIMIT": env.get("CRM_GUEST_COMMENT_LIMIT", "60 per hour; 300 per day"),
        "GUEST_UPLOAD_LIMIT": env.get("CRM_GUEST_UPLOAD_LIMIT", "20 per hour; 100 per day"),
        "GUEST_PROPOSAL_LIMIT": env.get("CRM_GUEST_PROPOSAL_LIMIT", "30 per hour; 100 per day"),
        "API_TOKEN_CREATE_LIMIT": env.get("CRM_API_TOKEN_CREATE_LIMIT", "10 per hour; 30 per day"),
        # Disk space the files guests upload may take per partnership (their sizes added up), in MB.
        "GUEST_UPLOAD_QUOTA_MB": int(env.get("CRM_GUEST_UPLOAD_QUOTA_MB", "200")),
        # PDF worker processes, and how many renders one user may have in flight in each web process.
        "PDF_WORKERS": int(env.get("CRM_PDF_WORKERS", "2")),
        "PDF_RENDERS_PER_USER": int(env.get("CRM_PDF_RENDERS_PER_USER", "1")),
        # Each web process starts its PDF workers, compiles its templates and opens the gazetteer's index in the
        # background as gunicorn starts it (crm/documents/warming.py); on by default in production.
        "PDF_WARM_AT_START": env.get("CRM_PDF_WARM_AT_START", "true" if production else "false").lower()
        in ("1", "true", "yes"),
        # The city picker's gazetteer index (SQLite, ~20 MB, built at first need or by `crm cities build-index`);
        # by default instance/gazetteer-<fingerprint>.sqlite3 (crm/cities/gazetteer_index.py).
        "GAZETTEER_INDEX": env.get("CRM_GAZETTEER_INDEX") or None,
        # The address every link the app sends is built on (e-mails, feeds, API); never the request's Host.
        "PUBLIC_URL": env.get("CRM_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Host names requests may name (comma-separated; a leading dot allows subdomains; * allows any);
        # by default the host of PUBLIC_URL, and in development also localhost and 127.0.0.1.
        "TRUSTED_HOSTS": env.get("CRM_TRUSTED_HOSTS") or None,
        # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port are believed (0: none).
        "TRUSTED_PROXIES": env.get("CRM_TRUSTED_PROXIES", "0"),
        # A running import that shows no progress for this long is shown as interrupted (retry or discard).
        "IMPORT_STALL_SECONDS": int(env.get("CRM_IMPORT_STALL_SECONDS", "300")),
        # How much of an uploaded spreadsheet is read (crm.imports.limits): past one, the file is refused
        # with a message naming the limit.
        "IMPORT_MAX_ROWS": int(env.get("CRM_IMPORT_MAX_ROWS", "100000")),
        "IMPORT_MAX_CELLS": int(env.get("CRM_IMPORT_MAX_CELLS", "1000000")),
        "IMPORT_MAX_CELL_CHARS": int(env.get("CRM_IMPORT_MAX_CELL_CHARS", "2000")),
        "IMPORT_MAX_UNPACKED_MB": int(env.get("CRM_IMPORT_MAX_UNPACKED_MB", "100")),
        "IMPORT_READ_SECONDS": float(env.get("CRM_IMPORT_READ_SECONDS", "15")),
        # Background jobs (crm.jobs): RQ workers on Redis when REDIS_URL is set, else a thread in each web process
        # ("thread"); "eager" runs each job as its transaction commits (the tests). Override with CRM_JOBS_RUNNER.
        "REDIS_URL": env.get("REDIS_URL") or None,
        "JOBS_RUNNER": env.get("CRM_JOBS_RUNNER") or ("rq" if env.get("REDIS_URL") else "thread"),
        "JOBS_QUEUE": env.get("CRM_JOBS_QUEUE", "crm"),
        # A running job whose process shows no sign of life for this long is taken up again (its lease ran out).
        "JOB_LEASE_SECONDS": int(env.get("CRM_JOB_LEASE_SECONDS", "60")),
        # An XLSX export of more rows than this is made in the background (crm.exports.background), kept this long.
        "EXPORT_INLINE_ROWS": int(env.get("CRM_EXPORT_INLINE_ROWS", "20000")),
        "EXPORT_KEEP_HOURS": int(env.get("CRM_EXPORT_KEEP_HOURS", "24")),
        # The hour of their own morning (in their time zone) at which each liaison's digest is sent.
        "DIGEST_HOUR": int(env.get("CRM_DIGEST_HOUR", "7")),
    }
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError("SECRET_KEY must be set when CRM_ENV=production.")
        config["SECRET_KEY"] = _instance_secret_key(instance_path)
    if production and not (env.get("CRM_PUBLIC_URL") or "PUBLIC_URL" in overrides):
        raise ConfigError("CRM_PUBLIC_URL must be set when CRM_ENV=production (e.g. https://partners.example.org).")
    public = urlsplit(config["PUBLIC_URL"])
    if public.scheme not in ("http", "https") or not public.hostname:
        raise ConfigError("CRM_PUBLIC_URL must be an http:// or https:// address, e.g. https://partners.example.org.")
    config["TRUSTED_HOSTS"] = trusted_hosts(config["TRUSTED_HOSTS"], public.hostname, production)
    try:
        config["TRUSTED_PROXIES"] = int(config["TRUSTED_PROXIES"])
    except (TypeError, ValueError):
        config["TRUSTED_PROXIES"] = -1
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigError("CRM_TRUSTED_PROXIES must be the number of proxies in front of the app (0 for none).")
    if config["PER_PAGE"] < 1:
        raise ConfigError("CRM_PER_PAGE must be a positive number.")
    if config["JOBS_RUNNER"] not in ("rq", "thread", "eager"):
        raise ConfigError("CRM_JOBS_RUNNER must be rq, thread or eager.")
    if config["JOBS_RUNNER"] == "rq" and not config["REDIS_URL"]:
        raise ConfigError("CRM_JOBS_RUNNER=rq needs REDIS_URL (e.g. redis://localhost:6379/0).")
    if config["IMPORT_STALL_SECONDS"] < 1:
        raise ConfigError("CRM_IMPORT_STALL_SECONDS must be a positive number of seconds.")
    if config["STORAGE"] not in ("local", "s3"):
        raise ConfigError("CRM_STORAGE must be local (a folder, the default) or s3 (an S3-compatible object store).")
    if config["STORAGE"] == "s3" and not config["S3_BUCKET"]:
        raise ConfigError("CRM_STORAGE=s3 needs CRM_S3_BUCKET, the bucket the files are kept in "
                          "(and CRM_S3_ENDPOINT_URL for a store other than AWS S3).")
    attachments = Path(config["ATTACHMENTS_DIR"]).resolve()
    if attachments == STATIC_DIR or STATIC_DIR in attachments.parents:
        # Anything there is served to anyone, bypassing the access check on downloads.
        raise ConfigError("CRM_ATTACHMENTS_DIR must be outside the static folder.")
    return config
