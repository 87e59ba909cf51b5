"""The async JSON client the Teams channel uses: OpenID metadata, signing keys, tokens, replies.

Rasa's own Bot Framework channel calls blocking ``requests`` inside the Sanic event loop, so one
slow Microsoft endpoint stalls every conversation on the server. This uses aiohttp (a Rasa
dependency), one session per event loop, bounded timeouts and bounded response sizes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp

TIMEOUT_SECONDS = 10.0
"""Per request. Teams gives the bot 15 s to answer a webhook, and replies are posted inside it."""

MAX_RESPONSE_BYTES = 1_000_000
"""Metadata, key sets and token responses are a few KB; anything larger is not what we asked."""


class ConnectorError(RuntimeError):
    """A call to Microsoft (or the fake connector) failed; the message names no secret."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class JsonHttp(Protocol):
    """What the Teams code needs from HTTP; tests pass a fake with the same methods."""

    async def get_json(self, url: str) -> Any:
        """GET a JSON document."""

    async def post_form(self, url: str, form: Mapping[str, str]) -> Any:
        """POST a form (OAuth token request) and return the JSON answer."""

    async def post_json(self, url: str, body: Mapping[str, Any], *, bearer: str) -> int:
        """POST a JSON body with a Bearer token; return the status (any status, no raise)."""


class AiohttpJson:
    """:class:`JsonHttp` over one lazily created aiohttp session.

    The session is created on first use, inside the server's running event loop (Rasa creates
    input channels before the loop runs), and closed by :meth:`close` at server stop.
    """

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        """Close the session (idempotent)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def get_json(self, url: str) -> Any:
        """GET a JSON document; any failure is a :class:`ConnectorError`."""
        try:
            async with self._client().get(url) as response:
                return await _json_of(response, url)
        except aiohttp.ClientError as exc:
            raise ConnectorError(f"GET {url} failed: {type(exc).__name__}") from None
        except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
            raise ConnectorError(f"GET {url} timed out") from None

    async def post_form(self, url: str, form: Mapping[str, str]) -> Any:
        """POST a form and return the JSON answer; a non-2xx status is a ConnectorError."""
        try:
            async with self._client().post(url, data=dict(form)) as response:
                return await _json_of(response, url)
        except aiohttp.ClientError as exc:
            raise ConnectorError(f"POST {url} failed: {type(exc).__name__}") from None
        except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
            raise ConnectorError(f"POST {url} timed out") from None

    async def post_json(self, url: str, body: Mapping[str, Any], *, bearer: str) -> int:
        """POST JSON with ``Authorization: Bearer``; the caller decides what a status means."""
        headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
        try:
            async with self._client().post(url, data=json.dumps(body), headers=headers) as resp:
                await resp.read()
                return resp.status
        except aiohttp.ClientError as exc:
            raise ConnectorError(f"POST {url} failed: {type(exc).__name__}") from None
        except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
            raise ConnectorError(f"POST {url} timed out") from None


async def _json_of(response: aiohttp.ClientResponse, url: str) -> Any:
    """The JSON body of a 2xx response, refusing oversized or non-JSON bodies."""
    if not 200 <= response.status < 300:
        raise ConnectorError(f"{url} answered {response.status}", status=response.status)
    body = await response.content.read(MAX_RESPONSE_BYTES + 1)
    if len(body) > MAX_RESPONSE_BYTES:
        raise ConnectorError(f"{url} answered more than {MAX_RESPONSE_BYTES} bytes")
    try:
        return json.loads(body)
    except ValueError:
        raise ConnectorError(f"{url} did not answer JSON") from None
