"""The reflection conversation: what counts as a reflection, previews, saving and withdrawing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.channels.door import Door
from bot.content.messages import render
from bot.content.schema import Pack
from bot.reflections import dialogue
from bot.reflections.receipts import receipt_hash
from bot.reflections.service import WITHDRAWAL_FAILURES_PER_DAY, Receipt
from bot.storage.models import MAX_TEXT_LENGTH, GroupMinutes, Reflection
from bot.storage.session import transaction
from tests.bot.storage.databases import migrated_sqlite_sessions
from tests.conftest import other_code

SECRET = b"dialogue-test-secret-0123456789ab"
TODAY = date(2026, 11, 26)  # 2026-W48
SENDER = "s_" + "a" * 64
REFLECTION = "I would ask SPoA about [NAME 1]'s history sooner, and record who I told."
PREVIEW_PAYLOADS = [
    "/save_reflection",
    "/add_to_reflection",
    "/edit_reflection",
    "/discard_reflection",
]
CODE_SHAPE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}")


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker]:
    with migrated_sqlite_sessions(tmp_path) as sessions:
        yield sessions


def _rows(factory: sessionmaker) -> list[Reflection]:
    with transaction(factory) as session:
        return list(session.execute(select(Reflection)).scalars())


def _count(factory: sessionmaker) -> int:
    with transaction(factory) as session:
        return int(session.execute(select(func.count()).select_from(Reflection)).scalar_one())


def _save(factory: sessionmaker, pack: Pack, **overrides: object) -> Receipt:
    arguments: dict[str, object] = {
        "factory": factory,
        "pack": pack,
        "point_number": 2,
        "text": REFLECTION,
        "agency": "health",
        "channel_kind": "socketio",
        "secret": SECRET,
        "today": TODAY,
    }
    arguments.update(overrides)
    return dialogue.save(**arguments)  # type: ignore[arg-type]


def _withdraw(factory: sessionmaker, code_text: str, **overrides: object) -> str:
    """Withdraw with what the door makes of ``code_text`` (the keyed hashes of its codes)."""
    door = Door.create(secret=SECRET, payload_values=(), intents=())
    arguments: dict[str, object] = {
        "factory": factory,
        "receipts": door.clean(code_text).receipts if code_text.strip() else (),
        "sender_id": SENDER,
        "secret": SECRET,
        "today": TODAY,
    }
    arguments.update(overrides)
    return dialogue.withdraw(**arguments).text  # type: ignore[arg-type]


def _other_code(code: str) -> str:
    """A well-formed code that is not ``code``."""
    return other_code(code)


# --- what counts as a reflection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "reflection_empty"),
        ("   \n ", "reflection_empty"),
        ("ok", "reflection_not_a_reflection"),
        ("OK.", "reflection_not_a_reflection"),
        ("yes", "reflection_not_a_reflection"),
        ("thanks", "reflection_not_a_reflection"),
        ("Thank you!", "reflection_not_a_reflection"),
        ("/next_point", "reflection_not_a_reflection"),
        ('/choose_agency{"agency":"police"}', "reflection_not_a_reflection"),
        ("[NAME 1] [PLACE 1]", "reflection_placeholder_only"),
        ("good point", "reflection_not_a_reflection"),
        ("Ask SPoA", "reflection_not_a_reflection"),
    ],
)
def test_check_reflection_rejects(text: str, message: str) -> None:
    with pytest.raises(dialogue.NotAReflection) as refused:
        dialogue.check_reflection(text)

    assert refused.value.message == render(message)
    assert str(refused.value) == render(message).text


def test_check_reflection_rejects_text_over_the_limit() -> None:
    text = ("We should ask SPoA. " * 300)[: MAX_TEXT_LENGTH + 1]

    with pytest.raises(dialogue.NotAReflection) as refused:
        dialogue.check_reflection(text)

    assert refused.value.message == render("reflection_too_long", limit=str(MAX_TEXT_LENGTH))
    assert "4000" in refused.value.message.text


@pytest.mark.parametrize(
    "text",
    [
        REFLECTION,
        "Fathers matter too.",
        "[NAME 1] told me about the new partner, and I would now share that with SPoA.",
        ("We should ask SPoA. " * 300)[:MAX_TEXT_LENGTH],
    ],
)
def test_check_reflection_accepts_a_real_reflection(text: str) -> None:
    dialogue.check_reflection(text)


def test_not_a_reflection_is_a_value_error() -> None:
    assert issubclass(dialogue.NotAReflection, ValueError)


# --- typed agency answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "agency"),
    [
        ("I'm a PC", "police"),
        ("police", "police"),
        ("nhs", "health"),
        ("I'm a health visitor", "health"),
        ("our school", "education"),
        ("I'm the DSL", "education"),
        ("children's social care", "childrens_social_care"),
        ("Children’s Social Care", "childrens_social_care"),
        ("social worker", "childrens_social_care"),
        ("early help", "early_help"),
        ("a local charity", "voluntary_sector"),
        ("other agency", "other"),
        ("prefer not to say", dialogue.PREFER_NOT_TO_SAY),
        ("I'd rather not", dialogue.PREFER_NOT_TO_SAY),
        ("something else entirely", None),
        ("another agency", None),
        ("my mother", None),
        ("", None),
        ("/save_reflection", None),
    ],
)
def test_find_agency(answer: str, agency: str | None) -> None:
    assert dialogue.find_agency(answer) == agency


# --- the draft and the preview -----------------------------------------------------------------


def test_draft_add() -> None:
    assert dialogue.Draft("").add("  first  ") == dialogue.Draft("first")
    assert dialogue.Draft("first").add("second") == dialogue.Draft("first\n\nsecond")
    assert dialogue.Draft("first\n\nsecond").add("third").text == "first\n\nsecond\n\nthird"


def test_draft_is_immutable() -> None:
    draft = dialogue.Draft("first")

    longer = draft.add("second")

    assert draft.text == "first"
    assert longer is not draft


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_point_id_for_each_discussion_point(pack: Pack, number: int) -> None:
    assert dialogue.point_id_for(pack, number) == pack.discussion_points[number - 1].id


@pytest.mark.parametrize("number", [None, 0, 99, -1, 5, "2", 2.5e10])
def test_point_id_outside_the_discussion_is_general(pack: Pack, number: object) -> None:
    assert dialogue.point_id_for(pack, number) == dialogue.GENERAL_POINT_ID == "general"


def test_point_id_for_a_float_slot_value(pack: Pack) -> None:
    # Rasa's float slots hold 2.0, not 2.
    assert dialogue.point_id_for(pack, 2.0) == pack.discussion_points[1].id


def test_preview_quotes_every_line() -> None:
    draft = dialogue.Draft("First line about SPoA.\nSecond line.\n\nAfter a blank line.")

    preview = dialogue.preview_message(draft)

    assert "> First line about SPoA.\n> Second line.\n>\n> After a blank line." in preview.text
    for line in draft.text.splitlines():
        assert (f"> {line}" if line else ">") in preview.text.splitlines()


def test_preview_offers_save_add_more_write_again_and_discard() -> None:
    preview = dialogue.preview_message(dialogue.Draft(REFLECTION))

    assert [button["payload"] for button in preview.buttons] == PREVIEW_PAYLOADS
    assert [button["title"] for button in preview.buttons] == [
        "Save",
        "Add more",
        "Write it again",
        "Discard",
    ]


def test_preview_shows_braces_in_the_text_literally() -> None:
    preview = dialogue.preview_message(dialogue.Draft("We used {receipt_code} as a test {0}."))

    assert "> We used {receipt_code} as a test {0}." in preview.text


# --- saving ------------------------------------------------------------------------------------


def test_save_stores_the_point_pack_and_agency(factory: sessionmaker, pack: Pack) -> None:
    receipt = _save(factory, pack)

    (row,) = _rows(factory)
    assert row.text == REFLECTION
    assert row.point_id == pack.discussion_points[1].id
    assert row.pack_id == pack.id == "esscp-child-z"
    assert row.pack_version == pack.version
    assert row.agency == "health"
    assert row.channel_kind == "socketio"
    assert row.iso_week == "2026-W48"
    assert row.receipt_hash == receipt_hash(receipt.code, secret=SECRET)
    assert CODE_SHAPE.fullmatch(receipt.code)
    assert receipt.iso_week == "2026-W48"


@pytest.mark.parametrize("agency", [dialogue.PREFER_NOT_TO_SAY, None, "fire_service", ""])
def test_save_without_a_known_agency_stores_none(
    factory: sessionmaker, pack: Pack, agency: str | None
) -> None:
    _save(factory, pack, agency=agency)

    (row,) = _rows(factory)
    assert row.agency is None


def test_save_outside_the_discussion_is_general(factory: sessionmaker, pack: Pack) -> None:
    _save(factory, pack, point_number=None)

    (row,) = _rows(factory)
    assert row.point_id == "general"


@pytest.mark.parametrize("text", ["ok", "", "[NAME 1] [PLACE 1]"])
def test_save_refuses_what_is_not_a_reflection(
    factory: sessionmaker, pack: Pack, text: str
) -> None:
    with pytest.raises(dialogue.NotAReflection):
        _save(factory, pack, text=text)

    assert _count(factory) == 0


def test_receipt_message_shows_the_code() -> None:
    message = dialogue.receipt_message(Receipt(code="7K3QF-X9M2D", iso_week="2026-W48"))

    assert "**7K3QF-X9M2D**" in message.text
    assert message == render("reflection_saved", receipt_code="7K3QF-X9M2D")
    assert [button["payload"] for button in message.buttons] == ["/next_point", "/show_menu"]


# --- withdrawing -------------------------------------------------------------------------------


def test_withdraw_with_the_right_code_deletes(factory: sessionmaker, pack: Pack) -> None:
    receipt = _save(factory, pack)

    reply = _withdraw(factory, receipt.code)

    assert reply == render("withdraw_done").text
    assert _count(factory) == 0


def test_withdraw_accepts_the_code_as_typed(factory: sessionmaker, pack: Pack) -> None:
    receipt = _save(factory, pack)

    reply = _withdraw(factory, f"  '{receipt.code.lower().replace('-', ' ')}' ")

    assert reply == render("withdraw_done").text
    assert _count(factory) == 0


def test_withdraw_with_a_wrong_code_deletes_nothing(factory: sessionmaker, pack: Pack) -> None:
    receipt = _save(factory, pack)

    reply = _withdraw(factory, _other_code(receipt.code))

    assert reply == render("withdraw_not_found").text
    assert _count(factory) == 1


@pytest.mark.parametrize("malformed", ["", "hello", "7K3QF", "UUUUU-UUUUU"])
def test_withdraw_with_a_malformed_code(factory: sessionmaker, pack: Pack, malformed: str) -> None:
    _save(factory, pack)

    reply = _withdraw(factory, malformed)

    assert reply == render("withdraw_not_a_code").text
    assert _count(factory) == 1


def test_withdraw_refuses_after_too_many_failures(factory: sessionmaker, pack: Pack) -> None:
    receipt = _save(factory, pack)
    wrong = _other_code(receipt.code)
    for _ in range(WITHDRAWAL_FAILURES_PER_DAY):
        assert _withdraw(factory, wrong) == render("withdraw_not_found").text

    assert _withdraw(factory, wrong) == render("withdraw_too_many").text
    # Even the right code is refused for the rest of the day, and nothing is deleted.
    assert _withdraw(factory, receipt.code) == render("withdraw_too_many").text
    assert _count(factory) == 1
    # Another sender, or the same sender tomorrow, is not blocked.
    assert _withdraw(factory, wrong, sender_id="s_" + "b" * 64) == (
        render("withdraw_not_found").text
    )
    tomorrow = TODAY + timedelta(days=1)
    assert _withdraw(factory, receipt.code, today=tomorrow) == render("withdraw_done").text
    assert _count(factory) == 0


def test_receipts_in_takes_only_well_formed_hashes() -> None:
    good = "a" * 64
    metadata = {"receipts": [good, "not-a-hash", 42, "A" * 64]}

    assert dialogue.receipts_in(metadata) == (good,)
    assert dialogue.receipts_in(None) == ()
    assert dialogue.receipts_in({"receipts": "a" * 64}) == ()


def test_withdraw_applies_the_configured_cap_across_senders(
    factory: sessionmaker, pack: Pack
) -> None:
    receipt = _save(factory, pack)
    wrong = _other_code(receipt.code)

    door = Door.create(secret=SECRET, payload_values=(), intents=())

    def attempt(code: str, sender: int) -> str:
        return dialogue.withdraw(
            factory=factory,
            receipts=door.clean(code).receipts,
            sender_id=f"s_{sender:064x}",
            secret=SECRET,
            today=TODAY,
            global_failures_per_day=2,
        ).text

    assert [attempt(wrong, sender) for sender in range(3)] == [
        render("withdraw_not_found").text,
        render("withdraw_not_found").text,
        render("withdraw_too_many").text,
    ]
    # The right code still works past the cap (others' failures are no lock-out).
    assert attempt(receipt.code, 99) == render("withdraw_done").text
    assert _count(factory) == 0


def test_withdraw_finds_the_code_in_a_sentence(factory: sessionmaker, pack: Pack) -> None:
    receipt = _save(factory, pack)

    reply = _withdraw(factory, f"my code is {receipt.code}")

    assert reply == render("withdraw_done").text
    assert _count(factory) == 0


# --- privacy -----------------------------------------------------------------------------------


def test_privacy_message_names_retention_and_the_partnership(pack: Pack) -> None:
    message = dialogue.privacy_message(pack=pack, retention_days=400, tracker_retention_days=21)

    assert "after 400 days" in message.text
    assert "after 21 days" in message.text
    assert pack.partnership in message.text
    assert [button["payload"] for button in message.buttons] == ["/show_menu"]


# --- after "is this about a child you are worried about now?" -> no -----------------------


def test_after_check_while_writing_joins_the_draft_and_previews_it(pack: Pack) -> None:
    outcome = dialogue.after_concern_check(
        pack=pack, text="the partner had previous", drafting=True, draft="We never asked."
    )

    assert outcome.draft == "We never asked.\n\nthe partner had previous"
    (preview,) = outcome.messages
    assert preview == dialogue.preview_message(dialogue.Draft(outcome.draft))


def test_after_check_while_writing_refuses_a_throwaway_message(pack: Pack) -> None:
    outcome = dialogue.after_concern_check(pack=pack, text="ok", drafting=True, draft="")

    assert outcome.draft is None
    assert outcome.messages == (render("reflection_not_a_reflection"),)


@pytest.mark.parametrize(
    "text", ["should I be ringing someone about this?", "what do I do if dad has a record", ""]
)
def test_after_check_a_question_gets_the_front_door(pack: Pack, text: str) -> None:
    outcome = dialogue.after_concern_check(pack=pack, text=text, drafting=False, draft="")

    assert outcome.draft is None
    (message,) = outcome.messages
    assert message.text.startswith("**Referring a child")


def test_after_check_a_statement_is_offered_as_a_reflection_not_saved(pack: Pack) -> None:
    text = "I have a case a bit like this one"
    outcome = dialogue.after_concern_check(pack=pack, text=text, drafting=False, draft="old")

    # The old draft is not mixed in: this text was not typed into the reflection.
    assert outcome.draft == text
    offer, preview = outcome.messages
    assert offer == render("concern_check_offer")
    assert f"> {text}" in preview.text


# --- the whole draft is read again when a part is added ------------------------------------


def test_a_reflection_added_to_a_reflection_is_previewed_whole() -> None:
    decision = dialogue.check_draft(
        previous="We rarely ask who else lives in the house.",
        added="Next time I will ask at every visit and write it down.",
    )
    assert decision.outcome is dialogue.DraftCheck.PREVIEW
    assert decision.draft == (
        "We rarely ask who else lives in the house.\n\n"
        "Next time I will ask at every visit and write it down."
    )


@pytest.mark.parametrize(
    ("previous", "added"),
    [
        (
            "This briefing made me think of a family I'm working with.",
            "Dad's new partner is back at the house hitting the kids, they're 3 and 6. "
            "What do I do?",
        ),
        (
            "Reading point 2 I thought of one of my lads, he's 9.",
            "He told me today his stepdad beats him and he doesn't want to go home tonight.",
        ),
    ],
)
def test_a_live_concern_written_over_two_parts_is_answered_never_previewed(
    previous: str, added: str
) -> None:
    decision = dialogue.check_draft(previous=previous, added=added)
    assert decision.outcome is dialogue.DraftCheck.URGENT
    assert decision.draft == ""


def test_a_possible_concern_is_asked_about_once_and_the_earlier_draft_kept() -> None:
    previous = "The point about new partners is one for our whole team."
    added = "I've got a family like this at the moment."
    decision = dialogue.check_draft(previous=previous, added=added)
    assert decision.outcome is dialogue.DraftCheck.CHECK
    assert decision.draft == previous
    # Once the practitioner has said it is not about a child now, it is previewed.
    answered = dialogue.check_draft(previous=previous, added=added, checked=True)
    assert answered.outcome is dialogue.DraftCheck.PREVIEW
    assert added in answered.draft


def test_withdraw_with_a_minutes_receipt_says_the_minutes_went(factory: sessionmaker) -> None:
    code = "7K3QF-X9M2D"
    with transaction(factory) as session:
        session.add(
            GroupMinutes(
                public_id="m1",
                pack_id="esscp-child-z",
                pack_version="1.0.0",
                iso_week="2026-W48",
                created_week_start=date(2026, 11, 23),
                body="{}",
                receipt_hash=receipt_hash(code, secret=SECRET),
            )
        )

    assert _withdraw(factory, code) == render("withdraw_minutes_done").text
    assert _withdraw(factory, code) == render("withdraw_not_found").text


def test_save_tags_a_reflection_with_its_group_session(factory: sessionmaker, pack: Pack) -> None:
    _save(factory, pack, group_ref="g-session-1")

    with transaction(factory) as session:
        assert session.execute(select(Reflection.group_ref)).scalar_one() == "g-session-1"


def test_is_throwaway() -> None:
    assert dialogue.is_throwaway(" OK! ")
    assert not dialogue.is_throwaway("We should check partners")
