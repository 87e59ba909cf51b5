"""The web app: demo page, widget files and health check, with their headers.

sanic-testing is not installed, so requests go through Sanic's ASGI interface (as
tests/bot/rasa_ext/test_channels.py does for the REST webhook). The static directory is a
temporary one, so these tests do not depend on the widget's real files.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic

from bot.settings.config import Settings
from bot.web.app import STATIC_DIR, create_app, pack_attribute, page_csp, socket_sources
from tests.asgi import AsgiReply, asgi_request
from tests.conftest import SECOND_PACK_ID, SEVERAL_PACKS_DIR
from tests.settings import make_settings

DEMO = (
    "<!doctype html><html><head><title>Reflect</title></head><body>"
    '<script src="__REFLECT_WIDGET_SRC__" data-server="__REFLECT_SOCKET_URL__"'
    "__REFLECT_PACK_ATTRIBUTE__ defer></script>"
    "<pre>__REFLECT_WIDGET_URL__</pre></body></html>"
)
WIDGET_JS = "console.log('widget');\n"
WIDGET_CSS = ".reflect { color: black; }\n"
SOCKET_IO = "/*! Socket.IO v4.8.1 */\n"


Reply = AsgiReply


Get = Callable[..., Awaitable[Reply]]


@pytest.fixture
def static(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    (static / "vendor").mkdir(parents=True)
    (static / "demo.html").write_text(DEMO, encoding="utf-8")
    (static / "widget.js").write_text(WIDGET_JS, encoding="utf-8")
    (static / "widget.css").write_text(WIDGET_CSS, encoding="utf-8")
    (static / "demo.css").write_text("body { margin: 0; }\n", encoding="utf-8")
    (static / "vendor" / "socket.io.min.js").write_text(SOCKET_IO, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("do not serve me", encoding="utf-8")
    return static


@pytest.fixture
def settings() -> Settings:
    return make_settings(rasa_host="127.0.0.1", rasa_port=5005, web_port=8080)


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[[Settings, Path], Awaitable[Get]]:
    """Build the app (Sanic test mode allows several per process) and return a GET function."""
    monkeypatch.setattr(Sanic, "test_mode", True)

    async def build(settings: Settings, static_dir: Path) -> Get:
        app = create_app(settings, static_dir=static_dir, name=f"web_{uuid.uuid4().hex}")
        await app._startup()

        async def get(
            path: str, *, method: str = "GET", headers: dict[str, str] | None = None
        ) -> Reply:
            return await _request(app, method, path, headers or {})

        return get

    return build


async def _request(app: Sanic, method: str, path: str, headers: dict[str, str]) -> Reply:
    encoded = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return await asgi_request(app, method, path, headers=encoded)


async def test_demo_page_has_the_socket_url_and_widget_src_filled_in(
    serve: Any, settings: Settings, static: Path
) -> None:
    get = await serve(settings, static)

    page = await get("/")

    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script src="/widget.js" data-server="http://127.0.0.1:5005" defer>' in page.text
    assert "__REFLECT_" not in page.text


async def test_demo_page_uses_the_public_rasa_url_escaped(serve: Any, static: Path) -> None:
    settings = make_settings(public_rasa_url='https://reflect.example.org/?a=1&b="2"')
    get = await serve(settings, static)

    page = await get("/")

    assert 'data-server="https://reflect.example.org/?a=1&amp;b=&quot;2&quot;"' in page.text


async def test_demo_page_security_headers(serve: Any, settings: Settings, static: Path) -> None:
    get = await serve(settings, static)

    headers = (await get("/")).headers

    csp = headers["content-security-policy"]
    assert csp == page_csp(settings.socket_url)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self' http://127.0.0.1:5005 ws://127.0.0.1:5005"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_socket_sources_cover_http_and_websocket_schemes() -> None:
    assert socket_sources("https://reflect.example.org") == [
        "https://reflect.example.org",
        "wss://reflect.example.org",
    ]
    assert socket_sources("http://127.0.0.1:5005") == [
        "http://127.0.0.1:5005",
        "ws://127.0.0.1:5005",
    ]
    assert socket_sources("not a url") == []


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/widget.js", "text/javascript; charset=utf-8", WIDGET_JS),
        ("/widget.css", "text/css; charset=utf-8", WIDGET_CSS),
        ("/vendor/socket.io.min.js", "text/javascript; charset=utf-8", SOCKET_IO),
    ],
)
async def test_widget_files_are_served_embeddable_with_their_types(
    serve: Any, settings: Settings, static: Path, path: str, content_type: str, body: str
) -> None:
    get = await serve(settings, static)

    reply = await get(path)

    assert reply.status == 200
    assert reply.text == body
    assert reply.headers["content-type"] == content_type
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cross-origin-resource-policy"] == "cross-origin"
    assert reply.headers["access-control-allow-origin"] == "*"


async def test_files_are_revalidated_by_etag(serve: Any, settings: Settings, static: Path) -> None:
    get = await serve(settings, static)

    first = await get("/widget.js")
    again = await get("/widget.js", headers={"If-None-Match": first.headers["etag"]})
    (static / "widget.js").write_text("console.log('changed');\n", encoding="utf-8")
    changed = await get("/widget.js", headers={"If-None-Match": first.headers["etag"]})

    assert first.headers["cache-control"] == "no-cache"
    assert again.status == 304 and again.body == b""
    assert changed.status == 200 and changed.text == "console.log('changed');\n"
    assert changed.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize(("trusted", "proxies_count"), [(0, None), (1, 1)])
def test_the_client_address_comes_from_the_proxy_only_when_one_is_trusted(
    monkeypatch: pytest.MonkeyPatch, static: Path, trusted: int, proxies_count: int | None
) -> None:
    """Behind HAProxy (TRUSTED_PROXIES=1) the portal's per-address limit sees real clients."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    settings = make_settings(trusted_proxies=trusted)

    app = create_app(settings, static_dir=static, name=f"web_{uuid.uuid4().hex}")

    assert app.config.PROXIES_COUNT == proxies_count


