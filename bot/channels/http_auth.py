"""Shared-secret bearer tokens for our own HTTP endpoints (the action server, the REST channel).

Plain Python, no web framework: the servers call :func:`bearer_matches` with the request's
``Authorization`` header. Rasa's own ``--auth-token`` is a query parameter compared with ``==``;
here the token travels in a header (never in a URL, so never in an access log) and is compared
in constant time, so response timing says nothing about how much of a guess was right.
"""

from __future__ import annotations

import hmac

UNAUTHORIZED = {"error": "unauthorized"}
"""The whole body of every refusal: it says nothing about what was wrong."""


def bearer_matches(authorization: str | None, expected: str) -> bool:
    """True if ``authorization`` is ``Bearer <expected>`` (scheme case-insensitive).

    An empty ``expected`` matches nothing, so a missing configuration never means "open".
    """
    if not expected or not authorization:
        return False
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())
