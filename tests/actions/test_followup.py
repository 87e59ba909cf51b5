"""Follow-up actions: who is asking, what they call, what they say and the events they return.

bot/followup has its own tests; here its functions are replaced by recording fakes, so these
tests check the actions only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions.followup import (
    ActionFollowupKept,
    ActionOptInFollowup,
    ActionOptOutFollowup,
    ActionStartFollowup,
)
from bot.content.messages import Message, render
from bot.content.schema import Pack
from bot.followup.service import DueFollowup, OptInResult, Who
from bot.settings.config import Settings
from tests.conftest import SECOND_PACK_ID, TrackerFactory

pytestmark = pytest.mark.usefixtures("action_settings")

TODAY = date(2027, 1, 4)
METADATA = {"followup_token": "widget-token"}
DRAFT_CLEARED = [SlotSet("reflection_text", None), SlotSet("reflection_draft", None)]


def _locked(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("SELECT 1", {}, Exception("database is locked"))


class Calls:
    """Records each call to a faked bot.followup.service function and returns ``result``."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((args, kwargs))
        return self.result


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Replace one bot.followup.service function (as the actions see it) with a recorder."""
    monkeypatch.setattr("actions.context.session_factory", lambda: "the-factory")
    monkeypatch.setattr("actions.context.today", lambda: TODAY)

    def use(name: str, result: Any) -> Calls:
        recorder = Calls(result)
        monkeypatch.setattr(f"actions.followup.followups.{name}", recorder)
        return recorder

    return use


def widget(tracker_factory: TrackerFactory, **kwargs: Any) -> Any:
    """A message from the web widget, with the widget's follow-up token in its metadata."""
    events = [{"event": "user", "text": "x", "input_channel": "socketio"}]
    return tracker_factory(events=events, metadata=METADATA, **kwargs)


def assert_asked_by_the_widget(args: tuple[Any, ...], settings: Settings) -> None:
    factory, used_settings, who = args
    assert (factory, used_settings) == ("the-factory", settings)
    assert who == Who(channel_kind="socketio", sender_id="test-sender", metadata=METADATA)


def test_names() -> None:
    assert ActionOptInFollowup().name() == "action_opt_in_followup"
    assert ActionOptOutFollowup().name() == "action_opt_out_followup"
    assert ActionFollowupKept().name() == "action_followup_kept"
    assert ActionStartFollowup().name() == "action_start_followup"


# --- opting in ---------------------------------------------------------------------------------


