"""`reflect links check` against a real HTTP server on loopback, and the logic behind it.

The first test is the issue's "must show 4": a pack whose links answer 200, 301, 302 (to a page
and to the home page), 404, 410, 500, HEAD-refused-then-GET, and one that never answers. It
checks the report, the exit code, that only the links that work got a new ``last_verified``
(the rest of the file byte for byte, comments included) and that the file still loads.
Run it with ``-s`` to see the report.
"""

from __future__ import annotations

import argparse
import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from bot.content import cli
from bot.content.links import (
    MAX_HOPS,
    Answer,
    Checked,
    FileLink,
    NoAnswer,
    Outcome,
    UrllibFetcher,
    Verdict,
    ascii_url,
    check_links,
    check_url,
    is_stale,
    links_in,
    read_links,
    record_verified,
    rewrite_is_safe,
    stale_links,
    write_verified,
)
from bot.content.loader import collect_problems, load_pack_file
from bot.content.schema import Pack
from bot.settings.config import DEFAULT_PACK_DIR
from tests.settings import make_settings

#: --timeout for the run: the hanging page is given this long.
TIMEOUT = 1.0
#: How long the hanging page would keep the connection without a word (well past TIMEOUT).
HANG_SECONDS = 5.0
#: The date every link says it was checked on before the run.
BEFORE = "2025-01-15"


# --- a small web site on 127.0.0.1 ------------------------------------------------------


# path -> (status, Location) for HEAD and GET; "/no-head" refuses HEAD; "/hangs" never answers.
ROUTES: dict[str, tuple[int, str | None]] = {
    "/": (200, None),
    "/procedures/manual": (200, None),
    "/old-procedure": (301, "/procedures/new-procedure"),
    "/procedures/new-procedure": (200, None),
    "/training": (302, "/training/2026"),
    "/training/2026": (200, None),
    "/reviews/child-y": (302, "/"),
    "/contact/old-team": (404, None),
    "/withdrawn-guidance": (410, None),
    "/broken": (500, None),
    "/no-head": (200, None),
}


