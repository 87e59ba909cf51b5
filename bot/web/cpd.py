"""``GET /cpd/<token>.<ext>``: a practitioner's CPD record, downloaded by its signed link.

In the style of the minutes downloads (bot.web.minutes): the token is checked before anything
is read (tampered or unknown: 404; expired: 410, one plain sentence from messages.yml that
quotes nothing back), the extension must be the format the link was signed for, and only then
is the record loaded and decrypted with the key the link carries (bot.cpd.store) and rendered,
both in worker threads; PDFs render in the minutes' single PDF thread, so WeasyPrint never runs
twice at once. An expired link's record is deleted there and then. The file goes out as an
attachment, ``Cache-Control: no-store``, not to be indexed. Nothing is logged but the outcome:
never the token, the id, the key or the record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.cpd.links import check
from bot.cpd.outline import CONTENT_TYPES, filename, render_document
from bot.cpd.record import Record
from bot.group.links import LinkState
from bot.settings.config import Settings
from bot.web.minutes import Clock, attachment, plain_answer, utc_now

logger = logging.getLogger(__name__)


class RecordStore(Protocol):
    """Where the route finds a record while its link lives, and forgets it after."""

    def load(self, public_id: str, key: bytes, now: datetime) -> Record | None:
        """The decrypted record; None when it is gone, expired or the key does not open it."""

    def forget(self, public_id: str, now: datetime) -> int:
        """Delete this record and every other expired one; how many went."""


class DatabaseRecords:
    """Records in the reflections database (Settings.reflections_url), connected on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._factory: Any = None

    def _sessions(self) -> Any:
        from bot.storage.session import make_engine, make_session_factory

        if self._factory is None:
            self._factory = make_session_factory(make_engine(self.settings.reflections_url))
        return self._factory

    def load(self, public_id: str, key: bytes, now: datetime) -> Record | None:
        """The record, deleting it if it has expired (see bot.cpd.store.load_record)."""
        from bot.cpd.store import load_record
        from bot.storage.session import transaction

        with transaction(self._sessions()) as session:
            return load_record(session, public_id, key, now=now)

    def forget(self, public_id: str, now: datetime) -> int:
        """Delete the record an expired link named, and any other expired one."""
        from bot.cpd.store import delete_expired, delete_record
        from bot.storage.session import transaction

        with transaction(self._sessions()) as session:
            return delete_record(session, public_id) + delete_expired(session, now=now)


class CpdDownloads:
    """The CPD download route's handler, with its store, clock and the shared PDF thread."""

    def __init__(
        self,
        settings: Settings,
        store: RecordStore,
        *,
        pdf_executor: Callable[[], Executor],
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self.store = store
        self.pdf_executor = pdf_executor
        self.clock = clock

    async def __call__(self, request: Request, name: str) -> HTTPResponse:
        """Verify, load, render and send; a refusal or a failure is a short plain sentence."""
        token, _, extension = name.rpartition(".")
        now = self.clock()
        result = check(token, secret=self.settings.secret, now=now)
        loop = asyncio.get_running_loop()
        if result.state is LinkState.EXPIRED and result.public_id is not None:
            logger.info("CPD record download refused: link expired")
            try:
                await loop.run_in_executor(None, self.store.forget, result.public_id, now)
            except Exception as exc:  # the purge deletes it later; the answer is the same
                logger.error("CPD record could not be deleted: %s", type(exc).__name__)
            return plain_answer("cpd_link_expired", 410)
        fmt, public_id, key = result.fmt, result.public_id, result.key
        if result.state is not LinkState.OK or fmt is None or public_id is None or key is None:
            logger.info("CPD record download refused: not a valid link")
            return plain_answer("minutes_link_invalid", 404)
        if extension != fmt:
            logger.info("CPD record download refused: extension does not match the link")
            return plain_answer("minutes_link_invalid", 404)
        try:
            record = await loop.run_in_executor(None, self.store.load, public_id, key, now)
            if record is None:
                logger.info("CPD record download refused: no such record")
                return plain_answer("cpd_gone", 404)
            executor = self.pdf_executor() if fmt == "pdf" else None
            body = await loop.run_in_executor(executor, partial(render_document, record, fmt))
        except Exception as exc:  # a database or renderer fault: a plain 503, never a 500 page
            logger.error("CPD record download failed: %s", type(exc).__name__)
            return plain_answer("cpd_unavailable", 503)
        logger.info("CPD record downloaded as %s", fmt)
        return attachment(body, CONTENT_TYPES[fmt], filename(record, fmt))
