"""Log records that cannot carry typed text: exception messages and query strings withheld."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.channels import log_safety

SECRET_TEXT = "Kelly Smith 07700 900777 BN1 1AA"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    log_safety.uninstall()
    log_safety.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s | %(request)s"))
    logger = logging.getLogger("test.log_safety")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        log_safety.uninstall()


def test_an_exception_message_is_withheld_but_its_type_and_frames_kept(
    captured: io.StringIO,
) -> None:
    """Attack finding: a malformed chunked body was quoted in three servers' logs."""
    logger = logging.getLogger("test.log_safety")
    try:
        int(SECRET_TEXT, 16)
    except ValueError:
        logger.exception("bad request", extra={"request": "-"})

    out = captured.getvalue()
    assert "Kelly" not in out and "07700" not in out
    assert "ValueError" in out and "test_an_exception_message_is_withheld" in out


def test_a_query_string_is_withheld(captured: io.StringIO) -> None:
    logger = logging.getLogger("test.log_safety")
    logger.error(
        "Exception occurred while handling uri: %r",
        "http://127.0.0.1:5005/webhooks/rest/webhook?name=Kelly%20Smith&phone=07700900995",
        extra={"request": "POST /widget.js/?who=Kelly%20Smith"},
    )

    out = captured.getvalue()
    assert "Kelly" not in out and "07700" not in out
    assert "/webhooks/rest/webhook?…" in out and "/widget.js/?…" in out


def test_an_exception_repr_inside_a_message_keeps_only_its_type(captured: io.StringIO) -> None:
    logger = logging.getLogger("test.log_safety")
    error = UnicodeEncodeError("utf-8", SECRET_TEXT + "\ud800", 32, 33, "surrogates not allowed")
    logger.error("Task exception was never retrieved exception=%r", error, extra={"request": "-"})

    out = captured.getvalue()
    assert "Kelly" not in out
    assert "UnicodeEncodeError(…)" in out


def test_ordinary_lines_are_untouched(captured: io.StringIO) -> None:
    logging.getLogger("test.log_safety").info("saved %d reflection(s)", 2, extra={"request": "-"})

    assert captured.getvalue() == "saved 2 reflection(s) | -\n"
