"""One typed view of the environment, read once at start-up.

Nothing else in the project reads ``os.environ``: processes call :func:`load_settings` once and
pass the result down, and tests build :class:`Settings` directly (tests/settings.py gives them
their own secret). :class:`Settings` is the settings table: each field declares its variable,
default, parser and description once (:func:`bot.settings.kinds.setting`); loading, the child
processes' environment and the generated docs (:mod:`bot.settings.docs`) all follow it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from dotenv import load_dotenv

from bot.settings import kinds
from bot.settings.kinds import (
    DEFAULT_PACK_DIR,
    MIN_PORTAL_K,
    MIN_TOKEN_CHARS,
    PROJECT_ROOT,
    Context,
    Setting,
    SettingsError,
    setting,
)

__all__ = [
    "ATOMIC_LOCK_STORE",
    "DEFAULT_PACK_DIR",
    "MIN_TOKEN_CHARS",
    "PROJECT_ROOT",
    "Setting",
    "Settings",
    "SettingsError",
    "child_environment",
    "load_settings",
    "lock_store_environment",
    "production_secret_problems",
    "reachable_host",
    "settings_table",
    "tracker_store_environment",
]

# The groups .env.example is divided into. The table's order is also the order load_settings
# parses in (as before the table), so which error comes first when several are wrong is kept.
_DEPLOYMENT = "Deployment"
_SERVERS = "Rasa and the action server"
_STORAGE = "Keys, storage and retention"
_LIMITS = "The Rasa server's request limit, REST channel and workers"
_WIDGET = "Web app (bot/web): the demo page, widget.js and the minutes downloads"
_TEAMS = "Microsoft Teams (README: Add Reflect to Teams)"
_FOLLOWUP = "CPD records and the follow-up (README: After the conversation)"
_PORTAL = "The safeguarding lead's portal (bot/portal)"
_LINKS = "Content packs' links (reflect links check)"
_CLUSTER = "Several replicas behind HAProxy (make run-cluster, docs/deploy.md)"
_GENERATE = 'generate one with `python3 -c "import secrets; print(secrets.token_hex(32))"`'


@dataclass(frozen=True)
class Settings:
    """Everything Reflect reads from the environment, typed and validated once.

    Each field is one row of the settings table, in the order the docs list them. Secrets have
    no usable default: a Settings without a real secret cannot be built (see __post_init__).
    """

    # --- Deployment ---
    app_env: str = setting(
        "APP_ENV",
        "development",
        kinds.text,
        "`development` or `production`. Production refuses development defaults: it needs "
        "`REFLECT_SECRET` and `ACTION_SERVER_TOKEN` and https Teams URLs, refuses placeholder "
        "or shared secrets (`changeme`, `xxxx...`, a value the docs show), and turns the REST "
        "channel off without `REST_CHANNEL_TOKEN`.",
        group=_DEPLOYMENT,
    )
    # setting() returns a dataclasses.field, evaluated once like any field default.
    content_dir: Path = setting(  # noqa: RUF009
        "CONTENT_DIR",
        DEFAULT_PACK_DIR,
        kinds.path,
        "Where the briefing content packs (`*.yml`) live; a relative path is relative to the "
        "project.",
        group=_DEPLOYMENT,
    )
    default_pack_id: str = setting(
        "DEFAULT_PACK_ID",
        "esscp-child-z",
        kinds.text,
        "The content pack (briefing) a conversation starts on (one of `OFFERED_PACKS` when "
        "that is set).",
        group=_DEPLOYMENT,
    )
    offered_packs: tuple[str, ...] = setting(
        "OFFERED_PACKS",
        (),
        kinds.text_list,
        "The briefings practitioners may choose between, as comma-separated pack ids (e.g. "
        "`esscp-child-z,northmoor-child-q`); empty means every pack in `CONTENT_DIR`.",
        group=_DEPLOYMENT,
        example="esscp-child-z",
        unset="every pack",
    )
    var_dir: Path = setting(  # noqa: RUF009
        "VAR_DIR",
        PROJECT_ROOT / "var",
        kinds.path,
        "Local state: the SQLite databases, logs and the development secret key.",
        group=_DEPLOYMENT,
    )
    log_level: str = setting(
        "LOG_LEVEL",
        "INFO",
        kinds.log_level,
        "`DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`; passed to Rasa and the action server.",
        group=_DEPLOYMENT,
    )

    # --- Rasa and the action server ---
    rasa_host: str = setting(
        "RASA_HOST",
        "127.0.0.1",
        kinds.text,
        "Where the Rasa server listens (REST, socket.io and Teams; its HTTP API stays off).",
        group=_SERVERS,
    )
    rasa_port: int = setting(
        "RASA_PORT", 5005, kinds.port, "The Rasa server's port.", group=_SERVERS
    )
    action_host: str = setting(
        "ACTION_HOST",
        "127.0.0.1",
        kinds.host,
        "Where the action server listens. Only Rasa calls it: keep it on loopback unless it runs "
        "on another host (Rasa connects to 127.0.0.1 when it binds `0.0.0.0`).",
        group=_SERVERS,
    )
    action_port: int = setting(
        "ACTION_PORT", 5055, kinds.port, "The action server's port.", group=_SERVERS
    )
    action_timeout_seconds: int = setting(
        "ACTION_TIMEOUT_SECONDS",
        8,
        kinds.whole(low=1, high=120, unit=" seconds"),
        "How long the Rasa server waits for the action server in one turn (Rasa's own wait is "
        "300 s). Past it the turn is abandoned, nothing of it saved, and the user is told "
        "within seconds to try again (bot/rasa_ext/fail_closed.py).",
        group=_SERVERS,
    )

    # --- Keys, storage and retention ---
    database_url: str | None = setting(
        "DATABASE_URL",
        None,
        kinds.database_url,
        "Where reflections and Rasa's tracker store (conversations) are kept: a `sqlite://` or "
        "`postgresql+psycopg2://...` URL.",
        group=_STORAGE,
        example="postgresql+psycopg2://reflect@127.0.0.1:5432/reflect",
        unset="SQLite files in `VAR_DIR`",
        child=lambda settings: settings.reflections_url,
    )
    secret: bytes = setting(
        "REFLECT_SECRET",
        b"",
        kinds.secret_key,
        "Keys the HMACs of sender ids and receipt codes; at least 32 characters; never logged; "
        f"{_GENERATE}.",
        group=_STORAGE,
        secret=True,
        unset="generated into `VAR_DIR/secret.key` in development; required in production",
    )
    action_server_token: str | None = setting(
        "ACTION_SERVER_TOKEN",
        None,
        kinds.token(required_in_production=True),
        "The bearer token Rasa sends the action server on every call (`endpoints.yml`): at "
        f"least 32 characters, no spaces; {_GENERATE}.",
        group=_STORAGE,
        secret=True,
        unset="derived from `REFLECT_SECRET` in development; required in production",
        child=lambda settings: settings.action_token,
    )
    retention_days: int = setting(
        "RETENTION_DAYS",
        365,
        kinds.days,
        "Days to keep reflections before `bin/reflect purge` deletes them.",
        group=_STORAGE,
    )
    tracker_retention_days: int = setting(
        "TRACKER_RETENTION_DAYS",
        30,
        kinds.days,
        "Days to keep conversation events (the tracker store) before `bin/reflect purge` "
        "deletes them.",
        group=_STORAGE,
    )
    purge_interval_hours: int = setting(
        "PURGE_INTERVAL_HOURS",
        24,
        kinds.whole(low=0, high=24 * 7, unit=" hours"),
        "How often the web app runs `bin/reflect purge` by itself (first run a minute after it "
        "starts); 0 turns the built-in schedule off (use cron or a systemd timer instead).",
        group=_STORAGE,
    )
    tracker_rollover_events: int = setting(
        "TRACKER_ROLLOVER_EVENTS",
        200,
        kinds.whole(low=0, high=100_000, unit=" of events"),
        "When a conversation's current session in the tracker store passes this many events, "
        "it is carried over into a new session holding its place (slots, form and a copy of the "
        "last few turns), so a long group chat answers as fast at message 500 as at message 10 "
        "(bot/rasa_ext/rollover.py). `0` turns it off.",
        group=_STORAGE,
    )
    conversation_memory_days: int = setting(
        "CONVERSATION_MEMORY_DAYS",
        7,
        kinds.days,
        "Days a conversation remembers, as keyed hashes only, the names and numbers it "
        'redacted, so they are caught when they come back alone later ("Hollis said no" after '
        '"dad Frankie Hollis"); counted from its last message that named someone. Keep it equal '
        "to the conversation session (7 days, `domain.yml`).",
        group=_STORAGE,
    )
    withdrawal_global_failures_per_day: int = setting(
        "WITHDRAWAL_GLOBAL_FAILURES_PER_DAY",
        200,
        kinds.whole(high=1_000_000, unit=" of attempts"),
        "Wrong receipt codes allowed per day across all conversations; past it every wrong code "
        'gets "too many attempts" until tomorrow (a right code still withdraws) and the action '
        "server logs a WARNING `withdrawal_failures_cap_reached` (alert on it).",
        group=_STORAGE,
    )
    group_session_idle_minutes: int = setting(
        "GROUP_SESSION_IDLE_MINUTES",
        240,
        kinds.whole(low=5, high=10_080, unit=" of minutes"),
        "Minutes a group session may go without a message from its lead before it expires: its "
        "notes, actions, attendance and member keys are deleted, its lead and join-code hashes "
        "cleared, and no minutes are kept.",
        group=_STORAGE,
    )
    group_join_global_failures_per_day: int = setting(
        "GROUP_JOIN_GLOBAL_FAILURES_PER_DAY",
        200,
        kinds.whole(high=1_000_000, unit=" of attempts"),
        "Wrong group join codes allowed per day across all conversations; past it every wrong "
        'code gets "too many attempts" until tomorrow (a right code still joins) and the '
        "action server logs a WARNING `group_join_failures_cap_reached` (alert on it).",
        group=_STORAGE,
    )

    # --- The Rasa server's request limit, REST channel and workers ---
    request_max_bytes: int = setting(
        "REQUEST_MAX_BYTES",
        256 * 1024,
        kinds.whole(low=64 * 1024, high=64 * 1024 * 1024, unit=" of bytes"),
        "The largest request body (REST, each socket.io message, Teams) the Rasa server accepts, "
        "in bytes (262144 is 256 KiB; a message is at most 5,000 characters, about 30 KB as "
        "JSON); larger ones get a 413.",
        group=_LIMITS,
    )
    rest_channel_token: str | None = setting(
        "REST_CHANNEL_TOKEN",
        None,
        kinds.token(required_in_production=False),
        "When set, every REST channel request (`/webhooks/rest/webhook`) must carry "
        "`Authorization: Bearer <token>`; production needs it to turn the REST channel on (REST "
        f"senders are client-chosen). At least 32 characters; {_GENERATE}.",
        group=_LIMITS,
        secret=True,
        unset="none (REST open in development, off in production)",
    )
    rasa_workers: int = setting(
        "RASA_WORKERS",
        1,
        kinds.whole(high=16, unit=" of workers"),
        "Rasa server processes (Sanic workers). Above 1 needs `REDIS_URL` (the workers share "
        "the lock store) and suits PostgreSQL (SQLite has one writer at a time); two on a "
        "two-core machine (see Performance).",
        group=_LIMITS,
    )
    redis_url: str | None = setting(
        "REDIS_URL",
        None,
        kinds.redis_url,
        "The conversation locks, `redis://host:6379/1`, shared by the workers (and replicas) so "
        "two messages of one conversation are never handled at once, and are handled in order "
        "(Reflect's atomic lock store, bot/rasa_ext/lock_store.py).",
        group=_LIMITS,
        example="redis://127.0.0.1:6379/1",
        unset="none (locks in memory: one worker)",
    )
    lock_wait_seconds: int = setting(
        "LOCK_WAIT_SECONDS",
        20,
        kinds.whole(high=300, unit=" of seconds"),
        "With `REDIS_URL`: how long a message waits for the earlier messages of its conversation "
        "(Reflect's Redis lock store takes them strictly in order) before it fails with an error "
        "rather than running out of order or unlocked; also the longest it waits for a paused "
        "or unreachable Redis.",
        group=_LIMITS,
    )

    # --- Several replicas behind HAProxy ---
    cluster_proxy_port: int = setting(
        "CLUSTER_PROXY_PORT",
        8000,
        kinds.port,
        "`make run-cluster`: the one port HAProxy listens on (loopback) for everything public: "
        "REST, socket.io and Teams to the Rasa replicas, the demo page, widget.js and the "
        "portal to the web app.",
        group=_CLUSTER,
    )
    cluster_actions_port: int = setting(
        "CLUSTER_ACTIONS_PORT",
        5050,
        kinds.port,
        "`make run-cluster`: HAProxy's internal (loopback) port that balances the Rasa "
        "replicas' action calls over the action servers, checking each one's `/health`.",
        group=_CLUSTER,
    )
    cluster_rasa_replicas: int = setting(
        "CLUSTER_RASA_REPLICAS",
        2,
        kinds.whole(high=16, unit=" of replicas"),
        "`make run-cluster`: Rasa server processes (one worker each) on ports `RASA_PORT`, "
        "`RASA_PORT`+1, ...",
        group=_CLUSTER,
    )
    cluster_action_servers: int = setting(
        "CLUSTER_ACTION_SERVERS",
        2,
        kinds.whole(high=16, unit=" of servers"),
        "`make run-cluster`: action server processes on ports `ACTION_PORT`, `ACTION_PORT`+1, ...",
        group=_CLUSTER,
    )
    cluster_max_body_bytes: int = setting(
        "CLUSTER_MAX_BODY_BYTES",
        1024 * 1024,
        kinds.whole(low=64 * 1024, high=64 * 1024 * 1024, unit=" of bytes"),
        "The largest request body HAProxy lets through, by its `Content-Length` (1048576 is 1 "
        "MiB); larger ones get a 413 before they reach a server (the Rasa server's own limit, "
        "`REQUEST_MAX_BYTES`, still applies behind it).",
        group=_CLUSTER,
    )
    cluster_rate_limit: int = setting(
        "CLUSTER_RATE_LIMIT",
        300,
        kinds.whole(low=0, high=1_000_000, unit=" of requests"),
        "Requests one client address may make to the REST channel (`/webhooks/rest/`) in 10 "
        "seconds before HAProxy answers 429; `0` turns the limit off. An office behind one "
        "address counts as one client.",
        group=_CLUSTER,
    )
    cluster_teams_rate_limit: int = setting(
        "CLUSTER_TEAMS_RATE_LIMIT",
        3000,
        kinds.whole(low=0, high=1_000_000, unit=" of requests"),
        "The same limit for the Teams endpoint (`/webhooks/teams/`), higher because every "
        "practitioner's Teams messages arrive from a few Microsoft addresses; `0` turns it off.",
        group=_CLUSTER,
    )

    trusted_proxies: int = setting(
        "TRUSTED_PROXIES",
        0,
        kinds.whole(low=0, high=5, unit=" of proxies"),
        "How many reverse proxies in front of the web app add the client's address to "
        "`X-Forwarded-For` (HAProxy: 1, and it drops any the client sent). The web app then "
        "takes the client's address from there, so the portal's per-address sign-in limit "
        "counts clients, not the proxy; `0` trusts no such header. `make run-cluster` sets 1.",
        group=_CLUSTER,
    )

    # --- Web widget ---
    web_host: str = setting(
        "WEB_HOST",
        "127.0.0.1",
        kinds.text,
        "Where the web app (the demo page and `widget.js`) listens.",
        group=_WIDGET,
    )
    web_port: int = setting("WEB_PORT", 8080, kinds.port, "The web app's port.", group=_WIDGET)
    public_rasa_url: str | None = setting(
        "RASA_PUBLIC_URL",
        None,
        kinds.url(),
        "The Rasa server address browsers connect the widget to (socket.io).",
        group=_WIDGET,
        example="https://reflect.example.org",
        unset="`http://RASA_HOST:RASA_PORT`",
    )
    widget_origins_extra: tuple[str, ...] = setting(
        "WIDGET_ALLOWED_ORIGINS",
        (),
        kinds.origins,
        "Other sites allowed to embed the widget (their origin, `https://www.example.org`), "
        "comma-separated. The web app's own origin and `PUBLIC_URL`'s are always allowed; "
        "every other origin is refused.",
        group=_WIDGET,
        example="https://www.esscp.org.uk",
    )
    widget_session_days: int = setting(
        "WIDGET_SESSION_DAYS",
        7,
        kinds.days,
        "Days a widget session id (issued and signed by the server) stays valid; the "
        "conversation session is 7 days.",
        group=_WIDGET,
    )
    minutes_link_minutes: int = setting(
        "MINUTES_LINK_MINUTES",
        60,
        kinds.whole(high=24 * 60, unit=" of minutes"),
        "Minutes a group session's download links (the minutes as DOCX, PDF or Markdown, served "
        "by the web app at `/minutes/...`) keep working after they are shown; the expiry is "
        "inside the signed link, so nothing is stored. The links start with `PUBLIC_URL` (the "
        "reverse proxy must pass `/minutes/` to the web app), else the web app's own address.",
        group=_WIDGET,
    )
    cpd_link_minutes: int = setting(
        "CPD_LINK_MINUTES",
        30,
        kinds.whole(high=24 * 60, unit=" of minutes"),
        "Minutes a practitioner's CPD record links (DOCX and PDF, served by the web app at "
        "`/cpd/...`) keep working. The record is kept encrypted under a key that is only in the "
        "link, and deleted when the link expires, so afterwards nothing links it to anyone.",
        group=_WIDGET,
    )

    # --- Follow-up ---
    followup_days: int = setting(
        "FOLLOWUP_DAYS",
        91,
        kinds.days,
        "Days after opting in that a practitioner is asked what has changed in their practice "
        "(about three months).",
        group=_FOLLOWUP,
    )
    followup_answer_days: int = setting(
        "FOLLOWUP_ANSWER_DAYS",
        30,
        kinds.days,
        "Days a follow-up that was asked (or is due for the widget's next visit) waits for an "
        "answer; then `bin/reflect purge` deletes it.",
        group=_FOLLOWUP,
    )
    followup_interval_hours: int = setting(
        "FOLLOWUP_INTERVAL_HOURS",
        24,
        kinds.whole(low=0, high=24 * 7, unit=" hours"),
        "How often the web app runs `bin/reflect followups send` by itself (every replica may; "
        "each follow-up is sent once); 0 turns the built-in schedule off.",
        group=_FOLLOWUP,
    )

    # --- Microsoft Teams ---
    teams_app_id: str | None = setting(
        "MICROSOFT_APP_ID",
        None,
        kinds.optional_text,
        "The Azure Bot's app id.",
        group=_TEAMS,
        example="00000000-0000-0000-0000-000000000000",
        unset="none (the Teams webhook answers 404)",
    )
    teams_app_password: str | None = setting(
        "MICROSOFT_APP_PASSWORD",
        None,
        kinds.optional_text,
        "The Azure Bot's client secret.",
        group=_TEAMS,
        secret=True,
        unset="none (the Teams webhook answers 404)",
    )
    teams_tenant_id: str | None = setting(
        "MICROSOFT_TENANT_ID",
        None,
        kinds.optional_text,
        "Single-tenant Azure Bots: your Entra ID tenant id. The bot's own token comes from that "
        "tenant, and activities from any other tenant (`channelData.tenant.id`) are refused "
        "with 403.",
        group=_TEAMS,
        unset="none (multi-tenant)",
    )
    teams_openid_url: str = setting(
        "TEAMS_OPENID_URL",
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        kinds.url(https="production"),
        "OpenID metadata naming the keys incoming Teams tokens are signed with; https only in "
        "production.",
        group=_TEAMS,
    )
    teams_token_url: str | None = setting(
        "TEAMS_TOKEN_URL",
        None,
        kinds.url(https="production"),
        "Overrides the endpoint the bot gets its own token from (the fake connector in tests "
        "uses it); https only in production.",
        group=_TEAMS,
        unset="the tenant's, from `MICROSOFT_TENANT_ID`",
    )
    teams_issuers: tuple[str, ...] = setting(
        "TEAMS_ALLOWED_ISSUERS",
        ("https://api.botframework.com",),
        kinds.text_list,
        "Issuers accepted in incoming Teams tokens, comma-separated.",
        group=_TEAMS,
    )
    teams_service_urls: tuple[str, ...] = setting(
        "TEAMS_ALLOWED_SERVICE_URLS",
        ("https://smba.trafficmanager.net/",),
        kinds.text_list,
        "Prefixes a Teams activity's serviceUrl must start with (replies are posted there), "
        "comma-separated.",
        group=_TEAMS,
    )
    public_url: str | None = setting(
        "PUBLIC_URL",
        None,
        kinds.url(https="production"),
        "The public https address of this deployment: Azure's messaging endpoint is "
        "`PUBLIC_URL/webhooks/teams/webhook`; the Teams package's `validDomains` "
        "(`bin/reflect teams-package`) and the widget snippet use it, and its origin may open "
        "the widget. https only in production.",
        group=_TEAMS,
        example="https://reflect.example.org",
    )
    teams_developer_name: str = setting(
        "TEAMS_DEVELOPER_NAME",
        "Reflect",
        kinds.text,
        "The Teams app package's developer name (at most 32 characters).",
        group=_TEAMS,
        example="East Sussex SCP",
    )
    teams_website_url: str | None = setting(
        "TEAMS_WEBSITE_URL",
        None,
        kinds.url(https="always"),
        "The Teams app package's developer website (https).",
        group=_TEAMS,
        example="https://www.esscp.org.uk",
    )
    teams_privacy_url: str | None = setting(
        "TEAMS_PRIVACY_URL",
        None,
        kinds.url(https="always"),
        "The Teams app package's privacy statement (https).",
        group=_TEAMS,
        example="https://www.esscp.org.uk/privacy",
    )
    teams_terms_url: str | None = setting(
        "TEAMS_TERMS_URL",
        None,
        kinds.url(https="always"),
        "The Teams app package's terms of use (https).",
        group=_TEAMS,
        example="https://www.esscp.org.uk/terms",
    )

    # --- The safeguarding lead's portal ---
    portal_k: int = setting(
        "PORTAL_K",
        10,
        kinds.disclosure_k,
        "The portal's disclosure threshold: a figure, theme or quote set built from fewer than "
        'this many contributions is shown as "fewer than k", its quotes withheld, on every page, '
        "download and API answer. 10 is the ONS secure research rule; never below 5.",
        group=_PORTAL,
    )
    portal_session_idle_minutes: int = setting(
        "PORTAL_SESSION_IDLE_MINUTES",
        30,
        kinds.whole(high=24 * 60, unit=" of minutes"),
        "Minutes a portal sign-in lasts without a request; each request (at most once a minute) "
        "starts the count again.",
        group=_PORTAL,
    )
    portal_session_hours: int = setting(
        "PORTAL_SESSION_HOURS",
        8,
        kinds.whole(high=72, unit=" of hours"),
        "Hours a portal sign-in lasts at most, however busy: then the lead signs in again.",
        group=_PORTAL,
    )
    portal_lockout_failures: int = setting(
        "PORTAL_LOCKOUT_FAILURES",
        5,
        kinds.whole(high=100, unit=" of attempts"),
        "Wrong passwords in a row that lock a portal account for `PORTAL_LOCKOUT_MINUTES` (even "
        "the right password is refused meanwhile; `bin/reflect leads reset` unlocks it).",
        group=_PORTAL,
    )
    portal_lockout_minutes: int = setting(
        "PORTAL_LOCKOUT_MINUTES",
        15,
        kinds.whole(high=24 * 60, unit=" of minutes"),
        "Minutes a portal account stays locked after `PORTAL_LOCKOUT_FAILURES` wrong passwords.",
        group=_PORTAL,
    )
    portal_sign_in_per_minute: int = setting(
        "PORTAL_SIGN_IN_PER_MINUTE",
        10,
        kinds.whole(high=1000, unit=" of attempts"),
        "Sign-in attempts one address may make a minute (on top of the per-account lockout); "
        "all addresses together get ten times as many.",
        group=_PORTAL,
    )
    portal_link_minutes: int = setting(
        "PORTAL_LINK_MINUTES",
        15,
        kinds.whole(high=24 * 60, unit=" of minutes"),
        'Minutes the portal link the chat gives a lead keeps saying "you came from Reflect" on '
        "the sign-in page. It is not a credential: the lead still signs in.",
        group=_PORTAL,
    )
    portal_audit_days: int = setting(
        "PORTAL_AUDIT_DAYS",
        730,
        kinds.days,
        "Days to keep the portal's audit trail (sign-ins, filters, downloads, API calls: never "
        "their content) before `bin/reflect purge` deletes it.",
        group=_PORTAL,
    )

    # --- Content packs' links ---
    link_check_timeout_seconds: int = setting(
        "LINK_CHECK_TIMEOUT_SECONDS",
        10,
        kinds.whole(high=300, unit=" of seconds"),
        "Seconds `bin/reflect links check` gives each link (all its redirects included) before "
        'it fails as "no answer"; `--timeout` overrides it for one run.',
        group=_LINKS,
    )
    link_stale_days: int = setting(
        "LINK_STALE_DAYS",
        180,
        kinds.days,
        "A link whose `last_verified` is older than this many days is stale: the bot adds "
        '"(last checked on ...)" when it gives it, the portal lists it and `bin/reflect packs '
        "validate` warns (`bin/reflect links check` renews the date of each link that works).",
        group=_LINKS,
    )

    def __post_init__(self) -> None:
        """Refuse a Settings without a real secret: there is no usable default to fall back on.

        load_settings always has one (REFLECT_SECRET, or the development key in var/); code that
        builds Settings directly must pass its own (tests: tests/settings.py).
        """
        if not isinstance(self.secret, bytes) or len(self.secret) < MIN_TOKEN_CHARS:
            raise SettingsError(
                f"Settings needs a secret of at least {MIN_TOKEN_CHARS} bytes "
                "(load_settings reads REFLECT_SECRET)"
            )
        if self.portal_k < MIN_PORTAL_K:
            # Also checked when parsed; here for Settings built in code (tests, tools).
            raise SettingsError(f"PORTAL_K must be at least {MIN_PORTAL_K}, got {self.portal_k}")

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
    def web_public_url(self) -> str:
        """The web app as browsers reach it: PUBLIC_URL (behind the proxy) or the app itself."""
        return (self.public_url or self.web_url).rstrip("/")

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


@cache
def settings_table() -> tuple[Setting, ...]:
    """Every setting, in the order Settings declares (and the docs list) them."""
    return kinds.declared_settings(Settings)


def reachable_host(host: str) -> str:
    """An address for ``host`` a client on this machine can connect to (not 0.0.0.0 or ::)."""
    if host in {"0.0.0.0", "::", ""}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _setting(env: str) -> Setting:
    return next(spec for spec in settings_table() if spec.env == env)


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read ``.env`` (if present) and the environment into :class:`Settings`.

    The real environment wins over ``.env`` so CI and containers can override any value. Each
    variable is parsed as the table declares, in table order; APP_ENV and VAR_DIR first, since
    production's rules and the development secret key depend on them.
    """
    if env_file is not None and Path(env_file).exists():
        load_dotenv(env_file, override=False)
    env = os.environ

    def parse(spec: Setting, context: Context) -> Any:
        return spec.parse(spec.env, env.get(spec.env), spec.default, context)

    early = Context(production=False, var_dir=PROJECT_ROOT / "var")
    app_env = parse(_setting("APP_ENV"), early)
    var_dir = cast(Path, parse(_setting("VAR_DIR"), early))
    context = Context(production=app_env == "production", var_dir=var_dir)
    settings = Settings(**{spec.field: parse(spec, context) for spec in settings_table()})
    if not settings.content_dir.is_dir():
        raise SettingsError(f"CONTENT_DIR {settings.content_dir} is not a directory")
    if settings.offered_packs and settings.default_pack_id not in settings.offered_packs:
        raise SettingsError(
            f"DEFAULT_PACK_ID {settings.default_pack_id} must be one of OFFERED_PACKS"
        )
    if settings.rasa_workers > 1 and not settings.redis_url:
        raise SettingsError(
            "RASA_WORKERS above 1 needs REDIS_URL: the workers must share Rasa's lock store"
        )
    if settings.is_production:
        problems = production_secret_problems(settings)
        if problems:
            raise SettingsError(problems[0])
    return settings


