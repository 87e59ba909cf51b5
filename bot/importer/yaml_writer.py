"""A tiny, deterministic YAML writer that can put a comment above any value.

PyYAML cannot write comments, and the draft's ``# CHECK:`` comments are the point of the draft,
so the importer writes its YAML line by line: short strings double-quoted (JSON's quoting is
valid YAML), long ones as folded blocks wrapped at a fixed width, paragraphs kept apart by a
blank line (which the pack loader reads back as paragraphs).
"""

from __future__ import annotations

import json
import textwrap
from datetime import date

WIDTH = 98
_FOLD_AT = 72


def quoted(value: str) -> str:
    """A double-quoted YAML string (JSON's quoting is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


class YamlWriter:
    """Collects lines; every method writes one ``key: value`` (or list item) at an indent."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def text(self) -> str:
        """The document so far, ending in one newline."""
        return "\n".join(self.lines).rstrip() + "\n"

    def blank(self) -> None:
        """An empty line between the pack's parts."""
        self.lines.append("")

    def comment(self, indent: int, text: str) -> None:
        """``# text``, wrapped."""
        for line in textwrap.wrap(text, WIDTH - indent - 2) or [""]:
            self.lines.append(" " * indent + "# " + line)

    def key(self, indent: int, key: str, dash: bool = False) -> None:
        """``key:`` opening a nested mapping or list."""
        self.lines.append(" " * indent + ("- " if dash else "") + f"{key}:")

    def scalar(self, indent: int, key: str, value: str | int | date, dash: bool = False) -> None:
        """``key: value``; long text as a folded block whose paragraphs survive."""
        lead = " " * indent + ("- " if dash else "") + f"{key}: "
        if isinstance(value, (int, date)):
            self.lines.append(lead + str(value))
            return
        if "\n" not in value and len(lead) + len(value) <= _FOLD_AT + indent:
            self.lines.append(lead + quoted(value))
            return
        self._folded(lead, indent + 2 + (2 if dash else 0), value)

    def _folded(self, lead: str, inner: int, value: str) -> None:
        self.lines.append(lead + ">-")
        paragraphs = [p.strip() for p in value.split("\n") if p.strip()]
        for index, paragraph in enumerate(paragraphs):
            if index:
                self.lines.append("")
            for line in textwrap.wrap(
                paragraph, WIDTH - inner, break_long_words=False, break_on_hyphens=False
            ):
                self.lines.append(" " * inner + line)

    def item(self, indent: int, value: str) -> None:
        """A list item that is a string."""
        if len(value) <= _FOLD_AT:
            self.lines.append(" " * indent + "- " + quoted(value))
            return
        self._folded(" " * indent + "- ", indent + 2, value)

    def flow(self, indent: int, key: str, values: list[str], dash: bool = False) -> None:
        """``key: [a, b]`` (quoted), wrapped when long."""
        lead = " " * indent + ("- " if dash else "") + f"{key}: "
        body = "[" + ", ".join(quoted(v) for v in values) + "]"
        if len(lead) + len(body) <= WIDTH:
            self.lines.append(lead + body)
            return
        self.lines.append(lead.rstrip())
        for value in values:
            self.item(indent + 2, value)
