"""The settings table, written out: the ``.env.example`` section and the README table.

Both are generated from :class:`bot.settings.config.Settings` (each field declares its variable,
default and description) between marker comments, so hand-written text around them stays and
tests/bot/settings/test_table.py fails when either drifts from the declarations. After changing
a setting::

    python -m bot.settings.table --write    # rewrite both
    python -m bot.settings.table --check    # exit 1, naming the file, if either is stale
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bot.settings.config import PROJECT_ROOT, Setting, settings_table
from bot.settings.kinds import env_text

ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
README = PROJECT_ROOT / "README.md"

_COMMAND = "python -m bot.settings.table --write"
ENV_START = f"# --- settings:start (generated: {_COMMAND}) ---"
ENV_END = "# --- settings:end ---"
README_START = f"<!-- settings:start (generated from bot/settings/config.py: {_COMMAND}) -->"
README_END = "<!-- settings:end -->"


def shown_value(value: object) -> str:
    """A default as a person would write it in .env: paths inside the project relative to it."""
    if isinstance(value, Path) and value.is_relative_to(PROJECT_ROOT):
        return value.relative_to(PROJECT_ROOT).as_posix()
    return env_text(value)


def default_text(spec: Setting) -> str:
    """The README's Default column: the value, or what happens when the variable is unset."""
    value = shown_value(spec.default)
    if value and not spec.secret:
        return f"`{value}`"
    return spec.unset or "none"


def env_line(spec: Setting) -> str:
    """The variable's line in .env.example: its default, else commented out (with an example).

    A secret is never shown with a value: there is none to show.
    """
    if spec.secret:
        return f"# {spec.env}="
    if spec.example is not None:
        return f"# {spec.env}={spec.example}"
    value = shown_value(spec.default)
    return f"{spec.env}={value}" if value else f"# {spec.env}="


_KEEP_TOGETHER = "\x00"


def _comment(text: str) -> list[str]:
    """``text`` as ``# `` lines of at most 100 characters, never breaking inside `code`."""
    parts = text.split("`")
    joined = "`".join(
        part.replace(" ", _KEEP_TOGETHER) if index % 2 else part for index, part in enumerate(parts)
    )
    wrapped = textwrap.wrap(
        joined,
        width=100,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace(_KEEP_TOGETHER, " ") for line in wrapped]


def env_example_section(table: Sequence[Setting]) -> str:
    """The generated part of .env.example, markers included: groups, descriptions, defaults."""
    lines = [ENV_START]
    group = None
    for spec in table:
        if spec.group != group:
            group = spec.group
            lines += ["", f"# --- {group}"]
        comment = spec.doc
        if env_line(spec).startswith("#"):
            comment += f" Unset: {default_text(spec)}."
        lines += _comment(comment)
        lines.append(env_line(spec))
    lines += ["", ENV_END]
    return "\n".join(lines)


def readme_table(table: Sequence[Setting]) -> str:
    """The README's settings table, markers included: one row per variable."""
    lines = [README_START, "| Variable | Default | Meaning |", "|---|---|---|"]
    lines += [f"| `{spec.env}` | {default_text(spec)} | {spec.doc} |" for spec in table]
    lines.append(README_END)
    return "\n".join(lines)


def spliced(text: str, start: str, end: str, block: str, *, where: str) -> str:
    """``text`` with the lines from ``start`` to ``end`` (markers included) replaced by ``block``.

    The start marker is matched by what comes before its parenthesis, so a changed command in
    it is still found; missing or repeated markers are an error naming the file.
    """
    head = start.split(" (")[0]
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(head)]
    ends = [i for i, line in enumerate(lines) if line == end]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ValueError(f"{where} needs one {head!r} line and one {end!r} line after it")
    return "\n".join([*lines[: starts[0]], block, *lines[ends[0] + 1 :]])


def generated() -> dict[Path, str]:
    """Each generated file's expected text, from its current text and the table."""
    table = settings_table()
    return {
        ENV_EXAMPLE: spliced(
            ENV_EXAMPLE.read_text(encoding="utf-8"),
            ENV_START,
            ENV_END,
            env_example_section(table),
            where=".env.example",
        ),
        README: spliced(
            README.read_text(encoding="utf-8"),
            README_START,
            README_END,
            readme_table(table),
            where="README.md",
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Check (the default) or rewrite the generated parts of .env.example and README.md."""
    parser = argparse.ArgumentParser(prog="python -m bot.settings.table", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the generated parts")
    parser.add_argument("--check", action="store_true", help="exit 1 if either is stale")
    args = parser.parse_args(argv)
    try:
        expected = generated()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    stale = []
    for path, text in expected.items():
        if path.read_text(encoding="utf-8") == text:
            continue
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote the settings in {path.name}")
        else:
            stale.append(path.name)
    for name in stale:
        print(f"{name}: the settings differ from bot/settings/config.py; run {_COMMAND}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
