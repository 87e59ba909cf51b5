"""How a setting is declared, and the kinds of value a variable can hold.

:class:`bot.settings.config.Settings` declares each setting once, with :func:`setting`: its
variable, default, parser and description. Everything else follows from that one line: loading
(:func:`bot.settings.config.load_settings`), the Rasa and action server processes' environment
(:func:`bot.settings.config.child_environment`), and the ``.env.example`` section and README table
(:mod:`bot.settings.docs`), so none of them can drift from the others.

Each parser takes the variable's name, its raw value (``None`` when unset) and the default, and
returns the typed value or raises :class:`SettingsError` naming the variable.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from bot.storage.private_files import create_private_file, private_dir

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PACK_DIR = PROJECT_ROOT / "bot" / "content" / "packs"

#: Shortest ACTION_SERVER_TOKEN accepted: as long as REFLECT_SECRET, too long to guess.
MIN_TOKEN_CHARS = 32
#: The portal never shows a figure built from fewer contributions than this, whatever PORTAL_K.
MIN_PORTAL_K = 5

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Context:
    """What some parsers need besides their own variable: the mode and where local state lives."""

    production: bool
    var_dir: Path


#: ``parse(name, raw, default, context)``: the typed value, or SettingsError naming ``name``.
Parser = Callable[[str, str | None, T, Context], T]


@dataclass(frozen=True)
class Setting:
    """One environment variable and the Settings field it fills.

    ``doc`` is the one description, used by the README table and ``.env.example`` alike;
    ``unset`` says what happens when a variable without a default is unset (README's Default
    column); ``example`` is the value ``.env.example`` shows commented out, for a variable whose
    default is empty or not the one to show; ``child`` gives the value passed to the Rasa and
    action server processes when it is not the field's own (a derived one).
    """

    env: str
    default: Any
    parse: Parser[Any]
    doc: str
    group: str
    secret: bool = False
    example: str | None = None
    unset: str | None = None
    child: Callable[[Any], str] | None = None
    field: str = ""


_METADATA_KEY = "reflect.setting"


def setting(
    env: str,
    default: T,
    parse: Parser[T],
    doc: str,
    *,
    group: str,
    secret: bool = False,
    example: str | None = None,
    unset: str | None = None,
    child: Callable[[Any], str] | None = None,
) -> T:
    """A Settings field read from ``env``: the one place the setting is declared.

    Typed as the default so the dataclass (and mypy) see an ordinary default; a secret is left
    out of ``repr`` so it never reaches a log.
    """
    spec = Setting(
        env=env,
        default=default,
        parse=parse,
        doc=doc,
        group=group,
        secret=secret,
        example=example,
        unset=unset,
        child=child,
    )
    declared: T = dataclasses.field(
        default=default, repr=not secret, metadata={_METADATA_KEY: spec}
    )
    return declared


def declared_settings(cls: type) -> tuple[Setting, ...]:
    """The settings a dataclass declares with :func:`setting`, in field order, each named."""
    return tuple(
        dataclasses.replace(item.metadata[_METADATA_KEY], field=item.name)
        for item in dataclasses.fields(cls)
        if _METADATA_KEY in item.metadata
    )


def env_text(value: object) -> str:
    """A typed value as an environment variable holds it (what its parser reads back)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value)
    return str(value)


# --- kinds of value ---


def text(name: str, raw: str | None, default: str, context: Context) -> str:
    """The value as given (even blank), or the default when unset."""
    return default if raw is None else raw


def host(name: str, raw: str | None, default: str, context: Context) -> str:
    """A host name or address; blank means the default."""
    return (default if raw is None else raw).strip() or default


def optional_text(name: str, raw: str | None, default: str | None, context: Context) -> str | None:
    """The value, or ``None`` when unset or empty."""
    return raw or None


def log_level(name: str, raw: str | None, default: str, context: Context) -> str:
    """One of Python's logging level names, in any case."""
    value = (default if raw is None else raw).upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(
            f"{name} must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {value!r}"
        )
    return value