async def test_healthz(serve: Any, settings: Settings, static: Path) -> None:
    get = await serve(settings, static)

    reply = await get("/healthz")

    assert (reply.status, reply.text) == (200, "ok")
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    assert reply.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/widget.js/",  # attack finding: a trailing slash was a KeyError and a 500
        "/widget.css/",
        "/vendor/socket.io.min.js/",
        "/demo.html",
        "/static/widget.js",
        "/vendor/",
        "/vendor/LICENSE-socket.io-client",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/vendor/..%2f..%2fsecret.txt",
        "/widget.js/../../secret.txt",
        "/..%5c..%5csecret.txt",
        "/%2e%2e%2f%2e%2e%2fbot%2fconfig.py",
        "/<script>alert(1)</script>",
    ],
)
async def test_anything_else_is_a_plain_404(
    serve: Any, settings: Settings, static: Path, path: str
) -> None:
    get = await serve(settings, static)

    reply = await get(path)

    assert reply.status == 404
    assert reply.text == "not found"
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in reply.headers["content-security-policy"]


async def test_only_get(serve: Any, settings: Settings, static: Path) -> None:
    get = await serve(settings, static)

    assert (await get("/widget.js", method="POST")).status == 405
    assert (await get("/", method="DELETE")).status == 405


async def test_a_405_says_which_methods_are_allowed(
    serve: Any, settings: Settings, static: Path
) -> None:
    # RFC 9110 requires Allow on a 405; our quiet error page once dropped Sanic's (fuzzing).
    get = await serve(settings, static)

    reply = await get("/portal/api/v1/briefings", method="TRACE")

    assert reply.status == 405
    assert reply.text == "method not allowed"
    assert reply.headers["allow"] == "GET"


async def test_a_missing_widget_file_is_a_404_not_a_crash(
    serve: Any, settings: Settings, tmp_path: Path
) -> None:
    get = await serve(settings, tmp_path / "empty")

    assert (await get("/")).status == 404
    assert (await get("/widget.js")).status == 404
    assert (await get("/healthz")).status == 200


def test_the_default_static_dir_is_the_packaged_one() -> None:
    assert STATIC_DIR == Path(__file__).resolve().parents[3] / "bot" / "web" / "static"