#: Where the documentation shows example values: any value shown there is public, not a secret.
DOCUMENTED_FILES = (PROJECT_ROOT / ".env.example", PROJECT_ROOT / "README.md")


def production_secret_problems(settings: Settings) -> list[str]:
    """Why production must not start with these secrets: one line per problem, naming each.

    Every setting declared ``secret=True`` is checked the same way, so a new secret is covered
    without a new check: not a placeholder (:func:`bot.settings.kinds.placeholder_reason`), not
    a value the documentation shows, and not the same value as another secret (one leak would
    then give away two keys). Unset optional secrets are not checked here (their parsers decide
    whether production needs them).
    """
    secrets_by_name = {
        spec.env: kinds.env_text(getattr(settings, spec.field))
        for spec in settings_table()
        if spec.secret and getattr(settings, spec.field)
    }
    documented = kinds.documented_values(set(secrets_by_name), DOCUMENTED_FILES)
    problems = []
    seen: dict[str, str] = {}
    for name, value in secrets_by_name.items():
        reason = kinds.placeholder_reason(value)
        if reason is None and value.strip() in documented:
            reason = "the value the documentation shows"
        if reason is not None:
            problems.append(
                f"{name} looks like a placeholder ({reason}): production refuses placeholder "
                "secrets; set it to the real, random value"
            )
        elif value in seen:
            problems.append(f"{name} must not be the same value as {seen[value]}")
        seen.setdefault(value, name)
    return problems


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


