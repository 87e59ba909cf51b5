"""Reflection actions: the exact events and messages for writing, saving and withdrawing."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from actions import context as actions_context
from actions.reflection import (
    ActionAnswerUrgentDraft,
    ActionCheckDraft,
    ActionDiscardReflection,
    ActionPreviewReflection,
    ActionSaveReflection,
    ActionShowPrivacy,
    ActionStartReflection,
    ActionWithdrawReflection,
    ValidateReflectionForm,
    ValidateWithdrawForm,
)
from bot.channels.door import Door
from bot.content.messages import render
from bot.content.schema import Pack
from bot.reflections import dialogue
from bot.reflections.receipts import receipt_hash, reveal_receipts
from bot.settings.config import PROJECT_ROOT, Settings
from bot.storage.models import Reflection
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.actions.conftest import fake_add_saved_reflection
from tests.bot.storage.databases import migrated_sqlite_sessions
from tests.conftest import SECOND_PACK_ID, SEVERAL_PACKS_DIR, TrackerFactory, other_code

REFLECTION = "I would ask SPoA about [NAME 1]'s history sooner, and record who I told."
MORE = "Second thought: fathers and new partners need the same curiosity."
CLEARED = [SlotSet("reflection_text", None), SlotSet("reflection_draft", None)]


def saved(point: object = 2.0, text: str = REFLECTION) -> list[dict[str, Any]]:
    """The events after a save: the draft cleared, the text noted for the CPD record."""
    noted = fake_add_saved_reflection(None, point_number=point, text=text)
    return [*CLEARED, SlotSet("reflections_saved", noted)]


CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}")
CODE_IN_TEXT = re.compile(r"\*\*([0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5})\*\*")


def _broken_factory() -> Any:
    raise OperationalError("SELECT 1", {}, Exception("database is locked"))


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sqlite_sessions(tmp_path) as sessions:
        yield sessions


@pytest.fixture
def use_factory(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the actions at a session factory (or a callable standing in for one).

    actions/reflection.py imports ``session_factory`` and ``settings`` by name, so patching
    actions.context alone does not reach it; patch both.
    """

    def use(factory: Any) -> None:
        for module in ("actions.context", "actions.reflection"):
            monkeypatch.setattr(f"{module}.session_factory", lambda: factory, raising=False)

    return use


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    def use(settings: Settings) -> None:
        for module in ("actions.context", "actions.reflection"):
            monkeypatch.setattr(f"{module}.settings", lambda: settings, raising=False)

    return use


@pytest.fixture
def context(
    action_settings: Settings, factory: sessionmaker, use_factory: Any, use_settings: Any
) -> Settings:
    """Test settings and the migrated database, wherever the actions look them up."""
    use_settings(action_settings)
    use_factory(factory)
    return action_settings


def _rows(factory: sessionmaker) -> list[Reflection]:
    with transaction(factory) as session:
        return list(session.execute(select(Reflection)).scalars())


def _count(factory: sessionmaker) -> int:
    with transaction(factory) as session:
        return int(session.execute(select(func.count()).select_from(Reflection)).scalar_one())


def _texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["text"] for message in dispatcher.messages]


def _payloads(message: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in message["buttons"]]


def _user_event(text: str, input_channel: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "input_channel": input_channel, "parse_data": {}}