def path(name: str, raw: str | None, default: Path, context: Context) -> Path:
    """Relative paths in .env are relative to the project, wherever the process was started."""
    if not raw:
        return default
    value = Path(raw)
    return value if value.is_absolute() else PROJECT_ROOT / value


def whole(*, low: int = 1, high: int = 65535, unit: str = "") -> Parser[int]:
    """A whole number within [low, high] (a port by default); blank means the default."""

    def parse(name: str, raw: str | None, default: int, context: Context) -> int:
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

    return parse


port = whole()
days = whole(high=36_500, unit=" of days")


def database_url(name: str, raw: str | None, default: str | None, context: Context) -> str | None:
    """A SQLAlchemy URL for SQLite or PostgreSQL, or unset."""
    if not raw:
        return default
    scheme = urlsplit(raw).scheme.split("+")[0]
    if scheme not in {"sqlite", "postgresql"}:
        raise SettingsError(f"{name} must be a sqlite:// or postgresql:// URL, got {scheme!r}")
    return raw


_PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "replace-me", "secret"}


def secret_key(name: str, raw: str | None, default: bytes, context: Context) -> bytes:
    """The secret, or in development a random one kept in var/ so hashes stay stable.

    Production refuses a missing or placeholder secret: a guessable key would let anyone
    recompute sender pseudonyms and receipt hashes. The generated key is random per install,
    not a default: Settings itself has no usable secret.
    """
    value = (raw or "").strip()
    if value.lower() in _PLACEHOLDER_SECRETS:
        if context.production:
            raise SettingsError(f"{name} must be set to a long random value in production")
        key_file = context.var_dir / "secret.key"
        if not key_file.exists():
            # 0600 from creation: written and then chmod-ed, it was readable for a moment.
            create_private_file(private_dir(context.var_dir) / "secret.key", secrets.token_hex(32))
        value = key_file.read_text().strip()
    if len(value) < 32:
        raise SettingsError(f"{name} must be at least 32 characters")
    return value.encode()


def token(*, required_in_production: bool) -> Parser[str | None]:
    """A bearer token of at least :data:`MIN_TOKEN_CHARS` characters, without spaces."""

    def parse(name: str, raw: str | None, default: str | None, context: Context) -> str | None:
        value = (raw or "").strip()
        if not value:
            if required_in_production and context.production:
                raise SettingsError(
                    f"{name} must be set in production (at least {MIN_TOKEN_CHARS} characters)"
                )
            return default
        if len(value) < MIN_TOKEN_CHARS or any(ch.isspace() for ch in value):
            raise SettingsError(
                f"{name} must be at least {MIN_TOKEN_CHARS} characters, without spaces"
            )
        return value

    return parse


def url(*, https: Literal["never", "production", "always"] = "never") -> Parser[Any]:
    """An absolute http(s) URL without a trailing slash; https only always or in production.

    Typed loosely so one parser serves fields with and without a default URL.
    """

    def parse(name: str, raw: str | None, default: Any, context: Context) -> Any:
        if raw is None or not raw.strip():
            return default
        only_https = https == "always" or (https == "production" and context.production)
        parts = urlsplit(raw.strip())
        allowed = {"https"} if only_https else {"http", "https"}
        if parts.scheme not in allowed or not parts.netloc:
            scheme = "https://" if only_https else "http:// or https://"
            raise SettingsError(f"{name} must be an absolute {scheme} URL, got {raw!r}")
        return raw.strip().rstrip("/")

    return parse


def text_list(
    name: str, raw: str | None, default: tuple[str, ...], context: Context
) -> tuple[str, ...]:
    """A comma-separated list; unset or blank gives the default."""
    if raw is None or not raw.strip():
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def origins(
    name: str, raw: str | None, default: tuple[str, ...], context: Context
) -> tuple[str, ...]:
    """Web origins: scheme://host[:port] each, nothing after the host."""
    values = text_list(name, raw, default, context)
    for origin in values:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/"):
            raise SettingsError(
                f"{name} entries must look like https://example.org, got {origin!r}"
            )
    return tuple(origin.rstrip("/") for origin in values)