def test_opt_in_on_the_points_discussed_then_the_channels_payloads(
    fake: Any,
    action_settings: Settings,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    payload = {"reflect_followup_token": "new-token"}
    opt_in = fake("opt_in", OptInResult(Message("I'll ask you in about three months."), (payload,)))
    tracker = widget(
        tracker_factory,
        slots={"points_covered": ["p1", 3, "p2"]},
        intent="opt_in_followup",
        text="follow me up",
    )

    events = ActionOptInFollowup().run(dispatcher, tracker, {})

    assert events == []
    message, custom = dispatcher.messages
    assert message["text"] == "I'll ask you in about three months."
    assert custom["custom"] == payload and custom["text"] is None
    ((args, kwargs),) = opt_in.calls
    assert_asked_by_the_widget(args, action_settings)
    assert (kwargs["pack"].id, kwargs["points"], kwargs["today"]) == (pack.id, ["p1", "p2"], TODAY)


def test_opt_in_before_any_point_is_discussed_follows_up_no_points(
    fake: Any, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    opt_in = fake("opt_in", OptInResult(Message("Noted.")))

    ActionOptInFollowup().run(dispatcher, widget(tracker_factory, intent="opt_in_followup"), {})

    assert opt_in.calls[0][1]["points"] == []
    assert [m["text"] for m in dispatcher.messages] == ["Noted."]


# --- opting out, and what is kept ----------------------------------------------------------------


def test_opt_out_says_what_was_deleted_and_no_answer_is_due(
    fake: Any,
    action_settings: Settings,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    opt_out = fake("opt_out", Message("Done: your follow-up is deleted."))
    tracker = widget(tracker_factory, slots={"followup_id": "fu-1"}, intent="opt_out_followup")

    events = ActionOptOutFollowup().run(dispatcher, tracker, {})

    assert events == [SlotSet("followup_id", None)]
    said, forget = dispatcher.messages
    assert said["text"] == "Done: your follow-up is deleted."
    # The browser forgets its follow-up token too (docs/widget-protocol.md).
    assert forget["custom"] == {"reflect_followup_forget": True} and forget["text"] is None
    ((args, kwargs),) = opt_out.calls
    assert_asked_by_the_widget(args, action_settings)
    assert kwargs == {}


def test_opt_out_in_teams_sends_no_widget_payload(
    fake: Any, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    fake("opt_out", Message("Done."))
    events = [{"event": "user", "text": "x", "input_channel": "teams"}]

    ActionOptOutFollowup().run(dispatcher, tracker_factory(events=events), {})

    assert [m["text"] for m in dispatcher.messages] == ["Done."]


def test_what_is_kept_for_the_follow_up(
    fake: Any,
    action_settings: Settings,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    kept = fake("kept", Message("Nothing is kept for a follow-up."))

    events = ActionFollowupKept().run(dispatcher, widget(tracker_factory), {})

    assert events == []
    assert dispatcher.messages[0]["text"] == "Nothing is kept for a follow-up."
    ((args, kwargs),) = kept.calls
    assert_asked_by_the_widget(args, action_settings)
    assert kwargs == {"today": TODAY}


@pytest.mark.parametrize(
    ("action", "name"),
    [
        (ActionOptInFollowup(), "opt_in"),
        (ActionOptOutFollowup(), "opt_out"),
        (ActionFollowupKept(), "kept"),
    ],
)
def test_an_unavailable_database_is_said_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    action: Any,
    name: str,
) -> None:
    monkeypatch.setattr(f"actions.followup.followups.{name}", _locked)
    monkeypatch.setattr("actions.context.session_factory", lambda: None)

    events = action.run(dispatcher, widget(tracker_factory, slots={"followup_id": "fu-1"}), {})

    assert events == []  # an opt-out that did not happen leaves the answer being written
    (message,) = dispatcher.messages
    assert message["text"] == render("followup_store_unavailable").text


# --- answering ---------------------------------------------------------------------------------


def test_a_due_follow_up_is_asked_and_its_answer_drafted_like_a_reflection(
    fake: Any,
    action_settings: Settings,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    question = Message("What has changed in your practice since?")
    due_now = fake("due_now", DueFollowup("fu-1", "esscp-child-z", question))
    tracker = widget(
        tracker_factory, slots={"reflection_draft": "an old draft"}, intent="answer_followup"
    )

    events = ActionStartFollowup().run(dispatcher, tracker, {})

    assert events == [
        SlotSet("pack_id", "esscp-child-z"),
        SlotSet("followup_id", "fu-1"),
        SlotSet("point_number", None),
        *DRAFT_CLEARED,
    ]
    assert [m["text"] for m in dispatcher.messages] == ["What has changed in your practice since?"]
    ((args, kwargs),) = due_now.calls
    assert_asked_by_the_widget(args, action_settings)
    assert kwargs == {"today": TODAY}


@pytest.mark.usefixtures("several_packs")
def test_the_answer_is_tagged_with_the_follow_ups_briefing(
    fake: Any, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    fake("due_now", DueFollowup("fu-2", SECOND_PACK_ID, Message("What has changed?")))
    tracker = widget(tracker_factory, slots={"point_number": 3}, intent="answer_followup")

    events = ActionStartFollowup().run(dispatcher, tracker, {})

    assert events[0] == SlotSet("pack_id", SECOND_PACK_ID)
    assert SlotSet("point_number", None) in events  # a general answer, not about point 3
    assert events[-4:] == [
        SlotSet("followup_id", "fu-2"),
        SlotSet("point_number", None),
        *DRAFT_CLEARED,
    ]


def test_no_follow_up_due_is_a_kind_word_and_nothing_opens(
    fake: Any, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    fake("due_now", None)
    tracker = widget(tracker_factory, intent="answer_followup")

    events = ActionStartFollowup().run(dispatcher, tracker, {})

    assert events == [SlotSet("followup_id", None)]
    (message,) = dispatcher.messages
    assert message["text"] == render("followup_none_due").text
    assert [b["payload"] for b in message["buttons"]] == [
        "/add_reflection",
        "/ask_followup_kept",
        "/show_menu",
    ]


def test_the_follow_up_the_greeting_asked_is_answered_even_once_marked_asked(
    fake: Any, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    fake("due_now", None)
    tracker = widget(tracker_factory, slots={"followup_id": "fu-1"}, intent="answer_followup")

    events = ActionStartFollowup().run(dispatcher, tracker, {})

    assert events == [SlotSet("followup_id", "fu-1"), *DRAFT_CLEARED]
    assert dispatcher.messages == []  # the question was just asked; the form's prompt follows


def test_an_unavailable_database_opens_nothing(
    monkeypatch: pytest.MonkeyPatch,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    monkeypatch.setattr("actions.followup.followups.due_now", _locked)
    monkeypatch.setattr("actions.context.session_factory", lambda: None)

    events = ActionStartFollowup().run(dispatcher, widget(tracker_factory), {})

    assert events == [SlotSet("followup_id", None)]
    assert [m["text"] for m in dispatcher.messages] == [render("followup_store_unavailable").text]


def test_who_is_asking_from_teams_has_no_widget_token(
    fake: Any, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    kept = fake("kept", Message("x"))
    events = [{"event": "user", "text": "x", "input_channel": "teams"}]
    tracker = tracker_factory(events=events, intent="ask_followup_kept")

    ActionFollowupKept().run(dispatcher, tracker, {})

    who = kept.calls[0][0][2]
    assert who == Who(channel_kind="teams", sender_id="test-sender", metadata=None)
