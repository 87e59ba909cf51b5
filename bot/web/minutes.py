"""``GET /minutes/<token>.<ext>``: a group session's minutes, downloaded by a signed link.

The chat shows the lead short-lived links (bot.group.links); this serves them. A request is
checked before anything is read: a tampered or unknown token gets a 404, an expired one a 410,
each with one plain sentence from messages.yml that quotes nothing back; the extension must be
the format the token was signed for. Only then are the minutes loaded (by their random public
id, through an injected :data:`MinutesLoader`) and rendered, both in worker threads so the event
loop never waits on the database or WeasyPrint; PDFs render one at a time in their own thread.
The file goes out as an attachment, ``Cache-Control: no-store``, with the app's security
headers. Nothing is logged but the outcome: never the token, the id or the minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime, timezone
from functools import partial
from typing import Any

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.content.messages import render
from bot.group.documents import DOCUMENT_FORMATS, filename, render_document
from bot.group.links import LinkState, check
from bot.group.minutes import Minutes
from bot.settings.config import Settings

logger = logging.getLogger(__name__)

MinutesLoader = Callable[[str], Minutes | None]
"""Loads stored minutes by their random ``public_id``; ``None`` when there are none (any more)."""
Clock = Callable[[], datetime]
TEXT = "text/plain; charset=utf-8"


def default_loader(settings: Settings) -> MinutesLoader:
    """Minutes from the reflections database (Settings.reflections_url), connected on first use."""
    factory: list[Any] = []

    def load(public_id: str) -> Minutes | None:
        from bot.group.service import load_minutes
        from bot.storage.session import make_engine, make_session_factory, transaction

        if not factory:
            factory.append(make_session_factory(make_engine(settings.reflections_url)))
        with transaction(factory[0]) as session:
            return load_minutes(session, public_id)

    return load


def utc_now() -> datetime:
    """The real clock (tests pass their own)."""
    return datetime.now(timezone.utc)


def plain_answer(message: str, status: int) -> HTTPResponse:
    """One plain sentence from messages.yml (quoting nothing back), never cached."""
    return HTTPResponse(
        render(message).text,
        status=status,
        content_type=TEXT,
        headers={"Cache-Control": "no-store"},
    )


def attachment(body: bytes, content_type: str, name: str) -> HTTPResponse:
    """A download: an attachment named ``name``, never cached, not to be indexed."""
    return HTTPResponse(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex, nofollow",
        },
    )


class MinutesDownloads:
    """The download route's handler, with its loader, clock and the PDF thread."""

    def __init__(
        self, settings: Settings, loader: MinutesLoader, *, clock: Clock = utc_now
    ) -> None:
        self.settings = settings
        self.loader = loader
        self.clock = clock
        # WeasyPrint is not documented as thread-safe and a PDF is CPU-bound: one at a time.
        self._pdf_thread: ThreadPoolExecutor | None = None

    def pdf_executor(self) -> Executor:
        """The single thread PDFs render in (created on first use)."""
        if self._pdf_thread is None:
            self._pdf_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutes-pdf")
        return self._pdf_thread

    def close(self) -> None:
        """Stop the PDF thread (the server is stopping)."""
        if self._pdf_thread is not None:
            self._pdf_thread.shutdown(wait=False, cancel_futures=True)
            self._pdf_thread = None

    async def __call__(self, request: Request, name: str) -> HTTPResponse:
        """Verify, load, render and send; a refusal or a failure is a short plain sentence."""
        token, _, extension = name.rpartition(".")
        result = check(token, secret=self.settings.secret, now=self.clock())
        if result.state is LinkState.EXPIRED:
            logger.info("minutes download refused: link expired")
            return plain_answer("minutes_link_expired", 410)
        if result.state is not LinkState.OK or result.fmt is None or result.minutes_ref is None:
            logger.info("minutes download refused: not a valid link")
            return plain_answer("minutes_link_invalid", 404)
        fmt = result.fmt
        if extension != DOCUMENT_FORMATS[fmt].extension:
            logger.info("minutes download refused: extension does not match the link")
            return plain_answer("minutes_link_invalid", 404)
        loop = asyncio.get_running_loop()
        try:
            minutes = await loop.run_in_executor(None, self.loader, result.minutes_ref)
            if minutes is None:
                logger.info("minutes download refused: no such minutes")
                return plain_answer("minutes_gone", 404)
            executor = self.pdf_executor() if fmt == "pdf" else None
            body = await loop.run_in_executor(executor, partial(render_document, minutes, fmt))
        except Exception as exc:  # a database or renderer fault: a plain 503, never a 500 page
            logger.error("minutes download failed: %s", type(exc).__name__)
            return plain_answer("minutes_unavailable", 503)
        logger.info("minutes downloaded as %s", fmt)
        return attachment(body, DOCUMENT_FORMATS[fmt].content_type, filename(minutes, fmt))
