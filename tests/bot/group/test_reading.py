from __future__ import annotations

import pytest

from bot.group.reading import (
    Command,
    TeamCodeRequest,
    is_question,
    nearest_duration,
    parse_attendance,
    parse_duration,
    read_command,
    read_team_code,
    valid_team_code,
)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("7-minute briefing", 7),
        ("7 minute briefing", 7),
        ("seven minute briefing", 7),
        ("the 7 min one", 7),
        ("7", 7),
        ("30 minutes", 30),
        ("30", 30),
        ("thirty", 30),
        ("half an hour", 30),
        ("we've got about half an hour", 30),
        ("45 mins", 45),
        ("forty-five", 45),
        ("forty five minutes", 45),
        ("three quarters of an hour", 45),
        ("60 minutes", 60),
        ("an hour", 60),
        ("1 hour", 60),
        ("one hour", 60),
        ("a full hour", 60),
        ("sixty", 60),
        ("20 minutes", None),
        ("90 minutes", None),
        ("an hour and a half", None),
        ("two hours", None),
        ("not sure", None),
        ("", None),
    ],
)
def test_parse_duration(typed: str, minutes: int | None) -> None:
    assert parse_duration(typed) == minutes


def test_a_duration_when_starting_needs_a_unit() -> None:
    assert parse_duration("start a group session for the 7 of us", need_unit=True) is None
    assert parse_duration("start a 30 minute group session", need_unit=True) == 30
    assert parse_duration("start a group 7-minute briefing", need_unit=True) == 7


@pytest.mark.parametrize(
    ("text", "intent", "command"),
    [
        ("next", "next_point", Command.NEXT),
        ("next", "", Command.NEXT),
        ("/next_point", "next_point", Command.NEXT),
        ("/previous_point", "", Command.BACK),
        ("/finish_group_session", "finish_group_session", Command.FINISH),
        ("let's go on to the next one", "next_point", Command.NEXT),  # says "next one"
        ("on to the next", "next_point", Command.NEXT),
        ("back please", "previous_point", Command.BACK),
        ("skip", "", Command.SKIP),
        ("repeat that", "", Command.REPEAT),
        ("Finish.", "", Command.FINISH),
        ("how long?", "", Command.HOW_LONG),
        ("how are we doing for time", "", Command.HOW_LONG),
        ("how many have joined?", "group_status", Command.STATUS),
        ("pause", "", Command.PAUSE),
        ("yes", "affirm", Command.YES),
        ("No more actions", "", Command.NO),
        ("we rarely ask how long the partner has lived there", "", None),
        # Five words the classifier calls next_point, with no word of moving on: a note.
        ("Partners rarely checked before closure", "next_point", None),
        ("the [NAME 1] next door", "next_point", None),
        ("don't skip the chronology", "skip_point", None),
        ("previous point was about DA", "previous_point", None),
        ("Next steps: audit", "next_point", None),
        ("ok next one", "next_point", Command.NEXT),
        ("can we skip this", "skip_point", Command.SKIP),
        ("Partners are rarely checked before closing cases", "next_point", None),
        ("a note", "", None),
    ],
)
def test_read_command(text: str, intent: str, command: Command | None) -> None:
    assert read_command(text, intent) is command


def test_an_answer_is_a_command_only_by_payload_or_phrase_when_intents_are_limited() -> None:
    assert read_command("next supervision", "next_point", intents=frozenset()) is None
    assert read_command("end of January", "stop_discussion", intents=frozenset()) is None
    assert read_command("/finish_group_session", "", intents=frozenset()) is Command.FINISH
    assert read_command("no more actions", "", intents=frozenset()) is Command.NO
    none_agreed = read_command("we did not agree any", "deny", intents=frozenset({Command.NO}))
    assert none_agreed is Command.NO


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("team code ABC12", TeamCodeRequest("ABC12")),
        ("Team code: cp-east.", TeamCodeRequest("CP-EAST")),
        ("our team code is FS2", TeamCodeRequest("FS2")),
        ("set the team code to 'csc-north'", TeamCodeRequest("CSC-NORTH")),
        ("team code [REFERENCE 1]", TeamCodeRequest(None)),
        ("team code x", TeamCodeRequest(None)),
        ("team code a-very-long-team-code-indeed", TeamCodeRequest(None)),
        ("team code -AB", TeamCodeRequest(None)),
        ("team code two words", TeamCodeRequest(None)),
        ("we should agree a team code for referrals", None),
        ("the team coded it wrongly", None),
    ],
)
def test_read_team_code(typed: str, expected: TeamCodeRequest | None) -> None:
    assert read_team_code(typed) == expected


