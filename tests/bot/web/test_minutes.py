"""The minutes downloads: ``GET /minutes/<token>.<ext>`` through Sanic's ASGI interface."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from sanic import Sanic

from bench.minutes_bench import realistic_minutes
from bot.content.messages import render
from bot.group.links import ROUTE_PREFIX, sign
from bot.group.minutes import Minutes
from bot.group.service import store_minutes
from bot.settings.config import Settings
from bot.storage.migrate import upgrade
from bot.storage.session import make_engine, make_session_factory, transaction
from bot.web.app import create_app
from bot.web.minutes import default_loader
from tests.asgi import AsgiReply, asgi_request
from tests.settings import TEST_SECRET, make_settings

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
REF = "Zq3v0Tn9hS2xWmK8pLr4Bw"
GONE_REF = "AAAAAAAAAAAAAAAAAAAAAA"


@dataclass
class FakeStore:
    """Stored minutes by public id; records which thread each load ran in."""

    minutes: dict[str, Minutes]
    threads: list[str] = field(default_factory=list)
    fail: bool = False

    def __call__(self, public_id: str) -> Minutes | None:
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise ConnectionError("database is down")
        return self.minutes.get(public_id)


@pytest.fixture(scope="module")
def minutes() -> Minutes:
    return realistic_minutes()


@pytest.fixture
def store(minutes: Minutes) -> FakeStore:
    return FakeStore({REF: minutes})


Get = Callable[..., Awaitable[AsgiReply]]


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Awaitable[Get]]:
    monkeypatch.setattr(Sanic, "test_mode", True)

    async def build(loader: Any, *, now: datetime = NOW, settings: Settings | None = None) -> Get:
        app = create_app(
            settings or make_settings(),
            static_dir=tmp_path,
            name=f"web_{uuid.uuid4().hex}",
            minutes_loader=loader,
            clock=lambda: now,
        )
        await app._startup()

        async def get(path: str, *, method: str = "GET") -> AsgiReply:
            return await asgi_request(app, method, path)

        return get

    return build


def _link(fmt: str = "pdf", *, ref: str = REF, ttl: timedelta = timedelta(hours=1)) -> str:
    token = sign(ref, fmt, secret=TEST_SECRET, now=NOW, ttl=ttl)
    return f"{ROUTE_PREFIX}{token}.{fmt}"


def _assert_safe_headers(reply: AsgiReply) -> None:
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert reply.headers["content-security-policy"].startswith("default-src 'none'")


async def test_a_pdf_link_downloads_the_tagged_pdf(serve: Any, store: FakeStore) -> None:
    get = await serve(store)

    reply = await get(_link("pdf"))

    assert reply.status == 200
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.headers["content-disposition"] == (
        'attachment; filename="minutes-2026-W48-7KQ4M.pdf"'
    )
    _assert_safe_headers(reply)
    pdf = pypdf.PdfReader(BytesIO(reply.body))
    assert "/StructTreeRoot" in pdf.trailer["/Root"]
    assert "Agreed actions" in pdf.pages[-1].extract_text()


async def test_a_docx_link_downloads_the_word_document(serve: Any, store: FakeStore) -> None:
    get = await serve(store)

    reply = await get(_link("docx"))

    assert reply.status == 200
    assert reply.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert reply.headers["content-disposition"].endswith('filename="minutes-2026-W48-7KQ4M.docx"')
    _assert_safe_headers(reply)
    assert docx.Document(BytesIO(reply.body)).paragraphs[0].text.startswith("Team minutes")


async def test_a_markdown_link_downloads_the_markdown(serve: Any, store: FakeStore) -> None:
    get = await serve(store)

    reply = await get(_link("md"))

    assert reply.status == 200
    assert reply.headers["content-type"] == "text/markdown; charset=utf-8"
    assert reply.text.startswith("# Team minutes: Child Z LCSPR learning briefing\n")


async def test_the_database_and_renderer_run_off_the_event_loop(
    serve: Any, store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.web import minutes as route

    rendered: list[tuple[str, str]] = []
    real = route.render_document

    def recording(m: Minutes, fmt: Any) -> bytes:
        rendered.append((fmt, threading.current_thread().name))
        return real(m, fmt)

    monkeypatch.setattr(route, "render_document", recording)
    get = await serve(store)

    await get(_link("pdf"))
    await get(_link("docx"))

    loop_thread = threading.current_thread().name
    assert store.threads and loop_thread not in store.threads
    assert rendered[0][0] == "pdf" and rendered[0][1].startswith("minutes-pdf")
    assert rendered[1][0] == "docx" and rendered[1][1] != loop_thread


async def test_an_expired_link_is_gone(serve: Any, store: FakeStore) -> None:
    get = await serve(store, now=NOW + timedelta(hours=1))
    path = _link("pdf")

    reply = await get(path)

    assert reply.status == 410
    assert reply.text == render("minutes_link_expired").text
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    _assert_safe_headers(reply)
    assert store.threads == []  # nothing was loaded


@pytest.mark.parametrize(
    "mangle",
    [
        lambda p: p[:20] + ("A" if p[20] != "A" else "B") + p[21:],  # a changed character
        lambda p: p.replace(".pdf", ".docx"),  # another format than the one signed
        lambda p: p.removesuffix(".pdf"),  # no extension
        lambda p: p + ".pdf",
        lambda p: ROUTE_PREFIX + "x" * 300 + ".pdf",
        lambda p: ROUTE_PREFIX + "<script>alert(1)</script>.pdf",
        lambda p: ROUTE_PREFIX + "..%2f..%2fetc%2fpasswd",
        lambda p: ROUTE_PREFIX + "1.pdf",
    ],
)
async def test_a_tampered_or_unknown_link_is_a_plain_404(
    serve: Any, store: FakeStore, mangle: Callable[[str], str]
) -> None:
    get = await serve(store)
    path = mangle(_link("pdf"))

    reply = await get(path)

    assert reply.status == 404
    assert reply.text in {render("minutes_link_invalid").text, "not found"}
    sent = path.removeprefix(ROUTE_PREFIX)
    assert all(part not in reply.text for part in sent.split(".") if len(part) > 4)
    assert store.threads == []


async def test_a_link_signed_with_another_secret_is_refused(serve: Any, store: FakeStore) -> None:
    other = make_settings(secret=b"another-deployment-secret-32-bytes")
    get = await serve(store, settings=other)

    reply = await get(_link("pdf"))

    assert reply.status == 404
    assert reply.text == render("minutes_link_invalid").text


async def test_minutes_that_are_gone_are_a_404(serve: Any, store: FakeStore) -> None:
    get = await serve(store)

    reply = await get(_link("docx", ref=GONE_REF))

    assert reply.status == 404
    assert reply.text == render("minutes_gone").text


async def test_a_database_fault_is_a_plain_503_that_logs_no_token(
    serve: Any, store: FakeStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.fail = True
    get = await serve(store)
    path = _link("pdf")

    with caplog.at_level(logging.DEBUG):
        reply = await get(path)

    assert reply.status == 503
    assert reply.text == render("minutes_unavailable").text
    token = path.removeprefix(ROUTE_PREFIX).split(".")[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ConnectionError" in logged
    assert token not in logged and REF not in logged and "database is down" not in logged


async def test_only_get(serve: Any, store: FakeStore) -> None:
    get = await serve(store)

    assert (await get(_link("pdf"), method="POST")).status == 405


async def test_the_default_loader_reads_the_minutes_the_group_service_filed(
    serve: Any, tmp_path: Path, minutes: Minutes
) -> None:
    settings = make_settings(var_dir=tmp_path / "var")
    upgrade(settings.reflections_url)
    engine = make_engine(settings.reflections_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            stored = store_minutes(
                session=session,
                minutes=minutes,
                group_ref=None,
                secret=settings.secret,
                today=NOW.date(),
            )
    finally:
        engine.dispose()
    get = await serve(None, settings=settings)

    missing = await get(_link("pdf"))
    found = await get(_link("md", ref=stored.public_id))

    assert missing.status == 404
    assert missing.text == render("minutes_gone").text
    assert found.status == 200
    assert default_loader(settings)(REF) is None
    assert default_loader(settings)(stored.public_id) == minutes
