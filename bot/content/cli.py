"""`reflect packs validate` and `reflect links check`: content packs for the people who keep them.

``reflect packs validate [FILE...]`` prints every problem of each pack with a fix, exit 0 when
there is no error (warnings are printed but do not fail), 2 otherwise.

``reflect links check [FILE...] [--timeout SECONDS] [--dry-run]`` asks every link of every pack
whether it still works, writes today's date into ``last_verified`` of each link that does (in
place: nothing else in the file changes) and lists the rest with what to do; exit 0 when all
work, 1 when some failed, 2 on a usage error. Both read every ``*.yml`` in CONTENT_DIR when no
file is named.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import yaml

from bot.content.links import (
    MAX_HOPS,
    Checked,
    FileLink,
    Outcome,
    Verdict,
    check_links,
    read_links,
    write_verified,
)
from bot.content.validate import FileReport, validate_files
from bot.settings.config import Settings

#: The top-level commands this module adds to `reflect`.
COMMANDS = ("packs", "links")
#: The longest url the links table shows in full (the rest is shortened in the middle).
URL_WIDTH = 60
#: The longest --timeout accepted, in seconds.
MAX_TIMEOUT = 300.0


class UsageError(Exception):
    """Bad arguments or files: one line on stderr, exit 2."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `packs validate` and `links check` to the `reflect` command line."""
    packs = commands.add_parser("packs", help="content packs: check them before use")
    packs_sub = packs.add_subparsers(dest="packs_command", required=True)
    validate = packs_sub.add_parser(
        "validate", help="report every problem of each pack, with a fix (exit 2 if any)"
    )
    validate.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="pack files (default: CONTENT_DIR)"
    )
    links = commands.add_parser("links", help="the links in content packs")
    links_sub = links.add_subparsers(dest="links_command", required=True)
    check = links_sub.add_parser(
        "check", help="check every link; renew last_verified of those that work"
    )
    check.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="pack files (default: CONTENT_DIR)"
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds per link (default: LINK_CHECK_TIMEOUT_SECONDS)",
    )
    check.add_argument(
        "--dry-run", action="store_true", help="check and report, but change no file"
    )


def run(
    settings: Settings, out: TextIO, args: argparse.Namespace, *, today: date | None = None
) -> int:
    """Run `packs validate` or `links check`; usage errors are one line on stderr, exit 2."""
    day = today or date.today()
    try:
        files = _files(settings, args.files)
        if args.command == "packs":
            return validate_command(settings, out, files, today=day)
        return links_command(settings, out, files, args, today=day)
    except UsageError as exc:
        print(f"reflect: {exc}", file=sys.stderr)
        return 2


def _files(settings: Settings, named: Sequence[Path]) -> list[Path]:
    if named:
        folders = [str(path) for path in named if path.is_dir()]
        if folders:
            raise UsageError(f"{', '.join(folders)} is a folder: name the pack files")
        missing = [str(path) for path in named if not path.is_file()]
        if missing:
            raise UsageError(f"no such file: {', '.join(missing)}")
        return list(named)
    found = sorted(settings.content_dir.glob("*.yml"))
    if not found:
        raise UsageError(f"no content packs (*.yml) in {settings.content_dir}")
    return found


# --- packs validate --------------------------------------------------------------------------


def _summary(report: FileReport) -> str:
    if report.pack is None or report.errors:
        count = len(report.errors)
        return f"{report.file}: not valid, {count} problem{'s' if count != 1 else ''}"
    pack = report.pack
    return (
        f"{report.file}: valid ({len(pack.key_learning)} learning points, "
        f"{len(pack.discussion_points)} discussion points, {len(pack.links)} links)"
    )


def validate_command(settings: Settings, out: TextIO, files: Sequence[Path], *, today: date) -> int:
    """Print every finding of every file, then a line per file; exit 2 if any is invalid."""
    reports = validate_files(files, today=today, stale_days=settings.link_stale_days)
    for report in reports:
        for finding in (*report.errors, *report.warnings):
            print(finding.line(), file=out)
        print(_summary(report), file=out)
    invalid = [report for report in reports if not report.valid]
    if len(reports) > 1:
        print(
            f"{len(reports)} packs: {len(reports) - len(invalid)} valid, {len(invalid)} not.",
            file=out,
        )
    return 2 if invalid else 0


# --- links check -----------------------------------------------------------------------------


def _read_all(files: Sequence[Path]) -> list[FileLink]:
    links: list[FileLink] = []
    for path in files:
        try:
            links += read_links(path)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = "" if mark is None else f" at line {mark.line + 1}, column {mark.column + 1}"
            raise UsageError(
                f"{path.name} is not valid YAML{where}: see `reflect packs validate {path}`"
            ) from None
        except UnicodeDecodeError:
            raise UsageError(f"{path.name}: not UTF-8 text: save it as UTF-8") from None
        except OSError as exc:
            raise UsageError(f"{path.name} cannot be read: {exc.strerror}") from None
    return links


