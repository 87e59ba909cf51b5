"""One typed view of the environment, read once at start-up.

Nothing else in the project reads ``os.environ``: processes call :func:`load_settings` once and
pass the result down, and tests build :class:`Settings` directly.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from bot.storage.private_files import create_private_file, private_dir

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACK_DIR = PROJECT_ROOT / "bot" / "content" / "packs"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything Reflect reads from the environment, typed and validated once."""

    app_env: str = "development"
    content_dir: Path = DEFAULT_PACK_DIR
    default_pack_id: str = "esscp-child-z"
    var_dir: Path = PROJECT_ROOT / "var"
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    # The action server: only Rasa calls it, so loopback unless it runs on another host.
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    # Bearer token Rasa sends to the action server; unset: derived from the secret (development
    # only, see action_token). Never logged.
    action_server_token: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    # Reflections and Rasa's tracker store; SQLite files under var_dir unless DATABASE_URL is set.
    database_url: str | None = None
    # Keys the HMACs of sender ids and receipt codes. Tests pass their own; never logged.
    secret: bytes = field(default=b"test-secret-not-for-production!!", repr=False)
    retention_days: int = 365
    tracker_retention_days: int = 30
    # Days a conversation remembers (as keyed hashes) the identifiers it redacted, after the
    # last message that named someone: the conversation session's length (domain.yml, 7 days).
    conversation_memory_days: int = 7
    # Failed withdrawals allowed per day across all senders (bot.reflections.service); then everyone
    # gets "too many attempts" until tomorrow and a WARNING is logged.
    withdrawal_global_failures_per_day: int = 200
    # Rasa server processes (Sanic workers). More than one needs a shared lock store (Redis),
    # so two messages of one conversation are never handled at once by different workers.
    rasa_workers: int = 1
    # Redis for Rasa's lock store (redis://host:port/db); unset: locks in memory (one worker).
    redis_url: str | None = None
    # Largest request body the public-facing Rasa server accepts (REST, socket.io polling and
    # each Engine.IO message, Teams). A message is at most 5,000 characters (about 30 KB as
    # escaped JSON); Sanic's own default is 100 MB.
    request_max_bytes: int = 256 * 1024
    # Bearer token every REST channel request must carry. Unset: the REST channel is open in
    # development and off in production (its senders are client-chosen; see README, Hardening).
    rest_channel_token: str | None = field(default=None, repr=False)
    # The web app: demo page, widget.js and its assets (bot/web).
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # The Rasa server URL browsers connect the widget to (socket.io); default: rasa_host:rasa_port.
    public_rasa_url: str | None = None
    # Origins (scheme://host[:port]) allowed to open the widget's socket, besides the web app's.
    widget_origins_extra: tuple[str, ...] = ()
    # Days a widget session id stays valid (the tracker's conversation session is 7 days).
    widget_session_days: int = 7
    # Microsoft Teams (Azure Bot). Unset app id: the Teams endpoint answers 503, not configured.
    teams_app_id: str | None = None
    teams_app_password: str | None = field(default=None, repr=False)
    # Single-tenant bots: the Entra ID tenant whose token endpoint issues the bot's own token.
    teams_tenant_id: str | None = None
    teams_openid_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    # Overrides the token endpoint derived from the tenant (the fake connector in tests uses it).
    teams_token_url: str | None = None
    teams_issuers: tuple[str, ...] = ("https://api.botframework.com",)
    # Prefixes a Teams activity's serviceUrl must start with (replies are posted there).
    teams_service_urls: tuple[str, ...] = ("https://smba.trafficmanager.net/",)
    # The public https base URL Azure and browsers reach (Teams package validDomains, README).
    public_url: str | None = None
    # The Teams app package's developer block (manifest.json); URLs must be https.
    teams_developer_name: str = "Reflect"
    teams_website_url: str | None = None
    teams_privacy_url: str | None = None
    teams_terms_url: str | None = None

    @property
    def reflections_url(self) -> str:
        """Where reflections are stored: DATABASE_URL, or SQLite in var_dir."""
        return self.database_url or f"sqlite:///{self.var_dir / 'reflect.db'}"

    @property
    def tracker_url(self) -> str:
        """Where Rasa keeps conversations: DATABASE_URL, or its own SQLite file in var_dir."""
        return self.database_url or f"sqlite:///{self.var_dir / 'tracker.db'}"

    @property
    def action_token(self) -> str:
        """The action server's bearer token: ACTION_SERVER_TOKEN, or derived from the secret.

        Derived (development only; production requires an explicit one) with an HMAC under its
        own label, so the token is stable across restarts, differs per deployment, and reveals
        nothing about the secret or any other hash keyed with it.
        """
        if self.action_server_token:
            return self.action_server_token
        return hmac.new(self.secret, _ACTION_TOKEN_LABEL, hashlib.sha256).hexdigest()

    @property
    def action_url(self) -> str:
        """Where Rasa reaches the action server's webhook (loopback for an any-address bind)."""
        host = reachable_host(self.action_host)
        return f"http://{host}:{self.action_port}/webhook"

    @property
    def web_url(self) -> str:
        """Base URL of the web app (demo page and widget.js)."""
        return f"http://{self.web_host}:{self.web_port}"

    @property
    def socket_url(self) -> str:
        """The Rasa server URL the widget's socket.io client connects to."""
        return self.public_rasa_url or f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def widget_origins(self) -> tuple[str, ...]:
        """Origins allowed to open a widget socket.

        The web app's own (both loopback names in development), PUBLIC_URL's, and
        WIDGET_ALLOWED_ORIGINS; a browser on any other site is refused.
        """
        own = [self.web_url]
        if self.web_host in {"127.0.0.1", "localhost"}:
            own += [f"http://127.0.0.1:{self.web_port}", f"http://localhost:{self.web_port}"]
        if self.public_url:
            parts = urlsplit(self.public_url)
            own.append(f"{parts.scheme}://{parts.netloc}")
        return tuple(dict.fromkeys([*own, *self.widget_origins_extra]))

    @property
    def teams_token_endpoint(self) -> str:
        """Where the bot gets its own token for replying.

        The tenant's endpoint for a single-tenant bot (Rasa hard-codes the multi-tenant one,
        which Microsoft is retiring for new bots), unless TEAMS_TOKEN_URL overrides it.
        """
        if self.teams_token_url:
            return self.teams_token_url
        tenant = self.teams_tenant_id or "botframework.com"
        return f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"

    @property
    def rest_channel_open(self) -> bool:
        """Whether the REST channel answers: with a token always, without one only in development.

        Its senders are chosen by the client, so without a token anyone who can reach the
        server can talk as any sender id; production needs REST_CHANNEL_TOKEN to turn it on.
        """
        return bool(self.rest_channel_token) or not self.is_production

    @property
    def is_production(self) -> bool:
        """Production refuses development defaults (checked by :func:`load_settings`)."""
        return self.app_env == "production"


