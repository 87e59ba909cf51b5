"""The wording actions send, loaded from bot/content/messages.yml and filled from the pack.

Keeping it in YAML keeps sentences out of Python; placeholders are checked when a message is
rendered so a missing value fails loudly in tests, never as a half-filled message to a user.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"
Button = dict[str, str]


class MessageError(KeyError):
    """A message name is unknown or a placeholder was not given a value."""


@dataclass(frozen=True)
class Message:
    """A rendered message: text plus buttons, ready for dispatcher.utter_message."""

    text: str
    buttons: tuple[Button, ...] = ()

    def as_kwargs(self, extra_buttons: list[Button] | None = None) -> dict[str, Any]:
        """Keyword arguments for rasa_sdk's ``dispatcher.utter_message``."""
        return {"text": self.text, "buttons": [*self.buttons, *(extra_buttons or [])]}


@dataclass(frozen=True)
class Template:
    """One message as written in messages.yml."""

    name: str
    text: str
    buttons: tuple[Button, ...]

    @property
    def placeholders(self) -> frozenset[str]:
        """Names in {braces} that rendering must supply."""
        sources = [self.text, *(b["title"] for b in self.buttons)]
        return frozenset(
            field
            for source in sources
            for _, field, _, _ in string.Formatter().parse(source)
            if field
        )

    def render(self, values: dict[str, str]) -> Message:
        """Fill every placeholder; a missing one is an error, extra values are ignored."""
        missing = self.placeholders - values.keys()
        if missing:
            raise MessageError(f"message {self.name!r} needs values for {sorted(missing)}")
        buttons = tuple(
            {"title": b["title"].format_map(values), "payload": b["payload"]} for b in self.buttons
        )
        return Message(self.text.format_map(values), buttons)


def parse_templates(raw: Any, *, file: str) -> dict[str, Template]:
    """Validate messages.yml: each entry has text and optional buttons with title and payload."""
    if not isinstance(raw, dict):
        raise MessageError(f"{file}: expected a mapping of message names")
    templates = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise MessageError(f"{file}: {name}: needs a text")
        buttons = entry.get("buttons") or []
        for index, button in enumerate(buttons):
            if not isinstance(button, dict) or not {"title", "payload"} <= button.keys():
                raise MessageError(f"{file}: {name}.buttons[{index}]: needs a title and a payload")
        templates[name] = Template(
            name,
            entry["text"].strip(),
            tuple({"title": str(b["title"]), "payload": str(b["payload"])} for b in buttons),
        )
    return templates


@lru_cache(maxsize=2)
def load_templates(path: Path = MESSAGES_FILE) -> dict[str, Template]:
    """All message templates, read once per process."""
    return parse_templates(yaml.safe_load(path.read_text(encoding="utf-8")), file=path.name)


def render(name: str, **values: str) -> Message:
    """Render one named message with the given values."""
    templates = load_templates()
    if name not in templates:
        raise MessageError(f"no message named {name!r} in {MESSAGES_FILE.name}")
    return templates[name].render(values)
