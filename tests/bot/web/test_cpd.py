"""The CPD record downloads, ``GET /cpd/<token>.<ext>``, through Sanic's ASGI interface.

The must-show proof (issue 16): a record produced from a test conversation's covered slots into
a database migrated with the real migrations, downloaded through the route, and, once the link
has expired, nothing in any column of any table that links it to the conversation: not its
public id, not its key, not a word of its reflections; also after ``reflect purge``.
"""

from __future__ import annotations

import io
import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from sanic import Sanic

from bot import cli
from bot.content.messages import render
from bot.content.schema import Pack
from bot.cpd.covered import covered_from_slots
from bot.cpd.links import ROUTE_PREFIX, check, sign
from bot.cpd.record import Record, build_record
from bot.cpd.service import record_messages
from bot.settings.config import Settings
from bot.storage.migrate import upgrade
from bot.storage.session import make_engine, make_session_factory
from bot.web.app import create_app
from tests.asgi import AsgiReply, asgi_request
from tests.bot.cpd.conftest import (
    REFLECTIONS,
    conversation_slots,
    every_stored_value,
    key_spellings,
)
from tests.settings import TEST_SECRET

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
PUBLIC_ID = "Zq3v0Tn9hS2xWmK8pLr4Bw"
KEY = bytes(range(32))

Get = Callable[[str], Awaitable[AsgiReply]]


@dataclass
class Clock:
    """The app's clock, moved on by the test."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeRecords:
    """Records by public id; records where each call ran and what was forgotten."""

    records: dict[str, tuple[bytes, Record]]
    threads: list[str] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    fail: bool = False

    def load(self, public_id: str, key: bytes, now: datetime) -> Record | None:
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise ConnectionError("database is down")
        found = self.records.get(public_id)
        return found[1] if found and found[0] == key else None

    def forget(self, public_id: str, now: datetime) -> int:
        self.threads.append(threading.current_thread().name)
        self.forgotten.append(public_id)
        return int(self.records.pop(public_id, None) is not None)


@pytest.fixture
def record(pack: Pack) -> Record:
    covered = covered_from_slots(**conversation_slots(pack))
    return build_record(pack, covered, variant="swe", today=NOW.date())


@pytest.fixture
def serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings
) -> Callable[..., Awaitable[Get]]:
    monkeypatch.setattr(Sanic, "test_mode", True)

    async def build(store: Any = None, *, clock: Callable[[], datetime] | None = None) -> Get:
        app = create_app(
            settings,
            static_dir=tmp_path,
            name=f"web_{uuid.uuid4().hex}",
            minutes_loader=lambda _ref: None,
            clock=clock or Clock(),
            purge_job=lambda: "",
            **({"cpd_store": store} if store is not None else {}),
        )
        await app._startup()

        async def get(path: str) -> AsgiReply:
            return await asgi_request(app, "GET", path)

        return get

    return build


def _path(fmt: str = "pdf", *, key: bytes = KEY, ttl: timedelta = timedelta(minutes=30)) -> str:
    return f"{ROUTE_PREFIX}{sign(PUBLIC_ID, key, fmt, secret=TEST_SECRET, now=NOW, ttl=ttl)}.{fmt}"


def _assert_download_headers(reply: AsgiReply) -> None:
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["x-robots-tag"] == "noindex, nofollow"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["content-disposition"].startswith('attachment; filename="cpd-record-')


async def test_a_docx_link_downloads_the_record(serve: Any, record: Record) -> None:
    get = await serve(FakeRecords({PUBLIC_ID: (KEY, record)}))

    reply = await get(_path("docx"))

    assert reply.status == 200
    assert reply.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    _assert_download_headers(reply)
    assert reply.headers["content-disposition"].endswith('-2026-11-27.docx"')
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(reply.body)).paragraphs)
    assert REFLECTIONS[0] in text


async def test_a_pdf_renders_off_the_event_loop_in_the_one_pdf_thread(
    serve: Any, record: Record
) -> None:
    store = FakeRecords({PUBLIC_ID: (KEY, record)})
    get = await serve(store)

    reply = await get(_path("pdf"))

    assert reply.status == 200 and reply.headers["content-type"] == "application/pdf"
    _assert_download_headers(reply)
    assert "/StructTreeRoot" in pypdf.PdfReader(io.BytesIO(reply.body)).trailer["/Root"]
    assert store.threads and threading.current_thread().name not in store.threads


async def test_an_expired_link_is_410_and_its_record_is_forgotten(
    serve: Any, record: Record
) -> None:
    store = FakeRecords({PUBLIC_ID: (KEY, record)})
    get = await serve(store, clock=Clock(NOW + timedelta(minutes=30)))

    reply = await get(_path("docx"))

    assert reply.status == 410
    assert reply.text == render("cpd_link_expired").text
    assert reply.headers["cache-control"] == "no-store"
    assert store.forgotten == [PUBLIC_ID] and store.records == {}


@pytest.mark.parametrize(
    "mangle",
    [
        lambda p: p[:20] + ("A" if p[20] != "A" else "B") + p[21:],
        lambda p: p.replace(".pdf", ".docx"),  # another format than the one signed
        lambda p: p.removesuffix(".pdf"),
        lambda p: p + ".pdf",
        lambda p: ROUTE_PREFIX + "x" * 300 + ".pdf",
        lambda p: ROUTE_PREFIX + "<script>alert(1)</script>.pdf",
        lambda p: p.replace(ROUTE_PREFIX, "/minutes/"),  # a CPD link is no minutes link
        lambda p: ROUTE_PREFIX + "%ff%fe.pdf",
        lambda p: ROUTE_PREFIX + "%00.pdf",
        lambda p: ROUTE_PREFIX + "..%2f..%2fetc%2fpasswd",
    ],
)
async def test_a_tampered_link_is_a_plain_404_that_loads_nothing(
    serve: Any, record: Record, mangle: Callable[[str], str]
) -> None:
    store = FakeRecords({PUBLIC_ID: (KEY, record)})
    get = await serve(store)

    reply = await get(mangle(_path("pdf")))

    assert reply.status == 404
    assert reply.text in {render("minutes_link_invalid").text, "not found"}
    assert store.threads == []


async def test_a_wrong_key_or_a_gone_record_is_404(serve: Any, record: Record) -> None:
    get = await serve(FakeRecords({PUBLIC_ID: (KEY, record)}))

    reply = await get(_path("pdf", key=bytes(32)))

    assert reply.status == 404
    assert reply.text == render("cpd_gone").text


async def test_a_database_fault_is_a_plain_503(serve: Any, record: Record) -> None:
    get = await serve(FakeRecords({PUBLIC_ID: (KEY, record)}, fail=True))

    reply = await get(_path("docx"))

    assert reply.status == 503
    assert reply.text == render("cpd_unavailable").text


# --- the must-show proof: a real database, the real route, the real purge ---


@pytest.fixture
def database(settings: Settings) -> Iterator[Any]:
    upgrade(settings.reflections_url)  # the real migrations
    engine = make_engine(settings.reflections_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _links(text: str, settings: Settings) -> dict[str, str]:
    urls = re.findall(r"\]\(([^)]+)\)", text)
    return {url.rsplit(".", 1)[1]: url.removeprefix(settings.web_public_url) for url in urls}


def _traces(path: str, settings: Settings, *, now: datetime = NOW) -> list[str]:
    """What would link a stored thing to this record: its id, its key, its token."""
    token = path.removeprefix(ROUTE_PREFIX).rsplit(".", 1)[0]
    opened = check(token, secret=settings.secret, now=now)
    assert opened.public_id is not None and opened.key is not None
    return [opened.public_id, token, *key_spellings(opened.key)]


def _found(settings: Settings, needles: list[str]) -> list[str]:
    values = every_stored_value(settings.reflections_url)
    return [needle for needle in needles if any(needle in value for value in values)]


def _purge(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings) -> str:
    """``reflect purge`` as an operator runs it: settings from the environment, real clock."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("REFLECT_SECRET", TEST_SECRET.decode())
    out = io.StringIO()
    assert cli.main(["purge"], out) == 0
    return out.getvalue()


