"""The lead portal through Sanic's ASGI interface: sign-in, sessions, CSRF, scope, audit, API.

A real migrated SQLite database with demo data and real accounts; only the clock is ours, so
lockout and expiry can be tested without waiting.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pypdf
import pytest
from sanic import Sanic
from sqlalchemy import select

from bot.content.loader import get_pack
from bot.portal import accounts, auth
from bot.portal.demo import seed_demo
from bot.portal.openapi import openapi_document
from bot.portal.service import PortalService
from bot.settings.config import DEFAULT_PACK_DIR, Settings
from bot.storage.migrate import upgrade
from bot.storage.models import GroupMinutes, PortalAudit
from bot.storage.session import make_engine, make_session_factory, transaction
from bot.web.app import create_app
from bot.web.portal import Portal
from tests.asgi import AsgiReply, asgi_request
from tests.settings import make_settings

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery staple"
OTHER_SECRET = b"another-secret-entirely-32-bytes!"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    """A clock the tests move."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Client:
    """A browser of sorts: keeps cookies, reads CSRF tokens from forms."""

    app: Sanic
    cookies: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: list[tuple[bytes, bytes]] | None = None) -> list[tuple[bytes, bytes]]:
        jar = "; ".join(f"{name}={value}" for name, value in self.cookies.items() if value)
        headers = [(b"cookie", jar.encode())] if jar else []
        return headers + (extra or [])

    def _keep(self, reply: AsgiReply) -> AsgiReply:
        for name, value in reply.all_headers:
            if name != "set-cookie":
                continue
            pair = value.split(";", 1)[0]
            key, _, content = pair.partition("=")
            if "max-age=0" in value.lower():
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = content.strip('"')
        return reply

    def get(self, path: str, headers: list[tuple[bytes, bytes]] | None = None) -> AsgiReply:
        return self._keep(
            asyncio.run(asgi_request(self.app, "GET", path, headers=self._headers(headers)))
        )

    def post(self, path: str, form: dict[str, str]) -> AsgiReply:
        body = urlencode(form).encode()
        headers = self._headers([(b"content-type", b"application/x-www-form-urlencoded")])
        return self._keep(
            asyncio.run(asgi_request(self.app, "POST", path, body=body, headers=headers))
        )

    def csrf(self, path: str) -> str:
        reply = self.get(path)
        match = _CSRF.search(reply.text)
        assert match, reply.text[:500]
        return match.group(1)

    def sign_in(self, username: str, password: str = PASSWORD) -> AsgiReply:
        token = self.csrf("/portal/sign-in")
        return self.post(
            "/portal/sign-in", {"csrf": token, "username": username, "password": password}
        )


