"""CPD actions: what they read from the slots, what they call, what they say and return.

bot/cpd has its own tests; here its functions are replaced by recording fakes, so these tests
check the actions only (which slots, which layout, which messages, the database fault).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions.cpd import ActionCpdRecord, ActionEndSummary
from bot.content.messages import Message, render
from bot.content.schema import Pack
from bot.cpd.covered import Covered, SavedReflection
from bot.settings.config import Settings
from tests.conftest import TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")

SLOTS = {
    "sections_read": ["about", "key_learning"],
    "points_covered": ["p1", "p3"],
    "points_skipped": ["p2"],
    "reflections_saved": [{"point": 1, "text": "We would ask about new partners sooner."}],
}
COVERED = Covered(
    sections=("about", "key_learning"),
    points_discussed=("p1", "p3"),
    points_skipped=("p2",),
    reflections=(SavedReflection(1, "We would ask about new partners sooner."),),
)


@pytest.fixture(autouse=True)
def covered_from_slots(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """A fake bot.cpd.covered.covered_from_slots: records its slots, returns COVERED."""
    calls: list[dict[str, object]] = []

    def fake(**slots: object) -> Covered:
        calls.append(slots)
        return COVERED

    monkeypatch.setattr("actions.cpd.covered_from_slots", fake)
    return calls


def test_names() -> None:
    assert ActionEndSummary().name() == "action_end_summary"
    assert ActionCpdRecord().name() == "action_cpd_record"


def test_end_summary_is_built_from_what_the_slots_say_was_covered(
    monkeypatch: pytest.MonkeyPatch,
    pack: Pack,
    covered_from_slots: list[dict[str, object]],
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    calls: list[tuple[Pack, Covered, Any]] = []
    summary = Message("You read two sections.", ({"title": "CPD", "payload": "/ask_cpd_record"},))

    def end_summary(pack: Pack, covered: Covered, *, age: Any = None) -> Message:
        calls.append((pack, covered, age))
        return summary

    monkeypatch.setattr("actions.cpd.service.end_summary", end_summary)
    tracker = tracker_factory(slots=SLOTS, intent="finish_walkthrough", text="I'm done")

    events = ActionEndSummary().run(dispatcher, tracker, {})

    assert events == []
    assert covered_from_slots == [SLOTS]
    ((used_pack, covered, age),) = calls
    assert (used_pack.id, covered) == (pack.id, COVERED)
    assert age is not None  # links say when they were last checked, as everywhere else
    assert dispatcher.messages[0]["text"] == "You read two sections."
    assert dispatcher.messages[0]["buttons"] == [{"title": "CPD", "payload": "/ask_cpd_record"}]


class RecordMessages:
    """A fake bot.cpd.service.record_messages that records its arguments."""

    def __init__(self, messages: list[Message] | Exception) -> None:
        self.messages = messages
        self.calls: list[dict[str, Any]] = []

    def __call__(self, factory: Any, settings: Settings, **kwargs: Any) -> list[Message]:
        self.calls.append({"factory": factory, "settings": settings, **kwargs})
        if isinstance(self.messages, Exception):
            raise self.messages
        return self.messages


@pytest.fixture
def record(monkeypatch: pytest.MonkeyPatch) -> RecordMessages:
    fake = RecordMessages(
        [
            Message("**Your CPD record**"),
            Message("DOCX and PDF links", ({"title": "a", "payload": "/b"},)),
        ]
    )
    monkeypatch.setattr("actions.cpd.service.record_messages", fake)
    monkeypatch.setattr("actions.context.session_factory", lambda: "the-factory")
    monkeypatch.setattr("actions.context.today", lambda: date(2027, 1, 4))
    return fake


def test_the_record_is_made_for_this_conversation_and_said_in_order(
    record: RecordMessages,
    action_settings: Settings,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = tracker_factory(slots=SLOTS, intent="ask_cpd_record", text="my CPD record please")

    events = ActionCpdRecord().run(dispatcher, tracker, {})

    assert events == [SlotSet("cpd_variant", "swe")]
    assert [m["text"] for m in dispatcher.messages] == ["**Your CPD record**", "DOCX and PDF links"]
    assert dispatcher.messages[1]["buttons"] == [{"title": "a", "payload": "/b"}]
    (call,) = record.calls
    assert call["factory"] == "the-factory"
    assert call["settings"] is action_settings
    assert (call["pack"].id, call["covered"], call["variant"]) == (pack.id, COVERED, "swe")
    assert call["today"] == date(2027, 1, 4)
    now = call["now"]
    assert isinstance(now, datetime) and now.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "entities", "remembered", "variant"),
    [
        (
            '/ask_cpd_record{"cpd_variant":"nmc"}',
            [{"entity": "cpd_variant", "value": "nmc"}],
            None,
            "nmc",
        ),
        (
            '/ask_cpd_record{"cpd_variant":"swe"}',
            [{"entity": "cpd_variant", "value": "swe"}],
            "nmc",
            "swe",
        ),
        ("can I have this for my NMC revalidation", [], None, "nmc"),
        ("a copy of my learning", [], "nmc", "nmc"),
        ("a copy of my learning", [], None, "swe"),
    ],
)
def test_the_layout_comes_from_the_button_the_words_or_the_earlier_choice(
    record: RecordMessages,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    entities: list[dict[str, Any]],
    remembered: str | None,
    variant: str,
) -> None:
    tracker = tracker_factory(
        slots={"cpd_variant": remembered}, intent="ask_cpd_record", text=text, entities=entities
    )

    events = ActionCpdRecord().run(dispatcher, tracker, {})

    assert events == [SlotSet("cpd_variant", variant)]
    assert record.calls[0]["variant"] == variant


def test_an_unavailable_database_says_so_and_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    broken = RecordMessages(OperationalError("INSERT", {}, Exception("database is locked")))
    monkeypatch.setattr("actions.cpd.service.record_messages", broken)
    monkeypatch.setattr("actions.context.session_factory", lambda: None)

    events = ActionCpdRecord().run(dispatcher, tracker_factory(intent="ask_cpd_record"), {})

    assert events == [SlotSet("cpd_variant", "swe")]
    (message,) = dispatcher.messages
    assert message["text"] == render("cpd_record_unavailable").text
    assert "Nothing was kept" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/ask_cpd_record", "/show_menu"]