#: endpoints.yml's lock store with Redis: Rasa imports a custom lock store by its class path.
ATOMIC_LOCK_STORE = "bot.rasa_ext.lock_store.AtomicRedisLockStore"


def lock_store_environment(settings: Settings) -> dict[str, str]:
    """The ${VARS} endpoints.yml gives Rasa's lock store, and its number of Sanic workers.

    Without Redis the locks live in memory, which is only correct for a single worker, so
    Rasa itself refuses more (rasa.core.utils.number_of_sanic_workers). With Redis, our atomic
    store (bot/rasa_ext/lock_store.py): Rasa's own ``RedisLockStore`` is not race-safe.
    """
    if not settings.redis_url:
        return {
            "REFLECT_LOCK_STORE": "in_memory",
            "REFLECT_LOCK_HOST": "",
            "REFLECT_LOCK_PORT": "",
            "REFLECT_LOCK_DB": "",
            "REFLECT_LOCK_WAIT": "",
            "SANIC_WORKERS": "1",
        }
    parts = urlsplit(settings.redis_url)
    return {
        # Not Rasa's `type: redis` (read-modify-write, not atomic): ours, loaded by class path.
        "REFLECT_LOCK_STORE": ATOMIC_LOCK_STORE,
        "REFLECT_LOCK_HOST": parts.hostname or "127.0.0.1",
        "REFLECT_LOCK_PORT": str(parts.port or 6379),
        "REFLECT_LOCK_DB": parts.path.strip("/") or "1",
        "REFLECT_LOCK_WAIT": str(settings.lock_wait_seconds),
        "SANIC_WORKERS": str(settings.rasa_workers),
    }


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment for the Rasa and action server processes.

    Rasa fills ``${VARS}`` in endpoints.yml from its own process environment, not from .env, so
    the launcher passes every setting down resolved (the children's load_settings reads back the
    same values), plus what endpoints.yml and Sanic read.
    """
    env = dict(os.environ)
    for spec in settings_table():
        value = spec.child(settings) if spec.child else getattr(settings, spec.field)
        env[spec.env] = kinds.env_text(value)
    env.update(
        {
            "REFLECT_ACTION_URL": settings.action_url,
            # endpoints.yml sends this whole value as the Authorization header of action calls.
            "REFLECT_ACTION_AUTHORIZATION": f"Bearer {settings.action_token}",
            **tracker_store_environment(settings),
            **lock_store_environment(settings),
            # Sanic reads SANIC_* into the config of the app Rasa creates: its body size limit.
            "SANIC_REQUEST_MAX_SIZE": str(settings.request_max_bytes),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env
