"""Links that stay true: check every link of a content pack, and record the ones that pass.

A briefing points practitioners to procedures rather than copying them, so a moved or dead page
is a broken briefing. ``reflect links check`` (bot/content/cli.py) asks each page itself, with
its own redirect handling rather than urllib's, because *how* a page answers matters:

- 2xx passes, also after temporary redirects (302, 303, 307), unless a deep link ends on the
  site's home page (the page is gone and the site sends everyone home);
- 301 and 308 fail: the page has moved for good, so the pack should say where;
- 404 and 410 fail as not found, any other status as itself; no answer in time and connection
  or TLS errors fail with one line saying why.

Only links that pass get a new ``last_verified``, written into the YAML file in place (that
value and ``verified_from`` only), so an author's comments, order and layout survive. Links are
read from the raw YAML leniently, so drafts from ``reflect import`` can be checked too.

The walk over redirects (:func:`check_url`) is pure logic over a ``fetch`` function; the real
one (:class:`UrllibFetcher`) is a small urllib client that never follows a redirect itself.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import select
import socket
import ssl
import stat
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urljoin, urlsplit

import yaml

from bot.content.schema import Link, Pack

#: How many redirects a link may take before it fails.
MAX_HOPS = 5
#: How many links are checked at once (politely few: most share one or two sites).
WORKERS = 6
#: Who is asking, so a site's operator can tell (and a filter can let us through).
USER_AGENT = "Reflect-link-check/1 (checks the links of safeguarding briefings)"
#: What a passing link's ``verified_from`` says, with the status and date filled in.
VERIFIED_FROM = "reflect links check, HTTP {status}, {day}"

_TEMPORARY = frozenset({302, 303, 307})
_PERMANENT = frozenset({301, 308})
_GONE = frozenset({404, 410})
_HEAD_REFUSED = frozenset({405, 501})


# --- stale links (the portal, the bot, and `reflect packs validate`) -----------------------


def is_stale(link: Link, *, today: date, days: int) -> bool:
    """Whether a link was last checked more than ``days`` days before ``today``."""
    return (today - link.last_verified).days > days


def stale_links(pack: Pack, *, today: date, days: int) -> tuple[Link, ...]:
    """The pack's links last checked more than ``days`` days ago, oldest first."""
    found = [link for link in pack.links if is_stale(link, today=today, days=days)]
    return tuple(sorted(found, key=lambda link: link.last_verified))


# --- one link's answer ---------------------------------------------------------------------


class Verdict(str, Enum):
    """How a link answered; only PASSED updates ``last_verified``."""

    PASSED = "passed"
    MOVED = "moved"  # 301/308: moved for good
    HOME_PAGE = "home_page"  # a deep link sent (temporarily) to the site's home page
    NOT_FOUND = "not_found"  # 404/410
    HTTP_ERROR = "http_error"  # any other status
    TOO_MANY_REDIRECTS = "too_many_redirects"
    NO_LOCATION = "no_location"  # a redirect that does not say where to
    TIMEOUT = "timeout"
    CONNECTION = "connection"  # refused, unknown host, TLS, reset...
    NO_URL = "no_url"  # a draft's link without a url
    NOT_WEB = "not_web"  # the link, or a redirect, is not http(s): file://, ftp://, javascript:
    ERROR = "error"  # something unexpected broke while checking this link (the others go on)


@dataclass(frozen=True)
class Outcome:
    """What checking one URL found."""

    verdict: Verdict
    status: int | None = None
    """The last HTTP status seen (None when nothing answered)."""
    location: str | None = None
    """Where a permanent redirect points (MOVED), where the link ended (HOME_PAGE), or the
    non-web address it is or redirects to (NOT_WEB)."""
    reason: str = ""
    """One line on a connection or TLS failure."""
    redirects: tuple[int, ...] = ()
    """The statuses of the temporary redirects followed on the way."""

    @property
    def passed(self) -> bool:
        """Whether the link works as written."""
        return self.verdict is Verdict.PASSED


@dataclass(frozen=True)
class Answer:
    """One HTTP response, as much as the walk needs."""

    status: int
    location: str | None = None