_ACTION_TOKEN_LABEL = b"reflect/action-server-token\x00"

#: Shortest ACTION_SERVER_TOKEN accepted: as long as REFLECT_SECRET, too long to guess.
MIN_TOKEN_CHARS = 32


def reachable_host(host: str) -> str:
    """An address for ``host`` a client on this machine can connect to (not 0.0.0.0 or ::)."""
    if host in {"0.0.0.0", "::", ""}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _int(name: str, default: int, *, low: int = 1, high: int = 65535, unit: str = "") -> int:
    """A whole number from the environment, within [low, high]; the error names the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    what = f"a whole number{unit}"
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


_PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "replace-me", "secret"}


def _secret(var_dir: Path, *, production: bool) -> bytes:
    """REFLECT_SECRET, or in development a random one kept in var/ so hashes stay stable.

    Production refuses a missing or placeholder secret: a guessable key would let anyone
    recompute sender pseudonyms and receipt hashes.
    """
    raw = os.environ.get("REFLECT_SECRET", "").strip()
    if raw.lower() in _PLACEHOLDER_SECRETS:
        if production:
            raise SettingsError("REFLECT_SECRET must be set to a long random value in production")
        key_file = var_dir / "secret.key"
        if not key_file.exists():
            # 0600 from creation: written and then chmod-ed, it was readable for a moment.
            create_private_file(private_dir(var_dir) / "secret.key", secrets.token_hex(32))
        raw = key_file.read_text().strip()
    if len(raw) < 32:
        raise SettingsError("REFLECT_SECRET must be at least 32 characters")
    return raw.encode()


def _token(name: str, raw: str | None, *, production: bool) -> str | None:
    """A bearer token of at least :data:`MIN_TOKEN_CHARS` characters; production requires one."""
    value = (raw or "").strip()
    if not value:
        if production:
            raise SettingsError(
                f"{name} must be set in production (at least {MIN_TOKEN_CHARS} characters)"
            )
        return None
    if len(value) < MIN_TOKEN_CHARS or any(ch.isspace() for ch in value):
        raise SettingsError(f"{name} must be at least {MIN_TOKEN_CHARS} characters, without spaces")
    return value


def _database_url(raw: str | None) -> str | None:
    if not raw:
        return None
    scheme = urlsplit(raw).scheme.split("+")[0]
    if scheme not in {"sqlite", "postgresql"}:
        raise SettingsError(
            f"DATABASE_URL must be a sqlite:// or postgresql:// URL, got {scheme!r}"
        )
    return raw


def _days(name: str, default: int) -> int:
    return _int(name, default, high=36_500, unit=" of days")


def _list(raw: str | None, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A comma-separated list; unset or blank gives the default."""
    if raw is None or not raw.strip():
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _url(name: str, raw: str | None, *, https: bool = False) -> str | None:
    """An absolute http(s) URL, without a trailing slash; the error names the variable."""
    if raw is None or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    allowed = {"https"} if https else {"http", "https"}
    if parts.scheme not in allowed or not parts.netloc:
        scheme = "https://" if https else "http:// or https://"
        raise SettingsError(f"{name} must be an absolute {scheme} URL, got {raw!r}")
    return raw.strip().rstrip("/")