def _result(outcome: Outcome, timeout: float) -> tuple[str, str]:
    """(result, fix) for a link that did not pass."""
    status = outcome.status
    results = {
        Verdict.MOVED: (f"moved permanently to {outcome.location}", "update the url"),
        Verdict.HOME_PAGE: (
            "moved: redirected to the home page",
            "find the page's new address and update the url, or remove the link",
        ),
        Verdict.NOT_FOUND: (
            f"not found (HTTP {status})",
            "find the page's new address, or remove the link",
        ),
        Verdict.HTTP_ERROR: (
            f"HTTP {status}",
            "try again later; if it persists, replace the link",
        ),
        Verdict.TOO_MANY_REDIRECTS: (
            f"more than {MAX_HOPS} redirects",
            "open it in a browser and use the address it ends at",
        ),
        Verdict.NO_LOCATION: (
            f"a redirect (HTTP {status}) that does not say where to",
            "open it in a browser and use the address it ends at",
        ),
        Verdict.TIMEOUT: (
            f"no answer within {timeout:g} s",
            "try again later, or with a longer --timeout",
        ),
        Verdict.CONNECTION: (
            f"no connection: {outcome.reason}",
            "check the address (host name, https) and that the site is up",
        ),
        Verdict.NO_URL: ("no url", "add the page's https:// address as `url:`"),
        Verdict.NOT_WEB: _not_web(outcome),
        Verdict.ERROR: (
            f"could not be checked: {outcome.reason}",
            "open it in a browser; if it works, check it again later",
        ),
    }
    return results.get(outcome.verdict, (outcome.verdict.value, ""))


def _not_web(outcome: Outcome) -> tuple[str, str]:
    """A link that is, or redirects to, an address that is not a web page (file://, ftp://)."""
    location = outcome.location or ""
    scheme = urlsplit(location).scheme.lower()
    separator = "://" if location.lower().startswith(f"{scheme}://") else ":"
    shown = f"a {scheme}{separator} address" if scheme else "an address without https://"
    if outcome.redirects:
        return f"redirects to {shown}", "update the url"
    return f"not a web address ({shown})", "use the page's https:// address"


def _passed(result: Checked, *, today: date, dry_run: bool) -> tuple[str, str]:
    via = "".join(f" after {status}" for status in result.outcome.redirects)
    done = f"ok (HTTP {result.outcome.status}{via})"
    if dry_run:
        note = f"would set last_verified to {today.isoformat()}"
    elif result.recorded:
        note = f"last_verified set to {today.isoformat()}"
    else:
        note = result.link.unwritable or "the date could not be written: set last_verified by hand"
    if result.insecure:
        return f"{done}, warning: use https", f"{note}; change the url to https://"
    return done, note


def _short(url: str) -> str:
    if len(url) <= URL_WIDTH:
        return url
    half = (URL_WIDTH - 3) // 2
    return f"{url[:half]}...{url[-half:]}"


def _printable(text: str) -> str:
    """``text`` with control characters escaped (as repr writes them): no terminal acts on them."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    rows = [[_printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)
        if index == 0:
            print("  ".join("-" * width for width in widths), file=out)


def _timeout(settings: Settings, given: float | None) -> float:
    if given is None:
        return float(settings.link_check_timeout_seconds)
    if not 0 < given <= MAX_TIMEOUT:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds")
    return given


def links_command(
    settings: Settings,
    out: TextIO,
    files: Sequence[Path],
    args: argparse.Namespace,
    *,
    today: date,
) -> int:
    """Check every link; record the ones that work; table of all; exit 1 if any failed."""
    timeout = _timeout(settings, args.timeout)
    links = _read_all(files)
    if not links:
        print("No links to check.", file=out)
        return 0
    packs = len({link.file for link in links})
    print(
        f"Checking {len(links)} links in {packs} pack{'s' if packs != 1 else ''} "
        f"(at most {timeout:g} s each)...",
        file=out,
    )
    results = check_links(links, timeout=timeout)
    if not args.dry_run:
        results = write_verified(results, today)
    rows = [("pack", "link", "url", "result", "fix")]
    for result in results:
        if result.outcome.passed:
            outcome, fix = _passed(result, today=today, dry_run=args.dry_run)
        else:
            outcome, fix = _result(result.outcome, timeout)
        rows.append(
            (result.link.pack_id, result.link.link_id, _short(result.link.url), outcome, fix)
        )
    print(file=out)
    _table(rows, out)
    return _verdict(results, out, today=today, dry_run=args.dry_run)


def _verdict(results: Sequence[Checked], out: TextIO, *, today: date, dry_run: bool) -> int:
    passed = [result for result in results if result.outcome.passed]
    failed = len(results) - len(passed)
    insecure = sum(1 for result in passed if result.insecure)
    print(file=out)
    if dry_run:
        print(f"{len(passed)} of {len(results)} links work (dry run: no file changed).", file=out)
    else:
        recorded = sum(1 for result in passed if result.recorded)
        print(
            f"{len(passed)} of {len(results)} links work; last_verified set to "
            f"{today.isoformat()} for {recorded}.",
            file=out,
        )
    if insecure:
        print(f"{insecure} work over http:// only: use https:// (the bot refuses http).", file=out)
    if failed:
        print(
            f"{failed} failed: fix them in the pack (the fix column says how), then run "
            "`reflect links check` again.",
            file=out,
        )
        return 1
    return 0
