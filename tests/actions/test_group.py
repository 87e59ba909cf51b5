"""Group actions: one GroupFlow call per message, its reply said, its slots set (or kept)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import sessionmaker

from actions.group import (
    STOPPED,
    ActionAskGroupInput,
    ActionGroupDone,
    ActionJoinGroup,
    ActionStartGroup,
    ValidateGroupForm,
)
from bot.content.messages import render
from bot.reflections.receipts import RECEIPT_TOKEN, reveal_receipts, typed_receipt
from bot.settings.config import Settings
from tests.bot.storage.databases import migrated_sqlite_sessions
from tests.conftest import SECOND_PACK_ID, SEVERAL_PACKS_DIR, TrackerFactory

LEAD = {"member": "m_" + "a" * 64}
OTHER = {"member": "m_" + "b" * 64}


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sqlite_sessions(tmp_path) as sessions:
        yield sessions


@pytest.fixture
def context(
    action_settings: Settings, factory: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    monkeypatch.setattr("actions.context.settings", lambda: action_settings)
    monkeypatch.setattr("actions.context.session_factory", lambda: factory)
    return action_settings


def _texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(str(m.get("text") or m.get("response") or "") for m in dispatcher.messages)


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events}


def _validate(
    tracker_factory: TrackerFactory, text: str, intent: str, slots: dict[str, Any], who: dict
) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_factory(
        slots={**slots, "group_input": text, "requested_slot": "group_input"},
        intent=intent,
        text=text,
        metadata=who,
    )
    result = ValidateGroupForm().validate_group_input(text, dispatcher, tracker, {})
    return result, dispatcher


def test_a_lead_starts_and_the_session_listens(
    context: Settings, tracker_factory: TrackerFactory
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_factory(
        intent="start_group_session", text="start a group session", metadata=LEAD
    )

    slots = _slots(ActionStartGroup().run(dispatcher, tracker, {}))

    assert slots["group_listening"] is True and slots["group_role"] == "lead"
    assert slots["group_session"]
    assert "How long do you have" in _texts(dispatcher)


def test_without_a_member_hash_nothing_starts(
    context: Settings, tracker_factory: TrackerFactory
) -> None:
    tracker = tracker_factory(intent="start_group_session", text="start a group session")

    slots = _slots(ActionStartGroup().run(CollectingDispatcher(), tracker, {}))

    assert slots["group_listening"] is False


def _started(tracker_factory: TrackerFactory) -> dict[str, Any]:
    tracker = tracker_factory(
        intent="start_group_session", text="start a group session", metadata=LEAD
    )
    return _slots(ActionStartGroup().run(CollectingDispatcher(), tracker, {}))


def test_another_members_next_is_refused_and_keeps_the_slots(
    context: Settings, tracker_factory: TrackerFactory
) -> None:
    slots = _started(tracker_factory)
    _validate(tracker_factory, "30 minutes", "", slots, LEAD)

    result, dispatcher = _validate(tracker_factory, "next", "next_point", slots, OTHER)

    assert result == {"group_input": None}  # listening on, no slot of the lead's changed
    assert "Only the person who started this session" in _texts(dispatcher)


def test_a_question_about_support_is_answered_and_a_statement_is_noted(
    context: Settings, tracker_factory: TrackerFactory
) -> None:
    slots = _started(tracker_factory)
    _validate(tracker_factory, "30 minutes", "", slots, LEAD)

    asked, dispatcher = _validate(
        tracker_factory, "who can we talk to after this?", "ask_staff_support", slots, LEAD
    )
    assert asked == {"group_input": None}
    assert "utter_staff_support" in _texts(dispatcher)

    noted, dispatcher = _validate(
        tracker_factory,
        "support workers felt left out of the plan",
        "ask_staff_support",
        slots,
        LEAD,
    )
    assert "Noted — 1 note on point 1" in _texts(dispatcher)
    assert noted["group_listening"] is True


def test_finishing_stops_the_form(context: Settings, tracker_factory: TrackerFactory) -> None:
    slots = _started(tracker_factory)
    _validate(tracker_factory, "30 minutes", "", slots, LEAD)
    for text, intent in [
        ("/finish_group_session", "finish_group_session"),
        ("3 police", ""),
        ("/affirm", "affirm"),
    ]:
        _validate(tracker_factory, text, intent, slots, LEAD)

    result, dispatcher = _validate(tracker_factory, "/deny", "deny", slots, LEAD)

    assert result["group_input"] == STOPPED and result["group_listening"] is False
    assert "receipt code" in _texts(dispatcher)
    done = ActionGroupDone().run(CollectingDispatcher(), tracker_factory(), {})
    assert done == [SlotSet("group_input", None), SlotSet("group_listening", False)]


def test_a_wrong_join_code_says_so(context: Settings, tracker_factory: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_factory(
        intent="join_group_session",
        text="join [RECEIPT 1]",
        metadata={**OTHER, "receipts": ["0" * 64]},
    )

    slots = _slots(ActionJoinGroup().run(dispatcher, tracker, {}))

    assert slots["group_session"] is None and slots["group_role"] is None
    assert _texts(dispatcher) == render("group_join_not_found").text


def test_after_the_safety_net_answers_the_open_question_is_asked_again(
    context: Settings, tracker_factory: TrackerFactory
) -> None:
    slots = _started(tracker_factory)
    for text, intent in [
        ("30 minutes", ""),
        ("/finish_group_session", "finish_group_session"),
        ("3 police", ""),
        ("/affirm", "affirm"),
        ("send the escalation policy to everyone", ""),
    ]:
        _validate(tracker_factory, text, intent, slots, LEAD)

    def ask(intent: str, who: dict[str, Any]) -> str:
        dispatcher = CollectingDispatcher()
        tracker = tracker_factory(slots=slots, intent=intent, text="...", metadata=who)
        assert ActionAskGroupInput().run(dispatcher, tracker, {}) == []
        return _texts(dispatcher)

    assert ask("urgent_concern", LEAD) == render("group_ask_owner").text
    assert ask("share_reflection", LEAD) == ""  # an ordinary turn: the flow has spoken
    assert ask("urgent_concern", OTHER) == ""  # only the lead is asked


# --- a member joins the session's briefing (issue 14) ----------------------------------------


def test_a_member_joining_moves_to_the_sessions_briefing(
    context: Settings,
    tracker_factory: TrackerFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several = dataclasses.replace(context, content_dir=SEVERAL_PACKS_DIR)
    monkeypatch.setattr("actions.context.settings", lambda: several)
    lead = {"pack_id": SECOND_PACK_ID}
    started = tracker_factory(
        slots=lead, intent="start_group_session", text="start a group session", metadata=LEAD
    )
    slots = {**lead, **_slots(ActionStartGroup().run(CollectingDispatcher(), started, {}))}
    planned = CollectingDispatcher()
    tracker = tracker_factory(
        slots={**slots, "group_input": "30 minutes", "requested_slot": "group_input"},
        text="30 minutes",
        metadata=LEAD,
    )
    ValidateGroupForm().validate_group_input("30 minutes", planned, tracker, {})
    token = RECEIPT_TOKEN.search(_texts(planned))
    assert token is not None
    code = reveal_receipts(token.group(0), secret=several.secret)

    dispatcher = CollectingDispatcher()
    member = tracker_factory(
        slots={"point_number": 3, "discussion_status": "in_progress"},
        intent="join_group_session",
        text="join [RECEIPT 1]",
        metadata={**OTHER, "receipts": [typed_receipt(code, secret=several.secret)]},
    )
    events = ActionJoinGroup().run(dispatcher, member, {})

    assert events[0] == SlotSet("pack_id", SECOND_PACK_ID)
    assert SlotSet("discussion_status", None) in events
    joined = _slots(events)
    assert joined["group_role"] == "member" and joined["point_number"] == 1
    assert "Child Q: learning from a rapid review" in _texts(dispatcher)