class NoAnswer(Exception):
    """The request got no HTTP response: ``timed_out`` or a connection/TLS failure."""

    def __init__(self, reason: str, *, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


#: fetch(method, url, timeout_seconds) -> Answer; raises NoAnswer.
Fetch = Callable[[str, str, float], Answer]


#: The only schemes a link may use or be redirected to. Anything else is refused before a
#: request: urllib would happily open file:///etc/passwd on a redirect, and a redirect to
#: ftp:// or javascript: is no page a practitioner can read anyway.
WEB_SCHEMES = frozenset({"http", "https"})


def _scheme(url: str) -> str:
    return urlsplit(url).scheme.lower()


def _is_deep(url: str) -> bool:
    return urlsplit(url).path not in ("", "/")


def _redirect(answer: Answer, current: str) -> str | None:
    return None if not answer.location else urljoin(current, answer.location.strip())


def _final(answer: Answer, url: str, current: str, redirects: tuple[int, ...]) -> Outcome | None:
    """The verdict on an answer that is not a temporary redirect (None: it is one)."""
    status = answer.status
    if 200 <= status <= 299:
        if redirects and _is_deep(url) and not _is_deep(current):
            return Outcome(Verdict.HOME_PAGE, status, location=current, redirects=redirects)
        return Outcome(Verdict.PASSED, status, redirects=redirects)
    if status in _PERMANENT:
        target = _redirect(answer, current)
        if target is None:
            return Outcome(Verdict.NO_LOCATION, status, redirects=redirects)
        return Outcome(Verdict.MOVED, status, location=target, redirects=redirects)
    if status in _TEMPORARY:
        return None
    if status in _GONE:
        return Outcome(Verdict.NOT_FOUND, status, redirects=redirects)
    return Outcome(Verdict.HTTP_ERROR, status, redirects=redirects)


def check_url(
    url: str,
    *,
    fetch: Fetch,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Follow ``url`` as a careful browser would, and say whether the link still works.

    HEAD first (cheap), GET when a server refuses HEAD (405, 501); at most :data:`MAX_HOPS`
    redirects; ``timeout`` seconds in all for the link, however many requests it takes.
    """
    deadline = clock() + timeout
    method, current = "HEAD", url
    redirects: tuple[int, ...] = ()
    while True:
        if _scheme(current) not in WEB_SCHEMES:
            return Outcome(Verdict.NOT_WEB, location=current, redirects=redirects)
        remaining = deadline - clock()
        if remaining <= 0:
            return Outcome(Verdict.TIMEOUT, redirects=redirects)
        try:
            answer = fetch(method, current, remaining)
        except NoAnswer as failure:
            verdict = Verdict.TIMEOUT if failure.timed_out else Verdict.CONNECTION
            return Outcome(verdict, reason=failure.reason, redirects=redirects)
        if method == "HEAD" and answer.status in _HEAD_REFUSED:
            method = "GET"
            continue
        outcome = _final(answer, url, current, redirects)
        if outcome is not None:
            return outcome
        target = _redirect(answer, current)
        if target is None:
            return Outcome(Verdict.NO_LOCATION, answer.status, redirects=redirects)
        redirects = (*redirects, answer.status)
        if len(redirects) > MAX_HOPS:
            return Outcome(Verdict.TOO_MANY_REDIRECTS, answer.status, redirects=redirects)
        current = target


# --- the real HTTP client ------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back as an answer: check_url decides what a redirect means."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _no_answer(exc: BaseException) -> NoReturn:
    """Raise NoAnswer with one line on why nothing answered (never a traceback)."""
    cause: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(cause, (socket.timeout, TimeoutError)):
        raise NoAnswer("timed out", timed_out=True)
    if isinstance(cause, ssl.SSLCertVerificationError):
        raise NoAnswer(f"TLS certificate not accepted ({cause.verify_message})")
    if isinstance(cause, ssl.SSLError):
        raise NoAnswer(f"TLS error ({cause.reason or cause})")
    if isinstance(cause, socket.gaierror):
        raise NoAnswer("host name not found")
    if isinstance(cause, ConnectionRefusedError):
        raise NoAnswer("connection refused")
    if isinstance(cause, (ConnectionResetError, http.client.RemoteDisconnected)):
        raise NoAnswer("connection closed without an answer")
    text = str(cause).splitlines()[0] if str(cause) else ""
    raise NoAnswer(f"{type(cause).__name__}: {text}" if text else type(cause).__name__)


class _DeadlineSocket:
    """A socket whose every read and write must end by one deadline, however the peer paces it.

    A socket's own timeout applies to each read, so a server that sends the status line one
    byte a second keeps a 5 s check waiting for ever. Before each read or write this sets the
    socket's timeout to the time left, and raises ``TimeoutError`` once none is left: the
    check ends on time, in this thread, with nothing left running behind it.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.raw = sock
        self._deadline = deadline

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out")
        self.raw.settimeout(remaining)

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._arm()
        return self.raw.recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self._arm()
        return self.raw.recv(bufsize, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._arm()
        self.raw.sendall(data, flags)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        """What http.client reads the status line and headers from: reads through _arm."""
        return io.BufferedReader(socket.SocketIO(self, "rb"))  # type: ignore[arg-type]

    def _decref_socketios(self) -> None:
        """Called by SocketIO.close(); the socket itself is closed by its connection."""

    def settimeout(self, value: float | None) -> None:
        """Ignored: the deadline decides."""

    def __getattr__(self, name: str) -> Any:  # setsockopt, fileno, close...
        return getattr(self.raw, name)


def _handshake(tls: ssl.SSLSocket, deadline: float) -> None:
    """The TLS handshake, by the deadline (ssl's own would wait per read, like a plain socket)."""
    tls.setblocking(False)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out")
        try:
            tls.do_handshake()
            return
        except ssl.SSLWantReadError:
            select.select([tls], [], [], remaining)
        except ssl.SSLWantWriteError:
            select.select([], [tls], [], remaining)


def _deadline_connection(connection: http.client.HTTPConnection) -> float:
    """Give a new connection one deadline for everything it does; the deadline."""
    deadline = time.monotonic() + float(connection.timeout or 0)

    def connect(
        address: tuple[str, int], timeout: float, source: tuple[str, int] | None = None
    ) -> Any:
        sock = socket.create_connection(address, max(deadline - time.monotonic(), 0.001), source)
        return _DeadlineSocket(sock, deadline)

    connection._create_connection = connect  # type: ignore[attr-defined]
    return deadline


class _HTTPConnection(http.client.HTTPConnection):
    """http.client's connection with one deadline across connect, status line and headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _deadline_connection(self)


class _HTTPSConnection(http.client.HTTPSConnection):
    """The same for https: the TLS handshake is bounded by the deadline too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = _deadline_connection(self)

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)  # TCP (and a proxy's CONNECT), by the deadline
        plain: Any = self.sock
        host = self._tunnel_host or self.host  # type: ignore[attr-defined]
        tls = self._context.wrap_socket(  # type: ignore[attr-defined]
            plain.raw, server_hostname=host, do_handshake_on_connect=False
        )
        self.sock = _DeadlineSocket(tls, self._deadline)
        _handshake(tls, self._deadline)


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req)


#: What quote() leaves alone in a path, query or fragment: the reserved characters and %.
_KEEP = "/:@!$&'()*+,;=?#[]%~"


def ascii_url(url: str) -> str:
    """``url`` with non-ASCII letters in its path, query and fragment percent-encoded.

    http.client sends the request line as ASCII, so ``/über`` would fail the check with a
    codec error; a browser encodes it the same way. Reserved characters and existing %xx stay.
    """
    parts = urlsplit(url)
    return parts._replace(
        path=quote(parts.path, safe=_KEEP),
        query=quote(parts.query, safe=_KEEP),
        fragment=quote(parts.fragment, safe=_KEEP),
    ).geturl()


class UrllibFetcher:
    """HEAD or GET one URL with urllib, never following a redirect, never reading a body.

    Each request has one deadline (its ``timeout``) across connect, TLS, status line and
    headers, however slowly a server drips them; only http(s) addresses are opened.
    """

    def __init__(self, user_agent: str = USER_AGENT) -> None:
        self._opener = urllib.request.build_opener(
            _NoRedirects, _DeadlineHTTPHandler, _DeadlineHTTPSHandler
        )
        self._user_agent = user_agent

    def __call__(self, method: str, url: str, timeout: float) -> Answer:
        """One request; an HTTP error status is an answer too, no answer raises NoAnswer."""
        if _scheme(url) not in WEB_SCHEMES:
            raise NoAnswer(f"not a web address ({_scheme(url) or 'no scheme'})")
        request = urllib.request.Request(
            ascii_url(url), method=method, headers={"User-Agent": self._user_agent, "Accept": "*/*"}
        )
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return Answer(response.status, response.headers.get("Location"))
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            with error:
                return Answer(error.code, error.headers.get("Location"))
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            _no_answer(exc)
        except ValueError as exc:  # not a URL urllib can open
            raise NoAnswer(str(exc).splitlines()[0]) from None


# --- links as written in a pack file -------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Where a scalar value sits in the file's text (character offsets)."""

    start: int
    end: int


@dataclass(frozen=True)
class FileLink:
    """One entry of a pack's ``links:`` read leniently from the raw YAML, with its place."""

    file: Path
    pack_id: str
    index: int
    link_id: str
    url: str
    last_verified: date | None
    last_verified_at: Span | None
    verified_from_at: Span | None
    insert_at: int | None
    """Where a missing ``last_verified:``/``verified_from:`` line goes (None: flow style)."""
    indent: int
    unwritable: str = ""
    """Why a passing link's date cannot be written in place ("": it can)."""


def _scalar(node: yaml.Node | None) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else ""


def _pairs(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {_scalar(key): (key, value) for key, value in node.value}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip().strip("'\""))
    except ValueError:
        return None


def _span(pairs: dict[str, tuple[yaml.Node, yaml.Node]], key: str) -> Span | None:
    if key not in pairs:
        return None
    value = pairs[key][1]
    return Span(value.start_mark.index, value.end_mark.index)


#: Between a key and its own value: the colon and spaces (a value may start on the next line).
_KEY_TO_VALUE = re.compile(r"[ \t]*:\s*")


def _unwritable_value(text: str, pairs: dict[str, tuple[yaml.Node, yaml.Node]], key: str) -> str:
    """Why ``key``'s value cannot be replaced in place ("": it can, or the key is missing).

    A value that is an alias (``*day``) or carries an anchor (``&day 2026-01-01``) is shared
    with another place in the file: rewriting "it" would rewrite the anchor's line, dating some
    other link or breaking the file. So only a plain value written right after its own key is
    ever replaced.
    """
    if key not in pairs:
        return ""
    key_node, value = pairs[key]
    between = text[key_node.end_mark.index : value.start_mark.index]
    if text.startswith(("&", "*"), value.start_mark.index) or not _KEY_TO_VALUE.fullmatch(between):
        return f"{key} uses a YAML alias: set the date by hand"
    if not isinstance(value, yaml.ScalarNode):
        return f"{key} is not a single value: set the date by hand"
    return ""


def _insert_point(text: str, mapping: yaml.MappingNode, url_value: yaml.Node | None) -> int | None:
    """The start of the line after the url's (or after the mapping's first line)."""
    if mapping.flow_style:
        return None
    anchor = url_value if url_value is not None else mapping.value[0][1]
    end = anchor.end_mark
    if end.column == 0:
        return end.index
    newline = text.find("\n", end.index)
    return len(text) if newline < 0 else newline + 1


def _file_link(path: Path, text: str, pack_id: str, index: int, node: yaml.Node) -> FileLink:
    pairs = _pairs(node)
    url_value = pairs.get("url", (None, None))[1]
    first_key = node.value[0][0] if isinstance(node, yaml.MappingNode) and node.value else None
    return FileLink(
        file=path,
        pack_id=pack_id,
        index=index,
        link_id=_scalar(pairs.get("id", (None, None))[1]) or f"links[{index}]",
        url=_scalar(url_value).strip(),
        last_verified=_day(_scalar(pairs.get("last_verified", (None, None))[1])),
        last_verified_at=_span(pairs, "last_verified"),
        verified_from_at=_span(pairs, "verified_from"),
        insert_at=None
        if not isinstance(node, yaml.MappingNode) or not node.value
        else _insert_point(text, node, url_value),
        indent=0 if first_key is None else first_key.start_mark.column,
        unwritable=_unwritable_value(text, pairs, "last_verified")
        or _unwritable_value(text, pairs, "verified_from"),
    )


def read_text(path: Path) -> str:
    """A pack file's text exactly as stored (line endings kept, for editing in place)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def read_links(path: Path) -> list[FileLink]:
    """Every entry under ``links:`` in a pack file, however incomplete the pack is.

    Raises:
        yaml.YAMLError: the file is not YAML at all.
        OSError: it cannot be read.
    """
    return links_in(path, read_text(path))


def _links_node(root: yaml.Node | None) -> yaml.SequenceNode | None:
    links = (_pairs(root) if root is not None else {}).get("links", (None, None))[1]
    return links if isinstance(links, yaml.SequenceNode) else None


def _check_tags(root: yaml.Node | None) -> None:
    """Raise a YAML error at a tag the safe loader cannot build (``!!python/object``...).

    Composing never looks at tags, so without this such a file would read as "no links".
    """
    known = set(yaml.SafeLoader.yaml_constructors)
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in known:
            raise yaml.constructor.ConstructorError(
                None, None, f"unsupported YAML tag {node.tag!r}", node.start_mark
            )
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]


def links_in(path: Path, text: str) -> list[FileLink]:
    """The entries under ``links:`` in ``text`` (the contents of ``path``)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    _check_tags(root)
    pairs = _pairs(root) if root is not None else {}
    pack_id = _scalar(pairs.get("id", (None, None))[1]) or path.stem
    links = _links_node(root)
    if links is None:
        return []
    return [_file_link(path, text, pack_id, index, item) for index, item in enumerate(links.value)]


# --- writing the dates back ------------------------------------------------------------------


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _replace(text: str, span: Span, value: str) -> tuple[int, int, str]:
    """Replace a scalar with ``value``, keeping the whitespace at the end of its span.

    A block scalar's span ends after its trailing line breaks and blank lines; they stay.
    """
    segment = text[span.start : span.end]
    if not segment:  # an empty value (``last_verified:``): the date needs a space before it
        return span.start, span.end, " " + value
    return span.start, span.end, value + segment[len(segment.rstrip()) :]


def _edits(text: str, link: FileLink, day: date, status: int) -> list[tuple[int, int, str]]:
    newline = "\r\n" if "\r\n" in text else "\n"
    verified_from = _quoted(VERIFIED_FROM.format(status=status, day=day.isoformat()))
    edits: list[tuple[int, int, str]] = []
    missing: list[str] = []
    for key, span, value in (
        ("last_verified", link.last_verified_at, day.isoformat()),
        ("verified_from", link.verified_from_at, verified_from),
    ):
        if span is not None:
            edits.append(_replace(text, span, value))
        else:
            missing.append(f"{' ' * link.indent}{key}: {value}{newline}")
    if missing and link.insert_at is not None:
        edits.append((link.insert_at, link.insert_at, "".join(missing)))
    return edits


def record_verified(text: str, passed: Iterable[tuple[FileLink, int]], day: date) -> str:
    """``text`` with ``last_verified`` and ``verified_from`` of each passing link set to ``day``.

    Only those two values change; everything else, comments included, is kept byte for byte.
    ``passed`` pairs each link with the status it answered.
    """
    edits = [edit for link, status in passed for edit in _edits(text, link, day, status)]
    for start, end, value in sorted(edits, key=lambda edit: edit[0], reverse=True):
        text = text[:start] + value + text[end:]
    return text


_RECORDED_KEYS = frozenset({"last_verified", "verified_from"})


def _same(old: yaml.Node, new: yaml.Node, passing: set[int], seen: set[tuple[int, int]]) -> bool:
    """Whether two composed trees are equal, except the recorded keys of ``passing`` mappings.

    Each pair of nodes is compared once, so a file of aliases cannot make this slow.
    """
    if (id(old), id(new)) in seen:
        return True
    seen.add((id(old), id(new)))
    if type(old) is not type(new) or old.tag != new.tag:
        return False
    if isinstance(old, yaml.ScalarNode):
        return bool(old.value == new.value)
    if isinstance(old, yaml.SequenceNode):
        return len(old.value) == len(new.value) and all(
            _same(a, b, passing, seen) for a, b in zip(old.value, new.value, strict=True)
        )
    old_pairs, new_pairs = old.value, new.value
    if id(old) in passing:
        old_pairs = [pair for pair in old_pairs if _scalar(pair[0]) not in _RECORDED_KEYS]
        new_pairs = [pair for pair in new_pairs if _scalar(pair[0]) not in _RECORDED_KEYS]
    return len(old_pairs) == len(new_pairs) and all(
        _same(a[0], b[0], passing, seen) and _same(a[1], b[1], passing, seen)
        for a, b in zip(old_pairs, new_pairs, strict=True)
    )


def rewrite_is_safe(old: str, new: str, passed: Iterable[int], day: date) -> bool:
    """Whether ``new`` is ``old`` with only the passing links' dates changed, and parses.

    The safety net under :func:`record_verified`: whatever odd layout a file has, a rewrite
    that breaks the YAML, dates a link that did not pass or changes anything else is refused.
    """
    try:
        old_root = yaml.compose(old, Loader=yaml.SafeLoader)
        new_root = yaml.compose(new, Loader=yaml.SafeLoader)
        new_links = links_in(Path("pack.yml"), new)
    except yaml.YAMLError:
        return False
    old_items, new_items = _links_node(old_root), _links_node(new_root)
    if old_root is None or new_root is None or old_items is None or new_items is None:
        return False
    indexes = set(passed)
    passing = {id(old_items.value[index]) for index in indexes if index < len(old_items.value)}
    if not _same(old_root, new_root, passing, set()):
        return False
    return all(
        link.last_verified == day and link.verified_from_at is not None
        for link in new_links
        if link.index in indexes
    )


def can_record(link: FileLink) -> bool:
    """Whether a passing link's date can be written.

    A one-line ``{...}`` link without the keys cannot be given them in place.
    """
    if link.unwritable:
        return False
    has_both = link.last_verified_at is not None and link.verified_from_at is not None
    return has_both or link.insert_at is not None


# --- checking many links -----------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """One link and what checking it found."""

    link: FileLink
    outcome: Outcome
    recorded: bool = False
    """Whether its new date was written to the file."""

    @property
    def insecure(self) -> bool:
        """An http:// link: checked, but the loader refuses it (use https)."""
        return self.link.url.lower().startswith("http://")


def check_links(
    links: Sequence[FileLink],
    *,
    timeout: float,
    fetch: Fetch | None = None,
    workers: int = WORKERS,
) -> list[Checked]:
    """Check every link (each URL once, a few at a time), in the order given."""
    fetcher = fetch or UrllibFetcher()
    urls = list(dict.fromkeys(link.url for link in links if link.url))

    def one(url: str) -> Outcome:
        """One link's outcome; whatever breaks while checking it is that link's failure only."""
        try:
            return check_url(url, fetch=fetcher, timeout=timeout)
        except Exception as exc:  # one odd link must not stop the whole run
            first = str(exc).splitlines()[0] if str(exc) else ""
            reason = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
            return Outcome(Verdict.ERROR, reason=reason)

    outcomes: dict[str, Outcome] = {}
    if urls:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls)))) as pool:
            outcomes = dict(zip(urls, pool.map(one, urls), strict=True))
    return [Checked(link, outcomes.get(link.url, Outcome(Verdict.NO_URL))) for link in links]


