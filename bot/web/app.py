"""The web app: the widget's demo page, widget.js and its assets, the downloads, health.

Deliberately tiny: a fixed table of routes to files in ``static/`` (no path from the request
ever reaches the file system, so there is nothing to traverse), read on each request so an
edited widget shows up on reload, and revalidated by ETag. The conversation itself does not
pass through here: the widget talks socket.io straight to the Rasa server (Settings.socket_url).
A group session's minutes (bot.web.minutes) and a practitioner's CPD record (bot.web.cpd) are
downloaded here by signed links.

Sanic because Rasa already brings it (21.12); nothing here imports Rasa.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from sanic import Sanic
from sanic.exceptions import MethodNotSupported, NotFound
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.content.catalogue import load_catalogue
from bot.cpd.links import ROUTE_PREFIX as CPD_ROUTE_PREFIX
from bot.group.links import ROUTE_PREFIX
from bot.settings.config import Settings
from bot.web.cpd import CpdDownloads, DatabaseRecords, RecordStore
from bot.web.minutes import Clock, MinutesDownloads, MinutesLoader, default_loader
from bot.web.portal import Portal
from bot.web.schedule import Repeating

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SOCKET_URL_PLACEHOLDER = "__REFLECT_SOCKET_URL__"
WIDGET_SRC_PLACEHOLDER = "__REFLECT_WIDGET_SRC__"
# The embed snippet shown on the page needs the absolute address another site would use.
WIDGET_URL_PLACEHOLDER = "__REFLECT_WIDGET_URL__"
WIDGET_SRC = "/widget.js"
# The widget's data-pack attribute on the demo page (empty, or ` data-pack="<id>"` from ?pack=).
PACK_ATTRIBUTE_PLACEHOLDER = "__REFLECT_PACK_ATTRIBUTE__"
#: What a pack id in ?pack= may look like before it is even looked up (the loader's ids).
PACK_PARAMETER = re.compile(r"[a-z0-9-]{1,100}")

HTML = "text/html; charset=utf-8"
JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

#: On every response, error pages included.
BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
#: Anything that is not the demo page: no scripts, no framing.
LOCKED_DOWN_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


@dataclass(frozen=True)
class Asset:
    """A file the widget loads from other sites' pages, so it must be embeddable."""

    file: str
    content_type: str


ASSETS = {
    "/widget.js": Asset("widget.js", JAVASCRIPT),
    "/widget.css": Asset("widget.css", CSS),
    "/vendor/socket.io.min.js": Asset("vendor/socket.io.min.js", JAVASCRIPT),
    "/demo.css": Asset("demo.css", CSS),
}


def widget_url(settings: Settings) -> str:
    """Where other sites load widget.js from: PUBLIC_URL if set, else the web app itself."""
    return f"{settings.public_url or settings.web_url}{WIDGET_SRC}"


def offered_pack_ids(settings: Settings) -> frozenset[str]:
    """The ids of the briefings this deployment offers (OFFERED_PACKS, or every pack)."""
    catalogue = load_catalogue(
        settings.content_dir, settings.offered_packs, settings.default_pack_id
    )
    return frozenset(pack.id for pack in catalogue.offered())


def pack_attribute(requested: object, offered: frozenset[str]) -> str:
    """The widget's ``data-pack`` attribute for ``?pack=``: only an offered id, else nothing.

    Anything else (an unknown id, markup, several values) is ignored, never an error: the
    demo page then starts on the default briefing as usual.
    """
    if not isinstance(requested, str) or not PACK_PARAMETER.fullmatch(requested):
        return ""
    if requested not in offered:
        return ""
    return f' data-pack="{html.escape(requested, quote=True)}"'