def redis_url(name: str, raw: str | None, default: str | None, context: Context) -> str | None:
    """redis://host[:port][/db], or unset."""
    if raw is None or not raw.strip():
        return default
    parts = urlsplit(raw.strip())
    db = parts.path.strip("/")
    if parts.scheme != "redis" or not parts.hostname or (db and not db.isdigit()):
        raise SettingsError(f"{name} must look like redis://127.0.0.1:6379/1, got {raw!r}")
    try:
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise SettingsError(f"{name} has a bad port: {raw!r}") from exc
    return raw.strip()


def disclosure_k(name: str, raw: str | None, default: int, context: Context) -> int:
    """The portal's k: a whole number, never below :data:`MIN_PORTAL_K`, whatever is asked."""
    value = whole(low=-1_000_000, high=1000, unit=" of contributions")(name, raw, default, context)
    if value < MIN_PORTAL_K:
        raise SettingsError(
            f"{name} must be at least {MIN_PORTAL_K} (below it, a figure can single out the few "
            f"people behind it; 10 is the ONS secure research rule), got {value}"
        )
    return value


# --- placeholder secrets (refused in production) ---

#: Words that mark a value someone was meant to replace, looked for with case, spaces and
#: punctuation ignored ("Change-Me", "your_secret_here", "not for production").
PLACEHOLDER_MARKERS: tuple[str, ...] = (
    "changeme",
    "changethis",
    "replaceme",
    "replacethis",
    "placeholder",
    "example",
    "yoursecret",
    "yourtoken",
    "yourpassword",
    "yourkey",
    "secrethere",
    "tokenhere",
    "notforproduction",
    "donotuse",
    "xxxxxxxx",
)
#: Whole values (again ignoring case and punctuation) that are words, not secrets.
PLACEHOLDER_WORDS = frozenset({"secret", "password", "token", "test", "default", "admin", "key"})
#: A random value of 16 characters or more has far more different characters than this.
MIN_DISTINCT_CHARS = 6
_TEMPLATE_MARKS = ("<", ">", "${", "$(", "{{", "}}")


def placeholder_reason(value: str) -> str | None:
    """Why ``value`` looks like a placeholder rather than a random secret, or None.

    Cheap, conservative tests that a random value (``secrets.token_hex(32)``, an Azure client
    secret) practically never fails: a template mark (``<client secret value>``), a known
    placeholder word, a single word, one character repeated, or too few different characters.
    """
    stripped = value.strip()
    letters = re.sub(r"[^a-z0-9]", "", stripped.lower())
    reasons = (
        (any(mark in stripped for mark in _TEMPLATE_MARKS), "a template to fill in"),
        (any(marker in letters for marker in PLACEHOLDER_MARKERS), "a placeholder word"),
        (letters in PLACEHOLDER_WORDS, "a word, not a secret"),
        (len(set(stripped)) <= 1, "one character repeated"),
        (len(set(stripped)) < MIN_DISTINCT_CHARS, "too few different characters to be random"),
    )
    return next((reason for found, reason in reasons if found), None)


_ASSIGNMENT = re.compile(r"\b([A-Z][A-Z0-9_]*)=([^\s`'\"#]+)")


def documented_values(names: set[str], files: tuple[Path, ...]) -> set[str]:
    """Values the documentation shows for the variables ``names`` (``NAME=value`` anywhere).

    Whatever .env.example or the README shows is public, so it is never a secret, however
    random it looks. Files that do not exist (an installed package) are skipped.
    """
    found: set[str] = set()
    for file in files:
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        found |= {value for name, value in _ASSIGNMENT.findall(text) if name in names}
    return found