def _origins(raw: str | None) -> tuple[str, ...]:
    """WIDGET_ALLOWED_ORIGINS: scheme://host[:port] each, nothing after the host."""
    origins = _list(raw)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/"):
            raise SettingsError(
                f"WIDGET_ALLOWED_ORIGINS entries must look like https://example.org, got {origin!r}"
            )
    return tuple(origin.rstrip("/") for origin in origins)


def _redis_url(raw: str | None) -> str | None:
    """REDIS_URL: redis://host[:port][/db], or unset."""
    if raw is None or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    db = parts.path.strip("/")
    if parts.scheme != "redis" or not parts.hostname or (db and not db.isdigit()):
        raise SettingsError(f"REDIS_URL must look like redis://127.0.0.1:6379/1, got {raw!r}")
    try:
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise SettingsError(f"REDIS_URL has a bad port: {raw!r}") from exc
    return raw.strip()


def _path(raw: str | None, default: Path) -> Path:
    """Relative paths in .env are relative to the project, wherever the process was started."""
    if not raw:
        return default
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read ``.env`` (if present) and the environment into :class:`Settings`.

    The real environment wins over ``.env`` so CI and containers can override any value.
    """
    if env_file is not None and Path(env_file).exists():
        load_dotenv(env_file, override=False)
    env = os.environ
    log_level = env.get("LOG_LEVEL", "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(
            f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {log_level!r}"
        )
    app_env = env.get("APP_ENV", "development")
    var_dir = _path(env.get("VAR_DIR"), PROJECT_ROOT / "var")
    settings = Settings(
        app_env=app_env,
        content_dir=_path(env.get("CONTENT_DIR"), DEFAULT_PACK_DIR),
        default_pack_id=env.get("DEFAULT_PACK_ID", "esscp-child-z"),
        var_dir=var_dir,
        rasa_host=env.get("RASA_HOST", "127.0.0.1"),
        rasa_port=_int("RASA_PORT", 5005),
        action_host=env.get("ACTION_HOST", "127.0.0.1").strip() or "127.0.0.1",
        action_port=_int("ACTION_PORT", 5055),
        log_level=log_level,
        database_url=_database_url(env.get("DATABASE_URL")),
        secret=_secret(var_dir, production=app_env == "production"),
        action_server_token=_token(
            "ACTION_SERVER_TOKEN",
            env.get("ACTION_SERVER_TOKEN"),
            production=app_env == "production",
        ),
        retention_days=_days("RETENTION_DAYS", 365),
        tracker_retention_days=_days("TRACKER_RETENTION_DAYS", 30),
        conversation_memory_days=_days("CONVERSATION_MEMORY_DAYS", 7),
        withdrawal_global_failures_per_day=_int(
            "WITHDRAWAL_GLOBAL_FAILURES_PER_DAY", 200, high=1_000_000, unit=" of attempts"
        ),
        request_max_bytes=_int(
            "REQUEST_MAX_BYTES", 256 * 1024, low=64 * 1024, high=64 * 1024 * 1024, unit=" of bytes"
        ),
        rest_channel_token=_token(
            "REST_CHANNEL_TOKEN", env.get("REST_CHANNEL_TOKEN"), production=False
        ),
        rasa_workers=_int("RASA_WORKERS", 1, high=16, unit=" of workers"),
        redis_url=_redis_url(env.get("REDIS_URL")),
        web_host=env.get("WEB_HOST", "127.0.0.1"),
        web_port=_int("WEB_PORT", 8080),
        public_rasa_url=_url("RASA_PUBLIC_URL", env.get("RASA_PUBLIC_URL")),
        widget_origins_extra=_origins(env.get("WIDGET_ALLOWED_ORIGINS")),
        widget_session_days=_days("WIDGET_SESSION_DAYS", 7),
        teams_app_id=env.get("MICROSOFT_APP_ID") or None,
        teams_app_password=env.get("MICROSOFT_APP_PASSWORD") or None,
        teams_tenant_id=env.get("MICROSOFT_TENANT_ID") or None,
        # Keys and the bot's own token over plain http could be swapped or read on the way:
        # production takes https only (development allows the loopback fake connector).
        teams_openid_url=_url(
            "TEAMS_OPENID_URL", env.get("TEAMS_OPENID_URL"), https=app_env == "production"
        )
        or Settings.teams_openid_url,
        teams_token_url=_url(
            "TEAMS_TOKEN_URL", env.get("TEAMS_TOKEN_URL"), https=app_env == "production"
        ),
        teams_issuers=_list(env.get("TEAMS_ALLOWED_ISSUERS"), Settings.teams_issuers),
        teams_service_urls=_list(
            env.get("TEAMS_ALLOWED_SERVICE_URLS"), Settings.teams_service_urls
        ),
        public_url=_url("PUBLIC_URL", env.get("PUBLIC_URL"), https=app_env == "production"),
        teams_developer_name=env.get("TEAMS_DEVELOPER_NAME", "Reflect"),
        teams_website_url=_url("TEAMS_WEBSITE_URL", env.get("TEAMS_WEBSITE_URL"), https=True),
        teams_privacy_url=_url("TEAMS_PRIVACY_URL", env.get("TEAMS_PRIVACY_URL"), https=True),
        teams_terms_url=_url("TEAMS_TERMS_URL", env.get("TEAMS_TERMS_URL"), https=True),
    )
    if not settings.content_dir.is_dir():
        raise SettingsError(f"CONTENT_DIR {settings.content_dir} is not a directory")
    if settings.rasa_workers > 1 and not settings.redis_url:
        raise SettingsError(
            "RASA_WORKERS above 1 needs REDIS_URL: the workers must share Rasa's lock store"
        )
    return settings


def tracker_store_environment(settings: Settings) -> dict[str, str]:
    """The ${VARS} endpoints.yml gives Rasa's SQL tracker store.

    Rasa takes a full URL in ``url`` (PostgreSQL) or a dialect and file in ``db`` (SQLite).
    """
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        scheme = urlsplit(settings.database_url).scheme.split("+")[0]
        return {
            "REFLECT_TRACKER_DIALECT": scheme,
            "REFLECT_TRACKER_URL": settings.database_url,
            "REFLECT_TRACKER_DB": "",
        }
    path = settings.tracker_url.removeprefix("sqlite:///")
    return {
        "REFLECT_TRACKER_DIALECT": "sqlite",
        "REFLECT_TRACKER_URL": "",
        "REFLECT_TRACKER_DB": path,
    }


def lock_store_environment(settings: Settings) -> dict[str, str]:
    """The ${VARS} endpoints.yml gives Rasa's lock store, and its number of Sanic workers.

    Without Redis the locks live in memory, which is only correct for a single worker, so
    Rasa itself refuses more (rasa.core.utils.number_of_sanic_workers).
    """
    if not settings.redis_url:
        return {
            "REFLECT_LOCK_STORE": "in_memory",
            "REFLECT_LOCK_HOST": "",
            "REFLECT_LOCK_PORT": "",
            "REFLECT_LOCK_DB": "",
            "SANIC_WORKERS": "1",
        }
    parts = urlsplit(settings.redis_url)
    return {
        "REFLECT_LOCK_STORE": "redis",
        "REFLECT_LOCK_HOST": parts.hostname or "127.0.0.1",
        "REFLECT_LOCK_PORT": str(parts.port or 6379),
        "REFLECT_LOCK_DB": parts.path.strip("/") or "1",
        "SANIC_WORKERS": str(settings.rasa_workers),
    }


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment for the Rasa and action server processes.

    Rasa fills ``${VARS}`` in endpoints.yml from its own process environment, not from .env, so
    the launcher passes the resolved settings down explicitly.
    """
    env = dict(os.environ)
    env.update(
        {
            "REFLECT_ACTION_URL": settings.action_url,
            # endpoints.yml sends this whole value as the Authorization header of action calls.
            "REFLECT_ACTION_AUTHORIZATION": f"Bearer {settings.action_token}",
            "ACTION_SERVER_TOKEN": settings.action_token,
            "ACTION_HOST": settings.action_host,
            **tracker_store_environment(settings),
            **lock_store_environment(settings),
            "REST_CHANNEL_TOKEN": settings.rest_channel_token or "",
            "REQUEST_MAX_BYTES": str(settings.request_max_bytes),
            # Sanic reads SANIC_* into the config of the app Rasa creates: its body size limit.
            "SANIC_REQUEST_MAX_SIZE": str(settings.request_max_bytes),
            "RASA_WORKERS": str(settings.rasa_workers),
            "REDIS_URL": settings.redis_url or "",
            "REFLECT_SECRET": settings.secret.decode(),
            "DATABASE_URL": settings.reflections_url,
            "WITHDRAWAL_GLOBAL_FAILURES_PER_DAY": str(settings.withdrawal_global_failures_per_day),
            "CONTENT_DIR": str(settings.content_dir),
            "DEFAULT_PACK_ID": settings.default_pack_id,
            "APP_ENV": settings.app_env,
            "VAR_DIR": str(settings.var_dir),
            "RASA_HOST": settings.rasa_host,
            "RASA_PORT": str(settings.rasa_port),
            "ACTION_PORT": str(settings.action_port),
            "WEB_HOST": settings.web_host,
            "WEB_PORT": str(settings.web_port),
            "RASA_PUBLIC_URL": settings.public_rasa_url or "",
            "WIDGET_ALLOWED_ORIGINS": ",".join(settings.widget_origins_extra),
            "WIDGET_SESSION_DAYS": str(settings.widget_session_days),
            "MICROSOFT_APP_ID": settings.teams_app_id or "",
            "MICROSOFT_APP_PASSWORD": settings.teams_app_password or "",
            "MICROSOFT_TENANT_ID": settings.teams_tenant_id or "",
            "TEAMS_OPENID_URL": settings.teams_openid_url,
            "TEAMS_TOKEN_URL": settings.teams_token_url or "",
            "TEAMS_ALLOWED_ISSUERS": ",".join(settings.teams_issuers),
            "TEAMS_ALLOWED_SERVICE_URLS": ",".join(settings.teams_service_urls),
            "PUBLIC_URL": settings.public_url or "",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # Rasa and rasa_sdk read LOG_LEVEL themselves.
            "LOG_LEVEL": settings.log_level,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env