def test_a_default_team_code_is_validated() -> None:
    assert valid_team_code(" cp-east ") == "CP-EAST"
    assert valid_team_code("C") is None
    assert valid_team_code("no spaces allowed") is None


@pytest.mark.parametrize(
    ("typed", "counts"),
    [
        (
            "4 social care, 2 police, a health visitor",
            {"childrens_social_care": 4, "police": 2, "health": 1},
        ),
        ("police 2, social care 4", {"police": 2, "childrens_social_care": 4}),
        ("police x2, health x 3", {"police": 2, "health": 3}),
        ("Children’s Social Care: 3; Police: 1", {"childrens_social_care": 3, "police": 1}),
        ("two teachers and a school nurse", {"education": 2, "health": 1}),
        ("3 social workers and a social work manager", {"childrens_social_care": 4}),
        ("4 from social care", {"childrens_social_care": 4}),
        (
            "12 people: 5 social care, 4 health, 3 education",
            {"childrens_social_care": 5, "health": 4, "education": 3},
        ),
        ("early help 2\nvoluntary sector 1", {"early_help": 2, "voluntary_sector": 1}),
        ("a probation officer and two others", {"other": 3}),
        ("no police", {"police": 0}),
        ("0 health", {"health": 0}),
        ("everyone came", {}),
        ("7", {}),
    ],
)
def test_parse_attendance(typed: str, counts: dict[str, int]) -> None:
    assert parse_attendance(typed) == counts


def test_attendance_counts_are_capped() -> None:
    assert parse_attendance("999 police and 5 police") == {"police": 999}


# --- longer commands that say what they ask for (blind set, in-session run) --------------------


@pytest.mark.parametrize(
    ("text", "intent", "command"),
    [
        ("go to the next point please", "next_point", Command.NEXT),
        ("carry on to the next point", "next_point", Command.NEXT),
        ("can we go back to the last one", "previous_point", Command.BACK),
        ("hang on, back to the point before", "previous_point", Command.BACK),
        ("wrap up please and send me the minutes", "finish_group_session", Command.FINISH),
        ("we're out of time, finish up", "finish_group_session", Command.FINISH),
        ("close group supervision", "start_group_session", Command.FINISH),
        ("end now and summarise", "stop_discussion", Command.FINISH),
        # Notes that sound like commands stay notes.
        ("next steps discussed - more joint visits with police", "next_point", None),
        ("agreed we need to move on from relying on mum to protect", "next_point", None),
        ("we agreed to close the case sooner after the strategy meeting", "deny", None),
        ("each practitioner to audit a case by the end of the month", "finish_group_session", None),
    ],
)
def test_a_longer_command_needs_its_cue(text: str, intent: str, command: Command | None) -> None:
    assert read_command(text, intent) is command


def test_a_cued_command_still_respects_the_stage() -> None:
    assert read_command("go to the next point please", "next_point", intents=frozenset()) is None


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("who sees what we write here?", True),
        ("is this anonymous", True),
        ("can someone get support after this", True),
        ("good practice noted: the school nurse kept really detailed records", False),
        ("6 social workers and 2 family support workers", False),
    ],
)
def test_is_question(text: str, question: bool) -> None:
    assert is_question(text) is question


@pytest.mark.parametrize(
    ("typed", "counts"),
    [
        ("4 SW, 1 IRO", {"childrens_social_care": 5}),
        ("5 CP team, 2 LAC, 2 fostering", {"childrens_social_care": 9}),
        ("2 HVs, a school nurse and 3 DSLs", {"health": 3, "education": 3}),
        ("1 PPU sergeant and 2 family workers", {"police": 1, "early_help": 2}),
    ],
)
def test_attendance_knows_practitioners_shorthand(typed: str, counts: dict[str, int]) -> None:
    assert parse_attendance(typed) == counts


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [
        ("ten minutes", (7, 10)),
        ("about 40", (45, 40)),
        ("90 minutes", (60, 90)),
        ("we have 2 hours", (60, 120)),
        ("3 of us", None),
        ("hello", None),
    ],
)
def test_a_time_between_the_plans_gets_the_closest(
    typed: str, nearest: tuple[int, int] | None
) -> None:
    assert nearest_duration(typed) == nearest