class Site(BaseHTTPRequestHandler):
    """Answers from ROUTES; logs nothing."""

    release: threading.Event

    def _answer(self, head: bool) -> None:
        if self.path == "/hangs":
            self.release.wait(HANG_SECONDS)  # accept, then say nothing at all
            return
        if head and self.path == "/no-head":
            status, location = 405, None
        else:
            status, location = ROUTES.get(self.path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def site() -> Iterator[str]:
    """The site's base URL (a random free port); stopped, hanging request released, after."""
    release = threading.Event()
    handler = type("SiteHandler", (Site,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# --- the pack ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One link of the pack: where it points and what the report must say."""

    link_id: str
    path: str
    result: str
    passes: bool


CASES = [
    Case("manual", "/procedures/manual", "ok (HTTP 200)", True),
    Case(
        "moved-procedure",
        "/old-procedure",
        "moved permanently to {base}/procedures/new-procedure",
        False,
    ),
    Case("training", "/training", "ok (HTTP 200 after 302)", True),
    Case("child-y-review", "/reviews/child-y", "moved: redirected to the home page", False),
    Case("old-team", "/contact/old-team", "not found (HTTP 404)", False),
    Case("withdrawn", "/withdrawn-guidance", "not found (HTTP 410)", False),
    Case("broken", "/broken", "HTTP 500", False),
    Case("no-head", "/no-head", "ok (HTTP 200)", True),
    Case("hangs", "/hangs", "no answer within 1 s", False),
]

HEAD = """\
# A pack for the link checker's test: every link points at the test's own web site.
schema_version: 1
id: links-demo
version: "1.0.0"
title: Links demo briefing
short_title: Links demo
partnership: Northmoor Safeguarding Children Partnership
partnership_short: NSCP
source: Written for the test.
published: "2026"
last_verified: 2026-11-27
review_by: 2027-05-31
about:
  case_summary: A fictional review.
key_learning:
  - id: information-sharing
    number: 1
    title: Information sharing
    summary: Share early.
    links: [manual, training]
recommendations:
  items: []
action_taken:
  items: []
discussion:
  invitation: Discuss in your team.
  points:
    - id: sharing
      number: 1
      question: How do you share information?
      learning: [information-sharing]
      links: [manual]
urgent_help:
  contacts:
    - label: Police
      detail: "999"
      when: A child is in immediate danger.
  note: Tell your safeguarding lead.

links:
"""

LINK = """\
  # {link_id}: {path}
  - id: {link_id}
    title: "{link_id} page"
    url: {base}{path}
    kind: procedure
    last_verified: {last_verified}  # the date this link last worked
    verified_from: {verified_from}
"""


def pack_text(base: str, verified: dict[str, tuple[str, str]], cases: list[Case] = CASES) -> str:
    """The pack file; ``verified`` gives (last_verified, verified_from) as written, per link."""
    default = (BEFORE, "checked by hand")
    return HEAD + "".join(
        LINK.format(
            link_id=case.link_id,
            path=case.path,
            base=base,
            last_verified=verified.get(case.link_id, default)[0],
            verified_from=verified.get(case.link_id, default)[1],
        )
        for case in cases
    )


def _run(files: list[Path], *, dry_run: bool = False) -> tuple[int, str]:
    args = argparse.Namespace(command="links", files=files, timeout=TIMEOUT, dry_run=dry_run)
    out = io.StringIO()
    code = cli.run(make_settings(), out, args, today=date.today())
    return code, out.getvalue()


def _rows(report: str) -> dict[str, str]:
    """The report's table as {link id: the rest of its row}."""
    return {line.split()[1]: line for line in report.splitlines() if line.startswith("links-demo ")}


# --- the must-show --------------------------------------------------------------------------


def test_links_check_reports_each_kind_of_answer_and_renews_only_links_that_work(
    site: str, tmp_path: Path
) -> None:
    path = tmp_path / "links-demo.yml"
    before = pack_text(site, {})
    path.write_text(before, encoding="utf-8")
    today = date.today().isoformat()

    code, report = _run([path])
    print(f"\n$ reflect links check links-demo.yml --timeout {TIMEOUT:g}\n{report}")

    # The exit code says some failed, and the report says which and why.
    assert code == 1, report
    rows = _rows(report)
    assert set(rows) == {case.link_id for case in CASES}, report
    for case in CASES:
        assert case.result.format(base=site) in rows[case.link_id], rows[case.link_id]
    assert "ok (HTTP" not in "".join(rows[c.link_id] for c in CASES if not c.passes)
    assert "moved permanently" in rows["moved-procedure"] and "update the url" in report
    assert "3 of 9 links work; last_verified set to " + today + " for 3." in report
    assert "6 failed: fix them in the pack" in report
    assert "3 work over http:// only: use https://" in report  # the site is plain http

    # Only the links that work got a new date; everything else is the same, byte for byte.
    renewed = f'"reflect links check, HTTP 200, {today}"'
    expected = pack_text(site, {case.link_id: (today, renewed) for case in CASES if case.passes})
    assert path.read_text(encoding="utf-8") == expected

    # The file still loads: the only problems are the test site's http:// addresses.
    _, problems = collect_problems(yaml.safe_load(expected), file=path.name)
    assert {problem.problem.split(",")[0] for problem in problems} == {
        "must be an https:// address"
    }
    links = {link.link_id: link for link in read_links(path)}
    assert links["manual"].last_verified == date.today()
    assert links["old-team"].last_verified == date.fromisoformat(BEFORE)


def test_a_dry_run_checks_but_changes_nothing(site: str, tmp_path: Path) -> None:
    path = tmp_path / "links-demo.yml"
    path.write_text(pack_text(site, {}), encoding="utf-8")
    before = path.read_bytes()

    code, report = _run([path], dry_run=True)

    assert code == 1
    assert "would set last_verified to" in _rows(report)["manual"]
    assert "(dry run: no file changed)" in report
    assert path.read_bytes() == before


def test_when_every_link_works_the_exit_code_is_0(site: str, tmp_path: Path) -> None:
    path = tmp_path / "links-demo.yml"
    path.write_text(pack_text(site, {}, [case for case in CASES if case.passes]), "utf-8")

    code, report = _run([path])

    assert code == 0, report
    assert "3 of 3 links work" in report and "failed" not in report


# --- usage errors ---------------------------------------------------------------------------


def test_a_missing_file_or_a_bad_timeout_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run([tmp_path / "nowhere.yml"])
    assert code == 2
    assert "reflect: no such file:" in capsys.readouterr().err

    path = tmp_path / "x.yml"
    path.write_text("links: []\n", encoding="utf-8")
    args = argparse.Namespace(command="links", files=[path], timeout=0.0, dry_run=False)
    assert cli.run(make_settings(), io.StringIO(), args) == 2
    assert "--timeout must be" in capsys.readouterr().err


def test_a_file_that_is_not_yaml_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "draft.yml"
    path.write_text("links:\n  - id: [unclosed\n", encoding="utf-8")

    code, _ = _run([path])

    assert code == 2
    assert "draft.yml is not valid YAML at line 3" in capsys.readouterr().err


# --- the walk over redirects, without a network -------------------------------------------


class FakeSite:
    """fetch() over a dict of url -> Answer (or an exception), recording the requests."""

    def __init__(self, answers: dict[str, Answer | NoAnswer]) -> None:
        self.answers = answers
        self.requests: list[tuple[str, str]] = []

    def __call__(self, method: str, url: str, timeout: float) -> Answer:
        self.requests.append((method, url))
        answer = (
            self.answers[f"{method} {url}"]
            if f"{method} {url}" in self.answers
            else self.answers[url]
        )
        if isinstance(answer, NoAnswer):
            raise answer
        return answer


def _check(answers: dict[str, Answer | NoAnswer], url: str = "https://a.example/page") -> Outcome:
    return check_url(url, fetch=FakeSite(answers), timeout=10)


def test_relative_redirects_are_followed_from_where_they_were_given() -> None:
    outcome = _check(
        {
            "https://a.example/page": Answer(307, "next"),
            "https://a.example/next": Answer(303, "//b.example/final"),
            "https://b.example/final": Answer(204),
        }
    )

    assert outcome == Outcome(Verdict.PASSED, 204, redirects=(307, 303))


def test_a_308_is_moved_for_good() -> None:
    outcome = _check({"https://a.example/page": Answer(308, "https://a.example/page/")})

    assert outcome.verdict is Verdict.MOVED and outcome.location == "https://a.example/page/"


def test_a_permanent_redirect_after_a_temporary_one_is_still_moved() -> None:
    outcome = _check(
        {
            "https://a.example/page": Answer(302, "/tmp"),
            "https://a.example/tmp": Answer(301, "/new"),
        }
    )

    assert outcome == Outcome(
        Verdict.MOVED, 301, location="https://a.example/new", redirects=(302,)
    )


def test_a_link_to_the_home_page_may_be_redirected_there() -> None:
    bare = {
        "https://a.example": Answer(302, "https://a.example/"),
        "https://a.example/": Answer(200),
    }
    home = {"https://a.example/": Answer(302, "/welcome"), "https://a.example/welcome": Answer(200)}

    assert _check(bare, url="https://a.example").passed
    assert _check(home, url="https://a.example/").passed


def test_more_than_five_redirects_fail() -> None:
    loop = {f"https://a.example/{n}": Answer(302, f"/{n + 1}") for n in range(10)}

    outcome = _check(loop, url="https://a.example/0")

    assert outcome.verdict is Verdict.TOO_MANY_REDIRECTS
    assert len(outcome.redirects) == MAX_HOPS + 1


def test_a_redirect_without_a_location_fails() -> None:
    assert _check({"https://a.example/page": Answer(302)}).verdict is Verdict.NO_LOCATION
    assert _check({"https://a.example/page": Answer(301)}).verdict is Verdict.NO_LOCATION


def test_head_refused_is_asked_again_with_get_and_get_is_kept() -> None:
    fake = FakeSite(
        {
            "HEAD https://a.example/page": Answer(501),
            "GET https://a.example/page": Answer(302, "/there"),
            "GET https://a.example/there": Answer(200),
        }
    )

    assert check_url("https://a.example/page", fetch=fake, timeout=10).passed
    assert fake.requests == [
        ("HEAD", "https://a.example/page"),
        ("GET", "https://a.example/page"),
        ("GET", "https://a.example/there"),
    ]


def test_connection_failures_and_timeouts_say_why() -> None:
    refused = _check({"https://a.example/page": NoAnswer("connection refused")})
    slow = _check({"https://a.example/page": NoAnswer("timed out", timed_out=True)})

    assert refused == Outcome(Verdict.CONNECTION, reason="connection refused")
    assert slow.verdict is Verdict.TIMEOUT


def test_the_timeout_bounds_the_whole_link_not_each_request() -> None:
    now = [0.0]
    given: list[float] = []

    def slow_fetch(method: str, url: str, timeout: float) -> Answer:
        given.append(timeout)
        now[0] += 4.0  # every hop takes 4 s
        return Answer(302, "/again")

    outcome = check_url(
        "https://a.example/page", fetch=slow_fetch, timeout=10, clock=lambda: now[0]
    )

    assert outcome.verdict is Verdict.TIMEOUT
    assert given == [10.0, 6.0, 2.0]


# --- writing the date back in place ---------------------------------------------------------


def _links(text: str) -> list[FileLink]:
    return links_in(Path("p.yml"), text)


DAY = date(2026, 12, 7)
RENEWED = '"reflect links check, HTTP 200, 2026-12-07"'


def test_a_block_verified_from_is_replaced_and_what_follows_kept() -> None:
    text = (
        "links:\n"
        "  - id: a\n"
        "    url: https://a.example/\n"
        "    last_verified: 2025-01-01\n"
        "    verified_from: >-\n"
        "      a stored copy,\n"
        "      late 2025\n"
        "\n"
        "    # the kind decides the menu\n"
        "    kind: site\n"
    )

    assert record_verified(text, [(_links(text)[0], 200)], DAY) == (
        "links:\n"
        "  - id: a\n"
        "    url: https://a.example/\n"
        "    last_verified: 2026-12-07\n"
        f"    verified_from: {RENEWED}\n"
        "\n"
        "    # the kind decides the menu\n"
        "    kind: site\n"
    )


def test_missing_dates_are_added_under_the_url_and_windows_line_ends_kept() -> None:
    text = "links:\r\n  - id: a\r\n    url: https://a.example/\r\n    kind: site\r\n"

    assert record_verified(text, [(_links(text)[0], 204)], DAY) == (
        "links:\r\n  - id: a\r\n    url: https://a.example/\r\n"
        "    last_verified: 2026-12-07\r\n"
        '    verified_from: "reflect links check, HTTP 204, 2026-12-07"\r\n'
        "    kind: site\r\n"
    )


def test_a_one_line_link_is_edited_in_place_but_not_given_new_keys() -> None:
    text = (
        "links:\n"
        "  - {id: a, url: 'https://a.example/', last_verified: 2025-01-01, verified_from: x}\n"
        "  - {id: b, url: 'https://b.example/'}\n"
    )
    first, second = _links(text)

    assert record_verified(text, [(first, 200), (second, 200)], DAY) == (
        "links:\n"
        f"  - {{id: a, url: 'https://a.example/', last_verified: 2026-12-07, verified_from: "
        f"{RENEWED}}}\n"
        "  - {id: b, url: 'https://b.example/'}\n"
    )
    assert yaml.safe_load(record_verified(text, [(first, 200)], DAY))["links"][0] == {
        "id": "a",
        "url": "https://a.example/",
        "last_verified": DAY,
        "verified_from": "reflect links check, HTTP 200, 2026-12-07",
    }


def test_links_are_read_leniently_from_a_draft() -> None:
    text = "id: draft\nlinks:\n  - id: a\n  - url: https://b.example/\n  - just text\n"

    links = _links(text)

    assert [(link.pack_id, link.link_id, link.url) for link in links] == [
        ("draft", "a", ""),
        ("draft", "links[1]", "https://b.example/"),
        ("draft", "links[2]", ""),
    ]


# --- stale links ----------------------------------------------------------------------------


def test_stale_links_are_those_checked_more_than_n_days_ago(pack: Pack) -> None:
    checked = pack.links[0].last_verified

    assert stale_links(pack, today=checked + timedelta(days=180), days=180) == ()
    assert stale_links(pack, today=checked + timedelta(days=181), days=180) == pack.links
    assert is_stale(pack.links[0], today=checked + timedelta(days=181), days=180)


def test_stale_links_come_oldest_first(pack: Pack) -> None:
    older = replace(pack.links[2], last_verified=date(2020, 1, 1))
    mixed = replace(pack, links=(pack.links[0], older))

    assert stale_links(mixed, today=date(2027, 12, 1), days=180) == (older, pack.links[0])


def _without_dates(data: dict[str, Any]) -> dict[str, Any]:
    for link in data["links"]:
        del link["last_verified"], link["verified_from"]
    return data


def test_the_real_pack_still_loads_after_a_check_renews_it(tmp_path: Path) -> None:
    source = DEFAULT_PACK_DIR / "esscp-child-z.yml"
    text = source.read_text(encoding="utf-8")
    links = links_in(source, text)

    renewed = record_verified(text, [(link, 200) for link in links], DAY)

    path = tmp_path / "esscp-child-z.yml"
    path.write_text(renewed, encoding="utf-8")
    pack = load_pack_file(path)
    assert {link.last_verified for link in pack.links} == {DAY}
    assert {link.verified_from for link in pack.links} == {RENEWED.strip('"')}
    assert _without_dates(yaml.safe_load(renewed)) == _without_dates(yaml.safe_load(text))
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in renewed.splitlines() for line in comments)


# --- hostile answers: odd schemes, dripping servers, unexpected errors ----------------------


class Hostile(BaseHTTPRequestHandler):
    """Redirects to file://, ftp:// and javascript:, or drips its answer a byte at a time."""

    release: threading.Event
    REDIRECTS: ClassVar[dict[str, str]] = {
        "/to-file": "file:///etc/passwd",
        "/to-ftp": "ftp://127.0.0.1/x",
        "/to-script": "javascript:alert(1)",
    }

    def _answer(self) -> None:
        if self.path == "/drip":
            # The status line and headers, one byte every 0.2 s: each read gets a byte well
            # within any per-read timeout, so only a deadline for the whole answer ends it.
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Slow: yes\r\n\r\n":
                if self.release.wait(0.2):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        self.send_response(302)
        self.send_header("Location", self.REDIRECTS[self.path])
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def hostile() -> Iterator[str]:
    """The hostile site's base URL; stopped, and any drip released, after."""
    release = threading.Event()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), type("HostileHandler", (Hostile,), {"release": release})
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_redirect_to_a_file_or_any_other_non_web_address_is_a_failed_link(
    hostile: str, tmp_path: Path
) -> None:
    cases = [
        Case("to-file", "/to-file", "redirects to a file:// address", False),
        Case("to-ftp", "/to-ftp", "redirects to a ftp:// address", False),
        Case("to-script", "/to-script", "redirects to a javascript: address", False),
    ]
    path = tmp_path / "links-demo.yml"
    path.write_text(pack_text(hostile, {}, cases), encoding="utf-8")
    before = path.read_bytes()

    code, report = _run([path])

    assert code == 1, report
    rows = _rows(report)
    for case in cases:
        assert case.result in rows[case.link_id] and "update the url" in rows[case.link_id]
    assert path.read_bytes() == before


def test_a_link_that_is_not_a_web_address_is_never_opened() -> None:
    opened: list[str] = []

    def fetch(method: str, url: str, timeout: float) -> Answer:
        opened.append(url)
        return Answer(200)

    outcome = check_url("file:///etc/passwd", fetch=fetch, timeout=10)

    assert outcome.verdict is Verdict.NOT_WEB and outcome.location == "file:///etc/passwd"
    assert opened == []
    with pytest.raises(NoAnswer, match="not a web address"):
        UrllibFetcher()("HEAD", "file:///etc/passwd", 1.0)


def test_one_links_unexpected_error_is_that_links_failure_and_the_others_are_checked() -> None:
    def fetch(method: str, url: str, timeout: float) -> Answer:
        if "odd" in url:
            raise RuntimeError("something nobody foresaw\nsecond line")
        return Answer(200)

    links = _links(
        "links:\n  - id: odd\n    url: https://a.example/odd\n"
        "  - id: fine\n    url: https://a.example/fine\n"
    )

    odd, fine = check_links(links, timeout=5, fetch=fetch)

    assert odd.outcome == Outcome(Verdict.ERROR, reason="RuntimeError: something nobody foresaw")
    assert fine.outcome.passed


def test_a_server_dripping_its_answer_is_given_the_timeout_for_the_whole_answer(
    hostile: str, tmp_path: Path
) -> None:
    path = tmp_path / "links-demo.yml"
    path.write_text(pack_text(hostile, {}, [Case("drip", "/drip", "", False)]), encoding="utf-8")
    started = time.monotonic()

    code, report = _run([path])

    assert time.monotonic() - started < 3, report
    assert code == 1
    assert "no answer within 1 s" in _rows(report)["drip"]


# --- rewrites that would break the file or date the wrong link (attack findings) -----------


def _write_all(tmp_path: Path, text: str) -> tuple[Path, list[Any]]:
    """Write ``text`` as a pack, let every link pass, record; (path, results)."""
    path = tmp_path / "pack.yml"
    path.write_text(text, encoding="utf-8")
    results = [Checked(link, Outcome(Verdict.PASSED, 200)) for link in read_links(path)]
    return path, write_verified(results, DAY)


ALIASED = """\
id: demo
published: &pv 2026-01-01
links:
  - id: a
    url: https://example.org/a
    last_verified: *pv
    verified_from: x
  - id: b
    url: https://example.org/b
    last_verified: &d 2026-01-01
    verified_from: x
  - id: c
    url: https://example.org/c
    last_verified: *d
    verified_from: x
"""


def test_a_date_that_is_an_alias_or_carries_an_anchor_is_never_rewritten(tmp_path: Path) -> None:
    path, results = _write_all(tmp_path, ALIASED)
    assert path.read_text(encoding="utf-8") == ALIASED  # nothing else changed either
    assert [result.recorded for result in results] == [False, False, False]
    assert results[0].link.unwritable == "last_verified uses a YAML alias: set the date by hand"
    assert results[1].link.unwritable.startswith("last_verified uses a YAML alias")


@pytest.mark.parametrize("empty", ["last_verified: # fill in", "last_verified:"])
def test_an_empty_date_is_written_with_a_space_and_stays_yaml(tmp_path: Path, empty: str) -> None:
    text = f"id: demo\nlinks:\n  - id: a\n    url: https://example.org/a\n    {empty}\n"
    text += "    verified_from:\n"
    path, results = _write_all(tmp_path, text)
    assert results[0].recorded
    link = yaml.safe_load(path.read_text(encoding="utf-8"))["links"][0]
    assert link["last_verified"] == DAY
    assert link["verified_from"].startswith("reflect links check")


def test_a_rewrite_that_changes_anything_else_is_refused() -> None:
    old = (
        "links:\n  - id: a\n    last_verified: 2026-01-01\n    verified_from: x\n"
        "  - id: b\n    last_verified: x\n"
    )
    good = old.replace("2026-01-01", DAY.isoformat())
    assert rewrite_is_safe(old, good, [0], DAY)
    assert not rewrite_is_safe(old, good.replace("id: b", "id: c"), [0], DAY)  # other text
    other = good.replace("last_verified: x", f"last_verified: {DAY}")  # dates a failed link
    assert not rewrite_is_safe(old, other, [0], DAY)
    assert not rewrite_is_safe(old, good + "  - [", [0], DAY)  # no longer YAML
    assert not rewrite_is_safe(old, old, [0], DAY)  # the passing link was not dated


def test_a_symlinked_pack_is_written_at_its_target_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "pack.yml"
    target.write_text(ALIASED.replace("*pv", "2025-01-01"), encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "pack.yml"
    link.symlink_to(target)
    results = [Checked(item, Outcome(Verdict.PASSED, 200)) for item in read_links(link)]
    assert write_verified(results, DAY)[0].recorded
    assert link.is_symlink()
    assert read_links(target)[0].last_verified == DAY
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in real.iterdir()) == ["pack.yml"]  # no temporary left


def test_the_temporary_file_never_follows_a_symlink_lying_in_wait(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / ".pack.yml.links-check").symlink_to(victim)
    _write_all(tmp_path, ALIASED.replace("*pv", "2025-01-01"))
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_non_ascii_letters_in_a_path_are_percent_encoded_and_reserved_ones_kept() -> None:
    assert ascii_url("https://example.org/über/a%20b?q=ü&x=1#é") == (
        "https://example.org/%C3%BCber/a%20b?q=%C3%BC&x=1#%C3%A9"
    )


def test_control_characters_in_a_url_are_shown_escaped() -> None:
    out = io.StringIO()
    cli._table([("url",), ("https://example.org/\x1b[2Jx\n",)], out)
    assert "\x1b" not in out.getvalue() and "\\x1b[2Jx\\n" in out.getvalue()