async def test_the_snippet_on_the_demo_page_has_the_absolute_widget_address(
    serve: Any, settings: Settings, static: Path
) -> None:
    local = await (await serve(settings, static))("/")
    public_settings = make_settings(public_url="https://reflect.example.org")
    public = await (await serve(public_settings, static))("/")

    assert "<pre>http://127.0.0.1:8080/widget.js</pre>" in local.text
    assert "<pre>https://reflect.example.org/widget.js</pre>" in public.text


async def test_the_demo_page_styles_come_from_a_file(
    serve: Any, settings: Settings, static: Path
) -> None:
    get = await serve(settings, static)

    sheet = await get("/demo.css")

    assert sheet.status == 200
    assert sheet.headers["content-type"] == "text/css; charset=utf-8"


def test_the_packaged_demo_page_uses_every_placeholder_and_its_stylesheet() -> None:
    page = (STATIC_DIR / "demo.html").read_text(encoding="utf-8")

    for placeholder in (
        "__REFLECT_WIDGET_SRC__",
        "__REFLECT_SOCKET_URL__",
        "__REFLECT_WIDGET_URL__",
        "__REFLECT_PACK_ATTRIBUTE__",
    ):
        assert placeholder in page
    assert '<link rel="stylesheet" href="/demo.css">' in page
    assert (STATIC_DIR / "demo.css").is_file()


# --- ?pack= sends the widget straight to one briefing (issue 14) -----------------------------


async def test_pack_parameter_sets_the_widgets_data_pack(serve: Any, static: Path) -> None:
    settings = make_settings(content_dir=SEVERAL_PACKS_DIR, rasa_port=5005)
    get = await serve(settings, static)

    page = await get(f"/?pack={SECOND_PACK_ID}")
    plain = await get("/")

    assert (
        '<script src="/widget.js" data-server="http://127.0.0.1:5005" '
        f'data-pack="{SECOND_PACK_ID}" defer>'
    ) in page.text
    assert "data-pack" not in plain.text
    assert page.headers["content-security-policy"] == plain.headers["content-security-policy"]


@pytest.mark.parametrize(
    "query",
    [
        "?pack=no-such-pack",
        '?pack="><script>alert(1)</script>',
        "?pack=NORTHMOOR-CHILD-Q",
        "?pack=northmoor-child-q&pack=esscp-child-z",
        "?pack=",
        "?pack=" + "a" * 101,
    ],
)
async def test_any_other_pack_parameter_is_ignored(serve: Any, static: Path, query: str) -> None:
    settings = make_settings(content_dir=SEVERAL_PACKS_DIR)
    get = await serve(settings, static)

    page = await get("/" + query)

    assert page.status == 200
    assert "data-pack" not in page.text and "alert" not in page.text


async def test_a_pack_not_offered_is_ignored(serve: Any, static: Path) -> None:
    settings = make_settings(content_dir=SEVERAL_PACKS_DIR, offered_packs=("esscp-child-z",))
    get = await serve(settings, static)

    page = await get(f"/?pack={SECOND_PACK_ID}")

    assert "data-pack" not in page.text


def test_pack_attribute_only_for_an_offered_id() -> None:
    offered = frozenset({"esscp-child-z"})

    assert pack_attribute("esscp-child-z", offered) == ' data-pack="esscp-child-z"'
    for value in ("esscp-child-y", None, 3, "esscp child z", "<b>"):
        assert pack_attribute(value, offered) == ""


def test_the_follow_up_job_is_scheduled_every_followup_interval_hours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    settings = make_settings(var_dir=tmp_path, followup_interval_hours=6, purge_interval_hours=0)

    app = create_app(settings, name="followups_schedule", followup_job=lambda: "sent 0")

    assert app.ctx.followups.interval == 6 * 3600 and app.ctx.followups.job() == "sent 0"
    assert app.ctx.followups.name == "follow-ups" and not hasattr(app.ctx, "purge")
    off = make_settings(var_dir=tmp_path, followup_interval_hours=0)
    quiet = create_app(off, name="followups_off")
    assert not hasattr(quiet.ctx, "followups") and quiet.ctx.purge.interval == 24 * 3600
