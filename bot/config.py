"""One typed view of the environment, read once at start-up.

Nothing else in the project reads ``os.environ``: processes call :func:`load_settings` once and
pass the result down, and tests build :class:`Settings` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK_DIR = Path(__file__).resolve().parent / "content" / "packs"


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
    action_port: int = 5055
    log_level: str = "INFO"

    @property
    def is_production(self) -> bool:
        """Production refuses development defaults (checked by :func:`load_settings`)."""
        return self.app_env == "production"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if not 0 < value < 65536:
        raise SettingsError(f"{name} must be between 1 and 65535, got {value}")
    return value


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
    settings = Settings(
        app_env=env.get("APP_ENV", "development"),
        content_dir=_path(env.get("CONTENT_DIR"), DEFAULT_PACK_DIR),
        default_pack_id=env.get("DEFAULT_PACK_ID", "esscp-child-z"),
        var_dir=_path(env.get("VAR_DIR"), PROJECT_ROOT / "var"),
        rasa_host=env.get("RASA_HOST", "127.0.0.1"),
        rasa_port=_int("RASA_PORT", 5005),
        action_port=_int("ACTION_PORT", 5055),
        log_level=log_level,
    )
    if not settings.content_dir.is_dir():
        raise SettingsError(f"CONTENT_DIR {settings.content_dir} is not a directory")
    return settings


def tracker_db_path(settings: Settings) -> Path:
    """Where the SQLite tracker store keeps conversations (and so discussion positions)."""
    return settings.var_dir / "tracker.db"


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment for the Rasa and action server processes.

    Rasa fills ``${VARS}`` in endpoints.yml from its own process environment, not from .env, so
    the launcher passes the resolved settings down explicitly.
    """
    env = dict(os.environ)
    env.update(
        {
            "REFLECT_ACTION_URL": f"http://127.0.0.1:{settings.action_port}/webhook",
            "REFLECT_TRACKER_DB": str(tracker_db_path(settings)),
            "CONTENT_DIR": str(settings.content_dir),
            "DEFAULT_PACK_ID": settings.default_pack_id,
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
