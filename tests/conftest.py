"""Shared fixtures: the real content pack, test settings, hand-built trackers and a dispatcher."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.loader import load_pack_file
from bot.content.schema import Pack
from bot.settings.config import DEFAULT_PACK_DIR, PROJECT_ROOT, Settings
from tests.settings import make_settings

PACK_FILE = DEFAULT_PACK_DIR / "esscp-child-z.yml"
#: Two briefings from two partnerships: Child Z and the fictional Northmoor Child Q.
SEVERAL_PACKS_DIR = PROJECT_ROOT / "tests" / "data" / "packs"
SECOND_PACK_ID = "northmoor-child-q"

TrackerFactory = Callable[..., Tracker]


#: The development secret key load_settings generates when VAR_DIR is the default: the checkout's.
CHECKOUT_SECRET_KEY = PROJECT_ROOT / "var" / "secret.key"


def _checkout_key() -> bytes | None:
    try:
        return CHECKOUT_SECRET_KEY.read_bytes()
    except FileNotFoundError:
        return None


@pytest.fixture(autouse=True)
def checkout_secret_key_untouched(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test that creates or changes the checkout's var/secret.key.

    A test that calls load_settings with neither REFLECT_SECRET nor VAR_DIR set generates the
    development key into the checkout, where a later `make run` would key real pseudonyms with
    it; such a test must point VAR_DIR at tmp_path or set its own secret.
    """
    before = _checkout_key()
    yield
    if _checkout_key() != before:
        pytest.fail(
            f"{request.node.nodeid} created or changed {CHECKOUT_SECRET_KEY}: "
            "tests must set VAR_DIR to a tmp dir or REFLECT_SECRET",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def pack() -> Pack:
    """The real Child Z pack, as the action server loads it."""
    return load_pack_file(PACK_FILE)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings built directly (no .env, no environment), with local state under tmp_path."""
    return make_settings(content_dir=DEFAULT_PACK_DIR, var_dir=tmp_path / "var")


@pytest.fixture
def action_settings(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Make actions use ``settings`` and never read a developer's .env (it is cwd-relative)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("actions.context.settings", lambda: settings)
    yield settings


@pytest.fixture(scope="session")
def second_pack() -> Pack:
    """The fictional second briefing (Northmoor's Child Q), from another partnership."""
    return load_pack_file(SEVERAL_PACKS_DIR / f"{SECOND_PACK_ID}.yml")


@pytest.fixture
def several_packs(action_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Actions on a deployment that offers both briefings (Child Z, the default, and Child Q)."""
    offering = dataclasses.replace(action_settings, content_dir=SEVERAL_PACKS_DIR)
    monkeypatch.setattr("actions.context.settings", lambda: offering)
    return offering


@pytest.fixture
def tracker_factory() -> TrackerFactory:
    """Build a rasa_sdk Tracker the way rasa-sdk's own tests do, from slots and a latest message."""

    def build(
        *,
        slots: dict[str, Any] | None = None,
        intent: str | None = None,
        text: str = "",
        entities: list[dict[str, Any]] | None = None,
        intent_ranking: list[dict[str, Any]] | None = None,
        events: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Tracker:
        latest_message: dict[str, Any] = {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0} if intent else {},
            "entities": entities or [],
            "intent_ranking": intent_ranking or [],
            "metadata": metadata,
        }
        return Tracker(
            sender_id="test-sender",
            slots=dict(slots or {}),
            latest_message=latest_message,
            events=list(events or []),
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what an action says, for assertions on dispatcher.messages."""
    return CollectingDispatcher()


@pytest.fixture
def keep_umask() -> Iterator[int]:
    """The process umask before the test, put back afterwards (entry points tighten it)."""
    before = os.umask(0o022)
    os.umask(before)
    yield before
    os.umask(before)


def current_umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    value = os.umask(0o077)
    os.umask(value)
    return value


def other_code(code: str, *, skip: str = "") -> str:
    """A receipt code of the same shape that is not ``code`` (nor ``skip``).

    Changing a character can make a run of six digits or a date, which the door rightly does
    not take for a code, so the replacement is chosen to keep the code well shaped.
    """
    from bot.reflections.receipts import ALPHABET, well_shaped

    for char in ALPHABET:
        candidate = char + code[1:]
        if char != code[0] and candidate != skip and well_shaped(candidate.replace("-", "")):
            return candidate
    raise AssertionError("no other well-shaped code")  # pragma: no cover


class StopMain(Exception):
    """Raised by a patched step to end an entry point's main() early."""


def umask_when_settings_are_read(
    monkeypatch: pytest.MonkeyPatch, module: object, call: Callable[[], object]
) -> int:
    """The umask an entry point has set by the time it reads its settings (then it stops).

    Every entry point must make its files private before anything reads the settings, which
    may create var/ and the development secret key.
    """
    seen: list[int] = []

    def load_settings() -> object:
        seen.append(current_umask())
        raise StopMain

    os.umask(0o022)
    monkeypatch.setattr(module, "load_settings", load_settings)
    with pytest.raises(StopMain):
        call()
    return seen[0]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The generated inputs the Unicode fuzz tests ran (tests/fuzzing.py), when any ran."""
    from tests.fuzzing import EXAMPLES

    if EXAMPLES:
        parts = ", ".join(f"{name} {count}" for name, count in sorted(EXAMPLES.items()))
        terminalreporter.write_line(f"fuzzed inputs: {sum(EXAMPLES.values())} ({parts})")