def _write(path: Path, text: str) -> None:
    """Replace the file in one step (a half-written pack must never be read), keeping its mode.

    A symlinked pack is replaced at its target, so the link stays a link. The temporary file
    is new (``mkstemp``: O_EXCL, a random name), so a file or symlink already lying in wait
    under a guessable name is never written through.
    """
    real = path.resolve()
    mode = stat.S_IMODE(real.stat().st_mode)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{real.name}.", suffix=".links-check", dir=real.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_verified(results: Sequence[Checked], day: date) -> list[Checked]:
    """Record ``day`` for the links that passed, in their files; the results, marked if written.

    Each file is read again first and a link is written only if it is still where it was with
    the same url, so an edit made while the check ran is never overwritten.
    """
    recorded: set[tuple[Path, int]] = set()
    for path in dict.fromkeys(result.link.file for result in results):
        text = read_text(path)
        now = {link.index: link for link in links_in(path, text)}
        passed: list[tuple[FileLink, int]] = []
        for result in results:
            fresh = now.get(result.link.index)
            if (
                result.link.file == path
                and result.outcome.passed
                and fresh is not None
                and fresh.url == result.link.url
                and can_record(fresh)
            ):
                passed.append((fresh, result.outcome.status or 200))
                recorded.add((path, result.link.index))
        new = record_verified(text, passed, day) if passed else text
        if not passed or not rewrite_is_safe(text, new, (link.index for link, _ in passed), day):
            recorded -= {(path, link.index) for link, _ in passed}
            continue
        _write(path, new)
    return [
        replace(result, recorded=(result.link.file, result.link.index) in recorded)
        for result in results
    ]
