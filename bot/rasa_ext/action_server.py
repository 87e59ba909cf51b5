"""Reflect's action server: ``python -m bot.rasa_ext.action_server``, rasa_sdk's made private.

rasa_sdk's own entry point (``python -m rasa_sdk``) listens on 0.0.0.0 (its ``SANIC_HOST``
default), allows CORS from ``*``, needs no credentials, and its exception handler returns the
request body (the whole tracker) in a 500 and logs the request. Anyone who could reach the port
could post ``next_action: action_save_reflection`` with a raw ``reflection_draft`` slot and
store text that never passed the door, or run withdrawals as any sender.

Here the app is rasa_sdk's own (:func:`rasa_sdk.endpoint.create_app`: same webhook, executor
and health check), with:

- the host and port from Settings (``ACTION_HOST``, default 127.0.0.1, and ``ACTION_PORT``);
- ``Authorization: Bearer <ACTION_SERVER_TOKEN>`` required on every request except
  ``GET /health``, compared in constant time; anything else is a 401 with a fixed body, before
  the body is looked at. Rasa sends the header from ``endpoints.yml``
  (``action_endpoint.headers``);
- no CORS origins at all (only Rasa calls this server, never a browser);
- errors answered with a fixed body and logged by exception type only, never the request;
- a request size limit (:data:`ACTION_REQUEST_MAX_BYTES`);
- a call rasa_sdk would crash on (not a JSON object, a tracker that is not one, a compressed
  body) refused with a 4xx before it runs (:data:`CALL_SHAPE`).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from rasa_sdk.endpoint import create_app as create_rasa_sdk_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import log_safety
from bot.channels.http_auth import UNAUTHORIZED, bearer_matches
from bot.rasa_ext import patches
from bot.settings.config import Settings, load_settings
from bot.storage.private_files import private_umask

logger = logging.getLogger(__name__)

ACTION_REQUEST_MAX_BYTES = 16 * 1024 * 1024
"""Rasa posts the whole tracker of the current session (sessions last a week) plus the domain.

Measured on a journey through the real stack: the domain is about 8 KB and a turn adds 3 to
4.5 KB of events, about 31 KB when the practitioner writes a 5,000-character message (the
door's limit; the text recurs in the message, the draft slot and the preview). 16 MiB is over
500 such turns, or about 4,000 ordinary ones, in one session. Sanic's default is 100 MB.
"""

ACTION_KEEP_ALIVE_SECONDS = 75
"""How long an idle kept-alive connection from Rasa stays open: longer than the client's own.

Rasa calls the action server through one aiohttp session whose connector keeps an idle
connection for 15 s; Sanic closes one after 5 s by default. A call that picks up a connection the
server is closing at that moment fails ("Cannot write to closing transport"): under load 1 to 9
messages in 1,000 did (bench, 7 Dec). The server must outlive the client's idle time, so the
client always closes first.
"""

HEALTH = ("GET", "/health")
"""The one route open without the token: the launcher's readiness check."""


def create_app(settings: Settings, *, actions_package: str = "actions") -> Sanic:
    """rasa_sdk's action server app with our token check, error handler and size limit."""
    app: Sanic = create_rasa_sdk_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = ACTION_REQUEST_MAX_BYTES
    app.config.KEEP_ALIVE_TIMEOUT = ACTION_KEEP_ALIVE_SECONDS
    token = settings.action_token

    async def require_token(request: Request) -> HTTPResponse | None:
        if (request.method, request.path) == HEALTH:
            return None
        if bearer_matches(request.headers.get("authorization"), token):
            return await _refused_call(request)
        # Neither the header nor the path: both are the caller's text.
        logger.warning("action server: a request without the action server token was refused")
        return response.json(UNAUTHORIZED, status=401)

    async def check_token_first(app: Sanic, _loop: object) -> None:
        # Sanic-CORS (inside rasa_sdk's app) puts its middleware at the front of the chain when
        # the server starts, and answers OPTIONS there; ours goes in front of it, afterwards.
        app.request_middleware.appendleft(require_token)

    app.register_listener(check_token_first, "before_server_start")
    app.error_handler.add(Exception, _fixed_error)
    return app


#: What rasa_sdk's executor and ``Tracker.from_dict`` read from an action call without checking
#: it: (path, the types allowed there, whether it must be present).
CALL_SHAPE: tuple[tuple[tuple[str, ...], tuple[type, ...], bool], ...] = (
    (("next_action",), (str,), True),
    (("tracker",), (dict,), True),
    (("tracker", "sender_id"), (str,), True),
    (("tracker", "slots"), (dict,), False),
    (("tracker", "latest_message"), (dict, type(None)), False),
    (("tracker", "events"), (list,), False),
    (("tracker", "active_loop"), (dict, type(None)), False),
    (("domain",), (dict,), False),
)


async def _refused_call(request: Request) -> HTTPResponse | None:
    """A 4xx for an action call rasa_sdk would crash on (a 500), else None to let it run.

    Only Rasa holds the token, but a call it never makes (a JSON array, a tracker that is a
    string, a deflated body rasa_sdk inflates without a size limit) must still be a client
    error, not "the action failed": fuzzing the authenticated webhook found each of these.
    """
    if (request.method, request.path) != ("POST", "/webhook"):
        return None
    if request.headers.get("content-encoding", "identity").lower() != "identity":
        # Rasa 3.6 never compresses action calls; inflating one is a decompression bomb.
        return response.json({"error": "unsupported media type"}, status=415)
    # Middleware runs before Sanic reads the body: read it now (over the limit: Sanic's 413).
    await request.receive_body()  # type: ignore[no-untyped-call]
    call = request.json  # malformed JSON: Sanic's 400, answered by _fixed_error
    for path, kinds, required in CALL_SHAPE:
        value: object = call
        for key in path:
            value = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if value is _MISSING and not required:
            continue
        if not isinstance(value, kinds) or value == "":
            return response.json({"error": "malformed action call"}, status=400)
    return None


_MISSING = object()


def _fixed_error(request: Request, exception: Exception) -> HTTPResponse:
    """Replaces rasa_sdk's handler, which puts ``request.json`` (the tracker) in its 500 body.

    Sanic's own errors (404, 405, 413, a malformed body) keep their status with a fixed text;
    anything else is a 500 logged by exception type only: an action's error message could
    quote the practitioner's text.
    """
    if isinstance(exception, SanicException):
        status = int(getattr(exception, "status_code", 500) or 500)
        return response.json({"error": HTTPStatus(status).phrase.lower()}, status=status)
    logger.error("action server: request failed (%s)", type(exception).__name__)
    return response.json({"error": "the action failed"}, status=500)


def main() -> None:
    """Read Settings once and serve on ACTION_HOST:ACTION_PORT until SIGINT/SIGTERM."""
    private_umask()  # the reflections database (SQLite) and anything else it creates
    log_safety.install()  # no exception message or query string in a log line
    # Exits (status 1, one message) unless rasa_sdk is the pinned release and what create_app
    # and Sanic do is what this module was written for (bot/rasa_ext/patches.py).
    patches.check(patches.ACTION_SERVER)
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings)
    logger.info("action server on %s:%d", settings.action_host, settings.action_port)
    app.run(
        host=settings.action_host,
        port=settings.action_port,
        access_log=False,
        motd=False,
        workers=1,
    )


if __name__ == "__main__":
    main()
