"""Everything wrong with a content pack, at once, each with a plain-English fix.

``reflect packs validate`` is for the person preparing a briefing (often from a draft made by
``reflect import``), not for the running bot: it reports every problem rather than the first,
as ``FILE: field.path: problem. Fix: what to do.``

The rules of the format are the loader's (bot/content/loader.py, read in its collecting mode),
so nothing here can drift from what the bot accepts. This module adds what only an author needs:
the importer's ``[CHECK]`` marks still in the text, dates that cannot be right (a link checked
in the future) or are due (``review_by`` passed, a link not checked for LINK_STALE_DAYS: those
two are warnings), and clashes between files (one id for two packs, one alias for two packs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.content.loader import PackError, collect_problems, read_yaml
from bot.content.schema import Pack

#: The importer's review mark (bot/importer/draft.py writes it before what it is unsure of).
CHECK_MARK = "[CHECK]"


@dataclass(frozen=True)
class Finding:
    """One problem (or, with ``warning``, something due) at one place in one file."""

    file: str
    path: str
    problem: str
    fix: str
    warning: bool = False

    def line(self) -> str:
        """``FILE: field.path: problem. Fix: fix.`` (with "warning: " before a warning)."""
        where = f"{self.file}: {self.path}" if self.path else self.file
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{_sentence(self.problem)} Fix: {_sentence(self.fix)}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


@dataclass(frozen=True)
class FileReport:
    """What validating one file found."""

    path: Path
    pack: Pack | None
    findings: tuple[Finding, ...] = field(default=())
    raw: Any = None

    @property
    def file(self) -> str:
        """The name errors use (the loader's: the file name)."""
        return self.path.name

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The problems that make the pack invalid."""
        return tuple(finding for finding in self.findings if not finding.warning)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """What is due but does not stop the pack being used."""
        return tuple(finding for finding in self.findings if finding.warning)

    @property
    def valid(self) -> bool:
        """Whether the bot would load it and nothing is left to review."""
        return self.pack is not None and not self.errors


def _finding(error: PackError, file: str) -> Finding:
    return Finding(error.file or file, error.path, error.problem, error.fix)


# --- what only an author needs ------------------------------------------------------------


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar in parsed YAML with its path, in the loader's notation."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    else:
        yield path, value


def check_mark_problems(raw: Any, file: str) -> list[Finding]:
    """Every string the importer marked ``[CHECK]``: a person must look before it is used."""
    found = []
    for path, value in _walk(raw):
        if isinstance(value, str) and CHECK_MARK in value:
            text = " ".join(value.replace(CHECK_MARK, "").split())
            shown = text if len(text) <= 60 else text[:57].rstrip() + "..."
            found.append(
                Finding(
                    file,
                    path,
                    f'marked by the importer for review ("{shown}")',
                    f"check the text against the briefing (the comment above it says what to "
                    f"check), then remove {CHECK_MARK}",
                )
            )
    return found


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _mapping(raw: Any, key: str) -> dict[str, Any]:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, dict) else {}


def _verified_dates(raw: Any) -> Iterator[tuple[str, date, bool]]:
    """(path, date, is a link) for every ``last_verified`` the pack has."""
    for path, holder, is_link in (
        ("last_verified", raw if isinstance(raw, dict) else {}, False),
        ("staff_support.last_verified", _mapping(raw, "staff_support"), False),
    ):
        day = _as_date(holder.get("last_verified"))
        if day is not None:
            yield path, day, is_link
    links = raw.get("links") if isinstance(raw, dict) else None
    for index, link in enumerate(links if isinstance(links, list) else []):
        day = _as_date(link.get("last_verified")) if isinstance(link, dict) else None
        if day is not None:
            yield f"links[{index}].last_verified", day, True


def date_problems(raw: Any, file: str, *, today: date, stale_days: int) -> list[Finding]:
    """Dates that cannot be right (checked in the future) or are due (warnings)."""
    found = []
    for path, day, is_link in _verified_dates(raw):
        if day > today:
            found.append(
                Finding(
                    file,
                    path,
                    f"is in the future ({day.isoformat()})",
                    "write the date it was really checked (today at the latest); "
                    "`reflect links check` sets it for each link that works",
                )
            )
        elif is_link and (today - day).days > stale_days:
            found.append(
                Finding(
                    file,
                    path,
                    f"last checked on {day.isoformat()}, more than {stale_days} days ago "
                    "(LINK_STALE_DAYS)",
                    "run `reflect links check`: it checks the link and renews the date if it works",
                    warning=True,
                )
            )
    review_by = _as_date(raw.get("review_by")) if isinstance(raw, dict) else None
    if review_by is not None and review_by < today:
        found.append(
            Finding(
                file,
                "review_by",
                f"the date to review this pack by ({review_by.isoformat()}) has passed",
                "check the pack against the briefing and the partnership's current procedures, "
                "then set a new review_by and bump version if the text changed",
                warning=True,
            )
        )
    return found


def alias_problems(pack: Pack, file: str) -> list[Finding]:
    """An alias two learning points share: "what is the learning on X?" can mean only one."""
    owner: dict[str, int] = {}
    found = []
    for index, learning in enumerate(pack.key_learning):
        for alias_index, alias in enumerate(learning.aliases):
            key = alias.casefold()
            if key in owner and owner[key] != index:
                found.append(
                    Finding(
                        file,
                        f"key_learning[{index}].aliases[{alias_index}]",
                        f"{alias!r} is also an alias of key_learning[{owner[key]}]",
                        "keep it on the one learning point it is really about",
                        warning=True,
                    )
                )
            owner.setdefault(key, index)
    return found


def across_files_problems(reports: Sequence[FileReport]) -> list[tuple[Path, Finding]]:
    """One pack id in two files (an error), one pack alias in two packs (a warning).

    Each finding comes with the file it belongs to (two directories may hold the same name).
    """
    found: list[tuple[Path, Finding]] = []
    ids: dict[str, Path] = {}
    aliases: dict[str, str] = {}
    for report in reports:
        raw_id = report.raw.get("id") if isinstance(report.raw, dict) else None
        if isinstance(raw_id, str) and raw_id in ids and ids[raw_id] != report.path:
            found.append(
                (
                    report.path,
                    Finding(
                        report.file,
                        "id",
                        f"pack id {raw_id!r} is also the id of {ids[raw_id]}",
                        "give each briefing its own id (and file name): reflections are "
                        "stored against it",
                    ),
                )
            )
        if isinstance(raw_id, str):
            ids.setdefault(raw_id, report.path)
        for index, alias in enumerate(report.pack.aliases if report.pack else ()):
            other = aliases.get(alias.casefold())
            if other is not None and report.pack is not None and other != report.pack.id:
                finding = Finding(
                    report.file,
                    f"aliases[{index}]",
                    f"{alias!r} is also an alias of the pack {other!r}",
                    "give each briefing aliases of its own, so a name leads to one briefing",
                    warning=True,
                )
                found.append((report.path, finding))
            if report.pack is not None:
                aliases.setdefault(alias.casefold(), report.pack.id)
    return found


# --- files ---------------------------------------------------------------------------------


def _node_lines(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    lines[path] = node.start_mark.line
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            _node_lines(value, f"{path}.{name}" if path else name, lines)
            lines[f"{path}.{name}" if path else name] = key.start_mark.line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, f"{path}[{index}]", lines)


def _line_of(path: str, lines: dict[str, int]) -> int:
    """The line a path starts on, or its nearest parent's (a missing field: where it goes)."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return 0


def _in_file_order(path: Path, findings: list[Finding]) -> list[Finding]:
    """Findings in the order their places appear in the file, so an author can work down it."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return findings
    lines: dict[str, int] = {}
    if root is not None:
        _node_lines(root, "", lines)
    return sorted(findings, key=lambda finding: _line_of(finding.path, lines))


def validate_file(path: Path, *, today: date, stale_days: int) -> FileReport:
    """Every problem in one pack file (syntax, format, review marks, dates)."""
    try:
        raw = read_yaml(path)
    except PackError as error:
        return FileReport(path, None, (_finding(error, path.name),))
    pack, errors = collect_problems(raw, file=path.name)
    findings = [_finding(error, path.name) for error in errors]
    findings += check_mark_problems(raw, path.name)
    findings += date_problems(raw, path.name, today=today, stale_days=stale_days)
    if pack is not None:
        findings += alias_problems(pack, path.name)
    return FileReport(path, pack, tuple(_in_file_order(path, findings)), raw)


def validate_files(paths: Sequence[Path], *, today: date, stale_days: int) -> list[FileReport]:
    """Every file's report, with the problems between files added to the file they are in."""
    reports = [validate_file(path, today=today, stale_days=stale_days) for path in paths]
    extra = across_files_problems(reports)
    return [
        FileReport(
            report.path,
            report.pack,
            (
                *report.findings,
                *(finding for path, finding in extra if path == report.path),
            ),
            report.raw,
        )
        for report in reports
    ]