def socket_sources(socket_url: str) -> list[str]:
    """The CSP ``connect-src`` entries for the socket: its origin over http(s) and ws(s).

    socket.io starts with HTTP long-polling and upgrades to a websocket, so both schemes of the
    same host are needed.
    """
    parts = urlsplit(socket_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return []
    websocket = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{websocket}://{parts.netloc}"]


def page_csp(socket_url: str) -> str:
    """The demo page's Content-Security-Policy: our own scripts and styles, the socket, no frames.

    No ``'unsafe-inline'``: demo.html and the widget may use only files from this app (no
    inline ``<script>``, ``<style>`` or ``style="..."``; setting ``element.style`` from
    widget.js is fine). No framing, as nothing needs to put the demo page in a frame.
    """
    connect = " ".join(["'self'", *socket_sources(socket_url)])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def create_app(
    settings: Settings,
    *,
    static_dir: Path = STATIC_DIR,
    name: str = "reflect_web",
    minutes_loader: MinutesLoader | None = None,
    clock: Clock | None = None,
    purge_job: Callable[[], str] | None = None,
    portal: Portal | None = None,
    cpd_store: RecordStore | None = None,
    followup_job: Callable[[], str] | None = None,
) -> Sanic:
    """The Sanic app serving the demo page and the widget's files from ``static_dir``.

    ``name`` must be unique in a process (Sanic keeps a registry of apps); tests pass their own.
    ``minutes_loader`` finds stored minutes by their public id for the download links (default:
    the reflections database, :func:`bot.web.minutes.default_loader`); ``clock`` is for tests.
    ``purge_job`` is the retention purge run every PURGE_INTERVAL_HOURS (default:
    :func:`bot.retention.purge_all` on this deployment's databases); ``portal`` the lead portal's
    routes (default: built from ``settings``); ``cpd_store`` where CPD records are kept while
    their links live (default: the reflections database, :class:`bot.web.cpd.DatabaseRecords`);
    ``followup_job`` sends the due follow-ups every FOLLOWUP_INTERVAL_HOURS (default:
    :func:`bot.followup.cli.run_send`).
    """
    app = Sanic(name, env_prefix=None, configure_logging=False)
    # Nothing here takes a body; refuse big ones before reading them (Sanic allows 100 MB).
    app.config.REQUEST_MAX_SIZE = 16_384
    app.config.FALLBACK_ERROR_FORMAT = "text"
    if settings.trusted_proxies:
        # Behind HAProxy every request comes from the proxy: the client is in X-Forwarded-For.
        app.config.PROXIES_COUNT = settings.trusted_proxies
    csp = page_csp(settings.socket_url)
    offered = offered_pack_ids(settings)

    async def demo_page(request: Request) -> HTTPResponse:
        body = _read(static_dir / "demo.html")
        if body is None:
            return _not_found()
        requested = request.args.getlist("pack") or []
        chosen = pack_attribute(requested[0] if len(requested) == 1 else None, offered)
        page = (
            body.decode("utf-8")
            .replace(SOCKET_URL_PLACEHOLDER, html.escape(settings.socket_url, quote=True))
            .replace(WIDGET_SRC_PLACEHOLDER, WIDGET_SRC)
            .replace(WIDGET_URL_PLACEHOLDER, html.escape(widget_url(settings), quote=True))
            .replace(PACK_ATTRIBUTE_PLACEHOLDER, chosen)
        )
        headers = {
            "Content-Security-Policy": csp,
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        return _cached(request, page.encode("utf-8"), HTML, headers)

    async def asset(request: Request) -> HTTPResponse:
        # Sanic also routes "/widget.js/" here: a path not in the table is a 404, never a 500.
        wanted = ASSETS.get(request.path)
        if wanted is None:
            return _not_found()
        body = _read(static_dir / wanted.file)
        if body is None:
            return _not_found()
        headers = {
            # Embedded by other sites' pages: let them load it (and check it with SRI).
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Access-Control-Allow-Origin": "*",
        }
        return _cached(request, body, wanted.content_type, headers)

    async def healthz(_: Request) -> HTTPResponse:
        return HTTPResponse("ok", content_type=TEXT, headers={"Cache-Control": "no-store"})

    app.add_route(demo_page, "/", methods=["GET"], name="demo_page")
    for path in ASSETS:
        app.add_route(asset, path, methods=["GET"], name=f"asset_{_route_name(path)}")
    app.add_route(healthz, "/healthz", methods=["GET"], name="healthz")
    downloads = MinutesDownloads(
        settings,
        minutes_loader or default_loader(settings),
        **({"clock": clock} if clock else {}),
    )
    app.add_route(downloads, f"{ROUTE_PREFIX}<name:str>", methods=["GET"], name="minutes")
    cpd = CpdDownloads(
        settings,
        cpd_store or DatabaseRecords(settings),
        pdf_executor=downloads.pdf_executor,
        **({"clock": clock} if clock else {}),
    )
    app.add_route(cpd, f"{CPD_ROUTE_PREFIX}<name:str>", methods=["GET"], name="cpd_record")

    portal = portal or default_portal(settings)
    portal.register(app)
    app.ctx.portal = portal

    async def stop_downloads(_app: Sanic, _loop: object) -> None:
        downloads.close()
        portal.close()

    app.register_listener(stop_downloads, "before_server_stop")
    _schedule_purge(app, settings, purge_job or partial(_purge, settings))
    _schedule_followups(app, settings, followup_job or partial(_send_followups, settings))

    _harden(app)
    return app


def _harden(app: Sanic) -> None:
    """Security headers on every response; error pages that quote nothing back."""

    async def security_headers(request: Request, response: BaseHTTPResponse) -> None:
        for header, value in BASE_HEADERS.items():
            response.headers.setdefault(header, value)
        response.headers.setdefault("Content-Security-Policy", LOCKED_DOWN_CSP)
        if response.status >= 400:  # error pages: never cached, never framed
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("X-Frame-Options", "DENY")

    async def not_found(request: Request, exception: Exception) -> HTTPResponse:
        # Sanic's own page quotes the requested URL back; say nothing but "not found".
        return _not_found()

    async def not_allowed(request: Request, exception: Exception) -> HTTPResponse:
        # Sanic's own message quotes the method and the URL back; say only what is wrong. Keep
        # its Allow header though: RFC 9110 requires it on a 405 (schemathesis checks it).
        allow = getattr(exception, "headers", {}).get("Allow")
        headers = {"Allow": allow} if allow else None
        return HTTPResponse("method not allowed", status=405, content_type=TEXT, headers=headers)

    app.register_middleware(security_headers, "response")
    app.error_handler.add(NotFound, not_found)
    app.error_handler.add(MethodNotSupported, not_allowed)


def default_portal(settings: Settings) -> Portal:
    """The lead portal on this deployment's database and content packs."""
    from bot.portal.service import PortalService

    return Portal(settings, PortalService.from_settings(settings))


def _schedule_purge(app: Sanic, settings: Settings, job: Callable[[], str]) -> None:
    """Run the retention purge every PURGE_INTERVAL_HOURS once the server is up (0: never)."""
    _schedule(app, "purge", Repeating("retention purge", job, 0.0), settings.purge_interval_hours)


def _schedule_followups(app: Sanic, settings: Settings, job: Callable[[], str]) -> None:
    """Send due follow-ups every FOLLOWUP_INTERVAL_HOURS (0: never; cron may run the command).

    Every replica may run it: bot.followup.job claims each follow-up for one run only.
    """
    _schedule(app, "followups", Repeating("follow-ups", job, 0.0), settings.followup_interval_hours)


def _schedule(app: Sanic, ctx_name: str, repeating: Repeating, hours: int) -> None:
    """Start ``repeating`` every ``hours`` once the server is up, kept as ``app.ctx.<name>``."""
    if hours <= 0:
        return
    repeating.interval = hours * 3600.0
    setattr(app.ctx, ctx_name, repeating)

    async def start(app: Sanic, _loop: object) -> None:
        app.add_task(repeating.run_forever())

    app.register_listener(start, "after_server_start")


def _purge(settings: Settings) -> str:
    from bot.retention import purge_all

    now = datetime.now(timezone.utc)
    return purge_all(settings, today=now.date(), now=now).sentence(settings)


def _send_followups(settings: Settings) -> str:
    from bot.followup.cli import run_send

    return run_send(settings)


def _route_name(path: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in path.strip("/"))


def _read(path: Path) -> bytes | None:
    """A static file's bytes, or None if the widget's files are not there (yet)."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        logger.warning("web app: %s is missing", path.name)
        return None


def _not_found() -> HTTPResponse:
    return HTTPResponse("not found", status=404, content_type=TEXT)


def _cached(
    request: Request, body: bytes, content_type: str, headers: dict[str, str]
) -> HTTPResponse:
    """A response browsers keep but revalidate every time (``no-cache`` + ETag → 304).

    The URLs carry no version, so a long max-age would pin an old widget in browsers after an
    upgrade; revalidation costs one small request and serves edits immediately.
    """
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    caching = {"Cache-Control": "no-cache", "ETag": etag, **headers}
    if etag in _etags(request.headers.get("if-none-match", "")):
        return HTTPResponse(status=304, headers=caching)
    return HTTPResponse(body, content_type=content_type, headers=caching)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