def _save(
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    *,
    text: str = '/choose_agency{"agency":"police"}',
    agency: str | None = "police",
    draft: str | None = REFLECTION,
    point: float | None = 2.0,
    events: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    tracker = tracker_factory(
        slots={"reflection_draft": draft, "point_number": point},
        intent="choose_agency",
        text=text,
        entities=[{"entity": "agency", "value": agency}] if agency else [],
        events=events,
    )
    return ActionSaveReflection().run(dispatcher, tracker, {})


def test_names() -> None:
    assert ActionStartReflection().name() == "action_start_reflection"
    assert ValidateReflectionForm().name() == "validate_reflection_form"
    assert ActionPreviewReflection().name() == "action_preview_reflection"
    assert ActionCheckDraft().name() == "action_check_draft"
    assert ActionSaveReflection().name() == "action_save_reflection"
    assert ActionDiscardReflection().name() == "action_discard_reflection"
    assert ValidateWithdrawForm().name() == "validate_withdraw_form"
    assert ActionWithdrawReflection().name() == "action_withdraw_reflection"
    assert ActionShowPrivacy().name() == "action_show_privacy"


# --- writing -----------------------------------------------------------------------------------


def test_start_clears_the_draft(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots={"reflection_text": "x", "reflection_draft": REFLECTION})

    events = ActionStartReflection().run(dispatcher, tracker, {})

    assert events == CLEARED
    assert dispatcher.messages == []


def test_validate_accepts_a_first_reflection(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    result = ValidateReflectionForm().validate_reflection_text(
        REFLECTION, dispatcher, tracker_factory(), {}
    )

    # The part is only checked here; action_check_draft joins it to the draft and reads it whole.
    assert result == {"reflection_text": REFLECTION}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("draft", "value", "expected"),
    [
        (None, REFLECTION, REFLECTION),
        ("first", MORE, f"first\n\n{MORE}"),
        (REFLECTION, MORE, f"{REFLECTION}\n\n{MORE}"),
    ],
)
def test_check_draft_appends_the_part_and_asks_for_the_preview(
    context: Settings,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    draft: str | None,
    value: str,
    expected: str,
) -> None:
    tracker = tracker_factory(slots={"reflection_draft": draft, "reflection_text": value})

    events = ActionCheckDraft().run(dispatcher, tracker, {})

    assert events == [
        SlotSet("draft_check", "preview"),
        SlotSet("reflection_text", None),
        SlotSet("reflection_draft", expected),
    ]
    assert dispatcher.messages == []


def test_check_draft_catches_an_identifier_split_over_two_parts(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # Each part passed the door alone: "07700 900" and "123" are harmless fragments.
    tracker = tracker_factory(
        slots={
            "reflection_draft": "I should have rung her mobile, 07700 900",
            "reflection_text": "123, the day after the visit, not waited a week",
        }
    )

    events = ActionCheckDraft().run(dispatcher, tracker, {})

    (draft,) = [e["value"] for e in events if e["name"] == "reflection_draft"]
    assert "900" not in draft and "123" not in draft and "[PHONE 1]" in draft


def test_check_draft_answers_a_live_concern_written_over_two_parts(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={
            "reflection_draft": "This made me think about a family I am working with.",
            "reflection_text": (
                "Mum's ex is back at the house shouting at the kids, they are 3 and 6, "
                "do I need to do anything?"
            ),
        }
    )

    events = ActionCheckDraft().run(dispatcher, tracker, {})

    assert SlotSet("draft_check", "urgent") in events
    assert SlotSet("reflection_draft", None) in events  # nothing of it is kept
    assert dispatcher.messages == []  # the rules say utter_urgent_concern and the contacts


def test_check_draft_refuses_a_part_that_makes_it_too_long_and_keeps_the_draft(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    long_draft = "We discussed the point about fathers at length today. " * 70
    tracker = tracker_factory(
        slots={"reflection_draft": long_draft.strip(), "reflection_text": long_draft.strip()}
    )

    events = ActionCheckDraft().run(dispatcher, tracker, {})

    assert SlotSet("draft_check", "preview") in events
    assert SlotSet("reflection_draft", long_draft.strip()) in events
    assert "longer than a reflection can be" in _texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ok", "reflection_not_a_reflection"),
        ("Thanks.", "reflection_not_a_reflection"),
        ("  ", "reflection_empty"),
        ("[NAME 1] [PLACE 1]", "reflection_placeholder_only"),
    ],
)
def test_validate_rejects_what_is_not_a_reflection(
    context: Settings,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    value: str | None,
    message: str,
) -> None:
    tracker = tracker_factory(slots={"reflection_draft": REFLECTION})

    result = ValidateReflectionForm().validate_reflection_text(value, dispatcher, tracker, {})

    assert result == {"reflection_text": None}
    assert _texts(dispatcher) == [render(message).text]


def test_validate_is_silent_when_the_slot_was_only_cleared(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # action_start_reflection clears the slot; rasa_sdk then validates None: say nothing.
    tracker = tracker_factory(slots={"reflection_draft": None})
    result = ValidateReflectionForm().validate_reflection_text(None, dispatcher, tracker, {})
    assert result == {"reflection_text": None}
    assert dispatcher.messages == []


async def test_the_form_validation_runs_through_rasa_sdk(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    tracker = tracker_factory(
        slots={"reflection_draft": "first", "requested_slot": "reflection_text"},
        text=MORE,
        events=[SlotSet("reflection_text", MORE)],
    )

    events = await ValidateReflectionForm().run(dispatcher, tracker, domain)

    assert SlotSet("reflection_text", MORE) in events
    assert not any(event.get("name") == "reflection_draft" for event in events)


async def test_the_form_validation_rejects_ok_through_rasa_sdk(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    tracker = tracker_factory(
        slots={"reflection_draft": "first", "requested_slot": "reflection_text"},
        text="ok",
        events=[SlotSet("reflection_text", "ok")],
    )

    events = await ValidateReflectionForm().run(dispatcher, tracker, domain)

    assert SlotSet("reflection_text", None) in events
    assert not any(event.get("name") == "reflection_draft" for event in events)
    assert _texts(dispatcher) == [render("reflection_not_a_reflection").text]


def test_preview_shows_the_draft(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    draft = f"{REFLECTION}\n\n{MORE}"
    tracker = tracker_factory(slots={"reflection_draft": draft, "reflection_text": MORE})

    events = ActionPreviewReflection().run(dispatcher, tracker, {})

    assert events == [SlotSet("reflection_text", None), SlotSet("draft_check", None)]
    (message,) = dispatcher.messages
    assert f"> {REFLECTION}\n>\n> {MORE}" in message["text"]
    assert message["text"] == dialogue.preview_message(dialogue.Draft(draft)).text
    assert _payloads(message) == [
        "/save_reflection",
        "/add_to_reflection",
        "/edit_reflection",
        "/discard_reflection",
    ]


# --- saving ------------------------------------------------------------------------------------


def test_save_with_the_agency_from_a_button(
    context: Settings,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    events = _save(tracker_factory, dispatcher)

    assert events == saved()
    (message,) = dispatcher.messages
    # The action only sends a token; the channel reveals the code on its way to the user.
    assert CODE_IN_TEXT.search(message["text"]) is None
    revealed = reveal_receipts(message["text"], secret=context.secret)
    match = CODE_IN_TEXT.search(revealed)
    assert match is not None
    code = match.group(1)
    assert revealed == render("reflection_saved", receipt_code=code).text
    assert _payloads(message) == ["/next_point", "/show_menu"]
    (row,) = _rows(factory)
    assert row.text == REFLECTION
    assert row.agency == "police"
    assert row.point_id == pack.discussion_points[1].id
    assert row.pack_id == pack.id
    assert row.pack_version == pack.version
    assert row.receipt_hash == receipt_hash(code, secret=context.secret)
    assert row.channel_kind == "unknown"  # the tracker has no user event to name a channel


def test_the_same_save_sent_twice_stores_once_with_one_receipt(
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    """A retried or duplicated agency answer: one row, and the same receipt both times."""
    _save(tracker_factory, dispatcher)
    _save(tracker_factory, dispatcher, text="police", agency=None)

    first, again = (message["text"] for message in dispatcher.messages)
    assert first == again
    assert len(_rows(factory)) == 1


@pytest.mark.parametrize(
    ("typed", "agency"),
    [
        ("I'm a nurse", "health"),
        ("our school", "education"),
        ("I'm a PC", "police"),
        ("prefer not to say", None),
        ("something else entirely", None),
    ],
)
def test_save_with_the_agency_typed(
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    typed: str,
    agency: str | None,
) -> None:
    events = _save(tracker_factory, dispatcher, text=typed, agency=None)

    assert events == saved()
    (row,) = _rows(factory)
    assert row.agency == agency


def test_save_with_prefer_not_to_say_from_a_button(
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    _save(
        tracker_factory,
        dispatcher,
        text='/choose_agency{"agency":"prefer_not_to_say"}',
        agency="prefer_not_to_say",
    )

    (row,) = _rows(factory)
    assert row.agency is None


def test_save_shows_a_receipt_code_of_the_right_shape(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    _save(tracker_factory, dispatcher)

    (text,) = _texts(dispatcher)
    assert CODE.findall(text) == []  # never a working code inside Rasa
    codes = CODE.findall(reveal_receipts(text, secret=context.secret))
    assert len(codes) == 1
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", codes[0])


def test_save_records_the_channel_kind_and_general_point(
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    _save(
        tracker_factory,
        dispatcher,
        point=None,
        events=[_user_event('/choose_agency{"agency":"police"}', "socketio")],
    )

    (row,) = _rows(factory)
    assert row.channel_kind == "socketio"
    assert row.point_id == "general"


@pytest.mark.parametrize("draft", ["ok", None])
def test_save_refuses_what_is_not_a_reflection(
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
    draft: str | None,
) -> None:
    events = _save(tracker_factory, dispatcher, draft=draft)

    assert events == CLEARED
    assert _count(factory) == 0
    (text,) = _texts(dispatcher)
    assert CODE.search(text) is None
    assert text in {render("reflection_not_a_reflection").text, render("reflection_empty").text}


def test_a_database_error_is_reported_and_gives_no_receipt(
    context: Settings,
    factory: sessionmaker,
    use_factory: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    use_factory(_broken_factory)

    events = _save(tracker_factory, dispatcher)

    assert events == []  # the draft is kept so Save can be pressed again
    (message,) = dispatcher.messages
    assert message["text"] == render("reflection_save_failed").text
    assert "could not be saved" in message["text"]
    assert CODE.search(message["text"]) is None
    assert _payloads(message) == ["/save_reflection", "/discard_reflection"]
    assert _count(factory) == 0


def test_an_unmigrated_database_is_reported_as_a_failed_save(
    context: Settings,
    tmp_path: Path,
    use_factory: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    use_factory(make_session_factory(engine))
    try:
        events = _save(tracker_factory, dispatcher)
    finally:
        engine.dispose()

    assert events == []
    assert _texts(dispatcher) == [render("reflection_save_failed").text]


def test_discard(
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = tracker_factory(slots={"reflection_draft": REFLECTION}, intent="discard_reflection")

    events = ActionDiscardReflection().run(dispatcher, tracker, {})

    assert events == CLEARED
    (message,) = dispatcher.messages
    assert message["text"] == render("reflection_discarded").text
    assert _payloads(message) == ["/next_point", "/add_reflection", "/show_menu"]
    assert _count(factory) == 0


# --- withdrawing -------------------------------------------------------------------------------


def _stored(factory: sessionmaker, pack: Pack, secret: bytes) -> str:
    receipt = dialogue.save(
        factory=factory,
        pack=pack,
        point_number=1,
        text=REFLECTION,
        agency=None,
        channel_kind="rest",
        secret=secret,
        today=date.today(),
    )
    return receipt.code


def _withdraw(
    tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher, code: str
) -> list[dict[str, Any]]:
    """The action on the message the door made of ``code`` (hashes in its metadata)."""
    door = Door.create(secret=actions_context.settings().secret, payload_values=(), intents=())
    cleaned = door.clean(code)
    tracker = tracker_factory(
        slots={"receipt_code": cleaned.text}, text=cleaned.text, metadata=cleaned.metadata
    )
    return ActionWithdrawReflection().run(dispatcher, tracker, {})


def test_withdraw_with_the_right_code(
    context: Settings,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    code = _stored(factory, pack, context.secret)

    events = _withdraw(tracker_factory, dispatcher, code.lower())

    assert events == [SlotSet("receipt_code", None)]
    assert _texts(dispatcher) == [render("withdraw_done").text]
    assert _count(factory) == 0


def test_withdraw_with_a_wrong_code(
    context: Settings,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    code = _stored(factory, pack, context.secret)
    wrong = other_code(code)  # "0" + code[1:] was sometimes no code at all: a flaky test

    events = _withdraw(tracker_factory, dispatcher, wrong)

    assert events == [SlotSet("receipt_code", None)]
    assert _texts(dispatcher) == [render("withdraw_not_found").text]
    assert _count(factory) == 1


def test_withdraw_uses_the_configured_cap_across_senders(
    context: Settings,
    use_settings: Any,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
) -> None:
    use_settings(dataclasses.replace(context, withdrawal_global_failures_per_day=1))
    code = _stored(factory, pack, context.secret)
    wrong = other_code(code)
    first, second, third = CollectingDispatcher(), CollectingDispatcher(), CollectingDispatcher()

    _withdraw(tracker_factory, first, wrong)
    _withdraw(tracker_factory, second, other_code(code, skip=wrong))
    _withdraw(tracker_factory, third, code)

    assert _texts(first) == [render("withdraw_not_found").text]
    assert _texts(second) == [render("withdraw_too_many").text]
    assert _texts(third) == [render("withdraw_done").text]  # the right code still works
    assert _count(factory) == 0


def test_withdraw_with_something_that_is_not_a_code(
    context: Settings,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    _stored(factory, pack, context.secret)

    events = _withdraw(tracker_factory, dispatcher, "I lost it")

    assert events == [SlotSet("receipt_code", None)]
    assert _texts(dispatcher) == [render("withdraw_not_a_code").text]
    assert _count(factory) == 1


def test_withdraw_survives_a_database_error(
    context: Settings,
    use_factory: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    use_factory(_broken_factory)

    events = _withdraw(tracker_factory, dispatcher, "7K3QF-X9M2D")

    assert events == [SlotSet("receipt_code", None)]
    assert len(dispatcher.messages) == 1


def test_withdraw_database_error_says_nothing_about_saving(
    context: Settings,
    use_factory: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    use_factory(_broken_factory)

    _withdraw(tracker_factory, dispatcher, "7K3QF-X9M2D")

    (message,) = dispatcher.messages
    assert message["text"] != render("reflection_save_failed").text
    assert "/save_reflection" not in _payloads(message)


# --- privacy -----------------------------------------------------------------------------------


def test_show_privacy(
    context: Settings,
    pack: Pack,
    use_settings: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    use_settings(dataclasses.replace(context, retention_days=400, tracker_retention_days=21))

    events = ActionShowPrivacy().run(dispatcher, tracker_factory(intent="ask_privacy"), {})

    assert events == []
    (message,) = dispatcher.messages
    assert "after 400 days" in message["text"]
    assert "after 21 days" in message["text"]
    assert pack.partnership in message["text"]
    assert (
        message["text"]
        == dialogue.privacy_message(pack=pack, retention_days=400, tracker_retention_days=21).text
    )


def test_actions_use_the_settings_the_action_settings_fixture_provides(
    action_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    custom = dataclasses.replace(action_settings, retention_days=123)
    monkeypatch.setattr("actions.context.settings", lambda: custom)

    def refuse(*args: object, **kwargs: object) -> Settings:
        raise AssertionError("the action read the environment instead of the patched settings")

    # If the action bypasses the patch, fail here rather than read .env or write var/secret.key.
    monkeypatch.setattr("actions.context.load_settings", refuse)

    ActionShowPrivacy().run(dispatcher, tracker_factory(intent="ask_privacy"), {})

    assert "after 123 days" in dispatcher.messages[0]["text"]


def test_a_reflection_typed_straight_in_is_previewed_not_saved(
    tracker_factory: Any, dispatcher: CollectingDispatcher
) -> None:
    from actions.reflection import ActionCaptureReflection

    text = "Looking back we never asked mum about her new partner's history"
    tracker = tracker_factory(intent="share_reflection", text=text)
    events = ActionCaptureReflection().run(dispatcher, tracker, {})
    assert events == [SlotSet("reflection_draft", text)]
    assert "exactly what will be saved" in dispatcher.messages[0]["text"]
    assert "/save_reflection" in [b["payload"] for b in dispatcher.messages[0]["buttons"]]


def test_a_throwaway_typed_straight_in_is_not_kept(
    tracker_factory: Any, dispatcher: CollectingDispatcher
) -> None:
    from actions.reflection import ActionCaptureReflection

    events = ActionCaptureReflection().run(
        dispatcher, tracker_factory(intent="share_reflection", text="ok"), {}
    )
    assert events == []
    assert "doesn't look like a reflection" in dispatcher.messages[0]["text"]


def test_an_urgent_draft_gets_999_and_spoa_and_nothing_is_kept(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots={"reflection_draft": REFLECTION, "draft_check": "urgent"})

    events = ActionAnswerUrgentDraft().run(dispatcher, tracker, {})

    assert events == [*CLEARED, SlotSet("draft_check", None)]
    urgent, contacts = dispatcher.messages
    assert urgent["response"] == "utter_urgent_concern"
    assert "01323 464222" in contacts["text"]


def test_a_join_code_given_to_withdraw_joins_the_session_and_withdraws_nothing(
    context: Settings,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    """Join and receipt codes share a shape: a bare code reads as a withdrawal, yet joins."""
    from datetime import datetime, timezone

    from bot.group.flow import GroupFlow, Turn

    stored = _stored(factory, pack, context.secret)
    flow = GroupFlow(factory=factory, pack=pack, settings=context)
    now = datetime.now(timezone.utc)
    lead = Turn("start a group session", "start_group_session", "m_lead", (), "rest", now)
    session = flow.start(lead).session
    assert session is not None
    plan = flow.step(session, dataclasses.replace(lead, text="30 minutes", intent=""))
    shown = "\n".join(reveal_receipts(m.text, secret=context.secret) for m in plan.messages)
    join_code = re.search(r"Join code: ([0-9A-Z]{5}-[0-9A-Z]{5})", shown)
    assert join_code

    door = Door.create(secret=context.secret, payload_values=(), intents=())
    cleaned = door.clean(join_code.group(1))
    metadata = {**(cleaned.metadata or {}), "member": door.member("someone-else")}
    tracker = tracker_factory(
        slots={"receipt_code": cleaned.text}, text=cleaned.text, metadata=metadata
    )
    events = ActionWithdrawReflection().run(dispatcher, tracker, {})

    assert SlotSet("group_session", session) in events
    assert SlotSet("group_role", "member") in events
    assert events[-1] == SlotSet("receipt_code", None)
    assert render("withdraw_done").text not in _texts(dispatcher)
    assert _count(factory) == 1  # the stored reflection is still there
    assert stored


# --- several briefings (issue 14) ------------------------------------------------------------


def test_a_reflection_is_saved_against_the_chosen_briefing_and_its_version(
    context: Settings,
    factory: sessionmaker,
    second_pack: Pack,
    use_settings: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    use_settings(dataclasses.replace(context, content_dir=SEVERAL_PACKS_DIR))
    tracker = tracker_factory(
        slots={"reflection_draft": REFLECTION, "point_number": 1.0, "pack_id": SECOND_PACK_ID},
        intent="choose_agency",
        text='/choose_agency{"agency":"health"}',
        entities=[{"entity": "agency", "value": "health"}],
    )

    assert ActionSaveReflection().run(dispatcher, tracker, {}) == saved(point=1.0)

    (row,) = _rows(factory)
    assert (row.pack_id, row.pack_version) == (SECOND_PACK_ID, "2.1.0")
    assert row.pack_version == second_pack.version
    assert row.point_id == second_pack.discussion_points[0].id


# --- issue 16: the CPD record's reflections, and answering the follow-up -----------------------


def test_a_save_sent_again_notes_the_reflection_once(
    context: Settings, factory: sessionmaker, tracker_factory: TrackerFactory
) -> None:
    first = _save(tracker_factory, CollectingDispatcher())
    again = _save(tracker_factory, CollectingDispatcher(), text="police", agency=None)

    assert first == saved()
    assert again == CLEARED  # the same reflection: nothing new for the CPD record


def test_the_saved_reflection_is_added_to_those_noted_before(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    before = [{"point": 1, "text": MORE}]
    tracker = tracker_factory(
        slots={
            "reflection_draft": f"  {REFLECTION}\n",
            "point_number": 2,
            "reflections_saved": before,
        },
        intent="save_reflection",
    )

    events = ActionSaveReflection().run(dispatcher, tracker, {})

    assert events[-1] == SlotSet("reflections_saved", [*before, {"point": 2, "text": REFLECTION}])


class Answered:
    """A fake bot.followup.service.answered that records the follow-ups taken for an answer."""

    def __init__(self, error: Exception | None = None, *, taken: bool = True) -> None:
        self.error = error
        self.taken = taken
        self.ids: list[str] = []

    def __call__(self, factory: Any, settings: Any, public_id: str) -> bool:
        self.ids.append(public_id)
        if self.error is not None:
            raise self.error
        return self.taken


def _save_answer(tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher) -> Any:
    tracker = tracker_factory(
        slots={"reflection_draft": REFLECTION, "point_number": None, "followup_id": "fu-1"},
        intent="deny",
        text="no thanks",
    )
    return ActionSaveReflection().run(dispatcher, tracker, {})


def test_a_follow_up_answer_is_saved_as_one_and_the_follow_up_is_done(
    monkeypatch: pytest.MonkeyPatch,
    context: Settings,
    factory: sessionmaker,
    pack: Pack,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    answered = Answered()
    monkeypatch.setattr("actions.reflection.followups.answered", answered)

    events = _save_answer(tracker_factory, dispatcher)

    assert events == [*saved(point=None), SlotSet("followup_id", None)]
    (row,) = _rows(factory)
    assert (row.kind, row.text, row.pack_version) == ("followup", REFLECTION, pack.version)
    assert row.point_id == dialogue.point_id_for(pack, None)  # a general answer
    assert answered.ids == ["fu-1"]
    revealed = reveal_receipts(dispatcher.messages[0]["text"], secret=context.secret)
    assert CODE_IN_TEXT.search(revealed) is not None  # the receipt, as for any reflection


def test_a_follow_up_answered_elsewhere_already_keeps_this_answer_as_a_reflection(
    monkeypatch: pytest.MonkeyPatch,
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    """The widget asks in each new conversation: only one answer is the follow-up's (attack)."""
    monkeypatch.setattr("actions.reflection.followups.answered", Answered(taken=False))

    events = _save_answer(tracker_factory, dispatcher)

    assert events[-1] == SlotSet("followup_id", None)
    assert [(row.kind, row.text) for row in _rows(factory)] == [("reflection", REFLECTION)]


def test_a_database_fault_taking_the_follow_up_saves_nothing_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
    context: Settings,
    factory: sessionmaker,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    answered = Answered(OperationalError("DELETE", {}, Exception("database is locked")))
    monkeypatch.setattr("actions.reflection.followups.answered", answered)

    assert _save_answer(tracker_factory, dispatcher) == []  # followup_id and the draft stay
    assert _rows(factory) == []
    assert _texts(dispatcher) == [render("reflection_save_failed").text]


def test_a_failed_save_says_so_and_keeps_the_draft(
    monkeypatch: pytest.MonkeyPatch,
    context: Settings,
    use_factory: Any,
    tracker_factory: TrackerFactory,
    dispatcher: CollectingDispatcher,
) -> None:
    monkeypatch.setattr("actions.reflection.followups.answered", Answered())
    use_factory(_broken_factory)

    assert _save_answer(tracker_factory, dispatcher) == []
    assert _texts(dispatcher) == [render("reflection_save_failed").text]


def test_adding_a_reflection_leaves_the_follow_up_answer(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots={"followup_id": "fu-1"}, intent="add_reflection")

    events = ActionStartReflection().run(dispatcher, tracker, {})

    assert events == [*CLEARED, SlotSet("followup_id", None)]


def test_writing_the_answer_again_keeps_it_a_follow_up_answer(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(slots={"followup_id": "fu-1"}, intent="edit_reflection")

    assert ActionStartReflection().run(dispatcher, tracker, {}) == CLEARED


def test_discarding_the_answer_leaves_the_follow_up(
    context: Settings, tracker_factory: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = tracker_factory(
        slots={"reflection_draft": REFLECTION, "followup_id": "fu-1"}, intent="discard_reflection"
    )

    events = ActionDiscardReflection().run(dispatcher, tracker, {})

    assert events == [*CLEARED, SlotSet("followup_id", None)]
