"""Process-wide settings and content, loaded lazily on first use (never at import)."""

from functools import lru_cache

from sqlalchemy.orm import sessionmaker

from bot.content.loader import get_pack, load_packs
from bot.content.schema import Pack
from bot.settings.config import Settings, load_settings
from bot.storage.session import make_engine, make_session_factory


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Settings for the action server, read once."""
    return load_settings()


def current_pack() -> Pack:
    """The briefing this deployment walks through (cached by the loader)."""
    config = settings()
    return get_pack(config.content_dir, config.default_pack_id)


@lru_cache(maxsize=1)
def all_packs() -> tuple[Pack, ...]:
    """Every briefing in the content directory, read once (packs change only on deploy)."""
    return tuple(load_packs(settings().content_dir).values())


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker:
    """One engine and session factory per action server process, created on first use."""
    return make_session_factory(make_engine(settings().reflections_url))
