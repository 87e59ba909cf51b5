"""Process-wide settings and content, loaded lazily on first use (never at import)."""

from datetime import date
from functools import lru_cache
from pathlib import Path

from rasa_sdk import Tracker
from sqlalchemy.orm import sessionmaker

from actions import names
from bot.briefing.views import LinkAge
from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.loader import load_packs
from bot.content.schema import Pack
from bot.settings.config import Settings, load_settings
from bot.storage.session import make_engine, make_session_factory


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Settings for the action server, read once."""
    return load_settings()


@lru_cache(maxsize=4)
def _catalogue(content_dir: Path, offered: tuple[str, ...], default_id: str) -> Catalogue:
    return load_catalogue(content_dir, offered, default_id)


def catalogue() -> Catalogue:
    """The briefings this deployment offers, read once (packs change only on deploy)."""
    config = settings()
    return _catalogue(config.content_dir, config.offered_packs, config.default_pack_id)


def chosen_pack(tracker: Tracker) -> Pack | None:
    """The briefing this conversation chose (the ``pack_id`` slot), if it is still offered."""
    return catalogue().get(tracker.get_slot(names.SLOT_PACK_ID))


def pack_for(tracker: Tracker) -> Pack:
    """The briefing this conversation is on: the one it chose if still offered, else the default."""
    return chosen_pack(tracker) or catalogue().default


def front_door_packs(tracker: Tracker) -> tuple[Pack, ...]:
    """Whose urgent contacts to give: the chosen briefing's, or, before a choice, every area's."""
    chosen = chosen_pack(tracker)
    return (chosen,) if chosen is not None else catalogue().front_doors()


@lru_cache(maxsize=4)
def _every_pack(content_dir: Path) -> dict[str, Pack]:
    return load_packs(content_dir)


def pack_by_id(pack_id: str) -> Pack | None:
    """Any pack in the content directory, offered or not (a group session started on one)."""
    return _every_pack(settings().content_dir).get(pack_id)


def today() -> date:
    """Today, read by actions only (views are given it), so tests can choose the day."""
    return date.today()


def link_age() -> LinkAge:
    """When a link the bot gives is old enough to say when it was last checked."""
    return LinkAge(today=today(), stale_days=settings().link_stale_days)


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker:
    """One engine and session factory per action server process, created on first use."""
    return make_session_factory(make_engine(settings().reflections_url))