async def test_after_expiry_nothing_in_the_database_links_the_record_to_the_conversation(
    serve: Any,
    pack: Pack,
    settings: Settings,
    database: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    covered = covered_from_slots(**conversation_slots(pack))
    chat, links_message = record_messages(
        database, settings, pack=pack, covered=covered, variant="nmc", today=NOW.date(), now=NOW
    )
    links = _links(links_message.text, settings)
    clock = Clock()
    get = await serve(clock=clock)  # the default store: the reflections database

    # While the link lives: both files download, and the record is readable only through it.
    word = await get(links["docx"])
    pdf = await get(links["pdf"])
    assert word.status == 200 and pdf.status == 200
    document_text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.body)).paragraphs)
    for reflection in REFLECTIONS:
        assert reflection in document_text and reflection in chat.text
    assert render("cpd_reflections_note").text in document_text
    pdf_text = " ".join(
        " ".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.body)).pages
        ).split()
    )
    assert REFLECTIONS[0] in pdf_text
    traces = _traces(links["docx"], settings)
    assert _found(settings, traces[:1]) == traces[:1]  # the row is there, by its public id
    assert _found(settings, [*traces[1:], *REFLECTIONS]) == []  # but never the key or the text

    # The link expires: 410, and the row is gone at once.
    clock.now = NOW + timedelta(minutes=settings.cpd_link_minutes)
    expired = await get(links["docx"])
    assert expired.status == 410
    assert expired.text == render("cpd_link_expired").text
    assert (await get(links["pdf"])).status == 410
    assert _found(settings, [*traces, *REFLECTIONS, pack.title]) == []

    # And after `reflect purge`, still nothing.
    said = _purge(monkeypatch, tmp_path, settings)
    assert "0 expired CPD record(s)" in said
    assert _found(settings, [*traces, *REFLECTIONS, pack.title]) == []


def test_reflect_purge_deletes_a_record_whose_link_was_never_opened(
    pack: Pack,
    settings: Settings,
    database: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    covered = covered_from_slots(**conversation_slots(pack))
    made = datetime.now(timezone.utc) - timedelta(minutes=settings.cpd_link_minutes, seconds=1)
    _, links_message = record_messages(
        database, settings, pack=pack, covered=covered, variant="swe", today=date.today(), now=made
    )
    traces = _traces(_links(links_message.text, settings)["pdf"], settings, now=made)
    assert _found(settings, traces[:1]) == traces[:1]

    said = _purge(monkeypatch, tmp_path, settings)

    assert "1 expired CPD record(s)" in said
    assert _found(settings, [*traces, *REFLECTIONS]) == []
