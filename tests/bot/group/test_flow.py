"""The group session state machine, driven as the actions will, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.content.messages import render
from bot.content.schema import Pack
from bot.group import views
from bot.group.documents import summary_message
from bot.group.flow import GroupFlow, PackLookup, Reply, Turn
from bot.group.keys import join_hash
from bot.group.links import download_links
from bot.group.minutes import Minutes
from bot.group.plan import make_plan
from bot.group.service import load_minutes
from bot.reflections import dialogue
from bot.reflections.receipts import (
    RECEIPT_TOKEN,
    new_receipt_code,
    reveal_receipts,
    typed_receipt,
)
from bot.safety.views import urgent_contacts_message
from bot.settings.config import Settings
from bot.storage.models import (
    GroupAction,
    GroupAttendance,
    GroupMember,
    GroupMinutes,
    GroupNote,
    GroupSession,
    WithdrawalAttempt,
)
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.group import walkthrough
from tests.bot.storage.databases import TestDatabase
from tests.settings import TEST_SECRET, make_settings

START = datetime(2026, 12, 8, 14, 0, tzinfo=timezone.utc)
LEAD = "m_lead"
MEMBER = "m_member"
OTHER = "m_other"
NOTE = "We rarely ask who else is living in the household"
URGENT = "a boy in my class says he is scared to go home tonight"
CHECK = "I have a case like this at the moment"


def text_of(reply: Reply) -> list[str]:
    return [message.text for message in reply.messages]


@dataclass
class Driver:
    """Talks to GroupFlow as the actions do: a new GroupFlow per message, a clock in minutes."""

    factory: sessionmaker
    pack: Pack
    settings: Settings
    session: str = ""
    join_code: str = ""
    minute: float = 0
    replies: list[Reply] = field(default_factory=list)
    packs: PackLookup | None = None

    def flow(self) -> GroupFlow:
        return GroupFlow(
            factory=self.factory, pack=self.pack, settings=self.settings, packs=self.packs
        )

    def turn(
        self,
        text: str,
        *,
        intent: str = "",
        member: str = LEAD,
        at: float | None = None,
        receipts: tuple[str, ...] = (),
    ) -> Turn:
        if at is not None:
            self.minute = at
        now = START + timedelta(minutes=self.minute)
        return Turn(text, intent, member, receipts, "teams", now)

    def keep(self, reply: Reply) -> Reply:
        self.replies.append(reply)
        return reply

    def start(self, text: str = "start a group session", **kwargs: object) -> Reply:
        team_code = kwargs.pop("team_code", None)
        turn = self.turn(text, intent="start_group_session", **kwargs)  # type: ignore[arg-type]
        reply = self.keep(self.flow().start(turn, team_code=team_code))  # type: ignore[arg-type]
        self.session = reply.session or ""
        return reply

    def plan(self, duration: str = "30 minutes") -> Reply:
        self.start()
        reply = self.say(duration)
        found = RECEIPT_TOKEN.search(reply.messages[0].text)
        assert found is not None
        self.join_code = reveal_receipts(found.group(0), secret=self.settings.secret)
        return reply

    def say(self, text: str, **kwargs: object) -> Reply:
        return self.keep(self.flow().step(self.session, self.turn(text, **kwargs)))  # type: ignore[arg-type]

    def join(self, member: str = MEMBER, code: str | None = None, **kwargs: object) -> Reply:
        typed = typed_receipt(code or self.join_code, secret=self.settings.secret)
        turn = self.turn(
            "join [RECEIPT 1]",
            intent="join_group_session",
            member=member,
            receipts=(typed,),
            **kwargs,  # type: ignore[arg-type]
        )
        return self.keep(self.flow().join(turn))

    def resume(
        self,
        member: str = LEAD,
        session: str | None = None,
        conversation_role: str | None = None,
        **kwargs: object,
    ) -> Reply:
        turn = self.turn(
            "resume the group session", intent="resume_group_session", member=member, **kwargs
        )  # type: ignore[arg-type]
        flow = self.flow()
        return self.keep(
            flow.resume(session or self.session, turn, conversation_role=conversation_role)
        )

    def status(self, member: str = LEAD) -> Reply:
        turn = self.turn("how many have joined?", intent="group_status", member=member)
        return self.keep(self.flow().status(self.session, turn))

    def row(self) -> GroupSession:
        with transaction(self.factory) as db:
            found: GroupSession = db.execute(
                select(GroupSession).where(GroupSession.public_id == self.session)
            ).scalar_one()
            return found

    def count(self, table: type) -> int:
        with transaction(self.factory) as db:
            return int(db.execute(select(func.count()).select_from(table)).scalar_one())

    def to_actions(self) -> None:
        """Plan, then finish the points early and confirm attendance."""
        self.plan()
        self.say("finish", intent="finish_group_session")
        self.say("3 social care, a health visitor")
        self.say("/affirm", intent="affirm")

    def close(self) -> Reply:
        return self.say("/finish_group_session", intent="finish_group_session")

    def minutes(self, reply: Reply) -> Minutes:
        assert reply.minutes is not None
        with transaction(self.factory) as db:
            found = load_minutes(db, reply.minutes)
        assert found is not None
        return found


@pytest.fixture
def driver(factory: sessionmaker, pack: Pack) -> Driver:
    return Driver(factory, pack, make_settings())


# --- start and the plan ------------------------------------------------------------------------


def test_start_asks_how_long_and_makes_no_join_code_yet(driver: Driver, pack: Pack) -> None:
    reply = driver.start()

    assert text_of(reply) == [render("group_ask_duration", briefing_title=pack.title).text]
    assert [b["payload"] for b in reply.messages[0].buttons] == [
        "7-minute briefing",
        "30 minutes",
        "45 minutes",
        "60 minutes",
    ]
    assert (reply.role, reply.listening, reply.point_number) == ("lead", True, None)
    row = driver.row()
    assert row.status == "live" and row.stage == "duration"
    assert row.lead_key and len(row.lead_key) == 64 and LEAD not in row.lead_key
    assert row.join_hash is None and row.started_at is not None


def test_start_needs_to_know_who_is_leading(driver: Driver) -> None:
    reply = driver.start(member="")

    assert text_of(reply) == [render("group_no_member").text]
    assert reply.session is None and not reply.listening
    assert driver.count(GroupSession) == 0


def test_start_with_a_duration_plans_at_once(driver: Driver, pack: Pack) -> None:
    reply = driver.start("start a 45 minute group session")

    assert reply.messages[0].text.startswith("**Facilitation plan: 45 minutes**")
    assert reply.messages[1].text.startswith("**Point 1 of 4**")
    assert reply.point_number == 1


def test_a_bare_number_when_starting_is_not_a_duration(driver: Driver) -> None:
    reply = driver.start("start a group session for the 7 of us")

    assert reply.messages[0].text == render("group_ask_duration", briefing_title="x").text.replace(
        "**x**", f"**{driver.pack.title}**"
    )


def test_a_default_team_code_is_checked(driver: Driver) -> None:
    driver.start(team_code="cp-east")
    assert driver.row().team_code == "CP-EAST"

    with pytest.raises(ValueError, match="team_code"):
        driver.start(team_code="not a code!")


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("7-minute briefing", 7),
        ("seven minute briefing", 7),
        ("7", 7),
        ("30 minutes", 30),
        ("half an hour", 30),
        ("45", 45),
        ("forty-five minutes", 45),
        ("an hour", 60),
        ("60 minutes", 60),
    ],
)
def test_each_duration_gets_its_plan_and_the_first_point(
    driver: Driver, pack: Pack, typed: str, minutes: int
) -> None:
    reply = driver.plan(typed)

    plan = make_plan(minutes, len(pack.discussion_points))
    found = RECEIPT_TOKEN.search(reply.messages[0].text)
    assert found is not None
    assert reply.messages[0] == views.plan_message(pack, plan, join_code=found.group(0))
    assert reply.messages[1] == views.point_message(pack, pack.discussion_points[0], plan)
    assert (reply.point_number, reply.listening) == (1, True)
    assert driver.row().planned_minutes == minutes


def test_no_length_at_all_is_asked_again(driver: Driver) -> None:
    driver.start()
    reply = driver.say("not sure yet")

    assert text_of(reply) == [render("group_duration_unknown").text]
    assert driver.row().stage == "duration"


def test_the_join_code_travels_as_a_token_and_only_its_keyed_hash_is_stored(
    driver: Driver,
) -> None:
    reply = driver.plan()

    assert driver.join_code not in reply.messages[0].text  # only the channel reveals it
    typed = typed_receipt(driver.join_code, secret=TEST_SECRET)
    assert driver.row().join_hash == join_hash(typed, secret=TEST_SECRET)


def test_the_point_shows_learning_links_and_the_packs_prompts(driver: Driver, pack: Pack) -> None:
    text = driver.plan().messages[1].text
    point = pack.discussion_points[0]

    assert point.question in text
    assert all(item.title in text for item in point.learning)
    assert all(link.url in text for link in point.links)
    assert all(prompt in text for prompt in point.prompts)


# --- joining -----------------------------------------------------------------------------------


def test_a_member_joins_once_and_is_told_where_the_group_is(driver: Driver, pack: Pack) -> None:
    driver.plan()

    first = driver.join()
    again = driver.join()

    assert first.messages[0] == render(
        "group_joined", briefing_title=pack.title, partnership=pack.partnership
    )
    assert again.messages[0] == render("group_joined_again")
    for reply in (first, again):
        assert (reply.session, reply.role, reply.listening) == (driver.session, "member", False)
        assert reply.point_number == 1
        assert reply.messages[-1].text.startswith("**Point 1 of 4**")
        assert "/add_reflection" in [b["payload"] for b in reply.messages[-1].buttons]
    assert driver.count(GroupMember) == 1
    assert text_of(driver.status())[0] == render("group_status", joined="1").text


def test_the_lead_sees_how_many_joined_never_who(driver: Driver) -> None:
    driver.plan()
    driver.join(MEMBER)
    driver.join(OTHER)

    status = driver.status()
    assert text_of(status) == [
        render("group_status", joined="2").text,
        render(
            "group_how_long",
            elapsed="0 minutes",
            total="30 minutes",
            point_elapsed="0 minutes",
            point_planned="5 minutes",
        ).text,
    ]
    with transaction(driver.factory) as db:
        keys = db.execute(select(GroupMember.member_key)).scalars().all()
    assert all(MEMBER not in key and OTHER not in key and len(key) == 64 for key in keys)


def test_join_without_a_code_or_a_member(driver: Driver) -> None:
    driver.plan()
    no_code = driver.flow().join(driver.turn("join", member=MEMBER))
    nobody = driver.join(member="")

    assert text_of(no_code) == [render("group_join_no_code").text]
    assert text_of(nobody) == [render("group_no_member").text]
    assert driver.count(GroupMember) == 0


def test_a_wrong_code_gets_a_clear_answer(driver: Driver) -> None:
    driver.plan()
    reply = driver.join(code=new_receipt_code())

    assert text_of(reply) == [render("group_join_not_found").text]
    assert (reply.session, reply.role) == (None, None)


def test_the_code_of_an_expired_or_closed_session_no_longer_works(driver: Driver) -> None:
    driver.plan()
    code = driver.join_code
    idle = driver.settings.group_session_idle_minutes

    expired = driver.join(code=code, at=idle + 1)

    assert text_of(expired) == [render("group_join_not_found").text]
    driver.to_actions()
    driver.close()
    assert text_of(driver.join(code=driver.join_code)) == [render("group_join_not_found").text]


def test_join_failures_are_limited_per_member_per_day(driver: Driver) -> None:
    driver.plan()
    for _ in range(5):
        assert text_of(driver.join(code=new_receipt_code())) == [
            render("group_join_not_found").text
        ]

    refused = driver.join()  # even the right code
    other = driver.join(OTHER)

    assert text_of(refused) == [render("group_join_too_many").text]
    assert other.role == "member"
    tomorrow = driver.join(at=24 * 60)  # the session has expired by then: a clean "not found"
    assert text_of(tomorrow) == [render("group_join_not_found").text]


def test_join_failures_are_capped_across_everyone(factory: sessionmaker, pack: Pack) -> None:
    driver = Driver(factory, pack, make_settings(group_join_global_failures_per_day=2))
    driver.plan()
    driver.join("m_a", code=new_receipt_code())
    driver.join("m_b", code=new_receipt_code())

    assert text_of(driver.join("m_c", code=new_receipt_code())) == [
        render("group_join_too_many").text
    ]
    # Others' failures never lock out a member with the right code (no day-long DoS).
    assert render("group_join_too_many").text not in text_of(driver.join("m_d"))


def test_join_failures_do_not_use_up_withdrawals(driver: Driver) -> None:
    driver.plan()
    driver.join(code=new_receipt_code())

    with transaction(driver.factory) as db:
        keys = set(db.execute(select(WithdrawalAttempt.sender_key)).scalars())
    assert "all-joiners" in keys and "all-senders" not in keys
    assert all(key == "all-joiners" or key.startswith("j_") for key in keys)


# --- only the lead moves the session on --------------------------------------------------------


def test_a_members_next_is_refused_politely_and_changes_nothing(driver: Driver) -> None:
    driver.plan()
    before = driver.row()

    nxt = driver.say("next", intent="next_point", member=MEMBER, at=3)
    note = driver.say(NOTE, member=MEMBER)
    finish = driver.say("/finish_group_session", intent="finish_group_session", member=MEMBER)

    for reply in (nxt, note, finish):
        assert text_of(reply) == [render("group_lead_only").text]
        assert reply.refused  # the action keeps the conversation's slots as they are
        assert (reply.session, reply.role, reply.listening) == (driver.session, "lead", True)
    after = driver.row()
    assert (after.point_number, after.stage) == (1, "points")
    assert after.last_activity_at == before.last_activity_at
    assert driver.count(GroupNote) == 0


def test_a_message_without_a_member_hash_is_nobodys(driver: Driver) -> None:
    driver.plan()

    assert text_of(driver.say("next", intent="next_point", member="")) == [
        render("group_lead_only").text
    ]
    assert driver.row().point_number == 1


def test_join_typed_in_the_group_chat_points_to_the_members_own_chat(driver: Driver) -> None:
    driver.plan()
    typed = typed_receipt(driver.join_code, secret=TEST_SECRET)

    reply = driver.say(
        "join [RECEIPT 1]", intent="join_group_session", member=MEMBER, receipts=(typed,)
    )

    assert text_of(reply) == [render("group_join_in_own_chat").text]
    assert driver.count(GroupMember) == 0


def test_status_is_for_the_lead_only(driver: Driver) -> None:
    driver.plan()

    assert text_of(driver.status(MEMBER)) == [render("group_lead_only").text]


# --- points and notes --------------------------------------------------------------------------


def test_each_note_is_confirmed_with_the_count(driver: Driver) -> None:
    driver.plan()

    first = driver.say(NOTE, at=1)
    second = driver.say("Police checks on new partners are rarely asked for", at=2)

    assert text_of(first) == ["Noted — 1 note on point 1. Add more, or say *next*."]
    assert text_of(second) == ["Noted — 2 notes on point 1. Add more, or say *next*."]
    assert driver.count(GroupNote) == 2


def test_a_long_note_the_classifier_calls_next_point_is_a_note(driver: Driver) -> None:
    driver.plan()

    reply = driver.say(
        "We move on to the next case too quickly without checking", intent="next_point"
    )

    assert text_of(reply)[0].startswith("Noted — 1 note on point 1")
    assert driver.row().point_number == 1


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("ok", "group_not_a_note"),
        ("thanks", "group_not_a_note"),
        ("[NAME 1] [PHONE 1]", "group_note_placeholder_only"),
    ],
)
def test_nothing_is_noted_that_says_nothing(driver: Driver, typed: str, key: str) -> None:
    driver.plan()

    assert text_of(driver.say(typed)) == [render(key).text]
    assert driver.count(GroupNote) == 0


def test_a_note_too_long_is_refused(driver: Driver) -> None:
    driver.plan()

    reply = driver.say("word " * 1000)

    assert text_of(reply) == [render("group_note_too_long", limit="1500").text]
    assert driver.count(GroupNote) == 0


def test_next_back_repeat_skip_and_the_first_point(driver: Driver, pack: Pack) -> None:
    driver.plan()
    plan = make_plan(30, 4)

    def point(number: int) -> views.Message:
        return views.point_message(pack, pack.discussion_points[number - 1], plan)

    assert driver.say("back", intent="previous_point").messages == (
        render("group_first_point"),
        point(1),
    )
    assert driver.say("/next_point", intent="next_point").messages == (point(2),)
    assert driver.say("repeat", intent="repeat_point").messages == (point(2),)
    assert driver.say("skip", intent="skip_point").messages == (render("group_skipped"), point(3))
    assert driver.say("go back").messages == (point(2),)
    assert driver.row().point_number == 2


def test_finish_early_goes_to_attendance(driver: Driver) -> None:
    driver.plan()

    reply = driver.say("finish", intent="finish_group_session")

    assert text_of(reply) == [render("group_ask_attendance").text]
    assert driver.row().stage == "attendance"


def test_the_timing_hint_comes_once_per_point_when_it_runs_over(driver: Driver) -> None:
    driver.plan()  # at minute 0; point 1 has 5 minutes

    in_time = driver.say(NOTE, at=4)
    over = driver.say("Second point about new partners and checks", at=9.2)
    again = driver.say("Third point about information sharing with mum", at=12)
    driver.say("next", intent="next_point", at=12)
    next_point = driver.say("A note on the second point after a while", at=18)

    hint = render("group_timing_hint", over="4 minutes")
    assert hint not in in_time.messages
    assert over.messages[-1] == hint
    assert len(again.messages) == 1
    assert next_point.messages[-1] == render("group_timing_hint", over="1 minute")


def test_how_long_says_the_time_used(driver: Driver) -> None:
    driver.plan()

    reply = driver.say("how long have we got?", at=8)

    assert text_of(reply) == [
        render(
            "group_how_long",
            elapsed="8 minutes",
            total="30 minutes",
            point_elapsed="8 minutes",
            point_planned="5 minutes",
        ).text
    ]


def test_team_code_can_be_given_any_time_and_is_checked(driver: Driver) -> None:
    driver.plan()

    ok = driver.say("team code fs-2")
    bad = driver.say("team code [REFERENCE 1]")

    assert text_of(ok) == [render("group_team_code_set", team_code="FS-2").text]
    assert text_of(bad) == [render("group_team_code_invalid").text]
    assert driver.row().team_code == "FS-2"


def test_start_again_while_running_shows_where_it_is(driver: Driver) -> None:
    driver.plan()

    reply = driver.say("start a group session", intent="start_group_session")

    assert reply.messages[0] == render("group_already_running")
    assert reply.messages[1].text.startswith("**Point 1 of 4**")


# --- safety: nothing minuted from a live concern ----------------------------------------------


@pytest.mark.parametrize("typed", [URGENT, CHECK])
def test_a_live_concern_typed_mid_session_is_answered_and_not_minuted(
    driver: Driver, pack: Pack, typed: str
) -> None:
    driver.plan()

    reply = driver.say(typed, intent="inform")

    assert reply.urgent
    assert reply.messages == (render("group_concern_not_minuted"), urgent_contacts_message(pack))
    assert (reply.role, reply.listening) == ("lead", True)
    assert driver.count(GroupNote) == 0
    driver.say("finish", intent="finish_group_session")
    driver.say("/skip_point", intent="skip_point")
    minutes = driver.minutes(driver.close())
    assert all(typed not in note for point in minutes.points for note in point.notes)


def test_a_concern_in_an_action_is_not_kept_either(driver: Driver) -> None:
    driver.to_actions()

    reply = driver.say(URGENT)

    assert reply.urgent and driver.count(GroupAction) == 0


def test_a_members_concern_in_the_group_chat_gets_the_urgent_answer(driver: Driver) -> None:
    driver.plan()

    reply = driver.say(URGENT, member=MEMBER)

    assert reply.urgent and reply.refused and driver.count(GroupNote) == 0


# --- attendance --------------------------------------------------------------------------------


def test_attendance_is_echoed_and_can_be_corrected(driver: Driver) -> None:
    driver.plan()
    driver.join()
    driver.say("finish", intent="finish_group_session")

    first = driver.say("4 social care, 2 police, a health visitor")
    corrected = driver.say("no police and 3 social care")
    unclear = driver.say("hmm let me think")

    assert first.messages == (
        views.attendance_check_message(
            {"childrens_social_care": 4, "police": 2, "health": 1}, joined=1
        ),
    )
    expected = views.attendance_check_message({"childrens_social_care": 3, "health": 1}, joined=1)
    assert corrected.messages == (expected,)
    assert unclear.messages == (expected,)
    assert "4 children's social care, 2 police" not in expected.text
    again = driver.say("/deny", intent="deny")
    assert text_of(again) == [render("group_ask_attendance").text]
    assert driver.count(GroupAttendance) == 0


def test_attendance_without_counts_is_asked_again_and_can_be_skipped(driver: Driver) -> None:
    driver.plan()
    driver.say("finish", intent="finish_group_session")

    unclear = driver.say("everyone came")
    skipped = driver.say("/skip_point", intent="skip_point")

    assert text_of(unclear) == [render("group_attendance_unclear").text]
    assert text_of(skipped) == [render("group_ask_first_action").text]


# --- actions and the minutes -------------------------------------------------------------------


def test_an_action_is_asked_field_by_field_and_answers_are_not_commands(driver: Driver) -> None:
    driver.to_actions()

    asked = [
        driver.say("Add background checks on new partners to the assessment template"),
        driver.say("team manager"),
        driver.say("next supervision", intent="next_point"),
        driver.say("Audit of ten assessments shows the check", intent="stop_discussion"),
    ]

    assert [reply.messages[0] for reply in asked] == [
        render("group_ask_owner"),
        render("group_ask_by_when"),
        render("group_ask_measure"),
        render("group_action_recorded", number="1"),
    ]
    with transaction(driver.factory) as db:
        row = db.execute(select(GroupAction)).scalar_one()
        assert (row.owner_role, row.by_when) == ("team manager", "next supervision")


def test_an_owner_must_be_a_role_not_a_name(driver: Driver) -> None:
    driver.to_actions()
    driver.say("Book a session on the procedures manual")

    assert text_of(driver.say("[NAME 1]")) == [render("group_owner_needs_role").text]
    assert driver.row().stage == "action_owner"


def test_finishing_in_the_middle_of_an_action_asks_to_finish_it(driver: Driver) -> None:
    driver.to_actions()
    driver.say("Book a session on the procedures manual")

    reply = driver.close()

    assert reply.messages == (render("group_finish_action_first"), render("group_ask_owner"))
    assert driver.row().status == "live"


def _full_session(driver: Driver) -> Reply:
    driver.plan()
    driver.say("team code cp-east")
    driver.join()
    driver.say(NOTE, at=2)
    driver.say("Police checks on new partners are rarely asked for", at=4)
    driver.say("next", intent="next_point", at=6)
    driver.say("skip", intent="skip_point", at=7)
    driver.say("Fathers are often not invited to the assessment", at=9)
    driver.say("finish", intent="finish_group_session", at=12)
    driver.say("4 social care, 2 police, a health visitor", at=13)
    driver.say("/affirm", intent="affirm", at=14)
    driver.say("Add background checks on new partners to the template", at=15)
    driver.say("team manager", at=16)
    driver.say("end of January", at=17)
    driver.say("Audit of ten assessments shows the check", at=18)
    return driver.close()


def test_minutes_with_actions(driver: Driver, pack: Pack) -> None:
    reply = _full_session(driver)
    minutes = driver.minutes(reply)

    assert (reply.session, reply.role, reply.listening) == (None, None, False)
    links = download_links(driver.settings, reply.minutes or "", now=START + timedelta(minutes=18))
    assert reply.messages[0] == summary_message(minutes, links)
    assert links.pdf in reply.messages[0].text
    assert minutes.iso_week == "2026-W50" and minutes.team_code == "CP-EAST"
    assert (minutes.planned_minutes, minutes.duration_minutes) == (30, 18)
    assert {a.agency: a.count for a in minutes.attendance} == {
        "childrens_social_care": 4,
        "police": 2,
        "health": 1,
    }
    assert minutes.attendance_total == 7 and minutes.joined_count == 1
    assert [p.notes for p in minutes.points] == [
        (NOTE, "Police checks on new partners are rarely asked for"),
        (),
        ("Fathers are often not invited to the assessment",),
        (),
    ]
    assert [p.covered for p in minutes.points] == [True, False, True, False]
    assert minutes.points[0].prompts_used == pack.discussion_points[0].prompts
    assert minutes.points[3].prompts_used == ()
    assert [p.planned_minutes for p in minutes.points] == [5, 5, 5, 5]
    [action] = minutes.actions
    assert (action.owner_role, action.by_when) == ("team manager", "end of January")
    assert action.measure == "Audit of ten assessments shows the check"


def test_minutes_without_actions_say_so(driver: Driver) -> None:
    driver.to_actions()

    reply = driver.say("/deny", intent="deny")
    minutes = driver.minutes(reply)

    assert minutes.actions == ()
    assert render("minutes_summary_no_actions").text in reply.messages[0].text
    assert render("minutes_team_not_given").text in reply.messages[0].text


def test_no_actions_typed_is_understood(driver: Driver) -> None:
    driver.to_actions()

    assert driver.say("no actions").minutes is not None


def test_closing_keeps_the_minutes_and_nothing_else(driver: Driver) -> None:
    reply = _full_session(driver)

    row = driver.row()
    assert (row.status, row.stage) == ("closed", "closed")
    assert row.lead_key is None and row.join_hash is None
    assert row.started_at is None and row.last_activity_at is None
    for table in (GroupNote, GroupAction, GroupAttendance, GroupMember):
        assert driver.count(table) == 0, table
    with transaction(driver.factory) as db:
        stored = db.execute(select(GroupMinutes)).scalar_one()
        assert stored.public_id == reply.minutes and stored.group_ref == driver.session
        assert stored.created_week_start == date(2026, 12, 7) and stored.iso_week == "2026-W50"
        assert LEAD not in stored.body and MEMBER not in stored.body
        # Everything but a portal copy's disclosure k (set only when the portal renders them).
        assert set(json.loads(stored.body)) == set(dataclasses.asdict(driver.minutes(reply))) - {
            "disclosure_k"
        }
    assert text_of(driver.say("next", intent="next_point")) == [render("group_ended").text]


def test_the_receipt_withdraws_the_minutes(driver: Driver) -> None:
    reply = _full_session(driver)
    found = RECEIPT_TOKEN.search(reply.messages[-1].text)
    assert found is not None
    code = reveal_receipts(found.group(0), secret=TEST_SECRET)
    assert code not in reply.messages[-1].text

    def withdraw(typed_code: str) -> str:
        return dialogue.withdraw(
            factory=driver.factory,
            receipts=(typed_receipt(typed_code, secret=TEST_SECRET),),
            sender_id="s_someone",
            secret=TEST_SECRET,
            today=date(2026, 12, 8),
        ).text

    assert withdraw(driver.join_code) == render("withdraw_not_found").text  # not a receipt
    assert withdraw(code) == render("withdraw_minutes_done").text
    assert driver.count(GroupMinutes) == 0
    assert withdraw(code) == render("withdraw_not_found").text


# --- pause, resume, restart, expiry ------------------------------------------------------------


def test_pause_and_resume(driver: Driver) -> None:
    driver.plan()
    driver.say("next", intent="next_point")

    paused = driver.say("stop", intent="stop_discussion")
    resumed = driver.resume(at=30)

    assert text_of(paused) == [render("group_paused", idle="4 hours").text]
    assert not paused.listening and paused.session == driver.session
    assert resumed.messages[0] == render("group_resumed")
    assert resumed.messages[1].text.startswith("**Point 2 of 4**")
    assert (resumed.role, resumed.listening, resumed.point_number) == ("lead", True, 2)


def test_resume_after_every_process_restarts(
    driver: Driver, database: TestDatabase, pack: Pack
) -> None:
    driver.plan()
    driver.join()
    driver.say(NOTE)
    driver.say("next", intent="next_point")

    engine = make_engine(database.url)  # a new process: new engine, new GroupFlow
    try:
        restarted = dataclasses.replace(driver, factory=make_session_factory(engine))
        lead = restarted.resume(at=60)
        member = restarted.resume(MEMBER)
        stranger = restarted.resume(OTHER)
        note = restarted.say("Contact arrangements are agreed once and not reviewed")
    finally:
        engine.dispose()

    assert not lead.refused and not member.refused and stranger.refused
    assert lead.messages[1] == views.point_message(
        pack, pack.discussion_points[1], make_plan(30, 4)
    )
    assert (lead.role, lead.listening) == ("lead", True)
    assert member.role == "member" and member.messages[0] == render("group_joined_again")
    assert text_of(stranger) == [render("group_lead_only").text]
    assert text_of(note)[0].startswith("Noted — 1 note on point 2")


def test_a_member_resuming_in_the_leads_conversation_is_refused(driver: Driver) -> None:
    driver.plan()
    driver.join()

    reply = driver.resume(MEMBER, conversation_role="lead")

    assert text_of(reply) == [render("group_lead_only").text] and reply.refused


def test_a_members_status_question_is_refused_without_touching_slots(driver: Driver) -> None:
    driver.plan()
    driver.join()

    reply = driver.status(MEMBER)

    assert reply.refused and text_of(reply) == [render("group_lead_only").text]


def test_resume_with_nothing_to_resume(driver: Driver) -> None:
    assert text_of(driver.resume(session="no-such-session")) == [render("group_no_session").text]
    assert text_of(driver.flow().step("", driver.turn("next"))) == [render("group_no_session").text]


def test_an_abandoned_session_expires_and_keeps_nothing(driver: Driver) -> None:
    driver.plan()
    driver.join()
    driver.say(NOTE, at=10)
    idle = driver.settings.group_session_idle_minutes

    driver.start(member=OTHER, at=10 + idle + 1)  # any call expires idle sessions first
    driver.session = driver.replies[0].session or ""

    row = driver.row()
    assert (row.status, row.stage) == ("expired", "closed")
    assert row.lead_key is None and row.join_hash is None and row.last_activity_at is None
    assert driver.count(GroupNote) == 0 and driver.count(GroupMember) == 0
    assert driver.count(GroupMinutes) == 0
    assert text_of(driver.say("next", intent="next_point")) == [render("group_ended").text]
    assert text_of(driver.resume()) == [render("group_ended").text]


def test_expiry_counts_from_the_leads_last_message(driver: Driver) -> None:
    driver.plan()
    idle = driver.settings.group_session_idle_minutes

    driver.say(NOTE, at=idle - 10)
    reply = driver.say("Police checks on new partners are rarely asked for", at=idle + 30)

    assert text_of(reply)[0].startswith("Noted — 2 notes")


# --- the walk-through --------------------------------------------------------------------------


def test_a_whole_thirty_minute_session(
    factory: sessionmaker, pack: Pack, database: TestDatabase
) -> None:
    """Four points in 30 minutes; ``pytest -s`` prints the transcript quoted in the closing note.

    The stored copy (tests/bot/group/data/transcript_30min.txt) is regenerated with
    ``.venv/bin/python -m tests.bot.group.walkthrough``; this test fails when they differ.
    """
    result = walkthrough.run(factory, pack, make_settings())
    print("\n" + result.text)

    minutes = result.minutes
    assert minutes is not None
    assert [len(point.notes) for point in minutes.points] == [3, 2, 1, 0]
    assert [point.covered for point in minutes.points] == [True, True, True, False]
    assert len(minutes.actions) == 2 and minutes.joined_count == 1
    assert minutes.attendance_total == 8 and minutes.team_code == "CP-EAST"
    assert all(URGENT not in line for line in json.dumps(minutes.to_dict()).splitlines())
    if database.backend == "sqlite":
        assert result.text == walkthrough.TRANSCRIPT.read_text(encoding="utf-8")


# --- attack round (issue 12): the documented commands and answers work as typed ---------------


def test_a_date_for_by_when_is_asked_for_in_words_and_the_step_stays(driver: Driver) -> None:
    driver.to_actions()
    driver.say("Book a session on the procedures manual")
    driver.say("team manager")

    assert text_of(driver.say("by [DATE 1]")) == [render("group_when_in_words").text]
    assert driver.row().stage == "action_when"
    driver.say("end of March")
    assert driver.row().stage == "action_measure"


def test_the_seven_minute_button_plans_whatever_the_classifier_calls_it(
    factory: sessionmaker, pack: Pack
) -> None:
    driver = Driver(factory, pack, make_settings())
    driver.start()

    reply = driver.say("7-minute briefing", intent="start_group_session")

    assert "Facilitation plan: 7 minutes" in "\n".join(text_of(reply))


@pytest.mark.parametrize(
    "typed", ["finish early", "Finish early", "let's finish early", "we're done"]
)
def test_finish_early_as_typed_finishes(driver: Driver, typed: str) -> None:
    driver.plan()

    assert text_of(driver.say(typed))[0].startswith("**Attendance.**")


def test_a_point_keeps_at_most_thirty_notes(driver: Driver) -> None:
    driver.plan()
    for n in range(30):
        driver.say(f"key point number {n} about sharing information")

    assert text_of(driver.say("one more key point about sharing")) == [
        render("group_notes_full", limit="30").text
    ]
    assert driver.count(GroupNote) == 30


def test_a_team_code_is_set_whatever_the_classifier_calls_it(driver: Driver) -> None:
    driver.plan()

    reply = driver.say("team code CP-EAST", intent="start_group_session")

    assert text_of(reply) == [render("group_team_code_set", team_code="CP-EAST").text]
    assert driver.row().team_code == "CP-EAST"


def test_no_and_an_agency_corrects_attendance_rather_than_wiping_it(driver: Driver) -> None:
    driver.plan()
    driver.say("/finish_group_session", intent="finish_group_session")
    driver.say("3 police and 2 health visitors")

    reply = driver.say("no health", intent="deny")

    assert "Police 3" in text_of(reply)[0] and "Health" not in text_of(reply)[0]
    assert driver.row().stage == "attendance_check"


def test_a_time_between_the_plans_is_planned_to_the_closest(
    factory: sessionmaker, pack: Pack
) -> None:
    driver = Driver(factory, pack, make_settings())
    driver.start()

    said = text_of(driver.say("about 40 minutes"))

    assert said[0] == render("group_duration_closest", planned="45", asked="40").text
    assert "Facilitation plan: 45 minutes" in said[1]


@pytest.mark.parametrize("typed", ["1000 police", "-3 health", "minus two police"])
def test_an_implausible_headcount_is_asked_again(driver: Driver, typed: str) -> None:
    driver.plan()
    driver.say("/finish_group_session", intent="finish_group_session")

    assert text_of(driver.say(typed)) == [render("group_attendance_unclear").text]
    assert driver.row().stage == "attendance"


# --- a session is on the briefing it was started with (issue 14) -----------------------------


def test_members_and_minutes_follow_the_sessions_briefing_not_their_own(
    factory: sessionmaker, pack: Pack, second_pack: Pack
) -> None:
    """The lead started on Child Q; every later call comes from a conversation on Child Z."""
    packs = {pack.id: pack, second_pack.id: second_pack}
    lead = Driver(factory, second_pack, make_settings())
    lead.plan()
    # From now on each GroupFlow is built with the caller's own briefing (Child Z).
    lead.pack, lead.packs = pack, packs.get

    joined = lead.join()
    urgent = lead.say(URGENT)
    lead.say("finish", intent="finish_group_session")
    lead.say("/skip_point", intent="skip_point")
    closed = lead.close()

    assert joined.pack_id == second_pack.id
    assert second_pack.title in joined.messages[0].text
    assert second_pack.discussion_points[0].question in "\n".join(text_of(joined))
    assert "0113 496 0000" in "\n".join(text_of(urgent))
    assert "01323 464222" not in "\n".join(text_of(urgent))
    minutes = lead.minutes(closed)
    assert (minutes.pack_id, minutes.pack_version) == (second_pack.id, second_pack.version)
    assert len(minutes.points) == len(second_pack.discussion_points)


def test_a_session_whose_pack_is_gone_carries_on_with_the_callers(
    factory: sessionmaker, pack: Pack, second_pack: Pack
) -> None:
    lead = Driver(factory, second_pack, make_settings())
    lead.plan()
    lead.pack, lead.packs = pack, {}.get

    assert lead.join().pack_id == pack.id