@dataclass
class World:
    settings: Settings
    clock: Clock
    app: Sanic
    factory: Any

    def client(self) -> Client:
        return Client(self.app)

    def audit(self, event: str) -> list[dict[str, Any]]:
        with transaction(self.factory) as session:
            rows = session.execute(
                select(PortalAudit).where(PortalAudit.event == event).order_by(PortalAudit.id)
            ).scalars()
            return [{"account": row.account_id, **json.loads(row.detail or "{}")} for row in rows]


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return make_settings(var_dir=tmp_path, purge_interval_hours=0, **overrides)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database with 1,500 demo reflections, minutes and accounts, copied per test."""
    folder = tmp_path_factory.mktemp("portal")
    settings = _settings(folder)
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    pack = get_pack(DEFAULT_PACK_DIR, "esscp-child-z")
    with transaction(factory) as session:
        seed_demo(session, pack=pack, reflections=1500, seed=3, today=NOW.date(), followups=400)
        for username, role, partnership, agency in (
            ("lead@esscp", "lead", "ESSCP", None),
            ("police@esscp", "lead", "ESSCP", "police"),
            ("lead@elsewhere", "lead", "ELSEWHERE", None),
            ("admin", "admin", None, None),
        ):
            accounts.add_account(
                session,
                username=username,
                role=role,
                partnership=partnership,
                agency=agency,
                password=PASSWORD,
                now=NOW,
            )
    return folder / "reflect.db"


@pytest.fixture
def world(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setattr(Sanic, "test_mode", True)  # no touch-up: many apps in one process
    (tmp_path / "reflect.db").write_bytes(seeded.read_bytes())
    settings = _settings(tmp_path)
    clock = Clock()
    factory = make_session_factory(make_engine(settings.reflections_url))
    service = PortalService(settings, factory)
    app = create_app(
        settings, name=f"portal_{id(tmp_path)}", portal=Portal(settings, service, clock=clock)
    )
    asyncio.run(app._startup())
    yield World(settings, clock, app, factory)
    service.close()


def _signed_in(world: World, username: str = "lead@esscp") -> Client:
    client = world.client()
    reply = client.sign_in(username)
    assert reply.status == 303, reply.text[:400]
    return client


# --- signing in --------------------------------------------------------------------------


def test_sign_in_sets_a_strict_httponly_cookie_and_opens_the_dashboard(world: World) -> None:
    client = world.client()
    reply = client.sign_in("lead@esscp")

    assert reply.status == 303 and reply.headers["location"] == "/portal/dashboard"
    session_cookie = [
        v for k, v in reply.all_headers if k == "set-cookie" and v.startswith("reflect_portal=")
    ]
    assert session_cookie, reply.all_headers
    attributes = session_cookie[0].lower()
    assert "httponly" in attributes and "samesite=strict" in attributes
    assert "path=/portal" in attributes and "max-age=" in attributes
    page = client.get("/portal/dashboard")
    assert page.status == 200
    assert "Child Z" in page.text and "How figures are protected" in page.text
    assert world.audit("sign_in")[-1]["account"] is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(world: World) -> None:
    wrong = world.client().sign_in("lead@esscp", "not the password at all")
    unknown = world.client().sign_in("nobody@esscp", "not the password at all")

    assert wrong.status == unknown.status == 401
    message = "That username and password did not match"
    assert message in wrong.text and message in unknown.text
    assert "reflect_portal=" not in " ".join(v for _, v in wrong.all_headers)
    failures = world.audit("sign_in_failed")
    assert len(failures) >= 2
    assert all("not the password" not in json.dumps(row) for row in failures)
    assert all("nobody" not in json.dumps(row) for row in failures)


def test_lockout_after_repeated_failures_refuses_even_the_right_password(world: World) -> None:
    for _ in range(world.settings.portal_lockout_failures - 1):
        assert world.client().sign_in("lead@esscp", "wrong wrong wrong").status == 401
    last = world.client().sign_in("lead@esscp", "wrong wrong wrong")
    assert last.status == 429 and "locked" in last.text

    locked = world.client().sign_in("lead@esscp", PASSWORD)
    assert locked.status == 429 and "locked" in locked.text

    world.clock.now = NOW + timedelta(minutes=world.settings.portal_lockout_minutes + 1)
    assert world.client().sign_in("lead@esscp", PASSWORD).status == 303


def test_sign_in_is_rate_limited_per_client(world: World) -> None:
    statuses = [
        world.client().sign_in(f"nobody{i}@x", "wrong wrong wrong").status
        for i in range(world.settings.portal_sign_in_per_minute + 1)
    ]
    assert statuses[-1] == 429


def test_a_sign_in_without_the_forms_csrf_token_is_refused(world: World) -> None:
    client = world.client()
    client.get("/portal/sign-in")
    reply = client.post("/portal/sign-in", {"username": "lead@esscp", "password": PASSWORD})
    assert reply.status == 403
    forged = world.client().post(
        "/portal/sign-in", {"csrf": "x" * 22, "username": "lead@esscp", "password": PASSWORD}
    )
    assert forged.status == 403


def test_an_expired_session_goes_back_to_sign_in(world: World) -> None:
    client = _signed_in(world)
    world.clock.now = NOW + timedelta(hours=world.settings.portal_session_hours, minutes=1)
    reply = client.get("/portal/dashboard")
    assert reply.status == 303 and reply.headers["location"].startswith("/portal/sign-in")


def test_an_idle_session_ends(world: World) -> None:
    client = _signed_in(world)
    world.clock.now = NOW + timedelta(minutes=world.settings.portal_session_idle_minutes + 1)
    assert client.get("/portal/dashboard").status == 303


def test_forged_and_tampered_cookies_are_refused(world: World) -> None:
    client = _signed_in(world)
    value = client.cookies["reflect_portal"]
    flipped = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    other = make_settings(var_dir=world.settings.var_dir, secret=OTHER_SECRET)
    principal = accounts.Principal(1, "lead@esscp", "lead", accounts.Scope("ESSCP"), 0)
    forged = auth.issue_session(other, principal, NOW)

    for bad in (flipped, forged, "garbage", value + "x"):
        intruder = world.client()
        intruder.cookies["reflect_portal"] = bad
        reply = intruder.get("/portal/dashboard")
        assert reply.status == 303, bad


def test_signing_out_needs_csrf_and_ends_the_session_everywhere(world: World) -> None:
    client = _signed_in(world)
    copied = dict(client.cookies)
    assert client.post("/portal/sign-out", {}).status == 403

    token = client.csrf("/portal/tokens")
    reply = client.post("/portal/sign-out", {"csrf": token})
    assert reply.status == 303
    thief = world.client()
    thief.cookies.update(copied)
    assert thief.get("/portal/dashboard").status == 303


def test_a_disabled_lead_is_refused_at_once(world: World) -> None:
    client = _signed_in(world)
    with transaction(world.factory) as session:
        accounts.disable_account(session, username="lead@esscp", now=NOW)
    assert client.get("/portal/dashboard").status == 303
    assert world.client().sign_in("lead@esscp").status == 401


def test_no_secret_in_a_url(world: World) -> None:
    assert world.client().get("/portal/sign-in?password=x").status == 400
    assert world.client().get("/portal/api/v1/briefings?token=rfl_x").status == 400


# --- scope -------------------------------------------------------------------------------


def test_a_lead_of_another_partnership_sees_none_of_it(world: World) -> None:
    client = _signed_in(world, "lead@elsewhere")
    reply = client.get("/portal/dashboard?pack=esscp-child-z")
    assert reply.status == 400
    assert "no briefings" in reply.text
    with transaction(world.factory) as session:
        public_id = session.execute(select(GroupMinutes.public_id).limit(1)).scalar_one()
    assert client.get(f"/portal/minutes/{public_id}.md").status == 404


def test_a_lead_of_one_agency_sees_only_that_agency(world: World) -> None:
    client = _signed_in(world, "police@esscp")
    page = client.get("/portal/dashboard")
    assert page.status == 200
    assert client.get("/portal/dashboard?agency=health").status == 400
    reply = client.get("/portal/download/report.csv")
    text = reply.body.decode("utf-8-sig")
    assert "Police" in text
    assert "Health" not in [row[0] for row in csv.reader(io.StringIO(text)) if row]


def test_only_admins_see_the_audit_log(world: World) -> None:
    assert _signed_in(world).get("/portal/audit").status == 403
    admin = _signed_in(world, "admin")
    page = admin.get("/portal/audit")
    assert page.status == 200 and "sign_in" in page.text


# --- downloads and audit ----------------------------------------------------------------


def test_every_download_is_audited_and_opens(world: World) -> None:
    client = _signed_in(world)
    csv_reply = client.get("/portal/download/report.csv?from=2026-W30")
    xlsx_reply = client.get("/portal/download/report.xlsx")
    pdf_reply = client.get("/portal/download/report.pdf")
    with transaction(world.factory) as session:
        public_id = session.execute(select(GroupMinutes.public_id).limit(1)).scalar_one()
    minutes_reply = client.get(f"/portal/minutes/{public_id}.docx")

    for reply in (csv_reply, xlsx_reply, pdf_reply, minutes_reply):
        assert reply.status == 200
        assert reply.headers["cache-control"] == "no-store"
        assert reply.headers["content-disposition"].startswith("attachment;")
    assert "fewer than 10" in csv_reply.body.decode("utf-8-sig")
    openpyxl.load_workbook(io.BytesIO(xlsx_reply.body))
    assert "Child Z" in pypdf.PdfReader(io.BytesIO(pdf_reply.body)).pages[0].extract_text()
    formats = [row.get("format") for row in world.audit("download")]
    assert formats == ["csv", "xlsx", "pdf", "docx"]
    assert world.audit("download")[0]["week_from"] == "2026-W30"


def test_the_dashboard_and_every_download_show_impact_per_point(world: World) -> None:
    client = _signed_in(world)
    page = client.get("/portal/dashboard")
    csv_reply = client.get("/portal/download/report.csv?agency=health")
    xlsx_reply = client.get("/portal/download/report.xlsx")

    assert page.status == 200
    section = page.text[page.text.index('<section aria-labelledby="impact-title"') :]
    section = section[: section.index("</section>")]
    assert "Impact: what changed in practice" in section
    assert '<th scope="col">Discussion point</th>' in section
    assert section.count('<th scope="row">') >= 5  # four points, the briefing as a whole, total
    assert "<blockquote><p>Demo follow-up:" in section  # quoted where released
    figures = re.findall(r'<td class="num">([^<]*)</td>', section)
    assert figures and all(
        value == "fewer than 10" or int(value.replace(",", "")) >= 10 for value in figures
    )  # a suppressed figure is words, never a colour alone
    text = csv_reply.body.decode("utf-8-sig")
    assert "Impact: what changed in practice" in text and "Demo follow-up:" in text
    book = openpyxl.load_workbook(io.BytesIO(xlsx_reply.body))
    assert "Impact" in book.sheetnames
    assert [row.get("format") for row in world.audit("download")] == ["csv", "xlsx"]
    assert world.audit("download")[0]["agency"] == "health"


def test_a_lead_of_one_agency_sees_only_that_agencys_impact(world: World) -> None:
    everyone = json.loads(_api(world, "lead@esscp").body)["impact"]
    police = json.loads(_api(world, "police@esscp").body)["impact"]

    assert everyone["total"]["value"] and everyone["total"]["value"] >= 10
    # Police answers alone: fewer, each a group of at least k, or suppressed.
    assert police["total"]["value"] is None or police["total"]["value"] < everyone["total"]["value"]
    for body in (everyone, police):
        for point in body["points"]:
            assert point["count"]["value"] is None or point["count"]["value"] >= 10
            if point["count"]["suppressed"]:
                assert point["quotes"] == [] and point["versions"] == []


def _api(world: World, username: str) -> Any:
    client = _signed_in(world, username)
    csrf = client.csrf("/portal/tokens")
    page = client.post("/portal/tokens", {"csrf": csrf, "label": "impact"})
    token = re.search(r"(rfl_[A-Za-z0-9_-]+)", page.text)
    assert token
    bearer = [(b"authorization", f"Bearer {token.group(1)}".encode())]
    reply = world.client().get("/portal/api/v1/dashboard?pack=esscp-child-z", headers=bearer)
    assert reply.status == 200
    return reply


def test_a_filter_change_is_audited_without_content(world: World) -> None:
    client = _signed_in(world)
    client.get("/portal/dashboard?agency=health&from=2026-W20")
    rows = world.audit("filter")
    assert rows[-1]["agency"] == "health"
    assert set(rows[-1]) <= {
        "account",
        "pack",
        "version",
        "week_from",
        "week_to",
        "agency",
        "team",
        "theme",
    }


def test_a_theme_page_shows_quotes_or_says_they_are_withheld(world: World) -> None:
    client = _signed_in(world)
    page = client.get("/portal/dashboard")
    theme_ids = re.findall(r'href="/portal/themes/(t\d+)', page.text)
    assert theme_ids, "1,500 demo reflections should give at least one theme"
    theme = client.get(f"/portal/themes/{theme_ids[0]}")
    assert theme.status == 200
    assert "<blockquote>" in theme.text or "withheld" in theme.text
    assert client.get("/portal/themes/t99").status == 404


def test_bad_filters_get_a_clear_400(world: World) -> None:
    client = _signed_in(world)
    for query in ("from=2026-W99", "from=2026-W40&to=2026-W10", "agency=mi5", "team=%27--"):
        reply = client.get(f"/portal/dashboard?{query}")
        assert reply.status == 400, query
        assert "Those filters cannot be used" in reply.text


# --- tokens and the API ------------------------------------------------------------------


def test_a_token_reads_the_api_until_it_is_revoked(world: World) -> None:
    client = _signed_in(world)
    csrf = client.csrf("/portal/tokens")
    assert client.post("/portal/tokens", {"label": "board report"}).status == 403
    page = client.post("/portal/tokens", {"csrf": csrf, "label": "board report"})
    token = re.search(r"(rfl_[A-Za-z0-9_-]+)", page.text)
    assert token, page.text[:400]
    bearer = [(b"authorization", f"Bearer {token.group(1)}".encode())]

    api = world.client()
    assert api.get("/portal/api/v1/dashboard?pack=esscp-child-z").status == 401
    reply = api.get("/portal/api/v1/dashboard?pack=esscp-child-z", headers=bearer)
    assert reply.status == 200
    body = json.loads(reply.body)
    assert body["k"] == 10 and body["tables"]
    for table in body["tables"]:
        for cell in [*table["cells"], table["total"]]:
            assert cell["value"] is None or cell["value"] >= 10
    assert world.audit("api")

    token_id = re.search(r"/portal/tokens/(\d+)/revoke", page.text)
    assert token_id
    client.post(f"/portal/tokens/{token_id.group(1)}/revoke", {"csrf": csrf})
    assert api.get("/portal/api/v1/briefings", headers=bearer).status == 401


def test_the_api_matches_its_openapi_document(world: World) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    client = _signed_in(world)
    csrf = client.csrf("/portal/tokens")
    page = client.post("/portal/tokens", {"csrf": csrf, "label": "schema check"})
    token = re.search(r"(rfl_[A-Za-z0-9_-]+)", page.text)
    assert token
    bearer = [(b"authorization", f"Bearer {token.group(1)}".encode())]
    served = json.loads(world.client().get("/portal/api/openapi.json").body)
    assert served == openapi_document(world.settings.web_public_url)
    schema = {**served["components"]["schemas"]["Dashboard"], "components": served["components"]}
    body = json.loads(
        world.client().get("/portal/api/v1/dashboard?pack=esscp-child-z", headers=bearer).body
    )
    resolver_schema = json.loads(json.dumps(schema).replace("#/components", "#/components"))
    jsonschema.validate(body, resolver_schema)
    assert body["impact"]["points"] and body["impact"]["by_point"]["id"] == "impact_by_point"


def test_the_dashboard_and_the_api_list_links_not_checked_for_a_while(world: World) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    client = _signed_in(world)
    page = client.get("/portal/dashboard").text
    assert '<h2 id="links-title">Links in the briefing</h2>' in page
    assert "All links checked within 180 days." in page

    portal: Portal = world.app.ctx.portal
    portal.service.settings = replace(portal.service.settings, link_stale_days=5)
    page = client.get("/portal/dashboard").text
    assert "<caption>Links last checked more than 5 days ago</caption>" in page
    assert (
        '<th scope="row">Child Safeguarding Practice Review Panel (GOV.UK)</th>\n        '
        '<td><a href="https://www.gov.uk/government/organisations/'
        'child-safeguarding-practice-review-panel" rel="noopener noreferrer">'
    ) in page
    assert '<time datetime="2026-11-27">2026-11-27</time> (10 days ago)' in page
    assert "All links checked" not in page

    csrf = client.csrf("/portal/tokens")
    token = re.search(
        r"(rfl_[A-Za-z0-9_-]+)", client.post("/portal/tokens", {"csrf": csrf, "label": "x"}).text
    )
    assert token
    bearer = [(b"authorization", f"Bearer {token.group(1)}".encode())]
    reply = world.client().get("/portal/api/v1/dashboard?pack=esscp-child-z", headers=bearer)
    body = json.loads(reply.body)
    assert body["link_stale_days"] == 5
    assert [link["id"] for link in body["stale_links"]][:2] == [
        "pan-sussex-procedures",
        "sharing-information-family-members",
    ]
    assert len(body["stale_links"]) == 6
    served = json.loads(world.client().get("/portal/api/openapi.json").body)
    jsonschema.validate(
        body, {**served["components"]["schemas"]["Dashboard"], "components": served["components"]}
    )


def test_pages_carry_a_strict_csp_and_no_store(world: World) -> None:
    reply = world.client().get("/portal/sign-in")
    assert reply.status == 200
    assert "script-src" not in reply.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]
    assert reply.headers["cache-control"] == "no-store"


def test_the_chat_link_marks_the_sign_in_page_and_grants_nothing(world: World) -> None:
    token = auth.chat_link_token(world.settings, NOW)
    client = world.client()
    page = client.get(f"/portal/sign-in?via={token}")
    assert page.status == 200 and "You followed a link from Reflect" in page.text
    assert client.get("/portal/dashboard").status == 303
    world.clock.now = NOW + timedelta(minutes=world.settings.portal_link_minutes + 1)
    assert "You followed a link" not in world.client().get(f"/portal/sign-in?via={token}").text


def test_the_days_purge_is_scheduled_by_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    settings = make_settings(var_dir=tmp_path, purge_interval_hours=24)
    ran: list[str] = []
    app = create_app(
        settings, name="portal_purge_schedule", purge_job=lambda: ran.append("x") or ""
    )
    assert app.ctx.purge.interval == 24 * 3600
    settings_off = make_settings(var_dir=tmp_path, purge_interval_hours=0)
    quiet = create_app(settings_off, name="portal_purge_off")
    assert not hasattr(quiet.ctx, "purge")
    assert date.today()  # the job itself is bot.retention.purge_all, tested there


def test_a_database_fault_is_a_plain_503_not_a_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    client = _signed_in(world)

    def down(*_: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    portal: Portal = world.app.ctx.portal
    monkeypatch.setattr(portal.service, "build", down)
    page = client.get("/portal/dashboard")
    assert page.status == 503 and "could not reach its database" in page.text
    assert "database is locked" not in page.text


def test_the_openapi_document_names_the_api_version(world: World) -> None:
    from bot.portal.api import API_VERSION

    served = json.loads(world.client().get("/portal/api/openapi.json").body)
    assert served["info"]["version"] == API_VERSION
    assert served["servers"] == [{"url": world.settings.web_public_url}]


# --- found by the blind attack round (each a class, not a string) -----------------------


@pytest.mark.parametrize("theme", ["..%2f", "t1%00", "%20", "%0a", "%ff", "a%2fb", "t" + "9" * 40])
def test_odd_theme_ids_are_a_404_never_a_500(world: World, theme: str) -> None:
    client = _signed_in(world)
    assert client.get(f"/portal/themes/{theme}?pack=esscp-child-z").status == 404


def test_revoking_a_token_that_is_not_yours_is_a_404(world: World) -> None:
    client = _signed_in(world)
    csrf = client.csrf("/portal/tokens")
    for token_id in (424242, 1):
        assert client.post(f"/portal/tokens/{token_id}/revoke", {"csrf": csrf}).status == 404


def test_a_token_label_with_control_characters_is_a_400(world: World) -> None:
    client = _signed_in(world)
    csrf = client.csrf("/portal/tokens")
    for label in ("bad\x00label", "bad\x01label"):
        assert client.post("/portal/tokens", {"csrf": csrf, "label": label}).status == 400


@pytest.mark.parametrize("name", ["bearer", "Authorization", "key", "access_token"])
def test_any_credential_in_a_query_string_is_refused(world: World, name: str) -> None:
    assert world.client().get(f"/portal/api/v1/briefings?{name}=rfl_x").status == 400


def test_error_pages_quote_nothing_back_and_are_never_cached(world: World) -> None:
    reply = asyncio.run(asgi_request(world.app, "FOO", "/portal/sign-in"))
    assert reply.status == 405
    assert "FOO" not in reply.text and "/portal/sign-in" not in reply.text
    missing = world.client().get("/portal/nothing-here")
    for answer in (reply, missing):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-frame-options"] == "DENY"


def test_an_unknown_username_locks_like_a_real_one(world: World) -> None:
    def statuses(username: str) -> list[int]:
        return [
            world.client().sign_in(username, "wrong wrong wrong").status
            for _ in range(world.settings.portal_lockout_failures + 1)
        ]

    assert statuses("police@esscp") == statuses("nobody-at-all@esscp")


def test_minutes_in_the_portal_never_split_attendance_by_agency(world: World) -> None:
    client = _signed_in(world)
    with transaction(world.factory) as session:
        ids = session.execute(select(GroupMinutes.public_id)).scalars().all()
    for public_id in ids[:6]:
        text = client.get(f"/portal/minutes/{public_id}.md").text
        assert "never per session" in text
        assert "joined on Reflect with the session code" not in text
        assert not re.search(r"\|\s*(Police|Health|Education)\s*\|\s*\d", text)
    body = client.get("/portal/download/report.csv").body.decode("utf-8-sig")
    assert not re.search(r"\b[1-9] present\b", body)


def test_an_account_of_one_agency_gets_no_themes_and_the_partnerships_weeks(
    world: World,
) -> None:
    police = _signed_in(world, "police@esscp").get("/portal/dashboard")
    lead = _signed_in(world, "lead@esscp").get("/portal/dashboard")
    assert "/portal/themes/t" not in police.text
    assert "partnership-wide accounts only" in police.text

    def pending(page: str) -> str | None:
        found = re.search(r"Weeks from (\d{4}-W\d{2}) are not shown yet", page)
        return found.group(1) if found else None

    assert pending(police.text) == pending(lead.text)


def test_a_huge_token_id_is_a_404(world: World) -> None:
    client = _signed_in(world)
    csrf = client.csrf("/portal/tokens")
    for token_id in ("9223372036854775808", "99999999999999999999999", "2147483648"):
        assert client.post(f"/portal/tokens/{token_id}/revoke", {"csrf": csrf}).status in {404}, (
            token_id
        )


def test_no_attendance_per_session_anywhere_so_nothing_subtracts(world: World) -> None:
    client = _signed_in(world)
    csrf = client.csrf("/portal/tokens")
    page = client.post("/portal/tokens", {"csrf": csrf, "label": "attendance"})
    token = re.search(r"(rfl_[A-Za-z0-9_-]+)", page.text)
    assert token
    bearer = [(b"authorization", f"Bearer {token.group(1)}".encode())]
    for team in ("", "&team=DEMO-A", "&team=DEMO-C"):
        body = json.loads(
            world.client()
            .get(f"/portal/api/v1/dashboard?pack=esscp-child-z{team}", headers=bearer)
            .body
        )
        assert body["minutes"], team
        assert all(m["attendance"] is None for m in body["minutes"])
    dashboard = client.get("/portal/dashboard?team=DEMO-C").text
    assert not re.search(r"\d+ took part", dashboard)


def test_an_account_of_one_agency_gets_no_minutes(world: World) -> None:
    police = _signed_in(world, "police@esscp")
    page = police.get("/portal/dashboard")
    assert "/portal/minutes/" not in page.text
    assert "partnership-wide accounts only" in page.text
    with transaction(world.factory) as session:
        ids = session.execute(select(GroupMinutes.public_id)).scalars().all()
    assert all(police.get(f"/portal/minutes/{public_id}.md").status == 404 for public_id in ids)
