"""widget.js's data-pack: the hidden greeting that sends a new conversation to one briefing.

The function that builds the greeting is cut out of widget.js and run by Node (the widget has
no build step and no test runner of its own); what it returns must be a payload the server's
door lets through for an offered pack id, and plain ``/greet`` for anything else.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from bot.channels.door import Door
from bot.web.app import STATIC_DIR
from tests.settings import TEST_SECRET

WIDGET = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
CASES = [
    "northmoor-child-q",
    "esscp-child-z",
    None,
    "",
    "Northmoor-Child-Q",
    'x"}',
    "child q",
    "a" * 101,
    "-child",
]


def _cut(pattern: str) -> str:
    found = re.search(pattern, WIDGET, re.MULTILINE | re.DOTALL)
    assert found is not None, pattern
    return found.group(0)


def greetings(values: list[str | None]) -> list[str]:
    """greetingFor(value) for each value, as widget.js computes it, run by Node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = "\n".join(
        [
            _cut(r"^  const PACK_ID_RE = .*?;$"),
            _cut(r"^  const MAX_PACK_ID_CHARS = .*?;"),
            _cut(r"^  function greetingFor\(pack\) \{.*?^  \}$"),
            f"console.log(JSON.stringify({json.dumps(values)}.map(greetingFor)));",
        ]
    )
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def test_the_widget_reads_data_pack_and_greets_with_it() -> None:
    assert 'greeting: greetingFor(script.getAttribute("data-pack")),' in WIDGET
    assert "emitUserMessage(config.greeting);" in WIDGET
    assert 'emitUserMessage("/greet")' not in WIDGET


def test_a_pack_id_goes_into_the_greeting_anything_else_is_plain_greet() -> None:
    assert greetings(CASES) == [
        '/greet{"pack_id":"northmoor-child-q"}',
        '/greet{"pack_id":"esscp-child-z"}',
        *["/greet"] * 7,
    ]


def test_the_door_keeps_the_pack_id_only_for_an_offered_pack() -> None:
    door = Door.create(secret=TEST_SECRET, payload_values={"northmoor-child-q"}, intents={"greet"})
    offered, not_offered = greetings(["northmoor-child-q", "esscp-child-z"])

    assert door.clean_text(offered) == offered
    assert door.clean_text(not_offered) == "/greet"  # the unknown id dropped, the greeting kept
