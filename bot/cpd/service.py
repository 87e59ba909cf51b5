"""The end-of-walk-through summary and the practitioner's CPD record (chat text and links).

Actions call these two functions (interface of issue 16). The summary says what they covered
and offers the record and the follow-up. The record is built at the moment they ask, shown in
the chat, and kept encrypted only as long as its two download links live (bot.cpd.store): the
key is in the links alone, the row names no one, and it is deleted once the links expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import sessionmaker

from bot.briefing.views import LinkAge
from bot.content.messages import Message, render
from bot.content.schema import Pack
from bot.cpd.covered import Covered
from bot.cpd.links import Format, download_url
from bot.cpd.outline import outline, section_label
from bot.cpd.record import VARIANTS, Variant, build_record, is_empty
from bot.cpd.store import store_record
from bot.discussion.navigate import DiscussionState
from bot.discussion.views import summary_view
from bot.group.documents import outline_markdown
from bot.settings.config import Settings
from bot.storage.session import transaction

__all__ = ["VARIANTS", "CpdLinks", "Variant", "end_summary", "record_messages"]


@dataclass(frozen=True)
class CpdLinks:
    """Where the record can be downloaded, and for how many minutes."""

    docx: str
    pdf: str
    minutes: int


def end_summary(pack: Pack, covered: Covered, *, age: LinkAge | None = None) -> Message:
    """What they covered (sections, points discussed and skipped) and the links again.

    Its buttons ask for the CPD record (either variant) and the follow-up. The wording extends
    the discussion's own summary (bot.discussion.views.summary_view) with the sections read.
    """
    state = DiscussionState(covered=covered.points_discussed, skipped=covered.points_skipped)
    sections = ", ".join(section_label(section) for section in covered.sections)
    return render(
        "cpd_end_summary",
        **summary_view(pack, state, age=age),
        sections_read=sections or render("cpd_end_summary_no_sections").text,
    )


def links_for(settings: Settings, public_id: str, key: bytes, *, now: datetime) -> CpdLinks:
    """The DOCX and PDF links to one stored record, signed at the same moment."""
    ttl = timedelta(minutes=settings.cpd_link_minutes)

    def url(fmt: Format) -> str:
        return download_url(
            settings.web_public_url, public_id, key, fmt, secret=settings.secret, now=now, ttl=ttl
        )

    return CpdLinks(docx=url("docx"), pdf=url("pdf"), minutes=settings.cpd_link_minutes)


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

    With nothing covered yet there is no record to give: one kind sentence says so instead.
    """
    if is_empty(covered):
        return [render("cpd_record_nothing_yet")]
    record = build_record(pack, covered, variant=variant, today=today)
    # Whole seconds, so the row and its links (which sign Unix seconds) expire together.
    moment = now.replace(microsecond=0)
    with transaction(factory) as session:
        stored = store_record(
            session, record, now=moment, ttl=timedelta(minutes=settings.cpd_link_minutes)
        )
    links = links_for(settings, stored.public_id, stored.key, now=moment)
    return [
        Message(outline_markdown(outline(record, chat=True))),
        render(
            "cpd_record_links",
            docx_url=links.docx,
            pdf_url=links.pdf,
            link_minutes=str(links.minutes),
        ),
    ]
