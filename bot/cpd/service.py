"""The end-of-walk-through summary and the practitioner's CPD record (chat text and links).

INTERFACE STUB (issue 16): the cpd helper implements it; actions call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import sessionmaker

from bot.briefing.views import LinkAge
from bot.content.messages import Message
from bot.content.schema import Pack
from bot.cpd.covered import Covered
from bot.settings.config import Settings

Variant = Literal["swe", "nmc"]
#: Social Work England's CPD record layout, and the NMC revalidation reflective account.
VARIANTS: tuple[Variant, ...] = ("swe", "nmc")


@dataclass(frozen=True)
class CpdLinks:
    """Where the record can be downloaded, and for how many minutes."""

    docx: str
    pdf: str
    minutes: int


def end_summary(pack: Pack, covered: Covered, *, age: LinkAge | None = None) -> Message:
    """The end-of-walk-through summary: sections, points discussed and skipped, links, buttons.

    The buttons offer the CPD record and the follow-up.
    """
    raise NotImplementedError


def record_messages(
    factory: sessionmaker,
    settings: Settings,
    *,
    pack: Pack,
    covered: Covered,
    variant: Variant,
    today: date,
    now: datetime,
) -> list[Message]:
    """The CPD record as chat text, then its DOCX and PDF links.

    The record is stored encrypted until the links expire. Raises SQLAlchemyError when the
    database is unavailable.
    """
    raise NotImplementedError
