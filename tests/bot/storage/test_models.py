from __future__ import annotations

from bot.storage.models import (
    AGENCIES,
    GroupMember,
    GroupMinutes,
    GroupSession,
    Reflection,
    WithdrawalAttempt,
)
from tests.bot.storage.databases import REFLECTION_COLUMNS

IDENTIFYING = {
    "sender",
    "user",
    "ip",
    "address",
    "timestamp",
    "time",
    "conversation",
    "session",
    "name",
}


def test_reflection_columns_are_exactly_the_anonymous_ones() -> None:
    assert tuple(column.name for column in Reflection.__table__.columns) == REFLECTION_COLUMNS


def test_no_reflection_column_could_identify_a_sender() -> None:
    for column in Reflection.__table__.columns:
        assert not IDENTIFYING & set(column.name.split("_")), column.name


def test_withdrawal_attempts_cannot_point_at_a_reflection() -> None:
    names = {column.name for column in WithdrawalAttempt.__table__.columns}
    assert names == {"sender_key", "day", "attempts"}
    assert not WithdrawalAttempt.__table__.foreign_keys


def test_receipt_hash_is_unique_and_text_is_bounded() -> None:
    table = Reflection.__table__
    assert table.c.receipt_hash.unique
    assert table.c.text.type.length == 4000
    assert table.c.agency.nullable


def test_agency_categories_match_the_buttons() -> None:
    assert AGENCIES == (
        "police",
        "health",
        "childrens_social_care",
        "education",
        "early_help",
        "voluntary_sector",
        "other",
    )


def test_minutes_keep_nothing_that_could_identify_anyone() -> None:
    names = {column.name for column in GroupMinutes.__table__.columns}

    assert not {"lead_key", "member_key", "started_at", "last_activity_at"} & names
    for name in names:
        assert not IDENTIFYING & set(name.split("_")), name
    assert GroupMinutes.__table__.c.receipt_hash.unique


def test_a_group_session_keeps_keys_and_times_only_while_live() -> None:
    table = GroupSession.__table__
    for name in ("lead_key", "join_hash", "started_at", "last_activity_at", "point_started_at"):
        assert table.c[name].nullable, name
    checks = {constraint.name for constraint in table.constraints}
    assert "ck_group_sessions_ended_keeps_nothing" in checks
    assert table.c.join_hash.unique


def test_members_are_only_keys_per_session() -> None:
    assert {column.name for column in GroupMember.__table__.columns} == {"session_id", "member_key"}
