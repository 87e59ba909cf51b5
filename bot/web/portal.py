"""The safeguarding lead's portal in the web app: sign-in, dashboard, themes, downloads, API.

Served by the same Sanic app as the widget's files (bot/web/app.py) rather than a second ASGI
server: one process for `make run` to start and supervise, one set of security headers, and the
minutes downloads already live here. Pages are server-rendered (Jinja2, autoescaped) and work
without JavaScript; the only client-side asset is portal.css.

Everything that decides anything lives outside this module, in plain Python: accounts, sessions,
CSRF, lockout and tokens (bot.portal.accounts / auth / tokens), the audit trail
(bot.portal.audit), what may be shown (bot.portal.dashboard over the disclosure engine) and how
it is drawn (bot.portal.charts / downloads / api). This module only reads the request, calls
them in a worker thread (the database and WeasyPrint block) and writes the response.

Nothing secret goes in a URL: sessions are cookies, API tokens are bearer headers (a token in a
query string is refused), and the chat's link only marks the sign-in page as "from the chat".
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.portal import accounts, auth
from bot.portal.api import dashboard_json
from bot.portal.charts import chart, data_table
from bot.portal.downloads import dashboard_csv, dashboard_pdf, dashboard_xlsx
from bot.portal.filters import FilterError, agency_choices, parse_filters, text_of
from bot.portal.model import Cell, Dashboard, Filters
from bot.portal.openapi import API_PREFIX, openapi_document
from bot.portal.service import PortalService
from bot.settings.config import Settings

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[1] / "portal" / "templates"
STATIC_CSS = Path(__file__).resolve().parent / "static" / "portal.css"
PREFIX = "/portal"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
#: Pages: our stylesheet, forms posting to ourselves, nothing else (charts are inline SVG).
PORTAL_CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": PORTAL_CSP,
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
}
MAX_USERNAME = 64
MAX_PASSWORD = 1024
MAX_LABEL = 60
#: Query parameters that would put a secret in a URL.
SECRET_PARAMS = frozenset(
    {"token", "access_token", "api_key", "password", "session", "bearer", "authorization", "key"}
)
#: A theme's id as the themes module makes them ("t1".."t99"): anything else is a 404 at once.
THEME_ID = re.compile(r"t[0-9]{1,2}")


def _csv_bytes(dashboard: Dashboard) -> bytes:
    out = io.StringIO(newline="")
    dashboard_csv(dashboard, out)
    # A byte-order mark so Excel opens the UTF-8 file as UTF-8 (quotes, accents, "…").
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _xlsx_bytes(dashboard: Dashboard) -> bytes:
    out = io.BytesIO()
    dashboard_xlsx(dashboard, out)
    return out.getvalue()


DOWNLOADS: dict[str, tuple[str, Callable[[Dashboard], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", _csv_bytes),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx_bytes),
    "pdf": ("application/pdf", dashboard_pdf),
}

T = TypeVar("T")
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Visitor:
    """A signed-in lead: who, the CSRF token for their forms, and a refreshed cookie if any."""

    principal: accounts.Principal
    cookie: str
    csrf: str
    refreshed: str | None


Cookies = list[tuple[str, str, Mapping[str, Any]]]


class Portal:
    """The portal's routes, with what they share: settings, the service, the sign-in limiter."""

    def __init__(self, settings: Settings, service: PortalService, *, clock: Clock = _utc_now):
        self.settings = settings
        self.service = service
        self.clock = clock
        self.limiter = auth.SignInLimiter.from_settings(settings)
        self.templates = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
        )
        # WeasyPrint is not documented as thread-safe and a PDF is CPU-bound: one at a time.
        self._pdf = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-pdf")

    def close(self) -> None:
        """Stop the PDF and theme threads (the server is stopping)."""
        self._pdf.shutdown(wait=False, cancel_futures=True)
        self.service.close()

    # --- plumbing -------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, partial(fn, *args))

    def _page(
        self,
        template: str,
        *,
        status: int = 200,
        visitor: Visitor | None = None,
        cookies: Cookies | None = None,
        **context: Any,
    ) -> HTTPResponse:
        principal = visitor.principal if visitor else None
        context.setdefault("csrf", visitor.csrf if visitor else "")
        context.setdefault("nav", "")
        context.setdefault("title", "Reflect portal")
        body = self.templates.get_template(template).render(
            principal=principal,
            scope_label=_scope_label(principal),
            retention_days=self.settings.retention_days,
            k=self.settings.portal_k,
            show=partial(_show, k=self.settings.portal_k),
            **context,
        )
        response = HTTPResponse(body, status=status, content_type=HTML, headers=PAGE_HEADERS)
        self._set_cookies(response, visitor, cookies)
        return response

    def _set_cookies(
        self, response: HTTPResponse, visitor: Visitor | None, cookies: Cookies | None
    ) -> None:
        if visitor is not None and visitor.refreshed is not None:
            _cookie(
                response,
                auth.cookie_name(self.settings),
                visitor.refreshed,
                auth.cookie_attributes(self.settings),
            )
        for name, value, attributes in cookies or []:
            _cookie(response, name, value, attributes)

    def _error(
        self, status: int, title: str, message: str, visitor: Visitor | None = None
    ) -> HTTPResponse:
        return self._page(
            "error.html",
            status=status,
            visitor=visitor,
            title=text_of(title),
            message=text_of(message),
        )

    def _redirect(self, location: str, visitor: Visitor | None = None) -> HTTPResponse:
        response = HTTPResponse(status=303, headers={"Location": location, **PAGE_HEADERS})
        self._set_cookies(response, visitor, None)
        return response

    def _signed_out(self, request: Request) -> HTTPResponse:
        """Back to sign-in; a stale or broken session cookie is cleared on the way."""
        response = self._redirect(f"{PREFIX}/sign-in?m=expired")
        if request.cookies.get(auth.cookie_name(self.settings)):
            _expire(response, auth.cookie_name(self.settings), self.settings)
        return response

    async def _audit(self, event: str, account_id: int | None, **detail: Any) -> None:
        await self._run(
            partial(
                self.service.record,
                event=event,
                account_id=account_id,
                detail=detail,
                now=self.clock(),
            )
        )

    async def _visitor(self, request: Request) -> Visitor | None:
        """The signed-in lead, or None (missing, expired, tampered, disabled, signed out...)."""
        value = request.cookies.get(auth.cookie_name(self.settings))
        if not value:
            return None
        check = await self._run(self.service.read_session, value[:512], self.clock())
        if check.principal is None:
            logger.info("portal session refused: %s", check.outcome.value)
            return None
        return Visitor(
            principal=check.principal,
            cookie=value,
            csrf=auth.csrf_token(self.settings, value),
            refreshed=check.refreshed,
        )

    def _csrf_ok(self, request: Request, visitor: Visitor) -> bool:
        return auth.check_csrf(self.settings, visitor.cookie, _form(request, "csrf", 200))

    # --- sign-in and sign-out --------------------------------------------------------------

    async def index(self, request: Request) -> HTTPResponse:
        """GET /portal: to the dashboard when signed in, else to sign-in."""
        visitor = await self._visitor(request)
        return self._redirect(f"{PREFIX}/dashboard" if visitor else f"{PREFIX}/sign-in", visitor)

    async def css(self, request: Request) -> HTTPResponse:
        """GET /portal/portal.css: the portal's only stylesheet."""
        return HTTPResponse(
            STATIC_CSS.read_bytes(),
            content_type="text/css; charset=utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def sign_in_form(self, request: Request) -> HTTPResponse:
        """GET /portal/sign-in: the form, with a fresh pre-session nonce for its CSRF token."""
        if _has_secret_param(request):
            return self._error(400, "portal_title_not_here", "portal_secret_in_url")
        visitor = await self._visitor(request)
        if visitor is not None:
            return self._redirect(f"{PREFIX}/dashboard", visitor)
        via = request.args.get("via")
        from_chat = False
        if via:
            from_chat = auth.check_chat_link(self.settings, str(via)[:200], self.clock())
            await self._audit("link_opened", None, outcome="ok" if from_chat else "expired")
        notice = {"signed_out": "portal_signed_out", "expired": "portal_session_ended"}.get(
            str(request.args.get("m", ""))
        )
        return self._sign_in_page(from_chat=from_chat, notice=text_of(notice) if notice else "")

    def _sign_in_page(
        self,
        *,
        status: int = 200,
        error: str = "",
        notice: str = "",
        username: str = "",
        from_chat: bool = False,
    ) -> HTTPResponse:
        nonce = auth.new_pre_session(self.settings, self.clock())
        name = auth.cookie_name(self.settings, pre_session=True)
        return self._page(
            "sign_in.html",
            status=status,
            title="Sign in",
            csrf=auth.csrf_token(self.settings, nonce),
            error=text_of(error) if error and error.startswith("portal_") else error,
            notice=notice,
            username=username,
            from_chat=from_chat,
            cookies=[(name, nonce, auth.cookie_attributes(self.settings, pre_session=True))],
        )

    def _form_ok(self, request: Request) -> bool:
        nonce = request.cookies.get(auth.cookie_name(self.settings, pre_session=True), "")
        return bool(nonce) and (
            auth.check_pre_session(self.settings, nonce, self.clock())
            and auth.check_csrf(self.settings, nonce, _form(request, "csrf", 200))
        )

    async def sign_in(self, request: Request) -> HTTPResponse:
        """POST /portal/sign-in: rate limit, CSRF, then the account check (lockout inside)."""
        client = request.remote_addr or request.ip or "unknown"
        if not self.limiter.attempt(client):
            await self._audit("sign_in_failed", None, reason="rate_limited")
            return self._sign_in_page(status=429, error="portal_sign_in_rate_limited")
        if not self._form_ok(request):
            await self._audit("sign_in_failed", None, reason="csrf")
            return self._sign_in_page(status=403, error="portal_sign_in_form_expired")
        username = _form(request, "username", MAX_USERNAME + 1)
        password = _form(request, "password", MAX_PASSWORD + 1)
        if not username or not password:
            return self._sign_in_page(
                status=400, error="portal_sign_in_missing", username=username[:MAX_USERNAME]
            )
        result = await self._run(self.service.authenticate, username, password, self.clock())
        if result.principal is None:
            locked = result.outcome is accounts.SignInOutcome.LOCKED
            error = (
                text_of(
                    "portal_sign_in_locked",
                    minutes=str(result.locked_minutes or self.settings.portal_lockout_minutes),
                )
                if locked
                else "portal_sign_in_wrong"
            )
            return self._sign_in_page(
                status=429 if locked else 401, error=error, username=username[:MAX_USERNAME]
            )
        value = auth.issue_session(self.settings, result.principal, self.clock())
        response = self._redirect(f"{PREFIX}/dashboard")
        _cookie(
            response, auth.cookie_name(self.settings), value, auth.cookie_attributes(self.settings)
        )
        _expire(
            response,
            auth.cookie_name(self.settings, pre_session=True),
            self.settings,
            pre_session=True,
        )
        return response

    async def sign_out(self, request: Request) -> HTTPResponse:
        """POST /portal/sign-out: end this account's sessions everywhere (CSRF-checked)."""
        visitor = await self._visitor(request)
        if visitor is not None and not self._csrf_ok(request, visitor):
            return self._error(
                403, "portal_title_not_allowed", "portal_not_from_this_site", visitor
            )
        if visitor is not None:
            await self._run(self.service.sign_out, visitor.cookie, self.clock())
        response = self._redirect(f"{PREFIX}/sign-in?m=signed_out")
        _expire(response, auth.cookie_name(self.settings), self.settings)
        return response

    # --- the dashboard, themes and downloads -----------------------------------------------

    async def _dashboard_for(
        self, request: Request, visitor: Visitor, *, audit_event: str | None, **detail: str
    ) -> Dashboard | HTTPResponse:
        scope = visitor.principal.scope
        try:
            filters = parse_filters(_args(request), self.service.packs_for(scope), scope)
            dashboard = await self._run(self.service.build, filters, scope, self.clock())
        except FilterError as exc:
            return self._page(
                "error.html",
                status=400,
                visitor=visitor,
                title=text_of("portal_title_bad_filters"),
                message=str(exc),
            )
        if audit_event is not None:
            await self._audit(
                audit_event, visitor.principal.account_id, **_filter_detail(filters), **detail
            )
        return dashboard

    async def dashboard(self, request: Request) -> HTTPResponse:
        """GET /portal/dashboard: the figures for the filters in the query string."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        changed = any(key in request.args for key in FILTER_PARAMS)
        built = await self._dashboard_for(
            request, visitor, audit_event="filter" if changed else None
        )
        if isinstance(built, HTTPResponse):
            return built
        context = await self._run(self._dashboard_context, built, visitor)
        return self._page(
            "dashboard.html", visitor=visitor, nav="dashboard", title=built.pack_title, **context
        )

    def _dashboard_context(self, dashboard: Dashboard, visitor: Visitor) -> dict[str, Any]:
        k = dashboard.k
        charts = [
            {
                "table": table,
                "svg": Markup(chart(table, k=k)),
                "html": Markup(data_table(table, k=k)),
            }
            for table in dashboard.tables
        ]
        scope = visitor.principal.scope
        applied = dashboard.filters
        impact = dashboard.impact
        return {
            "d": dashboard,
            "impact_about": text_of("portal_impact_about"),
            "impact_chart": Markup(chart(impact.by_point, k=k)) if impact else "",
            "impact_versions": Markup(data_table(impact.by_version, k=k)) if impact else "",
            "packs": self.service.packs_for(scope),
            "versions": self.service.versions(dashboard.pack_id, scope),
            "teams": self.service.teams(dashboard.pack_id, dashboard.pack_version, scope),
            "agencies": agency_choices(scope),
            "agency_label": dict(agency_choices(None)).get(applied.agency or "", ""),
            "form": applied,
            "charts": charts,
            "qs": _query_string(applied),
            "range_label": _range_label(applied.week_from, applied.week_to),
            "error": "",
        }

    async def theme(self, request: Request, theme_id: str) -> HTTPResponse:
        """GET /portal/themes/<id>: one theme's words, recommendation and quotes."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        if not THEME_ID.fullmatch(theme_id):
            return self._error(404, "portal_title_not_found", "portal_no_such_theme", visitor)
        built = await self._dashboard_for(request, visitor, audit_event="filter", theme=theme_id)
        if isinstance(built, HTTPResponse):
            return built
        found = next((theme for theme in built.themes if theme.id == theme_id), None)
        if found is None:
            return self._error(404, "portal_title_not_found", "portal_no_such_theme", visitor)
        return self._page(
            "theme.html",
            visitor=visitor,
            nav="dashboard",
            title=f"Theme: {found.label}",
            t=found,
            d=built,
            qs=_query_string(built.filters),
        )

    async def download(self, request: Request, name: str) -> HTTPResponse:
        """GET /portal/download/report.<csv|xlsx|pdf>: the dashboard as a file (audited)."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        stem, _, ext = name.rpartition(".")
        if stem != "report" or ext not in DOWNLOADS:
            return self._error(404, "portal_title_not_found", "portal_no_such_download", visitor)
        built = await self._dashboard_for(request, visitor, audit_event="download", format=ext)
        if isinstance(built, HTTPResponse):
            return built
        content_type, render = DOWNLOADS[ext]
        loop = asyncio.get_running_loop()
        executor = self._pdf if ext == "pdf" else None
        body = await loop.run_in_executor(executor, render, built)
        name = f"reflect-{built.pack_id}-{built.pack_version}-{built.produced_on.isoformat()}"
        return _attachment(body, content_type, f"{_safe_name(name)}.{ext}")

    async def minutes(self, request: Request, name: str) -> HTTPResponse:
        """GET /portal/minutes/<id>.<docx|pdf|md>: one set of group minutes (audited)."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        public_id, _, ext = name.rpartition(".")
        document = await self._run(
            self.service.minutes_document, public_id[:64], ext[:8], visitor.principal.scope
        )
        if document is None:
            return self._error(404, "portal_title_not_found", "portal_no_such_minutes", visitor)
        await self._audit("download", visitor.principal.account_id, format=ext, path_kind="minutes")
        body, content_type, filename = document
        return _attachment(body, content_type, filename)

    # --- API tokens and the audit log ------------------------------------------------------

    async def tokens_page(self, request: Request) -> HTTPResponse:
        """GET /portal/tokens: this account's API tokens."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        return await self._tokens_page(visitor)

    async def _tokens_page(
        self, visitor: Visitor, *, new_token: str = "", error: str = "", status: int = 200
    ) -> HTTPResponse:
        rows = await self._run(self.service.list_tokens, visitor.principal.account_id)
        return self._page(
            "tokens.html",
            visitor=visitor,
            nav="tokens",
            title="API tokens",
            tokens=rows,
            new_token=new_token,
            error=error,
            status=status,
        )

    async def create_token(self, request: Request) -> HTTPResponse:
        """POST /portal/tokens: a new API token, shown once (CSRF-checked)."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        if not self._csrf_ok(request, visitor):
            return self._error(
                403, "portal_title_not_allowed", "portal_not_from_this_site", visitor
            )
        label = " ".join(_form(request, "label", MAX_LABEL + 1).split())
        if not label or len(label) > MAX_LABEL:
            error = text_of("portal_token_label", limit=str(MAX_LABEL))
            return await self._tokens_page(visitor, error=error, status=400)
        try:
            plain = await self._run(
                self.service.create_token, visitor.principal.account_id, label, self.clock()
            )
        except accounts.PortalAccountError:
            error = text_of("portal_token_label", limit=str(MAX_LABEL))
            return await self._tokens_page(visitor, error=error, status=400)
        return await self._tokens_page(visitor, new_token=plain)

    async def revoke_token(self, request: Request, token_id: int) -> HTTPResponse:
        """POST /portal/tokens/<id>/revoke: revoke one of your tokens (CSRF-checked)."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        if not self._csrf_ok(request, visitor):
            return self._error(
                403, "portal_title_not_allowed", "portal_not_from_this_site", visitor
            )
        if not 0 < token_id < 2**31:  # the column's range: anything else is no token of yours
            return self._error(404, "portal_title_not_found", "portal_no_such_token", visitor)
        done = await self._run(self.service.revoke_token, token_id, visitor.principal, self.clock())
        if not done:
            return self._error(404, "portal_title_not_found", "portal_no_such_token", visitor)
        return self._redirect(f"{PREFIX}/tokens", visitor)

    async def audit_page(self, request: Request) -> HTTPResponse:
        """GET /portal/audit: the newest audit rows, for admins only."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self._signed_out(request)
        if not visitor.principal.is_admin:
            return self._error(403, "portal_title_not_allowed", "portal_admins_only", visitor)
        events = await self._run(self.service.recent_audit, 200)
        return self._page(
            "audit.html", visitor=visitor, nav="audit", title="Audit log", events=events
        )

    # --- the JSON API ----------------------------------------------------------------------

    async def _api_principal(self, request: Request) -> accounts.Principal | HTTPResponse:
        if _has_secret_param(request):
            return _json_error(400, "portal_api_token_in_url")
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not bearer.strip():
            return _json_error(401, "portal_api_no_token")
        principal = await self._run(
            self.service.authenticate_token, bearer.strip()[:200], self.clock()
        )
        if principal is None:
            return _json_error(401, "portal_api_bad_token")
        return principal

    async def api_briefings(self, request: Request) -> HTTPResponse:
        """GET /portal/api/v1/briefings: the packs in the token's scope."""
        principal = await self._api_principal(request)
        if isinstance(principal, HTTPResponse):
            return principal
        await self._audit("api", principal.account_id, path_kind="briefings")
        packs = self.service.packs_for(principal.scope)
        versions = await self._run(
            lambda: {pack.id: self.service.versions(pack.id, principal.scope) for pack in packs}
        )
        body = {
            "briefings": [
                {
                    "pack_id": pack.id,
                    "title": pack.title,
                    "partnership": pack.partnership,
                    "versions": versions[pack.id],
                }
                for pack in packs
            ]
        }
        return _json(body)

    async def api_dashboard(self, request: Request) -> HTTPResponse:
        """GET /portal/api/v1/dashboard: the same Dashboard as the page, as JSON."""
        principal = await self._api_principal(request)
        if isinstance(principal, HTTPResponse):
            return principal
        scope = principal.scope
        try:
            filters = parse_filters(
                _args(request), self.service.packs_for(scope), scope, require_pack=True
            )
            dashboard = await self._run(self.service.build, filters, scope, self.clock())
        except FilterError as exc:
            await self._audit("api", principal.account_id, path_kind="dashboard", outcome="refused")
            return _json({"error": str(exc)}, 400)
        await self._audit(
            "api", principal.account_id, path_kind="dashboard", **_filter_detail(filters)
        )
        return _json(dashboard_json(dashboard))

    async def api_openapi(self, request: Request) -> HTTPResponse:
        """GET /portal/api/openapi.json: the API description (no data, no auth)."""
        return _json(openapi_document(self.settings.web_public_url))

    # --- routing ---------------------------------------------------------------------------

    def _guarded(self, handler: Callable[..., Any], api: bool) -> Callable[..., Any]:
        """``handler``, answering 503 in one sentence when the database cannot be reached."""

        async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            try:
                return await handler(request, *args, **kwargs)  # type: ignore[no-any-return]
            except SQLAlchemyError as exc:
                logger.error("portal: database error %s", type(exc).__name__)
                if api:
                    return _json_error(503, "portal_unavailable")
                return self._page(
                    "error.html",
                    status=503,
                    title=text_of("portal_title_unavailable"),
                    message=text_of("portal_unavailable"),
                )

        return guarded

    def register(self, app: Sanic) -> None:
        """Add the portal's routes to the web app."""
        routes: list[tuple[Callable[..., Any], str, str]] = [
            (self.index, PREFIX, "GET"),
            (self.css, f"{PREFIX}/portal.css", "GET"),
            (self.sign_in_form, f"{PREFIX}/sign-in", "GET"),
            (self.sign_in, f"{PREFIX}/sign-in", "POST"),
            (self.sign_out, f"{PREFIX}/sign-out", "POST"),
            (self.dashboard, f"{PREFIX}/dashboard", "GET"),
            (self.theme, f"{PREFIX}/themes/<theme_id:str>", "GET"),
            (self.download, f"{PREFIX}/download/<name:str>", "GET"),
            (self.minutes, f"{PREFIX}/minutes/<name:str>", "GET"),
            (self.tokens_page, f"{PREFIX}/tokens", "GET"),
            (self.create_token, f"{PREFIX}/tokens", "POST"),
            (self.revoke_token, f"{PREFIX}/tokens/<token_id:int>/revoke", "POST"),
            (self.audit_page, f"{PREFIX}/audit", "GET"),
            (self.api_openapi, f"{PREFIX}/api/openapi.json", "GET"),
            (self.api_briefings, f"{API_PREFIX}/briefings", "GET"),
            (self.api_dashboard, f"{API_PREFIX}/dashboard", "GET"),
        ]
        for handler, path, method in routes:
            name = "portal_" + "".join(c if c.isalnum() else "_" for c in path) + "_" + method
            guarded = self._guarded(handler, api=path.startswith(API_PREFIX))
            app.add_route(guarded, path, methods=[method], name=name)


FILTER_PARAMS = ("pack", "version", "from", "to", "agency", "team")


def _args(request: Request) -> dict[str, str]:
    """The first value of each query parameter, bounded."""
    return {key: str(values[0])[:100] for key, values in request.args.items() if values}


def _form(request: Request, name: str, limit: int) -> str:
    try:
        form = request.form
    except Exception:  # a malformed body is treated as an empty form
        return ""
    value = form.get(name) if form else None
    return str(value)[:limit] if value else ""


def _has_secret_param(request: Request) -> bool:
    return any(key.lower() in SECRET_PARAMS for key in request.args)


def _show(cell: Cell, *, k: int) -> str:
    return text_of("portal_fewer_than", k=str(k)) if cell.value is None else f"{cell.value:,}"


def _scope_label(principal: accounts.Principal | None) -> str:
    if principal is None:
        return ""
    scope = principal.scope
    parts = [scope.partnership or "all partnerships"]
    if scope.agency:
        parts.append(dict(agency_choices(None)).get(scope.agency, scope.agency))
    return ", ".join(parts)


def _range_label(week_from: str | None, week_to: str | None) -> str:
    if week_from and week_to:
        return text_of("portal_range_both", start=week_from, end=week_to)
    if week_from:
        return text_of("portal_range_from", start=week_from)
    if week_to:
        return text_of("portal_range_up_to", end=week_to)
    return text_of("portal_range_all")


def _filter_detail(filters: Filters) -> dict[str, str | None]:
    return {
        "pack": filters.pack_id,
        "version": filters.pack_version,
        "week_from": filters.week_from,
        "week_to": filters.week_to,
        "agency": filters.agency,
        "team": filters.team,
    }


def _query_string(applied: Any) -> str:
    pairs = {
        "pack": applied.pack_id,
        "version": applied.pack_version,
        "from": applied.week_from,
        "to": applied.week_to,
        "agency": applied.agency,
        "team": applied.team,
    }
    return urlencode({key: value for key, value in pairs.items() if value})


def _cookie(response: HTTPResponse, name: str, value: str, attributes: Mapping[str, Any]) -> None:
    response.cookies[name] = value
    for key, setting in attributes.items():
        if setting is False:
            continue  # Sanic writes a flag for any value it is given
        response.cookies[name][key] = setting


def _expire(
    response: HTTPResponse, name: str, settings: Settings, *, pre_session: bool = False
) -> None:
    _cookie(
        response, name, "", auth.cookie_attributes(settings, clear=True, pre_session=pre_session)
    )


def _attachment(body: bytes, content_type: str, filename: str) -> HTTPResponse:
    return HTTPResponse(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex, nofollow",
        },
    )


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)[:120]


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return HTTPResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=JSON,
        headers={"Cache-Control": "no-store"},
    )


def _json_error(status: int, message: str) -> HTTPResponse:
    return _json({"error": text_of(message)}, status)
