"""Log lines that cannot carry what someone typed: exception messages and query strings removed.

The door keeps user text out of everything Reflect logs on purpose, but libraries log on their
own account, and an attacker can make them quote anything: a malformed chunked body becomes
``invalid literal for int() with base 16: 'Kelly Smith 07700 900777'`` in Sanic's error log, a
lone surrogate in a socket.io session id is quoted whole in a ``UnicodeEncodeError``, and every
500 logs the request's full URL with its query string. So each of our processes calls
:func:`install`, after which every record any logger makes is cleaned:

* keeps a traceback's frames but replaces the exception's message by its type
  (``ValueError``), because the message is where the offending input is quoted;
* removes query strings from URLs in the message and in the extra fields Sanic's access log
  adds (``/webhook?name=Kelly`` becomes ``/webhook?…``), and the arguments of an exception's
  repr quoted in a message (asyncio's "Task exception was never retrieved ... exception=...").

Pure standard library; installing it twice is harmless. It does not make logging text safe by
itself: our own code still logs types and counts only.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

__all__ = ["install", "scrub", "uninstall"]

_QUERY = re.compile(r"(?<=[\w/])\?[^\s'\"<>]*")
# An exception's repr inside a message ("Task exception was never retrieved ...
# exception=UnicodeEncodeError('utf-8', 'Kelly Smith ...')"): keep the type only.
_EXCEPTION_REPR = re.compile(
    r"\b([A-Z]\w*(?:Error|Exception|Warning))\((?:[^()\n]|\([^()\n]*\))*\)"
)
_ACCESS_FIELDS = ("request", "host", "uri")
_original_factory: Any = None


def scrub(text: str) -> str:
    """``text`` with URL query strings and exception arguments replaced by ``…``."""
    return _EXCEPTION_REPR.sub(r"\1(…)", _QUERY.sub("?…", text))


def _exception_text(exc_info: Any) -> str:
    """A traceback with its frames but the exception's type in place of its message."""
    kind, _value, tb = exc_info
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    name = getattr(kind, "__name__", "Exception")
    return f"Traceback (most recent call last):\n{frames}{name} (message withheld)"


def _make_safe(record: logging.LogRecord) -> logging.LogRecord:
    try:
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = _exception_text(record.exc_info)
            record.exc_info = None
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for field in _ACCESS_FIELDS:
            value = getattr(record, field, None)
            if isinstance(value, str):
                setattr(record, field, scrub(value))
    except Exception:  # a log line must never fail; keep the record, drop what may be unsafe
        record.msg, record.args = "(log line withheld)", None
        record.exc_info, record.exc_text = None, None
    return record


def install() -> None:
    """Make every log record this process creates safe (see the module docstring).

    Wraps :meth:`logging.Logger.makeRecord` (not the record factory), because the ``extra``
    fields Sanic's access log uses are set on the record after the factory has run.
    """
    global _original_factory
    if _original_factory is None:
        _original_factory = logging.Logger.makeRecord

        def make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
            return _make_safe(_original_factory(self, *args, **kwargs))

        logging.Logger.makeRecord = make_record  # type: ignore[method-assign]


def uninstall() -> None:
    """Undo :func:`install` (tests)."""
    global _original_factory
    if _original_factory is not None:
        logging.Logger.makeRecord = _original_factory  # type: ignore[method-assign]
        _original_factory = None
